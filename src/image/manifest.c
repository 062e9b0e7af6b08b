/* Parsing of OCI / Docker schema 2 indexes, manifests and configs, and chain IDs. */
#include <stdio.h>
#include <string.h>

#include "image/manifest.h"
#include "base/json.h"
#include "base/xalloc.h"
#include "base/banned.h"

enum img_kind
img_media_kind(const char *mt)
{
	static const char *const layers[] = {
		MT_OCI_LAYER, MT_OCI_LAYER_GZIP, MT_OCI_LAYER_ZSTD, MT_OCI_LAYER_NONDIST_GZIP,
		"application/vnd.oci.image.layer.nondistributable.v1.tar",
		"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
		MT_DOCKER_LAYER, MT_DOCKER_LAYER_GZIP, MT_DOCKER_LAYER_FOREIGN_GZIP,
		"application/vnd.docker.image.rootfs.diff.tar.zstd",
	};

	if (!mt)
		return IMG_KIND_UNKNOWN;
	if (!strcmp(mt, MT_OCI_INDEX) || !strcmp(mt, MT_DOCKER_LIST))
		return IMG_KIND_INDEX;
	if (!strcmp(mt, MT_OCI_MANIFEST) || !strcmp(mt, MT_DOCKER_MANIFEST))
		return IMG_KIND_MANIFEST;
	if (!strcmp(mt, MT_OCI_CONFIG) || !strcmp(mt, MT_DOCKER_CONFIG))
		return IMG_KIND_CONFIG;
	if (!strcmp(mt, MT_DOCKER_SCHEMA1) || !strcmp(mt, MT_DOCKER_SCHEMA1_SIGNED))
		return IMG_KIND_SCHEMA1;
	for (size_t i = 0; i < ARRAY_SIZE(layers); i++)
		if (!strcmp(mt, layers[i]))
			return IMG_KIND_LAYER;
	return IMG_KIND_UNKNOWN;
}

void
img_desc_release(struct img_desc *d)
{
	if (!d)
		return;
	free(d->media_type);
	free(d->digest);
	json_decref(d->annotations);
	memset(d, 0, sizeof(*d));
}

void
img_desc_copy(struct img_desc *dst, const struct img_desc *src)
{
	*dst = *src;
	dst->media_type = xstrdup_null(src->media_type);
	dst->digest = xstrdup_null(src->digest);
	dst->annotations = json_incref(src->annotations);
}

/* A sha256 digest as we can verify: other algorithms are refused for now. */
static int
check_digest(const char *what, const char *d, struct err **errp)
{
	if (!d)
		return err_set(errp, ERR_INVALID, "%s: missing digest", what);
	if (digest_parse(d, errp) < 0)
		return err_wrap(errp, "%s", what);
	return 0;
}

static int
desc_parse(json_t *o, const char *what, struct img_desc *d, struct err **errp)
{
	json_t *size = json_object_get(o, "size"), *pl = json_object_get(o, "platform");
	json_t *ann = json_object_get(o, "annotations");
	const char *mt = json_get_str(o, "mediaType"), *dg = json_get_str(o, "digest");

	memset(d, 0, sizeof(*d));
	if (!json_is_object(o))
		return err_set(errp, ERR_INVALID, "%s: not an object", what);
	if (check_digest(what, dg, errp) < 0)
		return -1;
	if (!json_is_integer(size) || json_integer_value(size) < 0)
		return err_set(errp, ERR_INVALID, "%s: missing or invalid size", what);
	if (pl && !json_is_object(pl))
		return err_set(errp, ERR_INVALID, "%s: platform is not an object", what);
	if (ann && !json_is_object(ann))
		return err_set(errp, ERR_INVALID, "%s: annotations is not an object", what);
	d->media_type = xstrdup(mt ? mt : "");
	d->digest = xstrdup(dg);
	d->size = json_integer_value(size);
	if (pl) {
		d->has_platform = true;
		platform_set(&d->platform, json_get_str(pl, "os"), json_get_str(pl, "architecture"),
			     json_get_str(pl, "variant"));
	}
	d->annotations = json_incref(ann);
	return 0;
}

static void
descs_free(struct img_desc *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		img_desc_release(&v[i]);
	free(v);
}

static int
descs_parse(json_t *arr, const char *what, struct img_desc **ret, size_t *ret_n,
	    struct err **errp)
{
	struct img_desc *v;
	size_t n;

	if (!json_is_array(arr))
		return err_set(errp, ERR_INVALID, "%s: missing or not an array", what);
	n = json_array_size(arr);
	v = xnew(struct img_desc, n + 1);
	for (size_t i = 0; i < n; i++) {
		char w[64];

		snprintf(w, sizeof(w), "%s[%zu]", what, i);
		if (desc_parse(json_array_get(arr, i), w, &v[i], errp) < 0) {
			descs_free(v, i);
			return -1;
		}
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

/*
 * Common checks of an index or manifest document: JSON object, schemaVersion 2, schema 1
 * refused, and a mediaType that agrees with the announced one (containerd's check against
 * documents that claim to be one type and parse as another).
 */
static json_t *
doc_load(const char *data, size_t len, const char *announced, const char *what,
	 const char **ret_mt, struct err **errp)
{
	_cleanup_json_ json_t *root = NULL;
	json_t *sv;
	const char *mt;

	if (announced && img_media_kind(announced) == IMG_KIND_SCHEMA1) {
		err_set(errp, ERR_UNIMPLEMENTED,
			"%s: Docker schema 1 manifests are not supported; push the image again with a current client",
			what);
		return NULL;
	}
	root = json_parse_strict(data, len, IMG_DOC_MAX, what, errp);
	if (!root)
		return NULL;
	if (!json_is_object(root)) {
		err_set(errp, ERR_INVALID, "%s: not a JSON object", what);
		return NULL;
	}
	sv = json_object_get(root, "schemaVersion");
	if (json_is_integer(sv) && json_integer_value(sv) == 1) {
		err_set(errp, ERR_UNIMPLEMENTED,
			"%s: Docker schema 1 manifests are not supported; push the image again with a current client",
			what);
		return NULL;
	}
	if (!json_is_integer(sv) || json_integer_value(sv) != 2) {
		err_set(errp, ERR_INVALID, "%s: unsupported schemaVersion", what);
		return NULL;
	}
	mt = json_get_str(root, "mediaType");
	if (mt && announced && *announced && strcmp(mt, announced) != 0) {
		err_set(errp, ERR_INVALID, "%s: mediaType %s does not match the announced %s", what, mt,
			announced);
		return NULL;
	}
	*ret_mt = mt ? mt : announced;
	return TAKE_PTR(root);
}

int
img_index_parse(const char *data, size_t len, const char *media_type, struct img_index **ret,
		struct err **errp)
{
	_cleanup_json_ json_t *root = NULL;
	struct img_index *x;
	json_t *ann;
	const char *mt = NULL;

	root = doc_load(data, len, media_type, "index", &mt, errp);
	if (!root)
		return -1;
	if (json_object_get(root, "config") || json_object_get(root, "layers"))
		return err_set(errp, ERR_INVALID, "index: has config or layers: not an index");
	if (mt && img_media_kind(mt) != IMG_KIND_INDEX)
		return err_set(errp, ERR_INVALID, "index: unexpected media type %s", mt);
	ann = json_object_get(root, "annotations");
	if (ann && !json_is_object(ann))
		return err_set(errp, ERR_INVALID, "index: annotations is not an object");
	x = xnew(struct img_index, 1);
	if (descs_parse(json_object_get(root, "manifests"), "index: manifests", &x->manifests,
			&x->n_manifests, errp) < 0) {
		free(x);
		return -1;
	}
	x->media_type = xstrdup(mt ? mt : MT_OCI_INDEX);
	x->annotations = json_incref(ann);
	*ret = x;
	return 0;
}

int
img_manifest_parse(const char *data, size_t len, const char *media_type,
		   struct img_manifest **ret, struct err **errp)
{
	_cleanup_json_ json_t *root = NULL;
	_cleanup_img_manifest_ struct img_manifest *m = NULL;
	json_t *ann;
	const char *mt = NULL;

	root = doc_load(data, len, media_type, "manifest", &mt, errp);
	if (!root)
		return -1;
	if (json_object_get(root, "manifests"))
		return err_set(errp, ERR_INVALID, "manifest: has manifests: not a manifest");
	if (mt && img_media_kind(mt) != IMG_KIND_MANIFEST)
		return err_set(errp, ERR_INVALID, "manifest: unexpected media type %s", mt);
	ann = json_object_get(root, "annotations");
	if (ann && !json_is_object(ann))
		return err_set(errp, ERR_INVALID, "manifest: annotations is not an object");
	m = xnew(struct img_manifest, 1);
	m->media_type = xstrdup(mt ? mt : MT_OCI_MANIFEST);
	m->annotations = json_incref(ann);
	if (!json_object_get(root, "config"))
		return err_set(errp, ERR_INVALID, "manifest: missing config");
	if (desc_parse(json_object_get(root, "config"), "manifest: config", &m->config, errp) < 0 ||
	    descs_parse(json_object_get(root, "layers"), "manifest: layers", &m->layers,
			&m->n_layers, errp) < 0)
		return -1;
	*ret = TAKE_PTR(m);
	return 0;
}

int
img_config_parse(const char *data, size_t len, struct img_config **ret, struct err **errp)
{
	_cleanup_json_ json_t *root = NULL;
	_cleanup_img_config_ struct img_config *c = NULL;
	json_t *rootfs, *ids;

	root = json_parse_strict(data, len, IMG_DOC_MAX, "image config", errp);
	if (!root)
		return -1;
	if (!json_is_object(root))
		return err_set(errp, ERR_INVALID, "image config: not a JSON object");
	rootfs = json_object_get(root, "rootfs");
	ids = json_object_get(rootfs, "diff_ids");
	if (!json_is_object(rootfs) || (ids && !json_is_array(ids)))
		return err_set(errp, ERR_INVALID, "image config: missing or invalid rootfs");
	c = xnew(struct img_config, 1);
	platform_set(&c->platform, json_get_str(root, "os"), json_get_str(root, "architecture"),
		     json_get_str(root, "variant"));
	c->created = xstrdup_null(json_get_str(root, "created"));
	c->n_diff_ids = json_array_size(ids);
	c->diff_ids = xnew(char *, c->n_diff_ids + 1);
	for (size_t i = 0; i < c->n_diff_ids; i++) {
		const char *d = json_string_value(json_array_get(ids, i));

		if (check_digest("image config: rootfs.diff_ids", d, errp) < 0 ||
		    (strncmp(d, "sha256:", 7) != 0 &&
		     err_set(errp, ERR_UNIMPLEMENTED,
			     "image config: diff ID %s: only sha256 is supported", d) < 0)) {
			c->n_diff_ids = i;
			return -1;
		}
		c->diff_ids[i] = xstrdup(d);
	}
	c->json = TAKE_PTR(root);
	*ret = TAKE_PTR(c);
	return 0;
}

void
img_index_free(struct img_index *x)
{
	if (!x)
		return;
	descs_free(x->manifests, x->n_manifests);
	free(x->media_type);
	json_decref(x->annotations);
	free(x);
}

void
img_manifest_free(struct img_manifest *m)
{
	if (!m)
		return;
	img_desc_release(&m->config);
	descs_free(m->layers, m->n_layers);
	free(m->media_type);
	json_decref(m->annotations);
	free(m);
}

void
img_config_free(struct img_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_diff_ids; i++)
		free(c->diff_ids[i]);
	free(c->diff_ids);
	free(c->created);
	json_decref(c->json);
	free(c);
}

int
img_chain_ids(char *const *diff_ids, size_t n, char (*ret)[DIGEST_STR_SIZE], struct err **errp)
{
	for (size_t i = 0; i < n; i++) {
		char tmp[2 * DIGEST_STR_SIZE + 2];
		int len;

		if (i == 0) {
			snprintf(ret[0], DIGEST_STR_SIZE, "%s", diff_ids[0]);
			continue;
		}
		len = snprintf(tmp, sizeof(tmp), "%s %s", ret[i - 1], diff_ids[i]);
		if (digest_bytes(tmp, (size_t)len, ret[i], errp) < 0)
			return -1;
	}
	return 0;
}
