/* nerdc save / image save: images as one tar (OCI layout + Docker manifest.json). */
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/image_platforms.h"
#include "ctd/ctd.h"
#include "image/archive_ops.h"
#include "image/store.h"
#include "base/xalloc.h"
#include "base/banned.h"

/*
 * Writes through a temporary file beside path, renamed into place on success, as Docker's
 * CopyToFile does: a failed save leaves no half-written archive.
 */
static int
save_to_file(struct ctd *c, CtdImage *const *imgs, size_t n, const struct platform_matcher *m,
	     bool all, const char *path, struct err **errp)
{
	const char *slash = strrchr(path, '/');
	_cleanup_free_ char *dir = slash ? xstrndup(path, (size_t)(slash - path + 1)) : xstrdup("");
	_cleanup_free_ char *tmp = xasprintf("%s.docker_temp_XXXXXX", dir);
	_cleanup_close_ int fd = mkostemp(tmp, O_CLOEXEC);

	if (fd < 0)
		return err_sys(errp, errno, "create %s", tmp);
	if (image_archive_save(c, imgs, n, m, all, fd, errp) < 0)
		goto fail;
	if (fchmod(fd, 0644) < 0 || fsync(fd) < 0) {
		err_sys(errp, errno, "write %s", tmp);
		goto fail;
	}
	if (rename(tmp, path) < 0) {
		err_sys(errp, errno, "rename %s to %s", tmp, path);
		goto fail;
	}
	return 0;
fail:
	unlink(tmp);
	return -1;
}

CMD(image_save)
{
	const char *output = NULL;
	bool all = false;
	struct strv platforms = STRV_INIT;
	struct opt opts[] = {
		OPT_BOOL(0, "all-platforms", &all, "Export content for all platforms"),
		OPT_STRING('o', "output", &output, "string", "Write to a file, instead of STDOUT"),
		OPT_STRINGS(0, "platform", &platforms, "stringSlice",
			    "Export content for a specific platform"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_strv_ struct strv owned = STRV_INIT;
	CtdImage **imgs = NULL;
	struct platform_matcher m;
	struct ctd *c;
	size_t n = 0;
	int r = 0;

	argc = opt_parse(cli, opts, argc, argv, "save [OPTIONS] IMAGE [IMAGE...]",
			 "Save one or more images to a tar archive (streamed to STDOUT by default)",
			 1, 0);
	owned = platforms;
	if (argc < 0)
		return opt_exit_code(argc);
	if ((!output || !*output) && isatty(STDOUT_FILENO)) {
		err_set(&err, ERR_INVALID,
			"cowardly refusing to save to a terminal. Use the -o flag or redirect");
		return cmd_fail(cli, err);
	}
	if (image_platform_flags(&owned, all, &m, &err) < 0)
		return cmd_fail(cli, err);
	c = cli_ctd(cli, &err);
	if (!c)
		return cmd_fail(cli, err);
	imgs = xnew(CtdImage *, (size_t)argc + 1);
	for (int i = 0; i < argc && r == 0; i++) {
		if (img_resolve(c, argv[i], &imgs[n], &err) < 0)
			r = -1;
		else
			n++;
	}
	if (r == 0) {
		if (output && *output)
			r = save_to_file(c, imgs, n, &m, all, output, &err);
		else
			r = image_archive_save(c, imgs, n, &m, all, STDOUT_FILENO, &err);
	}
	for (size_t i = 0; i < n; i++)
		ctd_msg_free(imgs[i]);
	free(imgs);
	return r < 0 ? cmd_fail(cli, err) : 0;
}
