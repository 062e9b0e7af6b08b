/*
 * Errors as data: a kind to branch on and a message for people, set once at the failure
 * site, wrapped with context on the way up, printed once by src/cmd or main.
 */
#pragma once

#include "cleanup.h"

enum err_kind {
	ERR_GENERIC = 0,
	ERR_INVALID,		/* bad input: flag value, reference, file content */
	ERR_NOT_FOUND,
	ERR_EXISTS,
	ERR_UNAUTHORIZED,
	ERR_PERMISSION,
	ERR_UNAVAILABLE,	/* cannot reach containerd, a registry, ... */
	ERR_PRECONDITION,	/* wrong state: container running, image in use */
	ERR_CANCELLED,
	ERR_TIMEOUT,
	ERR_UNIMPLEMENTED,	/* feature or flag not implemented yet */
	ERR_RESOURCE,		/* a size or count limit was hit */
	ERR_IO,			/* a system call failed; sys_errno says which */
	ERR_INTERNAL,
	ERR_USAGE,		/* command-line misuse; main prints a usage hint */
	ERR_EXEC_NOT_FOUND,	/* Docker's 127 */
	ERR_EXEC_DENIED,	/* Docker's 126 */
};

struct err {
	enum err_kind kind;
	int sys_errno;		/* errno for ERR_IO, else 0 */
	int exit_code;		/* 0 = derive from kind in main */
	char *msg;
};

/* Sets *errp (when errp is not NULL and *errp is unset) and returns -1. */
int err_set(struct err **errp, enum err_kind kind, const char *fmt, ...) _printf_(3, 4);
/* Like err_set with kind ERR_IO: appends ": strerror(errnum)". */
int err_sys(struct err **errp, int errnum, const char *fmt, ...) _printf_(3, 4);
/* Prefixes "context: " to an existing error; returns -1. No-op without an error. */
int err_wrap(struct err **errp, const char *fmt, ...) _printf_(2, 3);
/* Kind of *errp, or -1 when unset. */
int err_kind(struct err *const *errp);
static inline int
err_is(struct err *const *errp, enum err_kind k)
{
	return err_kind(errp) == (int)k;
}
/* Frees the error (NULL is fine). */
void err_free(struct err *e);
/* Drops *errp, leaving NULL. */
void err_clear(struct err **errp);
/* Moves *src into *dst (dst must be empty); returns -1. */
int err_move(struct err **dst, struct err **src);

DEFINE_CLEANUP_FUNC(err_freep, struct err *, err_free)
#define _cleanup_err_ _cleanup_(err_freep)
