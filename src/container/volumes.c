/* A container's volume mounts: resolution at create, labels, anonymous volume removal. */
#include <string.h>

#include "base/json.h"
#include "base/xalloc.h"
#include "container/labels.h"
#include "container/volumes.h"
#include "store/volume.h"
#include "base/banned.h"

#define LABEL_MAX (1 << 20)

void
container_volumes_release(struct container_volumes *v)
{
	strv_release(&v->anonymous);
	json_decref(v->mounts);
	v->mounts = NULL;
}

/* "/data" and "/data/" are one target. */
static bool
same_target(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	while (la > 1 && a[la - 1] == '/')
		la--;
	while (lb > 1 && b[lb - 1] == '/')
		lb--;
	return la == lb && strncmp(a, b, la) == 0;
}

static bool
has_target(const struct oci_opts *oo, const char *target)
{
	for (size_t i = 0; i < oo->n_mounts; i++)
		if (oo->mounts[i].target && same_target(oo->mounts[i].target, target))
			return true;
	return false;
}

static json_t *
image_volumes(json_t *image_config)
{
	json_t *cfg = image_config ? json_object_get(image_config, "config") : NULL;

	return cfg ? json_object_get(cfg, "Volumes") : NULL;
}

bool
container_volumes_wanted(const struct oci_opts *oo, json_t *image_config,
			 const struct strv *volumes_from)
{
	for (size_t i = 0; i < oo->n_mounts; i++)
		if (oo->mounts[i].kind == OCI_MOUNT_VOLUME)
			return true;
	return volumes_from->n || json_object_size(image_volumes(image_config));
}

/* Parses a JSON array label of r (NULL when absent or malformed). */
static json_t *
label_array(const CtdContainer *r, const char *key)
{
	const char *v = container_label(r, key);
	json_t *a;

	if (!v || !*v)
		return NULL;
	a = json_parse_strict(v, strlen(v), LABEL_MAX, key, NULL);
	if (a && !json_is_array(a)) {
		json_decref(a);
		return NULL;
	}
	return a;
}

/* --volumes-from NAME[:ro|:rw]: the other container's volume and bind mounts. */
static int
add_volumes_from(struct container_env *env, struct oci_opts *oo, const char *spec,
		 struct err **errp)
{
	_cleanup_free_ char *name = xstrdup(spec);
	_cleanup_(ctd_msg_freep) CtdContainer *r = NULL;
	_cleanup_json_ json_t *mounts = NULL;
	char *colon = strrchr(name, ':');
	const char *mode = NULL;
	json_t *mp;
	size_t i;

	if (colon) {
		*colon = '\0';
		mode = colon + 1;
		if (strcmp(mode, "ro") && strcmp(mode, "rw"))
			return err_set(errp, ERR_INVALID, "invalid mode for volumes-from: %s",
				       mode);
	}
	if (container_find(env->c, name, &r, errp) < 0)
		return -1;
	mounts = label_array(r, LABEL_MOUNTS);
	json_array_foreach(mounts, i, mp) {
		const char *type = json_get_str(mp, "Type"), *dst = json_get_str(mp, "Destination");
		const char *src = json_get_str(mp, "Source"), *vname = json_get_str(mp, "Name");
		struct oci_mount m = { 0 };

		if (!type || !dst || has_target(oo, dst))
			continue;
		if (strcmp(type, "volume") == 0 && vname) {
			m.kind = OCI_MOUNT_VOLUME;
			m.source = xstrdup(vname);
			m.nocopy = true;
		} else if (strcmp(type, "bind") == 0 && src) {
			m.kind = OCI_MOUNT_BIND;
			m.source = xstrdup(src);
		} else {
			continue;
		}
		m.target = xstrdup(dst);
		m.readonly = mode ? strcmp(mode, "ro") == 0
				  : !json_is_true(json_object_get(mp, "RW"));
		oci_opts_add_mount(oo, &m);
	}
	return 0;
}

/* The image's VOLUMEs no user mount covers: anonymous volumes. */
static void
add_image_volumes(struct oci_opts *oo, json_t *image_config)
{
	const char *path;
	json_t *v;

	json_object_foreach(image_volumes(image_config), path, v) {
		struct oci_mount m = { .kind = OCI_MOUNT_VOLUME };

		if (path[0] != '/' || has_target(oo, path))
			continue;
		m.target = xstrdup(path);
		oci_opts_add_mount(oo, &m);
	}
}

static int
prepare_one(struct container_env *env, struct oci_mount *m, const char *rootfs,
	    struct container_volumes *ret, struct err **errp)
{
	_cleanup_free_ char *name = NULL, *src = NULL;

	if (m->volume_driver && *m->volume_driver && strcmp(m->volume_driver, "local"))
		return err_set(errp, ERR_UNIMPLEMENTED, "volume driver %s: not implemented yet",
			       m->volume_driver);
	if (m->volume_opts.n)
		return err_set(errp, ERR_UNIMPLEMENTED, "volume-opt: not implemented yet");
	if (m->source && volume_name_check(m->source, errp) < 0)
		return -1;
	if (m->source && m->volume_labels.n &&
	    volume_create(env->data_store, env->ns, m->source, m->volume_labels.v, NULL,
			  errp) < 0)
		return -1;
	if (volume_prepare_for_mount(env->data_store, env->ns, m->source,
				     m->nocopy ? NULL : rootfs, m->target, &name, &src, errp) < 0)
		return err_wrap(errp, "volume for %s", m->target);
	if (!m->source)
		strv_push(&ret->anonymous, name);
	json_array_append_new(
		ret->mounts,
		json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s}", "Type", "volume", "Name",
			  name, "Source", src, "Destination", m->target, "Driver", "local", "Mode",
			  "", "RW", !m->readonly, "Propagation", ""));
	free(m->host_path);
	m->host_path = TAKE_PTR(src);
	return 0;
}

int
container_volumes_prepare(struct container_env *env, struct oci_opts *oo,
			  json_t *image_config, const struct strv *volumes_from,
			  const char *rootfs, struct container_volumes *ret, struct err **errp)
{
	if (!ret->mounts)
		ret->mounts = json_array();
	for (size_t i = 0; i < volumes_from->n; i++)
		if (add_volumes_from(env, oo, volumes_from->v[i], errp) < 0)
			return err_wrap(errp, "--volumes-from %s", volumes_from->v[i]);
	add_image_volumes(oo, image_config);
	for (size_t i = 0; i < oo->n_mounts; i++) {
		struct oci_mount *m = &oo->mounts[i];

		if (m->kind == OCI_MOUNT_VOLUME) {
			if (prepare_one(env, m, rootfs, ret, errp) < 0)
				return -1;
		} else if (m->kind == OCI_MOUNT_BIND) {
			const char *prop = m->propagation ? m->propagation : "rprivate";

			json_array_append_new(
				ret->mounts,
				json_pack("{s:s, s:s, s:s, s:s, s:b, s:s}", "Type", "bind",
					  "Source", m->source, "Destination", m->target, "Mode",
					  "", "RW", !m->readonly, "Propagation", prop));
		}
	}
	return 0;
}

int
container_remove_anonymous_volumes(struct container_env *env, const CtdContainer *r,
				   struct err **errp)
{
	_cleanup_json_ json_t *anon = label_array(r, LABEL_ANONYMOUS_VOLUMES);
	json_t *v;
	size_t i;
	int rc = 0;

	json_array_foreach(anon, i, v) {
		_cleanup_strv_ struct strv users = STRV_INIT;
		_cleanup_err_ struct err *e = NULL;
		const char *name = json_string_value(v);

		if (!name)
			continue;
		/* Still mounted through --volumes-from by another container: keep it. */
		if (volume_users(env->c, name, &users, &e) < 0 || users.n)
			continue;
		if (volume_remove(env->data_store, env->ns, name, &e) < 0 &&
		    !err_is(&e, ERR_NOT_FOUND) && rc == 0) {
			rc = err_move(errp, &e);
		}
	}
	return rc;
}
