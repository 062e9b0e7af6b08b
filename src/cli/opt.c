/* Docker-compatible (spf13/pflag + cobra) option parsing, error wording and help layout. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/parse.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "cli/gofmt.h"
#include "cli/opt.h"
#include "base/banned.h"

/* pflag's help wrapping: no text column narrower than this, and how far a line may overrun. */
#define WRAP_MIN 24
#define WRAP_SLOP 5
#define WRAP_BLOCK_INDENT 16

struct parser {
	const struct opt *opts;		/* the command's, or NULL */
	const struct opt *globals;	/* or NULL */
	bool global_shorts;		/* all global letters count (before the command word) */
	bool help;
};

static bool
takes_value(const struct opt *o)
{
	if (o->type == OPT_T_BOOL)
		return false;
	return !(o->type == OPT_T_CALLBACK && (o->flags & OPT_NOARG));
}

static const struct opt *
lookup_long(const struct opt *t, const char *name, size_t len)
{
	for (; t && t->type != OPT_T_END; t++) {
		if (t->type == OPT_T_GROUP || !t->long_name)
			continue;
		if (strlen(t->long_name) == len && memcmp(t->long_name, name, len) == 0)
			return t;
	}
	return NULL;
}

static const struct opt *
lookup_short(const struct opt *t, char c, unsigned need_flags)
{
	for (; t && t->type != OPT_T_END; t++) {
		if (t->type == OPT_T_GROUP || t->short_name != c)
			continue;
		if ((t->flags & need_flags) == need_flags)
			return t;
	}
	return NULL;
}

/* The command's own option wins over a global with the same name or letter. */
static const struct opt *
find_long(const struct parser *p, const char *name, size_t len)
{
	const struct opt *o = lookup_long(p->opts, name, len);

	return o ? o : lookup_long(p->globals, name, len);
}

static const struct opt *
find_short(const struct parser *p, char c)
{
	const struct opt *o = lookup_short(p->opts, c, 0);

	if (o)
		return o;
	return lookup_short(p->globals, c, p->global_shorts ? 0 : OPT_GLOBAL_SHORT_ANYWHERE);
}

static char *
quoted(const char *s)
{
	_cleanup_buf_ struct buf b = BUF_INIT;

	gofmt_quote(&b, s, strlen(s));
	return buf_detach(&b, NULL);
}

/* Go's %q for a byte, as pflag's "unknown shorthand flag: 'x' in -x". */
static char *
quoted_char(char ch)
{
	unsigned char c = (unsigned char)ch;

	if (c == '\'' || c == '\\')
		return xasprintf("'\\%c'", c);
	if (c >= 0x20 && c < 0x7f)
		return xasprintf("'%c'", c);
	if (c >= 0xa0) /* Latin-1 code point, printed as UTF-8 like Go does */
		return xasprintf("'%c%c'", 0xc0 | (c >> 6), 0x80 | (c & 0x3f));
	if (c >= 0x80)
		return xasprintf("'\\u%04x'", c);
	return xasprintf("'\\x%02x'", c);
}

/* How pflag names a flag in "invalid argument" messages: "-n, --last" or "--memory". */
static char *
flag_label(const struct opt *o)
{
	if (o->short_name && o->long_name)
		return xasprintf("-%c, --%s", o->short_name, o->long_name);
	if (o->long_name)
		return xasprintf("--%s", o->long_name);
	return xasprintf("-%c", o->short_name);
}

static int
invalid_arg(struct err **errp, const struct opt *o, const char *value, const char *why)
{
	_cleanup_free_ char *label = flag_label(o);
	_cleanup_free_ char *q = quoted(value ? value : "");

	return err_set(errp, ERR_USAGE, "invalid argument %s for \"%s\" flag: %s", q, label, why);
}

static int
digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/*
 * pflag parses ints with Go's strconv.ParseInt(s, 0, 64), so Docker takes "0x10", "0o17",
 * "017" (octal), "0b101" and "1_000". Returns 0, -1 for bad syntax or -2 for out of range:
 * Go words the two differently.
 */
static int
parse_go_int(const char *s, int64_t *ret)
{
	uint64_t v = 0, limit = (uint64_t)INT64_MAX;
	bool neg = false, digits = false, after_digit;
	int base = 10;

	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (neg)
		limit++;
	if (s[0] == '0' && s[1]) {
		switch (s[1]) {
		case 'x':
		case 'X':
			base = 16;
			s += 2;
			break;
		case 'o':
		case 'O':
			base = 8;
			s += 2;
			break;
		case 'b':
		case 'B':
			base = 2;
			s += 2;
			break;
		default:
			base = 8;
			s++;
			digits = true; /* the "0" itself */
		}
	}
	/* Go: '_' only between digits, or right after a base prefix. */
	after_digit = base != 10;
	for (; *s; s++) {
		int d;

		if (*s == '_') {
			if (!after_digit || !s[1] || s[1] == '_')
				return -1;
			after_digit = false;
			continue;
		}
		d = digit_value(*s);
		if (d >= base)
			return -1;
		if (v > (limit - (uint64_t)d) / (uint64_t)base)
			return -2;
		v = v * (uint64_t)base + (uint64_t)d;
		digits = true;
		after_digit = true;
	}
	if (!digits)
		return -1;
	*ret = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

static int
set_int(const struct opt *o, const char *value, struct err **errp)
{
	_cleanup_free_ char *q = quoted(value);
	_cleanup_free_ char *why = NULL;
	int64_t v = 0;
	int r = parse_go_int(value, &v);

	/* Go's int is 64 bits; ours is not, so a large value for an int option is out of range. */
	if (r == 0 && o->type == OPT_T_INT && (v < INT_MIN || v > INT_MAX))
		r = -2;
	if (r < 0) {
		why = xasprintf("strconv.ParseInt: parsing %s: %s", q,
				r == -2 ? "value out of range" : "invalid syntax");
		return invalid_arg(errp, o, value, why);
	}
	if (o->type == OPT_T_INT)
		*(int *)o->value = (int)v;
	else
		*(int64_t *)o->value = v;
	return 0;
}

/* value is NULL for a flag without "=value" that takes none (bool: true). */
static int
set_value(const struct opt *o, const char *value, struct err **errp)
{
	_cleanup_err_ struct err *e = NULL;

	switch (o->type) {
	case OPT_T_BOOL: {
		int b = 1;

		if (value && parse_bool(value, &b, NULL) < 0) {
			_cleanup_free_ char *q = quoted(value);
			_cleanup_free_ char *why = xasprintf(
				"strconv.ParseBool: parsing %s: invalid syntax", q);

			return invalid_arg(errp, o, value, why);
		}
		*(bool *)o->value = b;
		break;
	}
	case OPT_T_STRING:
		*(const char **)o->value = value;
		break;
	case OPT_T_STRINGS:
		strv_push(o->value, value);
		break;
	case OPT_T_INT:
	case OPT_T_INT64:
		if (set_int(o, value, errp) < 0)
			return -1;
		break;
	case OPT_T_BYTES:
		if (parse_bytes(value, o->value, &e) < 0)
			return invalid_arg(errp, o, value, e->msg);
		break;
	case OPT_T_CALLBACK:
		if (o->cb(o, value, &e) < 0)
			return invalid_arg(errp, o, value,
					   e ? e->msg : "callback failed without a message");
		break;
	case OPT_T_END:
	case OPT_T_GROUP:
		return err_set(errp, ERR_INTERNAL, "option table entry of type %d set", o->type);
	}
	if (o->was_set)
		*o->was_set = true;
	return 0;
}

/* --help without a command's own "help" option: a bool, as cobra's. */
static int
set_help(struct parser *p, const char *value, struct err **errp)
{
	static const struct opt help = { OPT_T_BOOL, 'h', "help", NULL, NULL, NULL, NULL, 0,
					  NULL, NULL };
	struct opt o = help;
	bool v = true;

	if (find_short(p, 'h'))
		o.short_name = 0;
	o.value = &v;
	if (set_value(&o, value, errp) < 0)
		return -1;
	p->help = v;
	return 0;
}

/* "--name", "--name=value" or "--name value"; *i indexes the word after arg. */
static int
parse_long(struct parser *p, const char *arg, int argc, char **argv, int *i, struct err **errp)
{
	const char *name = arg + 2;
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct opt *o;
	const char *value = eq ? eq + 1 : NULL;

	if (!*name || *name == '-' || *name == '=')
		return err_set(errp, ERR_USAGE, "bad flag syntax: %s", arg);
	o = find_long(p, name, len);
	if (!o) {
		if (len == 4 && memcmp(name, "help", 4) == 0)
			return set_help(p, value, errp);
		return err_set(errp, ERR_USAGE, "unknown flag: --%.*s", (int)len, name);
	}
	if (takes_value(o) && !eq) {
		if (*i >= argc)
			return err_set(errp, ERR_USAGE, "flag needs an argument: %s", arg);
		/* pflag takes the next word even when it looks like a flag: --name --rm */
		value = argv[(*i)++];
	}
	return set_value(o, value, errp);
}

/* A cluster "-itd", "-p8080:80", "-p=8080:80", "-d=false" or "-p" with the value next. */
static int
parse_short(struct parser *p, const char *arg, int argc, char **argv, int *i, struct err **errp)
{
	for (const char *s = arg + 1; *s; s++) {
		const struct opt *o = find_short(p, *s);
		/* "-x=v" needs something after '=': "-q=" is -q then an unknown '=' (pflag). */
		const char *value = s[1] == '=' && s[2] ? s + 2 : NULL;

		if (!o && *s == 'h') {
			if (set_help(p, value, errp) < 0)
				return -1;
			if (value)
				return 0;
			continue;
		}
		if (!o) {
			_cleanup_free_ char *q = quoted_char(*s);

			return err_set(errp, ERR_USAGE, "unknown shorthand flag: %s in -%s", q, s);
		}
		if (!takes_value(o)) {
			if (set_value(o, value, errp) < 0)
				return -1;
			if (value)
				return 0;
			continue;
		}
		if (!value && s[1])
			value = s + 1;
		if (!value) {
			if (*i >= argc) {
				_cleanup_free_ char *q = quoted_char(*s);

				return err_set(errp, ERR_USAGE, "flag needs an argument: %s in -%s",
					       q, s);
			}
			value = argv[(*i)++];
		}
		return set_value(o, value, errp);
	}
	return 0;
}

static bool
is_flag_word(const char *a)
{
	/* "" and a lone "-" (stdin) are positionals. */
	return a[0] == '-' && a[1];
}

/*
 * Parses argv[start..argc). Positionals are compacted, in order, into argv[0..n) (the write
 * index never passes the read index). With stop_at_positional the first one ends flags.
 * Returns n, or -1.
 */
static int
parse_words(struct parser *p, int start, int argc, char **argv, bool stop_at_positional,
	    struct err **errp)
{
	int n = 0;
	int i = start;

	while (i < argc) {
		char *a = argv[i];
		int r;

		if (!is_flag_word(a) || strcmp(a, "--") == 0) {
			if (strcmp(a, "--") == 0)
				i++;
			else if (!stop_at_positional) {
				argv[n++] = argv[i++];
				continue;
			}
			while (i < argc)
				argv[n++] = argv[i++];
			break;
		}
		i++;
		if (a[1] == '-')
			r = parse_long(p, a, argc, argv, &i, errp);
		else
			r = parse_short(p, a, argc, argv, &i, errp);
		if (r < 0)
			return -1;
	}
	if (n < argc)
		argv[n] = NULL;
	return n;
}

int
opt_parse_err(const struct opt *opts, const struct opt *globals, int argc, char **argv,
	      unsigned flags, struct err **errp)
{
	struct parser p = { .opts = opts, .globals = globals };
	int n = parse_words(&p, 1, argc, argv, flags & OPT_PARSE_STOP_AT_POSITIONAL, errp);

	if (n < 0)
		return -1;
	return p.help ? OPT_HELP : n;
}

int
opt_parse_globals(const struct opt *globals, int argc, char **argv, int *ret_consumed,
		  struct err **errp)
{
	struct parser p = { .globals = globals, .global_shorts = true };
	int i = 0;

	while (i < argc && is_flag_word(argv[i])) {
		const char *a = argv[i++];
		int r;

		if (strcmp(a, "--") == 0)
			break;
		if (a[1] == '-')
			r = parse_long(&p, a, argc, argv, &i, errp);
		else
			r = parse_short(&p, a, argc, argv, &i, errp);
		if (r < 0)
			return -1;
	}
	*ret_consumed = i;
	return p.help ? OPT_HELP : 0;
}

static const char *
plural(int n)
{
	return n == 1 ? "argument" : "arguments";
}

int
opt_check_args(const char *path, int n, int min_args, unsigned flags, struct err **errp)
{
	unsigned max_bits = flags >> 8;
	int max_args = (int)max_bits - 1;
	_cleanup_free_ char *q = quoted(path);
	int r = 0;

	if (max_bits && max_args == 0 && n > 0)
		r = err_set(errp, ERR_USAGE, "%s accepts no arguments.", q);
	else if (max_bits && min_args == max_args && n != min_args)
		r = err_set(errp, ERR_USAGE, "%s requires exactly %d %s.", q, min_args,
			    plural(min_args));
	else if (max_bits && min_args > 0 && (n < min_args || n > max_args))
		r = err_set(errp, ERR_USAGE, "%s requires at least %d and at most %d %s.", q,
			    min_args, max_args, plural(max_args));
	else if (n < min_args)
		r = err_set(errp, ERR_USAGE, "%s requires at least %d %s.", q, min_args,
			    plural(min_args));
	else if (max_bits && n > max_args)
		r = err_set(errp, ERR_USAGE, "%s requires at most %d %s.", q, max_args,
			    plural(max_args));
	/* cobra's Args errors are not flag errors: Docker exits 1 for them, not 125. */
	if (r < 0 && errp && *errp)
		(*errp)->exit_code = 1;
	return r;
}

/*
 * cobra's UseLine: the command's full path, then its usage after the first word, so one
 * command reached by several names ("images", "image ls") shows the name it was called by.
 */
static char *
use_line(const struct cmd_help *h)
{
	const char *rest;

	if (!h->usage)
		return xstrdup(h->path ? h->path : "");
	if (!h->path)
		return xstrdup(h->usage);
	rest = strchr(h->usage, ' ');
	return xasprintf("%s%s", h->path, rest ? rest : "");
}

int
opt_exit_code(int r)
{
	return r == OPT_ARGS_ERROR ? 1 : EXIT_CLI_ERROR;
}

int
opt_parse_cmd(struct cli *cli, const struct cmd_help *h, const struct opt *opts, int argc,
	      char **argv, int min_args, unsigned flags)
{
	_cleanup_err_ struct err *e = NULL;
	struct cmd_help hh = *h;
	int n;

	if (!hh.path)
		hh.path = cli->cmd_path ? cli->cmd_path : cli->argv0 ? cli->argv0 : "nerdc";
	if (argc == 2 && strcmp(argv[1], OPT_COMPLETE_FLAGS) == 0) {
		opt_print_cmd_flag_names(stdout, opts, cli->global_opts);
		fflush(stdout);
		exit(0);
	}
	n = opt_parse_err(opts, cli->global_opts, argc, argv, flags, &e);
	if (n == OPT_HELP) {
		hh.cols = opt_help_cols();
		opt_print_help(stdout, &hh, opts);
		fflush(stdout);
		exit(0);
	}
	if (n < 0) {
		fprintf(stderr, "%s\nSee '%s --help'.\n", e->msg, hh.path);
		return -1;
	}
	if (opt_check_args(hh.path, n, min_args, flags, &e) < 0) {
		_cleanup_free_ char *use = use_line(&hh);

		fprintf(stderr, "%s\nSee '%s --help'.\n\nUsage:  %s\n", e->msg, hh.path, use);
		if (hh.summary)
			fprintf(stderr, "\n%s\n", hh.summary);
		return OPT_ARGS_ERROR;
	}
	return n;
}

int
opt_parse(struct cli *cli, const struct opt *opts, int argc, char **argv, const char *usage,
	  const char *summary, int min_args, unsigned flags)
{
	struct cmd_help h = { .usage = usage, .summary = summary, .aliases = cli->cmd_aliases };

	return opt_parse_cmd(cli, &h, opts, argc, argv, min_args, flags);
}

int
opt_help_cols(void)
{
	struct winsize ws;

	/* Docker measures stdin, falls back to 80 columns, and wraps one short of the width. */
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col - 1;
	return 79;
}

/* s with every newline followed by indent spaces. */
static void
add_indented(struct buf *b, const char *s, size_t len, int indent)
{
	for (size_t k = 0; k < len; k++) {
		buf_addch(b, s[k]);
		if (s[k] == '\n')
			buf_addf(b, "%*s", indent, "");
	}
}

/*
 * pflag's wrapN: the length of the next line of s at most width bytes long (or width+slop if
 * that takes all of s), broken at the last blank; *next is where the following line starts.
 */
static size_t
next_line(const char *s, size_t width, const char **next)
{
	size_t len = strlen(s);
	size_t blank = 0, nl = 0;

	*next = s + len;
	if (width + WRAP_SLOP > len)
		return len;
	for (size_t k = 0; k < width; k++) {
		if (s[k] == ' ' || s[k] == '\t' || s[k] == '\n')
			blank = k;
		if (s[k] == '\n')
			nl = k;
	}
	if (blank == 0)
		return len;
	if (nl > 0 && nl < blank)
		blank = nl;
	*next = s + blank + 1;
	return blank;
}

/* pflag's wrap: the text column starts at indent (already written) and ends before cols. */
static void
add_wrapped(struct buf *b, const char *s, int indent, int cols)
{
	int width = cols - indent;
	const char *next;
	size_t len;

	if (cols == 0) {
		add_indented(b, s, strlen(s), indent);
		return;
	}
	if (width < WRAP_MIN) {
		/* Too narrow beside the names: the whole text goes below them as a block. */
		indent = WRAP_BLOCK_INDENT;
		width = cols - indent;
		if (width < WRAP_MIN) {
			add_indented(b, s, strlen(s), indent);
			return;
		}
		buf_addf(b, "\n%*s", indent, "");
	}
	width -= WRAP_SLOP;
	len = next_line(s, (size_t)width, &next);
	add_indented(b, s, len, indent);
	for (s = next; *s; s = next) {
		len = next_line(s, (size_t)width, &next);
		buf_addf(b, "\n%*s", indent, "");
		add_indented(b, s, len, indent);
	}
}

/* "  -a, --all", "      --format string": the part of a help line before the text. */
static char *
help_names(const struct opt *o)
{
	_cleanup_buf_ struct buf b = BUF_INIT;

	if (o->short_name && o->long_name)
		buf_addf(&b, "  -%c, --%s", o->short_name, o->long_name);
	else if (o->long_name)
		buf_addf(&b, "      --%s", o->long_name);
	else
		buf_addf(&b, "  -%c", o->short_name);
	if (takes_value(o) && o->argname && *o->argname)
		buf_addf(&b, " %s", o->argname);
	return buf_detach(&b, NULL);
}

static const char *
sort_name(const struct opt *o, char tmp[2])
{
	if (o->long_name)
		return o->long_name;
	tmp[0] = o->short_name;
	tmp[1] = '\0';
	return tmp;
}

static int
cmp_opt(const void *a, const void *b)
{
	char ta[2], tb[2];

	return strcmp(sort_name(*(const struct opt *const *)a, ta),
		      sort_name(*(const struct opt *const *)b, tb));
}

static bool
visible(const struct opt *o)
{
	return o->type != OPT_T_GROUP && !(o->flags & OPT_HIDDEN);
}

/* One section of options, sorted by name as pflag does; text starts at column indent. */
static void
add_section(struct buf *b, const char *heading, const struct opt **v, size_t n, int indent,
	    int cols)
{
	if (n == 0)
		return;
	qsort(v, n, sizeof(*v), cmp_opt);
	if (heading)
		buf_addf(b, "\n%s:\n", heading);
	for (size_t k = 0; k < n; k++) {
		const struct opt *o = v[k];
		_cleanup_free_ char *names = help_names(o);
		_cleanup_buf_ struct buf text = BUF_INIT;
		size_t start = b->len;

		buf_adds(&text, o->help ? o->help : "");
		if (o->defval && o->type == OPT_T_STRING) {
			buf_adds(&text, " (default ");
			gofmt_quote(&text, o->defval, strlen(o->defval));
			buf_addch(&text, ')');
		} else if (o->defval) {
			buf_addf(&text, " (default %s)", o->defval);
		}
		buf_addf(b, "%-*s", indent, names);
		add_wrapped(b, text.data, indent, cols);
		/* An empty help text would leave the padding behind. */
		while (b->len > start && b->data[b->len - 1] == ' ')
			buf_setlen(b, b->len - 1);
		buf_addch(b, '\n');
	}
}

/* Every visible option in sections: the first headed first_heading, then one per group. */
static void
add_options(struct buf *b, const struct opt *opts, const char *first_heading, int cols)
{
	_cleanup_free_ const struct opt **v = NULL;
	const char *heading = first_heading;
	size_t count = 0, n = 0;
	int widest = 0;

	for (const struct opt *o = opts; o && o->type != OPT_T_END; o++) {
		count++;
		if (visible(o)) {
			_cleanup_free_ char *names = help_names(o);

			if ((int)strlen(names) > widest)
				widest = (int)strlen(names);
		}
	}
	v = xnew(const struct opt *, count + 1);
	/* pflag pads the widest names with three spaces before the text. */
	for (const struct opt *o = opts; o && o->type != OPT_T_END; o++) {
		if (o->type == OPT_T_GROUP) {
			add_section(b, heading, v, n, widest + 3, cols);
			heading = o->long_name ? o->long_name : "Options";
			n = 0;
		} else if (visible(o)) {
			v[n++] = o;
		}
	}
	add_section(b, heading, v, n, widest + 3, cols);
}

void
opt_print_help(FILE *f, const struct cmd_help *h, const struct opt *opts)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	_cleanup_free_ char *use = use_line(h);

	buf_addf(&b, "\nUsage:  %s\n", use);
	if (h->summary && *h->summary)
		buf_addf(&b, "\n%s\n", h->summary);
	if (h->aliases && *h->aliases)
		buf_addf(&b, "\nAliases:\n  %s\n", h->aliases);

	add_options(&b, opts, "Options", h->cols);
	fwrite(b.data, 1, b.len, f);
}

void
opt_print_help_options(FILE *f, const struct opt *opts)
{
	_cleanup_buf_ struct buf b = BUF_INIT;

	add_options(&b, opts, NULL, opt_help_cols());
	fwrite(b.data, 1, b.len, f);
}

static void
add_flag_names(struct buf *b, const struct opt *opts, const struct parser *shadow)
{
	for (const struct opt *o = opts; o && o->type != OPT_T_END; o++) {
		if (!visible(o))
			continue;
		/* A global's forms only where opt_parse would accept them. */
		if (o->long_name && (!shadow || !lookup_long(shadow->opts, o->long_name,
							      strlen(o->long_name))))
			buf_addf(b, "--%s\n", o->long_name);
		if (o->short_name &&
		    (!shadow || ((o->flags & OPT_GLOBAL_SHORT_ANYWHERE) &&
				 !lookup_short(shadow->opts, o->short_name, 0))))
			buf_addf(b, "-%c\n", o->short_name);
	}
}

void
opt_print_flag_names(FILE *f, const struct opt *opts)
{
	_cleanup_buf_ struct buf b = BUF_INIT;

	add_flag_names(&b, opts, NULL);
	fwrite(b.data, 1, b.len, f);
}

void
opt_print_cmd_flag_names(FILE *f, const struct opt *opts, const struct opt *globals)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	struct parser p = { .opts = opts };

	add_flag_names(&b, opts, NULL);
	add_flag_names(&b, globals, &p);
	fwrite(b.data, 1, b.len, f);
}
