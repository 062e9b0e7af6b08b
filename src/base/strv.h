/* NULL-terminated string vectors (char **) that own their strings. */
#pragma once

#include <stddef.h>

#include "cleanup.h"

struct strv {
	char **v;	/* NULL-terminated; NULL when empty and never grown */
	size_t n;
	size_t alloc;
};
#define STRV_INIT { NULL, 0, 0 }

/* Appends a copy of s. */
void strv_push(struct strv *sv, const char *s);
/* Appends s, taking ownership. */
void strv_push_take(struct strv *sv, char *s);
void strv_pushf(struct strv *sv, const char *fmt, ...) _printf_(2, 3);
void strv_release(struct strv *sv);
/* Returns the vector (caller frees with strv_free) and resets sv. Never NULL. */
char **strv_detach(struct strv *sv);
int strv_contains(const struct strv *sv, const char *s);
/* Splits s at every sep (empty fields kept). */
void strv_split(struct strv *sv, const char *s, char sep);

void strv_free(char **v);
size_t strv_length(char *const *v);
char **strv_copy(char *const *v);

static inline void
strv_releasep(struct strv *sv)
{
	strv_release(sv);
}
DEFINE_CLEANUP_FUNC(strv_freep, char **, strv_free)
#define _cleanup_strv_ _cleanup_(strv_releasep)
#define _cleanup_strv_free_ _cleanup_(strv_freep)
