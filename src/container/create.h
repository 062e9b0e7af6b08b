/*
 * Container creation for `create` and `run`: name reservation, state directory, /etc files,
 * log config, snapshot, runtime spec and the containerd record, all-or-nothing. Every step
 * records how to undo it; a failure, or SIGINT/SIGTERM/SIGHUP arriving meanwhile, undoes
 * them in reverse, and the containerd objects are made under an expiring lease so that even
 * a killed CLI leaves nothing referenced for long.
 */
#pragma once

#include <stdbool.h>
#include <jansson.h>

#include "base/err.h"
#include "base/strv.h"
#include "container/container.h"
#include "net/net.h"
#include "oci/spec.h"

struct container_create_opts {
	/* The image, resolved by the caller. */
	const char *image_name;		/* the record name, the container's image */
	json_t *image_config;		/* the config document (borrowed), or NULL */
	const char *chain_id;		/* top chain ID: the snapshot parent ("" none) */
	const char *platform;		/* "linux/amd64", for the nerdctl/platform label */

	const char *name;		/* --name or NULL (a name is generated) */
	const char *snapshotter;	/* cli->g.snapshotter */
	const char *runtime;		/* --runtime or NULL: io.containerd.runc.v2 */
	struct strv labels;		/* -l / --label-file, "k=v" (owned) */
	const char *restart;		/* --restart or NULL ("no") */
	const char *stop_signal;	/* --stop-signal or NULL (image's, else SIGTERM) */
	int stop_timeout;		/* --stop-timeout seconds */
	bool stop_timeout_set;
	const char *log_driver;		/* --log-driver or NULL (json-file) */
	struct strv log_opts;		/* --log-opt (owned) */
	const char *pidfile;		/* --pidfile or NULL */
	struct net_opts net;		/* --network, -p, -P, --expose, --ip, --mac-address,
					 * --network-alias, --add-host (owned lists); hostname and
					 * domainname are filled in by container_create */
	struct strv volumes_from;	/* --volumes-from CONTAINER[:ro|rw] (owned) */
	bool auto_remove;		/* --rm */
	bool rm_by_cli;			/* --rm done by a CLI that waits (foreground run that
					 * cannot detach): no exit hook needed for it */
	bool open_stdin;		/* -i (Docker's OpenStdin: start keeps stdin open) */
	const char *hostname;		/* -h or NULL: the first 12 digits of the ID */
	struct strv dns, dns_search, dns_opts, add_hosts; /* --dns ..., --add-host (owned) */

	struct oci_opts oci;		/* everything the spec needs (owned lists) */
};

void container_create_opts_release(struct container_create_opts *o);

/*
 * Creates the container; *ret (freed with ctd_msg_free) is its record. Networking follows
 * net.h (plan, labels and annotations, createRuntime/postStop hooks, net_release on
 * failure); volumes follow store/volume.h (copy-up, anonymous volumes for -v /path and the
 * image's VOLUMEs, nerdctl/mounts and nerdctl/anonymous-volumes labels). Errors: ERR_EXISTS
 * for a name in use (naming the owner), ERR_INVALID for bad option values, ERR_UNIMPLEMENTED
 * for options not done yet, ERR_CANCELLED when a signal arrived (the caller re-raises it),
 * or containerd's errors. Nothing is left behind on failure.
 */
int container_create(struct container_env *env, struct container_create_opts *o,
		     CtdContainer **ret, struct err **errp);

/*
 * Blocks SIGINT/SIGTERM/SIGHUP for the duration of a multi-step operation, so that it can
 * notice them at step boundaries (container_signal_pending) and undo its work.
 * container_signals_restore re-delivers a pending one under the old mask.
 */
void container_signals_block(void);
/* The pending blocked signal, or 0. */
int container_signal_pending(void);
void container_signals_restore(void);
