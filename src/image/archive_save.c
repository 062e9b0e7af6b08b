/*
 * image save: one tar with the OCI image layout and Docker's manifest.json, entries sorted
 * by name as containerd's exporter writes them, blobs streamed from the content store.
 */
#include <string.h>

#include "base/buf.h"
#include "base/digest.h"
#include "base/json.h"
#include "base/xalloc.h"
#include "ctd/content.h"
#include "ctd/labels.h"
#include "image/archive_ops.h"
#include "image/archive_api.h"
#include "image/manifest.h"
#include "image/store.h"
#include "registry/reference.h"
#include "base/banned.h"

/* A blob to put under blobs/sha256/. */
struct blob_rec {
	char *digest;
	int64_t size;
};

/* A manifest Docker's manifest.json lists, with the names that point at it. */
struct docker_rec {
	char *digest;
	struct img_manifest *manifest;
	struct strv names;
};

struct save {
	struct ctd *c;
	const struct platform_matcher *m;
	bool all;
	struct blob_rec *blobs;
	size_t nblobs, ablobs;
	struct docker_rec *docker;
	size_t ndocker, adocker;
	json_t *index;		/* index.json's "manifests" */
};

static void
save_release(struct save *s)
{
	for (size_t i = 0; i < s->nblobs; i++)
		free(s->blobs[i].digest);
	free(s->blobs);
	for (size_t i = 0; i < s->ndocker; i++) {
		free(s->docker[i].digest);
		img_manifest_free(s->docker[i].manifest);
		strv_release(&s->docker[i].names);
	}
	free(s->docker);
	json_decref(s->index);
}

static void
add_blob(struct save *s, const char *digest, int64_t size)
{
	for (size_t i = 0; i < s->nblobs; i++)
		if (strcmp(s->blobs[i].digest, digest) == 0)
			return;
	XGROW(s->blobs, s->ablobs, s->nblobs + 1);
	s->blobs[s->nblobs].digest = xstrdup(digest);
	s->blobs[s->nblobs++].size = size;
}

/* The record of manifest digest; takes *manifest when the record is new. */
static struct docker_rec *
docker_rec(struct save *s, const char *digest, struct img_manifest **manifest)
{
	struct docker_rec *d;

	for (size_t i = 0; i < s->ndocker; i++)
		if (strcmp(s->docker[i].digest, digest) == 0)
			return &s->docker[i];
	XGROW(s->docker, s->adocker, s->ndocker + 1);
	d = &s->docker[s->ndocker++];
	memset(d, 0, sizeof(*d));
	d->digest = xstrdup(digest);
	d->manifest = TAKE_PTR(*manifest);
	return d;
}

static int walk(struct save *s, const struct img_desc *d, struct img_manifest **ret_manifest,
		int depth, struct err **errp);

/*
 * Records an index and those of its manifests the matcher takes (all of them with --all);
 * *ret_best gets the best-ranked image manifest, for Docker's manifest.json.
 */
static int
walk_index(struct save *s, const struct img_index *x, int depth, char **ret_best,
	   struct img_manifest **ret_best_m, struct err **errp)
{
	int best_rank = -1;

	for (size_t i = 0; i < x->n_manifests; i++) {
		_cleanup_img_manifest_ struct img_manifest *child = NULL;
		const struct img_desc *d = &x->manifests[i];
		/* containerd's exporter takes entries without a platform, too */
		int rank = d->has_platform ? platform_match(s->m, &d->platform) : 0;

		if (rank < 0 && !s->all)
			continue;
		if (walk(s, d, &child, depth + 1, errp) < 0)
			return -1;
		if (rank >= 0 && child && (best_rank < 0 || rank < best_rank)) {
			best_rank = rank;
			free(*ret_best);
			*ret_best = xstrdup(d->digest);
			img_manifest_free(*ret_best_m);
			*ret_best_m = TAKE_PTR(child);
		}
	}
	return 0;
}

/*
 * Records the blob d and, for manifests and indexes, what they point to. *ret_manifest
 * (may be NULL) gets the parsed image manifest (NULL for other types).
 */
static int
walk(struct save *s, const struct img_desc *d, struct img_manifest **ret_manifest, int depth,
     struct err **errp)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	enum img_kind kind = img_media_kind(d->media_type);

	if (depth > 8)
		return err_set(errp, ERR_INVALID, "%s: indexes nested too deeply", d->digest);
	add_blob(s, d->digest, d->size);
	if (kind != IMG_KIND_INDEX && kind != IMG_KIND_MANIFEST)
		return 0;
	if (img_blob_read(s->c, d->digest, IMG_DOC_MAX, &b, errp) < 0)
		return -1;
	if (kind == IMG_KIND_INDEX) {
		_cleanup_img_index_ struct img_index *x = NULL;
		_cleanup_free_ char *best = NULL;
		_cleanup_img_manifest_ struct img_manifest *best_m = NULL;

		if (img_index_parse(b.data, b.len, d->media_type, &x, errp) < 0)
			return err_wrap(errp, "index %s", d->digest);
		return walk_index(s, x, depth, &best, &best_m, errp);
	}
	{
		_cleanup_img_manifest_ struct img_manifest *m = NULL;

		if (img_manifest_parse(b.data, b.len, d->media_type, &m, errp) < 0)
			return err_wrap(errp, "manifest %s", d->digest);
		add_blob(s, m->config.digest, m->config.size);
		for (size_t i = 0; i < m->n_layers; i++)
			add_blob(s, m->layers[i].digest, m->layers[i].size);
		if (ret_manifest)
			*ret_manifest = TAKE_PTR(m);
	}
	return 0;
}

char *
archive_oci_ref_name(const char *name)
{
	const char *slash = strrchr(name, '/');
	const char *base = slash ? slash + 1 : name;
	const char *at = strchr(base, '@');
	const char *colon = strchr(base, ':');

	/* containerd's reference.Parse: the object after the last ':' of the last component. */
	if (colon && (!at || colon < at) && colon[1] && colon[1] != '@')
		return xstrdup(colon + 1);
	return xstrdup(name);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

json_t *
archive_descriptor_json(const CtdDescriptor *d)
{
	json_t *o = json_object();

	json_object_set_new(o, "mediaType", json_string(d->media_type ? d->media_type : ""));
	json_object_set_new(o, "digest", json_string(d->digest ? d->digest : ""));
	json_object_set_new(o, "size", json_integer(d->size));
	if (d->n_annotations) {
		json_t *a = json_object();
		_cleanup_strv_ struct strv keys = STRV_INIT;

		for (size_t i = 0; i < d->n_annotations; i++)
			strv_push(&keys, d->annotations[i]->key);
		if (keys.n > 1)
			qsort(keys.v, keys.n, sizeof(*keys.v), str_cmp);
		for (size_t i = 0; i < keys.n; i++)
			json_object_set_new(a, keys.v[i], json_string(ctd_labels_get(
				d->annotations, d->n_annotations, keys.v[i])));
		json_object_set_new(o, "annotations", a);
	}
	return o;
}

/* Adds one image record: its target goes to index.json with the name annotations. */
static int
add_image(struct save *s, const CtdImage *img, struct err **errp)
{
	_cleanup_img_manifest_ struct img_manifest *manifest = NULL;
	_cleanup_free_ char *best = NULL, *ociname = NULL;
	struct img_desc t = { 0 };
	json_t *desc, *ann;
	enum img_kind kind;
	int r = -1;

	if (!img->target || !img->target->digest)
		return err_set(errp, ERR_INVALID, "image %s has no target", img->name);
	if (digest_parse(img->target->digest, errp) < 0)
		return err_wrap(errp, "image %s", img->name);
	desc = archive_descriptor_json(img->target);
	ann = json_object_get(desc, "annotations");
	if (!ann) {
		ann = json_object();
		json_object_set_new(desc, "annotations", ann);
	}
	ociname = archive_oci_ref_name(img->name);
	json_object_set_new(ann, "io.containerd.image.name", json_string(img->name));
	json_object_set_new(ann, "org.opencontainers.image.ref.name", json_string(ociname));
	json_array_append_new(s->index, desc);

	img_desc_from_ctd(&t, img->target);
	kind = img_media_kind(t.media_type);
	if (kind == IMG_KIND_MANIFEST) {
		if (walk(s, &t, &manifest, 0, errp) < 0)
			goto out;
		best = xstrdup(t.digest);
	} else if (kind == IMG_KIND_INDEX) {
		_cleanup_buf_ struct buf b = BUF_INIT;
		_cleanup_img_index_ struct img_index *x = NULL;

		add_blob(s, t.digest, t.size);
		if (img_blob_read(s->c, t.digest, IMG_DOC_MAX, &b, errp) < 0 ||
		    img_index_parse(b.data, b.len, t.media_type, &x, errp) < 0 ||
		    walk_index(s, x, 0, &best, &manifest, errp) < 0)
			goto out;
		if (!best && !s->all) {
			err_set(errp, ERR_NOT_FOUND, "no manifest found for platform");
			goto out;
		}
	} else {
		err_set(errp, ERR_INVALID, "only manifests may be exported, not %s", t.media_type);
		goto out;
	}
	if (best)
		strv_push(&docker_rec(s, best, &manifest)->names, img->name);
	r = 0;
out:
	img_desc_release(&t);
	if (r < 0)
		err_wrap(errp, "image %s", img->name);
	return r;
}

/* Docker's manifest.json: Config, RepoTags (familiar, tag added), Layers as blob paths. */
static json_t *
docker_manifest_json(const struct save *s, struct err **errp)
{
	_cleanup_json_ json_t *arr = json_array();

	for (size_t i = 0; i < s->ndocker; i++) {
		const struct docker_rec *d = &s->docker[i];
		json_t *e = json_object(), *tags = json_null(), *layers = json_array();

		json_array_append_new(arr, e);
		json_object_set_new(e, "Config",
				    json_sprintf("blobs/sha256/%s", d->manifest->config.digest + 7));
		for (size_t j = 0; j < d->names.n; j++) {
			_cleanup_ref_ struct ref *r = NULL;
			_cleanup_free_ char *fam = NULL;

			if (ref_parse(d->names.v[j], &r, errp) < 0) {
				json_decref(tags);
				json_decref(layers);
				return NULL;
			}
			if (json_is_null(tags))
				tags = json_array();
			fam = ref_familiar(r);
			json_array_append_new(tags, json_string(fam));
		}
		json_object_set_new(e, "RepoTags", tags);
		for (size_t j = 0; j < d->manifest->n_layers; j++)
			json_array_append_new(layers, json_sprintf("blobs/sha256/%s",
								   d->manifest->layers[j].digest + 7));
		json_object_set_new(e, "Layers", layers);
	}
	return TAKE_PTR(arr);
}

struct tar_out {
	const struct archive_api *la;
	struct archive *a;
	struct digester *dg;
	int64_t n;
};

static int
entry_header(struct tar_out *t, const char *name, unsigned type, int perm, int64_t size,
	     struct err **errp)
{
	struct archive_entry *e = t->la->entry_new();
	int r;

	t->la->entry_set_pathname(e, name);
	t->la->entry_set_filetype(e, type);
	t->la->entry_set_perm(e, (mode_t)perm);
	t->la->entry_set_size(e, size);
	t->la->entry_set_mtime(e, 0, 0);
	r = t->la->write_header(t->a, e);
	t->la->entry_free(e);
	if (r != ARCHIVE_OK)
		return archive_api_err(t->la, t->a, errp, name);
	return 0;
}

static int
tar_write(struct tar_out *t, const void *data, size_t len, struct err **errp)
{
	if (len && t->la->write_data(t->a, data, len) != (la_ssize_t)len)
		return archive_api_err(t->la, t->a, errp, "write archive");
	return 0;
}

static int
small_file(struct tar_out *t, const char *name, int perm, const char *data, struct err **errp)
{
	size_t len = strlen(data);

	if (entry_header(t, name, AE_IFREG, perm, (int64_t)len, errp) < 0)
		return -1;
	return tar_write(t, data, len, errp);
}

static int
blob_chunk(void *arg, const uint8_t *data, size_t len, struct err **errp)
{
	struct tar_out *t = arg;

	digester_update(t->dg, data, len);
	t->n += (int64_t)len;
	return tar_write(t, data, len, errp);
}

static int
blob_file(struct save *s, struct tar_out *t, const struct blob_rec *b, struct err **errp)
{
	_cleanup_free_ char *name = xasprintf("blobs/sha256/%s", b->digest + 7);
	_cleanup_digester_ struct digester *dg = NULL;
	char got[DIGEST_STR_SIZE];

	if (digester_new(&dg, errp) < 0 ||
	    entry_header(t, name, AE_IFREG, 0444, b->size, errp) < 0)
		return -1;
	t->dg = dg;
	t->n = 0;
	if (ctd_content_read(s->c, b->digest, 0, 0, blob_chunk, t, errp) < 0)
		return err_wrap(errp, "content %s", b->digest);
	digester_final(dg, got);
	if (t->n != b->size)
		return err_set(errp, ERR_INVALID, "content %s: %lld bytes, the descriptor says %lld",
			       b->digest, (long long)t->n, (long long)b->size);
	if (strcmp(got, b->digest) != 0)
		return err_set(errp, ERR_INVALID, "content %s: unexpected digest %s copied",
			       b->digest, got);
	return 0;
}

static int
blob_cmp(const void *a, const void *b)
{
	return strcmp(((const struct blob_rec *)a)->digest, ((const struct blob_rec *)b)->digest);
}

static int
write_all(struct save *s, int fd, struct err **errp)
{
	struct tar_out t = { 0 };
	_cleanup_free_ char *index = NULL, *docker = NULL;
	_cleanup_json_ json_t *jindex = NULL, *jdocker = NULL;
	int r = -1;

	t.la = archive_api_get(errp);
	if (!t.la)
		return -1;
	jdocker = docker_manifest_json(s, errp);
	if (!jdocker)
		return -1;
	jindex = json_pack("{s:i, s:s, s:O}", "schemaVersion", 2, "mediaType",
			   "application/vnd.oci.image.index.v1+json", "manifests", s->index);
	index = json_dumps(jindex, JSON_COMPACT | JSON_PRESERVE_ORDER);
	docker = json_dumps(jdocker, JSON_COMPACT | JSON_PRESERVE_ORDER);
	qsort(s->blobs, s->nblobs, sizeof(*s->blobs), blob_cmp);

	t.a = t.la->write_new();
	if (t.la->write_set_format_pax_restricted(t.a) != ARCHIVE_OK ||
	    t.la->write_set_bytes_in_last_block(t.a, 1) != ARCHIVE_OK ||
	    t.la->write_open_fd(t.a, fd) != ARCHIVE_OK) {
		archive_api_err(t.la, t.a, errp, "write archive");
		goto out;
	}
	/* Sorted by name, as containerd's exporter writes them. */
	if (entry_header(&t, "blobs/", AE_IFDIR, 0755, 0, errp) < 0 ||
	    entry_header(&t, "blobs/sha256/", AE_IFDIR, 0755, 0, errp) < 0)
		goto out;
	for (size_t i = 0; i < s->nblobs; i++)
		if (blob_file(s, &t, &s->blobs[i], errp) < 0)
			goto out;
	if (small_file(&t, "index.json", 0644, index, errp) < 0 ||
	    small_file(&t, "manifest.json", 0644, docker, errp) < 0 ||
	    small_file(&t, "oci-layout", 0444, "{\"imageLayoutVersion\":\"1.0.0\"}", errp) < 0)
		goto out;
	if (t.la->write_close(t.a) != ARCHIVE_OK) {
		archive_api_err(t.la, t.a, errp, "write archive");
		goto out;
	}
	r = 0;
out:
	t.la->write_free(t.a);
	return r;
}

int
image_archive_save(struct ctd *c, CtdImage *const *imgs, size_t n,
		   const struct platform_matcher *m, bool all, int fd, struct err **errp)
{
	struct save s = { .c = c, .m = m, .all = all, .index = json_array() };
	int r = 0;

	for (size_t i = 0; i < n && r == 0; i++)
		r = add_image(&s, imgs[i], errp);
	if (r == 0)
		r = write_all(&s, fd, errp);
	save_release(&s);
	return r;
}
