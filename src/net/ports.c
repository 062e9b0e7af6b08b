/* Published ports: Docker's -p syntax, nerdctl's ports label, host-port availability. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "base/json.h"
#include "base/parse.h"
#include "base/xalloc.h"
#include "net/net.h"
#include "net/net_internal.h"
#include "base/banned.h"

/* Docker's nat.ParsePortRange: "80" or "8000-8010". */
static int
parse_range(const char *s, uint16_t *start, uint16_t *end)
{
	const char *dash = strchr(s, '-');
	_cleanup_free_ char *a = xstrndup(s, dash ? (size_t)(dash - s) : strlen(s));
	uint64_t x, y;

	if (!*a || parse_uint64(a, &x, NULL) < 0 || x > 65535)
		return -1;
	y = x;
	if (dash && (parse_uint64(dash + 1, &y, NULL) < 0 || y > 65535 || y < x))
		return -1;
	*start = (uint16_t)x;
	*end = (uint16_t)y;
	return 0;
}

int
net_port_parse(const char *spec, struct net_port **ports, size_t *n, struct err **errp)
{
	_cleanup_free_ char *raw = xstrdup(spec);
	_cleanup_strv_ struct strv parts = STRV_INIT;
	const char *proto = "tcp", *ip = "", *host = "", *ctr;
	_cleanup_free_ char *ipbuf = NULL;
	char *slash = strrchr(raw, '/');
	uint16_t cs, ce, hs = 0, he = 0;

	if (slash) {
		*slash = '\0';
		proto = slash + 1;
		if (!*proto)
			proto = "tcp";
	}
	if (strcmp(proto, "tcp") != 0 && strcmp(proto, "udp") != 0 && strcmp(proto, "sctp") != 0)
		return err_set(errp, ERR_INVALID, "invalid proto: %s", proto);
	strv_split(&parts, raw, ':');
	ctr = parts.v[parts.n - 1];
	if (parts.n == 2) {
		host = parts.v[0];
	} else if (parts.n >= 3) {
		struct buf b = BUF_INIT;

		host = parts.v[parts.n - 2];
		for (size_t i = 0; i + 2 < parts.n; i++) {
			if (i)
				buf_addch(&b, ':');
			buf_adds(&b, parts.v[i]);
		}
		ipbuf = buf_detach(&b, NULL);
		ip = ipbuf;
	}
	if (*ip == '[') {
		size_t l = strlen(ip);

		if (l < 2 || ip[l - 1] != ']')
			return err_set(errp, ERR_INVALID, "invalid IP address: %s", ip);
		ipbuf[l - 1] = '\0';
		ip = ipbuf + 1;
	}
	if (*ip) {
		unsigned char a[16];

		if (inet_pton(AF_INET, ip, a) != 1 && inet_pton(AF_INET6, ip, a) != 1)
			return err_set(errp, ERR_INVALID, "invalid IP address: %s", ip);
	}
	if (!*ctr)
		return err_set(errp, ERR_INVALID, "no port specified: %s<empty>", raw);
	if (parse_range(ctr, &cs, &ce) < 0)
		return err_set(errp, ERR_INVALID, "invalid containerPort: %s", ctr);
	if (*host && parse_range(host, &hs, &he) < 0)
		return err_set(errp, ERR_INVALID, "invalid hostPort: %s", host);
	if (*host && (he - hs) != (ce - cs) && ce != cs)
		return err_set(errp, ERR_INVALID, "invalid ranges specified for container and host Ports: %s and %s", ctr, host);
	if (strlen(ip) >= sizeof((*ports)->host_ip))
		return err_set(errp, ERR_INVALID, "invalid IP address: %s", ip);
	for (unsigned p = cs; p <= ce; p++) {
		struct net_port *np;

		*ports = xrealloc(*ports, (*n + 1) * sizeof(**ports));
		np = &(*ports)[(*n)++];
		memset(np, 0, sizeof(*np));
		snprintf(np->host_ip, sizeof(np->host_ip), "%s", ip);
		snprintf(np->proto, sizeof(np->proto), "%s", proto);
		np->container_port = (uint16_t)p;
		if (*host && ce == cs && he != hs) {
			np->host_port = hs;
			np->host_port_end = he;
		} else if (*host) {
			np->host_port = (uint16_t)(hs + (p - cs));
		}
	}
	return 0;
}

char *
net_ports_label(const struct net_port *ports, size_t n)
{
	_cleanup_json_ json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:i, s:i, s:s, s:s}", "HostPort",
						   ports[i].host_port, "ContainerPort",
						   ports[i].container_port, "Protocol", ports[i].proto,
						   "HostIP", *ports[i].host_ip ? ports[i].host_ip : "0.0.0.0"));
	return json_dumps(a, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

int
net_ports_from_label(const char *label, struct net_port **ports, size_t *n, struct err **errp)
{
	_cleanup_json_ json_t *a = json_parse_strict(label, strlen(label), 1 << 20, "nerdctl/ports", errp);
	json_t *e;
	size_t i;

	if (!a)
		return -1;
	if (!json_is_array(a))
		return err_set(errp, ERR_INVALID, "nerdctl/ports: not an array");
	json_array_foreach(a, i, e) {
		struct net_port *p;
		const char *ip = json_get_str(e, "HostIP");
		const char *proto = json_get_str(e, "Protocol");

		*ports = xrealloc(*ports, (*n + 1) * sizeof(**ports));
		p = &(*ports)[(*n)++];
		memset(p, 0, sizeof(*p));
		p->host_port = (uint16_t)json_integer_value(json_object_get(e, "HostPort"));
		p->container_port = (uint16_t)json_integer_value(json_object_get(e, "ContainerPort"));
		snprintf(p->proto, sizeof(p->proto), "%s", proto ? proto : "tcp");
		if (ip && strcmp(ip, "0.0.0.0") != 0 && strlen(ip) < sizeof(p->host_ip))
			snprintf(p->host_ip, sizeof(p->host_ip), "%s", ip);
	}
	return 0;
}

json_t *
net_ports_docker_json(const struct net_port *ports, size_t n, char *const *exposed)
{
	json_t *o = json_object();

	for (size_t i = 0; exposed && exposed[i]; i++) {
		_cleanup_free_ char *k = strchr(exposed[i], '/') ? xstrdup(exposed[i]) : xasprintf("%s/tcp", exposed[i]);

		if (!json_object_get(o, k))
			json_object_set_new(o, k, json_null());
	}
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *k = xasprintf("%u/%s", ports[i].container_port, ports[i].proto);
		json_t *a = json_object_get(o, k);

		if (!json_is_array(a)) {
			a = json_array();
			json_object_set_new(o, k, a);
		}
		json_array_append_new(a, json_pack("{s:s, s:o}", "HostIp",
						   *ports[i].host_ip ? ports[i].host_ip : "0.0.0.0",
						   "HostPort", json_sprintf("%u", ports[i].host_port)));
	}
	return o;
}

/* Binds a socket like the port would be used; returns the errno or 0. */
static int
try_bind(const struct net_port *p, uint16_t port, uint16_t *ret_port)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int type = strcmp(p->proto, "udp") == 0 ? SOCK_DGRAM : SOCK_STREAM;
	int proto = strcmp(p->proto, "sctp") == 0 ? IPPROTO_SCTP : 0;
	int fam = strchr(p->host_ip, ':') ? AF_INET6 : AF_INET;
	_cleanup_close_ int fd = -1;

	if (fam == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&ss;

		s->sin_family = AF_INET;
		s->sin_port = htons(port);
		if (*p->host_ip && inet_pton(AF_INET, p->host_ip, &s->sin_addr) != 1)
			return EINVAL;
		len = sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;

		s->sin6_family = AF_INET6;
		s->sin6_port = htons(port);
		if (inet_pton(AF_INET6, p->host_ip, &s->sin6_addr) != 1)
			return EINVAL;
		len = sizeof(*s);
	}
	fd = socket(fam, type | SOCK_CLOEXEC, proto);
	if (fd < 0)
		return errno == EPROTONOSUPPORT || errno == ESOCKTNOSUPPORT ? 0 : errno;
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		/* Not our address in this namespace: portmap does not care, neither do we. */
		return errno == EADDRNOTAVAIL ? 0 : errno;
	}
	if (ret_port) {
		len = sizeof(ss);
		if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
			return errno;
		*ret_port = ntohs(fam == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
						 : ((struct sockaddr_in6 *)&ss)->sin6_port);
	}
	return 0;
}

static int
allocated(const struct net_port *p, uint16_t port, struct err **errp)
{
	return err_set(errp, ERR_EXISTS, "Bind for %s:%u failed: port is already allocated",
		       *p->host_ip ? p->host_ip : "0.0.0.0", port);
}

int
net_port_check_free(const struct net_port *p, struct err **errp)
{
	int e = try_bind(p, p->host_port, NULL);

	if (e == EADDRINUSE)
		return allocated(p, p->host_port, errp);
	if (e && e != EACCES)
		return err_sys(errp, e, "check host port %u", p->host_port);
	return 0;
}

int
net_port_pick(struct net_port *p, struct err **errp)
{
	uint16_t got = 0;

	if (p->host_port_end) {
		for (unsigned port = p->host_port; port <= p->host_port_end; port++)
			if (try_bind(p, (uint16_t)port, NULL) == 0) {
				p->host_port = (uint16_t)port;
				p->host_port_end = 0;
				return 0;
			}
		return allocated(p, p->host_port, errp);
	}
	if (p->host_port)
		return net_port_check_free(p, errp);
	/* The kernel's ephemeral range, as Docker's port allocator uses (49153-60999 here). */
	if (try_bind(p, 0, &got) != 0 || !got)
		return err_set(errp, ERR_RESOURCE, "no free host port for %u/%s", p->container_port, p->proto);
	p->host_port = got;
	return 0;
}

bool
net_ports_clash(const struct net_port *a, const struct net_port *b)
{
	if (a->host_port != b->host_port || strcmp(a->proto, b->proto) != 0)
		return false;
	return !*a->host_ip || !*b->host_ip || strcmp(a->host_ip, b->host_ip) == 0 ||
	       strcmp(a->host_ip, "0.0.0.0") == 0 || strcmp(b->host_ip, "0.0.0.0") == 0;
}
