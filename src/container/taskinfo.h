/*
 * What a container's task shows beyond its state: OOM kills counted by its cgroup, and the
 * exec processes the runc shim reports (Docker inspect's State.OOMKilled and ExecIDs).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "base/strv.h"
#include "ctd/ctd.h"

/*
 * The cgroup directory of a runtime-spec linux.cgroupsPath for controller file: cgroupfs
 * "/ns/id" and systemd "slice:prefix:name" ("system.slice:nerdctl:id" ->
 * /system.slice/nerdctl-id.scope), under cgroup_root (e.g. "/sys/fs/cgroup"), in the v1
 * memory hierarchy unless unified (cgroup v2). New string, or NULL for an empty path.
 */
char *container_cgroup_dir(const char *cgroup_root, bool unified, const char *cgroups_path);

/*
 * Whether the kernel OOM-killed a process of the cgroup: "oom_kill N" with N > 0 in
 * memory.events (v2) or memory.oom_control (v1). The cgroup lives until the task is deleted
 * (stopped tasks keep it). False when the path is empty or the cgroup is gone.
 */
bool container_oom_killed(const char *cgroups_path);

/*
 * Appends the exec IDs of the task's live exec processes (ListPids' ProcessInfo.info, a
 * containerd.runc.v1.ProcessDetails) to ret. ERR_NOT_FOUND without a task.
 */
int container_exec_ids(struct ctd *c, const char *id, struct strv *ret, struct err **errp);
