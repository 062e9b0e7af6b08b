/* Snapshots service wrappers. */
#include <stdlib.h>

#include "ctd/labels.h"
#include "ctd/snapshots.h"
#include "google/protobuf/empty.pb-c.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "base/banned.h"

#define SN_METHOD(m) "/containerd.services.snapshots.v1.Snapshots/" m
#define DESC(name) (&containerd__services__snapshots__v1__##name##__descriptor)

typedef Containerd__Services__Snapshots__V1__PrepareSnapshotResponse PrepareResp;
typedef Containerd__Services__Snapshots__V1__ViewSnapshotResponse ViewResp;

/* Moves a mounts array out of a Prepare/View reply into a CtdMounts of its own. */
static CtdMounts *
mounts_take(Containerd__Types__Mount ***mounts, size_t *n)
{
	CtdMounts *m = xnew(CtdMounts, 1);

	containerd__services__snapshots__v1__mounts_response__init(m);
	m->mounts = TAKE_PTR(*mounts);
	m->n_mounts = *n;
	*n = 0;
	return m;
}

int
ctd_snapshots_prepare(struct ctd *c, const char *snapshotter, const char *key,
		      const char *parent, char *const *labels, CtdMounts **ret, struct err **errp)
{
	Containerd__Services__Snapshots__V1__PrepareSnapshotRequest req =
		CONTAINERD__SERVICES__SNAPSHOTS__V1__PREPARE_SNAPSHOT_REQUEST__INIT;
	_cleanup_ctd_msg_ PrepareResp *resp = NULL;
	int r;

	req.snapshotter = (char *)snapshotter;
	req.key = (char *)key;
	req.parent = (char *)(parent ? parent : "");
	req.labels = (void *)ctd_labels_build(DESC(prepare_snapshot_request__labels_entry), labels,
					      &req.n_labels);
	r = ctd_call(c, SN_METHOD("Prepare"), &req.base, DESC(prepare_snapshot_response),
		     (ProtobufCMessage **)&resp, errp);
	ctd_labels_free((struct ctd_label **)req.labels, req.n_labels);
	if (r < 0)
		return -1;
	if (ret)
		*ret = mounts_take(&resp->mounts, &resp->n_mounts);
	return 0;
}

int
ctd_snapshots_view(struct ctd *c, const char *snapshotter, const char *key, const char *parent,
		   char *const *labels, CtdMounts **ret, struct err **errp)
{
	Containerd__Services__Snapshots__V1__ViewSnapshotRequest req =
		CONTAINERD__SERVICES__SNAPSHOTS__V1__VIEW_SNAPSHOT_REQUEST__INIT;
	_cleanup_ctd_msg_ ViewResp *resp = NULL;
	int r;

	req.snapshotter = (char *)snapshotter;
	req.key = (char *)key;
	req.parent = (char *)(parent ? parent : "");
	req.labels = (void *)ctd_labels_build(DESC(view_snapshot_request__labels_entry), labels,
					      &req.n_labels);
	r = ctd_call(c, SN_METHOD("View"), &req.base, DESC(view_snapshot_response),
		     (ProtobufCMessage **)&resp, errp);
	ctd_labels_free((struct ctd_label **)req.labels, req.n_labels);
	if (r < 0)
		return -1;
	if (ret)
		*ret = mounts_take(&resp->mounts, &resp->n_mounts);
	return 0;
}

int
ctd_snapshots_mounts(struct ctd *c, const char *snapshotter, const char *key, CtdMounts **ret,
		     struct err **errp)
{
	Containerd__Services__Snapshots__V1__MountsRequest req =
		CONTAINERD__SERVICES__SNAPSHOTS__V1__MOUNTS_REQUEST__INIT;

	req.snapshotter = (char *)snapshotter;
	req.key = (char *)key;
	return ctd_call(c, SN_METHOD("Mounts"), &req.base, DESC(mounts_response),
			(ProtobufCMessage **)ret, errp);
}

int
ctd_snapshots_commit(struct ctd *c, const char *snapshotter, const char *name, const char *key,
		     char *const *labels, struct err **errp)
{
	Containerd__Services__Snapshots__V1__CommitSnapshotRequest req =
		CONTAINERD__SERVICES__SNAPSHOTS__V1__COMMIT_SNAPSHOT_REQUEST__INIT;
	_cleanup_ctd_msg_ ProtobufCMessage *resp = NULL;
	int r;

	req.snapshotter = (char *)snapshotter;
	req.name = (char *)name;
	req.key = (char *)key;
	req.labels = (void *)ctd_labels_build(DESC(commit_snapshot_request__labels_entry), labels,
					      &req.n_labels);
	r = ctd_call(c, SN_METHOD("Commit"), &req.base, &google__protobuf__empty__descriptor, &resp,
		     errp);
	ctd_labels_free((struct ctd_label **)req.labels, req.n_labels);
	return r;
}

int
ctd_snapshots_remove(struct ctd *c, const char *snapshotter, const char *key, struct err **errp)
{
	Containerd__Services__Snapshots__V1__RemoveSnapshotRequest req =
		CONTAINERD__SERVICES__SNAPSHOTS__V1__REMOVE_SNAPSHOT_REQUEST__INIT;
	_cleanup_ctd_msg_ ProtobufCMessage *resp = NULL;

	req.snapshotter = (char *)snapshotter;
	req.key = (char *)key;
	return ctd_call(c, SN_METHOD("Remove"), &req.base, &google__protobuf__empty__descriptor,
			&resp, errp);
}

int
ctd_snapshots_stat(struct ctd *c, const char *snapshotter, const char *key,
		   CtdSnapshotInfo **ret, struct err **errp)
{
	Containerd__Services__Snapshots__V1__StatSnapshotRequest req =
		CONTAINERD__SERVICES__SNAPSHOTS__V1__STAT_SNAPSHOT_REQUEST__INIT;
	_cleanup_ctd_msg_ Containerd__Services__Snapshots__V1__StatSnapshotResponse *resp = NULL;

	req.snapshotter = (char *)snapshotter;
	req.key = (char *)key;
	if (ctd_call(c, SN_METHOD("Stat"), &req.base, DESC(stat_snapshot_response),
		     (ProtobufCMessage **)&resp, errp) < 0)
		return -1;
	if (!resp->info)
		return err_set(errp, ERR_INTERNAL, "containerd returned no info for snapshot %s", key);
	*ret = TAKE_PTR(resp->info);
	return 0;
}

int
ctd_snapshots_update(struct ctd *c, const char *snapshotter, const CtdSnapshotInfo *info,
		     char *const *paths, CtdSnapshotInfo **ret, struct err **errp)
{
	Containerd__Services__Snapshots__V1__UpdateSnapshotRequest req =
		CONTAINERD__SERVICES__SNAPSHOTS__V1__UPDATE_SNAPSHOT_REQUEST__INIT;
	Google__Protobuf__FieldMask mask = GOOGLE__PROTOBUF__FIELD_MASK__INIT;
	_cleanup_ctd_msg_ Containerd__Services__Snapshots__V1__UpdateSnapshotResponse *resp = NULL;

	req.snapshotter = (char *)snapshotter;
	req.info = (CtdSnapshotInfo *)info;
	if (paths) {
		mask.n_paths = strv_length(paths);
		mask.paths = (char **)paths;
		req.update_mask = &mask;
	}
	if (ctd_call(c, SN_METHOD("Update"), &req.base, DESC(update_snapshot_response),
		     (ProtobufCMessage **)&resp, errp) < 0)
		return -1;
	if (ret) {
		if (!resp->info)
			return err_set(errp, ERR_INTERNAL, "containerd returned no snapshot info");
		*ret = TAKE_PTR(resp->info);
	}
	return 0;
}

int
ctd_snapshots_list(struct ctd *c, const char *snapshotter, char *const *filters,
		   ctd_snapshot_info_fn fn, void *arg, struct err **errp)
{
	Containerd__Services__Snapshots__V1__ListSnapshotsRequest req =
		CONTAINERD__SERVICES__SNAPSHOTS__V1__LIST_SNAPSHOTS_REQUEST__INIT;
	_cleanup_(ctd_stream_freep) struct ctd_stream *s = NULL;

	req.snapshotter = (char *)snapshotter;
	req.n_filters = filters ? strv_length(filters) : 0;
	req.filters = (char **)filters;
	if (ctd_stream_open(c, SN_METHOD("List"), &s, errp) < 0 ||
	    ctd_stream_send(s, &req.base, errp) < 0 || ctd_stream_close_send(s, errp) < 0)
		return -1;
	for (;;) {
		_cleanup_ctd_msg_ Containerd__Services__Snapshots__V1__ListSnapshotsResponse *resp =
			NULL;
		int r = ctd_stream_recv(s, DESC(list_snapshots_response),
					(ProtobufCMessage **)&resp, errp);

		if (r <= 0)
			return r;
		for (size_t i = 0; i < resp->n_info; i++)
			if (fn(arg, resp->info[i], errp) < 0)
				return -1;
	}
}

int
ctd_snapshots_usage(struct ctd *c, const char *snapshotter, const char *key, int64_t *ret_size,
		    int64_t *ret_inodes, struct err **errp)
{
	Containerd__Services__Snapshots__V1__UsageRequest req =
		CONTAINERD__SERVICES__SNAPSHOTS__V1__USAGE_REQUEST__INIT;
	_cleanup_ctd_msg_ Containerd__Services__Snapshots__V1__UsageResponse *resp = NULL;

	req.snapshotter = (char *)snapshotter;
	req.key = (char *)key;
	if (ctd_call(c, SN_METHOD("Usage"), &req.base, DESC(usage_response),
		     (ProtobufCMessage **)&resp, errp) < 0)
		return -1;
	*ret_size = resp->size;
	if (ret_inodes)
		*ret_inodes = resp->inodes;
	return 0;
}

int
ctd_snapshots_cleanup(struct ctd *c, const char *snapshotter, struct err **errp)
{
	Containerd__Services__Snapshots__V1__CleanupRequest req =
		CONTAINERD__SERVICES__SNAPSHOTS__V1__CLEANUP_REQUEST__INIT;
	_cleanup_ctd_msg_ ProtobufCMessage *resp = NULL;

	req.snapshotter = (char *)snapshotter;
	return ctd_call(c, SN_METHOD("Cleanup"), &req.base, &google__protobuf__empty__descriptor,
			&resp, errp);
}
