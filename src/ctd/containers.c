/* Containers service wrappers. */
#include "ctd/containers.h"
#include "google/protobuf/empty.pb-c.h"
#include "google/protobuf/field_mask.pb-c.h"
#include "base/strv.h"
#include "base/banned.h"

#define CONTAINERS_METHOD(m) "/containerd.services.containers.v1.Containers/" m

int
ctd_containers_get(struct ctd *c, const char *id, CtdContainer **ret, struct err **errp)
{
	Containerd__Services__Containers__V1__GetContainerRequest req =
		CONTAINERD__SERVICES__CONTAINERS__V1__GET_CONTAINER_REQUEST__INIT;
	_cleanup_ctd_msg_ Containerd__Services__Containers__V1__GetContainerResponse *resp = NULL;

	req.id = (char *)id;
	if (ctd_call(c, CONTAINERS_METHOD("Get"), &req.base,
		     &containerd__services__containers__v1__get_container_response__descriptor,
		     (ProtobufCMessage **)&resp, errp) < 0)
		return -1;
	if (!resp->container)
		return err_set(errp, ERR_NOT_FOUND, "container \"%s\": not found", id);
	*ret = TAKE_PTR(resp->container);
	return 0;
}

int
ctd_containers_list(struct ctd *c, char *const *filters, CtdContainerList **ret,
		    struct err **errp)
{
	Containerd__Services__Containers__V1__ListContainersRequest req =
		CONTAINERD__SERVICES__CONTAINERS__V1__LIST_CONTAINERS_REQUEST__INIT;

	req.n_filters = filters ? strv_length(filters) : 0;
	req.filters = (char **)filters;
	return ctd_call(c, CONTAINERS_METHOD("List"), &req.base,
			&containerd__services__containers__v1__list_containers_response__descriptor,
			(ProtobufCMessage **)ret, errp);
}

int
ctd_containers_create(struct ctd *c, const CtdContainer *ctr, CtdContainer **ret,
		      struct err **errp)
{
	Containerd__Services__Containers__V1__CreateContainerRequest req =
		CONTAINERD__SERVICES__CONTAINERS__V1__CREATE_CONTAINER_REQUEST__INIT;
	_cleanup_ctd_msg_ Containerd__Services__Containers__V1__CreateContainerResponse *resp = NULL;

	req.container = (CtdContainer *)ctr;
	if (ctd_call(c, CONTAINERS_METHOD("Create"), &req.base,
		     &containerd__services__containers__v1__create_container_response__descriptor,
		     (ProtobufCMessage **)&resp, errp) < 0)
		return -1;
	if (ret) {
		if (!resp->container)
			return err_set(errp, ERR_INTERNAL, "containerd returned no container record");
		*ret = TAKE_PTR(resp->container);
	}
	return 0;
}

int
ctd_containers_update(struct ctd *c, const CtdContainer *ctr, char *const *paths,
		      CtdContainer **ret, struct err **errp)
{
	Containerd__Services__Containers__V1__UpdateContainerRequest req =
		CONTAINERD__SERVICES__CONTAINERS__V1__UPDATE_CONTAINER_REQUEST__INIT;
	Google__Protobuf__FieldMask mask = GOOGLE__PROTOBUF__FIELD_MASK__INIT;
	_cleanup_ctd_msg_ Containerd__Services__Containers__V1__UpdateContainerResponse *resp = NULL;

	req.container = (CtdContainer *)ctr;
	if (paths) {
		mask.n_paths = strv_length(paths);
		mask.paths = (char **)paths;
		req.update_mask = &mask;
	}
	if (ctd_call(c, CONTAINERS_METHOD("Update"), &req.base,
		     &containerd__services__containers__v1__update_container_response__descriptor,
		     (ProtobufCMessage **)&resp, errp) < 0)
		return -1;
	if (ret) {
		if (!resp->container)
			return err_set(errp, ERR_INTERNAL, "containerd returned no container record");
		*ret = TAKE_PTR(resp->container);
	}
	return 0;
}

int
ctd_containers_delete(struct ctd *c, const char *id, struct err **errp)
{
	Containerd__Services__Containers__V1__DeleteContainerRequest req =
		CONTAINERD__SERVICES__CONTAINERS__V1__DELETE_CONTAINER_REQUEST__INIT;
	_cleanup_ctd_msg_ Google__Protobuf__Empty *resp = NULL;

	req.id = (char *)id;
	return ctd_call(c, CONTAINERS_METHOD("Delete"), &req.base, &google__protobuf__empty__descriptor,
			(ProtobufCMessage **)&resp, errp);
}
