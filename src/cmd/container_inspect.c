/*
 * nerdc container inspect, and the top-level inspect that falls back to images: Docker's
 * container JSON built from the containerd record, its spec, its task and nerdctl's labels.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "base/json.h"
#include "base/parse.h"
#include "base/xalloc.h"
#include "cli/format.h"
#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/container_common.h"
#include "cmd/image_platforms.h"
#include "cmd/util.h"
#include "container/labels.h"
#include "container/taskinfo.h"
#include "ctd/snapshots.h"
#include "image/inspect.h"
#include "image/store.h"
#include "logging/logging.h"
#include "base/banned.h"

#define GO_ZERO_TIME "0001-01-01T00:00:00Z"

static json_t *
time_json(int64_t secs, int32_t nanos)
{
	char buf[64];

	if (secs <= 0)
		return json_string(GO_ZERO_TIME);
	rfc3339nano(secs, nanos, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *
str_or_empty(const char *s)
{
	return json_string(s ? s : "");
}

/* A label holding JSON (nerdctl keeps lists that way), or NULL. New reference. */
static json_t *
label_json(const CtdContainer *r, const char *key)
{
	const char *v = container_label(r, key);

	return v && *v ? json_loads(v, 0, NULL) : NULL;
}

static json_t *
state_json(const CtdContainer *r, const CtdProcess *task, bool oom_killed)
{
	enum container_state s = container_state_rec(r, task);
	bool stopped = task && (s == CONTAINER_EXITED || s == CONTAINER_RESTARTING);

	/* Docker: a restarting container is Running and Restarting at once. */
	return json_pack("{s:s, s:b, s:b, s:b, s:b, s:b, s:I, s:I, s:s, s:o, s:o}", "Status",
			 container_state_name(s), "Running",
			 s == CONTAINER_RUNNING || s == CONTAINER_RESTARTING, "Paused",
			 s == CONTAINER_PAUSED, "Restarting", s == CONTAINER_RESTARTING, "OOMKilled",
			 oom_killed, "Dead", false, "Pid",
			 (json_int_t)(task && !stopped ? task->pid : 0), "ExitCode",
			 (json_int_t)(stopped ? task->exit_status : 0), "Error", "", "StartedAt",
			 time_json(task ? container_started_at(task) : 0, 0), "FinishedAt",
			 time_json(stopped ? container_exited_at(task) : 0, 0));
}

/* Whether a label says "true". */
static bool
label_true(const CtdContainer *r, const char *key)
{
	const char *v = container_label(r, key);

	return v && !strcmp(v, "true");
}

/* A decimal label value, 0 when absent or malformed. */
static int
label_int(const char *s)
{
	int v = 0;

	if (!s || parse_int(s, &v, NULL) < 0)
		return 0;
	return v;
}

/* "on-failure:3" → {"Name": "on-failure", "MaximumRetryCount": 3}. */
static json_t *
restart_policy(const CtdContainer *r)
{
	const char *p = container_label(r, LABEL_RESTART_POLICY);
	const char *colon = p ? strchr(p, ':') : NULL;
	_cleanup_free_ char *name = NULL;

	if (!p || !*p)
		return json_pack("{s:s, s:i}", "Name", "no", "MaximumRetryCount", 0);
	name = colon ? xstrndup(p, (size_t)(colon - p)) : xstrdup(p);
	return json_pack("{s:s, s:i}", "Name", name, "MaximumRetryCount",
			 colon ? label_int(colon + 1) : 0);
}

/* nerdctl's port label (gocni PortMapping list) as Docker's PortMap. */
static json_t *
ports_json(const CtdContainer *r)
{
	_cleanup_json_ json_t *list = label_json(r, LABEL_PORTS);
	json_t *out = json_object();
	size_t i;
	json_t *pm;

	json_array_foreach(list, i, pm) {
		const char *proto = json_string_value(json_object_get(pm, "Protocol"));
		const char *hip = json_string_value(json_object_get(pm, "HostIP"));
		_cleanup_free_ char *key = xasprintf(
			"%lld/%s", (long long)json_integer_value(json_object_get(pm, "ContainerPort")),
			proto && *proto ? proto : "tcp");
		_cleanup_free_ char *hport = xasprintf(
			"%lld", (long long)json_integer_value(json_object_get(pm, "HostPort")));
		json_t *arr = json_object_get(out, key);

		if (!arr) {
			arr = json_array();
			json_object_set_new(out, key, arr);
		}
		json_array_append_new(arr, json_pack("{s:s, s:s}", "HostIp", hip ? hip : "",
						     "HostPort", hport));
	}
	return out;
}

static json_t *
host_config(const CtdContainer *r, json_t *spec, const struct log_config *lc)
{
	json_t *res = json_object_get(json_object_get(spec, "linux"), "resources");
	json_t *mem = json_object_get(res, "memory"), *cpu = json_object_get(res, "cpu");
	json_int_t quota = json_integer_value(json_object_get(cpu, "quota"));
	json_int_t period = json_integer_value(json_object_get(cpu, "period"));
	_cleanup_json_ json_t *nets = label_json(r, LABEL_NETWORKS);
	const char *net = json_string_value(json_array_get(nets, 0));
	const char *auto_rm = container_label(r, LABEL_AUTO_REMOVE);
	json_t *log_opts = json_object();
	json_t *hc;

	if (lc && lc->max_size_str)
		json_object_set_new(log_opts, "max-size", json_string(lc->max_size_str));
	if (lc && lc->max_file_str)
		json_object_set_new(log_opts, "max-file", json_string(lc->max_file_str));
	hc = json_pack("{s:n, s:s, s:{s:s, s:o}, s:s, s:o, s:o, s:b, s:s, s:b, s:b}", "Binds",
		       "ContainerIDFile", "", "LogConfig", "Type",
		       lc ? lc->driver : "json-file", "Config", log_opts, "NetworkMode",
		       net ? net : "default", "PortBindings", ports_json(r), "RestartPolicy",
		       restart_policy(r), "AutoRemove", auto_rm && !strcmp(auto_rm, "true"),
		       "Runtime", r->runtime && r->runtime->name ? r->runtime->name : "",
		       "Privileged",
		       container_label(r, LABEL_PRIVILEGED) &&
			       !strcmp(container_label(r, LABEL_PRIVILEGED), "true"),
		       "ReadonlyRootfs",
		       json_is_true(json_object_get(json_object_get(spec, "root"), "readonly")));
	json_object_set_new(hc, "Memory",
			    json_integer(json_integer_value(json_object_get(mem, "limit"))));
	json_object_set_new(hc, "MemorySwap",
			    json_integer(json_integer_value(json_object_get(mem, "swap"))));
	json_object_set_new(hc, "NanoCpus",
			    json_integer(period > 0 && quota > 0 ? quota * 1000000000 / period : 0));
	json_object_set_new(hc, "CpuShares",
			    json_integer(json_integer_value(json_object_get(cpu, "shares"))));
	json_object_set_new(hc, "CpuPeriod", json_integer(period));
	json_object_set_new(hc, "CpuQuota", json_integer(quota));
	json_object_set_new(hc, "CpusetCpus",
			    str_or_empty(json_string_value(json_object_get(cpu, "cpus"))));
	json_object_set_new(hc, "PidsLimit",
			    json_integer(json_integer_value(
				    json_object_get(json_object_get(res, "pids"), "limit"))));
	return hc;
}

/* Docker's own files and the runtime's defaults are no user mounts. */
static bool
user_mount(json_t *m)
{
	static const char *const own[] = { "/etc/hosts", "/etc/resolv.conf", "/etc/hostname",
					   "/dev/shm", "/sbin/docker-init", NULL };
	const char *type = json_string_value(json_object_get(m, "type"));
	const char *dst = json_string_value(json_object_get(m, "destination"));

	if (!dst || !type || (strcmp(type, "bind") && strcmp(type, "tmpfs")))
		return false;
	for (size_t i = 0; own[i]; i++)
		if (!strcmp(dst, own[i]))
			return false;
	/* The runtime's tmpfs mounts (/dev, /run in some specs) are not the user's. */
	if (!strcmp(type, "tmpfs") && !strncmp(dst, "/dev", 4))
		return false;
	return true;
}

static json_t *
mounts_json(json_t *spec, const char *store, const char *ns)
{
	_cleanup_free_ char *vol_prefix = xasprintf("%s/volumes/%s/", store, ns);
	json_t *out = json_array();
	size_t i, j;
	json_t *m, *o;

	json_array_foreach(json_object_get(spec, "mounts"), i, m) {
		const char *src = json_string_value(json_object_get(m, "source"));
		const char *type = json_string_value(json_object_get(m, "type"));
		const char *prop = "";
		bool rw = true;
		json_t *item;

		if (!user_mount(m))
			continue;
		json_array_foreach(json_object_get(m, "options"), j, o) {
			const char *opt = json_string_value(o);

			if (!opt)
				continue;
			if (!strcmp(opt, "ro"))
				rw = false;
			else if (strstr(opt, "private") || strstr(opt, "shared") || strstr(opt, "slave"))
				prop = opt;
		}
		item = json_object();
		if (!strcmp(type, "bind") && src && !strncmp(src, vol_prefix, strlen(vol_prefix))) {
			const char *name = src + strlen(vol_prefix);
			const char *slash = strchr(name, '/');

			json_object_set_new(item, "Type", json_string("volume"));
			json_object_set_new(item, "Name",
					    slash ? json_stringn(name, (size_t)(slash - name))
						  : json_string(name));
			json_object_set_new(item, "Driver", json_string("local"));
		} else {
			json_object_set_new(item, "Type", json_string(type));
		}
		json_object_set_new(item, "Source", str_or_empty(src));
		json_object_set_new(item, "Destination", json_object_get(m, "destination")
								 ? json_incref(json_object_get(m, "destination"))
								 : json_string(""));
		json_object_set_new(item, "Mode", json_string(""));
		json_object_set_new(item, "RW", json_boolean(rw));
		json_object_set_new(item, "Propagation", json_string(prop));
		json_array_append_new(out, item);
	}
	return out;
}

/* Overlay mount options of the container's snapshot as Docker's GraphDriver.Data. */
static json_t *
graph_driver(struct ctd *c, const CtdContainer *r)
{
	_cleanup_(ctd_msg_freep) CtdMounts *m = NULL;
	_cleanup_err_ struct err *e = NULL;
	json_t *data = json_null();

	if (r->snapshot_key && *r->snapshot_key &&
	    ctd_snapshots_mounts(c, r->snapshotter, r->snapshot_key, &m, &e) == 0 &&
	    m->n_mounts == 1 && !strcmp(m->mounts[0]->type, "overlay")) {
		static const struct {
			const char *opt, *key;
		} keys[] = { { "lowerdir=", "LowerDir" },
			     { "upperdir=", "UpperDir" },
			     { "workdir=", "WorkDir" } };

		/* In Docker's (sorted) order, whatever the mount options' order. */
		data = json_object();
		for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
			for (size_t i = 0; i < m->mounts[0]->n_options; i++)
				if (!strncmp(m->mounts[0]->options[i], keys[k].opt,
					     strlen(keys[k].opt)))
					json_object_set_new(data, keys[k].key,
							    json_string(m->mounts[0]->options[i] +
									strlen(keys[k].opt)));
	}
	return json_pack("{s:o, s:s}", "Data", data, "Name", r->snapshotter ? r->snapshotter : "");
}

/* SizeRw: the container's own layer; SizeRootFs: it plus every parent. */
static void
add_sizes(struct ctd *c, const CtdContainer *r, json_t *out)
{
	int64_t rw = 0, total = 0;
	_cleanup_free_ char *key = xstrdup_null(r->snapshot_key);

	for (int depth = 0; key && *key && depth < 256; depth++) {
		_cleanup_(ctd_msg_freep) CtdSnapshotInfo *info = NULL;
		_cleanup_err_ struct err *e = NULL;
		int64_t size = 0;

		if (ctd_snapshots_usage(c, r->snapshotter, key, &size, NULL, &e) < 0 ||
		    ctd_snapshots_stat(c, r->snapshotter, key, &info, &e) < 0)
			break;
		if (depth == 0)
			rw = size;
		total += size;
		free(key);
		key = xstrdup_null(info->parent);
	}
	json_object_set_new(out, "SizeRw", json_integer(rw));
	json_object_set_new(out, "SizeRootFs", json_integer(total));
}

static json_t *
config_json(const CtdContainer *r, json_t *spec)
{
	json_t *proc = json_object_get(spec, "process");
	json_t *labels = json_object();
	json_t *args = json_object_get(proc, "args");
	const char *stop = container_label(r, LABEL_STOP_SIGNAL);
	const char *user = container_label(r, LABEL_USER);
	const char *hostname = json_string_value(json_object_get(spec, "hostname"));
	bool tty = json_is_true(json_object_get(proc, "terminal"));
	json_t *cfg;

	for (size_t i = 0; i < r->n_labels; i++)
		json_object_set_new(labels, r->labels[i]->key, json_string(r->labels[i]->value));
	cfg = json_pack("{s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:b, s:b}", "Hostname",
			hostname ? hostname : "", "Domainname", "", "User", user ? user : "",
			"AttachStdin", false, "AttachStdout", false, "AttachStderr", false, "Tty",
			tty, "OpenStdin", label_true(r, LABEL_OPEN_STDIN), "StdinOnce", false);
	json_object_set(cfg, "Env", json_object_get(proc, "env") ? json_object_get(proc, "env")
								 : json_null());
	{
		/* Docker's split of the command line: Entrypoint, then Cmd. */
		const char *epl = container_label(r, LABEL_ENTRYPOINT_LEN);
		size_t n = args ? json_array_size(args) : 0, ep = 0;
		int v;

		if (epl && parse_int(epl, &v, NULL) == 0 && v > 0 && (size_t)v <= n)
			ep = (size_t)v;
		json_object_set_new(cfg, "Entrypoint", ep ? json_array() : json_null());
		json_object_set_new(cfg, "Cmd", n > ep ? json_array() : json_null());
		for (size_t i = 0; i < n; i++)
			json_array_append(json_object_get(cfg, i < ep ? "Entrypoint" : "Cmd"),
					  json_array_get(args, i));
	}
	json_object_set_new(cfg, "Image", str_or_empty(r->image));
	json_object_set_new(cfg, "Volumes", json_null());
	json_object_set_new(cfg, "WorkingDir",
			    str_or_empty(json_string_value(json_object_get(proc, "cwd"))));
	json_object_set_new(cfg, "OnBuild", json_null());
	json_object_set_new(cfg, "Labels", labels);
	if (stop)
		json_object_set_new(cfg, "StopSignal", json_string(stop));
	return cfg;
}

/* From src/net (addresses recorded by the hooks); host/none/container modes by name only. */
static json_t *
network_settings(struct cmd_ctr *x, const CtdContainer *r)
{
	_cleanup_json_ json_t *nets = label_json(r, LABEL_NETWORKS);
	_cleanup_strv_ struct strv labels = STRV_INIT;
	json_t *out, *networks;
	size_t i;
	json_t *n;

	for (size_t k = 0; k < r->n_labels; k++)
		strv_pushf(&labels, "%s=%s", r->labels[k]->key, r->labels[k]->value);
	out = net_inspect_settings(&x->net, x->env.ns, r->id, labels.v);
	networks = json_object_get(out, "Networks");
	json_array_foreach(nets, i, n) {
		if (!json_is_string(n) || json_object_get(networks, json_string_value(n)))
			continue;
		json_object_set_new(networks, json_string_value(n),
				    json_pack("{s:s, s:s, s:s, s:i}", "IPAddress", "", "Gateway",
					      "", "MacAddress", "", "IPPrefixLen", 0));
	}
	return out;
}

static const char *
cgroups_path(json_t *spec)
{
	return json_string_value(json_object_get(json_object_get(spec, "linux"), "cgroupsPath"));
}

/* Docker lists the exec processes still running, and null (not []) when there are none. */
static json_t *
exec_ids_json(struct ctd *c, const CtdContainer *r, const CtdProcess *task)
{
	_cleanup_strv_ struct strv ids = STRV_INIT;
	_cleanup_err_ struct err *e = NULL;
	enum container_state s = container_state_of(task);
	json_t *a;

	if ((s != CONTAINER_RUNNING && s != CONTAINER_PAUSED) ||
	    container_exec_ids(c, r->id, &ids, &e) < 0 || !ids.n)
		return json_null();
	a = json_array();
	for (size_t i = 0; i < ids.n; i++)
		json_array_append_new(a, json_string(ids.v[i]));
	return a;
}

/* The inspect object of r. *ret is new. */
static int
container_json(struct cmd_ctr *x, const CtdContainer *r, bool size, json_t **ret,
	       struct err **errp)
{
	struct ctd *c = x->env.c;
	_cleanup_(ctd_msg_freep) CtdProcess *task = NULL;
	_cleanup_err_ struct err *e = NULL;
	_cleanup_json_ json_t *spec = NULL;
	_cleanup_free_ char *dir = container_state_dir(x->store, x->env.ns, r->id);
	_cleanup_free_ char *name = xasprintf("/%s", container_name(r));
	_cleanup_free_ char *log_path = logging_json_path(x->store, x->env.ns, r->id);
	_cleanup_free_ char *hosts = xasprintf("%s/hosts", dir);
	_cleanup_free_ char *resolv = xasprintf("%s/resolv.conf", dir);
	_cleanup_free_ char *hostname = xasprintf("%s/hostname", dir);
	struct log_config lc = LOG_CONFIG_INIT;
	bool have_lc;
	json_t *proc, *args, *o;
	const char *count = container_label(r, LABEL_RESTART_COUNT);
	const char *platform = container_label(r, LABEL_PLATFORM);
	_cleanup_free_ char *os = NULL;

	if (ctd_tasks_get(c, r->id, NULL, &task, &e) < 0) {
		if (!err_is(&e, ERR_NOT_FOUND))
			return err_move(errp, &e);
		err_clear(&e);
	}
	if (r->spec && r->spec->value.len)
		spec = json_loadb((const char *)r->spec->value.data, r->spec->value.len, 0, NULL);
	if (!spec)
		spec = json_object();
	have_lc = log_config_read(x->store, x->env.ns, r->id, &lc, &e) == 0;
	proc = json_object_get(spec, "process");
	args = json_object_get(proc, "args");
	os = platform && strchr(platform, '/') ? xstrndup(platform, (size_t)(strchr(platform, '/') - platform))
					       : xstrdup("linux");
	o = json_object();
	json_object_set_new(o, "Id", json_string(r->id));
	json_object_set_new(o, "Created", time_json(r->created_at ? r->created_at->seconds : 0,
						    r->created_at ? r->created_at->nanos : 0));
	json_object_set_new(o, "Path", str_or_empty(json_string_value(json_array_get(args, 0))));
	json_object_set_new(o, "Args", json_array());
	for (size_t i = 1; i < json_array_size(args); i++)
		json_array_append(json_object_get(o, "Args"), json_array_get(args, i));
	json_object_set_new(o, "State",
			    state_json(r, task, task && container_oom_killed(cgroups_path(spec))));
	json_object_set_new(o, "Image", str_or_empty(r->image));
	json_object_set_new(o, "ResolvConfPath", json_string(resolv));
	json_object_set_new(o, "HostnamePath", json_string(hostname));
	json_object_set_new(o, "HostsPath", json_string(hosts));
	json_object_set_new(o, "LogPath",
			    json_string(have_lc && !strcmp(lc.driver, "json-file") ? log_path : ""));
	json_object_set_new(o, "Name", json_string(name));
	json_object_set_new(o, "RestartCount", json_integer(label_int(count)));
	json_object_set_new(o, "Driver", str_or_empty(r->snapshotter));
	json_object_set_new(o, "Platform", json_string(os));
	json_object_set_new(o, "MountLabel", json_string(""));
	json_object_set_new(o, "ProcessLabel", json_string(""));
	json_object_set_new(o, "AppArmorProfile",
			    str_or_empty(json_string_value(json_object_get(proc, "apparmorProfile"))));
	json_object_set_new(o, "ExecIDs", exec_ids_json(c, r, task));
	json_object_set_new(o, "HostConfig", host_config(r, spec, have_lc ? &lc : NULL));
	json_object_set_new(o, "GraphDriver", graph_driver(c, r));
	if (size)
		add_sizes(c, r, o);
	json_object_set_new(o, "Mounts", mounts_json(spec, x->store, x->env.ns));
	json_object_set_new(o, "Config", config_json(r, spec));
	json_object_set_new(o, "NetworkSettings", network_settings(x, r));
	log_config_release(&lc);
	*ret = o;
	return 0;
}

/* Docker prints what it found, then one error line per name it did not. */
static int
print_inspect(const char *format, json_t *items, struct strv *errors)
{
	_cleanup_err_ struct err *err = NULL;
	int r = 0;

	if (fmt_inspect(format, items, stdout, &err) < 0) {
		fprintf(stderr, "Error: %s\n", err->msg);
		r = 1;
	}
	fflush(stdout);
	for (size_t i = 0; i < errors->n; i++) {
		fprintf(stderr, "Error: %s\n", errors->v[i]);
		r = 1;
	}
	return r;
}

CMD(container_inspect)
{
	const char *format = NULL, *mode = "dockercompat";
	bool size = false;
	struct opt opts[] = {
		OPT_STRING('f', "format", &format, "string",
			   "Format the output using the given Go template, e.g, '{{json .}}'"),
		OPT_STRING_D(0, "mode", &mode, "string",
			     "Inspect mode, \"dockercompat\" for Docker-compatible output, \"native\" for containerd-native output",
			     "dockercompat"),
		OPT_BOOL('s', "size", &size, "Display total file sizes"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_json_ json_t *items = json_array();
	_cleanup_strv_ struct strv errors = STRV_INIT;
	struct cmd_ctr x;
	int r;

	argc = opt_parse(cli, opts, argc, argv, "inspect [OPTIONS] CONTAINER [CONTAINER...]",
			 "Display detailed information on one or more containers", 1, 0);
	if (argc < 0)
		return opt_exit_code(argc);
	if (strcmp(mode, "dockercompat")) {
		err_set(&err, strcmp(mode, "native") ? ERR_INVALID : ERR_UNIMPLEMENTED,
			strcmp(mode, "native") ? "unknown mode \"%s\""
					       : "container inspect --mode=%s: not implemented yet",
			mode);
		return cmd_fail(cli, err);
	}
	if (cmd_ctr_init(cli, &x, &err) < 0) {
		cmd_ctr_release(&x);
		return cmd_fail(cli, err);
	}
	for (int i = 0; i < argc; i++) {
		_cleanup_(ctd_msg_freep) CtdContainer *rec = NULL;
		_cleanup_err_ struct err *e = NULL;
		json_t *item;

		if (container_find(x.env.c, argv[i], &rec, &e) < 0 ||
		    container_json(&x, rec, size, &item, &e) < 0) {
			strv_push(&errors, e->msg);
			continue;
		}
		json_array_append_new(items, item);
	}
	r = print_inspect(format, items, &errors);
	cmd_ctr_release(&x);
	return r;
}

CMD(inspect)
{
	const char *format = NULL, *type = NULL;
	bool size = false;
	struct opt opts[] = {
		OPT_STRING('f', "format", &format, "string",
			   "Format the output using the given Go template, e.g, '{{json .}}'"),
		OPT_BOOL('s', "size", &size, "Display total file sizes if the type is container"),
		OPT_STRING(0, "type", &type, "string", "Return JSON for specified type"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_json_ json_t *items = json_array();
	_cleanup_strv_ struct strv errors = STRV_INIT;
	_cleanup_(ctd_msg_freep) CtdImageList *all = NULL;
	const struct strv no_platforms = STRV_INIT;
	bool want_ctr, want_img;
	struct cmd_ctr x;
	int r;

	argc = opt_parse(cli, opts, argc, argv, "inspect [OPTIONS] NAME|ID [NAME|ID...]",
			 "Return low-level information on objects", 1, 0);
	if (argc < 0)
		return opt_exit_code(argc);
	want_ctr = !type || !*type || !strcmp(type, "container");
	want_img = !type || !*type || !strcmp(type, "image");
	if (!want_ctr && !want_img) {
		err_set(&err, ERR_INVALID, "%s is not a valid value for --type", type);
		return cmd_fail(cli, err);
	}
	if (cli_config(cli, &err) < 0 || cmd_ctr_init(cli, &x, &err) < 0) {
		return cmd_fail(cli, err);
	}
	for (int i = 0; i < argc; i++) {
		_cleanup_(ctd_msg_freep) CtdContainer *rec = NULL;
		_cleanup_(ctd_msg_freep) CtdImage *img = NULL;
		_cleanup_img_view_ struct img_view *v = NULL;
		_cleanup_err_ struct err *e = NULL;
		json_t *item;

		if (want_ctr && container_find(x.env.c, argv[i], &rec, &e) == 0) {
			if (container_json(&x, rec, size, &item, &e) < 0)
				strv_push(&errors, e->msg);
			else
				json_array_append_new(items, item);
			continue;
		}
		if (e && !err_is(&e, ERR_NOT_FOUND)) {
			strv_push(&errors, e->msg);
			continue;
		}
		err_clear(&e);
		if (want_img && img_resolve(x.env.c, argv[i], &img, &e) == 0) {
			if ((!all && ctd_images_list(x.env.c, NULL, &all, &e) < 0) ||
			    image_view_for(x.env.c, img, &no_platforms, &v, &e) < 0 ||
			    image_inspect_json(x.env.c, cli->g.snapshotter, img, all, v, &item, &e) < 0) {
				err_wrap(&e, "%s", argv[i]);
				strv_push(&errors, e->msg);
			} else {
				json_array_append_new(items, item);
			}
			continue;
		}
		if (e && !err_is(&e, ERR_NOT_FOUND)) {
			strv_push(&errors, e->msg);
			continue;
		}
		strv_pushf(&errors, "No such object: %s", argv[i]);
	}
	r = print_inspect(format, items, &errors);
	cmd_ctr_release(&x);
	return r;
}
