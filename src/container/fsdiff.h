/*
 * Docker's `diff` from an overlay snapshot: the entries of the upper directory, each an
 * addition (A), a change (C, it exists in a lower layer) or a deletion (D, a whiteout).
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "base/err.h"

/* 'D' for a whiteout (character device 0:0), else 'C' when in_lower, else 'A'. */
char container_diff_kind(mode_t mode, dev_t rdev, bool in_lower);

/* Called per change in path order; path is absolute in the container ("/etc/passwd"). */
typedef int (*container_diff_fn)(void *arg, char kind, const char *path, struct err **errp);

/*
 * Walks upper (sorted, depth first) and reports each entry against the lower directories
 * (lowers[0..n), any order). Opaque directories are reported as changed when a lower layer
 * has them, and their contents as additions.
 */
int container_diff_walk(const char *upper, char *const *lowers, size_t n, container_diff_fn fn,
			void *arg, struct err **errp);

/*
 * Splits an overlay mount's options into upperdir and lowerdir entries (new strings in
 * *ret_upper, appended to lowers). A "bind" mount of source is an upper without lowers.
 * ERR_UNIMPLEMENTED for other mount types.
 */
struct strv;
int container_diff_dirs(const char *type, const char *source, char *const *options,
			size_t n_options, char **ret_upper, struct strv *lowers,
			struct err **errp);
