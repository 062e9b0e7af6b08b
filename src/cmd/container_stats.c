/*
 * nerdc stats: Docker's resource usage table from containerd's task metrics (cgroup v1),
 * two samples apart for CPU %, network bytes from the task's /proc/<pid>/net/dev; redrawn
 * every second until interrupted, or printed once with --no-stream.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/fs.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "cli/format.h"
#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/util.h"
#include "container/container.h"
#include "container/stats.h"
#include "containerd/cgroups/v1/metrics.pb-c.h"
#include "base/banned.h"

typedef Io__Containerd__Cgroups__V1__Metrics CgMetrics;

#define PROC_MAX (1024 * 1024)
#define TYPEURL_CGROUPS_V1 "io.containerd.cgroups.v1.Metrics"

struct target {
	char *id, *name;
	struct container_stats prev, cur;
	bool have_prev, running;
};

static const struct fmt_header headers[] = {
	{ "Container", "CONTAINER" },	{ "ID", "CONTAINER ID" },
	{ "Name", "NAME" },		{ "CPUPerc", "CPU %" },
	{ "MemUsage", "MEM USAGE / LIMIT" }, { "MemPerc", "MEM %" },
	{ "NetIO", "NET I/O" },		{ "BlockIO", "BLOCK I/O" },
	{ "PIDs", "PIDS" },		{ NULL, NULL },
};
#define DEFAULT_TABLE                                                                              \
	"table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t"         \
	"{{.BlockIO}}\t{{.PIDs}}"

static int
system_cpu_ns(uint64_t *ret, struct err **errp)
{
	_cleanup_buf_ struct buf b = BUF_INIT;

	if (fs_read_file("/proc/stat", PROC_MAX, &b, errp) < 0)
		return -1;
	return container_parse_proc_stat(b.data, sysconf(_SC_CLK_TCK), ret, errp);
}

static uint64_t
host_memory(void)
{
	struct sysinfo si;

	if (sysinfo(&si) < 0)
		return 0;
	return (uint64_t)si.totalram * si.mem_unit;
}

/* Fills s from one task's metric (and its pid's net/dev). */
static int
decode(const Containerd__Types__Metric *m, uint32_t pid, struct container_stats *s,
       struct err **errp)
{
	CgMetrics *cg;
	uint64_t host = host_memory();

	if (!m->data || !m->data->type_url || !strstr(m->data->type_url, TYPEURL_CGROUPS_V1))
		return err_set(errp, ERR_UNIMPLEMENTED,
			       "stats: metrics of type %s: not implemented yet (cgroup v1 only)",
			       m->data && m->data->type_url ? m->data->type_url : "(none)");
	cg = io__containerd__cgroups__v1__metrics__unpack(NULL, m->data->value.len,
							  m->data->value.data);
	if (!cg)
		return err_set(errp, ERR_INVALID, "stats: malformed cgroup metrics of %s", m->id);
	if (cg->cpu && cg->cpu->usage) {
		s->cpu_total_ns = cg->cpu->usage->total;
		s->online_cpus = (uint32_t)cg->cpu->usage->n_per_cpu;
	}
	if (!s->online_cpus)
		s->online_cpus = (uint32_t)sysconf(_SC_NPROCESSORS_ONLN);
	if (cg->memory && cg->memory->usage) {
		s->mem_usage = container_mem_usage(cg->memory->usage->usage,
						   cg->memory->total_inactive_file);
		s->mem_limit = cg->memory->usage->limit;
	}
	/* An unlimited cgroup reports a huge number: Docker shows the host's memory. */
	if (host && (!s->mem_limit || s->mem_limit > host))
		s->mem_limit = host;
	if (cg->pids)
		s->pids = cg->pids->current;
	if (cg->blkio) {
		for (size_t i = 0; i < cg->blkio->n_io_service_bytes_recursive; i++) {
			const Io__Containerd__Cgroups__V1__BlkIOEntry *e =
				cg->blkio->io_service_bytes_recursive[i];

			if (!strcasecmp(e->op, "read"))
				s->blk_read += e->value;
			else if (!strcasecmp(e->op, "write"))
				s->blk_write += e->value;
		}
	}
	io__containerd__cgroups__v1__metrics__free_unpacked(cg, NULL);
	if (pid) {
		_cleanup_buf_ struct buf b = BUF_INIT;
		_cleanup_free_ char *path = xasprintf("/proc/%u/net/dev", pid);

		/* The process may be gone meanwhile: no network figures then. */
		if (fs_read_file(path, PROC_MAX, &b, NULL) == 0)
			container_parse_net_dev(b.data, &s->net_rx, &s->net_tx, NULL);
	}
	return 0;
}

/* One sample of every target: one Metrics call and one task List call. */
static int
sample(struct ctd *c, struct target *t, size_t n, struct err **errp)
{
	_cleanup_(ctd_msg_freep) CtdMetricsList *ml = NULL;
	_cleanup_(ctd_msg_freep) CtdTaskList *tl = NULL;
	uint64_t sys;

	if (ctd_tasks_list(c, NULL, &tl, errp) < 0 || ctd_tasks_metrics(c, NULL, &ml, errp) < 0 ||
	    system_cpu_ns(&sys, errp) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		uint32_t pid = 0;

		t[i].prev = t[i].cur;
		t[i].have_prev = t[i].running;
		t[i].running = false;
		t[i].cur = (struct container_stats){ .system_ns = sys };
		for (size_t j = 0; j < tl->n_tasks; j++)
			if (!strcmp(tl->tasks[j]->id, t[i].id) &&
			    (int)tl->tasks[j]->status == CTD_TASK_RUNNING)
				pid = tl->tasks[j]->pid;
		for (size_t j = 0; pid && j < ml->n_metrics; j++) {
			if (strcmp(ml->metrics[j]->id, t[i].id))
				continue;
			if (decode(ml->metrics[j], pid, &t[i].cur, errp) < 0)
				return -1;
			t[i].running = true;
		}
	}
	return 0;
}

static json_t *
row(const struct target *t, bool no_trunc)
{
	const struct container_stats *s = &t->cur;
	char a[32], b[32], mem[80], net[80], blk[80], cpu[32], memp[32];

	snprintf(cpu, sizeof(cpu), "%.2f%%",
		 t->have_prev && t->running ? container_cpu_percent(&t->prev, s) : 0.0);
	snprintf(memp, sizeof(memp), "%.2f%%", container_mem_percent(s));
	bytes_size((double)s->mem_usage, a, sizeof(a));
	bytes_size((double)s->mem_limit, b, sizeof(b));
	snprintf(mem, sizeof(mem), "%s / %s", a, b);
	human_size((double)s->net_rx, a, sizeof(a));
	human_size((double)s->net_tx, b, sizeof(b));
	snprintf(net, sizeof(net), "%s / %s", a, b);
	human_size((double)s->blk_read, a, sizeof(a));
	human_size((double)s->blk_write, b, sizeof(b));
	snprintf(blk, sizeof(blk), "%s / %s", a, b);
	return json_pack("{s:s, s:s%, s:s, s:s, s:s, s:s, s:s, s:s, s:I}",
			 "Container", *t->name ? t->name : t->id, "ID", t->id,
			 no_trunc ? strlen(t->id) : (size_t)12, "Name", *t->name ? t->name : "--",
			 "CPUPerc", cpu, "MemUsage", mem, "MemPerc", memp, "NetIO", net,
			 "BlockIO", blk, "PIDs", (json_int_t)s->pids);
}

static int
print_table(const char *format, struct target *t, size_t n, bool all, bool no_trunc,
	    struct err **errp)
{
	struct fmt *f;

	if (fmt_begin(format, DEFAULT_TABLE, headers, stdout, &f, errp) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		json_t *r;
		int rc;

		if (!all && !t[i].running)
			continue;
		r = row(&t[i], no_trunc);
		rc = fmt_row(f, r, errp);
		json_decref(r);
		if (rc < 0) {
			fmt_free(f);
			return -1;
		}
	}
	if (fmt_end(f, errp) < 0)
		return -1;
	fflush(stdout);
	return 0;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0)
		;
}

CMD(container_stats)
{
	bool all = false, no_stream = false, no_trunc = false;
	const char *format = NULL;
	struct opt opts[] = {
		OPT_BOOL('a', "all", &all, "Show all containers (default shows just running)"),
		OPT_STRING(0, "format", &format, "string",
			   "Pretty-print images using a Go template"),
		OPT_BOOL(0, "no-stream", &no_stream,
			 "Disable streaming stats and only pull the first result"),
		OPT_BOOL(0, "no-trunc", &no_trunc, "Do not truncate output"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(ctd_msg_freep) CtdContainerList *list = NULL;
	struct target *t = NULL;
	size_t n = 0;
	struct ctd *c;
	int rc = 0;

	argc = opt_parse(cli, opts, argc, argv, "stats [OPTIONS] [CONTAINER...]",
			 "Display a live stream of container(s) resource usage statistics", 0, 0);
	if (argc < 0)
		return opt_exit_code(argc);
	c = cli_ctd(cli, &err);
	if (!c)
		return cmd_fail(cli, err);
	if (argc) {
		/* Named containers are shown whatever their state, as Docker does. */
		all = true;
		t = xnew(struct target, (size_t)argc);
		for (int i = 0; i < argc; i++) {
			_cleanup_(ctd_msg_freep) CtdContainer *r = NULL;

			if (container_find(c, argv[i], &r, &err) < 0) {
				rc = cmd_fail(cli, err);
				goto out;
			}
			t[n].id = xstrdup(r->id);
			t[n++].name = xstrdup(container_name(r));
		}
	} else {
		if (ctd_containers_list(c, NULL, &list, &err) < 0) {
			rc = cmd_fail(cli, err);
			goto out;
		}
		t = xnew(struct target, list->n_containers + 1);
		for (size_t i = 0; i < list->n_containers; i++) {
			t[n].id = xstrdup(list->containers[i]->id);
			t[n++].name = xstrdup(container_name(list->containers[i]));
		}
	}
	if (sample(c, t, n, &err) < 0) {
		rc = cmd_fail(cli, err);
		goto out;
	}
	for (;;) {
		sleep_ms(no_stream ? 500 : 1000);
		if (sample(c, t, n, &err) < 0) {
			rc = cmd_fail(cli, err);
			goto out;
		}
		if (!no_stream)
			fputs("\033[2J\033[H", stdout);
		if (print_table(format, t, n, all, no_trunc, &err) < 0) {
			rc = cmd_fail(cli, err);
			goto out;
		}
		if (no_stream)
			break;
	}
out:
	for (size_t i = 0; i < n; i++) {
		free(t[i].id);
		free(t[i].name);
	}
	free(t);
	return rc;
}
