/*
 * Option parsing with Docker's (spf13/pflag) rules: flags before and after positionals,
 * "--" ends flags, --flag=value and --flag value, booleans as --rm or --rm=false, short
 * clusters (-itd, -p8080:80), repeatable flags, and OPT_PARSE_STOP_AT_POSITIONAL for
 * run/create/exec, where everything after the first positional is the container's.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"
#include "base/strv.h"

struct cli;
struct opt;

enum opt_type {
	OPT_T_END = 0,
	OPT_T_BOOL,	/* bool *; --x, --x=true|false; never takes the next word */
	OPT_T_STRING,	/* const char **; last one wins; points into argv */
	OPT_T_STRINGS,	/* struct strv *; every occurrence appended (copied) */
	OPT_T_INT,	/* int * */
	OPT_T_INT64,	/* int64_t * */
	OPT_T_BYTES,	/* int64_t *; Docker size syntax "512m" */
	OPT_T_CALLBACK,	/* cb(opt, value, errp); value NULL for OPT_NOARG */
	OPT_T_GROUP,	/* a heading in help output; long_name is the text */
};

enum {
	OPT_HIDDEN = 1 << 0,	/* accepted, not shown in help */
	OPT_NOARG = 1 << 1,	/* callback takes no value (like a bool) */
};

typedef int (*opt_cb)(const struct opt *o, const char *value, struct err **errp);

struct opt {
	enum opt_type type;
	char short_name;	/* 0 if none */
	const char *long_name;	/* NULL if none */
	void *value;
	const char *argname;	/* metavar in help: "string", "list", "int", ... */
	const char *help;
	const char *defval;	/* shown as "(default X)" in help; NULL for none */
	unsigned flags;
	opt_cb cb;
	bool *was_set;		/* if set, becomes true when the flag appears */
};

#define OPT_BOOL(s, l, v, h) { OPT_T_BOOL, (s), (l), (v), NULL, (h), NULL, 0, NULL, NULL }
#define OPT_STRING(s, l, v, a, h) { OPT_T_STRING, (s), (l), (v), (a), (h), NULL, 0, NULL, NULL }
#define OPT_STRINGS(s, l, v, a, h) { OPT_T_STRINGS, (s), (l), (v), (a), (h), NULL, 0, NULL, NULL }
#define OPT_INT(s, l, v, h) { OPT_T_INT, (s), (l), (v), "int", (h), NULL, 0, NULL, NULL }
#define OPT_INT64(s, l, v, h) { OPT_T_INT64, (s), (l), (v), "int", (h), NULL, 0, NULL, NULL }
#define OPT_BYTES(s, l, v, h) { OPT_T_BYTES, (s), (l), (v), "bytes", (h), NULL, 0, NULL, NULL }
#define OPT_CALLBACK(s, l, v, a, h, f) { OPT_T_CALLBACK, (s), (l), (v), (a), (h), NULL, 0, (f), NULL }
#define OPT_END() { OPT_T_END, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL }

enum {
	OPT_PARSE_STOP_AT_POSITIONAL = 1 << 0,	/* run/create/exec: the rest is the command */
	OPT_PARSE_KEEP_UNKNOWN = 1 << 1,	/* leave unknown flags in argv (global pass) */
};

/*
 * Parses argv[1..argc) (argv[0] is the command word) against opts. Positional arguments
 * are moved to argv[0..n) and n is returned. --help/-h prints help for cli->cmd_path to
 * stdout and exits 0. On a bad flag, value or too few positionals (< min_args) it prints a
 * Docker-shaped error to stderr ("unknown flag: --foo\nSee 'nerdc ps --help'.") and
 * returns -1; callers return EXIT_CLI_ERROR.
 *
 * usage: "ps [OPTIONS]"; summary: one line shown under Usage in help.
 */
int opt_parse(struct cli *cli, const struct opt *opts, int argc, char **argv, const char *usage,
	      const char *summary, int min_args, unsigned flags);

/* Same, but reports errors through errp instead of printing, and never exits (tests). */
int opt_parse_err(const struct opt *opts, int argc, char **argv, unsigned flags,
		  struct err **errp);

/* Writes the help text for a command (usage, summary, aliases, options) to f. */
struct cmd_help {
	const char *path;	/* "nerdc ps" */
	const char *usage;	/* "ps [OPTIONS]" */
	const char *summary;
	const char *aliases;	/* "ps, container ls, container list" or NULL */
};
void opt_print_help(FILE *f, const struct cmd_help *h, const struct opt *opts);
