/* Container lookup, state and the lifecycle steps shared by the container commands. */
#include <dirent.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/fs.h"
#include "base/parse.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "container/container.h"
#include "container/labels.h"
#include "container/restart.h"
#include "container/names.h"
#include "ctd/labels.h"
#include "ctd/leases.h"
#include "ctd/snapshots.h"
#include "net/net.h"
#include "oci/spec.h"
#include "base/banned.h"

const char *
container_label(const CtdContainer *r, const char *key)
{
	return ctd_labels_get(r->labels, r->n_labels, key);
}

const char *
container_name(const CtdContainer *r)
{
	const char *n = container_label(r, LABEL_NAME);

	return n ? n : "";
}

char *
container_state_dir(const char *data_store, const char *ns, const char *id)
{
	return xasprintf("%s/containers/%s/%s", data_store, ns, id);
}

static bool
all_hex(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

static bool
name_chars(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '.' || *s == '-'))
			return false;
	return true;
}

int
container_find(struct ctd *c, const char *query, CtdContainer **ret, struct err **errp)
{
	_cleanup_strv_ struct strv filters = STRV_INIT;
	_cleanup_ctd_msg_ CtdContainerList *l = NULL;
	const char *q = query[0] == '/' ? query + 1 : query; /* Docker accepts "/name" */
	size_t pick = SIZE_MAX, prefix_hits = 0;

	/* Anything else cannot be an ID or a name; keeps the filter syntax out of reach. */
	if (!name_chars(q))
		return err_set(errp, ERR_NOT_FOUND, "No such container: %s", query);
	strv_pushf(&filters, "id==\"%s\"", q);
	if (all_hex(q))
		strv_pushf(&filters, "id~=^%s", q);
	strv_pushf(&filters, "labels.\"" LABEL_NAME "\"==\"%s\"", q);
	if (ctd_containers_list(c, filters.v, &l, errp) < 0)
		return err_wrap(errp, "look up container %s", query);
	for (size_t i = 0; i < l->n_containers; i++)
		if (strcmp(l->containers[i]->id, q) == 0)
			pick = i;
	for (size_t i = 0; i < l->n_containers && pick == SIZE_MAX; i++)
		if (strcmp(container_name(l->containers[i]), q) == 0)
			pick = i;
	for (size_t i = 0; i < l->n_containers && pick == SIZE_MAX; i++) {
		if (strncmp(l->containers[i]->id, q, strlen(q)) != 0)
			continue;
		if (prefix_hits++)
			return err_set(errp, ERR_INVALID,
				       "Multiple IDs found with provided prefix: %s", query);
	}
	for (size_t i = 0; i < l->n_containers && pick == SIZE_MAX && prefix_hits == 1; i++)
		if (strncmp(l->containers[i]->id, q, strlen(q)) == 0)
			pick = i;
	if (pick == SIZE_MAX)
		return err_set(errp, ERR_NOT_FOUND, "No such container: %s", query);
	*ret = TAKE_PTR(l->containers[pick]);
	/* The list still owns its other entries; leave a hole it can free. */
	l->containers[pick] = l->containers[l->n_containers - 1];
	l->n_containers--;
	return 0;
}

enum container_state
container_state_of(const CtdProcess *task)
{
	if (!task)
		return CONTAINER_CREATED;
	switch (task->status) {
	case CONTAINERD__V1__TYPES__STATUS__RUNNING:
		return CONTAINER_RUNNING;
	case CONTAINERD__V1__TYPES__STATUS__PAUSED:
	case CONTAINERD__V1__TYPES__STATUS__PAUSING:
		return CONTAINER_PAUSED;
	case CONTAINERD__V1__TYPES__STATUS__STOPPED:
		return CONTAINER_EXITED;
	default:
		return CONTAINER_CREATED;
	}
}

enum container_state
container_state_rec(const CtdContainer *r, const CtdProcess *task)
{
	enum container_state s = container_state_of(task);
	const char *want = container_label(r, LABEL_RESTART_STATUS);

	if ((s == CONTAINER_EXITED || (s == CONTAINER_CREATED && !task)) && want &&
	    !strcmp(want, "running"))
		return CONTAINER_RESTARTING;
	return s;
}

const char *
container_state_name(enum container_state s)
{
	static const char *const names[] = {
		[CONTAINER_CREATED] = "created", [CONTAINER_RUNNING] = "running",
		[CONTAINER_PAUSED] = "paused", [CONTAINER_RESTARTING] = "restarting",
		[CONTAINER_EXITED] = "exited",
	};

	return names[s];
}

/* Boot time in Unix seconds (btime in /proc/stat). */
static int64_t
boot_time(void)
{
	static int64_t btime = -1;
	_cleanup_buf_ struct buf b = BUF_INIT;
	const char *p;

	if (btime >= 0)
		return btime;
	btime = 0;
	if (fs_read_file("/proc/stat", 1 << 20, &b, NULL) == 0 && (p = strstr(b.data, "\nbtime ")))
		btime = strtoll(p + 7, NULL, 10);
	return btime;
}

int64_t
container_started_at(const CtdProcess *task)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	char path[64];
	const char *p;
	long long ticks;
	long hz = sysconf(_SC_CLK_TCK);

	if (!task || !task->pid || hz <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%u/stat", task->pid);
	if (fs_read_file(path, 4096, &b, NULL) < 0 || !(p = strrchr(b.data, ')')))
		return 0;
	/* Field 22 (starttime); p points at the end of field 2 (comm). */
	for (int field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%lld", &ticks) != 1)
		return 0;
	return boot_time() + ticks / hz;
}

int64_t
container_exited_at(const CtdProcess *task)
{
	return task && task->exited_at ? task->exited_at->seconds : 0;
}

int
container_set_labels(struct container_env *env, const char *id, const char *const *kv, size_t n,
		     struct err **errp)
{
	CtdContainer rec = CONTAINERD__SERVICES__CONTAINERS__V1__CONTAINER__INIT;
	_cleanup_strv_ struct strv set = STRV_INIT, paths = STRV_INIT;
	int r;

	for (size_t i = 0; i + 1 < n; i += 2) {
		if (kv[i + 1])
			strv_pushf(&set, "%s=%s", kv[i], kv[i + 1]);
		strv_pushf(&paths, "labels.%s", kv[i]);
	}
	rec.id = (char *)id;
	if (set.n)
		rec.labels = (void *)ctd_labels_build(
			&containerd__services__containers__v1__container__labels_entry__descriptor,
			set.v, &rec.n_labels);
	r = ctd_containers_update(env->c, &rec, paths.v, NULL, errp);
	ctd_labels_free((struct ctd_label **)rec.labels, rec.n_labels);
	return r;
}

int
container_set_label(struct container_env *env, const char *id, const char *key,
		    const char *value, struct err **errp)
{
	const char *kv[] = { key, value };

	return container_set_labels(env, id, kv, 2, errp);
}

bool
container_spec_terminal(const CtdContainer *r)
{
	return r->spec && r->spec->value.len &&
	       memmem(r->spec->value.data, r->spec->value.len, "\"terminal\":true", 15);
}

int
container_delete_task(struct container_env *env, const char *id, uint32_t *ret_status,
		      struct err **errp)
{
	_cleanup_err_ struct err *e = NULL;

	if (ctd_tasks_delete(env->c, id, NULL, ret_status, &e) == 0)
		return 0;
	if (err_is(&e, ERR_NOT_FOUND))
		return 0;
	return err_move(errp, &e);
}

/* runc's exec failures become Docker's 126/127 kinds (the message stays containerd's). */
static void
classify_start_error(struct err **errp)
{
	struct err *e = errp ? *errp : NULL;

	if (!e)
		return;
	if (strstr(e->msg, "executable file not found") ||
	    strstr(e->msg, "no such file or directory"))
		e->kind = ERR_EXEC_NOT_FOUND;
	else if (strstr(e->msg, "permission denied"))
		e->kind = ERR_EXEC_DENIED;
}

int
container_task_create(struct container_env *env, const CtdContainer *r,
		      const struct ctd_task_io *io, uint32_t *ret_pid, struct err **errp)
{
	_cleanup_ctd_msg_ CtdMounts *m = NULL;

	if (r->snapshot_key && *r->snapshot_key &&
	    ctd_snapshots_mounts(env->c, r->snapshotter, r->snapshot_key, &m, errp) < 0)
		return err_wrap(errp, "rootfs of %s", r->id);
	if (ctd_tasks_create(env->c, r->id, m ? m->mounts : NULL, m ? m->n_mounts : 0, io, ret_pid,
			     errp) < 0) {
		classify_start_error(errp);
		return -1;
	}
	return 0;
}

int
container_task_start(struct container_env *env, const char *id, struct err **errp)
{
	if (ctd_tasks_start(env->c, id, NULL, NULL, errp) < 0) {
		classify_start_error(errp);
		return -1;
	}
	return 0;
}

int
container_start_detached(struct container_env *env, const CtdContainer *r, struct err **errp)
{
	_cleanup_ctd_msg_ CtdProcess *task = NULL;
	_cleanup_err_ struct err *e = NULL;
	const char *uri = container_label(r, LABEL_LOG_URI);
	struct ctd_task_io io = { NULL, uri, uri, false };

	if (ctd_tasks_get(env->c, r->id, NULL, &task, &e) == 0) {
		enum container_state s = container_state_of(task);

		if (s == CONTAINER_RUNNING)
			return 0;
		if (s == CONTAINER_PAUSED)
			return err_set(errp, ERR_PRECONDITION,
				       "cannot start a paused container, try unpause instead");
		if (container_delete_task(env, r->id, NULL, errp) < 0)
			return -1;
	} else if (!err_is(&e, ERR_NOT_FOUND)) {
		return err_move(errp, &e);
	}
	/* The spec says whether the process wants a terminal. */
	io.terminal = r->spec && r->spec->value.len ? container_spec_terminal(r)
						    : task && task->terminal;
	if (container_mark_starting(env, r, errp) < 0 ||
	    container_task_create(env, r, &io, NULL, errp) < 0)
		return -1;
	if (container_task_start(env, r->id, errp) < 0) {
		container_delete_task(env, r->id, NULL, NULL);
		return -1;
	}
	return container_mark_started(env, r, errp);
}

int
container_mark_stopped(struct container_env *env, const CtdContainer *r, bool exited,
		       struct err **errp)
{
	const char *restart = container_label(r, LABEL_RESTART_STATUS);

	if (!restart)
		return 0;
	/*
	 * Before the exit, without the label the monitor neither restarts the container nor
	 * (as with "stopped") SIGKILLs it at its next round, which would cut a graceful stop
	 * short.
	 */
	if (!exited)
		return container_set_label(env, r->id, LABEL_RESTART_STATUS, NULL, errp);
	/* containerd >= 1.7 keeps unless-stopped containers down across its restarts by this. */
	{
		const char *kv[] = { LABEL_RESTART_STATUS, "stopped",
				     LABEL_RESTART_EXPLICITLY_STOPPED, "true" };

		return container_set_labels(env, r->id, kv,
					    container_label(r, LABEL_RESTART_POLICY) ? 4 : 2, errp);
	}
}

/* Waits for the init process; timeout_ms 0 waits forever. ERR_TIMEOUT when it runs out. */
static int
wait_exit(struct container_env *env, const char *id, int timeout_ms, struct err **errp)
{
	uint32_t status;
	int r;

	ctd_set_timeout(env->c, timeout_ms);
	r = ctd_tasks_wait(env->c, id, NULL, &status, NULL, errp);
	ctd_set_timeout(env->c, 0);
	/* containerd may notice the deadline first and answer Unknown "context deadline ...". */
	if (r < 0 && timeout_ms && errp && *errp && strstr((*errp)->msg, "deadline exceeded"))
		(*errp)->kind = ERR_TIMEOUT;
	return r;
}

static int
stop_signal(const CtdContainer *r)
{
	const char *s = container_label(r, LABEL_STOP_SIGNAL);
	int signo;

	if (s && *s && oci_parse_signal(s, &signo, NULL) == 0)
		return signo;
	return SIGTERM;
}

static int
stop_task(struct container_env *env, const CtdContainer *r, int timeout_s, struct err **errp)
{
	_cleanup_ctd_msg_ CtdProcess *task = NULL;
	_cleanup_err_ struct err *e = NULL;
	enum container_state s;

	if (ctd_tasks_get(env->c, r->id, NULL, &task, &e) < 0)
		return err_is(&e, ERR_NOT_FOUND) ? 0 : err_move(errp, &e);
	s = container_state_of(task);
	if (s != CONTAINER_RUNNING && s != CONTAINER_PAUSED)
		return 0;
	if (timeout_s < 0) {
		const char *t = container_label(r, LABEL_STOP_TIMEOUT);

		if (!t || !*t || parse_int(t, &timeout_s, NULL) < 0)
			timeout_s = 10;
	}
	if (timeout_s > 0) {
		if (ctd_tasks_kill(env->c, r->id, NULL, (uint32_t)stop_signal(r), false, errp) < 0)
			return err_is(errp, ERR_NOT_FOUND) ? (err_clear(errp), 0) : -1;
		if (s == CONTAINER_PAUSED && ctd_tasks_resume(env->c, r->id, errp) < 0)
			return -1;
		if (wait_exit(env, r->id, timeout_s * 1000, &e) == 0)
			return 0;
		if (!err_is(&e, ERR_TIMEOUT))
			return err_move(errp, &e);
		err_clear(&e);
	}
	if (ctd_tasks_kill(env->c, r->id, NULL, SIGKILL, true, errp) < 0)
		return err_is(errp, ERR_NOT_FOUND) ? (err_clear(errp), 0) : -1;
	if (s == CONTAINER_PAUSED && timeout_s <= 0 && ctd_tasks_resume(env->c, r->id, errp) < 0)
		return -1;
	return wait_exit(env, r->id, 0, errp);
}

int
container_stop(struct container_env *env, const CtdContainer *r, int timeout_s,
	       struct err **errp)
{
	if (container_mark_stopped(env, r, false, errp) < 0 ||
	    stop_task(env, r, timeout_s, errp) < 0)
		return -1;
	return container_mark_stopped(env, r, true, errp);
}

int
container_kill(struct container_env *env, const CtdContainer *r, int sig, struct err **errp)
{
	_cleanup_ctd_msg_ CtdProcess *task = NULL;
	_cleanup_err_ struct err *e = NULL;

	if (ctd_tasks_get(env->c, r->id, NULL, &task, &e) < 0 && !err_is(&e, ERR_NOT_FOUND))
		return err_move(errp, &e);
	if (!task || (container_state_of(task) != CONTAINER_RUNNING &&
		      container_state_of(task) != CONTAINER_PAUSED))
		return err_set(errp, ERR_PRECONDITION, "Container %s is not running", r->id);
	/*
	 * Docker: SIGKILL or the stop signal disables the restart policy until the next start;
	 * other signals (SIGUSR1, SIGHUP, ...) leave it in force.
	 */
	if ((sig == SIGKILL || sig == stop_signal(r)) &&
	    container_mark_stopped(env, r, sig == SIGKILL, errp) < 0)
		return -1;
	return ctd_tasks_kill(env->c, r->id, NULL, (uint32_t)sig, false, errp);
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path) < 0 && errno != ENOENT ? -1 : 0;
	return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
}

int
container_rm_rf(const char *path, struct err **errp)
{
	if (nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS) < 0 && errno != ENOENT)
		return err_sys(errp, errno, "remove %s", path);
	return 0;
}

int
container_remove(struct container_env *env, const CtdContainer *r, bool force,
		 struct err **errp)
{
	_cleanup_ctd_msg_ CtdProcess *task = NULL;
	_cleanup_err_ struct err *e = NULL;
	_cleanup_free_ char *dir = container_state_dir(env->data_store, env->ns, r->id);

	if (ctd_tasks_get(env->c, r->id, NULL, &task, &e) < 0 && !err_is(&e, ERR_NOT_FOUND))
		return err_move(errp, &e);
	err_clear(&e);
	if (task && !force &&
	    (container_state_of(task) == CONTAINER_RUNNING ||
	     container_state_of(task) == CONTAINER_PAUSED))
		return err_set(errp, ERR_PRECONDITION,
			       "You cannot remove a running container %s. Stop the container before attempting removal or force remove",
			       r->id);
	/* The restart monitor must not start it again while it goes. */
	if (container_mark_stopped(env, r, false, &e) < 0 && !err_is(&e, ERR_NOT_FOUND))
		return err_move(errp, &e);
	err_clear(&e);
	if (task) {
		enum container_state s = container_state_of(task);

		if (s == CONTAINER_RUNNING || s == CONTAINER_PAUSED) {
			if (ctd_tasks_kill(env->c, r->id, NULL, SIGKILL, true, &e) < 0 &&
			    !err_is(&e, ERR_NOT_FOUND))
				return err_move(errp, &e);
			err_clear(&e);
			if (s == CONTAINER_PAUSED)
				ctd_tasks_resume(env->c, r->id, NULL);
			if (wait_exit(env, r->id, 0, &e) < 0 && !err_is(&e, ERR_NOT_FOUND))
				return err_move(errp, &e);
			err_clear(&e);
		}
		if (container_delete_task(env, r->id, NULL, errp) < 0)
			return -1;
	}
	/* The task's postStop hook has detached it; this also covers a killed shim. */
	if (env->net && net_release(env->net, env->ns, r->id, errp) < 0)
		return err_wrap(errp, "release the network of %s", r->id);
	if (ctd_containers_delete(env->c, r->id, &e) < 0 && !err_is(&e, ERR_NOT_FOUND))
		return err_move(errp, &e);
	err_clear(&e);
	if (r->snapshot_key && *r->snapshot_key && r->snapshotter &&
	    ctd_snapshots_remove(env->c, r->snapshotter, r->snapshot_key, &e) < 0 &&
	    !err_is(&e, ERR_NOT_FOUND))
		return err_move(errp, &e);
	err_clear(&e);
	if (*container_name(r) &&
	    container_name_release(env->data_store, env->ns, container_name(r), r->id, errp) < 0)
		return -1;
	return container_rm_rf(dir, errp);
}

/* A pid that no longer runs (ESRCH); a malformed one counts as gone. */
static bool
pid_gone(const char *s)
{
	int pid;

	_cleanup_buf_ struct buf stat = BUF_INIT;
	char path[64];
	const char *p;

	if (!s || parse_int(s, &pid, NULL) < 0 || pid <= 0)
		return true;
	if (kill(pid, 0) < 0 && errno == ESRCH)
		return true;
	/* A zombie nobody reaped yet (its parent was killed too) is gone as well. */
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (fs_read_file(path, 4096, &stat, NULL) < 0 || !(p = strrchr(stat.data, ')')))
		return false;
	return p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
}

static bool
has_record(const CtdContainerList *recs, const char *id)
{
	for (size_t i = 0; i < recs->n_containers; i++)
		if (strcmp(recs->containers[i]->id, id) == 0)
			return true;
	return false;
}

static int
prune_leases(struct container_env *env, struct err **errp)
{
	_cleanup_ctd_msg_ CtdLeaseList *l = NULL;
	if (ctd_leases_list(env->c, NULL, &l, errp) < 0)
		return -1;
	for (size_t i = 0; i < l->n_leases; i++) {
		const char *dash = strrchr(l->leases[i]->id, '-');

		if (strncmp(l->leases[i]->id, "nerdc-", 6) != 0)
			continue;

		/* nerdc's lease ids end in "-<pid>" (ctd_leases_create_expiring). */
		if (dash && pid_gone(dash + 1))
			ctd_leases_delete(env->c, l->leases[i]->id, true, NULL);
	}
	return 0;
}

int
container_prune_leftovers(struct container_env *env, const CtdContainerList *recs,
			  struct err **errp)
{
	_cleanup_free_ char *base = xasprintf("%s/containers/%s", env->data_store, env->ns);
	DIR *d;
	struct dirent *e;

	if (prune_leases(env, errp) < 0)
		return -1;
	d = opendir(base);
	if (!d)
		return errno == ENOENT ? 0 : err_sys(errp, errno, "open %s", base);
	while ((e = readdir(d))) {
		_cleanup_free_ char *dir = NULL, *pidf = NULL;
		_cleanup_buf_ struct buf pid = BUF_INIT;

		if (strlen(e->d_name) != CONTAINER_ID_LEN || has_record(recs, e->d_name))
			continue;
		dir = xasprintf("%s/%s", base, e->d_name);
		pidf = xasprintf("%s/" CONTAINER_CREATOR_FILE, dir);
		if (fs_read_file(pidf, 64, &pid, NULL) == 0 && !pid_gone(pid.data))
			continue;
		container_rm_rf(dir, NULL);
	}
	closedir(d);
	return 0;
}

int
container_alive(void *ctd, const char *id)
{
	_cleanup_ctd_msg_ CtdContainer *r = NULL;
	_cleanup_err_ struct err *e = NULL;

	return ctd_containers_get(ctd, id, &r, &e) == 0 || !err_is(&e, ERR_NOT_FOUND);
}
