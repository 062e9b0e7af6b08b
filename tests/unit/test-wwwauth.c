/* Table-driven tests for the WWW-Authenticate parser (src/registry/wwwauth.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/buf.h"
#include "registry/wwwauth.h"

struct row {
	const char *in;
	int ok;
	/* Rendered result: "scheme{k=v;k=v}" or "scheme[token68]" per challenge, "|" between. */
	const char *want;
};

static const struct row rows[] = {
	{ "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
	  "scope=\"repository:library/busybox:pull\"", 1,
	  "Bearer{realm=https://auth.docker.io/token;service=registry.docker.io;"
	  "scope=repository:library/busybox:pull}" },
	{ "Basic realm=\"Registry Realm\"", 1, "Basic{realm=Registry Realm}" },
	{ "basic REALM=x", 1, "basic{realm=x}" },
	{ "Bearer realm=\"a\", Basic realm=\"b\"", 1, "Bearer{realm=a}|Basic{realm=b}" },
	{ "Newauth realm=\"apps\", type=1, title=\"Login to \\\"apps\\\"\", Basic realm=\"simple\"",
	  1, "Newauth{realm=apps;type=1;title=Login to \"apps\"}|Basic{realm=simple}" },
	{ "Negotiate", 1, "Negotiate{}" },
	{ "Negotiate abc123==", 1, "Negotiate[abc123==]" },
	{ "Negotiate abc=, Basic realm=x", 1, "Negotiate[abc=]|Basic{realm=x}" },
	/* Unquoted commas split the list: "push" reads as a new scheme, as RFC 7235 says. */
	{ "Bearer realm=\"r\",scope=repository:a/b:pull,push", 1,
	  "Bearer{realm=r;scope=repository:a/b:pull}|push{}" },
	{ "Bearer realm=\"r\",scope=\"repository:a/b:pull,push\"", 1,
	  "Bearer{realm=r;scope=repository:a/b:pull,push}" },
	{ "Bearer realm = \"spaced\" , service = svc", 1, "Bearer{realm=spaced;service=svc}" },
	{ ",, Basic realm=x ,,", 1, "Basic{realm=x}" },
	{ "Bearer realm=\"a\\\\b\"", 1, "Bearer{realm=a\\b}" },
	{ "Bearer realm=\"\"", 1, "Bearer{realm=}" },
	{ "Bearer error=\"invalid_token\",realm=\"r\"", 1, "Bearer{error=invalid_token;realm=r}" },
	{ "", 0, NULL },
	{ "   ", 0, NULL },
	{ "=x", 0, NULL },
	{ "Bearer realm=\"unterminated", 0, NULL },
	{ "Bearer realm=\"ends with backslash\\", 0, NULL },
	/* token68 may end in "=": this is one, not a parameter without a value. */
	{ "Bearer realm=", 1, "Bearer[realm=]" },
	{ "Bearer realm=a realm=b", 0, NULL },
	{ "Bearer realm=a,realm=b", 0, NULL },
	{ "Bearer realm=\"a\x01\"", 0, NULL },
	{ "Bearer realm=\"a\nb\"", 0, NULL },
	{ "Bearer realm=\"x\"junk", 0, NULL },
	{ "Bearer\trealm=x", 1, "Bearer{realm=x}" },
	{ "Bearer/x realm=y", 0, NULL },
};

static void
render(const struct wwwauth *w, struct buf *b)
{
	for (size_t i = 0; i < w->n; i++) {
		const struct wwwauth_challenge *c = &w->v[i];

		if (i)
			buf_addch(b, '|');
		buf_adds(b, c->scheme_name);
		if (c->token68) {
			buf_addf(b, "[%s]", c->token68);
			continue;
		}
		buf_addch(b, '{');
		for (size_t k = 0; k < c->n_params; k++)
			buf_addf(b, "%s%s=%s", k ? ";" : "", c->params[k].name, c->params[k].value);
		buf_addch(b, '}');
	}
}

static void
test_table(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		_cleanup_wwwauth_ struct wwwauth w = { 0 };
		_cleanup_err_ struct err *err = NULL;
		_cleanup_buf_ struct buf b = BUF_INIT;
		int rc = wwwauth_parse(&w, rows[i].in, strlen(rows[i].in), &err);

		if (rows[i].ok != (rc == 0))
			fail_msg("row %zu (%s): rc %d (%s)", i, rows[i].in, rc,
				 err ? err->msg : "no error");
		if (rc < 0) {
			assert_int_equal(w.n, 0);
			continue;
		}
		render(&w, &b);
		if (strcmp(b.data, rows[i].want) != 0)
			fail_msg("row %zu: got %s, want %s", i, b.data, rows[i].want);
	}
}

static void
test_lookup_and_append(void **state)
{
	_cleanup_wwwauth_ struct wwwauth w = { 0 };
	const char *a = "Basic realm=x", *b = "Bearer realm=\"r\",Service=\"s\"";

	assert_int_equal(wwwauth_parse(&w, a, strlen(a), NULL), 0);
	assert_int_equal(wwwauth_parse(&w, b, strlen(b), NULL), 0);
	assert_int_equal(w.n, 2);
	assert_int_equal(w.v[0].scheme, WWWAUTH_BASIC);
	const struct wwwauth_challenge *c = wwwauth_find(&w, WWWAUTH_BEARER);
	assert_non_null(c);
	assert_string_equal(wwwauth_param(c, "service"), "s");
	assert_string_equal(wwwauth_param(c, "SERVICE"), "s");
	assert_null(wwwauth_param(c, "scope"));
	/* A failed parse leaves earlier challenges alone. */
	assert_int_equal(wwwauth_parse(&w, "=", 1, NULL), -1);
	assert_int_equal(w.n, 2);
}

static void
test_caps(void **state)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	_cleanup_wwwauth_ struct wwwauth w = { 0 };
	_cleanup_err_ struct err *err = NULL;

	for (int i = 0; i < WWWAUTH_MAX_CHALLENGES + 1; i++)
		buf_addf(&b, "%sS%d", i ? ", " : "", i);
	assert_int_equal(wwwauth_parse(&w, b.data, b.len, &err), -1);
	assert_int_equal(err->kind, ERR_RESOURCE);
	err_clear(&err);

	buf_reset(&b);
	buf_adds(&b, "Bearer ");
	for (int i = 0; i < WWWAUTH_MAX_PARAMS + 1; i++)
		buf_addf(&b, "%sp%d=v", i ? "," : "", i);
	assert_int_equal(wwwauth_parse(&w, b.data, b.len, &err), -1);
	assert_int_equal(err->kind, ERR_RESOURCE);
	err_clear(&err);

	buf_reset(&b);
	buf_adds(&b, "Bearer realm=\"");
	while (b.len <= WWWAUTH_MAX_LEN)
		buf_addch(&b, 'a');
	buf_addch(&b, '"');
	assert_int_equal(wwwauth_parse(&w, b.data, b.len, &err), -1);
	assert_int_equal(err->kind, ERR_RESOURCE);
	err_clear(&err);

	assert_int_equal(wwwauth_parse(&w, "Basic realm=a\0b", 15, &err), -1);
	assert_int_equal(err->kind, ERR_INVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_lookup_and_append),
		cmocka_unit_test(test_caps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
