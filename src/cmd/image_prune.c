/* nerdc image prune: removes dangling images (or with -a every image no container uses). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/parse.h"
#include "base/xalloc.h"
#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/image_platforms.h"
#include "cmd/util.h"
#include "ctd/containers.h"
#include "ctd/labels.h"
#include "image/inspect.h"
#include "image/store.h"
#include "registry/reference.h"
#include "base/banned.h"

struct prune_filters {
	bool has_until;
	int64_t until;			/* Unix seconds: only images created before */
	struct strv label, not_label;	/* "key" or "key=value" */
};

/* Docker's until: a Unix timestamp, an RFC 3339 time, or a duration before now. */
static int
parse_until(const char *v, int64_t *ret, struct err **errp)
{
	int64_t ns;

	if (parse_duration(v, &ns, NULL) == 0) {
		*ret = (int64_t)time(NULL) - ns / 1000000000;
		return 0;
	}
	if (image_parse_time(v, ret) == 0 || parse_int64(v, ret, NULL) == 0)
		return 0;
	return err_set(errp, ERR_INVALID, "invalid filter 'until=%s'", v);
}

static int
parse_filters(const struct strv *in, struct prune_filters *f, struct err **errp)
{
	for (size_t i = 0; i < in->n; i++) {
		const char *eq = strchr(in->v[i], '=');
		_cleanup_free_ char *key = eq ? xstrndup(in->v[i], (size_t)(eq - in->v[i])) : NULL;

		if (!eq)
			return err_set(errp, ERR_INVALID, "bad format of filter (expected name=value)");
		if (strcmp(key, "until") == 0) {
			if (parse_until(eq + 1, &f->until, errp) < 0)
				return -1;
			f->has_until = true;
		} else if (strcmp(key, "label") == 0) {
			strv_push(&f->label, eq + 1);
		} else if (strcmp(key, "label!") == 0) {
			strv_push(&f->not_label, eq + 1);
		} else {
			return err_set(errp, ERR_INVALID, "invalid filter '%s'", key);
		}
	}
	return 0;
}

/* Does labels (an image config's Labels object, may be NULL) hold "key" / "key=value"? */
static bool
has_label(json_t *labels, const char *want)
{
	const char *eq = strchr(want, '=');
	_cleanup_free_ char *key = eq ? xstrndup(want, (size_t)(eq - want)) : xstrdup(want);
	json_t *v = labels ? json_object_get(labels, key) : NULL;

	if (!json_is_string(v))
		return false;
	return !eq || strcmp(json_string_value(v), eq + 1) == 0;
}

/* Whether img passes the filters; the config is read only for label filters. */
static int
filters_pass(struct ctd *c, const CtdImage *img, const struct prune_filters *f, bool *ret,
	     struct err **errp)
{
	_cleanup_img_view_ struct img_view *v = NULL;
	struct strv none = STRV_INIT;
	json_t *labels;

	*ret = true;
	if (f->has_until && img->created_at && img->created_at->seconds >= f->until) {
		*ret = false;
		return 0;
	}
	if (!f->label.n && !f->not_label.n)
		return 0;
	if (image_view_for(c, img, &none, &v, errp) < 0)
		return -1;
	labels = json_object_get(json_object_get(v->config->json, "config"), "Labels");
	for (size_t i = 0; i < f->label.n; i++)
		if (!has_label(labels, f->label.v[i]))
			*ret = false;
	for (size_t i = 0; i < f->not_label.n; i++)
		if (has_label(labels, f->not_label.v[i]))
			*ret = false;
	return 0;
}

/* nerdctl's dangling: a record name that is no reference or has no tag. */
static bool
is_dangling(const char *name)
{
	_cleanup_ref_ struct ref *r = NULL;

	return ref_parse_name_only(name, &r, NULL) < 0 || !r->tag;
}

/* Docker's PromptForConfirmation: reads one line of stdin; only "y" or "Y" agrees. */
static bool
confirm(const char *warning)
{
	char line[64] = "";

	printf("%s\nAre you sure you want to continue? [y/N] ", warning);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return false;
	line[strcspn(line, "\r\n")] = '\0';
	return strcmp(line, "y") == 0 || strcmp(line, "Y") == 0;
}

static bool
target_in_use(const CtdImageList *imgs, const bool *deleted, const char *digest)
{
	for (size_t i = 0; i < imgs->n_images; i++)
		if (!deleted[i] && imgs->images[i]->target &&
		    strcmp(imgs->images[i]->target->digest, digest) == 0)
			return true;
	return false;
}

CMD(image_prune)
{
	bool all = false, force = false;
	struct strv filters = STRV_INIT;
	struct opt opts[] = {
		OPT_BOOL('a', "all", &all, "Remove all unused images, not just dangling ones"),
		OPT_STRINGS(0, "filter", &filters, "filter",
			    "Provide filter values (e.g. 'until=<timestamp>')"),
		OPT_BOOL('f', "force", &force, "Do not prompt for confirmation"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_strv_ struct strv owned = STRV_INIT, out = STRV_INIT;
	_cleanup_(ctd_msg_freep) CtdImageList *imgs = NULL;
	_cleanup_(ctd_msg_freep) CtdContainerList *ctrs = NULL;
	_cleanup_free_ bool *deleted = NULL;
	struct prune_filters pf = { 0 };
	int64_t reclaimed = 0;
	char size[32];
	struct ctd *c;
	int r = 0;

	argc = opt_parse(cli, opts, argc, argv, "prune [OPTIONS]", "Remove unused images", 0,
			 OPT_PARSE_NO_ARGS);
	owned = filters;
	if (argc < 0)
		return opt_exit_code(argc);
	if (parse_filters(&owned, &pf, &err) < 0) {
		strv_release(&pf.label);
		strv_release(&pf.not_label);
		return cmd_fail(cli, err);
	}
	if (!force && !confirm(all ? "WARNING! This will remove all images without at least one container associated to them."
				   : "WARNING! This will remove all dangling images."))
		goto total;	/* Docker still reports 0B */
	if (cli_config(cli, &err) < 0 || !(c = cli_ctd(cli, &err)) ||
	    ctd_images_list(c, NULL, &imgs, &err) < 0 ||
	    ctd_containers_list(c, NULL, &ctrs, &err) < 0) {
		r = cmd_fail(cli, err);
		goto done;
	}
	deleted = xnew(bool, imgs->n_images + 1);
	for (size_t i = 0; i < imgs->n_images; i++) {
		const CtdImage *img = imgs->images[i];
		_cleanup_img_view_ struct img_view *v = NULL;
		_cleanup_err_ struct err *e = NULL;
		struct strv none = STRV_INIT;
		int64_t usage = 0;
		bool used = false, pass;

		for (size_t j = 0; j < ctrs->n_containers && !used; j++)
			used = ctrs->containers[j]->image &&
			       strcmp(ctrs->containers[j]->image, img->name) == 0;
		if (used || (!all && !is_dangling(img->name)))
			continue;
		if (filters_pass(c, img, &pf, &pass, &e) < 0) {
			r = cmd_fail(cli, e);
			break;
		}
		if (!pass)
			continue;
		/* Measured before the snapshots go; a best effort, as Docker's own count. */
		if (image_view_for(c, img, &none, &v, NULL) == 0)
			img_view_unpacked_size(c, cli->g.snapshotter, v, &usage, NULL);
		if (ctd_images_delete(c, img->name, true, &e) < 0) {
			r = cmd_fail(cli, e);
			continue;
		}
		deleted[i] = true;
		{
			_cleanup_ref_ struct ref *ref = NULL;
			_cleanup_free_ char *fam = NULL;

			fam = ref_parse(img->name, &ref, NULL) == 0 ? ref_familiar(ref)
								     : xstrdup(img->name);
			strv_pushf(&out, "untagged: %s", fam);
		}
		if (img->target && !target_in_use(imgs, deleted, img->target->digest)) {
			strv_pushf(&out, "deleted: %s", img->target->digest);
			reclaimed += usage;
		}
	}
	if (out.n) {
		printf("Deleted Images:\n");
		for (size_t i = 0; i < out.n; i++)
			printf("%s\n", out.v[i]);
		printf("\n");
	}
total:
	human_size((double)reclaimed, size, sizeof(size));
	printf("Total reclaimed space: %s\n", size);
done:
	strv_release(&pf.label);
	strv_release(&pf.not_label);
	return r;
}
