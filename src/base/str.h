/* Small text helpers shared by every parser: UTF-8 runes, hex digits, character counts. */
#pragma once

#include <stddef.h>

#include "buf.h"

#define RUNE_ERROR 0xFFFD

/*
 * Decodes one UTF-8 rune at s (n > 0 bytes), rejecting overlong forms, surrogates and values
 * past U+10FFFF as Go's utf8.DecodeRune does: invalid input gives RUNE_ERROR of width 1.
 */
int utf8_decode(const unsigned char *s, size_t n, unsigned *ret);
/* Appends r as UTF-8; surrogates and values past U+10FFFF become RUNE_ERROR. */
void utf8_encode(struct buf *out, unsigned r);
/* Value of a hex digit (either case), or -1. */
int hex_digit(int c);
/* How many times c occurs in s. */
size_t str_count_char(const char *s, char c);
