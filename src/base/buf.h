/*
 * Growable byte buffer with git strbuf's rules: never NULL data, always NUL-terminated,
 * buf_detach() is the one way to take the bytes.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

#include "cleanup.h"

struct buf {
	char *data;
	size_t len;
	size_t alloc;
};

extern char buf_empty_[];
#define BUF_INIT { buf_empty_, 0, 0 }

void buf_init(struct buf *b, size_t hint);
void buf_release(struct buf *b);
/* Returns the bytes (caller frees) and resets b. */
char *buf_detach(struct buf *b, size_t *ret_len);
void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *data, size_t len);
void buf_adds(struct buf *b, const char *s);
void buf_addch(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) _printf_(2, 3);
void buf_vaddf(struct buf *b, const char *fmt, va_list ap) _printf_(2, 0);
void buf_reset(struct buf *b);
void buf_setlen(struct buf *b, size_t len);
void buf_rtrim(struct buf *b);

static inline void
buf_releasep(struct buf *b)
{
	buf_release(b);
}
#define _cleanup_buf_ _cleanup_(buf_releasep)
