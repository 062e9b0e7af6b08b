/* File helpers used by every layer that keeps state on disk. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h"
#include "xalloc.h"
#include "banned.h"

int
fs_read_fd(int fd, const char *name, size_t max, struct buf *out, struct err **errp)
{
	size_t start = out->len;

	for (;;) {
		ssize_t n;

		buf_grow(out, 8192);
		n = read(fd, out->data + out->len, out->alloc - out->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return err_sys(errp, errno, "read %s", name);
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->data[out->len] = '\0';
		if (out->len - start > max)
			return err_set(errp, ERR_RESOURCE, "%s: larger than %zu bytes", name, max);
	}
	return 0;
}

int
fs_read_file(const char *path, size_t max, struct buf *out, struct err **errp)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return err_sys(errp, errno, "open %s", path);
	return fs_read_fd(fd, path, max, out, errp);
}

int
fs_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
write_replace(const char *path, const void *data, size_t len, mode_t mode, bool sync,
	      struct err **errp)
{
	_cleanup_free_ char *tmp = xasprintf("%s.tmp.XXXXXX", path);
	_cleanup_close_ int fd = mkostemp(tmp, O_CLOEXEC);

	if (fd < 0)
		return err_sys(errp, errno, "create %s", tmp);
	if (fchmod(fd, mode) < 0 || fs_write_all(fd, data, len) < 0 || (sync && fsync(fd) < 0)) {
		int e = errno;
		unlink(tmp);
		return err_sys(errp, e, "write %s", path);
	}
	if (rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		return err_sys(errp, e, "rename %s", path);
	}
	return 0;
}

int
fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode, struct err **errp)
{
	return write_replace(path, data, len, mode, true, errp);
}

int
fs_write_replace(const char *path, const void *data, size_t len, mode_t mode, struct err **errp)
{
	return write_replace(path, data, len, mode, false, errp);
}

int
fs_mkdir_p(const char *path, mode_t mode, struct err **errp)
{
	_cleanup_free_ char *p = NULL;
	struct stat st;

	/* Mostly only the last component is new (or none is): one mkdir then. */
	if (mkdir(path, mode) == 0 || errno == EEXIST)
		goto check;
	if (errno != ENOENT)
		return err_sys(errp, errno, "mkdir %s", path);
	p = xstrdup(path);
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			return err_sys(errp, errno, "mkdir %s", p);
		*s = c;
		if (!c)
			break;
	}
check:
	if (stat(path, &st) < 0)
		return err_sys(errp, errno, "stat %s", path);
	if (!S_ISDIR(st.st_mode))
		return err_set(errp, ERR_EXISTS, "%s exists and is not a directory", path);
	return 0;
}
