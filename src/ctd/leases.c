/* Leases service wrappers. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctd/labels.h"
#include "ctd/leases.h"
#include "google/protobuf/empty.pb-c.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "base/banned.h"

#define LEASES_METHOD(m) "/containerd.services.leases.v1.Leases/" m
#define DESC(name) (&containerd__services__leases__v1__##name##__descriptor)

int
ctd_leases_create(struct ctd *c, const char *id, char *const *labels, char **ret_id,
		  struct err **errp)
{
	Containerd__Services__Leases__V1__CreateRequest req =
		CONTAINERD__SERVICES__LEASES__V1__CREATE_REQUEST__INIT;
	_cleanup_ctd_msg_ Containerd__Services__Leases__V1__CreateResponse *resp = NULL;
	int r;

	req.id = (char *)(id ? id : "");
	req.labels = (void *)ctd_labels_build(DESC(create_request__labels_entry), labels,
					      &req.n_labels);
	r = ctd_call(c, LEASES_METHOD("Create"), &req.base, DESC(create_response),
		     (ProtobufCMessage **)&resp, errp);
	ctd_labels_free((struct ctd_label **)req.labels, req.n_labels);
	if (r < 0)
		return -1;
	if (!resp->lease || !resp->lease->id || !*resp->lease->id)
		return err_set(errp, ERR_INTERNAL, "containerd returned no lease");
	*ret_id = xstrdup(resp->lease->id);
	return 0;
}

int
ctd_leases_create_expiring(struct ctd *c, long expire_s, char **ret_id, struct err **errp)
{
	char label[96];
	char *labels[] = { label, NULL };
	char id[64];
	struct timespec ts;
	struct tm tm;
	time_t t;

	clock_gettime(CLOCK_REALTIME, &ts);
	t = ts.tv_sec + expire_s;
	gmtime_r(&t, &tm);
	snprintf(label, sizeof(label), CTD_LEASE_EXPIRE_LABEL "=%04d-%02d-%02dT%02d:%02d:%02dZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	/* containerd's own random ids look like this; the time keeps them unique per process. */
	snprintf(id, sizeof(id), "nerdc-%lld%09ld-%d", (long long)ts.tv_sec, ts.tv_nsec,
		 (int)getpid());
	return ctd_leases_create(c, id, labels, ret_id, errp);
}

int
ctd_leases_delete(struct ctd *c, const char *id, bool sync, struct err **errp)
{
	Containerd__Services__Leases__V1__DeleteRequest req =
		CONTAINERD__SERVICES__LEASES__V1__DELETE_REQUEST__INIT;
	_cleanup_ctd_msg_ ProtobufCMessage *resp = NULL;

	req.id = (char *)id;
	req.sync = sync;
	return ctd_call(c, LEASES_METHOD("Delete"), &req.base, &google__protobuf__empty__descriptor,
			&resp, errp);
}

int
ctd_leases_list(struct ctd *c, char *const *filters, CtdLeaseList **ret, struct err **errp)
{
	Containerd__Services__Leases__V1__ListRequest req =
		CONTAINERD__SERVICES__LEASES__V1__LIST_REQUEST__INIT;

	req.n_filters = filters ? strv_length(filters) : 0;
	req.filters = (char **)filters;
	return ctd_call(c, LEASES_METHOD("List"), &req.base, DESC(list_response),
			(ProtobufCMessage **)ret, errp);
}

static int
resource_call(struct ctd *c, const char *method, const char *id, const char *type,
	      const char *rid, struct err **errp)
{
	/* AddResourceRequest and DeleteResourceRequest have the same fields. */
	Containerd__Services__Leases__V1__AddResourceRequest add =
		CONTAINERD__SERVICES__LEASES__V1__ADD_RESOURCE_REQUEST__INIT;
	Containerd__Services__Leases__V1__DeleteResourceRequest del =
		CONTAINERD__SERVICES__LEASES__V1__DELETE_RESOURCE_REQUEST__INIT;
	Containerd__Services__Leases__V1__Resource res =
		CONTAINERD__SERVICES__LEASES__V1__RESOURCE__INIT;
	_cleanup_ctd_msg_ ProtobufCMessage *resp = NULL;
	bool is_add = !strcmp(method, LEASES_METHOD("AddResource"));

	res.id = (char *)rid;
	res.type = (char *)type;
	add.id = del.id = (char *)id;
	add.resource = del.resource = &res;
	return ctd_call(c, method, is_add ? &add.base : &del.base,
			&google__protobuf__empty__descriptor, &resp, errp);
}

int
ctd_leases_add_resource(struct ctd *c, const char *id, const char *type, const char *rid,
			struct err **errp)
{
	return resource_call(c, LEASES_METHOD("AddResource"), id, type, rid, errp);
}

int
ctd_leases_delete_resource(struct ctd *c, const char *id, const char *type, const char *rid,
			   struct err **errp)
{
	return resource_call(c, LEASES_METHOD("DeleteResource"), id, type, rid, errp);
}

int
ctd_leases_list_resources(struct ctd *c, const char *id, CtdLeaseResources **ret,
			  struct err **errp)
{
	Containerd__Services__Leases__V1__ListResourcesRequest req =
		CONTAINERD__SERVICES__LEASES__V1__LIST_RESOURCES_REQUEST__INIT;

	req.id = (char *)id;
	return ctd_call(c, LEASES_METHOD("ListResources"), &req.base, DESC(list_resources_response),
			(ProtobufCMessage **)ret, errp);
}
