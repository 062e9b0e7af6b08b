/* Unit tests for src/cli/tmpl.c, gofmt.c and format.c: Go text/template, Docker --format. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli/format.h"
#include "cli/gofmt.h"
#include "cli/tmpl.h"

/*
 * A `docker ps`-like row. Rows marked "go" below were checked against Go 1.19's
 * text/template with Docker's template functions, the data decoded to Go values
 * (integers as int, arrays of strings as []string, objects of strings as map[string]string).
 */
static const char data_json[] =
	"{\"ID\":\"abc123\",\"Command\":\"\\\"sh -c\\\"\",\"Names\":[\"web\",\"db\"],"
	"\"Labels\":{\"com.example\":\"v1\",\"a\":\"b\"},\"Name\":\"MyBox\",\"Mounts\":[],"
	"\"State\":\"running\",\"Count\":3,\"Ratio\":1.5,\"Big\":1000000.0,"
	"\"State2\":{\"Health\":{\"Status\":\"healthy\"}},\"Nums\":[3,1,2],\"Empty\":\"\"}";

static json_t *
load(const char *s)
{
	json_error_t je;
	json_t *v = json_loads(s, JSON_DECODE_ANY, &je);

	assert_non_null(v);
	return v;
}

/* Runs text on data; returns 0 and the output, or -1 and the error (kind in *kind). */
static int
run(const char *text, json_t *data, unsigned flags, char **out, char **msg, int *kind)
{
	_cleanup_tmpl_ struct tmpl *t = NULL;
	_cleanup_err_ struct err *err = NULL;
	struct buf b = BUF_INIT;
	int r = tmpl_parse(text, &t, &err);

	if (r == 0)
		r = tmpl_exec_flags(t, data, flags, &b, &err);
	*out = buf_detach(&b, NULL);
	*msg = err ? strdup(err->msg) : NULL;
	if (kind)
		*kind = err ? (int)err->kind : -1;
	return r;
}

struct row {
	const char *text;
	const char *want;
};

static void
check_rows(const struct row *rows, size_t n, const char *data, int want_ok)
{
	json_t *d = load(data);

	for (size_t i = 0; i < n; i++) {
		char *out, *msg;
		int kind, r = run(rows[i].text, d, 0, &out, &msg, &kind);

		if (want_ok) {
			if (r != 0)
				print_error("template %s: %s\n", rows[i].text, msg);
			assert_int_equal(r, 0);
			if (strcmp(out, rows[i].want))
				print_error("template %s\n got  [%s]\n want [%s]\n", rows[i].text, out,
					    rows[i].want);
			assert_string_equal(out, rows[i].want);
		} else {
			assert_int_equal(r, -1);
			assert_int_equal(kind, ERR_INVALID);
			if (strcmp(msg, rows[i].want))
				print_error("template %s\n got  [%s]\n want [%s]\n", rows[i].text, msg,
					    rows[i].want);
			assert_string_equal(msg, rows[i].want);
		}
		free(out);
		free(msg);
	}
	json_decref(d);
}

/* go: outputs of Go's text/template */
static void
test_exec_go(void **state)
{
	static const struct row rows[] = {
		{ "{{.ID}}: {{.Command}}", "abc123: \"sh -c\"" },
		{ "{{json .Names}}", "[\"web\",\"db\"]" },
		{ "{{join .Names \", \"}}", "web, db" },
		{ "{{range $k, $v := .Labels}}{{$k}}={{$v}} {{end}}", "a=b com.example=v1 " },
		{ "{{index .Labels \"com.example\"}}", "v1" },
		{ "{{index .Labels \"missing\"}}|", "|" },
		{ "{{lower .Name}}", "mybox" },
		{ "{{upper .Name}}", "MYBOX" },
		{ "{{title \"hello wide-world\"}}", "Hello Wide-World" },
		{ "{{printf \"%-10s\" .Name}}|", "MyBox     |" },
		{ "{{printf \"%10s|%5.2f|%x|%q|%t\" .Name .Ratio 255 .ID true}}", "     MyBox| 1.50|ff|\"abc123\"|true" },
		{ "{{len .Mounts}} {{len .Names}} {{len .Labels}} {{len .ID}}", "0 2 2 6" },
		{ "{{if eq .State \"running\"}}up{{else}}down{{end}}", "up" },
		{ "{{if eq .State \"exited\" \"running\"}}multi{{end}}", "multi" },
		{ "{{.State2.Health.Status}}", "healthy" },
		{ "{{.Missing}}", "<no value>" },
		{ "{{.Missing.Deeper}}", "<no value>" },
		{ "{{.Labels}}", "map[a:b com.example:v1]" },
		{ "{{.Names}} {{.Nums}}", "[web db] [3 1 2]" },
		{ "{{.Count}} {{.Ratio}} {{.Big}}", "3 1.5 1e+06" },
		{ "{{if .Empty}}y{{else}}n{{end}}{{if .Mounts}}y{{else}}n{{end}}{{if .Names}}y{{else}}n{{end}}{{if .Missing}}y{{else}}n{{end}}{{if 0}}y{{else}}n{{end}}", "nnynn" },
		{ "{{with .State2}}{{.Health.Status}}{{end}}", "healthy" },
		{ "{{with .Missing}}x{{else}}none{{end}}", "none" },
		{ "{{range .Names}}[{{.}}]{{end}}", "[web][db]" },
		{ "{{range $i, $n := .Names}}{{$i}}:{{$n}} {{end}}", "0:web 1:db " },
		{ "{{range .Mounts}}x{{else}}empty{{end}}", "empty" },
		{ "{{range .Nums}}{{if eq . 1}}{{continue}}{{end}}{{.}}{{end}}", "32" },
		{ "{{range .Nums}}{{if eq . 1}}{{break}}{{end}}{{.}}{{end}}", "3" },
		{ "{{$x := .ID}}{{$x}}", "abc123" },
		{ "{{$x := 1}}{{$x = 2}}{{$x}}", "2" },
		{ "{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}", "21" },
		{ "{{with .State2}}{{$.ID}}{{end}}", "abc123" },
		{ "{{.ID | printf \"%s!\"}}", "abc123!" },
		{ "{{.Name | lower | upper}}", "MYBOX" },
		{ "{{(index .State2 \"Health\").Status}}", "healthy" },
		{ "{{index .Nums 0}}", "3" },
		{ "{{\"dq\"}} {{`raw`}} {{1}} {{1.5}} {{1e6}} {{0x10}} {{-3}} {{'a'}} {{true}} ", "dq raw 1 1.5 1e+06 16 -3 97 true " },
		{ "{{and 1 0 2}} {{and 1 2}} {{or 0 \"\" \"x\"}} {{not 0}} {{not .Names}}", "0 2 x true false" },
		{ "{{ne 1 2}} {{lt 1 2}} {{le 2 2}} {{gt \"b\" \"a\"}} {{ge 1.5 2.5}}", "true true true true false" },
		{ "{{printf \"%v %d\" .Labels .Nums}}", "map[a:b com.example:v1] [3 1 2]" },
		{ "{{printf \"%d\" \"s\"}} {{printf \"%d %d\" 1}} {{printf \"%d\" 1 2}}", "%!d(string=s) 1 %!d(MISSING) 1%!(EXTRA int=2)" },
		{ "{{print 1 2 \"a\" \"b\" 3}}", "1 2ab3" },
		{ "{{println 1 \"a\"}}", "1 a\n" },
		{ "{{html \"<a>&'\"}} {{urlquery \"a b&c\"}} {{js \"it's <b>\"}}", "&lt;a&gt;&amp;&#39; a+b%26c it\\'s \\u003Cb\\u003E" },
		{ "{{slice \"abcdef\" 1 3}} {{slice .Nums 1}}", "bc [1 2]" },
		{ "{{split \"a,b,,c\" \",\"}} {{len (split \"a:b\" \":\")}}", "[a b  c] 2" },
		{ "{{truncate \"abcdef\" 3}} {{truncate \"ab\" 5}}", "abc ab" },
		{ "{{pad \"x\" 2 3}}|{{pad \"\" 2 3}}|", "  x   ||" },
		{ "{{json .State2}} {{json \"<a&b>\"}} {{json 1.5}} {{json .Missing}} {{json .Big}}", "{\"Health\":{\"Status\":\"healthy\"}} \"<a&b>\" 1.5 null 1000000" },
		{ "{{define \"T\"}}[{{.}}]{{end}}{{template \"T\" .ID}}{{template \"T\" \"lit\"}}", "[abc123][lit]" },
		{ "{{block \"B\" .Name}}<{{.}}>{{end}}", "<MyBox>" },
		{ "a  {{- \"trim\" -}}  b", "atrimb" },
		{ "x {{/* comment */}} y", "x  y" },
		{ "x {{- /* comment */ -}} y", "xy" },
		{ "{{if .Missing}}a{{else if .ID}}b{{else}}c{{end}}", "b" },
		{ "{{range $k, $v := .State2}}{{$k}}{{end}}", "Health" },
		{ "{{len $}}", "13" },
		{ "{{printf \"%08.3f|%-6d|%+d\" 3.14159 42 5}}", "0003.142|42    |+5" },
		{ "{{printf \"%v %v %v %v\" 0.1 100000.0 1e21 123456789.0}}", "0.1 100000 1e+21 1.23456789e+08" },
		{ "{{printf \"%q\" \"tab\\there\"}}", "\"tab\\there\"" },
		{ "{{printf \"%c%c\" 72 105}}", "Hi" },
		{ "{{.Labels.a}} {{.Labels.missing}}", "b <no value>" },
		{ "{{index \"abc\" 1}}", "98" },
		{ "{{printf \"%5v|\" .Names}}", "[  web    db]|" },
		{ "{{\"a\" | printf \"%s-%s\" \"b\"}}", "b-a" },
	};
	check_rows(rows, ARRAY_SIZE(rows), data_json, 1);
}

/* go: parse and execution errors, word for word */
static void
test_errors_go(void **state)
{
	static const struct row rows[] = {
		{ "{{.ID", "template: :1: unclosed action" },
		{ "{{.ID}", "template: :1: bad character U+007D '}'" },
		{ "{{foo}}", "template: :1: function \"foo\" not defined" },
		{ "{{end}}", "template: :1: unexpected {{end}}" },
		{ "{{if .X}}", "template: :1: unexpected EOF" },
		{ "{{else}}", "template: :1: unexpected {{else}}" },
		{ "{{$x}}", "template: :1: undefined variable \"$x\"" },
		{ "{{range}}", "template: :1: missing value for range" },
		{ "{{}}", "template: :1: missing value for command" },
		{ "{{break}}", "template: :1: {{break}} outside {{range}}" },
		{ "{{1|2}}", "template: :1: non executable command in pipeline stage 2" },
		{ "{{(1}}", "template: :1: unclosed left paren" },
		{ "{{)}}", "template: :1: unexpected \")\" in command" },
		{ "{{#}}", "template: :1: unexpected \"#\" in command" },
		{ "{{\"open}}", "template: :1: unterminated quoted string" },
		{ "{{/* c }}", "template: :1: unclosed comment" },
		{ "{{/* c */ }}", "template: :1: comment ends before closing delimiter" },
		{ "{{.A..B}}", "template: :1: unexpected <.> in operand" },
		{ "{{true.X}}", "template: :1: unexpected . after term \"true\"" },
		{ "{{1x}}", "template: :1: bad number syntax: \"1x\"" },
		{ "a\nb\n{{.ID\n", "template: :4: unclosed action started at :3" },
		{ "{{define \"a\"}}x{{end}}{{define \"a\"}}y{{end}}", "template: :1: template: multiple definition of template \"a\"" },
		{ "{{with .A}}{{break}}{{end}}", "template: :1: {{break}} outside {{range}}" },
		{ "{{template \"nope\"}}", "template: :1:11: executing \"\" at <{{template \"nope\"}}>: template \"nope\" not defined" },
		{ "{{len 3}}", "template: :1:2: executing \"\" at <len 3>: error calling len: len of type int" },
		{ "{{index .Names 5}}", "template: :1:2: executing \"\" at <index .Names 5>: error calling index: index out of range: 5" },
		{ "{{eq 1 \"a\"}}", "template: :1:2: executing \"\" at <eq 1 \"a\">: error calling eq: incompatible types for comparison" },
		{ "{{lt .Names 1}}", "template: :1:2: executing \"\" at <lt .Names 1>: error calling lt: invalid type for comparison" },
		{ "{{eq 1}}", "template: :1:2: executing \"\" at <eq 1>: error calling eq: missing argument for comparison" },
		{ "{{lower 3}}", "template: :1:8: executing \"\" at <3>: expected string; found 3" },
		{ "{{lower .Missing}}", "template: :1:8: executing \"\" at <.Missing>: invalid value; expected string" },
		{ "{{truncate \"a\" \"b\"}}", "template: :1:15: executing \"\" at <\"b\">: expected integer; found \"b\"" },
		{ "{{nil}}", "template: :1:2: executing \"\" at <nil>: nil is not a command" },
		{ "{{\"a\" .ID}}", "template: :1:2: executing \"\" at <\"a\">: can't give argument to non-function \"a\"" },
		{ "{{range .ID}}{{end}}", "template: :1:8: executing \"\" at <.ID>: range can't iterate over abc123" },
		{ "{{.ID 1}}", "template: :1:2: executing \"\" at <.ID>: ID is not a method but has arguments" },
		{ "{{printf}}", "template: :1:2: executing \"\" at <printf>: wrong number of args for printf: want at least 1 got 0" },
		{ "{{not 1 2}}", "template: :1:2: executing \"\" at <not>: wrong number of args for not: want 1 got 2" },
		{ "{{slice .ID 3 1}}", "template: :1:2: executing \"\" at <slice .ID 3 1>: error calling slice: invalid slice index: 3 > 1" },
		{ "{{index .Missing 1}}", "template: :1:2: executing \"\" at <index .Missing 1>: error calling index: index of untyped nil" },
		{ "{{pad \"a\" -1 0}}", "template: :1:2: executing \"\" at <pad \"a\" -1 0>: error calling pad: strings: negative Repeat count" },
	};
	check_rows(rows, ARRAY_SIZE(rows), data_json, 0);
}

/* Where nerdc departs from Go on map[string]interface{} on purpose, to look like Docker's
 * typed structs: concrete type names, null as a nil pointer, methods, typed zero values. */
static void
test_exec_nerdc(void **state)
{
	static const struct row ok[] = {
		{ "{{.Nil}}|{{printf \"%v\" .Nil}}", "<nil>|<nil>" },
		{ "{{if .Nil}}y{{else}}n{{end}}{{range .Nil}}x{{else}}e{{end}}", "ne" },
		{ "{{.Label \"com.example\"}}|{{.Label \"nope\"}}|{{\"a\" | .Label}}", "v1||b" },
		{ "{{index .Label \"nope\"}}|{{index .Sizes \"nope\"}}|{{index .Nets \"x\"}}", "|0|<nil>" },
		{ "{{index .Mixed \"nope\"}}", "<no value>" },
		{ "{{json .}}", "{\"B\":1,\"A\":[],\"Nil\":null,\"Label\":{\"com.example\":\"v1\",\"a\":\"b\"},"
			       "\"Sizes\":{\"x\":1},\"Nets\":{\"n\":{}},\"Mixed\":{\"a\":1,\"b\":\"s\"}}" },
		{ "{{range 3}}{{.}}{{end}}|{{range $i := 2}}{{$i}}{{end}}|{{range 0}}x{{else}}none{{end}}",
		  "012|01|none" },
		{ "{{with $x := .B}}{{$x}}{{else with .A}}a{{end}}", "1" },
		{ "{{with .A}}x{{else with .B}}b{{end}}", "b" },
		{ "{{printf \"%T %T\" .A .Label}}", "[]interface {} map[string]interface {}" },
	};
	static const struct row errs[] = {
		{ "{{.B.X}}", "template: :1:4: executing \"\" at <.B.X>: can't evaluate field X in type int" },
		{ "{{.Label.a.X}}",
		  "template: :1:8: executing \"\" at <.Label.a.X>: can't evaluate field X in type string" },
		{ "x\n\n{{.A.Foo}}",
		  "template: :3:4: executing \"\" at <.A.Foo>: can't evaluate field Foo in type []interface {}" },
		{ "{{.Nil.Status}}",
		  "template: :1:6: executing \"\" at <.Nil.Status>: nil pointer evaluating interface {}.Status" },
		{ "{{.B \"x\"}}", "template: :1:2: executing \"\" at <.B>: B is not a method but has arguments" },
		{ "{{.Label 1}}", "template: :1:9: executing \"\" at <1>: expected string; found 1" },
		{ "{{range $i, $v := 3}}{{end}}",
		  "template: :1:18: executing \"\" at <3>: can't use 3 to iterate over more than one variable" },
		{ "{{call .B}}", "template: :1:2: executing \"\" at <call .B>: error calling call: non-function of type int" },
	};
	static const char data[] = "{\"B\":1,\"A\":[],\"Nil\":null,\"Label\":{\"com.example\":\"v1\",\"a\":\"b\"},"
				   "\"Sizes\":{\"x\":1},\"Nets\":{\"n\":{}},\"Mixed\":{\"a\":1,\"b\":\"s\"}}";

	check_rows(ok, ARRAY_SIZE(ok), data, 1);
	check_rows(errs, ARRAY_SIZE(errs), data, 0);
}

/* Go's fmt and encoding/json number and string rules. */
static void
test_gofmt(void **state)
{
	static const struct {
		double d;
		const char *v, *json;
	} floats[] = {
		{ 1.5, "1.5", "1.5" }, { 1e6, "1e+06", "1000000" }, { 100000, "100000", "100000" },
		{ 123456789, "1.23456789e+08", "123456789" }, { 0.1, "0.1", "0.1" },
		{ 1e-5, "1e-05", "0.00001" }, { 1e-7, "1e-07", "1e-7" }, { 1e21, "1e+21", "1e+21" },
		{ 1e20, "1e+20", "100000000000000000000" }, { -2.5, "-2.5", "-2.5" }, { 0, "0", "0" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(floats); i++) {
		struct buf b = BUF_INIT, j = BUF_INIT;
		json_t *v = json_real(floats[i].d);

		gofmt_float(&b, floats[i].d);
		gojson_encode(&j, v, NULL, 0);
		assert_string_equal(b.data, floats[i].v);
		assert_string_equal(j.data, floats[i].json);
		buf_release(&b);
		buf_release(&j);
		json_decref(v);
	}
	{
		struct buf b = BUF_INIT;
		json_t *v = json_string("<a&b>\t\x01\xe2\x80\xa8");

		gojson_encode(&b, v, NULL, GOJSON_ESCAPE_HTML);
		assert_string_equal(b.data, "\"\\u003ca\\u0026b\\u003e\\t\\u0001\\u2028\"");
		buf_reset(&b);
		gojson_encode(&b, v, NULL, 0);
		assert_string_equal(b.data, "\"<a&b>\\t\\u0001\\u2028\"");
		buf_release(&b);
		json_decref(v);
	}
}

static char *
capture(int (*fn)(FILE *, void *), void *arg, int *ret)
{
	char *p = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&p, &n);

	assert_non_null(f);
	*ret = fn(f, arg);
	fclose(f);
	return p;
}

struct listing {
	const char *format;
	const char *rows;
	char *errmsg;
};

static const char ps_default[] = "table {{.ID}}\t{{.Image}}\t{{.Names}}";
static const struct fmt_header ps_headers[] = {
	{ "ID", "CONTAINER ID" }, { "Image", "IMAGE" }, { "Names", "NAMES" }, { "Labels", "LABELS" },
	{ NULL, NULL },
};

static int
do_listing(FILE *out, void *arg)
{
	struct listing *l = arg;
	struct fmt *f = NULL;
	struct err *err = NULL;
	json_t *rows = load(l->rows);
	size_t i;
	json_t *row;
	int r = fmt_begin(l->format, ps_default, ps_headers, out, &f, &err);

	if (r == 0) {
		json_array_foreach(rows, i, row)
			if ((r = fmt_row(f, row, &err)) < 0)
				break;
		if (r == 0)
			r = fmt_end(f, &err);
		else
			fmt_free(f);
	}
	if (err)
		l->errmsg = strdup(err->msg);
	err_free(err);
	json_decref(rows);
	return r;
}

static void
test_format_listing(void **state)
{
	static const char rows[] =
		"[{\"ID\":\"abc123\",\"Image\":\"busybox:latest\",\"Names\":\"web\",\"Labels\":\"a=b\"},"
		"{\"ID\":\"def4567890ab\",\"Image\":\"alpine\",\"Names\":\"db\",\"Labels\":\"\"}]";
	static const struct {
		const char *format, *want;
	} cases[] = {
		{ NULL, "CONTAINER ID   IMAGE            NAMES\n"
			"abc123         busybox:latest   web\n"
			"def4567890ab   alpine           db\n" },
		{ "table", "CONTAINER ID   IMAGE            NAMES\n"
			   "abc123         busybox:latest   web\n"
			   "def4567890ab   alpine           db\n" },
		/* the escapes \t typed by the user become tabs; Docker's example */
		{ "table {{.ID}}\\t{{.Labels}}", "CONTAINER ID   LABELS\n"
						"abc123         a=b\n"
						"def4567890ab   \n" },
		/* header functions keep the titles intact; unknown fields are Go's <no value> */
		{ "table {{lower .ID}}\\t{{json .Names}}\\t{{.Foo}}",
		  "CONTAINER ID   NAMES     <no value>\n"
		  "abc123         \"web\"     <no value>\n"
		  "def4567890ab   \"db\"      <no value>\n" },
		{ "{{.ID}}: {{.Image}}", "abc123: busybox:latest\ndef4567890ab: alpine\n" },
		{ "  {{.ID}}\\n ", "abc123\n\ndef4567890ab\n\n" },
		{ "json", "{\"ID\":\"abc123\",\"Image\":\"busybox:latest\",\"Names\":\"web\",\"Labels\":\"a=b\"}\n"
			  "{\"ID\":\"def4567890ab\",\"Image\":\"alpine\",\"Names\":\"db\",\"Labels\":\"\"}\n" },
		{ "table{{.Names}}", "NAMES\nweb\ndb\n" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct listing l = { cases[i].format, rows, NULL };
		int r;
		char *got = capture(do_listing, &l, &r);

		assert_int_equal(r, 0);
		assert_string_equal(got, cases[i].want);
		free(got);
	}
	{ /* no rows: the header alone */
		struct listing l = { NULL, "[]", NULL };
		int r;
		char *got = capture(do_listing, &l, &r);

		assert_int_equal(r, 0);
		assert_string_equal(got, "CONTAINER ID   IMAGE     NAMES\n");
		free(got);
	}
	{ /* errors carry Docker's prefix and print nothing */
		struct listing l = { "{{.ID", rows, NULL };
		int r;
		char *got = capture(do_listing, &l, &r);

		assert_int_equal(r, -1);
		assert_string_equal(got, "");
		assert_string_equal(l.errmsg, "template parsing error: template: :1: unclosed action");
		free(got);
		free(l.errmsg);
		l = (struct listing){ "{{.ID.X}}", rows, NULL };
		got = capture(do_listing, &l, &r);
		assert_int_equal(r, -1);
		assert_string_equal(got, "");
		assert_string_equal(l.errmsg, "template parsing error: template: :1:5: executing \"\" at "
					      "<.ID.X>: can't evaluate field X in type string");
		free(got);
		free(l.errmsg);
	}
}

struct inspect {
	const char *format;
	const char *items;
};

static int
do_inspect(FILE *out, void *arg)
{
	struct inspect *in = arg;
	struct err *err = NULL;
	json_t *items = load(in->items);
	int r = fmt_inspect(in->format, items, out, &err);

	err_free(err);
	json_decref(items);
	return r;
}

static void
test_format_inspect(void **state)
{
	static const struct {
		const char *format, *items, *want;
		int ret;
	} cases[] = {
		{ NULL, "[]", "[]\n", 0 },
		{ NULL, "[{\"Id\":\"x\",\"A\":[],\"B\":{},\"C\":[1,{\"d\":null}],\"H\":\"<&>\"}]",
		  "[\n    {\n        \"Id\": \"x\",\n        \"A\": [],\n        \"B\": {},\n"
		  "        \"C\": [\n            1,\n            {\n                \"d\": null\n"
		  "            }\n        ],\n        \"H\": \"<&>\"\n    }\n]\n",
		  0 },
		{ "{{.Id}}", "[{\"Id\":\"a\"},{\"Id\":\"b\"}]", "a\nb\n", 0 },
		{ "json", "[{\"Id\":\"a\"}]", "{\"Id\":\"a\"}\n", 0 },
		/* no escape processing for inspect: \t stays two characters */
		{ "{{.Id}}\\t", "[{\"Id\":\"a\"}]", "a\\t\n", 0 },
		/* the first item is printed before the second fails */
		{ "{{.Id.X}}", "[{\"Id\":{}},{\"Id\":\"b\"}]", "<no value>\n", -1 },
		{ "{{", "[{}]", "", -1 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct inspect in = { cases[i].format, cases[i].items };
		int r;
		char *got = capture(do_inspect, &in, &r);

		assert_int_equal(r, cases[i].ret);
		assert_string_equal(got, cases[i].want);
		free(got);
	}
}

/* go: Go's text/tabwriter with minwidth 10, padding 3, as docker/cli sets it up */
static void
test_tabwriter(void **state)
{
	static const struct row rows[] = {
		{ "CONTAINER ID\tIMAGE\tNAMES\nabc\tbusybox:latest\tweb\nabcdefabcdef12\tx\tdb\n", "CONTAINER ID     IMAGE            NAMES\nabc              busybox:latest   web\nabcdefabcdef12   x                db\n" },
		{ "a\tb\tc\naaaa\tb\n", "a         b         c\naaaa      b\n" },
		{ "a\tb\nno tabs here\nlonger cell value\tz\n", "a         b\nno tabs here\nlonger cell value   z\n" },
		{ "x\ty", "x         y" },
		{ "\t\t\n\tq\t\n", "                    \n          q         \n" },
		{ "\xc3\xa9""\t\xc3\xbc""\nabc\td\n", "\xc3\xa9""         \xc3\xbc""\nabc       d\n" },
		{ "ID\n1\n2\n", "ID\n1\n2\n" },
		{ "", "" },
		{ "a\tb\t", "a         b" },
		{ "aaaa\tbbb\td\naa\tb\tdd\na\t\naa\tcccc\teee\n", "aaaa      bbb       d\naa        b         dd\na         \naa        cccc      eee\n" },
		{ "A\tB\tC\n\tx\t\nlong-long-long\t\ty\n", "A                B         C\n                 x         \nlong-long-long             y\n" },
		{ "NAME\tSIZE\nverylongnamethatexceeds\t1\ns\t22\n", "NAME                      SIZE\nverylongnamethatexceeds   1\ns                         22\n" },
		{ "a\fb\tc\n", "a\nb         c\n" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct buf b = BUF_INIT;

		tabwriter_format(rows[i].text, strlen(rows[i].text), 10, 3, &b);
		assert_string_equal(b.data, rows[i].want);
		buf_release(&b);
	}
}

static void
test_header_funcs(void **state)
{
	json_t *h = load("{\"ID\":\"CONTAINER ID\",\"Names\":\"NAMES\"}");
	char *out, *msg;

	assert_int_equal(run("{{json .ID}}|{{upper .Names}}|{{truncate .ID 3}}|{{pad .ID 1 1}}|{{split .Names \":\"}}",
			     h, TMPL_HEADER_FUNCS, &out, &msg, NULL), 0);
	assert_string_equal(out, "CONTAINER ID|NAMES|CONTAINER ID| CONTAINER ID |NAMES");
	free(out);
	/* a header that fails keeps what came before, as Docker's ignored error does */
	assert_int_equal(run("{{.ID}}\t{{json .}}", h, TMPL_HEADER_FUNCS, &out, &msg, NULL), -1);
	assert_string_equal(out, "CONTAINER ID\t");
	free(out);
	free(msg);
	json_decref(h);
}

static void
test_limits(void **state)
{
	json_t *d = load("{}");
	char *out, *msg;
	int kind;
	struct buf deep = BUF_INIT;

	assert_int_equal(run("{{define \"r\"}}{{template \"r\" .}}{{end}}{{template \"r\" .}}", d, 0,
			     &out, &msg, &kind), -1);
	assert_int_equal(kind, ERR_RESOURCE);
	assert_non_null(strstr(msg, "exceeded maximum template depth"));
	free(out);
	free(msg);
	assert_int_equal(run("{{range 100000000}}{{end}}", d, 0, &out, &msg, &kind), -1);
	assert_int_equal(kind, ERR_RESOURCE);
	free(out);
	free(msg);
	assert_int_equal(run("{{range 200}}{{pad \"x\" 1000000 0}}{{end}}", d, 0, &out, &msg, &kind),
			 -1);
	assert_int_equal(kind, ERR_RESOURCE);
	assert_non_null(strstr(msg, "larger than 64 MiB"));
	free(out);
	free(msg);
	for (int i = 0; i < 200; i++)
		buf_adds(&deep, "{{if 1}}");
	assert_int_equal(run(deep.data, d, 0, &out, &msg, &kind), -1);
	assert_int_equal(kind, ERR_RESOURCE);
	free(out);
	free(msg);
	buf_reset(&deep);
	buf_adds(&deep, "{{");
	for (int i = 0; i < 200; i++)
		buf_adds(&deep, "(");
	assert_int_equal(run(deep.data, d, 0, &out, &msg, &kind), -1);
	free(out);
	free(msg);
	buf_release(&deep);
	json_decref(d);
}

/* One parse, many executions, and a NULL data pointer. */
static void
test_reuse(void **state)
{
	_cleanup_tmpl_ struct tmpl *t = NULL;
	_cleanup_buf_ struct buf b = BUF_INIT;

	assert_int_equal(tmpl_parse("{{.N}},", &t, NULL), 0);
	for (int i = 0; i < 3; i++) {
		json_t *d = json_pack("{s:i}", "N", i);

		assert_int_equal(tmpl_exec(t, d, &b, NULL), 0);
		json_decref(d);
	}
	assert_int_equal(tmpl_exec(t, NULL, &b, NULL), 0);
	assert_string_equal(b.data, "0,1,2,<no value>,");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec_go),	    cmocka_unit_test(test_errors_go),
		cmocka_unit_test(test_exec_nerdc),  cmocka_unit_test(test_gofmt),
		cmocka_unit_test(test_format_listing), cmocka_unit_test(test_format_inspect),
		cmocka_unit_test(test_tabwriter),   cmocka_unit_test(test_header_funcs),
		cmocka_unit_test(test_limits),	    cmocka_unit_test(test_reuse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
