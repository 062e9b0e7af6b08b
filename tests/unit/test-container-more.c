/* Unit tests for stats arithmetic, the A/C/D diff walk, cp destination rules, commit -c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/fs.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "container/commit.h"
#include "container/container.h"
#include "container/copy.h"
#include "container/fsdiff.h"
#include "container/stats.h"
#include "base/banned.h"

static void
test_cpu_percent(void **state)
{
	struct container_stats a = { .cpu_total_ns = 1000, .system_ns = 10000, .online_cpus = 4 };
	struct container_stats b = { .cpu_total_ns = 1500, .system_ns = 12000, .online_cpus = 4 };

	(void)state;
	/* 500 / 2000 * 4 CPUs * 100 */
	assert_true(container_cpu_percent(&a, &b) > 99.99 && container_cpu_percent(&a, &b) < 100.01);
	assert_true(container_cpu_percent(&b, &a) == 0);
	b.system_ns = a.system_ns;
	assert_true(container_cpu_percent(&a, &b) == 0);
}

static void
test_memory(void **state)
{
	struct container_stats s = { .mem_usage = 64 << 20, .mem_limit = 256 << 20 };

	(void)state;
	assert_true(container_mem_percent(&s) == 25.0);
	s.mem_limit = 0;
	assert_true(container_mem_percent(&s) == 0);
	assert_int_equal(container_mem_usage(1000, 300), 700);
	assert_int_equal(container_mem_usage(1000, 3000), 1000);
}

static void
test_net_dev(void **state)
{
	const char *text =
		"Inter-|   Receive                                                |  Transmit\n"
		" face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
		"    lo:  999       9    0    0    0     0          0         0      999       9    0    0    0     0       0          0\n"
		"  eth0: 1200      10    0    0    0     0          0         0      648       8    0    0    0     0       0          0\n"
		"  eth1:   34       1    0    0    0     0          0         0        2       1    0    0    0     0       0          0\n";
	uint64_t rx = 0, tx = 0, ns = 0;

	(void)state;
	assert_int_equal(container_parse_net_dev(text, &rx, &tx, NULL), 0);
	assert_int_equal(rx, 1234);
	assert_int_equal(tx, 650);
	assert_int_equal(container_parse_net_dev("garbage", &rx, &tx, NULL), -1);
	assert_int_equal(container_parse_proc_stat("cpu  1 2 3 4 5 6 7 8 0 0\ncpu0 1\n", 100, &ns,
						   NULL), 0);
	assert_int_equal(ns, 36ULL * 10000000ULL);
	assert_int_equal(container_parse_proc_stat("intr 1\n", 100, &ns, NULL), -1);
}

struct seen {
	struct strv lines;
};

static int
record(void *arg, char kind, const char *path, struct err **errp)
{
	struct seen *s = arg;

	(void)errp;
	strv_pushf(&s->lines, "%c %s", kind, path);
	return 0;
}

static void
mk(const char *root, const char *rel, bool dir)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", root, rel);

	if (dir)
		assert_int_equal(mkdir(p, 0755), 0);
	else
		assert_int_equal(fs_write_atomic(p, "x", 1, 0644, NULL), 0);
}

static void
test_diff_walk(void **state)
{
	char tmpl[] = "/tmp/test-fsdiff-XXXXXX";
	char *root = mkdtemp(tmpl);
	_cleanup_free_ char *upper = xasprintf("%s/upper", root);
	_cleanup_free_ char *lower = xasprintf("%s/lower", root);
	_cleanup_free_ char *wh = NULL;
	char *lowers[1] = { lower };
	struct seen s = { STRV_INIT };
	_cleanup_err_ struct err *err = NULL;
	bool can_mknod;

	(void)state;
	assert_non_null(root);
	mk(root, "upper", true);
	mk(root, "lower", true);
	mk(root, "lower/bin", true);
	mk(root, "lower/bin/sh", false);
	mk(root, "lower/bin/yes", false);
	mk(root, "upper/bin", true);
	mk(root, "upper/bin/added", false);
	mk(root, "upper/bin/sh", false);
	mk(root, "upper/new", true);
	mk(root, "upper/new/f", false);
	wh = xasprintf("%s/upper/bin/yes", root);
	can_mknod = mknod(wh, S_IFCHR | 0, makedev(0, 0)) == 0;
	assert_int_equal(container_diff_walk(upper, lowers, 1, record, &s, &err), 0);
	if (can_mknod) {
		assert_int_equal(s.lines.n, 6);
		assert_string_equal(s.lines.v[3], "D /bin/yes");
	} else {
		assert_int_equal(s.lines.n, 5);
	}
	assert_string_equal(s.lines.v[0], "C /bin");
	assert_string_equal(s.lines.v[1], "A /bin/added");
	assert_string_equal(s.lines.v[2], "C /bin/sh");
	assert_string_equal(s.lines.v[s.lines.n - 2], "A /new");
	assert_string_equal(s.lines.v[s.lines.n - 1], "A /new/f");
	assert_int_equal(container_diff_kind(S_IFCHR, makedev(1, 3), false), 'A');
	assert_int_equal(container_diff_kind(S_IFREG, 0, true), 'C');
	strv_release(&s.lines);
	{
		char *opts[] = { (char *)"index=off", (char *)"workdir=/w",
				 (char *)"upperdir=/u", (char *)"lowerdir=/l1:/l2" };
		_cleanup_free_ char *u = NULL;
		_cleanup_strv_ struct strv l = STRV_INIT;

		assert_int_equal(container_diff_dirs("overlay", "overlay", opts, 4, &u, &l, NULL), 0);
		assert_string_equal(u, "/u");
		assert_int_equal(l.n, 2);
		assert_string_equal(l.v[1], "/l2");
		free(u);
		assert_int_equal(container_diff_dirs("btrfs", "x", NULL, 0, &u, &l, NULL), -1);
	}
	assert_int_equal(container_rm_rf(root, NULL), 0);
}

static void
test_cp_plan(void **state)
{
	struct cp_plan p;

	(void)state;
	/* file into an existing directory keeps its name */
	assert_int_equal(cp_plan_make("/etc/hosts", false, "/tmp", true, true, &p, NULL), 0);
	assert_string_equal(p.dst_dir, "/tmp");
	assert_string_equal(p.dst_name, "hosts");
	cp_plan_release(&p);
	/* file to a new name */
	assert_int_equal(cp_plan_make("/etc/hosts", false, "/tmp/x", false, false, &p, NULL), 0);
	assert_string_equal(p.dst_dir, "/tmp");
	assert_string_equal(p.dst_name, "x");
	cp_plan_release(&p);
	/* "dir/." copies the contents */
	assert_int_equal(cp_plan_make("/d/.", true, "/tmp", true, true, &p, NULL), 0);
	assert_null(p.dst_name);
	cp_plan_release(&p);
	/* trailing slashes */
	assert_int_equal(cp_plan_make("/d/", true, "out", false, false, &p, NULL), 0);
	assert_string_equal(p.dst_dir, ".");
	assert_string_equal(p.dst_name, "out");
	cp_plan_release(&p);
	assert_int_equal(cp_plan_make("/d", true, "/file", true, false, &p, NULL), -1);
	assert_int_equal(cp_plan_make("/f", false, "/nodir/", false, false, &p, NULL), -1);
}

static void
test_commit_change(void **state)
{
	json_t *conf = json_object();
	_cleanup_err_ struct err *err = NULL;
	char *s;

	(void)state;
	assert_int_equal(container_commit_change(conf, "CMD [\"cat\", \"/x\"]", NULL), 0);
	assert_int_equal(container_commit_change(conf, "entrypoint echo hi", NULL), 0);
	assert_int_equal(container_commit_change(conf, "ENV A=1", NULL), 0);
	assert_int_equal(container_commit_change(conf, "ENV A=2", NULL), 0);
	assert_int_equal(container_commit_change(conf, "LABEL k=v", NULL), 0);
	assert_int_equal(container_commit_change(conf, "EXPOSE 80", NULL), 0);
	assert_int_equal(container_commit_change(conf, "WORKDIR /w", NULL), 0);
	s = json_dumps(conf, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(s, "{\"Cmd\":[\"cat\",\"/x\"],"
			       "\"Entrypoint\":[\"/bin/sh\",\"-c\",\"echo hi\"],"
			       "\"Env\":[\"A=2\"],\"ExposedPorts\":{\"80/tcp\":{}},"
			       "\"Labels\":{\"k\":\"v\"},\"WorkingDir\":\"/w\"}");
	free(s);
	assert_int_equal(container_commit_change(conf, "BOGUS x", &err), -1);
	assert_int_equal(err->kind, ERR_INVALID);
	err_clear(&err);
	assert_int_equal(container_commit_change(conf, "VOLUME /v", &err), -1);
	assert_int_equal(err->kind, ERR_UNIMPLEMENTED);
	json_decref(conf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu_percent),
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_net_dev),
		cmocka_unit_test(test_diff_walk),
		cmocka_unit_test(test_cp_plan),
		cmocka_unit_test(test_commit_change),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
