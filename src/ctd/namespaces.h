/* containerd.services.namespaces.v1.Namespaces: list, get, create, label, delete. */
#pragma once

#include "ctd/ctd.h"
#include "containerd/services/namespaces/v1/namespace.pb-c.h"

typedef Containerd__Services__Namespaces__V1__Namespace CtdNamespace;
typedef Containerd__Services__Namespaces__V1__ListNamespacesResponse CtdNamespaceList;

/* All namespaces (->namespaces[i]->name, ->labels); *ret freed with ctd_msg_free. */
int ctd_namespaces_list(struct ctd *c, CtdNamespaceList **ret, struct err **errp);
/* One namespace; ERR_NOT_FOUND if absent (checked with List). *ret freed with ctd_msg_free. */
int ctd_namespaces_get(struct ctd *c, const char *name, CtdNamespace **ret, struct err **errp);
/* Creates name with labels ("key=value", NULL-terminated, may be NULL); ERR_EXISTS if taken. */
int ctd_namespaces_create(struct ctd *c, const char *name, char *const *labels,
			  struct err **errp);
/*
 * Sets labels ("key=value"; "key=" or "key" removes the label) with one Update whose mask
 * names "labels.KEY" for each, like `ctr namespaces label`. ERR_NOT_FOUND if absent.
 */
int ctd_namespaces_update_labels(struct ctd *c, const char *name, char *const *labels,
				 struct err **errp);
/* Deletes an empty namespace: ERR_NOT_FOUND, or ERR_PRECONDITION while it holds anything. */
int ctd_namespaces_delete(struct ctd *c, const char *name, struct err **errp);
