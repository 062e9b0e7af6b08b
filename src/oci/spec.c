/*
 * The runtime spec (config.json) from parsed run/create options and the image config, with
 * Docker 20.10's defaults (moby's oci/defaults.go and daemon/oci_linux.go, rewritten).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/magic.h>

#include "base/buf.h"
#include "base/fs.h"
#include "base/json.h"
#include "base/xalloc.h"
#include "oci/internal.h"
#include "oci/spec.h"

#include "base/banned.h"

#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define DEFAULT_SHM_SIZE (64LL << 20)
#define MIN_MEMORY (6LL << 20)
#define INIT_PATH_IN_CONTAINER "/sbin/docker-init"
#define SECCOMP_PROFILE_MAX (4u << 20)

static const char *const masked_paths[] = {
	"/proc/asound",	  "/proc/acpi",	      "/proc/kcore",	   "/proc/keys",
	"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
	"/proc/scsi",	  "/sys/firmware",    NULL,
};
static const char *const readonly_paths[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

static json_t *
jstrs(const char *const *v)
{
	json_t *a = json_array();

	for (size_t i = 0; v && v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* The image's "config" member (Env, Cmd, ...); tolerates being given that object itself. */
static json_t *
image_cfg(json_t *image_config)
{
	json_t *c;

	if (!json_is_object(image_config))
		return NULL;
	c = json_object_get(image_config, "config");
	if (json_is_object(c))
		return c;
	if (json_object_get(image_config, "Cmd") || json_object_get(image_config, "Entrypoint") ||
	    json_object_get(image_config, "Env"))
		return image_config;
	return NULL;
}

static void
push_json_strs(struct strv *sv, json_t *arr)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (json_is_string(v))
			strv_push(sv, json_string_value(v));
}

char **
oci_process_args(const struct oci_opts *o, json_t *image_config, struct err **errp)
{
	_cleanup_strv_ struct strv args = STRV_INIT;
	json_t *cfg = image_cfg(image_config);

	/*
	 * Docker's merge: without --entrypoint the image's Entrypoint stays and the command
	 * replaces the image's Cmd; any --entrypoint (even "") drops the image's Cmd too.
	 */
	if (o->entrypoint_set) {
		if (o->entrypoint && *o->entrypoint)
			strv_push(&args, o->entrypoint);
	} else {
		push_json_strs(&args, json_object_get(cfg, "Entrypoint"));
	}
	if (o->n_args > 0) {
		for (size_t i = 0; i < o->n_args; i++)
			strv_push(&args, o->args[i]);
	} else if (!o->entrypoint_set) {
		push_json_strs(&args, json_object_get(cfg, "Cmd"));
	}
	if (args.n == 0) {
		err_set(errp, ERR_INVALID, "No command specified");
		return NULL;
	}
	return strv_detach(&args);
}

size_t
oci_entrypoint_len(const struct oci_opts *o, json_t *image_config)
{
	json_t *ep = json_object_get(image_cfg(image_config), "Entrypoint");

	if (o->entrypoint_set)
		return o->entrypoint && *o->entrypoint ? 1 : 0;
	return json_is_array(ep) ? json_array_size(ep) : 0;
}

static size_t
env_key_len(const char *e)
{
	const char *eq = strchr(e, '=');

	return eq ? (size_t)(eq - e) : strlen(e);
}

static ssize_t
env_find(const struct strv *env, const char *e)
{
	size_t n = env_key_len(e);

	for (size_t i = 0; i < env->n; i++)
		if (env_key_len(env->v[i]) == n && strncmp(env->v[i], e, n) == 0)
			return (ssize_t)i;
	return -1;
}

/* Docker: user env first, then image env not overridden; over PATH/HOSTNAME/TERM defaults. */
static json_t *
build_env(const struct oci_opts *o, json_t *cfg)
{
	_cleanup_strv_ struct strv conf = STRV_INIT, env = STRV_INIT;
	json_t *out = json_array(), *v;
	size_t i;

	for (i = 0; i < o->env.n; i++)
		strv_push(&conf, o->env.v[i]);
	json_array_foreach(json_object_get(cfg, "Env"), i, v)
		if (json_is_string(v) && env_find(&o->env, json_string_value(v)) < 0)
			strv_push(&conf, json_string_value(v));

	strv_push(&env, DEFAULT_PATH);
	if (o->hostname)
		strv_pushf(&env, "HOSTNAME=%s", o->hostname);
	if (o->terminal)
		strv_push(&env, "TERM=xterm");
	for (i = 0; i < conf.n; i++) {
		ssize_t at = env_find(&env, conf.v[i]);

		if (!strchr(conf.v[i], '=')) {
			/* "K" alone (an unset -e K) removes K. */
			if (at >= 0) {
				free(env.v[at]);
				env.v[at] = xstrdup("");
			}
			continue;
		}
		if (at >= 0) {
			free(env.v[at]);
			env.v[at] = xstrdup(conf.v[i]);
		} else {
			strv_push(&env, conf.v[i]);
		}
	}
	for (i = 0; i < env.n; i++)
		if (*env.v[i])
			json_array_append_new(out, json_string(env.v[i]));
	return out;
}

/* --- mounts ----------------------------------------------------------------------------- */

static json_t *
mnt(const char *dest, const char *type, const char *source, const char *const *options)
{
	return json_pack("{s:s, s:s, s:s, s:o}", "destination", dest, "type", type, "source",
			 source, "options", jstrs(options));
}

static int
json_strs_has(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (strcmp(json_string_value(v), s) == 0)
			return 1;
	return 0;
}

static void
remove_opt(json_t *arr, const char *s)
{
	for (size_t i = 0; i < json_array_size(arr);)
		if (strcmp(json_string_value(json_array_get(arr, i)), s) == 0)
			json_array_remove(arr, i);
		else
			i++;
}

static size_t
path_depth(const char *p)
{
	size_t n = 1;

	for (; *p; p++)
		n += *p == '/';
	return n;
}

/* Docker's MergeTmpfsOptions: a later flag replaces its opposite, a later key=value its key. */
static json_t *
merge_tmpfs_options(const struct strv *user)
{
	static const char *const pairs[][2] = {
		{ "ro", "rw" },		  { "exec", "noexec" },		{ "suid", "nosuid" },
		{ "dev", "nodev" },	  { "atime", "noatime" },	{ "diratime", "nodiratime" },
		{ "relatime", "norelatime" }, { "strictatime", "nostrictatime" },
		{ "sync", "async" },	  { "mand", "nomand" },
	};
	static const char *const defaults[] = { "noexec", "nosuid", "nodev", "rprivate" };
	json_t *out = json_array();

	for (size_t i = 0; i < ARRAY_SIZE(defaults) + user->n; i++) {
		const char *o = i < ARRAY_SIZE(defaults) ? defaults[i] : user->v[i - ARRAY_SIZE(defaults)];
		const char *eq = strchr(o, '=');
		int replaced = 0;

		if (eq) {
			size_t k = (size_t)(eq - o) + 1;

			for (size_t j = 0; j < json_array_size(out); j++)
				if (strncmp(json_string_value(json_array_get(out, j)), o, k) == 0) {
					json_array_set_new(out, j, json_string(o));
					replaced = 1;
					break;
				}
			if (!replaced)
				json_array_append_new(out, json_string(o));
			continue;
		}
		for (size_t p = 0; p < ARRAY_SIZE(pairs); p++)
			for (int s = 0; s < 2; s++)
				if (strcmp(o, pairs[p][s]) == 0)
					remove_opt(out, pairs[p][!s]);
		if (!json_strs_has(out, o))
			json_array_append_new(out, json_string(o));
	}
	return out;
}

struct user_mount {
	char *dest;
	json_t *m;
};

static void
add_user_mount(struct user_mount **v, size_t *n, const char *dest, json_t *m)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[*n].dest = xstrdup(dest);
	(*v)[(*n)++].m = m;
}

/* A bind of an existing host path; -v creates a missing directory (Docker quirk). */
static int
check_bind_source(const struct oci_mount *m, const char *src, struct err **errp)
{
	struct stat st;

	if (stat(src, &st) == 0)
		return 0;
	if (errno != ENOENT)
		return err_sys(errp, errno, "stat %s", src);
	if (!m->create_source)
		return err_set(errp, ERR_NOT_FOUND,
			       "invalid mount config for type \"bind\": bind source path does not exist: %s",
			       src);
	return fs_mkdir_p(src, 0755, errp);
}

static int
build_user_mounts(const struct oci_opts *o, json_t *linux_obj, struct user_mount **ret,
		  size_t *ret_n, struct err **errp)
{
	struct user_mount *v = NULL;
	size_t n = 0;

	for (size_t i = 0; i < o->n_mounts; i++) {
		const struct oci_mount *m = &o->mounts[i];
		const char *src = m->kind == OCI_MOUNT_VOLUME ? m->host_path : m->source;
		json_t *opts;

		if (m->kind == OCI_MOUNT_TMPFS) {
			add_user_mount(&v, &n, m->target,
				       json_pack("{s:s, s:s, s:s, s:o}", "destination", m->target,
						 "type", "tmpfs", "source", "tmpfs", "options",
						 merge_tmpfs_options(&m->tmpfs_options)));
			continue;
		}
		if (m->kind == OCI_MOUNT_VOLUME && !src) {
			err_set(errp, ERR_UNIMPLEMENTED, "volume mount %s: not implemented yet",
				m->source ? m->source : m->target);
			goto fail;
		}
		if (m->kind == OCI_MOUNT_BIND && check_bind_source(m, src, errp) < 0)
			goto fail;
		opts = json_array();
		json_array_append_new(opts, json_string(m->nonrecursive ? "bind" : "rbind"));
		if (m->readonly)
			json_array_append_new(opts, json_string("ro"));
		/* Binds get rprivate unless told; volumes get no propagation flag. */
		if (m->kind == OCI_MOUNT_BIND || m->propagation)
			json_array_append_new(opts, json_string(m->propagation ? m->propagation
										: "rprivate"));
		if (m->propagation) {
			const char *rp = json_string_value(json_object_get(linux_obj,
									   "rootfsPropagation"));

			if (strstr(m->propagation, "shared")) {
				json_object_set_new(linux_obj, "rootfsPropagation",
						    json_string("shared"));
			} else if (strstr(m->propagation, "slave") &&
				   !(rp && (strstr(rp, "shared") || strstr(rp, "slave")))) {
				json_object_set_new(linux_obj, "rootfsPropagation",
						    json_string("rslave"));
			}
		}
		add_user_mount(&v, &n, m->target,
			       json_pack("{s:s, s:s, s:s, s:o}", "destination", m->target, "type",
					 "bind", "source", src, "options", opts));
	}
	*ret = v;
	*ret_n = n;
	return 0;
fail:
	for (size_t i = 0; i < n; i++) {
		free(v[i].dest);
		json_decref(v[i].m);
	}
	free(v);
	return -1;
}

static void
add_etc_mount(const struct oci_opts *o, struct user_mount **v, size_t *n, const char *path,
	      const char *dest)
{
	static const char *const rw[] = { "rbind", "rprivate", NULL };
	static const char *const ro[] = { "rbind", "ro", "rprivate", NULL };

	if (!path)
		return;
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i].dest, dest) == 0)
			return;	/* the user's own mount wins */
	add_user_mount(v, n, dest, mnt(dest, "bind", path, o->read_only ? ro : rw));
}

static int
build_mounts(const struct oci_opts *o, json_t *spec, json_t *linux_obj, struct err **errp)
{
	static const char *const proc_o[] = { "nosuid", "noexec", "nodev", NULL };
	static const char *const dev_o[] = { "nosuid", "strictatime", "mode=755", "size=65536k",
					     NULL };
	static const char *const pts_o[] = { "nosuid", "noexec", "newinstance", "ptmxmode=0666",
					     "mode=0620", "gid=5", NULL };
	static const char *const sys_o[] = { "nosuid", "noexec", "nodev", "ro", NULL };
	static const char *const cg_o[] = { "ro", "nosuid", "noexec", "nodev", NULL };
	static const char *const mq_o[] = { "nosuid", "noexec", "nodev", NULL };
	static const char *const shm_o[] = { "nosuid", "noexec", "nodev", "mode=1777", NULL };
	static const char *const init_o[] = { "bind", "ro", NULL };
	static const char *const shm_bind_o[] = { "rbind", "rprivate", NULL };
	json_t *defaults = json_array(), *mounts = json_array(), *m;
	struct user_mount *um = NULL;
	size_t n_um = 0, i;
	int dev_user = 0;

	json_array_append_new(defaults, mnt("/proc", "proc", "proc", proc_o));
	json_array_append_new(defaults, mnt("/dev", "tmpfs", "tmpfs", dev_o));
	json_array_append_new(defaults, mnt("/dev/pts", "devpts", "devpts", pts_o));
	json_array_append_new(defaults, mnt("/sys", "sysfs", "sysfs", sys_o));
	json_array_append_new(defaults, mnt("/sys/fs/cgroup", "cgroup", "cgroup", cg_o));
	json_array_append_new(defaults, mnt("/dev/mqueue", "mqueue", "mqueue", mq_o));
	json_array_append_new(defaults, mnt("/dev/shm", "tmpfs", "shm", shm_o));
	if (o->init && o->pid.mode == OCI_NS_PRIVATE)
		json_array_append_new(defaults, mnt(INIT_PATH_IN_CONTAINER, "bind", o->init_path,
						    init_o));

	if (build_user_mounts(o, linux_obj, &um, &n_um, errp) < 0) {
		json_decref(defaults);
		json_decref(mounts);
		return -1;
	}
	add_etc_mount(o, &um, &n_um, o->resolv_conf_path, "/etc/resolv.conf");
	add_etc_mount(o, &um, &n_um, o->hostname_path, "/etc/hostname");
	add_etc_mount(o, &um, &n_um, o->hosts_path, "/etc/hosts");
	if (o->ipc.mode != OCI_NS_PRIVATE && o->ipc.mode != OCI_NS_NONE &&
	    (o->shm_path || o->ipc.mode == OCI_NS_HOST))
		add_user_mount(&um, &n_um, "/dev/shm",
			       mnt("/dev/shm", "bind", o->shm_path ? o->shm_path : "/dev/shm",
				   shm_bind_o));
	/* Docker sorts its mounts by depth so parents come before children (stable here). */
	for (i = 1; i < n_um; i++)
		for (size_t j = i; j > 0 && path_depth(um[j - 1].dest) > path_depth(um[j].dest);
		     j--) {
			struct user_mount t = um[j];

			um[j] = um[j - 1];
			um[j - 1] = t;
		}
	for (i = 0; i < n_um; i++)
		dev_user |= strcmp(um[i].dest, "/dev") == 0;

	json_array_foreach(defaults, i, m) {
		const char *dest = json_string_value(json_object_get(m, "destination"));
		json_t *opts = json_object_get(m, "options");
		int overridden = 0;

		for (size_t k = 0; k < n_um && !overridden; k++)
			overridden = strcmp(um[k].dest, dest) == 0;
		if (overridden || (dev_user && strncmp(dest, "/dev/", 5) == 0))
			continue;
		if (strcmp(dest, "/dev/shm") == 0) {
			if (o->ipc.mode == OCI_NS_NONE)
				continue;
			json_array_append_new(opts, json_sprintf("size=%lld",
								 (long long)(o->shm_size > 0
										     ? o->shm_size
										     : DEFAULT_SHM_SIZE)));
		}
		if (o->read_only && strcmp(dest, "/proc") != 0 && strcmp(dest, "/dev/pts") != 0 &&
		    strcmp(dest, "/dev/shm") != 0 && strcmp(dest, "/dev/mqueue") != 0 &&
		    strcmp(dest, "/dev") != 0 && !json_strs_has(opts, "ro"))
			json_array_append_new(opts, json_string("ro"));
		if (o->privileged && (strcmp(dest, "/sys") == 0 ||
				      strcmp(json_string_value(json_object_get(m, "type")), "cgroup") == 0))
			remove_opt(opts, "ro");
		json_array_append(mounts, m);
	}
	for (i = 0; i < n_um; i++) {
		json_array_append_new(mounts, um[i].m);
		free(um[i].dest);
	}
	free(um);
	json_decref(defaults);
	json_object_set_new(spec, "mounts", mounts);
	return 0;
}

/* --- linux: namespaces, devices, resources ----------------------------------------------- */

static int
cgroup_v2(void)
{
	struct statfs sf;

	return statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC;
}

static void
add_ns(json_t *arr, const char *type, const char *path)
{
	json_t *ns = json_pack("{s:s}", "type", type);

	if (path)
		json_object_set_new(ns, "path", json_string(path));
	json_array_append_new(arr, ns);
}

static int
build_namespaces(const struct oci_opts *o, json_t *linux_obj, struct err **errp)
{
	json_t *ns = json_array();

	add_ns(ns, "mount", NULL);
	if (!o->net_host)
		add_ns(ns, "network", o->netns_path);
	if (o->uts.mode == OCI_NS_PATH) {
		json_decref(ns);
		return err_set(errp, ERR_INVALID, "--uts: invalid UTS mode");
	}
	if (o->uts.mode != OCI_NS_HOST)
		add_ns(ns, "uts", NULL);
	if (o->pid.mode == OCI_NS_PATH)
		add_ns(ns, "pid", o->pid.path);
	else if (o->pid.mode != OCI_NS_HOST)
		add_ns(ns, "pid", NULL);
	if (o->ipc.mode == OCI_NS_PATH)
		add_ns(ns, "ipc", o->ipc.path);
	else if (o->ipc.mode != OCI_NS_HOST)
		add_ns(ns, "ipc", NULL);
	/* Docker's default cgroupns is private on v2 and host on v1. */
	if (cgroup_v2() && !(o->cgroupns && strcmp(o->cgroupns, "host") == 0))
		add_ns(ns, "cgroup", NULL);
	else if (!cgroup_v2() && o->cgroupns && strcmp(o->cgroupns, "private") == 0)
		add_ns(ns, "cgroup", NULL);
	json_object_set_new(linux_obj, "namespaces", ns);
	return 0;
}

static json_t *
dev_rule(int allow, const char *type, long long major, long long minor, const char *access)
{
	json_t *r = json_pack("{s:b}", "allow", allow);

	if (type)
		json_object_set_new(r, "type", json_string(type));
	if (major != -2)
		json_object_set_new(r, "major", json_integer(major));
	if (minor != -2)
		json_object_set_new(r, "minor", json_integer(minor));
	json_object_set_new(r, "access", json_string(access));
	return r;
}

/* A device node as linux.devices wants it; 0 = not a device, -1 = error. */
static int
device_entry(const char *host, const char *in_container, json_t **ret, struct stat *ret_st,
	     struct err **errp)
{
	struct stat st;

	if (stat(host, &st) < 0)
		return err_sys(errp, errno, "error gathering device information while adding custom device \"%s\"",
			       host);
	*ret_st = st;
	if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
		return 0;
	*ret = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "path", in_container, "type",
			 S_ISCHR(st.st_mode) ? "c" : "b", "major", (json_int_t)major(st.st_rdev),
			 "minor", (json_int_t)minor(st.st_rdev), "fileMode",
			 (json_int_t)(st.st_mode & 07777), "uid", (json_int_t)st.st_uid, "gid",
			 (json_int_t)st.st_gid);
	return 1;
}

/* Every device under dir (host path prefix swapped for in_container), like runc's walk. */
static void
walk_devices(const char *dir, const char *in_container, const char *perms, int top,
	     json_t *devs, json_t *rules)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		_cleanup_free_ char *p = NULL, *c = NULL;
		json_t *dev = NULL;
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		/* runc's HostDevices skips these under /dev. */
		if (top && (strcmp(e->d_name, "pts") == 0 || strcmp(e->d_name, "shm") == 0 ||
			    strcmp(e->d_name, "fd") == 0 || strcmp(e->d_name, "mqueue") == 0 ||
			    strcmp(e->d_name, ".lxc") == 0 || strcmp(e->d_name, ".lxd-mounts") == 0 ||
			    strcmp(e->d_name, ".udev") == 0 || strcmp(e->d_name, "console") == 0))
			continue;
		p = xasprintf("%s/%s", dir, e->d_name);
		c = xasprintf("%s/%s", in_container, e->d_name);
		if (lstat(p, &st) < 0 || S_ISLNK(st.st_mode))
			continue;
		if (S_ISDIR(st.st_mode)) {
			walk_devices(p, c, perms, 0, devs, rules);
			continue;
		}
		if (device_entry(p, c, &dev, &st, NULL) != 1)
			continue;
		json_array_append_new(devs, dev);
		if (rules)
			json_array_append_new(rules, dev_rule(1, S_ISCHR(st.st_mode) ? "c" : "b",
							      major(st.st_rdev), minor(st.st_rdev),
							      perms));
	}
	closedir(d);
}

/* --device-cgroup-rule "c 1:3 rwm" / "a *:* rwm" (Docker's regexp, by hand). */
static int
parse_cgroup_rule(const char *s, json_t **ret, struct err **errp)
{
	char type, mj[24], mn[24], acc[8], extra;
	long long major = -1, minor = -1;

	if (sscanf(s, "%c %23[0-9*]:%23[0-9*] %7[rwm]%c", &type, mj, mn, acc, &extra) != 4 ||
	    !strchr("acb", type) || s[1] != ' ' || strlen(acc) > 3 ||
	    (strchr(mj, '*') && strcmp(mj, "*") != 0) || (strchr(mn, '*') && strcmp(mn, "*") != 0))
		return err_set(errp, ERR_INVALID, "invalid device cgroup format '%s'", s);
	if (strcmp(mj, "*") != 0)
		major = strtoll(mj, NULL, 10);
	if (strcmp(mn, "*") != 0)
		minor = strtoll(mn, NULL, 10);
	*ret = dev_rule(1, (char[]){ type, 0 }, major, minor, acc);
	return 0;
}

static int
build_devices(const struct oci_opts *o, json_t *linux_obj, json_t *resources, struct err **errp)
{
	json_t *devs = json_array(), *rules = json_array();

	if (o->privileged) {
		walk_devices("/dev", "/dev", "rwm", 1, devs, NULL);
		for (size_t i = 0; i < o->n_devices; i++) {
			const struct oci_device *d = &o->devices[i];
			json_t *dev = NULL;
			struct stat st;
			int r;

			if (strcmp(d->host_path, d->container_path) == 0)
				continue;
			r = device_entry(d->host_path, d->container_path, &dev, &st, errp);
			if (r < 0)
				goto fail;
			if (r > 0)
				json_array_append_new(devs, dev);
			else
				walk_devices(d->host_path, d->container_path, "rwm", 0, devs, NULL);
		}
		json_array_append_new(rules, dev_rule(1, NULL, -2, -2, "rwm"));
	} else {
		/*
		 * Docker's list (deny all, six allows, deny fuse), then what runc appends
		 * itself (mknod of anything, full, ptmx, pts). The v1 devices cgroup cannot
		 * deny inside a wildcard allowed before it, so the fuse deny comes first.
		 */
		json_array_append_new(rules, dev_rule(0, NULL, -2, -2, "rwm"));
		json_array_append_new(rules, dev_rule(1, "c", 1, 5, "rwm"));
		json_array_append_new(rules, dev_rule(1, "c", 1, 3, "rwm"));
		json_array_append_new(rules, dev_rule(1, "c", 1, 9, "rwm"));
		json_array_append_new(rules, dev_rule(1, "c", 1, 8, "rwm"));
		json_array_append_new(rules, dev_rule(1, "c", 5, 0, "rwm"));
		json_array_append_new(rules, dev_rule(1, "c", 5, 1, "rwm"));
		json_array_append_new(rules, dev_rule(0, "c", 10, 229, "rwm"));
		json_array_append_new(rules, dev_rule(1, "c", -1, -1, "m"));
		json_array_append_new(rules, dev_rule(1, "b", -1, -1, "m"));
		json_array_append_new(rules, dev_rule(1, "c", 1, 7, "rwm"));
		json_array_append_new(rules, dev_rule(1, "c", 5, 2, "rwm"));
		json_array_append_new(rules, dev_rule(1, "c", 136, -1, "rwm"));
		for (size_t i = 0; i < o->n_devices; i++) {
			const struct oci_device *d = &o->devices[i];
			json_t *dev = NULL;
			struct stat st;
			int r = device_entry(d->host_path, d->container_path, &dev, &st, errp);

			if (r < 0)
				goto fail;
			if (r > 0) {
				json_array_append_new(devs, dev);
				json_array_append_new(rules,
						      dev_rule(1, S_ISCHR(st.st_mode) ? "c" : "b",
							       major(st.st_rdev), minor(st.st_rdev),
							       d->perms));
				continue;
			}
			if (!S_ISDIR(st.st_mode)) {
				err_set(errp, ERR_INVALID,
					"error gathering device information while adding custom device \"%s\": not a device node",
					d->host_path);
				goto fail;
			}
			walk_devices(d->host_path, d->container_path, d->perms, 0, devs, rules);
		}
		for (size_t i = 0; i < o->device_cgroup_rules.n; i++) {
			json_t *r = NULL;

			if (parse_cgroup_rule(o->device_cgroup_rules.v[i], &r, errp) < 0)
				goto fail;
			json_array_append_new(rules, r);
		}
	}
	json_object_set_new(linux_obj, "devices", devs);
	json_object_set_new(resources, "devices", rules);
	return 0;
fail:
	json_decref(devs);
	json_decref(rules);
	return -1;
}

static int
swap_accounting(void)
{
	return access("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes", F_OK) == 0 ||
	       cgroup_v2();
}

static int
build_resources(const struct oci_opts *o, json_t *resources, struct err **errp)
{
	json_t *mem = json_object(), *cpu = json_object();
	int64_t swap = o->memory_swap;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int r = -1;

	/* Docker's verifyPlatformContainerResources, same messages. */
	if (o->memory != 0 && o->memory < MIN_MEMORY) {
		err_set(errp, ERR_INVALID, "Minimum memory limit allowed is 6MB");
		goto out;
	}
	if (o->memory > 0 && swap == 0)
		swap = o->memory * 2;	/* Docker's default: swap as large as memory */
	if (o->memory > 0 && swap > 0 && swap < o->memory) {
		err_set(errp, ERR_INVALID,
			"Minimum memoryswap limit should be larger than memory limit, see usage");
		goto out;
	}
	if (o->memory == 0 && swap > 0) {
		err_set(errp, ERR_INVALID,
			"You should always set the Memory limit when using Memoryswap limit, see usage");
		goto out;
	}
	if (o->memory_swappiness_set && (o->memory_swappiness < 0 || o->memory_swappiness > 100)) {
		err_set(errp, ERR_INVALID,
			"Invalid value: %lld, valid memory swappiness range is 0-100",
			(long long)o->memory_swappiness);
		goto out;
	}
	if (o->memory_reservation > 0 && o->memory_reservation < MIN_MEMORY) {
		err_set(errp, ERR_INVALID, "Minimum memory reservation allowed is 6MB");
		goto out;
	}
	if (o->memory > 0 && o->memory_reservation > 0 && o->memory < o->memory_reservation) {
		err_set(errp, ERR_INVALID,
			"Minimum memory limit can not be less than memory reservation limit, see usage");
		goto out;
	}
	if (o->nano_cpus > 0 && o->cpu_period > 0) {
		err_set(errp, ERR_INVALID,
			"Conflicting options: Nano CPUs and CPU Period cannot both be set");
		goto out;
	}
	if (o->nano_cpus > 0 && o->cpu_quota > 0) {
		err_set(errp, ERR_INVALID,
			"Conflicting options: Nano CPUs and CPU Quota cannot both be set");
		goto out;
	}
	if (o->nano_cpus < 0 || (ncpu > 0 && o->nano_cpus > (int64_t)ncpu * 1000000000)) {
		err_set(errp, ERR_INVALID,
			"Range of CPUs is from 0.01 to %ld.00, as there are only %ld CPUs available",
			ncpu, ncpu);
		goto out;
	}
	if (o->cpu_period != 0 && (o->cpu_period < 1000 || o->cpu_period > 1000000)) {
		err_set(errp, ERR_INVALID,
			"CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)");
		goto out;
	}
	if (o->cpu_quota > 0 && o->cpu_quota < 1000) {
		err_set(errp, ERR_INVALID, "CPU cfs quota can not be less than 1ms (i.e. 1000)");
		goto out;
	}
	if (o->blkio_weight > 0 && (o->blkio_weight < 10 || o->blkio_weight > 1000)) {
		err_set(errp, ERR_INVALID, "Range of blkio weight is from 10 to 1000");
		goto out;
	}
	if (o->cpu_shares < 0) {
		err_set(errp, ERR_INVALID, "shares: invalid argument");
		goto out;
	}

	if (o->memory > 0)
		json_object_set_new(mem, "limit", json_integer(o->memory));
	if (o->memory_reservation > 0)
		json_object_set_new(mem, "reservation", json_integer(o->memory_reservation));
	/* Without swap accounting Docker drops the swap limit ("Memory limited without swap"). */
	if (swap != 0 && o->memory > 0 && swap_accounting())
		json_object_set_new(mem, "swap", json_integer(swap));
	if (o->memory_swappiness_set)
		json_object_set_new(mem, "swappiness", json_integer(o->memory_swappiness));
	if (o->oom_kill_disable)
		json_object_set_new(mem, "disableOOMKiller", json_true());
	if (json_object_size(mem))
		json_object_set(resources, "memory", mem);

	if (o->cpu_shares > 0) {
		/* Docker clamps to the kernel's range with a warning. */
		int64_t s = o->cpu_shares < 2 ? 2 : o->cpu_shares > 262144 ? 262144 : o->cpu_shares;

		json_object_set_new(cpu, "shares", json_integer(s));
	}
	if (o->nano_cpus > 0) {
		json_object_set_new(cpu, "period", json_integer(100000));
		json_object_set_new(cpu, "quota", json_integer(o->nano_cpus * 100000 / 1000000000));
	}
	if (o->cpu_period)
		json_object_set_new(cpu, "period", json_integer(o->cpu_period));
	if (o->cpu_quota)
		json_object_set_new(cpu, "quota", json_integer(o->cpu_quota));
	if (o->cpuset_cpus && *o->cpuset_cpus)
		json_object_set_new(cpu, "cpus", json_string(o->cpuset_cpus));
	if (o->cpuset_mems && *o->cpuset_mems)
		json_object_set_new(cpu, "mems", json_string(o->cpuset_mems));
	if (json_object_size(cpu))
		json_object_set(resources, "cpu", cpu);

	if (o->pids_limit > 0)
		json_object_set_new(resources, "pids", json_pack("{s:I}", "limit",
								 (json_int_t)o->pids_limit));
	if (o->blkio_weight > 0)
		json_object_set_new(resources, "blockIO",
				    json_pack("{s:i}", "weight", (int)o->blkio_weight));
	r = 0;
out:
	json_decref(mem);
	json_decref(cpu);
	return r;
}

int
oci_resources_build(const struct oci_opts *o, json_t *resources, struct err **errp)
{
	return build_resources(o, resources, errp);
}

static int
sysctl_exists(const char *name)
{
	_cleanup_free_ char *p = xasprintf("/proc/sys/%s", name);

	for (char *c = p + 10; *c; c++)
		if (*c == '.')
			*c = '/';
	return access(p, F_OK) == 0;
}

static void
build_sysctls(const struct oci_opts *o, json_t *linux_obj)
{
	json_t *sc = json_object();

	/* Docker's safe defaults, only for a network namespace of the container's own. */
	if (!o->net_host && !o->net_shared) {
		if (sysctl_exists("net.ipv4.ping_group_range"))
			json_object_set_new(sc, "net.ipv4.ping_group_range",
					    json_string("0 2147483647"));
		if (sysctl_exists("net.ipv4.ip_unprivileged_port_start"))
			json_object_set_new(sc, "net.ipv4.ip_unprivileged_port_start",
					    json_string("0"));
	}
	for (size_t i = 0; i < o->sysctls.n; i++) {
		const char *kv = o->sysctls.v[i], *eq = strchr(kv, '=');
		_cleanup_free_ char *k = NULL;

		if (!eq)
			continue;
		k = xstrndup(kv, (size_t)(eq - kv));
		json_object_set_new(sc, k, json_string(eq + 1));
	}
	json_object_set_new(linux_obj, "sysctl", sc);
}

static int
build_seccomp(const struct oci_opts *o, json_t *caps_bounding, json_t *linux_obj,
	      struct err **errp)
{
	_cleanup_json_ json_t *profile = NULL;
	_cleanup_strv_ struct strv bnd = STRV_INIT;
	struct utsname u;
	json_t *sc;
	int none = 0;

	if (o->security.seccomp == OCI_SECCOMP_UNCONFINED || o->privileged)
		return 0;
	if (o->security.seccomp == OCI_SECCOMP_PROFILE) {
		json_error_t jerr;

		profile = json_loads(o->security.seccomp_json ? o->security.seccomp_json : "",
				     JSON_REJECT_DUPLICATES, &jerr);
		if (!profile)
			return err_set(errp, ERR_INVALID, "Decoding seccomp profile failed: %s",
				       jerr.text);
	} else {
		profile = seccomp_default_profile();
	}
	push_json_strs(&bnd, caps_bounding);
	if (uname(&u) < 0)
		u.release[0] = '\0';
	sc = seccomp_convert(profile, bnd.v, seccomp_native_arch(), u.release, &none, errp);
	if (!sc && !none)
		return -1;
	if (sc)
		json_object_set_new(linux_obj, "seccomp", sc);
	return 0;
}

/* --- process ------------------------------------------------------------------------------ */

static const char *
rlimit_type(const char *name, char *buf, size_t size)
{
	size_t i = snprintf(buf, size, "RLIMIT_") > 0 ? 7 : 0;

	for (; *name && i + 1 < size; name++)
		buf[i++] = (char)(*name >= 'a' && *name <= 'z' ? *name - 32 : *name);
	buf[i] = '\0';
	return buf;
}

static int
build_process(const struct oci_opts *o, json_t *cfg, const char *rootfs, json_t *spec,
	      json_t **ret_bounding, struct err **errp)
{
	_cleanup_strv_free_ char **args = oci_process_args(o, cfg, errp);
	_cleanup_strv_ struct strv caps = STRV_INIT;
	json_t *proc, *user, *gids, *capj, *rl;
	struct oci_user u = { 0 };
	const char *cwd = o->workdir;
	const char *user_spec = o->user;
	struct strv pre = STRV_INIT;

	if (!args)
		return -1;
	if (!cwd || !*cwd)
		cwd = json_string_value(json_object_get(image_cfg(cfg), "WorkingDir"));
	if (!cwd || !*cwd)
		cwd = "/";
	if (cwd[0] != '/')
		return err_set(errp, ERR_INVALID,
			       "the working directory '%s' is invalid, it needs to be an absolute path",
			       cwd);
	if (!user_spec || !*user_spec)
		user_spec = json_string_value(json_object_get(image_cfg(cfg), "User"));
	if (o->init && !o->init_path && o->pid.mode == OCI_NS_PRIVATE)
		return err_set(errp, ERR_INVALID, "--init: no init binary (docker-init/tini) found");
	if (o->oom_score_adj_set && (o->oom_score_adj < -1000 || o->oom_score_adj > 1000))
		return err_set(errp, ERR_INVALID,
			       "Invalid value %d, range for oom score adj is [-1000, 1000]",
			       o->oom_score_adj);
	if (caps_compute(&o->cap_add, &o->cap_drop, o->privileged, caps_host_bounding(NULL), &caps,
			 errp) < 0)
		return -1;
	if (user_resolve(rootfs, user_spec, &o->group_add, &u, errp) < 0)
		return -1;

	proc = json_object();
	json_object_set_new(spec, "process", proc);
	json_object_set_new(proc, "terminal", json_boolean(o->terminal));
	/* The size the terminal starts with (the CLI's), before any resize can arrive. */
	if (o->terminal && o->console_width && o->console_height)
		json_object_set_new(proc, "consoleSize",
				    json_pack("{s:I, s:I}", "height", (json_int_t)o->console_height,
					      "width", (json_int_t)o->console_width));
	gids = json_array();
	for (size_t i = 0; i < u.n_gids; i++)
		json_array_append_new(gids, json_integer(u.gids[i]));
	user = json_pack("{s:I, s:I, s:o}", "uid", (json_int_t)u.uid, "gid", (json_int_t)u.gid,
			 "additionalGids", gids);
	user_release(&u);
	json_object_set_new(proc, "user", user);

	if (o->init && o->pid.mode == OCI_NS_PRIVATE) {
		strv_push(&pre, INIT_PATH_IN_CONTAINER);
		strv_push(&pre, "--");
	}
	for (size_t i = 0; args[i]; i++)
		strv_push(&pre, args[i]);
	json_object_set_new(proc, "args", jstrs((const char *const *)pre.v));
	strv_release(&pre);
	json_object_set_new(proc, "env", build_env(o, image_cfg(cfg)));
	json_object_set_new(proc, "cwd", json_string(cwd));

	capj = jstrs((const char *const *)caps.v);
	json_object_set_new(proc, "capabilities",
			    json_pack("{s:O, s:O, s:O}", "bounding", capj, "effective", capj,
				      "permitted", capj));
	*ret_bounding = capj;

	if (o->n_ulimits) {
		for (size_t i = 0; i < o->n_ulimits; i++)
			/* uint64 max does not fit jansson's integers: say so instead of lying. */
			if (o->ulimits[i].soft < 0 || o->ulimits[i].hard < 0)
				return err_set(errp, ERR_UNIMPLEMENTED,
					       "--ulimit %s=-1 (unlimited): not implemented yet",
					       o->ulimits[i].name);
		rl = json_array();
		for (size_t i = 0; i < o->n_ulimits; i++) {
			char type[32];

			json_array_append_new(rl, json_pack("{s:s, s:I, s:I}", "type",
							    rlimit_type(o->ulimits[i].name, type,
									sizeof(type)),
							    "hard", (json_int_t)o->ulimits[i].hard,
							    "soft", (json_int_t)o->ulimits[i].soft));
		}
		json_object_set_new(proc, "rlimits", rl);
	}
	if (o->security.no_new_privileges)
		json_object_set_new(proc, "noNewPrivileges", json_true());
	if (o->oom_score_adj_set)
		json_object_set_new(proc, "oomScoreAdj", json_integer(o->oom_score_adj));
	if (o->security.apparmor && access("/sys/kernel/security/apparmor", F_OK) == 0)
		json_object_set_new(proc, "apparmorProfile", json_string(o->security.apparmor));
	return 0;
}

static void
build_hooks(const struct oci_opts *o, json_t *spec)
{
	static const char *const names[] = {
		[OCI_HOOK_PRESTART] = "prestart",
		[OCI_HOOK_CREATE_RUNTIME] = "createRuntime",
		[OCI_HOOK_CREATE_CONTAINER] = "createContainer",
		[OCI_HOOK_START_CONTAINER] = "startContainer",
		[OCI_HOOK_POSTSTART] = "poststart",
		[OCI_HOOK_POSTSTOP] = "poststop",
	};
	json_t *hooks;

	if (!o->n_hooks)
		return;
	hooks = json_object();
	for (size_t i = 0; i < o->n_hooks; i++) {
		const struct oci_hook *h = &o->hooks[i];
		const char *kind = names[h->kind];
		json_t *list = json_object_get(hooks, kind);
		json_t *hj = json_pack("{s:s}", "path", h->path);

		if (!list) {
			list = json_array();
			json_object_set_new(hooks, kind, list);
		}
		if (h->args.n)
			json_object_set_new(hj, "args", jstrs((const char *const *)h->args.v));
		if (h->env.n)
			json_object_set_new(hj, "env", jstrs((const char *const *)h->env.v));
		if (h->timeout > 0)
			json_object_set_new(hj, "timeout", json_integer(h->timeout));
		json_array_append_new(list, hj);
	}
	json_object_set_new(spec, "hooks", hooks);
}

int
oci_spec_build(const struct oci_opts *o, json_t *image_config, const char *rootfs_for_user_lookup,
	       json_t **ret_spec, struct err **errp)
{
	_cleanup_json_ json_t *spec = json_object();
	_cleanup_json_ json_t *bounding = NULL;
	json_t *linux_obj = json_object(), *resources = json_object();

	json_object_set_new(spec, "ociVersion", json_string("1.0.2-dev"));
	json_object_set_new(spec, "linux", linux_obj);
	if (build_process(o, image_config, rootfs_for_user_lookup, spec, &bounding, errp) < 0) {
		json_decref(resources);
		return -1;
	}
	json_object_set_new(spec, "root", json_pack("{s:s, s:b}", "path",
						    o->rootfs ? o->rootfs : "rootfs", "readonly",
						    o->read_only));
	if (o->hostname && o->uts.mode != OCI_NS_HOST)
		json_object_set_new(spec, "hostname", json_string(o->hostname));
	if (o->domainname && *o->domainname && o->uts.mode != OCI_NS_HOST)
		json_object_set_new(spec, "domainname", json_string(o->domainname));
	if (build_mounts(o, spec, linux_obj, errp) < 0) {
		json_decref(resources);
		return -1;
	}
	build_hooks(o, spec);
	if (o->annotations.n) {
		json_t *a = json_object();

		for (size_t i = 0; i < o->annotations.n; i++) {
			const char *kv = o->annotations.v[i], *eq = strchr(kv, '=');
			_cleanup_free_ char *k = xstrndup(kv, eq ? (size_t)(eq - kv) : strlen(kv));

			json_object_set_new(a, k, json_string(eq ? eq + 1 : ""));
		}
		json_object_set_new(spec, "annotations", a);
	}

	json_object_set_new(linux_obj, "resources", resources);
	if (build_devices(o, linux_obj, resources, errp) < 0 ||
	    build_resources(o, resources, errp) < 0)
		return -1;
	if (o->cgroups_path && *o->cgroups_path)
		json_object_set_new(linux_obj, "cgroupsPath", json_string(o->cgroups_path));
	if (build_namespaces(o, linux_obj, errp) < 0)
		return -1;
	if (!o->privileged) {
		json_object_set_new(linux_obj, "maskedPaths", jstrs(masked_paths));
		json_object_set_new(linux_obj, "readonlyPaths", jstrs(readonly_paths));
	}
	build_sysctls(o, linux_obj);
	if (build_seccomp(o, bounding, linux_obj, errp) < 0)
		return -1;
	/*
	 * "linux" last, in the Go spec's field order: readers that look for "process" (ps's
	 * command) then skip far less.
	 */
	json_incref(linux_obj);
	json_object_del(spec, "linux");
	json_object_set_new(spec, "linux", linux_obj);
	*ret_spec = TAKE_PTR(spec);
	return 0;
}
