/*
 * Docker's time arguments (--since/--until, until=) and the prune filters container, volume
 * and network prune share: until=<time>, label=key[=value], label!=key[=value].
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "base/strv.h"
#include "cli/opt.h"

/* A point in time as Docker's client resolves it (api/types/time GetTimestamp). */
struct docker_time {
	int64_t ns;		/* Unix time in nanoseconds */
	char text[48];		/* as Docker's client sends it: "1700000000", "1700000000.000000000" */
};

/*
 * Parses value relative to now_ns with logs' parser (logging/jsonfile.h logtime_parse): a Go
 * duration before now ("10m", "1h30m", "-5m"), an RFC 3339 date or time with or without
 * zone (local time then), or a Unix timestamp. ERR_INVALID with Docker's text `failed to
 * parse value as time or duration: "x"`.
 */
int docker_time_parse(const char *value, int64_t now_ns, struct docker_time *ret,
		      struct err **errp);
/* CLOCK_REALTIME in nanoseconds. */
int64_t docker_time_now(void);

/* Which keys a prune command accepts (Docker 20.10: volume prune takes label only). */
enum {
	PRUNE_UNTIL = 1 << 0,
	PRUNE_LABEL = 1 << 1,
};

struct prune_filter {
	bool has_until;
	int64_t until_ns;		/* only objects created at or before this */
	struct strv label, not_label;	/* "key" or "key=value" */
};
#define PRUNE_FILTER_INIT { false, 0, STRV_INIT, STRV_INIT }

/*
 * OPT_CALLBACK for --filter (o->value: a struct strv): checks Docker's name=value shape (the
 * flag error "bad format of filter (expected name=value)") and stores "name=value" with the
 * name lowercased and both sides trimmed, as Docker's client sends them.
 */
int prune_filter_opt(const struct opt *o, const char *value, struct err **errp);
/*
 * Reads the values prune_filter_opt stored. A key outside allowed: ERR_INVALID "Invalid
 * filter 'x'"; a second until: "more than one until filter specified"; a bad time as
 * docker_time_parse. f is released by prune_filter_release whatever the result.
 */
int prune_filter_parse(const struct strv *args, unsigned allowed, struct prune_filter *f,
		       struct err **errp);
void prune_filter_release(struct prune_filter *f);

/* An object's label value, or NULL when it has no such label. */
typedef const char *(*prune_label_fn)(const void *obj, const char *key);
/*
 * Whether an object created at created_ns with labels (looked up through get) passes: every
 * label= matches, not all label!= match (Docker's rule: label!=a label!=b spares only what
 * carries both), and it was created at or before until.
 */
bool prune_filter_match(const struct prune_filter *f, int64_t created_ns, prune_label_fn get,
			const void *obj);
