/*
 * Test helper for tests/system/150-oci-spec.bats: builds a runtime spec with src/oci from
 * run-like flags and prints it, so runc can run it directly. Not installed.
 *
 *   oci-spec-tool [--flag=value ...] [--] [COMMAND ARGS...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/parse.h"
#include "base/xalloc.h"
#include "oci/spec.h"

static int
apply(struct oci_opts *o, const char *flag, const char *v, struct err **errp)
{
	struct oci_mount m;
	struct oci_ulimit u;
	struct oci_device d;

	if (strcmp(flag, "user") == 0)
		o->user = v;
	else if (strcmp(flag, "hostname") == 0)
		o->hostname = v;
	else if (strcmp(flag, "workdir") == 0)
		o->workdir = v;
	else if (strcmp(flag, "cgroups-path") == 0)
		o->cgroups_path = v;
	else if (strcmp(flag, "entrypoint") == 0) {
		o->entrypoint = v;
		o->entrypoint_set = true;
	} else if (strcmp(flag, "read-only") == 0)
		o->read_only = true;
	else if (strcmp(flag, "privileged") == 0)
		o->privileged = true;
	else if (strcmp(flag, "cap-add") == 0)
		strv_push(&o->cap_add, v);
	else if (strcmp(flag, "cap-drop") == 0)
		strv_push(&o->cap_drop, v);
	else if (strcmp(flag, "group-add") == 0)
		strv_push(&o->group_add, v);
	else if (strcmp(flag, "env") == 0)
		return oci_parse_env(v, &o->env, errp);
	else if (strcmp(flag, "memory") == 0)
		return parse_bytes(v, &o->memory, errp);
	else if (strcmp(flag, "shm-size") == 0)
		return parse_bytes(v, &o->shm_size, errp);
	else if (strcmp(flag, "cpus") == 0)
		return oci_parse_cpus(v, &o->nano_cpus, errp);
	else if (strcmp(flag, "pids-limit") == 0)
		return parse_int64(v, &o->pids_limit, errp);
	else if (strcmp(flag, "security-opt") == 0)
		return oci_parse_security_opt(v, &o->security, errp);
	else if (strcmp(flag, "sysctl") == 0)
		return oci_parse_sysctl(v, &o->sysctls, errp);
	else if (strcmp(flag, "ulimit") == 0) {
		if (oci_parse_ulimit(v, &u, errp) < 0)
			return -1;
		oci_opts_add_ulimit(o, &u);
	} else if (strcmp(flag, "device") == 0) {
		if (oci_parse_device(v, &d, errp) < 0)
			return -1;
		oci_opts_add_device(o, &d);
	} else if (strcmp(flag, "tmpfs") == 0 || strcmp(flag, "volume") == 0 ||
		   strcmp(flag, "mount") == 0) {
		int r = flag[0] == 't'	 ? oci_parse_tmpfs(v, &m, errp)
			: flag[0] == 'v' ? oci_parse_volume_flag(v, &m, errp)
					 : oci_parse_mount_flag(v, &m, errp);

		if (r < 0)
			return -1;
		oci_opts_add_mount(o, &m);
	} else
		return err_set(errp, ERR_USAGE, "unknown flag --%s", flag);
	return 0;
}

int
main(int argc, char **argv)
{
	struct oci_opts o = OCI_OPTS_INIT;
	_cleanup_err_ struct err *err = NULL;
	_cleanup_json_ json_t *img = NULL, *spec = NULL;
	const char *rootfs = NULL;
	int i;

	for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		_cleanup_free_ char *flag = NULL;
		const char *eq;

		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		eq = strchr(argv[i], '=');
		flag = xstrndup(argv[i] + 2, eq ? (size_t)(eq - argv[i] - 2) : strlen(argv[i] + 2));
		if (strcmp(flag, "rootfs-lookup") == 0) {
			rootfs = eq ? eq + 1 : NULL;
			continue;
		}
		if (apply(&o, flag, eq ? eq + 1 : "", &err) < 0) {
			fprintf(stderr, "oci-spec-tool: --%s: %s\n", flag, err->msg);
			return 125;
		}
	}
	o.args = argv + i;
	o.n_args = (size_t)(argc - i);
	img = json_pack("{s:{s:[s], s:[s]}}", "config", "Env",
			"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "Cmd",
			"sh");
	if (oci_spec_build(&o, img, rootfs, &spec, &err) < 0) {
		fprintf(stderr, "oci-spec-tool: %s\n", err->msg);
		oci_opts_release(&o);
		return 125;
	}
	json_dumpf(spec, stdout, JSON_INDENT(1));
	putchar('\n');
	oci_opts_release(&o);
	return 0;
}
