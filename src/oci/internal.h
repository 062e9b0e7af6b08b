/* Shared internals of src/oci: capabilities, seccomp, users; not for other layers. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "base/err.h"
#include "base/strv.h"

/* --- Capabilities (caps.c) --- */

/* "CAP_CHOWN" for 0, ...; NULL past the last known one. */
const char *caps_name(int cap);
/* Number of capabilities nerdc knows by name (CAP_CHECKPOINT_RESTORE + 1). */
int caps_known(void);
/* Docker's 14 defaults in Docker's order. */
extern const char *const caps_docker_default[];
/*
 * Host bounding set from /proc/self/status CapBnd (bit per capability); falls back to
 * every known capability when unreadable. status_path is for tests (NULL = the real one).
 */
uint64_t caps_host_bounding(const char *status_path);
/*
 * Docker's TweakCapabilities: the resulting list (in Docker's order) for privileged or the
 * defaults with cap_drop/cap_add applied. "ALL" means every capability of host_bnd.
 * Errors: ERR_INVALID "unknown capability: \"CAP_FOO\"".
 */
int caps_compute(const struct strv *cap_add, const struct strv *cap_drop, int privileged,
		 uint64_t host_bnd, struct strv *out, struct err **errp);

/* --- Seccomp (seccomp.c, seccomp_default.c) --- */

struct seccomp_arg {
	unsigned index;
	uint64_t value;
	uint64_t value_two;
	const char *op;
};

struct seccomp_rule {
	const char *const *names;	/* NULL-terminated */
	const char *action;
	int errno_ret;			/* -1: none */
	const struct seccomp_arg *args;
	size_t n_args;
	const char *const *inc_arches, *const *inc_caps, *inc_min_kernel;
	const char *const *exc_arches, *const *exc_caps, *exc_min_kernel;
};

struct seccomp_archmap {
	const char *arch;
	const char *sub[4];
};

extern const struct seccomp_rule seccomp_default_rules[];
extern const size_t seccomp_default_n_rules;
extern const struct seccomp_archmap seccomp_default_archmap[];
extern const size_t seccomp_default_n_archmap;

/* Docker's default profile in Docker's JSON profile format (new reference). */
json_t *seccomp_default_profile(void);
/*
 * Converts a Docker-format profile to the OCI linux.seccomp object for the given bounding
 * capabilities, native arch ("amd64", ...) and kernel release ("6.1.0-..."). Returns a new
 * reference, or NULL with *ret_none = 1 when the profile disables seccomp (empty). Errors:
 * ERR_INVALID with Docker's messages.
 */
json_t *seccomp_convert(json_t *profile, char *const *bounding, const char *arch,
			const char *kernel, int *ret_none, struct err **errp);
/* The Go architecture name of this build ("amd64", "arm64", ...). */
const char *seccomp_native_arch(void);

/* --- Users (user.c) --- */

struct oci_user {
	uint32_t uid;
	uint32_t gid;
	uint32_t *gids;		/* additionalGids: gid first, as Docker */
	size_t n_gids;
};

/*
 * Resolves "name", "uid", "uid:gid", "name:group" (empty = root) against rootfs/etc/passwd
 * and etc/group (missing files: numeric only), adding the user's groups and group_add.
 * rootfs NULL: no files. Errors: ERR_INVALID with runc/Docker's text.
 */
int user_resolve(const char *rootfs, const char *spec, const struct strv *group_add,
		 struct oci_user *ret, struct err **errp);
void user_release(struct oci_user *u);
