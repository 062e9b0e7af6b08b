/* File helpers: capped reads, atomic writes, directory creation. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "buf.h"
#include "err.h"

/* Reads a whole file into out (appended); fails with ERR_RESOURCE past max bytes. */
int fs_read_file(const char *path, size_t max, struct buf *out, struct err **errp);
/* Reads an open fd to EOF into out, capped like fs_read_file; name is for messages. */
int fs_read_fd(int fd, const char *name, size_t max, struct buf *out, struct err **errp);
/* Writes path through a temporary file in the same directory, fsync and rename. */
int fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
		    struct err **errp);
/*
 * The same without the fsync: readers see the old or the new content, never a torn file,
 * but a power loss may lose the write. For per-container state a create rebuilds anyway
 * (hosts, resolv.conf, log config...), where five fsyncs cost a `run` milliseconds.
 */
int fs_write_replace(const char *path, const void *data, size_t len, mode_t mode,
		     struct err **errp);
/* mkdir -p; existing directories are fine. */
int fs_mkdir_p(const char *path, mode_t mode, struct err **errp);
/* Writes all bytes, retrying on EINTR and short writes. */
int fs_write_all(int fd, const void *data, size_t len);
