/* Unit tests for src/oci: flag parsers (Docker's messages), spec defaults, users, /etc files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/fs.h"
#include "base/json.h"
#include "base/xalloc.h"
#include "oci/internal.h"
#include "oci/spec.h"

/* --- parsers: one table, each row parsed by its kind and rendered to a string ------------- */

enum kind { ULIMIT, DEVICE, VOLUME, MOUNT, TMPFS, SYSCTL, CPUS, SIGNAL, SECOPT, NS_IPC, NS_PID,
	    NS_UTS, ENV, ADDHOST };

static int
render(enum kind k, const char *in, struct buf *out, struct err **errp)
{
	switch (k) {
	case ULIMIT: {
		struct oci_ulimit u;

		if (oci_parse_ulimit(in, &u, errp) < 0)
			return -1;
		buf_addf(out, "%s %lld %lld", u.name, (long long)u.soft, (long long)u.hard);
		return 0;
	}
	case DEVICE: {
		struct oci_device d;

		if (oci_parse_device(in, &d, errp) < 0)
			return -1;
		buf_addf(out, "%s %s %s", d.host_path, d.container_path, d.perms);
		oci_device_release(&d);
		return 0;
	}
	case VOLUME:
	case MOUNT:
	case TMPFS: {
		struct oci_mount m;
		int r = k == VOLUME  ? oci_parse_volume_flag(in, &m, errp)
			: k == MOUNT ? oci_parse_mount_flag(in, &m, errp)
				     : oci_parse_tmpfs(in, &m, errp);

		if (r < 0)
			return -1;
		buf_addf(out, "%s %s %s ro=%d", m.kind == OCI_MOUNT_BIND ? "bind"
						: m.kind == OCI_MOUNT_VOLUME ? "volume" : "tmpfs",
			 m.source ? m.source : "-", m.target, m.readonly);
		if (m.propagation)
			buf_addf(out, " prop=%s", m.propagation);
		if (m.create_source)
			buf_adds(out, " create");
		if (m.nonrecursive)
			buf_adds(out, " nonrec");
		if (m.nocopy)
			buf_adds(out, " nocopy");
		for (size_t i = 0; i < m.tmpfs_options.n; i++)
			buf_addf(out, "%c%s", i ? ',' : ' ', m.tmpfs_options.v[i]);
		oci_mount_release(&m);
		return 0;
	}
	case SYSCTL: {
		_cleanup_strv_ struct strv sv = STRV_INIT;

		if (oci_parse_sysctl(in, &sv, errp) < 0)
			return -1;
		buf_adds(out, sv.v[0]);
		return 0;
	}
	case CPUS: {
		int64_t n;

		if (oci_parse_cpus(in, &n, errp) < 0)
			return -1;
		buf_addf(out, "%lld", (long long)n);
		return 0;
	}
	case SIGNAL: {
		int s;

		if (oci_parse_signal(in, &s, errp) < 0)
			return -1;
		buf_addf(out, "%d %s", s, oci_signal_name(s));
		return 0;
	}
	case SECOPT: {
		struct oci_security sec = { 0 };

		if (oci_parse_security_opt(in, &sec, errp) < 0) {
			oci_security_release(&sec);
			return -1;
		}
		buf_addf(out, "seccomp=%d nnp=%d apparmor=%s", sec.seccomp, sec.no_new_privileges,
			 sec.apparmor ? sec.apparmor : "-");
		oci_security_release(&sec);
		return 0;
	}
	case NS_IPC:
	case NS_PID:
	case NS_UTS: {
		enum oci_ns_mode mode;
		_cleanup_free_ char *c = NULL;

		if (oci_parse_ns_mode(k == NS_IPC ? "ipc" : k == NS_PID ? "pid" : "uts", in, &mode, &c,
				      errp) < 0)
			return -1;
		buf_addf(out, "%d %s", mode, c ? c : "-");
		return 0;
	}
	case ENV: {
		_cleanup_strv_ struct strv sv = STRV_INIT;

		if (oci_parse_env(in, &sv, errp) < 0)
			return -1;
		buf_adds(out, sv.v[0]);
		return 0;
	}
	case ADDHOST: {
		_cleanup_strv_ struct strv sv = STRV_INIT;

		if (oci_parse_add_host(in, &sv, errp) < 0)
			return -1;
		buf_adds(out, sv.v[0]);
		return 0;
	}
	}
	return -1;
}

static void
test_parsers(void **state)
{
	static const struct {
		enum kind k;
		const char *in;
		const char *want;	/* rendering, or the error message when err is set */
		int err;
	} rows[] = {
		{ ULIMIT, "nofile=1024:2048", "nofile 1024 2048", 0 },
		{ ULIMIT, "nproc=512", "nproc 512 512", 0 },
		{ ULIMIT, "core=-1:-1", "core -1 -1", 0 },
		{ ULIMIT, "nofile", "invalid ulimit argument: nofile", 1 },
		{ ULIMIT, "bogus=1", "invalid ulimit type: bogus", 1 },
		{ ULIMIT, "nofile=abc", "strconv.ParseInt: parsing \"abc\": invalid syntax", 1 },
		{ ULIMIT, "nofile=1:2:3",
		  "too many limit value arguments - 1:2:3, can only have up to two, `soft[:hard]`", 1 },
		{ ULIMIT, "nofile=2048:1024",
		  "ulimit soft limit must be less than or equal to hard limit: 2048 > 1024", 1 },
		{ ULIMIT, "nofile=-1:10",
		  "ulimit soft limit must be less than or equal to hard limit: soft: -1 (unlimited), hard: 10",
		  1 },
		{ DEVICE, "/dev/fuse", "/dev/fuse /dev/fuse rwm", 0 },
		{ DEVICE, "/dev/fuse:rw", "/dev/fuse /dev/fuse rw", 0 },
		{ DEVICE, "/dev/sda:/dev/xvda:r", "/dev/sda /dev/xvda r", 0 },
		{ DEVICE, "/dev/sda:/dev//xvda/", "/dev/sda /dev/xvda rwm", 0 },
		{ DEVICE, "/dev/sda:/dev/xvda:rx", "bad mode specified: rx", 1 },
		{ DEVICE, "a:b:c:d", "bad format for path: a:b:c:d", 1 },
		{ DEVICE, ":/dev/x", "bad format for path: :/dev/x", 1 },
		{ DEVICE, "/dev/sda:xvda", "xvda is not an absolute path", 1 },
		{ VOLUME, "/src:/dst", "bind /src /dst ro=0 create", 0 },
		{ VOLUME, "/src/:/dst:ro", "bind /src /dst ro=1 create", 0 },
		{ VOLUME, "/src:/dst:ro,rshared", "bind /src /dst ro=1 prop=rshared create", 0 },
		{ VOLUME, "myvol:/data", "volume myvol /data ro=0", 0 },
		{ VOLUME, "myvol:/data:nocopy", "volume myvol /data ro=0 nocopy", 0 },
		{ VOLUME, "/data", "volume - /data ro=0", 0 },
		{ VOLUME, "/dst:ro", "invalid volume specification: '/dst:ro'", 1 },
		{ VOLUME, "/src:/dst:bogus", "invalid mode: bogus", 1 },
		{ VOLUME, "/src:/dst:ro,rw", "invalid mode: ro,rw", 1 },
		{ VOLUME, "/src:/", "invalid volume specification: '/src:/': invalid mount config for type \"bind\": invalid specification: destination can't be '/'", 1 },
		{ VOLUME, "/src:dst", "invalid volume specification: '/src:dst': invalid mount config for type \"bind\": invalid mount path: 'dst' mount path must be absolute", 1 },
		{ VOLUME, "a:b:c:d", "invalid volume specification: 'a:b:c:d'", 1 },
		{ MOUNT, "type=bind,src=/a,dst=/b,readonly", "bind /a /b ro=1", 0 },
		{ MOUNT, "type=bind,source=/a,target=/b,bind-propagation=rslave,bind-nonrecursive",
		  "bind /a /b ro=0 prop=rslave nonrec", 0 },
		{ MOUNT, "type=volume,src=v,dst=/b,volume-nocopy", "volume v /b ro=0 nocopy", 0 },
		{ MOUNT, "dst=/b", "volume - /b ro=0", 0 },
		{ MOUNT, "type=tmpfs,dst=/t,tmpfs-size=64m,tmpfs-mode=1770",
		  "tmpfs - /t ro=0 mode=1770,size=64m", 0 },
		{ MOUNT, "\"type=bind\",src=/a,dst=/b,ro=true", "bind /a /b ro=1", 0 },
		{ MOUNT, "type=bind,src=/a", "target is required", 1 },
		{ MOUNT, "type=bind,src=/a,dst=/b,foo=1", "unexpected key 'foo' in 'foo=1'", 1 },
		{ MOUNT, "type=bind,src=/a,dst=/b,bogus", "invalid field 'bogus' must be a key=value pair", 1 },
		{ MOUNT, "type=bind,src=/a,dst=/b,ro=maybe", "invalid value for ro: maybe", 1 },
		{ MOUNT, "type=tmpfs,dst=/b,bind-propagation=shared",
		  "cannot mix 'bind-*' options with mount type 'tmpfs'", 1 },
		{ MOUNT, "type=bind,dst=/b", "invalid mount config for type \"bind\": field Source must not be empty", 1 },
		{ MOUNT, "type=nfs,dst=/b", "invalid mount config for type \"nfs\": mount type unknown", 1 },
		{ MOUNT, "type=volume,dst=/b,ro", "invalid mount config for type \"volume\": must not set ReadOnly mode when using anonymous volumes", 1 },
		{ MOUNT, "type=bind,src=/a,dst=/b,bind-propagation=weird", "invalid mount config for type \"bind\": invalid propagation mode: weird", 1 },
		{ TMPFS, "/run:rw,size=64m", "tmpfs - /run ro=0 rw,size=64m", 0 },
		{ TMPFS, "/run", "tmpfs - /run ro=0", 0 },
		{ TMPFS, "/run:ro,noexec", "tmpfs - /run ro=1 ro,noexec", 0 },
		{ TMPFS, "/", "invalid specification: destination can't be '/'", 1 },
		{ TMPFS, "run", "invalid mount path: 'run' mount path must be absolute", 1 },
		{ TMPFS, "/run:bogus", "invalid tmpfs option [\"bogus\"]", 1 },
		{ SYSCTL, "net.ipv4.ip_forward=1", "net.ipv4.ip_forward=1", 0 },
		{ SYSCTL, "kernel.shmmax=100", "kernel.shmmax=100", 0 },
		{ SYSCTL, "fs.mqueue.msg_max=20", "fs.mqueue.msg_max=20", 0 },
		{ SYSCTL, "kernel.hostname=x", "sysctl 'kernel.hostname=x' is not whitelisted", 1 },
		{ SYSCTL, "net.ipv4.ip_forward", "sysctl 'net.ipv4.ip_forward' is not whitelisted", 1 },
		{ CPUS, "1.5", "1500000000", 0 },
		{ CPUS, "0.01", "10000000", 0 },
		{ CPUS, "2", "2000000000", 0 },
		{ CPUS, "3/2", "1500000000", 0 },
		{ CPUS, "1e-3", "1000000", 0 },
		{ CPUS, "0.0000000001", "value is too precise", 1 },
		{ CPUS, "abc", "failed to parse abc as a rational number", 1 },
		{ CPUS, "", "failed to parse  as a rational number", 1 },
		{ SIGNAL, "SIGTERM", "15 SIGTERM", 0 },
		{ SIGNAL, "term", "15 SIGTERM", 0 },
		{ SIGNAL, "9", "9 SIGKILL", 0 },
		{ SIGNAL, "SIGRTMIN+3", "37 SIGRTMIN+3", 0 },
		{ SIGNAL, "RTMAX", "64 SIGRTMAX", 0 },
		{ SIGNAL, "0", "Invalid signal: 0", 1 },
		{ SIGNAL, "SIGFOO", "Invalid signal: SIGFOO", 1 },
		{ SECOPT, "no-new-privileges", "seccomp=0 nnp=1 apparmor=-", 0 },
		{ SECOPT, "no-new-privileges=false", "seccomp=0 nnp=0 apparmor=-", 0 },
		{ SECOPT, "seccomp=unconfined", "seccomp=1 nnp=0 apparmor=-", 0 },
		{ SECOPT, "seccomp:unconfined", "seccomp=1 nnp=0 apparmor=-", 0 },
		{ SECOPT, "apparmor=myprof", "seccomp=0 nnp=0 apparmor=myprof", 0 },
		{ SECOPT, "bogus", "Invalid --security-opt: \"bogus\"", 1 },
		{ SECOPT, "foo=bar", "invalid --security-opt 2: \"foo=bar\"", 1 },
		{ SECOPT, "no-new-privileges=maybe", "invalid --security-opt 2: \"no-new-privileges=maybe\"", 1 },
		{ SECOPT, "seccomp=/nonexistent.json",
		  "opening seccomp profile (/nonexistent.json) failed: open /nonexistent.json: No such file or directory",
		  1 },
		{ NS_IPC, "host", "1 -", 0 },
		{ NS_IPC, "shareable", "4 -", 0 },
		{ NS_IPC, "none", "3 -", 0 },
		{ NS_IPC, "container:web", "2 web", 0 },
		{ NS_IPC, "bogus", "invalid IPC mode: bogus", 1 },
		{ NS_PID, "host", "1 -", 0 },
		{ NS_PID, "private", "--pid: invalid PID mode", 1 },
		{ NS_UTS, "host", "1 -", 0 },
		{ NS_UTS, "container:x", "--uts: invalid UTS mode", 1 },
		{ ENV, "A=1", "A=1", 0 },
		{ ENV, "A==1", "A==1", 0 },
		{ ENV, "NERDC_TEST_ENV_SET", "NERDC_TEST_ENV_SET=from-host", 0 },
		{ ENV, "NERDC_TEST_ENV_UNSET", "NERDC_TEST_ENV_UNSET", 0 },
		{ ENV, "=x", "invalid environment variable: =x", 1 },
		{ ADDHOST, "db:10.0.0.2", "db:10.0.0.2", 0 },
		{ ADDHOST, "v6:fd00::1", "v6:fd00::1", 0 },
		{ ADDHOST, "gw:host-gateway", "gw:host-gateway", 0 },
		{ ADDHOST, "db", "bad format for add-host: \"db\"", 1 },
		{ ADDHOST, "db:999.1.1.1", "invalid IP address in add-host: \"999.1.1.1\"", 1 },
	};

	setenv("NERDC_TEST_ENV_SET", "from-host", 1);
	unsetenv("NERDC_TEST_ENV_UNSET");
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		_cleanup_err_ struct err *err = NULL;
		_cleanup_buf_ struct buf out = BUF_INIT;
		int r = render(rows[i].k, rows[i].in, &out, &err);

		if (rows[i].err) {
			if (r == 0)
				fail_msg("row %zu (%s): parsed as '%s', want error", i, rows[i].in,
					 out.data);
			if (strcmp(err->msg, rows[i].want) != 0)
				fail_msg("row %zu (%s): error '%s', want '%s'", i, rows[i].in, err->msg,
					 rows[i].want);
		} else {
			if (r < 0)
				fail_msg("row %zu (%s): error '%s'", i, rows[i].in, err->msg);
			if (strcmp(out.data, rows[i].want) != 0)
				fail_msg("row %zu (%s): got '%s', want '%s'", i, rows[i].in, out.data,
					 rows[i].want);
		}
	}
}

/* --- spec golden checks ------------------------------------------------------------------ */

/* Value at a path like "linux.resources.memory.limit" or "process.args[1]". */
static json_t *
jget(json_t *j, const char *path)
{
	_cleanup_free_ char *p = xstrdup(path);
	char *save = NULL;

	for (char *t = strtok_r(p, ".", &save); t && j; t = strtok_r(NULL, ".", &save)) {
		char *br = strchr(t, '[');

		if (br)
			*br = '\0';
		j = json_object_get(j, t);
		if (br)
			j = json_array_get(j, (size_t)atoi(br + 1));
	}
	return j;
}

static const char *
jstr(json_t *j, const char *path)
{
	return json_string_value(jget(j, path));
}

static int
jarr_has(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return 1;
	return 0;
}

/* The mount at dest, or NULL. */
static json_t *
mount_at(json_t *spec, const char *dest)
{
	size_t i;
	json_t *m;

	json_array_foreach(json_object_get(spec, "mounts"), i, m)
		if (strcmp(json_string_value(json_object_get(m, "destination")), dest) == 0)
			return m;
	return NULL;
}

static json_t *
busybox_config(void)
{
	return json_pack("{s:{s:[s], s:[s]}}", "config", "Env",
			 "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "Cmd",
			 "sh");
}

static json_t *
build(const struct oci_opts *o, json_t *img, const char *rootfs)
{
	_cleanup_err_ struct err *err = NULL;
	json_t *spec = NULL;

	if (oci_spec_build(o, img, rootfs, &spec, &err) < 0)
		fail_msg("oci_spec_build: %s", err->msg);
	return spec;
}

static void
test_spec_defaults(void **state)
{
	_cleanup_json_ json_t *img = busybox_config();
	_cleanup_json_ json_t *spec = NULL;
	struct oci_opts o = OCI_OPTS_INIT;
	json_t *caps, *shm, *ns;

	o.hostname = "abc123";
	o.cgroups_path = "/ns1/abc123";
	spec = build(&o, img, NULL);
	caps = jget(spec, "process.capabilities.bounding");
	assert_int_equal(json_array_size(caps), 14);
	assert_true(jarr_has(caps, "CAP_NET_BIND_SERVICE"));
	assert_false(jarr_has(caps, "CAP_SYS_ADMIN"));
	assert_int_equal(json_array_size(jget(spec, "process.capabilities.effective")), 14);
	assert_null(jget(spec, "process.capabilities.inheritable"));
	assert_null(jget(spec, "process.noNewPrivileges"));
	assert_null(jget(spec, "process.rlimits"));
	assert_string_equal(jstr(spec, "process.args[0]"), "sh");
	assert_string_equal(jstr(spec, "process.cwd"), "/");
	assert_string_equal(jstr(spec, "process.env[0]"),
			    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	assert_string_equal(jstr(spec, "process.env[1]"), "HOSTNAME=abc123");
	assert_int_equal(json_integer_value(jget(spec, "process.user.uid")), 0);
	assert_string_equal(jstr(spec, "root.path"), "rootfs");
	assert_false(json_is_true(jget(spec, "root.readonly")));
	assert_string_equal(jstr(spec, "hostname"), "abc123");
	assert_string_equal(jstr(spec, "linux.cgroupsPath"), "/ns1/abc123");
	assert_int_equal(json_array_size(jget(spec, "linux.maskedPaths")), 10);
	assert_true(jarr_has(jget(spec, "linux.maskedPaths"), "/proc/kcore"));
	assert_true(jarr_has(jget(spec, "linux.readonlyPaths"), "/proc/sysrq-trigger"));
	shm = mount_at(spec, "/dev/shm");
	assert_non_null(shm);
	assert_true(jarr_has(json_object_get(shm, "options"), "size=67108864"));
	assert_true(jarr_has(json_object_get(mount_at(spec, "/sys"), "options"), "ro"));
	assert_string_equal(jstr(spec, "mounts[0].destination"), "/proc");
	ns = jget(spec, "linux.namespaces");
	assert_int_equal(json_array_size(ns), 5);
	assert_string_equal(jstr(spec, "linux.namespaces[1].type"), "network");
	assert_string_equal(jstr(spec, "linux.seccomp.defaultAction"), "SCMP_ACT_ERRNO");
	assert_true(json_array_size(jget(spec, "linux.seccomp.syscalls")) > 10);
	assert_false(json_is_true(jget(spec, "linux.resources.devices[0].allow")));
	assert_string_equal(jstr(spec, "linux.resources.devices[0].access"), "rwm");
	assert_null(jget(spec, "linux.resources.memory"));
	oci_opts_release(&o);
}

static void
test_spec_privileged(void **state)
{
	_cleanup_json_ json_t *img = busybox_config();
	_cleanup_json_ json_t *spec = NULL;
	struct oci_opts o = OCI_OPTS_INIT;
	uint64_t bnd = caps_host_bounding(NULL);
	size_t want = 0;

	for (int i = 0; i < caps_known(); i++)
		want += (bnd >> i) & 1;
	o.privileged = true;
	spec = build(&o, img, NULL);
	assert_int_equal(json_array_size(jget(spec, "process.capabilities.bounding")), want);
	assert_null(jget(spec, "linux.maskedPaths"));
	assert_null(jget(spec, "linux.readonlyPaths"));
	assert_null(jget(spec, "linux.seccomp"));
	assert_false(jarr_has(json_object_get(mount_at(spec, "/sys"), "options"), "ro"));
	assert_true(json_is_true(jget(spec, "linux.resources.devices[0].allow")));
	assert_true(json_array_size(jget(spec, "linux.devices")) > 0);
	oci_opts_release(&o);
}

static void
test_spec_caps_and_security(void **state)
{
	static const struct {
		const char *add, *drop;
		size_t n;
		const char *has, *lacks;
	} rows[] = {
		{ "NET_ADMIN", "ALL", 1, "CAP_NET_ADMIN", "CAP_CHOWN" },
		{ "net_admin", NULL, 15, "CAP_NET_ADMIN", NULL },
		{ NULL, "chown", 13, "CAP_KILL", "CAP_CHOWN" },
		{ "CAP_SYS_ADMIN", "CAP_NET_RAW", 14, "CAP_SYS_ADMIN", "CAP_NET_RAW" },
		{ NULL, "ALL", 0, NULL, "CAP_KILL" },
	};
	_cleanup_json_ json_t *img = busybox_config();

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		_cleanup_json_ json_t *spec = NULL;
		struct oci_opts o = OCI_OPTS_INIT;
		json_t *caps;

		if (rows[i].add)
			strv_push(&o.cap_add, rows[i].add);
		if (rows[i].drop)
			strv_push(&o.cap_drop, rows[i].drop);
		spec = build(&o, img, NULL);
		caps = jget(spec, "process.capabilities.bounding");
		assert_int_equal(json_array_size(caps), rows[i].n);
		if (rows[i].has)
			assert_true(jarr_has(caps, rows[i].has));
		if (rows[i].lacks)
			assert_false(jarr_has(caps, rows[i].lacks));
		oci_opts_release(&o);
	}
	{
		_cleanup_err_ struct err *err = NULL;
		_cleanup_json_ json_t *spec = NULL;
		struct oci_opts o = OCI_OPTS_INIT;

		strv_push(&o.cap_add, "BOGUS");
		assert_int_equal(oci_spec_build(&o, img, NULL, &spec, &err), -1);
		assert_string_equal(err->msg, "unknown capability: \"CAP_BOGUS\"");
		oci_opts_release(&o);
	}
	{
		/* The seccomp rules follow the capabilities: CAP_SYS_ADMIN allows mount. */
		_cleanup_json_ json_t *plain = NULL, *admin = NULL;
		struct oci_opts o = OCI_OPTS_INIT;
		size_t i;
		json_t *c;
		int mount_plain = 0, mount_admin = 0;

		plain = build(&o, img, NULL);
		strv_push(&o.cap_add, "SYS_ADMIN");
		o.security.no_new_privileges = true;
		admin = build(&o, img, NULL);
		json_array_foreach(jget(plain, "linux.seccomp.syscalls"), i, c)
			mount_plain |= jarr_has(json_object_get(c, "names"), "mount");
		json_array_foreach(jget(admin, "linux.seccomp.syscalls"), i, c)
			mount_admin |= jarr_has(json_object_get(c, "names"), "mount");
		assert_false(mount_plain);
		assert_true(mount_admin);
		assert_true(json_is_true(jget(admin, "process.noNewPrivileges")));
		oci_opts_release(&o);
	}
	{
		_cleanup_json_ json_t *spec = NULL;
		struct oci_opts o = OCI_OPTS_INIT;

		o.security.seccomp = OCI_SECCOMP_UNCONFINED;
		spec = build(&o, img, NULL);
		assert_null(jget(spec, "linux.seccomp"));
		oci_opts_release(&o);
	}
	{
		/* A Docker-format profile with "name" and archMap converts to OCI form. */
		_cleanup_json_ json_t *spec = NULL;
		struct oci_opts o = OCI_OPTS_INIT;

		o.security.seccomp = OCI_SECCOMP_PROFILE;
		o.security.seccomp_json = xstrdup(
			"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"name\":\"chmod\","
			"\"action\":\"SCMP_ACT_ERRNO\",\"args\":[]},{\"names\":[\"ptrace\"],"
			"\"action\":\"SCMP_ACT_ERRNO\",\"includes\":{\"caps\":[\"CAP_SYS_ADMIN\"]}}]}");
		spec = build(&o, img, NULL);
		assert_string_equal(jstr(spec, "linux.seccomp.defaultAction"), "SCMP_ACT_ALLOW");
		assert_int_equal(json_array_size(jget(spec, "linux.seccomp.syscalls")), 1);
		assert_string_equal(jstr(spec, "linux.seccomp.syscalls[0].names[0]"), "chmod");
		oci_opts_release(&o);
	}
}

static void
test_spec_readonly_resources(void **state)
{
	_cleanup_json_ json_t *img = busybox_config();
	_cleanup_json_ json_t *spec = NULL;
	struct oci_opts o = OCI_OPTS_INIT;
	struct oci_ulimit u;
	struct oci_mount m;

	o.read_only = true;
	o.memory = 64LL << 20;
	o.memory_reservation = 32LL << 20;
	o.nano_cpus = 1500000000;
	o.cpu_shares = 512;
	o.cpuset_cpus = "0";
	o.pids_limit = 100;
	o.oom_kill_disable = true;
	o.oom_score_adj = 100;
	o.oom_score_adj_set = true;
	o.shm_size = 1 << 20;
	assert_int_equal(oci_parse_ulimit("nofile=1024:2048", &u, NULL), 0);
	oci_opts_add_ulimit(&o, &u);
	assert_int_equal(oci_parse_tmpfs("/run:size=1m,exec", &m, NULL), 0);
	oci_opts_add_mount(&o, &m);
	assert_int_equal(oci_parse_sysctl("net.ipv4.ip_forward=1", &o.sysctls, NULL), 0);
	strv_push(&o.annotations, "a.b=c");
	spec = build(&o, img, NULL);
	assert_true(json_is_true(jget(spec, "root.readonly")));
	assert_true(jarr_has(json_object_get(mount_at(spec, "/sys/fs/cgroup"), "options"), "ro"));
	assert_false(jarr_has(json_object_get(mount_at(spec, "/dev/shm"), "options"), "ro"));
	assert_true(jarr_has(json_object_get(mount_at(spec, "/dev/shm"), "options"), "size=1048576"));
	assert_int_equal(json_integer_value(jget(spec, "linux.resources.memory.limit")), 64 << 20);
	assert_int_equal(json_integer_value(jget(spec, "linux.resources.memory.reservation")),
			 32 << 20);
	assert_true(json_is_true(jget(spec, "linux.resources.memory.disableOOMKiller")));
	assert_int_equal(json_integer_value(jget(spec, "linux.resources.cpu.quota")), 150000);
	assert_int_equal(json_integer_value(jget(spec, "linux.resources.cpu.period")), 100000);
	assert_int_equal(json_integer_value(jget(spec, "linux.resources.cpu.shares")), 512);
	assert_string_equal(jstr(spec, "linux.resources.cpu.cpus"), "0");
	assert_int_equal(json_integer_value(jget(spec, "linux.resources.pids.limit")), 100);
	assert_int_equal(json_integer_value(jget(spec, "process.oomScoreAdj")), 100);
	assert_string_equal(jstr(spec, "process.rlimits[0].type"), "RLIMIT_NOFILE");
	assert_int_equal(json_integer_value(jget(spec, "process.rlimits[0].hard")), 2048);
	assert_string_equal(json_string_value(json_object_get(jget(spec, "linux.sysctl"),
							      "net.ipv4.ip_forward")),
			    "1");
	assert_string_equal(json_string_value(json_object_get(jget(spec, "annotations"), "a.b")),
			    "c");
	{
		json_t *t = json_object_get(mount_at(spec, "/run"), "options");

		assert_true(jarr_has(t, "exec"));
		assert_false(jarr_has(t, "noexec"));
		assert_true(jarr_has(t, "size=1m"));
		assert_true(jarr_has(t, "nosuid"));
	}
	oci_opts_release(&o);
}

static void
test_spec_resource_errors(void **state)
{
	static const struct {
		int64_t memory, swap, reservation, nano, period, quota;
		const char *msg;
	} rows[] = {
		{ 1024, 0, 0, 0, 0, 0, "Minimum memory limit allowed is 6MB" },
		{ 64 << 20, 32 << 20, 0, 0, 0, 0,
		  "Minimum memoryswap limit should be larger than memory limit, see usage" },
		{ 0, 64 << 20, 0, 0, 0, 0,
		  "You should always set the Memory limit when using Memoryswap limit, see usage" },
		{ 16 << 20, 0, 32 << 20, 0, 0, 0,
		  "Minimum memory limit can not be less than memory reservation limit, see usage" },
		{ 0, 0, 0, 1000000000, 100000, 0,
		  "Conflicting options: Nano CPUs and CPU Period cannot both be set" },
		{ 0, 0, 0, 1000000000, 0, 50000,
		  "Conflicting options: Nano CPUs and CPU Quota cannot both be set" },
		{ 0, 0, 0, 0, 500, 0,
		  "CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)" },
		{ 0, 0, 0, 0, 0, 500, "CPU cfs quota can not be less than 1ms (i.e. 1000)" },
	};
	_cleanup_json_ json_t *img = busybox_config();

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		_cleanup_err_ struct err *err = NULL;
		_cleanup_json_ json_t *spec = NULL;
		struct oci_opts o = OCI_OPTS_INIT;

		o.memory = rows[i].memory;
		o.memory_swap = rows[i].swap;
		o.memory_reservation = rows[i].reservation;
		o.nano_cpus = rows[i].nano;
		o.cpu_period = rows[i].period;
		o.cpu_quota = rows[i].quota;
		assert_int_equal(oci_spec_build(&o, img, NULL, &spec, &err), -1);
		assert_string_equal(err->msg, rows[i].msg);
		assert_int_equal(err->kind, ERR_INVALID);
	}
}

static void
test_entrypoint_cmd(void **state)
{
	static char *cmd_args[] = { "echo", "hi", NULL };
	static const struct {
		const char *entrypoint;
		int ep_set;
		int with_args;
		const char *want;	/* args joined by '|', or the error */
	} rows[] = {
		{ NULL, 0, 0, "/entry|-c|default" },
		{ NULL, 0, 1, "/entry|-c|echo|hi" },
		{ "/bin/other", 1, 0, "/bin/other" },
		{ "/bin/other", 1, 1, "/bin/other|echo|hi" },
		{ "", 1, 1, "echo|hi" },
		{ "", 1, 0, "No command specified" },
	};
	_cleanup_json_ json_t *img = json_pack("{s:{s:[ss], s:[s]}}", "config", "Entrypoint",
					       "/entry", "-c", "Cmd", "default");

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		_cleanup_err_ struct err *err = NULL;
		_cleanup_buf_ struct buf b = BUF_INIT;
		struct oci_opts o = OCI_OPTS_INIT;
		char **args;

		o.entrypoint = rows[i].entrypoint;
		o.entrypoint_set = rows[i].ep_set;
		if (rows[i].with_args) {
			o.args = cmd_args;
			o.n_args = 2;
		}
		args = oci_process_args(&o, img, &err);
		if (!args) {
			assert_string_equal(err->msg, rows[i].want);
			continue;
		}
		for (size_t k = 0; args[k]; k++)
			buf_addf(&b, "%s%s", k ? "|" : "", args[k]);
		strv_free(args);
		assert_string_equal(b.data, rows[i].want);
	}
}

static void
test_env_merge(void **state)
{
	_cleanup_json_ json_t *img = json_pack("{s:{s:[sss], s:[s]}}", "config", "Env",
					       "PATH=/img/bin", "A=image", "B=image", "Cmd", "sh");
	_cleanup_json_ json_t *spec = NULL;
	struct oci_opts o = OCI_OPTS_INIT;
	json_t *env;

	o.hostname = "h1";
	o.terminal = true;
	strv_push(&o.env, "A=user");
	strv_push(&o.env, "B");	/* an unset -e B removes the image's B */
	strv_push(&o.env, "C=new");
	spec = build(&o, img, NULL);
	env = jget(spec, "process.env");
	assert_int_equal(json_array_size(env), 5);
	assert_string_equal(json_string_value(json_array_get(env, 0)), "PATH=/img/bin");
	assert_string_equal(json_string_value(json_array_get(env, 1)), "HOSTNAME=h1");
	assert_string_equal(json_string_value(json_array_get(env, 2)), "TERM=xterm");
	assert_string_equal(json_string_value(json_array_get(env, 3)), "A=user");
	assert_string_equal(json_string_value(json_array_get(env, 4)), "C=new");
	assert_true(json_is_true(jget(spec, "process.terminal")));
	oci_opts_release(&o);
}

static char *
make_rootfs(void)
{
	char tmpl[] = "/tmp/nerdc-oci-XXXXXX";
	char *dir = xstrdup(mkdtemp(tmpl));
	_cleanup_free_ char *etc = xasprintf("%s/etc", dir);
	_cleanup_free_ char *pw = xasprintf("%s/etc/passwd", dir);
	_cleanup_free_ char *gr = xasprintf("%s/etc/group", dir);
	static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
				     "# comment\n"
				     "daemon:x:1:1:daemon:/usr/sbin:/bin/false\n"
				     "app:x:1000:1000:App:/home/app:/bin/sh\n";
	static const char group[] = "root:x:0:\n"
				    "wheel:x:10:app,other\n"
				    "app:x:1000:\n"
				    "audio:x:29:app\n"
				    "staff:x:50:\n";

	assert_int_equal(fs_mkdir_p(etc, 0755, NULL), 0);
	assert_int_equal(fs_write_atomic(pw, passwd, sizeof(passwd) - 1, 0644, NULL), 0);
	assert_int_equal(fs_write_atomic(gr, group, sizeof(group) - 1, 0644, NULL), 0);
	return dir;
}

static void
rm_rootfs(char *dir)
{
	_cleanup_free_ char *pw = xasprintf("%s/etc/passwd", dir);
	_cleanup_free_ char *gr = xasprintf("%s/etc/group", dir);
	_cleanup_free_ char *etc = xasprintf("%s/etc", dir);

	unlink(pw);
	unlink(gr);
	rmdir(etc);
	rmdir(dir);
	free(dir);
}

static void
test_users(void **state)
{
	static const struct {
		const char *user;
		const char *group_add;
		int with_files;
		const char *want;	/* "uid gid [gids...]" or the error */
	} rows[] = {
		{ NULL, NULL, 1, "0 0 0" },
		{ "app", NULL, 1, "1000 1000 1000 10 29" },
		{ "1000", NULL, 1, "1000 1000 1000 10 29" },
		{ "app:staff", NULL, 1, "1000 50 50" },
		{ "app:7", NULL, 1, "1000 7 7" },
		{ "4242", NULL, 1, "4242 0 0" },
		{ "4242:4242", NULL, 1, "4242 4242 4242" },
		{ "daemon", "audio", 1, "1 1 1 29" },
		{ "daemon", "777", 1, "1 1 1 777" },
		{ "nobody", NULL, 1, "unable to find user nobody: no matching entries in passwd file" },
		{ "app:nogroup", NULL, 1,
		  "unable to find group nogroup: no matching entries in group file" },
		{ "daemon", "nogroup", 1, "Unable to find group nogroup" },
		{ "123:456", NULL, 0, "123 456 456" },
		{ "app", NULL, 0, "unable to find user app: no matching entries in passwd file" },
	};
	char *dir = make_rootfs();
	_cleanup_json_ json_t *img = busybox_config();

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		_cleanup_err_ struct err *err = NULL;
		_cleanup_json_ json_t *spec = NULL;
		_cleanup_buf_ struct buf b = BUF_INIT;
		struct oci_opts o = OCI_OPTS_INIT;
		size_t k;
		json_t *g;

		o.user = rows[i].user;
		if (rows[i].group_add)
			strv_push(&o.group_add, rows[i].group_add);
		if (oci_spec_build(&o, img, rows[i].with_files ? dir : NULL, &spec, &err) < 0) {
			if (strcmp(err->msg, rows[i].want) != 0)
				fail_msg("row %zu: error '%s', want '%s'", i, err->msg, rows[i].want);
			oci_opts_release(&o);
			continue;
		}
		buf_addf(&b, "%lld %lld", json_integer_value(jget(spec, "process.user.uid")),
			 json_integer_value(jget(spec, "process.user.gid")));
		json_array_foreach(jget(spec, "process.user.additionalGids"), k, g)
			buf_addf(&b, " %lld", json_integer_value(g));
		if (strcmp(b.data, rows[i].want) != 0)
			fail_msg("row %zu (%s): got '%s', want '%s'", i, rows[i].user, b.data,
				 rows[i].want);
		oci_opts_release(&o);
	}
	rm_rootfs(dir);
}

static void
test_mounts_and_namespaces(void **state)
{
	_cleanup_json_ json_t *img = busybox_config();
	_cleanup_json_ json_t *spec = NULL;
	_cleanup_err_ struct err *err = NULL;
	struct oci_opts o = OCI_OPTS_INIT;
	struct oci_mount m;
	json_t *bind;

	assert_int_equal(oci_parse_volume_flag("/tmp:/data/x:ro", &m, NULL), 0);
	oci_opts_add_mount(&o, &m);
	assert_int_equal(oci_parse_volume_flag("/tmp:/data", &m, NULL), 0);
	oci_opts_add_mount(&o, &m);
	o.hosts_path = "/tmp/h";
	o.ipc.mode = OCI_NS_NONE;
	o.pid.mode = OCI_NS_HOST;
	o.uts.mode = OCI_NS_HOST;
	o.netns_path = "/run/netns/x";
	o.hostname = "h";
	o.init = true;
	o.init_path = "/usr/bin/tini-static";
	spec = build(&o, img, NULL);
	/* Sorted by depth: /data before /data/x; /etc/hosts too. */
	bind = mount_at(spec, "/data/x");
	assert_non_null(bind);
	assert_true(jarr_has(json_object_get(bind, "options"), "ro"));
	assert_true(jarr_has(json_object_get(bind, "options"), "rbind"));
	assert_true(jarr_has(json_object_get(bind, "options"), "rprivate"));
	assert_non_null(mount_at(spec, "/etc/hosts"));
	assert_null(mount_at(spec, "/dev/shm"));
	assert_null(mount_at(spec, "/sbin/docker-init"));	/* pid host: no init */
	assert_null(jget(spec, "hostname"));
	{
		size_t i, pos_data = 0, pos_x = 0;
		json_t *mm;

		json_array_foreach(jget(spec, "mounts"), i, mm) {
			const char *d = json_string_value(json_object_get(mm, "destination"));

			if (strcmp(d, "/data") == 0)
				pos_data = i;
			if (strcmp(d, "/data/x") == 0)
				pos_x = i;
		}
		assert_true(pos_data < pos_x);
	}
	assert_int_equal(json_array_size(jget(spec, "linux.namespaces")), 3);
	assert_string_equal(jstr(spec, "linux.namespaces[1].path"), "/run/netns/x");
	json_decref(spec);
	spec = NULL;

	o.pid.mode = OCI_NS_PRIVATE;
	spec = build(&o, img, NULL);
	assert_string_equal(jstr(spec, "process.args[0]"), "/sbin/docker-init");
	assert_string_equal(jstr(spec, "process.args[1]"), "--");
	assert_string_equal(jstr(spec, "process.args[2]"), "sh");
	assert_non_null(mount_at(spec, "/sbin/docker-init"));
	json_decref(spec);
	spec = NULL;
	oci_opts_release(&o);

	/* --mount bind of a missing source fails like Docker; -v creates it. */
	assert_int_equal(oci_parse_mount_flag("type=bind,src=/nonexistent/nerdc-x,dst=/x", &m, NULL),
			 0);
	oci_opts_add_mount(&o, &m);
	assert_int_equal(oci_spec_build(&o, img, NULL, &spec, &err), -1);
	assert_string_equal(err->msg, "invalid mount config for type \"bind\": bind source path does not exist: /nonexistent/nerdc-x");
	oci_opts_release(&o);
	err_clear(&err);

	/* Unresolved named volumes fail loudly. */
	assert_int_equal(oci_parse_volume_flag("vol:/x", &m, NULL), 0);
	oci_opts_add_mount(&o, &m);
	assert_int_equal(oci_spec_build(&o, img, NULL, &spec, &err), -1);
	assert_int_equal(err->kind, ERR_UNIMPLEMENTED);
	oci_opts_release(&o);
}

static void
test_env_file(void **state)
{
	char path[] = "/tmp/nerdc-envfile-XXXXXX";
	int fd = mkstemp(path);
	static const char content[] = "# comment\n"
				      "\n"
				      "  A=1\n"
				      "B=\"quoted\" value\r\n"
				      "NERDC_TEST_EF_SET\n"
				      "NERDC_TEST_EF_UNSET\n";
	_cleanup_strv_ struct strv sv = STRV_INIT;
	_cleanup_err_ struct err *err = NULL;

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(fs_write_atomic(path, content, sizeof(content) - 1, 0600, NULL), 0);
	setenv("NERDC_TEST_EF_SET", "hv", 1);
	unsetenv("NERDC_TEST_EF_UNSET");
	assert_int_equal(oci_parse_env_file(path, &sv, &err), 0);
	assert_int_equal(sv.n, 3);
	assert_string_equal(sv.v[0], "A=1");
	assert_string_equal(sv.v[1], "B=\"quoted\" value");
	assert_string_equal(sv.v[2], "NERDC_TEST_EF_SET=hv");
	assert_int_equal(fs_write_atomic(path, "BAD KEY=1\n", 10, 0600, NULL), 0);
	assert_int_equal(oci_parse_env_file(path, &sv, &err), -1);
	assert_string_equal(err->msg,
			    "poorly formatted environment: variable 'BAD KEY' contains whitespaces");
	unlink(path);
}

static void
test_etc_files(void **state)
{
	char dir[] = "/tmp/nerdc-etc-XXXXXX";
	_cleanup_free_ char *hosts = NULL, *resolv = NULL, *hn = NULL, *host_resolv = NULL;
	_cleanup_strv_ struct strv add = STRV_INIT, dns = STRV_INIT, search = STRV_INIT;
	_cleanup_buf_ struct buf b = BUF_INIT;
	static const char host_conf[] = "# host\nsearch example.com\nnameserver 127.0.0.53\n"
					"nameserver 10.0.0.1\nnameserver fd00::1\noptions ndots:2\n";
	struct oci_etc e = { 0 };

	assert_non_null(mkdtemp(dir));
	hosts = xasprintf("%s/hosts", dir);
	resolv = xasprintf("%s/resolv.conf", dir);
	hn = xasprintf("%s/hostname", dir);
	host_resolv = xasprintf("%s/host-resolv", dir);
	assert_int_equal(fs_write_atomic(host_resolv, host_conf, sizeof(host_conf) - 1, 0644, NULL),
			 0);
	strv_push(&add, "db:10.0.0.2");
	e.hostname = "c1";
	e.ip = "10.4.0.5";
	e.add_hosts = &add;
	e.host_resolv_conf = host_resolv;
	assert_int_equal(oci_write_hosts(hosts, &e, NULL), 0);
	assert_int_equal(fs_read_file(hosts, 4096, &b, NULL), 0);
	assert_string_equal(b.data, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
				    "fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\n"
				    "ff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n"
				    "10.0.0.2\tdb\n10.4.0.5\tc1\n");
	buf_reset(&b);
	assert_int_equal(oci_write_resolv_conf(resolv, &e, NULL), 0);
	assert_int_equal(fs_read_file(resolv, 4096, &b, NULL), 0);
	assert_string_equal(b.data, "# host\nsearch example.com\nnameserver 10.0.0.1\noptions ndots:2\n");
	buf_reset(&b);
	/* Only loopback servers: Google's fall-back. */
	assert_int_equal(fs_write_atomic(host_resolv, "nameserver 127.0.0.1\n", 21, 0644, NULL), 0);
	assert_int_equal(oci_write_resolv_conf(resolv, &e, NULL), 0);
	assert_int_equal(fs_read_file(resolv, 4096, &b, NULL), 0);
	assert_string_equal(b.data, "\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n");
	buf_reset(&b);
	strv_push(&dns, "1.1.1.1");
	strv_push(&search, "corp.example");
	e.dns = &dns;
	e.dns_search = &search;
	assert_int_equal(oci_write_resolv_conf(resolv, &e, NULL), 0);
	assert_int_equal(fs_read_file(resolv, 4096, &b, NULL), 0);
	assert_string_equal(b.data, "search corp.example\nnameserver 1.1.1.1\n");
	buf_reset(&b);
	assert_int_equal(oci_write_hostname(hn, &e, NULL), 0);
	assert_int_equal(fs_read_file(hn, 4096, &b, NULL), 0);
	assert_string_equal(b.data, "c1\n");
	unlink(hosts);
	unlink(resolv);
	unlink(hn);
	unlink(host_resolv);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parsers),
		cmocka_unit_test(test_spec_defaults),
		cmocka_unit_test(test_spec_privileged),
		cmocka_unit_test(test_spec_caps_and_security),
		cmocka_unit_test(test_spec_readonly_resources),
		cmocka_unit_test(test_spec_resource_errors),
		cmocka_unit_test(test_entrypoint_cmd),
		cmocka_unit_test(test_env_merge),
		cmocka_unit_test(test_users),
		cmocka_unit_test(test_mounts_and_namespaces),
		cmocka_unit_test(test_env_file),
		cmocka_unit_test(test_etc_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
