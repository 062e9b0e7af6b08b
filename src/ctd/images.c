/* Images service wrappers. */
#include "ctd/images.h"
#include "google/protobuf/empty.pb-c.h"
#include "base/strv.h"
#include "base/banned.h"

#define IMAGES_METHOD(m) "/containerd.services.images.v1.Images/" m

int
ctd_images_get(struct ctd *c, const char *name, CtdImage **ret, struct err **errp)
{
	Containerd__Services__Images__V1__GetImageRequest req =
		CONTAINERD__SERVICES__IMAGES__V1__GET_IMAGE_REQUEST__INIT;
	_cleanup_ctd_msg_ Containerd__Services__Images__V1__GetImageResponse *resp = NULL;

	req.name = (char *)name;
	if (ctd_call(c, IMAGES_METHOD("Get"), &req.base,
		     &containerd__services__images__v1__get_image_response__descriptor,
		     (ProtobufCMessage **)&resp, errp) < 0)
		return -1;
	if (!resp->image)
		return err_set(errp, ERR_NOT_FOUND, "image \"%s\": not found", name);
	*ret = TAKE_PTR(resp->image);
	return 0;
}

int
ctd_images_list(struct ctd *c, char *const *filters, CtdImageList **ret, struct err **errp)
{
	Containerd__Services__Images__V1__ListImagesRequest req =
		CONTAINERD__SERVICES__IMAGES__V1__LIST_IMAGES_REQUEST__INIT;

	req.n_filters = filters ? strv_length(filters) : 0;
	req.filters = (char **)filters;
	return ctd_call(c, IMAGES_METHOD("List"), &req.base,
			&containerd__services__images__v1__list_images_response__descriptor,
			(ProtobufCMessage **)ret, errp);
}

int
ctd_images_create(struct ctd *c, const CtdImage *img, CtdImage **ret, struct err **errp)
{
	Containerd__Services__Images__V1__CreateImageRequest req =
		CONTAINERD__SERVICES__IMAGES__V1__CREATE_IMAGE_REQUEST__INIT;
	_cleanup_ctd_msg_ Containerd__Services__Images__V1__CreateImageResponse *resp = NULL;

	req.image = (CtdImage *)img;
	if (ctd_call(c, IMAGES_METHOD("Create"), &req.base,
		     &containerd__services__images__v1__create_image_response__descriptor,
		     (ProtobufCMessage **)&resp, errp) < 0)
		return -1;
	if (ret) {
		if (!resp->image)
			return err_set(errp, ERR_INTERNAL, "containerd returned no image record");
		*ret = TAKE_PTR(resp->image);
	}
	return 0;
}

int
ctd_images_update(struct ctd *c, const CtdImage *img, char *const *paths, CtdImage **ret,
		  struct err **errp)
{
	Containerd__Services__Images__V1__UpdateImageRequest req =
		CONTAINERD__SERVICES__IMAGES__V1__UPDATE_IMAGE_REQUEST__INIT;
	Google__Protobuf__FieldMask mask = GOOGLE__PROTOBUF__FIELD_MASK__INIT;
	_cleanup_ctd_msg_ Containerd__Services__Images__V1__UpdateImageResponse *resp = NULL;

	req.image = (CtdImage *)img;
	if (paths) {
		mask.n_paths = strv_length(paths);
		mask.paths = (char **)paths;
		req.update_mask = &mask;
	}
	if (ctd_call(c, IMAGES_METHOD("Update"), &req.base,
		     &containerd__services__images__v1__update_image_response__descriptor,
		     (ProtobufCMessage **)&resp, errp) < 0)
		return -1;
	if (ret) {
		if (!resp->image)
			return err_set(errp, ERR_INTERNAL, "containerd returned no image record");
		*ret = TAKE_PTR(resp->image);
	}
	return 0;
}

int
ctd_images_delete(struct ctd *c, const char *name, bool sync, struct err **errp)
{
	Containerd__Services__Images__V1__DeleteImageRequest req =
		CONTAINERD__SERVICES__IMAGES__V1__DELETE_IMAGE_REQUEST__INIT;
	_cleanup_ctd_msg_ ProtobufCMessage *resp = NULL;

	req.name = (char *)name;
	req.sync = sync;
	return ctd_call(c, IMAGES_METHOD("Delete"), &req.base, &google__protobuf__empty__descriptor,
			&resp, errp);
}
