/*
 * Docker's `stats` arithmetic on a task's cgroup v1 metrics: CPU % from two samples, memory
 * usage without the page cache, network bytes from /proc/<pid>/net/dev.
 */
#pragma once

#include <stdint.h>

#include "base/err.h"

/* One reading of a container, and of the host's CPU time at the same moment. */
struct container_stats {
	uint64_t cpu_total_ns;		/* cgroup cpuacct usage */
	uint64_t system_ns;		/* host CPU time (container_system_cpu_ns) */
	uint32_t online_cpus;
	uint64_t mem_usage, mem_limit;	/* usage already without inactive file pages */
	uint64_t net_rx, net_tx;
	uint64_t blk_read, blk_write;
	uint64_t pids;
};

/*
 * Docker's calculateCPUPercentUnix: container CPU delta over host CPU delta, times the
 * number of CPUs, in percent; 0 when either delta is not positive.
 */
double container_cpu_percent(const struct container_stats *prev, const struct container_stats *cur);
/* usage / limit in percent, 0 without a limit. */
double container_mem_percent(const struct container_stats *s);
/* Docker 20.10's memory usage on cgroup v1: usage minus total_inactive_file when smaller. */
uint64_t container_mem_usage(uint64_t usage, uint64_t total_inactive_file);
/*
 * Sums received and sent bytes of every interface but "lo" in /proc/net/dev text.
 * ERR_INVALID when the text does not look like that file.
 */
int container_parse_net_dev(const char *text, uint64_t *ret_rx, uint64_t *ret_tx,
			    struct err **errp);
/*
 * Host CPU time in nanoseconds from the "cpu " line of /proc/stat text (user through
 * steal, in USER_HZ ticks), as Docker's getSystemCPUUsage.
 */
int container_parse_proc_stat(const char *text, long ticks_per_s, uint64_t *ret_ns,
			      struct err **errp);
