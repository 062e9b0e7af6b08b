/* FIFO-based task IO for foreground containers, the logging tee, raw mode and sig-proxy. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "container/attach.h"
#include "logging/logging.h"
#include "base/banned.h"

extern char **environ;

static int
make_fifo(const char *path, int flags, int *ret_fd, struct err **errp)
{
	if (mkfifo(path, 0600) < 0 && errno != EEXIST)
		return err_sys(errp, errno, "mkfifo %s", path);
	/*
	 * Reading end: O_NONBLOCK opens at once, and poll() reports nothing until the shim
	 * has opened the writing end and then POLLHUP once it closes it. Writing end (stdin):
	 * O_RDWR opens without a reader.
	 */
	*ret_fd = open(path, flags | O_NONBLOCK | O_CLOEXEC);
	if (*ret_fd < 0)
		return err_sys(errp, errno, "open %s", path);
	return 0;
}

int
container_attach_open(struct container_attach *a, const char *dir, bool stdin_open, bool tty,
		      struct err **errp)
{
	a->dir = xstrdup(dir);
	a->tty = tty;
	a->stdin_open = stdin_open;
	if (fs_mkdir_p(dir, 0700, errp) < 0)
		return -1;
	a->out_path = xasprintf("%s/stdout", dir);
	if (make_fifo(a->out_path, O_RDONLY, &a->out_fd, errp) < 0)
		return -1;
	if (!tty) {
		a->err_path = xasprintf("%s/stderr", dir);
		if (make_fifo(a->err_path, O_RDONLY, &a->err_fd, errp) < 0)
			return -1;
	}
	if (stdin_open) {
		a->in_path = xasprintf("%s/stdin", dir);
		if (make_fifo(a->in_path, O_RDWR, &a->in_fd, errp) < 0)
			return -1;
	}
	return 0;
}

int
container_attach_set_detach_keys(struct container_attach *a, const char *keys,
				 struct err **errp)
{
	_cleanup_strv_ struct strv parts = STRV_INIT;

	a->n_detach_keys = 0;
	if (!*keys)
		return 0;
	strv_split(&parts, keys, ',');
	for (size_t i = 0; i < parts.n; i++) {
		const char *k = parts.v[i];

		if (a->n_detach_keys == sizeof(a->detach_keys))
			return err_set(errp, ERR_INVALID, "Unknown character: '%s'", k);
		if (strlen(k) == 1) {
			a->detach_keys[a->n_detach_keys++] = (unsigned char)k[0];
		} else if (strncmp(k, "ctrl-", 5) == 0 && strlen(k) == 6 &&
			   ((k[5] >= 'a' && k[5] <= 'z') || strchr("@[\\]^_", k[5]))) {
			unsigned char c = (unsigned char)k[5];

			a->detach_keys[a->n_detach_keys++] =
				c >= 'a' && c <= 'z' ? (unsigned char)(c - 'a' + 1)
						     : (unsigned char)(c - '@');
		} else {
			return err_set(errp, ERR_INVALID, "Unknown character: '%s'", k);
		}
	}
	return 0;
}

void
container_attach_task_io(const struct container_attach *a, struct ctd_task_io *io)
{
	io->stdin_path = a->in_path;
	io->stdout_path = a->out_path;
	io->stderr_path = a->err_path;
	io->terminal = a->tty;
}

/* A copy of fd numbered 10 or above, close-on-exec, so dup2 onto 3..5 cannot clobber it. */
static int
high_fd(int fd)
{
	int h = fcntl(fd, F_DUPFD_CLOEXEC, 10);

	close(fd);
	return h;
}

int
container_attach_logger(struct container_attach *a, const char *data_store, const char *ns,
			const char *id, struct err **errp)
{
	int out[2], errp_[2], ready[2];
	posix_spawn_file_actions_t fa;
	_cleanup_strv_ struct strv env = STRV_INIT;
	char *argv[] = { (char *)"nerdc", (char *)LOGGING_MAGIC_ARGV1, (char *)data_store, NULL };
	int r;

	if (pipe2(out, O_CLOEXEC) < 0)
		return err_sys(errp, errno, "pipe");
	if (pipe2(errp_, O_CLOEXEC) < 0) {
		close(out[0]);
		close(out[1]);
		return err_sys(errp, errno, "pipe");
	}
	if (pipe2(ready, O_CLOEXEC) < 0) {
		close(out[0]);
		close(out[1]);
		close(errp_[0]);
		close(errp_[1]);
		return err_sys(errp, errno, "pipe");
	}
	out[0] = high_fd(out[0]);
	errp_[0] = high_fd(errp_[0]);
	ready[1] = high_fd(ready[1]);
	for (char **e = environ; *e; e++)
		if (strncmp(*e, "CONTAINER_ID=", 13) && strncmp(*e, "CONTAINER_NAMESPACE=", 20))
			strv_push(&env, *e);
	strv_pushf(&env, "CONTAINER_ID=%s", id);
	strv_pushf(&env, "CONTAINER_NAMESPACE=%s", ns);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, out[0], 3);
	posix_spawn_file_actions_adddup2(&fa, errp_[0], 4);
	posix_spawn_file_actions_adddup2(&fa, ready[1], 5);
	r = posix_spawn(&a->logger, "/proc/self/exe", &fa, NULL, argv, env.v);
	posix_spawn_file_actions_destroy(&fa);
	close(out[0]);
	close(errp_[0]);
	close(ready[1]);
	close(ready[0]);
	if (r != 0) {
		close(out[1]);
		close(errp_[1]);
		a->logger = 0;
		return err_sys(errp, r, "start the logging process");
	}
	a->log_out = out[1];
	a->log_err = errp_[1];
	return 0;
}

/* Writes to fd, dropping the data (and the fd) when the reader went away. */
static void
write_or_drop(int *fd, const char *data, size_t len)
{
	if (*fd >= 0 && fs_write_all(*fd, data, len) < 0) {
		close(*fd);
		*fd = -1;
	}
}

static void
restore_tty(struct container_attach *a)
{
	if (a->raw) {
		tcsetattr(STDIN_FILENO, TCSADRAIN, &a->saved_tio);
		a->raw = false;
	}
}

/* How many bytes of the detach sequence the input has matched so far. */
static size_t
match_detach(struct container_attach *a, size_t matched, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)buf[i] == a->detach_keys[matched])
			matched++;
		else
			matched = (unsigned char)buf[i] == a->detach_keys[0];
		if (matched == a->n_detach_keys) {
			restore_tty(a);
			/* The CLI goes away; the container keeps running (Docker's detach). */
			_exit(0);
		}
	}
	return matched;
}

/*
 * Our stdin ended: the shim keeps the process's stdin open until told (CloseIO), as
 * containerd's client does it. The main thread's connection is busy in Wait: use our own.
 */
static void
close_stdin(struct container_attach *a)
{
	struct ctd *c = NULL;

	if (!a->address || !a->id || ctd_connect(a->address, a->ns, &c, NULL) < 0)
		return;
	ctd_tasks_close_io(c, a->id, NULL, NULL);
	ctd_free(c);
}

/* Our stdin ended, or the FIFO's reader went away: close our end and tell the shim. */
static void
end_stdin(struct container_attach *a)
{
	if (a->in_fd < 0)
		return;
	close(a->in_fd);
	a->in_fd = -1;
	close_stdin(a);
}

/*
 * The stdin FIFO is non-blocking: input waits in pend until the FIFO has room (POLLOUT), and
 * our stdin is read again only once it has all gone, so output keeps flowing meanwhile and
 * no input is dropped.
 */
static void *
io_thread(void *arg)
{
	struct container_attach *a = arg;
	int in = a->stdin_open ? STDIN_FILENO : -1;
	size_t matched = 0, pend_off = 0, pend_len = 0;
	bool in_eof = false;
	char buf[65536], pend[65536];
	int tty_stdin = a->tty && isatty(STDIN_FILENO);

	for (;;) {
		struct pollfd p[4] = {
			{ a->out_fd, POLLIN, 0 },
			{ a->err_fd, POLLIN, 0 },
			{ a->in_fd >= 0 && !in_eof && !pend_len ? in : -1, POLLIN, 0 },
			{ a->in_fd >= 0 && pend_len ? a->in_fd : -1, POLLOUT, 0 },
		};

		if (a->out_fd < 0 && a->err_fd < 0)
			break;
		if (poll(p, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			int *fd = i ? &a->err_fd : &a->out_fd;
			ssize_t n;

			if (*fd < 0 || !p[i].revents)
				continue;
			n = read(*fd, buf, sizeof(buf));
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (n <= 0) {
				close(*fd);
				*fd = -1;
				continue;
			}
			if (i ? a->want_stderr : a->want_stdout) {
				int ofd = i ? STDERR_FILENO : STDOUT_FILENO;

				fs_write_all(ofd, buf, (size_t)n);
			}
			write_or_drop(i ? &a->log_err : &a->log_out, buf, (size_t)n);
		}
		if (p[3].fd >= 0 && p[3].revents) {
			ssize_t n = write(a->in_fd, pend + pend_off, pend_len);

			if (n < 0 && errno != EAGAIN && errno != EINTR) {
				pend_len = 0;
				end_stdin(a);
			} else if (n > 0) {
				pend_off += (size_t)n;
				pend_len -= (size_t)n;
			}
			if (!pend_len && in_eof)
				end_stdin(a);
		}
		if (p[2].fd >= 0 && p[2].revents) {
			ssize_t n = read(in, pend, sizeof(pend));

			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (n <= 0) {
				in_eof = true;
				end_stdin(a);
				continue;
			}
			if (tty_stdin && a->n_detach_keys)
				matched = match_detach(a, matched, pend, (size_t)n);
			pend_off = 0;
			pend_len = (size_t)n;
		}
	}
	return NULL;
}

int
container_attach_start(struct container_attach *a, struct err **errp)
{
	int r;

	if (a->tty && a->stdin_open && isatty(STDIN_FILENO) &&
	    tcgetattr(STDIN_FILENO, &a->saved_tio) == 0) {
		struct termios raw = a->saved_tio;

		cfmakeraw(&raw);
		/* Docker's term.SetRawTerminal keeps output processing. */
		raw.c_oflag |= OPOST;
		if (tcsetattr(STDIN_FILENO, TCSADRAIN, &raw) == 0)
			a->raw = true;
	}
	r = pthread_create(&a->thread, NULL, io_thread, a);
	if (r != 0) {
		restore_tty(a);
		return err_sys(errp, r, "start the IO thread");
	}
	a->thread_started = true;
	return 0;
}

void
container_attach_finish(struct container_attach *a)
{
	if (a->thread_started) {
		pthread_join(a->thread, NULL);
		a->thread_started = false;
	}
	restore_tty(a);
	if (a->log_out >= 0)
		close(a->log_out);
	if (a->log_err >= 0)
		close(a->log_err);
	a->log_out = a->log_err = -1;
	if (a->logger > 0) {
		while (waitpid(a->logger, NULL, 0) < 0 && errno == EINTR)
			;
		a->logger = 0;
	}
}

void
container_attach_release(struct container_attach *a)
{
	if (a->thread_started) {
		/* Only after a failure before the task ran: the FIFOs never saw a writer. */
		pthread_cancel(a->thread);
		pthread_join(a->thread, NULL);
		a->thread_started = false;
	}
	container_attach_finish(a);
	if (a->in_fd >= 0)
		close(a->in_fd);
	if (a->out_fd >= 0)
		close(a->out_fd);
	if (a->err_fd >= 0)
		close(a->err_fd);
	a->in_fd = a->out_fd = a->err_fd = -1;
	if (a->in_path)
		unlink(a->in_path);
	if (a->out_path)
		unlink(a->out_path);
	if (a->err_path)
		unlink(a->err_path);
	if (a->dir)
		rmdir(a->dir);
	free(a->dir);
	free(a->in_path);
	free(a->out_path);
	free(a->err_path);
	a->dir = a->in_path = a->out_path = a->err_path = NULL;
}

/* ---- sig-proxy ----------------------------------------------------------------------- */

struct container_sigproxy {
	pthread_t thread;
	sigset_t set, old;
	char *address, *ns, *id;
	bool tty;
	struct ctd *c;
};

#define SIGPROXY_STOP (SIGRTMIN + 1)

int
container_tty_size(unsigned *ret_cols, unsigned *ret_rows)
{
	struct winsize ws;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) < 0 || !ws.ws_col)
		return 0;
	*ret_cols = ws.ws_col;
	*ret_rows = ws.ws_row;
	return 1;
}

static void
forward(struct container_sigproxy *p, int sig)
{
	_cleanup_err_ struct err *e = NULL;
	unsigned cols, rows;

	if (!p->c && ctd_connect(p->address, p->ns, &p->c, &e) < 0)
		return;
	if (sig == SIGWINCH) {
		if (container_tty_size(&cols, &rows))
			ctd_tasks_resize_pty(p->c, p->id, NULL, cols, rows, &e);
		return;
	}
	ctd_tasks_kill(p->c, p->id, NULL, (uint32_t)sig, false, &e);
}

static void *
sigproxy_thread(void *arg)
{
	struct container_sigproxy *p = arg;

	for (;;) {
		int sig;

		if (sigwait(&p->set, &sig) != 0)
			continue;
		if (sig == SIGPROXY_STOP)
			break;
		forward(p, sig);
	}
	return NULL;
}

int
container_sigproxy_start(const char *address, const char *ns, const char *id, bool tty,
			 struct container_sigproxy **ret, struct err **errp)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
	struct container_sigproxy *p = xnew(struct container_sigproxy, 1);
	int r;

	p->address = xstrdup(address);
	p->ns = xstrdup(ns);
	p->id = xstrdup(id);
	p->tty = tty;
	sigemptyset(&p->set);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaddset(&p->set, sigs[i]);
	if (tty)
		sigaddset(&p->set, SIGWINCH);
	sigaddset(&p->set, SIGPROXY_STOP);
	pthread_sigmask(SIG_BLOCK, &p->set, &p->old);
	r = pthread_create(&p->thread, NULL, sigproxy_thread, p);
	if (r != 0) {
		pthread_sigmask(SIG_SETMASK, &p->old, NULL);
		free(p->address);
		free(p->ns);
		free(p->id);
		free(p);
		return err_sys(errp, r, "start the signal thread");
	}
	*ret = p;
	return 0;
}

void
container_sigproxy_stop(struct container_sigproxy *p)
{
	if (!p)
		return;
	pthread_kill(p->thread, SIGPROXY_STOP);
	pthread_join(p->thread, NULL);
	pthread_sigmask(SIG_SETMASK, &p->old, NULL);
	ctd_free(p->c);
	free(p->address);
	free(p->ns);
	free(p->id);
	free(p);
}
