/*
 * nerdc cp: files between a container and the host, either way, or as a tar stream ("-");
 * container paths are resolved inside its root (see container/copy.h).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "cli/opt.h"
#include "cmd/cmd.h"
#include "container/container.h"
#include "container/copy.h"
#include "base/banned.h"

/* Docker's splitCpArg: "CONTAINER:PATH", unless the argument is a local path ("/x", "./x"). */
static void
split_arg(const char *arg, char **ret_ctr, const char **ret_path)
{
	const char *colon = strchr(arg, ':');

	*ret_ctr = NULL;
	*ret_path = arg;
	if (arg[0] == '/' || arg[0] == '.' || !colon || colon == arg)
		return;
	*ret_ctr = xstrndup(arg, (size_t)(colon - arg));
	*ret_path = colon + 1;
}

static char *
last_name(const char *path)
{
	const char *end = path + strlen(path), *s;

	while (end > path && end[-1] == '/')
		end--;
	s = end;
	while (s > path && s[-1] != '/')
		s--;
	return xstrndup(s, (size_t)(end - s));
}

/* Whether path exists on side s (following symlinks) and is a directory. */
static bool
probe(const struct cp_side *s, const char *path, bool *ret_is_dir)
{
	struct stat st;
	int fd;

	*ret_is_dir = false;
	if (cp_resolve(s, path, true, &fd, NULL) < 0)
		return false;
	*ret_is_dir = fstatat(fd, "", &st, AT_EMPTY_PATH) == 0 && S_ISDIR(st.st_mode);
	close(fd);
	return true;
}

/*
 * Copies the resolved source sfd (closed here) to dst on side to, by Docker's rules;
 * name: the container, for "Could not find" when dst's directory is missing there.
 */
static int
copy_to(int sfd, const char *src, const struct cp_side *to, const char *dst, const char *name,
	bool archive, struct err **errp)
{
	struct cp_plan plan;
	struct stat st;
	bool dst_dir, dst_exists;
	int dfd = -1, rc;

	fstatat(sfd, "", &st, AT_EMPTY_PATH);
	dst_exists = probe(to, dst, &dst_dir);
	rc = cp_plan_make(src, S_ISDIR(st.st_mode), dst, dst_exists, dst_dir, &plan, errp);
	if (rc == 0 && cp_resolve(to, plan.dst_dir, true, &dfd, errp) < 0) {
		if (name && (*errp)->kind == ERR_NOT_FOUND) {
			err_clear(errp);
			err_set(errp, ERR_NOT_FOUND, "Could not find the file %s in container %s",
				plan.dst_dir, name);
		}
		rc = -1;
	}
	if (rc == 0)
		rc = cp_copy(sfd, dfd, plan.dst_name, archive, errp);
	if (dfd >= 0)
		close(dfd);
	close(sfd);
	cp_plan_release(&plan);
	return rc;
}

static int
copy_out(const struct cp_side *ctr, const char *name, const char *src, const char *dst,
	 bool follow, bool archive, struct err **errp)
{
	struct cp_side host = { -1 };
	int sfd, rc;

	if (cp_resolve(ctr, src, follow, &sfd, errp) < 0) {
		if ((*errp)->kind == ERR_NOT_FOUND) {
			err_clear(errp);
			return err_set(errp, ERR_NOT_FOUND,
				       "Could not find the file %s in container %s", src, name);
		}
		return -1;
	}
	if (!strcmp(dst, "-")) {
		_cleanup_free_ char *base = last_name(src);

		rc = cp_tar_out(sfd, *base ? base : ".", STDOUT_FILENO, errp);
		close(sfd);
		return rc;
	}
	return copy_to(sfd, src, &host, dst, NULL, archive, errp);
}

static int
copy_in(const struct cp_side *ctr, const char *name, const char *src, const char *dst,
	bool follow, bool archive, struct err **errp)
{
	struct cp_side host = { -1 };
	bool dst_dir;
	int sfd, dfd, rc;

	if (!strcmp(src, "-")) {
		if (!probe(ctr, dst, &dst_dir))
			return err_set(errp, ERR_NOT_FOUND,
				       "Could not find the file %s in container %s", dst, name);
		if (!dst_dir)
			return err_set(errp, ERR_INVALID,
				       "destination \"%s:%s\" must be a directory", name, dst);
		if (cp_resolve(ctr, dst, true, &dfd, errp) < 0)
			return -1;
		rc = cp_tar_in(STDIN_FILENO, dfd, errp);
		close(dfd);
		return rc;
	}
	if (cp_resolve(&host, src, follow, &sfd, errp) < 0) {
		if ((*errp)->kind == ERR_NOT_FOUND) {
			err_clear(errp);
			return err_set(errp, ERR_NOT_FOUND, "lstat %s: no such file or directory",
				       src);
		}
		return -1;
	}
	return copy_to(sfd, src, ctr, dst, name, archive, errp);
}

CMD(container_cp)
{
	bool follow = false, archive = false;
	struct opt opts[] = {
		OPT_BOOL('a', "archive", &archive, "Archive mode (copy all uid/gid information)"),
		OPT_BOOL('L', "follow-link", &follow, "Always follow symbol link in SRC_PATH"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(ctd_msg_freep) CtdContainer *rec = NULL;
	_cleanup_free_ char *src_ctr = NULL;
	_cleanup_free_ char *dst_ctr = NULL;
	struct cp_root root = CP_ROOT_INIT;
	const char *src, *dst;
	struct ctd *c;
	int rc;

	argc = opt_parse(cli, opts, argc, argv,
			 "cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n"
			 "\tnerdc cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH",
			 "Copy files/folders between a container and the local filesystem", 2,
			 OPT_PARSE_MAX_ARGS(2));
	if (argc < 0)
		return opt_exit_code(argc);
	split_arg(argv[0], &src_ctr, &src);
	split_arg(argv[1], &dst_ctr, &dst);
	if (src_ctr && dst_ctr) {
		err_set(&err, ERR_INVALID, "copying between containers is not supported");
		return cmd_fail(cli, err);
	}
	if (!src_ctr && !dst_ctr) {
		err_set(&err, ERR_INVALID, "must specify at least one container source");
		return cmd_fail(cli, err);
	}
	c = cli_ctd(cli, &err);
	if (!c || container_find(c, src_ctr ? src_ctr : dst_ctr, &rec, &err) < 0 ||
	    cp_root_open(c, rec, false, src_ctr != NULL, &root, &err) < 0)
		return cmd_fail(cli, err);
	{
		struct cp_side ctr = { root.fd };

		if (src_ctr)
			rc = copy_out(&ctr, src_ctr, *src ? src : "/", dst, follow, archive, &err);
		else
			rc = copy_in(&ctr, dst_ctr, src, *dst ? dst : "/", follow, archive, &err);
	}
	cp_root_close(&root);
	if (rc < 0)
		return cmd_fail(cli, err);
	return 0;
}
