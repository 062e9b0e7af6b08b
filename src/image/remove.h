/*
 * Docker's rules for `rmi`, as a pure decision over the image records and containers of a
 * namespace: which names go, whether the image itself goes, and Docker's conflict messages.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "base/strv.h"

struct rmi_image {
	const char *name;	/* containerd record name */
	const char *digest;	/* its target digest (the IMAGE ID) */
};

struct rmi_container {
	const char *id;
	const char *image;	/* the container record's image name */
	bool running;		/* it has a task that is not stopped */
};

struct rmi_request {
	const char *arg;		/* as the user typed it, for messages */
	bool by_name;			/* the arg named a record; else an ID or digest */
	const char *name;		/* the record it named (by_name) */
	const char *digest;		/* the target digest it resolved to */
	bool force;			/* -f */
};

struct rmi_plan {
	struct strv untag;	/* records to delete, in order */
	bool delete_image;	/* no record points at the digest afterwards */
};

/*
 * Decides what `rmi` does for one resolved argument, over every record (images) and
 * container of the namespace:
 *  - by name: refused without force when a container's image is that name ("conflict:
 *    unable to remove repository reference \"X\" (must force) - container C is using its
 *    referenced image I"); only that name goes.
 *  - by ID: every name with that digest goes; refused without force when they span several
 *    repositories or tags (Docker's isSingleReference) or a stopped container uses one, and
 *    always when a running container does ("(cannot be forced)").
 * ERR_PRECONDITION with those messages; ret is filled only on success (release with
 * rmi_plan_release).
 */
int rmi_decide(const struct rmi_request *rq, const struct rmi_image *images, size_t n_images,
	       const struct rmi_container *ctrs, size_t n_ctrs, struct rmi_plan *ret,
	       struct err **errp);
void rmi_plan_release(struct rmi_plan *p);

/* Docker's stringid.TruncateID: the hex after "algo:", at most 12 characters. Caller frees. */
char *rmi_short_id(const char *id);
