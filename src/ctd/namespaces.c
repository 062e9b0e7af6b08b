/* Namespaces service wrappers. */
#include <stdlib.h>
#include <string.h>

#include "ctd/labels.h"
#include "ctd/namespaces.h"
#include "google/protobuf/empty.pb-c.h"
#include "base/xalloc.h"
#include "base/banned.h"

#define NS_METHOD(m) "/containerd.services.namespaces.v1.Namespaces/" m
#define DESC(name) (&containerd__services__namespaces__v1__##name##__descriptor)

int
ctd_namespaces_list(struct ctd *c, CtdNamespaceList **ret, struct err **errp)
{
	Containerd__Services__Namespaces__V1__ListNamespacesRequest req =
		CONTAINERD__SERVICES__NAMESPACES__V1__LIST_NAMESPACES_REQUEST__INIT;

	return ctd_call(c, NS_METHOD("List"), &req.base,
			DESC(list_namespaces_response),
			(ProtobufCMessage **)ret, errp);
}

/*
 * containerd 1.6 answers Get for any name (empty labels) and Update creates a missing
 * namespace, so both check List first: a namespace exists when List shows it.
 */
static int
require_exists(struct ctd *c, const char *name, struct err **errp)
{
	_cleanup_ctd_msg_ CtdNamespaceList *list = NULL;

	if (ctd_namespaces_list(c, &list, errp) < 0)
		return -1;
	for (size_t i = 0; i < list->n_namespaces; i++)
		if (strcmp(list->namespaces[i]->name, name) == 0)
			return 0;
	return err_set(errp, ERR_NOT_FOUND, "namespace \"%s\": not found", name);
}

int
ctd_namespaces_get(struct ctd *c, const char *name, CtdNamespace **ret, struct err **errp)
{
	Containerd__Services__Namespaces__V1__GetNamespaceRequest req =
		CONTAINERD__SERVICES__NAMESPACES__V1__GET_NAMESPACE_REQUEST__INIT;
	_cleanup_ctd_msg_ Containerd__Services__Namespaces__V1__GetNamespaceResponse *resp = NULL;

	if (require_exists(c, name, errp) < 0)
		return -1;
	req.name = (char *)name;
	if (ctd_call(c, NS_METHOD("Get"), &req.base,
		     DESC(get_namespace_response),
		     (ProtobufCMessage **)&resp, errp) < 0)
		return -1;
	if (!resp->namespace_)
		return err_set(errp, ERR_INTERNAL, "containerd returned no namespace for %s", name);
	*ret = TAKE_PTR(resp->namespace_);
	return 0;
}

int
ctd_namespaces_create(struct ctd *c, const char *name, char *const *labels, struct err **errp)
{
	Containerd__Services__Namespaces__V1__CreateNamespaceRequest req =
		CONTAINERD__SERVICES__NAMESPACES__V1__CREATE_NAMESPACE_REQUEST__INIT;
	CtdNamespace ns = CONTAINERD__SERVICES__NAMESPACES__V1__NAMESPACE__INIT;
	_cleanup_ctd_msg_ ProtobufCMessage *resp = NULL;
	int r;

	ns.name = (char *)name;
	ns.labels = (void *)ctd_labels_build(
		DESC(namespace__labels_entry), labels,
		&ns.n_labels);
	req.namespace_ = &ns;
	r = ctd_call(c, NS_METHOD("Create"), &req.base,
		     DESC(create_namespace_response),
		     &resp, errp);
	ctd_labels_free((struct ctd_label **)ns.labels, ns.n_labels);
	return r;
}

int
ctd_namespaces_update_labels(struct ctd *c, const char *name, char *const *labels,
			     struct err **errp)
{
	Containerd__Services__Namespaces__V1__UpdateNamespaceRequest req =
		CONTAINERD__SERVICES__NAMESPACES__V1__UPDATE_NAMESPACE_REQUEST__INIT;
	CtdNamespace ns = CONTAINERD__SERVICES__NAMESPACES__V1__NAMESPACE__INIT;
	Google__Protobuf__FieldMask mask = GOOGLE__PROTOBUF__FIELD_MASK__INIT;
	_cleanup_ctd_msg_ ProtobufCMessage *resp = NULL;
	struct ctd_label **l;
	int r;

	if (require_exists(c, name, errp) < 0)
		return -1;
	l = ctd_labels_build(DESC(namespace__labels_entry),
			     labels, &ns.n_labels);
	ns.name = (char *)name;
	ns.labels = (void *)l;
	mask.n_paths = ns.n_labels;
	mask.paths = xnew(char *, ns.n_labels + 1);
	for (size_t i = 0; i < ns.n_labels; i++)
		mask.paths[i] = xasprintf("labels.%s", l[i]->key);
	req.namespace_ = &ns;
	req.update_mask = &mask;
	r = ctd_call(c, NS_METHOD("Update"), &req.base,
		     DESC(update_namespace_response),
		     &resp, errp);
	for (size_t i = 0; i < mask.n_paths; i++)
		free(mask.paths[i]);
	free(mask.paths);
	ctd_labels_free(l, ns.n_labels);
	return r;
}

int
ctd_namespaces_delete(struct ctd *c, const char *name, struct err **errp)
{
	Containerd__Services__Namespaces__V1__DeleteNamespaceRequest req =
		CONTAINERD__SERVICES__NAMESPACES__V1__DELETE_NAMESPACE_REQUEST__INIT;
	_cleanup_ctd_msg_ ProtobufCMessage *resp = NULL;

	req.name = (char *)name;
	return ctd_call(c, NS_METHOD("Delete"), &req.base, &google__protobuf__empty__descriptor,
			&resp, errp);
}
