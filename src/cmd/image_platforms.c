/* --platform / --all-platforms of save, load and the other image commands. */
#include <string.h>

#include "cmd/image_platforms.h"
#include "image/store.h"
#include "base/banned.h"

int
image_platform_flags(const struct strv *platforms, bool all, struct platform_matcher *ret,
		     struct err **errp)
{
	_cleanup_strv_ struct strv vals = STRV_INIT;

	memset(ret, 0, sizeof(*ret));
	if (all) {
		platform_matcher_all(ret);
		return 0;
	}
	for (size_t i = 0; i < platforms->n; i++)
		strv_split(&vals, platforms->v[i], ',');
	if (vals.n == 0) {
		platform_matcher_host(ret);
		return 0;
	}
	for (size_t i = 0; i < vals.n; i++) {
		struct platform p;
		struct platform_matcher one;

		if (platform_parse(vals.v[i], &p, errp) < 0)
			return -1;
		platform_matcher_only(&one, &p);
		for (size_t j = 0; j < one.n; j++) {
			if (ret->n >= PLATFORM_MATCHER_MAX)
				return err_set(errp, ERR_RESOURCE, "too many platforms");
			ret->want[ret->n++] = one.want[j];
		}
	}
	return 0;
}

int
image_view_for(struct ctd *c, const CtdImage *img, const struct strv *platforms,
	       struct img_view **ret, struct err **errp)
{
	_cleanup_err_ struct err *err = NULL;
	struct platform_matcher m;

	if (image_platform_flags(platforms, false, &m, errp) < 0)
		return -1;
	if (img_view_load(c, img->target, &m, ret, &err) == 0)
		return 0;
	if (platforms->n || err->kind != ERR_NOT_FOUND)
		return err_move(errp, &err);
	platform_matcher_all(&m);
	return img_view_load(c, img->target, &m, ret, errp);
}
