/* Introspection service wrappers. */
#include "ctd/introspection.h"
#include "google/protobuf/empty.pb-c.h"
#include "base/strv.h"
#include "base/banned.h"

int
ctd_introspection_plugins(struct ctd *c, char *const *filters, CtdPluginList **ret,
			  struct err **errp)
{
	Containerd__Services__Introspection__V1__PluginsRequest req =
		CONTAINERD__SERVICES__INTROSPECTION__V1__PLUGINS_REQUEST__INIT;

	req.n_filters = filters ? strv_length(filters) : 0;
	req.filters = (char **)filters;
	return ctd_call(c, "/containerd.services.introspection.v1.Introspection/Plugins", &req.base,
			&containerd__services__introspection__v1__plugins_response__descriptor,
			(ProtobufCMessage **)ret, errp);
}

int
ctd_introspection_server(struct ctd *c, CtdServerInfo **ret, struct err **errp)
{
	Google__Protobuf__Empty req = GOOGLE__PROTOBUF__EMPTY__INIT;

	return ctd_call(c, "/containerd.services.introspection.v1.Introspection/Server", &req.base,
			&containerd__services__introspection__v1__server_response__descriptor,
			(ProtobufCMessage **)ret, errp);
}
