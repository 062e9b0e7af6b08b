/* containerd.services.version.v1.Version. */
#pragma once

#include "ctd/ctd.h"
#include "containerd/services/version/v1/version.pb-c.h"

typedef Containerd__Services__Version__V1__VersionResponse CtdVersion;

/* containerd's version and revision; *ret is freed with ctd_msg_free. Errors as ctd_call. */
int ctd_version(struct ctd *c, CtdVersion **ret, struct err **errp);
