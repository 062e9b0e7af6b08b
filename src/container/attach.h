/*
 * A foreground container's IO and signals: FIFOs the shim connects to, copied to our
 * stdout/stderr (and to the json-file logging process, as nerdctl tees them) by one thread;
 * stdin copied the other way; raw mode and Ctrl-P Ctrl-Q for -t; and a signal thread that
 * forwards SIGINT/SIGTERM/... to the container and SIGWINCH as ResizePty (Docker's sig-proxy).
 */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>
#include <termios.h>

#include "base/err.h"
#include "ctd/tasks.h"

struct container_attach {
	char *dir;			/* FIFO directory (removed at release) */
	char *in_path, *out_path, *err_path;
	int in_fd, out_fd, err_fd;	/* -1 when unused */
	bool tty, stdin_open;
	bool want_stdout, want_stderr;	/* -a: which streams reach us (the log gets both) */
	int log_out, log_err;		/* pipes to the logging process, -1 without one */
	pid_t logger;
	unsigned char detach_keys[8];	/* the sequence that detaches (-t with -i) */
	size_t n_detach_keys;
	const char *address, *ns, *id;	/* for CloseIO at stdin EOF (borrowed) */
	const char *store;		/* data store: the logger lock and the exit hook */
	bool detached;			/* the keeper: no terminal, stdin held open, not read */
	bool handed_off;		/* a keeper owns the FIFOs: do not remove them */
	bool stdin_only;		/* attach: only our stdin into the task's FIFO */
	pthread_t thread;
	bool thread_started;
	struct termios saved_tio;
	bool raw;
};

/*
 * Makes the FIFOs in dir (created 0700) and opens our ends without blocking, so the task
 * can be created next. stdin_open: -i; tty: -t (no stderr FIFO then).
 */
int container_attach_open(struct container_attach *a, const char *dir, bool stdin_open,
			  bool tty, struct err **errp);
/* Docker's --detach-keys ("ctrl-p,ctrl-q", "ctrl-a,x", ...); ERR_INVALID when malformed. */
int container_attach_set_detach_keys(struct container_attach *a, const char *keys,
				     struct err **errp);
/* The task IO paths to give containerd (borrowed from a). */
void container_attach_task_io(const struct container_attach *a, struct ctd_task_io *io);
/*
 * Starts "<this binary> _NERDCTL_INTERNAL_LOGGING <store>" with pipes as fds 3 and 4, as
 * containerd's binary:// IO would, so output is logged while we also print it.
 */
int container_attach_logger(struct container_attach *a, const char *data_store, const char *ns,
			    const char *id, struct err **errp);
/* Raw mode on our terminal (tty and stdin is one) and the copying thread. */
int container_attach_start(struct container_attach *a, struct err **errp);
/*
 * Waits for the output to drain (both FIFOs at EOF), restores the terminal, closes the
 * logger's pipes and waits for it to write the rest.
 */
void container_attach_finish(struct container_attach *a);
/*
 * Hands the task's IO over to a keeper: a process of its own session that copies the
 * output to the logging process until the task's end and holds the stdin FIFO open meanwhile
 * (so `attach` can write to it and the container does not see EOF), then removes the FIFOs
 * and starts the container's exit hook (logging.h). For `run -d -i`; a Ctrl-P Ctrl-Q
 * detach hands over the same way. Afterwards release only closes our copies.
 */
int container_attach_keep(struct container_attach *a, struct err **errp);
/*
 * attach: copies our stdin into a running task's stdin FIFO (held open by its keeper or
 * by the CLI that ran it) from a thread, in raw mode with detach keys when tty and stdin is
 * a terminal (detach: the process exits 0). At our EOF the container's stdin stays open.
 * Fails when nothing holds the FIFO's other end. container_attach_release restores the
 * terminal and closes the FIFO.
 */
int container_attach_stdin(struct container_attach *a, const char *fifo, bool tty,
			   struct err **errp);
/* Closes everything and removes the FIFOs; a may be partly set up. */
void container_attach_release(struct container_attach *a);
#define CONTAINER_ATTACH_INIT                                                                      \
	{ .in_fd = -1, .out_fd = -1, .err_fd = -1, .log_out = -1, .log_err = -1,                  \
	  .want_stdout = true, .want_stderr = true, .detach_keys = { 0x10, 0x11 },                 \
	  .n_detach_keys = 2 }

struct container_sigproxy;
/*
 * Forwards SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 to task id (and SIGWINCH as
 * ResizePty of stdin's terminal when tty) over a connection of its own, opened on the first
 * signal. Blocks those signals in the caller; stop restores the mask.
 */
int container_sigproxy_start(const char *address, const char *ns, const char *id, bool tty,
			     struct container_sigproxy **ret, struct err **errp);
void container_sigproxy_stop(struct container_sigproxy *p);
/* Current size of stdin's terminal; 0 when it is no terminal. */
int container_tty_size(unsigned *ret_cols, unsigned *ret_rows);
