/*
 * The OCI Process of an exec session (`nerdc exec`), derived from the container's runtime
 * spec as Docker does: the container's env, user, cwd, capabilities, rlimits, AppArmor and
 * no-new-privileges, with exec's -e/-u/-w/-t/--privileged on top.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "base/err.h"
#include "base/strv.h"

struct oci_exec_opts {
	char *const *args;	/* the command (borrowed), n_args >= 1 */
	size_t n_args;
	const struct strv *env;	/* -e/--env-file as oci_parse_env leaves them ("K=V", or "K": unset) */
	const char *user;	/* -u or NULL: the container's user */
	const char *workdir;	/* -w or NULL: the container's cwd */
	bool tty;		/* -t */
	bool privileged;	/* --privileged: every capability of the host's bounding set */
};

/*
 * New Process object for spec (the container's runtime spec, borrowed). rootfs: a host
 * path of the container's root (e.g. /proc/<pid>/root) for resolving -u names; NULL:
 * numeric only. ERR_INVALID for an unknown user (runc's text) or a spec without process.
 */
json_t *oci_exec_process(json_t *spec, const struct oci_exec_opts *o, const char *rootfs,
			 struct err **errp);
