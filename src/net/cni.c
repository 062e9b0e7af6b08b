/* Running a CNI plugin chain the way libcni does: ADD in order with prevResult, DEL reversed. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/json.h"
#include "base/xalloc.h"
#include "net/net_internal.h"
#include "base/banned.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

void
net_attach_release(struct net_attach *a)
{
	free(a->network);
	free(a->ifname);
	free(a->ip);
	free(a->gateway);
	free(a->ip6);
	free(a->gateway6);
	free(a->mac);
	json_decref(a->result);
	memset(a, 0, sizeof(*a));
}

/* First dir of the colon-separated cni_path that holds the plugin binary. */
static char *
find_plugin(const char *cni_path, const char *type, struct err **errp)
{
	_cleanup_strv_ struct strv dirs = STRV_INIT;

	if (strchr(type, '/') || !*type)
		return err_set(errp, ERR_INVALID, "invalid CNI plugin type \"%s\"", type), NULL;
	strv_split(&dirs, cni_path, ':');
	for (size_t i = 0; i < dirs.n; i++) {
		char *p = xasprintf("%s/%s", dirs.v[i], type);

		if (access(p, X_OK) == 0)
			return p;
		free(p);
	}
	return err_set(errp, ERR_NOT_FOUND, "failed to find plugin \"%s\" in path [%s]", type, cni_path), NULL;
}

static json_t *
port_mappings(const struct net_port *ports, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++) {
		json_t *m = json_pack("{s:i, s:i, s:s}", "hostPort", ports[i].host_port,
				      "containerPort", ports[i].container_port, "protocol",
				      ports[i].proto);

		if (*ports[i].host_ip)
			json_object_set_new(m, "hostIP", json_string(ports[i].host_ip));
		json_array_append_new(a, m);
	}
	return a;
}

/* One plugin invocation; *ret (ADD) is its result. */
static int
exec_plugin(const struct net_env *env, json_t *list, json_t *plugin, const char *cmd,
	    const char *id, const char *netns, const char *ifname, const char *cni_args,
	    const struct net_port *ports, size_t n_ports, json_t *prev, json_t **ret,
	    struct err **errp)
{
	const char *type = json_get_str(plugin, "type");
	_cleanup_json_ json_t *conf = json_deep_copy(plugin);
	_cleanup_free_ char *path = NULL, *in = NULL;
	_cleanup_strv_ struct strv envv = STRV_INIT;
	_cleanup_buf_ struct buf out = BUF_INIT;
	json_t *caps = json_object_get(plugin, "capabilities");
	const char *host_path = getenv("PATH");
	char *argv[2];
	int status;

	if (!type)
		return err_set(errp, ERR_INVALID, "network %s: plugin without a type", json_get_str(list, "name"));
	path = find_plugin(env->cni_path, type, errp);
	if (!path)
		return -1;
	json_object_set(conf, "name", json_object_get(list, "name"));
	json_object_set(conf, "cniVersion", json_object_get(list, "cniVersion"));
	if (prev)
		json_object_set(conf, "prevResult", prev);
	if (json_is_true(json_object_get(caps, "portMappings")) && n_ports)
		json_object_set_new(conf, "runtimeConfig",
				    json_pack("{s:o}", "portMappings", port_mappings(ports, n_ports)));
	in = json_dumps(conf, JSON_COMPACT);
	strv_pushf(&envv, "CNI_COMMAND=%s", cmd);
	strv_pushf(&envv, "CNI_CONTAINERID=%s", id);
	strv_pushf(&envv, "CNI_NETNS=%s", netns ? netns : "");
	strv_pushf(&envv, "CNI_IFNAME=%s", ifname);
	strv_pushf(&envv, "CNI_ARGS=%s", cni_args ? cni_args : "");
	strv_pushf(&envv, "CNI_PATH=%s", env->cni_path);
	strv_pushf(&envv, "PATH=%s", host_path && *host_path ? host_path : DEFAULT_PATH);
	argv[0] = path;
	argv[1] = NULL;
	log_debug("cni %s %s %s", cmd, type, in);
	if (net_spawn(path, argv, envv.v, in, strlen(in), &out, &status, errp) < 0)
		return -1;
	if (status != 0) {
		_cleanup_json_ json_t *e = json_loadb(out.data, out.len, 0, NULL);
		const char *msg = json_get_str(e, "msg"), *det = json_get_str(e, "details");

		return err_set(errp, ERR_GENERIC, "plugin type=\"%s\" failed (%s): %s%s%s", type,
			       strcmp(cmd, "ADD") == 0 ? "add" : "delete",
			       msg ? msg : out.len ? out.data : "exit status",
			       det && *det ? ": " : "", det && *det ? det : "");
	}
	if (ret) {
		*ret = out.len ? json_parse_strict(out.data, out.len, 1 << 20, "CNI result", errp)
			       : json_incref(prev);
		if (out.len && !*ret)
			return -1;
	}
	return 0;
}

/* Fills a's addresses from a CNI 1.0 result for the interface ifname. */
static void
parse_result(json_t *res, const char *ifname, struct net_attach *a)
{
	json_t *ifs = json_object_get(res, "interfaces"), *ips = json_object_get(res, "ips");
	json_t *e;
	size_t i;
	long idx = -1;

	json_array_foreach(ifs, i, e) {
		const char *sb = json_get_str(e, "sandbox");

		if (sb && *sb && json_get_str(e, "name") && strcmp(json_get_str(e, "name"), ifname) == 0) {
			idx = (long)i;
			free(a->mac);
			a->mac = xstrdup_null(json_get_str(e, "mac"));
		}
	}
	json_array_foreach(ips, i, e) {
		json_t *iface = json_object_get(e, "interface");
		const char *addr = json_get_str(e, "address"), *gw = json_get_str(e, "gateway");
		const char *slash;
		int plen = 0;

		if (!addr || (json_is_integer(iface) && idx >= 0 && json_integer_value(iface) != idx))
			continue;
		slash = strchr(addr, '/');
		if (slash)
			plen = (int)strtol(slash + 1, NULL, 10);
		if (strchr(addr, ':')) {
			if (a->ip6)
				continue;
			a->ip6 = slash ? xstrndup(addr, (size_t)(slash - addr)) : xstrdup(addr);
			a->prefix_len6 = plen;
			a->gateway6 = xstrdup_null(gw);
		} else {
			if (a->ip)
				continue;
			a->ip = slash ? xstrndup(addr, (size_t)(slash - addr)) : xstrdup(addr);
			a->prefix_len = plen;
			a->gateway = xstrdup_null(gw);
		}
	}
}

int
net_cni_del(const struct net_env *env, const struct net_network *n, const char *id,
	    const char *netns, const char *ifname, const char *cni_args,
	    const struct net_port *ports, size_t n_ports, json_t *prev, struct err **errp)
{
	json_t *plugins = json_object_get(n->conf, "plugins");
	int r = 0;

	/* Every plugin runs even after one fails: a skipped DEL leaks rules or addresses. */
	for (size_t i = json_array_size(plugins); i-- > 0;) {
		struct err *e = NULL;

		if (exec_plugin(env, n->conf, json_array_get(plugins, i), "DEL", id, netns, ifname,
				cni_args, ports, n_ports, prev, NULL, &e) < 0) {
			if (r == 0)
				err_move(errp, &e);
			err_free(e);
			r = -1;
		}
	}
	return r;
}

int
net_cni_add(const struct net_env *env, const struct net_network *n, const char *id,
	    const char *netns, const char *ifname, const char *cni_args,
	    const struct net_port *ports, size_t n_ports, struct net_attach *ret,
	    struct err **errp)
{
	json_t *plugins = json_object_get(n->conf, "plugins");
	json_t *prev = NULL, *plugin;
	size_t i;

	if (!n->conf)
		return err_set(errp, ERR_INVALID, "network %s has no CNI configuration", n->name);
	json_array_foreach(plugins, i, plugin) {
		json_t *res = NULL;

		if (exec_plugin(env, n->conf, plugin, "ADD", id, netns, ifname, cni_args, ports,
				n_ports, prev, &res, errp) < 0) {
			json_decref(prev);
			return -1;
		}
		json_decref(prev);
		prev = res;
	}
	memset(ret, 0, sizeof(*ret));
	ret->network = xstrdup(n->name);
	ret->ifname = xstrdup(ifname);
	ret->result = prev;
	parse_result(prev, ifname, ret);
	return 0;
}
