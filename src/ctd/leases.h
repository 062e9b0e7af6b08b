/*
 * containerd.services.leases.v1.Leases: a lease keeps what is created under it (content,
 * ingests, snapshots, images) from garbage collection until it is deleted or expires. Calls
 * join a lease through ctd_set_lease.
 */
#pragma once

#include <stdbool.h>

#include "ctd/ctd.h"
#include "containerd/services/leases/v1/leases.pb-c.h"

typedef Containerd__Services__Leases__V1__Lease CtdLease;
typedef Containerd__Services__Leases__V1__ListResponse CtdLeaseList;
typedef Containerd__Services__Leases__V1__ListResourcesResponse CtdLeaseResources;

/* Label that makes containerd's GC drop a lease after the RFC 3339 time it holds. */
#define CTD_LEASE_EXPIRE_LABEL "containerd.io/gc.expire"

/*
 * Creates lease id (NULL or "": containerd picks a random one) with labels ("k=v", may be
 * NULL). *ret_id (caller frees) gets the id. ERR_EXISTS if id is taken.
 */
int ctd_leases_create(struct ctd *c, const char *id, char *const *labels, char **ret_id,
		      struct err **errp);
/*
 * Creates a lease with a random id that expires after expire_s seconds (as containerd's
 * client.WithLease does with 24 h), so a killed process leaks nothing for long.
 */
int ctd_leases_create_expiring(struct ctd *c, long expire_s, char **ret_id, struct err **errp);
/* Deletes the lease; sync waits for the garbage collection. ERR_NOT_FOUND if absent. */
int ctd_leases_delete(struct ctd *c, const char *id, bool sync, struct err **errp);
/* Leases matching any of filters (may be NULL: all). ->leases[i]; freed with ctd_msg_free. */
int ctd_leases_list(struct ctd *c, char *const *filters, CtdLeaseList **ret, struct err **errp);
/*
 * References resource rid of type ("content", "snapshots/overlayfs", "ingests", "images")
 * by the lease.
 */
int ctd_leases_add_resource(struct ctd *c, const char *id, const char *type, const char *rid,
			    struct err **errp);
int ctd_leases_delete_resource(struct ctd *c, const char *id, const char *type,
			       const char *rid, struct err **errp);
/* ->resources[i] (id, type); freed with ctd_msg_free. */
int ctd_leases_list_resources(struct ctd *c, const char *id, CtdLeaseResources **ret,
			      struct err **errp);
