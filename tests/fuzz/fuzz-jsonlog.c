/*
 * libFuzzer target for the json-file log reader (src/logging/jsonfile.c, reader.c): the
 * first byte picks --tail/--since/--until, the rest is decoded as one log line, parsed as a
 * --since value and an RFC 3339 time, and read by logread as a whole log file. Checks: a
 * decoded entry encodes and decodes back to the same entry; logread passes at most --tail
 * entries, all inside the time bounds.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "logging/jsonfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW_NS 1700000000123456789LL

static char log_path[64];

struct seen {
	const struct logread_opts *o;
	int64_t n;
};

static int
on_entry(const struct jsonlog_entry *e, void *ctx, struct err **errp)
{
	struct seen *s = ctx;

	if (!e->log || e->log[e->len] != '\0')
		abort();
	if (s->o->since_ns && e->time_ns < s->o->since_ns)
		abort();
	if (s->o->until_ns && e->time_ns >= s->o->until_ns)
		abort();
	s->n++;
	return 0;
}

static void
check_roundtrip(const struct jsonlog_entry *e)
{
	struct buf b = BUF_INIT;
	struct jsonlog_entry again = { 0 };
	char ts[64];
	int64_t ns;

	jsonlog_encode(&b, e->stream, e->log, e->len, e->time_ns);
	if (b.len == 0 || b.data[b.len - 1] != '\n' || memchr(b.data, '\n', b.len - 1))
		abort();
	if (jsonlog_decode(b.data, b.len - 1, &again, NULL) < 0)
		abort();
	if (again.len != e->len || memcmp(again.log, e->log, e->len) != 0 ||
	    again.stream != e->stream || again.time_ns != e->time_ns)
		abort();
	jsonlog_format_time(e->time_ns, true, ts, sizeof(ts));
	if (jsonlog_parse_time(ts, &ns) < 0 || ns != e->time_ns)
		abort();
	jsonlog_entry_release(&again);
	buf_release(&b);
}

static void
check_logread(const uint8_t *body, size_t len, unsigned mode)
{
	static const int64_t tails[] = { -1, 0, 1, 2, 5 };
	struct logread_opts o = { .tail = tails[mode % 5] };
	struct seen s = { &o, 0 };
	struct err *err = NULL;
	int fd;

	if (mode & 0x20)
		o.since_ns = 1500000000000000000LL;
	if (mode & 0x40)
		o.until_ns = NOW_NS;
	if (!log_path[0])
		snprintf(log_path, sizeof(log_path), "/tmp/fuzz-jsonlog.%d.log", (int)getpid());
	fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, body, len) != (ssize_t)len)
		abort();
	close(fd);
	if (logread(log_path, &o, on_entry, &s, &err) < 0)
		abort();	/* a readable file never fails */
	if (o.tail >= 0 && s.n > o.tail)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jsonlog_entry e = { 0 };
	struct err *err = NULL;
	const char *body;
	char *str;
	size_t len;
	int64_t ns;

	if (size < 1)
		return 0;
	body = (const char *)data + 1;
	len = size - 1;

	if (jsonlog_decode(body, len, &e, &err) == 0) {
		if (err)
			abort();
		check_roundtrip(&e);
		jsonlog_entry_release(&e);
	} else if (!err || err->kind != ERR_INVALID) {
		abort();
	}
	err_clear(&err);

	str = malloc(len + 1);
	if (!str)
		return 0;
	memcpy(str, body, len);
	str[len] = '\0';
	if (logtime_parse(str, NOW_NS, &ns, &err) < 0 && (!err || err->kind != ERR_INVALID))
		abort();
	err_clear(&err);
	(void)jsonlog_parse_time(str, &ns);
	free(str);

	check_logread((const uint8_t *)body, len, data[0]);
	return 0;
}
