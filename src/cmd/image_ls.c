/* nerdc images / image ls: containerd's image records as Docker's table (one List RPC). */
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "cli/format.h"
#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/util.h"
#include "ctd/ctd.h"
#include "ctd/images.h"
#include "registry/reference.h"
#include "base/banned.h"

static const struct fmt_header image_headers[] = {
	{ "Repository", "REPOSITORY" }, { "Tag", "TAG" }, { "ID", "IMAGE ID" },
	{ "CreatedSince", "CREATED" }, { "CreatedAt", "CREATED AT" }, { "Digest", "DIGEST" },
	{ "Name", "NAME" }, { NULL, NULL },
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

CMD(image_ls)
{
	bool quiet = false, all = false, digests = false, no_trunc = false;
	const char *format = NULL;
	struct strv filters = STRV_INIT;
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
	_cleanup_fmt_ struct fmt *f = NULL;
	_cleanup_strv_ struct strv seen = STRV_INIT;
	struct ctd *c;
	int r = 0;

	argc = opt_parse(cli, opts, argc, argv, "images [OPTIONS] [REPOSITORY[:TAG]]", "List images",
			 0, OPT_PARSE_MAX_ARGS(1));
	if (argc < 0) {
		strv_release(&filters);
		return opt_exit_code(argc);
	}
	if (filters.n) {
		strv_release(&filters);
		err_set(&err, ERR_UNIMPLEMENTED, "images --filter: not implemented yet");
		return cmd_fail(cli, err);
	}
	c = cli_ctd(cli, &err);
	if (!c || ctd_images_list(c, NULL, &resp, &err) < 0)
		return cmd_fail(cli, err);

	if (!quiet) {
		const char *def = digests ? "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}"
					  : "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}";
		if (fmt_begin(format, def, image_headers, stdout, &f, &err) < 0)
			return cmd_fail(cli, err);
	}
	for (size_t i = 0; i < resp->n_images; i++) {
		CtdImage *img = resp->images[i];
		const char *digest = img->target && img->target->digest ? img->target->digest : "";
		const char *hex = strchr(digest, ':') ? strchr(digest, ':') + 1 : digest;
		_cleanup_free_ char *repo = NULL, *tag = NULL, *id = NULL;
		_cleanup_json_ json_t *row = NULL;
		char since[80] = "", at[64] = "";
		int64_t secs = img->created_at ? img->created_at->seconds : 0;

		repo_tag(img->name, &repo, &tag);
		if (argc == 1 && !matches_arg(argv[0], repo, tag, img->name))
			continue;
		id = no_trunc ? xstrdup(digest) : xstrndup(hex, 12);
		if (quiet) {
			/* Docker prints each image ID once. */
			if (!strv_contains(&seen, id)) {
				printf("%s\n", id);
				strv_push(&seen, id);
			}
			continue;
		}
		human_ago(secs, since, sizeof(since));
		rfc3339nano(secs, 0, at, sizeof(at));
		row = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "Repository", repo, "Tag", tag,
				"ID", id, "CreatedSince", since, "CreatedAt", at, "Digest", digest,
				"Name", img->name);
		if (fmt_row(f, row, &err) < 0) {
			r = cmd_fail(cli, err);
			break;
		}
	}
	if (f && fmt_end(TAKE_PTR(f), &err) < 0)
		return cmd_fail(cli, err);
	return r;
}
