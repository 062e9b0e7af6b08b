/*
 * containerd.services.content.v1.Content: the blob store. Blobs are addressed by digest;
 * writes go through a ref (an ingest name) and are committed against an expected digest.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "ctd/ctd.h"
#include "containerd/services/content/v1/content.pb-c.h"

typedef Containerd__Services__Content__V1__Info CtdContentInfo;
typedef Containerd__Services__Content__V1__Status CtdContentStatus;
typedef Containerd__Services__Content__V1__ListStatusesResponse CtdContentStatusList;

/* Callbacks return 0 to go on, -1 (with *errp set) to stop; the error is returned as is. */
typedef int (*ctd_content_info_fn)(void *arg, const CtdContentInfo *info, struct err **errp);
typedef int (*ctd_content_data_fn)(void *arg, const uint8_t *data, size_t len, struct err **errp);

/* The blob's size, times and labels; ERR_NOT_FOUND if absent. *ret freed with ctd_msg_free. */
int ctd_content_info(struct ctd *c, const char *digest, CtdContentInfo **ret, struct err **errp);
/*
 * Sets labels ("key=value"; "key=" or "key" alone removes it) on blob digest. Only the
 * labels named are touched (update mask "labels.KEY"). ERR_NOT_FOUND if absent.
 */
int ctd_content_update_labels(struct ctd *c, const char *digest, char *const *labels,
			      struct err **errp);
/* Calls fn for each blob matching any of filters (NULL-terminated, may be NULL for all). */
int ctd_content_list(struct ctd *c, char *const *filters, ctd_content_info_fn fn, void *arg,
		     struct err **errp);
/* ERR_NOT_FOUND if absent. */
int ctd_content_delete(struct ctd *c, const char *digest, struct err **errp);
/*
 * Streams bytes [offset, offset + size) of the blob to fn (size 0: to the end), in the
 * chunks containerd sends. ERR_NOT_FOUND if absent; ERR_INTERNAL if containerd
 * skips or repeats bytes.
 */
int ctd_content_read(struct ctd *c, const char *digest, int64_t offset, int64_t size,
		     ctd_content_data_fn fn, void *arg, struct err **errp);
/* The ingest ref's progress; ERR_NOT_FOUND if no such ingest. *ret freed with ctd_msg_free. */
int ctd_content_status(struct ctd *c, const char *ref, CtdContentStatus **ret, struct err **errp);
int ctd_content_list_statuses(struct ctd *c, char *const *filters, CtdContentStatusList **ret,
			      struct err **errp);
/* Drops the ingest ref and its partial data; ERR_NOT_FOUND if none. */
int ctd_content_abort(struct ctd *c, const char *ref, struct err **errp);

/* A blob upload on one bidirectional Write stream. */
struct ctd_writer;

/*
 * Starts (or resumes) the ingest ref for a blob of total bytes (0: unknown) with digest
 * expected (NULL: unknown). ERR_EXISTS when containerd already has expected; ERR_UNAVAILABLE
 * while another writer holds ref. Writes start at offset 0 unless ctd_content_writer_resume
 * is called; containerd 1.6 does not reliably truncate a previous partial ingest on a write
 * at 0 ("write @N must occur at current offset M"), so check ctd_content_writer_offset.
 */
int ctd_content_writer_open(struct ctd *c, const char *ref, int64_t total, const char *expected,
			    struct ctd_writer **ret, struct err **errp);
/* Bytes containerd already had for ref when the writer opened. */
int64_t ctd_content_writer_offset(const struct ctd_writer *w);
/*
 * Resumes the ingest: the next write goes at ctd_content_writer_offset(w), after the bytes
 * containerd kept from an interrupted write (it re-hashes them; commit verifies the whole).
 */
void ctd_content_writer_resume(struct ctd_writer *w);
/* Appends len bytes; a few MiB may be in flight before containerd acknowledges them. */
int ctd_content_writer_write(struct ctd_writer *w, const void *data, size_t len,
			     struct err **errp);
/*
 * Commits: containerd checks size and digest (ERR_PRECONDITION on a mismatch, ERR_EXISTS
 * if the blob appeared meanwhile) and stores labels ("key=value", may be NULL).
 */
int ctd_content_writer_commit(struct ctd_writer *w, char *const *labels, struct err **errp);
/* Cancels the stream unless committed; the partial ingest stays until aborted or collected. */
void ctd_content_writer_free(struct ctd_writer *w);
DEFINE_CLEANUP_FUNC(ctd_content_writer_freep, struct ctd_writer *, ctd_content_writer_free)

/*
 * Writes a whole blob held in memory: open, write, commit. Returns 0 when containerd already
 * has expected (like containerd's content.WriteBlob).
 */
int ctd_content_write_blob(struct ctd *c, const char *ref, const void *data, size_t len,
			   const char *expected, char *const *labels, struct err **errp);
