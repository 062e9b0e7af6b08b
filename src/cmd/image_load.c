/* nerdc load / image load: images from a Docker or OCI archive, unpacked. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/image_platforms.h"
#include "image/archive_ops.h"
#include "registry/reference.h"
#include "base/xalloc.h"
#include "base/banned.h"

/*
 * Unpacks target for m; without --platform an image of another platform is unpacked
 * anyway (Docker loads and unpacks whatever the archive holds).
 */
static int
image_unpack_loaded(struct ctd *c, const char *snapshotter, const struct img_desc *target,
		    const struct platform_matcher *m, bool platform_set, char **ret_config,
		    struct err **errp)
{
	_cleanup_err_ struct err *err = NULL;
	struct platform_matcher any;

	if (archive_unpack(c, snapshotter, target, m, ret_config, &err) == 0)
		return 0;
	if (platform_set || err->kind != ERR_NOT_FOUND)
		return err_move(errp, &err);
	platform_matcher_all(&any);
	return archive_unpack(c, snapshotter, target, &any, ret_config, errp);
}

/* Docker's "Loaded image: busybox:latest" (familiar name) or "Loaded image ID: ...". */
static void
print_loaded(const struct archive_image *img, const char *config)
{
	_cleanup_ref_ struct ref *r = NULL;
	_cleanup_free_ char *fam = NULL;

	if (!img->tagged || ref_parse(img->name, &r, NULL) < 0) {
		printf("Loaded image ID: %s\n", config);
		return;
	}
	fam = ref_familiar(r);
	printf("Loaded image: %s\n", fam);
}

CMD(image_load)
{
	const char *input = NULL;
	bool all = false, quiet = false;
	struct strv platforms = STRV_INIT;
	struct opt opts[] = {
		OPT_BOOL(0, "all-platforms", &all, "Import content for all platforms"),
		OPT_STRING('i', "input", &input, "string",
			   "Read from tar archive file, instead of STDIN"),
		OPT_STRINGS(0, "platform", &platforms, "stringSlice",
			    "Import content for a specific platform"),
		OPT_BOOL('q', "quiet", &quiet, "Suppress the load output"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_strv_ struct strv owned = STRV_INIT;
	_cleanup_close_ int fd = -1;
	struct archive_image *imgs = NULL;
	struct platform_matcher m;
	struct archive_load_opts lo = { .m = &m };
	struct ctd *c;
	size_t n = 0;
	int r = 0;

	argc = opt_parse(cli, opts, argc, argv, "load [OPTIONS]",
			 "Load an image from a tar archive or STDIN", 0, OPT_PARSE_NO_ARGS);
	owned = platforms;
	if (argc < 0)
		return opt_exit_code(argc);
	if (input && *input) {
		fd = open(input, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			err_sys(&err, errno, "open %s", input);
			return cmd_fail(cli, err);
		}
	} else if (isatty(STDIN_FILENO)) {
		err_set(&err, ERR_INVALID, "requested load from stdin, but stdin is empty");
		return cmd_fail(cli, err);
	}
	lo.platform_set = all || owned.n;
	if (image_platform_flags(&owned, all, &m, &err) < 0 || cli_config(cli, &err) < 0)
		return cmd_fail(cli, err);
	lo.snapshotter = cli->g.snapshotter;
	c = cli_ctd(cli, &err);
	if (!c || image_archive_load(c, fd >= 0 ? fd : STDIN_FILENO, &lo, &imgs, &n, &err) < 0)
		return cmd_fail(cli, err);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *config = NULL;

		if (image_unpack_loaded(c, cli->g.snapshotter, &imgs[i].target, &m, lo.platform_set,
					&config, &err) < 0) {
			err_wrap(&err, "%s", imgs[i].name);
			r = cmd_fail(cli, err);
			break;
		}
		print_loaded(&imgs[i], config);
	}
	(void)quiet;	/* Docker's -q only hides progress, which load does not show */
	archive_images_free(imgs, n);
	return r;
}
