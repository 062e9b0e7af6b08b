/*
 * The container model shared by every container command: a containerd container record
 * (nerdctl's labels, snapshot, spec) plus its task, found by ID, ID prefix or name, with
 * Docker's state names and status text, and the lifecycle steps (start, stop, kill, remove)
 * that keep nerdctl's on-disk state (name store, state dir) in step with containerd.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "ctd/containers.h"
#include "ctd/tasks.h"

struct net_env;

/* What the lifecycle functions need; all borrowed. */
struct container_env {
	struct ctd *c;
	const char *ns;
	const char *data_store;	/* cli_data_store() */
	const char *address;	/* containerd address ("unix:///...") */
	const char *cgroup_manager; /* "cgroupfs", "systemd" or "none" (cli_cgroup_manager) */
	const struct net_env *net; /* CNI paths for create and remove (net_release); NULL:
				    * remove skips the network release, create fails */
};

/* Label value of a record or NULL (borrowed). */
const char *container_label(const CtdContainer *r, const char *key);
/* The nerdctl/name label or "" (borrowed). */
const char *container_name(const CtdContainer *r);
/* <data store>/containers/<ns>/<id> (new string). */
char *container_state_dir(const char *data_store, const char *ns, const char *id);

/*
 * The one container query names, as Docker resolves it: full ID, then name, then unique ID
 * prefix; one List call. *ret freed with ctd_msg_free. ERR_NOT_FOUND "No such container: X";
 * ERR_INVALID "Multiple IDs found with provided prefix: X".
 */
int container_find(struct ctd *c, const char *query, CtdContainer **ret, struct err **errp);

/* Docker's State.Status values. */
enum container_state {
	CONTAINER_CREATED,
	CONTAINER_RUNNING,
	CONTAINER_PAUSED,
	CONTAINER_RESTARTING,
	CONTAINER_EXITED,
};

/* From the task (NULL: none, i.e. created or exited without a task). */
enum container_state container_state_of(const CtdProcess *task);
/*
 * With the record: "restarting" when the task is down but containerd's restart monitor is
 * about to start it again (its status label says "running").
 */
enum container_state container_state_rec(const CtdContainer *r, const CtdProcess *task);
/* "created", "running", "paused", "restarting", "exited". */
const char *container_state_name(enum container_state s);
/* Start time of the task's init process (Unix seconds), from /proc; 0 when unknown. */
int64_t container_started_at(const CtdProcess *task);
/* Exit time of a stopped task (Unix seconds); 0 when unknown. */
int64_t container_exited_at(const CtdProcess *task);

/*
 * Deletes the task if it is stopped or created (a running one: ERR_PRECONDITION). A missing
 * task is fine. *ret_status (may be NULL) gets the exit status.
 */
int container_delete_task(struct container_env *env, const char *id, uint32_t *ret_status,
			  struct err **errp);

/*
 * Creates and starts the task of r detached: IO goes to the record's log URI (or nowhere
 * with --log-driver none), an old stopped task is deleted first, the restart monitor's
 * status label is set back to running. Already running: no-op. ERR_PRECONDITION when paused.
 */
int container_start_detached(struct container_env *env, const CtdContainer *r,
			     struct err **errp);

/*
 * Sends the stop signal (label, or SIGTERM), waits up to timeout_s seconds (< 0: the
 * nerdctl/stop-timeout label, or 10), then SIGKILL, and waits for the exit. Marks the
 * restart monitor's status "stopped" first so it does not start the container again.
 * A container without a running task is fine.
 */
int container_stop(struct container_env *env, const CtdContainer *r, int timeout_s,
		   struct err **errp);

/*
 * Turns the restart policy off until the next start (Docker's "manually stopped"); nothing
 * for a container without one. Before the task has exited (exited false) the monitor's
 * status label goes (the monitor then leaves the container alone), after it the label says
 * "stopped" (and explicitly-stopped is set for containerd >= 1.7).
 */
int container_mark_stopped(struct container_env *env, const CtdContainer *r, bool exited,
			   struct err **errp);

/* Sends sig to the init process; ERR_PRECONDITION "Container X is not running" without one. */
int container_kill(struct container_env *env, const CtdContainer *r, int sig,
		   struct err **errp);

/*
 * Removes a container and what belongs to it: task (force: killed first; running without
 * force: ERR_PRECONDITION with Docker's message), its networking (net_release: IPs, rules,
 * kept netns, hosts store; when env->net is set), record, snapshot, name reservation, state
 * directory. Missing pieces are skipped, so a half-made container can be removed.
 */
int container_remove(struct container_env *env, const CtdContainer *r, bool force,
		     struct err **errp);

/*
 * Sets (value non-NULL) or deletes the label key on container id with one Update call.
 */
int container_set_label(struct container_env *env, const char *id, const char *key,
			const char *value, struct err **errp);
/* The same for n/2 pairs kv[2i] (key), kv[2i+1] (value or NULL), in one Update call. */
int container_set_labels(struct container_env *env, const char *id, const char *const *kv,
			 size_t n, struct err **errp);
/* Whether r's runtime spec asks for a terminal (run/create -t). */
bool container_spec_terminal(const CtdContainer *r);

/*
 * Creates r's task with io (rootfs from r's snapshot). runc's "executable file not found"
 * becomes ERR_EXEC_NOT_FOUND and "permission denied" ERR_EXEC_DENIED (Docker's 127/126).
 */
int container_task_create(struct container_env *env, const CtdContainer *r,
			  const struct ctd_task_io *io, uint32_t *ret_pid, struct err **errp);
/* Starts r's init process, with the same error kinds as container_task_create. */
int container_task_start(struct container_env *env, const char *id, struct err **errp);
/* rm -rf path (not following symlinks); a missing path is fine. */
int container_rm_rf(const char *path, struct err **errp);

/* In a state dir: the pid of the process creating the container (see container_prune_leftovers). */
#define CONTAINER_CREATOR_FILE "creator.pid"

/*
 * What a killed `create`/`run` leaves besides a container record: the leases of nerdc
 * processes that are gone (with the snapshots they hold) and state directories of this
 * namespace with no record whose creator is gone. recs: every container of the namespace.
 */
int container_prune_leftovers(struct container_env *env, const CtdContainerList *recs,
			      struct err **errp);

/*
 * container_alive_fn for the name store: arg is the struct ctd; 1 unless containerd says the
 * record is gone (other errors count as alive, to never steal a name by mistake).
 */
int container_alive(void *ctd, const char *id);
