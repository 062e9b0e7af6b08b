/*
 * Option parsing with Docker's (spf13/pflag) rules: flags before and after positionals,
 * "--" ends flags, --flag=value and --flag value, booleans as --rm or --rm=false, short
 * clusters (-itd, -p8080:80), repeatable flags, and OPT_PARSE_STOP_AT_POSITIONAL for
 * run/create/exec, where everything after the first positional is the container's.
 *
 * Global flags (cli->global_opts) work in two places, as nerdctl's:
 *  - before the command word ("nerdc -n k8s.io ps"): main calls opt_parse_globals(), which
 *    accepts every global, long or short, and stops at the command word;
 *  - after it ("nerdc ps --namespace k8s.io"): opt_parse() merges the globals into the
 *    command's table, by long name only. A global's short letter is accepted after the
 *    command word only when the global has OPT_GLOBAL_SHORT_ANYWHERE (none has by default),
 *    because nerdctl's -n/-a/-H are "non-persistent aliases" and clash with e.g. ps -n.
 *    A command's own option always wins over a global with the same long name or letter.
 *
 * -h/--help anywhere (before "--" and, with STOP_AT_POSITIONAL, before the first
 * positional) asks for help, unless the command defines "h" itself (run -h is --hostname):
 * then only --help does. As in cobra, a flag error elsewhere on the line wins over help.
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
	OPT_T_STRINGS,	/* struct strv *; every occurrence appended (copied; caller releases) */
	OPT_T_INT,	/* int *; Go syntax as pflag: -1, 0x1f, 0o17, 017, 0b1, 1_000 */
	OPT_T_INT64,	/* int64_t *; the same */
	OPT_T_BYTES,	/* int64_t *; Docker size syntax "512m" */
	OPT_T_CALLBACK,	/* cb(opt, value, errp); value NULL for OPT_NOARG without "=v" */
	OPT_T_GROUP,	/* a heading in help output; long_name is the text ("Network") */
};

enum {
	OPT_HIDDEN = 1 << 0,	/* accepted, not shown in help */
	OPT_NOARG = 1 << 1,	/* callback takes no value (bool syntax: --x, or --x=v) */
	OPT_GLOBAL_SHORT_ANYWHERE = 1 << 2, /* global: short letter also after the command word */
};

/*
 * A callback's error message becomes 'invalid argument "v" for "--x" flag: <message>'.
 * o->value is the callback's context pointer.
 */
typedef int (*opt_cb)(const struct opt *o, const char *value, struct err **errp);

struct opt {
	enum opt_type type;
	char short_name;	/* 0 if none */
	const char *long_name;	/* NULL if none (then short_name is required) */
	void *value;
	const char *argname;	/* type in help: "string", "list", "int", ...; NULL for bools */
	const char *help;
	const char *defval;	/* shown as "(default X)" in help, quoted for strings; or NULL */
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
#define OPT_CALLBACK(s, l, v, a, h, f) \
	{ OPT_T_CALLBACK, (s), (l), (v), (a), (h), NULL, 0, (f), NULL }
#define OPT_GROUP(text) { OPT_T_GROUP, 0, (text), NULL, NULL, NULL, NULL, 0, NULL, NULL }
#define OPT_END() { OPT_T_END, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL }
/* With a default shown in help ("(default -1)"); the caller initialises the variable. */
#define OPT_BOOL_D(s, l, v, h, d) { OPT_T_BOOL, (s), (l), (v), NULL, (h), (d), 0, NULL, NULL }
#define OPT_STRING_D(s, l, v, a, h, d) { OPT_T_STRING, (s), (l), (v), (a), (h), (d), 0, NULL, NULL }
#define OPT_INT_D(s, l, v, h, d) { OPT_T_INT, (s), (l), (v), "int", (h), (d), 0, NULL, NULL }
#define OPT_INT64_D(s, l, v, h, d) { OPT_T_INT64, (s), (l), (v), "int", (h), (d), 0, NULL, NULL }
/* Every field but was_set, for the rest (hidden flags, NOARG callbacks, ...). */
#define OPT_FULL(t, s, l, v, a, h, d, fl, cb) \
	{ (t), (s), (l), (v), (a), (h), (d), (fl), (cb), NULL }

enum {
	OPT_PARSE_STOP_AT_POSITIONAL = 1 << 0,	/* run/create/exec: the rest is the command */
};
/* At most n positionals ("requires at most n arguments." / "accepts no arguments."). */
#define OPT_PARSE_MAX_ARGS(n) ((((unsigned)(n)) + 1u) << 8)
#define OPT_PARSE_NO_ARGS OPT_PARSE_MAX_ARGS(0)

/* Return values besides -1 (a flag error) and the positional count. */
enum {
	OPT_HELP = -2,		/* opt_parse_err/opt_parse_globals: help was asked for */
	OPT_ARGS_ERROR = -3,	/* opt_parse: wrong number of positionals (Docker exits 1) */
};

/* What help shows and errors name. */
struct cmd_help {
	const char *path;	/* "nerdc container ls"; NULL in opt_parse_cmd: cli->cmd_path */
	const char *usage;	/* "ls [OPTIONS]": follows path minus its last word (cobra) */
	const char *summary;	/* one line, shown under Usage */
	const char *aliases;	/* "ls, ps, list" or NULL */
	int cols;		/* wrap like pflag; 0: none; opt_parse_cmd uses opt_help_cols() */
};

/*
 * Parses argv[1..argc) (argv[0] is the command word) against opts plus cli->global_opts.
 * Positional arguments are moved, in order, to argv[0..n), argv[n] is set to NULL, and n is
 * returned. Values point into argv (OPT_T_STRING) or are copies (OPT_T_STRINGS).
 *
 * -h/--help prints help for cli->cmd_path to stdout and exits 0. A bad flag or value
 * prints Docker 20.10's error to stderr ("unknown flag: --foo\nSee 'nerdc ps --help'.")
 * and returns -1 (Docker exits 125). Fewer than min_args positionals, or more than
 * OPT_PARSE_MAX_ARGS(n) in flags, prints '"nerdc rm" requires at least 1 argument.', the
 * See line, usage and summary, and returns OPT_ARGS_ERROR (Docker exits 1). Callers:
 *	if (argc < 0)
 *		return opt_exit_code(argc);
 *
 * usage: "ps [OPTIONS]"; summary: one line shown under Usage in help.
 */
int opt_parse(struct cli *cli, const struct opt *opts, int argc, char **argv, const char *usage,
	      const char *summary, int min_args, unsigned flags);
/* Same, with aliases (and a path other than cli->cmd_path when h->path is set). */
int opt_parse_cmd(struct cli *cli, const struct cmd_help *h, const struct opt *opts, int argc,
		  char **argv, int min_args, unsigned flags);

/* Exit status for a negative opt_parse result: 1 for OPT_ARGS_ERROR, else 125. */
int opt_exit_code(int r);

/*
 * The parser without printing or exiting: argv as for opt_parse; globals (may be NULL) merged
 * as described at the top. Returns the positional count, OPT_HELP when help was asked for
 * (and no flag error occurred), or -1 with ERR_USAGE whose message is Docker's first line
 * ("unknown flag: --foo"). The positional count is not checked here: see opt_check_args.
 * flags: OPT_PARSE_STOP_AT_POSITIONAL (OPT_PARSE_MAX_ARGS bits are ignored).
 */
int opt_parse_err(const struct opt *opts, const struct opt *globals, int argc, char **argv,
		  unsigned flags, struct err **errp);

/*
 * Checks n positionals against min_args and OPT_PARSE_MAX_ARGS in flags. On failure returns
 * -1 with ERR_USAGE, exit_code 1, message '"<path>" requires at least 1 argument.'.
 */
int opt_check_args(const char *path, int n, int min_args, unsigned flags, struct err **errp);

/*
 * The global pass, for main: parses argv[0..argc) against globals (long and short forms)
 * until the first word that is not a flag (the command word), or after "--" (consumed).
 * *ret_consumed gets the number of words used. Returns 0, OPT_HELP for -h/--help (after
 * the rest of the leading flags were parsed), or -1 with ERR_USAGE as opt_parse_err.
 */
int opt_parse_globals(const struct opt *globals, int argc, char **argv, int *ret_consumed,
		      struct err **errp);

/*
 * Writes Docker's help layout for a command to f: blank line, "Usage:  <path> <usage>",
 * summary, "Aliases:", then the visible options sorted by long name in pflag's aligned
 * columns, with one "<heading>:" section per OPT_T_GROUP. Globals are not listed.
 */
void opt_print_help(FILE *f, const struct cmd_help *h, const struct opt *opts);

/*
 * Only the aligned option lines of opts (a section per group), wrapped as Docker's help,
 * e.g. for the root help's "Global Options:".
 */
void opt_print_help_options(FILE *f, const struct opt *opts);

/* For shell completion: "--long" and "-s" of every visible option, one per line. */
void opt_print_flag_names(FILE *f, const struct opt *opts);
/*
 * The same for a command: its own options, then the forms of globals (may be NULL) that
 * opt_parse accepts after the command word. opt_parse/opt_parse_cmd print this and exit 0
 * when argv is exactly { cmd, OPT_COMPLETE_FLAGS }.
 */
void opt_print_cmd_flag_names(FILE *f, const struct opt *opts, const struct opt *globals);
#define OPT_COMPLETE_FLAGS "--__complete-flags"

/* Docker's help width: the terminal width of stdin minus one, 79 when it is no terminal. */
int opt_help_cols(void);
