/* The command-line context: global flags, lazy config resolution, the containerd handle. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/digest.h"
#include "base/fs.h"
#include "base/log.h"
#include "base/parse.h"
#include "base/toml.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "cli/opt.h"
#include "ctd/ctd.h"
#include "base/banned.h"

#define DEFAULT_ADDRESS "/run/containerd/containerd.sock"
#define TOML_MAX (1024 * 1024)

void
cli_init(struct cli *cli, const char *argv0)
{
	memset(cli, 0, sizeof(*cli));
	cli->argv0 = argv0;
}

void
cli_release(struct cli *cli)
{
	struct cli_global *g = &cli->g;

	ctd_free(cli->ctd_);
	cli->ctd_ = NULL;
	free(g->address);
	free(g->ns);
	free(g->snapshotter);
	free(g->data_root);
	free(g->cni_path);
	free(g->cni_netconfpath);
	free(g->cgroup_manager);
	free(g->host_gateway_ip);
	free(g->config_path);
	strv_release(&g->hosts_dir);
	strv_release(&cli->f.hosts_dir);
	free(cli->cmd_path);
	free(cli->cmd_aliases);
	free((void *)cli->global_opts);
}

static struct opt
gopt(enum opt_type t, char s, const char *l, void *v, const char *arg, const char *help,
     bool *was_set)
{
	struct opt o = { 0 };

	o.type = t;
	o.short_name = s;
	o.long_name = l;
	o.value = v;
	o.argname = arg;
	o.help = help;
	o.was_set = was_set;
	return o;
}

const struct opt *
cli_global_options(struct cli *cli)
{
	struct cli_flags *f = &cli->f;
	struct opt *o;
	size_t n = 0;

	if (cli->global_opts)
		return cli->global_opts;
	o = xnew(struct opt, 20);
	/* -a, -H and -n are nerdctl's "non-persistent aliases": before the command word only. */
	o[n++] = gopt(OPT_T_STRING, 'a', "address", &f->address, "string",
		      "containerd address, optionally with \"unix://\" prefix [$CONTAINERD_ADDRESS]",
		      NULL);
	o[n++] = gopt(OPT_T_STRING, 'H', "host", &f->address, "string", "Alias of --address",
		      NULL);
	o[n++] = gopt(OPT_T_STRING, 'n', "namespace", &f->ns, "string",
		      "containerd namespace, such as \"moby\" for Docker, \"k8s.io\" for Kubernetes [$CONTAINERD_NAMESPACE]",
		      NULL);
	o[n++] = gopt(OPT_T_STRING, 0, "snapshotter", &f->snapshotter, "string",
		      "containerd snapshotter [$CONTAINERD_SNAPSHOTTER]", NULL);
	o[n++] = gopt(OPT_T_STRING, 0, "storage-driver", &f->snapshotter, "string",
		      "Alias of --snapshotter", NULL);
	o[n - 1].flags |= OPT_HIDDEN;
	o[n++] = gopt(OPT_T_STRING, 0, "cni-path", &f->cni_path, "string",
		      "cni plugins binary directory [$CNI_PATH]", NULL);
	o[n++] = gopt(OPT_T_STRING, 0, "cni-netconfpath", &f->cni_netconfpath, "string",
		      "cni config directory [$NETCONFPATH]", NULL);
	o[n++] = gopt(OPT_T_STRING, 0, "data-root", &f->data_root, "string",
		      "Root directory of persistent nerdctl state (managed by nerdctl, not by containerd)",
		      NULL);
	o[n++] = gopt(OPT_T_STRING, 0, "cgroup-manager", &f->cgroup_manager, "string",
		      "Cgroup manager to use (\"cgroupfs\"|\"systemd\"|\"none\")", NULL);
	o[n++] = gopt(OPT_T_BOOL, 0, "insecure-registry", &f->insecure_registry, NULL,
		      "skips verifying HTTPS certs, and allows falling back to plain HTTP",
		      &f->insecure_registry_set);
	o[n++] = gopt(OPT_T_STRINGS, 0, "hosts-dir", &f->hosts_dir, "strings",
		      "A directory that contains <HOST:PORT>/hosts.toml (containerd style) or <HOST:PORT>/{ca.cert, cert.pem, key.pem} (docker style)",
		      NULL);
	o[n++] = gopt(OPT_T_BOOL, 0, "experimental", &f->experimental, NULL,
		      "Control experimental: https://github.com/containerd/nerdctl/blob/main/docs/experimental.md [$NERDCTL_EXPERIMENTAL]",
		      &f->experimental_set);
	o[n++] = gopt(OPT_T_STRING, 0, "host-gateway-ip", &f->host_gateway_ip, "string",
		      "IP address that the special 'host-gateway' string in --add-host resolves to [$NERDCTL_HOST_GATEWAY_IP]",
		      NULL);
	o[n++] = gopt(OPT_T_BOOL, 0, "debug", &f->debug, NULL, "debug mode", &f->debug_set);
	o[n++] = gopt(OPT_T_BOOL, 0, "debug-full", &f->debug_full, NULL,
		      "debug mode (with full output)", &f->debug_full_set);
	cli->global_opts = o;
	return o;
}

/* XDG base directory of kind ("CONFIG" → $XDG_CONFIG_HOME or ~/.config). */
static char *
xdg_dir(const char *env, const char *fallback)
{
	const char *v = getenv(env);
	const char *home = getenv("HOME");

	if (v && *v == '/')
		return xstrdup(v);
	return xasprintf("%s/%s", home && *home ? home : "/", fallback);
}

static char *
pick(const char *flag, const char *env, json_t *toml, const char *key, const char *def)
{
	json_t *v;

	if (flag)
		return xstrdup(flag);
	if (env) {
		const char *e = getenv(env);
		if (e && *e)
			return xstrdup(e);
	}
	v = toml ? json_object_get(toml, key) : NULL;
	if (v && json_is_string(v))
		return xstrdup(json_string_value(v));
	return xstrdup_null(def);
}

static bool
pick_bool(bool flag, bool flag_set, const char *env, json_t *toml, const char *key)
{
	json_t *v;

	if (flag_set)
		return flag;
	if (env) {
		const char *e = getenv(env);
		int b;
		if (e && *e && parse_bool(e, &b, NULL) == 0)
			return b;
	}
	v = toml ? json_object_get(toml, key) : NULL;
	return v && json_is_true(v);
}

/* nerdctl.toml keys and their JSON types; anything else is an error, so typos surface. */
static int
check_toml(json_t *t, const char *path, struct err **errp)
{
	static const struct {
		const char *key;
		json_type type;
	} keys[] = {
		{ "debug", JSON_TRUE },		{ "debug_full", JSON_TRUE },
		{ "address", JSON_STRING },	{ "namespace", JSON_STRING },
		{ "snapshotter", JSON_STRING }, { "cni_path", JSON_STRING },
		{ "cni_netconfpath", JSON_STRING }, { "data_root", JSON_STRING },
		{ "cgroup_manager", JSON_STRING }, { "insecure_registry", JSON_TRUE },
		{ "hosts_dir", JSON_ARRAY },	{ "experimental", JSON_TRUE },
		{ "host_gateway_ip", JSON_STRING },
	};
	const char *k;
	json_t *v;

	json_object_foreach(t, k, v) {
		size_t i;

		for (i = 0; i < ARRAY_SIZE(keys); i++)
			if (strcmp(k, keys[i].key) == 0)
				break;
		if (i == ARRAY_SIZE(keys))
			return err_set(errp, ERR_INVALID, "%s: unknown key \"%s\"", path, k);
		if (keys[i].type == JSON_TRUE ? !json_is_boolean(v) : json_typeof(v) != keys[i].type)
			return err_set(errp, ERR_INVALID, "%s: key \"%s\" has the wrong type", path, k);
		if (keys[i].type == JSON_ARRAY) {
			size_t j;
			json_t *e;
			json_array_foreach(v, j, e)
				if (!json_is_string(e))
					return err_set(errp, ERR_INVALID,
						       "%s: key \"%s\" must be an array of strings", path, k);
		}
	}
	return 0;
}

static int
load_toml(struct cli *cli, json_t **ret, struct err **errp)
{
	const char *env = getenv("NERDCTL_TOML");
	_cleanup_free_ char *path = NULL;
	_cleanup_buf_ struct buf b = BUF_INIT;
	_cleanup_err_ struct err *rerr = NULL;
	json_t *t = NULL;

	*ret = NULL;
	if (env && *env) {
		path = xstrdup(env);
	} else if (cli->g.rootless) {
		_cleanup_free_ char *cfg = xdg_dir("XDG_CONFIG_HOME", ".config");
		path = xasprintf("%s/nerdctl/nerdctl.toml", cfg);
	} else {
		path = xstrdup("/etc/nerdctl/nerdctl.toml");
	}
	if (fs_read_file(path, TOML_MAX, &b, &rerr) < 0) {
		if (err_is(&rerr, ERR_NOT_FOUND))
			return 0;
		return err_move(errp, &rerr);
	}
	if (toml_parse(b.data, b.len, path, &t, errp) < 0)
		return -1;
	if (check_toml(t, path, errp) < 0) {
		json_decref(t);
		return -1;
	}
	cli->g.config_path = TAKE_PTR(path);
	*ret = t;
	return 0;
}

static char *
default_cni_path(bool rootless)
{
	/* nerdctl's default is /opt/cni/bin; Debian installs the plugins in /usr/lib/cni. */
	static const char *const dirs[] = { "/opt/cni/bin", "/usr/libexec/cni", "/usr/lib/cni" };
	struct stat st;

	if (rootless) {
		_cleanup_free_ char *d = xdg_dir("XDG_DATA_HOME", ".local/share");
		char *p = xasprintf("%s/../libexec/cni", d);
		if (stat(p, &st) == 0)
			return p;
		free(p);
	}
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (stat(dirs[i], &st) == 0 && S_ISDIR(st.st_mode))
			return xstrdup(dirs[i]);
	return xstrdup(dirs[0]);
}

int
cli_config(struct cli *cli, struct err **errp)
{
	struct cli_global *g = &cli->g;
	struct cli_flags *f = &cli->f;
	json_t *t = NULL;
	json_t *hd;

	if (cli->resolved)
		return 0;
	g->rootless = geteuid() != 0;
	if (load_toml(cli, &t, errp) < 0)
		return -1;

	g->address = pick(f->address, "CONTAINERD_ADDRESS", t, "address", DEFAULT_ADDRESS);
	g->ns = pick(f->ns, "CONTAINERD_NAMESPACE", t, "namespace", "default");
	g->snapshotter = pick(f->snapshotter, "CONTAINERD_SNAPSHOTTER", t, "snapshotter",
			      "overlayfs");
	g->cni_netconfpath = pick(f->cni_netconfpath, "NETCONFPATH", t, "cni_netconfpath", NULL);
	g->cni_path = pick(f->cni_path, "CNI_PATH", t, "cni_path", NULL);
	g->data_root = pick(f->data_root, NULL, t, "data_root", NULL);
	g->cgroup_manager = pick(f->cgroup_manager, NULL, t, "cgroup_manager", NULL);
	g->host_gateway_ip = pick(f->host_gateway_ip, "NERDCTL_HOST_GATEWAY_IP", t,
				  "host_gateway_ip", NULL);
	g->insecure_registry = pick_bool(f->insecure_registry, f->insecure_registry_set, NULL, t,
					 "insecure_registry");
	g->debug = pick_bool(f->debug, f->debug_set, NULL, t, "debug");
	g->debug_full = pick_bool(f->debug_full, f->debug_full_set, NULL, t, "debug_full");
	g->experimental = pick_bool(f->experimental, f->experimental_set, "NERDCTL_EXPERIMENTAL",
				    t, "experimental");

	if (!g->cni_netconfpath) {
		if (g->rootless) {
			_cleanup_free_ char *c = xdg_dir("XDG_CONFIG_HOME", ".config");
			g->cni_netconfpath = xasprintf("%s/cni/net.d", c);
		} else {
			g->cni_netconfpath = xstrdup("/etc/cni/net.d");
		}
	}
	if (!g->data_root) {
		if (g->rootless) {
			_cleanup_free_ char *d = xdg_dir("XDG_DATA_HOME", ".local/share");
			g->data_root = xasprintf("%s/nerdctl", d);
		} else {
			g->data_root = xstrdup("/var/lib/nerdctl");
		}
	}
	if (f->hosts_dir.n) {
		for (size_t i = 0; i < f->hosts_dir.n; i++)
			strv_push(&g->hosts_dir, f->hosts_dir.v[i]);
	} else if (t && (hd = json_object_get(t, "hosts_dir"))) {
		size_t i;
		json_t *e;
		json_array_foreach(hd, i, e)
			strv_push(&g->hosts_dir, json_string_value(e));
	} else if (g->rootless) {
		_cleanup_free_ char *c = xdg_dir("XDG_CONFIG_HOME", ".config");
		strv_pushf(&g->hosts_dir, "%s/containerd/certs.d", c);
		strv_pushf(&g->hosts_dir, "%s/docker/certs.d", c);
	} else {
		strv_push(&g->hosts_dir, "/etc/containerd/certs.d");
		strv_push(&g->hosts_dir, "/etc/docker/certs.d");
	}
	json_decref(t);
	if (g->debug || g->debug_full)
		log_debug_enabled = 1;
	cli->resolved = true;
	return 0;
}

int
cli_check_namespace(const char *ns, struct err **errp)
{
	/* containerd's identifiers rule: [A-Za-z0-9] runs joined by '.', '_' or '-', ≤ 76. */
	size_t n = strlen(ns);

	if (n == 0)
		return err_set(errp, ERR_INVALID, "namespace name must not be empty");
	if (n > 76)
		return err_set(errp, ERR_INVALID,
			       "identifier \"%s\" greater than maximum length (76 characters): invalid argument",
			       ns);
	for (size_t i = 0; i < n; i++) {
		char c = ns[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9');
		bool sep = c == '.' || c == '_' || c == '-';

		if (alnum)
			continue;
		if (sep && i > 0 && i + 1 < n && !strchr("._-", ns[i + 1]))
			continue;
		return err_set(errp, ERR_INVALID,
			       "identifier \"%s\" must match ^[A-Za-z0-9]+(?:[._-](?:[A-Za-z0-9]+))*$: invalid argument",
			       ns);
	}
	return 0;
}

/* The CNI plugin dir: its default probes the disk, so only commands that network pay for it. */
const char *
cli_cni_path(struct cli *cli)
{
	struct cli_global *g = &cli->g;

	if (!g->cni_path)
		g->cni_path = default_cni_path(g->rootless);
	return g->cni_path;
}

/* The cgroup manager: its default looks for systemd, so it is worked out on first use. */
const char *
cli_cgroup_manager(struct cli *cli)
{
	struct cli_global *g = &cli->g;
	struct stat st;

	if (!g->cgroup_manager) {
		/* nerdctl: systemd when systemd is PID 1, else cgroupfs; rootless v1: none. */
		if (g->rootless && stat("/sys/fs/cgroup/cgroup.controllers", &st) < 0)
			g->cgroup_manager = xstrdup("none");
		else if (stat("/run/systemd/system", &st) == 0)
			g->cgroup_manager = xstrdup("systemd");
		else
			g->cgroup_manager = xstrdup("cgroupfs");
	}
	return g->cgroup_manager;
}

const char *
cli_address_path(struct cli *cli)
{
	const char *a = cli->g.address;

	return strncmp(a, "unix://", 7) == 0 ? a + 7 : a;
}

int
cli_data_store(struct cli *cli, char **ret, struct err **errp)
{
	const char *addr;
	char d[DIGEST_STR_SIZE];

	if (cli_config(cli, errp) < 0)
		return -1;
	/* nerdctl keys its state by the socket: <data-root>/<first 8 hex of sha256(address)>. */
	addr = cli_address_path(cli);
	if (digest_bytes(addr, strlen(addr), d, errp) < 0)
		return -1;
	*ret = xasprintf("%s/%.8s", cli->g.data_root, d + strlen("sha256:"));
	return 0;
}

struct ctd *
cli_ctd(struct cli *cli, struct err **errp)
{
	if (cli->ctd_)
		return cli->ctd_;
	if (cli_config(cli, errp) < 0)
		return NULL;
	if (cli_check_namespace(cli->g.ns, errp) < 0)
		return NULL;
	if (ctd_connect(cli->g.address, cli->g.ns, &cli->ctd_, errp) < 0)
		return NULL;
	return cli->ctd_;
}

void
cli_print_error(struct cli *cli, const struct err *e)
{
	if (!e)
		return;
	fflush(stdout);
	fprintf(stderr, "Error: %s\n", e->msg);
}

int
cli_exit_code(const struct err *e)
{
	if (!e)
		return 0;
	if (e->exit_code)
		return e->exit_code;
	switch (e->kind) {
	case ERR_USAGE:
		return EXIT_CLI_ERROR;
	case ERR_EXEC_NOT_FOUND:
		return EXIT_NOT_FOUND;
	case ERR_EXEC_DENIED:
		return EXIT_CANNOT_INVOKE;
	default:
		return 1;
	}
}
