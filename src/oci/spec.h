/*
 * OCI runtime spec generation with Docker 20.10's defaults, from parsed run/create flags and
 * the image config; plus the parsers for those flags and the per-container /etc files.
 *
 * Ownership in struct oci_opts: every `const char *` scalar and `args` are BORROWED (the
 * caller keeps them alive until oci_spec_build returns; argv pointers are fine). Every list
 * (struct strv and the item arrays) is OWNED by the struct and freed by oci_opts_release().
 * Start from OCI_OPTS_INIT (all zero: "flag not given" everywhere).
 *
 * Flag parsers (oci_parse_*): value is the flag's argument; on error they set ERR_INVALID with
 * Docker's message WITHOUT the 'invalid argument "v" for "--x" flag: ' prefix, so they can be
 * used from an OPT_CALLBACK (src/cli/opt.h adds that prefix), e.g. "invalid ulimit argument:
 * nofile". Results are written only on success.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "base/err.h"
#include "base/strv.h"

/* --ulimit name=soft[:hard] */
struct oci_ulimit {
	char name[16];		/* Docker's short name: "nofile", "nproc", "core", ... */
	int64_t soft;
	int64_t hard;		/* equals soft when no ":hard" was given */
};

/* --device HOST[:CONTAINER][:PERMS] */
struct oci_device {
	char *host_path;
	char *container_path;	/* defaults to host_path */
	char perms[4];		/* subset of "rwm", default "rwm" */
};

enum oci_mount_kind {
	OCI_MOUNT_BIND = 1,	/* source is an absolute host path */
	OCI_MOUNT_VOLUME,	/* named (source = name) or anonymous (source NULL) volume */
	OCI_MOUNT_TMPFS,	/* --tmpfs or --mount type=tmpfs */
};

/* One -v / --mount / --tmpfs request. */
struct oci_mount {
	enum oci_mount_kind kind;
	char *source;		/* bind: host path; volume: name or NULL; tmpfs: NULL */
	char *target;		/* absolute path in the container */
	bool readonly;
	char *propagation;	/* "rprivate", "shared", ...; NULL = Docker's default */
	bool nonrecursive;	/* --mount bind-nonrecursive=true: "bind" instead of "rbind" */
	bool create_source;	/* -v binds: a missing host directory is created (Docker quirk);
				 * --mount binds: a missing source is an error */
	char relabel;		/* 'z', 'Z' or 0 (accepted; SELinux is not enabled here) */
	bool nocopy;		/* volume-nocopy / -v ...:nocopy */
	char *volume_driver;	/* --mount volume-driver= */
	struct strv volume_labels; /* --mount volume-label=k=v */
	struct strv volume_opts;   /* --mount volume-opt=k=v */
	char *host_path;	/* volume: set by the volume layer before oci_spec_build; the
				 * spec then binds it like OCI_MOUNT_BIND. Unset: not implemented */
	struct strv tmpfs_options; /* tmpfs: validated mount options ("size=65536k", "mode=1777",
				    * "noexec", ...), in the order given */
};

enum oci_ns_mode {
	OCI_NS_PRIVATE = 0,	/* a new namespace (Docker's default) */
	OCI_NS_HOST,		/* no namespace entry: share the host's */
	OCI_NS_PATH,		/* join path (e.g. /proc/<pid>/ns/ipc of another container) */
	OCI_NS_NONE,		/* ipc only: private, without /dev/shm (Docker's --ipc none) */
	OCI_NS_SHAREABLE,	/* ipc only: private; the caller may let others join it */
};

struct oci_ns {
	enum oci_ns_mode mode;
	const char *path;	/* OCI_NS_PATH only */
};

enum oci_seccomp_mode {
	OCI_SECCOMP_DEFAULT = 0,	/* Docker's default profile */
	OCI_SECCOMP_UNCONFINED,
	OCI_SECCOMP_PROFILE,		/* seccomp_json holds a Docker-format profile */
};

/* What --security-opt values add up to (oci_parse_security_opt fills it). */
struct oci_security {
	enum oci_seccomp_mode seccomp;
	char *seccomp_json;	/* OCI_SECCOMP_PROFILE: file content, read at parse time as the
				 * Docker client does */
	char *apparmor;		/* apparmor=PROFILE; used only when the host has AppArmor */
	bool no_new_privileges;
	struct strv labels;	/* label=... (accepted, unused without SELinux) */
};

enum oci_hook_kind {
	OCI_HOOK_PRESTART = 0,
	OCI_HOOK_CREATE_RUNTIME,
	OCI_HOOK_CREATE_CONTAINER,
	OCI_HOOK_START_CONTAINER,
	OCI_HOOK_POSTSTART,
	OCI_HOOK_POSTSTOP,
};

struct oci_hook {
	enum oci_hook_kind kind;
	char *path;
	struct strv args;	/* args[0] included, as in the OCI spec */
	struct strv env;	/* "K=V"; hooks get nothing else, so include PATH */
	int timeout;		/* seconds; 0 = none */
};

struct oci_opts {
	/* Process. */
	char *const *args;		/* command after the image, borrowed; NULL/0 = image Cmd */
	size_t n_args;
	const char *entrypoint;		/* --entrypoint; "" clears the image's */
	bool entrypoint_set;		/* --entrypoint given (even as "") */
	struct strv env;		/* -e/--env-file results in order, "K=V" (see oci_parse_env) */
	const char *workdir;		/* -w; NULL = image WorkingDir or "/" */
	const char *user;		/* -u; NULL = image User or root */
	struct strv group_add;		/* --group-add names or numbers */
	bool terminal;			/* -t: process.terminal, TERM=xterm unless set */
	unsigned console_width, console_height;	/* -t: process.consoleSize (0: none) */
	struct oci_ulimit *ulimits;	/* --ulimit; rlimits otherwise inherited */
	size_t n_ulimits;
	bool init;			/* --init */
	const char *init_path;		/* host path of tini-static/docker-init, mounted at
					 * /sbin/docker-init; required with init */
	int oom_score_adj;		/* --oom-score-adj */
	bool oom_score_adj_set;

	/* Identity and filesystem. */
	const char *rootfs;		/* root.path; NULL = "rootfs" (bundle-relative) */
	const char *hostname;		/* -h; also HOSTNAME in env; NULL with uts=host */
	const char *domainname;
	bool read_only;			/* --read-only */
	struct oci_mount *mounts;	/* -v / --mount / --tmpfs, in order */
	size_t n_mounts;
	int64_t shm_size;		/* --shm-size bytes; 0 = 64m */
	const char *shm_path;		/* ipc host/shareable/container: host directory bound at
					 * /dev/shm instead of a private tmpfs; NULL = private
					 * (ipc host without it binds the host's /dev/shm) */
	const char *hosts_path;		/* host files bind-mounted at /etc/hosts, /etc/resolv.conf, */
	const char *resolv_conf_path;	/* /etc/hostname (see oci_write_*); NULL = not mounted */
	const char *hostname_path;

	/* Security. */
	bool privileged;
	struct strv cap_add;		/* "NET_ADMIN", "CAP_NET_ADMIN", "ALL" (case-insensitive) */
	struct strv cap_drop;
	struct oci_security security;
	struct oci_device *devices;	/* --device */
	size_t n_devices;
	struct strv device_cgroup_rules; /* --device-cgroup-rule "c 1:3 rwm" */
	struct strv sysctls;		/* --sysctl "k=v" (oci_parse_sysctl validated) */

	/* Namespaces. */
	struct oci_ns ipc, pid, uts;
	bool net_host;			/* --net host: no network namespace */
	const char *netns_path;		/* join this network namespace; NULL = a new one */
	bool net_shared;		/* netns_path is another container's (--net container:x):
					 * no default net sysctls, as Docker */
	const char *cgroupns;		/* NULL/"private"/"host"; cgroup ns only used on v2 */

	/* Resources (0 = not set, Docker's convention). */
	int64_t memory;			/* --memory bytes */
	int64_t memory_swap;		/* --memory-swap bytes; -1 = unlimited */
	int64_t memory_reservation;
	int64_t memory_swappiness;	/* 0..100; only when memory_swappiness_set */
	bool memory_swappiness_set;
	bool oom_kill_disable;
	int64_t nano_cpus;		/* --cpus in 1e-9 CPUs (oci_parse_cpus) */
	int64_t cpu_shares;
	int64_t cpu_quota;		/* microseconds */
	int64_t cpu_period;		/* microseconds */
	const char *cpuset_cpus;
	const char *cpuset_mems;
	int64_t pids_limit;		/* > 0 limits; 0 or -1 = unlimited */
	uint16_t blkio_weight;		/* 10..1000 */
	const char *cgroups_path;	/* linux.cgroupsPath, e.g. "/<ns>/<id>"; NULL = none */

	/* Extras. */
	struct strv annotations;	/* "k=v" */
	struct oci_hook *hooks;
	size_t n_hooks;
};

#define OCI_OPTS_INIT { 0 }

/* Frees the owned lists (not the borrowed scalars); o may be reused after OCI_OPTS_INIT. */
void oci_opts_release(struct oci_opts *o);
void oci_mount_release(struct oci_mount *m);
void oci_device_release(struct oci_device *d);
void oci_hook_release(struct oci_hook *h);
/* Appenders: take ownership of *item's contents (item is zeroed afterwards). */
void oci_opts_add_mount(struct oci_opts *o, struct oci_mount *m);
void oci_opts_add_device(struct oci_opts *o, struct oci_device *d);
void oci_opts_add_ulimit(struct oci_opts *o, const struct oci_ulimit *u);
void oci_opts_add_hook(struct oci_opts *o, struct oci_hook *h);

/*
 * Builds the runtime spec (config.json content) as a new JSON object in *ret_spec.
 * image_config: the image's config document (with its "config" member: Env, Entrypoint, Cmd,
 * WorkingDir, User, ...), or NULL. rootfs_for_user_lookup: a host path of the container's
 * root filesystem (for etc/passwd, etc/group); NULL = numeric users/groups only.
 * Errors: ERR_INVALID (bad combination, unknown user "unable to find user x: no matching
 * entries in passwd file", bad capability "unknown capability: \"CAP_FOO\"", bad seccomp
 * profile), ERR_NOT_FOUND (bind source missing), ERR_UNIMPLEMENTED (unresolved volumes),
 * ERR_IO.
 */
int oci_spec_build(const struct oci_opts *o, json_t *image_config,
		   const char *rootfs_for_user_lookup, json_t **ret_spec, struct err **errp);

/* Process args from Docker's rules (entrypoint/cmd overrides); NULL-terminated, caller frees.
 * Fails with ERR_INVALID "no command specified" when empty. */
char **oci_process_args(const struct oci_opts *o, json_t *image_config, struct err **errp);
/* How many of those args are the entrypoint (Docker's Config.Entrypoint; the rest is Cmd). */
size_t oci_entrypoint_len(const struct oci_opts *o, json_t *image_config);

/*
 * The memory, cpu, pids and blockIO members of linux.resources from o's resource fields,
 * added to resources, with Docker's checks and messages (for `update`).
 */
int oci_resources_build(const struct oci_opts *o, json_t *resources, struct err **errp);

/* --- Flag parsers --------------------------------------------------------------------- */

/* "nofile=1024:2048", "nproc=512". */
int oci_parse_ulimit(const char *value, struct oci_ulimit *ret, struct err **errp);
/* "/dev/fuse", "/dev/sda:/dev/xvda:rwm", "/dev/fuse:rw". *ret owned by caller. Docker checks
 * this after flag parsing, so its messages carry no flag prefix ("bad mode specified: rx"). */
int oci_parse_device(const char *value, struct oci_device *ret, struct err **errp);
/* -v SRC:DST[:OPTS], -v DST (anonymous volume), -v NAME:DST[:OPTS]. */
int oci_parse_volume_flag(const char *value, struct oci_mount *ret, struct err **errp);
/* --mount type=bind|volume|tmpfs,src=..,dst=..,readonly,bind-propagation=..,tmpfs-size=.. */
int oci_parse_mount_flag(const char *value, struct oci_mount *ret, struct err **errp);
/* --tmpfs /run[:rw,size=64m,mode=1777,noexec,...] */
int oci_parse_tmpfs(const char *value, struct oci_mount *ret, struct err **errp);
/* --sysctl k=v: Docker's allow list (kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*,
 * net.*). Appends the normalised "k=v" to out. */
int oci_parse_sysctl(const char *value, struct strv *out, struct err **errp);
/* --cpus "1.5" -> 1500000000 nano CPUs. */
int oci_parse_cpus(const char *value, int64_t *ret_nano, struct err **errp);
/* "SIGTERM", "TERM", "15", "SIGRTMIN+3" -> signal number. */
int oci_parse_signal(const char *value, int *ret_signo, struct err **errp);
/* Signal number -> "SIGTERM" (static string) or NULL. */
const char *oci_signal_name(int signo);
/* --security-opt: seccomp=unconfined|FILE, no-new-privileges[=true|false], apparmor=P,
 * label=..., also the "key:value" legacy form. Accumulates into sec. */
int oci_parse_security_opt(const char *value, struct oci_security *sec, struct err **errp);
void oci_security_release(struct oci_security *sec);
/* --ipc/--pid/--uts: "" "private" "host" "shareable"(ipc) "none"(ipc) "container:<x>".
 * which: "ipc", "pid", "uts" (for messages and allowed modes). For container:<x>, *ret_mode
 * is OCI_NS_PATH and *ret_container the name (caller frees and resolves to a ns path). */
int oci_parse_ns_mode(const char *which, const char *value, enum oci_ns_mode *ret_mode,
		      char **ret_container, struct err **errp);
/* -e K=V appends as is; -e K takes the host's value, or stays "K" when unset, which then
 * removes K from the image's Env (Docker). Error: "invalid environment variable: =x". */
int oci_parse_env(const char *value, struct strv *out, struct err **errp);
/* --env-file: Docker's rules (# comments, blank lines skipped, leading whitespace trimmed,
 * no quote processing, "K" alone takes the host's value). Appends to out. */
int oci_parse_env_file(const char *path, struct strv *out, struct err **errp);
/* --add-host host:ip (ip may be "host-gateway", returned as is). Appends "host:ip". */
int oci_parse_add_host(const char *value, struct strv *out, struct err **errp);

/* --- Per-container /etc files (atomic writes, mode 0644) ------------------------------- */

struct oci_etc {
	const char *hostname;		/* required */
	const char *domainname;		/* NULL = none */
	const char *ip;			/* container's address on its network; NULL = none */
	const struct strv *add_hosts;	/* "host:ip" from --add-host; may be NULL */
	const char *host_gateway_ip;	/* replaces "host-gateway"; NULL: that is an error */
	const struct strv *dns;		/* --dns; NULL/empty = from the host */
	const struct strv *dns_search;	/* --dns-search; "." alone clears */
	const struct strv *dns_options;	/* --dns-opt / --dns-option */
	const char *host_resolv_conf;	/* NULL = /etc/resolv.conf */
	const char *host_hosts;		/* NULL = /etc/hosts (net host only) */
	bool net_host;			/* copy the host's hosts/resolv.conf (+ add-hosts) */
};

/* localhost lines, ip6 lines, "<ip>\t<hostname>", --add-host entries. */
int oci_write_hosts(const char *path, const struct oci_etc *e, struct err **errp);
/* The host's resolv.conf minus localhost nameservers (8.8.8.8/8.8.4.4 and Google's v6 when
 * none remain), with --dns/--dns-search/--dns-opt overriding. */
int oci_write_resolv_conf(const char *path, const struct oci_etc *e, struct err **errp);
int oci_write_hostname(const char *path, const struct oci_etc *e, struct err **errp);
