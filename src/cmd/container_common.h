/* Helpers shared by the container commands: the container environment and per-argument loops. */
#pragma once

#include "cli/cli.h"
#include "container/container.h"
#include "net/net.h"

/* env.net points at net (do not copy the struct). */
struct cmd_ctr {
	struct container_env env;
	struct net_env net;
	char *store;
};

/* Connects and resolves the data store; release with cmd_ctr_release. */
int cmd_ctr_init(struct cli *cli, struct cmd_ctr *x, struct err **errp);
void cmd_ctr_release(struct cmd_ctr *x);

/* Called for each container named on the command line. */
typedef int (*cmd_ctr_fn)(struct cmd_ctr *x, const CtdContainer *r, const char *arg, void *data,
			  struct err **errp);

/*
 * Finds each of argv[0..argc) and calls fn; on success prints the argument (Docker echoes
 * what was given) unless quiet. Errors are printed as they happen; returns 1 if any failed.
 */
int cmd_ctr_foreach(struct cli *cli, struct cmd_ctr *x, int argc, char **argv, cmd_ctr_fn fn,
		    void *data, bool quiet);

/* How a foreground run or start -a connects to the task. */
struct cmd_fg {
	bool stdin_open;	/* -i */
	bool tty;		/* the spec's process.terminal */
	bool sig_proxy;
	bool want_stdout, want_stderr;	/* -a */
	const char *detach_keys;	/* NULL: ctrl-p,ctrl-q */
	const char *pidfile;	/* NULL: none */
	bool delete_task;	/* delete the task as soon as it exits (run --rm) */
	bool detach;		/* run -d -i: hand the IO to a keeper, do not wait */
};

/*
 * Creates r's task with our FIFOs (old task deleted by the caller), tees output to the
 * logging process when r has a log URI, starts it and waits: returns the exit status, or
 * -1 with *errp (the task is then gone again). With fg->detach it returns 0 once the task
 * runs, a keeper holding its IO (container_attach_keep).
 */
int cmd_ctr_foreground(struct cmd_ctr *x, const CtdContainer *r, const struct cmd_fg *fg,
		       struct err **errp);
/* Writes the pid (decimal, no newline, as nerdctl) to path atomically. */
int cmd_ctr_write_pidfile(const char *path, uint32_t pid, struct err **errp);

/* attach, and start -a of a running container. */
struct cmd_attach {
	const char *detach_keys;	/* NULL: ctrl-p,ctrl-q */
	bool attach_stdin;		/* not --no-stdin */
	bool sig_proxy;
};
/*
 * Follows a running container's output (its json-file log) and feeds it our stdin when it
 * has a stdin FIFO, until it exits: returns its exit status, or -1 with *errp (not running:
 * ERR_PRECONDITION with Docker's messages).
 */
int cmd_ctr_attach(struct cmd_ctr *x, const CtdContainer *r, const struct cmd_attach *o,
		   struct err **errp);
