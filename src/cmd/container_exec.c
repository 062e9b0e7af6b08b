/* nerdc exec: a new process in a running container's task, its exit code passed through. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>

#include "base/fs.h"
#include "base/json.h"
#include "base/xalloc.h"
#include "cli/opt.h"
#include "cmd/cmd.h"
#include "container/attach.h"
#include "container/container.h"
#include "container/names.h"
#include "container/sigproxy_exec.h"
#include "oci/exec.h"
#include "oci/spec.h"
#include "base/banned.h"

static int
env_cb(const struct opt *o, const char *value, struct err **errp)
{
	return oci_parse_env(value, o->value, errp);
}

static int
env_file_cb(const struct opt *o, const char *value, struct err **errp)
{
	return oci_parse_env_file(value, o->value, errp);
}

/* The container's runtime spec (the record's Any holds its JSON). New reference. */
static json_t *
record_spec(const CtdContainer *r, struct err **errp)
{
	if (!r->spec || !r->spec->value.len) {
		err_set(errp, ERR_INVALID, "container %s has no runtime spec", r->id);
		return NULL;
	}
	return json_parse_strict((const char *)r->spec->value.data, r->spec->value.len,
				 64 * 1024 * 1024, "runtime spec", errp);
}

/*
 * Docker's exec runs only in a running, unpaused container; ERR_PRECONDITION with its
 * messages otherwise. *ret_pid: the init process (for /proc/<pid>/root).
 */
static int
check_running(struct ctd *c, const CtdContainer *r, uint32_t *ret_pid, struct err **errp)
{
	_cleanup_(ctd_msg_freep) CtdProcess *task = NULL;
	_cleanup_err_ struct err *e = NULL;

	if (ctd_tasks_get(c, r->id, NULL, &task, &e) < 0) {
		if (!err_is(&e, ERR_NOT_FOUND))
			return err_move(errp, &e);
		return err_set(errp, ERR_PRECONDITION, "Container %s is not running", r->id);
	}
	switch (container_state_of(task)) {
	case CONTAINER_RUNNING:
		*ret_pid = task->pid;
		return 0;
	case CONTAINER_PAUSED:
		return err_set(errp, ERR_PRECONDITION,
			       "Container %s is paused, unpause the container before exec", r->id);
	default:
		return err_set(errp, ERR_PRECONDITION, "Container %s is not running", r->id);
	}
}

/*
 * stdin of a non-tty exec -i: copied by a thread of its own with blocking writes (a full
 * FIFO then never stalls the output), and at EOF the FIFO is closed and CloseIO sent, on a
 * connection of its own: the shim holds a writer of the FIFO itself (for re-attaching), so
 * the process sees EOF only after CloseIO.
 */
struct stdin_pump {
	char *path;
	int fd;
	const char *address, *ns, *id, *exec_id;
	pthread_t thread;
	bool started;
};

static int
stdin_pump_open(struct stdin_pump *p, const char *dir, struct err **errp)
{
	int flags;

	p->path = xasprintf("%s/stdin", dir);
	if (mkfifo(p->path, 0600) < 0)
		return err_sys(errp, errno, "mkfifo %s", p->path);
	/* O_RDWR opens without a reader; the writes below then block while the FIFO is full. */
	p->fd = open(p->path, O_RDWR | O_CLOEXEC);
	if (p->fd < 0)
		return err_sys(errp, errno, "open %s", p->path);
	flags = fcntl(p->fd, F_GETFL);
	fcntl(p->fd, F_SETFL, flags & ~O_NONBLOCK);
	return 0;
}

static void *
stdin_pump_thread(void *arg)
{
	struct stdin_pump *p = arg;
	_cleanup_err_ struct err *e = NULL;
	struct ctd *c = NULL;
	char buf[65536];

	for (;;) {
		ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || fs_write_all(p->fd, buf, (size_t)n) < 0)
			break;
	}
	close(p->fd);
	p->fd = -1;
	if (ctd_connect(p->address, p->ns, &c, &e) == 0)
		ctd_tasks_close_io(c, p->id, p->exec_id, &e);
	ctd_free(c);
	return NULL;
}

static void
stdin_pump_release(struct stdin_pump *p)
{
	if (p->started) {
		/* The process is gone; a stdin still open (a terminal) must not keep us. */
		pthread_cancel(p->thread);
		pthread_join(p->thread, NULL);
	}
	if (p->fd >= 0)
		close(p->fd);
	if (p->path)
		unlink(p->path);
	free(p->path);
}

struct exec_opts {
	bool detach, interactive, tty, privileged;
	const char *user, *workdir, *detach_keys;
	struct strv env;
};

/* Runs the exec session; returns the process's exit code, or -1 with *errp. */
static int
exec_session(struct cli *cli, struct ctd *c, const CtdContainer *r, struct exec_opts *x,
	     char **args, int n_args, struct err **errp)
{
	struct container_attach a = CONTAINER_ATTACH_INIT;
	struct ctd_task_io io = { 0 };
	_cleanup_json_ json_t *spec = NULL;
	_cleanup_json_ json_t *proc = NULL;
	_cleanup_free_ char *proc_text = NULL;
	_cleanup_free_ char *store = NULL;
	_cleanup_free_ char *rootfs = NULL;
	_cleanup_free_ char *fifo_dir = NULL;
	char exec_id[CONTAINER_ID_LEN + 1];
	struct oci_exec_opts eo = { args, (size_t)n_args, &x->env, x->user, x->workdir, x->tty,
				    x->privileged };
	uint32_t pid = 0, status = 0;
	struct stdin_pump pump = { .fd = -1 };
	struct container_winch *winch = NULL;
	bool added = false;
	int ret = -1;

	if (check_running(c, r, &pid, errp) < 0)
		return -1;
	spec = record_spec(r, errp);
	if (!spec)
		return -1;
	rootfs = xasprintf("/proc/%u/root", pid);
	proc = oci_exec_process(spec, &eo, rootfs, errp);
	if (!proc)
		return -1;
	if (x->tty) {
		unsigned cols, rows;

		/*
		 * runc sizes the new console from the spec before the process runs; a ResizePty
		 * after start (Docker 20.10's way) races with a command that asks at once.
		 */
		if (container_tty_size(&cols, &rows))
			json_object_set_new(proc, "consoleSize",
					    json_pack("{s:I, s:I}", "height", (json_int_t)rows,
						      "width", (json_int_t)cols));
	}
	proc_text = json_dumps(proc, JSON_COMPACT);
	container_id_new(exec_id);
	if (!x->detach) {
		if (cli_data_store(cli, &store, errp) < 0)
			return -1;
		fifo_dir = xasprintf("%s/containers/%s/%s/exec-%.12s", store, ctd_namespace(c), r->id,
				     exec_id);
		if (container_attach_open(&a, fifo_dir, x->interactive && x->tty, x->tty, errp) < 0 ||
		    (x->detach_keys &&
		     container_attach_set_detach_keys(&a, x->detach_keys, errp) < 0))
			goto out;
		container_attach_task_io(&a, &io);
		if (x->interactive && !x->tty) {
			if (stdin_pump_open(&pump, fifo_dir, errp) < 0)
				goto out;
			io.stdin_path = pump.path;
		}
	}
	io.terminal = x->tty;
	if (ctd_tasks_exec(c, r->id, exec_id, &io, proc_text, strlen(proc_text), errp) < 0)
		goto out;
	added = true;
	if (ctd_tasks_start(c, r->id, exec_id, NULL, errp) < 0) {
		/* Docker's exec reports runc's failure to start the command as 126. */
		(*errp)->exit_code = EXIT_CANNOT_INVOKE;
		goto out;
	}
	if (x->detach) {
		ret = 0;
		goto out;
	}
	/*
	 * Before any other thread exists: SIGWINCH must be blocked in all of them, or the
	 * kernel may hand it to the copying thread, which would drop it.
	 */
	if (x->tty && container_winch_start(c, r->id, exec_id, &winch, errp) < 0)
		goto out;
	/*
	 * Only now: the shim opens an exec's FIFOs at start, and stdin read to EOF before that
	 * would be dropped with our end of the FIFO. Output waits in the FIFOs meanwhile.
	 */
	if (container_attach_start(&a, errp) < 0)
		goto out;
	if (pump.fd >= 0) {
		pump.address = ctd_address(c);
		pump.ns = ctd_namespace(c);
		pump.id = r->id;
		pump.exec_id = exec_id;
		pump.started = pthread_create(&pump.thread, NULL, stdin_pump_thread, &pump) == 0;
	}
	if (ctd_tasks_wait(c, r->id, exec_id, &status, NULL, errp) < 0)
		goto out;
	container_attach_finish(&a);
	ret = (int)(status & 0xff);
out:
	container_winch_stop(winch);
	stdin_pump_release(&pump);
	if (added && !x->detach) {
		_cleanup_err_ struct err *e = NULL;

		ctd_tasks_delete(c, r->id, exec_id, NULL, &e);
	}
	container_attach_release(&a);
	return ret;
}

CMD(container_exec)
{
	struct exec_opts x = { .env = STRV_INIT };
	struct opt opts[] = {
		OPT_BOOL('d', "detach", &x.detach, "Detached mode: run command in the background"),
		OPT_STRING(0, "detach-keys", &x.detach_keys, "string",
			   "Override the key sequence for detaching a container"),
		OPT_CALLBACK('e', "env", &x.env, "list", "Set environment variables", env_cb),
		OPT_CALLBACK(0, "env-file", &x.env, "list", "Read in a file of environment variables",
			     env_file_cb),
		OPT_BOOL('i', "interactive", &x.interactive, "Keep STDIN open even if not attached"),
		OPT_BOOL(0, "privileged", &x.privileged, "Give extended privileges to the command"),
		OPT_BOOL('t', "tty", &x.tty, "Allocate a pseudo-TTY"),
		OPT_STRING('u', "user", &x.user, "string",
			   "Username or UID (format: <name|uid>[:<group|gid>])"),
		OPT_STRING('w', "workdir", &x.workdir, "string", "Working directory inside the container"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(ctd_msg_freep) CtdContainer *rec = NULL;
	struct ctd *c;
	int r;

	argc = opt_parse(cli, opts, argc, argv, "exec [OPTIONS] CONTAINER COMMAND [ARG...]",
			 "Run a command in a running container", 2, OPT_PARSE_STOP_AT_POSITIONAL);
	if (argc < 0) {
		strv_release(&x.env);
		return opt_exit_code(argc);
	}
	if (x.tty && x.interactive && !isatty(STDIN_FILENO)) {
		strv_release(&x.env);
		err_set(&err, ERR_INVALID, "the input device is not a TTY");
		return cmd_fail(cli, err);
	}
	c = cli_ctd(cli, &err);
	if (!c || container_find(c, argv[0], &rec, &err) < 0) {
		strv_release(&x.env);
		return cmd_fail(cli, err);
	}
	r = exec_session(cli, c, rec, &x, argv + 1, argc - 1, &err);
	strv_release(&x.env);
	if (r < 0)
		return cmd_fail(cli, err);
	return r;
}
