/*
 * nerdc tag / image tag: points the record TARGET at SOURCE's target descriptor (created, or
 * moved when it exists), keeping SOURCE's labels, as nerdctl does.
 */
#include <string.h>

#include "base/xalloc.h"
#include "cli/opt.h"
#include "cmd/cmd.h"
#include "ctd/images.h"
#include "ctd/labels.h"
#include "image/store.h"
#include "registry/reference.h"
#include "base/banned.h"

static int
tag(struct ctd *c, const char *source, const char *target, struct err **errp)
{
	_cleanup_ctd_msg_ CtdImage *src = NULL;
	_cleanup_ref_ struct ref *dst = NULL;
	_cleanup_free_ char *name = NULL;
	_cleanup_strv_ struct strv labels = STRV_INIT;
	_cleanup_(img_desc_release) struct img_desc desc = { 0 };

	if (ref_parse(target, &dst, errp) < 0)
		return -1;
	if (dst->digest)
		return err_set(errp, ERR_INVALID, "refusing to create a tag with a digest reference");
	if (img_resolve(c, source, &src, errp) < 0) {
		_cleanup_ref_ struct ref *r = NULL;
		_cleanup_free_ char *fam = NULL;

		if (!err_is(errp, ERR_NOT_FOUND))
			return -1;
		err_clear(errp);
		if (ref_parse(source, &r, NULL) == 0)
			fam = ref_familiar(r);
		return err_set(errp, ERR_NOT_FOUND, "No such image: %s", fam ? fam : source);
	}
	if (!src->target)
		return err_set(errp, ERR_INVALID, "image %s has no target", src->name);
	for (size_t i = 0; i < src->n_labels; i++) {
		const struct ctd_label *l = (const struct ctd_label *)src->labels[i];

		strv_pushf(&labels, "%s=%s", l->key, l->value);
	}
	name = ref_string(dst);
	img_desc_from_ctd(&desc, src->target);
	return img_record_put(c, name, &desc, labels.v, errp);
}

CMD(image_tag)
{
	struct opt opts[] = { OPT_END() };
	_cleanup_err_ struct err *err = NULL;
	struct ctd *c;

	argc = opt_parse(cli, opts, argc, argv, "tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]",
			 "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE", 2,
			 OPT_PARSE_MAX_ARGS(2));
	if (argc < 0)
		return opt_exit_code(argc);
	c = cli_ctd(cli, &err);
	if (!c || tag(c, argv[0], argv[1], &err) < 0)
		return cmd_fail(cli, err);
	return 0;
}
