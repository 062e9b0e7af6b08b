/* Unit tests for the container model's local parts: IDs, names, the name store, detach keys. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/fs.h"
#include "base/xalloc.h"
#include "container/attach.h"
#include "container/container.h"
#include "container/names.h"
#include "base/banned.h"

static void
test_id(void **state)
{
	char a[CONTAINER_ID_LEN + 1], b[CONTAINER_ID_LEN + 1];

	container_id_new(a);
	container_id_new(b);
	assert_int_equal(strlen(a), 64);
	assert_int_equal(strspn(a, "0123456789abcdef"), 64);
	assert_string_not_equal(a, b);
}

static void
test_name_validate(void **state)
{
	static const struct {
		const char *name;
		int ok;
	} rows[] = {
		{ "ab", 1 }, { "a.b-c_d", 1 }, { "A1", 1 }, { "a", 0 }, { "", 0 }, { "-ab", 0 },
		{ "_ab", 0 }, { "a b", 0 }, { "a/b", 0 }, { "ä1", 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		_cleanup_err_ struct err *e = NULL;
		int r = container_name_validate(rows[i].name, &e);

		if ((r == 0) != rows[i].ok)
			fail_msg("row %zu (%s): got %d", i, rows[i].name, r);
		if (r < 0)
			assert_true(err_is(&e, ERR_INVALID));
	}
	for (int i = 0; i < 50; i++) {
		_cleanup_free_ char *n = container_name_generate(i % 2);

		assert_int_equal(container_name_validate(n, NULL), 0);
		assert_non_null(strchr(n, '_'));
	}
}

static int
never_alive(void *arg, const char *id)
{
	(void)arg;
	(void)id;
	return 0;
}

static void
test_name_store(void **state)
{
	char tmpl[] = "/tmp/test-container-XXXXXX";
	char *dir = mkdtemp(tmpl);
	_cleanup_err_ struct err *e = NULL;
	_cleanup_buf_ struct buf b = BUF_INIT;
	_cleanup_free_ char *path = NULL;

	assert_non_null(dir);
	path = xasprintf("%s/names/ns/web", dir);
	assert_int_equal(container_name_acquire(dir, "ns", "web", "id1", NULL, NULL, NULL), 0);
	assert_int_equal(fs_read_file(path, 100, &b, NULL), 0);
	assert_string_equal(b.data, "id1");
	/* Re-acquiring one's own name is fine; another ID is refused, naming the owner. */
	assert_int_equal(container_name_acquire(dir, "ns", "web", "id1", NULL, NULL, NULL), 0);
	assert_int_equal(container_name_acquire(dir, "ns", "web", "id2", NULL, NULL, &e), -1);
	assert_true(err_is(&e, ERR_EXISTS));
	assert_non_null(strstr(e->msg, "\"/web\" is already in use by container \"id1\""));
	err_clear(&e);
	/* A stale entry (its container gone) is taken over. */
	assert_int_equal(container_name_acquire(dir, "ns", "web", "id2", never_alive, NULL, NULL), 0);
	/* Other namespaces are separate. */
	assert_int_equal(container_name_acquire(dir, "ns2", "web", "id9", NULL, NULL, NULL), 0);
	/* Release by a non-owner leaves it; by the owner removes it. */
	assert_int_equal(container_name_release(dir, "ns", "web", "id1", NULL), 0);
	assert_int_equal(access(path, F_OK), 0);
	assert_int_equal(container_name_release(dir, "ns", "web", "id2", NULL), 0);
	assert_int_equal(access(path, F_OK), -1);
	/* Rename moves the reservation. */
	assert_int_equal(container_name_acquire(dir, "ns", "a1", "id3", NULL, NULL, NULL), 0);
	assert_int_equal(container_name_acquire(dir, "ns", "b1", "id4", NULL, NULL, NULL), 0);
	assert_int_equal(container_name_rename(dir, "ns", "a1", "b1", "id3", NULL, NULL, &e), -1);
	assert_true(err_is(&e, ERR_EXISTS));
	assert_int_equal(container_name_rename(dir, "ns", "a1", "c1", "id3", NULL, NULL, NULL), 0);
	free(path);
	path = xasprintf("%s/names/ns/a1", dir);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(container_rm_rf(dir, NULL), 0);
	assert_int_equal(access(dir, F_OK), -1);
}

static void
test_detach_keys(void **state)
{
	static const struct {
		const char *in;
		const char *want;	/* bytes, or NULL for an error */
	} rows[] = {
		{ "ctrl-p,ctrl-q", "\x10\x11" }, { "ctrl-a,x", "\x01x" }, { "ctrl-@", "\0" },
		{ "ctrl-[", "\x1b" }, { "ctrl-", NULL }, { "ctrl-pp", NULL }, { "ab", NULL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct container_attach a = CONTAINER_ATTACH_INIT;
		int r = container_attach_set_detach_keys(&a, rows[i].in, NULL);

		if (!rows[i].want) {
			assert_int_equal(r, -1);
			continue;
		}
		assert_int_equal(r, 0);
		if (strcmp(rows[i].in, "ctrl-@") == 0) {
			assert_int_equal(a.n_detach_keys, 1);
			assert_int_equal(a.detach_keys[0], 0);
			continue;
		}
		assert_int_equal(a.n_detach_keys, strlen(rows[i].want));
		assert_memory_equal(a.detach_keys, rows[i].want, a.n_detach_keys);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id),
		cmocka_unit_test(test_name_validate),
		cmocka_unit_test(test_name_store),
		cmocka_unit_test(test_detach_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
