/*
 * libFuzzer target for the option parser (src/cli/opt.c): the first byte picks the mode,
 * the rest is split at NUL bytes into argv words, parsed against a fixed table holding every
 * option type plus globals. Checks: errors are ERR_USAGE with a message; positionals are the
 * input words themselves, in input order, and with OPT_PARSE_STOP_AT_POSITIONAL a suffix;
 * a word that looks like a flag is positional only after "--" (or the first positional);
 * string values point into the words.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/parse.h"
#include "base/strv.h"
#include "cli/opt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_WORDS 128

/* Refuses values starting with 'x', sometimes without a message, as a careless callback. */
static int
cb_value(const struct opt *o, const char *value, struct err **errp)
{
	if (!value)
		abort();
	if (value[0] == 'x')
		return value[1] == 'x' ? -1 : err_set(errp, ERR_INVALID, "no x please");
	(*(int *)o->value)++;
	return 0;
}

static int
cb_noarg(const struct opt *o, const char *value, struct err **errp)
{
	(*(int *)o->value)++;
	return value && strcmp(value, "no") == 0 ? err_set(errp, ERR_INVALID, "said no") : 0;
}

static int
cb_duration(const struct opt *o, const char *value, struct err **errp)
{
	return parse_duration(value, o->value, errp);
}

struct vals {
	bool detach, rm, debug;
	const char *name, *hostname, *ns;
	struct strv env;
	int shares, ncb, nnoarg;
	int64_t count, memory, dur;
};

static const char *const *words;	/* the input's words, for pointer checks */
static int nwords;

static int
points_into_words(const char *p)
{
	for (int i = 0; i < nwords; i++)
		if (p >= words[i] && p <= words[i] + strlen(words[i]))
			return 1;
	return 0;
}

static int
looks_like_flag(const char *a)
{
	return a[0] == '-' && a[1];
}

static void
run(char **argv, int argc, unsigned mode)
{
	struct vals v = { .env = STRV_INIT };
	struct opt cmd[] = {
		OPT_BOOL('d', "detach", &v.detach, "Detach"),
		OPT_BOOL(0, "rm", &v.rm, "Remove"),
		OPT_STRING(0, "name", &v.name, "string", "Name"),
		OPT_STRING('h', "hostname", &v.hostname, "string", "Host name"),
		OPT_STRINGS('e', "env", &v.env, "list", "Environment"),
		OPT_INT('c', "cpu-shares", &v.shares, "Shares"),
		OPT_INT64('n', "count", &v.count, "Count"),
		OPT_BYTES('m', "memory", &v.memory, "Memory"),
		OPT_CALLBACK('p', "publish", &v.ncb, "list", "Publish", cb_value),
		OPT_FULL(OPT_T_CALLBACK, 'q', "quiet", &v.nnoarg, NULL, "Quiet", NULL, OPT_NOARG,
			 cb_noarg),
		OPT_FULL(OPT_T_CALLBACK, 0, "stop-timeout", &v.dur, "duration", "Timeout", NULL,
			 OPT_HIDDEN, cb_duration),
		OPT_GROUP("Other"),
		OPT_END(),
	};
	struct opt globals[] = {
		OPT_STRING('n', "namespace", &v.ns, "string", "Namespace"),
		OPT_FULL(OPT_T_BOOL, 'D', "debug", &v.debug, NULL, "Debug", NULL,
			 OPT_GLOBAL_SHORT_ANYWHERE, NULL),
		OPT_END(),
	};
	struct err *err = NULL;
	bool stop = mode & 1;
	int n, consumed = -1;

	/* Without 'h' in the table, -h is help (as for most commands). */
	if (mode & 2)
		cmd[3].short_name = 0;
	if (mode & 4) {
		n = opt_parse_globals(globals, argc, argv, &consumed, &err);
		if (n == 0 && (consumed < 0 || consumed > argc))
			abort();
		if (n != 0 && n != OPT_HELP && n != -1)
			abort();
	} else {
		n = opt_parse_err(cmd, (mode & 8) ? globals : NULL, argc, argv,
				  stop ? OPT_PARSE_STOP_AT_POSITIONAL : 0, &err);
	}
	if (n == -1) {
		if (!err || err->kind != ERR_USAGE || !err->msg || !err->msg[0])
			abort();
	} else if (err) {
		abort();
	}
	if (!(mode & 4) && n >= 0) {
		int k = 1, first = -1, dashdash = argc;

		if (n > argc - 1 || (n < argc && argv[n] != NULL))
			abort();
		for (int i = 0; i < n; i++) {
			while (k < argc && words[k] != argv[i])
				k++;
			if (k == argc)
				abort();	/* not an input word, or out of order */
			if (first < 0)
				first = k;
			k++;
		}
		for (int i = 1; i < argc; i++)
			if (strcmp(words[i], "--") == 0) {
				dashdash = i;
				break;
			}
		/* A flag-like positional needs a "--" (or, with stop, a positional) before it. */
		for (int i = 0; i < n; i++) {
			int at = 1;

			while (words[at] != argv[i])
				at++;
			if (looks_like_flag(argv[i]) && at <= dashdash && !(stop && at > first))
				abort();
		}
		/* With stop, the positionals run to the end of the input. */
		if (stop && n > 0 && argv[n - 1] != words[argc - 1])
			abort();
	}
	if (v.name && !points_into_words(v.name))
		abort();
	if (v.hostname && !points_into_words(v.hostname))
		abort();
	if (v.ns && !points_into_words(v.ns))
		abort();
	if (n >= 0 && !(mode & 4))
		(void)opt_check_args("nerdc fuzz", n, mode >> 4, OPT_PARSE_MAX_ARGS(mode >> 6),
				     NULL);
	strv_release(&v.env);
	err_free(err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy, *argv[MAX_WORDS + 2];
	const char *orig[MAX_WORDS + 2];
	unsigned mode;
	int argc = 0;

	if (size < 1)
		return 0;
	mode = data[0];
	copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, size - 1);
	copy[size - 1] = '\0';
	/* In global mode argv[0] is a flag word already; else it is the command word. */
	if (!(mode & 4))
		orig[argc++] = "fuzz";
	for (char *p = copy, *end = copy + size - 1; argc < MAX_WORDS;) {
		orig[argc++] = p;
		p += strlen(p) + 1;
		if (p > end)
			break;
	}
	for (int i = 0; i < argc; i++)
		argv[i] = (char *)orig[i];
	argv[argc] = NULL;
	words = orig;
	nwords = argc;
	run(argv, argc, mode);
	free(copy);
	return 0;
}
