/* containerd.services.images.v1.Images: the image records (name → target descriptor). */
#pragma once

#include <stdbool.h>

#include "ctd/ctd.h"
#include "containerd/services/images/v1/images.pb-c.h"

typedef Containerd__Services__Images__V1__Image CtdImage;
typedef Containerd__Services__Images__V1__ListImagesResponse CtdImageList;
typedef Containerd__Types__Descriptor CtdDescriptor;

/* The image record name; ERR_NOT_FOUND if absent. *ret freed with ctd_msg_free. */
int ctd_images_get(struct ctd *c, const char *name, CtdImage **ret, struct err **errp);
/*
 * Images matching any of filters (containerd syntax, e.g. "name==docker.io/library/x:latest";
 * NULL-terminated, may be NULL for all). ->images[i]; *ret freed with ctd_msg_free.
 */
int ctd_images_list(struct ctd *c, char *const *filters, CtdImageList **ret, struct err **errp);
/*
 * Creates the record img (name, target, labels; the caller owns img). ERR_EXISTS if the
 * name is taken. ret may be NULL; else the stored record, freed with ctd_msg_free.
 */
int ctd_images_create(struct ctd *c, const CtdImage *img, CtdImage **ret, struct err **errp);
/*
 * Updates img->name; paths (NULL-terminated, may be NULL for every field) name the fields to
 * change: "target", "labels", "labels.KEY". ERR_NOT_FOUND if absent. ret may be NULL.
 */
int ctd_images_update(struct ctd *c, const CtdImage *img, char *const *paths, CtdImage **ret,
		      struct err **errp);
/* Deletes the record; sync waits for garbage collection. ERR_NOT_FOUND if absent. */
int ctd_images_delete(struct ctd *c, const char *name, bool sync, struct err **errp);
