/* Unit tests for src/cli/opt: Docker's flag syntax, error wording, globals and help layout. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "cli/opt.h"
#include "base/banned.h"

#define MAXW 12

/* Everything a row can set; reset before each row. */
static struct {
	bool all, interactive, tty, detach, rm, secret, hostname_set;
	int last;
	int64_t count, memory;
	const char *name, *cb, *hostname;
	struct strv publish, env;
	int flag_cb;
	/* globals */
	const char *ns, *address, *gname;
	bool debug, xg;
} st;

static int
cb_value(const struct opt *o, const char *value, struct err **errp)
{
	if (strcmp(value, "bad") == 0)
		return err_set(errp, ERR_INVALID, "bad value");
	st.cb = value;
	return 0;
}

static int
cb_noarg(const struct opt *o, const char *value, struct err **errp)
{
	(*(int *)o->value)++;
	return 0;
}

static const struct opt cmd_opts[] = {
	OPT_BOOL('a', "all", &st.all, "Show all"),
	OPT_BOOL('i', "interactive", &st.interactive, "Keep STDIN open"),
	OPT_BOOL('t', "tty", &st.tty, "Allocate a pseudo-TTY"),
	OPT_BOOL('d', "detach", &st.detach, "Run in background"),
	OPT_BOOL(0, "rm", &st.rm, "Remove when it exits"),
	OPT_INT('n', "last", &st.last, "Show n last"),
	OPT_INT64(0, "count", &st.count, "A count"),
	OPT_BYTES('m', "memory", &st.memory, "Memory limit"),
	OPT_STRING(0, "name", &st.name, "string", "Name"),
	OPT_STRINGS('p', "publish", &st.publish, "list", "Publish ports"),
	OPT_STRINGS('e', "env", &st.env, "list", "Set environment variables"),
	OPT_CALLBACK(0, "cb", NULL, "string", "A callback", cb_value),
	OPT_FULL(OPT_T_CALLBACK, 0, "flag-cb", &st.flag_cb, NULL, "Counts", NULL, OPT_NOARG,
		 cb_noarg),
	OPT_FULL(OPT_T_BOOL, 0, "secret", &st.secret, NULL, "Hidden", NULL, OPT_HIDDEN, NULL),
	OPT_END(),
};

/* run: -h is --hostname, as Docker's. */
static const struct opt run_opts[] = {
	OPT_BOOL('i', "interactive", &st.interactive, "Keep STDIN open"),
	OPT_BOOL('t', "tty", &st.tty, "Allocate a pseudo-TTY"),
	OPT_BOOL(0, "rm", &st.rm, "Remove when it exits"),
	{ OPT_T_STRING, 'h', "hostname", &st.hostname, "string", "Container host name", NULL, 0,
	  NULL, &st.hostname_set },
	OPT_END(),
};

static const struct opt global_opts[] = {
	OPT_STRING('n', "namespace", &st.ns, "string", "containerd namespace"),
	OPT_STRING('a', "address", &st.address, "string", "containerd address"),
	OPT_STRING(0, "name", &st.gname, "string", "clashes with the command's --name"),
	OPT_BOOL('D', "debug", &st.debug, "debug mode"),
	OPT_FULL(OPT_T_BOOL, 'X', "xg", &st.xg, NULL, "short letter usable anywhere", NULL,
		 OPT_GLOBAL_SHORT_ANYWHERE, NULL),
	OPT_END(),
};

static void
reset(void)
{
	strv_release(&st.publish);
	strv_release(&st.env);
	memset(&st, 0, sizeof(st));
}

static void
add_list(struct buf *b, const char *name, const struct strv *sv)
{
	if (!sv->n)
		return;
	buf_addf(b, " %s=[", name);
	for (size_t k = 0; k < sv->n; k++)
		buf_addf(b, "%s%s", k ? "," : "", sv->v[k]);
	buf_addch(b, ']');
}

/* The non-default parts of st, as " a i n=5 name=x". */
static char *
render(void)
{
	_cleanup_buf_ struct buf b = BUF_INIT;

	if (st.all)
		buf_adds(&b, " a");
	if (st.interactive)
		buf_adds(&b, " i");
	if (st.tty)
		buf_adds(&b, " t");
	if (st.detach)
		buf_adds(&b, " d");
	if (st.rm)
		buf_adds(&b, " rm");
	if (st.secret)
		buf_adds(&b, " secret");
	if (st.last)
		buf_addf(&b, " n=%d", st.last);
	if (st.count)
		buf_addf(&b, " count=%lld", (long long)st.count);
	if (st.memory)
		buf_addf(&b, " m=%lld", (long long)st.memory);
	if (st.name)
		buf_addf(&b, " name=%s", st.name);
	add_list(&b, "p", &st.publish);
	add_list(&b, "e", &st.env);
	if (st.cb)
		buf_addf(&b, " cb=%s", st.cb);
	if (st.flag_cb)
		buf_addf(&b, " fcb=%d", st.flag_cb);
	if (st.hostname)
		buf_addf(&b, " h=%s%s", st.hostname, st.hostname_set ? "" : "(unset!)");
	if (st.ns)
		buf_addf(&b, " ns=%s", st.ns);
	if (st.address)
		buf_addf(&b, " addr=%s", st.address);
	if (st.gname)
		buf_addf(&b, " gname=%s", st.gname);
	if (st.debug)
		buf_adds(&b, " debug");
	if (st.xg)
		buf_adds(&b, " xg");
	return xstrdup(b.len ? b.data + 1 : "");
}

static bool
streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static int
count_words(const char *const *w)
{
	int n = 0;

	while (n < MAXW && w[n])
		n++;
	return n;
}

struct row {
	const struct opt *opts;
	unsigned flags;
	const char *argv[MAXW];
	int want_rc;		/* positional count, OPT_HELP or -1 */
	const char *want_pos;	/* positionals joined by '|' */
	const char *want_state;	/* render() */
	const char *want_err;
};

#define C cmd_opts
#define R run_opts
#define STOP OPT_PARSE_STOP_AT_POSITIONAL

static const struct row rows[] = {
	/* syntax */
	{ C, 0, { "ps" }, 0, "", "", NULL },
	{ C, 0, { "ps", "-a", "x", "--last", "3", "y" }, 2, "x|y", "a n=3", NULL },
	{ C, 0, { "ps", "x", "--name=foo", "y" }, 2, "x|y", "name=foo", NULL },
	{ C, 0, { "ps", "--name", "foo" }, 0, "", "name=foo", NULL },
	{ C, 0, { "ps", "--name=" }, 0, "", "name=", NULL },
	{ C, 0, { "ps", "--name", "--rm" }, 0, "", "name=--rm", NULL },
	{ C, 0, { "ps", "-n5" }, 0, "", "n=5", NULL },
	{ C, 0, { "ps", "-n=5" }, 0, "", "n=5", NULL },
	{ C, 0, { "ps", "-n", "-1" }, 0, "", "n=-1", NULL },
	{ C, 0, { "ps", "-n", "+7" }, 0, "", "n=7", NULL },
	/* Go's ParseInt(s, 0, 64), as pflag */
	{ C, 0, { "ps", "-n", "0x10", "--count=017" }, 0, "", "n=16 count=15", NULL },
	{ C, 0, { "ps", "-n", "0b101", "--count", "1_000" }, 0, "", "n=5 count=1000", NULL },
	{ C, 0, { "ps", "-n", "-0x1f", "--count=0_7" }, 0, "", "n=-31 count=7", NULL },
	{ C, 0, { "ps", "--count=-9223372036854775808" }, 0, "", "count=-9223372036854775808",
	  NULL },
	{ C, 0, { "ps", "--count=9223372036854775808" }, -1, NULL, NULL,
	  "invalid argument \"9223372036854775808\" for \"--count\" flag: strconv.ParseInt: parsing \"9223372036854775808\": value out of range" },
	{ C, 0, { "ps", "-n", "3000000000" }, -1, NULL, NULL,
	  "invalid argument \"3000000000\" for \"-n, --last\" flag: strconv.ParseInt: parsing \"3000000000\": value out of range" },
	{ C, 0, { "ps", "-n08" }, -1, NULL, NULL,
	  "invalid argument \"08\" for \"-n, --last\" flag: strconv.ParseInt: parsing \"08\": invalid syntax" },
	{ C, 0, { "ps", "-n1__0" }, -1, NULL, NULL,
	  "invalid argument \"1__0\" for \"-n, --last\" flag: strconv.ParseInt: parsing \"1__0\": invalid syntax" },
	{ C, 0, { "ps", "-n_1" }, -1, NULL, NULL,
	  "invalid argument \"_1\" for \"-n, --last\" flag: strconv.ParseInt: parsing \"_1\": invalid syntax" },
	{ C, 0, { "ps", "-n0x" }, -1, NULL, NULL,
	  "invalid argument \"0x\" for \"-n, --last\" flag: strconv.ParseInt: parsing \"0x\": invalid syntax" },
	{ C, 0, { "ps", "-n1_" }, -1, NULL, NULL,
	  "invalid argument \"1_\" for \"-n, --last\" flag: strconv.ParseInt: parsing \"1_\": invalid syntax" },
	{ C, 0, { "run", "-itd" }, 0, "", "i t d", NULL },
	{ C, 0, { "run", "-itp8080:80" }, 0, "", "i t p=[8080:80]", NULL },
	{ C, 0, { "run", "-p8080:80" }, 0, "", "p=[8080:80]", NULL },
	{ C, 0, { "run", "-p=8080:80" }, 0, "", "p=[8080:80]", NULL },
	{ C, 0, { "run", "-p", "1:1", "--publish", "2:2", "--publish=3:3", "-e", "A=1" }, 0, "",
	  "p=[1:1,2:2,3:3] e=[A=1]", NULL },
	{ C, 0, { "run", "--rm", "img" }, 1, "img", "rm", NULL },
	{ C, 0, { "run", "--rm", "--rm=false" }, 0, "", "", NULL },
	{ C, 0, { "run", "--rm=true" }, 0, "", "rm", NULL },
	{ C, 0, { "run", "--rm=1", "--detach=T" }, 0, "", "d rm", NULL },
	{ C, 0, { "run", "-d", "-d=false" }, 0, "", "", NULL },
	{ C, 0, { "run", "-ad=false" }, 0, "", "a", NULL },
	{ C, 0, { "ps", "--name", "a", "--name", "b", "-n", "1", "-n", "2" }, 0, "",
	  "n=2 name=b", NULL },
	{ C, 0, { "ps", "-a", "--", "-n", "x", "--" }, 3, "-n|x|--", "a", NULL },
	{ C, 0, { "ps", "-a", "-", "" }, 2, "-|", "a", NULL },
	{ C, 0, { "ps", "--count", "9000000000", "-m", "512m" }, 0, "",
	  "count=9000000000 m=536870912", NULL },
	{ C, 0, { "ps", "--memory=1g" }, 0, "", "m=1073741824", NULL },
	{ C, 0, { "ps", "--cb=ok", "--flag-cb", "--flag-cb" }, 0, "", "cb=ok fcb=2", NULL },
	{ C, 0, { "ps", "--secret" }, 0, "", "secret", NULL },

	/* stop at the first positional */
	{ C, STOP, { "run", "-it", "img", "sh", "-c", "x -a" }, 4, "img|sh|-c|x -a", "i t", NULL },
	{ C, STOP, { "run", "--rm", "img", "--rm", "--", "-x" }, 4, "img|--rm|--|-x", "rm", NULL },
	{ C, STOP, { "run", "--", "-img", "-a" }, 2, "-img|-a", "", NULL },
	{ C, STOP, { "run", "-a", "-", "-a" }, 2, "-|-a", "a", NULL },
	{ C, STOP, { "run", "img", "--help" }, 2, "img|--help", "", NULL },

	/* help */
	{ C, 0, { "ps", "--help" }, OPT_HELP, NULL, "", NULL },
	{ C, 0, { "ps", "x", "-h", "y" }, OPT_HELP, NULL, "", NULL },
	{ C, 0, { "ps", "-ah" }, OPT_HELP, NULL, "a", NULL },
	{ C, 0, { "ps", "--help=false" }, 0, "", "", NULL },
	{ C, 0, { "ps", "--help", "--foo" }, -1, NULL, NULL, "unknown flag: --foo" },
	{ C, 0, { "ps", "--help=x" }, -1, NULL, NULL,
	  "invalid argument \"x\" for \"-h, --help\" flag: strconv.ParseBool: parsing \"x\": invalid syntax" },
	{ R, 0, { "run", "-h", "box", "img" }, 1, "img", "h=box", NULL },
	{ R, 0, { "run", "-hbox" }, 0, "", "h=box", NULL },
	{ R, 0, { "run", "-h" }, -1, NULL, NULL, "flag needs an argument: 'h' in -h" },
	{ R, 0, { "run", "-ith" }, -1, NULL, NULL, "flag needs an argument: 'h' in -h" },
	{ R, 0, { "run", "--help", "-h", "x" }, OPT_HELP, NULL, "h=x", NULL },
	{ R, 0, { "run", "--help=x" }, -1, NULL, NULL,
	  "invalid argument \"x\" for \"--help\" flag: strconv.ParseBool: parsing \"x\": invalid syntax" },

	/* errors, in Docker 20.10's words */
	{ C, 0, { "ps", "--foo" }, -1, NULL, NULL, "unknown flag: --foo" },
	{ C, 0, { "ps", "--foo=bar" }, -1, NULL, NULL, "unknown flag: --foo" },
	{ C, 0, { "ps", "--a" }, -1, NULL, NULL, "unknown flag: --a" },
	{ C, 0, { "ps", "-x" }, -1, NULL, NULL, "unknown shorthand flag: 'x' in -x" },
	{ C, 0, { "ps", "-aix" }, -1, NULL, NULL, "unknown shorthand flag: 'x' in -x" },
	{ C, 0, { "ps", "-a=" }, -1, NULL, NULL, "unknown shorthand flag: '=' in -=" },
	{ C, 0, { "ps", "-'" }, -1, NULL, NULL, "unknown shorthand flag: '\\'' in -'" },
	{ C, 0, { "ps", "---foo" }, -1, NULL, NULL, "bad flag syntax: ---foo" },
	{ C, 0, { "ps", "--=x" }, -1, NULL, NULL, "bad flag syntax: --=x" },
	{ C, 0, { "ps", "--last" }, -1, NULL, NULL, "flag needs an argument: --last" },
	{ C, 0, { "ps", "-n" }, -1, NULL, NULL, "flag needs an argument: 'n' in -n" },
	{ C, 0, { "ps", "-an" }, -1, NULL, NULL, "flag needs an argument: 'n' in -n" },
	{ C, 0, { "ps", "-n", "abc" }, -1, NULL, NULL,
	  "invalid argument \"abc\" for \"-n, --last\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax" },
	{ C, 0, { "ps", "-n=" }, -1, NULL, NULL,
	  "invalid argument \"=\" for \"-n, --last\" flag: strconv.ParseInt: parsing \"=\": invalid syntax" },
	{ C, 0, { "ps", "-n", "99999999999999999999" }, -1, NULL, NULL,
	  "invalid argument \"99999999999999999999\" for \"-n, --last\" flag: strconv.ParseInt: parsing \"99999999999999999999\": value out of range" },
	{ C, 0, { "ps", "--count=" }, -1, NULL, NULL,
	  "invalid argument \"\" for \"--count\" flag: strconv.ParseInt: parsing \"\": invalid syntax" },
	{ C, 0, { "ps", "--count=a\"b\n" }, -1, NULL, NULL,
	  "invalid argument \"a\\\"b\\n\" for \"--count\" flag: strconv.ParseInt: parsing \"a\\\"b\\n\": invalid syntax" },
	{ C, 0, { "ps", "--rm=x" }, -1, NULL, NULL,
	  "invalid argument \"x\" for \"--rm\" flag: strconv.ParseBool: parsing \"x\": invalid syntax" },
	{ C, 0, { "ps", "--all=" }, -1, NULL, NULL,
	  "invalid argument \"\" for \"-a, --all\" flag: strconv.ParseBool: parsing \"\": invalid syntax" },
	{ C, 0, { "ps", "-ai=yes" }, -1, NULL, NULL,
	  "invalid argument \"yes\" for \"-i, --interactive\" flag: strconv.ParseBool: parsing \"yes\": invalid syntax" },
	{ C, 0, { "ps", "--memory", "abc" }, -1, NULL, NULL,
	  "invalid argument \"abc\" for \"-m, --memory\" flag: invalid size: 'abc'" },
	{ C, 0, { "ps", "--cb", "bad" }, -1, NULL, NULL,
	  "invalid argument \"bad\" for \"--cb\" flag: bad value" },
	{ C, STOP, { "run", "--foo", "img" }, -1, NULL, NULL, "unknown flag: --foo" },

	/* globals after the command word: long names; letters only with SHORT_ANYWHERE */
	{ C, 0, { "ps", "--namespace", "k8s", "--address=/s" }, 0, "", "ns=k8s addr=/s", NULL },
	{ C, 0, { "ps", "-n", "5", "-a" }, 0, "", "a n=5", NULL },
	{ C, 0, { "ps", "--name", "x" }, 0, "", "name=x", NULL },
	{ C, 0, { "ps", "--debug", "-X" }, 0, "", "debug xg", NULL },
	{ C, 0, { "ps", "-aX" }, 0, "", "a xg", NULL },
	{ C, 0, { "ps", "-D" }, -1, NULL, NULL, "unknown shorthand flag: 'D' in -D" },
	{ R, 0, { "run", "-a", "x" }, -1, NULL, NULL, "unknown shorthand flag: 'a' in -a" },
	{ R, STOP, { "run", "--namespace=x", "img", "--namespace=y" }, 2, "img|--namespace=y",
	  "ns=x", NULL },
};

static void
test_rows(void **state)
{
	for (size_t r = 0; r < ARRAY_SIZE(rows); r++) {
		const struct row *w = &rows[r];
		_cleanup_err_ struct err *err = NULL;
		_cleanup_free_ char *got_state = NULL;
		_cleanup_buf_ struct buf pos = BUF_INIT;
		char *argv[MAXW + 1] = { 0 };
		int argc = count_words(w->argv);
		int n;

		reset();
		for (int k = 0; k < argc; k++)
			argv[k] = (char *)w->argv[k];
		n = opt_parse_err(w->opts, global_opts, argc, argv, w->flags, &err);
		got_state = render();
		for (int k = 0; k < n; k++)
			buf_addf(&pos, "%s%s", k ? "|" : "", argv[k]);
		if (n != w->want_rc ||
		    (n == -1 && (!err || err->kind != ERR_USAGE || !streq(err->msg, w->want_err))) ||
		    (n != -1 && (err || !streq(got_state, w->want_state))) ||
		    (n >= 0 && (!streq(pos.data, w->want_pos) || argv[n]))) {
			print_error("row %zu (%s %s ...): got %d, error \"%s\", state \"%s\", "
				    "positionals \"%s\"\n",
				    r, w->argv[0], w->argv[1] ? w->argv[1] : "", n,
				    err ? err->msg : "", got_state, pos.data);
			fail();
		}
	}
	reset();
}

static void
test_globals(void **state)
{
	static const struct {
		const char *argv[MAXW];
		int want_rc, want_consumed;
		const char *want_state, *want_err;
	} grows[] = {
		{ { "-n", "k8s", "--debug", "ps", "-a" }, 0, 3, "ns=k8s debug", NULL },
		{ { "-Dnk8s", "ps" }, 0, 1, "ns=k8s debug", NULL },
		{ { "-a", "/run/x.sock", "-H" }, -1, 0, NULL, "unknown shorthand flag: 'H' in -H" },
		{ { "--namespace=x", "--", "ps" }, 0, 2, "ns=x", NULL },
		{ { "ps", "--debug" }, 0, 0, "", NULL },
		{ { "-", "ps" }, 0, 0, "", NULL },
		{ { "--debug" }, 0, 1, "debug", NULL },
		{ { "--help", "-D", "ps" }, OPT_HELP, 2, "debug", NULL },
		{ { "-h" }, OPT_HELP, 1, "", NULL },
		{ { "-a" }, -1, 0, NULL, "flag needs an argument: 'a' in -a" },
		{ { "--last", "1" }, -1, 0, NULL, "unknown flag: --last" },
	};

	for (size_t r = 0; r < ARRAY_SIZE(grows); r++) {
		_cleanup_err_ struct err *err = NULL;
		_cleanup_free_ char *got = NULL;
		char *argv[MAXW + 1] = { 0 };
		int argc = count_words(grows[r].argv);
		int consumed = -7;
		int rc;

		reset();
		for (int k = 0; k < argc; k++)
			argv[k] = (char *)grows[r].argv[k];
		rc = opt_parse_globals(global_opts, argc, argv, &consumed, &err);
		got = render();
		if (rc != grows[r].want_rc ||
		    (rc == -1 && (!err || !streq(err->msg, grows[r].want_err))) ||
		    (rc != -1 && (consumed != grows[r].want_consumed ||
				  !streq(got, grows[r].want_state)))) {
			print_error("globals row %zu: got %d, consumed %d, error \"%s\", state \"%s\"\n",
				    r, rc, consumed, err ? err->msg : "", got);
			fail();
		}
		if (rc == -1)
			continue;
		/* argv is left as it was: main indexes the command word with consumed */
		for (int k = 0; k < argc; k++)
			assert_ptr_equal(argv[k], grows[r].argv[k]);
	}
	reset();
}

static void
test_check_args(void **state)
{
	static const struct {
		const char *path;
		int n, min;
		unsigned flags;
		const char *want;
	} crows[] = {
		{ "nerdc rm", 0, 1, 0, "\"nerdc rm\" requires at least 1 argument." },
		{ "nerdc cp", 1, 2, 0, "\"nerdc cp\" requires at least 2 arguments." },
		{ "nerdc rm", 5, 1, 0, NULL },
		{ "nerdc ps", 1, 0, OPT_PARSE_NO_ARGS, "\"nerdc ps\" accepts no arguments." },
		{ "nerdc ps", 0, 0, OPT_PARSE_NO_ARGS, NULL },
		{ "nerdc logs", 2, 1, OPT_PARSE_MAX_ARGS(1),
		  "\"nerdc logs\" requires exactly 1 argument." },
		{ "nerdc logs", 0, 1, OPT_PARSE_MAX_ARGS(1),
		  "\"nerdc logs\" requires exactly 1 argument." },
		{ "nerdc logs", 1, 1, OPT_PARSE_MAX_ARGS(1) | STOP, NULL },
		{ "nerdc x", 3, 1, OPT_PARSE_MAX_ARGS(2),
		  "\"nerdc x\" requires at least 1 and at most 2 arguments." },
		{ "nerdc x", 3, 0, OPT_PARSE_MAX_ARGS(2), "\"nerdc x\" requires at most 2 arguments." },
		{ "nerdc x", 2, 0, OPT_PARSE_MAX_ARGS(2), NULL },
	};

	for (size_t r = 0; r < ARRAY_SIZE(crows); r++) {
		_cleanup_err_ struct err *err = NULL;
		int rc = opt_check_args(crows[r].path, crows[r].n, crows[r].min, crows[r].flags,
					&err);

		if (!crows[r].want) {
			assert_int_equal(rc, 0);
			assert_null(err);
			continue;
		}
		assert_int_equal(rc, -1);
		assert_int_equal(err->kind, ERR_USAGE);
		assert_int_equal(err->exit_code, 1);
		assert_string_equal(err->msg, crows[r].want);
	}
}

static char *
help_text(const struct cmd_help *h, const struct opt *opts)
{
	char *data = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&data, &len);

	assert_non_null(f);
	opt_print_help(f, h, opts);
	fclose(f);
	return data;
}

/* Docker 20.10.24's `docker ps --help` with stdin not a terminal, byte for byte. */
static void
test_help_docker_ps(void **state)
{
	bool b = false;
	const char *s = NULL;
	int n = -1;
	struct strv sv = STRV_INIT;
	const struct opt opts[] = {
		OPT_BOOL('a', "all", &b, "Show all containers (default shows just running)"),
		OPT_STRINGS('f', "filter", &sv, "filter", "Filter output based on conditions provided"),
		OPT_STRING(0, "format", &s, "string", "Pretty-print containers using a Go template"),
		OPT_INT_D('n', "last", &n, "Show n last created containers (includes all states)",
			  "-1"),
		OPT_BOOL('l', "latest", &b, "Show the latest created container (includes all states)"),
		OPT_BOOL(0, "no-trunc", &b, "Don't truncate output"),
		OPT_BOOL('q', "quiet", &b, "Only display container IDs"),
		OPT_BOOL('s', "size", &b, "Display total file sizes"),
		OPT_END(),
	};
	struct cmd_help h = { "docker ps", "ps [OPTIONS]", "List containers", NULL, 79 };
	_cleanup_free_ char *got = help_text(&h, opts);

	assert_string_equal(got,
		"\n"
		"Usage:  docker ps [OPTIONS]\n"
		"\n"
		"List containers\n"
		"\n"
		"Options:\n"
		"  -a, --all             Show all containers (default shows just running)\n"
		"  -f, --filter filter   Filter output based on conditions provided\n"
		"      --format string   Pretty-print containers using a Go template\n"
		"  -n, --last int        Show n last created containers (includes all\n"
		"                        states) (default -1)\n"
		"  -l, --latest          Show the latest created container (includes all\n"
		"                        states)\n"
		"      --no-trunc        Don't truncate output\n"
		"  -q, --quiet           Only display container IDs\n"
		"  -s, --size            Display total file sizes\n");
}

/* Unwrapped (cols 0), aliases, a quoted string default, hidden flags, a group, a subcommand. */
static void
test_help_layout(void **state)
{
	bool b = false;
	const char *s = NULL;
	const struct opt opts[] = {
		OPT_STRING_D('d', "driver", &s, "string", "Driver to manage the Network", "bridge"),
		OPT_BOOL(0, "attachable", &b, "Enable manual container attachment"),
		OPT_FULL(OPT_T_BOOL, 0, "zz-hidden", &b, NULL, "not shown", NULL, OPT_HIDDEN, NULL),
		OPT_GROUP("IPAM"),
		OPT_STRING_D(0, "ipam-driver", &s, "string", "IP Address Management Driver",
			     "default"),
		OPT_BOOL_D(0, "ipv6", &b, "Enable IPv6 networking", "true"),
		OPT_END(),
	};
	struct cmd_help h = { "nerdc network create", "create [OPTIONS] NETWORK", "Create a network",
			      "create, add", 0 };
	_cleanup_free_ char *got = help_text(&h, opts);
	struct cmd_help bare = { "nerdc pause", "pause CONTAINER [CONTAINER...]",
				 "Pause all processes within one or more containers", NULL, 79 };
	const struct opt none[] = { OPT_END() };
	_cleanup_free_ char *got2 = help_text(&bare, none);

	assert_string_equal(got,
		"\n"
		"Usage:  nerdc network create [OPTIONS] NETWORK\n"
		"\n"
		"Create a network\n"
		"\n"
		"Aliases:\n"
		"  create, add\n"
		"\n"
		"Options:\n"
		"      --attachable           Enable manual container attachment\n"
		"  -d, --driver string        Driver to manage the Network (default \"bridge\")\n"
		"\n"
		"IPAM:\n"
		"      --ipam-driver string   IP Address Management Driver (default \"default\")\n"
		"      --ipv6                 Enable IPv6 networking (default true)\n");
	assert_string_equal(got2,
		"\n"
		"Usage:  nerdc pause CONTAINER [CONTAINER...]\n"
		"\n"
		"Pause all processes within one or more containers\n");
}

/* pflag's narrow-terminal rules: below 24 columns of text, the text moves under the names. */
static void
test_help_wrap(void **state)
{
	bool b = false;
	const struct opt opts[] = {
		OPT_BOOL('a', "attachable", &b,
			 "Enable manual container attachment\nsecond line kept as is"),
		OPT_BOOL('v', "a-rather-long-flag-name", &b, "Auxiliary IPv4 or IPv6 addresses used by Network driver"),
		OPT_END(),
	};
	struct cmd_help h = { "nerdc x", "x", NULL, NULL, 52 };
	_cleanup_free_ char *got = help_text(&h, opts);
	struct cmd_help h2 = { "nerdc x", "x", NULL, NULL, 30 };
	_cleanup_free_ char *got2 = help_text(&h2, opts);

	assert_string_equal(got,
		"\n"
		"Usage:  nerdc x\n"
		"\n"
		"Options:\n"
		"  -v, --a-rather-long-flag-name   \n"
		"                Auxiliary IPv4 or IPv6\n"
		"                addresses used by Network driver\n"
		"  -a, --attachable                \n"
		"                Enable manual container\n"
		"                attachment\n"
		"                second line kept as is\n");
	assert_string_equal(got2,
		"\n"
		"Usage:  nerdc x\n"
		"\n"
		"Options:\n"
		"  -v, --a-rather-long-flag-name   Auxiliary IPv4 or IPv6 addresses used by Network driver\n"
		"  -a, --attachable                Enable manual container attachment\n"
		"                second line kept as is\n");
}

/* Runs opt_parse in a child with stdout and stderr captured; returns the exit status. */
static int
run_opt_parse(struct cli *cli, const struct cmd_help *h, const struct opt *opts,
	      const char *const *words, int min, unsigned flags, char **ret_out, char **ret_err)
{
	FILE *out = tmpfile(), *errf = tmpfile();
	pid_t pid;
	int status;

	assert_non_null(out);
	assert_non_null(errf);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *argv[MAXW + 1] = { 0 };
		int argc = count_words(words);
		int r;

		for (int k = 0; k < argc; k++)
			argv[k] = (char *)words[k];
		dup2(open("/dev/null", O_RDONLY), 0); /* help width must not follow a terminal */
		dup2(fileno(out), 1);
		dup2(fileno(errf), 2);
		reset();
		r = opt_parse_cmd(cli, h, opts, argc, argv, min, flags);
		fflush(stdout);
		_exit(r < 0 ? opt_exit_code(r) : 100 + r);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	for (int k = 0; k < 2; k++) {
		FILE *f = k ? errf : out;
		_cleanup_buf_ struct buf b = BUF_INIT;
		char chunk[512];
		size_t got;

		rewind(f);
		while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
			buf_add(&b, chunk, got);
		fclose(f);
		*(k ? ret_err : ret_out) = buf_detach(&b, NULL);
	}
	return WEXITSTATUS(status);
}

static void
test_opt_parse_printing(void **state)
{
	struct cli cli = { 0 };
	struct cmd_help h = { NULL, "rm [OPTIONS] CONTAINER [CONTAINER...]",
			      "Remove one or more containers", NULL, 0 };
	const struct opt opts[] = {
		OPT_BOOL('f', "force", &st.all, "Force the removal of a running container (uses SIGKILL)"),
		OPT_END(),
	};
	static const char *const w_ok[MAXW] = { "rm", "-f", "a", "b" };
	static const char *const w_none[MAXW] = { "rm", "-f" };
	static const char *const w_bad[MAXW] = { "rm", "--foo", "a" };
	static const char *const w_help[MAXW] = { "rm", "a", "--help" };
	static const char *const w_comp[MAXW] = { "rm", OPT_COMPLETE_FLAGS };
	char *out, *err;

	cli.cmd_path = (char *)"nerdc rm";
	cli.global_opts = global_opts;

	assert_int_equal(run_opt_parse(&cli, &h, opts, w_ok, 1, 0, &out, &err), 102);
	assert_string_equal(out, "");
	assert_string_equal(err, "");
	free(out);
	free(err);

	assert_int_equal(run_opt_parse(&cli, &h, opts, w_none, 1, 0, &out, &err), 1);
	assert_string_equal(out, "");
	assert_string_equal(err, "\"nerdc rm\" requires at least 1 argument.\n"
				 "See 'nerdc rm --help'.\n"
				 "\n"
				 "Usage:  nerdc rm [OPTIONS] CONTAINER [CONTAINER...]\n"
				 "\n"
				 "Remove one or more containers\n");
	free(out);
	free(err);

	assert_int_equal(run_opt_parse(&cli, &h, opts, w_bad, 1, 0, &out, &err), 125);
	assert_string_equal(err, "unknown flag: --foo\nSee 'nerdc rm --help'.\n");
	free(out);
	free(err);

	assert_int_equal(run_opt_parse(&cli, &h, opts, w_help, 1, 0, &out, &err), 0);
	assert_string_equal(out, "\n"
				 "Usage:  nerdc rm [OPTIONS] CONTAINER [CONTAINER...]\n"
				 "\n"
				 "Remove one or more containers\n"
				 "\n"
				 "Options:\n"
				 "  -f, --force   Force the removal of a running container (uses SIGKILL)\n");
	assert_string_equal(err, "");
	free(out);
	free(err);

	assert_int_equal(run_opt_parse(&cli, &h, opts, w_comp, 1, 0, &out, &err), 0);
	assert_string_equal(out, "--force\n-f\n--namespace\n--address\n--name\n--debug\n--xg\n"
				 "-X\n");
	free(out);
	free(err);
}

static void
test_flag_names(void **state)
{
	char *data = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&data, &len);

	assert_non_null(f);
	opt_print_cmd_flag_names(f, run_opts, global_opts);
	fclose(f);
	/* globals: long names, -X (anywhere); not -n/-a/-D; run's own -h hides nothing here */
	assert_string_equal(data, "--interactive\n-i\n--tty\n-t\n--rm\n--hostname\n-h\n"
				  "--namespace\n--address\n--name\n--debug\n--xg\n-X\n");
	free(data);

	data = NULL;
	f = open_memstream(&data, &len);
	assert_non_null(f);
	opt_print_cmd_flag_names(f, cmd_opts, global_opts);
	fclose(f);
	/* the command's --name shadows the global one; --secret is hidden */
	assert_non_null(strstr(data, "--flag-cb\n--namespace\n--address\n--debug\n--xg\n-X\n"));
	assert_null(strstr(data, "secret"));
	free(data);

	data = NULL;
	f = open_memstream(&data, &len);
	assert_non_null(f);
	opt_print_flag_names(f, global_opts);
	fclose(f);
	assert_string_equal(data, "--namespace\n-n\n--address\n-a\n--name\n--debug\n-D\n"
				  "--xg\n-X\n");
	free(data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_globals),
		cmocka_unit_test(test_check_args),
		cmocka_unit_test(test_help_docker_ps),
		cmocka_unit_test(test_help_layout),
		cmocka_unit_test(test_help_wrap),
		cmocka_unit_test(test_opt_parse_printing),
		cmocka_unit_test(test_flag_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
