/* Unit tests for container/taskinfo.h: cgroupsPath forms to cgroup directories. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "container/taskinfo.h"
#include "base/banned.h"

static void
test_cgroup_dir(void **state)
{
	static const struct {
		bool unified;
		const char *path, *want;
	} rows[] = {
		{ false, "/ns/abc", "/sys/fs/cgroup/memory/ns/abc" },
		{ true, "/ns/abc", "/sys/fs/cgroup/ns/abc" },
		{ true, "ns/abc", "/sys/fs/cgroup/ns/abc" },
		{ true, "system.slice:nerdctl:abc", "/sys/fs/cgroup/system.slice/nerdctl-abc.scope" },
		{ false, "system.slice:nerdctl:abc",
		  "/sys/fs/cgroup/memory/system.slice/nerdctl-abc.scope" },
		{ true, ":nerdctl:abc", "/sys/fs/cgroup/system.slice/nerdctl-abc.scope" },
		{ true, "a-b.slice:p:abc", "/sys/fs/cgroup/a.slice/a-b.slice/p-abc.scope" },
		{ true, "-.slice:p:abc", "/sys/fs/cgroup/p-abc.scope" },
		{ true, "user.slice:p:x-y.slice", "/sys/fs/cgroup/user.slice/x-y.slice" },
		{ true, "", NULL },
		{ true, NULL, NULL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		_cleanup_free_ char *got =
			container_cgroup_dir("/sys/fs/cgroup", rows[i].unified, rows[i].path);

		if (!rows[i].want) {
			assert_null(got);
			continue;
		}
		if (!got || strcmp(got, rows[i].want) != 0)
			fail_msg("row %zu (%s): %s, want %s", i, rows[i].path, got ? got : "NULL",
				 rows[i].want);
	}
	/* No such cgroup: not killed. */
	assert_false(container_oom_killed("/nerdc-no-such-ns/no-such-id"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cgroup_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
