/* containerd.services.introspection.v1.Introspection: plugins and server identity. */
#pragma once

#include "ctd/ctd.h"
#include "containerd/services/introspection/v1/introspection.pb-c.h"

typedef Containerd__Services__Introspection__V1__Plugin CtdPlugin;
typedef Containerd__Services__Introspection__V1__PluginsResponse CtdPluginList;
typedef Containerd__Services__Introspection__V1__ServerResponse CtdServerInfo;

/*
 * Plugins matching filters (containerd filter syntax, e.g. "type==io.containerd.snapshotter.v1";
 * NULL-terminated, may be NULL). *ret freed with ctd_msg_free.
 */
int ctd_introspection_plugins(struct ctd *c, char *const *filters, CtdPluginList **ret,
			      struct err **errp);
/* The server's UUID (->uuid). *ret freed with ctd_msg_free. */
int ctd_introspection_server(struct ctd *c, CtdServerInfo **ret, struct err **errp);
