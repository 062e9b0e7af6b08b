/*
 * The logging process containerd starts for a task (binary:// log URI): copies the task's
 * stdout (fd 3) and stderr (fd 4) into the json-file log until the task exits, then drains
 * the pipes and exits. containerd's shim keeps the pipes' write ends open until the task is
 * deleted, so the exit comes from a /tasks/exit event (subscribed before we say ready on
 * fd 5, so it cannot be missed) or, at task delete, from EOF plus the shim's SIGTERM.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "ctd/events.h"
#include "ctd/tasks.h"
#include "logging/jsonfile.h"
#include "logging/logging.h"
#include "base/banned.h"

enum { FD_STDOUT = 3, FD_STDERR = 4, FD_READY = 5 };

struct exit_watch {
	const char *host, *ns, *id;
	struct ctd *ctd;
	struct ctd_stream *sub;
	int notify;		/* write end: one byte when the task exited (or watching failed) */
	uint32_t status;	/* the exit status, set before the byte is written */
};

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * containerd went away (a restart, an upgrade) and took the subscription along: subscribe
 * again once it answers, then ask whether the task exited meanwhile. 1 with *ret_status when
 * it did, 0 when the new subscription is in place, -1 when the task is gone (deleted: EOF
 * and the shim's SIGTERM end us then).
 */
static int
watch_resume(struct exit_watch *w, uint32_t *ret_status)
{
	const struct timespec pause = { 0, 500 * 1000 * 1000 };
	_cleanup_ctd_msg_ CtdProcess *t = NULL;
	_cleanup_err_ struct err *e = NULL;

	ctd_stream_free(TAKE_PTR(w->sub));
	ctd_free(TAKE_PTR(w->ctd));
	for (;;) {
		nanosleep(&pause, NULL);
		if (ctd_connect(w->host, w->ns, &w->ctd, NULL) == 0 &&
		    ctd_events_subscribe_exit(w->ctd, w->ns, w->id, &w->sub, NULL) == 0)
			break;
		ctd_free(TAKE_PTR(w->ctd));
	}
	if (ctd_tasks_get(w->ctd, w->id, NULL, &t, &e) < 0)
		return err_is(&e, ERR_NOT_FOUND) ? -1 : 0;
	if (t->status != CONTAINERD__V1__TYPES__STATUS__STOPPED)
		return 0;
	*ret_status = t->exit_status;
	return 1;
}

static void *
watch_exit(void *arg)
{
	struct exit_watch *w = arg;
	char c = 'x';

	/* The filter lets only this task's own exit through. */
	for (;;) {
		_cleanup_err_ struct err *err = NULL;
		int r;

		if (ctd_events_recv_exit(w->sub, &w->status, &err) == 0)
			break;
		r = watch_resume(w, &w->status);
		if (r < 0)
			return NULL;
		if (r > 0)
			break;
	}
	if (write(w->notify, &c, 1) < 0)
		return NULL;
	return NULL;
}

/* Subscribes to the exit of the task's init process, before the task can start. */
static int
watch_start(const char *host, const char *ns, const char *id, struct exit_watch *w,
	    struct err **errp)
{
	if (!host || !*host)
		return err_set(errp, ERR_INVALID, "log config names no containerd address");
	w->host = host;
	w->ns = ns;
	w->id = id;
	if (ctd_connect(host, ns, &w->ctd, errp) < 0)
		return -1;
	return ctd_events_subscribe_exit(w->ctd, ns, id, &w->sub, errp);
}

/*
 * Whether the task's exit ends logging: only under a shim, which keeps the pipes open after
 * the exit. A CLI feeding us (foreground run) closes them itself after the last byte.
 */
static bool
watch_wanted(void)
{
	const char *eof_only = getenv(LOGGING_ENV_EOF_ONLY);
	_cleanup_free_ char *path = xasprintf("/proc/%d/comm", (int)getppid());
	_cleanup_fclose_ FILE *f = NULL;
	char comm[64] = "";

	if (eof_only && !strcmp(eof_only, "1"))
		return false;
	f = fopen(path, "re");
	if (!f || !fgets(comm, sizeof(comm), f))
		return true;
	return strncmp(comm, "containerd-shim", 15) == 0;
}

/* Reads what fd has now (nonblocking) into the log; returns 0 at EOF, 1 if still open. */
static int
pump(struct jsonlog_writer *wr, int fd, enum jsonlog_stream s, bool drain, struct err **errp)
{
	static char chunk[32 * 1024];

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 1;
		if (n < 0)
			return err_sys(errp, errno, "read container %s", s ? "stderr" : "stdout");
		if (n == 0)
			return 0;
		if (wr && jsonlog_feed(wr, s, chunk, (size_t)n, now_ns(), errp) < 0)
			return -1;
		if (!drain)
			return 1;
	}
}

static int
run(const char *store, const char *ns, const char *id, logging_exit_fn on_exit, bool *ret_exited,
    struct err **errp)
{
	struct log_config cfg = LOG_CONFIG_INIT;
	_cleanup_free_ char *lock_path = NULL;
	_cleanup_free_ char *log_path = NULL;
	_cleanup_close_ int lock_fd = -1;
	_cleanup_close_ int sig_fd = -1;
	struct jsonlog_writer *wr = NULL;
	struct exit_watch watch = { .notify = -1 };
	int exit_pipe[2] = { -1, -1 };
	bool open_fd[2] = { true, true };
	bool exited = false;
	pthread_t thread;
	sigset_t mask;
	int ret = -1;

	if (log_config_read(store, ns, id, &cfg, errp) < 0)
		return -1;
	lock_path = logging_lock_path(store, ns, id);
	log_path = logging_json_path(store, ns, id);
	lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock_fd < 0 || flock(lock_fd, LOCK_EX) < 0) {
		err_sys(errp, errno, "lock %s", lock_path);
		goto out;
	}
	if (!strcmp(cfg.driver, "json-file") &&
	    jsonlog_writer_open(log_path, cfg.max_size, cfg.max_file, &wr, errp) < 0)
		goto out;
	if (pipe2(exit_pipe, O_CLOEXEC) < 0) {
		err_sys(errp, errno, "pipe");
		goto out;
	}
	if (watch_wanted()) {
		if (watch_start(cfg.host, ns, id, &watch, errp) < 0)
			goto out;
		watch.notify = exit_pipe[1];
		if (pthread_create(&thread, NULL, watch_exit, &watch) != 0) {
			err_set(errp, ERR_INTERNAL, "cannot start the exit watcher");
			goto out;
		}
		pthread_detach(thread);
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sig_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	for (int fd = FD_STDOUT; fd <= FD_STDERR; fd++)
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	/* Ready: the shim goes on creating the task once fd 5 is closed. */
	close(FD_READY);

	while ((open_fd[0] || open_fd[1]) && !exited) {
		struct pollfd p[4] = {
			{ open_fd[0] ? FD_STDOUT : -1, POLLIN, 0 },
			{ open_fd[1] ? FD_STDERR : -1, POLLIN, 0 },
			{ exit_pipe[0], POLLIN, 0 },
			{ sig_fd, POLLIN, 0 },
		};

		if (poll(p, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			err_sys(errp, errno, "poll");
			goto out;
		}
		for (int i = 0; i < 2; i++) {
			if (!open_fd[i] || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			int r = pump(wr, FD_STDOUT + i, (enum jsonlog_stream)i, false, errp);

			if (r < 0)
				goto out;
			open_fd[i] = r > 0;
		}
		/* The task exited, or the shim is deleting it: what is in the pipes is all. */
		if (p[2].revents || p[3].revents)
			exited = true;
		/*
		 * First of all, while containerd's restart monitor may be about to look at the
		 * container: the restart policy's decision (see logging_exit_fn).
		 */
		if (p[2].revents && !*ret_exited) {
			_cleanup_free_ char *hook = exit_hook_path(store, ns, id);
			_cleanup_err_ struct err *e = NULL;

			*ret_exited = true;
			if (on_exit && access(hook, F_OK) == 0 &&
			    on_exit(watch.ctd, store, ns, id, watch.status, &e) < 0)
				fprintf(stderr, "nerdc logging %s/%s: %s\n", ns, id, e->msg);
		}
	}
	for (int i = 0; i < 2; i++)
		if (open_fd[i] && pump(wr, FD_STDOUT + i, (enum jsonlog_stream)i, true, errp) < 0)
			goto out;
	ret = 0;
out:
	if (wr) {
		int64_t t = now_ns();

		for (int i = 0; i < 2; i++)
			if (jsonlog_flush(wr, (enum jsonlog_stream)i, t, ret < 0 ? NULL : errp) < 0)
				ret = -1;
	}
	jsonlog_writer_free(wr);
	log_config_release(&cfg);
	/* The watcher thread may still block on the stream: leave the connection to exit(). */
	return ret;
}

int
logging_main(const char *store, logging_exit_fn on_exit)
{
	_cleanup_err_ struct err *err = NULL;
	const char *id = getenv("CONTAINER_ID");
	const char *ns = getenv("CONTAINER_NAMESPACE");
	bool exited = false;

	if (!store || !*store || !id || !*id || !ns || !*ns || strchr(id, '/') ||
	    strchr(ns, '/')) {
		fprintf(stderr, "nerdc logging: needs CONTAINER_ID, CONTAINER_NAMESPACE and a data store\n");
		return 1;
	}
	if (run(store, ns, id, on_exit, &exited, &err) < 0) {
		/* The shim logs our stderr; nothing else would see this. */
		fprintf(stderr, "nerdc logging %s/%s: %s\n", ns, id, err ? err->msg : "failed");
		close(FD_READY);
		return 1;
	}
	/*
	 * The task exited on its own (or by kill/stop), not by a delete: Docker's daemon would
	 * now apply --rm or the restart policy; the container's exit hook does, if it has one.
	 */
	if (exited && exit_hook_spawn(store, ns, id, &err) < 0) {
		fprintf(stderr, "nerdc logging %s/%s: %s\n", ns, id, err->msg);
		return 1;
	}
	return 0;
}
