/* A strict, capped WWW-Authenticate parser: challenges, auth-params, token68, quoted strings. */
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "registry/wwwauth.h"
#include "base/banned.h"

struct scan {
	const char *s;
	size_t n, i;
};

static int
is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int
is_t68char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("-._~+/", c));
}

static void
skip_ows(struct scan *sc)
{
	while (sc->i < sc->n && (sc->s[sc->i] == ' ' || sc->s[sc->i] == '\t'))
		sc->i++;
}

static int
at_end_or_comma(const struct scan *sc)
{
	return sc->i == sc->n || sc->s[sc->i] == ',';
}

static size_t
scan_token(const struct scan *sc, size_t from)
{
	size_t j = from;

	while (j < sc->n && is_tchar((unsigned char)sc->s[j]))
		j++;
	return j - from;
}

/* A token68 runs from the cursor to OWS and then the end of the element. */
static size_t
scan_token68(const struct scan *sc)
{
	size_t j = sc->i;

	while (j < sc->n && is_t68char((unsigned char)sc->s[j]))
		j++;
	if (j == sc->i)
		return 0;
	while (j < sc->n && sc->s[j] == '=')
		j++;
	size_t end = j;
	while (j < sc->n && (sc->s[j] == ' ' || sc->s[j] == '\t'))
		j++;
	if (j != sc->n && sc->s[j] != ',')
		return 0;
	return end - sc->i;
}

/* Does "token BWS =" start at the cursor (an auth-param rather than a new scheme)? */
static int
param_ahead(const struct scan *sc)
{
	size_t j = sc->i + scan_token(sc, sc->i);

	if (j == sc->i)
		return 0;
	while (j < sc->n && (sc->s[j] == ' ' || sc->s[j] == '\t'))
		j++;
	return j < sc->n && sc->s[j] == '=';
}

static int
parse_value(struct scan *sc, char **ret, struct err **errp)
{
	struct buf b = BUF_INIT;

	if (sc->i < sc->n && sc->s[sc->i] == '"') {
		sc->i++;
		for (;;) {
			unsigned char c;

			if (sc->i == sc->n) {
				buf_release(&b);
				return err_set(errp, ERR_INVALID, "unterminated quoted string");
			}
			c = (unsigned char)sc->s[sc->i++];
			if (c == '"')
				break;
			if (c == '\\') {
				if (sc->i == sc->n) {
					buf_release(&b);
					return err_set(errp, ERR_INVALID, "unterminated quoted string");
				}
				c = (unsigned char)sc->s[sc->i++];
			}
			if ((c < 0x20 && c != '\t') || c == 0x7f) {
				buf_release(&b);
				return err_set(errp, ERR_INVALID, "control character in quoted string");
			}
			buf_addch(&b, (char)c);
		}
	} else {
		/*
		 * RFC 7235 allows only a token here; registries send unquoted scopes with ':'
		 * and '/', so accept any visible characters up to ',' or whitespace.
		 */
		while (sc->i < sc->n) {
			unsigned char c = (unsigned char)sc->s[sc->i];

			if (c == ',' || c == ' ' || c == '\t')
				break;
			if (c <= 0x20 || c == 0x7f || c == '"' || c == '\\') {
				buf_release(&b);
				return err_set(errp, ERR_INVALID, "invalid character in parameter value");
			}
			buf_addch(&b, (char)c);
			sc->i++;
		}
		if (b.len == 0)
			return err_set(errp, ERR_INVALID, "empty parameter value");
	}
	*ret = buf_detach(&b, NULL);
	return 0;
}

static void
challenge_release(struct wwwauth_challenge *c)
{
	free(c->scheme_name);
	free(c->token68);
	for (size_t i = 0; i < c->n_params; i++) {
		free(c->params[i].name);
		free(c->params[i].value);
	}
	free(c->params);
}

static int
parse_params(struct scan *sc, struct wwwauth_challenge *c, struct err **errp)
{
	size_t alloc = 0;

	for (;;) {
		size_t tlen = scan_token(sc, sc->i);
		char *name, *value = NULL;

		name = xstrndup(sc->s + sc->i, tlen);
		for (char *p = name; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		sc->i += tlen;
		skip_ows(sc);
		sc->i++; /* '=' (checked by param_ahead) */
		skip_ows(sc);
		if (wwwauth_param(c, name)) {
			err_set(errp, ERR_INVALID, "duplicate parameter %s", name);
			free(name);
			return -1;
		}
		if (c->n_params == WWWAUTH_MAX_PARAMS) {
			free(name);
			return err_set(errp, ERR_RESOURCE, "more than %d parameters",
				       WWWAUTH_MAX_PARAMS);
		}
		if (parse_value(sc, &value, errp) < 0) {
			err_wrap(errp, "parameter %s", name);
			free(name);
			return -1;
		}
		XGROW(c->params, alloc, c->n_params + 1);
		c->params[c->n_params].name = name;
		c->params[c->n_params].value = value;
		c->n_params++;
		skip_ows(sc);
		if (sc->i == sc->n)
			return 0;
		if (sc->s[sc->i] != ',')
			return err_set(errp, ERR_INVALID, "expected ',' after parameter");
		/* Skip the list separators, then decide: another parameter or a new challenge. */
		size_t save = sc->i;
		while (sc->i < sc->n && (sc->s[sc->i] == ',' || sc->s[sc->i] == ' ' ||
					 sc->s[sc->i] == '\t'))
			sc->i++;
		if (sc->i == sc->n || !param_ahead(sc)) {
			sc->i = save;
			return 0;
		}
	}
}

static int
parse_all(struct wwwauth *w, struct scan *sc, size_t already, struct err **errp)
{
	size_t alloc = 0;

	for (;;) {
		struct wwwauth_challenge *c;
		size_t tlen;

		while (sc->i < sc->n && (sc->s[sc->i] == ',' || sc->s[sc->i] == ' ' ||
					 sc->s[sc->i] == '\t'))
			sc->i++;
		if (sc->i == sc->n)
			return 0;
		tlen = scan_token(sc, sc->i);
		if (tlen == 0)
			return err_set(errp, ERR_INVALID, "expected an authentication scheme");
		if (already + w->n == WWWAUTH_MAX_CHALLENGES)
			return err_set(errp, ERR_RESOURCE, "more than %d challenges",
				       WWWAUTH_MAX_CHALLENGES);
		XGROW(w->v, alloc, w->n + 1);
		c = &w->v[w->n++];
		memset(c, 0, sizeof(*c));
		c->scheme_name = xstrndup(sc->s + sc->i, tlen);
		if (strcasecmp(c->scheme_name, "basic") == 0)
			c->scheme = WWWAUTH_BASIC;
		else if (strcasecmp(c->scheme_name, "bearer") == 0)
			c->scheme = WWWAUTH_BEARER;
		sc->i += tlen;
		if (at_end_or_comma(sc))
			continue;
		if (sc->s[sc->i] != ' ' && sc->s[sc->i] != '\t')
			return err_set(errp, ERR_INVALID, "expected a space after scheme %s",
				       c->scheme_name);
		skip_ows(sc);
		if (at_end_or_comma(sc))
			continue;
		/* "abc==" is a token68 with padding, not a parameter without a value. */
		size_t t68 = scan_token68(sc);
		if (t68 && (!param_ahead(sc) || sc->s[sc->i + t68 - 1] == '=')) {
			c->token68 = xstrndup(sc->s + sc->i, t68);
			sc->i += t68;
			skip_ows(sc);
			continue;
		}
		if (!param_ahead(sc))
			return err_set(errp, ERR_INVALID, "expected a parameter after scheme %s",
				       c->scheme_name);
		if (parse_params(sc, c, errp) < 0)
			return err_wrap(errp, "scheme %s", c->scheme_name);
	}
}

int
wwwauth_parse(struct wwwauth *out, const char *value, size_t len, struct err **errp)
{
	struct scan sc = { value, len, 0 };
	_cleanup_wwwauth_ struct wwwauth w = { 0 };

	if (len > WWWAUTH_MAX_LEN)
		return err_set(errp, ERR_RESOURCE, "WWW-Authenticate: longer than %d bytes",
			       WWWAUTH_MAX_LEN);
	if (memchr(value, '\0', len))
		return err_set(errp, ERR_INVALID, "WWW-Authenticate: NUL byte");
	if (parse_all(&w, &sc, out->n, errp) < 0)
		return err_wrap(errp, "WWW-Authenticate");
	if (w.n == 0)
		return err_set(errp, ERR_INVALID, "WWW-Authenticate: no challenge");
	out->v = xrealloc(out->v, (out->n + w.n) * sizeof(*out->v));
	memcpy(out->v + out->n, w.v, w.n * sizeof(*w.v));
	out->n += w.n;
	free(w.v);
	w.v = NULL;
	w.n = 0;
	return 0;
}

const char *
wwwauth_param(const struct wwwauth_challenge *c, const char *name)
{
	for (size_t i = 0; i < c->n_params; i++)
		if (strcasecmp(c->params[i].name, name) == 0)
			return c->params[i].value;
	return NULL;
}

const struct wwwauth_challenge *
wwwauth_find(const struct wwwauth *w, enum wwwauth_scheme s)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].scheme == s)
			return &w->v[i];
	return NULL;
}

void
wwwauth_release(struct wwwauth *w)
{
	for (size_t i = 0; i < w->n; i++)
		challenge_release(&w->v[i]);
	free(w->v);
	w->v = NULL;
	w->n = 0;
}
