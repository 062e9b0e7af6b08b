/*
 * Tests for the registry client (src/registry): a fake HTTP server thread on loopback that
 * replays canned responses, and Debian's docker-registry with TLS and htpasswd when present.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/digest.h"
#include "base/fs.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "registry/client.h"
#include "registry/creds.h"
#include "registry/hosts.h"

static char *
sha256_str(const void *p, size_t n, struct err **errp)
{
	char d[DIGEST_STR_SIZE];

	assert_int_equal(digest_bytes(p, n, d, errp), 0);
	return xstrdup(d);
}

/* ---- fake HTTP server ---- */

struct fake_req {
	char method[16];
	char path[2048];
	char *auth;	/* Authorization header value or NULL */
	char *ctype;
	struct buf body;
};

struct fake;
/* Writes a whole raw response into out. */
typedef void (*fake_handler)(struct fake *f, const struct fake_req *rq, struct buf *out);

struct fake {
	int fd, port;
	pthread_t th;
	fake_handler handler;
	void *ud;
	volatile int stop;
	pthread_mutex_t lock;
	struct strv log;	/* "METHOD path auth" per request */
	int counter;		/* for handlers that change their answer */
};

static void
reply(struct buf *out, int status, const char *headers, const void *body, size_t len)
{
	buf_addf(out, "HTTP/1.1 %d X\r\nContent-Length: %zu\r\nConnection: close\r\n%s\r\n", status,
		 len, headers ? headers : "");
	buf_add(out, body, len);
}

static const char *
find_header(const char *hdrs, const char *name, size_t *ret_len)
{
	size_t n = strlen(name);

	for (const char *p = hdrs; p && *p; p = strstr(p, "\r\n") ? strstr(p, "\r\n") + 2 : NULL) {
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1;

			while (*v == ' ')
				v++;
			*ret_len = strcspn(v, "\r\n");
			return v;
		}
	}
	return NULL;
}

static void
serve_one(struct fake *f, int c)
{
	_cleanup_buf_ struct buf in = BUF_INIT, out = BUF_INIT;
	struct fake_req rq = { .body = BUF_INIT };
	char *end = NULL;
	const char *v;
	size_t vlen, clen = 0, hlen;

	while (!(end = strstr(in.data, "\r\n\r\n"))) {
		char tmp[4096];
		ssize_t n = read(c, tmp, sizeof(tmp));

		if (n <= 0)
			return;
		buf_add(&in, tmp, (size_t)n);
	}
	hlen = (size_t)(end - in.data) + 4;
	in.data[hlen - 2] = '\0';
	if (sscanf(in.data, "%15s %2047s", rq.method, rq.path) != 2)
		return;
	if ((v = find_header(in.data, "Content-Length", &vlen)))
		clen = strtoul(v, NULL, 10);
	if ((v = find_header(in.data, "Authorization", &vlen)))
		rq.auth = xstrndup(v, vlen);
	if ((v = find_header(in.data, "Content-Type", &vlen)))
		rq.ctype = xstrndup(v, vlen);
	buf_add(&rq.body, in.data + hlen, in.len - hlen);
	while (rq.body.len < clen) {
		char tmp[65536];
		ssize_t n = read(c, tmp, sizeof(tmp));

		if (n <= 0)
			break;
		buf_add(&rq.body, tmp, (size_t)n);
	}
	pthread_mutex_lock(&f->lock);
	strv_pushf(&f->log, "%s %s %s", rq.method, rq.path, rq.auth ? rq.auth : "-");
	f->handler(f, &rq, &out);
	f->counter++;
	pthread_mutex_unlock(&f->lock);
	(void)fs_write_all(c, out.data, out.len);
	shutdown(c, SHUT_WR);
	free(rq.auth);
	free(rq.ctype);
	buf_release(&rq.body);
}

static void *
fake_main(void *arg)
{
	struct fake *f = arg;

	while (!f->stop) {
		struct pollfd p = { .fd = f->fd, .events = POLLIN };
		int c;

		if (poll(&p, 1, 50) <= 0)
			continue;
		c = accept4(f->fd, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0)
			continue;
		serve_one(f, c);
		close(c);
	}
	return NULL;
}

static int
listen_loopback(int *ret_port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 16), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &al), 0);
	*ret_port = ntohs(a.sin_port);
	return fd;
}

static struct fake *
fake_start(fake_handler h, void *ud)
{
	struct fake *f = xnew(struct fake, 1);

	f->handler = h;
	f->ud = ud;
	pthread_mutex_init(&f->lock, NULL);
	f->fd = listen_loopback(&f->port);
	assert_int_equal(pthread_create(&f->th, NULL, fake_main, f), 0);
	return f;
}

static void
fake_stop(struct fake *f)
{
	f->stop = 1;
	pthread_join(f->th, NULL);
	close(f->fd);
	strv_release(&f->log);
	pthread_mutex_destroy(&f->lock);
	free(f);
}

static int
fake_count(struct fake *f, const char *prefix)
{
	int n = 0;

	pthread_mutex_lock(&f->lock);
	for (size_t i = 0; i < f->log.n; i++)
		if (strncmp(f->log.v[i], prefix, strlen(prefix)) == 0)
			n++;
	pthread_mutex_unlock(&f->lock);
	return n;
}

/* A client for the fake on 127.0.0.1:port (plain HTTP: loopback), fast retries. */
static struct reg *
fake_client(int port, const struct reg_cred *cred)
{
	static const char *const no_dirs[] = { "/nonexistent-hosts-dir", NULL };
	struct reg_opts o = { .hosts_dirs = no_dirs, .retry_base_ms = 1, .cred = cred,
			      .docker_config = "/nonexistent-docker-config" };
	_cleanup_free_ char *domain = xasprintf("127.0.0.1:%d", port);
	_cleanup_err_ struct err *err = NULL;
	struct reg *r = reg_new(domain, &o, &err);

	if (!r)
		fail_msg("reg_new: %s", err->msg);
	return r;
}

static struct ref *
fake_ref(int port, const char *rest)
{
	_cleanup_free_ char *s = xasprintf("127.0.0.1:%d/%s", port, rest);
	struct ref *r = NULL;

	assert_int_equal(ref_parse(s, &r, NULL), 0);
	return r;
}

static const char MANIFEST[] = "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST
			       "\",\"config\":{},\"layers\":[]}";

/* ---- bearer token flow ---- */

static void
bearer_handler(struct fake *f, const struct fake_req *rq, struct buf *out)
{
	_cleanup_free_ char *chal = xasprintf(
		"WWW-Authenticate: Bearer realm=\"http://127.0.0.1:%d/token\",service=\"fake\","
		"scope=\"repository:lib/img:pull\"\r\n",
		f->port);

	if (getenv("FAKE_DEBUG"))
		fprintf(stderr, "fake: %s %s\n", rq->method, rq->path);
	if (strncmp(rq->path, "/token?", 7) == 0) {
		const char *tok = "{\"token\":\"T0K3N\",\"expires_in\":300}";

		if (!strstr(rq->path, "service=fake") ||
		    !strcasestr(rq->path, "scope=repository%3Alib%2Fimg%3Apull"))
			reply(out, 400, NULL, "", 0);
		else
			reply(out, 200, "Content-Type: application/json\r\n", tok, strlen(tok));
		return;
	}
	if (!rq->auth || strcmp(rq->auth, "Bearer T0K3N") != 0) {
		const char *e = "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}";

		reply(out, 401, chal, e, strlen(e));
		return;
	}
	if (strcmp(rq->path, "/v2/lib/img/manifests/v1") == 0) {
		reply(out, 200, "Content-Type: " MT_OCI_MANIFEST "\r\n", MANIFEST, strlen(MANIFEST));
		return;
	}
	if (strcmp(rq->path, "/v2/lib/img/manifests/nosuch") == 0) {
		const char *e = "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}";

		reply(out, 404, NULL, e, strlen(e));
		return;
	}
	reply(out, 500, NULL, "", 0);
}

static void
test_bearer_flow(void **state)
{
	struct fake *f = fake_start(bearer_handler, NULL);
	_cleanup_reg_ struct reg *r = fake_client(f->port, NULL);
	_cleanup_ref_ struct ref *ref = fake_ref(f->port, "lib/img:v1");
	_cleanup_ref_ struct ref *missing = fake_ref(f->port, "lib/img:nosuch");
	_cleanup_reg_manifest_ struct reg_manifest *m = NULL, *m2 = NULL;
	_cleanup_err_ struct err *err = NULL;
	_cleanup_free_ char *want_digest = sha256_str(MANIFEST, strlen(MANIFEST), NULL);
	_cleanup_free_ char *want_msg = NULL;

	if (reg_manifest_get(r, ref, &m, &err) < 0)
		fail_msg("%s", err->msg);
	assert_string_equal(m->media_type, MT_OCI_MANIFEST);
	assert_string_equal(m->body.data, MANIFEST);
	assert_string_equal(m->digest, want_digest);
	assert_int_equal(fake_count(f, "GET /token"), 1);
	/* The token is cached per scope: no second token request. */
	assert_int_equal(reg_manifest_get(r, ref, &m2, NULL), 0);
	assert_int_equal(fake_count(f, "GET /token"), 1);
	assert_int_equal(fake_count(f, "GET /v2/lib/img/manifests/v1 -"), 1);

	assert_int_equal(reg_manifest_get(r, missing, &m2, &err), -1);
	assert_int_equal(err->kind, ERR_NOT_FOUND);
	want_msg = xasprintf("127.0.0.1:%d/lib/img:nosuch: not found", f->port);
	assert_string_equal(err->msg, want_msg);
	fake_stop(f);
}

/* ---- canned answers for the other cases ---- */

/* Count of logged requests with prefix; the caller holds f->lock. */
static int
fake_count_unlocked_hits(struct fake *f, const char *prefix)
{
	int n = 0;

	for (size_t i = 0; i < f->log.n; i++)
		if (strncmp(f->log.v[i], prefix, strlen(prefix)) == 0)
			n++;
	return n;
}

static struct buf big_body = BUF_INIT;

static void
misc_handler(struct fake *f, const struct fake_req *rq, struct buf *out)
{
	struct fake *other = f->ud;

	if (strcmp(rq->path, "/v2/x/manifests/big") == 0) {
		reply(out, 200, "Content-Type: " MT_OCI_MANIFEST "\r\n", big_body.data, big_body.len);
	} else if (strncmp(rq->path, "/v2/x/manifests/sha256:", 23) == 0) {
		/* Whatever digest was asked for, the body does not match it. */
		reply(out, 200, "Content-Type: " MT_OCI_MANIFEST "\r\n", MANIFEST, strlen(MANIFEST));
	} else if (strcmp(rq->path, "/v2/x/manifests/old") == 0) {
		const char *s1 = "{\"schemaVersion\":1,\"name\":\"x\"}";

		reply(out, 200,
		      "Content-Type: application/vnd.docker.distribution.manifest.v1+prettyjws\r\n",
		      s1, strlen(s1));
	} else if (strcmp(rq->path, "/v2/x/manifests/flaky") == 0) {
		if (fake_count_unlocked_hits(f, "GET /v2/x/manifests/flaky") < 3)
			reply(out, 503, "Retry-After: 0\r\n", "", 0);
		else
			reply(out, 200, "Content-Type: " MT_OCI_MANIFEST "\r\n", MANIFEST,
			      strlen(MANIFEST));
	} else if (strcmp(rq->path, "/v2/x/manifests/sniff") == 0) {
		const char *idx = "{\"schemaVersion\":2,\"manifests\":[]}";

		reply(out, 200, "Content-Type: application/octet-stream\r\n", idx, strlen(idx));
	} else if (strncmp(rq->path, "/v2/x/blobs/", 12) == 0 && other) {
		_cleanup_free_ char *loc = xasprintf("Location: http://localhost:%d/storage/blob?sig=1\r\n",
						     other->port);

		reply(out, 307, loc, "", 0);
	} else if (strncmp(rq->path, "/v2/x/blobs/", 12) == 0) {
		reply(out, 200, NULL, "not the blob", 12);
	} else if (strcmp(rq->path, "/storage/blob?sig=1") == 0) {
		reply(out, 200, NULL, "blob-bytes", 10);
	} else {
		reply(out, 404, NULL, "", 0);
	}
}

static void
test_manifest_errors(void **state)
{
	struct fake *f;
	_cleanup_reg_ struct reg *r = NULL;
	_cleanup_reg_manifest_ struct reg_manifest *m = NULL;
	_cleanup_err_ struct err *err = NULL;

	buf_reset(&big_body);
	while (big_body.len <= REG_MANIFEST_MAX)
		buf_adds(&big_body, "{\"padding\":\"................................\"}");
	f = fake_start(misc_handler, NULL);
	r = fake_client(f->port, NULL);

	_cleanup_ref_ struct ref *big = fake_ref(f->port, "x:big");
	assert_int_equal(reg_manifest_get(r, big, &m, &err), -1);
	assert_int_equal(err->kind, ERR_RESOURCE);
	err_clear(&err);

	_cleanup_ref_ struct ref *bydigest = fake_ref(
		f->port, "x@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	assert_int_equal(reg_manifest_get(r, bydigest, &m, &err), -1);
	assert_int_equal(err->kind, ERR_INVALID);
	assert_non_null(strstr(err->msg, "digest mismatch"));
	err_clear(&err);

	_cleanup_ref_ struct ref *old = fake_ref(f->port, "x:old");
	assert_int_equal(reg_manifest_get(r, old, &m, &err), -1);
	assert_int_equal(err->kind, ERR_UNIMPLEMENTED);
	assert_non_null(strstr(err->msg, "schema 1"));
	err_clear(&err);

	_cleanup_ref_ struct ref *flaky = fake_ref(f->port, "x:flaky");
	if (reg_manifest_get(r, flaky, &m, &err) < 0)
		fail_msg("flaky: %s", err->msg);
	reg_manifest_free(TAKE_PTR(m));
	assert_int_equal(fake_count(f, "GET /v2/x/manifests/flaky"), 3);

	_cleanup_ref_ struct ref *sniff = fake_ref(f->port, "x:sniff");
	assert_int_equal(reg_manifest_get(r, sniff, &m, NULL), 0);
	assert_string_equal(m->media_type, MT_OCI_INDEX);
	fake_stop(f);
	buf_release(&big_body);
}

static int
collect(void *ud, const void *data, size_t len, struct err **errp)
{
	buf_add(ud, data, len);
	return 0;
}

static void
test_blob_redirect_and_mismatch(void **state)
{
	struct fake *store = fake_start(misc_handler, NULL);
	struct fake *f = fake_start(misc_handler, store);
	_cleanup_reg_ struct reg *r = fake_client(f->port, NULL);
	_cleanup_reg_ struct reg *direct = fake_client(store->port, NULL);
	_cleanup_buf_ struct buf got = BUF_INIT;
	_cleanup_err_ struct err *err = NULL;
	_cleanup_free_ char *d = sha256_str("blob-bytes", 10, NULL);

	if (reg_blob_get(r, "x", d, 10, collect, &got, &err) < 0)
		fail_msg("%s", err->msg);
	assert_string_equal(got.data, "blob-bytes");
	assert_int_equal(fake_count(store, "GET /storage/blob?sig=1 -"), 1);

	/* The store host (no redirect there) serves other bytes: the digest check catches it. */
	buf_reset(&got);
	assert_int_equal(reg_blob_get(direct, "x", d, -1, collect, &got, &err), -1);
	assert_int_equal(err->kind, ERR_INVALID);
	assert_non_null(strstr(err->msg, "digest mismatch"));
	err_clear(&err);
	/* And a size limit stops an overlong blob early. */
	assert_int_equal(reg_blob_get(direct, "x", d, 4, collect, &got, &err), -1);
	assert_int_equal(err->kind, ERR_INVALID);
	fake_stop(f);
	fake_stop(store);
}

static void
auth_redirect_handler(struct fake *f, const struct fake_req *rq, struct buf *out)
{
	struct fake *other = f->ud;
	_cleanup_free_ char *loc = xasprintf("Location: http://localhost:%d/storage/blob?sig=1\r\n",
					     other->port);

	if (!rq->auth)
		reply(out, 401, "WWW-Authenticate: Basic realm=\"fake\"\r\n", "", 0);
	else
		reply(out, 307, loc, "", 0);
}

static void
test_redirect_drops_auth(void **state)
{
	/* The registry wants Basic; the redirect target is another host and must not see it. */
	struct fake *store = fake_start(misc_handler, NULL);
	struct fake *f = fake_start(auth_redirect_handler, store);
	struct reg_cred cred = { .username = (char *)"u", .password = (char *)"p" };
	_cleanup_reg_ struct reg *r = fake_client(f->port, &cred);
	_cleanup_buf_ struct buf got = BUF_INIT;
	_cleanup_free_ char *d = sha256_str("blob-bytes", 10, NULL);
	_cleanup_free_ char *authed = NULL;
	_cleanup_err_ struct err *err = NULL;

	if (reg_blob_get(r, "x", d, 10, collect, &got, &err) < 0)
		fail_msg("%s", err->msg);
	authed = xasprintf("GET /v2/x/blobs/%s Basic ", d);
	assert_int_equal(fake_count(f, authed), 1);
	assert_int_equal(fake_count(store, "GET /storage/blob?sig=1 -"), 1);
	assert_int_equal(fake_count(store, "GET"), 1);
	fake_stop(f);
	fake_stop(store);
}

static void
test_unavailable(void **state)
{
	int port;
	int fd = listen_loopback(&port);
	_cleanup_reg_ struct reg *r = NULL;
	_cleanup_ref_ struct ref *ref = NULL;
	_cleanup_reg_manifest_ struct reg_manifest *m = NULL;
	_cleanup_err_ struct err *err = NULL;

	close(fd); /* nothing listens there now */
	r = fake_client(port, NULL);
	ref = fake_ref(port, "a:b");
	assert_int_equal(reg_manifest_get(r, ref, &m, &err), -1);
	assert_int_equal(err->kind, ERR_UNAVAILABLE);
}

/* ---- basic auth and pushes against the fake ---- */

static void
basic_handler(struct fake *f, const struct fake_req *rq, struct buf *out)
{
	_cleanup_free_ char *want = NULL, *b64 = reg_base64_encode("alice:s3cret", 12);

	want = xasprintf("Basic %s", b64);
	if (!rq->auth || strcmp(rq->auth, want) != 0) {
		reply(out, 401, "WWW-Authenticate: Basic realm=\"fake\"\r\n", "", 0);
		return;
	}
	if (strcmp(rq->path, "/v2/") == 0)
		reply(out, 200, NULL, "{}", 2);
	else
		reply(out, 404, NULL, "", 0);
}

static void
test_basic_from_config(void **state)
{
	char dir[] = "/tmp/nerdc-test-creds-XXXXXX";
	struct fake *f = fake_start(basic_handler, NULL);
	_cleanup_free_ char *cfg = NULL, *domain = NULL, *path = NULL;
	_cleanup_free_ char *b64 = reg_base64_encode("alice:s3cret", 12);
	static const char *const no_dirs[] = { "/nonexistent-hosts-dir", NULL };
	struct reg_opts o = { .hosts_dirs = no_dirs, .retry_base_ms = 1 };
	_cleanup_reg_ struct reg *r = NULL, *anon = NULL;
	_cleanup_err_ struct err *err = NULL;

	assert_non_null(mkdtemp(dir));
	domain = xasprintf("127.0.0.1:%d", f->port);
	cfg = xasprintf("{\"auths\":{\"http://%s/v2/\":{\"auth\":\"%s\"}}}", domain, b64);
	path = xasprintf("%s/config.json", dir);
	assert_int_equal(fs_write_atomic(path, cfg, strlen(cfg), 0600, NULL), 0);
	o.docker_config = dir;
	r = reg_new(domain, &o, NULL);
	if (reg_ping(r, &err) < 0)
		fail_msg("%s", err->msg);
	anon = fake_client(f->port, NULL);
	assert_int_equal(reg_ping(anon, &err), -1);
	assert_int_equal(err->kind, ERR_UNAUTHORIZED);
	unlink(path);
	rmdir(dir);
	fake_stop(f);
}

/* ---- credentials ---- */

static void
test_creds_store_get_erase(void **state)
{
	char dir[] = "/tmp/nerdc-test-creds-XXXXXX";
	struct reg_cred in = { .username = (char *)"bob", .password = (char *)"pw:with:colons" };
	_cleanup_reg_cred_ struct reg_cred *out = NULL, *hub = NULL;
	_cleanup_free_ char *path = NULL, *key = reg_cred_server_key("docker.io");
	_cleanup_buf_ struct buf text = BUF_INIT;
	_cleanup_err_ struct err *err = NULL;
	struct stat st;

	assert_string_equal(key, "https://index.docker.io/v1/");
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/config.json", dir);
	assert_int_equal(fs_write_atomic(path, "{\"keep\":1}", 10, 0644, NULL), 0);
	assert_int_equal(reg_cred_store(dir, "localhost:5000", &in, NULL), 0);
	assert_int_equal(reg_cred_store(dir, "docker.io", &in, NULL), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(fs_read_file(path, 1 << 20, &text, NULL), 0);
	assert_non_null(strstr(text.data, "\"keep\""));
	assert_non_null(strstr(text.data, "https://index.docker.io/v1/"));

	assert_int_equal(reg_cred_get(dir, "localhost:5000", &out, NULL), 0);
	assert_non_null(out);
	assert_string_equal(out->username, "bob");
	assert_string_equal(out->password, "pw:with:colons");
	assert_int_equal(reg_cred_get(dir, "docker.io", &hub, NULL), 0);
	assert_non_null(hub);

	assert_int_equal(reg_cred_erase(dir, "localhost:5000", NULL), 0);
	reg_cred_free(TAKE_PTR(out));
	assert_int_equal(reg_cred_get(dir, "localhost:5000", &out, NULL), 0);
	assert_null(out);
	assert_int_equal(reg_cred_erase(dir, "localhost:5000", &err), -1);
	assert_int_equal(err->kind, ERR_NOT_FOUND);
	unlink(path);
	rmdir(dir);
}

static void
test_creds_helper(void **state)
{
	char dir[] = "/tmp/nerdc-test-helper-XXXXXX";
	_cleanup_free_ char *path = NULL, *helper = NULL, *oldpath = NULL, *newpath = NULL;
	_cleanup_free_ char *store = NULL;
	_cleanup_reg_cred_ struct reg_cred *out = NULL, *none = NULL;
	_cleanup_buf_ struct buf text = BUF_INIT;
	_cleanup_err_ struct err *err = NULL;
	const char *script =
		"#!/bin/sh\n"
		"read -r url\n"
		"case \"$1\" in\n"
		"get) case \"$url\" in\n"
		"     reg.example:5000) printf '{\"ServerURL\":\"%s\",\"Username\":\"hu\",\"Secret\":\"hs\"}' \"$url\";;\n"
		"     tok.example) printf '{\"Username\":\"<token>\",\"Secret\":\"idtok\"}';;\n"
		"     broken.example) echo 'boom'; exit 1;;\n"
		"     *) echo 'credentials not found in native keychain'; exit 1;;\n"
		"     esac;;\n"
		"store) echo \"$url\" > \"$(dirname \"$0\")/stored\";;\n"
		"erase) echo \"$url\" > \"$(dirname \"$0\")/erased\";;\n"
		"esac\n";
	const char *cfg = "{\"credsStore\":\"nerdctest\"}";
	struct reg_cred in = { .username = (char *)"u", .password = (char *)"p" };

	assert_non_null(mkdtemp(dir));
	helper = xasprintf("%s/docker-credential-nerdctest", dir);
	assert_int_equal(fs_write_atomic(helper, script, strlen(script), 0755, NULL), 0);
	path = xasprintf("%s/config.json", dir);
	assert_int_equal(fs_write_atomic(path, cfg, strlen(cfg), 0600, NULL), 0);
	oldpath = xstrdup(getenv("PATH"));
	newpath = xasprintf("%s:%s", dir, oldpath);
	setenv("PATH", newpath, 1);

	assert_int_equal(reg_cred_get(dir, "reg.example:5000", &out, NULL), 0);
	assert_string_equal(out->username, "hu");
	assert_string_equal(out->password, "hs");
	reg_cred_free(TAKE_PTR(out));
	assert_int_equal(reg_cred_get(dir, "tok.example", &out, NULL), 0);
	assert_string_equal(out->identity_token, "idtok");
	assert_null(out->username);
	assert_int_equal(reg_cred_get(dir, "other.example", &none, NULL), 0);
	assert_null(none);
	assert_int_equal(reg_cred_get(dir, "broken.example", &none, &err), -1);
	assert_int_equal(err->kind, ERR_UNAVAILABLE);
	err_clear(&err);

	assert_int_equal(reg_cred_store(dir, "reg.example:5000", &in, NULL), 0);
	store = xasprintf("%s/stored", dir);
	assert_int_equal(fs_read_file(store, 4096, &text, NULL), 0);
	assert_string_equal(text.data, "{\"ServerURL\":\"reg.example:5000\",\"Username\":\"u\",\"Secret\":\"p\"}\n");

	setenv("PATH", oldpath, 1);
	assert_int_equal(reg_cred_get(dir, "reg.example:5000", &out, &err), -1);
	assert_int_equal(err->kind, ERR_UNAVAILABLE);
	assert_non_null(strstr(err->msg, "executable file not found"));

	unlink(store);
	unlink(helper);
	unlink(path);
	rmdir(dir);
}

/* ---- hosts ---- */

static void
test_hosts_defaults(void **state)
{
	static const char *const none[] = { "/nonexistent", NULL };
	_cleanup_reg_hosts_ struct reg_hosts hub = { 0 }, lo = { 0 }, other = { 0 }, ins = { 0 };

	assert_int_equal(reg_hosts_resolve("docker.io", none, 0, &hub, NULL), 0);
	assert_int_equal(hub.n, 1);
	assert_string_equal(hub.v[0].scheme, "https");
	assert_string_equal(hub.v[0].host, "registry-1.docker.io");
	assert_string_equal(hub.v[0].path, "/v2");
	assert_int_equal(reg_hosts_resolve("localhost:5000", none, 0, &lo, NULL), 0);
	assert_string_equal(lo.v[0].scheme, "http");
	assert_int_equal(reg_hosts_resolve("reg.example.com", none, 0, &other, NULL), 0);
	assert_string_equal(other.v[0].scheme, "https");
	assert_false(other.v[0].skip_verify);
	assert_int_equal(reg_hosts_resolve("reg.example.com", none, 1, &ins, NULL), 0);
	assert_true(ins.v[0].skip_verify);
	assert_true(ins.v[0].http_fallback);
	assert_true(reg_host_is_loopback("127.0.0.1:5000"));
	assert_true(reg_host_is_loopback("[::1]:5000"));
	assert_true(reg_host_is_loopback("localhost"));
	assert_false(reg_host_is_loopback("localhost.example.com"));
}

static void
test_hosts_certs_d(void **state)
{
	char dir[] = "/tmp/nerdc-test-hosts-XXXXXX";
	_cleanup_free_ char *h = NULL, *bad = NULL, *baddir = NULL, *cmd = NULL;
	const char *dirs[] = { dir, NULL };
	_cleanup_reg_hosts_ struct reg_hosts a = { 0 }, b = { 0 };
	_cleanup_err_ struct err *err = NULL;

	assert_non_null(mkdtemp(dir));
	h = xasprintf("%s/localhost:5000", dir);
	assert_int_equal(fs_mkdir_p(h, 0755, NULL), 0);
	for (const char *const *n = (const char *const[]){ "ca.crt", "client.cert", "client.key",
							     NULL };
	     *n; n++) {
		_cleanup_free_ char *p = xasprintf("%s/%s", h, *n);
		assert_int_equal(fs_write_atomic(p, "x", 1, 0600, NULL), 0);
	}
	assert_int_equal(reg_hosts_resolve("localhost:5000", dirs, 0, &a, NULL), 0);
	/* TLS material in certs.d turns the loopback default into HTTPS. */
	assert_string_equal(a.v[0].scheme, "https");
	assert_non_null(strstr(a.v[0].ca_files[0], "/localhost:5000/ca.crt"));
	assert_non_null(strstr(a.v[0].client_certs[0], "client.cert"));
	assert_non_null(strstr(a.v[0].client_keys[0], "client.key"));

	baddir = xasprintf("%s/bad.example", dir);
	bad = xasprintf("%s/lonely.cert", baddir);
	assert_int_equal(fs_mkdir_p(baddir, 0755, NULL), 0);
	assert_int_equal(fs_write_atomic(bad, "x", 1, 0600, NULL), 0);
	assert_int_equal(reg_hosts_resolve("bad.example", dirs, 0, &b, &err), -1);
	assert_non_null(strstr(err->msg, "missing key"));
	cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void
test_hosts_toml(void **state)
{
	char dir[] = "/tmp/nerdc-test-hosts-XXXXXX";
	_cleanup_free_ char *h = NULL, *file = NULL, *cmd = NULL;
	const char *dirs[] = { dir, NULL };
	_cleanup_reg_hosts_ struct reg_hosts a = { 0 };
	_cleanup_err_ struct err *err = NULL;
	const char *toml =
		"server = \"https://registry.example.com\"\n"
		"ca = \"root.pem\"\n"
		"[host.\"https://mirror.example.com/base\"]\n"
		"  capabilities = [\"pull\", \"resolve\"]\n"
		"  skip_verify = true\n"
		"  client = [[\"/abs/c.cert\", \"c.key\"]]\n"
		"  [host.\"https://mirror.example.com/base\".header]\n"
		"    x-test = \"1\"\n"
		"[host.\"http://plain.example.com/custom\"]\n"
		"  override_path = true\n";

	assert_non_null(mkdtemp(dir));
	h = xasprintf("%s/example.com", dir);
	assert_int_equal(fs_mkdir_p(h, 0755, NULL), 0);
	file = xasprintf("%s/hosts.toml", h);
	assert_int_equal(fs_write_atomic(file, toml, strlen(toml), 0644, NULL), 0);
	if (reg_hosts_resolve("example.com", dirs, 0, &a, &err) < 0) {
		cmd = xasprintf("rm -rf '%s'", dir);
		assert_int_equal(system(cmd), 0);
		if (err->kind == ERR_UNIMPLEMENTED)
			skip(); /* base/toml.c not there yet */
		fail_msg("%s", err->msg);
	}
	assert_int_equal(a.n, 3);
	assert_string_equal(a.v[0].host, "mirror.example.com");
	assert_string_equal(a.v[0].path, "/base/v2");
	assert_int_equal(a.v[0].caps, REG_CAP_PULL | REG_CAP_RESOLVE);
	assert_true(a.v[0].skip_verify);
	assert_string_equal(a.v[0].client_certs[0], "/abs/c.cert");
	assert_non_null(strstr(a.v[0].client_keys[0], "/example.com/c.key"));
	assert_string_equal(a.v[0].headers[0], "x-test: 1");
	assert_string_equal(a.v[1].scheme, "http");
	assert_string_equal(a.v[1].path, "/custom");
	assert_string_equal(a.v[2].host, "registry.example.com");
	assert_non_null(strstr(a.v[2].ca_files[0], "/example.com/root.pem"));
	assert_int_equal(a.v[2].caps, REG_CAP_PULL | REG_CAP_RESOLVE | REG_CAP_PUSH);
	cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* ---- Debian's docker-registry with TLS and htpasswd ---- */

struct real {
	char dir[64];
	pid_t pid;
	int port;
	char *domain;
	char *certs_d;
};

static int
have(const char *prog)
{
	_cleanup_free_ char *cmd = xasprintf("command -v %s >/dev/null 2>&1", prog);

	return system(cmd) == 0;
}

static int
run(const char *fmt, ...) _printf_(1, 2);

static int
run(const char *fmt, ...)
{
	va_list ap;
	_cleanup_free_ char *cmd = NULL;

	va_start(ap, fmt);
	cmd = xvasprintf(fmt, ap);
	va_end(ap);
	return system(cmd);
}

static int
real_start(struct real *s)
{
	_cleanup_free_ char *cfg = NULL, *cfgpath = NULL, *host_dir = NULL;
	int fd = listen_loopback(&s->port);

	close(fd);
	snprintf(s->dir, sizeof(s->dir), "/tmp/nerdc-test-registry-XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	s->domain = xasprintf("127.0.0.1:%d", s->port);
	s->certs_d = xasprintf("%s/certs.d", s->dir);
	host_dir = xasprintf("%s/%s", s->certs_d, s->domain);
	assert_int_equal(fs_mkdir_p(host_dir, 0755, NULL), 0);
	if (run("cd %s && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem "
		"-days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 && "
		"cp cert.pem '%s/ca.crt' && htpasswd -Bbn alice s3cret > htpasswd && "
		"openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.pem "
		"-days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 && "
		"mkdir -p 'wrong.d/%s' && cp other.pem 'wrong.d/%s/ca.crt'",
		s->dir, host_dir, s->domain, s->domain) != 0)
		return -1;
	cfg = xasprintf("version: 0.1\n"
			"log:\n  level: error\n  accesslog:\n    disabled: true\n"
			"storage:\n  filesystem:\n    rootdirectory: %s/data\n  delete:\n    enabled: true\n"
			"http:\n  addr: %s\n  tls:\n    certificate: %s/cert.pem\n    key: %s/key.pem\n"
			"auth:\n  htpasswd:\n    realm: test\n    path: %s/htpasswd\n",
			s->dir, s->domain, s->dir, s->dir, s->dir);
	cfgpath = xasprintf("%s/config.yml", s->dir);
	assert_int_equal(fs_write_atomic(cfgpath, cfg, strlen(cfg), 0644, NULL), 0);
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (s->pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		dup2(devnull, 1);
		dup2(devnull, 2);
		execlp("docker-registry", "docker-registry", "serve", cfgpath, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200; i++) {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)s->port),
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		int ok = connect(c, (struct sockaddr *)&a, sizeof(a)) == 0;

		close(c);
		if (ok)
			return 0;
		usleep(50000);
	}
	return -1;
}

static void
real_stop(struct real *s)
{
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
	}
	s->pid = 0;
	if (s->dir[0])
		run("rm -rf '%s'", s->dir);
	s->dir[0] = '\0';
	free(s->domain);
	free(s->certs_d);
	s->domain = s->certs_d = NULL;
}

/* The registry outlives a failed assertion otherwise: stop it in the teardown. */
static struct real real_srv;

static int
real_teardown(void **state)
{
	real_stop(&real_srv);
	return 0;
}

static ssize_t
read_mem(void *ud, void *buf, size_t n, struct err **errp)
{
	struct buf *b = ud;
	size_t k = n < b->len ? n : b->len;

	memcpy(buf, b->data, k);
	memmove(b->data, b->data + k, b->len - k);
	buf_setlen(b, b->len - k);
	return (ssize_t)k;
}

static void
test_real_registry(void **state)
{
	struct real *sp = &real_srv;
	struct reg_cred cred = { .username = (char *)"alice", .password = (char *)"s3cret" };
	_cleanup_reg_ struct reg *r = NULL, *anon = NULL, *untrusted = NULL;
	_cleanup_err_ struct err *err = NULL;
	_cleanup_free_ char *cfg_digest = NULL, *layer_digest = NULL, *manifest = NULL;
	_cleanup_free_ char *mdigest = NULL, *refs = NULL, *refd = NULL, *nosuch = NULL;
	_cleanup_free_ char *want_nosuch = NULL, *wrong = NULL;
	_cleanup_buf_ struct buf layer = BUF_INIT, got = BUF_INIT, src = BUF_INIT;
	_cleanup_ref_ struct ref *byname = NULL, *bydigest = NULL, *missing = NULL;
	_cleanup_reg_manifest_ struct reg_manifest *m = NULL, *h = NULL;
	const char *config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
	const char *dirs[2] = { NULL, NULL };
	struct reg_opts o = { .hosts_dirs = dirs, .cred = &cred, .retry_base_ms = 1,
			      .docker_config = "/nonexistent-docker-config" };
	struct reg_push_opts chunked = { .chunk_size = 100000 };
	int64_t size = -1;

	if (!have("docker-registry") || !have("htpasswd") || !have("openssl"))
		skip(); /* needs docker-registry, apache2-utils' htpasswd and openssl */
	if (real_start(sp) < 0) {
		real_stop(sp);
		fail_msg("could not start docker-registry");
	}
	dirs[0] = sp->certs_d;
	r = reg_new(sp->domain, &o, &err);
	if (!r)
		fail_msg("%s", err->msg);
	if (reg_ping(r, &err) < 0)
		fail_msg("ping: %s", err->msg);

	/* Without credentials: 401; with the wrong CA: a TLS failure, reported as unavailable. */
	o.cred = NULL;
	anon = reg_new(sp->domain, &o, NULL);
	assert_int_equal(reg_ping(anon, &err), -1);
	assert_int_equal(err->kind, ERR_UNAUTHORIZED);
	err_clear(&err);
	wrong = xasprintf("%s/wrong.d", sp->dir);
	dirs[0] = wrong;
	untrusted = reg_new(sp->domain, &o, NULL);
	assert_int_equal(reg_ping(untrusted, &err), -1);
	assert_int_equal(err->kind, ERR_UNAVAILABLE);
	err_clear(&err);
	o.cred = &cred;
	dirs[0] = sp->certs_d;

	/* Push config (monolithic) and a 300 kB layer (chunked), then a manifest. */
	if (reg_blob_push_bytes(r, "test/img", config, strlen(config), NULL, &cfg_digest, &err) < 0)
		fail_msg("push config: %s", err->msg);
	for (int i = 0; i < 300000; i++)
		buf_addch(&layer, (char)(i * 7 + i / 1000));
	layer_digest = sha256_str(layer.data, layer.len, NULL);
	buf_add(&src, layer.data, layer.len);
	if (reg_blob_push(r, "test/img", layer_digest, (int64_t)layer.len, read_mem, &src, &chunked,
			  &err) < 0)
		fail_msg("push layer: %s", err->msg);
	assert_int_equal(reg_blob_exists(r, "test/img", layer_digest, &size, NULL), 1);
	assert_int_equal(size, (int64_t)layer.len);
	manifest = xasprintf("{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":{\"mediaType\":"
			     "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"%s\",\"size\":%zu},"
			     "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
			     "\"digest\":\"%s\",\"size\":%zu}]}",
			     MT_OCI_MANIFEST, cfg_digest, strlen(config), layer_digest, layer.len);
	if (reg_manifest_put(r, "test/img", "v1", MT_OCI_MANIFEST, manifest, strlen(manifest),
			     &mdigest, &err) < 0)
		fail_msg("put manifest: %s", err->msg);

	/* Pull it back by tag and by digest, and the layer with digest verification. */
	refs = xasprintf("%s/test/img:v1", sp->domain);
	assert_int_equal(ref_parse(refs, &byname, NULL), 0);
	if (reg_manifest_get(r, byname, &m, &err) < 0)
		fail_msg("get manifest: %s", err->msg);
	assert_string_equal(m->digest, mdigest);
	assert_string_equal(m->media_type, MT_OCI_MANIFEST);
	assert_string_equal(m->body.data, manifest);
	assert_int_equal(reg_manifest_head(r, byname, &h, NULL), 0);
	assert_string_equal(h->digest, mdigest);
	assert_int_equal(h->size, (int64_t)strlen(manifest));
	refd = xasprintf("%s/test/img@%s", sp->domain, mdigest);
	assert_int_equal(ref_parse(refd, &bydigest, NULL), 0);
	reg_manifest_free(TAKE_PTR(m));
	assert_int_equal(reg_manifest_get(r, bydigest, &m, NULL), 0);
	if (reg_blob_get(r, "test/img", layer_digest, (int64_t)layer.len, collect, &got, &err) < 0)
		fail_msg("get layer: %s", err->msg);
	assert_int_equal(got.len, layer.len);
	assert_memory_equal(got.data, layer.data, layer.len);

	/* Cross-repository mount: no bytes sent, the blob appears in the other repository. */
	{
		struct reg_push_opts mount = { .mount_from = "test/img" };
		struct buf empty = BUF_INIT;

		if (reg_blob_push(r, "test/other", layer_digest, (int64_t)layer.len, read_mem,
				  &empty, &mount, &err) < 0)
			fail_msg("mount: %s", err->msg);
		assert_int_equal(reg_blob_exists(r, "test/other", layer_digest, NULL, NULL), 1);
	}

	/* A wrong digest for pushed bytes is caught. */
	{
		struct buf liar = BUF_INIT;

		buf_adds(&liar, "not what the digest says");
		assert_int_equal(reg_blob_push(r, "test/img",
					       "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
					       (int64_t)liar.len, read_mem, &liar, NULL, &err),
				 -1);
		assert_int_equal(err->kind, ERR_INVALID);
		err_clear(&err);
		buf_release(&liar);
	}

	/* 404 names the reference. */
	nosuch = xasprintf("%s/test/img:nosuch", sp->domain);
	assert_int_equal(ref_parse(nosuch, &missing, NULL), 0);
	assert_int_equal(reg_manifest_get(r, missing, &m, &err), -1);
	assert_int_equal(err->kind, ERR_NOT_FOUND);
	want_nosuch = xasprintf("%s: not found", nosuch);
	assert_string_equal(err->msg, want_nosuch);
	real_stop(sp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bearer_flow),
		cmocka_unit_test(test_manifest_errors),
		cmocka_unit_test(test_blob_redirect_and_mismatch),
		cmocka_unit_test(test_redirect_drops_auth),
		cmocka_unit_test(test_unavailable),
		cmocka_unit_test(test_basic_from_config),
		cmocka_unit_test(test_creds_store_get_erase),
		cmocka_unit_test(test_creds_helper),
		cmocka_unit_test(test_hosts_defaults),
		cmocka_unit_test(test_hosts_certs_d),
		cmocka_unit_test(test_hosts_toml),
		cmocka_unit_test_teardown(test_real_registry, real_teardown),
	};
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
