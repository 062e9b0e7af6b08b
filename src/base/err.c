/* Building and wrapping struct err values. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "xalloc.h"

static int err_vset(struct err **errp, enum err_kind kind, int errnum, const char *fmt,
		    va_list ap) _printf_(4, 0);

static int
err_vset(struct err **errp, enum err_kind kind, int errnum, const char *fmt, va_list ap)
{
	struct err *e;
	char *msg;

	if (!errp || *errp)
		return -1;
	msg = xvasprintf(fmt, ap);
	if (errnum) {
		char *m = xasprintf("%s: %s", msg, strerror(errnum));
		free(msg);
		msg = m;
	}
	e = xnew(struct err, 1);
	e->kind = kind;
	e->sys_errno = errnum;
	e->msg = msg;
	*errp = e;
	return -1;
}

int
err_set(struct err **errp, enum err_kind kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(errp, kind, 0, fmt, ap);
	va_end(ap);
	return -1;
}

int
err_sys(struct err **errp, int errnum, const char *fmt, ...)
{
	va_list ap;
	enum err_kind kind = ERR_IO;

	if (errnum == ENOENT)
		kind = ERR_NOT_FOUND;
	else if (errnum == EEXIST)
		kind = ERR_EXISTS;
	else if (errnum == EACCES || errnum == EPERM)
		kind = ERR_PERMISSION;
	va_start(ap, fmt);
	err_vset(errp, kind, errnum, fmt, ap);
	va_end(ap);
	return -1;
}

int
err_wrap(struct err **errp, const char *fmt, ...)
{
	va_list ap;
	char *ctx, *m;

	if (!errp || !*errp)
		return -1;
	va_start(ap, fmt);
	ctx = xvasprintf(fmt, ap);
	va_end(ap);
	m = xasprintf("%s: %s", ctx, (*errp)->msg);
	free(ctx);
	free((*errp)->msg);
	(*errp)->msg = m;
	return -1;
}

int
err_kind(struct err *const *errp)
{
	if (!errp || !*errp)
		return -1;
	return (int)(*errp)->kind;
}

void
err_free(struct err *e)
{
	if (!e)
		return;
	free(e->msg);
	free(e);
}

void
err_clear(struct err **errp)
{
	if (errp) {
		err_free(*errp);
		*errp = NULL;
	}
}

int
err_move(struct err **dst, struct err **src)
{
	if (dst && !*dst) {
		*dst = *src;
		*src = NULL;
	} else {
		err_clear(src);
	}
	return -1;
}
