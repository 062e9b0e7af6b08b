/* nerdc top: the host's ps output, kept to the rows of the container's processes (Docker's way). */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/fs.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "cli/format.h"
#include "cli/opt.h"
#include "cmd/cmd.h"
#include "container/container.h"
#include "base/banned.h"

extern char **environ;

#define PS_OUTPUT_MAX (16 * 1024 * 1024)

/* Runs ps with args (split at spaces, as Docker splits ps_args) and collects its stdout. */
static int
run_ps(const char *args, struct buf *out, struct err **errp)
{
	_cleanup_strv_ struct strv argv = STRV_INIT;
	_cleanup_strv_ struct strv words = STRV_INIT;
	posix_spawn_file_actions_t fa;
	int p[2], status = 0, r;
	pid_t pid;

	strv_push(&argv, "ps");
	strv_split(&words, args, ' ');
	for (size_t i = 0; i < words.n; i++)
		if (*words.v[i])
			strv_push(&argv, words.v[i]);
	if (pipe2(p, O_CLOEXEC) < 0)
		return err_sys(errp, errno, "pipe");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
	r = posix_spawnp(&pid, "ps", &fa, NULL, argv.v, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (r != 0) {
		close(p[0]);
		return err_sys(errp, r, "run ps");
	}
	r = fs_read_fd(p[0], "ps output", PS_OUTPUT_MAX, out, errp);
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (r < 0)
		return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return err_set(errp, ERR_INVALID, "ps: exit status %d: %s", WEXITSTATUS(status), out->data);
	return 0;
}

/* Splits a line at runs of blanks. */
static void
fields(const char *line, struct strv *out)
{
	const char *p = line;

	while (*p) {
		const char *start;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		start = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		strv_push_take(out, xstrndup(start, (size_t)(p - start)));
	}
}

static bool
has_pid(const CtdPidList *pids, const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end || end == s)
		return false;
	for (size_t i = 0; i < pids->n_processes; i++)
		if (pids->processes[i]->pid == (uint32_t)v)
			return true;
	return false;
}

/*
 * Docker's daemon: the header's PID column picks the rows; a row's fields past the header's
 * count belong to the last column (the command with its arguments).
 */
static int
filter_ps(const char *text, const CtdPidList *pids, struct buf *out, struct err **errp)
{
	_cleanup_strv_ struct strv lines = STRV_INIT;
	_cleanup_strv_ struct strv titles = STRV_INIT;
	size_t pid_col = (size_t)-1;

	strv_split(&lines, text, '\n');
	if (!lines.n)
		return err_set(errp, ERR_INVALID, "ps printed nothing");
	fields(lines.v[0], &titles);
	for (size_t i = 0; i < titles.n; i++)
		if (!strcmp(titles.v[i], "PID"))
			pid_col = i;
	if (pid_col == (size_t)-1)
		return err_set(errp, ERR_INVALID, "Couldn't find PID field in ps output");
	for (size_t i = 0; i < titles.n; i++)
		buf_addf(out, "%s%s", i ? "\t" : "", titles.v[i]);
	buf_addch(out, '\n');
	for (size_t l = 1; l < lines.n; l++) {
		_cleanup_strv_ struct strv f = STRV_INIT;

		fields(lines.v[l], &f);
		if (f.n <= pid_col || !has_pid(pids, f.v[pid_col]))
			continue;
		for (size_t i = 0; i < f.n; i++)
			buf_addf(out, "%s%s", !i ? "" : i < titles.n ? "\t" : " ", f.v[i]);
		buf_addch(out, '\n');
	}
	return 0;
}

CMD(container_top)
{
	struct opt opts[] = { OPT_END() };
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(ctd_msg_freep) CtdContainer *rec = NULL;
	_cleanup_(ctd_msg_freep) CtdProcess *task = NULL;
	_cleanup_(ctd_msg_freep) CtdPidList *pids = NULL;
	_cleanup_buf_ struct buf ps = BUF_INIT;
	_cleanup_buf_ struct buf table = BUF_INIT;
	_cleanup_buf_ struct buf args = BUF_INIT;
	struct ctd *c;

	argc = opt_parse(cli, opts, argc, argv, "top CONTAINER [ps OPTIONS]",
			 "Display the running processes of a container", 1,
			 OPT_PARSE_STOP_AT_POSITIONAL);
	if (argc < 0)
		return opt_exit_code(argc);
	for (int i = 1; i < argc; i++)
		buf_addf(&args, "%s%s", i > 1 ? " " : "", argv[i]);
	c = cli_ctd(cli, &err);
	if (!c || container_find(c, argv[0], &rec, &err) < 0)
		return cmd_fail(cli, err);
	if (ctd_tasks_get(c, rec->id, NULL, &task, &err) < 0 ||
	    container_state_of(task) != CONTAINER_RUNNING) {
		err_clear(&err);
		err_set(&err, ERR_PRECONDITION, "Container %s is not running", rec->id);
		return cmd_fail(cli, err);
	}
	if (ctd_tasks_list_pids(c, rec->id, &pids, &err) < 0 ||
	    run_ps(argc > 1 ? args.data : "-ef", &ps, &err) < 0 ||
	    filter_ps(ps.data, pids, &table, &err) < 0)
		return cmd_fail(cli, err);
	/* Docker's client: tabwriter with minwidth 20, padding 3. */
	tabwriter_render(table.data, table.len, 20, 3, stdout);
	return 0;
}
