/* Docker's rmi decisions (daemon/images/image_delete.go behaviour) over containerd records. */
#include <string.h>

#include "base/xalloc.h"
#include "image/remove.h"
#include "registry/reference.h"
#include "base/banned.h"

char *
rmi_short_id(const char *id)
{
	const char *colon = strchr(id, ':');

	return xstrndup(colon ? colon + 1 : id, 12);
}

/* Repository of a record name ("docker.io/library/busybox"), or the name itself. */
static char *
repo_of(const char *name)
{
	_cleanup_ref_ struct ref *r = NULL;

	if (ref_parse_name_only(name, &r, NULL) < 0)
		return xstrdup(name);
	return ref_name(r);
}

/*
 * Docker's isSingleReference: at most one tag, and every digest reference in that tag's
 * repository (or, without a tag, all in one repository).
 */
static bool
single_reference(char *const *names, size_t n)
{
	_cleanup_free_ char *tag_repo = NULL, *canon_repo = NULL;

	if (n <= 1)
		return n == 1;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *repo = repo_of(names[i]);

		if (strchr(names[i], '@')) {
			if (canon_repo && strcmp(canon_repo, repo) != 0)
				return false;
			if (!canon_repo)
				canon_repo = TAKE_PTR(repo);
		} else if (tag_repo) {
			return false;
		} else {
			tag_repo = TAKE_PTR(repo);
		}
	}
	return canon_repo && (!tag_repo || strcmp(tag_repo, canon_repo) == 0);
}

static const struct rmi_container *
user_of(const char *name, const struct rmi_container *ctrs, size_t n, int want_running)
{
	for (size_t i = 0; i < n; i++)
		if (ctrs[i].image && strcmp(ctrs[i].image, name) == 0 &&
		    (want_running < 0 || ctrs[i].running == (want_running != 0)))
			return &ctrs[i];
	return NULL;
}

static int
conflict(struct err **errp, const char *digest, bool hard, const char *why, const char *cid)
{
	_cleanup_free_ char *id = rmi_short_id(digest), *c = cid ? rmi_short_id(cid) : NULL;

	return err_set(errp, ERR_PRECONDITION, "conflict: unable to delete %s (%s) - %s%s", id,
		       hard ? "cannot be forced" : "must be forced", why, c ? c : "");
}

int
rmi_decide(const struct rmi_request *rq, const struct rmi_image *images, size_t n_images,
	   const struct rmi_container *ctrs, size_t n_ctrs, struct rmi_plan *ret,
	   struct err **errp)
{
	_cleanup_strv_ struct strv names = STRV_INIT;
	size_t left = 0;

	for (size_t i = 0; i < n_images; i++)
		if (strcmp(images[i].digest, rq->digest) == 0)
			strv_push(&names, images[i].name);

	if (rq->by_name) {
		const struct rmi_container *u = user_of(rq->name, ctrs, n_ctrs, -1);

		if (u && !rq->force) {
			_cleanup_free_ char *cid = xstrndup(u->id, 12);
			_cleanup_free_ char *iid = rmi_short_id(rq->digest);

			return err_set(errp, ERR_PRECONDITION,
				       "conflict: unable to remove repository reference \"%s\" (must force) - container %s is using its referenced image %s",
				       rq->arg, cid, iid);
		}
		for (size_t i = 0; i < names.n; i++)
			if (strcmp(names.v[i], rq->name) != 0)
				left++;
		memset(ret, 0, sizeof(*ret));
		strv_push(&ret->untag, rq->name);
		ret->delete_image = left == 0;
		return 0;
	}

	for (size_t i = 0; i < names.n; i++) {
		const struct rmi_container *u = user_of(names.v[i], ctrs, n_ctrs, 1);

		if (u)
			return conflict(errp, rq->digest, true,
					"image is being used by running container ", u->id);
	}
	if (!rq->force) {
		if (names.n > 1 && !single_reference(names.v, names.n))
			return conflict(errp, rq->digest, false,
					"image is referenced in multiple repositories", NULL);
		for (size_t i = 0; i < names.n; i++) {
			const struct rmi_container *u = user_of(names.v[i], ctrs, n_ctrs, 0);

			if (u)
				return conflict(errp, rq->digest, false,
						"image is being used by stopped container ", u->id);
		}
	}
	memset(ret, 0, sizeof(*ret));
	for (size_t i = 0; i < names.n; i++)
		strv_push(&ret->untag, names.v[i]);
	ret->delete_image = true;
	return 0;
}

void
rmi_plan_release(struct rmi_plan *p)
{
	strv_release(&p->untag);
}
