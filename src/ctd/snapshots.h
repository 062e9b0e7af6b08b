/*
 * containerd.services.snapshots.v1.Snapshots: layered filesystems. Committed snapshots are
 * named (image layers by chain ID); active ones are keyed and give mounts.
 */
#pragma once

#include <stdint.h>

#include "ctd/ctd.h"
#include "containerd/services/snapshots/v1/snapshots.pb-c.h"

typedef Containerd__Services__Snapshots__V1__Info CtdSnapshotInfo;
typedef Containerd__Types__Mount CtdMount;
/* ->mounts[i], ->n_mounts: what Prepare, View and Mounts return. */
typedef Containerd__Services__Snapshots__V1__MountsResponse CtdMounts;

#define CTD_SNAPSHOT_KIND_VIEW CONTAINERD__SERVICES__SNAPSHOTS__V1__KIND__VIEW
#define CTD_SNAPSHOT_KIND_ACTIVE CONTAINERD__SERVICES__SNAPSHOTS__V1__KIND__ACTIVE
#define CTD_SNAPSHOT_KIND_COMMITTED CONTAINERD__SERVICES__SNAPSHOTS__V1__KIND__COMMITTED

/* Returns 0 to go on, -1 (with *errp set) to stop; the error is returned as is. */
typedef int (*ctd_snapshot_info_fn)(void *arg, const CtdSnapshotInfo *info, struct err **errp);

/*
 * Creates the active snapshot key on parent (NULL or "": empty) with labels ("k=v", may be
 * NULL). ERR_EXISTS if key is taken, ERR_NOT_FOUND if parent is missing. ret may be NULL;
 * else the mounts, freed with ctd_msg_free.
 */
int ctd_snapshots_prepare(struct ctd *c, const char *snapshotter, const char *key,
			  const char *parent, char *const *labels, CtdMounts **ret,
			  struct err **errp);
/* Like prepare, for a read-only view. */
int ctd_snapshots_view(struct ctd *c, const char *snapshotter, const char *key,
		       const char *parent, char *const *labels, CtdMounts **ret,
		       struct err **errp);
/* Mounts of an active or view snapshot; ERR_NOT_FOUND if absent. */
int ctd_snapshots_mounts(struct ctd *c, const char *snapshotter, const char *key,
			 CtdMounts **ret, struct err **errp);
/* Commits active key as name with labels (may be NULL). ERR_EXISTS if name is taken. */
int ctd_snapshots_commit(struct ctd *c, const char *snapshotter, const char *name,
			 const char *key, char *const *labels, struct err **errp);
/* ERR_NOT_FOUND if absent; ERR_PRECONDITION if it has children. */
int ctd_snapshots_remove(struct ctd *c, const char *snapshotter, const char *key,
			 struct err **errp);
/* ERR_NOT_FOUND if absent. *ret freed with ctd_msg_free. */
int ctd_snapshots_stat(struct ctd *c, const char *snapshotter, const char *key,
		       CtdSnapshotInfo **ret, struct err **errp);
/*
 * Updates info->name's labels; paths (NULL-terminated, NULL: all mutable fields) like
 * "labels" or "labels.KEY". ret may be NULL; else the stored info, freed with ctd_msg_free.
 */
int ctd_snapshots_update(struct ctd *c, const char *snapshotter, const CtdSnapshotInfo *info,
			 char *const *paths, CtdSnapshotInfo **ret, struct err **errp);
/* Calls fn for each snapshot matching any of filters (NULL-terminated, may be NULL: all). */
int ctd_snapshots_list(struct ctd *c, const char *snapshotter, char *const *filters,
		       ctd_snapshot_info_fn fn, void *arg, struct err **errp);
/* Disk usage of key alone (not its parents). ret_inodes may be NULL. ERR_NOT_FOUND. */
int ctd_snapshots_usage(struct ctd *c, const char *snapshotter, const char *key,
			int64_t *ret_size, int64_t *ret_inodes, struct err **errp);
/* Asks the snapshotter to free space held by removed snapshots. */
int ctd_snapshots_cleanup(struct ctd *c, const char *snapshotter, struct err **errp);
