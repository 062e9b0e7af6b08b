/*
 * nerdc attach: a running container's output from now on, and its exit code when it exits.
 * Detached containers write through containerd's binary:// logging process, so the output
 * is followed in the json-file log (as the logging process writes it); signals go to the
 * container with --sig-proxy. Their stdin goes nowhere, so it cannot be attached.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/container_common.h"
#include "container/attach.h"
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

static bool
spec_has_terminal(const CtdContainer *r)
{
	return r->spec && r->spec->value.len &&
	       memmem(r->spec->value.data, r->spec->value.len, "\"terminal\":true", 15);
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
	_cleanup_(ctd_msg_freep) CtdProcess *task = NULL;
	_cleanup_free_ char *path = NULL;
	struct container_sigproxy *proxy = NULL;
	struct container_attach keys = CONTAINER_ATTACH_INIT;
	struct cmd_ctr x;
	struct attach_ctx a;
	struct logread_opts ro = { .tail = 0, .follow = true, .active = logger_active };
	uint32_t status = 0;
	int rc;

	argc = opt_parse(cli, opts, argc, argv, "attach [OPTIONS] CONTAINER",
			 "Attach local standard input, output, and error streams to a running container",
			 1, OPT_PARSE_MAX_ARGS(1));
	if (argc < 0)
		return opt_exit_code(argc);
	if (detach_keys && container_attach_set_detach_keys(&keys, detach_keys, &err) < 0)
		return cmd_fail(cli, err);
	if (cmd_ctr_init(cli, &x, &err) < 0 || container_find(x.env.c, argv[0], &rec, &err) < 0)
		goto fail;
	if (ctd_tasks_get(x.env.c, rec->id, NULL, &task, &err) < 0 &&
	    !err_is(&err, ERR_NOT_FOUND))
		goto fail;
	err_clear(&err);
	switch (container_state_of(task)) {
	case CONTAINER_RUNNING:
		break;
	case CONTAINER_PAUSED:
		err_set(&err, ERR_PRECONDITION,
			"You cannot attach to a paused container, unpause it first");
		goto fail;
	default:
		err_set(&err, ERR_PRECONDITION,
			"You cannot attach to a stopped container, start it first");
		goto fail;
	}
	if (!no_stdin && spec_has_terminal(rec) && isatty(STDIN_FILENO)) {
		err_set(&err, ERR_UNIMPLEMENTED,
			"attach: the stdin of a detached container: not implemented yet (its input goes nowhere; use --no-stdin)");
		goto fail;
	}
	a = (struct attach_ctx){ x.store, x.env.ns, rec->id };
	ro.active_ctx = &a;
	if (sig_proxy &&
	    container_sigproxy_start(x.env.address, x.env.ns, rec->id, false, &proxy, &err) < 0)
		goto fail;
	path = logging_json_path(x.store, x.env.ns, rec->id);
	/* --log-driver none: nothing to show, only the exit code to wait for. */
	if (access(path, F_OK) == 0 && logread(path, &ro, print_entry, &a, &err) < 0)
		goto fail_proxy;
	if (ctd_tasks_wait(x.env.c, rec->id, NULL, &status, NULL, &err) < 0)
		goto fail_proxy;
	container_sigproxy_stop(proxy);
	cmd_ctr_release(&x);
	fflush(stdout);
	return (int)(status & 0xff);
fail_proxy:
	container_sigproxy_stop(proxy);
fail:
	rc = cmd_fail(cli, err);
	cmd_ctr_release(&x);
	return rc;
}
