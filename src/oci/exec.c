/* Exec processes from a container's spec: Docker's exec semantics on top of the init process. */
#include <string.h>

#include "base/xalloc.h"
#include "oci/exec.h"
#include "oci/internal.h"
#include "base/banned.h"

/* Sets or (bare "K") removes K in the env array, keeping the order of the rest. */
static void
env_apply(json_t *env, const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t klen = eq ? (size_t)(eq - kv) : strlen(kv);
	size_t i;
	json_t *v;

	json_array_foreach(env, i, v) {
		const char *s = json_string_value(v);

		if (s && !strncmp(s, kv, klen) && (s[klen] == '=' || !s[klen])) {
			if (eq)
				json_array_set_new(env, i, json_string(kv));
			else
				json_array_remove(env, i);
			return;
		}
	}
	if (eq)
		json_array_append_new(env, json_string(kv));
}

json_t *
oci_exec_process(json_t *spec, const struct oci_exec_opts *o, const char *rootfs,
		 struct err **errp)
{
	json_t *base = json_object_get(spec, "process");
	json_t *p, *env, *args;

	if (!json_is_object(base)) {
		err_set(errp, ERR_INVALID, "container spec has no process");
		return NULL;
	}
	p = json_deep_copy(base);
	/* Exec processes get no console size of the init's, nor its own terminal setting. */
	json_object_del(p, "consoleSize");
	json_object_set_new(p, "terminal", json_boolean(o->tty));
	args = json_array();
	for (size_t i = 0; i < o->n_args; i++)
		json_array_append_new(args, json_string(o->args[i]));
	json_object_set_new(p, "args", args);
	env = json_object_get(p, "env");
	if (!json_is_array(env)) {
		env = json_array();
		json_object_set_new(p, "env", env);
	}
	for (size_t i = 0; o->env && i < o->env->n; i++)
		env_apply(env, o->env->v[i]);
	if (o->workdir && *o->workdir)
		json_object_set_new(p, "cwd", json_string(o->workdir));
	if (o->user && *o->user) {
		struct oci_user u = { 0 };
		json_t *gids = json_array();

		if (user_resolve(rootfs, o->user, NULL, &u, errp) < 0) {
			json_decref(gids);
			json_decref(p);
			return NULL;
		}
		for (size_t i = 0; i < u.n_gids; i++)
			json_array_append_new(gids, json_integer(u.gids[i]));
		json_object_set_new(p, "user",
				    json_pack("{s:I, s:I, s:o}", "uid", (json_int_t)u.uid, "gid",
					      (json_int_t)u.gid, "additionalGids", gids));
		user_release(&u);
	}
	if (o->privileged) {
		_cleanup_strv_ struct strv caps = STRV_INIT;
		json_t *list = json_array();

		if (caps_compute(NULL, NULL, 1, caps_host_bounding(NULL), &caps, errp) < 0) {
			json_decref(list);
			json_decref(p);
			return NULL;
		}
		for (size_t i = 0; i < caps.n; i++)
			json_array_append_new(list, json_string(caps.v[i]));
		json_object_set_new(p, "capabilities",
				    json_pack("{s:O, s:O, s:O, s:O}", "bounding", list, "effective",
					      list, "permitted", list, "inheritable", list));
		json_decref(list);
	}
	return p;
}
