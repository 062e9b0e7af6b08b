/* Allocation wrappers that abort on exhaustion so callers never check for NULL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static _noreturn_ void
oom(void)
{
	fputs("nerdc: out of memory\n", stderr);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *r = realloc(p, n ? n : 1);

	if (!r)
		oom();
	return r;
}

void
xgrow(void **p, size_t *alloc, size_t need, size_t sz)
{
	size_t n;

	if (need <= *alloc)
		return;
	n = *alloc ? *alloc : 8;
	while (n < need) {
		if (n > ((size_t)-1) / 2)
			oom();
		n *= 2;
	}
	if (n > ((size_t)-1) / sz)
		oom();
	*p = xrealloc(*p, n * sz);
	*alloc = n;
}

char *
xstrdup(const char *s)
{
	char *r = strdup(s);

	if (!r)
		oom();
	return r;
}

char *
xstrdup_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

char *
xstrndup(const char *s, size_t n)
{
	char *r = strndup(s, n);

	if (!r)
		oom();
	return r;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	char *r;

	if (vasprintf(&r, fmt, ap) < 0)
		oom();
	return r;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *r;

	va_start(ap, fmt);
	r = xvasprintf(fmt, ap);
	va_end(ap);
	return r;
}
