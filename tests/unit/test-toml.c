/* Unit tests for the TOML reader: documents in, compact sorted JSON or file:line errors out. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/toml.h"
#include "base/banned.h"

#define DUMP_FLAGS (JSON_SORT_KEYS | JSON_COMPACT | JSON_REAL_PRECISION(10) | JSON_ENCODE_ANY)

struct valid_row {
	const char *doc;
	const char *want;
};

static const struct valid_row valid_rows[] = {
	{ "", "{}" },
	{ "# only a comment\n\n   \t\n", "{}" },
	/* nerdctl.toml as nerdctl documents it */
	{ "# This is an example of /etc/nerdctl/nerdctl.toml .\n"
	  "debug          = false\n"
	  "debug_full     = false\n"
	  "address        = \"unix:///run/k3s/containerd/containerd.sock\"\n"
	  "namespace      = \"k8s.io\"\n"
	  "snapshotter    = \"stargz\"\n"
	  "cgroup_manager = \"cgroupfs\"\n"
	  "hosts_dir      = [\"/etc/containerd/certs.d\", \"/etc/docker/certs.d\"]\n"
	  "experimental   = true\n"
	  "insecure_registry = false # trailing comment\n"
	  "host_gateway_ip = \"10.0.0.1\"\n",
	  "{\"address\":\"unix:///run/k3s/containerd/containerd.sock\",\"cgroup_manager\":"
	  "\"cgroupfs\",\"debug\":false,\"debug_full\":false,\"experimental\":true,"
	  "\"host_gateway_ip\":\"10.0.0.1\",\"hosts_dir\":[\"/etc/containerd/certs.d\","
	  "\"/etc/docker/certs.d\"],\"insecure_registry\":false,\"namespace\":\"k8s.io\","
	  "\"snapshotter\":\"stargz\"}" },
	/* containerd hosts.toml */
	{ "server = \"https://registry-1.docker.io\"\n"
	  "\n"
	  "[host.\"https://mirror.example:5000\"]\n"
	  "  capabilities = [\"pull\", \"resolve\"]\n"
	  "  skip_verify = true\n"
	  "  ca = \"/etc/certs/ca.crt\"\n"
	  "  client = [[\"/etc/certs/c.cert\", \"/etc/certs/c.key\"]]\n"
	  "  [host.\"https://mirror.example:5000\".header]\n"
	  "    x-custom-2 = [\"value1\", \"value2\"]\n"
	  "[host.\"http://127.0.0.1:5001\"]\n"
	  "  ca = [\"/a.pem\", \"/b.pem\"]\n",
	  "{\"host\":{\"http://127.0.0.1:5001\":{\"ca\":[\"/a.pem\",\"/b.pem\"]},"
	  "\"https://mirror.example:5000\":{\"ca\":\"/etc/certs/ca.crt\",\"capabilities\":"
	  "[\"pull\",\"resolve\"],\"client\":[[\"/etc/certs/c.cert\",\"/etc/certs/c.key\"]],"
	  "\"header\":{\"x-custom-2\":[\"value1\",\"value2\"]},\"skip_verify\":true}},"
	  "\"server\":\"https://registry-1.docker.io\"}" },
	/* keys */
	{ "a.b.c = 1\n\"x y\".'z' = 2\nbare_key-1 = 3\n",
	  "{\"a\":{\"b\":{\"c\":1}},\"bare_key-1\":3,\"x y\":{\"z\":2}}" },
	{ "a . b\t.  c = 1\na.b.d = 2\n", "{\"a\":{\"b\":{\"c\":1,\"d\":2}}}" },
	{ "\"\" = 1\n1234 = 2\n3.14 = 3\n", "{\"\":1,\"1234\":2,\"3\":{\"14\":3}}" },
	{ "\"a\\u0041\\\"\" = 1\n'\"q\"' = 2\n", "{\"\\\"q\\\"\":2,\"aA\\\"\":1}" },
	/* strings */
	{ "s = \"a\\tb\\n\\\"\\\\\\u00e9\\U0001F600\\b\\f\\r\"\n",
	  "{\"s\":\"a\\tb\\n\\\"\\\\é😀\\b\\f\\r\"}" },
	{ "p = 'C:\\Users\\nodejs\\templates'\n",
	  "{\"p\":\"C:\\\\Users\\\\nodejs\\\\templates\"}" },
	{ "s = \"tab\there\"\nt = 'tab\there'\n", "{\"s\":\"tab\\there\",\"t\":\"tab\\there\"}" },
	{ "s = \"\"\"\nRoses are red\nViolets are blue\"\"\"\n",
	  "{\"s\":\"Roses are red\\nViolets are blue\"}" },
	{ "s = \"\"\"\nThe quick brown \\\n\n\n  fox jumps \\   \n    over.\\\n  \"\"\"\n",
	  "{\"s\":\"The quick brown fox jumps over.\"}" },
	{ "s = \"\"\"a\"\"\"\"\"\nt = '''b'''''\nu = \"\"\"\"x\"\" \"\"\"\n",
	  "{\"s\":\"a\\\"\\\"\",\"t\":\"b''\",\"u\":\"\\\"x\\\"\\\" \"}" },
	{ "s = '''\nfirst\n  \\n raw\n'''\n", "{\"s\":\"first\\n  \\\\n raw\\n\"}" },
	{ "s = \"\"\"a\r\nb\"\"\"\r\n", "{\"s\":\"a\\nb\"}" },
	{ "s = \"nul\\u0000byte\"\n", "{\"s\":\"nul\\u0000byte\"}" },
	/* integers */
	{ "a = +99\nb = -17\nc = 0\nd = 1_000\ne = -0\nf = +0\n",
	  "{\"a\":99,\"b\":-17,\"c\":0,\"d\":1000,\"e\":0,\"f\":0}" },
	{ "h = 0xDEAD_beef\no = 0o755\nb = 0b1101_0110\nz = 0x0\n",
	  "{\"b\":214,\"h\":3735928559,\"o\":493,\"z\":0}" },
	{ "max = 9223372036854775807\nmin = -9223372036854775808\nhmax = 0x7fffffffffffffff\n",
	  "{\"hmax\":9223372036854775807,\"max\":9223372036854775807,"
	  "\"min\":-9223372036854775808}" },
	/* floats */
	{ "a = 0.5\nb = -2.25\nc = 5e+2\nd = 6.25E-2\ne = 1_0.0_5\nf = 1e1_0\ng = -0.0\n"
	  "h = 1e-400\n",
	  "{\"a\":0.5,\"b\":-2.25,\"c\":500.0,\"d\":0.0625,\"e\":10.05,\"f\":1e10,"
	  "\"g\":-0.0,\"h\":0.0}" },
	{ "a = inf\nb = +inf\nc = -inf\nd = nan\ne = -nan\n",
	  "{\"a\":\"inf\",\"b\":\"inf\",\"c\":\"-inf\",\"d\":\"nan\",\"e\":\"nan\"}" },
	/* booleans and date-times */
	{ "t = true\nf = false\n", "{\"f\":false,\"t\":true}" },
	{ "a = 1979-05-27T07:32:00Z\nb = 1979-05-27 07:32:00.999-07:00\nc = 1979-05-27\n"
	  "d = 07:32:00\ne = 1979-05-27t00:32:00.999999\nf = 2000-02-29T23:59:60+14:00\n",
	  "{\"a\":\"1979-05-27T07:32:00Z\",\"b\":\"1979-05-27 07:32:00.999-07:00\","
	  "\"c\":\"1979-05-27\",\"d\":\"07:32:00\",\"e\":\"1979-05-27t00:32:00.999999\","
	  "\"f\":\"2000-02-29T23:59:60+14:00\"}" },
	/* arrays */
	{ "a = [\n  1, # one\n  2,\n\n  # nothing\n  3,\n]\nb = [ [1, 2], ['x', \"y\"], [], "
	  "{ k = 1 }, 1.5, true ]\nc=[]\n",
	  "{\"a\":[1,2,3],\"b\":[[1,2],[\"x\",\"y\"],[],{\"k\":1},1.5,true],\"c\":[]}" },
	/* inline tables */
	{ "p = { x = 1, y.z = \"a\", y.w = [ 2 ] }\ne = {}\nn = { a = { b = {} } }\n",
	  "{\"e\":{},\"n\":{\"a\":{\"b\":{}}},\"p\":{\"x\":1,\"y\":{\"w\":[2],\"z\":\"a\"}}}" },
	/* tables */
	{ "[a.b.c]\nx = 1\n[a]\ny = 2\n[ d . \"e\" . 'f' ]\n",
	  "{\"a\":{\"b\":{\"c\":{\"x\":1}},\"y\":2},\"d\":{\"e\":{\"f\":{}}}}" },
	{ "[fruit]\napple.color = \"red\"\napple.taste.sweet = true\n"
	  "[fruit.apple.texture]\nsmooth = true\n",
	  "{\"fruit\":{\"apple\":{\"color\":\"red\",\"taste\":{\"sweet\":true},"
	  "\"texture\":{\"smooth\":true}}}}" },
	{ "[[fruit]]\nname = \"apple\"\n[fruit.physical]\ncolor = \"red\"\n"
	  "[[fruit.variety]]\nname = \"red delicious\"\n[[fruit.variety]]\nname = \"granny\"\n"
	  "[[fruit]]\nname = \"banana\"\n[[fruit.variety]]\nname = \"plantain\"\n",
	  "{\"fruit\":[{\"name\":\"apple\",\"physical\":{\"color\":\"red\"},\"variety\":"
	  "[{\"name\":\"red delicious\"},{\"name\":\"granny\"}]},{\"name\":\"banana\","
	  "\"variety\":[{\"name\":\"plantain\"}]}]}" },
	{ "[[ a ]]\n[[a]]\nx = 1\n", "{\"a\":[{},{\"x\":1}]}" },
	{ "[a.b]\nx = 1\n[a.c]\ny = 2\n", "{\"a\":{\"b\":{\"x\":1},\"c\":{\"y\":2}}}" },
	/* line endings, BOM, blanks */
	{ "a = 1\r\n[t]\r\nb = 'x' # c\r\n", "{\"a\":1,\"t\":{\"b\":\"x\"}}" },
	{ "\xef\xbb\xbf" "a = 1\n", "{\"a\":1}" },
	{ "\t a \t= \t1\t\n", "{\"a\":1}" },
	{ "a = 1", "{\"a\":1}" },
};

struct invalid_row {
	const char *doc;
	int line;
	const char *msg;	/* a substring of the message */
};

static const struct invalid_row invalid_rows[] = {
	{ "a = 1\nb\n", 2, "expected '=' after key" },
	{ "a = 1\nb =\n", 2, "expected a value" },
	{ "a = 1\nb = # c\n", 2, "expected a value" },
	{ "= 1\n", 1, "expected a key" },
	{ "a = 1\na = 2\n", 2, "duplicate key a" },
	{ "\"a\" = 1\n'a' = 2\n", 2, "duplicate key a" },
	{ "[t]\n\"x y\" = 1\n\"x y\" = 2\n", 3, "duplicate key \"x y\"" },
	{ "a = 1\na.b = 2\n", 2, "cannot add keys to a" },
	{ "[a]\n[a]\n", 2, "table a defined more than once" },
	{ "[a.b]\n[a]\nb.c = 1\n", 3, "cannot add keys to b" },
	{ "a.b = 1\n[a]\n", 2, "defined more than once" },
	{ "[a]\nb.c = 1\n[a.b]\n", 3, "defined more than once" },
	{ "a = {x = 1}\n[a]\n", 2, "defined more than once" },
	{ "a = {x = 1}\na.y = 2\n", 2, "cannot add keys to a" },
	{ "a = {x = 1}\n[a.b]\n", 2, "already a value" },
	{ "[[a]]\n[a]\n", 2, "defined more than once" },
	{ "[a]\n[[a]]\n", 2, "already a value" },
	{ "a = []\n[[a]]\n", 2, "already a value" },
	{ "[a]\nb = 1\n[a.b]\n", 3, "defined more than once" },
	{ "[a]\nb = 1\n[a.b.c]\n", 3, "already a value" },
	{ "a = \"\\q\"\n", 1, "invalid escape sequence" },
	{ "a = \"\\ x\"\n", 1, "invalid escape sequence" },
	{ "a = \"\"\"\\ x\"\"\"\n", 1, "invalid escape sequence" },
	{ "a = \"\\e\"\n", 1, "invalid escape sequence" },
	{ "a = \"\\uD800\"\n", 1, "invalid unicode escape" },
	{ "a = \"\\U00110000\"\n", 1, "invalid unicode escape" },
	{ "a = \"\\u12\"\n", 1, "invalid unicode escape" },
	{ "a = \"\\u12G4\"\n", 1, "invalid unicode escape" },
	{ "a = 1\nb = \"abc\n", 2, "unterminated string" },
	{ "a = 'abc\nd'\n", 1, "unterminated string" },
	{ "a = \"abc", 1, "unterminated string" },
	{ "\n\na = \"\"\"abc\n\n", 3, "unterminated multi-line string" },
	{ "a = '''abc\n", 1, "unterminated multi-line string" },
	{ "a = \"\"\"a\"\"\"\"\"\"\n", 1, "too many quotes closing" },
	{ "\"a\nb\" = 1\n", 1, "unterminated string" },
	{ "a = 1 2\n", 1, "expected end of line, found '2'" },
	{ "a = \"x\" y\n", 1, "expected end of line" },
	{ "a = truex\n", 1, "expected end of line" },
	{ "a = tru\n", 1, "expected a value" },
	{ "[a] x = 1\n", 1, "expected end of line" },
	{ "[[a] ]\n", 1, "expected ']]' after table name" },
	{ "[a\n", 1, "expected ']' after table name" },
	{ "[]\n", 1, "expected a key" },
	{ "a = \"x\x01\"\n", 1, "control character 0x01 in string" },
	{ "a = 'x\x7f'\n", 1, "control character 0x7f in string" },
	{ "a = 1\n# bell \x07\n", 2, "control character 0x07 in comment" },
	{ "a = 1\rb = 2\n", 1, "expected end of line" },
	{ "a = \"\"\"x\ry\"\"\"\n", 1, "control character 0x0d" },
	{ "a = 1\nb = \"\xff\"\n", 2, "invalid UTF-8" },
	{ "a = \"\xc0\xaf\"\n", 1, "invalid UTF-8" },
	{ "a = \"\xed\xa0\x80\"\n", 1, "invalid UTF-8" },
	{ "a = 9223372036854775808\n", 1, "out of range" },
	{ "a = -9223372036854775809\n", 1, "out of range" },
	{ "a = 0x1_0000_0000_0000_0000\n", 1, "out of range" },
	{ "a = 012\n", 1, "leading zero" },
	{ "a = 1__0\n", 1, "invalid number" },
	{ "a = _1\n", 1, "expected a value" },
	{ "a = 1_\n", 1, "invalid number" },
	{ "a = +0x10\n", 1, "no sign allowed" },
	{ "a = 0X10\n", 1, "leading zero" },
	{ "a = 0xG\n", 1, "invalid number" },
	{ "a = 0b102\n", 1, "invalid number" },
	{ "a = 1.\n", 1, "invalid number" },
	{ "a = .5\n", 1, "expected a value" },
	{ "a = 1e\n", 1, "invalid number" },
	{ "a = 1.e5\n", 1, "invalid number" },
	{ "a = 01.5\n", 1, "invalid number" },
	{ "a = 1e400\n", 1, "out of range" },
	{ "a = infinity\n", 1, "invalid number" },
	{ "a = 1979-13-01\n", 1, "invalid date-time" },
	{ "a = 1979-02-29\n", 1, "invalid date-time" },
	{ "a = 1979-05-27T25:00:00Z\n", 1, "invalid date-time" },
	{ "a = 07:32\n", 1, "invalid date-time" },
	{ "a = 1979-05-27T07:32:00+24:00\n", 1, "invalid date-time" },
	{ "a = [1, 2\n", 2, "expected ',' or ']'" },
	{ "a = [1,,2]\n", 1, "expected a value" },
	{ "a = [1 2]\n", 1, "expected ',' or ']'" },
	{ "a = {x = 1,}\n", 1, "expected a key" },
	{ "a = {x = 1\n}\n", 1, "expected ',' or '}'" },
	{ "a = {x = 1, x = 2}\n", 1, "duplicate key x" },
	{ "a = {x.y = 1, x = 2}\n", 1, "duplicate key x" },
};

static void
test_valid(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(valid_rows); i++) {
		_cleanup_err_ struct err *err = NULL;
		_cleanup_free_ char *got = NULL;
		json_t *v = NULL;

		if (toml_parse(valid_rows[i].doc, strlen(valid_rows[i].doc), "t.toml", &v,
			       &err) < 0) {
			fail_msg("row %zu: %s", i, err->msg);
		}
		got = json_dumps(v, DUMP_FLAGS);
		json_decref(v);
		if (strcmp(got, valid_rows[i].want) != 0)
			fail_msg("row %zu:\n got %s\nwant %s", i, got, valid_rows[i].want);
	}
}

static void
test_invalid(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(invalid_rows); i++) {
		_cleanup_err_ struct err *err = NULL;
		_cleanup_free_ char *prefix = NULL;
		json_t *v = NULL;
		int r;

		r = toml_parse(invalid_rows[i].doc, strlen(invalid_rows[i].doc), "nerdctl.toml", &v,
			       &err);
		if (r == 0) {
			_cleanup_free_ char *got = json_dumps(v, DUMP_FLAGS);

			json_decref(v);
			fail_msg("row %zu: parsed %s", i, got);
		}
		assert_null(v);
		assert_non_null(err);
		assert_int_equal(err->kind, ERR_INVALID);
		assert_true(asprintf(&prefix, "nerdctl.toml:%d: ", invalid_rows[i].line) > 0);
		if (strncmp(err->msg, prefix, strlen(prefix)) != 0 ||
		    !strstr(err->msg, invalid_rows[i].msg))
			fail_msg("row %zu: got \"%s\", want \"%s...%s...\"", i, err->msg, prefix,
				 invalid_rows[i].msg);
	}
}

/* Builds "a = " with n nested arrays or inline tables around 1. */
static void
nested(struct buf *b, size_t n, bool table)
{
	buf_reset(b);
	buf_adds(b, "a = ");
	for (size_t i = 0; i < n; i++)
		buf_adds(b, table ? "{x=" : "[");
	buf_adds(b, "1");
	for (size_t i = 0; i < n; i++)
		buf_adds(b, table ? "}" : "]");
}

static void
test_limits(void **state)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	json_t *v = NULL;

	for (int table = 0; table <= 1; table++) {
		_cleanup_err_ struct err *err = NULL;

		nested(&b, TOML_MAX_DEPTH - 1, table);
		assert_int_equal(toml_parse(b.data, b.len, "d.toml", &v, NULL), 0);
		json_decref(v);
		v = NULL;
		nested(&b, TOML_MAX_DEPTH + 1, table);
		assert_int_equal(toml_parse(b.data, b.len, "d.toml", &v, &err), -1);
		assert_int_equal(err->kind, ERR_INVALID);
		assert_non_null(strstr(err->msg, "d.toml:1: nested deeper than"));
	}

	/* Header and dotted-key depth count too. */
	for (int dotted = 0; dotted <= 1; dotted++) {
		_cleanup_err_ struct err *err = NULL;

		buf_reset(&b);
		buf_adds(&b, dotted ? "" : "[");
		for (int i = 0; i < TOML_MAX_DEPTH + 1; i++)
			buf_adds(&b, i ? ".k" : "k");
		buf_adds(&b, dotted ? " = 1\n" : "]\n");
		assert_int_equal(toml_parse(b.data, b.len, "d.toml", &v, &err), -1);
		assert_int_equal(err->kind, ERR_INVALID);
	}
	{
		_cleanup_err_ struct err *err = NULL;

		buf_reset(&b);
		for (int i = 0; i < 40; i++)
			buf_adds(&b, i ? ".k" : "[k");
		buf_adds(&b, "]\n");
		for (int i = 0; i < 30; i++)
			buf_adds(&b, i ? ".k" : "k");
		buf_adds(&b, " = 1\n");
		assert_int_equal(toml_parse(b.data, b.len, "d.toml", &v, &err), -1);
		assert_non_null(strstr(err->msg, "d.toml:2: nested deeper than"));
	}

	/* Size cap. */
	{
		_cleanup_err_ struct err *err = NULL;

		buf_reset(&b);
		while (b.len <= TOML_MAX_BYTES)
			buf_adds(&b, "# padding padding padding padding padding padding\n");
		assert_int_equal(toml_parse(b.data, b.len, "big.toml", &v, &err), -1);
		assert_int_equal(err->kind, ERR_RESOURCE);
		assert_non_null(strstr(err->msg, "big.toml"));
	}
}

/* Embedded NULs: in a string via escape fine, as a raw byte an error. */
static void
test_nul(void **state)
{
	static const char raw[] = "a = \"x\0y\"\n";
	static const char key[] = "\"k\\u0000z\" = 1\n";
	_cleanup_err_ struct err *err = NULL;
	json_t *v = NULL;

	assert_int_equal(toml_parse(raw, sizeof(raw) - 1, "n.toml", &v, &err), -1);
	assert_non_null(strstr(err->msg, "n.toml:1: control character 0x00"));
	assert_int_equal(toml_parse(key, sizeof(key) - 1, "n.toml", &v, NULL), 0);
	assert_non_null(json_object_getn(v, "k\0z", 3));
	json_decref(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_nul),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
