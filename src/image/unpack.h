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
 * Unpacks layer i (which must be the next one: layers go in order) unless its chain ID
 * exists. The layer blob must be in the content store. On failure the extraction snapshot
 * is removed. ERR_INVALID when the applied diff ID differs from the config's.
 */
int img_unpacker_layer(struct img_unpacker *u, size_t i, bool *ret_skipped, struct err **errp);
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
