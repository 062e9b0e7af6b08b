/* The container commands' shared set-up and their "for each CONTAINER argument" loop. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cmd/cmd.h"
#include "cmd/container_common.h"
#include "base/fs.h"
#include "base/xalloc.h"
#include "container/attach.h"
#include "container/labels.h"
#include "container/restart.h"
#include "ctd/ctd.h"

#include "base/banned.h"

int
cmd_ctr_init(struct cli *cli, struct cmd_ctr *x, struct err **errp)
{
	*x = (struct cmd_ctr){ 0 };
	x->env.c = cli_ctd(cli, errp);
	if (!x->env.c || cli_data_store(cli, &x->store, errp) < 0)
		return -1;
	x->env.ns = ctd_namespace(x->env.c);
	x->env.data_store = x->store;
	x->env.address = ctd_address(x->env.c);
	if (cli_config(cli, errp) < 0)
		return -1;
	x->env.cgroup_manager = cli_cgroup_manager(cli);
	x->net = (struct net_env){
		.cni_path = cli_cni_path(cli),
		.netconf_path = cli->g.cni_netconfpath,
		.data_store = x->store,
		.data_root = cli->g.data_root,
		.address = cli->g.address,
		.ns = x->env.ns,
		.host_gateway_ip = cli->g.host_gateway_ip,
	};
	x->env.net = &x->net;
	return 0;
}

void
cmd_ctr_release(struct cmd_ctr *x)
{
	free(x->store);
	x->store = NULL;
}

int
cmd_ctr_foreach(struct cli *cli, struct cmd_ctr *x, int argc, char **argv, cmd_ctr_fn fn,
		void *data, bool quiet)
{
	int failed = 0;

	for (int i = 0; i < argc; i++) {
		_cleanup_(ctd_msg_freep) CtdContainer *r = NULL;
		_cleanup_err_ struct err *e = NULL;

		if (container_find(x->env.c, argv[i], &r, &e) < 0 ||
		    fn(x, r, argv[i], data, &e) < 0) {
			cli_print_error(cli, e);
			failed = 1;
			continue;
		}
		if (!quiet)
			printf("%s\n", argv[i]);
	}
	fflush(stdout);
	return failed;
}

int
cmd_ctr_write_pidfile(const char *path, uint32_t pid, struct err **errp)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", pid);
	return fs_write_atomic(path, buf, strlen(buf), 0644, errp);
}

/* Whether r's networks go through CNI (not none, host or another container's). */
static bool
cni_networked(const CtdContainer *r)
{
	const char *n = container_label(r, LABEL_NETWORKS);

	return n && strcmp(n, "[\"none\"]") && strcmp(n, "[\"host\"]") &&
	       strncmp(n, "[\"container:", 12);
}

int
cmd_ctr_foreground(struct cmd_ctr *x, const CtdContainer *r, const struct cmd_fg *fg,
		   struct err **errp)
{
	struct container_attach a = CONTAINER_ATTACH_INIT;
	struct container_sigproxy *sp = NULL;
	struct ctd_task_io io;
	_cleanup_free_ char *dir = NULL;
	const char *log_uri = container_label(r, LABEL_LOG_URI);
	uint32_t pid = 0, status = 0;
	int ret = -1;

	dir = xasprintf("%s/containers/%s/%s/io", x->store, x->env.ns, r->id);
	a.address = x->env.address;
	a.ns = x->env.ns;
	a.id = r->id;
	a.store = x->store;
	a.want_stdout = fg->want_stdout;
	a.want_stderr = fg->want_stderr;
	if (fg->detach_keys && container_attach_set_detach_keys(&a, fg->detach_keys, errp) < 0)
		goto out;
	if (container_attach_open(&a, dir, fg->stdin_open, fg->tty, errp) < 0)
		goto out;
	if (log_uri && container_attach_logger(&a, x->store, x->env.ns, r->id, errp) < 0)
		goto out;
	container_attach_task_io(&a, &io);
	if (container_mark_starting(&x->env, r, errp) < 0 ||
	    container_task_create(&x->env, r, &io, &pid, errp) < 0)
		goto out;
	/* The signal thread first: threads made after it inherit the blocked signals. */
	if (fg->sig_proxy && container_sigproxy_start(x->env.address, x->env.ns, r->id, fg->tty,
						      &sp, errp) < 0)
		goto out_task;
	if (!fg->detach && container_attach_start(&a, errp) < 0)
		goto out_task;
	if (container_task_start(&x->env, r->id, errp) < 0 ||
	    container_mark_started(&x->env, r, errp) < 0)
		goto out_task;
	if (fg->tty) {
		unsigned cols, rows;

		if (container_tty_size(&cols, &rows))
			ctd_tasks_resize_pty(x->env.c, r->id, NULL, cols, rows, NULL);
	}
	if (fg->pidfile && cmd_ctr_write_pidfile(fg->pidfile, pid, errp) < 0)
		goto out_task;
	if (fg->detach) {
		if (container_attach_keep(&a, errp) < 0)
			goto out_task;
		ret = 0;
		goto out;
	}
	if (ctd_tasks_wait(x->env.c, r->id, NULL, &status, NULL, errp) < 0)
		goto out;
	container_sigproxy_stop(TAKE_PTR(sp));
	/* No logging process under a shim saw this exit: do the restart bookkeeping here. */
	if (!fg->delete_task) {
		if (container_label(r, LABEL_RESTART_POLICY) &&
		    container_restart_after_exit(&x->env, r->id, status, errp) < 0)
			goto out;
		/* Docker frees the network of an exited container at once. */
		if (cni_networked(r) && container_net_after_exit(&x->env, r->id, errp) < 0)
			goto out;
	}
	/*
	 * The shim closes our FIFOs only once it has copied everything and the task is
	 * deleted; deleting first (when the caller does not keep the task) saves waiting.
	 */
	if (fg->delete_task)
		container_delete_task(&x->env, r->id, NULL, NULL);
	container_attach_finish(&a);
	ret = (int)status;
	goto out;
out_task:
	ctd_tasks_kill(x->env.c, r->id, NULL, SIGKILL, true, NULL);
	container_delete_task(&x->env, r->id, NULL, NULL);
out:
	container_sigproxy_stop(sp);
	container_attach_release(&a);
	return ret;
}
