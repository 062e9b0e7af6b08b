/* A task's OOM kills (from its cgroup) and its exec processes (from the shim's ListPids). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "container/taskinfo.h"
#include "ctd/tasks.h"
#include "containerd/runtime/v2/runc/options/oci.pb-c.h"
#include "base/banned.h"

#define CGROUP_ROOT "/sys/fs/cgroup"
#define TYPEURL_PROCESS_DETAILS "containerd.runc.v1.ProcessDetails"

/* systemd's slice nesting: "a-b.slice" is /a.slice/a-b.slice; "" and "-.slice" are the root. */
static void
add_slice(struct buf *b, const char *slice)
{
	size_t n = strlen(slice);

	if (!n || !strcmp(slice, "-.slice"))
		return;
	if (n > 6 && !strcmp(slice + n - 6, ".slice"))
		n -= 6;
	for (size_t i = 0; i <= n; i++)
		if (i == n || slice[i] == '-')
			buf_addf(b, "/%.*s.slice", (int)i, slice);
}

char *
container_cgroup_dir(const char *cgroup_root, bool unified, const char *cgroups_path)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	const char *c1, *c2;

	if (!cgroups_path || !*cgroups_path)
		return NULL;
	buf_addf(&b, "%s%s", cgroup_root, unified ? "" : "/memory");
	c1 = strchr(cgroups_path, ':');
	c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (c2 && !strchr(c2 + 1, ':')) {
		_cleanup_free_ char *slice = xstrndup(cgroups_path, (size_t)(c1 - cgroups_path));
		_cleanup_free_ char *prefix = xstrndup(c1 + 1, (size_t)(c2 - c1 - 1));
		const char *name = c2 + 1;
		size_t n = strlen(name);

		/* runc: an empty slice means system.slice; a name ending in .slice is a slice. */
		add_slice(&b, *slice ? slice : "system.slice");
		if (n > 6 && !strcmp(name + n - 6, ".slice"))
			buf_addf(&b, "/%s", name);
		else
			buf_addf(&b, "/%s-%s.scope", prefix, name);
	} else {
		buf_addf(&b, "%s%s", cgroups_path[0] == '/' ? "" : "/", cgroups_path);
	}
	return buf_detach(&b, NULL);
}

bool
container_oom_killed(const char *cgroups_path)
{
	bool unified = access(CGROUP_ROOT "/cgroup.controllers", F_OK) == 0;
	_cleanup_free_ char *dir = container_cgroup_dir(CGROUP_ROOT, unified, cgroups_path);
	_cleanup_free_ char *path = NULL;
	_cleanup_fclose_ FILE *f = NULL;
	char line[256];

	if (!dir)
		return false;
	path = xasprintf("%s/%s", dir, unified ? "memory.events" : "memory.oom_control");
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long n;

		if (sscanf(line, "oom_kill %llu", &n) == 1)
			return n > 0;
	}
	return false;
}

int
container_exec_ids(struct ctd *c, const char *id, struct strv *ret, struct err **errp)
{
	_cleanup_(ctd_msg_freep) CtdPidList *l = NULL;
	size_t n = strlen(TYPEURL_PROCESS_DETAILS);

	if (ctd_tasks_list_pids(c, id, &l, errp) < 0)
		return -1;
	for (size_t i = 0; i < l->n_processes; i++) {
		const Google__Protobuf__Any *a = l->processes[i]->info;
		Containerd__Runc__V1__ProcessDetails *d;
		size_t len = a && a->type_url ? strlen(a->type_url) : 0;

		/* containerd writes the bare name; a "type.googleapis.com/" prefix is fine too. */
		if (len < n || strcmp(a->type_url + len - n, TYPEURL_PROCESS_DETAILS) != 0)
			continue;
		d = containerd__runc__v1__process_details__unpack(NULL, a->value.len,
								  a->value.data);
		if (!d)
			continue;
		if (d->exec_id && *d->exec_id)
			strv_push(ret, d->exec_id);
		containerd__runc__v1__process_details__free_unpacked(d, NULL);
	}
	return 0;
}
