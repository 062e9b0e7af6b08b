/* Unit tests for Docker's time arguments and the until/label prune filters (cmd/prune_filter.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cmd/prune_filter.h"
#include "base/banned.h"

#define S 1000000000LL
#define NOW (1700000000LL * S + 123)

static const struct {
	const char *in;
	int64_t want_ns;	/* for a valid input */
	const char *want;	/* text, or the error message when it starts with "!" */
} times[] = {
	/* durations keep whole seconds, as Docker's */
	{ "10m", 1699999400 * S, "1699999400" },
	{ "1h30m", 1699994600 * S, "1699994600" },
	{ "-5m", 1700000300 * S, "1700000300" },
	{ "1700000000", 1700000000 * S, "1700000000" },
	{ "1700000000.000000500", 1700000000 * S + 500, "1700000000.000000500" },
	{ "0", 0, "0" },
	{ "2023-11-14T22:13:20Z", 1700000000 * S, "1700000000.000000000" },
	{ "2023-11-14T22:13:20.25Z", 1700000000 * S + 250000000, "1700000000.250000000" },
	{ "2023-11-14T23:13:20+01:00", 1700000000 * S, "1700000000.000000000" },
	{ "2023-11-14T17:13:20-05:00", 1700000000 * S, "1700000000.000000000" },
	{ "2023-11-14T22:13Z", 1699999980 * S, "1699999980.000000000" },
	{ "2023-11-14T22Z", 1699999200 * S, "1699999200.000000000" },
	{ "2023-11-14Z", 1699920000 * S, "1699920000.000000000" },
	{ "2024-02-29T00:00:00Z", 1709164800 * S, "1709164800.000000000" },
	{ "abc", 0, "!failed to parse value as time or duration: \"abc\"" },
	{ "10x", 0, "!failed to parse value as time or duration: \"10x\"" },
	{ "1.2.3", 0, "!failed to parse value as time or duration: \"1.2.3\"" },
	{ "", 0, "!failed to parse value as time or duration: \"\"" },
	{ "2020-13-01", 0, "!failed to parse value as time or duration: \"2020-13-01\"" },
	{ "2020-01-01X", 0, "!failed to parse value as time or duration: \"2020-01-01X\"" },
};

static void
test_time_parse(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(times); i++) {
		_cleanup_err_ struct err *err = NULL;
		struct docker_time t;
		int r = docker_time_parse(times[i].in, NOW, &t, &err);

		if (times[i].want[0] == '!') {
			if (r == 0)
				fail_msg("row %zu (%s): parsed", i, times[i].in);
			assert_string_equal(err->msg, times[i].want + 1);
			continue;
		}
		if (r < 0)
			fail_msg("row %zu (%s): %s", i, times[i].in, err->msg);
		if (t.ns != times[i].want_ns)
			fail_msg("row %zu (%s): %lld, want %lld", i, times[i].in, (long long)t.ns,
				 (long long)times[i].want_ns);
		assert_string_equal(t.text, times[i].want);
	}
}

/* A local time (no zone) follows TZ. */
static void
test_time_local(void **state)
{
	_cleanup_err_ struct err *err = NULL;
	struct docker_time t;

	setenv("TZ", "UTC+2", 1);
	assert_int_equal(docker_time_parse("2023-11-14T20:13:20", NOW, &t, &err), 0);
	assert_int_equal(t.ns, 1700000000 * S);
	assert_int_equal(docker_time_parse("2023-11-14", NOW, &t, &err), 0);
	assert_int_equal(t.ns, (1699920000 + 7200) * S);
	unsetenv("TZ");
}

/* Labels of the test objects: "k=v" strings. */
static const char *
get_label(const void *obj, const char *key)
{
	for (const char *const *l = obj; *l; l++) {
		size_t n = strlen(key);

		if (!strncmp(*l, key, n) && (*l)[n] == '=')
			return *l + n + 1;
	}
	return NULL;
}

static int
parse(unsigned allowed, const char *const *args, struct prune_filter *f, struct err **errp)
{
	_cleanup_strv_ struct strv in = STRV_INIT;
	struct opt o = { .value = &in };

	for (size_t i = 0; args[i]; i++)
		if (prune_filter_opt(&o, args[i], errp) < 0)
			return -1;
	return prune_filter_parse(&in, allowed, f, errp);
}

static void
test_filters(void **state)
{
	static const char *const ab[] = { "a=1", "b=1", NULL }, *const a[] = { "a=1", NULL },
			  *const none[] = { NULL }, *const a2[] = { "a=2", NULL };
	static const struct {
		const char *args[4];
		bool ab, a, none, a2;	/* which objects pass */
	} rows[] = {
		{ { "label=a" }, true, true, false, true },
		{ { "label=a=1" }, true, true, false, false },
		{ { "LABEL = a=1 " }, true, true, false, false },
		{ { "label=a", "label=b" }, true, false, false, false },
		/* Docker: label! spares only objects matching every label! value */
		{ { "label!=a", "label!=b" }, false, true, true, true },
		{ { "label!=a=1" }, false, false, true, true },
		{ { "label=a", "label!=b" }, false, true, false, true },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		_cleanup_err_ struct err *err = NULL;
		struct prune_filter f = PRUNE_FILTER_INIT;

		if (parse(PRUNE_LABEL, rows[i].args, &f, &err) < 0)
			fail_msg("row %zu: %s", i, err->msg);
		assert_int_equal(prune_filter_match(&f, 0, get_label, ab), rows[i].ab);
		assert_int_equal(prune_filter_match(&f, 0, get_label, a), rows[i].a);
		assert_int_equal(prune_filter_match(&f, 0, get_label, none), rows[i].none);
		assert_int_equal(prune_filter_match(&f, 0, get_label, a2), rows[i].a2);
		prune_filter_release(&f);
	}
}

static void
test_filter_until_and_errors(void **state)
{
	static const char *const none[] = { NULL };
	static const struct {
		unsigned allowed;
		const char *args[3];
		const char *want;
	} bad[] = {
		{ PRUNE_UNTIL | PRUNE_LABEL, { "x=1" }, "Invalid filter 'x'" },
		{ PRUNE_UNTIL | PRUNE_LABEL, { "=1" }, "Invalid filter ''" },
		{ PRUNE_LABEL, { "until=1h" }, "Invalid filter 'until'" },
		{ PRUNE_UNTIL, { "until=x" }, "failed to parse value as time or duration: \"x\"" },
		{ PRUNE_UNTIL, { "until=1h", "until=2h" }, "more than one until filter specified" },
		{ PRUNE_UNTIL, { "until" }, "bad format of filter (expected name=value)" },
	};
	const char *const until[] = { "until=2023-11-14T22:13:20Z", NULL };
	_cleanup_err_ struct err *err = NULL;
	struct prune_filter f = PRUNE_FILTER_INIT;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		_cleanup_err_ struct err *e = NULL;
		struct prune_filter g = PRUNE_FILTER_INIT;

		if (parse(bad[i].allowed, bad[i].args, &g, &e) == 0)
			fail_msg("row %zu: accepted", i);
		assert_string_equal(e->msg, bad[i].want);
		prune_filter_release(&g);
	}
	assert_int_equal(parse(PRUNE_UNTIL, until, &f, &err), 0);
	assert_true(prune_filter_match(&f, 1700000000 * S, get_label, none));
	assert_false(prune_filter_match(&f, 1700000000 * S + 1, get_label, none));
	prune_filter_release(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_parse),
		cmocka_unit_test(test_time_local),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_filter_until_and_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
