/* Table-driven tests for platforms, image documents and chain IDs (src/image/). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "image/manifest.h"
#include "image/platform.h"
#include "image/store.h"
#include "base/strv.h"
#include "base/xalloc.h"

#define A64 "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define B64 "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define C64 "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

static const struct {
	const char *in;
	const char *out;	/* platform_string, NULL: error */
} platform_rows[] = {
	{ "linux/amd64", "linux/amd64" },
	{ "linux/x86_64", "linux/amd64" },
	{ "Linux/AMD64", "linux/amd64" },
	{ "linux/amd64/v1", "linux/amd64" },
	{ "linux/amd64/v3", "linux/amd64/v3" },
	{ "amd64", "linux/amd64" },
	{ "aarch64", "linux/arm64" },
	{ "linux/arm64/v8", "linux/arm64" },
	{ "linux/arm64", "linux/arm64" },
	{ "linux/arm", "linux/arm/v7" },
	{ "linux/arm/7", "linux/arm/v7" },
	{ "linux/arm/v6", "linux/arm/v6" },
	{ "linux/arm/6", "linux/arm/v6" },
	{ "armhf", "linux/arm/v7" },
	{ "armel", "linux/arm/v6" },
	{ "i386", "linux/386" },
	{ "windows/amd64", "windows/amd64" },
	{ "linux/s390x", "linux/s390x" },
	{ "linux/ppc64le", "linux/ppc64le" },
	{ "macos/arm64", "darwin/arm64" },
	{ "nosuch", NULL },
	{ "", NULL },
	{ "linux/", NULL },
	{ "linux/amd64/v2/x", NULL },
	{ "linux/*", NULL },
	{ "linux/am d64", NULL },
};

static void
test_platform_parse(void **state)
{
	for (size_t i = 0; i < sizeof(platform_rows) / sizeof(platform_rows[0]); i++) {
		struct platform p;
		struct err *e = NULL;
		char buf[PLATFORM_STR_SIZE];
		int r = platform_parse(platform_rows[i].in, &p, &e);

		if (!platform_rows[i].out) {
			if (r == 0)
				fail_msg("\"%s\": parsed as %s", platform_rows[i].in,
					 platform_string(&p, buf, sizeof(buf)));
			assert_int_equal(e->kind, ERR_INVALID);
			assert_non_null(strstr(e->msg, "invalid platform"));
			err_free(e);
			continue;
		}
		if (r < 0)
			fail_msg("\"%s\": %s", platform_rows[i].in, e->msg);
		assert_string_equal(platform_string(&p, buf, sizeof(buf)), platform_rows[i].out);
	}
}

static void
test_platform_lone_os(void **state)
{
	struct platform p, host;
	struct err *e = NULL;

	platform_host(&host);
	assert_int_equal(platform_parse("linux", &p, &e), 0);
	assert_true(platform_equal(&p, &host));
}

static void
test_platform_match(void **state)
{
	struct platform_matcher m;
	struct platform p;

	platform_parse("linux/amd64", &p, NULL);
	platform_matcher_only(&m, &p);
	platform_set(&p, "linux", "amd64", NULL);
	assert_int_equal(platform_match(&m, &p), 0);
	platform_set(&p, "linux", "386", NULL);
	assert_int_equal(platform_match(&m, &p), 1);
	platform_set(&p, "linux", "arm64", NULL);
	assert_int_equal(platform_match(&m, &p), -1);
	platform_set(&p, "windows", "amd64", NULL);
	assert_int_equal(platform_match(&m, &p), -1);
	platform_set(&p, "linux", "amd64", "v2");
	assert_int_equal(platform_match(&m, &p), -1);

	/* arm64 also runs arm/v8 .. arm/v5, in that order. */
	platform_parse("linux/arm64", &p, NULL);
	platform_matcher_only(&m, &p);
	platform_set(&p, "linux", "arm64", "v8");
	assert_int_equal(platform_match(&m, &p), 0);
	platform_set(&p, "linux", "arm", "v7");
	assert_int_equal(platform_match(&m, &p), 2);
	platform_set(&p, "linux", "arm", "v5");
	assert_int_equal(platform_match(&m, &p), 4);

	platform_parse("linux/arm/v7", &p, NULL);
	platform_matcher_exact(&m, &p);
	platform_set(&p, "linux", "arm", NULL); /* "" normalises to v7 */
	assert_int_equal(platform_match(&m, &p), 0);
	platform_set(&p, "linux", "arm", "v6");
	assert_int_equal(platform_match(&m, &p), -1);

	platform_matcher_all(&m);
	assert_int_equal(platform_match(&m, &p), 0);
}

#define MANIFEST(mt, extra)                                                                        \
	"{\"schemaVersion\":2," mt "\"config\":{\"mediaType\":\"" MT_OCI_CONFIG "\",\"digest\":\"" \
	A64 "\",\"size\":10},\"layers\":[{\"mediaType\":\"" MT_OCI_LAYER_GZIP "\",\"digest\":\""   \
	B64 "\",\"size\":20}]" extra "}"

static const struct {
	const char *doc;
	const char *announced;
	int err;	/* 0: parses */
	const char *msg;
} manifest_rows[] = {
	{ MANIFEST("", ""), MT_OCI_MANIFEST, 0, NULL },
	{ MANIFEST("", ""), NULL, 0, NULL },
	{ MANIFEST("\"mediaType\":\"" MT_OCI_MANIFEST "\",", ""), MT_OCI_MANIFEST, 0, NULL },
	{ MANIFEST("\"mediaType\":\"" MT_DOCKER_MANIFEST "\",", ""), MT_DOCKER_MANIFEST, 0, NULL },
	{ MANIFEST("\"mediaType\":\"" MT_DOCKER_MANIFEST "\",", ""), MT_OCI_MANIFEST, ERR_INVALID,
	  "does not match" },
	{ MANIFEST("", ",\"manifests\":[]"), MT_OCI_MANIFEST, ERR_INVALID, "not a manifest" },
	{ "{\"schemaVersion\":1,\"name\":\"x\"}", NULL, ERR_UNIMPLEMENTED, "schema 1" },
	{ "{}", MT_DOCKER_SCHEMA1_SIGNED, ERR_UNIMPLEMENTED, "schema 1" },
	{ "{\"schemaVersion\":2,\"layers\":[]}", NULL, ERR_INVALID, "missing config" },
	{ "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:abc\",\"size\":1},\"layers\":[]}",
	  NULL, ERR_INVALID, "digest" },
	{ "{\"schemaVersion\":2,\"config\":{\"digest\":\"" A64 "\",\"size\":-1},\"layers\":[]}",
	  NULL, ERR_INVALID, "size" },
	{ "{\"schemaVersion\":2,\"config\":{\"digest\":\"" A64 "\",\"size\":1}}", NULL, ERR_INVALID,
	  "layers" },
	{ "{\"schemaVersion\":2,\"schemaVersion\":2}", NULL, ERR_INVALID, "JSON" },
	{ "[1]", NULL, ERR_INVALID, "object" },
	{ "{\"schemaVersion\":3}", NULL, ERR_INVALID, "schemaVersion" },
};

static void
test_manifest_parse(void **state)
{
	for (size_t i = 0; i < sizeof(manifest_rows) / sizeof(manifest_rows[0]); i++) {
		struct img_manifest *m = NULL;
		struct err *e = NULL;
		const char *d = manifest_rows[i].doc;
		int r = img_manifest_parse(d, strlen(d), manifest_rows[i].announced, &m, &e);

		if (!manifest_rows[i].err) {
			if (r < 0)
				fail_msg("row %zu: %s", i, e->msg);
			assert_string_equal(m->config.digest, A64);
			assert_int_equal(m->config.size, 10);
			assert_int_equal(m->n_layers, 1);
			assert_string_equal(m->layers[0].media_type, MT_OCI_LAYER_GZIP);
			assert_int_equal(img_media_kind(m->layers[0].media_type), IMG_KIND_LAYER);
			img_manifest_free(m);
			continue;
		}
		if (r == 0)
			fail_msg("row %zu parsed", i);
		assert_int_equal(e->kind, manifest_rows[i].err);
		if (!strstr(e->msg, manifest_rows[i].msg))
			fail_msg("row %zu: \"%s\" lacks \"%s\"", i, e->msg, manifest_rows[i].msg);
		err_free(e);
	}
}

static void
test_manifest_too_big(void **state)
{
	size_t n = IMG_DOC_MAX + 1;
	char *big = xmalloc(n);
	struct img_manifest *m = NULL;
	struct err *e = NULL;

	memset(big, ' ', n);
	assert_int_equal(img_manifest_parse(big, n, NULL, &m, &e), -1);
	assert_int_equal(e->kind, ERR_RESOURCE);
	err_free(e);
	free(big);
}

static void
test_index_parse(void **state)
{
	static const char doc[] =
		"{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_INDEX "\",\"manifests\":["
		"{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" A64 "\",\"size\":1,"
		"\"platform\":{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v6\"}},"
		"{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" B64 "\",\"size\":2,"
		"\"annotations\":{\"org.opencontainers.image.ref.name\":\"x\"}}]}";
	static const char layers[] = "{\"schemaVersion\":2,\"manifests\":[],\"layers\":[]}";
	struct img_index *x = NULL;
	struct err *e = NULL;
	char buf[PLATFORM_STR_SIZE];
	_cleanup_strv_ struct strv labels = STRV_INIT;

	assert_int_equal(img_index_parse(doc, strlen(doc), MT_OCI_INDEX, &x, &e), 0);
	assert_int_equal(x->n_manifests, 2);
	assert_true(x->manifests[0].has_platform);
	assert_string_equal(platform_string(&x->manifests[0].platform, buf, sizeof(buf)),
			    "linux/arm/v6");
	assert_false(x->manifests[1].has_platform);
	assert_string_equal(json_string_value(json_object_get(x->manifests[1].annotations,
							       "org.opencontainers.image.ref.name")),
			    "x");
	img_gc_labels_index(x->manifests, x->n_manifests, &labels);
	assert_int_equal(labels.n, 2);
	assert_string_equal(labels.v[0], "containerd.io/gc.ref.content.m.0=" A64);
	assert_string_equal(labels.v[1], "containerd.io/gc.ref.content.m.1=" B64);
	img_index_free(x);

	assert_int_equal(img_index_parse(layers, strlen(layers), NULL, &x, &e), -1);
	assert_int_equal(e->kind, ERR_INVALID);
	err_free(e);
}

static void
test_config_parse(void **state)
{
	static const char doc[] = "{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\","
				  "\"created\":\"2024-01-02T03:04:05Z\",\"config\":{},"
				  "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" A64 "\",\"" B64 "\"]}}";
	static const char bad[] = "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:x\"]}}";
	static const char sha512[] =
		"{\"rootfs\":{\"diff_ids\":[\"sha512:"
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"]}}";
	struct img_config *c = NULL;
	struct err *e = NULL;
	char buf[PLATFORM_STR_SIZE];

	assert_int_equal(img_config_parse(doc, strlen(doc), &c, &e), 0);
	assert_string_equal(platform_string(&c->platform, buf, sizeof(buf)), "linux/arm64");
	assert_string_equal(c->created, "2024-01-02T03:04:05Z");
	assert_int_equal(c->n_diff_ids, 2);
	assert_string_equal(c->diff_ids[1], B64);
	img_config_free(c);
	assert_int_equal(img_config_parse(bad, strlen(bad), &c, &e), -1);
	assert_int_equal(e->kind, ERR_INVALID);
	err_free(e);
	e = NULL;
	assert_int_equal(img_config_parse(sha512, strlen(sha512), &c, &e), -1);
	assert_int_equal(e->kind, ERR_UNIMPLEMENTED);
	err_free(e);
	e = NULL;
	assert_int_equal(img_config_parse("{}", 2, &c, &e), -1);
	assert_int_equal(e->kind, ERR_INVALID);
	err_free(e);
}

static void
test_chain_ids(void **state)
{
	char *ids[] = { A64, B64, C64, NULL };
	char out[3][DIGEST_STR_SIZE];
	struct err *e = NULL;

	if (img_chain_ids(ids, 3, out, &e) < 0) {
		if (e->kind == ERR_UNAVAILABLE)
			skip(); /* no libcrypto */
		fail_msg("%s", e->msg);
	}
	assert_string_equal(out[0], A64);
	assert_string_equal(out[1],
			    "sha256:ccd722928bd92476ba1745586fed6e45a102504185ad88cd89e01ff116fd146c");
	assert_string_equal(out[2],
			    "sha256:c1377126441fb2f5ec2c21ae2a60255331d639e830f0ee1b40a36e52d4c40588");
}

static void
test_media_kinds(void **state)
{
	assert_int_equal(img_media_kind(MT_DOCKER_LIST), IMG_KIND_INDEX);
	assert_int_equal(img_media_kind(MT_OCI_INDEX), IMG_KIND_INDEX);
	assert_int_equal(img_media_kind(MT_DOCKER_MANIFEST), IMG_KIND_MANIFEST);
	assert_int_equal(img_media_kind(MT_DOCKER_CONFIG), IMG_KIND_CONFIG);
	assert_int_equal(img_media_kind(MT_DOCKER_LAYER_GZIP), IMG_KIND_LAYER);
	assert_int_equal(img_media_kind(MT_OCI_LAYER_ZSTD), IMG_KIND_LAYER);
	assert_int_equal(img_media_kind(MT_DOCKER_SCHEMA1), IMG_KIND_SCHEMA1);
	assert_int_equal(img_media_kind("application/vnd.in-toto+json"), IMG_KIND_UNKNOWN);
	assert_int_equal(img_media_kind(NULL), IMG_KIND_UNKNOWN);
}

static void
test_manifest_gc_labels(void **state)
{
	const char *d = MANIFEST("", "");
	struct img_manifest *m = NULL;
	_cleanup_strv_ struct strv labels = STRV_INIT;

	assert_int_equal(img_manifest_parse(d, strlen(d), NULL, &m, NULL), 0);
	img_gc_labels_manifest(m, &labels);
	assert_int_equal(labels.n, 2);
	assert_string_equal(labels.v[0], "containerd.io/gc.ref.content.config=" A64);
	assert_string_equal(labels.v[1], "containerd.io/gc.ref.content.l.0=" B64);
	img_manifest_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_platform_parse),
		cmocka_unit_test(test_platform_lone_os),
		cmocka_unit_test(test_platform_match),
		cmocka_unit_test(test_manifest_parse),
		cmocka_unit_test(test_manifest_too_big),
		cmocka_unit_test(test_index_parse),
		cmocka_unit_test(test_config_parse),
		cmocka_unit_test(test_chain_ids),
		cmocka_unit_test(test_media_kinds),
		cmocka_unit_test(test_manifest_gc_labels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
