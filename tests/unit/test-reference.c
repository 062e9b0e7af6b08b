/* Table-driven tests for image reference parsing and normalisation (src/registry/reference.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "registry/reference.h"

#define D64 "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define BAD_NAME "invalid reference format"
#define UPPER "invalid reference format: repository name must be lowercase"

struct row {
	const char *in;
	const char *full;	/* ref_string, or NULL for an error */
	const char *familiar;	/* ref_familiar */
	const char *err;	/* expected message when full is NULL */
};

static const struct row rows[] = {
	{ "busybox", "docker.io/library/busybox:latest", "busybox:latest", NULL },
	{ "busybox:1.36", "docker.io/library/busybox:1.36", "busybox:1.36", NULL },
	{ "busybox:LATEST", "docker.io/library/busybox:LATEST", "busybox:LATEST", NULL },
	{ "library/busybox", "docker.io/library/busybox:latest", "busybox:latest", NULL },
	{ "docker.io/busybox", "docker.io/library/busybox:latest", "busybox:latest", NULL },
	{ "docker.io/library/busybox:1", "docker.io/library/busybox:1", "busybox:1", NULL },
	{ "index.docker.io/busybox", "docker.io/library/busybox:latest", "busybox:latest", NULL },
	{ "user/img", "docker.io/user/img:latest", "user/img:latest", NULL },
	{ "user/img:v1", "docker.io/user/img:v1", "user/img:v1", NULL },
	{ "library/a/b", "docker.io/library/a/b:latest", "library/a/b:latest", NULL },
	{ "host:5000/a/b:tag", "host:5000/a/b:tag", "host:5000/a/b:tag", NULL },
	{ "host.example.com/a", "host.example.com/a:latest", "host.example.com/a:latest", NULL },
	{ "localhost/x", "localhost/x:latest", "localhost/x:latest", NULL },
	{ "localhost:5000/x", "localhost:5000/x:latest", "localhost:5000/x:latest", NULL },
	{ "localhost", "docker.io/library/localhost:latest", "localhost:latest", NULL },
	/* Docker quirk: no '/', so ":5000" is a tag of docker.io/library/localhost. */
	{ "localhost:5000", "docker.io/library/localhost:5000", "localhost:5000", NULL },
	{ "127.0.0.1:5000/x", "127.0.0.1:5000/x:latest", "127.0.0.1:5000/x:latest", NULL },
	{ "[::1]:5000/x:t", "[::1]:5000/x:t", "[::1]:5000/x:t", NULL },
	{ "Host.Example.COM/a", "Host.Example.COM/a:latest", "Host.Example.COM/a:latest", NULL },
	{ "img@" D64, "docker.io/library/img@" D64, "img@" D64, NULL },
	{ "img:tag@" D64, "docker.io/library/img:tag@" D64, "img:tag@" D64, NULL },
	{ "host:5000/img@" D64, "host:5000/img@" D64, "host:5000/img@" D64, NULL },
	{ "a-b.c-d/e__f", "a-b.c-d/e__f:latest", "a-b.c-d/e__f:latest", NULL },
	{ "a_b.c/d", NULL, NULL, BAD_NAME },
	{ "a--b", "docker.io/library/a--b:latest", "a--b:latest", NULL },
	{ "a.b/c---d:_t", "a.b/c---d:_t", "a.b/c---d:_t", NULL },
	{ "x/y:a.b-c_D", "docker.io/x/y:a.b-c_D", "x/y:a.b-c_D", NULL },
	{ "Busybox", NULL, NULL, UPPER },
	{ "user/Img", NULL, NULL, UPPER },
	{ "Foo/bar", NULL, NULL, UPPER },
	{ "host:5000/Abc", NULL, NULL, UPPER },
	{ "", NULL, NULL, BAD_NAME },
	{ ":tag", NULL, NULL, BAD_NAME },
	{ "a b", NULL, NULL, BAD_NAME },
	{ "busybox:", NULL, NULL, BAD_NAME },
	{ "busybox:-tag", NULL, NULL, BAD_NAME },
	{ "busybox:.tag", NULL, NULL, BAD_NAME },
	{ "busybox:t!g", NULL, NULL, BAD_NAME },
	{ "busybox@", NULL, NULL, BAD_NAME },
	{ "busybox@sha256:abc", NULL, NULL, BAD_NAME },
	{ "busybox@sha256:" "0123456789abcdef0123456789abcdef", NULL, NULL,
	  "invalid reference format: invalid checksum digest length" },
	{ "busybox@md5:0123456789abcdef0123456789abcdef", NULL, NULL,
	  "invalid reference format: unsupported digest algorithm" },
	{ "busybox@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", NULL,
	  NULL, "invalid reference format: invalid checksum digest format" },
	{ "a/b//c", NULL, NULL, BAD_NAME },
	{ "a/", NULL, NULL, BAD_NAME },
	{ "/a", NULL, NULL, BAD_NAME },
	{ "-a", NULL, NULL, BAD_NAME },
	{ "a-", NULL, NULL, BAD_NAME },
	{ "a..b", NULL, NULL, BAD_NAME },
	{ "a___b", NULL, NULL, BAD_NAME },
	{ "a_.b", NULL, NULL, BAD_NAME },
	{ "host:port/a", NULL, NULL, BAD_NAME },
	{ "-host.com/a", NULL, NULL, BAD_NAME },
	{ "host..com/a", NULL, NULL, BAD_NAME },
	{ "[zz]:5000/a", NULL, NULL, BAD_NAME },
	{ "a@b@" D64, NULL, NULL, BAD_NAME },
	{ "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", NULL, NULL,
	  "invalid repository name (0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef), cannot specify 64-byte hexadecimal strings" },
};

static void
test_table(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		_cleanup_err_ struct err *err = NULL;
		_cleanup_ref_ struct ref *r = NULL;
		int rc = ref_parse(rows[i].in, &r, &err);

		if (!rows[i].full) {
			if (rc == 0)
				fail_msg("row %zu (%s): parsed, want error", i, rows[i].in);
			assert_null(r);
			assert_int_equal(err->kind, ERR_INVALID);
			if (strcmp(err->msg, rows[i].err) != 0)
				fail_msg("row %zu (%s): error '%s', want '%s'", i, rows[i].in,
					 err->msg, rows[i].err);
			continue;
		}
		if (rc < 0)
			fail_msg("row %zu (%s): %s", i, rows[i].in, err->msg);
		_cleanup_free_ char *full = ref_string(r);
		_cleanup_free_ char *fam = ref_familiar(r);
		assert_string_equal(full, rows[i].full);
		assert_string_equal(fam, rows[i].familiar);
		/* Normalised output parses back to itself. */
		_cleanup_ref_ struct ref *again = NULL;
		assert_int_equal(ref_parse(full, &again, NULL), 0);
		_cleanup_free_ char *full2 = ref_string(again);
		assert_string_equal(full2, full);
	}
}

static void
test_parts(void **state)
{
	_cleanup_ref_ struct ref *r = NULL, *n = NULL;

	assert_int_equal(ref_parse("host:5000/a/b:tag@" D64, &r, NULL), 0);
	assert_string_equal(r->domain, "host:5000");
	assert_string_equal(r->path, "a/b");
	assert_string_equal(r->tag, "tag");
	assert_string_equal(r->digest, D64);
	assert_string_equal(ref_object(r), D64);
	_cleanup_free_ char *name = ref_name(r);
	assert_string_equal(name, "host:5000/a/b");

	assert_int_equal(ref_parse_name_only("busybox", &n, NULL), 0);
	assert_null(n->tag);
	_cleanup_free_ char *fn = ref_familiar_name(n);
	assert_string_equal(fn, "busybox");
	_cleanup_ref_ struct ref *d = ref_dup(n);
	_cleanup_free_ char *ds = ref_string(d);
	assert_string_equal(ds, "docker.io/library/busybox");
}

static void
test_lengths(void **state)
{
	char name[300], tag[200];
	_cleanup_err_ struct err *err = NULL;
	_cleanup_ref_ struct ref *r = NULL;

	/* docker.io/library/ + 237 = 255: the limit. */
	memset(name, 'a', sizeof(name));
	name[237] = '\0';
	assert_int_equal(ref_parse(name, &r, NULL), 0);
	ref_free(TAKE_PTR(r));
	name[237] = 'a';
	name[238] = '\0';
	assert_int_equal(ref_parse(name, &r, &err), -1);
	assert_string_equal(err->msg,
			    "invalid reference format: repository name must not be more than 255 characters");

	memset(tag, 'x', sizeof(tag));
	tag[128] = '\0';
	assert_true(ref_tag_valid(tag));
	tag[128] = 'x';
	tag[129] = '\0';
	assert_false(ref_tag_valid(tag));
	assert_true(ref_digest_valid(D64));
	assert_false(ref_digest_valid("sha256:xyz"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_parts),
		cmocka_unit_test(test_lengths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
