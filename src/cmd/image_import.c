/* nerdc import / image import: a root filesystem tarball becomes a one-layer image. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/image_platforms.h"
#include "image/archive_ops.h"
#include "image/store.h"
#include "base/xalloc.h"
#include "base/banned.h"

CMD(image_import)
{
	const char *message = NULL, *platform = NULL;
	struct strv changes = STRV_INIT;
	struct opt opts[] = {
		OPT_STRINGS('c', "change", &changes, "list",
			    "Apply Dockerfile instruction to the created image"),
		OPT_STRING('m', "message", &message, "string",
			   "Set commit message for imported image"),
		OPT_STRING(0, "platform", &platform, "string",
			   "Set platform if server is multi-platform capable"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_strv_ struct strv owned = STRV_INIT;
	_cleanup_free_ char *name = NULL, *stored = NULL, *config = NULL;
	_cleanup_close_ int fd = -1;
	struct image_import_opts io = { .message = NULL };
	struct img_desc target = { 0 };
	struct platform_matcher m;
	struct ctd *c;
	int r;

	argc = opt_parse(cli, opts, argc, argv, "import [OPTIONS] file|URL|- [REPOSITORY[:TAG]]",
			 "Import the contents from a tarball to create a filesystem image", 1,
			 OPT_PARSE_MAX_ARGS(2));
	owned = changes;
	if (argc < 0)
		return opt_exit_code(argc);
	if (owned.n) {
		err_set(&err, ERR_UNIMPLEMENTED, "import --change: not implemented yet");
		return cmd_fail(cli, err);
	}
	if (strncmp(argv[0], "http://", 7) == 0 || strncmp(argv[0], "https://", 8) == 0) {
		err_set(&err, ERR_UNIMPLEMENTED, "import from a URL: not implemented yet");
		return cmd_fail(cli, err);
	}
	if (argc == 2 && !(name = img_normalize_name(argv[1], &err)))
		return cmd_fail(cli, err);
	if (platform && *platform) {
		if (platform_parse(platform, &io.platform, &err) < 0)
			return cmd_fail(cli, err);
	} else {
		platform_host(&io.platform);
	}
	if (strcmp(argv[0], "-") != 0) {
		fd = open(argv[0], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			err_sys(&err, errno, "open %s", argv[0]);
			return cmd_fail(cli, err);
		}
	}
	if (cli_config(cli, &err) < 0 || !(c = cli_ctd(cli, &err)))
		return cmd_fail(cli, err);
	io.name = name;
	io.message = message;
	io.snapshotter = cli->g.snapshotter;
	if (image_import(c, fd >= 0 ? fd : STDIN_FILENO, &io, &stored, &target, &err) < 0)
		return cmd_fail(cli, err);
	platform_matcher_only(&m, &io.platform);
	r = archive_unpack(c, cli->g.snapshotter, &target, &m, &config, &err);
	img_desc_release(&target);
	if (r < 0)
		return cmd_fail(cli, err);
	/* Docker prints the new image's ID. */
	printf("%s\n", config);
	return 0;
}
