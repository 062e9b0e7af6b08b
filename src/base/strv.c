/* String vectors. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "strv.h"
#include "xalloc.h"

void
strv_push_take(struct strv *sv, char *s)
{
	XGROW(sv->v, sv->alloc, sv->n + 2);
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

void
strv_push(struct strv *sv, const char *s)
{
	strv_push_take(sv, xstrdup(s));
}

void
strv_pushf(struct strv *sv, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strv_push_take(sv, xvasprintf(fmt, ap));
	va_end(ap);
}

void
strv_release(struct strv *sv)
{
	strv_free(sv->v);
	sv->v = NULL;
	sv->n = sv->alloc = 0;
}

char **
strv_detach(struct strv *sv)
{
	char **v = sv->v;

	if (!v)
		v = xnew(char *, 1);
	sv->v = NULL;
	sv->n = sv->alloc = 0;
	return v;
}

int
strv_contains(const struct strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return 1;
	return 0;
}

void
strv_split(struct strv *sv, const char *s, char sep)
{
	const char *p;

	while ((p = strchr(s, sep))) {
		strv_push_take(sv, xstrndup(s, (size_t)(p - s)));
		s = p + 1;
	}
	strv_push(sv, s);
}

void
strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

size_t
strv_length(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

char **
strv_copy(char *const *v)
{
	size_t n = strv_length(v);
	char **r = xnew(char *, n + 1);

	for (size_t i = 0; i < n; i++)
		r[i] = xstrdup(v[i]);
	return r;
}
