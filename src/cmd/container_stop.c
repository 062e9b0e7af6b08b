/* nerdc stop / restart / kill / pause / unpause / wait: one lifecycle step per container. */
#include <stdio.h>

#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/container_common.h"
#include "container/restart.h"
#include "oci/spec.h"
#include "base/banned.h"

static int
do_stop(struct cmd_ctr *x, const CtdContainer *r, const char *arg, void *data, struct err **errp)
{
	(void)arg;
	if (container_stop(&x->env, r, *(int *)data, errp) < 0)
		return -1;
	/* Docker frees a stopped container's address and ports at once, not at its next start. */
	return net_detach(&x->net, x->env.ns, r->id, errp);
}

static int
do_restart(struct cmd_ctr *x, const CtdContainer *r, const char *arg, void *data,
	   struct err **errp)
{
	(void)arg;
	if (container_stop(&x->env, r, *(int *)data, errp) < 0 ||
	    container_start_detached(&x->env, r, errp) < 0)
		return -1;
	return 0;
}

static int
stop_like(struct cli *cli, int argc, char **argv, bool restart)
{
	int timeout = -1;
	struct opt opts[] = {
		OPT_INT_D('t', "time", &timeout, "Seconds to wait for stop before killing it", "10"),
		OPT_END(),
	};
	struct cmd_ctr x;
	_cleanup_err_ struct err *err = NULL;
	int r;

	argc = opt_parse(cli, opts, argc, argv,
			 restart ? "restart [OPTIONS] CONTAINER [CONTAINER...]"
				 : "stop [OPTIONS] CONTAINER [CONTAINER...]",
			 restart ? "Restart one or more containers"
				 : "Stop one or more running containers",
			 1, 0);
	if (argc < 0)
		return opt_exit_code(argc);
	if (cmd_ctr_init(cli, &x, &err) < 0)
		return cmd_fail(cli, err);
	r = cmd_ctr_foreach(cli, &x, argc, argv, restart ? do_restart : do_stop, &timeout, false);
	cmd_ctr_release(&x);
	return r;
}

CMD(stop)
{
	return stop_like(cli, argc, argv, false);
}

CMD(restart)
{
	return stop_like(cli, argc, argv, true);
}

static int
do_kill(struct cmd_ctr *x, const CtdContainer *r, const char *arg, void *data, struct err **errp)
{
	(void)arg;
	return container_kill(&x->env, r, *(int *)data, errp);
}

CMD(kill)
{
	const char *sig = "KILL";
	struct opt opts[] = {
		OPT_STRING_D('s', "signal", &sig, "string", "Signal to send to the container", "KILL"),
		OPT_END(),
	};
	struct cmd_ctr x;
	_cleanup_err_ struct err *err = NULL;
	int signo, r;

	argc = opt_parse(cli, opts, argc, argv, "kill [OPTIONS] CONTAINER [CONTAINER...]",
			 "Kill one or more running containers", 1, 0);
	if (argc < 0)
		return opt_exit_code(argc);
	if (oci_parse_signal(sig, &signo, &err) < 0 || cmd_ctr_init(cli, &x, &err) < 0)
		return cmd_fail(cli, err);
	r = cmd_ctr_foreach(cli, &x, argc, argv, do_kill, &signo, false);
	cmd_ctr_release(&x);
	return r;
}

static int
do_pause(struct cmd_ctr *x, const CtdContainer *r, const char *arg, void *data,
	 struct err **errp)
{
	_cleanup_(ctd_msg_freep) CtdProcess *t = NULL;
	bool pause = *(bool *)data;
	enum container_state s;

	(void)arg;
	if (ctd_tasks_get(x->env.c, r->id, NULL, &t, errp) < 0) {
		if (!err_is(errp, ERR_NOT_FOUND))
			return -1;
		err_clear(errp);
	}
	s = container_state_of(t);
	if (pause && s != CONTAINER_RUNNING)
		return err_set(errp, ERR_PRECONDITION,
			       s == CONTAINER_PAUSED ? "Container %s is already paused"
						     : "Container %s is not running",
			       r->id);
	if (!pause && s != CONTAINER_PAUSED)
		return err_set(errp, ERR_PRECONDITION, "Container %s is not paused", r->id);
	return container_pause(&x->env, r, pause, errp);
}

static int
pause_like(struct cli *cli, int argc, char **argv, bool pause)
{
	struct opt opts[] = { OPT_END() };
	struct cmd_ctr x;
	_cleanup_err_ struct err *err = NULL;
	int r;

	argc = opt_parse(cli, opts, argc, argv,
			 pause ? "pause CONTAINER [CONTAINER...]" : "unpause CONTAINER [CONTAINER...]",
			 pause ? "Pause all processes within one or more containers"
			       : "Unpause all processes within one or more containers",
			 1, 0);
	if (argc < 0)
		return opt_exit_code(argc);
	if (cmd_ctr_init(cli, &x, &err) < 0)
		return cmd_fail(cli, err);
	r = cmd_ctr_foreach(cli, &x, argc, argv, do_pause, &pause, false);
	cmd_ctr_release(&x);
	return r;
}

CMD(pause)
{
	return pause_like(cli, argc, argv, true);
}

CMD(unpause)
{
	return pause_like(cli, argc, argv, false);
}

static int
do_wait(struct cmd_ctr *x, const CtdContainer *r, const char *arg, void *data,
	struct err **errp)
{
	_cleanup_(ctd_msg_freep) CtdProcess *t = NULL;
	uint32_t status = 0;

	(void)arg;
	(void)data;
	if (ctd_tasks_get(x->env.c, r->id, NULL, &t, errp) < 0) {
		if (!err_is(errp, ERR_NOT_FOUND))
			return -1;
		err_clear(errp);
		/*
		 * No task: the container never ran (or its start failed). Docker 20.10's wait
		 * means "not running" and answers at once with State.ExitCode, 0 for a created
		 * container: it does not wait for a later start (measured on dockerd 20.10.24).
		 */
	} else if (ctd_tasks_wait(x->env.c, r->id, NULL, &status, NULL, errp) < 0) {
		return -1;
	}
	printf("%u\n", status);
	return 0;
}

CMD(wait)
{
	struct opt opts[] = { OPT_END() };
	struct cmd_ctr x;
	_cleanup_err_ struct err *err = NULL;
	int r;

	argc = opt_parse(cli, opts, argc, argv, "wait CONTAINER [CONTAINER...]",
			 "Block until one or more containers stop, then print their exit codes", 1, 0);
	if (argc < 0)
		return opt_exit_code(argc);
	if (cmd_ctr_init(cli, &x, &err) < 0)
		return cmd_fail(cli, err);
	r = cmd_ctr_foreach(cli, &x, argc, argv, do_wait, NULL, true);
	cmd_ctr_release(&x);
	return r;
}
