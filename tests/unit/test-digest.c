/* Unit tests for SHA-256 digests (FIPS 180-2 vectors) and go-digest's string rules. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/digest.h"
#include "base/banned.h"

static const struct {
	const char *in;
	const char *want;
} vectors[] = {
	{ "", "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "sha256:248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "{}", "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a" },
};

static void
test_digest_bytes(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(vectors); i++) {
		_cleanup_err_ struct err *err = NULL;
		char got[DIGEST_STR_SIZE];

		if (digest_bytes(vectors[i].in, strlen(vectors[i].in), got, &err) < 0)
			fail_msg("row %zu: %s", i, err->msg);
		assert_string_equal(got, vectors[i].want);
		assert_int_equal(digest_parse(got, NULL), 0);
	}
}

/* One million 'a' fed in uneven pieces, as a stream arrives. */
static void
test_digester_stream(void **state)
{
	_cleanup_digester_ struct digester *d = NULL;
	_cleanup_err_ struct err *err = NULL;
	char a[4096], got[DIGEST_STR_SIZE];
	size_t left = 1000000, step = 1;

	memset(a, 'a', sizeof(a));
	assert_int_equal(digester_new(&d, &err), 0);
	while (left) {
		size_t n = step < left ? step : left;

		digester_update(d, a, n);
		left -= n;
		step = step * 7 % sizeof(a) + 1;
	}
	digester_update(d, a, 0);
	digester_final(d, got);
	assert_string_equal(
		got, "sha256:cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* One shot over many of the kernel's 64 KiB sends: the same million 'a'. */
static void
test_digest_bytes_large(void **state)
{
	_cleanup_err_ struct err *err = NULL;
	char *a = malloc(1000000), got[DIGEST_STR_SIZE];

	(void)state;
	assert_non_null(a);
	memset(a, 'a', 1000000);
	assert_int_equal(digest_bytes(a, 1000000, got, &err), 0);
	free(a);
	assert_string_equal(
		got, "sha256:cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void
test_digest_parse(void **state)
{
	static const char h64[] =
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
	static const struct {
		const char *prefix, *body, *suffix;
		const char *err;	/* NULL: valid */
	} rows[] = {
		{ "sha256:", h64, "", NULL },
		{ "sha512:", h64, h64, NULL },
		{ "sha384:", h64, "0123456789abcdef0123456789abcdef", NULL },
		{ "sha256:", h64, "0", "invalid checksum digest length" },
		{ "sha256:", "abc", "", "invalid checksum digest length" },
		{ "sha512:", h64, "", "invalid checksum digest length" },
		{ "sha256:", "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", "",
		  "invalid checksum digest format" },
		{ "sha256:", "g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "",
		  "invalid checksum digest format" },
		{ "", h64, "", "invalid checksum digest format" },
		{ ":", h64, "", "invalid checksum digest format" },
		{ "sha256:", "", "", "invalid checksum digest format" },
		{ "", "", "", "invalid checksum digest format" },
		{ "SHA256:", h64, "", "invalid checksum digest format" },
		{ "md5:", "d41d8cd98f00b204e9800998ecf8427e", "", "unsupported digest algorithm" },
		{ "multihash+base58:", "QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8", "",
		  "unsupported digest algorithm" },
		{ "sha256+:", h64, "", "invalid checksum digest format" },
		{ "md5:", "d41d8cd98f00b204e9800998ecf8427e!", "",
		  "invalid checksum digest format" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		_cleanup_err_ struct err *err = NULL;
		_cleanup_free_ char *s = NULL;
		int r;

		assert_true(asprintf(&s, "%s%s%s", rows[i].prefix, rows[i].body,
				     rows[i].suffix) >= 0);
		r = digest_parse(s, &err);
		if (!rows[i].err) {
			if (r < 0)
				fail_msg("row %zu: %s: %s", i, s, err->msg);
			continue;
		}
		if (r == 0)
			fail_msg("row %zu: %s accepted", i, s);
		assert_int_equal(err->kind, ERR_INVALID);
		assert_string_equal(err->msg, rows[i].err);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_digest_bytes),
		cmocka_unit_test(test_digester_stream),
		cmocka_unit_test(test_digest_bytes_large),
		cmocka_unit_test(test_digest_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
