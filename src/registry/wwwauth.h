/*
 * WWW-Authenticate parsing (RFC 7235): schemes with auth-params or token68, several challenges
 * in one header. The input is untrusted registry bytes, so sizes and counts are capped.
 */
#pragma once

#include <stddef.h>

#include "base/err.h"

#define WWWAUTH_MAX_LEN 8192		/* longer headers: ERR_RESOURCE */
#define WWWAUTH_MAX_CHALLENGES 16
#define WWWAUTH_MAX_PARAMS 32		/* per challenge */

enum wwwauth_scheme {
	WWWAUTH_OTHER = 0,
	WWWAUTH_BASIC,
	WWWAUTH_BEARER,
};

struct wwwauth_param {
	char *name;	/* lowercased */
	char *value;	/* unquoted, escapes resolved */
};

struct wwwauth_challenge {
	enum wwwauth_scheme scheme;
	char *scheme_name;		/* as received */
	char *token68;			/* NULL unless the scheme carried a token68 */
	struct wwwauth_param *params;
	size_t n_params;
};

struct wwwauth {
	struct wwwauth_challenge *v;
	size_t n;
};

/*
 * Parses one header value of len bytes and appends its challenges to *out (which may already
 * hold challenges from earlier WWW-Authenticate lines; the cap counts all of them).
 * Errors: ERR_INVALID for malformed input, ERR_RESOURCE past the caps. On error *out keeps
 * what it held before the call.
 */
int wwwauth_parse(struct wwwauth *out, const char *value, size_t len, struct err **errp);
/* Value of a parameter (case-insensitive name) or NULL; borrowed. */
const char *wwwauth_param(const struct wwwauth_challenge *c, const char *name);
/* First challenge of the scheme, or NULL. */
const struct wwwauth_challenge *wwwauth_find(const struct wwwauth *w, enum wwwauth_scheme s);
void wwwauth_release(struct wwwauth *w);

static inline void
wwwauth_releasep(struct wwwauth *w)
{
	wwwauth_release(w);
}
#define _cleanup_wwwauth_ _cleanup_(wwwauth_releasep)
