/* nerdc history / image history: the config's history with each layer's size. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <jansson.h>

#include "cli/format.h"
#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/image_platforms.h"
#include "cmd/util.h"
#include "image/inspect.h"
#include "image/store.h"
#include "base/xalloc.h"
#include "base/banned.h"

static const struct fmt_header history_headers[] = {
	{ "ID", "IMAGE" }, { "CreatedSince", "CREATED" }, { "CreatedAt", "CREATED AT" },
	{ "CreatedBy", "CREATED BY" }, { "Size", "SIZE" }, { "Comment", "COMMENT" },
	{ NULL, NULL },
};

/* Docker's units.HumanSizeWithPrecision(size, 3): decimal units, %.3g. */
static void
human_size3(double size, char *out, size_t n)
{
	static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB" };
	size_t i = 0;

	while (size >= 1000.0 && i + 1 < ARRAY_SIZE(units)) {
		size /= 1000.0;
		i++;
	}
	snprintf(out, n, "%.3g%s", size, units[i]);
}

/* Docker's stringutils.Ellipsis: at most max characters (UTF-8 aware), "..." when cut. */
static char *
ellipsis(const char *s, size_t max)
{
	size_t chars = 0, i, cut = 0;

	for (i = 0; s[i]; i++) {
		if (((unsigned char)s[i] & 0xc0) == 0x80)
			continue;
		if (chars == max - 3)
			cut = i;
		chars++;
	}
	if (chars <= max)
		return xstrdup(s);
	return xasprintf("%.*s...", (int)cut, s);
}

static json_t *
history_row(const struct image_history_row *h, const char *id, bool human, bool no_trunc)
{
	char since[80], at[64], size[32];
	_cleanup_free_ char *by = xstrdup(h->created_by), *shown = NULL;
	time_t t = (time_t)h->created;
	struct tm tm;

	for (char *p = by; *p; p++)
		if (*p == '\t')
			*p = ' ';
	shown = no_trunc ? xstrdup(by) : ellipsis(by, 45);
	if (human) {
		human_ago(h->created, since, sizeof(since));
		human_size3((double)h->size, size, sizeof(size));
	} else {
		gmtime_r(&t, &tm);
		strftime(since, sizeof(since), "%Y-%m-%dT%H:%M:%SZ", &tm);
		snprintf(size, sizeof(size), "%lld", (long long)h->size);
	}
	gmtime_r(&t, &tm);
	strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "ID", id, "CreatedSince", since,
			 "CreatedAt", at, "CreatedBy", shown, "Size", size, "Comment", h->comment);
}

CMD(image_history)
{
	bool human = true, no_trunc = false, quiet = false;
	const char *format = NULL;
	struct opt opts[] = {
		OPT_STRING(0, "format", &format, "string", "Pretty-print images using a Go template"),
		OPT_BOOL_D('H', "human", &human, "Print sizes and dates in human readable format",
			   "true"),
		OPT_BOOL(0, "no-trunc", &no_trunc, "Don't truncate output"),
		OPT_BOOL('q', "quiet", &quiet, "Only show numeric IDs"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(ctd_msg_freep) CtdImage *img = NULL;
	_cleanup_img_view_ struct img_view *v = NULL;
	_cleanup_fmt_ struct fmt *f = NULL;
	_cleanup_free_ struct image_history_row *rows = NULL;
	struct strv none = STRV_INIT;
	struct ctd *c;
	size_t n = 0;

	argc = opt_parse(cli, opts, argc, argv, "history [OPTIONS] IMAGE",
			 "Show the history of an image", 1, OPT_PARSE_MAX_ARGS(1));
	if (argc < 0)
		return opt_exit_code(argc);
	if (cli_config(cli, &err) < 0 || !(c = cli_ctd(cli, &err)) ||
	    img_resolve(c, argv[0], &img, &err) < 0 || image_view_for(c, img, &none, &v, &err) < 0 ||
	    image_history_rows(c, cli->g.snapshotter, v, &rows, &n, &err) < 0)
		return cmd_fail(cli, err);
	if (!quiet && fmt_begin(format,
				"table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}",
				history_headers, stdout, &f, &err) < 0)
		return cmd_fail(cli, err);
	for (size_t i = 0; i < n; i++) {
		/* Docker names only the top entry (the image); the rest are "<missing>". */
		const char *cfg = v->manifest->config.digest;
		_cleanup_free_ char *id = i ? xstrdup("<missing>")
					    : no_trunc ? xstrdup(cfg) : xstrndup(cfg + 7, 12);
		_cleanup_json_ json_t *row = NULL;

		if (quiet) {
			printf("%s\n", id);
			continue;
		}
		row = history_row(&rows[i], id, human, no_trunc);
		if (fmt_row(f, row, &err) < 0)
			return cmd_fail(cli, err);
	}
	if (f && fmt_end(TAKE_PTR(f), &err) < 0)
		return cmd_fail(cli, err);
	return 0;
}
