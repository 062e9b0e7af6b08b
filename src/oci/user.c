/* User and group resolution against the image's /etc/passwd and /etc/group, with runc's rules. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/fs.h"
#include "base/xalloc.h"
#include "oci/internal.h"

#include "base/banned.h"

#define ETC_FILE_MAX (4u << 20)

/* Strict decimal id in runc's range; -1 when s is not a number. */
static int64_t
parse_id(const char *s)
{
	char *end;
	long long v;

	if (!*s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end || errno)
		return -1;
	return v;
}

/* Reads rootfs/etc/<name>; 1 = read, 0 = absent (or no rootfs). */
static int
read_etc(const char *rootfs, const char *name, struct buf *out, struct err **errp)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_err_ struct err *err = NULL;

	if (!rootfs)
		return 0;
	path = xasprintf("%s/etc/%s", rootfs, name);
	if (fs_read_file(path, ETC_FILE_MAX, out, &err) < 0) {
		if (err->sys_errno == ENOENT || err->sys_errno == ENOTDIR)
			return 0;
		return err_move(errp, &err);
	}
	return 1;
}

/* Splits one colon-separated line into at most n fields (missing ones are ""). */
static void
split_fields(char *line, char **f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		f[i] = line;
		if (line) {
			char *c = strchr(line, ':');

			if (c)
				*c++ = '\0';
			line = c;
		}
		if (!f[i])
			f[i] = (char *)"";
	}
}

/* Calls fn(fields, ctx) for each non-empty, non-comment line; stops when fn returns 1. */
static void
each_line(char *data, size_t nfields, int (*fn)(char **f, void *ctx), void *ctx)
{
	char *save = NULL;

	for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[7];

		while (*line == ' ' || *line == '\t')
			line++;
		if (!*line || *line == '#')
			continue;
		split_fields(line, f, nfields);
		if (fn(f, ctx))
			return;
	}
}

struct pw_match {
	const char *want;
	int64_t want_id;
	int found;
	char *name;
	int64_t uid, gid;
};

static int
pw_cb(char **f, void *ctx)
{
	struct pw_match *m = ctx;
	int64_t uid = parse_id(f[2]), gid = parse_id(f[3]);

	if (strcmp(f[0], m->want) != 0 && !(m->want_id >= 0 && uid == m->want_id))
		return 0;
	m->found = 1;
	m->name = xstrdup(f[0]);
	m->uid = uid < 0 ? 0 : uid;
	m->gid = gid < 0 ? 0 : gid;
	return 1;
}

struct gr_match {
	const char *want;	/* NULL: collect groups listing user */
	int64_t want_id;
	const char *user;
	int found;
	int64_t gid;
	struct oci_user *u;
};

static void
add_gid(struct oci_user *u, uint32_t gid)
{
	u->gids = xrealloc(u->gids, (u->n_gids + 1) * sizeof(*u->gids));
	u->gids[u->n_gids++] = gid;
}

static int
gr_cb(char **f, void *ctx)
{
	struct gr_match *m = ctx;
	int64_t gid = parse_id(f[2]);

	if (m->want) {
		if (strcmp(f[0], m->want) != 0 && !(m->want_id >= 0 && gid == m->want_id))
			return 0;
		m->found = 1;
		m->gid = gid < 0 ? 0 : gid;
		return 1;
	}
	if (!m->user || gid < 0)
		return 0;
	for (char *save = NULL, *u = strtok_r(f[3], ",", &save); u; u = strtok_r(NULL, ",", &save))
		if (strcmp(u, m->user) == 0) {
			add_gid(m->u, (uint32_t)gid);
			break;
		}
	return 0;
}

/*
 * Looks a group up by name or number; numbers not in the file are used as they are.
 * Returns 1 for an unknown name (the caller words the error).
 */
static int
find_group(const struct buf *group, int have, const char *spec, int64_t *ret, struct err **errp)
{
	struct gr_match m = { .want = spec, .want_id = parse_id(spec) };

	if (have) {
		_cleanup_free_ char *copy = xstrndup(group->data, group->len);

		each_line(copy, 4, gr_cb, &m);
	}
	if (m.found) {
		*ret = m.gid;
		return 0;
	}
	if (m.want_id < 0)
		return 1;
	if (m.want_id > INT32_MAX)
		return err_set(errp, ERR_INVALID, "uids and gids must be in range 0-2147483647");
	*ret = m.want_id;
	return 0;
}

int
user_resolve(const char *rootfs, const char *spec, const struct strv *group_add,
	     struct oci_user *ret, struct err **errp)
{
	_cleanup_buf_ struct buf passwd = BUF_INIT, group = BUF_INIT;
	_cleanup_free_ char *user_arg = NULL, *name = NULL;
	const char *group_arg = NULL;
	struct oci_user u = { 0 };
	struct pw_match pm = { 0 };
	int have_pw, have_gr;
	char *colon;

	have_pw = read_etc(rootfs, "passwd", &passwd, errp);
	if (have_pw < 0)
		return -1;
	have_gr = read_etc(rootfs, "group", &group, errp);
	if (have_gr < 0)
		return -1;

	user_arg = xstrdup(spec && *spec ? spec : "0");
	colon = strchr(user_arg, ':');
	if (colon) {
		*colon = '\0';
		group_arg = colon + 1;
	}
	if (!*user_arg) {
		free(user_arg);
		user_arg = xstrdup("0");
	}
	pm.want = user_arg;
	pm.want_id = parse_id(user_arg);
	if (have_pw) {
		_cleanup_free_ char *copy = xstrndup(passwd.data, passwd.len);

		each_line(copy, 7, pw_cb, &pm);
	}
	name = pm.name;
	if (pm.found) {
		u.uid = (uint32_t)pm.uid;
		u.gid = (uint32_t)pm.gid;
	} else {
		if (pm.want_id < 0)
			return err_set(errp, ERR_INVALID,
				       "unable to find user %s: no matching entries in passwd file",
				       user_arg);
		if (pm.want_id > INT32_MAX)
			return err_set(errp, ERR_INVALID,
				       "uids and gids must be in range 0-2147483647");
		u.uid = (uint32_t)pm.want_id;
	}

	if (group_arg && *group_arg) {
		int64_t gid;
		int r = find_group(&group, have_gr, group_arg, &gid, errp);

		if (r < 0)
			return -1;
		if (r > 0)
			return err_set(errp, ERR_INVALID,
				       "unable to find group %s: no matching entries in group file",
				       group_arg);
		u.gid = (uint32_t)gid;
		add_gid(&u, u.gid);
	} else {
		struct gr_match m = { .user = name, .u = &u };

		/* Docker lists the primary group first, then the user's groups. */
		add_gid(&u, u.gid);
		if (have_gr && name) {
			_cleanup_free_ char *copy = xstrndup(group.data, group.len);

			each_line(copy, 4, gr_cb, &m);
		}
	}
	for (size_t i = 0; group_add && i < group_add->n; i++) {
		int64_t gid;
		int r = find_group(&group, have_gr, group_add->v[i], &gid, errp);

		if (r != 0) {
			user_release(&u);
			if (r > 0)
				err_set(errp, ERR_INVALID, "Unable to find group %s", group_add->v[i]);
			return -1;
		}
		add_gid(&u, (uint32_t)gid);
	}
	*ret = u;
	return 0;
}

void
user_release(struct oci_user *u)
{
	free(u->gids);
	u->gids = NULL;
	u->n_gids = 0;
}
