/* Diff service wrappers. */
#include "ctd/diff.h"
#include "ctd/labels.h"
#include "base/banned.h"

#define DIFF_METHOD(m) "/containerd.services.diff.v1.Diff/" m
#define DESC(name) (&containerd__services__diff__v1__##name##__descriptor)

int
ctd_diff_apply(struct ctd *c, const CtdDescriptor *desc, CtdMount *const *mounts, size_t n,
	       CtdDescriptor **ret_applied, struct err **errp)
{
	Containerd__Services__Diff__V1__ApplyRequest req =
		CONTAINERD__SERVICES__DIFF__V1__APPLY_REQUEST__INIT;
	_cleanup_ctd_msg_ Containerd__Services__Diff__V1__ApplyResponse *resp = NULL;

	req.diff = (CtdDescriptor *)desc;
	req.mounts = (CtdMount **)mounts;
	req.n_mounts = n;
	if (ctd_call(c, DIFF_METHOD("Apply"), &req.base, DESC(apply_response),
		     (ProtobufCMessage **)&resp, errp) < 0)
		return -1;
	if (ret_applied) {
		if (!resp->applied)
			return err_set(errp, ERR_INTERNAL, "containerd returned no applied descriptor");
		*ret_applied = TAKE_PTR(resp->applied);
	}
	return 0;
}

int
ctd_diff_diff(struct ctd *c, CtdMount *const *left, size_t nleft, CtdMount *const *right,
	      size_t nright, const char *media_type, const char *ref, char *const *labels,
	      CtdDescriptor **ret, struct err **errp)
{
	Containerd__Services__Diff__V1__DiffRequest req =
		CONTAINERD__SERVICES__DIFF__V1__DIFF_REQUEST__INIT;
	_cleanup_ctd_msg_ Containerd__Services__Diff__V1__DiffResponse *resp = NULL;
	int r;

	req.left = (CtdMount **)left;
	req.n_left = nleft;
	req.right = (CtdMount **)right;
	req.n_right = nright;
	req.media_type = (char *)(media_type ? media_type : "");
	req.ref = (char *)(ref ? ref : "");
	req.labels = (void *)ctd_labels_build(DESC(diff_request__labels_entry), labels,
					      &req.n_labels);
	r = ctd_call(c, DIFF_METHOD("Diff"), &req.base, DESC(diff_response),
		     (ProtobufCMessage **)&resp, errp);
	ctd_labels_free((struct ctd_label **)req.labels, req.n_labels);
	if (r < 0)
		return -1;
	if (!resp->diff)
		return err_set(errp, ERR_INTERNAL, "containerd returned no diff descriptor");
	*ret = TAKE_PTR(resp->diff);
	return 0;
}
