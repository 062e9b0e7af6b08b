/* Restart policies: parsing, the monitor's abilities, and the bookkeeping after an exit. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/parse.h"
#include "base/xalloc.h"
#include "container/labels.h"
#include "container/restart.h"
#include "container/volumes.h"
#include "ctd/introspection.h"
#include "net/net.h"
#include "base/banned.h"

int
restart_policy_parse(const char *s, struct restart_policy *ret, struct err **errp)
{
	const char *colon;
	_cleanup_free_ char *name = NULL;
	int count = 0;

	*ret = (struct restart_policy){ RESTART_NO, 0 };
	if (!s || !*s)
		return 0;
	colon = strchr(s, ':');
	if (colon && strchr(colon + 1, ':'))
		return err_set(errp, ERR_INVALID, "invalid restart policy format");
	if (colon && parse_int(colon + 1, &count, NULL) < 0)
		return err_set(errp, ERR_INVALID, "maximum retry count must be an integer");
	name = colon ? xstrndup(s, (size_t)(colon - s)) : xstrdup(s);
	if (!strcmp(name, "no") || !strcmp(name, "always") || !strcmp(name, "unless-stopped")) {
		if (count)
			return err_set(errp, ERR_INVALID,
				       "maximum retry count cannot be used with restart policy '%s'",
				       name);
		ret->kind = !strcmp(name, "no")	      ? RESTART_NO
			    : !strcmp(name, "always") ? RESTART_ALWAYS
						      : RESTART_UNLESS_STOPPED;
		return 0;
	}
	if (!strcmp(name, "on-failure")) {
		if (count < 0)
			return err_set(errp, ERR_INVALID, "maximum retry count cannot be negative");
		ret->kind = RESTART_ON_FAILURE;
		ret->max_retries = count;
		return 0;
	}
	return err_set(errp, ERR_INVALID, "invalid restart policy '%s'", name);
}

void
restart_policy_of(const CtdContainer *r, struct restart_policy *ret)
{
	const char *p = container_label(r, LABEL_RESTART_POLICY);

	if (restart_policy_parse(p, ret, NULL) < 0)
		*ret = (struct restart_policy){ RESTART_NO, 0 };
}

int
restart_monitor_has_policies(struct ctd *c, bool *ret, struct err **errp)
{
	_cleanup_ctd_msg_ CtdPluginList *l = NULL;
	char *filters[] = { (char *)"id==restart", NULL };

	*ret = false;
	if (ctd_introspection_plugins(c, filters, &l, errp) < 0)
		return -1;
	for (size_t i = 0; i < l->n_plugins; i++)
		for (size_t j = 0; j < l->plugins[i]->n_capabilities; j++)
			if (!strcmp(l->plugins[i]->capabilities[j], "on-failure"))
				*ret = true;
	return 0;
}

int
restart_exit_hook_argv(const struct container_env *env, const char *id, struct strv *out,
		       struct err **errp)
{
	if (net_self_argv(env->net, out, errp) < 0)
		return -1;
	if (env->cgroup_manager)
		strv_pushf(out, "--cgroup-manager=%s", env->cgroup_manager);
	strv_push(out, "internal");
	strv_push(out, "exit-hook");
	strv_push(out, id);
	return 0;
}

/* Whether the monitor will start the container again after this exit (Docker's rules). */
static bool
should_restart(const struct restart_policy *p, uint32_t status, int count)
{
	switch (p->kind) {
	case RESTART_ALWAYS:
	case RESTART_UNLESS_STOPPED:
		return true;
	case RESTART_ON_FAILURE:
		return status != 0 && (!p->max_retries || count < p->max_retries);
	default:
		return false;
	}
}

/* flock(LOCK_EX) on <state dir>/restart.lock; the fd, or -1. */
static int
restart_lock(const struct container_env *env, const char *id, struct err **errp)
{
	_cleanup_free_ char *dir = container_state_dir(env->data_store, env->ns, id);
	_cleanup_free_ char *path = xasprintf("%s/restart.lock", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0)
		return err_sys(errp, errno, "open %s", path);
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			err_sys(errp, errno, "lock %s", path);
			close(fd);
			return -1;
		}
	}
	return fd;
}

static bool
has_policy(const CtdContainer *r)
{
	return container_label(r, LABEL_RESTART_STATUS) || container_label(r, LABEL_RESTART_POLICY);
}

int
container_mark_starting(struct container_env *env, const CtdContainer *r, struct err **errp)
{
	const char *kv[] = { LABEL_RESTART_STATUS, "starting", LABEL_RESTART_COUNT, NULL,
			     LABEL_RESTART_EXPLICITLY_STOPPED, NULL };

	if (!has_policy(r))
		return 0;
	return container_set_labels(env, r->id, kv, ARRAY_SIZE(kv), errp);
}

int
container_mark_started(struct container_env *env, const CtdContainer *r, struct err **errp)
{
	_cleanup_ctd_msg_ CtdContainer *now = NULL;
	_cleanup_close_ int lock = -1;
	const char *want;

	if (!has_policy(r))
		return 0;
	if ((lock = restart_lock(env, r->id, errp)) < 0 ||
	    ctd_containers_get(env->c, r->id, &now, errp) < 0)
		return -1;
	want = container_label(now, LABEL_RESTART_STATUS);
	if (!want || strcmp(want, "starting"))
		return 0;
	return container_set_label(env, r->id, LABEL_RESTART_STATUS, "running", errp);
}

int
container_pause(struct container_env *env, const CtdContainer *r, bool pause, struct err **errp)
{
	const char *want = container_label(r, LABEL_RESTART_STATUS);

	if (!pause) {
		if (ctd_tasks_resume(env->c, r->id, errp) < 0)
			return -1;
		return want && !strcmp(want, "paused")
			       ? container_set_label(env, r->id, LABEL_RESTART_STATUS, "running", errp)
			       : 0;
	}
	if (want && !strcmp(want, "running") &&
	    container_set_label(env, r->id, LABEL_RESTART_STATUS, "paused", errp) < 0)
		return -1;
	if (ctd_tasks_pause(env->c, r->id, errp) < 0) {
		if (want && !strcmp(want, "running"))
			container_set_label(env, r->id, LABEL_RESTART_STATUS, "running", NULL);
		return -1;
	}
	return 0;
}

int
container_restart_after_exit(struct container_env *env, const char *id, uint32_t status,
			     struct err **errp)
{
	_cleanup_ctd_msg_ CtdContainer *r = NULL;
	_cleanup_close_ int lock = -1;
	const char *want, *count_s;
	struct restart_policy p;
	int count = 0;
	bool native;

	if ((lock = restart_lock(env, id, errp)) < 0 || ctd_containers_get(env->c, id, &r, errp) < 0)
		return -1;
	want = container_label(r, LABEL_RESTART_STATUS);
	count_s = container_label(r, LABEL_RESTART_COUNT);
	restart_policy_of(r, &p);
	/* Stopped by the user (`stop`, `kill`) or no policy: nothing to do. */
	if (p.kind == RESTART_NO || !want || (strcmp(want, "running") && strcmp(want, "starting")))
		return 0;
	if (restart_monitor_has_policies(env->c, &native, errp) < 0)
		return -1;
	if (native)
		return 0;
	if (count_s && parse_int(count_s, &count, NULL) < 0)
		count = 0;
	if (!should_restart(&p, status, count))
		return container_set_label(env, id, LABEL_RESTART_STATUS, "stopped", errp);
	{
		char buf[16];
		const char *kv[] = { LABEL_RESTART_COUNT, buf, LABEL_RESTART_STATUS, "running" };

		snprintf(buf, sizeof(buf), "%d", count + 1);
		return container_set_labels(env, id, kv, ARRAY_SIZE(kv), errp);
	}
}

int
container_logger_exit(struct ctd *c, const char *store, const char *ns, const char *id,
		      uint32_t status, struct err **errp)
{
	struct container_env env = { .c = c, .ns = ns, .data_store = store };

	return container_restart_after_exit(&env, id, status, errp);
}

struct down_check {
	struct container_env *env;
	const char *id;
};

/* Whether the container's task is still the stopped one (not deleted, not started anew). */
static bool
task_still_down(void *arg)
{
	struct down_check *d = arg;
	_cleanup_ctd_msg_ CtdProcess *t = NULL;

	return ctd_tasks_get(d->env->c, d->id, NULL, &t, NULL) == 0 &&
	       container_state_of(t) == CONTAINER_EXITED;
}

int
container_net_after_exit(struct container_env *env, const char *id, struct err **errp)
{
	struct down_check d = { env, id };

	if (!env->net)
		return 0;
	return net_detach_if(env->net, env->ns, id, task_still_down, &d, errp);
}

int
container_auto_remove(struct container_env *env, const CtdContainer *r, struct err **errp)
{
	const char *auto_rm = container_label(r, LABEL_AUTO_REMOVE);

	if (!auto_rm || strcmp(auto_rm, "true"))
		return 0;
	if (container_remove(env, r, false, errp) < 0)
		return -1;
	return container_remove_anonymous_volumes(env, r, errp);
}
