/* Docker-style A/C/D changes of an overlay snapshot, from its upper and lower directories. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/strv.h"
#include "base/xalloc.h"
#include "container/fsdiff.h"
#include "base/banned.h"

char
container_diff_kind(mode_t mode, dev_t rdev, bool in_lower)
{
	if (S_ISCHR(mode) && major(rdev) == 0 && minor(rdev) == 0)
		return 'D';
	return in_lower ? 'C' : 'A';
}

static bool
in_lowers(char *const *lowers, size_t n, const char *rel)
{
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *p = xasprintf("%s%s", lowers[i], rel);
		struct stat st;

		if (lstat(p, &st) == 0)
			return true;
	}
	return false;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
is_opaque(const char *path)
{
	char v[4];
	ssize_t n = lgetxattr(path, "trusted.overlay.opaque", v, sizeof(v));

	return n == 1 && v[0] == 'y';
}

static int
walk(const char *upper, const char *rel, char *const *lowers, size_t n, bool opaque_parent,
     container_diff_fn fn, void *arg, struct err **errp)
{
	_cleanup_free_ char *dir = xasprintf("%s%s", upper, rel);
	_cleanup_strv_ struct strv names = STRV_INIT;
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return err_sys(errp, errno, "open %s", dir);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			strv_push(&names, de->d_name);
	closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof(char *), cmp_names);
	for (size_t i = 0; i < names.n; i++) {
		_cleanup_free_ char *r = xasprintf("%s/%s", rel, names.v[i]);
		_cleanup_free_ char *p = xasprintf("%s%s", upper, r);
		struct stat st;
		bool lower;
		char kind;

		if (lstat(p, &st) < 0)
			return err_sys(errp, errno, "stat %s", p);
		lower = !opaque_parent && in_lowers(lowers, n, r);
		kind = container_diff_kind(st.st_mode, st.st_rdev, lower);
		if (kind == 'D' && !lower)
			continue;	/* a whiteout of nothing */
		if (fn(arg, kind, r, errp) < 0)
			return -1;
		if (S_ISDIR(st.st_mode) &&
		    walk(upper, r, lowers, n, opaque_parent || is_opaque(p), fn, arg, errp) < 0)
			return -1;
	}
	return 0;
}

int
container_diff_walk(const char *upper, char *const *lowers, size_t n, container_diff_fn fn,
		    void *arg, struct err **errp)
{
	return walk(upper, "", lowers, n, false, fn, arg, errp);
}

int
container_diff_dirs(const char *type, const char *source, char *const *options,
		    size_t n_options, char **ret_upper, struct strv *lowers, struct err **errp)
{
	*ret_upper = NULL;
	if (!strcmp(type, "bind") || !strcmp(type, "rbind")) {
		*ret_upper = xstrdup(source);
		return 0;
	}
	if (strcmp(type, "overlay"))
		return err_set(errp, ERR_UNIMPLEMENTED,
			       "diff of a %s mount: not implemented yet (overlayfs only)", type);
	for (size_t i = 0; i < n_options; i++) {
		const char *o = options[i];

		if (!strncmp(o, "upperdir=", 9)) {
			free(*ret_upper);
			*ret_upper = xstrdup(o + 9);
		} else if (!strncmp(o, "lowerdir=", 9)) {
			strv_split(lowers, o + 9, ':');
		}
	}
	if (!*ret_upper)
		return err_set(errp, ERR_UNIMPLEMENTED,
			       "diff of a read-only overlay: not implemented yet");
	return 0;
}
