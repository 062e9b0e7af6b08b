/*
 * Unit tests for the pure parts of login/logout, rmi and push: the SERVER argument, the
 * password flags, Docker's rmi decisions and messages, and the cross-repository mount source.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/xalloc.h"
#include "image/login.h"
#include "image/push.h"
#include "image/remove.h"
#include "base/banned.h"

static void
test_login_server(void **state)
{
	static const struct {
		const char *arg, *domain, *display;
		bool is_default;
	} rows[] = {
		{ NULL, "docker.io", "https://index.docker.io/v1/", true },
		{ "", "docker.io", "https://index.docker.io/v1/", true },
		{ "docker.io", "docker.io", "https://index.docker.io/v1/", true },
		{ "index.docker.io", "docker.io", "https://index.docker.io/v1/", true },
		{ "https://index.docker.io/v1/", "docker.io", "https://index.docker.io/v1/", true },
		{ "registry-1.docker.io", "docker.io", "https://index.docker.io/v1/", true },
		{ "localhost:5000", "localhost:5000", "localhost:5000", false },
		{ "http://localhost:5000", "localhost:5000", "localhost:5000", false },
		{ "https://reg.example.com/v2/x", "reg.example.com", "reg.example.com", false },
		{ "[::1]:5000", "[::1]:5000", "[::1]:5000", false },
		{ "127.0.0.1:5443", "127.0.0.1:5443", "127.0.0.1:5443", false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		_cleanup_err_ struct err *err = NULL;
		struct login_server s = { 0 };

		if (login_server_parse(rows[i].arg, &s, &err) < 0)
			fail_msg("row %zu: %s", i, err->msg);
		assert_string_equal(s.domain, rows[i].domain);
		assert_string_equal(s.display, rows[i].display);
		assert_int_equal(s.is_default, rows[i].is_default);
		login_server_release(&s);
	}
}

static void
test_login_server_bad(void **state)
{
	static const char *const bad[] = { "https://", "http:///x", "a b", "user@host" };

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		_cleanup_err_ struct err *err = NULL;
		struct login_server s = { 0 };

		assert_int_equal(login_server_parse(bad[i], &s, &err), -1);
		assert_int_equal(err->kind, ERR_INVALID);
		assert_null(s.domain);
	}
}

static void
test_login_flags(void **state)
{
	static const struct {
		const char *user, *password;
		bool stdin_;
		const char *want;	/* NULL: accepted */
	} rows[] = {
		{ NULL, NULL, false, NULL },
		{ "u", "p", false, NULL },
		{ "u", NULL, true, NULL },
		{ "u", "p", true, "--password and --password-stdin are mutually exclusive" },
		{ NULL, NULL, true, "Must provide --username with --password-stdin" },
		{ "", NULL, true, "Must provide --username with --password-stdin" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		_cleanup_err_ struct err *err = NULL;
		int r = login_check_flags(rows[i].user, rows[i].password, rows[i].stdin_, &err);

		if (!rows[i].want) {
			assert_int_equal(r, 0);
			continue;
		}
		assert_int_equal(r, -1);
		assert_string_equal(err->msg, rows[i].want);
	}
}

static void
test_login_trim(void **state)
{
	static const struct {
		const char *in, *want;
	} rows[] = {
		{ "secret\n", "secret" }, { "secret\r\n", "secret" }, { "secret", "secret" },
		{ "secret\n\n", "secret\n" }, { "\n", "" }, { "", "" }, { "a b \n", "a b " },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		_cleanup_free_ char *s = xstrdup(rows[i].in);

		login_trim_password(s);
		assert_string_equal(s, rows[i].want);
	}
}

#define DA "sha256:aaaaaaaaaaaa1111111111111111111111111111111111111111111111111111"
#define DB "sha256:bbbbbbbbbbbb2222222222222222222222222222222222222222222222222222"
#define CID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static const struct rmi_image images[] = {
	{ "docker.io/library/busybox:latest", DA },
	{ "docker.io/library/busybox:1.36", DA },
	{ "docker.io/library/alpine:latest", DB },
	{ "docker.io/library/alpine@" DB, DB },
	{ "localhost:5000/solo:v1", "sha256:cccccccccccc3333333333333333333333333333333333333333333333333333" },
};

static void
test_rmi_decide(void **state)
{
	const struct rmi_container stopped = { CID, "docker.io/library/busybox:latest", false };
	const struct rmi_container running = { CID, "docker.io/library/alpine:latest", true };
	static const char *const no_names[] = { NULL };
	static const char *const busybox_latest[] = { "docker.io/library/busybox:latest", NULL };
	static const char *const both_busybox[] = { "docker.io/library/busybox:latest",
						    "docker.io/library/busybox:1.36", NULL };
	static const char *const both_alpine[] = { "docker.io/library/alpine:latest",
						   "docker.io/library/alpine@" DB, NULL };
	const struct {
		struct rmi_request rq;
		const struct rmi_container *ctr;
		const char *const *untag;	/* on success */
		bool delete_image;
		const char *err;		/* or the message */
	} rows[] = {
		/* By name: only that name goes; the image goes with its last name. */
		{ { "busybox", true, "docker.io/library/busybox:latest", DA, false }, NULL,
		  busybox_latest, false, NULL },
		{ { "localhost:5000/solo:v1", true, "localhost:5000/solo:v1",
		    "sha256:cccccccccccc3333333333333333333333333333333333333333333333333333", false },
		  NULL, (const char *const[]){ "localhost:5000/solo:v1", NULL }, true, NULL },
		{ { "busybox", true, "docker.io/library/busybox:latest", DA, false }, &stopped,
		  NULL, false,
		  "conflict: unable to remove repository reference \"busybox\" (must force) - container 0123456789ab is using its referenced image aaaaaaaaaaaa" },
		{ { "busybox", true, "docker.io/library/busybox:latest", DA, true }, &stopped,
		  busybox_latest, false, NULL },
		/* Another name of the same image is not what the container uses. */
		{ { "busybox:1.36", true, "docker.io/library/busybox:1.36", DA, false }, &stopped,
		  (const char *const[]){ "docker.io/library/busybox:1.36", NULL }, false, NULL },
		/* By ID: two tags are "multiple repositories" for Docker; -f takes them all. */
		{ { "aaaaaaaaaaaa", false, NULL, DA, false }, NULL, no_names, false,
		  "conflict: unable to delete aaaaaaaaaaaa (must be forced) - image is referenced in multiple repositories" },
		{ { "aaaaaaaaaaaa", false, NULL, DA, true }, NULL, both_busybox, true, NULL },
		{ { DA, false, NULL, DA, true }, &stopped, both_busybox, true, NULL },
		/* A tag and a digest of one repository are a single reference. */
		{ { "bbbbbbbb", false, NULL, DB, false }, NULL, both_alpine, true, NULL },
		{ { "bbbbbbbb", false, NULL, DB, true }, &running, no_names, false,
		  "conflict: unable to delete bbbbbbbbbbbb (cannot be forced) - image is being used by running container 0123456789ab" },
		{ { "cccc", false, NULL,
		    "sha256:cccccccccccc3333333333333333333333333333333333333333333333333333", false },
		  NULL, (const char *const[]){ "localhost:5000/solo:v1", NULL }, true, NULL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		_cleanup_err_ struct err *err = NULL;
		struct rmi_plan plan = { 0 };
		size_t n = 0;
		int r = rmi_decide(&rows[i].rq, images, ARRAY_SIZE(images), rows[i].ctr,
				   rows[i].ctr ? 1 : 0, &plan, &err);

		if (rows[i].err) {
			if (r == 0)
				fail_msg("row %zu: accepted", i);
			assert_int_equal(err->kind, ERR_PRECONDITION);
			assert_string_equal(err->msg, rows[i].err);
			continue;
		}
		if (r < 0)
			fail_msg("row %zu: %s", i, err->msg);
		while (rows[i].untag[n])
			n++;
		assert_int_equal(plan.untag.n, n);
		for (size_t k = 0; k < n; k++)
			assert_string_equal(plan.untag.v[k], rows[i].untag[k]);
		assert_int_equal(plan.delete_image, rows[i].delete_image);
		rmi_plan_release(&plan);
	}
	/* The stopped-container conflict by ID. */
	{
		_cleanup_err_ struct err *err = NULL;
		const struct rmi_image one[] = { { "docker.io/library/busybox:latest", DA } };
		struct rmi_request rq = { "aaaa", false, NULL, DA, false };
		struct rmi_plan plan = { 0 };

		assert_int_equal(rmi_decide(&rq, one, 1, &stopped, 1, &plan, &err), -1);
		assert_string_equal(err->msg, "conflict: unable to delete aaaaaaaaaaaa (must be forced) - image is being used by stopped container 0123456789ab");
	}
}

static void
test_rmi_short_id(void **state)
{
	_cleanup_free_ char *a = rmi_short_id(DA), *b = rmi_short_id("abc"), *c = rmi_short_id(CID);

	assert_string_equal(a, "aaaaaaaaaaaa");
	assert_string_equal(b, "abc");
	assert_string_equal(c, "0123456789ab");
}

static void
test_mount_source(void **state)
{
	static const struct {
		const char *label, *repo, *want;
	} rows[] = {
		{ "library/busybox", "me/busybox", "library/busybox" },
		{ "library/busybox", "library/busybox", NULL },
		{ "library/busybox,me/x", "library/busybox", "me/x" },
		{ ",,", "a", NULL },
		{ "", "a", NULL },
		{ "a,,b", "a", "b" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		_cleanup_free_ char *got = img_push_mount_source(rows[i].label, rows[i].repo);

		if (!rows[i].want)
			assert_null(got);
		else
			assert_string_equal(got, rows[i].want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_login_server),
		cmocka_unit_test(test_login_server_bad),
		cmocka_unit_test(test_login_flags),
		cmocka_unit_test(test_login_trim),
		cmocka_unit_test(test_rmi_decide),
		cmocka_unit_test(test_rmi_short_id),
		cmocka_unit_test(test_mount_source),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
