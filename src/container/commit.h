/*
 * A new image from a container's changes (Docker's commit): the Diff service turns the
 * snapshot's changes over its image into a gzip layer; the image's config gains that diff ID
 * and a history entry, a new manifest points at both, the image record names it, and the
 * new layer is unpacked so the image runs at once.
 */
#pragma once

#include <stdbool.h>
#include <jansson.h>

#include "base/err.h"
#include "ctd/containers.h"

struct container_commit_opts {
	const char *name;	/* normalised image name ("docker.io/library/x:latest"); NULL:
				 * untagged, recorded as nerdctl names those: "<snapshotter>@<digest>" */
	const char *author;	/* -a or NULL */
	const char *message;	/* -m or NULL */
	bool pause;		/* -p: pause a running container meanwhile */
	json_t *changes;	/* members to set in config.config (borrowed), or NULL */
};

/*
 * Applies one Dockerfile-style -c change to the object conf (the image config's "config"):
 * CMD, ENTRYPOINT (JSON array or shell form), ENV k=v, WORKDIR, USER, LABEL k=v, EXPOSE,
 * STOPSIGNAL. Others: ERR_UNIMPLEMENTED; malformed: ERR_INVALID.
 */
int container_commit_change(json_t *conf, const char *change, struct err **errp);

/* Commits r; *ret_id (new string) is the image ID ("sha256:" + config digest). */
int container_commit(struct ctd *c, const CtdContainer *r,
		     const struct container_commit_opts *o, char **ret_id, struct err **errp);
