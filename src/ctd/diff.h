/* containerd.services.diff.v1.Diff: applies layer blobs onto mounts, and computes diffs. */
#pragma once

#include <stddef.h>

#include "ctd/ctd.h"
#include "containerd/services/diff/v1/diff.pb-c.h"

typedef Containerd__Types__Descriptor CtdDescriptor;
typedef Containerd__Types__Mount CtdMount;

/*
 * Unpacks the content-store blob desc (a layer: tar, +gzip, +zstd) onto mounts[0..n). On
 * success *ret_applied (may be NULL; freed with ctd_msg_free) describes the uncompressed tar:
 * its digest is the layer's diff ID. ERR_NOT_FOUND if the blob is absent.
 */
int ctd_diff_apply(struct ctd *c, const CtdDescriptor *desc, CtdMount *const *mounts, size_t n,
		   CtdDescriptor **ret_applied, struct err **errp);
/*
 * Computes the changes from left to right mounts as a media_type layer (NULL: containerd's
 * default, gzip tar), writes it to the content store under ingest ref (may be NULL) with
 * labels (may be NULL). *ret (freed with ctd_msg_free) describes the stored blob.
 */
int ctd_diff_diff(struct ctd *c, CtdMount *const *left, size_t nleft, CtdMount *const *right,
		  size_t nright, const char *media_type, const char *ref, char *const *labels,
		  CtdDescriptor **ret, struct err **errp);
