/* The pure arithmetic and /proc parsing behind `stats` (Docker's formulas). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container/stats.h"
#include "base/banned.h"

double
container_cpu_percent(const struct container_stats *prev, const struct container_stats *cur)
{
	double cpu_delta = (double)cur->cpu_total_ns - (double)prev->cpu_total_ns;
	double sys_delta = (double)cur->system_ns - (double)prev->system_ns;

	if (cpu_delta <= 0 || sys_delta <= 0)
		return 0;
	return cpu_delta / sys_delta * (double)(cur->online_cpus ? cur->online_cpus : 1) * 100.0;
}

double
container_mem_percent(const struct container_stats *s)
{
	if (!s->mem_limit)
		return 0;
	return (double)s->mem_usage / (double)s->mem_limit * 100.0;
}

uint64_t
container_mem_usage(uint64_t usage, uint64_t total_inactive_file)
{
	return total_inactive_file < usage ? usage - total_inactive_file : usage;
}

int
container_parse_net_dev(const char *text, uint64_t *ret_rx, uint64_t *ret_tx,
			struct err **errp)
{
	uint64_t rx = 0, tx = 0;
	const char *line = text;
	int lineno = 0;

	if (!strstr(text, "Inter-|"))
		return err_set(errp, ERR_INVALID, "net/dev: unexpected format");
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		const char *colon = strchr(line, ':');

		lineno++;
		if (lineno > 2 && colon && (!nl || colon < nl)) {
			const char *name = line;
			unsigned long long v[9];

			while (*name == ' ')
				name++;
			if (sscanf(colon + 1, "%llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
				   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8]) != 9)
				return err_set(errp, ERR_INVALID, "net/dev: bad line %d", lineno);
			if (!((size_t)(colon - name) == 2 && !strncmp(name, "lo", 2))) {
				rx += v[0];
				tx += v[8];
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	*ret_rx = rx;
	*ret_tx = tx;
	return 0;
}

int
container_parse_proc_stat(const char *text, long ticks_per_s, uint64_t *ret_ns,
			  struct err **errp)
{
	unsigned long long v[8];
	uint64_t ticks = 0;

	if (strncmp(text, "cpu ", 4) != 0 ||
	    sscanf(text + 4, "%llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
		   &v[3], &v[4], &v[5], &v[6], &v[7]) != 8 || ticks_per_s <= 0)
		return err_set(errp, ERR_INVALID, "/proc/stat: no cpu line");
	for (int i = 0; i < 8; i++)
		ticks += v[i];
	*ret_ns = ticks * (1000000000ULL / (uint64_t)ticks_per_s);
	return 0;
}
