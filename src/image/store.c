/* The image store over containerd: lookups, documents, per-platform views, sizes, labels. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/store.h"
#include "ctd/content.h"
#include "ctd/labels.h"
#include "ctd/snapshots.h"
#include "registry/reference.h"
#include "base/xalloc.h"
#include "base/banned.h"

char *
img_normalize_name(const char *s, struct err **errp)
{
	_cleanup_ref_ struct ref *r = NULL;

	if (ref_parse(s, &r, errp) < 0)
		return NULL;
	return ref_string(r);
}

static bool
is_hex(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s) && !(*s >= 'a' && *s <= 'f'))
			return false;
	return true;
}

/* 2: exact name, 1: ID or digest (prefix), 0: no match. */
static int
image_matches(const CtdImage *img, const char *s, const char *normalized)
{
	const char *d = img->target && img->target->digest ? img->target->digest : "";

	if (!strcmp(img->name, s) || (normalized && !strcmp(img->name, normalized)))
		return 2;
	if (!strncmp(s, "sha256:", 7) && is_hex(s + 7) && !strncmp(d, s, strlen(s)))
		return 1;
	if (is_hex(s) && !strncmp(d, "sha256:", 7) && !strncmp(d + 7, s, strlen(s)))
		return 1;
	return 0;
}

int
img_find(struct ctd *c, const char *s, CtdImageList **ret, struct err **errp)
{
	_cleanup_ctd_msg_ CtdImageList *all = NULL;
	_cleanup_free_ char *normalized = img_normalize_name(s, NULL);
	size_t n = 0;

	if (ctd_images_list(c, NULL, &all, errp) < 0)
		return -1;
	/* Exact name matches first, then ID matches, each in containerd's order. */
	for (int want = 2; want >= 1; want--)
		for (size_t i = n; i < all->n_images; i++)
			if (image_matches(all->images[i], s, normalized) == want) {
				CtdImage *tmp = all->images[n];

				all->images[n++] = all->images[i];
				all->images[i] = tmp;
			}
	/*
	 * Docker's image ID is the config digest (what inspect's Id, commit and import show);
	 * the records are found by their target digest. Only when nothing else matched: one
	 * view per image.
	 */
	if (!n && (!strncmp(s, "sha256:", 7) ? is_hex(s + 7) : is_hex(s))) {
		const char *want = !strncmp(s, "sha256:", 7) ? s + 7 : s;
		struct platform_matcher m;

		platform_matcher_host(&m);
		for (size_t i = 0; i < all->n_images; i++) {
			struct img_view *v = NULL;
			bool hit;

			if (!all->images[i]->target ||
			    img_view_load(c, all->images[i]->target, &m, &v, NULL) < 0)
				continue;
			hit = !strncmp(v->manifest->config.digest + 7, want, strlen(want));
			img_view_free(v);
			if (hit) {
				CtdImage *tmp = all->images[n];

				all->images[n++] = all->images[i];
				all->images[i] = tmp;
			}
		}
	}
	for (size_t i = n; i < all->n_images; i++)
		ctd_msg_free(all->images[i]);
	all->n_images = n;
	*ret = TAKE_PTR(all);
	return 0;
}

int
img_resolve(struct ctd *c, const char *s, CtdImage **ret, struct err **errp)
{
	_cleanup_ctd_msg_ CtdImageList *l = NULL;
	_cleanup_free_ char *normalized = img_normalize_name(s, NULL);
	const char *first;

	if (img_find(c, s, &l, errp) < 0)
		return -1;
	if (l->n_images == 0)
		return err_set(errp, ERR_NOT_FOUND, "no such image: %s", s);
	if (image_matches(l->images[0], s, normalized) < 2) {
		first = l->images[0]->target ? l->images[0]->target->digest : "";
		for (size_t i = 1; i < l->n_images; i++)
			if (!l->images[i]->target || strcmp(l->images[i]->target->digest, first) != 0)
				return err_set(errp, ERR_INVALID,
					       "multiple IDs found with provided prefix: %s", s);
	}
	*ret = TAKE_PTR(l->images[0]);
	memmove(l->images, l->images + 1, (l->n_images - 1) * sizeof(*l->images));
	l->n_images--;
	return 0;
}

struct read_ctx {
	struct buf *out;
	size_t start;
	size_t max;
	const char *digest;
};

static int
read_chunk(void *arg, const uint8_t *data, size_t len, struct err **errp)
{
	struct read_ctx *r = arg;

	if (r->out->len - r->start + len > r->max)
		return err_set(errp, ERR_RESOURCE, "blob %s: larger than %zu bytes", r->digest, r->max);
	buf_add(r->out, data, len);
	return 0;
}

int
img_blob_read(struct ctd *c, const char *digest, size_t max, struct buf *out, struct err **errp)
{
	struct read_ctx r = { out, out->len, max, digest };

	if (ctd_content_read(c, digest, 0, 0, read_chunk, &r, errp) < 0) {
		buf_setlen(out, r.start);
		return -1;
	}
	return 0;
}

void
img_desc_from_ctd(struct img_desc *dst, const CtdDescriptor *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->media_type = xstrdup(src->media_type ? src->media_type : "");
	dst->digest = xstrdup(src->digest ? src->digest : "");
	dst->size = src->size;
	if (src->n_annotations) {
		struct ctd_label **a = (struct ctd_label **)src->annotations;

		dst->annotations = json_object();
		for (size_t i = 0; i < src->n_annotations; i++)
			json_object_set_new(dst->annotations, a[i]->key, json_string(a[i]->value));
	}
}

CtdDescriptor *
img_desc_to_ctd(const struct img_desc *src)
{
	CtdDescriptor *d = xnew(CtdDescriptor, 1);
	_cleanup_strv_ struct strv kv = STRV_INIT;
	const char *k;
	json_t *v;

	containerd__types__descriptor__init(d);
	d->media_type = xstrdup(src->media_type ? src->media_type : "");
	d->digest = xstrdup(src->digest ? src->digest : "");
	d->size = src->size;
	json_object_foreach(src->annotations, k, v)
		if (json_is_string(v))
			strv_pushf(&kv, "%s=%s", k, json_string_value(v));
	d->annotations = (void *)ctd_labels_build(&containerd__types__descriptor__annotations_entry__descriptor,
						  kv.v, &d->n_annotations);
	return d;
}

void
img_ctd_desc_free(CtdDescriptor *d)
{
	if (!d)
		return;
	free(d->media_type);
	free(d->digest);
	ctd_labels_free((struct ctd_label **)d->annotations, d->n_annotations);
	free(d);
}

void
img_view_free(struct img_view *v)
{
	if (!v)
		return;
	img_desc_release(&v->target);
	img_desc_release(&v->manifest_desc);
	img_manifest_free(v->manifest);
	img_config_free(v->config);
	free(v->chain_ids);
	free(v);
}

const char *
img_view_top_chain_id(const struct img_view *v)
{
	size_t n = v->config->n_diff_ids;

	return n ? v->chain_ids[n - 1] : "";
}

/* Reads and parses a manifest and its config into v; ERR_NOT_FOUND when either is absent. */
static int
view_fill(struct ctd *c, struct img_view *v, const struct img_desc *md, struct err **errp)
{
	_cleanup_buf_ struct buf b = BUF_INIT;

	if (img_blob_read(c, md->digest, IMG_DOC_MAX, &b, errp) < 0 ||
	    img_manifest_parse(b.data, b.len, md->media_type, &v->manifest, errp) < 0)
		return err_wrap(errp, "manifest %s", md->digest);
	buf_reset(&b);
	if (img_blob_read(c, v->manifest->config.digest, IMG_DOC_MAX, &b, errp) < 0 ||
	    img_config_parse(b.data, b.len, &v->config, errp) < 0)
		return err_wrap(errp, "config %s", v->manifest->config.digest);
	img_desc_copy(&v->manifest_desc, md);
	return 0;
}

static int
view_finish(struct img_view *v, struct err **errp)
{
	size_t n = v->config->n_diff_ids;

	if (n != v->manifest->n_layers)
		return err_set(errp, ERR_INVALID,
			       "image %s: %zu layers but %zu diff IDs in the config",
			       v->manifest_desc.digest, v->manifest->n_layers, n);
	v->chain_ids = xcalloc(n ? n : 1, DIGEST_STR_SIZE);
	return img_chain_ids(v->config->diff_ids, n, v->chain_ids, errp);
}

struct img_view *
img_view_build(const struct img_desc *target, const struct img_desc *manifest_desc,
	       struct img_manifest *manifest, struct img_config *config, struct err **errp)
{
	_cleanup_(img_view_freep) struct img_view *v = xnew(struct img_view, 1);

	img_desc_copy(&v->target, target);
	img_desc_copy(&v->manifest_desc, manifest_desc);
	v->manifest = manifest;
	v->config = config;
	if (view_finish(v, errp) < 0)
		return NULL;
	return TAKE_PTR(v);
}

struct cand {
	const struct img_desc *d;
	int rank;
	size_t pos;
};

static int
cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

size_t
img_index_select(const struct img_index *x, const struct platform_matcher *m,
		 bool skip_unplatformed, const struct img_desc ***ret)
{
	_cleanup_free_ struct cand *cs = xnew(struct cand, x->n_manifests + 1);
	const struct img_desc **v;
	size_t n = 0;

	for (size_t i = 0; i < x->n_manifests; i++) {
		const struct img_desc *d = &x->manifests[i];
		/* An entry without a platform matches last, as containerd's does. */
		int rank = d->has_platform ? platform_match(m, &d->platform)
			   : skip_unplatformed ? -1 : PLATFORM_MATCHER_MAX;

		if (img_media_kind(d->media_type) != IMG_KIND_MANIFEST || rank < 0)
			continue;
		cs[n++] = (struct cand){ d, rank, i };
	}
	qsort(cs, n, sizeof(*cs), cand_cmp);
	v = xnew(const struct img_desc *, n + 1);
	for (size_t i = 0; i < n; i++)
		v[i] = cs[i].d;
	*ret = v;
	return n;
}

int
img_view_load(struct ctd *c, const CtdDescriptor *target, const struct platform_matcher *m,
	      struct img_view **ret, struct err **errp)
{
	_cleanup_(img_view_freep) struct img_view *v = xnew(struct img_view, 1);
	_cleanup_buf_ struct buf b = BUF_INIT;
	enum img_kind kind = img_media_kind(target->media_type);

	img_desc_from_ctd(&v->target, target);
	if (kind == IMG_KIND_INDEX) {
		_cleanup_img_index_ struct img_index *x = NULL;
		_cleanup_free_ const struct img_desc **cs = NULL;
		size_t n;

		if (img_blob_read(c, target->digest, IMG_DOC_MAX, &b, errp) < 0 ||
		    img_index_parse(b.data, b.len, target->media_type, &x, errp) < 0)
			return err_wrap(errp, "index %s", target->digest);
		n = img_index_select(x, m, false, &cs);
		for (size_t i = 0; i < n; i++) {
			_cleanup_err_ struct err *e = NULL;

			if (view_fill(c, v, cs[i], &e) == 0) {
				if (!cs[i]->has_platform && platform_match(m, &v->config->platform) < 0) {
					img_manifest_free(TAKE_PTR(v->manifest));
					img_config_free(TAKE_PTR(v->config));
					img_desc_release(&v->manifest_desc);
					continue;
				}
				break;
			}
			img_manifest_free(TAKE_PTR(v->manifest));
			img_config_free(TAKE_PTR(v->config));
			if (e->kind != ERR_NOT_FOUND)
				return err_move(errp, &e);
		}
		if (!v->config)
			return err_set(errp, ERR_NOT_FOUND, "no match for platform in manifest %s",
				       target->digest);
	} else if (kind == IMG_KIND_MANIFEST) {
		if (view_fill(c, v, &v->target, errp) < 0)
			return -1;
		if (platform_match(m, &v->config->platform) < 0)
			return err_set(errp, ERR_NOT_FOUND, "no match for platform in manifest %s",
				       target->digest);
	} else {
		return err_set(errp, ERR_INVALID, "image target %s: unsupported media type %s",
			       target->digest, target->media_type);
	}
	if (view_finish(v, errp) < 0)
		return -1;
	*ret = TAKE_PTR(v);
	return 0;
}

static void
platforms_add(struct platform **v, size_t *n, const struct platform *p)
{
	for (size_t i = 0; i < *n; i++)
		if (platform_equal(&(*v)[i], p))
			return;
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = *p;
}

int
img_platforms(struct ctd *c, const CtdDescriptor *target, struct platform **ret, size_t *ret_n,
	      struct err **errp)
{
	_cleanup_free_ struct platform *v = NULL;
	_cleanup_buf_ struct buf b = BUF_INIT;
	size_t n = 0;

	if (img_media_kind(target->media_type) == IMG_KIND_INDEX) {
		_cleanup_img_index_ struct img_index *x = NULL;

		if (img_blob_read(c, target->digest, IMG_DOC_MAX, &b, errp) < 0 ||
		    img_index_parse(b.data, b.len, target->media_type, &x, errp) < 0)
			return err_wrap(errp, "index %s", target->digest);
		for (size_t i = 0; i < x->n_manifests; i++) {
			struct img_view tmp = { 0 };
			_cleanup_err_ struct err *e = NULL;
			int r;

			if (img_media_kind(x->manifests[i].media_type) != IMG_KIND_MANIFEST)
				continue;
			r = view_fill(c, &tmp, &x->manifests[i], &e);
			if (r == 0)
				platforms_add(&v, &n, x->manifests[i].has_platform
							      ? &x->manifests[i].platform
							      : &tmp.config->platform);
			img_desc_release(&tmp.manifest_desc);
			img_manifest_free(tmp.manifest);
			img_config_free(tmp.config);
			if (r < 0 && e->kind != ERR_NOT_FOUND)
				return err_move(errp, &e);
		}
	} else {
		struct img_view tmp = { 0 };
		struct img_desc d;
		int r;

		img_desc_from_ctd(&d, target);
		r = view_fill(c, &tmp, &d, errp);
		if (r == 0)
			platforms_add(&v, &n, &tmp.config->platform);
		img_desc_release(&d);
		img_desc_release(&tmp.manifest_desc);
		img_manifest_free(tmp.manifest);
		img_config_free(tmp.config);
		if (r < 0)
			return -1;
	}
	*ret = TAKE_PTR(v);
	*ret_n = n;
	return 0;
}

int
img_view_unpacked_size(struct ctd *c, const char *snapshotter, const struct img_view *v,
		       int64_t *ret, struct err **errp)
{
	int64_t total = 0;

	*ret = 0;
	for (size_t i = v->config->n_diff_ids; i-- > 0;) {
		_cleanup_err_ struct err *e = NULL;
		int64_t size;

		if (ctd_snapshots_usage(c, snapshotter, v->chain_ids[i], &size, NULL, &e) < 0) {
			if (e->kind == ERR_NOT_FOUND)
				return 0; /* not unpacked (or only partly): nerdctl says 0 */
			return err_move(errp, &e);
		}
		total += size;
	}
	*ret = total;
	return 0;
}

int64_t
img_view_blob_size(const struct img_view *v)
{
	int64_t total = v->manifest_desc.size + v->manifest->config.size;

	if (img_media_kind(v->target.media_type) == IMG_KIND_INDEX)
		total += v->target.size;
	for (size_t i = 0; i < v->manifest->n_layers; i++)
		total += v->manifest->layers[i].size;
	return total;
}

int
img_view_is_unpacked(struct ctd *c, const char *snapshotter, const struct img_view *v,
		     struct err **errp)
{
	_cleanup_ctd_msg_ CtdSnapshotInfo *info = NULL;
	_cleanup_err_ struct err *e = NULL;

	if (!v->config->n_diff_ids)
		return 1;
	if (ctd_snapshots_stat(c, snapshotter, img_view_top_chain_id(v), &info, &e) == 0)
		return 1;
	if (e->kind == ERR_NOT_FOUND)
		return 0;
	return err_move(errp, &e);
}

void
img_gc_labels_index(const struct img_desc *manifests, size_t n, struct strv *labels)
{
	for (size_t i = 0; i < n; i++)
		strv_pushf(labels, IMG_LABEL_GC_CONTENT "m.%zu=%s", i, manifests[i].digest);
}

void
img_gc_labels_manifest(const struct img_manifest *m, struct strv *labels)
{
	strv_pushf(labels, IMG_LABEL_GC_CONTENT "config=%s", m->config.digest);
	for (size_t i = 0; i < m->n_layers; i++)
		strv_pushf(labels, IMG_LABEL_GC_CONTENT "l.%zu=%s", i, m->layers[i].digest);
}

int
img_record_put(struct ctd *c, const char *name, const struct img_desc *target,
	       char *const *labels, struct err **errp)
{
	CtdImage img = CONTAINERD__SERVICES__IMAGES__V1__IMAGE__INIT;
	CtdDescriptor *d = img_desc_to_ctd(target);
	_cleanup_err_ struct err *e = NULL;
	_cleanup_strv_ struct strv paths = STRV_INIT;
	int r;

	img.name = (char *)name;
	img.target = d;
	img.labels = (void *)ctd_labels_build(&containerd__services__images__v1__image__labels_entry__descriptor,
					      labels, &img.n_labels);
	r = ctd_images_create(c, &img, NULL, &e);
	if (r < 0 && e->kind == ERR_EXISTS) {
		err_clear(&e);
		strv_push(&paths, "target");
		for (size_t i = 0; i < img.n_labels; i++)
			strv_pushf(&paths, "labels.%s", ((struct ctd_label **)img.labels)[i]->key);
		r = ctd_images_update(c, &img, paths.v, NULL, &e);
	}
	ctd_labels_free((struct ctd_label **)img.labels, img.n_labels);
	img_ctd_desc_free(d);
	if (r < 0)
		return err_move(errp, &e);
	return 0;
}
