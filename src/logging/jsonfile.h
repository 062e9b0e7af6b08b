/*
 * Docker's json-file log format: one {"log":"...","stream":"stdout","time":"..."} object
 * per line, written with rotation (max-size, max-file), read back with --tail, --since,
 * --until and follow; and Docker's rules for the --since/--until values.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

enum jsonlog_stream { JSONLOG_STDOUT = 0, JSONLOG_STDERR = 1 };

/* Docker's copier cuts lines longer than this into partial entries (no trailing "\n"). */
#define JSONLOG_MAX_LINE (16 * 1024)

struct jsonlog_writer;

/*
 * Opens (appending to) path, a json-file log; max_size in bytes (<= 0: never rotate),
 * max_file files kept including the current one (rotated: path.1 newest ... path.N-1).
 * As Docker's, rotation happens before an entry is written once the file has reached
 * max_size, so a file may exceed it by one entry. ERR_IO when path cannot be opened.
 */
int jsonlog_writer_open(const char *path, int64_t max_size, int max_file,
			struct jsonlog_writer **ret, struct err **errp);
/*
 * Feeds bytes read from a container stream: each complete line, and each JSONLOG_MAX_LINE
 * piece of a longer one, becomes an entry stamped now_ns (ns since the epoch); the rest
 * waits for more input or jsonlog_flush.
 */
int jsonlog_feed(struct jsonlog_writer *w, enum jsonlog_stream s, const void *data, size_t len,
		 int64_t now_ns, struct err **errp);
/* Writes the pending tail of stream s (a last line without "\n") as an entry. */
int jsonlog_flush(struct jsonlog_writer *w, enum jsonlog_stream s, int64_t now_ns,
		  struct err **errp);
/* Writes one entry as is (len bytes of log text). */
int jsonlog_write_entry(struct jsonlog_writer *w, enum jsonlog_stream s, const char *log,
			size_t len, int64_t time_ns, struct err **errp);
/* Closes the file; pending tails are dropped (flush first). NULL is fine. */
void jsonlog_writer_free(struct jsonlog_writer *w);

/* Appends one entry line (with its "\n") to b, escaping as Go's encoding/json does. */
void jsonlog_encode(struct buf *b, enum jsonlog_stream s, const char *log, size_t len,
		    int64_t time_ns);

/*
 * Formats ns since the epoch in UTC as RFC 3339: fixed = 9 fraction digits (Docker's
 * RFC3339NanoFixed, used by logs -t), else Go's RFC3339Nano (trailing zeros trimmed). n >= 40.
 */
void jsonlog_format_time(int64_t ns, bool fixed, char *out, size_t n);
/* Parses RFC 3339 ("2024-01-02T03:04:05.5Z", "+01:00" offsets); -1 if malformed. */
int jsonlog_parse_time(const char *s, int64_t *ret_ns);

struct jsonlog_entry {
	char *log;		/* the text (may lack "\n" for partial lines); owned */
	size_t len;
	enum jsonlog_stream stream;
	int64_t time_ns;
};
/* Decodes one line of a json-file log; ERR_INVALID when it is not an entry. */
int jsonlog_decode(const char *line, size_t len, struct jsonlog_entry *ret, struct err **errp);
void jsonlog_entry_release(struct jsonlog_entry *e);

/*
 * Docker's timetypes.GetTimestamp for logs --since/--until: a Go duration ("10m", "1h30m")
 * counts back from now_ns (whole seconds, as Docker's); RFC 3339 dates and times, with or
 * without zone (local time then), down to "2006-01-02"; Unix seconds with an optional
 * ".nanoseconds". ERR_INVALID: 'failed to parse value as time or duration: "x"'.
 */
int logtime_parse(const char *value, int64_t now_ns, int64_t *ret_ns, struct err **errp);

/* What `logs` asks for. */
struct logread_opts {
	int64_t tail;		/* last N entries; < 0: all */
	int64_t since_ns;	/* entries at or after; 0: no bound */
	int64_t until_ns;	/* entries before; 0: no bound */
	bool follow;		/* keep reading, across rotations, while active() says so */
	bool (*active)(void *ctx);
	void *active_ctx;
	int poll_ms;		/* follow's poll interval; 0: 100 */
};
/* Called per entry in order; a negative return stops reading with that error. */
typedef int (*logread_fn)(const struct jsonlog_entry *e, void *ctx, struct err **errp);
/*
 * Reads the json-file log at path and its rotated files (path.N ... path.1, path), oldest
 * first, passing matching entries to fn. A missing log is empty. Lines that do not decode
 * are skipped (a crash may leave a torn last line).
 */
int logread(const char *path, const struct logread_opts *o, logread_fn fn, void *ctx,
	    struct err **errp);
