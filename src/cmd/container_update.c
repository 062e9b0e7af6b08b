/*
 * nerdc update: new resource limits for containers, applied to a running task (Tasks.Update
 * with a LinuxResources object) and kept in the record's spec; --restart changes the restart
 * monitor's labels.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "base/parse.h"
#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/container_common.h"
#include "container/labels.h"
#include "container/restart.h"
#include "logging/logging.h"
#include "oci/spec.h"
#include "base/banned.h"

struct update_flags {
	struct oci_opts oci;
	const char *restart;
	bool any_resource;
};

static int
cb_cpus(const struct opt *o, const char *v, struct err **errp)
{
	struct update_flags *f = o->value;

	return oci_parse_cpus(v, &f->oci.nano_cpus, errp);
}

static int
cb_memory_swap(const struct opt *o, const char *v, struct err **errp)
{
	struct update_flags *f = o->value;

	if (strcmp(v, "-1") == 0) {
		f->oci.memory_swap = -1;
		return 0;
	}
	return parse_bytes(v, &f->oci.memory_swap, errp);
}

/* Merges the members of each object in add into the same-named object of dst. */
static void
merge_resources(json_t *dst, json_t *add)
{
	const char *k;
	json_t *v;

	json_object_foreach(add, k, v) {
		json_t *cur = json_object_get(dst, k);

		if (json_is_object(cur) && json_is_object(v))
			json_object_update(cur, v);
		else
			json_object_set(dst, k, v);
	}
}

/* The record's spec with the new resources merged in; *ret_resources: linux.resources. */
static json_t *
updated_spec(const CtdContainer *r, json_t *add, json_t **ret_resources, struct err **errp)
{
	json_error_t je;
	json_t *spec, *linux_obj, *res;

	if (!r->spec || !r->spec->value.len) {
		err_set(errp, ERR_INVALID, "container %s has no runtime spec", r->id);
		return NULL;
	}
	spec = json_loadb((const char *)r->spec->value.data, r->spec->value.len, 0, &je);
	if (!spec) {
		err_set(errp, ERR_INVALID, "container %s: runtime spec: %s", r->id, je.text);
		return NULL;
	}
	linux_obj = json_object_get(spec, "linux");
	if (!json_is_object(linux_obj)) {
		linux_obj = json_object();
		json_object_set_new(spec, "linux", linux_obj);
	}
	res = json_object_get(linux_obj, "resources");
	if (!json_is_object(res)) {
		res = json_object();
		json_object_set_new(linux_obj, "resources", res);
	}
	merge_resources(res, add);
	*ret_resources = res;
	return spec;
}

/*
 * Docker's update --restart: the policy applies from now on if the container runs, from
 * its next start otherwise (an exited container is not started by it).
 */
static int
set_restart(struct cmd_ctr *x, const CtdContainer *r, const char *policy, struct err **errp)
{
	_cleanup_(ctd_msg_freep) CtdProcess *task = NULL;
	_cleanup_err_ struct err *e = NULL;
	const char *uri = container_label(r, LABEL_LOG_URI);
	const char *auto_rm = container_label(r, LABEL_AUTO_REMOVE);
	struct restart_policy p;
	bool native, running;

	if (restart_policy_parse(policy, &p, errp) < 0)
		return -1;
	if (auto_rm && !strcmp(auto_rm, "true") && p.kind != RESTART_NO)
		return err_set(errp, ERR_INVALID,
			       "Restart policy cannot be updated because AutoRemove is enabled for the container");
	if (p.kind == RESTART_NO) {
		const char *kv[] = { LABEL_RESTART_STATUS, NULL, LABEL_RESTART_LOGURI, NULL,
				     LABEL_RESTART_POLICY, NULL };

		return container_set_labels(&x->env, r->id, kv, ARRAY_SIZE(kv), errp);
	}
	if (restart_monitor_has_policies(x->env.c, &native, errp) < 0)
		return -1;
	if (!native) {
		_cleanup_strv_ struct strv argv = STRV_INIT;

		/* The exit hook is started by the logging process. */
		if (!uri)
			return err_set(errp, ERR_UNIMPLEMENTED,
				       "--restart=%s for a container without a logging process (--log-driver none): not implemented yet",
				       policy);
		if (restart_exit_hook_argv(&x->env, r->id, &argv, errp) < 0 ||
		    exit_hook_write(x->store, x->env.ns, r->id, argv.v, errp) < 0)
			return -1;
	}
	if (ctd_tasks_get(x->env.c, r->id, NULL, &task, &e) < 0 && !err_is(&e, ERR_NOT_FOUND))
		return err_move(errp, &e);
	running = task && (container_state_of(task) == CONTAINER_RUNNING ||
			   container_state_of(task) == CONTAINER_PAUSED);
	{
		const char *kv[] = { LABEL_RESTART_LOGURI, uri, LABEL_RESTART_POLICY, policy,
				     LABEL_RESTART_STATUS, running ? "running" : "stopped" };

		return container_set_labels(&x->env, r->id, kv, ARRAY_SIZE(kv), errp);
	}
}

static int
update_one(struct cmd_ctr *x, const CtdContainer *r, const char *arg, void *data,
	   struct err **errp)
{
	struct update_flags *f = data;
	_cleanup_(ctd_msg_freep) CtdProcess *task = NULL;
	_cleanup_err_ struct err *e = NULL;
	json_t *add = NULL, *spec = NULL, *res;
	char *spec_s = NULL, *res_s = NULL;
	int rc = -1;

	(void)arg;
	if (f->any_resource) {
		CtdContainer upd;
		Google__Protobuf__Any any;
		char *paths[] = { (char *)"spec", NULL };

		add = json_object();
		if (oci_resources_build(&f->oci, add, errp) < 0)
			goto out;
		if (f->oci.pids_limit < 0)
			json_object_set_new(add, "pids", json_pack("{s:I}", "limit", (json_int_t)-1));
		spec = updated_spec(r, add, &res, errp);
		if (!spec)
			goto out;
		res_s = json_dumps(res, JSON_COMPACT);
		spec_s = json_dumps(spec, JSON_COMPACT);
		if (ctd_tasks_get(x->env.c, r->id, NULL, &task, &e) == 0 &&
		    container_state_of(task) != CONTAINER_EXITED &&
		    ctd_tasks_update(x->env.c, r->id, res_s, strlen(res_s), errp) < 0) {
			err_wrap(errp, "Cannot update container %s", r->id);
			goto out;
		}
		upd = *r;
		any = *r->spec;
		any.value.data = (uint8_t *)spec_s;
		any.value.len = strlen(spec_s);
		upd.spec = &any;
		if (ctd_containers_update(x->env.c, &upd, paths, NULL, errp) < 0)
			goto out;
	}
	if (f->restart && set_restart(x, r, f->restart, errp) < 0)
		goto out;
	rc = 0;
out:
	json_decref(add);
	json_decref(spec);
	free(spec_s);
	free(res_s);
	return rc;
}

CMD(container_update)
{
	struct update_flags f = { .oci = OCI_OPTS_INIT };
	struct oci_opts *oo = &f.oci;
	struct opt opts[] = {
		OPT_INT64(0, "cpu-period", &oo->cpu_period,
			  "Limit CPU CFS (Completely Fair Scheduler) period"),
		OPT_INT64(0, "cpu-quota", &oo->cpu_quota,
			  "Limit CPU CFS (Completely Fair Scheduler) quota"),
		OPT_INT64('c', "cpu-shares", &oo->cpu_shares, "CPU shares (relative weight)"),
		OPT_CALLBACK(0, "cpus", &f, "decimal", "Number of CPUs", cb_cpus),
		OPT_STRING(0, "cpuset-cpus", &oo->cpuset_cpus, "string",
			   "CPUs in which to allow execution (0-3, 0,1)"),
		OPT_STRING(0, "cpuset-mems", &oo->cpuset_mems, "string",
			   "MEMs in which to allow execution (0-3, 0,1)"),
		OPT_BYTES('m', "memory", &oo->memory, "Memory limit"),
		OPT_BYTES(0, "memory-reservation", &oo->memory_reservation, "Memory soft limit"),
		OPT_CALLBACK(0, "memory-swap", &f, "bytes",
			     "Swap limit equal to memory plus swap: '-1' to enable unlimited swap",
			     cb_memory_swap),
		OPT_INT64(0, "pids-limit", &oo->pids_limit,
			  "Tune container pids limit (set -1 for unlimited)"),
		OPT_STRING(0, "restart", &f.restart, "string",
			   "Restart policy to apply when a container exits"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	struct cmd_ctr x;
	int rc;

	argc = opt_parse(cli, opts, argc, argv, "update [OPTIONS] CONTAINER [CONTAINER...]",
			 "Update configuration of one or more containers", 1, 0);
	if (argc < 0)
		return opt_exit_code(argc);
	f.any_resource = oo->memory || oo->memory_swap || oo->memory_reservation ||
			 oo->nano_cpus || oo->cpu_shares || oo->cpu_quota || oo->cpu_period ||
			 oo->cpuset_cpus || oo->cpuset_mems || oo->pids_limit;
	if (!f.any_resource && !f.restart) {
		err_set(&err, ERR_INVALID,
			"you must provide one or more flags when using this command");
		return cmd_fail(cli, err);
	}
	if (cmd_ctr_init(cli, &x, &err) < 0) {
		cmd_ctr_release(&x);
		return cmd_fail(cli, err);
	}
	rc = cmd_ctr_foreach(cli, &x, argc, argv, update_one, &f, false);
	cmd_ctr_release(&x);
	return rc;
}
