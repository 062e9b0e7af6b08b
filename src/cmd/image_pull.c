/* nerdc pull / image pull: an image from a registry into containerd, with progress. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/image_platforms.h"
#include "cmd/regopts.h"
#include "cmd/util.h"
#include "image/manifest.h"
#include "image/pull.h"
#include "base/banned.h"

/* Redraw the TTY table at most this often. */
#define REDRAW_MS 100

static volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
	interrupted = sig;
}

struct row {
	char *key;		/* "layer-sha256:..." as containerd names ingests */
	const char *status;
	int64_t done, total;
};

struct progress {
	bool tty;
	bool quiet;
	FILE *out;
	const char *name;
	struct row *rows;
	size_t n;
	size_t drawn;		/* lines printed by the last redraw */
	int64_t last_draw_ms;
	int64_t start_ms;
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *
kind_prefix(const char *media_type)
{
	switch (img_media_kind(media_type)) {
	case IMG_KIND_INDEX:
		return "index";
	case IMG_KIND_MANIFEST:
		return "manifest";
	case IMG_KIND_CONFIG:
		return "config";
	case IMG_KIND_LAYER:
		return "layer";
	default:
		return "blob";
	}
}

static struct row *
row_get(struct progress *p, const struct img_pull_status *st)
{
	_cleanup_free_ char *key = xasprintf("%s-%s", kind_prefix(st->media_type), st->digest);

	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->rows[i].key, key))
			return &p->rows[i];
	p->rows = xrealloc(p->rows, (p->n + 1) * sizeof(*p->rows));
	p->rows[p->n] = (struct row){ TAKE_PTR(key), "waiting", 0, st->total };
	return &p->rows[p->n++];
}

static void
draw(struct progress *p, bool final)
{
	char a[32], b[32];
	int64_t total = 0, t = now_ms();

	if (!final && t - p->last_draw_ms < REDRAW_MS)
		return;
	p->last_draw_ms = t;
	if (p->drawn)
		fprintf(p->out, "\033[%zuA", p->drawn);
	fprintf(p->out, "\033[2K%s: resolved\n", p->name);
	for (size_t i = 0; i < p->n; i++) {
		struct row *r = &p->rows[i];
		char bar[41];
		int fill = r->total > 0 ? (int)(40 * r->done / r->total) : 40;

		memset(bar, '+', (size_t)fill);
		memset(bar + fill, ' ', (size_t)(40 - fill));
		bar[40] = '\0';
		bytes_size((double)r->done, a, sizeof(a));
		bytes_size((double)r->total, b, sizeof(b));
		fprintf(p->out, "\033[2K%-80.80s %-11s |%s| %s/%s\n", r->key, r->status, bar, a, b);
		total += r->done;
	}
	bytes_size((double)total, a, sizeof(a));
	fprintf(p->out, "\033[2Kelapsed: %.1f s total: %s\n", (double)(t - p->start_ms) / 1000, a);
	p->drawn = p->n + 2;
	fflush(p->out);
}

static void
on_progress(void *arg, const struct img_pull_status *st)
{
	struct progress *p = arg;
	struct row *r;

	if (p->quiet)
		return;
	if (st->event == IMG_PULL_RESOLVED) {
		if (!p->tty)
			fprintf(p->out, "%s: resolved %s\n", p->name, st->digest);
		return;
	}
	r = row_get(p, st);
	switch (st->event) {
	case IMG_PULL_WAITING:
		r->status = "waiting";
		break;
	case IMG_PULL_PROGRESS:
		r->status = "downloading";
		r->done = st->done;
		break;
	case IMG_PULL_EXISTS:
	case IMG_PULL_DONE:
		r->status = st->event == IMG_PULL_EXISTS ? "exists" : "done";
		r->done = r->total;
		if (!p->tty)
			fprintf(p->out, "%s: %s\n", r->key, r->status);
		break;
	case IMG_PULL_UNPACKING:
		r->status = "unpacking";
		break;
	case IMG_PULL_UNPACKED:
		r->status = st->done ? "unpacked" : "extracted";
		if (!p->tty)
			fprintf(p->out, "%s: %s\n", r->key, st->done ? "already unpacked" : "unpacked");
		break;
	case IMG_PULL_RESOLVED:
		break;
	}
	if (p->tty)
		draw(p, false);
}

/* nerdctl's --unpack: "auto" unpacks unless several platforms are pulled. */
static int
parse_unpack(const char *s, bool all_platforms, bool *ret, struct err **errp)
{
	if (!strcmp(s, "auto"))
		*ret = !all_platforms;
	else if (!strcmp(s, "true"))
		*ret = true;
	else if (!strcmp(s, "false"))
		*ret = false;
	else
		return err_set(errp, ERR_USAGE, "invalid --unpack value \"%s\": want auto, true or false",
			       s);
	return 0;
}

CMD(image_pull)
{
	bool quiet = false, all_platforms = false;
	const char *unpack_s = "auto";
	_cleanup_strv_ struct strv platforms = STRV_INIT;
	struct opt opts[] = {
		OPT_BOOL(0, "all-platforms", &all_platforms, "Pull content for all platforms"),
		OPT_STRINGS(0, "platform", &platforms, "strings",
			    "Pull content for a specific platform"),
		OPT_BOOL('q', "quiet", &quiet, "Suppress verbose output"),
		OPT_STRING_D(0, "unpack", &unpack_s, "string", "Unpack the image for the current single platform (auto/true/false)", "auto"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	struct platform_matcher m;
	struct reg_opts ro;
	struct img_pull_opts po = { 0 };
	struct img_pull_result res = { 0 };
	struct progress p = { 0 };
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
	struct ctd *c;
	int r;

	argc = opt_parse(cli, opts, argc, argv, "pull [OPTIONS] NAME[:TAG|@DIGEST]",
			 "Pull an image from a registry", 1, OPT_PARSE_MAX_ARGS(1));
	if (argc < 0)
		return opt_exit_code(argc);
	if (image_platform_flags(&platforms, all_platforms, &m, &err) < 0 ||
	    parse_unpack(unpack_s, all_platforms, &po.unpack, &err) < 0 ||
	    cmd_reg_opts(cli, &ro, &err) < 0)
		return cmd_fail(cli, err);
	c = cli_ctd(cli, &err);
	if (!c)
		return cmd_fail(cli, err);

	p.quiet = quiet;
	p.out = stderr;
	p.tty = isatty(STDERR_FILENO);
	p.name = argv[0];
	p.start_ms = now_ms();
	po.platforms = &m;
	po.all_platforms = all_platforms;
	po.snapshotter = cli->g.snapshotter;
	po.reg = &ro;
	po.progress = on_progress;
	po.progress_arg = &p;
	po.cancel = (volatile int *)&interrupted;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	r = img_pull(c, argv[0], &po, &res, &err);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (p.tty && !quiet && p.n)
		draw(&p, true);
	for (size_t i = 0; i < p.n; i++)
		free(p.rows[i].key);
	free(p.rows);
	if (r < 0) {
		if (interrupted)
			err->exit_code = 128 + interrupted;
		return cmd_fail(cli, err);
	}
	if (!quiet && !p.tty)
		fprintf(stderr, "elapsed: %.1f s\n", (double)(now_ms() - p.start_ms) / 1000);
	img_pull_result_release(&res);
	return 0;
}
