/* The dlopen'ed libarchive function table. */
#include <errno.h>
#include <pthread.h>

#include "base/dl.h"
#include "image/archive_api.h"
#include "base/banned.h"

static struct archive_api api;
static struct dl_lib lib = { .soname = "libarchive.so.13" };
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

const struct archive_api *
archive_api_get(struct err **errp)
{
	const struct dl_sym syms[] = {
		{ "archive_read_new", (void **)&api.read_new },
		{ "archive_read_support_filter_all", (void **)&api.read_support_filter_all },
		{ "archive_read_support_format_tar", (void **)&api.read_support_format_tar },
		{ "archive_read_support_format_raw", (void **)&api.read_support_format_raw },
		{ "archive_read_open_fd", (void **)&api.read_open_fd },
		{ "archive_read_open_memory", (void **)&api.read_open_memory },
		{ "archive_read_next_header", (void **)&api.read_next_header },
		{ "archive_read_data", (void **)&api.read_data },
		{ "archive_read_data_skip", (void **)&api.read_data_skip },
		{ "archive_read_free", (void **)&api.read_free },
		{ "archive_filter_code", (void **)&api.filter_code },
		{ "archive_write_new", (void **)&api.write_new },
		{ "archive_write_set_format_pax_restricted",
		  (void **)&api.write_set_format_pax_restricted },
		{ "archive_write_set_bytes_in_last_block",
		  (void **)&api.write_set_bytes_in_last_block },
		{ "archive_write_open_fd", (void **)&api.write_open_fd },
		{ "archive_write_open_memory", (void **)&api.write_open_memory },
		{ "archive_write_header", (void **)&api.write_header },
		{ "archive_write_data", (void **)&api.write_data },
		{ "archive_write_close", (void **)&api.write_close },
		{ "archive_write_free", (void **)&api.write_free },
		{ "archive_error_string", (void **)&api.error_string },
		{ "archive_errno", (void **)&api.errno_ },
		{ "archive_entry_new", (void **)&api.entry_new },
		{ "archive_entry_free", (void **)&api.entry_free },
		{ "archive_entry_pathname", (void **)&api.entry_pathname },
		{ "archive_entry_symlink", (void **)&api.entry_symlink },
		{ "archive_entry_hardlink", (void **)&api.entry_hardlink },
		{ "archive_entry_size", (void **)&api.entry_size },
		{ "archive_entry_size_is_set", (void **)&api.entry_size_is_set },
		{ "archive_entry_filetype", (void **)&api.entry_filetype },
		{ "archive_entry_set_pathname", (void **)&api.entry_set_pathname },
		{ "archive_entry_set_size", (void **)&api.entry_set_size },
		{ "archive_entry_set_filetype", (void **)&api.entry_set_filetype },
		{ "archive_entry_set_perm", (void **)&api.entry_set_perm },
		{ "archive_entry_set_mtime", (void **)&api.entry_set_mtime },
		{ "archive_entry_set_uid", (void **)&api.entry_set_uid },
		{ "archive_entry_set_gid", (void **)&api.entry_set_gid },
		{ "archive_entry_set_symlink", (void **)&api.entry_set_symlink },
		{ "archive_entry_set_rdevmajor", (void **)&api.entry_set_rdevmajor },
		{ "archive_entry_set_rdevminor", (void **)&api.entry_set_rdevminor },
	};
	int r;

	pthread_mutex_lock(&lock);
	r = dl_load(&lib, syms, ARRAY_SIZE(syms), errp);
	pthread_mutex_unlock(&lock);
	return r < 0 ? NULL : &api;
}

int
archive_api_err(const struct archive_api *la, struct archive *a, struct err **errp,
		const char *what)
{
	const char *msg = la->error_string(a);
	int e = la->errno_(a);

	if (!msg)
		msg = "unknown error";
	/*
	 * On Linux libarchive reports malformed input as EILSEQ (its ARCHIVE_ERRNO_FILE_FORMAT),
	 * misuse as EINVAL and anything else unclassified as -1; other codes are real errnos.
	 */
	if (e > 0 && e != EILSEQ && e != EINVAL)
		return err_set(errp, ERR_IO, "%s: %s", what, msg);
	return err_set(errp, ERR_INVALID, "%s: %s", what, msg);
}
