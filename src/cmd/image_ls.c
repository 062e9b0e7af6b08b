/*
 * nerdc images / image ls: containerd's image records as nerdctl's table, one row per
 * platform present (REPOSITORY TAG IMAGE ID CREATED PLATFORM SIZE BLOB SIZE), with Docker's
 * filters.
 */
#include <fnmatch.h>
#include <regex.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "cli/format.h"
#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/util.h"
#include "ctd/ctd.h"
#include "ctd/images.h"
#include "image/store.h"
#include "registry/reference.h"
#include "base/banned.h"

static const struct fmt_header image_headers[] = {
	{ "Repository", "REPOSITORY" }, { "Tag", "TAG" }, { "ID", "IMAGE ID" },
	{ "CreatedSince", "CREATED" }, { "CreatedAt", "CREATED AT" }, { "Digest", "DIGEST" },
	{ "Name", "NAME" }, { "Platform", "PLATFORM" }, { "Size", "SIZE" },
	{ "BlobSize", "BLOB SIZE" }, { NULL, NULL },
};

/* Splits a containerd image name into Docker's REPOSITORY and TAG ("<none>" when absent). */
static void
repo_tag(const char *name, char **ret_repo, char **ret_tag)
{
	_cleanup_(ref_freep) struct ref *r = NULL;

	if (ref_parse_name_only(name, &r, NULL) < 0) {
		*ret_repo = xstrdup("<none>");
		*ret_tag = xstrdup("<none>");
		return;
	}
	*ret_repo = ref_familiar_name(r);
	*ret_tag = xstrdup(r->tag ? r->tag : "<none>");
}

/* "REPO[:TAG]" argument: does name match it? Docker matches the familiar or full name. */
static int
matches_arg(const char *arg, const char *repo, const char *tag, const char *name)
{
	const char *colon = strrchr(arg, ':');
	size_t rl;

	if (colon && strchr(colon, '/'))
		colon = NULL;
	rl = colon ? (size_t)(colon - arg) : strlen(arg);
	if (colon && strcmp(colon + 1, tag) != 0)
		return 0;
	if (strlen(repo) == rl && strncmp(repo, arg, rl) == 0)
		return 1;
	return strncmp(name, arg, rl) == 0 && (name[rl] == ':' || name[rl] == '@');
}

/* containerd's progress.Bytes, as nerdctl prints SIZE: "%.1f" with binary units. */
static void
progress_bytes(int64_t v, char *out, size_t n)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double f = (double)v;
	size_t i = 0;

	while (f >= 1024 && i < ARRAY_SIZE(units) - 1) {
		f /= 1024;
		i++;
	}
	snprintf(out, n, "%.1f %s", f, units[i]);
}

struct filters {
	int dangling;		/* -1: no filter */
	struct strv refs;	/* reference=PATTERN, all must match */
	struct strv labels;	/* label=KEY[=VALUE], all must match */
	bool have_before, have_since;
	int64_t before_s, before_ns;	/* newest creation time among before= images */
	int64_t since_s, since_ns;	/* oldest creation time among since= images */
};

static void
filters_release(struct filters *f)
{
	strv_release(&f->refs);
	strv_release(&f->labels);
}

static int
ts_cmp(int64_t as, int64_t an, int64_t bs, int64_t bn)
{
	if (as != bs)
		return as < bs ? -1 : 1;
	return an < bn ? -1 : an > bn;
}

/* before=/since=: the reference times (nerdctl's FilterImages: newest before, oldest since). */
static int
filter_time(struct ctd *c, const char *val, bool before, struct filters *f, struct err **errp)
{
	_cleanup_ctd_msg_ CtdImageList *l = NULL;

	if (img_find(c, val, &l, errp) < 0)
		return -1;
	if (!l->n_images)
		return err_set(errp, ERR_NOT_FOUND, "no such image: %s", val);
	for (size_t i = 0; i < l->n_images; i++) {
		const Google__Protobuf__Timestamp *t = l->images[i]->created_at;
		int64_t s = t ? t->seconds : 0, ns = t ? t->nanos : 0;

		if (before && (!f->have_before || ts_cmp(s, ns, f->before_s, f->before_ns) > 0)) {
			f->before_s = s;
			f->before_ns = ns;
			f->have_before = true;
		} else if (!before && (!f->have_since || ts_cmp(s, ns, f->since_s, f->since_ns) < 0)) {
			f->since_s = s;
			f->since_ns = ns;
			f->have_since = true;
		}
	}
	return 0;
}

static int
filters_parse(struct ctd *c, const struct strv *in, struct filters *f, struct err **errp)
{
	f->dangling = -1;
	for (size_t i = 0; i < in->n; i++) {
		const char *s = in->v[i], *eq = strchr(s, '=');
		_cleanup_free_ char *key = NULL;

		if (!eq)
			return err_set(errp, ERR_INVALID, "bad format of filter (expected name=value)");
		key = xstrndup(s, (size_t)(eq - s));
		if (!strcmp(key, "dangling")) {
			if (!strcmp(eq + 1, "true") || !strcmp(eq + 1, "1"))
				f->dangling = 1;
			else if (!strcmp(eq + 1, "false") || !strcmp(eq + 1, "0"))
				f->dangling = 0;
			else
				return err_set(errp, ERR_INVALID,
					       "invalid filter 'dangling=%s': use true or false", eq + 1);
		} else if (!strcmp(key, "reference")) {
			strv_push(&f->refs, eq + 1);
		} else if (!strcmp(key, "label")) {
			strv_push(&f->labels, eq + 1);
		} else if (!strcmp(key, "before") || !strcmp(key, "since")) {
			if (filter_time(c, eq + 1, key[0] == 'b', f, errp) < 0)
				return err_wrap(errp, "filter %s", s);
		} else {
			return err_set(errp, ERR_INVALID, "invalid filter '%s'", key);
		}
	}
	return 0;
}

/*
 * Docker's FamiliarMatch (path.Match on the familiar string or name), or, as nerdctl also
 * tries, a regular expression on the full name (a pattern that is no valid regexp, such as
 * one that starts with a star, is only a glob).
 */
static bool
reference_matches(const char *pattern, const char *name)
{
	_cleanup_(ref_freep) struct ref *r = NULL;
	regex_t re;
	bool ok = false;

	if (ref_parse_name_only(name, &r, NULL) == 0) {
		_cleanup_free_ char *fam = ref_familiar(r), *famname = ref_familiar_name(r);

		if (fnmatch(pattern, fam, FNM_PATHNAME) == 0 ||
		    fnmatch(pattern, famname, FNM_PATHNAME) == 0)
			return true;
	}
	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) == 0) {
		ok = regexec(&re, name, 0, NULL, 0) == 0;
		regfree(&re);
	}
	return ok;
}

/* Record-level filters (everything but labels, which need the config). */
static bool
record_matches(const struct filters *f, const CtdImage *img, const char *tag)
{
	const Google__Protobuf__Timestamp *t = img->created_at;
	int64_t s = t ? t->seconds : 0, ns = t ? t->nanos : 0;

	if (f->dangling >= 0 && (f->dangling == 1) != !strcmp(tag, "<none>"))
		return false;
	for (size_t i = 0; i < f->refs.n; i++)
		if (!reference_matches(f->refs.v[i], img->name))
			return false;
	if (f->have_before && ts_cmp(s, ns, f->before_s, f->before_ns) >= 0)
		return false;
	if (f->have_since && ts_cmp(s, ns, f->since_s, f->since_ns) <= 0)
		return false;
	return true;
}

static bool
labels_match(const struct filters *f, const struct img_view *v)
{
	json_t *labels = json_object_get(json_object_get(v->config->json, "config"), "Labels");

	for (size_t i = 0; i < f->labels.n; i++) {
		const char *kv = f->labels.v[i], *eq = strchr(kv, '=');
		_cleanup_free_ char *k = eq ? xstrndup(kv, (size_t)(eq - kv)) : xstrdup(kv);
		const char *val = json_string_value(json_object_get(labels, k));

		if (!val || (eq && strcmp(val, eq + 1) != 0))
			return false;
	}
	return true;
}

struct ls {
	struct cli *cli;
	struct ctd *c;
	const char *snapshotter;
	struct filters flt;
	bool quiet, no_trunc;
	struct fmt *f;
	struct strv seen;
};

/* One row per platform present, as nerdctl's printImage does. */
static int
list_image(struct ls *ls, const CtdImage *img, const char *repo, const char *tag,
	   struct err **errp)
{
	_cleanup_free_ struct platform *plats = NULL;
	_cleanup_err_ struct err *e = NULL;
	const char *digest = img->target && img->target->digest ? img->target->digest : "";
	const char *hex = strchr(digest, ':') ? strchr(digest, ':') + 1 : digest;
	_cleanup_free_ char *id = ls->no_trunc ? xstrdup(digest) : xstrndup(hex, 12);
	size_t n = 0;

	/* nerdctl skips what it cannot read (a record whose content is gone). */
	if (!img->target || img_platforms(ls->c, img->target, &plats, &n, &e) < 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		_cleanup_(img_view_freep) struct img_view *v = NULL;
		_cleanup_json_ json_t *row = NULL;
		struct platform_matcher m;
		char since[80] = "", at[64] = "", size[32], blob[32], pbuf[PLATFORM_STR_SIZE];
		int64_t secs = img->created_at ? img->created_at->seconds : 0, usize = 0;

		platform_matcher_exact(&m, &plats[i]);
		if (img_view_load(ls->c, img->target, &m, &v, &e) < 0) {
			err_clear(&e);
			continue;
		}
		if (!labels_match(&ls->flt, v))
			continue;
		if (ls->quiet) {
			/* Docker prints each image ID once. */
			if (!strv_contains(&ls->seen, id)) {
				printf("%s\n", id);
				strv_push(&ls->seen, id);
			}
			continue;
		}
		if (img_view_unpacked_size(ls->c, ls->snapshotter, v, &usize, &e) < 0)
			err_clear(&e); /* nerdctl warns and shows 0 */
		progress_bytes(usize, size, sizeof(size));
		progress_bytes(img_view_blob_size(v), blob, sizeof(blob));
		human_ago(secs, since, sizeof(since));
		rfc3339nano(secs, 0, at, sizeof(at));
		row = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "Repository",
				repo, "Tag", tag, "ID", id, "CreatedSince", since, "CreatedAt", at,
				"Digest", digest, "Name", img->name, "Platform",
				platform_string(&plats[i], pbuf, sizeof(pbuf)), "Size", size,
				"BlobSize", blob);
		if (fmt_row(ls->f, row, errp) < 0)
			return -1;
	}
	return 0;
}

CMD(image_ls)
{
	bool quiet = false, all = false, digests = false, no_trunc = false;
	const char *format = NULL;
	_cleanup_strv_ struct strv filters = STRV_INIT;
	struct opt opts[] = {
		OPT_BOOL('a', "all", &all, "Show all images (default hides intermediate images)"),
		OPT_BOOL(0, "digests", &digests, "Show digests"),
		OPT_STRINGS('f', "filter", &filters, "filter", "Filter output based on conditions provided"),
		OPT_STRING(0, "format", &format, "string",
			   "Format the output using the given Go template, e.g, '{{json .}}'"),
		OPT_BOOL(0, "no-trunc", &no_trunc, "Don't truncate output"),
		OPT_BOOL('q', "quiet", &quiet, "Only show image IDs"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(ctd_msg_freep) CtdImageList *resp = NULL;
	struct ls ls = { .cli = cli, .quiet = quiet, .seen = STRV_INIT };
	int r = 0;

	argc = opt_parse(cli, opts, argc, argv, "images [OPTIONS] [REPOSITORY[:TAG]]", "List images",
			 0, OPT_PARSE_MAX_ARGS(1));
	if (argc < 0)
		return opt_exit_code(argc);
	ls.quiet = quiet;
	ls.no_trunc = no_trunc;
	ls.c = cli_ctd(cli, &err);
	if (!ls.c || cli_config(cli, &err) < 0)
		return cmd_fail(cli, err);
	ls.snapshotter = cli->g.snapshotter;
	if (filters_parse(ls.c, &filters, &ls.flt, &err) < 0 ||
	    ctd_images_list(ls.c, NULL, &resp, &err) < 0) {
		filters_release(&ls.flt);
		return cmd_fail(cli, err);
	}
	if (!quiet) {
		const char *def = digests ? "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Platform}}\t{{.Size}}\t{{.BlobSize}}"
					  : "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Platform}}\t{{.Size}}\t{{.BlobSize}}";
		if (fmt_begin(format, def, image_headers, stdout, &ls.f, &err) < 0) {
			filters_release(&ls.flt);
			return cmd_fail(cli, err);
		}
	}
	for (size_t i = 0; i < resp->n_images && r == 0; i++) {
		CtdImage *img = resp->images[i];
		_cleanup_free_ char *repo = NULL, *tag = NULL;

		repo_tag(img->name, &repo, &tag);
		if (argc == 1 && !matches_arg(argv[0], repo, tag, img->name))
			continue;
		if (!record_matches(&ls.flt, img, tag))
			continue;
		if (list_image(&ls, img, repo, tag, &err) < 0)
			r = cmd_fail(cli, err);
	}
	filters_release(&ls.flt);
	strv_release(&ls.seen);
	if (ls.f && fmt_end(TAKE_PTR(ls.f), &err) < 0)
		return cmd_fail(cli, err);
	fmt_free(ls.f);
	return r;
}
