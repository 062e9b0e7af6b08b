/*
 * Named and anonymous volumes in nerdctl's layout: <data store>/volumes/<namespace>/<name>/
 * holds volume.json ({"labels": {...}}) and _data/, the directory containers mount.
 *
 * How `run`/`create` use this module:
 *   - `-v NAME:/path[:ro]` and `--mount type=volume,src=NAME,dst=/path`:
 *       volume_prepare_for_mount(store, ns, NAME, rootfs, "/path", &name, &src, &err)
 *     creates NAME if missing and, when the volume is NEW or still EMPTY, copies the image's
 *     content at rootfs + /path into it (Docker's copy-up); then bind mount src on /path.
 *   - `-v /path` or an image VOLUME: the same with name NULL (anonymous: a new 64-hex name).
 *     Record anonymous names in the nerdctl/anonymous-volumes label (JSON array of names) so
 *     `rm -v` can remove them with volume_remove.
 *   - Record every mount in the nerdctl/mounts label (JSON array of Docker MountPoints:
 *     {"Type":"volume","Name":N,"Source":S,"Destination":D,"Driver":"local","Mode":"",
 *     "RW":true,"Propagation":""}); volume_users() reads it (and nerdctl/anonymous-volumes)
 *     to refuse removing a volume in use.
 *   - rootfs: a directory holding the container's root filesystem (e.g. the snapshot's
 *     mounts mounted on a temporary dir), or NULL to skip the copy-up.
 */
#pragma once

#include <stdbool.h>
#include <jansson.h>

#include "base/err.h"
#include "base/strv.h"

struct ctd;

struct volume {
	char *name;
	char *mountpoint;	/* .../_data */
	char *created_at;	/* RFC 3339 of the volume dir's mtime... ctime */
	json_t *labels;		/* object, never NULL */
	bool anonymous;		/* 64 hex name */
};

void volume_free(struct volume *v);
void volume_list_free(struct volume **l);
DEFINE_CLEANUP_FUNC(volume_freep, struct volume *, volume_free)
#define _cleanup_volume_ _cleanup_(volume_freep)

/*
 * Docker's rule [a-zA-Z0-9][a-zA-Z0-9_.-]+: ERR_INVALID "volume name is too short, names
 * should be at least two alphanumeric characters" or "\"NAME\" includes invalid characters
 * for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended
 * to pass a host directory, use absolute path".
 */
int volume_name_check(const char *name, struct err **errp);

/*
 * Creates the volume (name NULL: anonymous). labels: "k=v" strings or NULL. An existing
 * volume is returned as is (Docker: create is idempotent), labels unchanged.
 * *ret (may be NULL) is new.
 */
int volume_create(const char *store, const char *ns, const char *name, char *const *labels,
		  struct volume **ret, struct err **errp);
/* ERR_NOT_FOUND "no such volume: NAME". */
int volume_get(const char *store, const char *ns, const char *name, struct volume **ret,
	       struct err **errp);
/* All volumes of ns sorted by name; *ret NULL-terminated, free with volume_list_free. */
int volume_list(const char *store, const char *ns, struct volume ***ret, struct err **errp);
/* Removes the volume and its data. ERR_NOT_FOUND when absent. Does not check usage. */
int volume_remove(const char *store, const char *ns, const char *name, struct err **errp);
/*
 * Names/ids of the containers in c's namespace whose nerdctl/mounts or
 * nerdctl/anonymous-volumes labels reference the volume (appended to *ret, "name" when
 * nerdctl/name is set, else the id).
 */
int volume_users(struct ctd *c, const char *name, struct strv *ret, struct err **errp);
/* Names of all volumes referenced by any container of c's namespace (for prune/dangling). */
int volume_used_names(struct ctd *c, struct strv *ret, struct err **errp);
/* Size in bytes of the _data tree (for `ls -s`/inspect Size); -1 on error. */
long long volume_size(const struct volume *v);
/* Docker's `volume inspect` JSON (new reference). */
json_t *volume_inspect_json(const struct volume *v);

/*
 * For a container mount: creates/looks up the volume (name NULL: anonymous) and, if it was
 * just created or its _data is empty, copies rootfs/ctr_path into it (owners, modes, links,
 * xattrs where possible). *ret_name and *ret_source (the _data path) are new.
 */
int volume_prepare_for_mount(const char *store, const char *ns, const char *name,
			     const char *rootfs, const char *ctr_path, char **ret_name,
			     char **ret_source, struct err **errp);
