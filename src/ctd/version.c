/* Version service: one call, the cheapest way to see containerd answer. */
#include "ctd/version.h"
#include "google/protobuf/empty.pb-c.h"
#include "base/banned.h"

int
ctd_version(struct ctd *c, CtdVersion **ret, struct err **errp)
{
	Google__Protobuf__Empty req = GOOGLE__PROTOBUF__EMPTY__INIT;

	return ctd_call(c, "/containerd.services.version.v1.Version/Version", &req.base,
			&containerd__services__version__v1__version_response__descriptor,
			(ProtobufCMessage **)ret, errp);
}
