/* --platform / --all-platforms flags of the image commands turned into a matcher. */
#pragma once

#include <stdbool.h>

#include "base/err.h"
#include "base/strv.h"
#include "ctd/images.h"
#include "image/platform.h"

struct ctd;
struct img_view;

/*
 * all: every platform; else the platforms listed (each with its compatible variants, as
 * containerd's platforms.Only; a value may hold several, comma-separated), else the host.
 * ERR_INVALID for a malformed platform, ERR_RESOURCE for too many.
 */
int image_platform_flags(const struct strv *platforms, bool all, struct platform_matcher *ret,
			 struct err **errp);

/*
 * The view (img_view_load) of img for --platform values, or without any for the host,
 * falling back to the image's first platform: an image of another platform can still be
 * inspected, as in Docker. Errors as img_view_load.
 */
int image_view_for(struct ctd *c, const CtdImage *img, const struct strv *platforms,
		   struct img_view **ret, struct err **errp);
