/*
 * Container networking the way nerdctl does it: CNI networks kept as conflists under the CNI
 * config dir, set up from OCI hooks that call back into "nerdc internal oci-hook", with
 * published ports and an /etc/hosts file managed per container (nerdctl's hosts store).
 *
 * How `run`/`create` use this module (in this order):
 *
 *   struct net_env env = { ... };        // from cli->g and cli_data_store()
 *   struct net_opts o = NET_OPTS_INIT;   // filled from the flags: --network, -p, -P, --ip, ...
 *   struct net_plan *plan;
 *   net_plan_new(&env, ctd, id, name, &o, image_exposed_ports, &plan, &err);
 *       // validates everything, picks -P host ports, refuses ports that are taken
 *       // ("port is already allocated"), writes the container's /etc/hosts file (CNI mode)
 *       // under the data store. Nothing else on the host changes yet.
 *   - add plan->labels ("k=v") to the container's labels AND to the spec's annotations
 *     (the hooks read the annotations from the bundle's config.json);
 *   - plan->mode: NET_MODE_CNI / NET_MODE_NONE: the spec gets a new (empty, pathless) network
 *     namespace; NET_MODE_HOST: no network namespace entry; NET_MODE_CONTAINER: the network
 *     namespace path /proc/<pid>/ns/net of plan->container's running task (ERR_PRECONDITION
 *     "container X is not running" if it has none);
 *   - if plan->hosts_path (CNI mode): bind mount it on /etc/hosts (set oci_opts.hosts_path;
 *     do NOT oci_write_hosts it: the hooks rewrite it with the container's IPs and the
 *     other containers of its networks). Otherwise write /etc/hosts with oci_write_hosts.
 *     /etc/resolv.conf, /etc/hostname and --dns* stay with src/oci (oci_write_*);
 *   - if plan->mode == NET_MODE_CNI: for event "createRuntime" and "postStop",
 *     net_hook_command(&env, event, &path, &args, &hook_env, &err) gives an OCI hook
 *     (struct oci_hook kind OCI_HOOK_CREATE_RUNTIME / OCI_HOOK_POSTSTOP);
 *   - on ANY later failure of create/run, and at `rm` of the container (even if it never
 *     started): net_release(&env, ns, id, &err). It is idempotent and undoes everything
 *     (CNI DEL against the kept netns, unmount, hosts entry, files).
 *   After a task has run, net_inspect_settings() gives Docker's NetworkSettings.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "base/err.h"
#include "base/strv.h"

struct ctd;

/* Paths and identity of the nerdc instance; all borrowed. */
struct net_env {
	const char *cni_path;		/* plugin dir (cli->g.cni_path) */
	const char *netconf_path;	/* conflist dir (cli->g.cni_netconfpath) */
	const char *data_store;		/* cli_data_store() */
	const char *data_root;		/* cli->g.data_root (passed on to the hooks) */
	const char *address;		/* containerd address (passed on to the hooks) */
	const char *ns;			/* containerd namespace */
	const char *host_gateway_ip;	/* --host-gateway-ip or NULL (then the default route's source) */
};

/* nerdctl's default network. */
#define NET_DEFAULT_NAME "bridge"
#define NET_DEFAULT_BRIDGE "nerdctl0"
#define NET_DEFAULT_SUBNET "10.4.0.0/24"

/* ---- Networks (conflists) ---------------------------------------------------------------- */

struct net_network {
	char *name;
	char *id;		/* nerdctlID: sha256 hex of the name; NULL for foreign conflists */
	char *file;		/* the conflist path */
	char *driver;		/* type of the first plugin: bridge, macvlan, ipvlan, ... */
	char *bridge;		/* bridge device or NULL */
	struct strv subnets;	/* host-local ranges' subnets */
	struct strv gateways;	/* parallel to subnets ("" when none) */
	struct strv ip_ranges;	/* parallel to subnets ("" when none) */
	struct strv labels;	/* nerdctlLabels "k=v", sorted */
	bool internal;		/* no gateway / masquerade */
	bool ipv6;
	json_t *conf;		/* the whole conflist (owned) */
};

struct net_create_opts {
	const char *name;
	const char *driver;		/* NULL: "bridge" */
	struct strv subnets;		/* --subnet (IPv4 and/or IPv6) */
	struct strv gateways;		/* --gateway, matched to subnets in order */
	struct strv ip_ranges;		/* --ip-range, matched to subnets in order */
	struct strv labels;		/* --label k=v */
	struct strv options;		/* -o k=v: mtu, com.docker.network.driver.mtu,
					   com.docker.network.bridge.name, parent, mode, ... */
	bool internal;
	bool ipv6;
};
#define NET_CREATE_OPTS_INIT { 0 }
void net_create_opts_release(struct net_create_opts *o);

void net_network_free(struct net_network *n);
DEFINE_CLEANUP_FUNC(net_network_freep, struct net_network *, net_network_free)
#define _cleanup_net_network_ _cleanup_(net_network_freep)

/*
 * Writes the default network's conflist (nerdctl-bridge.conflist, labelled
 * nerdctl/default-network=true, as nerdctl >= 1.1 does) if no network is the default yet.
 */
int net_ensure_default(const struct net_env *env, struct err **errp);
/*
 * All networks in the conflist dir (+ nerdctl's per-namespace subdir), sorted by file name,
 * plus "host" and "none" pseudo networks when with_pseudo. *ret is a new NULL-terminated
 * array (free with net_network_list_free).
 */
int net_network_list(const struct net_env *env, bool with_pseudo, struct net_network ***ret,
		     struct err **errp);
void net_network_list_free(struct net_network **l);
/* By name, full id or id prefix (>= 1 char, unique). ERR_NOT_FOUND: "network NAME not found". */
int net_network_get(const struct net_env *env, const char *ref, struct net_network **ret,
		    struct err **errp);
/*
 * Creates a network. ERR_EXISTS "network with name NAME already exists"; ERR_INVALID for an
 * unknown driver, invalid CIDR, gateway/ip-range outside the subnet, a subnet overlapping
 * another network's ("subnet 10.4.1.0/24 overlaps with network NAME (10.4.1.0/24)"),
 * unknown -o option. Without --subnet picks the next free 10.4.N.0/24 (N >= 1).
 */
int net_network_create(const struct net_env *env, const struct net_create_opts *o,
		       struct net_network **ret, struct err **errp);
/*
 * Removes the conflist and the bridge device. The caller checks usage first
 * (net_network_users). ERR_PRECONDITION for the default/pseudo networks.
 */
int net_network_remove(const struct net_env *env, const struct net_network *n,
		       struct err **errp);
/*
 * IDs of the containers (all namespaces) whose nerdctl/networks label names the network n
 * (by name). *ret gets "ns/name-or-id" entries appended.
 */
int net_network_users(struct ctd *c, const struct net_network *n, struct strv *ret,
		      struct err **errp);
/* Containers of env->ns attached to the network (by name), Docker's "Containers" object of
 * network inspect, from the hosts store. *ret is new. */
int net_network_containers(const struct net_env *env, const char *network, json_t **ret);
/* Whether n is the default network (name "bridge" or labelled nerdctl/default-network). */
bool net_network_is_default(const struct net_network *n);
/* Docker's `network inspect` JSON of n (new reference); Containers filled from the hosts
 * store for env->ns. */
json_t *net_network_inspect_json(const struct net_network *n);

/* ---- Conflist generation and addressing (pure; unit-tested) ------------------------------ */

/* CIDR parsing: "10.4.0.0/24" or "fd00::/64". family AF_INET / AF_INET6. */
struct net_cidr {
	int family;
	uint8_t addr[16];
	int prefix;
};
/* ERR_INVALID "invalid CIDR address: S"; host bits set: ERR_INVALID naming the network form. */
int net_cidr_parse(const char *s, struct net_cidr *ret, struct err **errp);
bool net_cidr_overlaps(const struct net_cidr *a, const struct net_cidr *b);
bool net_cidr_contains(const struct net_cidr *c, const char *ip);
/* net_cidr_parse that also refuses host bits ("unexpected subnet \"10.4.1.1/24\", maybe you
 * meant \"10.4.1.0/24\"?"). */
int net_cidr_check_network(const char *s, struct net_cidr *ret, struct err **errp);
/* Address text of c's network + offset (offset 1 = first host, -1 = broadcast-1 ...). */
void net_cidr_addr(const struct net_cidr *c, int64_t offset, char *out, size_t outlen);
/*
 * First 10.4.N.0/24 (N from 1) overlapping none of used (n entries). ERR_RESOURCE when
 * 10.4.0.0/16 is exhausted... then 10.5.., as nerdctl continues. out >= 19 bytes.
 */
int net_next_free_subnet(const struct net_cidr *used, size_t n, char *out, size_t outlen,
			 struct err **errp);
/*
 * The conflist JSON for a network (new reference), nerdctl's layout: cniVersion 1.0.0, name,
 * nerdctlID, nerdctlLabels, plugins. `used` lists the other networks' subnets for overlap
 * checks and auto-allocation (each with its network's name in used_names).
 */
json_t *net_conflist_build(const struct net_create_opts *o, const struct net_cidr *used,
			   char *const *used_names, size_t n_used, struct err **errp);
/* sha256 hex of the name (nerdctlID). */
int net_network_id(const char *name, char out[65], struct err **errp);

/* ---- Published ports --------------------------------------------------------------------- */

struct net_port {
	char host_ip[46];	/* "" = all addresses (0.0.0.0) */
	uint16_t host_port;	/* 0 = ephemeral, picked by net_plan_new */
	uint16_t host_port_end;	/* a host range for one container port (-p 8000-8010:80): a
				   free one is picked by net_plan_new; else 0 */
	uint16_t container_port;
	char proto[5];		/* "tcp", "udp", "sctp" */
};

/*
 * Parses one -p value `[hostIP:][hostPort[-end]:]containerPort[-end][/proto]` (IPv6 host IPs
 * in brackets) and appends the expanded mappings to ports and n (grown). ERR_INVALID with
 * Docker's messages ("invalid containerPort: x", "invalid proto: x", "invalid ranges
 * specified for container and host Ports: ...").
 */
int net_port_parse(const char *spec, struct net_port **ports, size_t *n, struct err **errp);
/* nerdctl/ports label value: [{"HostPort":..,"ContainerPort":..,"Protocol":..,"HostIP":..}]. */
char *net_ports_label(const struct net_port *ports, size_t n);
int net_ports_from_label(const char *label, struct net_port **ports, size_t *n,
			 struct err **errp);
/* Docker's "NetworkSettings.Ports" object for the ports (new reference). */
json_t *net_ports_docker_json(const struct net_port *ports, size_t n, char *const *exposed);

/* ---- Per container ----------------------------------------------------------------------- */

enum net_mode {
	NET_MODE_CNI,
	NET_MODE_HOST,
	NET_MODE_NONE,
	NET_MODE_CONTAINER,
};

struct net_opts {
	struct strv networks;		/* --network/--net (repeatable); empty: "bridge" */
	struct strv publish;		/* -p values, unparsed */
	bool publish_all;		/* -P */
	struct strv expose;		/* --expose values ("80", "80/udp", "8000-8010") */
	const char *ip, *ip6, *mac;	/* --ip, --ip6, --mac-address */
	struct strv add_host;		/* --add-host "name:ip" (oci_parse_add_host output); ip
					   may be "host-gateway" */
	struct strv aliases;		/* --network-alias */
	const char *hostname;		/* the container's hostname (same as the spec's) */
	const char *domainname;		/* --domainname */
};
#define NET_OPTS_INIT { 0 }
void net_opts_release(struct net_opts *o);

struct net_plan {
	enum net_mode mode;
	char *container;		/* NET_MODE_CONTAINER: the name or id after "container:" */
	struct strv labels;		/* "k=v" for labels and annotations */
	char *hosts_path;		/* host file for /etc/hosts, or NULL */
	struct net_port *ports;		/* resolved published ports (ephemeral ones picked) */
	size_t n_ports;
};
void net_plan_free(struct net_plan *p);
DEFINE_CLEANUP_FUNC(net_plan_freep, struct net_plan *, net_plan_free)
#define _cleanup_net_plan_ _cleanup_(net_plan_freep)

/*
 * Validates and resolves the container's networking; see the top of this file. image_exposed:
 * the image config's ExposedPorts keys ("80/tcp"), for -P; may be NULL. c: for port
 * conflicts with other containers' nerdctl/ports labels (may be NULL: skipped). Files are
 * written under <data store>/etchosts/<ns>/<id>/ (nerdctl's hosts store); net_release
 * removes them. Errors: ERR_NOT_FOUND for an unknown
 * network, ERR_INVALID for bad flag values (naming the flag and value), ERR_EXISTS
 * "Bind for HOSTIP:PORT failed: port is already allocated" for a taken host port.
 */
int net_plan_new(const struct net_env *env, struct ctd *c, const char *id, const char *name,
		 const struct net_opts *o, char *const *image_exposed, struct net_plan **ret,
		 struct err **errp);

/*
 * Appends this executable (/proc/self/exe) and the global options that point a nerdc run
 * later by someone else (runc, the logging process) at the same containerd, namespace,
 * data root and CNI setup: --address, --namespace, --data-root, --cni-path,
 * --cni-netconfpath.
 */
int net_self_argv(const struct net_env *env, struct strv *args, struct err **errp);
/*
 * One OCI hook running this nerdc binary (/proc/self/exe resolved) as `nerdc --address A
 * --namespace N --data-root D --cni-path P --cni-netconfpath C internal oci-hook EVENT`.
 * event: "createRuntime" or "postStop". *ret_path is new; args (args[0] included) and env
 * (PATH=...) are appended to.
 */
int net_hook_command(const struct net_env *env, const char *event, char **ret_path,
		     struct strv *args, struct strv *env_out, struct err **errp);

/*
 * The hook itself: reads the OCI state JSON from state_fd, the spec from its bundle, and
 * runs CNI ADD (createRuntime: keeps /proc/<pid>/ns/net alive by a bind mount first) or DEL
 * + unmount + hosts update (postStop). event: "createRuntime" or "postStop".
 */
int net_oci_hook(const struct net_env *env, const char *event, int state_fd,
		 struct err **errp);

/*
 * Detaches a container whose task has stopped (`stop`): what the postStop hook does (CNI DEL
 * against the kept netns, unmount), without waiting for the task's deletion; keeps the hosts
 * store entry for the next start. Idempotent.
 */
int net_detach(const struct net_env *env, const char *ns, const char *id, struct err **errp);
/*
 * net_detach for a task that exited on its own, seen by someone else than its starter:
 * still_down(arg) is asked under the CNI lock and must say whether that task is still the
 * container's (a `start` meanwhile has set up the network anew: nothing is done then).
 */
int net_detach_if(const struct net_env *env, const char *ns, const char *id,
		  bool (*still_down)(void *arg), void *arg, struct err **errp);

/*
 * Undoes the container's networking: CNI DEL against the kept netns (if any), unmount,
 * hosts store entry and files, other containers' /etc/hosts updated. Idempotent; fine to
 * call for containers without networking.
 */
int net_release(const struct net_env *env, const char *ns, const char *id, struct err **errp);

/*
 * Docker's NetworkSettings for inspect (new reference) from the container's labels
 * ("k=v" strings or NULL) and the recorded CNI results: IPAddress, Gateway, MacAddress,
 * Ports, Networks{name:{IPAddress,Gateway,MacAddress,IPPrefixLen,NetworkID,Aliases}}.
 */
json_t *net_inspect_settings(const struct net_env *env, const char *ns, const char *id,
			     char *const *labels);
