/*
 * A container's networking: the plan made at create time, the OCI hooks that attach and
 * detach it, release at rm, and the hosts store (nerdctl's etchosts/<ns>/<id>/{hosts,
 * meta.json}) that gives containers on a network each other's names.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/json.h"
#include "base/parse.h"
#include "base/xalloc.h"
#include "net/net.h"
#include "net/net_internal.h"
#include "base/banned.h"

#define META_MAX (4 << 20)
#define LABEL_NETWORKS "nerdctl/networks"
#define LABEL_PORTS "nerdctl/ports"
#define LABEL_IP "nerdctl/ip"
#define LABEL_IP6 "nerdctl/ip6"
#define LABEL_MAC "nerdctl/mac-address"

void
net_opts_release(struct net_opts *o)
{
	strv_release(&o->networks);
	strv_release(&o->publish);
	strv_release(&o->expose);
	strv_release(&o->add_host);
	strv_release(&o->aliases);
}

void
net_plan_free(struct net_plan *p)
{
	if (!p)
		return;
	free(p->container);
	strv_release(&p->labels);
	free(p->hosts_path);
	free(p->ports);
	free(p);
}

/* ---- hosts store --------------------------------------------------------------------- */

static json_t *
meta_load(const char *dir)
{
	_cleanup_free_ char *path = xasprintf("%s/meta.json", dir);
	_cleanup_buf_ struct buf b = BUF_INIT;

	if (fs_read_file(path, META_MAX, &b, NULL) < 0)
		return NULL;
	return json_parse_strict(b.data, b.len, META_MAX, path, NULL);
}

static int
meta_save(const char *dir, json_t *meta, struct err **errp)
{
	_cleanup_free_ char *path = xasprintf("%s/meta.json", dir);
	_cleanup_free_ char *text = json_dumps(meta, JSON_COMPACT | JSON_PRESERVE_ORDER);

	return fs_write_replace(path, text, strlen(text), 0644, errp);
}

static const char hosts_head[] =
	"127.0.0.1\tlocalhost\n"
	"::1\tlocalhost ip6-localhost ip6-loopback\n"
	"fe00::0\tip6-localnet\n"
	"ff00::0\tip6-mcastprefix\n"
	"ff02::1\tip6-allnodes\n"
	"ff02::2\tip6-allrouters\n";

/* "ip name..." lines of one container's active attachments on the networks in nets. */
static void
hosts_lines(json_t *meta, json_t *nets, bool self, struct buf *b)
{
	json_t *att = json_object_get(meta, "Attachments"), *a;
	const char *host = json_get_str(meta, "Hostname"), *dom = json_get_str(meta, "Domainname");
	const char *name = json_get_str(meta, "Name");
	json_t *aliases = json_object_get(meta, "Aliases"), *al;
	size_t i, k;

	json_array_foreach(att, i, a) {
		const char *net = json_get_str(a, "Network"), *ip = json_get_str(a, "IPAddress");
		bool shared = false;
		json_t *n;

		if (!ip || !net)
			continue;
		json_array_foreach(nets, k, n)
			shared |= json_is_string(n) && strcmp(json_string_value(n), net) == 0;
		if (!self && !shared)
			continue;
		buf_addf(b, "%s\t", ip);
		if (host && dom && *dom)
			buf_addf(b, "%s.%s ", host, dom);
		if (host)
			buf_addf(b, "%s", host);
		if (name && *name && (!host || strcmp(name, host) != 0))
			buf_addf(b, " %s", name);
		if (!self)
			json_array_foreach(aliases, k, al)
				if (json_is_string(al))
					buf_addf(b, " %s", json_string_value(al));
		buf_addch(b, '\n');
	}
}

/* Rewrites the hosts file of the container in dir in place (it is bind-mounted). */
static void
hosts_write(const char *nsdir, const char *id)
{
	_cleanup_free_ char *dir = xasprintf("%s/%s", nsdir, id);
	_cleanup_free_ char *path = xasprintf("%s/hosts", dir);
	_cleanup_json_ json_t *meta = meta_load(dir);
	_cleanup_buf_ struct buf b = BUF_INIT;
	json_t *extra, *nets, *e;
	const char *k;
	DIR *d;
	struct dirent *de;
	int fd;
	size_t i;

	if (!meta)
		return;
	buf_adds(&b, hosts_head);
	extra = json_object_get(meta, "ExtraHosts");
	json_array_foreach(extra, i, e) {
		const char *s = json_string_value(e), *colon = s ? strrchr(s, ':') : NULL;

		/* "name:ip"; the IP may be IPv6 ("h:::1" splits at the first colon) */
		colon = s ? strchr(s, ':') : NULL;
		if (colon)
			buf_addf(&b, "%s\t%.*s\n", colon + 1, (int)(colon - s), s);
	}
	nets = json_array();
	json_array_foreach(json_object_get(meta, "Attachments"), i, e)
		json_array_append(nets, json_object_get(e, "Network"));
	hosts_lines(meta, nets, true, &b);
	d = opendir(nsdir);
	while (d && (de = readdir(d))) {
		_cleanup_free_ char *odir = NULL;
		_cleanup_json_ json_t *other = NULL;

		if (de->d_name[0] == '.' || strcmp(de->d_name, id) == 0)
			continue;
		odir = xasprintf("%s/%s", nsdir, de->d_name);
		other = meta_load(odir);
		if (other)
			hosts_lines(other, nets, false, &b);
	}
	if (d)
		closedir(d);
	json_decref(nets);
	(void)k;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	(void)fs_write_all(fd, b.data, b.len);
	close(fd);
}

/* Rewrites every hosts file of the namespace (containers come and go together). */
static void
hosts_refresh_all(const struct net_env *env, const char *ns)
{
	_cleanup_free_ char *nsdir = xasprintf("%s/etchosts/%s", env->data_store, ns);
	DIR *d = opendir(nsdir);
	struct dirent *de;

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.')
			hosts_write(nsdir, de->d_name);
	if (d)
		closedir(d);
}

/* ---- plan ---------------------------------------------------------------------------- */

/* The IPv4 address of the default route's interface (nerdctl's host-gateway default). */
static int
default_route_ip(char *out, size_t n, struct err **errp)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/net/route", "re");
	char line[256], ifname[64] = "";
	struct ifaddrs *ifa = NULL;
	int found = 0;

	while (f && fgets(line, sizeof(line), f)) {
		char dev[64];
		unsigned long dst;

		if (sscanf(line, "%63s %lx", dev, &dst) == 2 && dst == 0) {
			snprintf(ifname, sizeof(ifname), "%s", dev);
			break;
		}
	}
	if (!*ifname || getifaddrs(&ifa) < 0)
		return err_set(errp, ERR_INVALID, "unable to resolve host-gateway: no default route; set --host-gateway-ip");
	for (struct ifaddrs *i = ifa; i && !found; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET && strcmp(i->ifa_name, ifname) == 0)
			found = inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr,
					  out, (socklen_t)n) != NULL;
	freeifaddrs(ifa);
	if (!found)
		return err_set(errp, ERR_INVALID, "unable to resolve host-gateway: %s has no IPv4 address", ifname);
	return 0;
}

/* Active ports of other containers (those with networking attached) in every namespace. */
static int
ports_in_use(const struct net_env *env, const char *self, struct net_port **ret, size_t *n)
{
	_cleanup_free_ char *root = xasprintf("%s/etchosts", env->data_store);
	DIR *d = opendir(root);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		_cleanup_free_ char *nsdir = NULL;
		DIR *d2;
		struct dirent *de2;

		if (de->d_name[0] == '.')
			continue;
		nsdir = xasprintf("%s/%s", root, de->d_name);
		d2 = opendir(nsdir);
		while (d2 && (de2 = readdir(d2))) {
			_cleanup_free_ char *dir = NULL;
			_cleanup_json_ json_t *meta = NULL;
			const char *ports;

			if (de2->d_name[0] == '.' || (self && strcmp(de2->d_name, self) == 0))
				continue;
			dir = xasprintf("%s/%s", nsdir, de2->d_name);
			meta = meta_load(dir);
			ports = json_get_str(meta, "ActivePorts");
			if (ports)
				(void)net_ports_from_label(ports, ret, n, NULL);
		}
		if (d2)
			closedir(d2);
	}
	if (d)
		closedir(d);
	return 0;
}

static int
check_ports_taken(const struct net_env *env, const char *id, const struct net_port *ports,
		  size_t n, struct err **errp)
{
	_cleanup_free_ struct net_port *used = NULL;
	size_t nu = 0;

	ports_in_use(env, id, &used, &nu);
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < nu; k++)
			if (net_ports_clash(&ports[i], &used[k]))
				return err_set(errp, ERR_EXISTS, "Bind for %s:%u failed: port is already allocated",
					       *ports[i].host_ip ? ports[i].host_ip : "0.0.0.0", ports[i].host_port);
		for (size_t k = 0; k < i; k++)
			if (net_ports_clash(&ports[i], &ports[k]))
				return err_set(errp, ERR_EXISTS, "Bind for %s:%u failed: port is already allocated",
					       *ports[i].host_ip ? ports[i].host_ip : "0.0.0.0", ports[i].host_port);
		if (net_port_check_free(&ports[i], errp) < 0)
			return -1;
	}
	return 0;
}

static void
add_exposed(struct net_port **ports, size_t *n, const char *spec)
{
	_cleanup_free_ char *s = xstrdup(spec);
	char *slash = strchr(s, '/');
	const char *proto = slash ? slash + 1 : "tcp";
	uint64_t a, b;
	char *dash;

	if (slash)
		*slash = '\0';
	dash = strchr(s, '-');
	if (dash)
		*dash = '\0';
	if (parse_uint64(s, &a, NULL) < 0 || a > 65535)
		return;
	b = a;
	if (dash && (parse_uint64(dash + 1, &b, NULL) < 0 || b > 65535 || b < a))
		return;
	for (uint64_t p = a; p <= b; p++) {
		bool dup = false;

		for (size_t i = 0; i < *n && !dup; i++)
			dup = (*ports)[i].container_port == p && strcmp((*ports)[i].proto, proto) == 0;
		if (dup)
			continue;
		*ports = xrealloc(*ports, (*n + 1) * sizeof(**ports));
		memset(&(*ports)[*n], 0, sizeof(**ports));
		(*ports)[*n].container_port = (uint16_t)p;
		snprintf((*ports)[*n].proto, sizeof((*ports)[*n].proto), "%s", proto);
		(*n)++;
	}
}

static char *
json_strv(const struct strv *sv)
{
	_cleanup_json_ json_t *a = json_array();

	for (size_t i = 0; i < sv->n; i++)
		json_array_append_new(a, json_string(sv->v[i]));
	return json_dumps(a, JSON_COMPACT);
}

int
net_plan_new(const struct net_env *env, struct ctd *c, const char *id, const char *name,
	     const struct net_opts *o, char *const *image_exposed, struct net_plan **ret,
	     struct err **errp)
{
	_cleanup_net_plan_ struct net_plan *p = xnew(struct net_plan, 1);
	_cleanup_strv_ struct strv nets = STRV_INIT;
	_cleanup_strv_ struct strv extra = STRV_INIT;
	_cleanup_json_ json_t *meta = NULL;
	_cleanup_free_ char *dir = NULL, *v = NULL;
	const char *first = o->networks.n ? o->networks.v[0] : NET_DEFAULT_NAME;

	(void)c;
	if (strcmp(first, "host") == 0 || strcmp(first, "none") == 0 ||
	    strncmp(first, "container:", 10) == 0) {
		if (o->networks.n > 1)
			return err_set(errp, ERR_INVALID, "conflicting options: cannot attach both user-defined and non-user-defined network-modes");
		p->mode = first[0] == 'h' ? NET_MODE_HOST : first[0] == 'n' ? NET_MODE_NONE : NET_MODE_CONTAINER;
		if (p->mode == NET_MODE_CONTAINER) {
			if (!first[10])
				return err_set(errp, ERR_INVALID, "invalid network mode: %s", first);
			p->container = xstrdup(first + 10);
		}
		strv_pushf(&p->labels, "%s=[\"%s\"]", LABEL_NETWORKS, first);
		*ret = TAKE_PTR(p);
		return 0;
	}
	p->mode = NET_MODE_CNI;
	if (net_ensure_default(env, errp) < 0)
		return -1;
	for (size_t i = 0; i < (o->networks.n ? o->networks.n : 1); i++) {
		_cleanup_net_network_ struct net_network *n = NULL;
		const char *ref = o->networks.n ? o->networks.v[i] : NET_DEFAULT_NAME;

		if (strcmp(ref, "host") == 0 || strcmp(ref, "none") == 0 || strncmp(ref, "container:", 10) == 0)
			return err_set(errp, ERR_INVALID, "conflicting options: cannot attach both user-defined and non-user-defined network-modes");
		if (net_network_get(env, ref, &n, errp) < 0)
			return err_wrap(errp, "failed to verify networking settings");
		if (!n->conf)
			return err_set(errp, ERR_INVALID, "network %s cannot be combined with others", ref);
		if (strv_contains(&nets, n->name))
			return err_set(errp, ERR_INVALID, "network %s given twice", n->name);
		strv_push(&nets, n->name);
	}
	for (size_t i = 0; i < o->publish.n; i++)
		if (net_port_parse(o->publish.v[i], &p->ports, &p->n_ports, errp) < 0)
			return -1;
	if (o->publish_all) {
		for (size_t i = 0; image_exposed && image_exposed[i]; i++)
			add_exposed(&p->ports, &p->n_ports, image_exposed[i]);
		for (size_t i = 0; i < o->expose.n; i++)
			add_exposed(&p->ports, &p->n_ports, o->expose.v[i]);
	}
	for (size_t i = 0; i < p->n_ports; i++)
		if (net_port_pick(&p->ports[i], errp) < 0)
			return -1;
	if (check_ports_taken(env, id, p->ports, p->n_ports, errp) < 0)
		return -1;
	if (o->ip) {
		unsigned char a[4];

		if (inet_pton(AF_INET, o->ip, a) != 1)
			return err_set(errp, ERR_INVALID, "invalid IPv4 address: %s", o->ip);
	}
	if (o->ip6) {
		unsigned char a[16];

		if (inet_pton(AF_INET6, o->ip6, a) != 1)
			return err_set(errp, ERR_INVALID, "invalid IPv6 address: %s", o->ip6);
	}
	if (o->mac) {
		unsigned m[6];
		char tail;

		if (sscanf(o->mac, "%2x:%2x:%2x:%2x:%2x:%2x%c", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5], &tail) != 6)
			return err_set(errp, ERR_INVALID, "%s is not a valid mac address", o->mac);
	}
	for (size_t i = 0; i < o->add_host.n; i++) {
		const char *s = o->add_host.v[i], *colon = strchr(s, ':');
		char gw[INET6_ADDRSTRLEN];

		if (!colon)
			return err_set(errp, ERR_INVALID, "bad format for add-host: \"%s\"", s);
		if (strcmp(colon + 1, "host-gateway") == 0) {
			if (env->host_gateway_ip && *env->host_gateway_ip)
				snprintf(gw, sizeof(gw), "%s", env->host_gateway_ip);
			else if (default_route_ip(gw, sizeof(gw), errp) < 0)
				return -1;
			strv_pushf(&extra, "%.*s:%s", (int)(colon - s), s, gw);
		} else {
			strv_push(&extra, s);
		}
	}
	v = json_strv(&nets);
	strv_pushf(&p->labels, "%s=%s", LABEL_NETWORKS, v);
	if (p->n_ports) {
		_cleanup_free_ char *pl = net_ports_label(p->ports, p->n_ports);

		strv_pushf(&p->labels, "%s=%s", LABEL_PORTS, pl);
	}
	if (o->ip)
		strv_pushf(&p->labels, "%s=%s", LABEL_IP, o->ip);
	if (o->ip6)
		strv_pushf(&p->labels, "%s=%s", LABEL_IP6, o->ip6);
	if (o->mac)
		strv_pushf(&p->labels, "%s=%s", LABEL_MAC, o->mac);
	/* The hosts store entry the hooks complete with addresses. */
	dir = net_hosts_dir(env, env->ns, id);
	if (fs_mkdir_p(dir, 0755, errp) < 0)
		return -1;
	meta = json_pack("{s:s, s:s, s:s?, s:s?, s:o, s:o, s:[]}", "ContainerID", id, "Name",
			 name ? name : "", "Hostname", o->hostname, "Domainname", o->domainname,
			 "ExtraHosts", json_array(), "Aliases", json_array(), "Attachments");
	for (size_t i = 0; i < extra.n; i++)
		json_array_append_new(json_object_get(meta, "ExtraHosts"), json_string(extra.v[i]));
	for (size_t i = 0; i < o->aliases.n; i++)
		json_array_append_new(json_object_get(meta, "Aliases"), json_string(o->aliases.v[i]));
	if (meta_save(dir, meta, errp) < 0)
		return -1;
	{
		_cleanup_free_ char *nsdir = xasprintf("%s/etchosts/%s", env->data_store, env->ns);

		hosts_write(nsdir, id);
	}
	p->hosts_path = xasprintf("%s/hosts", dir);
	if (access(p->hosts_path, F_OK) < 0)
		return err_sys(errp, errno, "write %s", p->hosts_path);
	*ret = TAKE_PTR(p);
	return 0;
}

int
net_self_argv(const struct net_env *env, struct strv *args, struct err **errp)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n < 0)
		return err_sys(errp, errno, "readlink /proc/self/exe");
	self[n] = '\0';
	strv_push(args, self);
	strv_pushf(args, "--address=%s", env->address);
	strv_pushf(args, "--namespace=%s", env->ns);
	strv_pushf(args, "--data-root=%s", env->data_root);
	strv_pushf(args, "--cni-path=%s", env->cni_path);
	strv_pushf(args, "--cni-netconfpath=%s", env->netconf_path);
	return 0;
}

int
net_hook_command(const struct net_env *env, const char *event, char **ret_path,
		 struct strv *args, struct strv *env_out, struct err **errp)
{
	const char *path = getenv("PATH");
	size_t first = args->n;

	if (net_self_argv(env, args, errp) < 0)
		return -1;
	*ret_path = xstrdup(args->v[first]);
	strv_push(args, "internal");
	strv_push(args, "oci-hook");
	strv_push(args, event);
	strv_pushf(env_out, "PATH=%s", path && *path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	return 0;
}

/* ---- hooks --------------------------------------------------------------------------- */

/* Annotation (or label) value from an object map. */
static const char *
anno(json_t *annotations, const char *key)
{
	return json_get_str(annotations, key);
}

/* The networks, ports, IP and MAC the container asked for, from its annotations. */
struct wanted {
	struct strv nets;
	struct net_port *ports;
	size_t n_ports;
	const char *ip, *mac;
};

static void
wanted_release(struct wanted *w)
{
	strv_release(&w->nets);
	free(w->ports);
}

static int
wanted_load(json_t *annotations, struct wanted *w, struct err **errp)
{
	const char *nets = anno(annotations, LABEL_NETWORKS);
	const char *ports = anno(annotations, LABEL_PORTS);
	_cleanup_json_ json_t *a = NULL;
	json_t *e;
	size_t i;

	if (nets) {
		a = json_parse_strict(nets, strlen(nets), 1 << 20, LABEL_NETWORKS, errp);
		if (!a)
			return -1;
		json_array_foreach(a, i, e)
			if (json_is_string(e))
				strv_push(&w->nets, json_string_value(e));
	}
	if (ports && net_ports_from_label(ports, &w->ports, &w->n_ports, errp) < 0)
		return -1;
	w->ip = anno(annotations, LABEL_IP);
	w->mac = anno(annotations, LABEL_MAC);
	return 0;
}

static char *
cni_args_for(const char *ns, const char *id, size_t idx, const struct wanted *w)
{
	struct buf b = BUF_INIT;

	buf_addf(&b, "IgnoreUnknown=1;K8S_POD_NAMESPACE=%s;K8S_POD_NAME=%s", ns, id);
	/* --ip and --mac-address apply to the first network, as Docker's single endpoint. */
	if (idx == 0 && w->ip)
		buf_addf(&b, ";IP=%s", w->ip);
	if (idx == 0 && w->mac)
		buf_addf(&b, ";MAC=%s", w->mac);
	return buf_detach(&b, NULL);
}

/* DEL every attachment recorded in meta (reverse order), then drop the netns and records. */
static int
detach_all(const struct net_env *env, const char *ns, const char *id, json_t *meta,
	   json_t *annotations, struct err **errp)
{
	_cleanup_free_ char *netns = net_netns_path(env, ns, id);
	_cleanup_(wanted_release) struct wanted w = { 0 };
	json_t *att = json_object_get(meta, "Attachments");
	const char *ports = json_get_str(meta, "ActivePorts");
	bool have_ns = access(netns, F_OK) == 0;
	int r = 0;

	(void)annotations;
	if (ports)
		(void)net_ports_from_label(ports, &w.ports, &w.n_ports, NULL);
	for (size_t i = json_array_size(att); i-- > 0;) {
		json_t *a = json_array_get(att, i);
		const char *name = json_get_str(a, "Network"), *ifname = json_get_str(a, "IfName");
		_cleanup_net_network_ struct net_network *n = NULL;
		_cleanup_free_ char *args = NULL;
		struct err *e = NULL;

		if (!name || !ifname)
			continue;
		if (net_network_get(env, name, &n, &e) < 0) {
			/* The network was removed under us: its plugins cannot run any more. */
			err_free(e);
			continue;
		}
		args = cni_args_for(ns, id, 1, &w);
		if (net_cni_del(env, n, id, have_ns ? netns : "", ifname, args, w.ports, w.n_ports,
				json_object_get(a, "Result"), &e) < 0) {
			if (r == 0)
				err_move(errp, &e);
			err_free(e);
			r = -1;
		}
	}
	if (net_netns_release(netns, r == 0 ? errp : NULL) < 0)
		r = -1;
	json_object_set_new(meta, "Attachments", json_array());
	json_object_del(meta, "ActivePorts");
	return r;
}

static int
hook_create(const struct net_env *env, const char *ns, const char *id, long pid,
	    json_t *annotations, struct err **errp)
{
	_cleanup_(wanted_release) struct wanted w = { 0 };
	_cleanup_free_ char *dir = net_hosts_dir(env, ns, id);
	_cleanup_free_ char *netns = net_netns_path(env, ns, id);
	_cleanup_free_ char *pidns = xasprintf("/proc/%ld/ns/net", pid);
	_cleanup_json_ json_t *meta = NULL;
	_cleanup_close_ int lock = -1;
	json_t *att;

	if (wanted_load(annotations, &w, errp) < 0)
		return -1;
	if (!w.nets.n)
		return 0;
	meta = meta_load(dir);
	if (!meta)
		meta = json_pack("{s:s, s:s, s:[], s:[], s:[]}", "ContainerID", id, "Name", "",
				 "ExtraHosts", "Aliases", "Attachments");
	lock = net_cni_lock(env, errp);
	if (lock < 0)
		return -1;
	/* A previous run that was never torn down (killed shim): clean it first. */
	if (json_array_size(json_object_get(meta, "Attachments")) || access(netns, F_OK) == 0)
		(void)detach_all(env, ns, id, meta, annotations, NULL);
	if (check_ports_taken(env, id, w.ports, w.n_ports, errp) < 0)
		return -1;
	if (fs_mkdir_p(dir, 0755, errp) < 0)
		return -1;
	if (net_netns_keep(pidns, netns, errp) < 0)
		return -1;
	att = json_object_get(meta, "Attachments");
	for (size_t i = 0; i < w.nets.n; i++) {
		_cleanup_net_network_ struct net_network *n = NULL;
		_cleanup_free_ char *args = cni_args_for(ns, id, i, &w);
		_cleanup_free_ char *ifname = xasprintf("eth%zu", i);
		struct net_attach a = { 0 };
		json_t *rec;

		if (net_network_get(env, w.nets.v[i], &n, errp) < 0 ||
		    net_cni_add(env, n, id, netns, ifname, args, w.ports, w.n_ports, &a, errp) < 0) {
			/* Undo this partial chain too: DEL is fine on what ADD never made. */
			if (n) {
				rec = json_pack("{s:s, s:s}", "Network", n->name, "IfName", ifname);
				json_array_append_new(att, rec);
			}
			if (w.n_ports) {
				_cleanup_free_ char *pl = net_ports_label(w.ports, w.n_ports);

				json_object_set_new(meta, "ActivePorts", json_string(pl));
			}
			(void)detach_all(env, ns, id, meta, annotations, NULL);
			(void)meta_save(dir, meta, NULL);
			return err_wrap(errp, "network %s", w.nets.v[i]);
		}
		rec = json_pack("{s:s, s:s, s:s?, s:i, s:s?, s:s?, s:i, s:s?, s:s?, s:O}", "Network",
				n->name, "IfName", ifname, "IPAddress", a.ip, "IPPrefixLen",
				a.prefix_len, "Gateway", a.gateway, "GlobalIPv6Address", a.ip6,
				"GlobalIPv6PrefixLen", a.prefix_len6, "IPv6Gateway", a.gateway6,
				"MacAddress", a.mac, "Result", a.result);
		json_object_set_new(rec, "NetworkID", json_string(n->id ? n->id : ""));
		json_array_append_new(att, rec);
		net_attach_release(&a);
		if (w.n_ports && i == 0) {
			_cleanup_free_ char *pl = net_ports_label(w.ports, w.n_ports);

			json_object_set_new(meta, "ActivePorts", json_string(pl));
		}
	}
	if (meta_save(dir, meta, errp) < 0)
		return -1;
	hosts_refresh_all(env, ns);
	return 0;
}

static int
hook_poststop_if(const struct net_env *env, const char *ns, const char *id, json_t *annotations,
		 bool (*still_down)(void *arg), void *arg, struct err **errp);

static int
hook_poststop(const struct net_env *env, const char *ns, const char *id, json_t *annotations,
	      struct err **errp)
{
	return hook_poststop_if(env, ns, id, annotations, NULL, NULL, errp);
}

static int
hook_poststop_if(const struct net_env *env, const char *ns, const char *id, json_t *annotations,
		 bool (*still_down)(void *arg), void *arg, struct err **errp)
{
	_cleanup_free_ char *dir = net_hosts_dir(env, ns, id);
	_cleanup_free_ char *netns = net_netns_path(env, ns, id);
	_cleanup_json_ json_t *meta = meta_load(dir);
	_cleanup_close_ int lock = -1;
	int r;

	if (!meta && access(netns, F_OK) < 0)
		return 0;
	if (!meta)
		meta = json_pack("{s:[]}", "Attachments");
	lock = net_cni_lock(env, errp);
	if (lock < 0)
		return -1;
	/* Under the lock a new task's ADD (createRuntime hook) cannot be half done. */
	if (still_down && !still_down(arg))
		return 0;
	r = detach_all(env, ns, id, meta, annotations, errp);
	if (access(dir, F_OK) == 0)
		(void)meta_save(dir, meta, NULL);
	hosts_refresh_all(env, ns);
	return r;
}

int
net_oci_hook(const struct net_env *env, const char *event, int state_fd, struct err **errp)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	_cleanup_json_ json_t *state = NULL, *spec = NULL;
	json_t *annotations;
	const char *id, *bundle, *ns;
	long pid;

	if (fs_read_fd(state_fd, "OCI state", 1 << 20, &b, errp) < 0)
		return -1;
	state = json_parse_strict(b.data, b.len, 1 << 20, "OCI state", errp);
	if (!state)
		return -1;
	id = json_get_str(state, "id");
	bundle = json_get_str(state, "bundle");
	pid = (long)json_integer_value(json_object_get(state, "pid"));
	if (!id || !*id || strchr(id, '/') || strstr(id, ".."))
		return err_set(errp, ERR_INVALID, "OCI state: bad container id");
	annotations = json_object_get(state, "annotations");
	if (!json_is_object(annotations) && bundle) {
		_cleanup_free_ char *cfg = xasprintf("%s/config.json", bundle);
		_cleanup_buf_ struct buf sb = BUF_INIT;

		if (fs_read_file(cfg, 16 << 20, &sb, errp) < 0)
			return -1;
		spec = json_parse_strict(sb.data, sb.len, 16 << 20, cfg, errp);
		if (!spec)
			return -1;
		annotations = json_object_get(spec, "annotations");
	}
	ns = json_get_str(annotations, "nerdctl/namespace");
	if (!ns)
		ns = env->ns;
	if (strcmp(event, "createRuntime") == 0) {
		if (pid <= 0)
			return err_set(errp, ERR_INVALID, "OCI state: no pid");
		return hook_create(env, ns, id, pid, annotations, errp);
	}
	if (strcmp(event, "postStop") == 0 || strcmp(event, "poststop") == 0)
		return hook_poststop(env, ns, id, annotations, errp);
	return err_set(errp, ERR_INVALID, "unknown OCI hook event \"%s\"", event);
}

static int
rm_rf_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		_cleanup_free_ char *p = NULL;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	return rmdir(dir);
}

int
net_detach(const struct net_env *env, const char *ns, const char *id, struct err **errp)
{
	return hook_poststop(env, ns, id, NULL, errp);
}

int
net_detach_if(const struct net_env *env, const char *ns, const char *id,
	      bool (*still_down)(void *arg), void *arg, struct err **errp)
{
	return hook_poststop_if(env, ns, id, NULL, still_down, arg, errp);
}

int
net_release(const struct net_env *env, const char *ns, const char *id, struct err **errp)
{
	_cleanup_free_ char *dir = net_hosts_dir(env, ns, id);
	int r = hook_poststop(env, ns, id, NULL, errp);

	if (rm_rf_dir(dir) < 0 && errno != ENOENT && r == 0)
		r = err_sys(errp, errno, "remove %s", dir);
	hosts_refresh_all(env, ns);
	return r;
}

json_t *
net_inspect_settings(const struct net_env *env, const char *ns, const char *id,
		     char *const *labels)
{
	_cleanup_free_ char *dir = net_hosts_dir(env, ns, id);
	_cleanup_json_ json_t *meta = meta_load(dir);
	_cleanup_free_ struct net_port *ports = NULL;
	_cleanup_free_ char *netns = net_netns_path(env, ns, id);
	json_t *nets = json_object(), *a;
	json_t *att = json_object_get(meta, "Attachments");
	json_t *first = json_array_get(att, 0);
	json_t *aliases = json_object_get(meta, "Aliases");
	size_t n = 0, i;

	for (size_t k = 0; labels && labels[k]; k++)
		if (strncmp(labels[k], LABEL_PORTS "=", strlen(LABEL_PORTS) + 1) == 0)
			(void)net_ports_from_label(labels[k] + strlen(LABEL_PORTS) + 1, &ports, &n, NULL);
	json_array_foreach(att, i, a)
		json_object_set_new(nets, json_get_str(a, "Network") ? json_get_str(a, "Network") : "",
				    json_pack("{s:n, s:n, s:O?, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:i, s:s, s:n}",
					      "IPAMConfig", "Links", "Aliases", json_array_size(aliases) ? aliases : NULL,
					      "NetworkID", json_get_str(a, "NetworkID") ? json_get_str(a, "NetworkID") : "",
					      "EndpointID", "",
					      "Gateway", json_get_str(a, "Gateway") ? json_get_str(a, "Gateway") : "",
					      "IPAddress", json_get_str(a, "IPAddress") ? json_get_str(a, "IPAddress") : "",
					      "IPPrefixLen", (int)json_integer_value(json_object_get(a, "IPPrefixLen")),
					      "IPv6Gateway", json_get_str(a, "IPv6Gateway") ? json_get_str(a, "IPv6Gateway") : "",
					      "GlobalIPv6Address", json_get_str(a, "GlobalIPv6Address") ? json_get_str(a, "GlobalIPv6Address") : "",
					      "GlobalIPv6PrefixLen", (int)json_integer_value(json_object_get(a, "GlobalIPv6PrefixLen")),
					      "MacAddress", json_get_str(a, "MacAddress") ? json_get_str(a, "MacAddress") : "",
					      "DriverOpts"));
#define S(k) (json_get_str(first, k) ? json_get_str(first, k) : "")
	return json_pack("{s:s, s:s, s:b, s:o, s:s, s:s, s:s, s:i, s:s, s:s, s:i, s:s, s:o}",
			 "Bridge", "", "SandboxID", "", "HairpinMode", 0,
			 "Ports", net_ports_docker_json(ports, n, NULL),
			 "SandboxKey", access(netns, F_OK) == 0 ? netns : "",
			 "Gateway", S("Gateway"), "IPAddress", S("IPAddress"),
			 "IPPrefixLen", (int)json_integer_value(json_object_get(first, "IPPrefixLen")),
			 "IPv6Gateway", S("IPv6Gateway"), "GlobalIPv6Address", S("GlobalIPv6Address"),
			 "GlobalIPv6PrefixLen", (int)json_integer_value(json_object_get(first, "GlobalIPv6PrefixLen")),
			 "MacAddress", S("MacAddress"), "Networks", nets);
#undef S
}

int
net_network_containers(const struct net_env *env, const char *network, json_t **ret)
{
	_cleanup_free_ char *nsdir = xasprintf("%s/etchosts/%s", env->data_store, env->ns);
	DIR *d = opendir(nsdir);
	struct dirent *de;
	json_t *out = json_object();

	while (d && (de = readdir(d))) {
		_cleanup_free_ char *dir = NULL;
		_cleanup_json_ json_t *meta = NULL;
		json_t *a;
		size_t i;

		if (de->d_name[0] == '.')
			continue;
		dir = xasprintf("%s/%s", nsdir, de->d_name);
		meta = meta_load(dir);
		json_array_foreach(json_object_get(meta, "Attachments"), i, a) {
			const char *ip = json_get_str(a, "IPAddress"), *net = json_get_str(a, "Network");

			if (!net || strcmp(net, network) != 0)
				continue;
			json_object_set_new(out, de->d_name, json_pack("{s:s, s:s, s:s, s:s, s:s}",
				"Name", json_get_str(meta, "Name") ? json_get_str(meta, "Name") : "",
				"EndpointID", "",
				"MacAddress", json_get_str(a, "MacAddress") ? json_get_str(a, "MacAddress") : "",
				"IPv4Address", "", "IPv6Address", ""));
			if (ip)
				json_object_set_new(json_object_get(out, de->d_name), "IPv4Address",
						    json_sprintf("%s/%d", ip, (int)json_integer_value(json_object_get(a, "IPPrefixLen"))));
		}
	}
	if (d)
		closedir(d);
	*ret = out;
	return 0;
}
