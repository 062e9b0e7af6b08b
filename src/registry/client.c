/* The registry HTTP client: requests, auth, redirects, retries, manifests, blobs, pushes. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/digest.h"
#include "base/fs.h"
#include "base/json.h"
#include "base/log.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "registry/client.h"
#include "registry/curl_api.h"
#include "registry/hosts.h"
#include "registry/wwwauth.h"
#include "base/banned.h"

#define MAX_REDIRECTS 10
#define MAX_HEADER_LINES 64
#define RETRY_CAP_MS 5000
#define CA_FILE_MAX (4u << 20)
#define SYSTEM_CA_BUNDLE "/etc/ssl/certs/ca-certificates.crt"

static const char MANIFEST_ACCEPT[] = "Accept: " MT_OCI_INDEX ", " MT_OCI_MANIFEST ", "
				      MT_DOCKER_LIST ", " MT_DOCKER_MANIFEST;

struct token {
	char *scope;
	char *value;
	time_t expires;
};

struct reg {
	const struct curl_api *c;
	CURL *h;
	char *domain;
	struct reg_hosts hosts;
	char *docker_config;
	char *user_agent;
	int retries, retry_base_ms;

	struct reg_cred *cred;	/* explicit, or loaded on the first 401 */
	int cred_loaded;
	int use_basic;		/* the registry asked for Basic */
	struct token *tokens;
	size_t n_tokens;
};

/* One HTTP exchange and what came back. */
struct req {
	const char *method;
	char **scopes;		/* "repository:NAME:pull[,push]", NULL-terminated */
	struct curl_slist *headers;

	const void *body;	/* in-memory request body, or */
	size_t body_len;
	reg_source_fn src;	/* a streamed one of src_len bytes */
	void *src_ud;
	int64_t src_len;
	int64_t src_sent;
	struct digester *src_digest;

	reg_sink_fn sink;	/* where a 2xx body goes; else into resp */
	void *sink_ud;
	struct digester *sink_digest;
	int64_t sink_got;
	int64_t sink_max;	/* -1: no limit */
	int64_t skip;		/* leading bytes of a 200 answer to a Range request to drop */
	size_t resp_max;

	/* response */
	long status;
	struct buf resp;
	char *content_type;
	char *content_digest;
	char *location;
	int64_t content_length;
	long retry_after;
	struct strv wwwauth;
	int n_header_lines;
	int overflow;
	CURLcode cc;		/* transport result of the last attempt */
	struct err *cb_err;
};

static void
req_reset_response(struct req *q)
{
	q->status = 0;
	buf_reset(&q->resp);
	free(q->content_type);
	free(q->content_digest);
	free(q->location);
	q->content_type = q->content_digest = q->location = NULL;
	q->content_length = -1;
	q->retry_after = -1;
	strv_release(&q->wwwauth);
	q->n_header_lines = 0;
	q->overflow = 0;
}

static void
req_release(struct req *q, const struct curl_api *c)
{
	req_reset_response(q);
	buf_release(&q->resp);
	if (q->headers)
		c->slist_free_all(q->headers);
	err_free(q->cb_err);
}

static void
req_header(struct req *q, const struct curl_api *c, const char *line)
{
	q->headers = c->slist_append(q->headers, line);
	if (!q->headers)
		abort();
}

/* ---- curl callbacks ---- */

static size_t
on_header(char *p, size_t size, size_t nmemb, void *ud)
{
	struct req *q = ud;
	size_t len = size * nmemb, n = len;
	_cleanup_free_ char *line = NULL;
	char *colon, *v;

	while (n && (p[n - 1] == '\r' || p[n - 1] == '\n'))
		n--;
	if (n >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		/* A new response (after 100 Continue or within a redirect): start over. */
		const char *sp = memchr(p, ' ', n);

		req_reset_response(q);
		if (sp && p + n - sp >= 4 && isdigit((unsigned char)sp[1]) &&
		    isdigit((unsigned char)sp[2]) && isdigit((unsigned char)sp[3]))
			q->status = (sp[1] - '0') * 100 + (sp[2] - '0') * 10 + (sp[3] - '0');
		return len;
	}
	if (++q->n_header_lines > MAX_HEADER_LINES * 4)
		return 0;
	line = xstrndup(p, n);
	colon = strchr(line, ':');
	if (!colon)
		return len;
	*colon = '\0';
	v = colon + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	for (char *e = v + strlen(v); e > v && (e[-1] == ' ' || e[-1] == '\t');)
		*--e = '\0';
	if (strcasecmp(line, "content-type") == 0) {
		free(q->content_type);
		q->content_type = xstrdup(v);
	} else if (strcasecmp(line, "docker-content-digest") == 0) {
		free(q->content_digest);
		q->content_digest = xstrdup(v);
	} else if (strcasecmp(line, "location") == 0) {
		free(q->location);
		q->location = xstrdup(v);
	} else if (strcasecmp(line, "content-length") == 0) {
		char *end;
		long long x = strtoll(v, &end, 10);

		q->content_length = (*v && !*end && x >= 0) ? x : -1;
	} else if (strcasecmp(line, "retry-after") == 0) {
		char *end;
		long x = strtol(v, &end, 10);

		q->retry_after = (*v && !*end && x >= 0) ? x : -1;
	} else if (strcasecmp(line, "www-authenticate") == 0 && q->wwwauth.n < MAX_HEADER_LINES) {
		strv_push(&q->wwwauth, v);
	}
	return len;
}

static size_t
on_write(char *p, size_t size, size_t nmemb, void *ud)
{
	struct req *q = ud;
	size_t len = size * nmemb, total = len;

	if (q->sink && q->status == 200 && q->skip > 0) {
		size_t k = (int64_t)len < q->skip ? len : (size_t)q->skip;

		q->skip -= (int64_t)k;
		p += k;
		len -= k;
		if (!len)
			return total;
	}
	if (q->sink && q->status >= 200 && q->status < 300) {
		if (q->sink_max >= 0 && q->sink_got + (int64_t)len > q->sink_max) {
			err_set(&q->cb_err, ERR_INVALID, "blob larger than the expected %lld bytes",
				(long long)q->sink_max);
			return 0;
		}
		if (q->sink_digest)
			digester_update(q->sink_digest, p, len);
		q->sink_got += (int64_t)len;
		if (q->sink(q->sink_ud, p, len, &q->cb_err) < 0)
			return 0;
		return total;
	}
	if (q->resp.len + len > q->resp_max) {
		q->overflow = 1;
		return 0;
	}
	buf_add(&q->resp, p, len);
	return len;
}

static size_t
on_read(char *p, size_t size, size_t nmemb, void *ud)
{
	struct req *q = ud;
	size_t want = size * nmemb;
	ssize_t n;

	if (q->src_len - q->src_sent < (int64_t)want)
		want = (size_t)(q->src_len - q->src_sent);
	if (want == 0)
		return 0;
	n = q->src(q->src_ud, p, want, &q->cb_err);
	if (n < 0)
		return CURL_READFUNC_ABORT;
	if (n == 0) {
		err_set(&q->cb_err, ERR_INVALID, "blob source ended after %lld of %lld bytes",
			(long long)q->src_sent, (long long)q->src_len);
		return CURL_READFUNC_ABORT;
	}
	if (q->src_digest)
		digester_update(q->src_digest, p, (size_t)n);
	q->src_sent += n;
	return (size_t)n;
}

/* ---- setup ---- */

struct reg *
reg_new(const char *domain, const struct reg_opts *o, struct err **errp)
{
	static const struct reg_opts defaults = { 0 };
	_cleanup_reg_ struct reg *r = xnew(struct reg, 1);

	if (!o)
		o = &defaults;
	r->domain = xstrdup(domain);
	r->c = curl_api_get(errp);
	if (!r->c)
		return NULL;
	r->h = r->c->easy_init();
	if (!r->h) {
		err_set(errp, ERR_UNAVAILABLE, "libcurl: cannot create a handle");
		return NULL;
	}
	if (reg_hosts_resolve(domain, o->hosts_dirs, o->insecure, &r->hosts, errp) < 0)
		return NULL;
	r->docker_config = xstrdup_null(o->docker_config);
	r->user_agent = o->user_agent ? xstrdup(o->user_agent) : xstrdup("nerdc/" NERDC_VERSION);
	r->retries = o->retries == 0 ? 3 : o->retries < 0 ? 0 : o->retries;
	r->retry_base_ms = o->retry_base_ms > 0 ? o->retry_base_ms : 250;
	if (o->cred) {
		r->cred = xnew(struct reg_cred, 1);
		r->cred->username = xstrdup_null(o->cred->username);
		r->cred->password = xstrdup_null(o->cred->password);
		r->cred->identity_token = xstrdup_null(o->cred->identity_token);
		r->cred_loaded = 1;
	}
	return TAKE_PTR(r);
}

void
reg_free(struct reg *r)
{
	if (!r)
		return;
	if (r->h)
		r->c->easy_cleanup(r->h);
	free(r->domain);
	reg_hosts_release(&r->hosts);
	free(r->docker_config);
	free(r->user_agent);
	reg_cred_free(r->cred);
	for (size_t i = 0; i < r->n_tokens; i++) {
		free(r->tokens[i].scope);
		free(r->tokens[i].value);
	}
	free(r->tokens);
	free(r);
}

void
reg_manifest_free(struct reg_manifest *m)
{
	if (!m)
		return;
	free(m->media_type);
	free(m->digest);
	buf_release(&m->body);
	free(m);
}

/* ---- URLs ---- */

/* scheme://host of url, or NULL when it does not parse. Caller frees. */
static char *
url_origin(const struct curl_api *c, const char *url)
{
	CURLU *u = c->url();
	char *scheme = NULL, *host = NULL, *port = NULL, *ret = NULL;

	if (!u)
		abort();
	if (c->url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    c->url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    c->url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    c->url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK)
		ret = xasprintf("%s://%s:%s", scheme, host, port);
	c->free(scheme);
	c->free(host);
	c->free(port);
	c->url_cleanup(u);
	return ret;
}

/* Resolves ref (absolute or relative) against base; appends query (already encoded). */
static char *
url_resolve(const struct curl_api *c, const char *base, const char *ref, const char *query,
	    struct err **errp)
{
	CURLU *u = c->url();
	char *s = NULL, *ret = NULL;

	if (!u)
		abort();
	if (c->url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK ||
	    (ref && c->url_set(u, CURLUPART_URL, ref, CURLU_ALLOW_SPACE) != CURLUE_OK) ||
	    (query && c->url_set(u, CURLUPART_QUERY, query, CURLU_APPENDQUERY) != CURLUE_OK) ||
	    c->url_get(u, CURLUPART_URL, &s, 0) != CURLUE_OK) {
		err_set(errp, ERR_INVALID, "invalid URL %s from the registry", ref ? ref : base);
	} else if (strncmp(s, "http://", 7) != 0 && strncmp(s, "https://", 8) != 0) {
		err_set(errp, ERR_INVALID, "refusing a non-HTTP URL from the registry: %s", s);
	} else {
		ret = xstrdup(s);
	}
	c->free(s);
	c->url_cleanup(u);
	return ret;
}

static char *
ep_url(const struct reg_endpoint *ep, const char *fmt, ...) _printf_(2, 3);

static char *
ep_url(const struct reg_endpoint *ep, const char *fmt, ...)
{
	va_list ap;
	_cleanup_free_ char *tail = NULL;

	va_start(ap, fmt);
	tail = xvasprintf(fmt, ap);
	va_end(ap);
	return xasprintf("%s://%s%s%s", ep->scheme, ep->host, ep->path, tail);
}

/* ---- credentials and tokens ---- */

static const struct reg_cred *
get_cred(struct reg *r, struct err **errp)
{
	if (!r->cred_loaded) {
		if (reg_cred_get(r->docker_config, r->domain, &r->cred, errp) < 0)
			return NULL;
		r->cred_loaded = 1;
	}
	return r->cred;
}

static char *
scopes_key(char *const *scopes)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; scopes && scopes[i]; i++) {
		if (i)
			buf_addch(&b, ' ');
		buf_adds(&b, scopes[i]);
	}
	return buf_detach(&b, NULL);
}

static const char *
token_lookup(struct reg *r, char *const *scopes)
{
	_cleanup_free_ char *key = scopes_key(scopes);
	time_t now = time(NULL);

	for (size_t i = 0; i < r->n_tokens; i++)
		if (strcmp(r->tokens[i].scope, key) == 0 && r->tokens[i].expires > now)
			return r->tokens[i].value;
	return NULL;
}

static void
token_store(struct reg *r, char *const *scopes, const char *value, long expires_in)
{
	_cleanup_free_ char *key = scopes_key(scopes);
	struct token *t = NULL;

	for (size_t i = 0; i < r->n_tokens; i++)
		if (strcmp(r->tokens[i].scope, key) == 0)
			t = &r->tokens[i];
	if (!t) {
		r->tokens = xrealloc(r->tokens, (r->n_tokens + 1) * sizeof(*r->tokens));
		t = &r->tokens[r->n_tokens++];
		t->scope = TAKE_PTR(key);
		t->value = NULL;
	}
	free(t->value);
	t->value = xstrdup(value);
	/* A little early, so a token does not expire in flight. */
	t->expires = time(NULL) + (expires_in > 30 ? expires_in - 10 : expires_in);
}

static char *
basic_header(const struct reg_cred *cr)
{
	_cleanup_free_ char *pair = xasprintf("%s:%s", cr->username ? cr->username : "",
					      cr->password ? cr->password : "");
	_cleanup_free_ char *b64 = reg_base64_encode(pair, strlen(pair));

	explicit_bzero(pair, strlen(pair));
	return xasprintf("Authorization: Basic %s", b64);
}

/* The registry's own message from an error body ({"errors":[{"message":...}]}), or NULL. */
static char *
error_message(const struct buf *body)
{
	_cleanup_json_ json_t *j = NULL;
	json_t *e0;
	const char *m;

	if (!body->len || body->len > REG_SMALL_BODY_MAX)
		return NULL;
	j = json_loadb(body->data, body->len, JSON_REJECT_DUPLICATES, NULL);
	e0 = json_array_get(json_object_get(j, "errors"), 0);
	m = json_get_str(e0, "message");
	if (!m)
		m = json_get_str(j, "details");
	if (!m)
		m = json_get_str(j, "error_description");
	if (!m || !m[0])
		return NULL;
	/* Untrusted text goes into our messages: keep it short and printable. */
	char *s = xstrndup(m, 200);
	for (char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return s;
}

static int send_request(struct reg *r, const struct reg_endpoint *ep, struct req *q,
			const char *url, const char *auth, struct err **errp);

static int
fetch_token(struct reg *r, const struct reg_endpoint *ep, const struct wwwauth_challenge *ch,
	    char *const *scopes, struct err **errp)
{
	const char *realm = wwwauth_param(ch, "realm"), *service = wwwauth_param(ch, "service");
	const char *chscope = wwwauth_param(ch, "scope");
	const struct reg_cred *cr;
	_cleanup_strv_ struct strv all = STRV_INIT;
	_cleanup_buf_ struct buf query = BUF_INIT;
	_cleanup_free_ char *url = NULL, *auth = NULL;
	_cleanup_json_ json_t *j = NULL;
	struct req q = { .method = "GET", .resp = BUF_INIT, .resp_max = REG_SMALL_BODY_MAX,
			 .sink_max = -1 };
	const char *tok;
	long expires = 60;
	int rc = -1;

	if (!realm)
		return err_set(errp, ERR_INVALID, "bearer challenge without a realm");
	cr = get_cred(r, errp);
	if (!cr && errp && *errp)
		return -1;
	for (size_t i = 0; scopes && scopes[i]; i++)
		strv_push(&all, scopes[i]);
	if (chscope && !strv_contains(&all, chscope))
		strv_push(&all, chscope);

	if (service) {
		char *e = r->c->easy_escape(r->h, service, 0);

		buf_addf(&query, "service=%s", e);
		r->c->free(e);
	}
	for (size_t i = 0; i < all.n; i++) {
		char *e = r->c->easy_escape(r->h, all.v[i], 0);

		buf_addf(&query, "%sscope=%s", query.len ? "&" : "", e);
		r->c->free(e);
	}
	if (cr && cr->identity_token) {
		/* OAuth2 refresh-token grant, as Docker does with an identity token. */
		char *e = r->c->easy_escape(r->h, cr->identity_token, 0);

		buf_addf(&query, "%sgrant_type=refresh_token&client_id=nerdc&refresh_token=%s",
			 query.len ? "&" : "", e);
		r->c->free(e);
		url = url_resolve(r->c, realm, NULL, NULL, errp);
		q.method = "POST";
		q.body = query.data;
		q.body_len = query.len;
		req_header(&q, r->c, "Content-Type: application/x-www-form-urlencoded");
	} else {
		url = url_resolve(r->c, realm, NULL, query.len ? query.data : NULL, errp);
		if (cr && cr->username)
			auth = basic_header(cr);
	}
	if (!url)
		goto out;
	if (send_request(r, ep, &q, url, auth, errp) < 0)
		goto out;
	if (q.status == 401 || q.status == 403) {
		_cleanup_free_ char *m = error_message(&q.resp);

		err_set(errp, ERR_UNAUTHORIZED, "unauthorized: %s",
			m ? m : "authentication required");
		goto out;
	}
	if (q.status != 200) {
		err_set(errp, ERR_UNAVAILABLE, "token server %s: HTTP %ld", realm, q.status);
		goto out;
	}
	j = json_parse_strict(q.resp.data, q.resp.len, REG_SMALL_BODY_MAX, "token response", errp);
	if (!j)
		goto out;
	tok = json_get_str(j, "token");
	if (!tok || !tok[0])
		tok = json_get_str(j, "access_token");
	if (!tok || !tok[0]) {
		err_set(errp, ERR_INVALID, "token response without a token");
		goto out;
	}
	for (const char *p = tok; *p; p++) {
		if ((unsigned char)*p <= 0x20 || *p == 0x7f) {
			err_set(errp, ERR_INVALID, "token response: invalid characters in token");
			goto out;
		}
	}
	if (json_is_integer(json_object_get(j, "expires_in")) &&
	    json_integer_value(json_object_get(j, "expires_in")) > 0)
		expires = (long)json_integer_value(json_object_get(j, "expires_in"));
	if (expires < 60)
		expires = 60;	/* the token spec's minimum */
	if (expires > 86400)
		expires = 86400;
	token_store(r, scopes, tok, expires);
	rc = 0;
out:
	if (auth)
		explicit_bzero(auth, strlen(auth));
	req_release(&q, r->c);
	return rc;
}

/* Reacts to a 401: fetch a token or switch to Basic. 0 when the request is worth retrying. */
static int
authenticate(struct reg *r, const struct reg_endpoint *ep, struct req *q, struct err **errp)
{
	_cleanup_wwwauth_ struct wwwauth w = { 0 };
	const struct wwwauth_challenge *ch;
	_cleanup_free_ char *m = error_message(&q->resp);

	for (size_t i = 0; i < q->wwwauth.n; i++)
		if (wwwauth_parse(&w, q->wwwauth.v[i], strlen(q->wwwauth.v[i]), errp) < 0)
			return -1;
	if ((ch = wwwauth_find(&w, WWWAUTH_BEARER)))
		return fetch_token(r, ep, ch, q->scopes, errp);
	if (wwwauth_find(&w, WWWAUTH_BASIC)) {
		const struct reg_cred *cr = get_cred(r, errp);

		if (errp && *errp)
			return -1;
		if (cr && cr->username && !r->use_basic) {
			r->use_basic = 1;
			return 0;
		}
	}
	return err_set(errp, ERR_UNAUTHORIZED, "unauthorized: %s",
		       m ? m : "authentication required");
}

/* ---- sending ---- */

static int
append_file(struct buf *b, const char *path, struct err **errp)
{
	if (fs_read_file(path, CA_FILE_MAX, b, errp) < 0)
		return -1;
	buf_addch(b, '\n');
	return 0;
}

static int
setup_tls(struct reg *r, const struct reg_endpoint *ep, struct buf *cas, struct err **errp)
{
	const struct curl_api *c = r->c;

	if (ep->skip_verify) {
		c->easy_setopt(r->h, CURLOPT_SSL_VERIFYPEER, 0L);
		c->easy_setopt(r->h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (ep->ca_files && ep->ca_files[0]) {
		/* Extra CAs add to the system ones, as in Go; a blob replaces curl's bundle. */
		_cleanup_err_ struct err *ignored = NULL;
		struct curl_blob blob;

		(void)append_file(cas, SYSTEM_CA_BUNDLE, &ignored);
		for (size_t i = 0; ep->ca_files[i]; i++)
			if (append_file(cas, ep->ca_files[i], errp) < 0)
				return err_wrap(errp, "registry %s: CA", ep->host);
		blob.data = cas->data;
		blob.len = cas->len;
		blob.flags = CURL_BLOB_NOCOPY;
		c->easy_setopt(r->h, CURLOPT_CAINFO_BLOB, &blob);
	}
	if (ep->client_certs && ep->client_certs[0]) {
		c->easy_setopt(r->h, CURLOPT_SSLCERT, ep->client_certs[0]);
		if (ep->client_keys[0][0])
			c->easy_setopt(r->h, CURLOPT_SSLKEY, ep->client_keys[0]);
	}
	return 0;
}

static int
send_request(struct reg *r, const struct reg_endpoint *ep, struct req *q, const char *url,
	     const char *auth, struct err **errp)
{
	const struct curl_api *c = r->c;
	struct curl_slist *hdrs = NULL;
	_cleanup_buf_ struct buf cas = BUF_INIT;
	_cleanup_free_ char *ua = xasprintf("User-Agent: %s", r->user_agent);
	char errbuf[CURL_ERROR_SIZE] = "";
	CURLcode cc;
	int rc = -1;

	req_reset_response(q);
	q->cc = CURLE_OK;
	c->easy_reset(r->h);
	for (struct curl_slist *s = q->headers; s; s = s->next)
		hdrs = c->slist_append(hdrs, s->data);
	for (size_t i = 0; ep->headers && ep->headers[i]; i++)
		hdrs = c->slist_append(hdrs, ep->headers[i]);
	hdrs = c->slist_append(hdrs, ua);
	hdrs = c->slist_append(hdrs, "Expect:");
	if (auth)
		hdrs = c->slist_append(hdrs, auth);
	if (!hdrs)
		abort();

	c->easy_setopt(r->h, CURLOPT_URL, url);
	c->easy_setopt(r->h, CURLOPT_HTTPHEADER, hdrs);
	c->easy_setopt(r->h, CURLOPT_NOSIGNAL, 1L);
	c->easy_setopt(r->h, CURLOPT_ERRORBUFFER, errbuf);
	c->easy_setopt(r->h, CURLOPT_PROTOCOLS_STR, "http,https");
	c->easy_setopt(r->h, CURLOPT_CONNECTTIMEOUT, 30L);
	c->easy_setopt(r->h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	c->easy_setopt(r->h, CURLOPT_LOW_SPEED_TIME, 120L);
	c->easy_setopt(r->h, CURLOPT_HEADERFUNCTION, on_header);
	c->easy_setopt(r->h, CURLOPT_HEADERDATA, q);
	c->easy_setopt(r->h, CURLOPT_WRITEFUNCTION, on_write);
	c->easy_setopt(r->h, CURLOPT_WRITEDATA, q);
	/* A HEAD's Content-Length is the blob's size, not a body to cap (blob HEAD before push). */
	if (!q->sink && strcmp(q->method, "HEAD") != 0)
		c->easy_setopt(r->h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)q->resp_max);
	if (strcmp(q->method, "HEAD") == 0) {
		c->easy_setopt(r->h, CURLOPT_NOBODY, 1L);
	} else if (q->src) {
		c->easy_setopt(r->h, CURLOPT_UPLOAD, 1L);
		c->easy_setopt(r->h, CURLOPT_READFUNCTION, on_read);
		c->easy_setopt(r->h, CURLOPT_READDATA, q);
		c->easy_setopt(r->h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)q->src_len);
		c->easy_setopt(r->h, CURLOPT_CUSTOMREQUEST, q->method);
	} else if (q->body || strcmp(q->method, "GET") != 0) {
		c->easy_setopt(r->h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)q->body_len);
		c->easy_setopt(r->h, CURLOPT_POSTFIELDS, q->body ? q->body : "");
		c->easy_setopt(r->h, CURLOPT_CUSTOMREQUEST, q->method);
	}
	if (strncmp(url, "https://", 8) == 0 && setup_tls(r, ep, &cas, errp) < 0)
		goto out;

	log_debug("registry: %s %s", q->method, url);
	cc = c->easy_perform(r->h);
	q->cc = cc;
	c->easy_getinfo(r->h, CURLINFO_RESPONSE_CODE, &q->status);
	if (q->cb_err) {
		err_move(errp, &q->cb_err);
		goto out;
	}
	if (q->overflow || cc == CURLE_FILESIZE_EXCEEDED) {
		err_set(errp, ERR_RESOURCE, "%s %s: response larger than %zu bytes", q->method, url,
			q->resp_max);
		goto out;
	}
	if (cc != CURLE_OK) {
		err_set(errp, ERR_UNAVAILABLE, "%s %s: %s", q->method, url,
			errbuf[0] ? errbuf : c->easy_strerror(cc));
		goto out;
	}
	rc = 0;
out:
	c->easy_setopt(r->h, CURLOPT_HTTPHEADER, NULL);
	c->slist_free_all(hdrs);
	return rc;
}

/* Transport failures worth another try; a refused connection or bad TLS is not one. */
static int
transient(CURLcode cc)
{
	return cc == CURLE_SEND_ERROR || cc == CURLE_RECV_ERROR || cc == CURLE_GOT_NOTHING ||
	       cc == CURLE_PARTIAL_FILE || cc == CURLE_OPERATION_TIMEDOUT ||
	       cc == CURLE_HTTP2 || cc == CURLE_HTTP2_STREAM;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * Runs q against ep: Authorization for the registry's own host only, a token fetch or Basic
 * after a 401, redirects, retries with backoff on 429/5xx and transport errors while the
 * request can be replayed, and the insecure HTTP fallback. The final status is in q->status.
 */
static int
do_request(struct reg *r, struct reg_endpoint *ep, struct req *q, const char *path_url,
	   struct err **errp)
{
	_cleanup_free_ char *url = xstrdup(path_url), *origin = url_origin(r->c, path_url);
	int redirects = 0, tries = 0, auth_tries = 0, fell_back = 0;

	for (;;) {
		_cleanup_free_ char *here = url_origin(r->c, url), *auth = NULL;
		_cleanup_err_ struct err *e = NULL;
		int replayable = !q->src || q->src_sent == 0;
		const char *tok;

		if (here && origin && strcmp(here, origin) == 0) {
			if ((tok = token_lookup(r, q->scopes)))
				auth = xasprintf("Authorization: Bearer %s", tok);
			else if (r->use_basic && r->cred && r->cred->username)
				auth = basic_header(r->cred);
		}
		if (send_request(r, ep, q, url, auth, &e) < 0) {
			if (e->kind != ERR_UNAVAILABLE || q->sink_got > 0)
				return err_move(errp, &e);
			if (ep->http_fallback && !fell_back && strncmp(url, "https://", 8) == 0) {
				/* --insecure-registry: the registry may not speak TLS at all. */
				char *u = xasprintf("http://%s", url + 8);

				log_debug("registry: %s, falling back to HTTP", e->msg);
				free(url);
				url = u;
				free(ep->scheme);
				ep->scheme = xstrdup("http");
				free(origin);
				origin = url_origin(r->c, url);
				fell_back = 1;
				continue;
			}
			if (tries < r->retries && replayable && transient(q->cc)) {
				sleep_ms(r->retry_base_ms << tries);
				tries++;
				continue;
			}
			return err_move(errp, &e);
		}
		if (q->status >= 300 && q->status < 400 && q->status != 304 && q->location) {
			char *next;

			if (++redirects > MAX_REDIRECTS)
				return err_set(errp, ERR_UNAVAILABLE, "%s: too many redirects", url);
			next = url_resolve(r->c, url, q->location, NULL, errp);
			if (!next)
				return -1;
			free(url);
			url = next;
			if (q->status == 303 || ((q->status == 301 || q->status == 302) &&
						 strcmp(q->method, "POST") == 0)) {
				q->method = "GET";
				q->body = NULL;
				q->body_len = 0;
			}
			continue;
		}
		if (q->status == 401 && auth_tries == 0 && replayable && here && origin &&
		    strcmp(here, origin) == 0) {
			auth_tries++;
			if (authenticate(r, ep, q, errp) < 0)
				return -1;
			continue;
		}
		if ((q->status == 429 || q->status >= 500) && tries < r->retries && replayable &&
		    q->sink_got == 0) {
			long ms = (long)r->retry_base_ms << tries;

			if (q->retry_after >= 0)
				ms = q->retry_after * 1000;
			sleep_ms(ms > RETRY_CAP_MS ? RETRY_CAP_MS : ms);
			tries++;
			continue;
		}
		return 0;
	}
}

/* Maps a final non-success status to an error; what names the object ("docker.io/x:1"). */
static int
status_error(const struct req *q, const char *what, struct err **errp)
{
	_cleanup_free_ char *m = error_message(&q->resp);

	switch (q->status) {
	case 401:
		return err_set(errp, ERR_UNAUTHORIZED, "unauthorized: %s",
			       m ? m : "authentication required");
	case 403:
		return err_set(errp, ERR_PERMISSION, "denied: %s",
			       m ? m : "requested access to the resource is denied");
	case 404:
		return err_set(errp, ERR_NOT_FOUND, "%s: not found", what);
	case 429:
		return err_set(errp, ERR_UNAVAILABLE, "toomanyrequests: %s",
			       m ? m : "too many requests");
	default:
		if (q->status >= 500)
			return err_set(errp, ERR_UNAVAILABLE, "%s: registry error: HTTP %ld%s%s",
				       what, q->status, m ? ": " : "", m ? m : "");
		return err_set(errp, ERR_GENERIC, "%s: unexpected HTTP status %ld%s%s", what,
			       q->status, m ? ": " : "", m ? m : "");
	}
}

static char **
make_scopes(const char *repo, const char *actions, const char *extra_pull_repo)
{
	struct strv sv = STRV_INIT;

	strv_pushf(&sv, "repository:%s:%s", repo, actions);
	if (extra_pull_repo)
		strv_pushf(&sv, "repository:%s:pull", extra_pull_repo);
	return strv_detach(&sv);
}

static int
repo_valid(const char *repo, struct err **errp)
{
	if (!repo[0] || strlen(repo) > REF_NAME_MAX || strstr(repo, "..") || repo[0] == '/')
		return err_set(errp, ERR_INVALID, "invalid repository name \"%s\"", repo);
	for (const char *p = repo; *p; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && !strchr("._-/", *p))
			return err_set(errp, ERR_INVALID, "invalid repository name \"%s\"", repo);
	return 0;
}

/* ---- manifests ---- */

/* libcrypto is only asked for SHA-256 (base/digest.h); other algorithms cannot be verified. */
static int
digest_supported(const char *digest, struct err **errp)
{
	if (strncmp(digest, "sha256:", 7) != 0)
		return err_set(errp, ERR_UNIMPLEMENTED, "digest %.*s: only sha256 is supported",
			       (int)strcspn(digest, ":"), digest);
	return 0;
}

static char *
sha256_of(const void *data, size_t len, struct err **errp)
{
	char d[DIGEST_STR_SIZE];

	if (digest_bytes(data, len, d, errp) < 0)
		return NULL;
	return xstrdup(d);
}

static char *
digester_take(struct digester *dg)
{
	char d[DIGEST_STR_SIZE];

	digester_final(dg, d);
	return xstrdup(d);
}

static int
is_schema1(const char *mt)
{
	return mt && (strcmp(mt, "application/vnd.docker.distribution.manifest.v1+json") == 0 ||
		      strcmp(mt, "application/vnd.docker.distribution.manifest.v1+prettyjws") == 0);
}

/* A media type from the body when the header is missing or generic, as containerd does. */
static char *
sniff_media_type(const struct buf *body)
{
	_cleanup_json_ json_t *j = json_loadb(body->data, body->len, JSON_REJECT_DUPLICATES, NULL);
	const char *mt = json_get_str(j, "mediaType");

	if (mt)
		return xstrdup(mt);
	if (json_integer_value(json_object_get(j, "schemaVersion")) == 1)
		return xstrdup("application/vnd.docker.distribution.manifest.v1+prettyjws");
	if (json_object_get(j, "manifests"))
		return xstrdup(MT_OCI_INDEX);
	return xstrdup(MT_OCI_MANIFEST);
}

static int
manifest_request(struct reg *r, const struct ref *ref, int head, struct reg_manifest **ret,
		 struct err **errp)
{
	_cleanup_free_ char *what = ref_string(ref);
	_cleanup_err_ struct err *last = NULL;
	const char *obj = ref_object(ref);

	if (strcmp(ref->domain, r->domain) != 0)
		return err_set(errp, ERR_INTERNAL, "%s: reference is not for registry %s", what,
			       r->domain);
	if (ref->digest && !head && digest_supported(ref->digest, errp) < 0)
		return err_wrap(errp, "%s", what);
	for (size_t i = 0; i < r->hosts.n; i++) {
		struct reg_endpoint *ep = &r->hosts.v[i];
		_cleanup_free_ char *url = NULL;
		_cleanup_reg_manifest_ struct reg_manifest *m = NULL;
		_cleanup_strv_free_ char **scopes = make_scopes(ref->path, "pull", NULL);
		struct req q = { .method = head ? "HEAD" : "GET", .resp = BUF_INIT,
				 .resp_max = REG_MANIFEST_MAX, .sink_max = -1, .scopes = scopes };
		int ok;

		if (!(ep->caps & (ref->digest ? REG_CAP_PULL : REG_CAP_RESOLVE)))
			continue;
		err_clear(&last);
		url = ep_url(ep, "/%s/manifests/%s", ref->path, obj);
		req_header(&q, r->c, MANIFEST_ACCEPT);
		ok = do_request(r, ep, &q, url, &last) == 0;
		if (ok && (q.status < 200 || q.status >= 300))
			ok = status_error(&q, what, &last) == 0;
		if (!ok) {
			req_release(&q, r->c);
			if (last->kind == ERR_RESOURCE)
				err_set(&last, ERR_RESOURCE, "%s: manifest larger than %u bytes",
					what, REG_MANIFEST_MAX);
			/* A mirror that fails or lacks the image: try the next host. */
			if (last->kind == ERR_UNAVAILABLE || last->kind == ERR_NOT_FOUND)
				continue;
			return err_move(errp, &last);
		}
		m = xnew(struct reg_manifest, 1);
		m->body = q.resp;
		q.resp = (struct buf)BUF_INIT;
		m->size = head ? q.content_length : (int64_t)m->body.len;
		if (q.content_type && strcmp(q.content_type, "application/octet-stream") &&
		    strncmp(q.content_type, "text/plain", 10))
			m->media_type = xstrndup(q.content_type, strcspn(q.content_type, "; "));
		else if (!head)
			m->media_type = sniff_media_type(&m->body);
		if (is_schema1(m->media_type)) {
			req_release(&q, r->c);
			return err_set(errp, ERR_UNIMPLEMENTED,
				       "%s: Docker Image manifest version 2, schema 1 (%s) is not supported: push the image as Docker schema 2 or OCI",
				       what, m->media_type);
		}
		if (head) {
			m->digest = TAKE_PTR(q.content_digest);
			if (!m->digest && ref->digest)
				m->digest = xstrdup(ref->digest);
		} else {
			m->digest = sha256_of(m->body.data, m->body.len, errp);
			if (!m->digest) {
				req_release(&q, r->c);
				return -1;
			}
			if (ref->digest && strcmp(m->digest, ref->digest) != 0) {
				err_set(errp, ERR_INVALID,
					"%s: manifest digest mismatch: got %s, want %s", what,
					m->digest, ref->digest);
				req_release(&q, r->c);
				return -1;
			}
			if (!ref->digest && q.content_digest &&
			    strncmp(q.content_digest, "sha256:", 7) == 0 &&
			    strcmp(q.content_digest, m->digest) != 0) {
				err_set(errp, ERR_INVALID,
					"%s: manifest digest mismatch: registry says %s, content is %s",
					what, q.content_digest, m->digest);
				req_release(&q, r->c);
				return -1;
			}
		}
		req_release(&q, r->c);
		*ret = TAKE_PTR(m);
		return 0;
	}
	if (last)
		return err_move(errp, &last);
	return err_set(errp, ERR_INVALID, "%s: no host of registry %s can pull", what, r->domain);
}

int
reg_manifest_get(struct reg *r, const struct ref *ref, struct reg_manifest **ret,
		 struct err **errp)
{
	return manifest_request(r, ref, 0, ret, errp);
}

int
reg_manifest_head(struct reg *r, const struct ref *ref, struct reg_manifest **ret,
		  struct err **errp)
{
	return manifest_request(r, ref, 1, ret, errp);
}

/* The endpoint pushes go to: the first with the push capability. */
static struct reg_endpoint *
push_endpoint(struct reg *r, struct err **errp)
{
	for (size_t i = 0; i < r->hosts.n; i++)
		if (r->hosts.v[i].caps & REG_CAP_PUSH)
			return &r->hosts.v[i];
	err_set(errp, ERR_INVALID, "registry %s: no host with the push capability", r->domain);
	return NULL;
}

int
reg_manifest_put(struct reg *r, const char *repo, const char *tag_or_digest,
		 const char *media_type, const void *data, size_t len, char **ret_digest,
		 struct err **errp)
{
	struct reg_endpoint *ep = push_endpoint(r, errp);
	_cleanup_strv_free_ char **scopes = NULL;
	_cleanup_free_ char *url = NULL, *ct = NULL, *digest = NULL, *what = NULL;
	struct req q = { .method = "PUT", .resp = BUF_INIT, .resp_max = REG_SMALL_BODY_MAX,
			 .sink_max = -1 };
	int rc = -1;

	if (!ep || repo_valid(repo, errp) < 0)
		return -1;
	if (!ref_tag_valid(tag_or_digest) && !ref_digest_valid(tag_or_digest))
		return err_set(errp, ERR_INVALID, "invalid tag or digest \"%s\"", tag_or_digest);
	if (len > REG_MANIFEST_MAX)
		return err_set(errp, ERR_RESOURCE, "manifest larger than %u bytes",
			       REG_MANIFEST_MAX);
	if (strpbrk(media_type, "\r\n"))
		return err_set(errp, ERR_INVALID, "invalid media type");
	digest = sha256_of(data, len, errp);
	if (!digest)
		return -1;
	if (ref_digest_valid(tag_or_digest) && strcmp(digest, tag_or_digest) != 0)
		return err_set(errp, ERR_INVALID, "manifest digest is %s, not %s", digest,
			       tag_or_digest);
	what = xasprintf("%s/%s:%s", r->domain, repo, tag_or_digest);
	scopes = make_scopes(repo, "pull,push", NULL);
	q.scopes = scopes;
	q.body = data;
	q.body_len = len;
	ct = xasprintf("Content-Type: %s", media_type);
	req_header(&q, r->c, ct);
	url = ep_url(ep, "/%s/manifests/%s", repo, tag_or_digest);
	if (do_request(r, ep, &q, url, errp) < 0)
		goto out;
	if (q.status != 201 && q.status != 200 && q.status != 202) {
		status_error(&q, what, errp);
		goto out;
	}
	if (ret_digest)
		*ret_digest = TAKE_PTR(digest);
	rc = 0;
out:
	req_release(&q, r->c);
	if (rc < 0)
		err_wrap(errp, "put manifest %s", what);
	return rc;
}

/* ---- blobs ---- */

int
reg_blob_get(struct reg *r, const char *repo, const char *digest, int64_t size,
	     reg_sink_fn sink, void *ud, struct err **errp)
{
	return reg_blob_get_from(r, repo, digest, 0, size, sink, ud, errp);
}

int
reg_blob_get_from(struct reg *r, const char *repo, const char *digest, int64_t offset,
		  int64_t size, reg_sink_fn sink, void *ud, struct err **errp)
{
	_cleanup_err_ struct err *last = NULL;
	_cleanup_free_ char *what = NULL;

	if (repo_valid(repo, errp) < 0)
		return -1;
	if (!ref_digest_valid(digest))
		return err_set(errp, ERR_INVALID, "invalid digest \"%s\"", digest);
	if (digest_supported(digest, errp) < 0)
		return -1;
	what = xasprintf("%s/%s@%s", r->domain, repo, digest);
	for (size_t i = 0; i < r->hosts.n; i++) {
		struct reg_endpoint *ep = &r->hosts.v[i];
		_cleanup_free_ char *url = NULL, *got = NULL;
		_cleanup_strv_free_ char **scopes = make_scopes(repo, "pull", NULL);
		struct req q = { .method = "GET", .resp = BUF_INIT, .resp_max = REG_SMALL_BODY_MAX,
				 .sink = sink, .sink_ud = ud, .sink_max = size, .scopes = scopes,
				 .skip = offset };
		int ok;

		if (!(ep->caps & REG_CAP_PULL))
			continue;
		err_clear(&last);
		if (digester_new(&q.sink_digest, errp) < 0)
			return -1;
		url = ep_url(ep, "/%s/blobs/%s", repo, digest);
		if (offset > 0) {
			char range[64];

			snprintf(range, sizeof(range), "Range: bytes=%lld-", (long long)offset);
			req_header(&q, r->c, range);
			if (size >= 0)
				q.sink_max = size - offset;
		}
		ok = do_request(r, ep, &q, url, &last) == 0;
		if (ok && (q.status < 200 || q.status >= 300))
			ok = status_error(&q, what, &last) == 0;
		if (ok && offset > 0) {
			if (size >= 0 && q.sink_got != size - offset)
				ok = err_set(&last, ERR_INVALID, "%s: size mismatch: got %lld bytes after offset %lld, want %lld",
					     what, (long long)q.sink_got, (long long)offset,
					     (long long)(size - offset)) == 0;
		} else if (ok) {
			got = digester_take(q.sink_digest);
			if (size >= 0 && q.sink_got != size)
				ok = err_set(&last, ERR_INVALID,
					     "%s: size mismatch: got %lld bytes, want %lld", what,
					     (long long)q.sink_got, (long long)size) == 0;
			else if (strcmp(got, digest) != 0)
				ok = err_set(&last, ERR_INVALID,
					     "%s: digest mismatch: got %s", what, got) == 0;
		}
		int fed = q.sink_got > 0;
		digester_free(q.sink_digest);
		req_release(&q, r->c);
		if (ok)
			return 0;
		/* Once the sink saw bytes another host cannot help: the caller must start over. */
		if (!fed && (last->kind == ERR_UNAVAILABLE || last->kind == ERR_NOT_FOUND))
			continue;
		break;
	}
	if (last)
		return err_move(errp, &last);
	return err_set(errp, ERR_INVALID, "%s: no host of registry %s can pull", what, r->domain);
}

int
reg_blob_exists(struct reg *r, const char *repo, const char *digest, int64_t *ret_size,
		struct err **errp)
{
	struct reg_endpoint *ep = push_endpoint(r, errp);
	_cleanup_strv_free_ char **scopes = NULL;
	_cleanup_free_ char *url = NULL, *what = NULL;
	struct req q = { .method = "HEAD", .resp = BUF_INIT, .resp_max = REG_SMALL_BODY_MAX,
			 .sink_max = -1 };
	int rc = -1;

	if (!ep || repo_valid(repo, errp) < 0)
		return -1;
	if (!ref_digest_valid(digest))
		return err_set(errp, ERR_INVALID, "invalid digest \"%s\"", digest);
	/* Asked before a push, so take the push scope now and save a token round trip. */
	scopes = make_scopes(repo, "pull,push", NULL);
	q.scopes = scopes;
	what = xasprintf("%s/%s@%s", r->domain, repo, digest);
	url = ep_url(ep, "/%s/blobs/%s", repo, digest);
	if (do_request(r, ep, &q, url, errp) < 0)
		goto out;
	if (q.status == 404) {
		rc = 0;
	} else if (q.status >= 200 && q.status < 300) {
		if (ret_size)
			*ret_size = q.content_length;
		rc = 1;
	} else {
		status_error(&q, what, errp);
	}
out:
	req_release(&q, r->c);
	return rc;
}

/* Reads up to n bytes from src into buf, looping over short reads. */
static ssize_t
read_full(reg_source_fn src, void *ud, char *buf, size_t n, struct err **errp)
{
	size_t got = 0;

	while (got < n) {
		ssize_t k = src(ud, buf + got, n - got, errp);

		if (k < 0)
			return -1;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

int
reg_blob_push(struct reg *r, const char *repo, const char *digest, int64_t size,
	      reg_source_fn src, void *ud, const struct reg_push_opts *po, struct err **errp)
{
	static const struct reg_push_opts none = { 0 };
	struct reg_endpoint *ep = push_endpoint(r, errp);
	_cleanup_strv_free_ char **scopes = NULL;
	_cleanup_free_ char *url = NULL, *loc = NULL, *what = NULL, *got = NULL, *query = NULL;
	_cleanup_free_ char *chunk = NULL;
	struct req q = { .method = "POST", .resp = BUF_INIT, .resp_max = REG_SMALL_BODY_MAX,
			 .sink_max = -1 };
	struct digester *dg = NULL;
	int rc = -1, ex;

	if (!po)
		po = &none;
	if (!ep || repo_valid(repo, errp) < 0)
		return -1;
	if (!ref_digest_valid(digest))
		return err_set(errp, ERR_INVALID, "invalid digest \"%s\"", digest);
	if (size < 0)
		return err_set(errp, ERR_INVALID, "blob size must be known to push");
	if (digest_supported(digest, errp) < 0)
		return -1;
	if (po->mount_from && (repo_valid(po->mount_from, errp) < 0))
		return -1;
	what = xasprintf("%s/%s@%s", r->domain, repo, digest);
	ex = reg_blob_exists(r, repo, digest, NULL, errp);
	if (ex < 0)
		return err_wrap(errp, "push blob %s", what);
	if (ex == 1)
		return 0;

	scopes = make_scopes(repo, "pull,push", po->mount_from);
	q.scopes = scopes;
	if (po->mount_from)
		url = ep_url(ep, "/%s/blobs/uploads/?mount=%s&from=%s", repo, digest,
			     po->mount_from);
	else
		url = ep_url(ep, "/%s/blobs/uploads/", repo);
	if (do_request(r, ep, &q, url, errp) < 0)
		goto out;
	if (q.status == 201 && po->mount_from) {
		rc = 0;	/* mounted: no bytes to send */
		goto out;
	}
	if (q.status != 202 || !q.location) {
		status_error(&q, what, errp);
		goto out;
	}
	loc = url_resolve(r->c, url, q.location, NULL, errp);
	if (!loc)
		goto out;
	if (digester_new(&dg, errp) < 0)
		goto out;

	if (po->chunk_size > 0 && size > (int64_t)po->chunk_size) {
		int64_t off = 0;

		chunk = xmalloc(po->chunk_size);
		while (off < size) {
			size_t want = (size_t)(size - off) < po->chunk_size ? (size_t)(size - off) :
									       po->chunk_size;
			ssize_t n = read_full(src, ud, chunk, want, errp);
			_cleanup_free_ char *range = NULL;

			if (n < 0)
				goto out;
			if ((size_t)n != want) {
				err_set(errp, ERR_INVALID, "blob source ended after %lld of %lld bytes",
					(long long)(off + n), (long long)size);
				goto out;
			}
			digester_update(dg, chunk, want);
			req_release(&q, r->c);
			q = (struct req){ .method = "PATCH", .resp = BUF_INIT,
					  .resp_max = REG_SMALL_BODY_MAX, .sink_max = -1,
					  .scopes = scopes, .body = chunk, .body_len = want };
			range = xasprintf("Content-Range: %lld-%lld", (long long)off,
					  (long long)(off + (int64_t)want - 1));
			req_header(&q, r->c, range);
			req_header(&q, r->c, "Content-Type: application/octet-stream");
			if (do_request(r, ep, &q, loc, errp) < 0)
				goto out;
			if (q.status != 202 || !q.location) {
				status_error(&q, what, errp);
				goto out;
			}
			char *next = url_resolve(r->c, loc, q.location, NULL, errp);
			if (!next)
				goto out;
			free(loc);
			loc = next;
			off += (int64_t)want;
		}
		got = digester_take(dg);
		if (strcmp(got, digest) != 0) {
			err_set(errp, ERR_INVALID, "content digest is %s", got);
			goto out;
		}
		req_release(&q, r->c);
		q = (struct req){ .method = "PUT", .resp = BUF_INIT, .resp_max = REG_SMALL_BODY_MAX,
				  .sink_max = -1, .scopes = scopes };
	} else {
		req_release(&q, r->c);
		q = (struct req){ .method = "PUT", .resp = BUF_INIT, .resp_max = REG_SMALL_BODY_MAX,
				  .sink_max = -1, .scopes = scopes, .src = src, .src_ud = ud,
				  .src_len = size, .src_digest = dg };
		req_header(&q, r->c, "Content-Type: application/octet-stream");
	}
	{
		char *e = r->c->easy_escape(r->h, digest, 0);

		query = xasprintf("digest=%s", e);
		r->c->free(e);
	}
	char *put = url_resolve(r->c, loc, NULL, query, errp);
	if (!put)
		goto out;
	free(url);
	url = put;
	if (do_request(r, ep, &q, url, errp) < 0)
		goto out;
	if (!got) {
		got = digester_take(dg);
		if (strcmp(got, digest) != 0) {
			err_set(errp, ERR_INVALID, "content digest is %s", got);
			goto out;
		}
	}
	if (q.status != 201 && q.status != 204 && q.status != 200) {
		status_error(&q, what, errp);
		goto out;
	}
	rc = 0;
out:
	digester_free(dg);
	req_release(&q, r->c);
	if (rc < 0)
		err_wrap(errp, "push blob %s", what);
	return rc;
}

struct mem_src {
	const char *p;
	size_t left;
};

static ssize_t
mem_read(void *ud, void *buf, size_t n, struct err **errp)
{
	struct mem_src *m = ud;

	if (n > m->left)
		n = m->left;
	memcpy(buf, m->p, n);
	m->p += n;
	m->left -= n;
	return (ssize_t)n;
}

int
reg_blob_push_bytes(struct reg *r, const char *repo, const void *data, size_t len,
		    const struct reg_push_opts *po, char **ret_digest, struct err **errp)
{
	_cleanup_free_ char *digest = sha256_of(data, len, errp);
	struct mem_src m = { data, len };

	if (!digest)
		return -1;
	if (reg_blob_push(r, repo, digest, (int64_t)len, mem_read, &m, po, errp) < 0)
		return -1;
	if (ret_digest)
		*ret_digest = TAKE_PTR(digest);
	return 0;
}

int
reg_ping(struct reg *r, struct err **errp)
{
	struct reg_endpoint *ep = push_endpoint(r, errp);
	_cleanup_free_ char *url = NULL;
	struct req q = { .method = "GET", .resp = BUF_INIT, .resp_max = REG_SMALL_BODY_MAX,
			 .sink_max = -1 };
	int rc = -1;

	if (!ep)
		return -1;
	url = ep_url(ep, "/");
	if (do_request(r, ep, &q, url, errp) < 0)
		goto out;
	if (q.status != 200) {
		status_error(&q, r->domain, errp);
		goto out;
	}
	rc = 0;
out:
	req_release(&q, r->c);
	return rc;
}
