/* nerdc start: detached by default; -a attaches to one container and returns its exit code. */
#include <stdio.h>
#include <string.h>

#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/container_common.h"
#include "container/labels.h"
#include "base/banned.h"

/*
 * A container made with -i gets its stdin open, held by an IO keeper, as `run -d -i` does:
 * Docker's start keeps OpenStdin containers attachable.
 */
static int
start_open_stdin(struct cmd_ctr *x, const CtdContainer *r, struct err **errp)
{
	_cleanup_(ctd_msg_freep) CtdProcess *t = NULL;
	_cleanup_err_ struct err *e = NULL;
	struct cmd_fg fg = { .stdin_open = true, .tty = container_spec_terminal(r),
			     .want_stdout = true, .want_stderr = true, .detach = true };

	if (ctd_tasks_get(x->env.c, r->id, NULL, &t, &e) == 0) {
		if (container_state_of(t) == CONTAINER_RUNNING)
			return 0;
		if (container_state_of(t) == CONTAINER_PAUSED)
			return err_set(errp, ERR_PRECONDITION,
				       "cannot start a paused container, try unpause instead");
		if (container_delete_task(&x->env, r->id, NULL, errp) < 0)
			return -1;
	} else if (!err_is(&e, ERR_NOT_FOUND)) {
		return err_move(errp, &e);
	}
	return cmd_ctr_foreground(x, r, &fg, errp) < 0 ? -1 : 0;
}

static int
do_start(struct cmd_ctr *x, const CtdContainer *r, const char *arg, void *data,
	 struct err **errp)
{
	const char *open_stdin = container_label(r, LABEL_OPEN_STDIN);

	(void)arg;
	(void)data;
	if (open_stdin && !strcmp(open_stdin, "true"))
		return start_open_stdin(x, r, errp);
	return container_start_detached(&x->env, r, errp);
}

static int
start_attached(struct cli *cli, struct cmd_ctr *x, const char *arg, bool interactive,
	       const char *detach_keys)
{
	_cleanup_(ctd_msg_freep) CtdContainer *r = NULL;
	_cleanup_(ctd_msg_freep) CtdProcess *t = NULL;
	_cleanup_err_ struct err *err = NULL;
	struct cmd_fg fg = { 0 };
	int status;

	if (container_find(x->env.c, arg, &r, &err) < 0)
		return cmd_fail(cli, err);
	if (ctd_tasks_get(x->env.c, r->id, NULL, &t, &err) == 0) {
		if (container_state_of(t) == CONTAINER_RUNNING ||
		    container_state_of(t) == CONTAINER_PAUSED) {
			/* Docker attaches to a container that runs already. */
			struct cmd_attach o = { detach_keys, interactive, true };

			status = cmd_ctr_attach(x, r, &o, &err);
			return status < 0 ? cmd_fail(cli, err) : status;
		}
		if (container_delete_task(&x->env, r->id, NULL, &err) < 0)
			return cmd_fail(cli, err);
	} else if (!err_is(&err, ERR_NOT_FOUND)) {
		return cmd_fail(cli, err);
	}
	err_clear(&err);
	fg.stdin_open = interactive;
	fg.tty = container_spec_terminal(r);
	fg.sig_proxy = true;
	fg.want_stdout = fg.want_stderr = true;
	fg.detach_keys = detach_keys;
	status = cmd_ctr_foreground(x, r, &fg, &err);
	if (status < 0)
		return cmd_fail(cli, err);
	return status;
}

CMD(start)
{
	bool attach = false, interactive = false;
	const char *detach_keys = NULL;
	struct opt opts[] = {
		OPT_BOOL('a', "attach", &attach, "Attach STDOUT/STDERR and forward signals"),
		OPT_STRING(0, "detach-keys", &detach_keys, "string",
			   "Override the key sequence for detaching a container"),
		OPT_BOOL('i', "interactive", &interactive, "Attach container's STDIN"),
		OPT_END(),
	};
	struct cmd_ctr x;
	_cleanup_err_ struct err *err = NULL;
	int r;

	argc = opt_parse(cli, opts, argc, argv, "start [OPTIONS] CONTAINER [CONTAINER...]",
			 "Start one or more stopped containers", 1, 0);
	if (argc < 0)
		return opt_exit_code(argc);
	if ((attach || interactive) && argc > 1) {
		err_set(&err, ERR_INVALID, "you cannot start and attach multiple containers at once");
		return cmd_fail(cli, err);
	}
	if (cmd_ctr_init(cli, &x, &err) < 0)
		return cmd_fail(cli, err);
	if (attach || interactive)
		r = start_attached(cli, &x, argv[0], interactive, detach_keys);
	else
		r = cmd_ctr_foreach(cli, &x, argc, argv, do_start, NULL, false);
	cmd_ctr_release(&x);
	return r;
}
