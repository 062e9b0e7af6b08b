/* exec -t: the exec process's terminal follows our window (initial size, then SIGWINCH). */
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>

#include "base/xalloc.h"
#include "container/attach.h"
#include "container/sigproxy_exec.h"
#include "ctd/tasks.h"
#include "base/banned.h"

struct container_winch {
	pthread_t thread;
	sigset_t set, old;
	char *address, *ns, *id, *exec_id;
	struct ctd *c;		/* the thread's own connection, made at the first SIGWINCH */
};

/* Not attach.c's stop signal: each is sent only to its own thread, but keep them apart. */
#define WINCH_STOP (SIGRTMIN + 2)

static void
resize(struct ctd *c, const char *id, const char *exec_id)
{
	_cleanup_err_ struct err *e = NULL;
	unsigned cols, rows;

	/* A failed resize (the process just exited) is not worth reporting, as in Docker. */
	if (container_tty_size(&cols, &rows))
		ctd_tasks_resize_pty(c, id, exec_id, cols, rows, &e);
}

static void *
winch_thread(void *arg)
{
	struct container_winch *p = arg;

	for (;;) {
		_cleanup_err_ struct err *e = NULL;
		int sig;

		if (sigwait(&p->set, &sig) != 0)
			continue;
		if (sig == WINCH_STOP)
			break;
		if (!p->c && ctd_connect(p->address, p->ns, &p->c, &e) < 0)
			continue;
		resize(p->c, p->id, p->exec_id);
	}
	return NULL;
}

static void
winch_free(struct container_winch *p)
{
	ctd_free(p->c);
	free(p->address);
	free(p->ns);
	free(p->id);
	free(p->exec_id);
	free(p);
}

int
container_winch_start(struct ctd *c, const char *id, const char *exec_id,
		      struct container_winch **ret, struct err **errp)
{
	struct container_winch *p = xnew(struct container_winch, 1);
	int r;

	p->address = xstrdup(ctd_address(c));
	p->ns = xstrdup(ctd_namespace(c));
	p->id = xstrdup(id);
	p->exec_id = xstrdup(exec_id);
	sigemptyset(&p->set);
	sigaddset(&p->set, SIGWINCH);
	sigaddset(&p->set, WINCH_STOP);
	/* Blocked before the first resize: a change from now on waits for the thread. */
	pthread_sigmask(SIG_BLOCK, &p->set, &p->old);
	resize(c, id, exec_id);
	r = pthread_create(&p->thread, NULL, winch_thread, p);
	if (r != 0) {
		pthread_sigmask(SIG_SETMASK, &p->old, NULL);
		winch_free(p);
		return err_sys(errp, r, "start the window size thread");
	}
	*ret = p;
	return 0;
}

void
container_winch_stop(struct container_winch *p)
{
	if (!p)
		return;
	pthread_kill(p->thread, WINCH_STOP);
	pthread_join(p->thread, NULL);
	pthread_sigmask(SIG_SETMASK, &p->old, NULL);
	winch_free(p);
}
