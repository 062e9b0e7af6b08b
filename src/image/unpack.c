/*
 * Layer-by-layer unpack into chain-ID snapshots: extracted by nerdc itself for overlayfs
 * (while downloading, or from the content store), through the Diff service otherwise.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "image/unpack.h"
#include "image/extract.h"
#include "ctd/content.h"
#include "ctd/diff.h"
#include "ctd/leases.h"
#include "ctd/snapshots.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "base/banned.h"

/* The snapshotter whose mounts nerdc knows how to write into. */
#define STREAM_SNAPSHOTTER "overlayfs"

struct img_unpacker {
	struct ctd *c;
	char *snapshotter;
	const struct img_view *v;
	size_t next;
};

struct img_stream_x {
	char *snapshotter;
	char *key;		/* the active snapshot written into */
	char *chain;
	char *parent;		/* "" for the first layer */
	char *want_diff_id;
	bool staged;		/* key is a parentless staging snapshot */
	bool committed;
	char *dir;		/* key's directory (upper or bind source) */
	struct strv lowers;	/* the parents' directories, upper-most first */
	struct layer_x *x;
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

int
img_snapshot_exists(struct ctd *c, const char *snapshotter, const char *key, struct err **errp)
{
	_cleanup_ctd_msg_ CtdSnapshotInfo *info = NULL;
	_cleanup_err_ struct err *e = NULL;

	if (ctd_snapshots_stat(c, snapshotter, key, &info, &e) == 0)
		return 1;
	if (e->kind == ERR_NOT_FOUND)
		return 0;
	return err_move(errp, &e);
}

/* containerd's extraction key: "extract-<nanoseconds>-<random> <chainID>"; prefix varies. */
static char *
make_key(const char *prefix, const char *chain_id)
{
	struct timespec ts;
	unsigned char r[4] = { 0 };

	clock_gettime(CLOCK_REALTIME, &ts);
	if (getrandom(r, sizeof(r), GRND_NONBLOCK) < 0)
		r[0] = (unsigned char)getpid();
	return xasprintf("%s-%ld-%02x%02x%02x%02x %s", prefix, ts.tv_nsec, r[0], r[1], r[2], r[3],
			 chain_id);
}

/*
 * Prepares the extraction snapshot for chain on parent, as containerd's unpacker names and
 * labels it. Returns 1 when the chain appeared meanwhile (nothing prepared), 0 with
 * *ret_key and *ret_mounts set, -1 on error.
 */
static int
prepare_extract(struct ctd *c, const char *sn, const char *chain, const char *parent,
		char **ret_key, CtdMounts **ret_mounts, struct err **errp)
{
	_cleanup_strv_ struct strv labels = STRV_INIT;
	_cleanup_err_ struct err *e = NULL;

	strv_pushf(&labels, IMG_LABEL_SNAPSHOT_REF "=%s", chain);
	for (int try = 0;; try++) {
		_cleanup_free_ char *key = make_key("extract", chain);
		int r;

		if (ctd_snapshots_prepare(c, sn, key, parent, labels.v, ret_mounts, &e) == 0) {
			*ret_key = TAKE_PTR(key);
			return 0;
		}
		if (e->kind != ERR_EXISTS || try == 2) {
			err_wrap(&e, "prepare extraction snapshot %s", key);
			return err_move(errp, &e);
		}
		err_clear(&e);
		/* Someone else may have committed the chain meanwhile. */
		r = img_snapshot_exists(c, sn, chain, errp);
		if (r != 0)
			return r;
	}
}

/* Commits key as chain; 1 when someone else committed chain first (key is removed). */
static int
commit_extract(struct ctd *c, const char *sn, const char *chain, const char *key,
	       struct err **errp)
{
	_cleanup_strv_ struct strv labels = STRV_INIT;
	_cleanup_err_ struct err *e = NULL;

	strv_pushf(&labels, IMG_LABEL_SNAPSHOT_REF "=%s", chain);
	if (ctd_snapshots_commit(c, sn, chain, key, labels.v, &e) == 0)
		return 0;
	if (e->kind != ERR_EXISTS)
		return err_move(errp, &e);
	ctd_snapshots_remove(c, sn, key, NULL);
	return 1;
}

/*
 * Where a snapshot's files go: the overlay upperdir (and the lowerdirs), or the source of a
 * bind mount. ERR_UNIMPLEMENTED for other mounts or a directory not visible from here
 * (containerd in another mount namespace).
 */
static int
mounts_dir(const CtdMounts *m, char **ret_dir, struct strv *lowers, struct err **errp)
{
	const CtdMount *mt = m->n_mounts == 1 ? m->mounts[0] : NULL;
	const char *dir = NULL;
	struct stat st;

	if (mt && !strcmp(mt->type, "bind")) {
		dir = mt->source;
	} else if (mt && !strcmp(mt->type, "overlay")) {
		for (size_t i = 0; i < mt->n_options; i++) {
			const char *o = mt->options[i];

			if (!strncmp(o, "upperdir=", 9))
				dir = o + 9;
			else if (!strncmp(o, "lowerdir=", 9))
				strv_split(lowers, o + 9, ':');
			else if (!strcmp(o, "userxattr"))
				return err_set(errp, ERR_UNIMPLEMENTED, "overlay with userxattr");
		}
	}
	if (!dir || dir[0] != '/')
		return err_set(errp, ERR_UNIMPLEMENTED, "snapshot mounts are not a local directory");
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return err_set(errp, ERR_UNIMPLEMENTED, "snapshot directory %s not visible", dir);
	*ret_dir = xstrdup(dir);
	return 0;
}

void
img_stream_x_free(struct ctd *c, struct img_stream_x *s)
{
	if (!s)
		return;
	if (c && s->key && !s->committed)
		ctd_snapshots_remove(c, s->snapshotter, s->key, NULL);
	layer_x_free(s->x);
	free(s->snapshotter);
	free(s->key);
	free(s->chain);
	free(s->parent);
	free(s->want_diff_id);
	free(s->dir);
	strv_release(&s->lowers);
	free(s);
}

/* Starts a layer_x into s->dir for layer i of v. */
static int
stream_start(struct img_stream_x *s, const struct img_view *v, size_t i, struct err **errp)
{
	int comp = layer_comp_of(v->manifest->layers[i].media_type);

	/*
	 * The first layer is a plain tree; later ones become overlayfs upper directories. A
	 * thread of its own: receiving (and containerd's copy) overlap inflating and writing.
	 */
	if (layer_x_new(s->dir, (enum layer_comp)comp, i ? EXTRACT_WH_OVERLAY : EXTRACT_WH_DELETE,
			&s->x, errp) < 0)
		return -1;
	return layer_x_start_thread(s->x, errp);
}

static struct img_stream_x *
stream_new(const char *snapshotter, const struct img_view *v, size_t i)
{
	struct img_stream_x *s = xnew(struct img_stream_x, 1);

	s->snapshotter = xstrdup(snapshotter);
	s->chain = xstrdup(v->chain_ids[i]);
	s->parent = xstrdup(i ? v->chain_ids[i - 1] : "");
	s->want_diff_id = xstrdup(v->config->diff_ids[i]);
	return s;
}

static bool
can_stream(const char *snapshotter, const struct img_view *v, size_t i)
{
	return !strcmp(snapshotter, STREAM_SNAPSHOTTER) &&
	       layer_comp_of(v->manifest->layers[i].media_type) >= 0;
}

int
img_stream_x_begin(struct ctd *c, const char *snapshotter, const struct img_view *v,
		   size_t i, bool parent_ready, struct img_stream_x **ret, struct err **errp)
{
	struct img_stream_x *s;
	_cleanup_ctd_msg_ CtdMounts *mounts = NULL;
	int r;

	if (!can_stream(snapshotter, v, i))
		return err_set(errp, ERR_UNIMPLEMENTED, "streaming extraction into %s of %s",
			       snapshotter, v->manifest->layers[i].media_type);
	s = stream_new(snapshotter, v, i);
	s->staged = i > 0 && !parent_ready;
	if (s->staged) {
		s->key = make_key("nerdc-stage", s->chain);
		r = ctd_snapshots_prepare(c, snapshotter, s->key, "", NULL, &mounts, errp);
	} else {
		r = prepare_extract(c, snapshotter, s->chain, s->parent, &s->key, &mounts, errp);
		if (r == 1)
			r = err_set(errp, ERR_EXISTS, "snapshot %s exists", s->chain);
	}
	if (r < 0 || mounts_dir(mounts, &s->dir, &s->lowers, errp) < 0 ||
	    stream_start(s, v, i, errp) < 0) {
		img_stream_x_free(c, s);
		return -1;
	}
	*ret = s;
	return 0;
}

int
img_stream_x_feed(struct img_stream_x *s, const void *p, size_t n, struct err **errp)
{
	return layer_x_feed(s->x, p, n, errp);
}

/* Finishes s->x and checks the diff ID. */
static int
stream_finish(struct img_stream_x *s, struct err **errp)
{
	char got[DIGEST_STR_SIZE];

	if (layer_x_finish(s->x, got, errp) < 0)
		return -1;
	if (strcmp(got, s->want_diff_id) != 0)
		return err_set(errp, ERR_INVALID, "wrong diff id calculated on extraction %s: got %s",
			       s->want_diff_id, got);
	return 0;
}

int
img_stream_x_end(struct ctd *c, struct img_stream_x *s, struct err **errp)
{
	int r;

	if (stream_finish(s, errp) < 0)
		return -1;
	if (s->staged)
		return 0;
	if (extract_fix_implicit(s->dir, layer_x_implicit_dirs(s->x), s->lowers.v, errp) < 0)
		return -1;
	r = commit_extract(c, s->snapshotter, s->chain, s->key, errp);
	if (r < 0)
		return err_wrap(errp, "commit snapshot %s", s->chain);
	s->committed = true;
	return 0;
}

/* Moves a staged extraction into a real snapshot on its parent and commits it. */
static int
unstage(struct img_unpacker *u, struct img_stream_x *s, struct err **errp)
{
	_cleanup_ctd_msg_ CtdMounts *mounts = NULL;
	_cleanup_free_ char *key = NULL, *dir = NULL;
	_cleanup_strv_ struct strv lowers = STRV_INIT;
	int r;

	r = prepare_extract(u->c, u->snapshotter, s->chain, s->parent, &key, &mounts, errp);
	if (r != 0)
		return r;
	if (mounts_dir(mounts, &dir, &lowers, errp) < 0 ||
	    extract_move_tree(s->dir, dir, errp) < 0 ||
	    extract_fix_implicit(dir, layer_x_implicit_dirs(s->x), lowers.v, errp) < 0 ||
	    (r = commit_extract(u->c, u->snapshotter, s->chain, key, errp)) < 0) {
		ctd_snapshots_remove(u->c, u->snapshotter, key, NULL);
		return -1;
	}
	/* The staging snapshot is empty now; the lease would collect it anyway. */
	ctd_snapshots_remove(u->c, u->snapshotter, s->key, NULL);
	s->committed = true;
	return r;
}

struct read_ctx {
	struct img_stream_x *s;
};

static int
read_sink(void *arg, const uint8_t *data, size_t len, struct err **errp)
{
	struct read_ctx *rc = arg;

	return img_stream_x_feed(rc->s, data, len, errp);
}

/*
 * Extracts layer i from the content store into a new snapshot on its parent. 1 when the
 * chain appeared meanwhile; ERR_UNIMPLEMENTED (nothing left behind) when the Diff service
 * should do it.
 */
static int
extract_from_store(struct img_unpacker *u, size_t i, struct err **errp)
{
	const struct img_view *v = u->v;
	struct img_stream_x *s = stream_new(u->snapshotter, v, i);
	_cleanup_ctd_msg_ CtdMounts *mounts = NULL;
	struct read_ctx rc = { s };
	int r;

	r = prepare_extract(u->c, u->snapshotter, s->chain, s->parent, &s->key, &mounts, errp);
	if (r == 0)
		r = mounts_dir(mounts, &s->dir, &s->lowers, errp);
	if (r == 0)
		r = stream_start(s, v, i, errp);
	if (r == 0)
		r = ctd_content_read(u->c, v->manifest->layers[i].digest, 0, 0, read_sink, &rc, errp);
	if (r == 0)
		r = img_stream_x_end(u->c, s, errp);
	img_stream_x_free(u->c, s);
	return r;
}

/* Applies layer i through containerd's Diff service. 1 when the chain appeared meanwhile. */
static int
diff_apply(struct img_unpacker *u, size_t i, struct err **errp)
{
	const struct img_view *v = u->v;
	const char *chain = v->chain_ids[i], *parent = i ? v->chain_ids[i - 1] : "";
	_cleanup_ctd_msg_ CtdMounts *mounts = NULL;
	_cleanup_ctd_msg_ CtdDescriptor *applied = NULL;
	_cleanup_free_ char *key = NULL;
	CtdDescriptor *layer;
	int r;

	r = prepare_extract(u->c, u->snapshotter, chain, parent, &key, &mounts, errp);
	if (r != 0)
		return r;
	layer = img_desc_to_ctd(&v->manifest->layers[i]);
	r = ctd_diff_apply(u->c, layer, mounts->mounts, mounts->n_mounts, &applied, errp);
	img_ctd_desc_free(layer);
	if (r == 0 && strcmp(applied->digest, v->config->diff_ids[i]) != 0)
		r = err_set(errp, ERR_INVALID,
			    "wrong diff id calculated on extraction %s: got %s", v->config->diff_ids[i],
			    applied->digest);
	if (r == 0)
		r = commit_extract(u->c, u->snapshotter, chain, key, errp);
	if (r < 0)
		ctd_snapshots_remove(u->c, u->snapshotter, key, NULL);
	return r;
}

int
img_unpacker_layer(struct img_unpacker *u, size_t i, struct img_stream_x *sx,
		   bool *ret_skipped, struct err **errp)
{
	const struct img_view *v = u->v;
	const char *chain = v->chain_ids[i];
	_cleanup_strv_ struct strv blob_labels = STRV_INIT;
	_cleanup_err_ struct err *e = NULL;
	int r = 0;

	if (i != u->next || i >= v->manifest->n_layers)
		return err_set(errp, ERR_INTERNAL, "unpack: layer %zu out of order", i);
	*ret_skipped = false;
	if (!sx || !sx->committed) {
		r = img_snapshot_exists(u->c, u->snapshotter, chain, errp);
		if (r < 0)
			return err_wrap(errp, "stat snapshot %s", chain);
		if (r == 1)
			goto skipped;
	}
	if (sx && sx->staged && !sx->committed)
		r = unstage(u, sx, &e);
	else if (!sx && can_stream(u->snapshotter, v, i))
		r = extract_from_store(u, i, &e);
	else if (!sx)
		r = err_set(&e, ERR_UNIMPLEMENTED, "not streamed");
	/* What nerdc cannot extract here (a user namespace, sparse files...) containerd may. */
	if (r < 0 && e->kind == ERR_UNIMPLEMENTED) {
		err_clear(&e);
		r = diff_apply(u, i, &e);
	}
	if (r < 0) {
		err_wrap(&e, "extract layer %s", v->manifest->layers[i].digest);
		return err_move(errp, &e);
	}
	if (r == 1)
		goto skipped; /* committed by someone else meanwhile */
	/* As containerd: the uncompressed digest, now verified by the extraction. */
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

		r = img_unpacker_layer(u, i, NULL, &skipped, errp);
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
