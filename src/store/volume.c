/* Volumes in nerdctl's layout: <store>/volumes/<ns>/<name>/{volume.json,_data}. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/json.h"
#include "base/xalloc.h"
#include "ctd/containers.h"
#include "ctd/labels.h"
#include "store/volume.h"
#include "base/banned.h"

#define VOLUME_JSON_MAX (1 << 20)

void
volume_free(struct volume *v)
{
	if (!v)
		return;
	free(v->name);
	free(v->mountpoint);
	free(v->created_at);
	json_decref(v->labels);
	free(v);
}

void
volume_list_free(struct volume **l)
{
	if (!l)
		return;
	for (size_t i = 0; l[i]; i++)
		volume_free(l[i]);
	free(l);
}

static bool
alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int
volume_name_check(const char *name, struct err **errp)
{
	if (strlen(name) < 2)
		return err_set(errp, ERR_INVALID, "volume name is too short, names should be at least two alphanumeric characters");
	for (const char *p = name; *p; p++)
		if (!alnum(*p) && (p == name || !strchr("_.-", *p)))
			return err_set(errp, ERR_INVALID, "\"%s\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path", name);
	return 0;
}

static bool
is_anonymous(const char *name)
{
	size_t n = strlen(name);

	if (n != 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
			return false;
	return true;
}

static char *
vol_dir(const char *store, const char *ns, const char *name)
{
	return xasprintf("%s/volumes/%s/%s", store, ns, name);
}

static void
rfc3339(const struct timespec *ts, char *out, size_t n)
{
	time_t t = ts->tv_sec;
	struct tm tm;
	char base[32];
	long off;

	localtime_r(&t, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	off = tm.tm_gmtoff;
	if (off == 0)
		snprintf(out, n, "%sZ", base);
	else
		snprintf(out, n, "%s%c%02ld:%02ld", base, off < 0 ? '-' : '+',
			 (off < 0 ? -off : off) / 3600, ((off < 0 ? -off : off) % 3600) / 60);
}

int
volume_get(const char *store, const char *ns, const char *name, struct volume **ret,
	   struct err **errp)
{
	_cleanup_free_ char *dir = NULL, *js = NULL;
	_cleanup_buf_ struct buf b = BUF_INIT;
	_cleanup_json_ json_t *doc = NULL;
	struct volume *v;
	struct stat st;
	char created[64];

	if (volume_name_check(name, NULL) < 0)
		return err_set(errp, ERR_NOT_FOUND, "no such volume: %s", name);
	dir = vol_dir(store, ns, name);
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return err_set(errp, ERR_NOT_FOUND, "no such volume: %s", name);
	js = xasprintf("%s/volume.json", dir);
	if (fs_read_file(js, VOLUME_JSON_MAX, &b, NULL) == 0)
		doc = json_loadb(b.data, b.len, 0, NULL);
	if (stat(js, &st) < 0)
		(void)stat(dir, &st);
	rfc3339(&st.st_mtim, created, sizeof(created));
	v = xnew(struct volume, 1);
	v->name = xstrdup(name);
	v->mountpoint = xasprintf("%s/_data", dir);
	v->created_at = xstrdup(created);
	v->labels = json_object_get(doc, "labels");
	v->labels = json_is_object(v->labels) ? json_incref(v->labels) : json_object();
	v->anonymous = is_anonymous(name);
	*ret = v;
	return 0;
}

static int
random_name(char out[65], struct err **errp)
{
	unsigned char r[32];
	_cleanup_close_ int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, r, sizeof(r)) != (ssize_t)sizeof(r))
		return err_sys(errp, errno, "read /dev/urandom");
	for (size_t i = 0; i < sizeof(r); i++)
		snprintf(out + 2 * i, 3, "%02x", r[i]);
	return 0;
}

static int
create_impl(const char *store, const char *ns, const char *name, char *const *labels,
	    bool *ret_created, struct volume **ret, struct err **errp)
{
	char anon[65];
	_cleanup_free_ char *dir = NULL, *data = NULL, *js = NULL, *text = NULL;
	_cleanup_json_ json_t *doc = NULL;
	json_t *l;

	if (!name) {
		if (random_name(anon, errp) < 0)
			return -1;
		name = anon;
	} else if (volume_name_check(name, errp) < 0) {
		return -1;
	}
	dir = vol_dir(store, ns, name);
	data = xasprintf("%s/_data", dir);
	js = xasprintf("%s/volume.json", dir);
	*ret_created = false;
	if (access(dir, F_OK) < 0) {
		l = json_object();
		for (size_t i = 0; labels && labels[i]; i++) {
			const char *eq = strchr(labels[i], '=');
			_cleanup_free_ char *k = xstrndup(labels[i], eq ? (size_t)(eq - labels[i]) : strlen(labels[i]));

			json_object_set_new(l, k, json_string(eq ? eq + 1 : ""));
		}
		doc = json_pack("{s:o}", "labels", l);
		text = json_dumps(doc, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
		if (fs_mkdir_p(data, 0755, errp) < 0 ||
		    fs_write_atomic(js, text, strlen(text), 0644, errp) < 0)
			return -1;
		*ret_created = true;
	}
	if (!ret)
		return 0;
	return volume_get(store, ns, name, ret, errp);
}

int
volume_create(const char *store, const char *ns, const char *name, char *const *labels,
	      struct volume **ret, struct err **errp)
{
	bool created;

	return create_impl(store, ns, name, labels, &created, ret, errp);
}

static int
cmp_vol(const void *a, const void *b)
{
	return strcmp((*(struct volume *const *)a)->name, (*(struct volume *const *)b)->name);
}

int
volume_list(const char *store, const char *ns, struct volume ***ret, struct err **errp)
{
	_cleanup_free_ char *dir = xasprintf("%s/volumes/%s", store, ns);
	DIR *d = opendir(dir);
	struct dirent *e;
	struct volume **l = NULL;
	size_t n = 0, alloc = 0;

	if (!d && errno != ENOENT)
		return err_sys(errp, errno, "open %s", dir);
	while (d && (e = readdir(d))) {
		struct volume *v;

		if (e->d_name[0] == '.' || volume_get(store, ns, e->d_name, &v, NULL) < 0)
			continue;
		XGROW(l, alloc, n + 2);
		l[n++] = v;
	}
	if (d)
		closedir(d);
	if (!l)
		l = xnew(struct volume *, 1);
	l[n] = NULL;
	if (n)
		qsort(l, n, sizeof(*l), cmp_vol);
	*ret = l;
	return 0;
}

/* rm -rf without following symlinks; fds relative to the parent. */
static int
remove_tree_at(int parent, const char *name)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d;
	struct dirent *e;
	int r = 0;

	if (fd < 0)
		return unlinkat(parent, name, 0) < 0 && errno != ENOENT ? -1 : 0;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
		    remove_tree_at(dirfd(d), e->d_name) < 0)
			r = -1;
	closedir(d);
	if (unlinkat(parent, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		r = -1;
	return r;
}

int
volume_remove(const char *store, const char *ns, const char *name, struct err **errp)
{
	_cleanup_free_ char *dir = NULL;

	if (volume_name_check(name, NULL) < 0)
		return err_set(errp, ERR_NOT_FOUND, "no such volume: %s", name);
	dir = vol_dir(store, ns, name);
	if (access(dir, F_OK) < 0)
		return err_set(errp, ERR_NOT_FOUND, "no such volume: %s", name);
	if (remove_tree_at(AT_FDCWD, dir) < 0)
		return err_sys(errp, errno, "remove volume %s", name);
	return 0;
}

/* Volume names a container's labels reference. */
static void
container_volumes(const CtdContainer *ct, struct strv *out)
{
	const char *m = ctd_labels_get(ct->labels, ct->n_labels, "nerdctl/mounts");
	const char *a = ctd_labels_get(ct->labels, ct->n_labels, "nerdctl/anonymous-volumes");
	_cleanup_json_ json_t *mj = m ? json_loads(m, 0, NULL) : NULL;
	_cleanup_json_ json_t *aj = a ? json_loads(a, 0, NULL) : NULL;
	json_t *e;
	size_t i;

	json_array_foreach(mj, i, e) {
		const char *t = json_get_str(e, "Type"), *n = json_get_str(e, "Name");

		if (t && strcmp(t, "volume") == 0 && n && !strv_contains(out, n))
			strv_push(out, n);
	}
	json_array_foreach(aj, i, e)
		if (json_is_string(e) && !strv_contains(out, json_string_value(e)))
			strv_push(out, json_string_value(e));
}

int
volume_users(struct ctd *c, const char *name, struct strv *ret, struct err **errp)
{
	_cleanup_(ctd_msg_freep) CtdContainerList *l = NULL;

	if (ctd_containers_list(c, NULL, &l, errp) < 0)
		return -1;
	for (size_t i = 0; i < l->n_containers; i++) {
		_cleanup_strv_ struct strv vols = STRV_INIT;
		const CtdContainer *ct = l->containers[i];
		const char *cn = ctd_labels_get(ct->labels, ct->n_labels, "nerdctl/name");

		container_volumes(ct, &vols);
		if (strv_contains(&vols, name))
			strv_push(ret, cn && *cn ? cn : ct->id);
	}
	return 0;
}

int
volume_used_names(struct ctd *c, struct strv *ret, struct err **errp)
{
	_cleanup_(ctd_msg_freep) CtdContainerList *l = NULL;

	if (ctd_containers_list(c, NULL, &l, errp) < 0)
		return -1;
	for (size_t i = 0; i < l->n_containers; i++)
		container_volumes(l->containers[i], ret);
	return 0;
}

static long long
tree_size(int fd0)
{
	DIR *d = fdopendir(fd0);
	struct dirent *e;
	long long total = 0;

	if (!d) {
		close(fd0);
		return 0;
	}
	while ((e = readdir(d))) {
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			int fd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (fd >= 0)
				total += tree_size(fd);
		} else if (S_ISREG(st.st_mode)) {
			total += st.st_size;
		}
	}
	closedir(d);
	return total;
}

long long
volume_size(const struct volume *v)
{
	int fd = open(v->mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	return fd < 0 ? -1 : tree_size(fd);
}

json_t *
volume_inspect_json(const struct volume *v)
{
	return json_pack("{s:s, s:s, s:s, s:O, s:s, s:s, s:n}", "CreatedAt", v->created_at,
			 "Driver", "local", "Mountpoint", v->mountpoint, "Labels", v->labels,
			 "Name", v->name, "Scope", "local", "Options");
}

/* Copies the tree src into the existing directory dst: owners, modes, times of files. */
static int
copy_tree(int sfd, int dfd, struct err **errp)
{
	DIR *d = fdopendir(sfd);
	struct dirent *e;
	int r = 0;

	if (!d) {
		close(sfd);
		return err_sys(errp, errno, "read directory");
	}
	while (r == 0 && (e = readdir(d))) {
		struct stat st;
		int s = dirfd(d);

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (fstatat(s, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			r = err_sys(errp, errno, "stat %s", e->d_name);
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			int cs, cd;

			if (mkdirat(dfd, e->d_name, st.st_mode & 07777) < 0 && errno != EEXIST) {
				r = err_sys(errp, errno, "mkdir %s", e->d_name);
				break;
			}
			cs = openat(s, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			cd = openat(dfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (cs < 0 || cd < 0) {
				if (cs >= 0)
					close(cs);
				if (cd >= 0)
					close(cd);
				r = err_sys(errp, errno, "open %s", e->d_name);
				break;
			}
			r = copy_tree(cs, cd, errp);
			(void)fchown(cd, st.st_uid, st.st_gid);
			(void)fchmod(cd, st.st_mode & 07777);
			close(cd);
		} else if (S_ISREG(st.st_mode)) {
			int in = openat(s, e->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			int out = in < 0 ? -1 : openat(dfd, e->d_name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st.st_mode & 07777);
			char buf[65536];
			ssize_t n;

			if (in < 0 || out < 0) {
				r = err_sys(errp, errno, "copy %s", e->d_name);
			} else {
				while ((n = read(in, buf, sizeof(buf))) > 0)
					if (fs_write_all(out, buf, (size_t)n) < 0) {
						n = -1;
						break;
					}
				if (n < 0)
					r = err_sys(errp, errno, "copy %s", e->d_name);
				(void)fchown(out, st.st_uid, st.st_gid);
				(void)fchmod(out, st.st_mode & 07777);
			}
			if (in >= 0)
				close(in);
			if (out >= 0)
				close(out);
		} else if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t n = readlinkat(s, e->d_name, target, sizeof(target) - 1);

			if (n < 0) {
				r = err_sys(errp, errno, "readlink %s", e->d_name);
				break;
			}
			target[n] = '\0';
			if (symlinkat(target, dfd, e->d_name) < 0 && errno != EEXIST)
				r = err_sys(errp, errno, "symlink %s", e->d_name);
			(void)fchownat(dfd, e->d_name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW);
		} else {
			if (mknodat(dfd, e->d_name, st.st_mode, st.st_rdev) < 0 && errno != EEXIST)
				r = err_sys(errp, errno, "mknod %s", e->d_name);
			(void)fchownat(dfd, e->d_name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW);
		}
	}
	closedir(d);
	return r;
}

static bool
dir_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	bool empty = true;

	while (d && empty && (e = readdir(d)))
		empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
	if (d)
		closedir(d);
	return empty;
}

int
volume_prepare_for_mount(const char *store, const char *ns, const char *name,
			 const char *rootfs, const char *ctr_path, char **ret_name,
			 char **ret_source, struct err **errp)
{
	_cleanup_volume_ struct volume *v = NULL;
	bool created;

	if (create_impl(store, ns, name, NULL, &created, &v, errp) < 0)
		return -1;
	if (rootfs && ctr_path && dir_empty(v->mountpoint)) {
		_cleanup_free_ char *src = xasprintf("%s/%s", rootfs, ctr_path);
		struct stat st;

		/* Docker copies only a directory, and only into an empty volume. Symlinked
		 * paths inside the image are not followed out of rootfs: O_NOFOLLOW on the last
		 * component; intermediate links are the image's business. */
		if (lstat(src, &st) == 0 && S_ISDIR(st.st_mode)) {
			int sfd = open(src, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			int dfd = open(v->mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

			if (sfd < 0 || dfd < 0) {
				if (sfd >= 0)
					close(sfd);
				if (dfd >= 0)
					close(dfd);
				return err_sys(errp, errno, "copy %s into volume %s", ctr_path, v->name);
			}
			if (copy_tree(sfd, dfd, errp) < 0) {
				close(dfd);
				return err_wrap(errp, "copy %s into volume %s", ctr_path, v->name);
			}
			(void)fchown(dfd, st.st_uid, st.st_gid);
			(void)fchmod(dfd, st.st_mode & 07777);
			close(dfd);
		}
	}
	(void)created;
	*ret_name = xstrdup(v->name);
	*ret_source = xstrdup(v->mountpoint);
	return 0;
}
