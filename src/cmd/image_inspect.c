/* nerdc image inspect: Docker-compatible JSON of images (or through -f). */
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "base/json.h"
#include "cli/format.h"
#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/image_platforms.h"
#include "image/inspect.h"
#include "image/store.h"
#include "base/banned.h"

CMD(image_inspect)
{
	const char *format = NULL, *mode = "dockercompat";
	struct strv platforms = STRV_INIT;
	struct opt opts[] = {
		OPT_STRING('f', "format", &format, "string",
			   "Format the output using the given Go template, e.g, '{{json .}}'"),
		OPT_STRING_D(0, "mode", &mode, "string",
			     "Inspect mode, \"dockercompat\" for Docker-compatible output, \"native\" for containerd-native output",
			     "dockercompat"),
		OPT_STRINGS(0, "platform", &platforms, "string",
			    "Inspect a specific platform"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_strv_ struct strv owned = STRV_INIT;
	_cleanup_json_ json_t *items = json_array();
	_cleanup_(ctd_msg_freep) CtdImageList *all = NULL;
	_cleanup_strv_ struct strv errors = STRV_INIT;
	struct ctd *c;
	int r = 0;

	argc = opt_parse(cli, opts, argc, argv, "inspect [OPTIONS] IMAGE [IMAGE...]",
			 "Display detailed information on one or more images", 1, 0);
	owned = platforms;
	if (argc < 0)
		return opt_exit_code(argc);
	if (strcmp(mode, "native") == 0) {
		err_set(&err, ERR_UNIMPLEMENTED, "image inspect --mode=native: not implemented yet");
		return cmd_fail(cli, err);
	}
	if (strcmp(mode, "dockercompat") != 0) {
		err_set(&err, ERR_INVALID, "unknown mode \"%s\"", mode);
		return cmd_fail(cli, err);
	}
	if (cli_config(cli, &err) < 0 || !(c = cli_ctd(cli, &err)) ||
	    ctd_images_list(c, NULL, &all, &err) < 0)
		return cmd_fail(cli, err);
	for (int i = 0; i < argc; i++) {
		_cleanup_(ctd_msg_freep) CtdImage *img = NULL;
		_cleanup_img_view_ struct img_view *v = NULL;
		_cleanup_err_ struct err *e = NULL;
		json_t *item;

		if (img_resolve(c, argv[i], &img, &e) < 0) {
			if (e->kind == ERR_NOT_FOUND)
				strv_pushf(&errors, "No such image: %s", argv[i]);
			else
				strv_push(&errors, e->msg);
			continue;
		}
		if (image_view_for(c, img, &owned, &v, &e) < 0 ||
		    image_inspect_json(c, cli->g.snapshotter, img, all, v, &item, &e) < 0) {
			err_wrap(&e, "%s", argv[i]);
			strv_push(&errors, e->msg);
			continue;
		}
		json_array_append_new(items, item);
	}
	/* Docker prints what it found, then one error line per name it did not. */
	if (fmt_inspect(format, items, stdout, &err) < 0)
		r = cmd_fail(cli, err);
	fflush(stdout);
	for (size_t i = 0; i < errors.n; i++) {
		fprintf(stderr, "Error: %s\n", errors.v[i]);
		r = 1;
	}
	return r;
}
