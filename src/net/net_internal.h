/* Helpers shared inside src/net: process spawning, locks, time, the hosts store. */
#pragma once

#include <stdint.h>
#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "base/strv.h"
#include "net/net.h"

/* RFC 3339 with nanoseconds, local time zone offset like Go's time.Time String in JSON. */
void net_rfc3339(int64_t sec, long nsec, char *out, size_t n);

/*
 * Runs path with argv/envp, stdin from in (len bytes), stdout captured into out (capped
 * at 1 MiB). *ret_status: the exit status (or 128+signal). ERR_IO when it cannot start.
 */
int net_spawn(const char *path, char *const *argv, char *const *envp, const char *in,
	      size_t len, struct buf *out, int *ret_status, struct err **errp);

/* Takes the CNI lock (flock on <data store>/cni.lock); returns the fd (close to unlock). */
int net_cni_lock(const struct net_env *env, struct err **errp);

/* Result of one network attachment, recorded in the hosts store's meta.json. */
struct net_attach {
	char *network;		/* network name */
	char *ifname;		/* eth0, eth1, ... */
	char *ip;		/* "10.4.0.2" or NULL */
	int prefix_len;
	char *gateway;
	char *ip6;
	int prefix_len6;
	char *gateway6;
	char *mac;
	json_t *result;		/* the chain's final CNI result (owned) */
};
void net_attach_release(struct net_attach *a);

/*
 * CNI ADD/DEL of one network for a container: runs the conflist's plugin chain with
 * prevResult chaining; runtimeConfig portMappings for plugins with that capability. DEL
 * uses prev (the ADD result, may be NULL) and runs every plugin even after a failure.
 */
int net_cni_add(const struct net_env *env, const struct net_network *n, const char *id,
		const char *netns, const char *ifname, const char *cni_args,
		const struct net_port *ports, size_t n_ports, struct net_attach *ret,
		struct err **errp);
int net_cni_del(const struct net_env *env, const struct net_network *n, const char *id,
		const char *netns, const char *ifname, const char *cni_args,
		const struct net_port *ports, size_t n_ports, json_t *prev, struct err **errp);

/* Keeps pid's network namespace alive at path (bind mount); path's dirs are created. */
int net_netns_keep(const char *pid_ns_path, const char *path, struct err **errp);
/* Unmounts and removes path; missing is fine. */
int net_netns_release(const char *path, struct err **errp);

/* Paths under the data store. New strings. */
char *net_netns_path(const struct net_env *env, const char *ns, const char *id);
char *net_hosts_dir(const struct net_env *env, const char *ns, const char *id);

/* Host-port availability: ERR_EXISTS with Docker's "port is already allocated" text. */
int net_port_check_free(const struct net_port *p, struct err **errp);
/* Picks a free host port for p (ephemeral or within its host range). */
int net_port_pick(struct net_port *p, struct err **errp);
/* Whether two published ports want the same host socket. */
bool net_ports_clash(const struct net_port *a, const struct net_port *b);
