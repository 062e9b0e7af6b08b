/*
 * nerdc attach: a running container's output from now on, and its exit code when it exits.
 * Detached containers write through containerd's binary:// logging process, so the output
 * is followed in the json-file log (as the logging process writes it); signals go to the
 * container with --sig-proxy; our stdin goes to the task's stdin FIFO when it has one.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/container_common.h"
#include "container/attach.h"
#include "ctd/events.h"
#include "logging/jsonfile.h"
#include "logging/logging.h"
#include "base/banned.h"

struct attach_ctx {
	const char *store, *ns, *id;
};

static int
print_entry(const struct jsonlog_entry *e, void *arg, struct err **errp)
{
	FILE *out = e->stream == JSONLOG_STDERR ? stderr : stdout;

	(void)arg;
	if (fwrite(e->log, 1, e->len, out) != e->len)
		return err_set(errp, ERR_IO, "write: short write");
	fflush(out);
	return 0;
}

static bool
logger_active(void *arg)
{
	struct attach_ctx *a = arg;

	return logging_logger_active(a->store, a->ns, a->id);
}

int
cmd_ctr_attach(struct cmd_ctr *x, const CtdContainer *rec, const struct cmd_attach *o,
	       struct err **errp)
{
	_cleanup_(ctd_msg_freep) CtdProcess *task = NULL;
	_cleanup_free_ char *path = NULL;
	_cleanup_err_ struct err *e = NULL;
	struct container_sigproxy *proxy = NULL;
	struct container_attach in = CONTAINER_ATTACH_INIT;
	struct ctd *ec = NULL;
	struct ctd_stream *sub = NULL;
	struct attach_ctx a = { x->store, x->env.ns, rec->id };
	struct logread_opts ro = { .tail = 0, .follow = true, .active = logger_active };
	uint32_t status = 0;
	int ret = -1;

	if (o->detach_keys && container_attach_set_detach_keys(&in, o->detach_keys, errp) < 0)
		return -1;
	/*
	 * The exit event, subscribed first: an --rm container may be gone by the time we would
	 * ask for its exit code.
	 */
	if (ctd_connect(x->env.address, x->env.ns, &ec, errp) < 0 ||
	    ctd_events_subscribe_exit(ec, x->env.ns, rec->id, &sub, errp) < 0)
		goto out;
	if (ctd_tasks_get(x->env.c, rec->id, NULL, &task, &e) < 0 && !err_is(&e, ERR_NOT_FOUND)) {
		err_move(errp, &e);
		goto out;
	}
	switch (container_state_of(task)) {
	case CONTAINER_RUNNING:
		break;
	case CONTAINER_PAUSED:
		err_set(errp, ERR_PRECONDITION,
			"You cannot attach to a paused container, unpause it first");
		goto out;
	default:
		err_set(errp, ERR_PRECONDITION,
			"You cannot attach to a stopped container, start it first");
		goto out;
	}
	/*
	 * A container run with -i has a stdin FIFO (held by its keeper or by the CLI that runs
	 * it in the foreground); without one (-i not given) our input goes nowhere, as Docker's.
	 */
	if (o->attach_stdin && task->stdin && *task->stdin) {
		struct timespec now;

		/* What our input makes the container say must be shown: follow from now on. */
		clock_gettime(CLOCK_REALTIME, &now);
		ro.tail = -1;
		ro.since_ns = (int64_t)now.tv_sec * 1000000000LL + now.tv_nsec;
		if (container_attach_stdin(&in, task->stdin, container_spec_terminal(rec), errp) < 0)
			goto out;
	}
	ro.active_ctx = &a;
	if (o->sig_proxy &&
	    container_sigproxy_start(x->env.address, x->env.ns, rec->id, false, &proxy, errp) < 0)
		goto out;
	path = logging_json_path(x->store, x->env.ns, rec->id);
	/* --log-driver none: nothing to show, only the exit code to wait for. */
	if (access(path, F_OK) == 0 && logread(path, &ro, print_entry, &a, errp) < 0)
		goto out;
	if (ctd_tasks_wait(x->env.c, rec->id, NULL, &status, NULL, &e) < 0) {
		if (!err_is(&e, ERR_NOT_FOUND)) {
			err_move(errp, &e);
			goto out;
		}
		err_clear(&e);
		if (ctd_events_recv_exit(sub, &status, errp) < 0)
			goto out;
	}
	ret = (int)(status & 0xff);
out:
	ctd_stream_free(sub);
	ctd_free(ec);
	container_sigproxy_stop(proxy);
	container_attach_release(&in);
	fflush(stdout);
	return ret;
}

CMD(container_attach)
{
	const char *detach_keys = NULL;
	bool no_stdin = false, sig_proxy = true;
	struct opt opts[] = {
		OPT_STRING(0, "detach-keys", &detach_keys, "string",
			   "Override the key sequence for detaching a container"),
		OPT_BOOL(0, "no-stdin", &no_stdin, "Do not attach STDIN"),
		OPT_BOOL_D(0, "sig-proxy", &sig_proxy, "Proxy all received signals to the process",
			   "true"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(ctd_msg_freep) CtdContainer *rec = NULL;
	struct cmd_ctr x;
	int rc;

	argc = opt_parse(cli, opts, argc, argv, "attach [OPTIONS] CONTAINER",
			 "Attach local standard input, output, and error streams to a running container",
			 1, OPT_PARSE_MAX_ARGS(1));
	if (argc < 0)
		return opt_exit_code(argc);
	if (cmd_ctr_init(cli, &x, &err) < 0 || container_find(x.env.c, argv[0], &rec, &err) < 0) {
		rc = cmd_fail(cli, err);
	} else {
		struct cmd_attach o = { detach_keys, !no_stdin, sig_proxy };

		rc = cmd_ctr_attach(&x, rec, &o, &err);
		if (rc < 0)
			rc = cmd_fail(cli, err);
	}
	cmd_ctr_release(&x);
	return rc;
}
