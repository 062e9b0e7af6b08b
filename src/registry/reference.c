/* Docker's image reference grammar, hand-written instead of regular expressions. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "registry/reference.h"
#include "base/banned.h"

#define DEFAULT_DOMAIN "docker.io"
#define LEGACY_DOMAIN "index.docker.io"
#define OFFICIAL_REPO "library"

static const char EINVALID[] = "invalid reference format";

static int
is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int
is_word(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static int
is_lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/*
 * path-component := [a-z0-9]+ (separator [a-z0-9]+)*, separator := [_.] | __ | -+
 * (distribution's "[-]*" form: any run of dashes).
 */
static int
path_component_valid(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0 || !is_lower_alnum(s[0]))
		return 0;
	while (i < n) {
		while (i < n && is_lower_alnum(s[i]))
			i++;
		if (i == n)
			return 1;
		if (s[i] == '.') {
			i++;
		} else if (s[i] == '_') {
			i++;
			if (i < n && s[i] == '_')
				i++;
		} else if (s[i] == '-') {
			while (i < n && s[i] == '-')
				i++;
		} else {
			return 0;
		}
		if (i == n || !is_lower_alnum(s[i]))
			return 0;
	}
	return 1;
}

/* domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9] */
static int
domain_component_valid(const char *s, size_t n)
{
	if (n == 0 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return 0;
	return 1;
}

static int
port_valid(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* host[:port], where host is dotted components or a bracketed IPv6 address. */
static int
domain_valid(const char *s, size_t n)
{
	size_t hostlen = n;
	const char *colon;

	if (n == 0)
		return 0;
	if (s[0] == '[') {
		const char *close = memchr(s, ']', n);
		size_t k;

		if (!close || close == s + 1)
			return 0;
		for (const char *p = s + 1; p < close; p++)
			if (!isxdigit((unsigned char)*p) && *p != ':')
				return 0;
		k = (size_t)(close - s) + 1;
		if (k == n)
			return 1;
		return s[k] == ':' && port_valid(s + k + 1, n - k - 1);
	}
	colon = memchr(s, ':', n);
	if (colon) {
		hostlen = (size_t)(colon - s);
		if (!port_valid(colon + 1, n - hostlen - 1))
			return 0;
	}
	for (size_t start = 0;;) {
		const char *dot = memchr(s + start, '.', hostlen - start);
		size_t end = dot ? (size_t)(dot - s) : hostlen;

		if (!domain_component_valid(s + start, end - start))
			return 0;
		if (!dot)
			return 1;
		start = end + 1;
	}
}

int
ref_tag_valid(const char *tag)
{
	size_t n = strlen(tag);

	if (n == 0 || n > REF_TAG_MAX || !is_word(tag[0]))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!is_word(tag[i]) && tag[i] != '.' && tag[i] != '-')
			return 0;
	return 1;
}

/* Grammar check, then the algorithm and length rules of opencontainers/go-digest. */
static int
digest_check(const char *d, struct err **errp)
{
	static const struct {
		const char *algo;
		size_t hexlen;
	} algos[] = { { "sha256", 64 }, { "sha384", 96 }, { "sha512", 128 } };
	const char *colon = strchr(d, ':');
	size_t alen, hlen;

	if (!colon || colon == d)
		return err_set(errp, ERR_INVALID, "%s", EINVALID);
	alen = (size_t)(colon - d);
	/* algorithm := [A-Za-z][A-Za-z0-9]* ([+._-][A-Za-z][A-Za-z0-9]*)* */
	for (size_t i = 0; i < alen; i++) {
		if (i == 0 || strchr("+._-", d[i - 1])) {
			if (!isalpha((unsigned char)d[i]))
				return err_set(errp, ERR_INVALID, "%s", EINVALID);
		} else if (!isalnum((unsigned char)d[i]) && !strchr("+._-", d[i])) {
			return err_set(errp, ERR_INVALID, "%s", EINVALID);
		}
	}
	if (strchr("+._-", d[alen - 1]))
		return err_set(errp, ERR_INVALID, "%s", EINVALID);
	hlen = strlen(colon + 1);
	if (hlen < 32)
		return err_set(errp, ERR_INVALID, "%s", EINVALID);
	for (size_t i = 0; i < hlen; i++)
		if (!isxdigit((unsigned char)colon[1 + i]))
			return err_set(errp, ERR_INVALID, "%s", EINVALID);
	for (size_t i = 0; i < ARRAY_SIZE(algos); i++) {
		if (strlen(algos[i].algo) != alen || memcmp(algos[i].algo, d, alen) != 0)
			continue;
		if (hlen != algos[i].hexlen)
			return err_set(errp, ERR_INVALID,
				       "invalid reference format: invalid checksum digest length");
		for (size_t k = 0; k < hlen; k++)
			if (!is_lower_hex(colon[1 + k]))
				return err_set(errp, ERR_INVALID,
					       "invalid reference format: invalid checksum digest format");
		return 0;
	}
	return err_set(errp, ERR_INVALID,
		       "invalid reference format: unsupported digest algorithm");
}

int
ref_digest_valid(const char *digest)
{
	return digest_check(digest, NULL) == 0;
}

static int
is_identifier(const char *s)
{
	if (strlen(s) != 64)
		return 0;
	for (size_t i = 0; i < 64; i++)
		if (!is_lower_hex(s[i]))
			return 0;
	return 1;
}

static int
parse(const char *s, int add_latest, struct ref **ret, struct err **errp)
{
	_cleanup_free_ char *domain = NULL, *rest = NULL;
	_cleanup_ref_ struct ref *r = NULL;
	const char *slash = strchr(s, '/');
	char *at, *colon, *lastslash;
	size_t namelen;

	if (is_identifier(s))
		return err_set(errp, ERR_INVALID,
			       "invalid repository name (%s), cannot specify 64-byte hexadecimal strings",
			       s);
	/* Docker's splitDockerDomain: a first component with '.' or ':', or "localhost". */
	if (slash && (memchr(s, '.', (size_t)(slash - s)) || memchr(s, ':', (size_t)(slash - s)) ||
		      ((size_t)(slash - s) == 9 && memcmp(s, "localhost", 9) == 0))) {
		domain = xstrndup(s, (size_t)(slash - s));
		rest = xstrdup(slash + 1);
	} else {
		domain = xstrdup(DEFAULT_DOMAIN);
		rest = xstrdup(s);
	}
	if (strcmp(domain, LEGACY_DOMAIN) == 0) {
		free(domain);
		domain = xstrdup(DEFAULT_DOMAIN);
	}
	if (strcmp(domain, DEFAULT_DOMAIN) == 0 && !strchr(rest, '/')) {
		char *p = xasprintf(OFFICIAL_REPO "/%s", rest);

		free(rest);
		rest = p;
	}
	/* Docker checks case on the text before the first ':' (which may include "@algo"). */
	for (const char *p = rest; *p && *p != ':'; p++)
		if (isupper((unsigned char)*p))
			return err_set(errp, ERR_INVALID,
				       "invalid reference format: repository name must be lowercase");

	r = xnew(struct ref, 1);
	at = strchr(rest, '@');
	if (at) {
		*at = '\0';
		if (digest_check(at + 1, errp) < 0)
			return -1;
		r->digest = xstrdup(at + 1);
	}
	lastslash = strrchr(rest, '/');
	colon = strrchr(lastslash ? lastslash : rest, ':');
	if (colon) {
		*colon = '\0';
		if (!ref_tag_valid(colon + 1))
			return err_set(errp, ERR_INVALID, "%s", EINVALID);
		r->tag = xstrdup(colon + 1);
	}
	if (!domain_valid(domain, strlen(domain)))
		return err_set(errp, ERR_INVALID, "%s", EINVALID);
	for (const char *p = rest;;) {
		const char *q = strchr(p, '/');
		size_t n = q ? (size_t)(q - p) : strlen(p);

		if (!path_component_valid(p, n))
			return err_set(errp, ERR_INVALID, "%s", EINVALID);
		if (!q)
			break;
		p = q + 1;
	}
	namelen = strlen(domain) + 1 + strlen(rest);
	if (namelen > REF_NAME_MAX)
		return err_set(errp, ERR_INVALID,
			       "invalid reference format: repository name must not be more than %d characters",
			       REF_NAME_MAX);
	if (add_latest && !r->tag && !r->digest)
		r->tag = xstrdup("latest");
	r->domain = TAKE_PTR(domain);
	r->path = TAKE_PTR(rest);
	*ret = TAKE_PTR(r);
	return 0;
}

int
ref_parse(const char *s, struct ref **ret, struct err **errp)
{
	return parse(s, 1, ret, errp);
}

int
ref_parse_name_only(const char *s, struct ref **ret, struct err **errp)
{
	return parse(s, 0, ret, errp);
}

static void
add_suffix(struct buf *b, const struct ref *r)
{
	if (r->tag)
		buf_addf(b, ":%s", r->tag);
	if (r->digest)
		buf_addf(b, "@%s", r->digest);
}

char *
ref_name(const struct ref *r)
{
	return xasprintf("%s/%s", r->domain, r->path);
}

char *
ref_string(const struct ref *r)
{
	struct buf b = BUF_INIT;

	buf_addf(&b, "%s/%s", r->domain, r->path);
	add_suffix(&b, r);
	return buf_detach(&b, NULL);
}

char *
ref_familiar_name(const struct ref *r)
{
	const char *p = r->path;

	if (strcmp(r->domain, DEFAULT_DOMAIN) != 0)
		return ref_name(r);
	if (strncmp(p, OFFICIAL_REPO "/", strlen(OFFICIAL_REPO) + 1) == 0 &&
	    !strchr(p + strlen(OFFICIAL_REPO) + 1, '/'))
		p += strlen(OFFICIAL_REPO) + 1;
	return xstrdup(p);
}

char *
ref_familiar(const struct ref *r)
{
	struct buf b = BUF_INIT;
	_cleanup_free_ char *name = ref_familiar_name(r);

	buf_adds(&b, name);
	add_suffix(&b, r);
	return buf_detach(&b, NULL);
}

const char *
ref_object(const struct ref *r)
{
	return r->digest ? r->digest : r->tag;
}

struct ref *
ref_dup(const struct ref *r)
{
	struct ref *d = xnew(struct ref, 1);

	d->domain = xstrdup(r->domain);
	d->path = xstrdup(r->path);
	d->tag = xstrdup_null(r->tag);
	d->digest = xstrdup_null(r->digest);
	return d;
}

void
ref_free(struct ref *r)
{
	if (!r)
		return;
	free(r->domain);
	free(r->path);
	free(r->tag);
	free(r->digest);
	free(r);
}
