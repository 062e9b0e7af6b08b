/* Docker's time arguments, and the until/label filters of container, volume and network prune. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/parse.h"
#include "base/xalloc.h"
#include "cmd/prune_filter.h"
#include "logging/jsonfile.h"
#include "base/banned.h"

#define NS_PER_S 1000000000LL

int64_t
docker_time_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

/* A Unix timestamp as typed ("1700000000", "1700000000.5"): Docker's client sends it as is. */
static bool
is_unix_text(const char *s)
{
	const char *dot = strchr(s, '.');
	size_t n = strspn(s, "0123456789");

	if (!n)
		return false;
	return s[n] == '\0' ||
	       (s + n == dot && dot[1] && dot[1 + strspn(dot + 1, "0123456789")] == '\0');
}

/* Floor division, so times before 1970 print as Go's Unix() does. */
static int64_t
floor_sec(int64_t ns)
{
	return ns >= 0 ? ns / NS_PER_S : -((-ns + NS_PER_S - 1) / NS_PER_S);
}

int
docker_time_parse(const char *value, int64_t now_ns, struct docker_time *ret, struct err **errp)
{
	int64_t d;

	memset(ret, 0, sizeof(*ret));
	/* One parser for every Docker time argument: logs --since/--until has it. */
	if (logtime_parse(value, now_ns, &ret->ns, errp) < 0)
		return -1;
	/* "0" is the Unix epoch, not a zero duration (Docker's special case). */
	if (strcmp(value, "0") != 0 && parse_duration(value, &d, NULL) == 0)
		snprintf(ret->text, sizeof(ret->text), "%lld", (long long)floor_sec(ret->ns));
	else if (is_unix_text(value))
		snprintf(ret->text, sizeof(ret->text), "%s", value);
	else
		snprintf(ret->text, sizeof(ret->text), "%lld.%09lld", (long long)floor_sec(ret->ns),
			 (long long)(ret->ns - floor_sec(ret->ns) * NS_PER_S));
	return 0;
}

static char *
trim(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

int
prune_filter_opt(const struct opt *o, const char *value, struct err **errp)
{
	const char *eq = strchr(value, '=');
	_cleanup_free_ char *name = NULL;
	_cleanup_free_ char *val = NULL;

	if (!eq)
		return err_set(errp, ERR_INVALID, "bad format of filter (expected name=value)");
	name = trim(value, (size_t)(eq - value));
	val = trim(eq + 1, strlen(eq + 1));
	for (char *p = name; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	strv_pushf(o->value, "%s=%s", name, val);
	return 0;
}

int
prune_filter_parse(const struct strv *args, unsigned allowed, struct prune_filter *f,
		   struct err **errp)
{
	int64_t now = docker_time_now();

	for (size_t i = 0; i < args->n; i++) {
		const char *v = args->v[i], *eq = strchr(v, '=');
		size_t klen = eq ? (size_t)(eq - v) : strlen(v);

		eq = eq ? eq + 1 : "";
		if ((allowed & PRUNE_UNTIL) && klen == 5 && !strncmp(v, "until", 5)) {
			struct docker_time t;

			if (f->has_until)
				return err_set(errp, ERR_INVALID,
					       "more than one until filter specified");
			if (docker_time_parse(eq, now, &t, errp) < 0)
				return -1;
			f->has_until = true;
			f->until_ns = t.ns;
		} else if ((allowed & PRUNE_LABEL) && klen == 5 && !strncmp(v, "label", 5)) {
			strv_push(&f->label, eq);
		} else if ((allowed & PRUNE_LABEL) && klen == 6 && !strncmp(v, "label!", 6)) {
			strv_push(&f->not_label, eq);
		} else {
			return err_set(errp, ERR_INVALID, "Invalid filter '%.*s'", (int)klen, v);
		}
	}
	return 0;
}

void
prune_filter_release(struct prune_filter *f)
{
	strv_release(&f->label);
	strv_release(&f->not_label);
}

/* "key" (present) or "key=value" (present with that value). */
static bool
label_matches(const char *want, prune_label_fn get, const void *obj)
{
	const char *eq = strchr(want, '=');
	_cleanup_free_ char *key = eq ? xstrndup(want, (size_t)(eq - want)) : xstrdup(want);
	const char *have = get(obj, key);

	return have && (!eq || strcmp(have, eq + 1) == 0);
}

bool
prune_filter_match(const struct prune_filter *f, int64_t created_ns, prune_label_fn get,
		   const void *obj)
{
	bool all_not = f->not_label.n > 0;

	if (f->has_until && created_ns > f->until_ns)
		return false;
	for (size_t i = 0; i < f->label.n; i++)
		if (!label_matches(f->label.v[i], get, obj))
			return false;
	for (size_t i = 0; i < f->not_label.n && all_not; i++)
		all_not = label_matches(f->not_label.v[i], get, obj);
	return !all_not;
}
