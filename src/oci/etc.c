/* Per-container /etc/hosts, /etc/resolv.conf and /etc/hostname, written as Docker writes them. */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "base/buf.h"
#include "base/fs.h"
#include "base/xalloc.h"
#include "oci/spec.h"

#include "base/banned.h"

#define ETC_MAX (1u << 20)

static int
write_file(const char *path, const struct buf *b, struct err **errp)
{
	return fs_write_replace(path, b->data, b->len, 0644, errp);
}

/* Reads a host file; a missing one reads as empty. */
static int
read_host(const char *path, struct buf *out, struct err **errp)
{
	_cleanup_err_ struct err *err = NULL;

	if (fs_read_file(path, ETC_MAX, out, &err) < 0) {
		if (err->kind == ERR_IO && err->sys_errno == ENOENT)
			return 0;
		return err_move(errp, &err);
	}
	return 0;
}

static int
add_extra_hosts(struct buf *b, const struct oci_etc *e, struct err **errp)
{
	for (size_t i = 0; e->add_hosts && i < e->add_hosts->n; i++) {
		const char *h = e->add_hosts->v[i], *colon = strchr(h, ':');
		const char *ip;

		if (!colon)
			return err_set(errp, ERR_INVALID, "bad format for add-host: \"%s\"", h);
		ip = colon + 1;
		if (strcmp(ip, "host-gateway") == 0) {
			if (!e->host_gateway_ip)
				return err_set(errp, ERR_UNIMPLEMENTED,
					       "--add-host %s: host-gateway is not implemented yet", h);
			ip = e->host_gateway_ip;
		}
		buf_addf(b, "%s\t%.*s\n", ip, (int)(colon - h), h);
	}
	return 0;
}

int
oci_write_hosts(const char *path, const struct oci_etc *e, struct err **errp)
{
	_cleanup_buf_ struct buf b = BUF_INIT;

	/* Docker copies the host's file for --net host unless there are extra hosts. */
	if (e->net_host && !(e->add_hosts && e->add_hosts->n)) {
		if (read_host(e->host_hosts ? e->host_hosts : "/etc/hosts", &b, errp) < 0)
			return -1;
		return write_file(path, &b, errp);
	}
	buf_adds(&b, "127.0.0.1\tlocalhost\n"
		     "::1\tlocalhost ip6-localhost ip6-loopback\n"
		     "fe00::0\tip6-localnet\n"
		     "ff00::0\tip6-mcastprefix\n"
		     "ff02::1\tip6-allnodes\n"
		     "ff02::2\tip6-allrouters\n");
	if (add_extra_hosts(&b, e, errp) < 0)
		return -1;
	if (e->ip && *e->ip && e->hostname) {
		_cleanup_free_ char *fqdn = e->domainname && *e->domainname
						    ? xasprintf("%s.%s", e->hostname, e->domainname)
						    : xstrdup(e->hostname);
		const char *dot = strchr(fqdn, '.');

		if (dot)
			buf_addf(&b, "%s\t%s %.*s\n", e->ip, fqdn, (int)(dot - fqdn), fqdn);
		else
			buf_addf(&b, "%s\t%s\n", e->ip, fqdn);
	}
	return write_file(path, &b, errp);
}

/* Loopback nameservers do not work from a container's own network namespace. */
static int
usable_nameserver(const char *ip)
{
	unsigned char a[16];

	if (inet_pton(AF_INET, ip, a) == 1)
		return a[0] != 127;
	/* IPv6 is off on Docker's default network, so Docker drops v6 servers too. */
	return 0;
}

/* The first word after "keyword" on a resolv.conf line, or NULL. */
static const char *
after_keyword(const char *line, const char *kw)
{
	size_t n = strlen(kw);

	if (strncmp(line, kw, n) != 0 || (line[n] != ' ' && line[n] != '\t'))
		return NULL;
	line += n;
	while (*line == ' ' || *line == '\t')
		line++;
	return line;
}

static void
words(const char *s, struct strv *out)
{
	while (*s) {
		size_t n;

		while (*s == ' ' || *s == '\t')
			s++;
		n = strcspn(s, " \t#;");
		if (n)
			strv_push_take(out, xstrndup(s, n));
		s += n;
		if (*s == '#' || *s == ';')
			return;
	}
}

int
oci_write_resolv_conf(const char *path, const struct oci_etc *e, struct err **errp)
{
	_cleanup_buf_ struct buf host = BUF_INIT, out = BUF_INIT;
	_cleanup_strv_ struct strv lines = STRV_INIT, ns = STRV_INIT, search = STRV_INIT,
				   options = STRV_INIT;
	int custom = (e->dns && e->dns->n) || (e->dns_search && e->dns_search->n) ||
		     (e->dns_options && e->dns_options->n);

	if (read_host(e->host_resolv_conf ? e->host_resolv_conf : "/etc/resolv.conf", &host,
		      errp) < 0)
		return -1;
	if (e->net_host && !custom)
		return write_file(path, &host, errp);

	/* Docker's FilterResolvDNS: drop unusable nameserver lines, keep everything else. */
	strv_split(&lines, host.data, '\n');
	for (size_t i = 0; i < lines.n; i++) {
		const char *l = lines.v[i], *v;

		if (i + 1 == lines.n && !*l)
			break;
		v = after_keyword(l, "nameserver");
		if (v) {
			_cleanup_strv_ struct strv w = STRV_INIT;

			words(v, &w);
			if (!e->net_host && (!w.n || !usable_nameserver(w.v[0])))
				continue;
			if (w.n)
				strv_push(&ns, w.v[0]);
		} else if ((v = after_keyword(l, "search")) || (v = after_keyword(l, "domain"))) {
			strv_release(&search);
			words(v, &search);
		} else if ((v = after_keyword(l, "options"))) {
			words(v, &options);
		}
		buf_addf(&out, "%s\n", l);
	}
	if (!ns.n && !e->net_host) {
		buf_adds(&out, "\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n");
		strv_push(&ns, "8.8.8.8");
		strv_push(&ns, "8.8.4.4");
	}
	if (!custom)
		return write_file(path, &out, errp);

	/* libnetwork's Build: search, nameservers, options; each from the flags or the host. */
	buf_reset(&out);
	{
		const struct strv *s = e->dns_search && e->dns_search->n ? e->dns_search : &search;
		const struct strv *n = e->dns && e->dns->n ? e->dns : &ns;
		const struct strv *o = e->dns_options && e->dns_options->n ? e->dns_options : &options;
		_cleanup_buf_ struct buf line = BUF_INIT;

		for (size_t i = 0; i < s->n; i++)
			buf_addf(&line, "%s%s", i ? " " : "", s->v[i]);
		if (line.len && strcmp(line.data, ".") != 0)
			buf_addf(&out, "search %s\n", line.data);
		for (size_t i = 0; i < n->n; i++)
			buf_addf(&out, "nameserver %s\n", n->v[i]);
		buf_reset(&line);
		for (size_t i = 0; i < o->n; i++)
			buf_addf(&line, "%s%s", i ? " " : "", o->v[i]);
		if (line.len)
			buf_addf(&out, "options %s\n", line.data);
	}
	return write_file(path, &out, errp);
}

int
oci_write_hostname(const char *path, const struct oci_etc *e, struct err **errp)
{
	_cleanup_buf_ struct buf b = BUF_INIT;

	if (!e->hostname)
		return err_set(errp, ERR_INVALID, "write %s: no hostname", path);
	buf_addf(&b, "%s\n", e->hostname);
	return write_file(path, &b, errp);
}
