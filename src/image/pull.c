/*
 * Pull: documents are fetched on the calling thread, blobs by a few worker threads (each
 * with its own registry client and containerd connection) straight into the content store,
 * while the calling thread unpacks each layer as soon as its blob is committed.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "image/pull.h"
#include "image/store.h"
#include "image/unpack.h"
#include "ctd/content.h"
#include "ctd/labels.h"
#include "ctd/leases.h"
#include "registry/reference.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "base/banned.h"

#define PULL_CONCURRENCY 3
/* How often the calling thread wakes to report progress and notice a cancel. */
#define PULL_TICK_MS 100
/* A lease outlives a killed nerdc by this much at most (containerd's client uses 24 h). */
#define PULL_LEASE_S (24 * 3600)
#define INGEST_PREFIX "nerdc-pull-"
/* Bytes handed to containerd per write (containerd's own client writes 1 MiB messages). */
#define PULL_WRITE_CHUNK (1u << 20)

enum job_state { JOB_QUEUED, JOB_RUNNING, JOB_DONE, JOB_FAILED };

struct job {
	struct img_desc desc;
	enum job_state state;
	bool existed;
	bool wants_plan;	/* a layer of the image to unpack: wait for the plan first */
	ssize_t layer;		/* the layer index it is extracted as while downloading, or -1 */
	struct img_stream_x *sx; /* that extraction, finished (committed or staged) */
	int64_t done;		/* bytes written so far */
	int64_t reported;	/* last value passed to the progress callback */
	bool announced;
};

struct puller {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job *jobs;
	size_t n_jobs;
	size_t next_job;
	bool stop;
	struct err *err;	/* first failure */
	volatile int *cancel;
	/* What workers need: their own containerd connection and registry client. */
	const char *address;
	const char *ns;
	const char *lease;
	const struct ref *ref;
	const struct reg_opts *reg_opts;
	char *source_label;	/* "containerd.io/distribution.source.HOST=REPO" */
	/* The unpack plan, set once the config is in: which layers extract as they download. */
	bool plan_ready;
	const struct img_view *view;
	const char *snapshotter;
	size_t ready;		/* chain IDs [0, ready) are committed snapshots */
};

void
img_pull_result_release(struct img_pull_result *r)
{
	if (!r)
		return;
	free(r->name);
	free(r->target_digest);
	free(r->target_media_type);
	memset(r, 0, sizeof(*r));
}

static bool
cancelled(struct puller *p)
{
	return p->stop || (p->cancel && *p->cancel);
}

/* Records the first failure and stops everyone. Called with p->mu held. */
static void
fail_locked(struct puller *p, struct err **e)
{
	if (!p->err)
		p->err = TAKE_PTR(*e);
	p->stop = true;
	pthread_cond_broadcast(&p->cv);
}

struct sink_ctx {
	struct puller *p;
	struct job *j;
	struct ctd_writer *w;
	struct buf pending;	/* curl hands over ~16 KiB at a time; containerd wants MiBs */
	struct ctd *c;
	struct img_stream_x *sx; /* extraction while downloading, or NULL */
	struct err *sx_err;	/* its failure, reported unless the download fails too */
};

static int
sink_flush(struct sink_ctx *s, struct err **errp)
{
	size_t n = s->pending.len;

	if (!n)
		return 0;
	if (ctd_content_writer_write(s->w, s->pending.data, n, errp) < 0)
		return -1;
	/* containerd stores these bytes meanwhile: the write above only queues them. */
	if (s->sx && img_stream_x_feed(s->sx, s->pending.data, n, &s->sx_err) < 0) {
		img_stream_x_free(s->c, TAKE_PTR(s->sx));
		/* Not doable here (user namespace, sparse file...): the Diff service does it later. */
		if (s->sx_err->kind == ERR_UNIMPLEMENTED)
			err_clear(&s->sx_err);
	}
	buf_reset(&s->pending);
	pthread_mutex_lock(&s->p->mu);
	s->j->done += (int64_t)n;
	pthread_mutex_unlock(&s->p->mu);
	return 0;
}

static int
blob_sink(void *ud, const void *data, size_t len, struct err **errp)
{
	struct sink_ctx *s = ud;

	if (cancelled(s->p))
		return err_set(errp, ERR_CANCELLED, "cancelled");
	buf_add(&s->pending, data, len);
	if (s->pending.len >= PULL_WRITE_CHUNK)
		return sink_flush(s, errp);
	return 0;
}

/* Adds this repository to the blob's distribution source label, as containerd's pull does. */
static int
label_source(struct puller *p, struct ctd *c, const char *digest, struct err **errp)
{
	_cleanup_ctd_msg_ CtdContentInfo *info = NULL;
	const char *eq = strchr(p->source_label, '=');
	_cleanup_free_ char *key = xstrndup(p->source_label, (size_t)(eq - p->source_label));
	_cleanup_free_ char *kv = NULL;
	char *labels[2] = { NULL, NULL };
	const char *cur;

	if (ctd_content_info(c, digest, &info, errp) < 0)
		return -1;
	cur = ctd_labels_get(info->labels, info->n_labels, key);
	if (cur) {
		/* A comma-separated list of repositories. */
		size_t n = strlen(eq + 1);

		for (const char *s = cur; s && *s; s = strchr(s, ',') ? strchr(s, ',') + 1 : NULL)
			if (!strncmp(s, eq + 1, n) && (s[n] == ',' || !s[n]))
				return 0;
		kv = xasprintf("%s=%s,%s", key, cur, eq + 1);
	} else {
		kv = xstrdup(p->source_label);
	}
	labels[0] = kv;
	return ctd_content_update_labels(c, digest, labels, errp);
}

/*
 * Waits for the unpack plan; then starts extracting j while it downloads if the plan says
 * so. A failure to start only means the layer is unpacked after the download.
 */
static struct img_stream_x *
stream_begin(struct puller *p, struct ctd *c, struct job *j)
{
	_cleanup_err_ struct err *e = NULL;
	struct img_stream_x *sx = NULL;
	bool parent_ready;

	if (!j->wants_plan)
		return NULL;
	pthread_mutex_lock(&p->mu);
	while (!p->plan_ready && !cancelled(p))
		pthread_cond_wait(&p->cv, &p->mu);
	parent_ready = j->layer >= 0 && p->ready >= (size_t)j->layer;
	pthread_mutex_unlock(&p->mu);
	if (j->layer < 0 || cancelled(p))
		return NULL;
	if (img_stream_x_begin(c, p->snapshotter, p->view, (size_t)j->layer, parent_ready, &sx,
			       &e) < 0)
		return NULL;
	return sx;
}

/* Fetches one blob into the content store; 0 also when it was already there. */
static int
fetch_blob(struct puller *p, struct ctd *c, struct reg *r, struct job *j, struct err **errp)
{
	_cleanup_(ctd_content_writer_freep) struct ctd_writer *w = NULL;
	_cleanup_free_ char *ingest = xasprintf(INGEST_PREFIX "%s", j->desc.digest);
	_cleanup_err_ struct err *e = NULL;
	char *labels[] = { p->source_label, NULL };
	struct sink_ctx s = { p, j, NULL, BUF_INIT, c, NULL, NULL };
	int64_t offset;
	int rc;

	/* containerd locks an ingest ref while a writer holds it: another pull of the same blob. */
	for (int tries = 0;; tries++) {
		if (ctd_content_writer_open(c, ingest, j->desc.size, j->desc.digest, &w, &e) == 0)
			break;
		if (e->kind == ERR_EXISTS) {
			j->existed = true;
			return label_source(p, c, j->desc.digest, errp);
		}
		if (e->kind != ERR_UNAVAILABLE || tries >= 600 || cancelled(p))
			return err_move(errp, &e);
		err_clear(&e);
		nanosleep(&(struct timespec){ 0, 100 * 1000 * 1000 }, NULL);
	}
	s.w = w;
	/*
	 * An interrupted pull left part of the blob: fetch only the rest (containerd 1.6 would
	 * not truncate it on a write at offset 0 anyway). Its layer is then extracted from the
	 * content store once committed.
	 */
	offset = ctd_content_writer_offset(w);
	if (offset > 0 && offset <= j->desc.size) {
		ctd_content_writer_resume(w);
		pthread_mutex_lock(&p->mu);
		j->done = offset;
		pthread_mutex_unlock(&p->mu);
	} else {
		offset = 0;
		s.sx = stream_begin(p, c, j);
	}
	buf_grow(&s.pending, PULL_WRITE_CHUNK + (64u << 10));
	if (offset == j->desc.size)
		rc = 0;
	else
		rc = reg_blob_get_from(r, p->ref->path, j->desc.digest, offset, j->desc.size,
				       blob_sink, &s, &e);
	if (rc == 0)
		rc = sink_flush(&s, &e);
	buf_release(&s.pending);
	/* A bad archive is reported only once the blob's own digest is known to be right. */
	if (rc == 0 && s.sx_err)
		rc = err_move(&e, &s.sx_err);
	if (rc < 0 || ctd_content_writer_commit(w, labels, &e) < 0) {
		img_stream_x_free(c, TAKE_PTR(s.sx));
		err_free(s.sx_err);
		if (e->kind == ERR_EXISTS)
			return 0;
		ctd_content_writer_free(TAKE_PTR(w));
		/* Drop the partial ingest: it must not be mistaken for verified bytes. */
		ctd_content_abort(c, ingest, NULL);
		return err_move(errp, &e);
	}
	if (s.sx && img_stream_x_end(c, s.sx, &e) < 0) {
		img_stream_x_free(c, TAKE_PTR(s.sx));
		if (e->kind != ERR_UNIMPLEMENTED)
			return err_move(errp, &e);
		err_clear(&e); /* as in sink_flush: the Diff service does it later */
	}
	j->sx = TAKE_PTR(s.sx);
	return 0;
}

static void *
worker(void *arg)
{
	struct puller *p = arg;
	_cleanup_(ctd_freep) struct ctd *c = NULL;
	_cleanup_reg_ struct reg *r = NULL;
	_cleanup_err_ struct err *e = NULL;

	if (ctd_connect(p->address, p->ns, &c, &e) < 0 ||
	    !(r = reg_new(p->ref->domain, p->reg_opts, &e))) {
		pthread_mutex_lock(&p->mu);
		fail_locked(p, &e);
		pthread_mutex_unlock(&p->mu);
		return NULL;
	}
	ctd_set_lease(c, p->lease);
	pthread_mutex_lock(&p->mu);
	while (!cancelled(p) && p->next_job < p->n_jobs) {
		struct job *j = &p->jobs[p->next_job++];
		int rc;

		j->state = JOB_RUNNING;
		pthread_mutex_unlock(&p->mu);
		rc = fetch_blob(p, c, r, j, &e);
		pthread_mutex_lock(&p->mu);
		if (rc < 0) {
			j->state = JOB_FAILED;
			err_wrap(&e, "fetch %s", j->desc.digest);
			fail_locked(p, &e);
			break;
		}
		j->state = JOB_DONE;
		j->done = j->desc.size;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* ---- the calling thread ---- */

struct pull {
	struct puller p;
	const struct img_pull_opts *o;
	struct ctd *c;
	struct reg *reg;
	struct ref *ref;
	char *name;
	struct reg_manifest *top;		/* the resolved index or manifest */
	struct img_desc target;
	size_t n_manifests;
	struct img_desc *manifest_descs;	/* chosen manifests, best first */
	struct img_manifest **manifests;
	struct strv seen;			/* digests with a job */
	struct img_view *view;			/* what is unpacked; workers read it */
};

static void
emit(struct pull *pl, enum img_pull_event ev, const struct img_desc *d, int64_t done)
{
	struct img_pull_status st = { ev, d->digest, d->media_type, done, d->size };

	if (pl->o->progress)
		pl->o->progress(pl->o->progress_arg, &st);
}

static void
add_job(struct pull *pl, const struct img_desc *d)
{
	struct puller *p = &pl->p;

	if (strv_contains(&pl->seen, d->digest))
		return;
	strv_push(&pl->seen, d->digest);
	p->jobs = xrealloc(p->jobs, (p->n_jobs + 1) * sizeof(*p->jobs));
	memset(&p->jobs[p->n_jobs], 0, sizeof(*p->jobs));
	p->jobs[p->n_jobs].layer = -1;
	img_desc_copy(&p->jobs[p->n_jobs].desc, d);
	p->n_jobs++;
}

static struct job *
find_job(struct puller *p, const char *digest)
{
	for (size_t i = 0; i < p->n_jobs; i++)
		if (!strcmp(p->jobs[i].desc.digest, digest))
			return &p->jobs[i];
	return NULL;
}

/* Stores a document we hold in memory, with its GC labels (also when it already exists). */
static int
put_doc(struct pull *pl, const struct img_desc *d, const char *data, size_t len,
	char *const *labels, struct err **errp)
{
	_cleanup_free_ char *ingest = xasprintf(INGEST_PREFIX "%s", d->digest);
	_cleanup_strv_ struct strv all = STRV_INIT;

	for (size_t i = 0; labels && labels[i]; i++)
		strv_push(&all, labels[i]);
	strv_push(&all, pl->p.source_label);
	if (ctd_content_write_blob(pl->c, ingest, data, len, d->digest, all.v, errp) < 0 ||
	    ctd_content_update_labels(pl->c, d->digest, all.v, errp) < 0)
		return err_wrap(errp, "store %s", d->digest);
	emit(pl, IMG_PULL_DONE, d, d->size);
	return 0;
}

/*
 * Picks the manifests of an index: every one for --all-platforms, else the best match (as
 * containerd's pull limits an index to one manifest). Entries without a platform are skipped.
 */
static void
choose_manifests(struct pull *pl, const struct img_index *x, const struct platform_matcher *m)
{
	_cleanup_free_ const struct img_desc **cs = NULL;
	struct platform_matcher all;
	size_t n;

	platform_matcher_all(&all);
	n = img_index_select(x, pl->o->all_platforms ? &all : m, true, &cs);
	if (!pl->o->all_platforms && n > 1)
		n = 1;
	pl->manifest_descs = xnew(struct img_desc, n + 1);
	for (size_t i = 0; i < n; i++)
		img_desc_copy(&pl->manifest_descs[pl->n_manifests++], cs[i]);
}

static int
fetch_manifest(struct pull *pl, const struct img_desc *d, char **ret_body, size_t *ret_len,
	       struct err **errp)
{
	_cleanup_reg_manifest_ struct reg_manifest *m = NULL;
	_cleanup_ref_ struct ref *r = ref_dup(pl->ref);

	free(r->digest);
	r->digest = xstrdup(d->digest);
	if (reg_manifest_get(pl->reg, r, &m, errp) < 0)
		return -1;
	if (m->size != d->size)
		return err_set(errp, ERR_INVALID, "manifest %s: size %lld, expected %lld", d->digest,
			       (long long)m->size, (long long)d->size);
	*ret_body = buf_detach(&m->body, ret_len);
	return 0;
}

/* Resolves the reference and stores the index and manifests; queues the blobs. */
static int
resolve(struct pull *pl, const struct platform_matcher *m, struct err **errp)
{
	enum img_kind kind;
	_cleanup_strv_ struct strv labels = STRV_INIT;

	if (reg_manifest_get(pl->reg, pl->ref, &pl->top, errp) < 0)
		return err_wrap(errp, "failed to resolve reference \"%s\"", pl->name);
	pl->target.media_type = xstrdup(pl->top->media_type);
	pl->target.digest = xstrdup(pl->top->digest);
	pl->target.size = pl->top->size;
	emit(pl, IMG_PULL_RESOLVED, &pl->target, 0);
	kind = img_media_kind(pl->top->media_type);
	if (kind == IMG_KIND_INDEX) {
		_cleanup_img_index_ struct img_index *x = NULL;

		if (img_index_parse(pl->top->body.data, pl->top->body.len, pl->top->media_type, &x,
				    errp) < 0)
			return err_wrap(errp, "%s", pl->name);
		choose_manifests(pl, x, m);
		if (!pl->n_manifests)
			return err_set(errp, ERR_NOT_FOUND, "%s: no match for platform in manifest %s",
				       pl->name, pl->target.digest);
	} else if (kind == IMG_KIND_MANIFEST) {
		pl->manifest_descs = xnew(struct img_desc, 1);
		img_desc_copy(&pl->manifest_descs[0], &pl->target);
		pl->n_manifests = 1;
	} else {
		return err_set(errp, kind == IMG_KIND_SCHEMA1 ? ERR_UNIMPLEMENTED : ERR_INVALID,
			       "%s: unsupported manifest media type %s", pl->name,
			       pl->top->media_type);
	}
	pl->manifests = xnew(struct img_manifest *, pl->n_manifests + 1);
	for (size_t i = 0; i < pl->n_manifests; i++) {
		const struct img_desc *d = &pl->manifest_descs[i];
		_cleanup_free_ char *body = NULL;
		_cleanup_strv_ struct strv ml = STRV_INIT;
		const char *data = pl->top->body.data;
		size_t len = pl->top->body.len;

		if (kind == IMG_KIND_INDEX) {
			if (fetch_manifest(pl, d, &body, &len, errp) < 0)
				return err_wrap(errp, "%s", pl->name);
			data = body;
		}
		if (img_manifest_parse(data, len, d->media_type, &pl->manifests[i], errp) < 0)
			return err_wrap(errp, "%s: manifest %s", pl->name, d->digest);
		img_gc_labels_manifest(pl->manifests[i], &ml);
		if (put_doc(pl, d, data, len, ml.v, errp) < 0)
			return -1;
		add_job(pl, &pl->manifests[i]->config);
		for (size_t k = 0; k < pl->manifests[i]->n_layers; k++) {
			const struct img_desc *l = &pl->manifests[i]->layers[k];

			if (img_media_kind(l->media_type) != IMG_KIND_LAYER)
				return err_set(errp, ERR_INVALID, "%s: layer %s: unsupported media type %s",
					       pl->name, l->digest, l->media_type);
			add_job(pl, l);
			if (i == 0 && pl->o->unpack)
				find_job(&pl->p, l->digest)->wants_plan = true;
		}
	}
	if (kind == IMG_KIND_INDEX) {
		img_gc_labels_index(pl->manifest_descs, pl->n_manifests, &labels);
		if (put_doc(pl, &pl->target, pl->top->body.data, pl->top->body.len, labels.v,
			    errp) < 0)
			return -1;
	}
	return 0;
}

/* Reports progress of running jobs; called with p->mu held. */
static void
report_locked(struct pull *pl)
{
	struct puller *p = &pl->p;

	if (!pl->o->progress)
		return;
	for (size_t i = 0; i < p->n_jobs; i++) {
		struct job *j = &p->jobs[i];
		enum img_pull_event ev;

		if (!j->announced) {
			j->announced = true;
			j->reported = -1;
			emit(pl, IMG_PULL_WAITING, &j->desc, 0);
		}
		if (j->state == JOB_DONE && j->reported != INT64_MAX) {
			ev = j->existed ? IMG_PULL_EXISTS : IMG_PULL_DONE;
			j->reported = INT64_MAX;
			emit(pl, ev, &j->desc, j->desc.size);
		} else if (j->state == JOB_RUNNING && j->done != j->reported) {
			j->reported = j->done;
			emit(pl, IMG_PULL_PROGRESS, &j->desc, j->done);
		}
	}
}

static bool
all_done_locked(const struct puller *p)
{
	for (size_t i = 0; i < p->n_jobs; i++)
		if (p->jobs[i].state != JOB_DONE)
			return false;
	return true;
}

/* Waits until job j is done (or the pull fails); reports progress meanwhile. */
static int
wait_job(struct pull *pl, struct job *j, struct err **errp)
{
	struct puller *p = &pl->p;
	int rc = 0;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		struct timespec ts;

		if (p->cancel && *p->cancel && !p->stop) {
			struct err *e = NULL;

			err_set(&e, ERR_CANCELLED, "pull cancelled");
			fail_locked(p, &e);
		}
		report_locked(pl);
		if (p->stop) {
			rc = err_set(errp, p->err ? p->err->kind : ERR_CANCELLED, "%s",
				     p->err ? p->err->msg : "pull cancelled");
			break;
		}
		if (j ? j->state == JOB_DONE : all_done_locked(p))
			break;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += PULL_TICK_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&p->cv, &p->mu, &ts);
	}
	pthread_mutex_unlock(&p->mu);
	return rc;
}

/*
 * The view of the first chosen manifest once its config is in. A manifest without an index
 * must match the wanted platform (Docker: "does not match the specified platform").
 */
static struct img_view *
first_view(struct pull *pl, const struct platform_matcher *m, struct err **errp)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	struct img_manifest *man = pl->manifests[0];
	struct img_config *cfg = NULL;
	struct img_view *v;

	if (wait_job(pl, find_job(&pl->p, man->config.digest), errp) < 0)
		return NULL;
	if (img_blob_read(pl->c, man->config.digest, IMG_DOC_MAX, &b, errp) < 0 ||
	    img_config_parse(b.data, b.len, &cfg, errp) < 0) {
		err_wrap(errp, "%s: config %s", pl->name, man->config.digest);
		return NULL;
	}
	if (img_media_kind(pl->target.media_type) == IMG_KIND_MANIFEST && !pl->o->all_platforms &&
	    platform_match(m, &cfg->platform) < 0) {
		char have[PLATFORM_STR_SIZE], want[PLATFORM_STR_SIZE];

		err_set(errp, ERR_NOT_FOUND,
			"image with reference %s was found but does not match the specified platform: wanted %s, actual: %s",
			pl->name, platform_string(&m->want[0], want, sizeof(want)),
			platform_string(&cfg->platform, have, sizeof(have)));
		img_config_free(cfg);
		return NULL;
	}
	pl->manifests[0] = NULL;
	v = img_view_build(&pl->target, &pl->manifest_descs[0], man, cfg, errp);
	if (!v)
		err_wrap(errp, "%s", pl->name);
	return v;
}

/* Publishes the plan (also an empty one), so workers waiting for it go on. */
static void
set_plan(struct pull *pl, const struct img_view *v, const char *sn, size_t ready)
{
	struct puller *p = &pl->p;

	pthread_mutex_lock(&p->mu);
	p->view = v;
	p->snapshotter = sn;
	p->ready = ready;
	p->plan_ready = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/*
 * The plan: layers [0, ready) are unpacked already; every later layer is extracted by the
 * worker that downloads its blob (the first position of a blob that appears twice).
 */
static int
plan(struct pull *pl, const struct img_view *v, const char *sn, struct err **errp)
{
	size_t n = v->manifest->n_layers, ready = 0;

	for (size_t k = n; k > 0; k--) {
		int r = img_snapshot_exists(pl->c, sn, v->chain_ids[k - 1], errp);

		if (r < 0)
			return -1;
		if (r == 1) {
			ready = k;
			break;
		}
	}
	pthread_mutex_lock(&pl->p.mu);
	for (size_t i = ready; i < n; i++) {
		struct job *j = find_job(&pl->p, v->manifest->layers[i].digest);

		if (j->layer < 0)
			j->layer = (ssize_t)i;
	}
	pthread_mutex_unlock(&pl->p.mu);
	set_plan(pl, v, sn, ready);
	return 0;
}

/*
 * Unpacks the first chosen manifest in layer order as its layers arrive (or only waits,
 * without unpack). Layers extracted while downloading are committed, or moved into place
 * here once their parent is; the others are extracted from the content store.
 */
static int
finish(struct pull *pl, const struct platform_matcher *m, struct err **errp)
{
	struct img_view *v = pl->view = first_view(pl, m, errp);
	_cleanup_(img_unpacker_freep) struct img_unpacker *u = NULL;
	const char *sn = pl->o->snapshotter ? pl->o->snapshotter : "overlayfs";
	int r;

	if (!v || !pl->o->unpack) {
		set_plan(pl, NULL, sn, 0);
		return v ? wait_job(pl, NULL, errp) : -1;
	}
	r = plan(pl, v, sn, errp);
	if (r < 0) {
		set_plan(pl, NULL, sn, 0);
		return -1;
	}
	u = img_unpacker_new(pl->c, sn, v);
	for (size_t i = 0; i < v->manifest->n_layers; i++) {
		const struct img_desc *l = &v->manifest->layers[i];
		struct job *j = find_job(&pl->p, l->digest);
		bool skipped;

		if (wait_job(pl, j, errp) < 0)
			return -1;
		emit(pl, IMG_PULL_UNPACKING, l, 0);
		if (img_unpacker_layer(u, i, j->layer == (ssize_t)i ? j->sx : NULL, &skipped,
				       errp) < 0)
			return err_wrap(errp, "%s", pl->name);
		pthread_mutex_lock(&pl->p.mu);
		pl->p.ready = i + 1;
		pthread_cond_broadcast(&pl->p.cv);
		pthread_mutex_unlock(&pl->p.mu);
		emit(pl, IMG_PULL_UNPACKED, l, skipped);
	}
	if (wait_job(pl, NULL, errp) < 0)
		return -1;
	return img_unpacker_finish(u, errp);
}

static void
pull_release(struct pull *pl)
{
	for (size_t i = 0; i < pl->p.n_jobs; i++)
		img_desc_release(&pl->p.jobs[i].desc);
	img_view_free(pl->view);
	free(pl->p.jobs);
	err_free(pl->p.err);
	free(pl->p.source_label);
	pthread_mutex_destroy(&pl->p.mu);
	pthread_cond_destroy(&pl->p.cv);
	for (size_t i = 0; i < pl->n_manifests; i++) {
		img_desc_release(&pl->manifest_descs[i]);
		if (pl->manifests)
			img_manifest_free(pl->manifests[i]);
	}
	free(pl->manifest_descs);
	free(pl->manifests);
	img_desc_release(&pl->target);
	reg_manifest_free(pl->top);
	reg_free(pl->reg);
	ref_free(pl->ref);
	free(pl->name);
	strv_release(&pl->seen);
}

int
img_pull(struct ctd *c, const char *refstr, const struct img_pull_opts *o,
	 struct img_pull_result *ret, struct err **errp)
{
	struct pull pl = { .o = o, .c = c, .seen = STRV_INIT };
	struct platform_matcher host;
	const struct platform_matcher *m = o->platforms;
	_cleanup_free_ char *lease = NULL;
	_cleanup_free_ pthread_t *threads = NULL;
	size_t nthreads = 0;
	int rc = -1;

	pthread_mutex_init(&pl.p.mu, NULL);
	pthread_cond_init(&pl.p.cv, NULL);
	if (!m) {
		platform_matcher_host(&host);
		m = &host;
	}
	if (ref_parse(refstr, &pl.ref, errp) < 0)
		goto out;
	pl.name = ref_string(pl.ref);
	pl.p.ref = pl.ref;
	pl.p.cancel = o->cancel;
	pl.p.address = ctd_address(c);
	pl.p.ns = ctd_namespace(c);
	pl.p.reg_opts = o->reg;
	pl.p.source_label = xasprintf(IMG_LABEL_DISTRIBUTION_SOURCE "%s=%s", pl.ref->domain,
				      pl.ref->path);
	pl.reg = reg_new(pl.ref->domain, o->reg, errp);
	if (!pl.reg)
		goto out;
	if (ctd_leases_create_expiring(c, PULL_LEASE_S, &lease, errp) < 0) {
		err_wrap(errp, "create lease");
		goto out;
	}
	ctd_set_lease(c, lease);
	pl.p.lease = lease;
	if (resolve(&pl, m, errp) < 0)
		goto out;

	nthreads = (size_t)(o->concurrency > 0 ? o->concurrency : PULL_CONCURRENCY);
	if (nthreads > pl.p.n_jobs)
		nthreads = pl.p.n_jobs;
	threads = xnew(pthread_t, nthreads + 1);
	for (size_t i = 0; i < nthreads; i++) {
		int e = pthread_create(&threads[i], NULL, worker, &pl.p);

		if (e) {
			err_sys(errp, e, "pthread_create");
			nthreads = i;
			pthread_mutex_lock(&pl.p.mu);
			pl.p.stop = true;
			pthread_mutex_unlock(&pl.p.mu);
			goto join;
		}
	}
	rc = finish(&pl, m, errp);
	if (rc == 0) {
		rc = img_record_put(c, pl.name, &pl.target, NULL, errp);
		if (rc < 0)
			err_wrap(errp, "create image %s", pl.name);
	}
	if (rc < 0) {
		pthread_mutex_lock(&pl.p.mu);
		pl.p.stop = true;
		pthread_mutex_unlock(&pl.p.mu);
	}
join:
	for (size_t i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	/* Staged extractions a failed pull did not use; committed ones stay. */
	for (size_t i = 0; i < pl.p.n_jobs; i++)
		img_stream_x_free(c, TAKE_PTR(pl.p.jobs[i].sx));
	if (rc == 0 && ret) {
		ret->name = xstrdup(pl.name);
		ret->target_digest = xstrdup(pl.target.digest);
		ret->target_media_type = xstrdup(pl.target.media_type);
	}
out:
	if (lease) {
		ctd_set_lease(c, NULL);
		/* Best effort on failure: the lease expires anyway. */
		if (ctd_leases_delete(c, lease, false, rc < 0 ? NULL : errp) < 0 && rc == 0)
			rc = err_wrap(errp, "delete lease %s", lease);
	}
	pull_release(&pl);
	return rc;
}
