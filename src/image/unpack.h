/*
 * Unpacking an image into snapshots the way containerd's unpacker does: one committed
 * snapshot per layer named by its chain ID, applied through the Diff service, with the
 * labels containerd sets (containerd.io/snapshot.ref on snapshots, containerd.io/uncompressed
 * on layer blobs, containerd.io/gc.ref.snapshot.<snapshotter> on the config).
 */
#pragma once

#include <stdbool.h>

#include "base/err.h"
#include "ctd/ctd.h"
#include "image/store.h"

/* 1 when snapshot key exists in snapshotter, 0 when not, -1 on error. */
int img_snapshot_exists(struct ctd *c, const char *snapshotter, const char *key,
			struct err **errp);

/* Called after each layer: index, whether it was already unpacked. May be NULL. */
typedef void (*img_unpack_progress_fn)(void *arg, size_t layer, bool skipped);

/*
 * A layer-by-layer unpacker, so a pull can apply layer i as soon as its blob is committed.
 * Runs on c (the caller's lease, if any, covers the snapshots it prepares).
 */
struct img_unpacker;

struct img_unpacker *img_unpacker_new(struct ctd *c, const char *snapshotter,
				      const struct img_view *v);
/*
 * Streaming extraction of one layer while its blob downloads, for the overlayfs snapshotter:
 * files go straight into a snapshot's directory. When the layer's parent snapshot is
 * committed (or it is the first layer) that is the real extraction snapshot, committed at
 * the end; otherwise a parentless staging snapshot, moved into place by img_unpacker_layer
 * once the parent exists (an overlayfs upper directory does not depend on what lies below).
 */
struct img_stream_x;

/*
 * Begins extracting layer i of v on c (whose lease covers the snapshot). ERR_UNIMPLEMENTED
 * when this snapshotter, media type or mount cannot be extracted here: use the Diff service.
 */
int img_stream_x_begin(struct ctd *c, const char *snapshotter, const struct img_view *v,
		       size_t i, bool parent_ready, struct img_stream_x **ret, struct err **errp);
/* Compressed layer bytes, as received. Errors: see layer_x_feed. */
int img_stream_x_feed(struct img_stream_x *s, const void *p, size_t n, struct err **errp);
/*
 * After the blob is complete and verified: checks the diff ID (ERR_INVALID "wrong diff id")
 * and commits the snapshot unless it is a staging one.
 */
int img_stream_x_end(struct ctd *c, struct img_stream_x *s, struct err **errp);
/* Removes the snapshot (through c, if not NULL) unless committed; NULL is fine. */
void img_stream_x_free(struct ctd *c, struct img_stream_x *s);

/*
 * Unpacks layer i (which must be the next one: layers go in order) unless its chain ID
 * exists. sx, when not NULL, is layer i's finished stream extraction (committed, or staged:
 * moved into place here); it stays the caller's. Otherwise the layer blob must be in the
 * content store: it is streamed from there into the snapshot (overlayfs), or applied through
 * the Diff service. On failure the extraction snapshot is removed. ERR_INVALID when the
 * applied diff ID differs from the config's.
 */
int img_unpacker_layer(struct img_unpacker *u, size_t i, struct img_stream_x *sx,
		       bool *ret_skipped, struct err **errp);
/* After the last layer: labels the config with the GC reference to the top snapshot. */
int img_unpacker_finish(struct img_unpacker *u, struct err **errp);
void img_unpacker_free(struct img_unpacker *u);
DEFINE_CLEANUP_FUNC(img_unpacker_freep, struct img_unpacker *, img_unpacker_free)

/*
 * Unpacks every layer of v (all blobs must be present) under a lease of its own, then
 * labels the config. progress may be NULL.
 */
int img_unpack(struct ctd *c, const char *snapshotter, const struct img_view *v,
	       img_unpack_progress_fn progress, void *arg, struct err **errp);
