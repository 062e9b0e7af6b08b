/*
 * Pulling an image from a registry into containerd: resolve, fetch the index/manifests for
 * the chosen platforms, stream every blob into the content store (several at once, each
 * verified), set the GC labels, create the image record last, then unpack. Everything runs
 * under a lease, so an interrupted pull leaves nothing referenced and the next one completes.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "ctd/ctd.h"
#include "image/platform.h"
#include "registry/client.h"

enum img_pull_event {
	IMG_PULL_RESOLVED,	/* ref resolved: digest set (the target) */
	IMG_PULL_WAITING,	/* a blob is known: digest, total */
	IMG_PULL_EXISTS,	/* a blob is already in the content store */
	IMG_PULL_PROGRESS,	/* bytes downloaded so far: done of total */
	IMG_PULL_DONE,		/* a blob is committed */
	IMG_PULL_UNPACKING,	/* layer unpack starts (digest = layer blob) */
	IMG_PULL_UNPACKED,	/* layer unpacked or already present */
};

struct img_pull_status {
	enum img_pull_event event;
	const char *digest;
	const char *media_type;
	int64_t done;
	int64_t total;
};

/* Progress callback; runs on the calling thread. */
typedef void (*img_pull_progress_fn)(void *arg, const struct img_pull_status *st);

struct img_pull_opts {
	const struct platform_matcher *platforms;	/* NULL: host platform */
	bool all_platforms;		/* fetch every manifest of an index */
	bool unpack;			/* unpack the (host or first chosen) platform */
	const char *snapshotter;	/* NULL: "overlayfs" */
	int concurrency;		/* blobs fetched at once; 0: 3 */
	const struct reg_opts *reg;	/* registry options (hosts dirs, insecure, ...) */
	img_pull_progress_fn progress;	/* may be NULL */
	void *progress_arg;
	volatile int *cancel;		/* set non-zero (e.g. from a SIGINT handler) to stop */
};

struct img_pull_result {
	char *name;		/* the record name, "docker.io/library/busybox:latest" */
	char *target_digest;	/* the index or manifest digest */
	char *target_media_type;
};
void img_pull_result_release(struct img_pull_result *r);

/*
 * Pulls ref (user syntax, normalised here) into c's namespace. The image record is created
 * (or its target updated) only after every blob is in place; on any failure nothing new is
 * referenced. Errors: those of reg_manifest_get/reg_blob_get wrapped with the reference
 * (ERR_NOT_FOUND, ERR_UNAUTHORIZED, ERR_INVALID on a digest mismatch, ERR_RESOURCE for a
 * manifest over 4 MiB, ERR_UNIMPLEMENTED for schema 1), ERR_NOT_FOUND "no match for
 * platform in manifest", ERR_CANCELLED when *cancel was set.
 */
int img_pull(struct ctd *c, const char *ref, const struct img_pull_opts *o,
	     struct img_pull_result *ret, struct err **errp);
