/*
 * nerdc push / image push: uploads a local image (image/push.h) with Docker's output: "The
 * push refers to repository [...]", one line per layer ("Preparing", "Pushed", "Layer
 * already exists"; redrawn in place with a bar on a terminal), and the closing
 * "TAG: digest: sha256:... size: N".
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/regopts.h"
#include "cmd/util.h"
#include "image/manifest.h"
#include "image/push.h"
#include "registry/reference.h"
#include "base/banned.h"

#define BAR_WIDTH 50
#define REDRAW_NS 100000000LL	/* at most ten redraws a second per layer */

struct layer_line {
	char id[16];
	char text[200];
	int64_t last_ns;
};

struct progress {
	bool tty;
	size_t n;
	struct layer_line *v;
};

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static struct layer_line *
line_for(struct progress *pg, const char *digest, bool add)
{
	const char *hex = strchr(digest, ':') ? strchr(digest, ':') + 1 : digest;
	char id[16];

	snprintf(id, sizeof(id), "%.12s", hex);
	for (size_t i = 0; i < pg->n; i++)
		if (!strcmp(pg->v[i].id, id))
			return &pg->v[i];
	if (!add)
		return NULL;
	pg->v = xrealloc(pg->v, (pg->n + 1) * sizeof(*pg->v));
	memset(&pg->v[pg->n], 0, sizeof(*pg->v));
	memcpy(pg->v[pg->n].id, id, sizeof(id));
	if (pg->tty)
		printf("\n");	/* the line the layer will be drawn on */
	return &pg->v[pg->n++];
}

/* Docker's jsonmessage bar: "[=====>      ]  1.23MB/4.56MB". */
static void
bar(char *out, size_t n, int64_t done, int64_t total)
{
	char cur[32], tot[32], fill[BAR_WIDTH + 1], rest[BAR_WIDTH + 1];
	int k = total > 0 ? (int)(done * BAR_WIDTH / total) : 0;

	if (k > BAR_WIDTH)
		k = BAR_WIDTH;
	memset(fill, '=', (size_t)k);
	fill[k] = '\0';
	memset(rest, ' ', (size_t)(BAR_WIDTH - k));
	rest[BAR_WIDTH - k] = '\0';
	human_size((double)done, cur, sizeof(cur));
	human_size((double)total, tot, sizeof(tot));
	snprintf(out, n, "[%s>%s] %8s/%s", fill, rest, cur, tot);
}

static void
show(struct progress *pg, struct layer_line *l, const char *text)
{
	snprintf(l->text, sizeof(l->text), "%s", text);
	if (!pg->tty) {
		printf("%s: %s\n", l->id, l->text);
	} else {
		size_t up = pg->n - (size_t)(l - pg->v);

		printf("\033[%zuA\r\033[2K%s: %s\033[%zuB\r", up, l->id, l->text, up);
	}
	fflush(stdout);
}

static void
on_progress(void *arg, const struct img_push_status *st)
{
	struct progress *pg = arg;
	struct layer_line *l;
	char text[200];

	/* Docker lists layers only, not the config or the manifests. */
	if (img_media_kind(st->media_type) != IMG_KIND_LAYER)
		return;
	switch (st->event) {
	case IMG_PUSH_WAITING:
		show(pg, line_for(pg, st->digest, true), "Preparing");
		break;
	case IMG_PUSH_EXISTS:
		show(pg, line_for(pg, st->digest, true), "Layer already exists");
		break;
	case IMG_PUSH_DONE:
		show(pg, line_for(pg, st->digest, true), "Pushed");
		break;
	case IMG_PUSH_PROGRESS:
		if (!pg->tty || !(l = line_for(pg, st->digest, false)))
			break;
		if (st->done < st->total && now_ns() - l->last_ns < REDRAW_NS)
			break;
		l->last_ns = now_ns();
		snprintf(text, sizeof(text), "Pushing ");
		bar(text + 8, sizeof(text) - 8, st->done, st->total);
		show(pg, l, text);
		break;
	case IMG_PUSH_MANIFEST:
		break;
	}
}

static int
platform_cb(const struct opt *o, const char *value, struct err **errp)
{
	struct platform_matcher *m = o->value;
	_cleanup_strv_ struct strv parts = STRV_INIT;

	strv_split(&parts, value, ',');
	for (size_t i = 0; i < parts.n; i++) {
		if (m->n >= PLATFORM_MATCHER_MAX)
			return err_set(errp, ERR_INVALID, "too many platforms");
		if (platform_parse(parts.v[i], &m->want[m->n], errp) < 0)
			return -1;
		m->n++;
	}
	return 0;
}

CMD(image_push)
{
	bool all_platforms = false, quiet = false;
	int64_t chunk = 0;
	struct platform_matcher platforms = { 0 };
	struct opt opts[] = {
		OPT_BOOL(0, "all-platforms", &all_platforms, "Push content for all platforms"),
		OPT_FULL(OPT_T_BYTES, 0, "chunk-size", &chunk, "bytes",
			 "Upload blobs in chunks of this size (0: one request per blob)", NULL,
			 OPT_HIDDEN, NULL),
		OPT_CALLBACK(0, "platform", &platforms, "strings",
			     "Push content for a specific platform", platform_cb),
		OPT_BOOL('q', "quiet", &quiet, "Suppress verbose output"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(img_push_result_release) struct img_push_result res = { 0 };
	_cleanup_ref_ struct ref *named = NULL;
	_cleanup_free_ char *shown = NULL;
	struct progress pg = { .tty = isatty(STDOUT_FILENO) == 1 };
	struct img_push_opts po = { .all_platforms = all_platforms };
	struct reg_opts ro;
	struct ctd *c;
	int rc;

	argc = opt_parse(cli, opts, argc, argv, "push [OPTIONS] NAME[:TAG]",
			 "Push an image to a registry", 1, OPT_PARSE_MAX_ARGS(1));
	if (argc < 0)
		return opt_exit_code(argc);
	po.all_platforms = all_platforms;
	if (platforms.n && all_platforms) {
		err_set(&err, ERR_INVALID, "--platform and --all-platforms are mutually exclusive");
		return cmd_fail(cli, err);
	}
	if (chunk < 0) {
		err_set(&err, ERR_INVALID, "--chunk-size must not be negative");
		return cmd_fail(cli, err);
	}
	if (ref_parse_name_only(argv[0], &named, &err) < 0)
		return cmd_fail(cli, err);
	c = cli_ctd(cli, &err);
	if (!c || cmd_reg_opts(cli, &ro, &err) < 0)
		return cmd_fail(cli, err);
	po.platforms = platforms.n ? &platforms : NULL;
	po.chunk_size = (size_t)chunk;
	po.reg = &ro;
	if (!quiet) {
		_cleanup_free_ char *repo = ref_name(named);

		po.progress = on_progress;
		po.progress_arg = &pg;
		printf("The push refers to repository [%s]\n", repo);
		fflush(stdout);
	}
	rc = img_push(c, argv[0], &po, &res, &err);
	free(pg.v);
	if (rc < 0)
		return cmd_fail(cli, err);
	if (quiet) {
		/* Docker prints the reference as parsed, without adding ":latest". */
		shown = ref_string(named);
		printf("%s\n", shown);
	} else if (res.tag) {
		printf("%s: digest: %s size: %lld\n", res.tag, res.digest, (long long)res.size);
	} else {
		printf("digest: %s size: %lld\n", res.digest, (long long)res.size);
	}
	return 0;
}
