/*
 * Image push: blobs streamed from containerd's content store to the registry (HEAD, mount,
 * upload), then manifests and the index as the exact bytes containerd holds, so the
 * registry's digests are the local ones.
 */
#include <string.h>

#include "base/json.h"
#include "base/xalloc.h"
#include "ctd/content.h"
#include "ctd/images.h"
#include "ctd/labels.h"
#include "image/manifest.h"
#include "image/push.h"
#include "image/store.h"
#include "registry/reference.h"
#include "base/banned.h"

#define PUSH_READ_CHUNK (4u << 20)	/* bytes per content Read call while uploading */

struct pusher {
	struct ctd *c;
	struct reg *r;
	const struct ref *ref;
	const struct img_push_opts *o;
	struct strv done;	/* blobs already handled in this push */
};

static void
emit(struct pusher *p, enum img_push_event ev, const char *digest, const char *mt, int64_t done,
     int64_t total)
{
	struct img_push_status st = { ev, digest, mt, done, total };

	if (p->o->progress)
		p->o->progress(p->o->progress_arg, &st);
}

void
img_push_result_release(struct img_push_result *r)
{
	free(r->name);
	free(r->tag);
	free(r->digest);
	memset(r, 0, sizeof(*r));
}

char *
img_push_mount_source(const char *label_value, const char *repo)
{
	const char *p = label_value;

	while (p && *p) {
		size_t n = strcspn(p, ",");

		if (n && (strlen(repo) != n || strncmp(p, repo, n) != 0))
			return xstrndup(p, n);
		p += n;
		if (*p == ',')
			p++;
	}
	return NULL;
}

/* The blob as a reg_source_fn: the content store read in PUSH_READ_CHUNK pieces. */
struct blob_src {
	struct pusher *p;
	const struct img_desc *d;
	int64_t fetched, handed;
	struct buf chunk;
	size_t pos;
};

static int
chunk_add(void *arg, const uint8_t *data, size_t len, struct err **errp)
{
	struct blob_src *s = arg;

	(void)errp;
	buf_add(&s->chunk, data, len);
	return 0;
}

static ssize_t
blob_read(void *ud, void *out, size_t n, struct err **errp)
{
	struct blob_src *s = ud;
	size_t k;

	if (s->pos == s->chunk.len) {
		int64_t want = s->d->size - s->fetched;

		if (want <= 0)
			return 0;
		if (want > (int64_t)PUSH_READ_CHUNK)
			want = PUSH_READ_CHUNK;
		buf_reset(&s->chunk);
		s->pos = 0;
		if (ctd_content_read(s->p->c, s->d->digest, s->fetched, want, chunk_add, s,
				     errp) < 0)
			return -1;
		if (s->chunk.len == 0)
			return err_set(errp, ERR_INTERNAL, "content %s ended at %lld of %lld bytes",
				       s->d->digest, (long long)s->fetched, (long long)s->d->size);
		s->fetched += (int64_t)s->chunk.len;
	}
	k = s->chunk.len - s->pos < n ? s->chunk.len - s->pos : n;
	memcpy(out, s->chunk.data + s->pos, k);
	s->pos += k;
	s->handed += (int64_t)k;
	emit(s->p, IMG_PUSH_PROGRESS, s->d->digest, s->d->media_type, s->handed, s->d->size);
	return (ssize_t)k;
}

/* Another repository of this registry containerd fetched the blob from, or NULL. */
static char *
mount_source(struct pusher *p, const char *digest)
{
	_cleanup_ctd_msg_ CtdContentInfo *info = NULL;
	_cleanup_err_ struct err *ignored = NULL;
	_cleanup_free_ char *key = xasprintf("%s%s", IMG_LABEL_DISTRIBUTION_SOURCE, p->ref->domain);
	const char *v;

	if (ctd_content_info(p->c, digest, &info, &ignored) < 0)
		return NULL;
	v = ctd_labels_get(info->labels, info->n_labels, key);
	return v ? img_push_mount_source(v, p->ref->path) : NULL;
}

static bool
non_distributable(const char *mt)
{
	return strstr(mt, "nondistributable") || strstr(mt, "foreign");
}

static int
push_blob(struct pusher *p, const struct img_desc *d, struct err **errp)
{
	_cleanup_free_ char *from = NULL;
	struct blob_src src = { .p = p, .d = d, .chunk = BUF_INIT };
	struct reg_push_opts po = { .chunk_size = p->o->chunk_size };
	int ex, r;

	/* Docker does not push foreign layers: the registry is not meant to have them. */
	if (strv_contains(&p->done, d->digest) || non_distributable(d->media_type))
		return 0;
	strv_push(&p->done, d->digest);
	emit(p, IMG_PUSH_WAITING, d->digest, d->media_type, 0, d->size);
	ex = reg_blob_exists(p->r, p->ref->path, d->digest, NULL, errp);
	if (ex < 0)
		return -1;
	if (ex == 1) {
		emit(p, IMG_PUSH_EXISTS, d->digest, d->media_type, d->size, d->size);
		return 0;
	}
	from = mount_source(p, d->digest);
	po.mount_from = from;
	r = reg_blob_push(p->r, p->ref->path, d->digest, d->size, blob_read, &src, &po, errp);
	buf_release(&src.chunk);
	if (r < 0)
		return -1;
	emit(p, IMG_PUSH_DONE, d->digest, d->media_type, d->size, d->size);
	return 0;
}

/* PUTs a manifest or index under where (tag or digest); expect: its digest, or NULL. */
static int
put_doc(struct pusher *p, const struct buf *doc, const char *mt, const char *where,
	const char *expect, char **ret_digest, struct err **errp)
{
	_cleanup_free_ char *got = NULL;

	if (reg_manifest_put(p->r, p->ref->path, where, mt, doc->data, doc->len, &got, errp) < 0)
		return -1;
	if (expect && strcmp(got, expect) != 0)
		return err_set(errp, ERR_INTERNAL, "registry stored %s as %s", expect, got);
	emit(p, IMG_PUSH_MANIFEST, got, mt, (int64_t)doc->len, (int64_t)doc->len);
	if (ret_digest)
		*ret_digest = TAKE_PTR(got);
	return 0;
}

/* A manifest's config and layers, then the manifest itself under where (NULL: its digest). */
static int
push_manifest(struct pusher *p, const struct img_desc *d, const char *where, struct err **errp)
{
	_cleanup_buf_ struct buf doc = BUF_INIT;
	_cleanup_img_manifest_ struct img_manifest *m = NULL;

	if (img_blob_read(p->c, d->digest, IMG_DOC_MAX, &doc, errp) < 0 ||
	    img_manifest_parse(doc.data, doc.len, d->media_type, &m, errp) < 0)
		return err_wrap(errp, "manifest %s", d->digest);
	if (push_blob(p, &m->config, errp) < 0)
		return -1;
	for (size_t i = 0; i < m->n_layers; i++)
		if (push_blob(p, &m->layers[i], errp) < 0)
			return -1;
	return put_doc(p, &doc, d->media_type, where ? where : d->digest, d->digest, NULL, errp);
}

static int
push_children(struct pusher *p, const struct img_index *x, const bool *want, struct err **errp)
{
	for (size_t i = 0; i < x->n_manifests; i++) {
		const struct img_desc *m = &x->manifests[i];

		if (want && !want[i])
			continue;
		if (img_media_kind(m->media_type) != IMG_KIND_MANIFEST)
			return err_set(errp, ERR_UNIMPLEMENTED,
				       "push of a nested %s: not implemented yet", m->media_type);
		if (push_manifest(p, m, NULL, errp) < 0)
			return -1;
	}
	return 0;
}

/* The index document with only the wanted manifests (nerdctl pushes such a reduced index). */
static int
reduce_index(const struct buf *doc, const struct img_index *x, const bool *want,
	     struct buf *out, struct err **errp)
{
	_cleanup_json_ json_t *j = json_parse_strict(doc->data, doc->len, IMG_DOC_MAX, "index",
						      errp);
	_cleanup_json_ json_t *keep = json_array();
	json_t *list, *e;
	size_t i;
	char *text;

	if (!j)
		return -1;
	list = json_object_get(j, "manifests");
	json_array_foreach(list, i, e) {
		const char *dg = json_get_str(e, "digest");

		for (size_t k = 0; k < x->n_manifests; k++)
			if (want[k] && dg && !strcmp(dg, x->manifests[k].digest)) {
				json_array_append(keep, e);
				break;
			}
	}
	json_object_set(j, "manifests", keep);
	text = json_dumps(j, JSON_COMPACT);
	if (!text)
		return err_set(errp, ERR_INTERNAL, "cannot serialise the reduced index");
	buf_adds(out, text);
	free(text);
	return 0;
}

static int
push_index(struct pusher *p, const struct img_desc *d, const char *where, bool whole,
	   struct img_push_result *ret, struct err **errp)
{
	_cleanup_buf_ struct buf doc = BUF_INIT, reduced = BUF_INIT;
	_cleanup_img_index_ struct img_index *x = NULL;
	_cleanup_free_ bool *want = NULL;
	struct platform_matcher host;
	const struct platform_matcher *m = p->o->platforms;
	size_t n = 0, last = 0;

	if (img_blob_read(p->c, d->digest, IMG_DOC_MAX, &doc, errp) < 0 ||
	    img_index_parse(doc.data, doc.len, d->media_type, &x, errp) < 0)
		return err_wrap(errp, "index %s", d->digest);
	if (whole) {
		if (push_children(p, x, NULL, errp) < 0)
			return -1;
		ret->size = (int64_t)doc.len;
		return put_doc(p, &doc, d->media_type, where, d->digest, &ret->digest, errp);
	}
	if (!m) {
		struct platform hp;

		platform_host(&hp);
		platform_matcher_exact(&host, &hp);
		m = &host;
	}
	want = xnew(bool, x->n_manifests + 1);
	for (size_t i = 0; i < x->n_manifests; i++) {
		_cleanup_ctd_msg_ CtdContentInfo *info = NULL;
		_cleanup_err_ struct err *absent = NULL;
		const struct img_desc *e = &x->manifests[i];

		if (!e->has_platform || platform_match(m, &e->platform) < 0 ||
		    ctd_content_info(p->c, e->digest, &info, &absent) < 0)
			continue;
		want[i] = true;
		last = i;
		n++;
	}
	if (n == 0)
		return err_set(errp, ERR_NOT_FOUND, "no match for platform in manifest %s",
			       d->digest);
	if (n == 1) {
		const struct img_desc *e = &x->manifests[last];

		if (push_manifest(p, e, where, errp) < 0)
			return -1;
		ret->digest = xstrdup(e->digest);
		ret->size = e->size;
		return 0;
	}
	if (push_children(p, x, want, errp) < 0)
		return -1;
	if (n == x->n_manifests) {
		ret->size = (int64_t)doc.len;
		return put_doc(p, &doc, d->media_type, where, d->digest, &ret->digest, errp);
	}
	if (reduce_index(&doc, x, want, &reduced, errp) < 0)
		return -1;
	ret->size = (int64_t)reduced.len;
	return put_doc(p, &reduced, d->media_type, where, NULL, &ret->digest, errp);
}

/* The local record to push: the normalised name, or for name@digest any record with it. */
static int
find_local(struct ctd *c, const struct ref *ref, CtdImage **ret, struct err **errp)
{
	_cleanup_free_ char *name = ref_string(ref);
	_cleanup_err_ struct err *e = NULL;

	if (ctd_images_get(c, name, ret, &e) == 0)
		return 0;
	if (e->kind != ERR_NOT_FOUND)
		return err_move(errp, &e);
	if (ref->digest) {
		_cleanup_ctd_msg_ CtdImageList *l = NULL;

		if (img_find(c, ref->digest, &l, errp) < 0)
			return -1;
		if (l->n_images > 0) {
			*ret = TAKE_PTR(l->images[0]);
			l->images[0] = l->images[--l->n_images];
			return 0;
		}
	}
	{
		_cleanup_free_ char *fam = ref_familiar_name(ref);

		return err_set(errp, ERR_NOT_FOUND,
			       "An image does not exist locally with the tag: %s", fam);
	}
}

int
img_push(struct ctd *c, const char *name, const struct img_push_opts *o,
	 struct img_push_result *ret, struct err **errp)
{
	_cleanup_ref_ struct ref *ref = NULL;
	_cleanup_ctd_msg_ CtdImage *img = NULL;
	_cleanup_reg_ struct reg *r = NULL;
	_cleanup_(img_desc_release) struct img_desc target = { 0 };
	_cleanup_(img_push_result_release) struct img_push_result res = { 0 };
	struct pusher p = { .c = c, .o = o, .done = STRV_INIT };
	const char *where;
	int rc = -1;

	if (ref_parse(name, &ref, errp) < 0)
		return -1;
	if (ref->digest && (o->platforms || o->all_platforms))
		return err_set(errp, ERR_INVALID,
			       "--platform and --all-platforms cannot be used with a digest reference");
	if (find_local(c, ref, &img, errp) < 0)
		return -1;
	if (!img->target || !img->target->digest)
		return err_set(errp, ERR_INVALID, "image %s has no target", img->name);
	img_desc_from_ctd(&target, img->target);
	where = ref_object(ref);
	r = reg_new(ref->domain, o->reg, errp);
	if (!r)
		return -1;
	p.r = r;
	p.ref = ref;
	switch (img_media_kind(target.media_type)) {
	case IMG_KIND_MANIFEST:
		if (push_manifest(&p, &target, where, errp) < 0)
			goto out;
		res.digest = xstrdup(target.digest);
		res.size = target.size;
		break;
	case IMG_KIND_INDEX:
		if (push_index(&p, &target, where, o->all_platforms || ref->digest, &res,
			       errp) < 0)
			goto out;
		break;
	default:
		err_set(errp, ERR_INVALID, "cannot push an image whose target is %s",
			target.media_type);
		goto out;
	}
	res.name = ref_string(ref);
	res.tag = ref->digest ? NULL : xstrdup(ref->tag);
	*ret = res;
	memset(&res, 0, sizeof(res));
	rc = 0;
out:
	strv_release(&p.done);
	return rc;
}
