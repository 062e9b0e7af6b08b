/*
 * Pushing an image from containerd's content store to a registry: the blobs of each chosen
 * manifest (HEAD first, cross-repository mount when containerd knows the blob from another
 * repository of the same registry, else a monolithic or chunked upload streamed from the
 * content store), then the manifests, then the index, each with its own media type.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "ctd/ctd.h"
#include "image/platform.h"
#include "registry/client.h"

enum img_push_event {
	IMG_PUSH_WAITING,	/* a blob will be pushed: digest, total */
	IMG_PUSH_EXISTS,	/* the registry already has it */
	IMG_PUSH_PROGRESS,	/* done of total bytes read from the content store */
	IMG_PUSH_DONE,		/* uploaded or mounted */
	IMG_PUSH_MANIFEST,	/* a manifest or index was put: digest, total = its size */
};

struct img_push_status {
	enum img_push_event event;
	const char *digest;
	const char *media_type;
	int64_t done;
	int64_t total;
};

typedef void (*img_push_progress_fn)(void *arg, const struct img_push_status *st);

struct img_push_opts {
	const struct platform_matcher *platforms;	/* --platform; NULL: the host's, strictly */
	bool all_platforms;		/* push the whole index as it is */
	size_t chunk_size;		/* 0: one monolithic PUT per blob; else PATCH chunks */
	const struct reg_opts *reg;
	img_push_progress_fn progress;	/* may be NULL */
	void *progress_arg;
};

struct img_push_result {
	char *name;		/* "localhost:5000/foo:latest" (the remote reference) */
	char *tag;		/* "latest", or NULL when pushed by digest */
	char *digest;		/* of the top manifest or index that was put */
	int64_t size;		/* its size in bytes */
};
void img_push_result_release(struct img_push_result *r);

/*
 * Pushes the local record named ref (user syntax, normalised: "localhost:5000/foo" is
 * "localhost:5000/foo:latest") to that same reference. An index is pushed whole with
 * all_platforms or when ref has a digest; otherwise (nerdctl's behaviour) only the manifests
 * matching o->platforms (default: the host platform): one match is pushed as a plain
 * manifest under the tag, several as an index reduced to them. Errors: ERR_NOT_FOUND
 * "An image does not exist locally with the tag: X" (Docker's words), ERR_NOT_FOUND "no
 * match for platform in manifest", ERR_INVALID for --platform with a digest reference,
 * registry errors (ERR_UNAUTHORIZED, ERR_PERMISSION, ERR_UNAVAILABLE...) wrapped with the
 * blob or manifest. ret is filled only on success.
 */
int img_push(struct ctd *c, const char *ref, const struct img_push_opts *o,
	     struct img_push_result *ret, struct err **errp);

/*
 * From the value of a "containerd.io/distribution.source.<host>" label (comma-separated
 * repositories), the first repository other than repo, or NULL. Caller frees.
 */
char *img_push_mount_source(const char *label_value, const char *repo);
