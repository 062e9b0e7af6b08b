/* Unit tests for ctd_spec_command: Docker's COMMAND read from a spec without parsing all of it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "base/buf.h"
#include "base/cleanup.h"
#include "base/xalloc.h"
#include "ctd/containers.h"
#include "base/banned.h"

static const struct {
	const char *spec;
	const char *want;	/* NULL: no command */
} rows[] = {
	/* the shapes containerd and nerdc write */
	{ "{\"ociVersion\":\"1.0.2\",\"process\":{\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"sh\",\"-c\",\"echo hi\"],\"cwd\":\"/\"}}",
	  "sh -c echo hi" },
	{ "{\"linux\":{\"seccomp\":{\"syscalls\":[{\"names\":[\"a\",\"b]}\"],\"action\":\"x\"}]}},\"process\":{\"args\":[\"true\"]}}",
	  "true" },
	{ " \n{ \"process\" : { \"args\" : [ \"a\" , \"b\" ] } } ", "a b" },
	{ "{\"process\":{\"args\":[]}}", "" },
	{ "{\"process\":{\"args\":null}}", "" },
	{ "{\"process\":{\"args\":[\"a\",null,\"b\"]}}", "a  b" },
	/* escapes: short ones, \u, surrogate pairs, lone surrogates, raw UTF-8, bad UTF-8 */
	{ "{\"process\":{\"args\":[\"q\\\"b\\\\s\\/n\\nt\\tr\\rb\\bf\\f\"]}}", "q\"b\\s/n\nt\tr\rb\bf\f" },
	{ "{\"process\":{\"args\":[\"\\u00e9\\u4e16\\uD83D\\uDE00\"]}}", "é世😀" },
	{ "{\"process\":{\"args\":[\"\\ud83dx\",\"\\ude00\",\"\\ud83d\\u0041\"]}}", "\xef\xbf\xbdx \xef\xbf\xbd \xef\xbf\xbd" "A" },
	{ "{\"process\":{\"args\":[\"héllo 世界\"]}}", "héllo 世界" },
	{ "{\"process\":{\"args\":[\"a\xff" "b\xc3\"]}}", "a\xef\xbf\xbd" "b\xef\xbf\xbd" },
	/* keys: nested objects and strings that look like keys are not members, escaped keys are */
	{ "{\"annotations\":{\"process\":{\"args\":[\"wrong\"]}},\"x\":\"\\\"process\\\":{\\\"args\\\":[\\\"no\\\"]}\",\"process\":{\"env\":[\"args=1\"],\"user\":{\"args\":[\"no\"]},\"args\":[\"yes\"]}}",
	  "yes" },
	/* skipped strings ending in an escaped backslash, or holding escaped quotes */
	{ "{\"a\":\"x\\\\\",\"process\":{\"args\":[\"ok\"]}}", "ok" },
	{ "{\"l\":[\"\\\\\",{\"k\":\"\\\"]\"}],\"process\":{\"args\":[\"ok2\"]}}", "ok2" },
	{ "{\"pro\\u0063ess\":{\"a\\u0072gs\":[\"esc\"]}}", "esc" },
	{ "{\"n\":-1.5e3,\"b\":true,\"z\":null,\"e\":{},\"a\":[[],{}],\"process\":{\"args\":[\"x\"]}}", "x" },
	/* no command */
	{ "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"}}", NULL },
	{ "{\"process\":null}", NULL },
	{ "{\"process\":{\"cwd\":\"/\"}}", NULL },
	{ "{}", NULL },
	{ "", NULL },
	{ "[\"process\"]", NULL },
	/* malformed or truncated: never a guess, never a read past the end */
	{ "{\"process\":{\"args\":[\"a\",1]}}", NULL },
	{ "{\"process\":{\"args\":\"sh\"}}", NULL },
	{ "{\"process\":{\"args\":[\"a\"", NULL },
	{ "{\"process\":{\"args\":[\"a", NULL },
	{ "{\"process\":{\"args\":[\"a\\", NULL },
	{ "{\"process\":{\"args\":[\"\\u12", NULL },
	{ "{\"process\":{\"args\":[\"\\x\"]}}", NULL },
	{ "{\"process\":{\"args\":[\"tab\there\"]}}", NULL },
	{ "{\"linux\":{\"a\":[\"}\"", NULL },
	{ "{\"linux\":{\"a\":\"\\", NULL },
	{ "{\"process\"", NULL },
	{ "{\"process\":{\"args\":[\"a\"] \"cwd\":1}}", "a" },
};

static void
test_rows(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		size_t len = strlen(rows[i].spec);
		/* An exact-size copy, so ASan catches any read past the end. */
		_cleanup_free_ char *spec = malloc(len ? len : 1);
		_cleanup_free_ char *got = NULL;

		memcpy(spec, rows[i].spec, len);
		got = ctd_spec_command(spec, len);
		if (!rows[i].want && got)
			fail_msg("row %zu: want no command, got \"%s\"", i, got);
		if (rows[i].want && !got)
			fail_msg("row %zu: want \"%s\", got no command", i, rows[i].want);
		if (got && strcmp(got, rows[i].want) != 0)
			fail_msg("row %zu: want \"%s\", got \"%s\"", i, rows[i].want, got);
	}
}

/* Agrees with a full JSON parser on every string jansson accepts (jansson rejects bad UTF-8). */
static void
test_agrees_with_jansson(void **state)
{
	static const char *const args[] = {
		"[\"plain\",\"with space\"]", "[\"\\u0001\\u001f\\u007f\"]", "[\"\\\\\\\"\"]",
		"[\"\\uDBFF\\uDFFF\",\"\\u0800\\u07FF\"]", "[\"ünïcödé\",\"\\\\u0041\"]",
	};

	for (size_t i = 0; i < ARRAY_SIZE(args); i++) {
		_cleanup_free_ char *spec = xasprintf("{\"process\":{\"args\":%s}}", args[i]);
		_cleanup_free_ char *got = ctd_spec_command(spec, strlen(spec));
		_cleanup_buf_ struct buf want = BUF_INIT;
		json_t *a = json_loads(args[i], 0, NULL), *v;
		size_t j;

		assert_non_null(a);
		json_array_foreach(a, j, v) {
			if (j)
				buf_addch(&want, ' ');
			buf_adds(&want, json_string_value(v));
		}
		json_decref(a);
		assert_non_null(got);
		assert_string_equal(got, want.data);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_agrees_with_jansson),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
