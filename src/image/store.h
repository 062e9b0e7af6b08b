/*
 * The image store over containerd: image records found by name or ID, documents read from
 * the content store, the per-platform view of an image (manifest, config, chain IDs), sizes,
 * and the GC labels containerd's garbage collector follows.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/strv.h"
#include "ctd/ctd.h"
#include "ctd/images.h"
#include "image/manifest.h"
#include "image/platform.h"

/* Labels containerd sets and follows (containerd 1.6 images/mediatypes.go, unpacker.go). */
#define IMG_LABEL_GC_CONTENT "containerd.io/gc.ref.content."	/* + "m.N", "config", "l.N" */
#define IMG_LABEL_GC_SNAPSHOT "containerd.io/gc.ref.snapshot."	/* + snapshotter */
#define IMG_LABEL_UNCOMPRESSED "containerd.io/uncompressed"
#define IMG_LABEL_SNAPSHOT_REF "containerd.io/snapshot.ref"
#define IMG_LABEL_DISTRIBUTION_SOURCE "containerd.io/distribution.source."	/* + host */

/*
 * Normalises a user's image reference to the containerd record name Docker-style:
 * "busybox" → "docker.io/library/busybox:latest". Caller frees. ERR_INVALID as ref_parse.
 */
char *img_normalize_name(const char *s, struct err **errp);

/*
 * Every record that s names, as nerdctl's image walker finds them: the normalised
 * reference, the literal name, or a target digest ("sha256:<hex>") or a prefix of its hex
 * (the IMAGE ID column). *ret (freed with ctd_msg_free) may hold zero images.
 */
int img_find(struct ctd *c, const char *s, CtdImageList **ret, struct err **errp);
/*
 * The one record s names: an exact name match wins; else the ID/digest match, which must
 * point at a single target. ERR_NOT_FOUND "no such image: s"; ERR_INVALID when an ID prefix
 * is ambiguous. *ret freed with ctd_msg_free.
 */
int img_resolve(struct ctd *c, const char *s, CtdImage **ret, struct err **errp);

/*
 * Reads the whole blob digest from the content store into out (appended), failing with
 * ERR_RESOURCE when it is larger than max and ERR_NOT_FOUND when absent.
 */
int img_blob_read(struct ctd *c, const char *digest, size_t max, struct buf *out,
		  struct err **errp);
/* Converts between containerd's wire descriptor and ours (strings copied). */
void img_desc_from_ctd(struct img_desc *dst, const CtdDescriptor *src);
/* A new wire descriptor (free with img_ctd_desc_free; not a protobuf-c unpacked message). */
CtdDescriptor *img_desc_to_ctd(const struct img_desc *src);
void img_ctd_desc_free(CtdDescriptor *d);

/*
 * The manifest entries of x that m accepts, best match first (ties keep index order); an
 * entry without a platform comes last, or not at all with skip_unplatformed. *ret is a new
 * array (caller frees) of pointers into x.
 */
size_t img_index_select(const struct img_index *x, const struct platform_matcher *m,
			bool skip_unplatformed, const struct img_desc ***ret);

/* One platform's image below a target. */
struct img_view {
	struct img_desc target;		/* the record's target (index or manifest) */
	struct img_desc manifest_desc;	/* the chosen manifest (== target without an index) */
	struct img_manifest *manifest;
	struct img_config *config;
	char (*chain_ids)[DIGEST_STR_SIZE];	/* config->n_diff_ids entries */
};

/*
 * Reads the target, picks the best manifest for m (an index lists candidates; a manifest
 * without an index is checked against its config's platform), reads its config and
 * computes the chain IDs. Entries whose manifest is absent locally are skipped. Errors:
 * ERR_NOT_FOUND "no match for platform in manifest" (containerd's words) or a missing blob,
 * ERR_INVALID for a malformed document, ERR_INVALID when layers and diff IDs disagree.
 */
int img_view_load(struct ctd *c, const CtdDescriptor *target, const struct platform_matcher *m,
		  struct img_view **ret, struct err **errp);
/*
 * A view from parts already in memory: target and manifest_desc are copied, manifest and
 * config are taken (freed on failure too). ERR_INVALID when layers and diff IDs disagree.
 */
struct img_view *img_view_build(const struct img_desc *target, const struct img_desc *manifest_desc,
				struct img_manifest *manifest, struct img_config *config,
				struct err **errp);
void img_view_free(struct img_view *v);
DEFINE_CLEANUP_FUNC(img_view_freep, struct img_view *, img_view_free)
#define _cleanup_img_view_ _cleanup_(img_view_freep)
/* The top chain ID ("" for an image without layers), borrowed. */
const char *img_view_top_chain_id(const struct img_view *v);

/*
 * Platforms of target whose manifest is present in the content store (for an index: its
 * entries in order, duplicates dropped; for a manifest: its config's platform). *ret is a
 * new array (caller frees) of *ret_n entries.
 */
int img_platforms(struct ctd *c, const CtdDescriptor *target, struct platform **ret,
		  size_t *ret_n, struct err **errp);

/*
 * Unpacked size: the snapshotter's Usage summed over the chain (top chain ID and its
 * parents), like nerdctl's SIZE; 0 when not unpacked.
 */
int img_view_unpacked_size(struct ctd *c, const char *snapshotter, const struct img_view *v,
			   int64_t *ret, struct err **errp);
/* Blob size: index (when the target is one) + manifest + config + layers, as nerdctl sums. */
int64_t img_view_blob_size(const struct img_view *v);
/* 1 when the top chain ID snapshot exists in snapshotter, 0 when not, -1 on error. */
int img_view_is_unpacked(struct ctd *c, const char *snapshotter, const struct img_view *v,
			 struct err **errp);

/*
 * The GC labels of a parent document for its children, as containerd's pull sets them:
 * index → "containerd.io/gc.ref.content.m.N" per manifest, manifest →
 * "containerd.io/gc.ref.content.config" and "...l.N" per layer. Appended to labels as
 * "key=value" strings.
 */

void img_gc_labels_index(const struct img_desc *manifests, size_t n, struct strv *labels);
void img_gc_labels_manifest(const struct img_manifest *m, struct strv *labels);

/* Now as Go's time.Time JSON: RFC 3339 in UTC, nanoseconds' trailing zeros trimmed. */
void img_now_rfc3339(char *out, size_t n);
/*
 * Writes a small JSON document (compact, in its key order) as a blob with labels ("k=v",
 * may be NULL) and describes it in d (strings owned by d).
 */
int img_put_doc(struct ctd *c, json_t *doc, const char *media_type, char *const *labels,
		struct img_desc *d, struct err **errp);
/*
 * Creates the image record name → target, or updates its target (and labels) when it exists
 * (as containerd's pull does). labels: "k=v" strings, may be NULL.
 */
int img_record_put(struct ctd *c, const char *name, const struct img_desc *target,
		   char *const *labels, struct err **errp);
