/*
 * Streaming layer extraction: compressed layer bytes in, files out under one directory,
 * with the diff ID (sha256 of the uncompressed stream) computed on the way. Every name is
 * resolved inside the directory (openat2 RESOLVE_IN_ROOT; ".." refused), whiteouts become
 * what overlayfs expects, and ownership, modes, times, xattrs and links are kept.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "base/digest.h"
#include "base/err.h"
#include "base/strv.h"

enum layer_comp {
	LAYER_COMP_NONE,	/* a plain tar */
	LAYER_COMP_GZIP,
};

/*
 * The compression of a layer media type, or -1 for what this extractor does not read
 * (zstd, encrypted, unknown): such layers go through containerd's Diff service.
 */
int layer_comp_of(const char *media_type);

enum extract_whiteouts {
	/* A plain tree that starts empty (the first layer): ".wh.NAME" removes NAME. */
	EXTRACT_WH_DELETE,
	/* An overlayfs upper directory: character device 0/0, trusted.overlay.opaque=y. */
	EXTRACT_WH_OVERLAY,
};

struct layer_x;

/*
 * Starts extracting into dir, which should be empty. ERR_IO when dir cannot be opened,
 * ERR_UNAVAILABLE when libcrypto is missing.
 */
int layer_x_new(const char *dir, enum layer_comp comp, enum extract_whiteouts wh,
		struct layer_x **ret, struct err **errp);
/*
 * From now on layer_x_feed copies the bytes to a queue (a few chunks deep) for a thread of
 * x's own that inflates, which queues the tar stream for a second one that hashes it and
 * writes the files: the caller goes on receiving meanwhile. Their errors show at the next
 * feed and at finish. ERR_IO when a thread cannot start.
 */
int layer_x_start_thread(struct layer_x *x, struct err **errp);
/*
 * Feeds compressed bytes. ERR_INVALID for a corrupt stream or archive and for names that
 * leave the root (".." components, hardlinks out, relative symlinks that climb out, as
 * Docker refuses them); ERR_UNIMPLEMENTED for what this extractor cannot do here but
 * containerd's applier may (sparse files, mknod or chown refused in a user namespace...);
 * ERR_IO for other system call failures.
 */
int layer_x_feed(struct layer_x *x, const void *p, size_t n, struct err **errp);
/* After the last byte: checks the stream ended cleanly, sets directory times, the diff ID. */
int layer_x_finish(struct layer_x *x, char ret_diff_id[DIGEST_STR_SIZE], struct err **errp);
/*
 * Directories created because an entry needed them but the archive had no entry of its own
 * (relative paths), for extract_fix_implicit.
 */
char *const *layer_x_implicit_dirs(const struct layer_x *x);
void layer_x_free(struct layer_x *x);
DEFINE_CLEANUP_FUNC(layer_x_freep, struct layer_x *, layer_x_free)

/*
 * Moves every top-level entry of src into the empty directory dst on the same filesystem,
 * and src's own opaque mark. Used to place a layer extracted before its parent snapshot
 * existed. ERR_IO on failure.
 */
int extract_move_tree(const char *src, const char *dst, struct err **errp);
/*
 * Gives each implicitly created directory (relative to dir) the mode and owner of the
 * same directory in the first of lowers (upper-most first) that has one, as containerd's
 * applier does when a layer omits a parent. lowers may be NULL.
 */
int extract_fix_implicit(const char *dir, char *const *implicit, char *const *lowers,
			 struct err **errp);
