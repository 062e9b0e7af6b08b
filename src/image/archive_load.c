/*
 * image load: reads an OCI or Docker image archive (plain or compressed tar) once, streaming
 * every blob into the content store under a lease, then labels what the images reference for
 * containerd's garbage collector and creates the image records.
 */
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/digest.h"
#include "base/json.h"
#include "base/xalloc.h"
#include "ctd/content.h"
#include "ctd/leases.h"
#include "image/archive_ops.h"
#include "image/archive_api.h"
#include "image/manifest.h"
#include "image/store.h"
#include "image/unpack.h"
#include "registry/reference.h"
#include "base/banned.h"

#define READ_CHUNK (1 << 20)
#define LINK_DEPTH_MAX 16
#define LOAD_LEASE_SECONDS (24 * 3600)

/* What one archive entry became. */
struct entry {
	char *name;		/* cleaned */
	char *link;		/* symlink or hardlink: the (cleaned) entry it points to */
	char *digest;		/* regular files: the blob */
	int64_t size;
	uint8_t head[4];	/* first bytes, to tell compressed layers */
	size_t nhead;
};

struct load {
	struct ctd *c;
	const struct archive_load_opts *o;
	const struct archive_api *la;
	struct entry *e;
	size_t n, alloc;
	struct buf manifest_json, index_json, oci_layout;
	bool has_manifest_json, has_index_json, has_oci_layout;
	char *buf;		/* READ_CHUNK bytes */
	struct archive_image *out;
	size_t nout, aout;
};

static void
load_release(struct load *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->e[i].name);
		free(l->e[i].link);
		free(l->e[i].digest);
	}
	free(l->e);
	buf_release(&l->manifest_json);
	buf_release(&l->index_json);
	buf_release(&l->oci_layout);
	free(l->buf);
	archive_images_free(l->out, l->nout);
}

void
archive_images_free(struct archive_image *v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		img_desc_release(&v[i].target);
	}
	free(v);
}

/* The entry name stands for, following links inside the archive; NULL if absent. */
static const struct entry *
lookup(const struct load *l, const char *name)
{
	for (int depth = 0; depth < LINK_DEPTH_MAX; depth++) {
		const struct entry *found = NULL;

		/* The last entry of a name wins, as when a tar is extracted. */
		for (size_t i = l->n; i-- > 0;)
			if (strcmp(l->e[i].name, name) == 0) {
				found = &l->e[i];
				break;
			}
		if (!found || !found->link)
			return found;
		name = found->link;
	}
	return NULL;
}

/* "sha256:<hex>" when name is blobs/sha256/<64 hex>, else NULL. */
static char *
blob_name_digest(const char *name)
{
	const char *hex;

	if (strncmp(name, "blobs/sha256/", 13) != 0)
		return NULL;
	hex = name + 13;
	if (strlen(hex) != 64 || strspn(hex, "0123456789abcdef") != 64)
		return NULL;
	return xasprintf("sha256:%s", hex);
}

static int
read_small(struct load *l, struct archive *a, const char *name, struct buf *out,
	   struct err **errp)
{
	buf_reset(out);
	for (;;) {
		la_ssize_t r = l->la->read_data(a, l->buf, READ_CHUNK);

		if (r < 0)
			return archive_api_err(l->la, a, errp, name);
		if (r == 0)
			return 0;
		if (out->len + (size_t)r > ARCHIVE_JSON_MAX)
			return err_set(errp, ERR_RESOURCE, "archive entry %s: larger than %d bytes",
				       name, ARCHIVE_JSON_MAX);
		buf_add(out, l->buf, (size_t)r);
	}
}

/* Streams the current entry into the content store; fills e->digest, size and head. */
static int
ingest(struct load *l, struct archive *a, struct archive_entry *ae, struct entry *e,
       struct err **errp)
{
	_cleanup_free_ char *expected = blob_name_digest(e->name);
	_cleanup_free_ char *ref = xasprintf("nerdc-load-%d-%zu", (int)getpid(), l->n);
	_cleanup_(ctd_content_writer_freep) struct ctd_writer *w = NULL;
	_cleanup_digester_ struct digester *dg = NULL;
	_cleanup_err_ struct err *err = NULL;
	int64_t size = l->la->entry_size_is_set(ae) ? l->la->entry_size(ae) : 0, n = 0;
	char got[DIGEST_STR_SIZE];

	if (ctd_content_writer_open(l->c, ref, size, expected, &w, &err) < 0) {
		if (expected && err->kind == ERR_EXISTS) {
			/* Already stored: skip the bytes (head is read back when needed). */
			e->digest = TAKE_PTR(expected);
			e->size = size;
			if (l->la->read_data_skip(a) != ARCHIVE_OK)
				return archive_api_err(l->la, a, errp, e->name);
			return 0;
		}
		err_wrap(&err, "archive entry %s", e->name);
		return err_move(errp, &err);
	}
	if (digester_new(&dg, errp) < 0)
		goto fail;
	for (;;) {
		la_ssize_t r = l->la->read_data(a, l->buf, READ_CHUNK);

		if (r < 0) {
			archive_api_err(l->la, a, errp, e->name);
			goto fail;
		}
		if (r == 0)
			break;
		if (e->nhead < sizeof(e->head)) {
			size_t k = sizeof(e->head) - e->nhead;

			if (k > (size_t)r)
				k = (size_t)r;
			memcpy(e->head + e->nhead, l->buf, k);
			e->nhead += k;
		}
		digester_update(dg, l->buf, (size_t)r);
		n += r;
		if (ctd_content_writer_write(w, l->buf, (size_t)r, errp) < 0)
			goto fail;
	}
	digester_final(dg, got);
	if (expected && strcmp(got, expected) != 0) {
		err_set(errp, ERR_INVALID, "archive entry %s: content has digest %s", e->name, got);
		goto fail;
	}
	if (ctd_content_writer_commit(w, NULL, &err) < 0 && err->kind != ERR_EXISTS) {
		err_move(errp, &err);
		goto fail;
	}
	e->digest = xstrdup(got);
	e->size = n;
	return 0;
fail:
	ctd_content_writer_free(TAKE_PTR(w));
	ctd_content_abort(l->c, ref, NULL);
	return err_wrap(errp, "archive entry %s", e->name);
}

static int
read_entries(struct load *l, int fd, struct err **errp)
{
	struct archive *a = l->la->read_new();
	struct archive_entry *ae;
	int r = -1;

	l->la->read_support_filter_all(a);
	l->la->read_support_format_tar(a);
	if (l->la->read_open_fd(a, fd, 64 << 10) != ARCHIVE_OK) {
		archive_api_err(l->la, a, errp, "read archive");
		goto out;
	}
	for (;;) {
		int h = l->la->read_next_header(a, &ae);
		const char *link;
		_cleanup_free_ char *name = NULL;
		unsigned type;
		struct entry *e;

		if (h == ARCHIVE_EOF)
			break;
		if (h != ARCHIVE_OK && h != ARCHIVE_WARN) {
			archive_api_err(l->la, a, errp, "read archive");
			goto out;
		}
		if (l->n >= ARCHIVE_MAX_ENTRIES) {
			err_set(errp, ERR_RESOURCE, "archive has more than %d entries",
				ARCHIVE_MAX_ENTRIES);
			goto out;
		}
		if (archive_path_clean(l->la->entry_pathname(ae) ? l->la->entry_pathname(ae) : "",
				       &name, errp) < 0)
			goto out;
		type = l->la->entry_filetype(ae);
		if (strcmp(name, "manifest.json") == 0 || strcmp(name, "index.json") == 0 ||
		    strcmp(name, "oci-layout") == 0) {
			struct buf *b = name[0] == 'm' ? &l->manifest_json :
					name[0] == 'i' ? &l->index_json : &l->oci_layout;

			if (type != AE_IFREG) {
				err_set(errp, ERR_INVALID, "archive entry %s is not a regular file",
					name);
				goto out;
			}
			if (read_small(l, a, name, b, errp) < 0)
				goto out;
			*(name[0] == 'm' ? &l->has_manifest_json :
			  name[0] == 'i' ? &l->has_index_json : &l->has_oci_layout) = true;
			continue;
		}
		link = l->la->entry_hardlink(ae);
		if (type != AE_IFREG && type != AE_IFLNK && !link) {
			/* directories and special files carry nothing an image needs */
			continue;
		}
		XGROW(l->e, l->alloc, l->n + 1);
		e = &l->e[l->n];
		memset(e, 0, sizeof(*e));
		e->name = TAKE_PTR(name);
		l->n++;
		if (link) {
			/* hard links name an earlier entry from the archive's root */
			if (archive_path_clean(link, &e->link, errp) < 0)
				goto out;
		} else if (type == AE_IFLNK) {
			link = l->la->entry_symlink(ae);
			if (archive_link_resolve(e->name, link ? link : "", &e->link, errp) < 0)
				goto out;
		} else if (ingest(l, a, ae, e, errp) < 0) {
			goto out;
		}
	}
	r = 0;
out:
	l->la->read_free(a);
	return r;
}

/* The first bytes of a blob, from the archive or read back from the store. */
static int
blob_head(struct load *l, const struct entry *e, uint8_t head[4], size_t *ret_n,
	  struct err **errp)
{
	_cleanup_buf_ struct buf b = BUF_INIT;

	if (e->nhead || e->size == 0) {
		memcpy(head, e->head, e->nhead);
		*ret_n = e->nhead;
		return 0;
	}
	if (img_blob_read(l->c, e->digest, (size_t)e->size, &b, errp) < 0)
		return -1;
	*ret_n = b.len < 4 ? b.len : 4;
	memcpy(head, b.data, *ret_n);
	return 0;
}

/* Docker layer media type from the blob's magic bytes, as containerd's importer does. */
static const char *
layer_media_type(const uint8_t *h, size_t n)
{
	if (n >= 2 && h[0] == 0x1f && h[1] == 0x8b)
		return MT_DOCKER_LAYER_GZIP;
	if (n >= 4 && h[0] == 0x28 && h[1] == 0xb5 && h[2] == 0x2f && h[3] == 0xfd)
		return "application/vnd.docker.image.rootfs.diff.tar.zstd";
	return MT_DOCKER_LAYER;
}

/* Whether the content store holds digest (in the archive or from before). */
static bool
have_blob(struct load *l, const char *digest)
{
	_cleanup_(ctd_msg_freep) CtdContentInfo *info = NULL;

	for (size_t i = 0; i < l->n; i++)
		if (l->e[i].digest && strcmp(l->e[i].digest, digest) == 0)
			return true;
	return ctd_content_info(l->c, digest, &info, NULL) == 0;
}

static int walk_label(struct load *l, const struct img_desc *d, int depth, struct err **errp);

/* Labels an index for the children the platforms take, and walks them. */
static int
label_index(struct load *l, const struct img_desc *d, const struct img_index *x, int depth,
	    struct err **errp)
{
	_cleanup_strv_ struct strv labels = STRV_INIT;
	struct img_desc *kept = xnew(struct img_desc, x->n_manifests + 1);
	size_t nkept = 0;
	int r = -1;

	for (size_t i = 0; i < x->n_manifests; i++) {
		const struct img_desc *m = &x->manifests[i];

		if (m->has_platform && platform_match(l->o->m, &m->platform) < 0)
			continue;
		if (!have_blob(l, m->digest)) {
			if (l->o->m->all) {
				err_set(errp, ERR_NOT_FOUND, "manifest %s (index %s): not found",
					m->digest, d->digest);
				goto out;
			}
			continue;
		}
		if (walk_label(l, m, depth + 1, errp) < 0)
			goto out;
		kept[nkept++] = *m;
	}
	if (nkept == 0) {
		err_set(errp, ERR_NOT_FOUND,
			"index %s: no manifest for the platform (Hint: set `--platform=PLATFORM` or `--all-platforms`)",
			d->digest);
		goto out;
	}
	img_gc_labels_index(kept, nkept, &labels);
	r = ctd_content_update_labels(l->c, d->digest, labels.v, errp);
out:
	free(kept);	/* shallow copies */
	return r;
}

/* Sets the GC labels on d and below, the way containerd's import does. */
static int
walk_label(struct load *l, const struct img_desc *d, int depth, struct err **errp)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	enum img_kind kind = img_media_kind(d->media_type);

	if (depth > 8)
		return err_set(errp, ERR_INVALID, "%s: indexes nested too deeply", d->digest);
	if (kind != IMG_KIND_INDEX && kind != IMG_KIND_MANIFEST)
		return 0;
	if (img_blob_read(l->c, d->digest, IMG_DOC_MAX, &b, errp) < 0)
		return err_wrap(errp, "%s", d->digest);
	if (kind == IMG_KIND_INDEX) {
		_cleanup_img_index_ struct img_index *x = NULL;

		if (img_index_parse(b.data, b.len, d->media_type, &x, errp) < 0)
			return err_wrap(errp, "index %s", d->digest);
		return label_index(l, d, x, depth, errp);
	}
	{
		_cleanup_img_manifest_ struct img_manifest *m = NULL;
		_cleanup_strv_ struct strv labels = STRV_INIT;

		if (img_manifest_parse(b.data, b.len, d->media_type, &m, errp) < 0)
			return err_wrap(errp, "manifest %s", d->digest);
		img_gc_labels_manifest(m, &labels);
		return ctd_content_update_labels(l->c, d->digest, labels.v, errp);
	}
}

static void
add_out(struct load *l, const char *name, bool tagged, const struct img_desc *target)
{
	struct archive_image *o;

	XGROW(l->out, l->aout, l->nout + 1);
	o = &l->out[l->nout++];
	memset(o, 0, sizeof(*o));
	o->name = xstrdup(name);
	o->tagged = tagged;
	img_desc_copy(&o->target, target);
}

/* Records name (or the untagged name nerdctl gives) -> target. */
static int
put_image(struct load *l, const char *name, const struct img_desc *target, struct err **errp)
{
	_cleanup_free_ char *untagged = NULL;

	if (!name) {
		untagged = xasprintf("%s@%s", l->o->snapshotter, target->digest);
		name = untagged;
	}
	if (img_record_put(l->c, name, target, NULL, errp) < 0)
		return err_wrap(errp, "create image %s", name);
	add_out(l, name, !untagged, target);
	return 0;
}

/*
 * The record name an OCI index entry asks for: containerd's annotation, else the OCI ref
 * name when it is a whole reference (a bare tag names no repository). NULL for none.
 */
static char *
oci_entry_name(const struct img_desc *d)
{
	const char *n = d->annotations ? json_get_str(d->annotations, "io.containerd.image.name")
				       : NULL;
	_cleanup_ref_ struct ref *r = NULL;

	if (n && *n)
		return xstrdup(n);
	n = d->annotations ? json_get_str(d->annotations, "org.opencontainers.image.ref.name")
			   : NULL;
	if (!n || !strpbrk(n, "/:@") || ref_parse(n, &r, NULL) < 0)
		return NULL;
	return ref_string(r);
}

static int
load_oci(struct load *l, struct err **errp)
{
	_cleanup_json_ json_t *layout = NULL;
	_cleanup_img_index_ struct img_index *x = NULL;
	const char *version;

	layout = json_parse_strict(l->oci_layout.data, l->oci_layout.len, ARCHIVE_JSON_MAX,
				   "oci-layout", errp);
	if (!layout)
		return -1;
	version = json_get_str(layout, "imageLayoutVersion");
	if (!version || strcmp(version, "1.0.0") != 0)
		return err_set(errp, ERR_INVALID, "unsupported OCI version %s",
			       version ? version : "(none)");
	if (!l->has_index_json)
		return err_set(errp, ERR_INVALID, "missing index.json in OCI layout 1.0.0");
	if (img_index_parse(l->index_json.data, l->index_json.len, MT_OCI_INDEX, &x, errp) < 0)
		return err_wrap(errp, "index.json");
	for (size_t i = 0; i < x->n_manifests; i++) {
		const struct img_desc *d = &x->manifests[i];
		_cleanup_free_ char *name = oci_entry_name(d);

		if (d->has_platform && !l->o->m->all && platform_match(l->o->m, &d->platform) < 0)
			continue;
		if (walk_label(l, d, 0, errp) < 0 || put_image(l, name, d, errp) < 0)
			return -1;
	}
	return 0;
}

/* Docker archives have no manifests: build a schema 2 manifest for one manifest.json entry. */
static int
docker_image(struct load *l, const struct docker_manifest *dm, struct err **errp)
{
	_cleanup_json_ json_t *manifest = NULL, *layers = json_array();
	_cleanup_strv_ struct strv labels = STRV_INIT;
	_cleanup_free_ char *bytes = NULL;
	_cleanup_buf_ struct buf cb = BUF_INIT;
	_cleanup_img_config_ struct img_config *cfg = NULL;
	struct img_desc target = { 0 };
	char digest[DIGEST_STR_SIZE];
	const struct entry *ce = lookup(l, dm->config);
	int r = -1;

	if (!ce || !ce->digest)
		return err_set(errp, ERR_INVALID, "image config %s not found", dm->config);
	if (img_blob_read(l->c, ce->digest, IMG_DOC_MAX, &cb, errp) < 0 ||
	    img_config_parse(cb.data, cb.len, &cfg, errp) < 0)
		return err_wrap(errp, "image config %s", dm->config);
	if (cfg->n_diff_ids != dm->n_layers)
		return err_set(errp, ERR_INVALID, "image config %s lists %zu layers, manifest.json %zu",
			       dm->config, cfg->n_diff_ids, dm->n_layers);
	/* Like containerd: an image of another platform loads only when asked for. */
	if (l->o->platform_set && platform_match(l->o->m, &cfg->platform) < 0)
		return 0;
	for (size_t i = 0; i < dm->n_layers; i++) {
		const struct entry *le = lookup(l, dm->layers[i]);
		uint8_t head[4];
		size_t nhead;

		if (!le || !le->digest)
			return err_set(errp, ERR_INVALID, "layer %s not found", dm->layers[i]);
		if (blob_head(l, le, head, &nhead, errp) < 0)
			return -1;
		json_array_append_new(layers, json_pack("{s:s, s:s, s:I}", "mediaType",
							layer_media_type(head, nhead), "digest",
							le->digest, "size", (json_int_t)le->size));
	}
	manifest = json_pack("{s:i, s:s, s:{s:s, s:s, s:I}, s:O}", "schemaVersion", 2,
			     "mediaType", MT_DOCKER_MANIFEST, "config", "mediaType",
			     MT_DOCKER_CONFIG, "digest", ce->digest, "size", (json_int_t)ce->size,
			     "layers", layers);
	bytes = json_dumps(manifest, JSON_COMPACT | JSON_PRESERVE_ORDER);
	/* The digest is over the exact bytes stored. */
	if (digest_bytes(bytes, strlen(bytes), digest, errp) < 0)
		return -1;
	{
		_cleanup_img_manifest_ struct img_manifest *m = NULL;
		_cleanup_free_ char *ref = xasprintf("manifest-%s", digest);

		if (img_manifest_parse(bytes, strlen(bytes), MT_DOCKER_MANIFEST, &m, errp) < 0)
			return err_wrap(errp, "built manifest");
		img_gc_labels_manifest(m, &labels);
		if (ctd_content_write_blob(l->c, ref, bytes, strlen(bytes), digest, NULL, errp) < 0 ||
		    ctd_content_update_labels(l->c, digest, labels.v, errp) < 0)
			return err_wrap(errp, "write manifest");
	}
	target.media_type = xstrdup(MT_DOCKER_MANIFEST);
	target.digest = xstrdup(digest);
	target.size = (int64_t)strlen(bytes);
	if (!dm->repo_tags[0]) {
		r = put_image(l, NULL, &target, errp);
	} else {
		r = 0;
		for (size_t i = 0; dm->repo_tags[i] && r == 0; i++) {
			_cleanup_free_ char *name = img_normalize_name(dm->repo_tags[i], errp);

			r = name ? put_image(l, name, &target, errp) : -1;
		}
	}
	img_desc_release(&target);
	return r;
}

static int
load_docker(struct load *l, struct err **errp)
{
	struct docker_manifest *dm = NULL;
	size_t n = 0;
	int r = 0;

	if (docker_manifest_parse(l->manifest_json.data, l->manifest_json.len, &dm, &n, errp) < 0)
		return -1;
	for (size_t i = 0; i < n && r == 0; i++)
		r = docker_image(l, &dm[i], errp);
	docker_manifest_free(dm, n);
	return r;
}

int
image_archive_load(struct ctd *c, int fd, const struct archive_load_opts *o,
		   struct archive_image **ret, size_t *ret_n, struct err **errp)
{
	struct load l = { .c = c, .o = o, .manifest_json = BUF_INIT, .index_json = BUF_INIT,
			  .oci_layout = BUF_INIT };
	_cleanup_free_ char *lease = NULL;
	_cleanup_free_ char *old_lease = xstrdup_null(ctd_lease(c));
	int r = -1;

	l.la = archive_api_get(errp);
	if (!l.la)
		return -1;
	/* Blobs stay referenced by the lease until the image records reference them. */
	if (ctd_leases_create_expiring(c, LOAD_LEASE_SECONDS, &lease, errp) < 0)
		return err_wrap(errp, "create lease");
	ctd_set_lease(c, lease);
	l.buf = xmalloc(READ_CHUNK);
	if (read_entries(&l, fd, errp) < 0)
		goto out;
	if (l.has_oci_layout)
		r = load_oci(&l, errp);
	else if (l.has_manifest_json)
		r = load_docker(&l, errp);
	else
		err_set(errp, ERR_INVALID, "unrecognized image format");
	if (r == 0 && l.nout == 0) {
		err_set(errp, ERR_NOT_FOUND, "no image matching the platform in the archive");
		r = -1;
	}
	if (r == 0) {
		*ret = TAKE_PTR(l.out);
		*ret_n = l.nout;
		l.nout = 0;
	}
out:
	ctd_set_lease(c, old_lease);
	ctd_leases_delete(c, lease, false, NULL);
	load_release(&l);
	return r;
}

int
archive_unpack(struct ctd *c, const char *snapshotter, const struct img_desc *target,
	       const struct platform_matcher *m, char **ret_config, struct err **errp)
{
	CtdDescriptor *t = img_desc_to_ctd(target);
	_cleanup_img_view_ struct img_view *v = NULL;
	int r = img_view_load(c, t, m, &v, errp);

	img_ctd_desc_free(t);
	if (r < 0 || img_unpack(c, snapshotter, v, NULL, NULL, errp) < 0)
		return err_wrap(errp, "unpack");
	if (ret_config)
		*ret_config = xstrdup(v->manifest->config.digest);
	return 0;
}
