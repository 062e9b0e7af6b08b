/* Allocation that never returns NULL: out of memory aborts, as in git's xmalloc. */
#pragma once

#include <stddef.h>
#include <stdarg.h>

#include "cleanup.h"

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows *p (of *alloc elements of size sz) to hold at least need elements. */
void xgrow(void **p, size_t *alloc, size_t need, size_t sz);
char *xstrdup(const char *s);
/* xstrdup that passes NULL through. */
char *xstrdup_null(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) _printf_(1, 2);
char *xvasprintf(const char *fmt, va_list ap) _printf_(1, 0);

#define xnew(type, n) ((type *)xcalloc((n), sizeof(type)))
#define XGROW(p, alloc, need) xgrow((void **)&(p), &(alloc), (need), sizeof(*(p)))
