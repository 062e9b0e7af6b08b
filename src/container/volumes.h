/*
 * A container's volumes: -v/--mount volume requests, --volumes-from and the image's VOLUMEs
 * resolved to host directories (store/volume.h, with Docker's copy-up), the nerdctl/mounts
 * and nerdctl/anonymous-volumes labels, and removal of anonymous volumes with the container.
 */
#pragma once

#include <jansson.h>

#include "base/err.h"
#include "base/strv.h"
#include "container/container.h"
#include "oci/spec.h"

struct container_volumes {
	struct strv anonymous;	/* anonymous volumes made for this container (label, undo) */
	json_t *mounts;		/* Docker MountPoints (nerdctl/mounts), array */
};
#define CONTAINER_VOLUMES_INIT { STRV_INIT, NULL }
void container_volumes_release(struct container_volumes *v);

/*
 * Adds the mounts of --volumes-from containers ("NAME[:ro|:rw]") and the image config's
 * Volumes (anonymous) that no user mount already covers, then creates or looks up every
 * volume of oo->mounts and sets its host_path. rootfs: the image's root filesystem for the
 * copy-up into new or empty volumes, or NULL. Anonymous volumes made are listed in
 * ret->anonymous even on failure (the caller removes them).
 */
int container_volumes_prepare(struct container_env *env, struct oci_opts *oo,
			      json_t *image_config, const struct strv *volumes_from,
			      const char *rootfs, struct container_volumes *ret,
			      struct err **errp);

/* Whether the container would need volumes (so the caller mounts rootfs for the copy-up). */
bool container_volumes_wanted(const struct oci_opts *oo, json_t *image_config,
			      const struct strv *volumes_from);

/*
 * rm -v and --rm: removes the anonymous volumes of r's nerdctl/anonymous-volumes label
 * that no other container uses (call after r's record is gone).
 */
int container_remove_anonymous_volumes(struct container_env *env, const CtdContainer *r,
				       struct err **errp);
