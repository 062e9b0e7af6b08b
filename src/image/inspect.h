/*
 * Docker-compatible views of an image: the `image inspect` object (Docker 20.10's shape)
 * and the rows of `history`, built from the record, its config and the snapshots.
 */
#pragma once

#include <stdint.h>
#include <jansson.h>

#include "base/err.h"
#include "ctd/images.h"
#include "image/store.h"

struct ctd;

/*
 * The inspect object of img seen through v (its platform's manifest and config). all: every
 * record (RepoTags and RepoDigests list those with img's target). snapshotter: GraphDriver
 * name and where Size is measured. *ret is a new reference.
 */
int image_inspect_json(struct ctd *c, const char *snapshotter, const CtdImage *img,
		       const CtdImageList *all, const struct img_view *v, json_t **ret,
		       struct err **errp);

/* Docker's container.Config JSON shape filled from an image config's "config" (may be NULL). */
json_t *image_docker_config(json_t *cfg);

struct image_history_row {
	const char *created_by;	/* borrowed from the config; "" when absent */
	const char *comment;
	int64_t created;	/* Unix seconds; 0 when absent */
	int64_t size;		/* bytes the layer adds (snapshot usage); 0 for empty layers */
	bool empty_layer;
};

/*
 * The config's history, newest first, each non-empty entry matched with its layer's size
 * (the snapshot of the layer's chain ID; 0 when not unpacked). *ret (free()) holds *ret_n
 * rows borrowing from v.
 */
int image_history_rows(struct ctd *c, const char *snapshotter, const struct img_view *v,
		       struct image_history_row **ret, size_t *ret_n, struct err **errp);

/* RFC 3339 ("2024-01-02T03:04:05.1Z", "+01:00" offsets) to Unix seconds; -1 if malformed. */
int image_parse_time(const char *s, int64_t *ret);
