/*
 * nerdc rmi / image rm: deletes image records with Docker's conflict rules (image/remove.h),
 * printing nerdctl's "Untagged: NAME@DIGEST" and, when the image itself goes, its layers'
 * "Deleted: <diff ID>" lines. The last delete waits for containerd's garbage collector.
 */
#include <stdio.h>
#include <string.h>

#include "base/xalloc.h"
#include "cli/opt.h"
#include "cmd/cmd.h"
#include "ctd/containers.h"
#include "ctd/images.h"
#include "ctd/tasks.h"
#include "image/remove.h"
#include "image/store.h"
#include "base/banned.h"

/* The namespace's containers with their image names and whether a task is running. */
struct users {
	CtdContainerList *ctrs;
	CtdTaskList *tasks;
	struct rmi_container *v;
	size_t n;
};

static void
users_release(struct users *u)
{
	ctd_msg_free(u->ctrs);
	ctd_msg_free(u->tasks);
	free(u->v);
}

static int
users_load(struct ctd *c, struct users *u, struct err **errp)
{
	if (ctd_containers_list(c, NULL, &u->ctrs, errp) < 0 ||
	    ctd_tasks_list(c, NULL, &u->tasks, errp) < 0)
		return -1;
	u->v = xnew(struct rmi_container, u->ctrs->n_containers + 1);
	for (size_t i = 0; i < u->ctrs->n_containers; i++) {
		const CtdContainer *ct = u->ctrs->containers[i];
		struct rmi_container *r = &u->v[u->n++];

		r->id = ct->id;
		r->image = ct->image;
		for (size_t j = 0; j < u->tasks->n_tasks; j++) {
			const CtdProcess *p = u->tasks->tasks[j];

			int st = (int)p->status;

			if (p->id && !strcmp(p->id, ct->id) && st != CTD_TASK_STOPPED &&
			    st != CTD_TASK_UNKNOWN)
				r->running = true;
		}
	}
	return 0;
}

/* The rootfs diff IDs of the host platform's config, for the "Deleted:" lines; may be empty. */
static void
layer_ids(struct ctd *c, const CtdDescriptor *target, struct strv *out)
{
	_cleanup_img_view_ struct img_view *v = NULL;
	_cleanup_err_ struct err *ignored = NULL;
	struct platform_matcher m;

	platform_matcher_host(&m);
	if (img_view_load(c, target, &m, &v, &ignored) < 0)
		return;
	for (size_t i = 0; i < v->config->n_diff_ids; i++)
		strv_push(out, v->config->diff_ids[i]);
}

static int
remove_one(struct ctd *c, const char *arg, bool force, const struct users *u, struct err **errp)
{
	_cleanup_ctd_msg_ CtdImageList *found = NULL, *all = NULL;
	_cleanup_free_ char *normalized = img_normalize_name(arg, NULL);
	_cleanup_(rmi_plan_release) struct rmi_plan plan = { 0 };
	_cleanup_strv_ struct strv deleted = STRV_INIT;
	_cleanup_free_ struct rmi_image *imgs = NULL;
	struct rmi_request rq = { .arg = arg, .force = force };
	const CtdImage *first;

	if (img_find(c, arg, &found, errp) < 0)
		return -1;
	if (found->n_images == 0 || !found->images[0]->target)
		return err_set(errp, ERR_NOT_FOUND, "No such image: %s", arg);
	first = found->images[0];
	rq.by_name = !strcmp(first->name, arg) || (normalized && !strcmp(first->name, normalized));
	rq.name = first->name;
	rq.digest = first->target->digest;
	for (size_t i = 1; !rq.by_name && i < found->n_images; i++)
		if (!found->images[i]->target || strcmp(found->images[i]->target->digest, rq.digest))
			return err_set(errp, ERR_INVALID, "multiple IDs found with provided prefix: %s",
				       arg);

	if (ctd_images_list(c, NULL, &all, errp) < 0)
		return -1;
	imgs = xnew(struct rmi_image, all->n_images + 1);
	for (size_t i = 0; i < all->n_images; i++) {
		imgs[i].name = all->images[i]->name;
		imgs[i].digest = all->images[i]->target ? all->images[i]->target->digest : "";
	}
	if (rmi_decide(&rq, imgs, all->n_images, u->v, u->n, &plan, errp) < 0)
		return -1;
	if (plan.delete_image)
		layer_ids(c, first->target, &deleted);
	for (size_t i = 0; i < plan.untag.n; i++) {
		bool last = i + 1 == plan.untag.n;

		/* Waiting for the collector once, at the end, is enough to free the content. */
		if (ctd_images_delete(c, plan.untag.v[i], last && plan.delete_image, errp) < 0)
			return err_wrap(errp, "delete %s", plan.untag.v[i]);
		/* An untagged image's name ("overlayfs@sha256:...") has its digest already. */
		if (strchr(plan.untag.v[i], '@'))
			printf("Untagged: %s\n", plan.untag.v[i]);
		else
			printf("Untagged: %s@%s\n", plan.untag.v[i], rq.digest);
	}
	for (size_t i = 0; i < deleted.n; i++)
		printf("Deleted: %s\n", deleted.v[i]);
	return 0;
}

CMD(image_rm)
{
	bool force = false;
	struct opt opts[] = {
		OPT_BOOL('f', "force", &force, "Force removal of the image"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(users_release) struct users u = { 0 };
	const char *word = strrchr(cli->cmd_path, ' ');
	_cleanup_free_ char *usage = xasprintf("%s [OPTIONS] IMAGE [IMAGE...]",
					       word ? word + 1 : cli->cmd_path);
	struct ctd *c;
	int rc = 0;

	argc = opt_parse(cli, opts, argc, argv, usage, "Remove one or more images", 1, 0);
	if (argc < 0)
		return opt_exit_code(argc);
	c = cli_ctd(cli, &err);
	if (!c || users_load(c, &u, &err) < 0)
		return cmd_fail(cli, err);
	for (int i = 0; i < argc; i++) {
		_cleanup_err_ struct err *e = NULL;

		if (remove_one(c, argv[i], force, &u, &e) < 0)
			rc = cmd_fail(cli, e);
		fflush(stdout);
	}
	return rc;
}
