/*
 * libarchive through dlopen: <archive.h> supplies types and constants only, the functions
 * come from a table resolved on first use (linking libarchive costs ~3 ms per process; see
 * base/dl.h).
 */
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include "base/err.h"

struct archive_api {
	/* reading */
	struct archive *(*read_new)(void);
	int (*read_support_filter_all)(struct archive *a);
	int (*read_support_format_tar)(struct archive *a);
	int (*read_support_format_raw)(struct archive *a);
	int (*read_open_fd)(struct archive *a, int fd, size_t block_size);
	int (*read_open_memory)(struct archive *a, const void *buf, size_t size);
	int (*read_next_header)(struct archive *a, struct archive_entry **entry);
	la_ssize_t (*read_data)(struct archive *a, void *buf, size_t size);
	int (*read_data_skip)(struct archive *a);
	int (*read_free)(struct archive *a);
	int (*filter_code)(struct archive *a, int n);
	/* writing */
	struct archive *(*write_new)(void);
	int (*write_set_format_pax_restricted)(struct archive *a);
	int (*write_set_bytes_in_last_block)(struct archive *a, int n);
	int (*write_open_fd)(struct archive *a, int fd);
	int (*write_open_memory)(struct archive *a, void *buf, size_t size, size_t *used);
	int (*write_header)(struct archive *a, struct archive_entry *e);
	la_ssize_t (*write_data)(struct archive *a, const void *buf, size_t size);
	int (*write_close)(struct archive *a);
	int (*write_free)(struct archive *a);
	/* both */
	const char *(*error_string)(struct archive *a);
	int (*errno_)(struct archive *a);
	/* entries */
	struct archive_entry *(*entry_new)(void);
	void (*entry_free)(struct archive_entry *e);
	const char *(*entry_pathname)(struct archive_entry *e);
	const char *(*entry_symlink)(struct archive_entry *e);
	const char *(*entry_hardlink)(struct archive_entry *e);
	la_int64_t (*entry_size)(struct archive_entry *e);
	int (*entry_size_is_set)(struct archive_entry *e);
	__LA_MODE_T (*entry_filetype)(struct archive_entry *e);
	void (*entry_set_pathname)(struct archive_entry *e, const char *name);
	void (*entry_set_size)(struct archive_entry *e, la_int64_t size);
	void (*entry_set_filetype)(struct archive_entry *e, unsigned int type);
	void (*entry_set_perm)(struct archive_entry *e, __LA_MODE_T perm);
	void (*entry_set_mtime)(struct archive_entry *e, time_t sec, long nsec);
	void (*entry_set_uid)(struct archive_entry *e, la_int64_t uid);
	void (*entry_set_gid)(struct archive_entry *e, la_int64_t gid);
	void (*entry_set_symlink)(struct archive_entry *e, const char *target);
	void (*entry_set_rdevmajor)(struct archive_entry *e, dev_t major);
	void (*entry_set_rdevminor)(struct archive_entry *e, dev_t minor);
};

/* Loads libarchive.so.13 once; ERR_UNAVAILABLE when it or a symbol is missing. */
const struct archive_api *archive_api_get(struct err **errp);

/*
 * Sets *errp from a's last error: "what: libarchive's message" with ERR_INVALID for
 * malformed input and ERR_IO (with errno) when a system call failed. Returns -1.
 */
int archive_api_err(const struct archive_api *la, struct archive *a, struct err **errp,
		    const char *what);
