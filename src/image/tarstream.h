/*
 * A push-mode tar reader: bytes go in as they arrive (from a download or an inflater) and
 * entries come out through callbacks, with no thread or pipe in between. It reads what
 * image layers contain (ustar, pax with SCHILY.xattr, GNU long names) the way Go's
 * archive/tar does, and refuses the rest.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

enum tar_type {
	TAR_REG,
	TAR_LINK,	/* hardlink to link */
	TAR_SYMLINK,
	TAR_CHR,
	TAR_BLK,
	TAR_DIR,
	TAR_FIFO,
};

struct tar_xattr {
	char *name;
	char *value;	/* binary, len bytes */
	size_t len;
};

struct tar_time {
	int64_t sec;
	int32_t nsec;
};

struct tar_entry {
	enum tar_type type;
	const char *path;	/* as stored (pax path or GNU long name applied), not cleaned */
	const char *link;	/* symlink target or hardlink name; "" otherwise */
	int64_t size;		/* data bytes that follow (regular files only, else 0) */
	uint32_t mode;		/* permission bits with setuid, setgid, sticky (07777) */
	int64_t uid, gid;
	struct tar_time mtime;
	struct tar_time atime;	/* mtime when the archive has none */
	uint32_t devmajor, devminor;
	const struct tar_xattr *xattrs;	/* SCHILY.xattr.* records */
	size_t n_xattrs;
};

/* Callbacks return 0, or -1 with *errp set to stop the stream (the error is returned). */
struct tar_ops {
	/* An entry begins; for TAR_REG its size bytes follow through data, then entry_end. */
	int (*entry)(void *ud, const struct tar_entry *e, struct err **errp);
	int (*data)(void *ud, const void *p, size_t n, struct err **errp);
	int (*entry_end)(void *ud, struct err **errp);
};

struct tar_stream;

struct tar_stream *tar_stream_new(const struct tar_ops *ops, void *ud);
/*
 * Feeds n bytes. ERR_INVALID for a malformed archive (bad checksum, bad number, oversized
 * pax record: cap 1 MiB), ERR_UNIMPLEMENTED for what layers should not hold (sparse files,
 * tape volumes, unknown entry types); or a callback's error.
 */
int tar_stream_feed(struct tar_stream *t, const void *p, size_t n, struct err **errp);
/*
 * The input is over: ERR_INVALID unless it stopped at an entry boundary (Go's reader also
 * accepts an archive without its two zero blocks). Bytes after the end marker are ignored.
 */
int tar_stream_end(struct tar_stream *t, struct err **errp);
/* True once the end-of-archive marker was read. */
bool tar_stream_done(const struct tar_stream *t);
void tar_stream_free(struct tar_stream *t);
DEFINE_CLEANUP_FUNC(tar_stream_freep, struct tar_stream *, tar_stream_free)
