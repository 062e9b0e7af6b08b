/*
 * Docker's restart policies on containerd's restart monitor, without a daemon.
 *
 * containerd's monitor restarts every container whose containerd.io/restart.status label is
 * "running" while its task is not. From containerd 1.7 it also reads
 * containerd.io/restart.policy (on-failure[:N], unless-stopped) and counts restarts itself;
 * containerd 1.6's knows only the status label. There, the container's exit hook (see
 * logging.h) does the rest right after each exit: for on-failure it sets the status to
 * "stopped" when the exit code was 0 or the retries are used up, and for every policy it
 * counts restarts in containerd.io/restart.count (Docker's RestartCount).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "base/strv.h"
#include "container/container.h"

enum restart_kind { RESTART_NO, RESTART_ALWAYS, RESTART_UNLESS_STOPPED, RESTART_ON_FAILURE };

struct restart_policy {
	enum restart_kind kind;
	int max_retries;	/* on-failure:N; 0 unlimited */
};

/*
 * Parses --restart as Docker does ("" and NULL: no). ERR_INVALID with Docker's messages:
 * "invalid restart policy 'x'", "maximum retry count cannot be used with restart policy
 * 'always'", "maximum retry count cannot be negative", "maximum retry count must be an
 * integer", "invalid restart policy format".
 */
int restart_policy_parse(const char *s, struct restart_policy *ret, struct err **errp);
/* The containerd.io/restart.policy label of r ("no" policy when absent or malformed). */
void restart_policy_of(const CtdContainer *r, struct restart_policy *ret);

/*
 * Whether containerd's restart monitor applies policies itself (its plugin lists on-failure
 * among its capabilities: containerd >= 1.7). One Introspection call.
 */
int restart_monitor_has_policies(struct ctd *c, bool *ret, struct err **errp);

/*
 * The exit hook's command line for container id: net_self_argv of env->net (must be set),
 * --cgroup-manager, then "internal exit-hook id".
 */
int restart_exit_hook_argv(const struct container_env *env, const char *id, struct strv *out,
			   struct err **errp);

/*
 * A start by the user, in two steps around creating and starting the task, so that the
 * monitor (which would kill a task that is only created if the label said "running") and
 * the bookkeeping of an exit that comes at once never trip over each other:
 * container_mark_starting (before the task is created) resets RestartCount, clears
 * explicitly-stopped and sets the status label "starting", which the monitor ignores;
 * container_mark_started (once the task runs) turns "starting" into "running" unless the
 * exit bookkeeping has decided already. Nothing for a container without a policy.
 */
int container_mark_starting(struct container_env *env, const CtdContainer *r,
			    struct err **errp);
int container_mark_started(struct container_env *env, const CtdContainer *r, struct err **errp);

/*
 * Pauses (pause true) or resumes the task. The monitor of containerd 1.6 would restart a
 * paused container whose status label says "running": the label says "paused" meanwhile.
 */
int container_pause(struct container_env *env, const CtdContainer *r, bool pause,
		    struct err **errp);

/*
 * What Docker's daemon does about the restart policy when container id's task has exited
 * with status (see above): under the container's restart lock, re-reads the record and, if
 * the status label is "running" or "starting" (not stopped by the user), on a monitor
 * without policies counts a restart (and says "running") or says "stopped". The logging
 * process (container_logger_exit), the keeper of a detached -i container and a foreground
 * CLI call it, whichever sees the exit. env->data_store must be set.
 */
int container_restart_after_exit(struct container_env *env, const char *id, uint32_t status,
				 struct err **errp);
/* logging_exit_fn (logging.h) for main(): container_restart_after_exit. */
int container_logger_exit(struct ctd *c, const char *store, const char *ns, const char *id,
			  uint32_t status, struct err **errp);
/*
 * Docker frees an exited container's addresses and ports at once: the network of container
 * id is detached (net_detach_if) unless its task has been replaced or deleted meanwhile
 * (a restart by the monitor or a `start` attaches it again). Nothing without env->net.
 */
int container_net_after_exit(struct container_env *env, const char *id, struct err **errp);

/*
 * The exit hook's work (`internal exit-hook`): removes an auto-remove (--rm) container with
 * its anonymous volumes once its task has exited.
 */
int container_auto_remove(struct container_env *env, const CtdContainer *r, struct err **errp);
