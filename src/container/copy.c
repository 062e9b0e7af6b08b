/* cp and export: resolution inside a container root, fd-based tree copies, tar out and in. */
#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/fs.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "container/copy.h"
#include "ctd/tasks.h"
#include "image/archive_api.h"
#include "image/extract.h"
#include "base/banned.h"

#define LINK_MAX_LEN 4096

int
cp_resolve(const struct cp_side *s, const char *path, bool follow, int *ret_fd,
	   struct err **errp)
{
	struct open_how how = {
		.flags = (uint64_t)(O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW)),
		.resolve = s->root >= 0 ? RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS : 0,
	};
	long fd;

	do
		fd = syscall(SYS_openat2, s->root >= 0 ? s->root : AT_FDCWD, *path ? path : ".",
			     &how, sizeof(how));
	while (fd < 0 && (errno == EINTR || errno == EAGAIN));
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return err_set(errp, ERR_NOT_FOUND, "%s: no such file or directory", path);
		return err_sys(errp, errno, "open %s", path);
	}
	*ret_fd = (int)fd;
	return 0;
}

void
cp_plan_release(struct cp_plan *p)
{
	free(p->dst_dir);
	free(p->dst_name);
	p->dst_dir = p->dst_name = NULL;
}

/* path without trailing slashes (new string), and its last "/" or NULL. */
static char *
trim_path(const char *path, char **ret_slash)
{
	char *t = xstrdup(path);
	size_t n = strlen(t);

	while (n > 1 && t[n - 1] == '/')
		t[--n] = '\0';
	*ret_slash = strrchr(t, '/');
	return t;
}

static char *
base_name(const char *path)
{
	char *slash;
	_cleanup_free_ char *t = trim_path(path, &slash);

	return xstrdup(slash && slash[1] ? slash + 1 : t);
}

static char *
dir_name(const char *path)
{
	char *slash;
	_cleanup_free_ char *t = trim_path(path, &slash);

	if (!slash)
		return xstrdup(".");
	if (slash == t)
		return xstrdup("/");
	*slash = '\0';
	return xstrdup(t);
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

int
cp_plan_make(const char *src_path, bool src_is_dir, const char *dst_path, bool dst_exists,
	     bool dst_is_dir, struct cp_plan *ret, struct err **errp)
{
	bool contents = src_is_dir && (ends_with(src_path, "/.") || !strcmp(src_path, "."));

	*ret = (struct cp_plan){ 0 };
	if (dst_exists && dst_is_dir) {
		ret->dst_dir = xstrdup(dst_path);
		ret->dst_name = contents ? NULL : base_name(src_path);
		if (ret->dst_name && (!strcmp(ret->dst_name, "/") || !strcmp(ret->dst_name, "."))) {
			free(ret->dst_name);
			ret->dst_name = NULL;
		}
		return 0;
	}
	if (dst_exists && src_is_dir)
		return err_set(errp, ERR_INVALID, "cannot copy a directory to a file");
	if (!dst_exists && ends_with(dst_path, "/") && !src_is_dir)
		return err_set(errp, ERR_INVALID, "destination directory %s does not exist",
			       dst_path);
	ret->dst_dir = dir_name(dst_path);
	ret->dst_name = base_name(dst_path);
	return 0;
}

/* ---- tree copy ------------------------------------------------------------------------- */

/* A readable fd for an O_PATH fd (through its /proc/self/fd link: never a path lookup). */
static int
reopen(int fd, int flags)
{
	char p[64];

	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	return open(p, flags | O_CLOEXEC);
}

static int
copy_data(int in, int out, const char *name, struct err **errp)
{
	char buf[65536];

	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_sys(errp, errno, "read %s", name);
		if (n == 0)
			return 0;
		if (fs_write_all(out, buf, (size_t)n) < 0)
			return err_sys(errp, errno, "write %s", name);
	}
}

/* Removes what is at dir/name unless it is a directory (a directory is merged into). */
static int
make_room(int dir, const char *name, bool *ret_is_dir, struct err **errp)
{
	struct stat st;

	*ret_is_dir = false;
	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : err_sys(errp, errno, "stat %s", name);
	if (S_ISDIR(st.st_mode)) {
		*ret_is_dir = true;
		return 0;
	}
	if (unlinkat(dir, name, 0) < 0)
		return err_sys(errp, errno, "remove %s", name);
	return 0;
}

static int copy_node(int src, const struct stat *st, int dst_dir, const char *name,
		     bool archive, struct err **errp);

static int
copy_children(int src_dir, int dst_dir, bool archive, struct err **errp)
{
	int lfd = reopen(src_dir, O_RDONLY | O_DIRECTORY);
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (lfd < 0)
		return err_sys(errp, errno, "open directory");
	d = fdopendir(lfd);
	if (!d) {
		close(lfd);
		return err_sys(errp, errno, "open directory");
	}
	while (rc == 0 && (de = readdir(d))) {
		struct stat st;
		int c;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		c = openat(src_dir, de->d_name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (c < 0 || fstatat(c, "", &st, AT_EMPTY_PATH) < 0) {
			rc = err_sys(errp, errno, "open %s", de->d_name);
		} else {
			rc = copy_node(c, &st, dst_dir, de->d_name, archive, errp);
		}
		if (c >= 0)
			close(c);
	}
	closedir(d);
	return rc;
}

static int
copy_node(int src, const struct stat *st, int dst_dir, const char *name, bool archive,
	  struct err **errp)
{
	struct timespec times[2] = { st->st_atim, st->st_mtim };
	bool is_dir;
	int rc = 0;

	if (make_room(dst_dir, name, &is_dir, errp) < 0)
		return -1;
	if (S_ISDIR(st->st_mode)) {
		int d;

		if (!is_dir && mkdirat(dst_dir, name, 0700) < 0)
			return err_sys(errp, errno, "mkdir %s", name);
		d = openat(dst_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (d < 0)
			return err_sys(errp, errno, "open %s", name);
		rc = copy_children(src, d, archive, errp);
		if (rc == 0) {
			fchmod(d, st->st_mode & 07777);
			futimens(d, times);
		}
		close(d);
		if (rc < 0)
			return -1;
	} else if (is_dir) {
		return err_set(errp, ERR_INVALID, "cannot overwrite directory %s with non-directory",
			       name);
	} else if (S_ISREG(st->st_mode)) {
		int in = reopen(src, O_RDONLY), out;

		if (in < 0)
			return err_sys(errp, errno, "open %s", name);
		out = openat(dst_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			     0600);
		if (out < 0) {
			close(in);
			return err_sys(errp, errno, "create %s", name);
		}
		rc = copy_data(in, out, name, errp);
		if (rc == 0) {
			fchmod(out, st->st_mode & 07777);
			futimens(out, times);
		}
		close(in);
		close(out);
		if (rc < 0)
			return -1;
	} else if (S_ISLNK(st->st_mode)) {
		char target[LINK_MAX_LEN + 1];
		ssize_t n = readlinkat(src, "", target, LINK_MAX_LEN);

		if (n < 0)
			return err_sys(errp, errno, "readlink %s", name);
		target[n] = '\0';
		if (symlinkat(target, dst_dir, name) < 0)
			return err_sys(errp, errno, "symlink %s", name);
		utimensat(dst_dir, name, times, AT_SYMLINK_NOFOLLOW);
	} else {
		if (mknodat(dst_dir, name, st->st_mode, st->st_rdev) < 0)
			return err_sys(errp, errno, "mknod %s", name);
	}
	if (archive && fchownat(dst_dir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return err_sys(errp, errno, "chown %s", name);
	return 0;
}

int
cp_copy(int src_fd, int dst_dir, const char *dst_name, bool archive, struct err **errp)
{
	struct stat st;

	if (fstatat(src_fd, "", &st, AT_EMPTY_PATH) < 0)
		return err_sys(errp, errno, "stat");
	if (!dst_name) {
		if (!S_ISDIR(st.st_mode))
			return err_set(errp, ERR_INVALID, "source is not a directory");
		return copy_children(src_fd, dst_dir, archive, errp);
	}
	return copy_node(src_fd, &st, dst_dir, dst_name, archive, errp);
}

/* ---- tar ------------------------------------------------------------------------------- */

struct tar_out {
	const struct archive_api *la;
	struct archive *a;
	struct archive_entry *e;
};

static int tar_node(struct tar_out *t, int fd, const char *name, struct err **errp);

static int
tar_children(struct tar_out *t, int dir, const char *prefix, struct err **errp)
{
	int lfd = reopen(dir, O_RDONLY | O_DIRECTORY);
	_cleanup_strv_ struct strv names = STRV_INIT;
	struct dirent *de;
	DIR *d;

	if (lfd < 0)
		return err_sys(errp, errno, "open %s", prefix);
	d = fdopendir(lfd);
	if (!d) {
		close(lfd);
		return err_sys(errp, errno, "open %s", prefix);
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			strv_push(&names, de->d_name);
	closedir(d);
	for (size_t i = 0; i < names.n; i++) {
		_cleanup_free_ char *n = xasprintf("%s%s%s", prefix, *prefix ? "/" : "",
						   names.v[i]);
		int c = openat(dir, names.v[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);
		int rc;

		if (c < 0)
			return err_sys(errp, errno, "open %s", n);
		rc = tar_node(t, c, n, errp);
		close(c);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int
tar_node(struct tar_out *t, int fd, const char *name, struct err **errp)
{
	const struct archive_api *la = t->la;
	struct stat st;
	char target[LINK_MAX_LEN + 1];
	_cleanup_free_ char *dname = NULL;
	int in = -1, rc = 0;

	if (fstatat(fd, "", &st, AT_EMPTY_PATH) < 0)
		return err_sys(errp, errno, "stat %s", name);
	if (*name) {
		t->e = la->entry_new();
		dname = S_ISDIR(st.st_mode) ? xasprintf("%s/", name) : xstrdup(name);
		la->entry_set_pathname(t->e, dname);
		la->entry_set_filetype(t->e, st.st_mode & S_IFMT);
		la->entry_set_perm(t->e, st.st_mode & 07777);
		la->entry_set_uid(t->e, st.st_uid);
		la->entry_set_gid(t->e, st.st_gid);
		la->entry_set_mtime(t->e, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
		la->entry_set_size(t->e, S_ISREG(st.st_mode) ? st.st_size : 0);
		if (S_ISLNK(st.st_mode)) {
			ssize_t n = readlinkat(fd, "", target, LINK_MAX_LEN);

			if (n < 0) {
				rc = err_sys(errp, errno, "readlink %s", name);
				goto out;
			}
			target[n] = '\0';
			la->entry_set_symlink(t->e, target);
		}
		if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
			la->entry_set_rdevmajor(t->e, major(st.st_rdev));
			la->entry_set_rdevminor(t->e, minor(st.st_rdev));
		}
		if (la->write_header(t->a, t->e) < ARCHIVE_OK) {
			rc = archive_api_err(la, t->a, errp, "write tar");
			goto out;
		}
		if (S_ISREG(st.st_mode)) {
			char buf[65536];
			int64_t left = st.st_size;

			in = reopen(fd, O_RDONLY);
			if (in < 0) {
				rc = err_sys(errp, errno, "open %s", name);
				goto out;
			}
			while (left > 0) {
				ssize_t n = read(in, buf, sizeof(buf));

				if (n < 0 && errno == EINTR)
					continue;
				if (n <= 0) {
					rc = err_set(errp, ERR_IO, "read %s: file shrank", name);
					goto out;
				}
				if (n > left)
					n = (ssize_t)left;
				if (la->write_data(t->a, buf, (size_t)n) < 0) {
					rc = archive_api_err(la, t->a, errp, "write tar");
					goto out;
				}
				left -= n;
			}
		}
		la->entry_free(t->e);
		t->e = NULL;
	}
	if (S_ISDIR(st.st_mode))
		rc = tar_children(t, fd, name, errp);
out:
	if (in >= 0)
		close(in);
	if (t->e) {
		la->entry_free(t->e);
		t->e = NULL;
	}
	return rc;
}

int
cp_tar_out(int src_fd, const char *name, int out_fd, struct err **errp)
{
	struct tar_out t = { 0 };
	int rc;

	t.la = archive_api_get(errp);
	if (!t.la)
		return -1;
	t.a = t.la->write_new();
	if (t.la->write_set_format_pax_restricted(t.a) < ARCHIVE_OK ||
	    t.la->write_set_bytes_in_last_block(t.a, 1) < ARCHIVE_OK ||
	    t.la->write_open_fd(t.a, out_fd) < ARCHIVE_OK) {
		rc = archive_api_err(t.la, t.a, errp, "write tar");
		t.la->write_free(t.a);
		return rc;
	}
	rc = tar_node(&t, src_fd, name, errp);
	if (t.la->write_close(t.a) < ARCHIVE_OK && rc == 0)
		rc = archive_api_err(t.la, t.a, errp, "write tar");
	t.la->write_free(t.a);
	return rc;
}

int
cp_tar_in(int in_fd, int dir, struct err **errp)
{
	_cleanup_(layer_x_freep) struct layer_x *x = NULL;
	char path[64], diff_id[DIGEST_STR_SIZE];
	char buf[65536];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", dir);
	if (layer_x_new(path, LAYER_COMP_NONE, EXTRACT_WH_DELETE, &x, errp) < 0)
		return -1;
	for (;;) {
		ssize_t n = read(in_fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_sys(errp, errno, "read the tar stream");
		if (n == 0)
			break;
		if (layer_x_feed(x, buf, (size_t)n, errp) < 0)
			return -1;
	}
	return layer_x_finish(x, diff_id, errp);
}

/* ---- snapshot mounts ------------------------------------------------------------------- */

int
cp_mount(const CtdMounts *m, bool read_only, char **ret_dir, struct err **errp)
{
	_cleanup_free_ char *dir = xstrdup("/tmp/nerdc-mnt-XXXXXX");
	_cleanup_buf_ struct buf opts = BUF_INIT;
	_cleanup_free_ char *upper = NULL;
	const CtdMount *mt;
	int r;

	if (m->n_mounts != 1)
		return err_set(errp, ERR_UNIMPLEMENTED,
			       "mounting %zu snapshot mounts: not implemented yet", m->n_mounts);
	mt = m->mounts[0];
	if (!mkdtemp(dir))
		return err_sys(errp, errno, "mkdtemp");
	if (!strcmp(mt->type, "bind") || !strcmp(mt->type, "rbind")) {
		r = mount(mt->source, dir, NULL, MS_BIND | MS_REC, NULL);
		if (r == 0 && read_only)
			r = mount(NULL, dir, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL);
	} else if (!strcmp(mt->type, "overlay")) {
		const char *lower = NULL;

		for (size_t i = 0; i < mt->n_options; i++) {
			const char *o = mt->options[i];

			if (read_only && !strncmp(o, "upperdir=", 9)) {
				upper = xstrdup(o + 9);
				continue;
			}
			if (read_only && !strncmp(o, "workdir=", 8))
				continue;
			if (read_only && !strncmp(o, "lowerdir=", 9)) {
				lower = o + 9;
				continue;
			}
			buf_addf(&opts, "%s%s", opts.len ? "," : "", o);
		}
		if (read_only)
			buf_addf(&opts, "%slowerdir=%s%s%s", opts.len ? "," : "",
				   upper ? upper : "", upper && lower ? ":" : "", lower ? lower : "");
		r = mount("overlay", dir, "overlay", read_only ? MS_RDONLY : 0, opts.data);
	} else {
		rmdir(dir);
		return err_set(errp, ERR_UNIMPLEMENTED, "mounting a %s snapshot: not implemented yet",
			       mt->type);
	}
	if (r < 0) {
		int e = errno;

		rmdir(dir);
		return err_sys(errp, e, "mount the container's snapshot");
	}
	*ret_dir = TAKE_PTR(dir);
	return 0;
}

void
cp_unmount(char *dir)
{
	if (!dir)
		return;
	umount2(dir, MNT_DETACH);
	rmdir(dir);
	free(dir);
}

int
cp_root_open(struct ctd *c, const CtdContainer *r, bool snapshot_only, bool read_only,
	     struct cp_root *ret, struct err **errp)
{
	_cleanup_(ctd_msg_freep) CtdProcess *task = NULL;
	_cleanup_(ctd_msg_freep) CtdMounts *m = NULL;
	_cleanup_err_ struct err *e = NULL;
	_cleanup_free_ char *path = NULL;

	*ret = (struct cp_root)CP_ROOT_INIT;
	if (!snapshot_only && ctd_tasks_get(c, r->id, NULL, &task, &e) == 0 && task->pid &&
	    (task->status == CONTAINERD__V1__TYPES__STATUS__RUNNING ||
	     task->status == CONTAINERD__V1__TYPES__STATUS__PAUSED)) {
		path = xasprintf("/proc/%u/root", task->pid);
	} else {
		if (!r->snapshot_key || !*r->snapshot_key)
			return err_set(errp, ERR_PRECONDITION, "container %s has no snapshot",
				       r->id);
		if (ctd_snapshots_mounts(c, r->snapshotter, r->snapshot_key, &m, errp) < 0 ||
		    cp_mount(m, read_only, &ret->mount_dir, errp) < 0)
			return -1;
		path = xstrdup(ret->mount_dir);
	}
	ret->fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (ret->fd < 0) {
		int en = errno;

		cp_root_close(ret);
		return err_sys(errp, en, "open the root of container %s", r->id);
	}
	return 0;
}

void
cp_root_close(struct cp_root *root)
{
	if (root->fd >= 0)
		close(root->fd);
	root->fd = -1;
	cp_unmount(root->mount_dir);
	root->mount_dir = NULL;
}
