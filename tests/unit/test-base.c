/* Unit tests for src/base: buffers, string vectors, parsers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/parse.h"
#include "base/strv.h"

static void
test_buf(void **state)
{
	_cleanup_buf_ struct buf b = BUF_INIT;

	assert_string_equal(b.data, "");
	buf_addf(&b, "%s-%d", "a", 1);
	buf_adds(&b, "xyz");
	assert_string_equal(b.data, "a-1xyz");
	assert_int_equal(b.len, 6);
	buf_setlen(&b, 2);
	assert_string_equal(b.data, "a-");
}

static void
test_parse_bytes(void **state)
{
	static const struct {
		const char *in;
		int64_t want;
		int ok;
	} rows[] = {
		{ "100", 100, 1 }, { "1k", 1024, 1 }, { "512m", 512LL << 20, 1 },
		{ "1g", 1LL << 30, 1 }, { "1GiB", 1LL << 30, 1 }, { "1.5k", 1536, 1 },
		{ "nonsense", 0, 0 }, { "", 0, 0 }, { "-1", 0, 0 }, { "1x", 0, 0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		_cleanup_err_ struct err *err = NULL;
		int64_t v = 0;
		int r = parse_bytes(rows[i].in, &v, &err);

		assert_int_equal(r == 0, rows[i].ok);
		if (rows[i].ok)
			assert_int_equal(v, rows[i].want);
		else
			assert_int_equal(err->kind, ERR_INVALID);
	}
}

static void
test_parse_duration(void **state)
{
	static const struct {
		const char *in;
		int64_t want;
		int ok;
	} rows[] = {
		{ "10s", 10000000000LL, 1 }, { "1h30m", 5400000000000LL, 1 },
		{ "500ms", 500000000LL, 1 }, { "1.5s", 1500000000LL, 1 }, { "0", 0, 1 },
		{ "10", 0, 0 }, { "s", 0, 0 }, { "", 0, 0 }, { "1e3s", 0, 0 }, { "0x10s", 0, 0 },
		{ "infs", 0, 0 }, { ".s", 0, 0 }, { ".5s", 500000000LL, 1 }, { "1.s", 1000000000LL, 1 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		_cleanup_err_ struct err *err = NULL;
		int64_t v = 0;
		int r = parse_duration(rows[i].in, &v, &err);

		assert_int_equal(r == 0, rows[i].ok);
		if (rows[i].ok)
			assert_int_equal(v, rows[i].want);
	}
}

static void
test_strv_split(void **state)
{
	_cleanup_strv_ struct strv sv = STRV_INIT;

	strv_split(&sv, "a,,b", ',');
	assert_int_equal(sv.n, 3);
	assert_string_equal(sv.v[1], "");
	assert_string_equal(sv.v[2], "b");
	assert_null(sv.v[3]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_parse_bytes),
		cmocka_unit_test(test_parse_duration),
		cmocka_unit_test(test_strv_split),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
