/* Layer extraction: inflate, hash and untar in one pass, writing only inside the root. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <zlib.h>

#include "image/extract.h"
#include "image/tarstream.h"
#include "base/fs.h"
#include "base/xalloc.h"
#include "base/banned.h"

/* Inflated bytes per round: large, so the tar reader and the hash see big pieces. */
#define INFLATE_CHUNK (256u << 10)
#define OPAQUE_XATTR "trusted.overlay.opaque"
#define WH_PREFIX ".wh."
#define WH_META_PREFIX ".wh..wh."
#define WH_OPAQUE ".wh..wh..opq"
/* Chunks queued for a pipeline stage (each up to what one push brings). */
#define QUEUE_CAP 8

struct dir_time {
	char *path;
	struct timespec ts[2];
};

/* Metadata applied when a regular file's data is complete. */
struct pending_file {
	int fd;			/* -1: no file open (data skipped) */
	char *path;
	uint32_t mode;
	uid_t uid;
	gid_t gid;
	struct timespec ts[2];
	struct tar_xattr *xattrs;
	size_t n_xattrs;
};

struct layer_x;

/* A pipeline stage: a thread that hands queued chunks to fn. */
struct stage {
	int (*fn)(struct layer_x *x, const void *p, size_t n, struct err **errp);
	struct layer_x *x;
	bool running;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct buf queue[QUEUE_CAP];
	size_t head, len;
	bool eof, stop;
	struct err *err;	/* the thread's failure */
};

struct layer_x {
	int root;
	enum extract_whiteouts wh;
	bool gzip;
	bool gz_started;	/* inflate initialised */
	enum { GZ_HEADER, GZ_BODY, GZ_TRAILER } gz;
	struct buf gz_hdr;	/* a member header so far */
	unsigned char gz_trailer[8];
	size_t gz_trailer_have;
	bool gz_any;		/* a member ended */
	z_stream z;
	unsigned char *out;
	struct digester *dig;
	struct tar_stream *tar;
	/* The last parent directory opened, by relative path ("" is root itself). */
	char *pcache_path;
	int pcache_fd;
	struct pending_file cur;
	struct dir_time *dirs;
	size_t n_dirs, alloc_dirs;
	struct strv implicit;
	/*
	 * With layer_x_start_thread, two threads: compressed bytes are queued for the inflater,
	 * which queues what it inflates for the one that hashes and writes the files.
	 */
	struct stage inflater;
	struct stage writer;
};

static int stop_threads(struct layer_x *x, bool stop, struct err **errp);
static int stage_push(struct stage *st, const void *p, size_t n, struct err **errp);

int
layer_comp_of(const char *media_type)
{
	static const char *const gz[] = {
		"application/vnd.oci.image.layer.v1.tar+gzip",
		"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
		"application/vnd.docker.image.rootfs.diff.tar.gzip",
		"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
	};
	static const char *const plain[] = {
		"application/vnd.oci.image.layer.v1.tar",
		"application/vnd.oci.image.layer.nondistributable.v1.tar",
		"application/vnd.docker.image.rootfs.diff.tar",
	};

	for (size_t i = 0; i < ARRAY_SIZE(gz); i++)
		if (!strcmp(media_type, gz[i]))
			return LAYER_COMP_GZIP;
	for (size_t i = 0; i < ARRAY_SIZE(plain); i++)
		if (!strcmp(media_type, plain[i]))
			return LAYER_COMP_NONE;
	return -1;
}

/*
 * A system call failed: errors that say "not allowed or not supported here" (a user
 * namespace, a filesystem without xattrs) become ERR_UNIMPLEMENTED so the caller can let
 * containerd's applier try; the rest ERR_IO.
 */
static int
sys_fail(struct err **errp, int e, const char *what, const char *path)
{
	if (e == EPERM || e == ENOTSUP || e == EOPNOTSUPP)
		return err_set(errp, ERR_UNIMPLEMENTED, "%s %s: %s", what, path, strerror(e));
	return err_sys(errp, e, "%s %s", what, path);
}

static int
openat2_in_root(int root, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	long fd;

	do
		fd = syscall(SYS_openat2, root, *path ? path : ".", &how, sizeof(how));
	while (fd < 0 && (errno == EINTR || errno == EAGAIN));
	return (int)fd;
}

/*
 * Cleans an entry name into parts: leading "/" and "." components dropped. ".." is refused
 * outright (containerd would confine it; Docker refuses it; no honest layer has one).
 */
static int
split_path(const char *name, struct strv *parts, struct err **errp)
{
	const char *p = name;

	if (strlen(name) >= PATH_MAX)
		return err_set(errp, ERR_INVALID, "tar entry name too long: %.64s...", name);
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return err_set(errp, ERR_INVALID, "tar entry %s: \"..\" would leave the root",
				       name);
		if (n && !(n == 1 && p[0] == '.'))
			strv_push_take(parts, xstrndup(p, n));
		p += n + (slash ? 1 : 0);
	}
	return 0;
}

/* "a/b" from parts[0..n). */
static char *
join_parts(char *const *parts, size_t n)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_addch(&b, '/');
		buf_adds(&b, parts[i]);
	}
	return buf_detach(&b, NULL);
}

static void
pcache_drop(struct layer_x *x)
{
	if (x->pcache_fd >= 0 && x->pcache_fd != x->root)
		close(x->pcache_fd);
	x->pcache_fd = -1;
	free(x->pcache_path);
	x->pcache_path = NULL;
}

/* Creates the missing directories of rel (mkdir -p inside the root), recording them. */
static int
make_parents(struct layer_x *x, const char *rel, struct err **errp)
{
	_cleanup_strv_ struct strv parts = STRV_INIT;
	_cleanup_close_ int prev = -1;

	strv_split(&parts, rel, '/');
	for (size_t i = 0; i < parts.n; i++) {
		_cleanup_free_ char *prefix = join_parts(parts.v, i + 1);
		int fd = openat2_in_root(x->root, prefix, O_PATH | O_DIRECTORY);

		if (fd < 0 && errno == ENOENT) {
			if (mkdirat(prev >= 0 ? prev : x->root, parts.v[i], 0755) < 0)
				return err_sys(errp, errno, "mkdir %s", prefix);
			strv_push(&x->implicit, prefix);
			fd = openat2_in_root(x->root, prefix, O_PATH | O_DIRECTORY);
		}
		if (fd < 0)
			return err_sys(errp, errno, "open %s", prefix);
		if (prev >= 0)
			close(prev);
		prev = fd;
	}
	return 0;
}

/* The parent directory rel of the next entry, opened (created if missing) inside the root. */
static int
get_parent(struct layer_x *x, const char *rel, struct err **errp)
{
	int fd;

	if (x->pcache_path && !strcmp(x->pcache_path, rel))
		return x->pcache_fd;
	pcache_drop(x);
	if (!*rel) {
		fd = x->root;
	} else {
		fd = openat2_in_root(x->root, rel, O_RDONLY | O_DIRECTORY);
		if (fd < 0 && errno == ENOENT) {
			if (make_parents(x, rel, errp) < 0)
				return -1;
			fd = openat2_in_root(x->root, rel, O_RDONLY | O_DIRECTORY);
		}
		if (fd < 0)
			return err_sys(errp, errno, "open directory %s", rel);
	}
	x->pcache_path = xstrdup(rel);
	x->pcache_fd = fd;
	return fd;
}

/* rm -rf of name in parent_fd, never following a symlink. */
static int
remove_tree(int parent_fd, const char *name, const char *what, struct err **errp)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	int fd;

	if (fstatat(parent_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : err_sys(errp, errno, "stat %s", what);
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(parent_fd, name, 0) < 0 && errno != ENOENT)
			return err_sys(errp, errno, "remove %s", what);
		return 0;
	}
	fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return err_sys(errp, errno, "open %s", what);
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return err_sys(errp, errno, "open %s", what);
	}
	while ((errno = 0, de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (remove_tree(dirfd(d), de->d_name, what, errp) < 0) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	if (unlinkat(parent_fd, name, AT_REMOVEDIR) < 0)
		return err_sys(errp, errno, "remove %s", what);
	return 0;
}

static int
set_xattrs_fd(int fd, const struct tar_entry *e, const char *path, struct err **errp)
{
	for (size_t i = 0; i < e->n_xattrs; i++)
		if (fsetxattr(fd, e->xattrs[i].name, e->xattrs[i].value, e->xattrs[i].len, 0) < 0)
			return sys_fail(errp, errno, "set xattr on", path);
	return 0;
}

/* chown, then chmod (chown clears setuid), through an open descriptor. */
static int
set_owner_mode_fd(int fd, uid_t uid, gid_t gid, uint32_t mode, const char *path,
		  struct err **errp)
{
	if (fchown(fd, uid, gid) < 0)
		return sys_fail(errp, errno, "chown", path);
	if (fchmod(fd, (mode_t)mode) < 0)
		return sys_fail(errp, errno, "chmod", path);
	return 0;
}

static void
entry_times(const struct tar_entry *e, struct timespec ts[2])
{
	/* containerd sets the later of atime and mtime as the access time. */
	const struct tar_time *a = &e->atime;

	if (a->sec < e->mtime.sec || (a->sec == e->mtime.sec && a->nsec < e->mtime.nsec))
		a = &e->mtime;
	ts[0] = (struct timespec){ a->sec, a->nsec };
	ts[1] = (struct timespec){ e->mtime.sec, e->mtime.nsec };
}

/* Owner, then mode (unless chmod is false: symlinks), then times of base in pfd, unfollowed. */
static int
set_meta_at(int pfd, const char *base, const char *path, const struct tar_entry *e, bool chmod,
	    struct err **errp)
{
	struct timespec ts[2];

	if (fchownat(pfd, base, (uid_t)e->uid, (gid_t)e->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return sys_fail(errp, errno, "chown", path);
	if (chmod && fchmodat(pfd, base, (mode_t)e->mode, 0) < 0)
		return sys_fail(errp, errno, "chmod", path);
	entry_times(e, ts);
	if (utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return sys_fail(errp, errno, "set times of", path);
	return 0;
}

static void
pending_release(struct pending_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	free(f->path);
	f->path = NULL;
	for (size_t i = 0; i < f->n_xattrs; i++) {
		free(f->xattrs[i].name);
		free(f->xattrs[i].value);
	}
	free(f->xattrs);
	f->xattrs = NULL;
	f->n_xattrs = 0;
}

/* Docker's rule: a relative symlink target may not climb above the root. */
static int
check_symlink(size_t depth, const char *path, const char *target,
	      struct err **errp)
{
	ssize_t d = (ssize_t)depth;
	const char *p = target;


	if (*target == '/')
		return 0;
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		if (n == 2 && p[0] == '.' && p[1] == '.')
			d--;
		else if (n && !(n == 1 && p[0] == '.'))
			d++;
		if (d < 0)
			return err_set(errp, ERR_INVALID,
				       "tar entry %s: symlink target %s leaves the root", path, target);
		p += n + (slash ? 1 : 0);
	}
	return 0;
}

static int
whiteout(struct layer_x *x, int pfd, const char *dir, const char *base,
	 const struct tar_entry *e, struct err **errp)
{
	const char *name = base + strlen(WH_PREFIX);
	_cleanup_free_ char *path = *dir ? xasprintf("%s/%s", dir, name) : xstrdup(name);

	if (!strcmp(base, WH_OPAQUE)) {
		/* In a first layer nothing lies below: nothing to hide. */
		if (x->wh == EXTRACT_WH_OVERLAY && fsetxattr(pfd, OPAQUE_XATTR, "y", 1, 0) < 0)
			return sys_fail(errp, errno, "mark opaque", *dir ? dir : "/");
		return 0;
	}
	if (!strncmp(base, WH_META_PREFIX, strlen(WH_META_PREFIX)))
		return 0; /* aufs bookkeeping (.wh..wh.plnk, ...): nothing to apply */
	if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
		return err_set(errp, ERR_INVALID, "tar entry %s/%s: invalid whiteout", dir, base);
	if (remove_tree(pfd, name, path, errp) < 0)
		return -1;
	if (x->wh == EXTRACT_WH_DELETE)
		return 0;
	if (mknodat(pfd, name, S_IFCHR | 0, makedev(0, 0)) < 0)
		return sys_fail(errp, errno, "create whiteout", path);
	if (fchownat(pfd, name, (uid_t)e->uid, (gid_t)e->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return sys_fail(errp, errno, "chown", path);
	return 0;
}

static int
record_dir_time(struct layer_x *x, const char *path, const struct tar_entry *e)
{
	struct dir_time *t;

	XGROW(x->dirs, x->alloc_dirs, x->n_dirs + 1);
	t = &x->dirs[x->n_dirs++];
	t->path = xstrdup(path);
	entry_times(e, t->ts);
	return 0;
}

static void
implicit_forget(struct layer_x *x, const char *path)
{
	for (size_t i = 0; i < x->implicit.n; i++) {
		if (strcmp(x->implicit.v[i], path))
			continue;
		free(x->implicit.v[i]);
		memmove(&x->implicit.v[i], &x->implicit.v[i + 1],
			(x->implicit.n - i) * sizeof(char *));
		x->implicit.n--;
		return;
	}
}

static int
make_dir(struct layer_x *x, int pfd, const char *base, const char *path,
	 const struct tar_entry *e, bool exists, struct err **errp)
{
	_cleanup_close_ int fd = -1;

	if (!exists && mkdirat(pfd, base, 0700) < 0)
		return err_sys(errp, errno, "mkdir %s", path);
	fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return err_sys(errp, errno, "open %s", path);
	if (set_owner_mode_fd(fd, (uid_t)e->uid, (gid_t)e->gid, e->mode, path, errp) < 0 ||
	    set_xattrs_fd(fd, e, path, errp) < 0)
		return -1;
	implicit_forget(x, path);
	return record_dir_time(x, path, e);
}

static int
make_hardlink(struct layer_x *x, int pfd, const char *base, const char *path,
	      const struct tar_entry *e, struct err **errp)
{
	_cleanup_strv_ struct strv parts = STRV_INIT;
	_cleanup_free_ char *tdir = NULL;
	_cleanup_close_ int tfd = -1;
	struct stat st;

	if (split_path(e->link, &parts, errp) < 0)
		return err_wrap(errp, "hardlink %s", path);
	if (!parts.n)
		return err_set(errp, ERR_INVALID, "tar entry %s: hardlink to the root", path);
	tdir = join_parts(parts.v, parts.n - 1);
	tfd = openat2_in_root(x->root, tdir, O_PATH | O_DIRECTORY);
	if (tfd < 0)
		return err_sys(errp, errno, "hardlink %s to %s", path, e->link);
	if (linkat(tfd, parts.v[parts.n - 1], pfd, base, 0) < 0)
		return err_sys(errp, errno, "hardlink %s to %s", path, e->link);
	/* containerd gives the shared inode the link entry's owner, mode and times too. */
	if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return err_sys(errp, errno, "stat %s", path);
	return set_meta_at(pfd, base, path, e, !S_ISLNK(st.st_mode), errp);
}

static int
make_special(int pfd, const char *base, const char *path, const struct tar_entry *e,
	     struct err **errp)
{
	mode_t type = e->type == TAR_CHR ? S_IFCHR : e->type == TAR_BLK ? S_IFBLK : S_IFIFO;

	if (mknodat(pfd, base, type | (e->mode & 0777), makedev(e->devmajor, e->devminor)) < 0)
		return sys_fail(errp, errno, "mknod", path);
	if (set_meta_at(pfd, base, path, e, true, errp) < 0)
		return -1;
	if (e->n_xattrs) {
		/* No fsetxattr on an O_PATH descriptor; its /proc link reaches the inode. */
		_cleanup_close_ int fd = openat(pfd, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		char proc[64];

		if (fd < 0)
			return err_sys(errp, errno, "open %s", path);
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		for (size_t i = 0; i < e->n_xattrs; i++)
			if (setxattr(proc, e->xattrs[i].name, e->xattrs[i].value, e->xattrs[i].len,
				     0) < 0)
				return sys_fail(errp, errno, "set xattr on", path);
	}
	return 0;
}

static int
make_symlink(int pfd, const char *base, const char *path, size_t depth,
	     const struct tar_entry *e, struct err **errp)
{
	if (check_symlink(depth, path, e->link, errp) < 0)
		return -1;
	if (e->n_xattrs)
		return err_set(errp, ERR_UNIMPLEMENTED, "xattrs on symlink %s", path);
	if (symlinkat(e->link, pfd, base) < 0)
		return err_sys(errp, errno, "symlink %s", path);
	return set_meta_at(pfd, base, path, e, false, errp);
}

static int
open_file(struct layer_x *x, int pfd, const char *base, const char *path,
	  const struct tar_entry *e, struct err **errp)
{
	struct pending_file *f = &x->cur;
	int fd = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0)
		return err_sys(errp, errno, "create %s", path);
	f->fd = fd;
	f->path = xstrdup(path);
	f->mode = e->mode;
	f->uid = (uid_t)e->uid;
	f->gid = (gid_t)e->gid;
	entry_times(e, f->ts);
	if (e->n_xattrs) {
		f->xattrs = xnew(struct tar_xattr, e->n_xattrs);
		for (size_t i = 0; i < e->n_xattrs; i++) {
			f->xattrs[i].name = xstrdup(e->xattrs[i].name);
			f->xattrs[i].value = xmalloc(e->xattrs[i].len + 1);
			memcpy(f->xattrs[i].value, e->xattrs[i].value, e->xattrs[i].len + 1);
			f->xattrs[i].len = e->xattrs[i].len;
		}
		f->n_xattrs = e->n_xattrs;
	}
	return 0;
}

static int
on_entry(void *ud, const struct tar_entry *e, struct err **errp)
{
	struct layer_x *x = ud;
	_cleanup_strv_ struct strv parts = STRV_INIT;
	_cleanup_free_ char *dir = NULL, *path = NULL;
	const char *base;
	struct stat st;
	bool exists;
	int pfd;

	if (split_path(e->path, &parts, errp) < 0)
		return -1;
	if (!parts.n)
		return 0; /* the root itself: containerd ignores it too */
	base = parts.v[parts.n - 1];
	dir = join_parts(parts.v, parts.n - 1);
	path = join_parts(parts.v, parts.n);
	pfd = get_parent(x, dir, errp);
	if (pfd < 0)
		return -1;
	if (!strncmp(base, WH_PREFIX, strlen(WH_PREFIX)))
		return whiteout(x, pfd, dir, base, e, errp);
	/* Most entries are new files: try that first, look only when something is there. */
	if (e->type == TAR_REG) {
		int r = open_file(x, pfd, base, path, e, errp);

		if (r == 0 || err_kind(errp) != ERR_EXISTS)
			return r;
		err_clear(errp);
	}
	/* Something is there: replace it, unless a directory meets a directory (merge). */
	exists = fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (!exists && errno != ENOENT)
		return err_sys(errp, errno, "stat %s", path);
	/* pfd stays valid: only a child of it goes. */
	if (exists && !(S_ISDIR(st.st_mode) && e->type == TAR_DIR)) {
		if (remove_tree(pfd, base, path, errp) < 0)
			return -1;
		exists = false;
	}
	switch (e->type) {
	case TAR_REG:
		return open_file(x, pfd, base, path, e, errp);
	case TAR_DIR:
		return make_dir(x, pfd, base, path, e, exists, errp);
	case TAR_SYMLINK:
		return make_symlink(pfd, base, path, parts.n - 1, e, errp);
	case TAR_LINK:
		return make_hardlink(x, pfd, base, path, e, errp);
	case TAR_CHR:
	case TAR_BLK:
	case TAR_FIFO:
		return make_special(pfd, base, path, e, errp);
	}
	return err_set(errp, ERR_INTERNAL, "tar entry %s: unknown type", path);
}

static int
on_data(void *ud, const void *p, size_t n, struct err **errp)
{
	struct layer_x *x = ud;

	if (x->cur.fd >= 0 && fs_write_all(x->cur.fd, p, n) < 0)
		return err_sys(errp, errno, "write %s", x->cur.path);
	return 0;
}

static int
on_entry_end(void *ud, struct err **errp)
{
	struct layer_x *x = ud;
	struct pending_file *f = &x->cur;
	int r = 0;

	if (f->fd < 0)
		return 0;
	/* After the data: writing would drop security.capability again. */
	if (set_owner_mode_fd(f->fd, f->uid, f->gid, f->mode, f->path, errp) < 0)
		r = -1;
	for (size_t i = 0; r == 0 && i < f->n_xattrs; i++)
		if (fsetxattr(f->fd, f->xattrs[i].name, f->xattrs[i].value, f->xattrs[i].len, 0) < 0)
			r = sys_fail(errp, errno, "set xattr on", f->path);
	if (r == 0 && futimens(f->fd, f->ts) < 0)
		r = sys_fail(errp, errno, "set times of", f->path);
	if (r == 0 && close(TAKE_FD(f->fd)) < 0)
		r = err_sys(errp, errno, "close %s", f->path);
	pending_release(f);
	return r;
}

static const struct tar_ops extract_ops = { on_entry, on_data, on_entry_end };

int
layer_x_new(const char *dir, enum layer_comp comp, enum extract_whiteouts wh,
	    struct layer_x **ret, struct err **errp)
{
	_cleanup_(layer_x_freep) struct layer_x *x = xnew(struct layer_x, 1);

	x->root = -1;
	x->pcache_fd = -1;
	x->cur.fd = -1;
	x->wh = wh;
	x->gzip = comp == LAYER_COMP_GZIP;
	x->root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (x->root < 0)
		return err_sys(errp, errno, "open %s", dir);
	if (digester_new(&x->dig, errp) < 0)
		return -1;
	if (x->gzip) {
		/* Raw deflate with a 32 KiB window: the gzip framing is read here (see feed_gzip). */
		if (inflateInit2(&x->z, -15) != Z_OK)
			return err_set(errp, ERR_INTERNAL, "inflateInit2 failed");
		x->gz_started = true;
		x->out = xmalloc(INFLATE_CHUNK);
	}
	x->tar = tar_stream_new(&extract_ops, x);
	*ret = TAKE_PTR(x);
	return 0;
}

void
layer_x_free(struct layer_x *x)
{
	_cleanup_err_ struct err *e = NULL;

	if (!x)
		return;
	stop_threads(x, true, &e);
	pending_release(&x->cur);
	pcache_drop(x);
	if (x->root >= 0)
		close(x->root);
	if (x->gz_started)
		inflateEnd(&x->z);
	buf_release(&x->gz_hdr);
	free(x->out);
	digester_free(x->dig);
	tar_stream_free(x->tar);
	for (size_t i = 0; i < x->n_dirs; i++)
		free(x->dirs[i].path);
	free(x->dirs);
	strv_release(&x->implicit);
	free(x);
}

/* Uncompressed bytes: the diff ID and the files. */
static int
deliver_direct(struct layer_x *x, const void *p, size_t n, struct err **errp)
{
	digester_update(x->dig, p, n);
	return tar_stream_feed(x->tar, p, n, errp);
}

static int
deliver(struct layer_x *x, const void *p, size_t n, struct err **errp)
{
	if (!x->writer.running)
		return deliver_direct(x, p, n, errp);
	return stage_push(&x->writer, p, n, errp);
}

/* A gzip member header (RFC 1952) in b: 1 and *used, 0 when incomplete, -1 when invalid. */
static int
parse_gz_header(const unsigned char *b, size_t n, size_t *used)
{
	static const unsigned char magic[3] = { 0x1f, 0x8b, 8 };
	size_t i = 10;
	const unsigned char *z;

	if (memcmp(b, magic, n < 3 ? n : 3) != 0 || (n > 3 && (b[3] & 0xe0)))
		return -1;
	if (n < i)
		return 0;
	if (b[3] & 4) { /* FEXTRA */
		if (n < i + 2)
			return 0;
		i += 2 + (size_t)(b[i] | b[i + 1] << 8);
		if (n < i)
			return 0;
	}
	for (unsigned f = 8; f <= 16; f += 8) { /* FNAME, FCOMMENT: NUL-terminated */
		if (!(b[3] & f))
			continue;
		z = memchr(b + i, 0, n - i);
		if (!z)
			return 0;
		i = (size_t)(z - b) + 1;
	}
	if (b[3] & 2) /* FHCRC */
		i += 2;
	if (n < i)
		return 0;
	*used = i;
	return 1;
}

/*
 * gzip: concatenated members form one stream, as Go's reader has it. zlib only inflates;
 * the CRC-32 of each member is not computed (a tenth of the CPU time): the diff ID, a
 * SHA-256 over the same bytes checked before the snapshot is committed, covers it. The
 * length in the trailer is checked.
 */
static int
feed_gzip(struct layer_x *x, const unsigned char *p, size_t n, struct err **errp)
{
	while (n > 0) {
		if (x->gz == GZ_HEADER) {
			size_t before = x->gz_hdr.len, k = n < 4096 ? n : 4096, used;
			int r;

			buf_add(&x->gz_hdr, p, k);
			r = parse_gz_header((unsigned char *)x->gz_hdr.data, x->gz_hdr.len, &used);
			if (r < 0)
				return err_set(errp, ERR_INVALID, "gzip: invalid header");
			if (r == 0) {
				if (x->gz_hdr.len > (64u << 10))
					return err_set(errp, ERR_INVALID, "gzip: header too long");
				p += k;
				n -= k;
				continue;
			}
			p += used - before;
			n -= used - before;
			buf_reset(&x->gz_hdr);
			inflateReset(&x->z);
			x->gz = GZ_BODY;
		} else if (x->gz == GZ_BODY) {
			size_t produced;
			int r;

			x->z.next_in = (unsigned char *)(uintptr_t)p;
			x->z.avail_in = (unsigned)n;
			x->z.next_out = x->out;
			x->z.avail_out = INFLATE_CHUNK;
			r = inflate(&x->z, Z_NO_FLUSH);
			if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR)
				return err_set(errp, ERR_INVALID, "gzip: %s",
					       x->z.msg ? x->z.msg : "invalid compressed data");
			p = x->z.next_in;
			n = x->z.avail_in;
			produced = INFLATE_CHUNK - x->z.avail_out;
			if (produced && deliver(x, x->out, produced, errp) < 0)
				return -1;
			if (r == Z_STREAM_END) {
				x->gz = GZ_TRAILER;
				x->gz_trailer_have = 0;
			} else if (!produced && r == Z_BUF_ERROR) {
				break;
			}
		} else {
			size_t k = 8 - x->gz_trailer_have < n ? 8 - x->gz_trailer_have : n;
			const unsigned char *t = x->gz_trailer;

			memcpy(x->gz_trailer + x->gz_trailer_have, p, k);
			x->gz_trailer_have += k;
			p += k;
			n -= k;
			if (x->gz_trailer_have < 8)
				break;
			if ((uint32_t)(t[4] | t[5] << 8 | t[6] << 16 | (uint32_t)t[7] << 24) !=
			    (uint32_t)x->z.total_out)
				return err_set(errp, ERR_INVALID, "gzip: length mismatch");
			x->gz = GZ_HEADER;
			x->gz_any = true;
		}
	}
	/* inflate may hold more output than one chunk took: drain it. */
	while (x->gz == GZ_BODY) {
		size_t produced;
		int r;

		x->z.next_in = (unsigned char *)(uintptr_t)p;
		x->z.avail_in = 0;
		x->z.next_out = x->out;
		x->z.avail_out = INFLATE_CHUNK;
		r = inflate(&x->z, Z_NO_FLUSH);
		produced = INFLATE_CHUNK - x->z.avail_out;
		if (produced && deliver(x, x->out, produced, errp) < 0)
			return -1;
		if (r == Z_STREAM_END) {
			x->gz = GZ_TRAILER;
			x->gz_trailer_have = 0;
		}
		if (produced < INFLATE_CHUNK)
			break;
	}
	return 0;
}

static int
feed_direct(struct layer_x *x, const void *p, size_t n, struct err **errp)
{
	if (!x->gzip)
		return deliver(x, p, n, errp);
	return feed_gzip(x, p, n, errp);
}

static void *
stage_thread(void *arg)
{
	struct stage *st = arg;

	pthread_mutex_lock(&st->mu);
	for (;;) {
		struct buf chunk;
		struct err *e = NULL;
		int r;

		while (!st->len && !st->eof && !st->stop)
			pthread_cond_wait(&st->cv, &st->mu);
		if (st->stop || !st->len)
			break;
		chunk = st->queue[st->head];
		st->queue[st->head] = (struct buf)BUF_INIT;
		st->head = (st->head + 1) % QUEUE_CAP;
		st->len--;
		pthread_cond_broadcast(&st->cv);
		pthread_mutex_unlock(&st->mu);
		r = st->fn(st->x, chunk.data, chunk.len, &e);
		buf_release(&chunk);
		pthread_mutex_lock(&st->mu);
		if (r < 0) {
			st->err = e;
			pthread_cond_broadcast(&st->cv);
			break;
		}
	}
	pthread_mutex_unlock(&st->mu);
	return NULL;
}

static int
stage_start(struct stage *st, struct layer_x *x,
	    int (*fn)(struct layer_x *x, const void *p, size_t n, struct err **errp),
	    struct err **errp)
{
	int e;

	st->fn = fn;
	st->x = x;
	pthread_mutex_init(&st->mu, NULL);
	pthread_cond_init(&st->cv, NULL);
	for (size_t i = 0; i < QUEUE_CAP; i++)
		st->queue[i] = (struct buf)BUF_INIT;
	e = pthread_create(&st->th, NULL, stage_thread, st);
	if (e) {
		pthread_mutex_destroy(&st->mu);
		pthread_cond_destroy(&st->cv);
		return err_sys(errp, e, "pthread_create");
	}
	st->running = true;
	return 0;
}

/* Waits for the stage to work off its queue (stop: drop it instead) and end; its error. */
static int
stage_finish(struct stage *st, bool stop, struct err **errp)
{
	struct err *e;

	if (!st->running)
		return 0;
	pthread_mutex_lock(&st->mu);
	st->eof = true;
	st->stop = stop;
	pthread_cond_broadcast(&st->cv);
	pthread_mutex_unlock(&st->mu);
	pthread_join(st->th, NULL);
	st->running = false;
	for (size_t i = 0; i < QUEUE_CAP; i++)
		buf_release(&st->queue[i]);
	pthread_mutex_destroy(&st->mu);
	pthread_cond_destroy(&st->cv);
	e = TAKE_PTR(st->err);
	return e ? err_move(errp, &e) : 0;
}

/* Queues a copy of p for the stage; waits while the queue is full. The stage's error. */
static int
stage_push(struct stage *st, const void *p, size_t n, struct err **errp)
{
	int r = 0;

	pthread_mutex_lock(&st->mu);
	while (st->len == QUEUE_CAP && !st->err)
		pthread_cond_wait(&st->cv, &st->mu);
	if (st->err) {
		/* Reported here and again by stage_finish: a copy. */
		r = err_set(errp, st->err->kind, "%s", st->err->msg);
	} else {
		buf_add(&st->queue[(st->head + st->len) % QUEUE_CAP], p, n);
		st->len++;
		pthread_cond_broadcast(&st->cv);
	}
	pthread_mutex_unlock(&st->mu);
	return r;
}

static int
stop_threads(struct layer_x *x, bool stop, struct err **errp)
{
	int r = stage_finish(&x->inflater, stop, errp);

	/* The inflater's failure is the first one; the writer's then only repeats it. */
	if (r < 0) {
		_cleanup_err_ struct err *e = NULL;

		stage_finish(&x->writer, true, &e);
		return -1;
	}
	return stage_finish(&x->writer, stop, errp);
}

int
layer_x_start_thread(struct layer_x *x, struct err **errp)
{
	if (stage_start(&x->writer, x, deliver_direct, errp) < 0)
		return -1;
	if (stage_start(&x->inflater, x, feed_direct, errp) < 0) {
		stop_threads(x, true, &(struct err *){ NULL });
		return -1;
	}
	return 0;
}

int
layer_x_feed(struct layer_x *x, const void *p, size_t n, struct err **errp)
{
	if (!x->inflater.running)
		return feed_direct(x, p, n, errp);
	return stage_push(&x->inflater, p, n, errp);
}

static int
apply_dir_times(struct layer_x *x)
{
	/* Deepest last in the archive usually: go backwards so children do not touch parents. */
	for (size_t i = x->n_dirs; i-- > 0;) {
		int fd = openat2_in_root(x->root, x->dirs[i].path,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW);

		if (fd < 0)
			continue; /* replaced or removed by a later entry */
		futimens(fd, x->dirs[i].ts);
		close(fd);
	}
	return 0;
}

int
layer_x_finish(struct layer_x *x, char ret_diff_id[DIGEST_STR_SIZE], struct err **errp)
{
	if (stop_threads(x, false, errp) < 0)
		return -1;
	if (x->gzip && (x->gz != GZ_HEADER || x->gz_hdr.len || !x->gz_any))
		return err_set(errp, ERR_INVALID, "gzip: unexpected end of stream");
	if (tar_stream_end(x->tar, errp) < 0)
		return -1;
	pcache_drop(x);
	apply_dir_times(x);
	digester_final(x->dig, ret_diff_id);
	return 0;
}

char *const *
layer_x_implicit_dirs(const struct layer_x *x)
{
	return x->implicit.v;
}

int
extract_move_tree(const char *src, const char *dst, struct err **errp)
{
	_cleanup_close_ int sfd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int dfd = open(dst, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char v[8];
	ssize_t n;
	DIR *d;
	struct dirent *de;
	int r = 0;

	if (sfd < 0 || dfd < 0)
		return err_sys(errp, errno, "open %s", sfd < 0 ? src : dst);
	n = fgetxattr(sfd, OPAQUE_XATTR, v, sizeof(v));
	if (n > 0 && fsetxattr(dfd, OPAQUE_XATTR, v, (size_t)n, 0) < 0)
		return sys_fail(errp, errno, "mark opaque", dst);
	d = fdopendir(TAKE_FD(sfd));
	if (!d)
		return err_sys(errp, errno, "open %s", src);
	while (r == 0 && (errno = 0, de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (renameat2(dirfd(d), de->d_name, dfd, de->d_name, RENAME_NOREPLACE) < 0)
			r = err_sys(errp, errno, "move %s/%s to %s", src, de->d_name, dst);
	}
	if (r == 0 && errno)
		r = err_sys(errp, errno, "read %s", src);
	closedir(d);
	return r;
}

int
extract_fix_implicit(const char *dir, char *const *implicit, char *const *lowers,
		     struct err **errp)
{
	_cleanup_close_ int root = -1;

	if (!implicit || !*implicit || !lowers || !*lowers)
		return 0;
	root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return err_sys(errp, errno, "open %s", dir);
	for (size_t i = 0; implicit[i]; i++) {
		_cleanup_close_ int fd = openat2_in_root(root, implicit[i],
							 O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
		struct stat st;

		if (fd < 0)
			continue; /* gone again (a whiteout, a later entry) */
		for (size_t k = 0; lowers[k]; k++) {
			_cleanup_close_ int lroot = open(lowers[k], O_PATH | O_DIRECTORY | O_CLOEXEC);
			_cleanup_close_ int lfd = -1;

			if (lroot < 0)
				continue;
			lfd = openat2_in_root(lroot, implicit[i], O_PATH | O_NOFOLLOW);
			if (lfd < 0 || fstat(lfd, &st) < 0)
				continue;
			if (!S_ISDIR(st.st_mode))
				break; /* a lower non-directory: the new directory hides it as is */
			/* Times not: adding the entries changed them, as in containerd's. */
			if (set_owner_mode_fd(fd, st.st_uid, st.st_gid, st.st_mode & 07777,
					      implicit[i], errp) < 0)
				return -1;
			break;
		}
	}
	return 0;
}
