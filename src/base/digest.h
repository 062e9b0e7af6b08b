/*
 * Content digests as OCI writes them ("sha256:<64 lowercase hex>"): streams with libcrypto,
 * one-shot digests (digest_bytes) with libnettle, both opened on first use (see dl.h)
 * rather than linked.
 */
#pragma once

#include <stddef.h>

#include "cleanup.h"
#include "err.h"

/* "sha256:" + 64 hex digits + NUL. */
#define DIGEST_STR_SIZE 72

/* A running SHA-256 over bytes fed in pieces. */
struct digester;

/*
 * Starts a SHA-256. *ret is owned by the caller (digester_free). ERR_UNAVAILABLE when
 * libcrypto.so.3 or one of its symbols cannot be loaded, ERR_INTERNAL when it fails to start.
 */
int digester_new(struct digester **ret, struct err **errp);
/* Feeds n bytes. libcrypto failing here (it does not for SHA-256) aborts the process. */
void digester_update(struct digester *d, const void *p, size_t n);
/* Writes "sha256:<hex>" over everything fed so far; d may not be fed or finalised again. */
void digester_final(struct digester *d, char ret_hex[DIGEST_STR_SIZE]);
/* NULL is fine. */
void digester_free(struct digester *d);

DEFINE_CLEANUP_FUNC(digester_freep, struct digester *, digester_free)
#define _cleanup_digester_ _cleanup_(digester_freep)

/*
 * SHA-256 of p[0..n) as "sha256:<hex>" in ret: libnettle (~0.2 ms to load, against ~3 ms for
 * libcrypto), or libcrypto when libnettle.so.8 is missing (errors then as digester_new).
 */
int digest_bytes(const void *p, size_t n, char ret[DIGEST_STR_SIZE], struct err **errp);

/*
 * Checks the syntax of a digest string the way go-digest (and so Docker) does: sha256 with 64,
 * sha384 with 96 and sha512 with 128 lowercase hex digits. ERR_INVALID with Docker's words:
 * "invalid checksum digest format", "invalid checksum digest length",
 * "unsupported digest algorithm".
 */
int digest_parse(const char *s, struct err **errp);
