/*
 * OCI distribution client for one registry host: manifests and blobs by reference, pushes
 * with cross-repository mounts, token and Basic auth, mirrors and TLS from hosts dirs.
 * libcurl is loaded on first use. Not thread-safe: one struct reg per thread.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/buf.h"
#include "base/err.h"
#include "registry/creds.h"
#include "registry/reference.h"

#define REG_MANIFEST_MAX (4u << 20)	/* Docker's and containerd's manifest limit */
#define REG_SMALL_BODY_MAX (1u << 20)	/* token responses, error bodies */

#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"

struct reg_opts {
	const char *const *hosts_dirs;	/* NULL-terminated; NULL = reg_default_hosts_dirs */
	int insecure;			/* --insecure-registry */
	const char *docker_config;	/* NULL = $DOCKER_CONFIG or ~/.docker */
	const struct reg_cred *cred;	/* explicit credentials (login); copied */
	int retries;			/* on 429/5xx/transport errors; 0 = 3, <0 = none */
	int retry_base_ms;		/* backoff base, doubled per try, capped at 5 s; 0 = 250 */
	const char *user_agent;		/* NULL = "nerdc/VERSION" */
};

struct reg;

/*
 * A client for domain (as in struct ref: "docker.io", "localhost:5000"). Reads hosts config
 * now, credentials on the first 401. Errors: see reg_hosts_resolve; ERR_UNAVAILABLE when
 * libcurl cannot be loaded.
 */
struct reg *reg_new(const char *domain, const struct reg_opts *o, struct err **errp);
void reg_free(struct reg *r);

struct reg_manifest {
	char *media_type;
	char *digest;		/* "sha256:..." over the bytes as received */
	int64_t size;
	struct buf body;	/* empty after reg_manifest_head */
};

/*
 * Fetches the manifest ref names (by digest when ref has one, which is then verified).
 * *ret (free with reg_manifest_free) is set on success. Errors: ERR_NOT_FOUND
 * ("docker.io/library/x:latest: not found"), ERR_UNAUTHORIZED, ERR_PERMISSION, ERR_RESOURCE
 * (over REG_MANIFEST_MAX), ERR_INVALID (digest mismatch), ERR_UNIMPLEMENTED (schema 1),
 * ERR_UNAVAILABLE (cannot connect).
 */
int reg_manifest_get(struct reg *r, const struct ref *ref, struct reg_manifest **ret,
		     struct err **errp);
/*
 * HEAD: media type, digest and size without the body; errors as reg_manifest_get. digest is
 * NULL when the registry sent no Docker-Content-Digest for a tag (then GET instead).
 */
int reg_manifest_head(struct reg *r, const struct ref *ref, struct reg_manifest **ret,
		      struct err **errp);
/*
 * Uploads a manifest under tag_or_digest of repo with the given media type. *ret_digest
 * (optional, caller frees) gets its digest.
 */
int reg_manifest_put(struct reg *r, const char *repo, const char *tag_or_digest,
		     const char *media_type, const void *data, size_t len, char **ret_digest,
		     struct err **errp);
void reg_manifest_free(struct reg_manifest *m);

/* Receives blob bytes as they arrive; returns 0, or -1 with *errp set to stop. */
typedef int (*reg_sink_fn)(void *ud, const void *data, size_t len, struct err **errp);
/* Fills buf with up to n bytes; returns the count, 0 at the end, -1 with *errp on error. */
typedef ssize_t (*reg_source_fn)(void *ud, void *buf, size_t n, struct err **errp);

/*
 * Streams blob digest of repo to sink, following redirects, and checks the digest (and size,
 * when size >= 0) at the end: on mismatch it fails with ERR_INVALID after the sink saw the
 * bytes, so the sink must treat its output as provisional until this returns 0.
 */
int reg_blob_get(struct reg *r, const char *repo, const char *digest, int64_t size,
		 reg_sink_fn sink, void *ud, struct err **errp);
/*
 * Like reg_blob_get from byte offset on (an HTTP Range request; a registry that ignores it
 * has its first offset bytes dropped here), to resume an interrupted download. The digest
 * cannot be checked here: the content store must verify the whole blob.
 */
int reg_blob_get_from(struct reg *r, const char *repo, const char *digest, int64_t offset,
		      int64_t size, reg_sink_fn sink, void *ud, struct err **errp);
/* 1 when the blob exists (*ret_size set if not NULL), 0 when not, -1 on error. */
int reg_blob_exists(struct reg *r, const char *repo, const char *digest, int64_t *ret_size,
		    struct err **errp);

struct reg_push_opts {
	const char *mount_from;	/* repository on the same registry to mount from, or NULL */
	size_t chunk_size;	/* 0 = one monolithic PUT; else PATCH chunks of this size */
};

/*
 * Uploads size bytes read from src as blob digest of repo, unless it exists or can be
 * mounted. The bytes are digested as sent; a mismatch fails with ERR_INVALID.
 */
int reg_blob_push(struct reg *r, const char *repo, const char *digest, int64_t size,
		  reg_source_fn src, void *ud, const struct reg_push_opts *po, struct err **errp);
/* reg_blob_push from memory; *ret_digest (optional) gets the sha256 digest. */
int reg_blob_push_bytes(struct reg *r, const char *repo, const void *data, size_t len,
			const struct reg_push_opts *po, char **ret_digest, struct err **errp);

/* GET /v2/ with credentials, as `login` checks them. ERR_UNAUTHORIZED when refused. */
int reg_ping(struct reg *r, struct err **errp);

DEFINE_CLEANUP_FUNC(reg_freep, struct reg *, reg_free)
#define _cleanup_reg_ _cleanup_(reg_freep)
DEFINE_CLEANUP_FUNC(reg_manifest_freep, struct reg_manifest *, reg_manifest_free)
#define _cleanup_reg_manifest_ _cleanup_(reg_manifest_freep)
