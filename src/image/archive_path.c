/* Names inside image archives: cleaning and confining entry paths and symlink targets. */
#include <string.h>

#include "base/buf.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "image/archive_ops.h"
#include "base/banned.h"

/*
 * Appends the components of p to parts, resolving "." and "..". Returns -1 when ".." would
 * climb above the root.
 */
static int
push_components(struct strv *parts, const char *p)
{
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* empty (a "//") or "." */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (parts->n == 0)
				return -1;
			free(parts->v[--parts->n]);
			parts->v[parts->n] = NULL;
		} else {
			strv_push_take(parts, xstrndup(p, n));
		}
		p += n;
		if (*p == '/')
			p++;
	}
	return 0;
}

static char *
join_components(const struct strv *parts)
{
	struct buf b = BUF_INIT;

	if (parts->n == 0)
		return xstrdup(".");
	for (size_t i = 0; i < parts->n; i++) {
		if (i)
			buf_addch(&b, '/');
		buf_adds(&b, parts->v[i]);
	}
	return buf_detach(&b, NULL);
}

static int
check_name(const char *what, const char *name, struct err **errp)
{
	if (!*name)
		return err_set(errp, ERR_INVALID, "archive %s: empty name", what);
	if (strlen(name) > ARCHIVE_PATH_MAX)
		return err_set(errp, ERR_INVALID, "archive %s: name longer than %d bytes", what,
			       ARCHIVE_PATH_MAX);
	if (name[0] == '/')
		return err_set(errp, ERR_INVALID, "archive %s \"%s\": absolute path", what, name);
	return 0;
}

int
archive_path_clean(const char *name, char **ret, struct err **errp)
{
	_cleanup_strv_ struct strv parts = STRV_INIT;

	if (check_name("entry", name, errp) < 0)
		return -1;
	if (push_components(&parts, name) < 0)
		return err_set(errp, ERR_INVALID, "archive entry \"%s\": path escapes the archive",
			       name);
	*ret = join_components(&parts);
	return 0;
}

int
archive_link_resolve(const char *name, const char *target, char **ret, struct err **errp)
{
	_cleanup_strv_ struct strv parts = STRV_INIT;
	_cleanup_free_ char *dir = NULL;
	const char *slash;

	if (check_name("entry", name, errp) < 0 || check_name("link target", target, errp) < 0)
		return -1;
	slash = strrchr(name, '/');
	dir = slash ? xstrndup(name, (size_t)(slash - name)) : xstrdup("");
	if (push_components(&parts, dir) < 0 || push_components(&parts, target) < 0)
		return err_set(errp, ERR_INVALID,
			       "archive entry \"%s\": link target \"%s\" escapes the archive", name,
			       target);
	*ret = join_components(&parts);
	return 0;
}
