/*
 * libFuzzer target for image references (src/registry/reference.c): any bytes parse or fail
 * with ERR_INVALID; a parsed reference re-parses from ref_string to the same fields, and
 * from ref_familiar too, except for the two ambiguities Docker's grammar has as well.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "registry/reference.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int
ref_eq(const struct ref *a, const struct ref *b)
{
	return str_eq(a->domain, b->domain) && str_eq(a->path, b->path) &&
	       str_eq(a->tag, b->tag) && str_eq(a->digest, b->digest);
}

/*
 * Docker's familiar form cannot be parsed back when the docker.io path's first component
 * looks like a registry ("docker.io/foo.bar/x" prints as "foo.bar/x"), or when it is a bare
 * 64-hex name without tag or digest (refused as an image ID).
 */
static int
familiar_ambiguous(const struct ref *r)
{
	const char *slash = strchr(r->path, '/');
	size_t n = slash ? (size_t)(slash - r->path) : strlen(r->path);

	if (strcmp(r->domain, "docker.io") != 0)
		return 0;
	if (slash && (memchr(r->path, '.', n) || memchr(r->path, ':', n) ||
		      (n == 9 && memcmp(r->path, "localhost", 9) == 0)))
		return 1;
	return !r->tag && !r->digest && strncmp(r->path, "library/", 8) == 0 &&
	       strlen(r->path + 8) == 64 && strspn(r->path + 8, "0123456789abcdef") == 64;
}

static void
check(const char *s, int name_only)
{
	struct ref *r = NULL, *again = NULL;
	struct err *err = NULL;
	char *full, *fam;
	int rc = name_only ? ref_parse_name_only(s, &r, &err) : ref_parse(s, &r, &err);

	if (rc < 0) {
		if (r || !err || err->kind != ERR_INVALID || !err->msg[0])
			abort();
		err_free(err);
		return;
	}
	if (err || !r || !r->domain || !r->path || (!name_only && !r->tag && !r->digest))
		abort();
	if (r->tag && !ref_tag_valid(r->tag))
		abort();
	if (r->digest && !ref_digest_valid(r->digest))
		abort();
	if (strlen(r->domain) + 1 + strlen(r->path) > REF_NAME_MAX)
		abort();

	full = ref_string(r);
	if (ref_parse_name_only(full, &again, &err) < 0 || !ref_eq(r, again))
		abort();
	ref_free(again);
	again = NULL;

	fam = ref_familiar(r);
	if (!familiar_ambiguous(r)) {
		if (ref_parse_name_only(fam, &again, &err) < 0 || !ref_eq(r, again))
			abort();
		ref_free(again);
		again = ref_dup(r);
		if (!ref_eq(r, again))
			abort();
		ref_free(again);
	}
	err_free(err);
	free(full);
	free(fam);
	ref_free(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check(s, 0);
	check(s, 1);
	free(s);
	return 0;
}
