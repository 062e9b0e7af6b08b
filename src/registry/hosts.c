/* Registry endpoint resolution from hosts directories, after containerd's config/hosts.go. */
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/fs.h"
#include "base/json.h"
#include "base/strv.h"
#include "base/toml.h"
#include "base/xalloc.h"
#include "registry/hosts.h"
#include "base/banned.h"

#define HOSTS_TOML_MAX (256u << 10)

const char *const reg_default_hosts_dirs[] = {
	"/etc/containerd/certs.d",
	"/etc/docker/certs.d",
	NULL,
};

int
reg_host_is_loopback(const char *domain)
{
	_cleanup_free_ char *h = NULL;
	const char *colon;

	if (domain[0] == '[') {
		const char *close = strchr(domain, ']');

		if (!close)
			return 0;
		h = xstrndup(domain + 1, (size_t)(close - domain - 1));
	} else if ((colon = strchr(domain, ':')) && !strchr(colon + 1, ':')) {
		h = xstrndup(domain, (size_t)(colon - domain));
	} else {
		h = xstrdup(domain);
	}
	return strcmp(h, "localhost") == 0 || strcmp(h, "::1") == 0 ||
	       strncmp(h, "127.", 4) == 0;
}

static struct reg_endpoint *
ep_add(struct reg_hosts *h)
{
	struct reg_endpoint *e;

	h->v = xrealloc(h->v, (h->n + 1) * sizeof(*h->v));
	e = &h->v[h->n++];
	memset(e, 0, sizeof(*e));
	e->caps = REG_CAP_PULL | REG_CAP_RESOLVE | REG_CAP_PUSH;
	return e;
}

static void
ep_release(struct reg_endpoint *e)
{
	free(e->scheme);
	free(e->host);
	free(e->path);
	strv_free(e->ca_files);
	strv_free(e->client_certs);
	strv_free(e->client_keys);
	strv_free(e->headers);
}

void
reg_hosts_release(struct reg_hosts *h)
{
	for (size_t i = 0; i < h->n; i++)
		ep_release(&h->v[i]);
	free(h->v);
	h->v = NULL;
	h->n = 0;
}

/* "https://host:port/path" (scheme optional, https by default). */
static int
ep_set_url(struct reg_endpoint *e, const char *url, int override_path, struct err **errp)
{
	const char *p = strstr(url, "://"), *slash;
	_cleanup_free_ char *path = NULL;

	if (p) {
		e->scheme = xstrndup(url, (size_t)(p - url));
		if (strcmp(e->scheme, "http") != 0 && strcmp(e->scheme, "https") != 0)
			return err_set(errp, ERR_INVALID, "%s: unsupported scheme %s", url,
				       e->scheme);
		p += 3;
	} else {
		e->scheme = xstrdup("https");
		p = url;
	}
	slash = strchr(p, '/');
	e->host = slash ? xstrndup(p, (size_t)(slash - p)) : xstrdup(p);
	if (!e->host[0] || strpbrk(e->host, "?#@ "))
		return err_set(errp, ERR_INVALID, "%s: invalid host", url);
	path = xstrdup(slash ? slash : "");
	while (path[0] && path[strlen(path) - 1] == '/')
		path[strlen(path) - 1] = '\0';
	if (!path[0])
		e->path = xstrdup("/v2");
	else if (!override_path && (strlen(path) < 3 || strcmp(path + strlen(path) - 3, "/v2")))
		e->path = xasprintf("%s/v2", path);
	else
		e->path = xstrdup(path);
	return 0;
}

static char *
abs_path(const char *dir, const char *p)
{
	return p[0] == '/' ? xstrdup(p) : xasprintf("%s/%s", dir, p);
}

static int
strings_of(json_t *v, const char *key, struct strv *out, const char *dir, struct err **errp)
{
	size_t i;
	json_t *x;

	if (json_is_string(v)) {
		strv_push_take(out, dir ? abs_path(dir, json_string_value(v)) :
					  xstrdup(json_string_value(v)));
		return 0;
	}
	if (!json_is_array(v))
		return err_set(errp, ERR_INVALID, "%s: expected a string or an array of strings",
			       key);
	json_array_foreach(v, i, x) {
		if (!json_is_string(x))
			return err_set(errp, ERR_INVALID, "%s: expected strings", key);
		strv_push_take(out, dir ? abs_path(dir, json_string_value(x)) :
					  xstrdup(json_string_value(x)));
	}
	return 0;
}

/* client = "c.pem" | ["c.pem", ...] | [["c.cert", "c.key"], ...] */
static int
parse_client(struct reg_endpoint *e, json_t *v, const char *dir, struct err **errp)
{
	_cleanup_strv_ struct strv certs = STRV_INIT, keys = STRV_INIT;
	json_t *x;
	size_t i;

	if (json_is_string(v)) {
		strv_push_take(&certs, abs_path(dir, json_string_value(v)));
		strv_push(&keys, "");
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x) {
			if (json_is_string(x)) {
				strv_push_take(&certs, abs_path(dir, json_string_value(x)));
				strv_push(&keys, "");
			} else if (json_is_array(x) && json_array_size(x) == 2 &&
				   json_is_string(json_array_get(x, 0)) &&
				   json_is_string(json_array_get(x, 1))) {
				strv_push_take(&certs, abs_path(dir, json_string_value(
								    json_array_get(x, 0))));
				strv_push_take(&keys, abs_path(dir, json_string_value(
								   json_array_get(x, 1))));
			} else {
				return err_set(errp, ERR_INVALID,
					       "client: expected a file or a [cert, key] pair");
			}
		}
	} else {
		return err_set(errp, ERR_INVALID, "client: expected a string or an array");
	}
	e->client_certs = strv_detach(&certs);
	e->client_keys = strv_detach(&keys);
	return 0;
}

static int
apply_options(struct reg_endpoint *e, json_t *obj, const char *dir, struct err **errp)
{
	json_t *v;

	if ((v = json_object_get(obj, "capabilities"))) {
		_cleanup_strv_ struct strv caps = STRV_INIT;

		if (strings_of(v, "capabilities", &caps, NULL, errp) < 0)
			return -1;
		e->caps = 0;
		for (size_t i = 0; i < caps.n; i++) {
			if (strcmp(caps.v[i], "pull") == 0)
				e->caps |= REG_CAP_PULL;
			else if (strcmp(caps.v[i], "resolve") == 0)
				e->caps |= REG_CAP_RESOLVE;
			else if (strcmp(caps.v[i], "push") == 0)
				e->caps |= REG_CAP_PUSH;
			else
				return err_set(errp, ERR_INVALID, "unknown capability %s",
					       caps.v[i]);
		}
	}
	if ((v = json_object_get(obj, "ca"))) {
		_cleanup_strv_ struct strv ca = STRV_INIT;

		if (strings_of(v, "ca", &ca, dir, errp) < 0)
			return -1;
		strv_free(e->ca_files);
		e->ca_files = strv_detach(&ca);
	}
	if ((v = json_object_get(obj, "client")) && parse_client(e, v, dir, errp) < 0)
		return -1;
	if ((v = json_object_get(obj, "skip_verify"))) {
		if (!json_is_boolean(v))
			return err_set(errp, ERR_INVALID, "skip_verify: expected a boolean");
		e->skip_verify = json_is_true(v);
	}
	if ((v = json_object_get(obj, "header"))) {
		_cleanup_strv_ struct strv hdrs = STRV_INIT;
		const char *name;
		json_t *val;

		if (!json_is_object(v))
			return err_set(errp, ERR_INVALID, "header: expected a table");
		json_object_foreach(v, name, val) {
			_cleanup_strv_ struct strv vals = STRV_INIT;

			if (strings_of(val, "header", &vals, NULL, errp) < 0)
				return -1;
			for (size_t i = 0; i < vals.n; i++) {
				if (strpbrk(name, "\r\n:") || strpbrk(vals.v[i], "\r\n"))
					return err_set(errp, ERR_INVALID,
						       "header %s: invalid characters", name);
				strv_pushf(&hdrs, "%s: %s", name, vals.v[i]);
			}
		}
		e->headers = strv_detach(&hdrs);
	}
	return 0;
}

static int
override_path_of(json_t *obj, struct err **errp)
{
	json_t *v = json_object_get(obj, "override_path");

	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return err_set(errp, ERR_INVALID, "override_path: expected a boolean");
	return json_is_true(v);
}

static int
load_hosts_toml(struct reg_hosts *h, const char *dir, const char *file, const char *def_server,
		struct err **errp)
{
	_cleanup_buf_ struct buf text = BUF_INIT;
	_cleanup_json_ json_t *root = NULL;
	json_t *hosts, *v;
	const char *url, *server;
	struct reg_endpoint *e;
	int ov;

	if (fs_read_file(file, HOSTS_TOML_MAX, &text, errp) < 0)
		return -1;
	if (toml_parse(text.data, text.len, file, &root, errp) < 0)
		return -1;
	hosts = json_object_get(root, "host");
	if (hosts && !json_is_object(hosts))
		return err_set(errp, ERR_INVALID, "%s: host: expected a table", file);
	json_object_foreach(hosts, url, v) {
		if (!json_is_object(v))
			return err_set(errp, ERR_INVALID, "%s: host.\"%s\": expected a table",
				       file, url);
		e = ep_add(h);
		if ((ov = override_path_of(v, errp)) < 0 || ep_set_url(e, url, ov, errp) < 0 ||
		    apply_options(e, v, dir, errp) < 0)
			return err_wrap(errp, "%s: host.\"%s\"", file, url);
	}
	v = json_object_get(root, "server");
	if (v && !json_is_string(v))
		return err_set(errp, ERR_INVALID, "%s: server: expected a string", file);
	server = v ? json_string_value(v) : def_server;
	e = ep_add(h);
	if ((ov = override_path_of(root, errp)) < 0 || ep_set_url(e, server, ov, errp) < 0 ||
	    apply_options(e, root, dir, errp) < 0)
		return err_wrap(errp, "%s", file);
	return 0;
}

static int
has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && strcmp(s + n - m, suf) == 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Docker's certs.d layout: *.crt are CAs, each *.cert needs a matching *.key. */
static int
load_certs_dir(struct reg_endpoint *e, const char *dir, int *ret_tls, struct err **errp)
{
	_cleanup_strv_ struct strv names = STRV_INIT, ca = STRV_INIT, certs = STRV_INIT,
				   keys = STRV_INIT;
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return err_sys(errp, errno, "open %s", dir);
	while ((de = readdir(d)))
		strv_push(&names, de->d_name);
	closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof(char *), cmp_str);
	for (size_t i = 0; i < names.n; i++) {
		const char *n = names.v[i];

		if (has_suffix(n, ".crt")) {
			strv_pushf(&ca, "%s/%s", dir, n);
		} else if (has_suffix(n, ".cert")) {
			_cleanup_free_ char *key = xasprintf("%s/%.*s.key", dir,
							     (int)(strlen(n) - 5), n);
			struct stat st;

			if (stat(key, &st) < 0)
				return err_set(errp, ERR_INVALID,
					       "missing key %s for client certificate %s/%s", key, dir,
					       n);
			strv_pushf(&certs, "%s/%s", dir, n);
			strv_push(&keys, key);
		}
	}
	*ret_tls = ca.n || certs.n;
	if (ca.n)
		e->ca_files = strv_detach(&ca);
	if (certs.n) {
		e->client_certs = strv_detach(&certs);
		e->client_keys = strv_detach(&keys);
	}
	return 0;
}

static char *
find_host_dir(const char *domain, const char *const *dirs)
{
	struct stat st;

	for (const char *name = domain;; name = "_default") {
		for (size_t i = 0; dirs[i]; i++) {
			char *p = xasprintf("%s/%s", dirs[i], name);

			if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
				return p;
			free(p);
		}
		if (strcmp(name, "_default") == 0)
			return NULL;
	}
}

int
reg_hosts_resolve(const char *domain, const char *const *dirs, int insecure,
		  struct reg_hosts *ret, struct err **errp)
{
	_cleanup_reg_hosts_ struct reg_hosts h = { 0 };
	_cleanup_free_ char *dir = NULL, *toml = NULL, *def = NULL;
	int loopback = reg_host_is_loopback(domain);
	struct stat st;

	if (!domain[0] || strpbrk(domain, "/?#@ \r\n"))
		return err_set(errp, ERR_INVALID, "invalid registry host \"%s\"", domain);
	dir = find_host_dir(domain, dirs ? dirs : reg_default_hosts_dirs);
	if (strcmp(domain, "docker.io") == 0)
		def = xstrdup("https://registry-1.docker.io");
	else
		def = xasprintf("https://%s", domain);
	if (dir)
		toml = xasprintf("%s/hosts.toml", dir);
	if (toml && stat(toml, &st) == 0) {
		if (load_hosts_toml(&h, dir, toml, def, errp) < 0)
			return -1;
	} else {
		struct reg_endpoint *e = ep_add(&h);
		int tls = 0;

		if (ep_set_url(e, def, 0, errp) < 0)
			return -1;
		if (dir && load_certs_dir(e, dir, &tls, errp) < 0)
			return -1;
		/* Loopback registries speak plain HTTP unless certs.d gives them TLS material. */
		if (loopback && !tls && !insecure) {
			free(e->scheme);
			e->scheme = xstrdup("http");
		}
	}
	if (insecure) {
		for (size_t i = 0; i < h.n; i++) {
			if (strcmp(h.v[i].scheme, "https") == 0) {
				h.v[i].skip_verify = 1;
				h.v[i].http_fallback = 1;
			}
		}
	}
	*ret = h;
	h.v = NULL;
	h.n = 0;
	return 0;
}
