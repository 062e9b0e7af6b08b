/* containerd.services.tasks.v1.Tasks: the running side of a container (init and exec processes). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "ctd/ctd.h"
#include "containerd/services/tasks/v1/tasks.pb-c.h"
#include "containerd/types/mount.pb-c.h"
#include "containerd/types/task/task.pb-c.h"

typedef Containerd__V1__Types__Process CtdProcess;
typedef Containerd__Services__Tasks__V1__ListTasksResponse CtdTaskList;
typedef Containerd__Services__Tasks__V1__ListPidsResponse CtdPidList;
typedef Containerd__Services__Tasks__V1__MetricsResponse CtdMetricsList;
typedef Containerd__Types__Mount CtdMount;

/* Task states (containerd.v1.types.Status). */
enum ctd_task_status {
	CTD_TASK_UNKNOWN = CONTAINERD__V1__TYPES__STATUS__UNKNOWN,
	CTD_TASK_CREATED = CONTAINERD__V1__TYPES__STATUS__CREATED,
	CTD_TASK_RUNNING = CONTAINERD__V1__TYPES__STATUS__RUNNING,
	CTD_TASK_STOPPED = CONTAINERD__V1__TYPES__STATUS__STOPPED,
	CTD_TASK_PAUSED = CONTAINERD__V1__TYPES__STATUS__PAUSED,
	CTD_TASK_PAUSING = CONTAINERD__V1__TYPES__STATUS__PAUSING,
};

/* Paths of the FIFOs (or "binary://", "file://" URIs) the shim connects, or NULL for none. */
struct ctd_task_io {
	const char *stdin_path;
	const char *stdout_path;
	const char *stderr_path;
	bool terminal;
};

/*
 * Creates the task of container id with the given rootfs mounts (n may be 0 when the spec
 * carries its own root). *ret_pid (may be NULL) gets the init pid. ERR_NOT_FOUND when the
 * container record is absent, ERR_EXISTS when a task exists; runc's failure text otherwise.
 */
int ctd_tasks_create(struct ctd *c, const char *id, CtdMount *const *rootfs, size_t n,
		     const struct ctd_task_io *io, uint32_t *ret_pid, struct err **errp);
/* Starts the init process (exec_id NULL) or an exec process. */
int ctd_tasks_start(struct ctd *c, const char *id, const char *exec_id, uint32_t *ret_pid,
		    struct err **errp);
/*
 * Deletes a stopped task (exec_id NULL) or exec process; *ret_status (may be NULL) gets the
 * exit status. ERR_NOT_FOUND without a task; ERR_PRECONDITION-like containerd text when running.
 */
int ctd_tasks_delete(struct ctd *c, const char *id, const char *exec_id, uint32_t *ret_status,
		     struct err **errp);
/* One process (exec_id NULL: init); *ret freed with ctd_msg_free. ERR_NOT_FOUND without a task. */
int ctd_tasks_get(struct ctd *c, const char *id, const char *exec_id, CtdProcess **ret,
		  struct err **errp);
/* Every task of the namespace in one call (filter may be NULL); freed with ctd_msg_free. */
int ctd_tasks_list(struct ctd *c, const char *filter, CtdTaskList **ret, struct err **errp);
/* Sends sig to the init process (exec_id NULL), or to every process of the task with all. */
int ctd_tasks_kill(struct ctd *c, const char *id, const char *exec_id, uint32_t sig, bool all,
		   struct err **errp);
/*
 * Adds exec process exec_id; spec_json is an OCI runtime-spec Process object (len bytes),
 * sent as an Any of containerd's type URL for it.
 */
int ctd_tasks_exec(struct ctd *c, const char *id, const char *exec_id,
		   const struct ctd_task_io *io, const char *spec_json, size_t len,
		   struct err **errp);
int ctd_tasks_resize_pty(struct ctd *c, const char *id, const char *exec_id, uint32_t width,
			 uint32_t height, struct err **errp);
/* Closes the process's stdin. */
int ctd_tasks_close_io(struct ctd *c, const char *id, const char *exec_id, struct err **errp);
int ctd_tasks_pause(struct ctd *c, const char *id, struct err **errp);
int ctd_tasks_resume(struct ctd *c, const char *id, struct err **errp);
/* Pids of the task's processes; freed with ctd_msg_free. */
int ctd_tasks_list_pids(struct ctd *c, const char *id, CtdPidList **ret, struct err **errp);
/*
 * Updates the task's resources: resources_json is an OCI LinuxResources object (len bytes),
 * sent as an Any of containerd's type URL for it.
 */
int ctd_tasks_update(struct ctd *c, const char *id, const char *resources_json, size_t len,
		     struct err **errp);
/* Metrics of the tasks matching filters ("id==x"; NULL-terminated, may be NULL: all). */
int ctd_tasks_metrics(struct ctd *c, char *const *filters, CtdMetricsList **ret,
		      struct err **errp);
/*
 * Blocks until the process exits (at once if it has); *ret_status gets its exit status,
 * *ret_exited_at (may be NULL) the exit time in Unix seconds.
 */
int ctd_tasks_wait(struct ctd *c, const char *id, const char *exec_id, uint32_t *ret_status,
		   int64_t *ret_exited_at, struct err **errp);

/* containerd's Any type URLs for runtime-spec JSON payloads. */
#define CTD_TYPEURL_SPEC "types.containerd.io/opencontainers/runtime-spec/1/Spec"
#define CTD_TYPEURL_PROCESS "types.containerd.io/opencontainers/runtime-spec/1/Process"
#define CTD_TYPEURL_RESOURCES "types.containerd.io/opencontainers/runtime-spec/1/LinuxResources"
