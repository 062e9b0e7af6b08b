/* Unit tests for src/logging: json-file entries, rotation, partial lines, reading back, times. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/fs.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "logging/jsonfile.h"
#include "logging/logging.h"
#include "base/banned.h"

#define SEC 1000000000LL
/* 2024-01-02T03:04:05Z */
#define T0 (1704164645LL * SEC)

static char *
tmpdir_new(void)
{
	char tmpl[] = "/tmp/nerdc-test-logging-XXXXXX";

	assert_non_null(mkdtemp(tmpl));
	return xstrdup(tmpl);
}

static void
rm_rf(const char *dir)
{
	_cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", dir);

	assert_int_equal(system(cmd), 0);
}

/* ---- encoding ---- */

struct enc_row {
	const char *in;
	size_t len;
	const char *want;
};

static void
test_encode(void **state)
{
	static const struct enc_row rows[] = {
		{ "hello\n", 6, "{\"log\":\"hello\\n\",\"stream\":\"stdout\",\"time\":\"2024-01-02T03:04:05Z\"}\n" },
		{ "a\"b\\c\t\r", 7, "{\"log\":\"a\\\"b\\\\c\\t\\r\",\"stream\":\"stdout\",\"time\":\"2024-01-02T03:04:05Z\"}\n" },
		/* Go's HTML-safe escaping, control characters, invalid UTF-8 */
		{ "<a&b>\x01", 6, "{\"log\":\"\\u003ca\\u0026b\\u003e\\u0001\",\"stream\":\"stdout\",\"time\":\"2024-01-02T03:04:05Z\"}\n" },
		{ "\xff\xc3(\xe2\x82\xac", 6, "{\"log\":\"\\ufffd\\ufffd(\xe2\x82\xac\",\"stream\":\"stdout\",\"time\":\"2024-01-02T03:04:05Z\"}\n" },
		{ "\xe2\x80\xa8", 3, "{\"log\":\"\\u2028\",\"stream\":\"stdout\",\"time\":\"2024-01-02T03:04:05Z\"}\n" },
		{ "a\0b", 3, "{\"log\":\"a\\u0000b\",\"stream\":\"stdout\",\"time\":\"2024-01-02T03:04:05Z\"}\n" },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		_cleanup_buf_ struct buf b = BUF_INIT;
		struct jsonlog_entry e = { 0 };

		jsonlog_encode(&b, JSONLOG_STDOUT, rows[i].in, rows[i].len, T0);
		assert_string_equal(b.data, rows[i].want);
		/* and back, except where invalid UTF-8 was replaced */
		assert_int_equal(jsonlog_decode(b.data, b.len - 1, &e, NULL), 0);
		if (i != 3) {
			assert_int_equal(e.len, rows[i].len);
			assert_memory_equal(e.log, rows[i].in, e.len);
		}
		assert_int_equal(e.time_ns, T0);
		assert_int_equal(e.stream, JSONLOG_STDOUT);
		jsonlog_entry_release(&e);
	}
}

static void
test_times(void **state)
{
	char out[64];
	int64_t ns;

	jsonlog_format_time(T0 + 120000000, false, out, sizeof(out));
	assert_string_equal(out, "2024-01-02T03:04:05.12Z");
	jsonlog_format_time(T0 + 120000000, true, out, sizeof(out));
	assert_string_equal(out, "2024-01-02T03:04:05.120000000Z");
	jsonlog_format_time(T0, true, out, sizeof(out));
	assert_string_equal(out, "2024-01-02T03:04:05.000000000Z");
	jsonlog_format_time(T0 + 1, false, out, sizeof(out));
	assert_string_equal(out, "2024-01-02T03:04:05.000000001Z");

	assert_int_equal(jsonlog_parse_time("2024-01-02T03:04:05.000000001Z", &ns), 0);
	assert_int_equal(ns, T0 + 1);
	assert_int_equal(jsonlog_parse_time("2024-01-02T04:04:05.5+01:00", &ns), 0);
	assert_int_equal(ns, T0 + SEC / 2);
	assert_int_equal(jsonlog_parse_time("2024-01-02T03:04:05Z", &ns), 0);
	assert_int_equal(ns, T0);
	assert_int_equal(jsonlog_parse_time("2024-01-02T03:04:05", &ns), -1);
	assert_int_equal(jsonlog_parse_time("2024-01-02 03:04:05Z", &ns), -1);
	assert_int_equal(jsonlog_parse_time("2024-13-02T03:04:05Z", &ns), -1);
	/* fuzz-jsonlog: years outside int64 nanoseconds saturate instead of overflowing */
	assert_int_equal(jsonlog_parse_time("5648-11-14T22:13:20.123456789Z", &ns), 0);
	assert_true(ns == INT64_MAX);
	assert_int_equal(jsonlog_parse_time("0001-01-01T00:00:00Z", &ns), 0);
	assert_true(ns == INT64_MIN);
}

/* ---- --since / --until values (Docker's timetypes.GetTimestamp) ---- */

struct since_row {
	const char *in;
	int64_t want;	/* -1: error */
};

static void
test_logtime(void **state)
{
	const int64_t now = T0 + 700000000;	/* 03:04:05.7 */
	static const struct since_row rows[] = {
		{ "10m", T0 - 600 * SEC },
		{ "1h30m", T0 - 5400 * SEC },
		{ "1.5s", T0 - 1 * SEC },	/* 03:04:04.2 truncated to whole seconds */
		{ "0", 0 },
		{ "1704164645", T0 },
		{ "1704164645.000000005", T0 + 5 },
		{ "2024-01-02T03:04:05Z", T0 },
		{ "2024-01-02T03:04:05.25Z", T0 + SEC / 4 },
		{ "2024-01-02T04:04:05+01:00", T0 },
		{ "2024-01-02T03:04Z", T0 - 5 * SEC },
		{ "2024-01-02T03Z", T0 - 245 * SEC },
		/* no zone: local time (TZ=UTC here) */
		{ "2024-01-02T03:04:05", T0 },
		{ "2024-01-02T03:04", T0 - 5 * SEC },
		{ "2024-01-02", T0 - (3 * 3600 + 4 * 60 + 5) * SEC },
		{ "2024-01-02T03:04:05.5", T0 + SEC / 2 },
		{ "nonsense", -1 },
		{ "2024-01-02T25:00:00Z", -1 },
		{ "12.x", -1 },
		{ "", -1 },
		{ "-5m", T0 + 300 * SEC },
		/* fuzz-jsonlog: out of int64 nanoseconds saturates */
		{ "99999999999999", INT64_MAX },
		{ "-2555555h", 9223372036000000000LL },
		{ "9999-01-01T00:00:00Z", INT64_MAX },
	};

	setenv("TZ", "UTC", 1);
	tzset();
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		_cleanup_err_ struct err *err = NULL;
		int64_t got = -7;
		int r = logtime_parse(rows[i].in, now, &got, &err);

		if (rows[i].want == -1) {
			if (r == 0)
				fail_msg("%s: want error, got %lld", rows[i].in, (long long)got);
			assert_non_null(strstr(err->msg, "failed to parse value as time or duration"));
			continue;
		}
		if (r < 0)
			fail_msg("%s: %s", rows[i].in, err->msg);
		if (got != rows[i].want)
			fail_msg("%s: want %lld got %lld", rows[i].in, (long long)rows[i].want,
				 (long long)got);
	}
}

/* ---- writing and reading back ---- */

struct collected {
	struct strv lines;	/* "o:text" / "e:text" */
	struct strv times;
};

static int
collect(const struct jsonlog_entry *e, void *ctx, struct err **errp)
{
	struct collected *c = ctx;
	char ts[64];

	strv_pushf(&c->lines, "%c:%.*s", e->stream == JSONLOG_STDERR ? 'e' : 'o', (int)e->len,
		   e->log);
	jsonlog_format_time(e->time_ns, false, ts, sizeof(ts));
	strv_push(&c->times, ts);
	return 0;
}

static void
collected_release(struct collected *c)
{
	strv_release(&c->lines);
	strv_release(&c->times);
}

static void
read_all(const char *path, int64_t tail, int64_t since, int64_t until, struct collected *c)
{
	_cleanup_err_ struct err *err = NULL;
	struct logread_opts o = { tail, since, until, false, NULL, NULL, 0 };

	if (logread(path, &o, collect, c, &err) < 0)
		fail_msg("logread: %s", err->msg);
}

static void
test_partial_lines(void **state)
{
	_cleanup_free_ char *dir = tmpdir_new();
	_cleanup_free_ char *path = xasprintf("%s/x-json.log", dir);
	_cleanup_err_ struct err *err = NULL;
	struct jsonlog_writer *w = NULL;
	struct collected c = { STRV_INIT, STRV_INIT };
	_cleanup_free_ char *big = xmalloc(40000);

	assert_int_equal(jsonlog_writer_open(path, -1, 1, &w, &err), 0);
	/* one line split across reads, interleaved with stderr */
	assert_int_equal(jsonlog_feed(w, JSONLOG_STDOUT, "hel", 3, T0, &err), 0);
	assert_int_equal(jsonlog_feed(w, JSONLOG_STDERR, "oops\nag", 7, T0 + 1, &err), 0);
	assert_int_equal(jsonlog_feed(w, JSONLOG_STDOUT, "lo\nworld\n\n", 10, T0 + 2, &err), 0);
	/* a 40000-byte line: 16384 + 16384 + rest with the newline */
	memset(big, 'x', 39999);
	big[39999] = '\n';
	assert_int_equal(jsonlog_feed(w, JSONLOG_STDOUT, big, 40000, T0 + 3, &err), 0);
	/* exactly 16384 bytes with its newline is one entry; 16385 is two */
	memset(big, 'y', 16383);
	big[16383] = '\n';
	assert_int_equal(jsonlog_feed(w, JSONLOG_STDOUT, big, 16384, T0 + 4, &err), 0);
	memset(big, 'z', 16384);
	big[16384] = '\n';
	assert_int_equal(jsonlog_feed(w, JSONLOG_STDOUT, big, 16385, T0 + 5, &err), 0);
	/* an unterminated tail is kept until the flush (the task's exit) */
	assert_int_equal(jsonlog_feed(w, JSONLOG_STDOUT, "tail", 4, T0 + 6, &err), 0);
	assert_int_equal(jsonlog_flush(w, JSONLOG_STDOUT, T0 + 7, &err), 0);
	assert_int_equal(jsonlog_flush(w, JSONLOG_STDERR, T0 + 8, &err), 0);
	assert_int_equal(jsonlog_flush(w, JSONLOG_STDERR, T0 + 9, &err), 0);
	jsonlog_writer_free(w);

	read_all(path, -1, 0, 0, &c);
	assert_int_equal(c.lines.n, 12);
	assert_string_equal(c.lines.v[0], "e:oops\n");
	assert_string_equal(c.lines.v[1], "o:hello\n");
	assert_string_equal(c.lines.v[2], "o:world\n");
	assert_string_equal(c.lines.v[3], "o:\n");
	assert_int_equal(strlen(c.lines.v[4]), 2 + 16384);
	assert_int_equal(strlen(c.lines.v[5]), 2 + 16384);
	assert_int_equal(strlen(c.lines.v[6]), 2 + 39999 - 32768 + 1);
	assert_int_equal(c.lines.v[6][strlen(c.lines.v[6]) - 1], '\n');
	assert_int_equal(strlen(c.lines.v[7]), 2 + 16384);
	assert_int_equal(strlen(c.lines.v[8]), 2 + 16384);
	assert_int_equal(c.lines.v[8][2 + 16383], 'z');
	assert_string_equal(c.lines.v[9], "o:\n");
	assert_string_equal(c.lines.v[10], "o:tail");
	assert_string_equal(c.times.v[10], "2024-01-02T03:04:05.000000007Z");
	assert_string_equal(c.lines.v[11], "e:ag");
	collected_release(&c);

	/* --tail counts entries, across a torn last line that has no newline */
	{
		FILE *f = fopen(path, "a");

		assert_non_null(f);
		fputs("{\"log\":\"torn", f);
		fclose(f);
	}
	read_all(path, 2, 0, 0, &c);
	assert_int_equal(c.lines.n, 1);
	assert_string_equal(c.lines.v[0], "e:ag");
	collected_release(&c);
	read_all(path, 0, 0, 0, &c);
	assert_int_equal(c.lines.n, 0);
	collected_release(&c);
	/* --since / --until bound by entry time */
	read_all(path, -1, T0 + 2, T0 + 4, &c);
	assert_int_equal(c.lines.n, 6);
	assert_string_equal(c.lines.v[0], "o:hello\n");
	collected_release(&c);
	rm_rf(dir);
}

static int64_t
file_size(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -1;
	return st.st_size;
}

static void
test_rotation(void **state)
{
	_cleanup_free_ char *dir = tmpdir_new();
	_cleanup_free_ char *path = xasprintf("%s/x-json.log", dir);
	_cleanup_free_ char *p1 = xasprintf("%s.1", path);
	_cleanup_free_ char *p2 = xasprintf("%s.2", path);
	_cleanup_free_ char *p3 = xasprintf("%s.3", path);
	_cleanup_err_ struct err *err = NULL;
	struct jsonlog_writer *w = NULL;
	struct collected c = { STRV_INIT, STRV_INIT };
	/* each entry is 67 bytes: {"log":"line NN\n","stream":"stdout","time":"...05Z"} */
	const int64_t max = 200;

	assert_int_equal(jsonlog_writer_open(path, max, 3, &w, &err), 0);
	for (int i = 0; i < 20; i++) {
		char line[32];

		snprintf(line, sizeof(line), "line %02d\n", i);
		assert_int_equal(jsonlog_feed(w, JSONLOG_STDOUT, line, strlen(line), T0, &err), 0);
	}
	jsonlog_writer_free(w);
	/* Docker rotates once a file reached max-size: 4 entries per file (3 make 201... see below) */
	assert_true(file_size(path) > 0 && file_size(path) <= max + 80);
	assert_true(file_size(p1) >= max && file_size(p1) <= max + 80);
	assert_true(file_size(p2) >= max);
	assert_int_equal(file_size(p3), -1);
	read_all(path, -1, 0, 0, &c);
	/* the newest entries survive, in order */
	assert_true(c.lines.n >= 8 && c.lines.n < 20);
	assert_string_equal(c.lines.v[c.lines.n - 1], "o:line 19\n");
	for (size_t i = 1; i < c.lines.n; i++)
		assert_true(strcmp(c.lines.v[i - 1], c.lines.v[i]) < 0);
	collected_release(&c);
	/* --tail reaches back across files */
	read_all(path, 7, 0, 0, &c);
	assert_int_equal(c.lines.n, 7);
	assert_string_equal(c.lines.v[0], "o:line 13\n");
	assert_string_equal(c.lines.v[6], "o:line 19\n");
	collected_release(&c);

	/* reopening appends and keeps counting the size */
	assert_int_equal(jsonlog_writer_open(path, max, 3, &w, &err), 0);
	assert_int_equal(jsonlog_feed(w, JSONLOG_STDERR, "more\n", 5, T0, &err), 0);
	jsonlog_writer_free(w);
	read_all(path, 1, 0, 0, &c);
	assert_string_equal(c.lines.v[0], "e:more\n");
	collected_release(&c);
	rm_rf(dir);

	/* max-file 1: the file is truncated in place */
	dir = (free(dir), tmpdir_new());
	free(path);
	path = xasprintf("%s/x-json.log", dir);
	assert_int_equal(jsonlog_writer_open(path, 100, 1, &w, &err), 0);
	for (int i = 0; i < 10; i++)
		assert_int_equal(jsonlog_feed(w, JSONLOG_STDOUT, "abcdefghij\n", 11, T0, &err), 0);
	jsonlog_writer_free(w);
	assert_true(file_size(path) <= 200);
	free(p1);
	p1 = xasprintf("%s.1", path);
	assert_int_equal(file_size(p1), -1);
	rm_rf(dir);
}

/* ---- follow across rotations while a writer runs ---- */

static pid_t writer_pid;

static bool
writer_alive(void *ctx)
{
	return waitpid(writer_pid, NULL, WNOHANG) == 0;
}

static void
test_follow(void **state)
{
	_cleanup_free_ char *dir = tmpdir_new();
	_cleanup_free_ char *path = xasprintf("%s/x-json.log", dir);
	_cleanup_err_ struct err *err = NULL;
	struct collected c = { STRV_INIT, STRV_INIT };
	struct jsonlog_writer *w = NULL;
	struct logread_opts o = { -1, 0, 0, true, writer_alive, NULL, 2 };

	/* One entry before the reader starts, the rest while it follows. */
	assert_int_equal(jsonlog_writer_open(path, 150, 10, &w, &err), 0);
	assert_int_equal(jsonlog_feed(w, JSONLOG_STDOUT, "line 000\n", 9, T0, &err), 0);
	writer_pid = fork();
	assert_true(writer_pid >= 0);
	if (writer_pid == 0) {
		for (int i = 1; i < 200; i++) {
			char line[32];

			snprintf(line, sizeof(line), "line %03d\n", i);
			if (jsonlog_feed(w, JSONLOG_STDOUT, line, strlen(line), T0, NULL) < 0)
				_exit(1);
			/*
			 * Bursts of rotations faster than the reader polls, then pauses. A reader
			 * lagging more than max-file rotations loses entries (as Docker's does), so
			 * the bursts stay well below that.
			 */
			if (i % 5 == 0)
				usleep(4000);
		}
		_exit(0);
	}
	jsonlog_writer_free(w);
	if (logread(path, &o, collect, &c, &err) < 0)
		fail_msg("logread: %s", err->msg);
	/* Rotation keeps 10 files of 2 entries: what the reader saw is gapless from where it began. */
	assert_true(c.lines.n >= 8);
	assert_string_equal(c.lines.v[c.lines.n - 1], "o:line 199\n");
	for (size_t i = 1; i < c.lines.n; i++) {
		long a = strtol(c.lines.v[i - 1] + 7, NULL, 10), b = strtol(c.lines.v[i] + 7, NULL, 10);

		if (b != a + 1)
			fail_msg("gap or repeat after %s: %s (%zu lines)", c.lines.v[i - 1], c.lines.v[i], c.lines.n);
	}
	collected_release(&c);
	rm_rf(dir);
}

/* ---- log config and URI ---- */

struct cfg_row {
	const char *driver;
	const char *opts[3];
	int kind;		/* 0: ok */
	int64_t max_size;
	int max_file;
	const char *msg;
};

static void
test_config(void **state)
{
	static const struct cfg_row rows[] = {
		{ NULL, { NULL }, 0, -1, 1, NULL },
		{ "json-file", { "max-size=10m", "max-file=3", NULL }, 0, 10000000, 3, NULL },
		{ "json-file", { "max-size=1k", NULL }, 0, 1000, 1, NULL },
		{ "json-file", { "max-size=1.5KiB", NULL }, 0, 1500, 1, NULL },
		{ "none", { NULL }, 0, -1, 1, NULL },
		{ "json-file", { "max-size=0", NULL }, ERR_INVALID, 0, 0, "max-size must be a positive number" },
		{ "json-file", { "max-size=lots", NULL }, ERR_INVALID, 0, 0, "invalid size: 'lots'" },
		{ "json-file", { "max-file=0", NULL }, ERR_INVALID, 0, 0, "max-file cannot be less than 1" },
		{ "json-file", { "max-file=x", NULL }, ERR_INVALID, 0, 0, "strconv.Atoi: parsing \"x\": invalid syntax" },
		{ "json-file", { "foo=bar", NULL }, ERR_INVALID, 0, 0, "unknown log opt 'foo' for json-file log driver" },
		{ "json-file", { "novalue", NULL }, ERR_INVALID, 0, 0, "invalid key value pair format in log-opt: novalue" },
		{ "json-file", { "compress=true", NULL }, ERR_UNIMPLEMENTED, 0, 0, "log opt 'compress' is not implemented yet" },
		{ "journald", { NULL }, ERR_UNIMPLEMENTED, 0, 0, "log driver journald is not implemented yet" },
		{ "bogus", { NULL }, ERR_INVALID, 0, 0, "failed to initialize logging driver: logger: no log driver named 'bogus' is registered" },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		_cleanup_err_ struct err *err = NULL;
		struct log_config cfg = LOG_CONFIG_INIT;
		int r = log_config_parse(rows[i].driver, (char *const *)rows[i].opts, "unix:///x",
					 &cfg, &err);

		if (rows[i].kind) {
			assert_int_equal(r, -1);
			assert_int_equal(err->kind, rows[i].kind);
			assert_string_equal(err->msg, rows[i].msg);
			continue;
		}
		if (r < 0)
			fail_msg("row %zu: %s", i, err->msg);
		assert_int_equal(cfg.max_size, rows[i].max_size);
		assert_int_equal(cfg.max_file, rows[i].max_file);
		log_config_release(&cfg);
	}
}

static void
test_prepare(void **state)
{
	_cleanup_free_ char *dir = tmpdir_new();
	_cleanup_free_ char *store = xasprintf("%s/da ta&", dir);
	_cleanup_free_ char *cfg_path = logging_config_path(store, "ns", "abc");
	_cleanup_err_ struct err *err = NULL;
	_cleanup_buf_ struct buf b = BUF_INIT;
	_cleanup_free_ char *uri = NULL;
	struct log_config cfg = LOG_CONFIG_INIT;
	char *opts[] = { (char *)"max-size=2m", (char *)"max-file=2", NULL };

	assert_int_equal(logging_prepare(store, "ns", "abc", NULL, opts, "unix:///run/c.sock", &uri,
					 &err), 0);
	assert_non_null(uri);
	assert_true(strncmp(uri, "binary:///", 10) == 0);
	assert_non_null(strstr(uri, "?_NERDCTL_INTERNAL_LOGGING="));
	assert_non_null(strstr(uri, "%2Fda+ta%26"));
	assert_int_equal(fs_read_file(cfg_path, 4096, &b, &err), 0);
	assert_string_equal(b.data, "{\"driver\":\"json-file\",\"opts\":{\"max-file\":\"2\",\"max-size\":\"2m\"},\"host\":\"unix:///run/c.sock\"}");
	assert_int_equal(log_config_read(store, "ns", "abc", &cfg, &err), 0);
	assert_string_equal(cfg.driver, "json-file");
	assert_int_equal(cfg.max_size, 2000000);
	assert_int_equal(cfg.max_file, 2);
	assert_string_equal(cfg.host, "unix:///run/c.sock");
	log_config_release(&cfg);
	assert_false(logging_logger_active(store, "ns", "abc"));
	assert_int_equal(logging_wait_logger(store, "ns", "abc", 100, &err), 0);
	/* a running logger holds logger-lock */
	{
		_cleanup_free_ char *lock = logging_lock_path(store, "ns", "abc");
		int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

		assert_true(fd >= 0);
		assert_int_equal(flock(fd, LOCK_EX), 0);
		/* flock locks belong to the open file: another open sees it held */
		assert_true(logging_logger_active(store, "ns", "abc"));
		assert_int_equal(logging_wait_logger(store, "ns", "abc", 30, &err), -1);
		assert_int_equal(err->kind, ERR_TIMEOUT);
		err_clear(&err);
		close(fd);
		assert_false(logging_logger_active(store, "ns", "abc"));
	}

	free(uri);
	uri = (char *)"unset";
	assert_int_equal(logging_prepare(store, "ns", "def", "none", NULL, "unix:///x", &uri, &err),
			 0);
	assert_null(uri);
	assert_int_equal(log_config_read(store, "ns", "nope", &cfg, &err), -1);
	assert_int_equal(err->kind, ERR_NOT_FOUND);
	rm_rf(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_logtime),
		cmocka_unit_test(test_partial_lines),
		cmocka_unit_test(test_rotation),
		cmocka_unit_test(test_follow),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_prepare),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
