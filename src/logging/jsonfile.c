/* Docker's json-file log entries: encoding, the rotating writer, decoding, time values. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>

#include "base/fs.h"
#include "base/json.h"
#include "base/parse.h"
#include "base/xalloc.h"
#include "logging/jsonfile.h"
#include "base/json.h"
#include "base/str.h"
#include "base/banned.h"

#define NS_PER_SEC 1000000000LL

struct jsonlog_writer {
	char *path;
	int fd;
	int64_t size;
	int64_t max_size;
	int max_file;
	struct buf pending[2];	/* per stream: bytes of a line not yet ended */
	struct buf line;	/* scratch for one encoded entry */
};

static const char *const stream_names[] = { "stdout", "stderr" };

void
jsonlog_format_time(int64_t ns, bool fixed, char *out, size_t n)
{
	time_t secs = (time_t)(ns / NS_PER_SEC);
	long frac = (long)(ns % NS_PER_SEC);
	struct tm tm;
	char date[32], digits[16];
	int nd = 9;

	if (frac < 0) {
		frac += NS_PER_SEC;
		secs--;
	}
	gmtime_r(&secs, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(digits, sizeof(digits), "%09ld", frac);
	if (!fixed)
		while (nd > 0 && digits[nd - 1] == '0')
			nd--;
	if (nd)
		snprintf(out, n, "%s.%.*sZ", date, nd, digits);
	else
		snprintf(out, n, "%sZ", date);
}

void
jsonlog_encode(struct buf *b, enum jsonlog_stream s, const char *log, size_t len, int64_t time_ns)
{
	char ts[64];

	jsonlog_format_time(time_ns, false, ts, sizeof(ts));
	buf_adds(b, "{\"log\":");
	json_go_quote(b, log, len, JSON_GO_ESCAPE_HTML);
	buf_addf(b, ",\"stream\":\"%s\",\"time\":\"%s\"}\n", stream_names[s], ts);
}

int
jsonlog_writer_open(const char *path, int64_t max_size, int max_file,
		    struct jsonlog_writer **ret, struct err **errp)
{
	struct jsonlog_writer *w;
	struct stat st;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

	if (fd < 0)
		return err_sys(errp, errno, "open %s", path);
	if (fstat(fd, &st) < 0) {
		int e = errno;

		close(fd);
		return err_sys(errp, e, "stat %s", path);
	}
	w = xnew(struct jsonlog_writer, 1);
	w->path = xstrdup(path);
	w->fd = fd;
	w->size = st.st_size;
	w->max_size = max_size;
	w->max_file = max_file < 1 ? 1 : max_file;
	for (size_t i = 0; i < 2; i++)
		buf_init(&w->pending[i], 0);
	buf_init(&w->line, 0);
	*ret = w;
	return 0;
}

void
jsonlog_writer_free(struct jsonlog_writer *w)
{
	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	for (size_t i = 0; i < 2; i++)
		buf_release(&w->pending[i]);
	buf_release(&w->line);
	free(w->path);
	free(w);
}

/* path.N-2 → path.N-1, ..., path → path.1, then a fresh path (truncated when max_file is 1). */
static int
writer_rotate(struct jsonlog_writer *w, struct err **errp)
{
	int fd;

	for (int i = w->max_file - 1; i >= 1; i--) {
		_cleanup_free_ char *from = i == 1 ? xstrdup(w->path) : xasprintf("%s.%d", w->path, i - 1);
		_cleanup_free_ char *to = xasprintf("%s.%d", w->path, i);

		if (rename(from, to) < 0 && errno != ENOENT)
			return err_sys(errp, errno, "rotate %s", from);
	}
	fd = open(w->path, O_WRONLY | O_APPEND | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0)
		return err_sys(errp, errno, "open %s", w->path);
	close(w->fd);
	w->fd = fd;
	w->size = 0;
	return 0;
}

int
jsonlog_write_entry(struct jsonlog_writer *w, enum jsonlog_stream s, const char *log, size_t len,
		    int64_t time_ns, struct err **errp)
{
	buf_reset(&w->line);
	jsonlog_encode(&w->line, s, log, len, time_ns);
	if (w->max_size > 0 && w->size >= w->max_size && writer_rotate(w, errp) < 0)
		return -1;
	if (fs_write_all(w->fd, w->line.data, w->line.len) < 0)
		return err_sys(errp, errno, "write %s", w->path);
	w->size += (int64_t)w->line.len;
	return 0;
}

int
jsonlog_feed(struct jsonlog_writer *w, enum jsonlog_stream s, const void *data, size_t len,
	     int64_t now_ns, struct err **errp)
{
	struct buf *p = &w->pending[s];
	const char *d = data;

	while (len) {
		const char *nl = memchr(d, '\n', len);
		size_t take = nl ? (size_t)(nl - d) + 1 : len;

		/* Docker's 16 KiB read buffer holds the newline too: entries never exceed it. */
		if (p->len + take > JSONLOG_MAX_LINE)
			take = JSONLOG_MAX_LINE - p->len;
		buf_add(p, d, take);
		d += take;
		len -= take;
		if (p->data[p->len - 1] == '\n' || p->len >= JSONLOG_MAX_LINE) {
			if (jsonlog_write_entry(w, s, p->data, p->len, now_ns, errp) < 0)
				return -1;
			buf_reset(p);
		}
	}
	return 0;
}

int
jsonlog_flush(struct jsonlog_writer *w, enum jsonlog_stream s, int64_t now_ns, struct err **errp)
{
	struct buf *p = &w->pending[s];
	int r = 0;

	if (p->len)
		r = jsonlog_write_entry(w, s, p->data, p->len, now_ns, errp);
	buf_reset(p);
	return r;
}

/* secs + nanos in ns, saturated: years past 2262 or before 1677 do not fit in int64 ns. */
static int64_t
ns_sat(int64_t secs, int64_t nanos)
{
	int64_t ns;

	if (__builtin_mul_overflow(secs, NS_PER_SEC, &ns) || __builtin_add_overflow(ns, nanos, &ns))
		return secs < 0 ? INT64_MIN : INT64_MAX;
	return ns;
}

/* Reads exactly n digits at *p into *ret. */
static int
digits(const char **p, int n, int *ret)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*ret = v;
	return 0;
}

/*
 * Parses "YYYY[-MM[-DD[THH[:MM[:SS[.frac]]]]]]" (as far as want_fields) into tm and nanos;
 * returns the rest of the string or NULL.
 */
static const char *
parse_datetime(const char *p, int fields, struct tm *tm, long *nanos)
{
	int y, mo, d, h = 0, mi = 0, s = 0;

	*nanos = 0;
	if (digits(&p, 4, &y) < 0 || *p++ != '-' || digits(&p, 2, &mo) < 0 || *p++ != '-' ||
	    digits(&p, 2, &d) < 0)
		return NULL;
	if (fields > 3) {
		if (*p++ != 'T' || digits(&p, 2, &h) < 0)
			return NULL;
		if (fields > 4 && (*p++ != ':' || digits(&p, 2, &mi) < 0))
			return NULL;
		if (fields > 5 && (*p++ != ':' || digits(&p, 2, &s) < 0))
			return NULL;
		if (fields > 5 && *p == '.') {
			long scale = 100000000;

			p++;
			if (*p < '0' || *p > '9')
				return NULL;
			for (; *p >= '0' && *p <= '9'; p++) {
				*nanos += (*p - '0') * scale;
				scale /= 10;
			}
		}
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
		return NULL;
	memset(tm, 0, sizeof(*tm));
	tm->tm_year = y - 1900;
	tm->tm_mon = mo - 1;
	tm->tm_mday = d;
	tm->tm_hour = h;
	tm->tm_min = mi;
	tm->tm_sec = s;
	return p;
}

/* "Z" or "+HH:MM"/"-HH:MM" ending the string: offset east of UTC in seconds. */
static int
parse_zone(const char *p, long *ret_off)
{
	int h, m;
	int sign;

	if ((*p == 'Z' || *p == 'z') && !p[1]) {
		*ret_off = 0;
		return 0;
	}
	if (*p != '+' && *p != '-')
		return -1;
	sign = *p++ == '-' ? -1 : 1;
	if (digits(&p, 2, &h) < 0 || *p++ != ':' || digits(&p, 2, &m) < 0 || *p)
		return -1;
	*ret_off = sign * (h * 3600L + m * 60L);
	return 0;
}

int
jsonlog_parse_time(const char *s, int64_t *ret_ns)
{
	struct tm tm;
	long nanos, off;
	const char *p = parse_datetime(s, 6, &tm, &nanos);

	if (!p || parse_zone(p, &off) < 0)
		return -1;
	*ret_ns = ns_sat((int64_t)timegm(&tm) - off, nanos);
	return 0;
}

int
jsonlog_decode(const char *line, size_t len, struct jsonlog_entry *ret, struct err **errp)
{
	json_error_t jerr;
	_cleanup_json_ json_t *o = json_loadb(line, len, JSON_ALLOW_NUL, &jerr);
	json_t *log, *stream, *t;
	int64_t ns = 0;

	if (!o || !json_is_object(o))
		return err_set(errp, ERR_INVALID, "log line is not a JSON object");
	log = json_object_get(o, "log");
	stream = json_object_get(o, "stream");
	t = json_object_get(o, "time");
	if (!json_is_string(log))
		return err_set(errp, ERR_INVALID, "log line has no \"log\"");
	if (json_is_string(t) && jsonlog_parse_time(json_string_value(t), &ns) < 0)
		return err_set(errp, ERR_INVALID, "log line has a bad \"time\"");
	ret->len = json_string_length(log);
	ret->log = xmalloc(ret->len + 1);
	memcpy(ret->log, json_string_value(log), ret->len + 1);
	ret->stream = json_is_string(stream) && !strcmp(json_string_value(stream), "stderr")
			      ? JSONLOG_STDERR
			      : JSONLOG_STDOUT;
	ret->time_ns = ns;
	return 0;
}

void
jsonlog_entry_release(struct jsonlog_entry *e)
{
	free(e->log);
	e->log = NULL;
	e->len = 0;
}

/* "seconds[.nanoseconds]", both plain decimal numbers. */
static int
parse_unix(const char *value, int64_t *ret_ns)
{
	_cleanup_free_ char *sec = xstrdup(value);
	char *dot = strchr(sec, '.');
	int64_t s, n = 0;

	if (dot)
		*dot = '\0';
	if (parse_int64(sec, &s, NULL) < 0 || (dot && parse_int64(dot + 1, &n, NULL) < 0))
		return -1;
	if (dot) {
		/* "1.5" is 1 s + 5 ns in Docker's parseTimestamp: the digits are nanoseconds. */
		if (n < 0 || n >= NS_PER_SEC)
			return -1;
	}
	*ret_ns = ns_sat(s, s < 0 ? -n : n);
	return 0;
}

int
logtime_parse(const char *value, int64_t now_ns, int64_t *ret_ns, struct err **errp)
{
	int64_t d;
	bool in_local = !(strpbrk(value, "zZ+") || str_count_char(value, '-') == 3);
	int fields;
	struct tm tm;
	long nanos = 0, off = 0;
	const char *rest;

	if (strcmp(value, "0") && parse_duration(value, &d, NULL) == 0) {
		/* Docker keeps whole seconds: reference.Add(-d).Unix(). */
		int64_t t, s;

		if (__builtin_sub_overflow(now_ns, d, &t))
			t = d < 0 ? INT64_MAX : INT64_MIN;
		s = t / NS_PER_SEC - (t % NS_PER_SEC < 0);
		*ret_ns = ns_sat(s, 0);
		return 0;
	}
	if (strchr(value, '.') || strchr(value, 'T')) {
		size_t colons = str_count_char(value, ':');

		if (!in_local && !strpbrk(value, "zZ") && colons > 0)
			colons--;
		fields = strchr(value, '.') ? 6 : colons == 0 ? 4 : colons == 1 ? 5 : 6;
	} else {
		fields = 3;
	}
	rest = parse_datetime(value, fields, &tm, &nanos);
	/* A fraction needs the full time (Go's layout has seconds before it). */
	if (rest && !in_local && parse_zone(rest, &off) < 0)
		rest = NULL;
	if (rest && in_local && *rest)
		rest = NULL;
	if (!rest) {
		if (strchr(value, '-') || parse_unix(value, ret_ns) < 0)
			return err_set(errp, ERR_INVALID,
				       "failed to parse value as time or duration: \"%s\"", value);
		return 0;
	}
	if (in_local) {
		tm.tm_isdst = -1;
		*ret_ns = ns_sat((int64_t)mktime(&tm), nanos);
	} else {
		*ret_ns = ns_sat((int64_t)timegm(&tm) - off, nanos);
	}
	return 0;
}
