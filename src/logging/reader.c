/* Reading json-file logs back for `logs`: rotated files in order, --tail, time bounds, follow. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/strv.h"
#include "base/xalloc.h"
#include "logging/jsonfile.h"
#include "base/banned.h"

/* A file that keeps rotating forever is not a reason to loop forever. */
#define MAX_ROTATED 100000
/* A line longer than this is not one of ours; it is skipped. */
#define MAX_ENTRY (1024 * 1024)

struct reader {
	const struct logread_opts *o;
	logread_fn fn;
	void *ctx;
	struct buf rest;	/* bytes after the last newline read */
	bool done;		/* --until passed */
};

/* Where the last *want lines of fd start; lowers *want by the lines the file holds. */
static int
tail_offset(int fd, const char *name, off_t size, int64_t *want, off_t *ret, struct err **errp)
{
	char block[65536];
	off_t end = size;
	bool trailing = true;

	while (end > 0) {
		size_t n = (size_t)(end < (off_t)sizeof(block) ? end : (off_t)sizeof(block));
		off_t start = end - (off_t)n;
		ssize_t got = pread(fd, block, n, start);

		if (got != (ssize_t)n)
			return err_sys(errp, got < 0 ? errno : EIO, "read %s", name);
		for (size_t i = n; i-- > 0;) {
			if (trailing) {
				trailing = false;
				if (block[i] == '\n')
					continue;
			}
			if (block[i] == '\n' && --*want == 0) {
				*ret = start + (off_t)i + 1;
				return 0;
			}
		}
		end = start;
	}
	if (size > 0)
		--*want;
	*ret = 0;
	return 0;
}

static int
emit_line(struct reader *r, const char *line, size_t len, struct err **errp)
{
	struct jsonlog_entry e = { 0 };
	int ret = 0;

	if (r->done || len == 0 || len > MAX_ENTRY || jsonlog_decode(line, len, &e, NULL) < 0)
		return 0;
	if (r->o->until_ns && e.time_ns >= r->o->until_ns)
		r->done = true;
	else if (!r->o->since_ns || e.time_ns >= r->o->since_ns)
		ret = r->fn(&e, r->ctx, errp);
	jsonlog_entry_release(&e);
	return ret;
}

/* Reads fd to its current end, passing each complete line on; a torn tail waits in r->rest. */
static int
read_lines(struct reader *r, int fd, const char *name, struct err **errp)
{
	for (;;) {
		size_t start = 0;
		ssize_t n;

		buf_grow(&r->rest, 65536);
		n = read(fd, r->rest.data + r->rest.len, r->rest.alloc - r->rest.len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_sys(errp, errno, "read %s", name);
		if (n == 0)
			return 0;
		/* buf_setlen only shrinks: the bytes read() put there become part of rest. */
		r->rest.len += (size_t)n;
		r->rest.data[r->rest.len] = '\0';
		for (;;) {
			char *nl = memchr(r->rest.data + start, '\n', r->rest.len - start);

			if (!nl)
				break;
			if (emit_line(r, r->rest.data + start, (size_t)(nl - r->rest.data) - start,
				      errp) < 0)
				return -1;
			start = (size_t)(nl - r->rest.data) + 1;
		}
		if (start) {
			memmove(r->rest.data, r->rest.data + start, r->rest.len - start);
			buf_setlen(&r->rest, r->rest.len - start);
		}
		if (r->rest.len > MAX_ENTRY)
			buf_reset(&r->rest);
	}
}

/* Ends a file: a last line without newline (a crash mid-write) is still tried. */
static int
finish_file(struct reader *r, struct err **errp)
{
	int ret = 0;

	if (r->rest.len)
		ret = emit_line(r, r->rest.data, r->rest.len, errp);
	buf_reset(&r->rest);
	return ret;
}

static bool
same_file(int fd, const char *path)
{
	struct stat a, b;

	if (fstat(fd, &a) < 0 || stat(path, &b) < 0)
		return true;	/* renamed away, new one not there yet: look again later */
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Position of the file open as fd among path.1, path.2, ...: K, or 0 when gone (deleted). */
static int
rotated_index(const char *path, int fd, int *ret_count)
{
	struct stat our;
	int i;

	*ret_count = 0;
	if (fstat(fd, &our) < 0)
		return 0;
	for (i = 1; i < MAX_ROTATED; i++) {
		_cleanup_free_ char *p = xasprintf("%s.%d", path, i);
		struct stat st;

		if (stat(p, &st) < 0)
			break;
		if (st.st_dev == our.st_dev && st.st_ino == our.st_ino) {
			*ret_count = i;
			return i;
		}
	}
	*ret_count = i - 1;
	return 0;
}

/*
 * After a rotation the writer may have rotated more than once since we last looked: the
 * file we read (cur) is now path.K, and path.K-1 ... path.1 and path hold what came after
 * it (all rotated files when ours was deleted: they are all newer). The writer may still be
 * renaming, so the files are opened first and the names checked again afterwards. Reads the
 * rotated ones and returns an fd of the current file (-1 if there is none yet).
 */
static int
catch_up(struct reader *r, const char *path, int cur, int *ret_next, struct err **errp)
{
	for (int attempt = 0; attempt < 100; attempt++) {
		int count, count2;
		int k = rotated_index(path, cur, &count);
		int n = k ? k - 1 : count;
		_cleanup_free_ int *fds = xnew(int, (size_t)n + 1);
		int next = open(path, O_RDONLY | O_CLOEXEC);
		bool stable;

		for (int i = 1; i <= n; i++) {
			_cleanup_free_ char *p = xasprintf("%s.%d", path, i);

			fds[i] = open(p, O_RDONLY | O_CLOEXEC);
		}
		stable = rotated_index(path, cur, &count2) == k && (next < 0 || same_file(next, path));
		for (int i = 1; stable && i <= n; i++) {
			_cleanup_free_ char *p = xasprintf("%s.%d", path, i);

			stable = fds[i] >= 0 && same_file(fds[i], p);
		}
		if (stable) {
			int ret = 0;

			for (int i = n; i >= 1 && ret == 0; i--)
				if (read_lines(r, fds[i], path, errp) < 0 || finish_file(r, errp) < 0)
					ret = -1;
			for (int i = 1; i <= n; i++)
				close(fds[i]);
			if (ret < 0) {
				if (next >= 0)
					close(next);
				return -1;
			}
			*ret_next = next;
			return 0;
		}
		for (int i = 1; i <= n; i++)
			if (fds[i] >= 0)
				close(fds[i]);
		if (next >= 0)
			close(next);
		poll(NULL, 0, 1);
	}
	*ret_next = -1;
	return 0;
}

static int
follow(struct reader *r, const char *path, int fd, struct err **errp)
{
	int interval = r->o->poll_ms > 0 ? r->o->poll_ms : 100;
	_cleanup_close_ int cur = fd;

	for (;;) {
		bool active = r->o->active && r->o->active(r->o->active_ctx);

		if (cur < 0)
			cur = open(path, O_RDONLY | O_CLOEXEC);
		if (cur >= 0) {
			struct stat st;

			/* max-file=1 rotates by truncating in place. */
			if (fstat(cur, &st) == 0 && st.st_size < lseek(cur, 0, SEEK_CUR)) {
				lseek(cur, 0, SEEK_SET);
				buf_reset(&r->rest);
			}
			if (read_lines(r, cur, path, errp) < 0)
				return -1;
			if (!same_file(cur, path)) {
				int next = -1;

				/* Rotated: the rest of ours, the files in between, then the new one. */
				if (read_lines(r, cur, path, errp) < 0 || finish_file(r, errp) < 0 ||
				    catch_up(r, path, cur, &next, errp) < 0)
					return -1;
				close(cur);
				cur = next;
				continue;
			}
		}
		if (!active || r->done)
			return finish_file(r, errp);
		poll(NULL, 0, interval);
	}
}

int
logread(const char *path, const struct logread_opts *o, logread_fn fn, void *ctx,
	struct err **errp)
{
	_cleanup_strv_ struct strv files = STRV_INIT;
	struct reader r = { o, fn, ctx, BUF_INIT, false };
	size_t first = 0;
	off_t first_off = 0;
	int last_fd = -1;
	int ret = 0;
	int n = 1;

	/* Oldest first: path.N ... path.1, then path itself. */
	while (n < MAX_ROTATED) {
		_cleanup_free_ char *p = xasprintf("%s.%d", path, n);

		if (access(p, F_OK) < 0)
			break;
		n++;
	}
	for (int i = n - 1; i >= 1; i--)
		strv_pushf(&files, "%s.%d", path, i);
	strv_push(&files, path);

	if (o->tail >= 0) {
		int64_t want = o->tail;

		first = files.n;
		first_off = 0;
		for (size_t i = files.n; want > 0 && i-- > 0;) {
			_cleanup_close_ int fd = open(files.v[i], O_RDONLY | O_CLOEXEC);
			struct stat st;

			if (fd < 0 || fstat(fd, &st) < 0)
				continue;
			if (tail_offset(fd, files.v[i], st.st_size, &want, &first_off, errp) < 0)
				return -1;
			first = i;
		}
		if (first == files.n) {
			/* --tail 0: nothing old; follow starts at the current end. */
			first = files.n - 1;
			first_off = -1;
		}
	}
	for (size_t i = first; i < files.n && ret == 0; i++) {
		int fd = open(files.v[i], O_RDONLY | O_CLOEXEC);

		if (fd < 0) {
			if (errno != ENOENT)
				ret = err_sys(errp, errno, "open %s", files.v[i]);
			continue;
		}
		if (i == first && first_off)
			lseek(fd, first_off < 0 ? 0 : first_off, first_off < 0 ? SEEK_END : SEEK_SET);
		if (read_lines(&r, fd, files.v[i], errp) < 0) {
			ret = -1;
		} else if (i + 1 == files.n && o->follow) {
			last_fd = fd;
			break;
		}
		if (ret == 0)
			ret = finish_file(&r, errp);
		close(fd);
	}
	if (ret == 0 && o->follow && !r.done)
		ret = follow(&r, path, last_fd, errp);
	else if (last_fd >= 0)
		close(last_fd);
	buf_release(&r.rest);
	return ret;
}
