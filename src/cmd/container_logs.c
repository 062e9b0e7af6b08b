/* nerdc logs: a container's json-file log, read straight from the data store (no daemon). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/opt.h"
#include "cmd/cmd.h"
#include "container/container.h"
#include "logging/jsonfile.h"
#include "logging/logging.h"
#include "base/banned.h"

struct logs_ctx {
	bool timestamps, details, follow;
	const char *store, *ns, *id;
};

static int
print_entry(const struct jsonlog_entry *e, void *arg, struct err **errp)
{
	struct logs_ctx *x = arg;
	FILE *out = e->stream == JSONLOG_STDERR ? stderr : stdout;

	if (x->timestamps) {
		char ts[64];

		jsonlog_format_time(e->time_ns, true, ts, sizeof(ts));
		fputs(ts, out);
		fputc(' ', out);
	}
	/* --details prints the entry's attributes ("k=v,..."), none here, then a space. */
	if (x->details)
		fputc(' ', out);
	if (fwrite(e->log, 1, e->len, out) != e->len)
		return err_set(errp, ERR_IO, "write logs: short write");
	if (x->follow)
		fflush(out);
	return 0;
}

static bool
logger_active(void *arg)
{
	struct logs_ctx *x = arg;

	fflush(stdout);
	return logging_logger_active(x->store, x->ns, x->id);
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Docker's daemon reads --tail with Atoi and shows everything when that fails. */
static int64_t
parse_tail(const char *s)
{
	char *end;
	long long n;

	if (!s || !strcmp(s, "all"))
		return -1;
	n = strtoll(s, &end, 10);
	if (!*s || *end || n < 0)
		return -1;
	return n;
}

CMD(container_logs)
{
	const char *since = NULL, *until = NULL, *tail = "all";
	struct logs_ctx x = { 0 };
	struct opt opts[] = {
		OPT_BOOL(0, "details", &x.details, "Show extra details provided to logs"),
		OPT_BOOL('f', "follow", &x.follow, "Follow log output"),
		OPT_STRING(0, "since", &since, "string",
			   "Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)"),
		OPT_STRING_D('n', "tail", &tail, "string",
			     "Number of lines to show from the end of the logs", "all"),
		OPT_BOOL('t', "timestamps", &x.timestamps, "Show timestamps"),
		OPT_STRING(0, "until", &until, "string",
			   "Show logs before a timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(ctd_msg_freep) CtdContainer *rec = NULL;
	_cleanup_free_ char *store = NULL;
	_cleanup_free_ char *path = NULL;
	struct log_config cfg = LOG_CONFIG_INIT;
	struct logread_opts ro = { 0 };
	struct ctd *c;
	int r;

	argc = opt_parse(cli, opts, argc, argv, "logs [OPTIONS] CONTAINER",
			 "Fetch the logs of a container", 1, OPT_PARSE_MAX_ARGS(1));
	if (argc < 0)
		return opt_exit_code(argc);
	ro.tail = parse_tail(tail);
	if (since && *since && logtime_parse(since, now_ns(), &ro.since_ns, &err) < 0) {
		err_wrap(&err, "invalid value for \"since\"");
		return cmd_fail(cli, err);
	}
	if (until && *until && logtime_parse(until, now_ns(), &ro.until_ns, &err) < 0) {
		err_wrap(&err, "invalid value for \"until\"");
		return cmd_fail(cli, err);
	}
	c = cli_ctd(cli, &err);
	if (!c || cli_data_store(cli, &store, &err) < 0 || container_find(c, argv[0], &rec, &err) < 0)
		return cmd_fail(cli, err);
	x.store = store;
	x.ns = ctd_namespace(c);
	x.id = rec->id;
	r = log_config_read(store, x.ns, rec->id, &cfg, &err);
	if (r == 0 && !strcmp(cfg.driver, "none")) {
		log_config_release(&cfg);
		err_set(&err, ERR_PRECONDITION, "configured logging driver does not support reading");
		return cmd_fail(cli, err);
	}
	log_config_release(&cfg);
	path = logging_json_path(store, x.ns, rec->id);
	/* A container made by ctr has no log config; a log file alone is still read. */
	if (r < 0 && err_is(&err, ERR_NOT_FOUND) && access(path, F_OK) < 0) {
		err_clear(&err);
		err_set(&err, ERR_NOT_FOUND,
			"container %s has no log (not created by nerdc or nerdctl)", argv[0]);
		return cmd_fail(cli, err);
	}
	err_clear(&err);
	if (!x.follow) {
		_cleanup_(ctd_msg_freep) CtdProcess *task = NULL;

		/*
		 * A task that has exited may still have its logging process writing the last
		 * output (it drains the pipes after the exit event): wait for it, as nerdctl does.
		 */
		if (ctd_tasks_get(c, rec->id, NULL, &task, &err) < 0 ||
		    container_state_of(task) == CONTAINER_EXITED) {
			/* Bounded: a logger that lost containerd ends only at task delete. */
			err_clear(&err);
			logging_wait_logger(store, x.ns, rec->id, 3000, &err);
			err_clear(&err);
		}
	}
	ro.follow = x.follow;
	ro.active = logger_active;
	ro.active_ctx = &x;
	if (logread(path, &ro, print_entry, &x, &err) < 0)
		return cmd_fail(cli, err);
	fflush(stdout);
	return 0;
}
