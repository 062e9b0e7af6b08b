/* containerd.services.containers.v1.Containers: container records (metadata, not tasks). */
#pragma once

#include "ctd/ctd.h"
#include "containerd/services/containers/v1/containers.pb-c.h"

typedef Containerd__Services__Containers__V1__Container CtdContainer;
typedef Containerd__Services__Containers__V1__ListContainersResponse CtdContainerList;

/* One container; ERR_NOT_FOUND if absent. *ret freed with ctd_msg_free. */
int ctd_containers_get(struct ctd *c, const char *id, CtdContainer **ret, struct err **errp);
/*
 * Containers matching any of filters (NULL-terminated, may be NULL: all), in one ListStream
 * call (one message per container, so no 16 MiB reply cap; List on a containerd without it).
 */
int ctd_containers_list(struct ctd *c, char *const *filters, CtdContainerList **ret,
			struct err **errp);
/*
 * The same listing one record at a time: _open sends the request (so other calls can run
 * while containerd answers), _next returns 1 with *ret (the caller's, freed with
 * ctd_msg_free), 0 at the end or -1 with containerd's error. filters are copied.
 */
struct ctd_containers_iter;
int ctd_containers_list_open(struct ctd *c, char *const *filters, struct ctd_containers_iter **ret,
			     struct err **errp);
int ctd_containers_list_next(struct ctd_containers_iter *it, CtdContainer **ret,
			     struct err **errp);
void ctd_containers_iter_free(struct ctd_containers_iter *it);
DEFINE_CLEANUP_FUNC(ctd_containers_iter_freep, struct ctd_containers_iter *,
		    ctd_containers_iter_free)
/* Creates the record; ERR_EXISTS if the id is taken. *ret (may be NULL) freed with ctd_msg_free. */
int ctd_containers_create(struct ctd *c, const CtdContainer *ctr, CtdContainer **ret,
			  struct err **errp);
/* Updates the fields named by paths (NULL-terminated; NULL: all). */
int ctd_containers_update(struct ctd *c, const CtdContainer *ctr, char *const *paths,
			  CtdContainer **ret, struct err **errp);
/* Deletes the record; ERR_NOT_FOUND if absent. */
int ctd_containers_delete(struct ctd *c, const char *id, struct err **errp);

/*
 * Docker's COMMAND of a container: process.args of an OCI spec (json, len bytes) joined by
 * spaces, strings decoded as Go's encoding/json does (bad UTF-8 and unpaired surrogates
 * become U+FFFD; a null element is ""). Reads the JSON only up to process.args. NULL when
 * there is no process or args, or the JSON up to them is malformed. Caller frees.
 */
char *ctd_spec_command(const void *json, size_t len);
