/*
 * Table-driven tests for image archives (src/image/archive_*.c): entry names and link
 * targets confined to the archive, Docker's manifest.json, the OCI ref name, and a tar that
 * libarchive writes and reads back through the dlopen'ed table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/buf.h"
#include "image/archive_api.h"
#include "image/archive_ops.h"

struct path_row {
	const char *in;
	const char *out;	/* NULL: rejected */
};

static const struct path_row path_rows[] = {
	{ "manifest.json", "manifest.json" },
	{ "./manifest.json", "manifest.json" },
	{ "blobs//sha256/abc", "blobs/sha256/abc" },
	{ "blobs/sha256/", "blobs/sha256" },
	{ "a/./b/../c", "a/c" },
	{ "a/..", "." },
	{ "./", "." },
	{ "a/b/../../c", "c" },
	{ "..", NULL },
	{ "../x", NULL },
	{ "a/../../x", NULL },
	{ "./../x", NULL },
	{ "a/b/../../../etc/passwd", NULL },
	{ "/etc/passwd", NULL },
	{ "//x", NULL },
	{ "", NULL },
	{ "...", "..." },
	{ "..a/b", "..a/b" },
};

static void
test_path_clean(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(path_rows) / sizeof(path_rows[0]); i++) {
		const struct path_row *r = &path_rows[i];
		struct err *err = NULL;
		char *out = NULL;
		int ret = archive_path_clean(r->in, &out, &err);

		if (r->out) {
			if (ret != 0)
				fail_msg("%s: %s", r->in, err->msg);
			assert_string_equal(out, r->out);
		} else {
			if (ret != -1)
				fail_msg("%s: accepted as %s", r->in, out);
			assert_int_equal(err->kind, ERR_INVALID);
		}
		free(out);
		err_free(err);
	}
}

struct link_row {
	const char *name, *target;
	const char *out;	/* NULL: rejected */
};

static const struct link_row link_rows[] = {
	/* docker save of old: a layer shared with another image's directory */
	{ "abc/layer.tar", "../def/layer.tar", "def/layer.tar" },
	{ "layer.tar", "other.tar", "other.tar" },
	{ "a/b/c", "../../d", "d" },
	{ "a/b/c", "./d", "a/b/d" },
	{ "a/b", "../../etc/passwd", NULL },
	{ "blobs/sha256/link", "../../../../etc/passwd", NULL },
	{ "x", "/etc/passwd", NULL },
	{ "x", "", NULL },
	{ "x", "..", NULL },
};

static void
test_link_resolve(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(link_rows) / sizeof(link_rows[0]); i++) {
		const struct link_row *r = &link_rows[i];
		struct err *err = NULL;
		char *out = NULL;
		int ret = archive_link_resolve(r->name, r->target, &out, &err);

		if (r->out) {
			if (ret != 0)
				fail_msg("%s -> %s: %s", r->name, r->target, err->msg);
			assert_string_equal(out, r->out);
		} else {
			if (ret != -1)
				fail_msg("%s -> %s: accepted as %s", r->name, r->target, out);
			assert_int_equal(err->kind, ERR_INVALID);
		}
		free(out);
		err_free(err);
	}
}

static void
test_docker_manifest_ok(void **state)
{
	/* docker save 20.10 / podman / skopeo shape, and containerd's (RepoTags null) */
	const char *doc =
		"[{\"Config\":\"abc.json\",\"RepoTags\":[\"busybox:latest\",\"x/y:1\"],"
		"\"Layers\":[\"l1/layer.tar\",\"./l2/layer.tar\"]},"
		"{\"Config\":\"blobs/sha256/aa\",\"RepoTags\":null,\"Layers\":[]},"
		"{\"Config\":\"c.json\",\"Layers\":[\"x.tar\"],\"LayerSources\":{}}]";
	struct docker_manifest *m = NULL;
	struct err *err = NULL;
	size_t n = 0;

	(void)state;
	if (docker_manifest_parse(doc, strlen(doc), &m, &n, &err) < 0)
		fail_msg("%s", err->msg);
	assert_int_equal(n, 3);
	assert_string_equal(m[0].config, "abc.json");
	assert_string_equal(m[0].repo_tags[0], "busybox:latest");
	assert_string_equal(m[0].repo_tags[1], "x/y:1");
	assert_null(m[0].repo_tags[2]);
	assert_int_equal(m[0].n_layers, 2);
	assert_string_equal(m[0].layers[1], "l2/layer.tar");
	assert_null(m[1].repo_tags[0]);
	assert_int_equal(m[1].n_layers, 0);
	assert_string_equal(m[2].layers[0], "x.tar");
	docker_manifest_free(m, n);
}

struct bad_row {
	const char *doc;
	enum err_kind kind;
	const char *msg;	/* substring */
};

static const struct bad_row bad_rows[] = {
	{ "{}", ERR_INVALID, "not a JSON array" },
	{ "[1]", ERR_INVALID, "entry 0 is not an object" },
	{ "[{\"RepoTags\":[]}]", ERR_INVALID, "has no Config" },
	{ "[{\"Config\":5}]", ERR_INVALID, "Config is not a string" },
	{ "[{\"Config\":\"../x.json\"}]", ERR_INVALID, "escapes the archive" },
	{ "[{\"Config\":\"/x.json\"}]", ERR_INVALID, "absolute path" },
	{ "[{\"Config\":\"c\",\"Layers\":[\"../../l\"]}]", ERR_INVALID, "escapes the archive" },
	{ "[{\"Config\":\"c\",\"Layers\":\"l\"}]", ERR_INVALID, "Layers is not an array" },
	{ "[{\"Config\":\"c\",\"RepoTags\":[1]}]", ERR_INVALID, "non-string" },
	{ "[{\"Config\":\"c\",\"Config\":\"d\"}]", ERR_INVALID, "" },	/* duplicate key */
	{ "[", ERR_INVALID, "" },
};

static void
test_docker_manifest_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
		struct docker_manifest *m = NULL;
		struct err *err = NULL;
		size_t n = 0;

		if (docker_manifest_parse(bad_rows[i].doc, strlen(bad_rows[i].doc), &m, &n, &err) == 0)
			fail_msg("accepted: %s", bad_rows[i].doc);
		assert_int_equal(err->kind, bad_rows[i].kind);
		if (!strstr(err->msg, bad_rows[i].msg))
			fail_msg("%s: message '%s' lacks '%s'", bad_rows[i].doc, err->msg,
				 bad_rows[i].msg);
		err_free(err);
	}
}

static void
test_docker_manifest_layer_cap(void **state)
{
	struct buf b = BUF_INIT;
	struct docker_manifest *m = NULL;
	struct err *err = NULL;
	size_t n = 0;

	(void)state;
	buf_adds(&b, "[{\"Config\":\"c\",\"Layers\":[");
	for (int i = 0; i <= DOCKER_MANIFEST_MAX_LAYERS; i++)
		buf_addf(&b, "%s\"l%d\"", i ? "," : "", i);
	buf_adds(&b, "]}]");
	assert_int_equal(docker_manifest_parse(b.data, b.len, &m, &n, &err), -1);
	assert_int_equal(err->kind, ERR_RESOURCE);
	err_free(err);
	buf_release(&b);
}

static void
test_oci_ref_name(void **state)
{
	static const char *const rows[][2] = {
		{ "docker.io/library/busybox:latest", "latest" },
		{ "localhost:5000/a/b:v1", "v1" },
		{ "localhost:5000/a/b", "localhost:5000/a/b" },
		{ "overlayfs@sha256:abc", "overlayfs@sha256:abc" },
		{ "x/y:t@sha256:abc", "t@sha256:abc" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *s = archive_oci_ref_name(rows[i][0]);

		assert_string_equal(s, rows[i][1]);
		free(s);
	}
}

/* libarchive through the table: a tar written in memory reads back entry by entry. */
static void
test_libarchive_roundtrip(void **state)
{
	struct err *err = NULL;
	const struct archive_api *la = archive_api_get(&err);
	static char mem[16384];
	size_t used = 0;
	struct archive *a;
	struct archive_entry *e;
	char data[16];

	(void)state;
	if (!la)
		fail_msg("%s", err->msg);
	a = la->write_new();
	assert_int_equal(la->write_set_format_pax_restricted(a), ARCHIVE_OK);
	assert_int_equal(la->write_open_memory(a, mem, sizeof(mem), &used), ARCHIVE_OK);
	e = la->entry_new();
	la->entry_set_pathname(e, "../evil");
	la->entry_set_filetype(e, AE_IFREG);
	la->entry_set_perm(e, 0644);
	la->entry_set_size(e, 5);
	assert_int_equal(la->write_header(a, e), ARCHIVE_OK);
	assert_int_equal(la->write_data(a, "pwned", 5), 5);
	la->entry_free(e);
	assert_int_equal(la->write_close(a), ARCHIVE_OK);
	la->write_free(a);

	a = la->read_new();
	la->read_support_format_tar(a);
	assert_int_equal(la->read_open_memory(a, mem, used), ARCHIVE_OK);
	assert_int_equal(la->read_next_header(a, &e), ARCHIVE_OK);
	assert_string_equal(la->entry_pathname(e), "../evil");
	assert_int_equal(la->entry_size(e), 5);
	assert_int_equal(la->read_data(a, data, sizeof(data)), 5);
	assert_int_equal(la->read_next_header(a, &e), ARCHIVE_EOF);
	la->read_free(a);
	{
		char *out = NULL;

		assert_int_equal(archive_path_clean("../evil", &out, &err), -1);
		err_free(err);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_clean),
		cmocka_unit_test(test_link_resolve),
		cmocka_unit_test(test_docker_manifest_ok),
		cmocka_unit_test(test_docker_manifest_bad),
		cmocka_unit_test(test_docker_manifest_layer_cap),
		cmocka_unit_test(test_oci_ref_name),
		cmocka_unit_test(test_libarchive_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
