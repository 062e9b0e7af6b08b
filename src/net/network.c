/* CNI networks as nerdctl keeps them: conflist generation, listing, lookup, create, remove. */
#include <arpa/inet.h>
#include <dirent.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/sockios.h>

#include "base/buf.h"
#include "base/digest.h"
#include "base/fs.h"
#include "base/json.h"
#include "base/parse.h"
#include "base/xalloc.h"
#include "net/net.h"
#include "net/net_internal.h"
#include "base/banned.h"

#define CONFLIST_MAX (1 << 20)

void
net_create_opts_release(struct net_create_opts *o)
{
	strv_release(&o->subnets);
	strv_release(&o->gateways);
	strv_release(&o->ip_ranges);
	strv_release(&o->labels);
	strv_release(&o->options);
}

void
net_network_free(struct net_network *n)
{
	if (!n)
		return;
	free(n->name);
	free(n->id);
	free(n->file);
	free(n->driver);
	free(n->bridge);
	strv_release(&n->subnets);
	strv_release(&n->gateways);
	strv_release(&n->ip_ranges);
	strv_release(&n->labels);
	json_decref(n->conf);
	free(n);
}

void
net_network_list_free(struct net_network **l)
{
	if (!l)
		return;
	for (size_t i = 0; l[i]; i++)
		net_network_free(l[i]);
	free(l);
}

int
net_network_id(const char *name, char out[65], struct err **errp)
{
	char d[DIGEST_STR_SIZE];

	if (digest_bytes(name, strlen(name), d, errp) < 0)
		return -1;
	memcpy(out, d + strlen("sha256:"), 64);
	out[64] = '\0';
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The struct view of a parsed conflist (conf is taken). */
static struct net_network *
network_from_conf(json_t *conf, const char *file)
{
	struct net_network *n = xnew(struct net_network, 1);
	json_t *plugins = json_object_get(conf, "plugins");
	json_t *first = json_array_get(plugins, 0);
	json_t *labels = json_object_get(conf, "nerdctlLabels");
	json_t *ranges, *set, *v;
	const char *k;
	size_t i;

	n->conf = conf;
	n->name = xstrdup(json_get_str(conf, "name"));
	n->id = xstrdup_null(json_get_str(conf, "nerdctlID"));
	n->file = xstrdup_null(file);
	n->driver = xstrdup(first && json_get_str(first, "type") ? json_get_str(first, "type") : "");
	n->bridge = xstrdup_null(json_get_str(first, "bridge"));
	if (json_is_object(labels)) {
		json_object_foreach(labels, k, v)
			strv_pushf(&n->labels, "%s=%s", k, json_is_string(v) ? json_string_value(v) : "");
		if (n->labels.n)
			qsort(n->labels.v, n->labels.n, sizeof(char *), cmp_str);
	}
	ranges = json_object_get(json_object_get(first, "ipam"), "ranges");
	json_array_foreach(ranges, i, set) {
		json_t *r = json_array_get(set, 0);
		const char *sub = json_get_str(r, "subnet");

		if (!sub)
			continue;
		strv_push(&n->subnets, sub);
		strv_push(&n->gateways, json_get_str(r, "gateway") ? json_get_str(r, "gateway") : "");
		strv_push(&n->ip_ranges, json_get_str(r, "ipRange") ? json_get_str(r, "ipRange") : "");
		if (strchr(sub, ':'))
			n->ipv6 = true;
	}
	if (strcmp(n->driver, "bridge") == 0)
		n->internal = !json_is_true(json_object_get(first, "isGateway"));
	return n;
}

/* Reads a .conflist, or a .conf/.json single plugin wrapped into a list as libcni does. */
static struct net_network *
network_load(const char *path, struct err **errp)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	_cleanup_json_ json_t *conf = NULL;
	size_t len = strlen(path);

	if (fs_read_file(path, CONFLIST_MAX, &b, errp) < 0)
		return NULL;
	conf = json_parse_strict(b.data, b.len, CONFLIST_MAX, path, errp);
	if (!conf)
		return NULL;
	if (!json_is_object(conf) || !json_get_str(conf, "name")) {
		err_set(errp, ERR_INVALID, "%s: no network name", path);
		return NULL;
	}
	if (len < 9 || strcmp(path + len - 9, ".conflist") != 0) {
		json_t *list = json_pack("{s:O?, s:O, s:[O]}", "cniVersion",
					 json_object_get(conf, "cniVersion"), "name",
					 json_object_get(conf, "name"), "plugins", conf);

		json_decref(conf);
		conf = list;
	}
	if (!json_is_array(json_object_get(conf, "plugins")) ||
	    !json_array_size(json_object_get(conf, "plugins"))) {
		err_set(errp, ERR_INVALID, "%s: no plugins", path);
		return NULL;
	}
	return network_from_conf(TAKE_PTR(conf), path);
}

static bool
conf_file_name(const char *n)
{
	size_t l = strlen(n);

	if (n[0] == '.')
		return false;
	return (l > 9 && strcmp(n + l - 9, ".conflist") == 0) ||
	       (l > 5 && strcmp(n + l - 5, ".conf") == 0) ||
	       (l > 5 && strcmp(n + l - 5, ".json") == 0);
}

static void
collect_files(const char *dir, struct strv *out)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)))
		if (e->d_type != DT_DIR && conf_file_name(e->d_name))
			strv_pushf(out, "%s/%s", dir, e->d_name);
	closedir(d);
}

static int
cmp_network_name(const void *a, const void *b)
{
	return strcmp((*(struct net_network *const *)a)->name, (*(struct net_network *const *)b)->name);
}

static struct net_network *
pseudo_network(const char *name)
{
	struct net_network *n = xnew(struct net_network, 1);

	n->name = xstrdup(name);
	n->driver = xstrdup(name);
	return n;
}

int
net_network_list(const struct net_env *env, bool with_pseudo, struct net_network ***ret,
		 struct err **errp)
{
	_cleanup_strv_ struct strv files = STRV_INIT;
	_cleanup_free_ char *nsdir = NULL;
	struct net_network **l;
	size_t n = 0;

	collect_files(env->netconf_path, &files);
	if (env->ns) {
		nsdir = xasprintf("%s/%s", env->netconf_path, env->ns);
		collect_files(nsdir, &files);
	}
	if (files.n)
		qsort(files.v, files.n, sizeof(char *), cmp_str);
	l = xnew(struct net_network *, files.n + 3);
	for (size_t i = 0; i < files.n; i++) {
		_cleanup_err_ struct err *e = NULL;
		struct net_network *nw = network_load(files.v[i], &e);

		/* One broken foreign file must not hide the others: skip it, as libcni does not. */
		if (!nw) {
			log_debug("skipping %s: %s", files.v[i], e ? e->msg : "?");
			continue;
		}
		l[n++] = nw;
	}
	if (with_pseudo) {
		/* Docker lists networks by name; the plain listing keeps libcni's file order. */
		l[n++] = pseudo_network("host");
		l[n++] = pseudo_network("none");
		qsort(l, n, sizeof(*l), cmp_network_name);
	}
	*ret = l;
	return 0;
}

int
net_network_get(const struct net_env *env, const char *ref, struct net_network **ret,
		struct err **errp)
{
	struct net_network **l = NULL;
	struct net_network *found = NULL;
	size_t rl = strlen(ref);
	int matches = 0;

	if (net_network_list(env, true, &l, errp) < 0)
		return -1;
	for (size_t i = 0; l[i] && !found; i++)
		if (strcmp(l[i]->name, ref) == 0 || (l[i]->id && strcmp(l[i]->id, ref) == 0))
			found = l[i];
	for (size_t i = 0; l[i] && !found; i++)
		if (rl && l[i]->id && strncmp(l[i]->id, ref, rl) == 0)
			matches++;
	if (!found && matches == 1)
		for (size_t i = 0; l[i]; i++)
			if (l[i]->id && strncmp(l[i]->id, ref, rl) == 0)
				found = l[i];
	for (size_t i = 0; l[i]; i++)
		if (l[i] != found)
			net_network_free(l[i]);
	free(l);
	if (!found) {
		if (matches > 1)
			return err_set(errp, ERR_INVALID, "network %s is ambiguous (%d matches found based on ID prefix)", ref, matches);
		return err_set(errp, ERR_NOT_FOUND, "No such network: %s", ref);
	}
	*ret = found;
	return 0;
}

/* Subnets of the host's interfaces, as nerdctl counts them in use. */
static void
host_subnets(struct net_cidr **used, struct strv *names, size_t *n)
{
	struct ifaddrs *ifa = NULL;

	if (getifaddrs(&ifa) < 0)
		return;
	for (struct ifaddrs *i = ifa; i; i = i->ifa_next) {
		struct net_cidr c = { 0 };
		const uint8_t *a, *m;
		int len;

		if (!i->ifa_addr || !i->ifa_netmask || (i->ifa_flags & IFF_LOOPBACK))
			continue;
		if (i->ifa_addr->sa_family == AF_INET) {
			a = (const uint8_t *)&((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr;
			m = (const uint8_t *)&((struct sockaddr_in *)(void *)i->ifa_netmask)->sin_addr;
			len = 4;
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			a = (const uint8_t *)&((struct sockaddr_in6 *)(void *)i->ifa_addr)->sin6_addr;
			m = (const uint8_t *)&((struct sockaddr_in6 *)(void *)i->ifa_netmask)->sin6_addr;
			len = 16;
			if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
				continue;	/* link-local */
		} else {
			continue;
		}
		c.family = i->ifa_addr->sa_family;
		for (int k = 0; k < len; k++) {
			c.addr[k] = a[k] & m[k];
			c.prefix += __builtin_popcount(m[k]);
		}
		*used = xrealloc(*used, (*n + 1) * sizeof(**used));
		(*used)[(*n)++] = c;
		strv_pushf(names, "host interface %s", i->ifa_name);
	}
	freeifaddrs(ifa);
}

/* Every subnet in use: other networks' ranges and the host's interfaces. */
static void
used_subnets(struct net_network **l, struct net_cidr **used, struct strv *names, size_t *n)
{
	for (size_t i = 0; l[i]; i++)
		for (size_t k = 0; k < l[i]->subnets.n; k++) {
			struct net_cidr c;

			if (net_cidr_parse(l[i]->subnets.v[k], &c, NULL) < 0)
				continue;
			*used = xrealloc(*used, (*n + 1) * sizeof(**used));
			(*used)[(*n)++] = c;
			strv_pushf(names, "network %s", l[i]->name);
		}
	host_subnets(used, names, n);
}

static const char *
opt_value(const struct strv *opts, const char *key, const char **ret_key)
{
	size_t kl = strlen(key);

	for (size_t i = 0; i < opts->n; i++)
		if (strncmp(opts->v[i], key, kl) == 0 && opts->v[i][kl] == '=') {
			if (ret_key)
				*ret_key = key;
			return opts->v[i] + kl + 1;
		}
	return NULL;
}

static int
check_options(const char *driver, const struct strv *opts, struct err **errp)
{
	static const char *const bridge_ok[] = {
		"mtu", "com.docker.network.driver.mtu", "com.docker.network.bridge.name",
		"ip-masq", "com.docker.network.bridge.enable_ip_masquerade", "icc",
		"com.docker.network.bridge.enable_icc", NULL,
	};
	static const char *const vlan_ok[] = {
		"mtu", "com.docker.network.driver.mtu", "mode", "macvlan_mode", "ipvlan_mode",
		"parent", NULL,
	};
	const char *const *ok = strcmp(driver, "bridge") == 0 ? bridge_ok : vlan_ok;

	for (size_t i = 0; i < opts->n; i++) {
		const char *eq = strchr(opts->v[i], '=');
		size_t kl = eq ? (size_t)(eq - opts->v[i]) : strlen(opts->v[i]);
		bool known = false;

		for (size_t k = 0; ok[k] && !known; k++)
			known = strlen(ok[k]) == kl && strncmp(ok[k], opts->v[i], kl) == 0;
		if (!known || !eq)
			return err_set(errp, ERR_INVALID, "unsupported \"%s\" network option \"%.*s\"",
				       driver, (int)kl, opts->v[i]);
	}
	return 0;
}

static int
mtu_option(const struct strv *opts, json_t *plugin, struct err **errp)
{
	const char *v = opt_value(opts, "mtu", NULL);
	int mtu;

	if (!v)
		v = opt_value(opts, "com.docker.network.driver.mtu", NULL);
	if (!v)
		return 0;
	if (parse_int(v, &mtu, NULL) < 0 || mtu < 0)
		return err_set(errp, ERR_INVALID, "invalid mtu: %s", v);
	if (mtu)
		json_object_set_new(plugin, "mtu", json_integer(mtu));
	return 0;
}

/* host-local IPAM with one range set per subnet. */
static json_t *
build_ipam(const struct net_create_opts *o, const struct net_cidr *used, char *const *used_names,
	   size_t n_used, struct err **errp)
{
	_cleanup_json_ json_t *ipam = json_pack("{s:s}", "type", "host-local");
	json_t *ranges = json_array(), *routes = json_array();
	_cleanup_strv_ struct strv subnets = STRV_INIT;
	bool has4 = false, has6 = false;
	char buf[64];

	json_object_set_new(ipam, "ranges", ranges);
	for (size_t i = 0; i < o->subnets.n; i++)
		strv_push(&subnets, o->subnets.v[i]);
	if (!subnets.n) {
		if (o->ipv6)
			return err_set(errp, ERR_INVALID, "--ipv6 needs an IPv6 --subnet"), json_decref(routes), NULL;
		if (net_next_free_subnet(used, n_used, buf, sizeof(buf), errp) < 0)
			return json_decref(routes), NULL;
		strv_push(&subnets, buf);
	}
	for (size_t i = 0; i < subnets.n; i++) {
		struct net_cidr c;
		json_t *r;
		char gw[INET6_ADDRSTRLEN];

		if (net_cidr_check_network(subnets.v[i], &c, errp) < 0)
			return json_decref(routes), NULL;
		for (size_t k = 0; k < n_used; k++)
			if (net_cidr_overlaps(&c, &used[k]))
				return err_set(errp, ERR_INVALID, "subnet %s overlaps with %s", subnets.v[i], used_names[k]), json_decref(routes), NULL;
		for (size_t k = 0; k < i; k++) {
			struct net_cidr p;

			if (net_cidr_parse(subnets.v[k], &p, NULL) == 0 && net_cidr_overlaps(&c, &p))
				return err_set(errp, ERR_INVALID, "subnet %s overlaps with subnet %s", subnets.v[i], subnets.v[k]), json_decref(routes), NULL;
		}
		if (c.family == AF_INET6 && !o->ipv6)
			return err_set(errp, ERR_INVALID, "IPv6 subnet %s needs --ipv6", subnets.v[i]), json_decref(routes), NULL;
		has4 |= c.family == AF_INET;
		has6 |= c.family == AF_INET6;
		net_cidr_addr(&c, 1, gw, sizeof(gw));
		r = json_pack("{s:s}", "subnet", subnets.v[i]);
		for (size_t k = 0; k < o->gateways.n; k++)
			if (net_cidr_contains(&c, o->gateways.v[k]))
				snprintf(gw, sizeof(gw), "%s", o->gateways.v[k]);
		for (size_t k = 0; k < o->ip_ranges.n; k++) {
			struct net_cidr rc;
			char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

			if (net_cidr_parse(o->ip_ranges.v[k], &rc, errp) < 0)
				return json_decref(r), json_decref(routes), NULL;
			net_cidr_addr(&rc, 0, a, sizeof(a));
			net_cidr_addr(&rc, -1, b, sizeof(b));
			if (rc.family != c.family || rc.prefix < c.prefix || !net_cidr_contains(&c, a))
				continue;
			/* host-local skips the network and broadcast addresses itself. */
			json_object_set_new(r, "rangeStart", json_string(a));
			json_object_set_new(r, "rangeEnd", json_string(b));
			json_object_set_new(r, "ipRange", json_string(o->ip_ranges.v[k]));
		}
		json_object_set_new(r, "gateway", json_string(gw));
		json_array_append_new(ranges, json_pack("[o]", r));
	}
	/* Every --gateway and --ip-range must fall in some subnet (Docker's words). */
	for (size_t k = 0; k < o->gateways.n; k++) {
		bool ok = false;

		for (size_t i = 0; i < subnets.n && !ok; i++) {
			struct net_cidr c;

			ok = net_cidr_parse(subnets.v[i], &c, NULL) == 0 &&
			     net_cidr_contains(&c, o->gateways.v[k]);
		}
		if (!ok)
			return err_set(errp, ERR_INVALID, "no matching subnet for gateway %s", o->gateways.v[k]), json_decref(routes), NULL;
	}
	for (size_t k = 0; k < o->ip_ranges.n; k++) {
		json_t *set;
		size_t i;
		bool ok = false;

		json_array_foreach(ranges, i, set) {
			const char *ir = json_get_str(json_array_get(set, 0), "ipRange");

			ok |= ir && strcmp(ir, o->ip_ranges.v[k]) == 0;
		}
		if (!ok)
			return err_set(errp, ERR_INVALID, "no matching subnet for range %s", o->ip_ranges.v[k]), json_decref(routes), NULL;
	}
	if (o->ipv6 && !has6)
		return err_set(errp, ERR_INVALID, "--ipv6 needs an IPv6 --subnet"), json_decref(routes), NULL;
	if (!o->internal) {
		if (has4)
			json_array_append_new(routes, json_pack("{s:s}", "dst", "0.0.0.0/0"));
		if (has6)
			json_array_append_new(routes, json_pack("{s:s}", "dst", "::/0"));
	}
	if (json_array_size(routes))
		json_object_set_new(ipam, "routes", routes);
	else
		json_decref(routes);
	return TAKE_PTR(ipam);
}

json_t *
net_conflist_build(const struct net_create_opts *o, const struct net_cidr *used,
		   char *const *used_names, size_t n_used, struct err **errp)
{
	const char *driver = o->driver && *o->driver ? o->driver : "bridge";
	_cleanup_json_ json_t *conf = NULL;
	_cleanup_json_ json_t *main_plugin = NULL;
	json_t *plugins, *labels, *ipam;
	char id[65];
	bool is_default;

	if (strcmp(driver, "bridge") != 0 && strcmp(driver, "macvlan") != 0 &&
	    strcmp(driver, "ipvlan") != 0)
		return err_set(errp, ERR_INVALID, "unsupported cni driver \"%s\"", driver), NULL;
	if (check_options(driver, &o->options, errp) < 0)
		return NULL;
	if (net_network_id(o->name, id, errp) < 0)
		return NULL;
	is_default = strcmp(o->name, NET_DEFAULT_NAME) == 0;
	ipam = build_ipam(o, used, used_names, n_used, errp);
	if (!ipam)
		return NULL;
	main_plugin = json_pack("{s:s}", "type", driver);
	if (strcmp(driver, "bridge") == 0) {
		const char *name = opt_value(&o->options, "com.docker.network.bridge.name", NULL);
		const char *masq = opt_value(&o->options, "ip-masq", NULL);
		const char *icc = opt_value(&o->options, "icc", NULL);
		int masq_on = 1, icc_on = 1;
		char dev[32];

		if (!masq)
			masq = opt_value(&o->options, "com.docker.network.bridge.enable_ip_masquerade", NULL);
		if (!icc)
			icc = opt_value(&o->options, "com.docker.network.bridge.enable_icc", NULL);
		if (masq && parse_bool(masq, &masq_on, errp) < 0)
			return json_decref(ipam), NULL;
		if (icc && parse_bool(icc, &icc_on, errp) < 0)
			return json_decref(ipam), NULL;
		if (!icc_on)
			return err_set(errp, ERR_UNIMPLEMENTED, "icc=false needs the firewall plugin's \"isolated\" policy (plugins >= 1.7.1): not implemented yet"), json_decref(ipam), NULL;
		if (name && (!*name || strlen(name) >= IFNAMSIZ))
			return err_set(errp, ERR_INVALID, "invalid bridge name: \"%s\"", name), json_decref(ipam), NULL;
		snprintf(dev, sizeof(dev), "br-%.12s", id);
		json_object_set_new(main_plugin, "bridge",
				    json_string(name ? name : is_default ? NET_DEFAULT_BRIDGE : dev));
		if (!o->internal)
			json_object_set_new(main_plugin, "isGateway", json_true());
		if (!o->internal && masq_on)
			json_object_set_new(main_plugin, "ipMasq", json_true());
		if (mtu_option(&o->options, main_plugin, errp) < 0)
			return json_decref(ipam), NULL;
		json_object_set_new(main_plugin, "hairpinMode", json_true());
	} else {
		const char *mode = opt_value(&o->options, "mode", NULL);
		const char *parent = opt_value(&o->options, "parent", NULL);
		bool mac = strcmp(driver, "macvlan") == 0;

		if (!mode)
			mode = opt_value(&o->options, mac ? "macvlan_mode" : "ipvlan_mode", NULL);
		if (opt_value(&o->options, mac ? "ipvlan_mode" : "macvlan_mode", NULL))
			return err_set(errp, ERR_INVALID, "unsupported \"%s\" network option \"%s\"", driver, mac ? "ipvlan_mode" : "macvlan_mode"), json_decref(ipam), NULL;
		if (mode && mac && strcmp(mode, "bridge") != 0)
			return err_set(errp, ERR_INVALID, "unknown macvlan mode \"%s\"", mode), json_decref(ipam), NULL;
		if (mode && !mac && strcmp(mode, "l2") != 0 && strcmp(mode, "l3") != 0)
			return err_set(errp, ERR_INVALID, "unknown ipvlan mode \"%s\"", mode), json_decref(ipam), NULL;
		json_object_set_new(main_plugin, "master", json_string(parent ? parent : ""));
		if (mode)
			json_object_set_new(main_plugin, "mode", json_string(mode));
		if (mtu_option(&o->options, main_plugin, errp) < 0)
			return json_decref(ipam), NULL;
	}
	json_object_set_new(main_plugin, "ipam", ipam);
	if (o->ipv6)
		json_object_set_new(main_plugin, "capabilities", json_pack("{s:b}", "ips", 1));
	labels = json_object();
	for (size_t i = 0; i < o->labels.n; i++) {
		const char *eq = strchr(o->labels.v[i], '=');
		_cleanup_free_ char *k = xstrndup(o->labels.v[i], eq ? (size_t)(eq - o->labels.v[i]) : strlen(o->labels.v[i]));

		json_object_set_new(labels, k, json_string(eq ? eq + 1 : ""));
	}
	plugins = json_array();
	json_array_append(plugins, main_plugin);
	if (strcmp(driver, "bridge") == 0) {
		if (!o->internal)
			json_array_append_new(plugins, json_pack("{s:s, s:{s:b}}", "type", "portmap",
								 "capabilities", "portMappings", 1));
		json_array_append_new(plugins, json_pack("{s:s, s:s}", "type", "firewall",
							 "ingressPolicy", "same-bridge"));
		json_array_append_new(plugins, json_pack("{s:s}", "type", "tuning"));
	}
	conf = json_pack("{s:s, s:s, s:s, s:o, s:o}", "cniVersion", "1.0.0", "name", o->name,
			 "nerdctlID", id, "nerdctlLabels", labels, "plugins", plugins);
	return TAKE_PTR(conf);
}

/* flock on the conflist dir, as nerdctl's lockutil.WithDirLock. */
static int
lock_dir(const char *dir, struct err **errp)
{
	int fd;

	if (fs_mkdir_p(dir, 0755, errp) < 0)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return err_sys(errp, errno, "open %s", dir);
	if (flock(fd, LOCK_EX) < 0) {
		close(fd);
		return err_sys(errp, errno, "lock %s", dir);
	}
	return fd;
}

static int
create_locked(const struct net_env *env, const struct net_create_opts *o, const char *path,
	      struct net_network **ret, struct err **errp)
{
	struct net_network **l = NULL;
	_cleanup_free_ struct net_cidr *used = NULL;
	_cleanup_strv_ struct strv names = STRV_INIT;
	_cleanup_json_ json_t *conf = NULL;
	_cleanup_free_ char *text = NULL;
	size_t n = 0;
	int r = 0;

	if (net_network_list(env, true, &l, errp) < 0)
		return -1;
	for (size_t i = 0; l[i]; i++)
		if (strcmp(l[i]->name, o->name) == 0)
			r = err_set(errp, ERR_EXISTS, "network with name %s already exists", o->name);
	if (r == 0)
		used_subnets(l, &used, &names, &n);
	net_network_list_free(l);
	if (r < 0)
		return -1;
	conf = net_conflist_build(o, used, names.v, n, errp);
	if (!conf)
		return -1;
	text = json_dumps(conf, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (access(path, F_OK) == 0)
		return err_set(errp, ERR_EXISTS, "network with name %s already exists", o->name);
	if (fs_write_atomic(path, text, strlen(text), 0644, errp) < 0)
		return -1;
	if (ret)
		*ret = network_from_conf(TAKE_PTR(conf), path);
	return 0;
}

static char *
conflist_path(const struct net_env *env, const char *name)
{
	/* nerdctl's getConfigPathForNetworkName without a namespace subdir. */
	return xasprintf("%s/nerdctl-%s.conflist", env->netconf_path, name);
}

int
net_network_create(const struct net_env *env, const struct net_create_opts *o,
		   struct net_network **ret, struct err **errp)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int lock = -1;

	if (!o->name || !*o->name)
		return err_set(errp, ERR_INVALID, "network name must not be empty");
	if (strcmp(o->name, "host") == 0 || strcmp(o->name, "none") == 0 ||
	    strncmp(o->name, "container:", 10) == 0)
		return err_set(errp, ERR_INVALID, "network name %s is reserved", o->name);
	for (const char *p = o->name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      (p != o->name && strchr("_.-", *p))))
			return err_set(errp, ERR_INVALID, "invalid network name \"%s\": must match [a-zA-Z0-9][a-zA-Z0-9_.-]*", o->name);
	if (strcmp(o->name, NET_DEFAULT_NAME) != 0 && net_ensure_default(env, errp) < 0)
		return -1;
	lock = lock_dir(env->netconf_path, errp);
	if (lock < 0)
		return -1;
	path = conflist_path(env, o->name);
	return create_locked(env, o, path, ret, errp);
}

int
net_ensure_default(const struct net_env *env, struct err **errp)
{
	struct net_network **l = NULL;
	bool found = false;
	_cleanup_(net_create_opts_release) struct net_create_opts o = NET_CREATE_OPTS_INIT;
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int lock = -1;

	if (net_network_list(env, false, &l, errp) < 0)
		return -1;
	for (size_t i = 0; l[i] && !found; i++)
		found = strcmp(l[i]->name, NET_DEFAULT_NAME) == 0 ||
			strv_contains(&l[i]->labels, "nerdctl/default-network=true");
	net_network_list_free(l);
	if (found)
		return 0;
	lock = lock_dir(env->netconf_path, errp);
	if (lock < 0)
		return -1;
	path = conflist_path(env, NET_DEFAULT_NAME);
	if (access(path, F_OK) == 0)
		return 0;	/* another process made it while we waited */
	o.name = NET_DEFAULT_NAME;
	strv_push(&o.subnets, NET_DEFAULT_SUBNET);
	strv_push(&o.labels, "nerdctl/default-network=true");
	/* The default network ignores host interfaces (nerdctl0 itself may exist already). */
	{
		_cleanup_json_ json_t *conf = net_conflist_build(&o, NULL, NULL, 0, errp);
		_cleanup_free_ char *text = NULL;

		if (!conf)
			return err_wrap(errp, "failed to create default network");
		text = json_dumps(conf, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		return fs_write_atomic(path, text, strlen(text), 0644, errp);
	}
}

bool
net_network_is_default(const struct net_network *n)
{
	return strcmp(n->name, NET_DEFAULT_NAME) == 0 ||
	       strv_contains(&n->labels, "nerdctl/default-network=true");
}

/* Deletes a bridge device (SIOCBRDELBR needs it down first). Missing is fine. */
static int
remove_bridge(const char *name, struct err **errp)
{
	_cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr = { 0 };

	if (fd < 0)
		return err_sys(errp, errno, "socket");
	if (strlen(name) >= IFNAMSIZ)
		return 0;
	memcpy(ifr.ifr_name, name, strlen(name) + 1);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return errno == ENODEV ? 0 : err_sys(errp, errno, "bridge %s", name);
	ifr.ifr_flags = (short)(ifr.ifr_flags & ~IFF_UP);
	(void)ioctl(fd, SIOCSIFFLAGS, &ifr);
	if (ioctl(fd, SIOCBRDELBR, name) < 0 && errno != ENXIO && errno != ENODEV)
		return err_sys(errp, errno, "delete bridge %s", name);
	return 0;
}

int
net_network_remove(const struct net_env *env, const struct net_network *n, struct err **errp)
{
	_cleanup_close_ int lock = -1;

	if (!n->file)
		return err_set(errp, ERR_PRECONDITION, "%s is a pre-defined network and cannot be removed", n->name);
	if (net_network_is_default(n))
		return err_set(errp, ERR_PRECONDITION, "%s is a pre-defined network and cannot be removed", n->name);
	lock = lock_dir(env->netconf_path, errp);
	if (lock < 0)
		return -1;
	if (unlink(n->file) < 0 && errno != ENOENT)
		return err_sys(errp, errno, "remove %s", n->file);
	if (n->bridge && strcmp(n->driver, "bridge") == 0)
		return remove_bridge(n->bridge, errp);
	return 0;
}

json_t *
net_network_inspect_json(const struct net_network *n)
{
	json_t *cfg = json_array(), *labels = json_object(), *options = json_object();
	json_t *plugin = n->conf ? json_array_get(json_object_get(n->conf, "plugins"), 0) : NULL;
	struct stat st;
	char created[64] = "0001-01-01T00:00:00Z";

	for (size_t i = 0; i < n->subnets.n; i++) {
		json_t *c = json_pack("{s:s}", "Subnet", n->subnets.v[i]);

		if (*n->ip_ranges.v[i])
			json_object_set_new(c, "IPRange", json_string(n->ip_ranges.v[i]));
		if (*n->gateways.v[i])
			json_object_set_new(c, "Gateway", json_string(n->gateways.v[i]));
		json_array_append_new(cfg, c);
	}
	for (size_t i = 0; i < n->labels.n; i++) {
		const char *eq = strchr(n->labels.v[i], '=');
		_cleanup_free_ char *k = xstrndup(n->labels.v[i], (size_t)(eq - n->labels.v[i]));

		json_object_set_new(labels, k, json_string(eq + 1));
	}
	if (n->bridge)
		json_object_set_new(options, "com.docker.network.bridge.name", json_string(n->bridge));
	if (json_integer_value(json_object_get(plugin, "mtu")))
		json_object_set_new(options, "com.docker.network.driver.mtu",
				    json_sprintf("%lld", (long long)json_integer_value(json_object_get(plugin, "mtu"))));
	if (n->file && stat(n->file, &st) == 0)
		net_rfc3339(st.st_mtim.tv_sec, st.st_mtim.tv_nsec, created, sizeof(created));
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:{s:s, s:{}, s:o}, s:b, s:b, s:b, s:{s:s}, s:b, s:{}, s:o, s:o}",
			 "Name", n->name, "Id", n->id ? n->id : "", "Created", created, "Scope", "local",
			 "Driver", n->driver, "EnableIPv6", n->ipv6, "IPAM", "Driver", "default",
			 "Options", "Config", cfg, "Internal", n->internal, "Attachable", 0, "Ingress", 0,
			 "ConfigFrom", "Network", "", "ConfigOnly", 0, "Containers", "Options", options,
			 "Labels", labels);
}
