/* containerd.services.containers.v1.Containers: container records (metadata, not tasks). */
#pragma once

#include "ctd/ctd.h"
#include "containerd/services/containers/v1/containers.pb-c.h"

typedef Containerd__Services__Containers__V1__Container CtdContainer;
typedef Containerd__Services__Containers__V1__ListContainersResponse CtdContainerList;

/* One container; ERR_NOT_FOUND if absent. *ret freed with ctd_msg_free. */
int ctd_containers_get(struct ctd *c, const char *id, CtdContainer **ret, struct err **errp);
/* Containers matching any of filters (NULL-terminated, may be NULL: all), in one List call. */
int ctd_containers_list(struct ctd *c, char *const *filters, CtdContainerList **ret,
			struct err **errp);
/* Creates the record; ERR_EXISTS if the id is taken. *ret (may be NULL) freed with ctd_msg_free. */
int ctd_containers_create(struct ctd *c, const CtdContainer *ctr, CtdContainer **ret,
			  struct err **errp);
/* Updates the fields named by paths (NULL-terminated; NULL: all). */
int ctd_containers_update(struct ctd *c, const CtdContainer *ctr, char *const *paths,
			  CtdContainer **ret, struct err **errp);
/* Deletes the record; ERR_NOT_FOUND if absent. */
int ctd_containers_delete(struct ctd *c, const char *id, struct err **errp);
