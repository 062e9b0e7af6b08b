/*
 * image import: a root filesystem tarball (plain or compressed) becomes a one-layer image:
 * the layer is gzipped on the way into the content store while both digests are taken.
 */
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

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
#include "base/banned.h"

#define CHUNK (1 << 20)
#define TAR_BLOCK 512

struct layer_out {
	struct ctd_writer *w;
	struct digester *diff_id;	/* over the tar */
	struct digester *digest;	/* over the gzip stream */
	z_stream z;
	uint8_t *zbuf;
	int64_t size;			/* gzip bytes */
	uint8_t first[TAR_BLOCK];	/* the tar's first header, checked at the end */
	size_t nfirst;
};

/* Runs deflate over the input (NULL at the end) and sends what it makes. */
static int
deflate_send(struct layer_out *o, const void *data, size_t len, int flush, struct err **errp)
{
	o->z.next_in = (Bytef *)data;
	o->z.avail_in = (uInt)len;
	do {
		size_t have;
		int zr;

		o->z.next_out = o->zbuf;
		o->z.avail_out = CHUNK;
		zr = deflate(&o->z, flush);
		if (zr == Z_STREAM_ERROR)
			return err_set(errp, ERR_INTERNAL, "gzip: deflate failed");
		have = CHUNK - o->z.avail_out;
		if (have) {
			digester_update(o->digest, o->zbuf, have);
			o->size += (int64_t)have;
			if (ctd_content_writer_write(o->w, o->zbuf, have, errp) < 0)
				return -1;
		}
	} while (o->z.avail_out == 0);
	return 0;
}

/* Is block a tar header (a valid checksum) or the end-of-archive zero block? */
static bool
tar_header_ok(const uint8_t *b, size_t n)
{
	unsigned long sum = 0, want = 0;
	size_t i;

	if (n < TAR_BLOCK)
		return false;
	for (i = 0; i < TAR_BLOCK && b[i] == 0; i++)
		;
	if (i == TAR_BLOCK)
		return true;
	for (i = 0; i < TAR_BLOCK; i++)
		sum += (i >= 148 && i < 156) ? ' ' : b[i];
	for (i = 148; i < 156 && (b[i] == ' ' || b[i] == 0); i++)
		;
	for (; i < 156 && b[i] >= '0' && b[i] <= '7'; i++)
		want = want * 8 + (unsigned long)(b[i] - '0');
	return sum == want;
}

/* Streams the decompressed input through sha256 and gzip into the content store. */
static int
write_layer(struct ctd *c, const struct archive_api *la, int fd, char diff_id[DIGEST_STR_SIZE],
	    char digest[DIGEST_STR_SIZE], int64_t *ret_size, struct err **errp)
{
	_cleanup_free_ char *ref = xasprintf("nerdc-import-%d-%ld", (int)getpid(),
					     (long)time(NULL));
	_cleanup_free_ char *label = NULL;
	_cleanup_free_ uint8_t *in = xmalloc(CHUNK);
	_cleanup_err_ struct err *err = NULL;
	struct layer_out o = { 0 };
	struct archive *a = la->read_new();
	struct archive_entry *ae;
	char *labels[2] = { NULL, NULL };
	int r = -1;

	o.zbuf = xmalloc(CHUNK);
	if (deflateInit2(&o.z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK) {
		err_set(errp, ERR_INTERNAL, "gzip: cannot start deflate");
		goto out_nozlib;
	}
	la->read_support_filter_all(a);
	la->read_support_format_raw(a);
	if (la->read_open_fd(a, fd, 64 << 10) != ARCHIVE_OK ||
	    la->read_next_header(a, &ae) != ARCHIVE_OK) {
		archive_api_err(la, a, errp, "read input");
		goto out;
	}
	if (digester_new(&o.diff_id, errp) < 0 || digester_new(&o.digest, errp) < 0 ||
	    ctd_content_writer_open(c, ref, 0, NULL, &o.w, errp) < 0)
		goto out;
	for (;;) {
		la_ssize_t n = la->read_data(a, in, CHUNK);

		if (n < 0) {
			archive_api_err(la, a, errp, "read input");
			goto out;
		}
		if (n == 0)
			break;
		if (o.nfirst < TAR_BLOCK) {
			size_t k = TAR_BLOCK - o.nfirst < (size_t)n ? TAR_BLOCK - o.nfirst : (size_t)n;

			memcpy(o.first + o.nfirst, in, k);
			o.nfirst += k;
		}
		digester_update(o.diff_id, in, (size_t)n);
		if (deflate_send(&o, in, (size_t)n, Z_NO_FLUSH, errp) < 0)
			goto out;
	}
	if (!tar_header_ok(o.first, o.nfirst)) {
		err_set(errp, ERR_INVALID, "import: the input is not a tar archive");
		goto out;
	}
	if (deflate_send(&o, NULL, 0, Z_FINISH, errp) < 0)
		goto out;
	digester_final(o.diff_id, diff_id);
	digester_final(o.digest, digest);
	label = xasprintf("%s=%s", IMG_LABEL_UNCOMPRESSED, diff_id);
	labels[0] = label;
	if (ctd_content_writer_commit(o.w, labels, &err) < 0) {
		if (err->kind != ERR_EXISTS) {
			err_move(errp, &err);
			goto out;
		}
		/* Stored before: make sure it carries the label. */
		if (ctd_content_update_labels(c, digest, labels, errp) < 0)
			goto out;
	}
	*ret_size = o.size;
	r = 0;
out:
	deflateEnd(&o.z);
out_nozlib:
	if (r < 0 && o.w) {
		ctd_content_writer_free(TAKE_PTR(o.w));
		ctd_content_abort(c, ref, NULL);
	}
	ctd_content_writer_free(o.w);
	digester_free(o.diff_id);
	digester_free(o.digest);
	free(o.zbuf);
	la->read_free(a);
	return r;
}

void
img_now_rfc3339(char *out, size_t n)
{
	struct timespec ts;
	struct tm tm;
	size_t len;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	len = strftime(out, n, "%Y-%m-%dT%H:%M:%S", &tm);
	if (ts.tv_nsec) {
		snprintf(out + len, n - len, ".%09ld", ts.tv_nsec);
		len = strlen(out);
		while (out[len - 1] == '0')
			out[--len] = '\0';
	}
	snprintf(out + len, n - len, "Z");
}

int
img_put_doc(struct ctd *c, json_t *doc, const char *media_type, char *const *labels,
	struct img_desc *d, struct err **errp)
{
	_cleanup_free_ char *bytes = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	_cleanup_free_ char *ref = NULL;
	char digest[DIGEST_STR_SIZE];
	size_t len = strlen(bytes);

	if (digest_bytes(bytes, len, digest, errp) < 0)
		return -1;
	ref = xasprintf("nerdc-doc-%s", digest);
	if (ctd_content_write_blob(c, ref, bytes, len, digest, labels, errp) < 0)
		return -1;
	if (labels && labels[0] && ctd_content_update_labels(c, digest, labels, errp) < 0)
		return -1;
	d->media_type = xstrdup(media_type);
	d->digest = xstrdup(digest);
	d->size = (int64_t)len;
	return 0;
}

static json_t *
desc_json(const struct img_desc *d)
{
	return json_pack("{s:s, s:s, s:I}", "mediaType", d->media_type, "digest", d->digest,
			 "size", (json_int_t)d->size);
}

int
image_import(struct ctd *c, int fd, const struct image_import_opts *o, char **ret_name,
	     struct img_desc *ret_target, struct err **errp)
{
	const struct archive_api *la = archive_api_get(errp);
	_cleanup_free_ char *lease = NULL, *old_lease = NULL, *name = NULL;
	_cleanup_json_ json_t *config = NULL, *manifest = NULL;
	_cleanup_strv_ struct strv labels = STRV_INIT;
	struct img_desc layer = { 0 }, cfg = { 0 }, target = { 0 };
	_cleanup_img_manifest_ struct img_manifest *m = NULL;
	char diff_id[DIGEST_STR_SIZE], digest[DIGEST_STR_SIZE], created[64];
	int64_t size;
	int r = -1;

	if (!la)
		return -1;
	if (ctd_leases_create_expiring(c, 3600, &lease, errp) < 0)
		return err_wrap(errp, "create lease");
	old_lease = xstrdup_null(ctd_lease(c));
	ctd_set_lease(c, lease);
	if (write_layer(c, la, fd, diff_id, digest, &size, errp) < 0)
		goto out;
	layer.media_type = xstrdup(MT_DOCKER_LAYER_GZIP);
	layer.digest = xstrdup(digest);
	layer.size = size;

	img_now_rfc3339(created, sizeof(created));
	config = json_pack("{s:s, s:s, s:s}", "created", created, "architecture",
			   o->platform.arch, "os", o->platform.os);
	if (o->platform.variant[0])
		json_object_set_new(config, "variant", json_string(o->platform.variant));
	json_object_set_new(config, "config", json_object());
	json_object_set_new(config, "rootfs",
			    json_pack("{s:s, s:[s]}", "type", "layers", "diff_ids", diff_id));
	json_object_set_new(config, "history",
			    json_pack("[{s:s}]", "created", created));
	if (o->message && *o->message)
		json_object_set_new(json_array_get(json_object_get(config, "history"), 0),
				    "comment", json_string(o->message));
	if (img_put_doc(c, config, MT_DOCKER_CONFIG, NULL, &cfg, errp) < 0)
		goto out;

	manifest = json_pack("{s:i, s:s, s:o, s:[o]}", "schemaVersion", 2, "mediaType",
			     MT_DOCKER_MANIFEST, "config", desc_json(&cfg), "layers",
			     desc_json(&layer));
	{
		_cleanup_free_ char *bytes = json_dumps(manifest, JSON_COMPACT | JSON_PRESERVE_ORDER);

		if (img_manifest_parse(bytes, strlen(bytes), MT_DOCKER_MANIFEST, &m, errp) < 0)
			goto out;
	}
	img_gc_labels_manifest(m, &labels);
	if (img_put_doc(c, manifest, MT_DOCKER_MANIFEST, labels.v, &target, errp) < 0)
		goto out;
	name = o->name ? xstrdup(o->name) : xasprintf("%s@%s", o->snapshotter, target.digest);
	if (img_record_put(c, name, &target, NULL, errp) < 0) {
		err_wrap(errp, "create image %s", name);
		goto out;
	}
	*ret_name = TAKE_PTR(name);
	*ret_target = target;
	memset(&target, 0, sizeof(target));
	r = 0;
out:
	ctd_set_lease(c, old_lease);
	ctd_leases_delete(c, lease, false, NULL);
	img_desc_release(&layer);
	img_desc_release(&cfg);
	img_desc_release(&target);
	return r;
}
