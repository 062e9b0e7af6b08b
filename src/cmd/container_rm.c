/* nerdc rm and container prune: remove containers with everything that belongs to them. */
#include <stdio.h>
#include <string.h>

#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/container_common.h"
#include "cmd/prune_filter.h"
#include "container/volumes.h"
#include "ctd/tasks.h"
#include "base/banned.h"

struct rm_flags {
	bool force, volumes;
};

static int
do_rm(struct cmd_ctr *x, const CtdContainer *r, const char *arg, void *data, struct err **errp)
{
	const struct rm_flags *f = data;

	(void)arg;
	if (container_remove(&x->env, r, f->force, errp) < 0)
		return -1;
	return f->volumes ? container_remove_anonymous_volumes(&x->env, r, errp) : 0;
}

CMD(rm)
{
	struct rm_flags f = { 0 };
	struct opt opts[] = {
		OPT_BOOL('f', "force", &f.force, "Force the removal of a running container (uses SIGKILL)"),
		OPT_BOOL('v', "volumes", &f.volumes, "Remove anonymous volumes associated with the container"),
		OPT_END(),
	};
	struct cmd_ctr x;
	_cleanup_err_ struct err *err = NULL;
	int r;

	argc = opt_parse(cli, opts, argc, argv, "rm [OPTIONS] CONTAINER [CONTAINER...]",
			 "Remove one or more containers", 1, 0);
	if (argc < 0)
		return opt_exit_code(argc);
	if (cmd_ctr_init(cli, &x, &err) < 0)
		return cmd_fail(cli, err);
	r = cmd_ctr_foreach(cli, &x, argc, argv, do_rm, &f, false);
	cmd_ctr_release(&x);
	return r;
}

static const char *
record_label(const void *obj, const char *key)
{
	return container_label(obj, key);
}

static int64_t
record_created_ns(const CtdContainer *r)
{
	return r->created_at ? r->created_at->seconds * 1000000000LL + r->created_at->nanos : 0;
}

CMD(container_prune)
{
	bool force = false;
	_cleanup_strv_ struct strv filters = STRV_INIT;
	struct opt opts[] = {
		OPT_CALLBACK(0, "filter", &filters, "filter",
			     "Provide filter values (e.g. 'until=<timestamp>')", prune_filter_opt),
		OPT_BOOL('f', "force", &force, "Do not prompt for confirmation"),
		OPT_END(),
	};
	struct cmd_ctr x;
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(ctd_msg_freep) CtdContainerList *l = NULL;
	_cleanup_(ctd_msg_freep) CtdTaskList *tasks = NULL;
	_cleanup_(prune_filter_release) struct prune_filter pf = PRUNE_FILTER_INIT;
	bool header = false;
	int rc = 0;

	argc = opt_parse(cli, opts, argc, argv, "prune [OPTIONS]", "Remove all stopped containers",
			 0, OPT_PARSE_NO_ARGS);
	if (argc < 0)
		return opt_exit_code(argc);
	if (prune_filter_parse(&filters, PRUNE_UNTIL | PRUNE_LABEL, &pf, &err) < 0)
		return cmd_fail(cli, err);
	if (!force) {
		char line[16] = "";

		printf("WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ");
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin) || (line[0] != 'y' && line[0] != 'Y'))
			return 0;
	}
	if (cmd_ctr_init(cli, &x, &err) < 0 || ctd_containers_list(x.env.c, NULL, &l, &err) < 0 ||
	    ctd_tasks_list(x.env.c, NULL, &tasks, &err) < 0) {
		cmd_ctr_release(&x);
		return cmd_fail(cli, err);
	}
	for (size_t i = 0; i < l->n_containers; i++) {
		const CtdContainer *r = l->containers[i];
		const CtdProcess *t = NULL;
		_cleanup_err_ struct err *e = NULL;
		enum container_state s;

		for (size_t j = 0; j < tasks->n_tasks && !t; j++)
			if (strcmp(tasks->tasks[j]->id, r->id) == 0)
				t = tasks->tasks[j];
		s = container_state_of(t);
		if (s == CONTAINER_RUNNING || s == CONTAINER_PAUSED ||
		    !prune_filter_match(&pf, record_created_ns(r), record_label, r))
			continue;
		if (container_remove(&x.env, r, false, &e) < 0) {
			rc = cmd_fail(cli, e);
			continue;
		}
		if (!header)
			printf("Deleted Containers:\n");
		header = true;
		printf("%s\n", r->id);
	}
	if (container_prune_leftovers(&x.env, l, &err) < 0)
		rc = cmd_fail(cli, err);
	if (header)
		printf("\n");
	printf("Total reclaimed space: 0B\n");
	cmd_ctr_release(&x);
	return rc;
}
