/*
 * libFuzzer target for image documents from registries and content stores
 * (src/image/manifest.c): the first byte picks the announced media type, the rest is parsed
 * as an index, a manifest and a config. Checks: errors have the documented kinds; what
 * parses holds validated digests, sizes >= 0 and the right kind of media type; descriptors
 * copy and release cleanly; chain IDs of the diff IDs compute.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const announced[] = {
	NULL, "", MT_OCI_INDEX, MT_DOCKER_LIST, MT_OCI_MANIFEST, MT_DOCKER_MANIFEST,
	MT_DOCKER_SCHEMA1_SIGNED, MT_OCI_CONFIG,
};

static void
check_err(int rc, struct err *err, const void *ret)
{
	if (rc == 0) {
		if (err || !ret)
			abort();
		return;
	}
	if (!err || ret || !err->msg[0])
		abort();
	if (err->kind != ERR_INVALID && err->kind != ERR_RESOURCE &&
	    err->kind != ERR_UNIMPLEMENTED)
		abort();
}

static void
check_desc(const struct img_desc *d)
{
	struct img_desc copy;
	char pl[PLATFORM_STR_SIZE];

	if (!d->media_type || !d->digest || digest_parse(d->digest, NULL) < 0 || d->size < 0)
		abort();
	if (d->annotations && !json_is_object(d->annotations))
		abort();
	if (d->has_platform && (!d->platform.os[0] || strlen(platform_string(&d->platform, pl,
									     sizeof(pl))) >= sizeof(pl)))
		abort();
	img_desc_copy(&copy, d);
	if (strcmp(copy.digest, d->digest) != 0)
		abort();
	img_desc_release(&copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct img_index *x = NULL;
	struct img_manifest *m = NULL;
	struct img_config *c = NULL;
	struct err *err = NULL;
	const char *mt, *doc;
	size_t len;
	int rc;

	if (size < 1)
		return 0;
	mt = announced[data[0] % (sizeof(announced) / sizeof(announced[0]))];
	doc = (const char *)data + 1;
	len = size - 1;

	rc = img_index_parse(doc, len, mt, &x, &err);
	check_err(rc, err, x);
	if (x) {
		if (img_media_kind(x->media_type) != IMG_KIND_INDEX)
			abort();
		for (size_t i = 0; i < x->n_manifests; i++)
			check_desc(&x->manifests[i]);
		img_index_free(x);
	}
	err_clear(&err);

	rc = img_manifest_parse(doc, len, mt, &m, &err);
	check_err(rc, err, m);
	if (m) {
		if (img_media_kind(m->media_type) != IMG_KIND_MANIFEST)
			abort();
		check_desc(&m->config);
		for (size_t i = 0; i < m->n_layers; i++)
			check_desc(&m->layers[i]);
		img_manifest_free(m);
	}
	err_clear(&err);

	rc = img_config_parse(doc, len, &c, &err);
	check_err(rc, err, c);
	if (c) {
		char(*chain)[DIGEST_STR_SIZE] = calloc(c->n_diff_ids + 1, DIGEST_STR_SIZE);

		if (!c->json || !c->platform.os[0] || (c->n_diff_ids && !c->diff_ids))
			abort();
		for (size_t i = 0; i < c->n_diff_ids; i++)
			if (strncmp(c->diff_ids[i], "sha256:", 7) != 0 ||
			    digest_parse(c->diff_ids[i], NULL) < 0)
				abort();
		/* libcrypto may be missing where this runs: then chain IDs fail, which is fine. */
		if (chain && img_chain_ids(c->diff_ids, c->n_diff_ids, chain, &err) == 0)
			for (size_t i = 0; i < c->n_diff_ids; i++)
				if (digest_parse(chain[i], NULL) < 0)
					abort();
		free(chain);
		img_config_free(c);
	}
	err_free(err);
	return 0;
}
