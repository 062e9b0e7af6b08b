/* Layer-by-layer unpack into chain-ID snapshots through the Diff service. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/random.h>

#include "image/unpack.h"
#include "ctd/content.h"
#include "ctd/diff.h"
#include "ctd/leases.h"
#include "ctd/snapshots.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "base/banned.h"

struct img_unpacker {
	struct ctd *c;
	char *snapshotter;
	const struct img_view *v;
	size_t next;
};

struct img_unpacker *
img_unpacker_new(struct ctd *c, const char *snapshotter, const struct img_view *v)
{
	struct img_unpacker *u = xnew(struct img_unpacker, 1);

	u->c = c;
	u->snapshotter = xstrdup(snapshotter);
	u->v = v;
	return u;
}

void
img_unpacker_free(struct img_unpacker *u)
{
	if (!u)
		return;
	free(u->snapshotter);
	free(u);
}

/* 1 when the snapshot exists, 0 when not, -1 on error. */
static int
snapshot_exists(struct img_unpacker *u, const char *key, struct err **errp)
{
	_cleanup_ctd_msg_ CtdSnapshotInfo *info = NULL;
	_cleanup_err_ struct err *e = NULL;

	if (ctd_snapshots_stat(u->c, u->snapshotter, key, &info, &e) == 0)
		return 1;
	if (e->kind == ERR_NOT_FOUND)
		return 0;
	return err_move(errp, &e);
}

/* containerd's extraction key: "extract-<nanoseconds>-<random> <chainID>". */
static void
extract_key(char *buf, size_t n, const char *chain_id)
{
	struct timespec ts;
	unsigned char r[4] = { 0 };

	clock_gettime(CLOCK_REALTIME, &ts);
	if (getrandom(r, sizeof(r), GRND_NONBLOCK) < 0)
		r[0] = (unsigned char)getpid();
	snprintf(buf, n, "extract-%ld-%02x%02x%02x%02x %s", ts.tv_nsec, r[0], r[1], r[2], r[3],
		 chain_id);
}

int
img_unpacker_layer(struct img_unpacker *u, size_t i, bool *ret_skipped, struct err **errp)
{
	const struct img_view *v = u->v;
	const char *chain = v->chain_ids[i], *parent = i ? v->chain_ids[i - 1] : "";
	_cleanup_strv_ struct strv labels = STRV_INIT;
	_cleanup_strv_ struct strv blob_labels = STRV_INIT;
	_cleanup_ctd_msg_ CtdMounts *mounts = NULL;
	_cleanup_ctd_msg_ CtdDescriptor *applied = NULL;
	_cleanup_err_ struct err *e = NULL;
	CtdDescriptor *layer = NULL;
	char key[256];
	int r;

	if (i != u->next || i >= v->manifest->n_layers)
		return err_set(errp, ERR_INTERNAL, "unpack: layer %zu out of order", i);
	*ret_skipped = false;
	r = snapshot_exists(u, chain, errp);
	if (r < 0)
		return err_wrap(errp, "stat snapshot %s", chain);
	if (r == 1)
		goto skipped;
	strv_pushf(&labels, IMG_LABEL_SNAPSHOT_REF "=%s", chain);
	for (int try = 0;; try++) {
		extract_key(key, sizeof(key), chain);
		if (ctd_snapshots_prepare(u->c, u->snapshotter, key, parent, labels.v, &mounts, &e) == 0)
			break;
		if (e->kind != ERR_EXISTS || try == 2) {
			err_wrap(&e, "prepare extraction snapshot %s", key);
			return err_move(errp, &e);
		}
		err_clear(&e);
		/* Someone else may have committed the chain meanwhile. */
		r = snapshot_exists(u, chain, errp);
		if (r < 0)
			return -1;
		if (r == 1)
			goto skipped;
	}
	layer = img_desc_to_ctd(&v->manifest->layers[i]);
	r = ctd_diff_apply(u->c, layer, mounts->mounts, mounts->n_mounts, &applied, &e);
	img_ctd_desc_free(layer);
	if (r == 0 && strcmp(applied->digest, v->config->diff_ids[i]) != 0)
		r = err_set(&e, ERR_INVALID,
			    "wrong diff id calculated on extraction %s: got %s", v->config->diff_ids[i],
			    applied->digest);
	if (r == 0)
		r = ctd_snapshots_commit(u->c, u->snapshotter, chain, key, labels.v, &e);
	if (r < 0) {
		ctd_snapshots_remove(u->c, u->snapshotter, key, NULL);
		if (e->kind == ERR_EXISTS)
			goto skipped; /* committed by someone else meanwhile */
		err_wrap(&e, "extract layer %s", v->manifest->layers[i].digest);
		return err_move(errp, &e);
	}
	/* As containerd: the uncompressed digest, now verified by the apply. */
	strv_pushf(&blob_labels, IMG_LABEL_UNCOMPRESSED "=%s", v->config->diff_ids[i]);
	if (ctd_content_update_labels(u->c, v->manifest->layers[i].digest, blob_labels.v, errp) < 0)
		return err_wrap(errp, "label layer %s", v->manifest->layers[i].digest);
	u->next++;
	return 0;
skipped:
	*ret_skipped = true;
	u->next++;
	return 0;
}

int
img_unpacker_finish(struct img_unpacker *u, struct err **errp)
{
	_cleanup_strv_ struct strv labels = STRV_INIT;

	if (u->next != u->v->manifest->n_layers)
		return err_set(errp, ERR_INTERNAL, "unpack: %zu of %zu layers done", u->next,
			       u->v->manifest->n_layers);
	if (!u->next)
		return 0;
	strv_pushf(&labels, IMG_LABEL_GC_SNAPSHOT "%s=%s", u->snapshotter,
		   img_view_top_chain_id(u->v));
	if (ctd_content_update_labels(u->c, u->v->manifest->config.digest, labels.v, errp) < 0)
		return err_wrap(errp, "label config %s", u->v->manifest->config.digest);
	return 0;
}

int
img_unpack(struct ctd *c, const char *snapshotter, const struct img_view *v,
	   img_unpack_progress_fn progress, void *arg, struct err **errp)
{
	_cleanup_(img_unpacker_freep) struct img_unpacker *u = img_unpacker_new(c, snapshotter, v);
	_cleanup_free_ char *lease = NULL, *saved = xstrdup_null(ctd_lease(c));
	int r = 0;

	if (!saved) {
		if (ctd_leases_create_expiring(c, 24 * 3600, &lease, errp) < 0)
			return err_wrap(errp, "create lease");
		ctd_set_lease(c, lease);
	}
	for (size_t i = 0; i < v->manifest->n_layers && r == 0; i++) {
		bool skipped;

		r = img_unpacker_layer(u, i, &skipped, errp);
		if (r == 0 && progress)
			progress(arg, i, skipped);
	}
	if (r == 0)
		r = img_unpacker_finish(u, errp);
	if (lease) {
		ctd_set_lease(c, NULL);
		if (ctd_leases_delete(c, lease, false, r < 0 ? NULL : errp) < 0 && r == 0)
			r = err_wrap(errp, "delete lease %s", lease);
	}
	return r;
}
