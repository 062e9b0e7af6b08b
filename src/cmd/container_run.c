/*
 * nerdc run / create: Docker's flags into a container_create_opts, the image resolved (and
 * pulled per --pull), the container created all-or-nothing, then for run: started detached
 * (-d) or in the foreground with our own FIFOs, sig-proxy, -t and the container's exit code.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <strings.h>
#include <string.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/parse.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/container_common.h"
#include "cmd/regopts.h"
#include "container/attach.h"
#include "container/create.h"
#include "container/labels.h"
#include "container/volumes.h"
#include "image/pull.h"
#include "image/store.h"
#include "image/unpack.h"
#include "oci/spec.h"

#include "base/banned.h"

#define INIT_BINARY "/usr/bin/tini-static"

struct run_flags {
	struct container_create_opts co;
	bool detach, interactive, tty, rm, privileged_dummy, sig_proxy, init, quiet;
	const char *pull, *cidfile, *detach_keys, *entrypoint;
	bool entrypoint_set;
	struct strv attach, env_files, label_files;
	struct strv unimplemented;	/* flags given that are not wired yet */
	int64_t memory_swappiness;
	char *ipc, *pid, *uts;
};

static void
run_flags_release(struct run_flags *f)
{
	container_create_opts_release(&f->co);
	strv_release(&f->attach);
	strv_release(&f->env_files);
	strv_release(&f->label_files);
	strv_release(&f->unimplemented);
}

/* ---- Option callbacks (o->value is the struct run_flags) ------------------------------ */

#define F(o) ((struct run_flags *)(o)->value)

static int
cb_env(const struct opt *o, const char *v, struct err **errp)
{
	return oci_parse_env(v, &F(o)->co.oci.env, errp);
}

static int
cb_ulimit(const struct opt *o, const char *v, struct err **errp)
{
	struct oci_ulimit u;

	if (oci_parse_ulimit(v, &u, errp) < 0)
		return -1;
	oci_opts_add_ulimit(&F(o)->co.oci, &u);
	return 0;
}

static int
cb_device(const struct opt *o, const char *v, struct err **errp)
{
	struct oci_device d = { 0 };

	if (oci_parse_device(v, &d, errp) < 0)
		return -1;
	oci_opts_add_device(&F(o)->co.oci, &d);
	return 0;
}

static int
add_mount(const struct opt *o, const char *v, int (*parse)(const char *, struct oci_mount *,
							  struct err **),
	  struct err **errp)
{
	struct oci_mount m = { 0 };

	if (parse(v, &m, errp) < 0)
		return -1;
	oci_opts_add_mount(&F(o)->co.oci, &m);
	return 0;
}

static int
cb_volume(const struct opt *o, const char *v, struct err **errp)
{
	return add_mount(o, v, oci_parse_volume_flag, errp);
}

static int
cb_mount(const struct opt *o, const char *v, struct err **errp)
{
	return add_mount(o, v, oci_parse_mount_flag, errp);
}

static int
cb_tmpfs(const struct opt *o, const char *v, struct err **errp)
{
	return add_mount(o, v, oci_parse_tmpfs, errp);
}

static int
cb_sysctl(const struct opt *o, const char *v, struct err **errp)
{
	return oci_parse_sysctl(v, &F(o)->co.oci.sysctls, errp);
}

static int
cb_cpus(const struct opt *o, const char *v, struct err **errp)
{
	return oci_parse_cpus(v, &F(o)->co.oci.nano_cpus, errp);
}

static int
cb_security_opt(const struct opt *o, const char *v, struct err **errp)
{
	return oci_parse_security_opt(v, &F(o)->co.oci.security, errp);
}

static int
cb_add_host(const struct opt *o, const char *v, struct err **errp)
{
	if (oci_parse_add_host(v, &F(o)->co.add_hosts, errp) < 0)
		return -1;
	strv_push(&F(o)->co.net.add_host, F(o)->co.add_hosts.v[F(o)->co.add_hosts.n - 1]);
	return 0;
}

static int
cb_stop_signal(const struct opt *o, const char *v, struct err **errp)
{
	int signo;

	if (oci_parse_signal(v, &signo, errp) < 0)
		return -1;
	F(o)->co.stop_signal = v;
	return 0;
}

static int
cb_memory_swap(const struct opt *o, const char *v, struct err **errp)
{
	if (strcmp(v, "-1") == 0) {
		F(o)->co.oci.memory_swap = -1;
		return 0;
	}
	return parse_bytes(v, &F(o)->co.oci.memory_swap, errp);
}

static int
cb_swappiness(const struct opt *o, const char *v, struct err **errp)
{
	int64_t n;

	if (parse_int64(v, &n, errp) < 0)
		return -1;
	if (n == -1)
		return 0;
	if (n < 0 || n > 100)
		return err_set(errp, ERR_INVALID,
			       "Invalid value: %s, valid memory swappiness range is 0-100", v);
	F(o)->co.oci.memory_swappiness = n;
	F(o)->co.oci.memory_swappiness_set = true;
	return 0;
}

static int
cb_oom_score_adj(const struct opt *o, const char *v, struct err **errp)
{
	int n;

	if (parse_int(v, &n, errp) < 0)
		return -1;
	if (n < -1000 || n > 1000)
		return err_set(errp, ERR_INVALID,
			       "Invalid value %d, range for oom score adj is [-1000, 1000]", n);
	F(o)->co.oci.oom_score_adj = n;
	F(o)->co.oci.oom_score_adj_set = true;
	return 0;
}

static int
cb_blkio_weight(const struct opt *o, const char *v, struct err **errp)
{
	int n;

	if (parse_int(v, &n, errp) < 0)
		return -1;
	if (n != 0 && (n < 10 || n > 1000))
		return err_set(errp, ERR_INVALID, "Range of blkio weight is from 10 to 1000");
	F(o)->co.oci.blkio_weight = (uint16_t)n;
	return 0;
}

static int
cb_ns(const struct opt *o, const char *v, struct err **errp)
{
	struct run_flags *f = F(o);
	const char *which = o->long_name;
	struct oci_ns *ns = which[0] == 'i' ? &f->co.oci.ipc : which[0] == 'p' ? &f->co.oci.pid
									     : &f->co.oci.uts;
	_cleanup_free_ char *ctr = NULL;
	enum oci_ns_mode mode;

	if (oci_parse_ns_mode(which, v, &mode, &ctr, errp) < 0)
		return -1;
	if (ctr)
		return err_set(errp, ERR_UNIMPLEMENTED, "container:%s: not implemented yet", ctr);
	ns->mode = mode;
	return 0;
}

/* A flag that parses but does nothing yet: remember it and fail before creating anything. */
static int
cb_unimplemented(const struct opt *o, const char *v, struct err **errp)
{
	(void)v;
	(void)errp;
	strv_pushf(&F(o)->unimplemented, "--%s", o->long_name);
	return 0;
}

#define OPT_CB(s, l, a, h, fn) OPT_CALLBACK((s), (l), f, (a), (h), (fn))
#define OPT_UNIMPL(s, l, a, h) OPT_CALLBACK((s), (l), f, (a), (h), cb_unimplemented)
#define OPT_UNIMPL_BOOL(l, h)                                                                      \
	OPT_FULL(OPT_T_CALLBACK, 0, (l), f, NULL, (h), NULL, OPT_NOARG, cb_unimplemented)

/* Everything `run` and `create` accept; run-only flags are rejected by create. */
static int
parse_flags(struct cli *cli, struct run_flags *f, int argc, char **argv, bool is_run)
{
	struct oci_opts *oo = &f->co.oci;
	struct container_create_opts *co = &f->co;
	struct opt opts[] = {
		OPT_STRINGS('a', "attach", &f->attach, "list", "Attach to STDIN, STDOUT or STDERR"),
		OPT_CB(0, "add-host", "list", "Add a custom host-to-IP mapping (host:ip)", cb_add_host),
		OPT_STRINGS(0, "annotation", &oo->annotations, "list",
			    "Add an annotation to the container (passed through to the OCI runtime)"),
		OPT_CB(0, "blkio-weight", "uint16",
		       "Block IO (relative weight), between 10 and 1000, or 0 to disable", cb_blkio_weight),
		OPT_STRINGS(0, "cap-add", &oo->cap_add, "list", "Add Linux capabilities"),
		OPT_STRINGS(0, "cap-drop", &oo->cap_drop, "list", "Drop Linux capabilities"),
		OPT_UNIMPL(0, "cgroup-parent", "string", "Optional parent cgroup for the container"),
		OPT_STRING(0, "cgroupns", &oo->cgroupns, "string", "Cgroup namespace to use (host|private)"),
		OPT_STRING(0, "cidfile", &f->cidfile, "string", "Write the container ID to the file"),
		OPT_INT64(0, "cpu-period", &oo->cpu_period, "Limit CPU CFS (Completely Fair Scheduler) period"),
		OPT_INT64(0, "cpu-quota", &oo->cpu_quota, "Limit CPU CFS (Completely Fair Scheduler) quota"),
		OPT_INT64('c', "cpu-shares", &oo->cpu_shares, "CPU shares (relative weight)"),
		OPT_CB(0, "cpus", "decimal", "Number of CPUs", cb_cpus),
		OPT_STRING(0, "cpuset-cpus", &oo->cpuset_cpus, "string", "CPUs in which to allow execution (0-3, 0,1)"),
		OPT_STRING(0, "cpuset-mems", &oo->cpuset_mems, "string", "MEMs in which to allow execution (0-3, 0,1)"),
		OPT_BOOL('d', "detach", &f->detach, "Run container in background and print container ID"),
		OPT_STRING(0, "detach-keys", &f->detach_keys, "string", "Override the key sequence for detaching a container"),
		OPT_CB(0, "device", "list", "Add a host device to the container", cb_device),
		OPT_STRINGS(0, "device-cgroup-rule", &oo->device_cgroup_rules, "list", "Add a rule to the cgroup allowed devices list"),
		OPT_STRINGS(0, "dns", &co->dns, "list", "Set custom DNS servers"),
		OPT_STRINGS(0, "dns-opt", &co->dns_opts, "list", "Set DNS options"),
		OPT_STRINGS(0, "dns-option", &co->dns_opts, "list", "Set DNS options"),
		OPT_STRINGS(0, "dns-search", &co->dns_search, "list", "Set custom DNS search domains"),
		OPT_STRING(0, "domainname", &oo->domainname, "string", "Container NIS domain name"),
		{ OPT_T_STRING, 0, "entrypoint", &f->entrypoint, "string",
		  "Overwrite the default ENTRYPOINT of the image", NULL, 0, NULL, &f->entrypoint_set },
		OPT_CB('e', "env", "list", "Set environment variables", cb_env),
		OPT_STRINGS(0, "env-file", &f->env_files, "list", "Read in a file of environment variables"),
		OPT_STRINGS(0, "expose", &co->net.expose, "list", "Expose a port or a range of ports"),
		OPT_UNIMPL(0, "gpus", "gpu-request", "GPU devices to add to the container ('all' to pass all GPUs)"),
		OPT_STRINGS(0, "group-add", &oo->group_add, "list", "Add additional groups to join"),
		OPT_UNIMPL(0, "health-cmd", "string", "Command to run to check health"),
		OPT_UNIMPL(0, "health-interval", "duration", "Time between running the check (ms|s|m|h) (default 0s)"),
		OPT_UNIMPL(0, "health-retries", "int", "Consecutive failures needed to report unhealthy"),
		OPT_UNIMPL(0, "health-start-period", "duration", "Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)"),
		OPT_UNIMPL(0, "health-timeout", "duration", "Maximum time to allow one check to run (ms|s|m|h) (default 0s)"),
		OPT_STRING('h', "hostname", &co->hostname, "string", "Container host name"),
		OPT_BOOL(0, "init", &f->init, "Run an init inside the container that forwards signals and reaps processes"),
		OPT_BOOL('i', "interactive", &f->interactive, "Keep STDIN open even if not attached"),
		OPT_STRING(0, "ip", &co->net.ip, "string", "IPv4 address (e.g., 172.30.100.104)"),
		OPT_STRING(0, "ip6", &co->net.ip6, "string", "IPv6 address (e.g., 2001:db8::33)"),
		OPT_CB(0, "ipc", "string", "IPC mode to use", cb_ns),
		OPT_STRINGS('l', "label", &co->labels, "list", "Set meta data on a container"),
		OPT_STRINGS(0, "label-file", &f->label_files, "list", "Read in a line delimited file of labels"),
		OPT_UNIMPL(0, "link", "list", "Add link to another container"),
		OPT_STRING(0, "log-driver", &co->log_driver, "string", "Logging driver for the container"),
		OPT_STRINGS(0, "log-opt", &co->log_opts, "list", "Log driver options"),
		OPT_STRING(0, "mac-address", &co->net.mac, "string", "Container MAC address (e.g., 92:d0:c6:0a:29:33)"),
		OPT_BYTES('m', "memory", &oo->memory, "Memory limit"),
		OPT_BYTES(0, "memory-reservation", &oo->memory_reservation, "Memory soft limit"),
		OPT_CB(0, "memory-swap", "bytes", "Swap limit equal to memory plus swap: '-1' to enable unlimited swap", cb_memory_swap),
		OPT_CB(0, "memory-swappiness", "int", "Tune container memory swappiness (0 to 100) (default -1)", cb_swappiness),
		OPT_CB(0, "mount", "mount", "Attach a filesystem mount to the container", cb_mount),
		OPT_STRING(0, "name", &co->name, "string", "Assign a name to the container"),
		OPT_STRINGS(0, "net", &co->net.networks, "network", "Connect a container to a network"),
		OPT_STRINGS(0, "network", &co->net.networks, "network", "Connect a container to a network"),
		OPT_STRINGS(0, "network-alias", &co->net.aliases, "list", "Add network-scoped alias for the container"),
		OPT_UNIMPL_BOOL("no-healthcheck", "Disable any container-specified HEALTHCHECK"),
		OPT_BOOL(0, "oom-kill-disable", &oo->oom_kill_disable, "Disable OOM Killer"),
		OPT_CB(0, "oom-score-adj", "int", "Tune host's OOM preferences (-1000 to 1000)", cb_oom_score_adj),
		OPT_CB(0, "pid", "string", "PID namespace to use", cb_ns),
		OPT_STRING(0, "pidfile", &co->pidfile, "string", "file path to write the task's pid"),
		OPT_INT64(0, "pids-limit", &oo->pids_limit, "Tune container pids limit (set -1 for unlimited)"),
		OPT_STRING(0, "platform", &co->platform, "string", "Set platform if server is multi-platform capable"),
		OPT_BOOL(0, "privileged", &oo->privileged, "Give extended privileges to this container"),
		OPT_STRINGS('p', "publish", &co->net.publish, "list", "Publish a container's port(s) to the host"),
		OPT_BOOL('P', "publish-all", &co->net.publish_all, "Publish all exposed ports to random ports"),
		OPT_STRING(0, "pull", &f->pull, "string", "Pull image before running (\"always\"|\"missing\"|\"never\")"),
		OPT_BOOL('q', "quiet", &f->quiet, "Suppress the pull output"),
		OPT_BOOL(0, "read-only", &oo->read_only, "Mount the container's root filesystem as read only"),
		OPT_STRING(0, "restart", &co->restart, "string", "Restart policy to apply when a container exits"),
		OPT_BOOL(0, "rm", &f->rm, "Automatically remove the container when it exits"),
		OPT_STRING(0, "runtime", &co->runtime, "string", "Runtime to use for this container"),
		OPT_CB(0, "security-opt", "list", "Security Options", cb_security_opt),
		OPT_BYTES(0, "shm-size", &oo->shm_size, "Size of /dev/shm"),
		OPT_BOOL_D(0, "sig-proxy", &f->sig_proxy, "Proxy received signals to the process", "true"),
		OPT_CB(0, "stop-signal", "string", "Signal to stop a container", cb_stop_signal),
		{ OPT_T_INT, 0, "stop-timeout", &co->stop_timeout, "int",
		  "Timeout (in seconds) to stop a container", NULL, 0, NULL, &co->stop_timeout_set },
		OPT_UNIMPL(0, "storage-opt", "list", "Storage driver options for the container"),
		OPT_CB(0, "sysctl", "map", "Sysctl options", cb_sysctl),
		OPT_CB(0, "tmpfs", "list", "Mount a tmpfs directory", cb_tmpfs),
		OPT_BOOL('t', "tty", &f->tty, "Allocate a pseudo-TTY"),
		OPT_CB(0, "ulimit", "ulimit", "Ulimit options", cb_ulimit),
		OPT_STRING('u', "user", &oo->user, "string", "Username or UID (format: <name|uid>[:<group|gid>])"),
		OPT_UNIMPL(0, "userns", "string", "User namespace to use"),
		OPT_CB(0, "uts", "string", "UTS namespace to use", cb_ns),
		OPT_CB('v', "volume", "list", "Bind mount a volume", cb_volume),
		OPT_STRINGS(0, "volumes-from", &co->volumes_from, "list", "Mount volumes from the specified container(s)"),
		OPT_STRING('w', "workdir", &oo->workdir, "string", "Working directory inside the container"),
		OPT_END(),
	};
	int n;

	f->sig_proxy = true;
	if (is_run)
		n = opt_parse(cli, opts, argc, argv, "run [OPTIONS] IMAGE [COMMAND] [ARG...]",
			      "Run a command in a new container", 1, OPT_PARSE_STOP_AT_POSITIONAL);
	else
		n = opt_parse(cli, opts, argc, argv, "create [OPTIONS] IMAGE [COMMAND] [ARG...]",
			      "Create a new container", 1, OPT_PARSE_STOP_AT_POSITIONAL);
	return n;
}

static int
read_label_files(struct run_flags *f, struct err **errp)
{
	for (size_t i = 0; i < f->label_files.n; i++) {
		_cleanup_buf_ struct buf b = BUF_INIT;
		_cleanup_strv_ struct strv lines = STRV_INIT;

		if (fs_read_file(f->label_files.v[i], 1 << 20, &b, errp) < 0)
			return -1;
		strv_split(&lines, b.data, '\n');
		for (size_t j = 0; j < lines.n; j++) {
			const char *l = lines.v[j];

			while (*l == ' ' || *l == '\t')
				l++;
			if (*l && *l != '#')
				strv_push(&f->co.labels, l);
		}
	}
	return 0;
}

/* Checks and completes the options; ERR_INVALID / ERR_UNIMPLEMENTED before anything is made. */
static int
finish_flags(struct run_flags *f, bool is_run, char **args, int n_args, struct err **errp)
{
	struct oci_opts *oo = &f->co.oci;

	if (f->unimplemented.n)
		return err_set(errp, ERR_UNIMPLEMENTED, "%s: not implemented yet",
			       f->unimplemented.v[0]);
	for (size_t i = 0; i < f->env_files.n; i++)
		if (oci_parse_env_file(f->env_files.v[i], &oo->env, errp) < 0)
			return -1;
	if (read_label_files(f, errp) < 0)
		return -1;
	if (f->init) {
		if (access(INIT_BINARY, X_OK) < 0)
			return err_set(errp, ERR_UNIMPLEMENTED,
				       "--init needs %s (Debian's tini package)", INIT_BINARY);
		oo->init = true;
		oo->init_path = INIT_BINARY;
	}
	if (f->pull && strcmp(f->pull, "always") && strcmp(f->pull, "missing") &&
	    strcmp(f->pull, "never"))
		return err_set(errp, ERR_INVALID,
			       "invalid pull option: \"%s\": must be one of \"always\", \"missing\", or \"never\"",
			       f->pull);
	for (size_t i = 0; i < f->attach.n; i++) {
		const char *s = f->attach.v[i];

		if (strcasecmp(s, "stdin") && strcasecmp(s, "stdout") && strcasecmp(s, "stderr"))
			return err_set(errp, ERR_INVALID,
				       "invalid argument \"%s\" for \"-a, --attach\" flag: valid streams are STDIN, STDOUT and STDERR",
				       s);
	}
	if (f->detach && f->attach.n)
		return err_set(errp, ERR_INVALID, "Conflicting options: -a and -d");
	oo->args = args;
	oo->n_args = (size_t)n_args;
	oo->entrypoint = f->entrypoint;
	oo->entrypoint_set = f->entrypoint_set;
	oo->terminal = f->tty;
	if (f->tty && !f->detach)
		container_tty_size(&oo->console_width, &oo->console_height);
	f->co.auto_remove = f->rm;
	/* Only a terminal with stdin can detach (Ctrl-P Ctrl-Q) from a foreground run. */
	f->co.rm_by_cli = is_run && !f->detach && !(f->interactive && f->tty);
	f->co.open_stdin = f->interactive;
	return 0;
}

/* ---- Image --------------------------------------------------------------------------- */

struct resolved_image {
	CtdImage *img;
	struct img_view *view;
	char platform[PLATFORM_STR_SIZE];
};

static void
resolved_image_release(struct resolved_image *ri)
{
	ctd_msg_free(ri->img);
	img_view_free(ri->view);
}

static int
pull_image(struct cli *cli, struct ctd *c, const char *ref, const struct platform_matcher *m,
	   struct err **errp)
{
	struct reg_opts ro;
	struct img_pull_opts po = { 0 };
	struct img_pull_result res = { 0 };
	int r;

	if (cmd_reg_opts(cli, &ro, errp) < 0)
		return -1;
	po.platforms = m;
	po.unpack = true;
	po.snapshotter = cli->g.snapshotter;
	po.reg = &ro;
	r = img_pull(c, ref, &po, &res, errp);
	img_pull_result_release(&res);
	return r;
}

static int
resolve_image(struct cli *cli, struct ctd *c, struct run_flags *f, const char *ref,
	      struct resolved_image *ri, struct err **errp)
{
	struct platform_matcher m;
	struct platform p;
	_cleanup_err_ struct err *e = NULL;
	const char *pull = f->pull ? f->pull : "missing";
	int unpacked;

	if (f->co.platform) {
		if (platform_parse(f->co.platform, &p, errp) < 0)
			return -1;
		platform_matcher_only(&m, &p);
	} else {
		platform_host(&p);
		platform_matcher_host(&m);
	}
	if (strcmp(pull, "always") == 0 && pull_image(cli, c, ref, &m, errp) < 0)
		return -1;
	if (img_resolve(c, ref, &ri->img, &e) < 0) {
		if (!err_is(&e, ERR_NOT_FOUND) || strcmp(pull, "missing") != 0)
			return err_move(errp, &e);
		err_clear(&e);
		if (pull_image(cli, c, ref, &m, errp) < 0 || img_resolve(c, ref, &ri->img, errp) < 0)
			return -1;
	}
	if (img_view_load(c, ri->img->target, &m, &ri->view, errp) < 0)
		return err_wrap(errp, "image %s", ref);
	unpacked = img_view_is_unpacked(c, cli->g.snapshotter, ri->view, errp);
	if (unpacked < 0 ||
	    (!unpacked && img_unpack(c, cli->g.snapshotter, ri->view, NULL, NULL, errp) < 0))
		return err_wrap(errp, "unpack %s", ref);
	platform_string(&ri->view->config->platform, ri->platform, sizeof(ri->platform));
	return 0;
}

/* ---- Running ------------------------------------------------------------------------- */

static int
write_file_once(const char *path, const char *text, struct err **errp)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (fd < 0)
		return err_sys(errp, errno, "write %s", path);
	if (fs_write_all(fd, text, strlen(text)) < 0)
		return err_sys(errp, errno, "write %s", path);
	return 0;
}

static bool
attach_has(const struct run_flags *f, const char *stream)
{
	if (!f->attach.n)
		return true;
	for (size_t i = 0; i < f->attach.n; i++)
		if (strcasecmp(f->attach.v[i], stream) == 0)
			return true;
	return false;
}

static int
do_run(struct cli *cli, int argc, char **argv, bool is_run)
{
	struct run_flags f = { 0 };
	struct cmd_ctr x = { 0 };
	struct resolved_image ri = { 0 };
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(ctd_msg_freep) CtdContainer *rec = NULL;
	_cleanup_free_ char *image_ref = NULL;
	int n, rc = 0, status;

	n = parse_flags(cli, &f, argc, argv, is_run);
	if (n < 0) {
		run_flags_release(&f);
		return opt_exit_code(n);
	}
	image_ref = xstrdup(argv[0]);
	if (finish_flags(&f, is_run, argv + 1, n - 1, &err) < 0 || cmd_ctr_init(cli, &x, &err) < 0 ||
	    resolve_image(cli, x.env.c, &f, image_ref, &ri, &err) < 0)
		goto fail;
	f.co.image_name = ri.img->name;
	f.co.image_config = ri.view->config->json;
	f.co.chain_id = img_view_top_chain_id(ri.view);
	f.co.platform = ri.platform;
	f.co.snapshotter = cli->g.snapshotter;
	if (container_create(&x.env, &f.co, &rec, &err) < 0)
		goto fail;
	if (f.cidfile && write_file_once(f.cidfile, rec->id, &err) < 0) {
		container_remove(&x.env, rec, true, NULL);
		goto fail;
	}
	if (!is_run) {
		printf("%s\n", rec->id);
		goto out;
	}
	if (f.detach && f.interactive) {
		/* Docker keeps the stdin of `run -d -i` open for a later attach: a keeper holds it. */
		struct cmd_fg fg = {
			.stdin_open = true,
			.tty = f.tty,
			.want_stdout = true,
			.want_stderr = true,
			.pidfile = f.co.pidfile,
			.detach = true,
		};

		if (cmd_ctr_foreground(&x, rec, &fg, &err) < 0)
			goto fail_started;
		printf("%s\n", rec->id);
		goto out;
	}
	if (f.detach) {
		if (container_start_detached(&x.env, rec, &err) < 0)
			goto fail_started;
		if (f.co.pidfile) {
			_cleanup_(ctd_msg_freep) CtdProcess *t = NULL;

			if (ctd_tasks_get(x.env.c, rec->id, NULL, &t, &err) < 0 ||
			    cmd_ctr_write_pidfile(f.co.pidfile, t->pid, &err) < 0)
				goto fail_started;
		}
		printf("%s\n", rec->id);
		goto out;
	}
	{
		struct cmd_fg fg = {
			.stdin_open = f.interactive && attach_has(&f, "stdin"),
			.tty = f.tty,
			.sig_proxy = f.sig_proxy,
			.want_stdout = attach_has(&f, "stdout"),
			.want_stderr = attach_has(&f, "stderr"),
			.detach_keys = f.detach_keys,
			.pidfile = f.co.pidfile,
			.delete_task = f.rm,
		};

		status = cmd_ctr_foreground(&x, rec, &fg, &err);
	}
	if (status < 0)
		goto fail_started;
	rc = status;
	/* Docker's --rm takes the anonymous volumes along. */
	if (f.rm && (container_remove(&x.env, rec, true, &err) < 0 ||
		     container_remove_anonymous_volumes(&x.env, rec, &err) < 0))
		rc = cmd_fail(cli, err);
	goto out;
fail_started:
	/* Docker keeps a container that failed to start (exit 125/126/127), unless --rm. */
	if (f.rm && container_remove(&x.env, rec, true, NULL) == 0)
		container_remove_anonymous_volumes(&x.env, rec, NULL);
fail:
	if (err && !err->exit_code && err->kind != ERR_EXEC_NOT_FOUND &&
	    err->kind != ERR_EXEC_DENIED)
		err->exit_code = EXIT_CLI_ERROR;
	rc = cmd_fail(cli, err);
out:
	fflush(stdout);
	resolved_image_release(&ri);
	cmd_ctr_release(&x);
	run_flags_release(&f);
	return rc;
}

CMD(run)
{
	return do_run(cli, argc, argv, true);
}

CMD(create)
{
	return do_run(cli, argc, argv, false);
}
