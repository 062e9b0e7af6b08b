/*
 * Where to reach a registry: containerd-style hosts directories (HOST/hosts.toml, or Docker's
 * certs.d layout: CA files HOST/NAME.crt, client pairs NAME.cert + NAME.key), docker.io's
 * real endpoint, plain HTTP for loopback registries, and the --insecure-registry rule.
 */
#pragma once

#include <stddef.h>

#include "base/err.h"

enum {
	REG_CAP_PULL = 1 << 0,
	REG_CAP_RESOLVE = 1 << 1,
	REG_CAP_PUSH = 1 << 2,
};

struct reg_endpoint {
	char *scheme;		/* "https" or "http" */
	char *host;		/* "registry-1.docker.io", "localhost:5000", "[::1]:5000" */
	char *path;		/* API root without trailing '/': "/v2" unless override_path */
	unsigned caps;		/* REG_CAP_* */
	int skip_verify;
	int http_fallback;	/* insecure: retry over plain HTTP when TLS fails */
	char **ca_files;	/* NULL-terminated or NULL */
	char **client_certs;	/* parallel to client_keys; a key may be "" (in the cert file) */
	char **client_keys;
	char **headers;		/* "Name: value" lines from hosts.toml [header] */
};

struct reg_hosts {
	struct reg_endpoint *v;	/* mirrors first, the registry itself last */
	size_t n;
};

/* "/etc/containerd/certs.d", "/etc/docker/certs.d": nerdctl's default --hosts-dir. */
extern const char *const reg_default_hosts_dirs[];

/*
 * Resolves domain ("docker.io", "localhost:5000") into endpoints. dirs is a NULL-terminated
 * list of hosts directories (NULL = the defaults); the first dir holding domain/ wins, then
 * the first holding _default/. insecure is --insecure-registry (skip TLS verification, allow
 * HTTP). Errors: ERR_INVALID for a bad hosts.toml (naming the file), ERR_IO reading it.
 */
int reg_hosts_resolve(const char *domain, const char *const *dirs, int insecure,
		      struct reg_hosts *ret, struct err **errp);
/* 1 for localhost, 127.0.0.0/8 and ::1 with any port. */
int reg_host_is_loopback(const char *domain);
void reg_hosts_release(struct reg_hosts *h);

static inline void
reg_hosts_releasep(struct reg_hosts *h)
{
	reg_hosts_release(h);
}
#define _cleanup_reg_hosts_ _cleanup_(reg_hosts_releasep)
