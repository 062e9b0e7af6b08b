/* FIFO-based task IO for foreground containers, the logging tee, raw mode and sig-proxy. */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/parse.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "container/attach.h"
#include "container/restart.h"
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
	posix_spawnattr_t attr;
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
	/*
	 * Not our stdio: the logger may outlive us (detach), and must not keep a pipe we were
	 * given open (a shell's $(...) would wait for it).
	 */
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out[0], 3);
	posix_spawn_file_actions_adddup2(&fa, errp_[0], 4);
	posix_spawn_file_actions_adddup2(&fa, ready[1], 5);
	/*
	 * A session of its own: the terminal's signals (Ctrl-C of a foreground run without -t,
	 * the hangup when a detached run's terminal goes) are not for it; it ends at EOF.
	 */
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
	r = posix_spawn(&a->logger, "/proc/self/exe", &fa, &attr, argv, env.v);
	posix_spawnattr_destroy(&attr);
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

/*
 * Raw mode on our terminal when stdin is one, as Docker's term.SetRawTerminal (output
 * processing kept); restore_tty undoes it.
 */
static void
enter_raw(struct container_attach *a)
{
	struct termios raw;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &a->saved_tio) < 0)
		return;
	raw = a->saved_tio;
	cfmakeraw(&raw);
	raw.c_oflag |= OPOST;
	if (tcsetattr(STDIN_FILENO, TCSADRAIN, &raw) == 0)
		a->raw = true;
}

/* Closes every descriptor but 0-2 and those in keep (-1 entries ignored). */
static void
close_all_but(const int *keep, size_t n)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		int fd = -1;
		bool kept = parse_int(de->d_name, &fd, NULL) < 0 || fd <= 2 || fd == dirfd(d);

		for (size_t i = 0; i < n && !kept; i++)
			kept = keep[i] == fd;
		if (!kept)
			close(fd);
	}
	closedir(d);
}

/*
 * In a new child: becomes the keeper (own session, stdio on /dev/null, only the IO
 * descriptors). Returns 0 in the child, the child's pid in the parent, -1 on failure.
 */
static pid_t
fork_keeper(struct container_attach *a)
{
	sigset_t none;
	pid_t pid = fork();
	int null;

	if (pid != 0)
		return pid;
	setsid();
	prctl(PR_SET_NAME, "nerdc-io-keeper");
	sigemptyset(&none);
	pthread_sigmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		if (null > 2)
			close(null);
	}
	{
		int keep[] = { a->in_fd, a->out_fd, a->err_fd, a->log_out, a->log_err };

		close_all_but(keep, ARRAY_SIZE(keep));
	}
	a->detached = true;
	a->want_stdout = a->want_stderr = false;
	a->raw = false;
	a->logger = 0;	/* the CLI's child, not ours: its lock tells when it is done */
	return 0;
}

/* The FIFOs and their directory. */
static void
remove_fifos(const struct container_attach *a)
{
	if (a->in_path)
		unlink(a->in_path);
	if (a->out_path)
		unlink(a->out_path);
	if (a->err_path)
		unlink(a->err_path);
	if (a->dir)
		rmdir(a->dir);
}

/* What the logging process under a shim would do at the exit (see restart.h). */
static void
keeper_exit_actions(struct container_attach *a)
{
	_cleanup_free_ char *hook = exit_hook_path(a->store, a->ns, a->id);
	struct ctd *c = NULL;
	uint32_t status = 0;

	if (access(hook, F_OK) < 0)
		return;
	if (ctd_connect(a->address, a->ns, &c, NULL) == 0 &&
	    ctd_tasks_wait(c, a->id, NULL, &status, NULL, NULL) == 0)
		container_logger_exit(c, a->store, a->ns, a->id, status, NULL);
	ctd_free(c);
	exit_hook_spawn(a->store, a->ns, a->id, NULL);
}

/* The keeper's end: the task's output has all gone to the logger. */
static _Noreturn void
keeper_finish(struct container_attach *a)
{
	if (a->log_out >= 0)
		close(a->log_out);
	if (a->log_err >= 0)
		close(a->log_err);
	if (a->store)
		logging_wait_logger(a->store, a->ns, a->id, 30000, NULL);
	if (a->in_fd >= 0)
		close(a->in_fd);
	remove_fifos(a);
	if (a->store)
		keeper_exit_actions(a);
	_exit(0);
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
			/*
			 * The CLI goes away; the container keeps running (Docker's detach), its
			 * output still logged and its stdin still open: a keeper takes over
			 * (attach: the FIFO's owner holds it already).
			 */
			if (a->stdin_only || fork_keeper(a) != 0)
				_exit(0);
			return 0;
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
			{ a->in_fd >= 0 && !in_eof && !pend_len && !a->detached ? in : -1, POLLIN, 0 },
			{ a->in_fd >= 0 && pend_len && !a->detached ? a->in_fd : -1, POLLOUT, 0 },
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
			pend_len = a->detached ? 0 : (size_t)n;
		}
	}
	if (a->detached)
		keeper_finish(a);
	return NULL;
}

/* attach: our stdin into the running task's stdin FIFO, detach keys on a terminal. */
static void *
stdin_thread(void *arg)
{
	struct container_attach *a = arg;
	bool tty_stdin = a->tty && isatty(STDIN_FILENO);
	size_t matched = 0;
	char buf[65536];

	for (;;) {
		ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		/* EOF: the container's stdin stays open for the next attach (Docker's). */
		if (n <= 0)
			break;
		if (tty_stdin && a->n_detach_keys)
			matched = match_detach(a, matched, buf, (size_t)n);
		if (fs_write_all(a->in_fd, buf, (size_t)n) < 0)
			break;
	}
	return NULL;
}

int
container_attach_stdin(struct container_attach *a, const char *fifo, bool tty,
		       struct err **errp)
{
	int r;

	a->tty = tty;
	a->stdin_only = true;
	/* Nonblocking: fails (ENXIO) rather than waits when no keeper holds the other end. */
	a->in_fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (a->in_fd < 0)
		return err_sys(errp, errno, "open the container's stdin %s", fifo);
	fcntl(a->in_fd, F_SETFL, fcntl(a->in_fd, F_GETFL) & ~O_NONBLOCK);
	a->stdin_open = true;
	if (tty)
		enter_raw(a);
	r = pthread_create(&a->thread, NULL, stdin_thread, a);
	if (r != 0) {
		restore_tty(a);
		return err_sys(errp, r, "start the stdin thread");
	}
	/* It may block in read(0) forever: never joined. */
	pthread_detach(a->thread);
	return 0;
}

int
container_attach_keep(struct container_attach *a, struct err **errp)
{
	pid_t pid = fork_keeper(a);

	if (pid < 0)
		return err_sys(errp, errno, "start the IO keeper");
	if (pid == 0)
		io_thread(a);	/* does not return */
	a->handed_off = true;
	a->logger = 0;	/* it ends with the keeper's pipes, not ours */
	return 0;
}

int
container_attach_start(struct container_attach *a, struct err **errp)
{
	int r;

	if (a->tty && a->stdin_open)
		enter_raw(a);
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
	if (!a->handed_off)
		remove_fifos(a);
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
