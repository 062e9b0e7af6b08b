/*
 * Image references ("busybox", "host:5000/a/b:tag", "img@sha256:...") parsed and normalised
 * the way Docker does (github.com/docker/distribution/reference, ParseNormalizedNamed).
 */
#pragma once

#include "base/err.h"

struct ref {
	char *domain;	/* "docker.io", "localhost:5000", "[::1]:5000"; never NULL */
	char *path;	/* "library/busybox"; never NULL */
	char *tag;	/* "latest"; NULL when only a digest was given */
	char *digest;	/* "sha256:<hex>" or NULL */
};

#define REF_NAME_MAX 255	/* Docker's NameTotalLengthMax, over domain/path */
#define REF_TAG_MAX 128

/*
 * Parses and normalises s: a missing domain becomes docker.io, a one-component docker.io path
 * gets "library/", index.docker.io becomes docker.io, and a reference with neither tag nor
 * digest gets tag "latest". *ret (caller frees with ref_free) is set only on success.
 * Errors: ERR_INVALID with Docker's messages ("invalid reference format",
 * "invalid reference format: repository name must be lowercase", ...).
 */
int ref_parse(const char *s, struct ref **ret, struct err **errp);
/* Like ref_parse, but leaves tag NULL when none was given (for "images REPO" filters). */
int ref_parse_name_only(const char *s, struct ref **ret, struct err **errp);
/* Checks a tag alone against [\w][\w.-]{0,127}; 1 when valid. */
int ref_tag_valid(const char *tag);
/* Checks "algo:hex" (sha256/sha384/sha512, exact hex length, lowercase hex); 1 when valid. */
int ref_digest_valid(const char *digest);

/* "docker.io/library/busybox:latest", with "@digest" when set. Caller frees. */
char *ref_string(const struct ref *r);
/* "docker.io/library/busybox": domain and path only. Caller frees. */
char *ref_name(const struct ref *r);
/* Docker's familiar form: "busybox:latest", "user/img@sha256:...", "host:5000/x:t". */
char *ref_familiar(const struct ref *r);
/* Familiar name without tag or digest ("busybox"), as `images` prints REPOSITORY. */
char *ref_familiar_name(const struct ref *r);
/*
 * Digest if set, else tag: what goes after /manifests/ in a registry URL (a digest pins the
 * content, as containerd resolves "img:tag@digest"). Borrowed.
 */
const char *ref_object(const struct ref *r);
struct ref *ref_dup(const struct ref *r);
void ref_free(struct ref *r);

DEFINE_CLEANUP_FUNC(ref_freep, struct ref *, ref_free)
#define _cleanup_ref_ _cleanup_(ref_freep)
