/* Docker's commit on containerd: Diff service layer, new config and manifest, unpack. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/digest.h"
#include "base/json.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "container/commit.h"
#include "ctd/content.h"
#include "ctd/diff.h"
#include "ctd/labels.h"
#include "ctd/leases.h"
#include "ctd/snapshots.h"
#include "ctd/tasks.h"
#include "image/manifest.h"
#include "image/platform.h"
#include "image/store.h"
#include "image/unpack.h"
#include "base/banned.h"

#define DOC_MAX (4 * 1024 * 1024)

/* A JSON array of strings, or the shell form ["/bin/sh", "-c", text]. */
static json_t *
exec_form(const char *text)
{
	json_t *a = json_loads(text, 0, NULL);
	size_t i;
	json_t *v;

	if (json_is_array(a)) {
		bool ok = true;

		json_array_foreach(a, i, v)
			ok = ok && json_is_string(v);
		if (ok)
			return a;
	}
	json_decref(a);
	return json_pack("[s, s, s]", "/bin/sh", "-c", text);
}

/* KEY=VALUE (or "KEY VALUE") into obj, or appended to the Env array when env. */
static int
set_pair(json_t *conf, const char *field, const char *arg, bool env, struct err **errp)
{
	const char *eq = strchr(arg, '=');
	_cleanup_free_ char *key = NULL;
	const char *val;

	if (!eq) {
		const char *sp = strchr(arg, ' ');

		if (!sp)
			return err_set(errp, ERR_INVALID, "%s requires a value: %s", field, arg);
		eq = sp;
	}
	key = xstrndup(arg, (size_t)(eq - arg));
	val = eq + 1;
	if (env) {
		json_t *a = json_object_get(conf, "Env");
		_cleanup_free_ char *kv = xasprintf("%s=%s", key, val);
		size_t i, n = strlen(key);
		json_t *v;

		if (!json_is_array(a)) {
			a = json_array();
			json_object_set_new(conf, "Env", a);
		}
		json_array_foreach(a, i, v) {
			const char *s = json_string_value(v);

			if (s && !strncmp(s, key, n) && s[n] == '=') {
				json_array_set_new(a, i, json_string(kv));
				return 0;
			}
		}
		json_array_append_new(a, json_string(kv));
		return 0;
	}
	{
		json_t *o = json_object_get(conf, field);

		if (!json_is_object(o)) {
			o = json_object();
			json_object_set_new(conf, field, o);
		}
		json_object_set_new(o, key, json_string(val));
	}
	return 0;
}

int
container_commit_change(json_t *conf, const char *change, struct err **errp)
{
	const char *sp = change;
	_cleanup_free_ char *word = NULL;
	const char *arg;

	while (*sp && !isspace((unsigned char)*sp))
		sp++;
	word = xstrndup(change, (size_t)(sp - change));
	for (char *p = word; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	arg = sp;
	while (isspace((unsigned char)*arg))
		arg++;
	if (!*arg)
		return err_set(errp, ERR_INVALID, "%s requires at least one argument", word);
	if (!strcmp(word, "CMD") || !strcmp(word, "ENTRYPOINT")) {
		json_object_set_new(conf, !strcmp(word, "CMD") ? "Cmd" : "Entrypoint",
				    exec_form(arg));
		return 0;
	}
	if (!strcmp(word, "ENV"))
		return set_pair(conf, "Env", arg, true, errp);
	if (!strcmp(word, "LABEL"))
		return set_pair(conf, "Labels", arg, false, errp);
	if (!strcmp(word, "WORKDIR") || !strcmp(word, "USER") || !strcmp(word, "STOPSIGNAL")) {
		json_object_set_new(conf, !strcmp(word, "WORKDIR") ? "WorkingDir"
					  : !strcmp(word, "USER") ? "User" : "StopSignal",
				    json_string(arg));
		return 0;
	}
	if (!strcmp(word, "EXPOSE")) {
		json_t *o = json_object_get(conf, "ExposedPorts");
		_cleanup_free_ char *port = strchr(arg, '/') ? xstrdup(arg)
							     : xasprintf("%s/tcp", arg);

		if (!json_is_object(o)) {
			o = json_object();
			json_object_set_new(conf, "ExposedPorts", o);
		}
		json_object_set_new(o, port, json_object());
		return 0;
	}
	if (!strcmp(word, "VOLUME") || !strcmp(word, "ONBUILD") || !strcmp(word, "HEALTHCHECK") ||
	    !strcmp(word, "SHELL"))
		return err_set(errp, ERR_UNIMPLEMENTED, "commit --change %s: not implemented yet",
			       word);
	return err_set(errp, ERR_INVALID, "%s is not a valid change command", word);
}

static json_t *
desc_json(const char *media_type, const char *digest, int64_t size)
{
	return json_pack("{s:s, s:s, s:I}", "mediaType", media_type, "digest", digest, "size",
			 (json_int_t)size);
}

/* The layer blob of the container's changes; its diff ID into diff_id. */
static int
make_layer(struct ctd *c, const CtdContainer *r, const char *parent, CtdDescriptor **ret,
	   char diff_id[DIGEST_STR_SIZE], struct err **errp)
{
	_cleanup_(ctd_msg_freep) CtdMounts *right = NULL;
	_cleanup_(ctd_msg_freep) CtdMounts *left = NULL;
	_cleanup_(ctd_msg_freep) CtdContentInfo *info = NULL;
	_cleanup_free_ char *view = xasprintf("nerdc-commit-view-%s-%ld", r->id, (long)getpid());
	_cleanup_free_ char *ref = xasprintf("nerdc-commit-%s", r->id);
	const char *u;
	int rc = -1;

	if (ctd_snapshots_mounts(c, r->snapshotter, r->snapshot_key, &right, errp) < 0 ||
	    ctd_snapshots_view(c, r->snapshotter, view, parent, NULL, &left, errp) < 0)
		return -1;
	if (ctd_diff_diff(c, left->mounts, left->n_mounts, right->mounts, right->n_mounts,
			  MT_OCI_LAYER_GZIP, ref, NULL, ret, errp) < 0)
		goto out;
	if (ctd_content_info(c, (*ret)->digest, &info, errp) < 0)
		goto out;
	u = ctd_labels_get(info->labels, info->n_labels, IMG_LABEL_UNCOMPRESSED);
	if (!u || strlen(u) >= DIGEST_STR_SIZE) {
		err_set(errp, ERR_INVALID, "the diff service gave no uncompressed digest");
		goto out;
	}
	snprintf(diff_id, DIGEST_STR_SIZE, "%s", u);
	rc = 0;
out:
	ctd_snapshots_remove(c, r->snapshotter, view, NULL);
	return rc;
}

/* The new config document from the image's: diff ID, history, author, changes. */
static json_t *
new_config(const struct img_view *v, const struct container_commit_opts *o, const char *diff_id,
	   const char *container_id)
{
	json_t *cfg = json_deep_copy(v->config->json);
	json_t *rootfs = json_object_get(cfg, "rootfs"), *ids, *hist, *conf, *h;
	char created[64];

	img_now_rfc3339(created, sizeof(created));
	if (!json_is_object(rootfs)) {
		rootfs = json_pack("{s:s}", "type", "layers");
		json_object_set_new(cfg, "rootfs", rootfs);
	}
	ids = json_object_get(rootfs, "diff_ids");
	if (!json_is_array(ids)) {
		ids = json_array();
		json_object_set_new(rootfs, "diff_ids", ids);
	}
	json_array_append_new(ids, json_string(diff_id));
	hist = json_object_get(cfg, "history");
	if (!json_is_array(hist)) {
		hist = json_array();
		json_object_set_new(cfg, "history", hist);
	}
	h = json_pack("{s:s}", "created", created);
	if (o->author && *o->author)
		json_object_set_new(h, "author", json_string(o->author));
	json_object_set_new(h, "created_by", json_string(""));
	if (o->message && *o->message)
		json_object_set_new(h, "comment", json_string(o->message));
	json_array_append_new(hist, h);
	json_object_set_new(cfg, "created", json_string(created));
	if (o->author && *o->author)
		json_object_set_new(cfg, "author", json_string(o->author));
	json_object_set_new(cfg, "container", json_string(container_id));
	conf = json_object_get(cfg, "config");
	if (!json_is_object(conf)) {
		conf = json_object();
		json_object_set_new(cfg, "config", conf);
	}
	if (o->changes)
		json_object_update(conf, o->changes);
	return cfg;
}

static int
pause_task(struct ctd *c, const char *id, bool *ret_paused, struct err **errp)
{
	_cleanup_(ctd_msg_freep) CtdProcess *t = NULL;

	*ret_paused = false;
	if (ctd_tasks_get(c, id, NULL, &t, NULL) < 0 ||
	    (int)t->status != CTD_TASK_RUNNING)
		return 0;
	if (ctd_tasks_pause(c, id, errp) < 0)
		return -1;
	*ret_paused = true;
	return 0;
}

static int
store_image(struct ctd *c, const CtdContainer *r, const struct img_view *v, json_t *cfg,
	    const CtdDescriptor *layer, const char *name, char **ret_id, struct err **errp)
{
	bool docker = v->manifest->media_type && !strcmp(v->manifest->media_type, MT_DOCKER_MANIFEST);
	const char *mt = docker ? MT_DOCKER_MANIFEST : MT_OCI_MANIFEST;
	struct img_desc cd = { 0 }, target = { 0 };
	_cleanup_json_ json_t *man = NULL;
	_cleanup_strv_ struct strv labels = STRV_INIT;
	_cleanup_free_ char *untagged = NULL;
	_cleanup_img_manifest_ struct img_manifest *m = NULL;
	_cleanup_img_view_ struct img_view *nv = NULL;
	struct img_config *conf = NULL;
	json_t *layers = json_array();
	int rc = -1;

	if (img_put_doc(c, cfg, docker ? MT_DOCKER_CONFIG : MT_OCI_CONFIG, NULL, &cd, errp) < 0) {
		json_decref(layers);
		goto out;
	}
	for (size_t i = 0; i < v->manifest->n_layers; i++) {
		const struct img_desc *l = &v->manifest->layers[i];

		json_array_append_new(layers, desc_json(l->media_type, l->digest, l->size));
	}
	json_array_append_new(layers, desc_json(docker ? "application/vnd.docker.image.rootfs.diff.tar.gzip"
						       : MT_OCI_LAYER_GZIP,
						layer->digest, layer->size));
	man = json_pack("{s:i, s:s, s:o, s:o}", "schemaVersion", 2, "mediaType", mt, "config",
			desc_json(cd.media_type, cd.digest, cd.size), "layers", layers);
	{
		_cleanup_free_ char *bytes = json_dumps(man, JSON_COMPACT | JSON_PRESERVE_ORDER);
		_cleanup_free_ char *cbytes = json_dumps(cfg, JSON_COMPACT | JSON_PRESERVE_ORDER);

		if (img_manifest_parse(bytes, strlen(bytes), mt, &m, errp) < 0 ||
		    img_config_parse(cbytes, strlen(cbytes), &conf, errp) < 0)
			goto out;
	}
	img_gc_labels_manifest(m, &labels);
	if (img_put_doc(c, man, mt, labels.v, &target, errp) < 0)
		goto out;
	if (!name)
		name = untagged = xasprintf("%s@%s", r->snapshotter, target.digest);
	if (img_record_put(c, name, &target, NULL, errp) < 0) {
		err_wrap(errp, "create image %s", name);
		goto out;
	}
	nv = img_view_build(&target, &target, TAKE_PTR(m), TAKE_PTR(conf), errp);
	if (!nv || img_unpack(c, r->snapshotter, nv, NULL, NULL, errp) < 0)
		goto out;
	*ret_id = xstrdup(cd.digest);
	rc = 0;
out:
	img_config_free(conf);
	img_desc_release(&cd);
	img_desc_release(&target);
	return rc;
}

int
container_commit(struct ctd *c, const CtdContainer *r, const struct container_commit_opts *o,
		 char **ret_id, struct err **errp)
{
	_cleanup_(ctd_msg_freep) CtdImage *img = NULL;
	_cleanup_(ctd_msg_freep) CtdDescriptor *layer = NULL;
	_cleanup_img_view_ struct img_view *v = NULL;
	_cleanup_free_ char *lease = NULL, *old_lease = NULL;
	_cleanup_json_ json_t *cfg = NULL;
	struct platform_matcher pm;
	char diff_id[DIGEST_STR_SIZE];
	bool paused = false;
	int rc = -1;

	if (!r->snapshot_key || !*r->snapshot_key)
		return err_set(errp, ERR_PRECONDITION, "container %s has no snapshot", r->id);
	platform_matcher_host(&pm);
	if (img_resolve(c, r->image, &img, errp) < 0 ||
	    img_view_load(c, img->target, &pm, &v, errp) < 0)
		return err_wrap(errp, "the image of container %s", r->id);
	if (ctd_leases_create_expiring(c, 3600, &lease, errp) < 0)
		return err_wrap(errp, "create lease");
	old_lease = xstrdup_null(ctd_lease(c));
	ctd_set_lease(c, lease);
	if (o->pause && pause_task(c, r->id, &paused, errp) < 0)
		goto out;
	rc = make_layer(c, r, img_view_top_chain_id(v), &layer, diff_id, errp);
	if (paused)
		ctd_tasks_resume(c, r->id, NULL);
	if (rc < 0)
		goto out;
	cfg = new_config(v, o, diff_id, r->id);
	rc = store_image(c, r, v, cfg, layer, o->name, ret_id, errp);
out:
	ctd_set_lease(c, old_lease);
	ctd_leases_delete(c, lease, false, NULL);
	return rc;
}
