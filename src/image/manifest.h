/*
 * OCI and Docker schema 2 image documents: media types, descriptors, and the parsing of
 * indexes, manifests and configs from untrusted bytes (4 MiB cap, strict JSON), plus
 * chain IDs (OCI image-spec identity: ChainID(L0..Ln)).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "base/digest.h"
#include "base/err.h"
#include "image/platform.h"

#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_OCI_LAYER "application/vnd.oci.image.layer.v1.tar"
#define MT_OCI_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define MT_OCI_LAYER_ZSTD "application/vnd.oci.image.layer.v1.tar+zstd"
#define MT_OCI_LAYER_NONDIST_GZIP "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define MT_DOCKER_LAYER "application/vnd.docker.image.rootfs.diff.tar"
#define MT_DOCKER_LAYER_GZIP "application/vnd.docker.image.rootfs.diff.tar.gzip"
#define MT_DOCKER_LAYER_FOREIGN_GZIP "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"
#define MT_DOCKER_SCHEMA1 "application/vnd.docker.distribution.manifest.v1+json"
#define MT_DOCKER_SCHEMA1_SIGNED "application/vnd.docker.distribution.manifest.v1+prettyjws"

/* Cap on index, manifest and config documents (Docker's and containerd's limit). */
#define IMG_DOC_MAX (4u << 20)

enum img_kind {
	IMG_KIND_UNKNOWN = 0,
	IMG_KIND_INDEX,		/* OCI index or Docker manifest list */
	IMG_KIND_MANIFEST,
	IMG_KIND_CONFIG,
	IMG_KIND_LAYER,		/* any tar layer, compressed or not */
	IMG_KIND_SCHEMA1,
};

/* What a media type names (containerd's images.IsIndexType, IsManifestType, IsLayerType...). */
enum img_kind img_media_kind(const char *media_type);

/* A content descriptor. Strings owned; platform set only for index entries that carry one. */
struct img_desc {
	char *media_type;
	char *digest;			/* "sha256:..." validated */
	int64_t size;
	bool has_platform;
	struct platform platform;
	json_t *annotations;		/* object or NULL; one reference owned */
};

void img_desc_release(struct img_desc *d);
/* Deep copy into *dst (which is overwritten, not released). */
void img_desc_copy(struct img_desc *dst, const struct img_desc *src);

struct img_index {
	char *media_type;		/* the document's mediaType, or the descriptor's */
	size_t n_manifests;
	struct img_desc *manifests;
	json_t *annotations;		/* object or NULL */
};

struct img_manifest {
	char *media_type;
	struct img_desc config;
	size_t n_layers;
	struct img_desc *layers;
	json_t *annotations;		/* object or NULL */
};

struct img_config {
	struct platform platform;	/* os/architecture/variant, normalised */
	char *created;			/* RFC 3339 string as written, or NULL */
	size_t n_diff_ids;
	char **diff_ids;		/* rootfs.diff_ids, validated digests */
	json_t *json;			/* the whole document (one reference owned) */
};

/*
 * Parse len bytes of an index / manifest / config. media_type (may be NULL) is the type the
 * descriptor or registry announced; a document's own mediaType must agree with it. Errors:
 * ERR_RESOURCE over IMG_DOC_MAX, ERR_UNIMPLEMENTED for schema 1 (with Docker's message),
 * ERR_INVALID for malformed JSON, missing fields or bad digests. *ret (caller frees with
 * the matching _free) is set only on success.
 */
int img_index_parse(const char *data, size_t len, const char *media_type,
		    struct img_index **ret, struct err **errp);
int img_manifest_parse(const char *data, size_t len, const char *media_type,
		       struct img_manifest **ret, struct err **errp);
int img_config_parse(const char *data, size_t len, struct img_config **ret, struct err **errp);
void img_index_free(struct img_index *x);
void img_manifest_free(struct img_manifest *m);
void img_config_free(struct img_config *c);

/*
 * Chain IDs of diff_ids[0..n): ret[i] = ChainID(diff_ids[0..i]); ret[0] = diff_ids[0],
 * ret[i] = sha256(ret[i-1] + " " + diff_ids[i]). ret has n slots of DIGEST_STR_SIZE.
 * Errors as digest_bytes.
 */
int img_chain_ids(char *const *diff_ids, size_t n, char (*ret)[DIGEST_STR_SIZE],
		  struct err **errp);

DEFINE_CLEANUP_FUNC(img_index_freep, struct img_index *, img_index_free)
DEFINE_CLEANUP_FUNC(img_manifest_freep, struct img_manifest *, img_manifest_free)
DEFINE_CLEANUP_FUNC(img_config_freep, struct img_config *, img_config_free)
#define _cleanup_img_index_ _cleanup_(img_index_freep)
#define _cleanup_img_manifest_ _cleanup_(img_manifest_freep)
#define _cleanup_img_config_ _cleanup_(img_config_freep)
