/*
 * The command-line context: global options (flag > env > nerdctl.toml > default), the
 * command path being run (for messages), and the containerd connection, opened on first use.
 */
#pragma once

#include <stdbool.h>

#include "base/err.h"
#include "base/strv.h"

struct ctd;

/* Exit codes, as Docker's. */
enum {
	EXIT_CLI_ERROR = 125,
	EXIT_CANNOT_INVOKE = 126,
	EXIT_NOT_FOUND = 127,
};

struct cli_global {
	char *address;		/* --address/-a/-H, CONTAINERD_ADDRESS, toml address */
	char *ns;		/* --namespace/-n, CONTAINERD_NAMESPACE, toml namespace */
	char *snapshotter;	/* --snapshotter, CONTAINERD_SNAPSHOTTER, toml snapshotter */
	char *data_root;	/* --data-root, toml data_root */
	char *cni_path;		/* --cni-path, CNI_PATH, toml cni_path; use cli_cni_path() */
	char *cni_netconfpath;	/* --cni-netconfpath, NETCONFPATH, toml cni_netconfpath */
	char *cgroup_manager;	/* --cgroup-manager, toml cgroup_manager; use cli_cgroup_manager() */
	char *host_gateway_ip;	/* --host-gateway-ip, toml host_gateway_ip */
	struct strv hosts_dir;	/* --hosts-dir (repeatable), toml hosts_dir */
	bool insecure_registry;	/* --insecure-registry, toml insecure_registry */
	bool debug;		/* --debug, toml debug */
	bool debug_full;	/* --debug-full, toml debug_full */
	bool experimental;	/* --experimental, toml experimental */
	bool rootless;		/* geteuid() != 0: XDG defaults */
	char *config_path;	/* the nerdctl.toml that was read, or NULL */
};

/* Global flags as given on the command line (NULL / unset when absent). */
struct cli_flags {
	const char *address, *ns, *snapshotter, *data_root, *cni_path, *cni_netconfpath;
	const char *cgroup_manager, *host_gateway_ip;
	struct strv hosts_dir;
	bool insecure_registry, debug, debug_full, experimental;
	bool insecure_registry_set, debug_set, debug_full_set, experimental_set;
};

struct opt;

struct cli {
	struct cli_flags f;		/* raw global flags; filled by opt parsing */
	struct cli_global g;		/* resolved; valid after cli_config() */
	bool resolved;
	const struct opt *global_opts;	/* merged into every command's options by opt_parse */
	const char *argv0;		/* "nerdc" */
	char *cmd_path;			/* "nerdc container ls", for usage messages */
	char *cmd_aliases;		/* "ls, ps, list" for help, or NULL */
	struct ctd *ctd_;		/* use cli_ctd() */
};

void cli_init(struct cli *cli, const char *argv0);
void cli_release(struct cli *cli);

/*
 * Resolves cli->g once: flag > env > nerdctl.toml > default (XDG paths when rootless).
 * Done lazily so read-only commands pay for no config they do not use. ERR_INVALID names
 * a malformed toml's file and line.
 */
int cli_config(struct cli *cli, struct err **errp);

/* The global option table (pointing into cli->f), built once. */
const struct opt *cli_global_options(struct cli *cli);

/* containerd's identifier rule for namespace names; ERR_INVALID with containerd's text. */
int cli_check_namespace(const char *ns, struct err **errp);

/*
 * Resolved --cni-path and --cgroup-manager, defaults worked out on first call (they probe the
 * disk); after cli_config. Borrowed.
 */
const char *cli_cni_path(struct cli *cli);
const char *cli_cgroup_manager(struct cli *cli);

/* The socket path of the resolved address (without "unix://"); after cli_config. Borrowed. */
const char *cli_address_path(struct cli *cli);
/*
 * nerdctl's per-daemon state directory, <data-root>/<first 8 hex of sha256(address)>
 * (volumes, container state, name store). *ret is new. Does not create it.
 */
int cli_data_store(struct cli *cli, char **ret, struct err **errp);

/* The containerd connection, opened on first call; ERR_UNAVAILABLE names the socket. */
struct ctd *cli_ctd(struct cli *cli, struct err **errp);

/* Prints "Error: MSG" to stderr, Docker's shape for client-side failures. */
void cli_print_error(struct cli *cli, const struct err *e);
/*
 * Exit code for an error, as Docker: e->exit_code if set; 125 for usage errors, 126/127 for
 * exec failures; 1 otherwise (run/create/start set 125 themselves, as Docker does).
 */
int cli_exit_code(const struct err *e);
