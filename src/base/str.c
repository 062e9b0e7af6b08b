/* UTF-8, hex digits and character counts, written once for all parsers. */
#include "str.h"
#include "banned.h"

int
utf8_decode(const unsigned char *s, size_t n, unsigned *ret)
{
	unsigned c = s[0], r;
	int w;

	if (c < 0x80) {
		*ret = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		w = 2;
		r = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		w = 3;
		r = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		w = 4;
		r = c & 0x07;
	} else {
		*ret = RUNE_ERROR;
		return 1;
	}
	if ((size_t)w > n)
		goto bad;
	for (int i = 1; i < w; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto bad;
		r = (r << 6) | (s[i] & 0x3F);
	}
	if ((w == 3 && r < 0x800) || (w == 4 && (r < 0x10000 || r > 0x10FFFF)) ||
	    (r >= 0xD800 && r <= 0xDFFF))
		goto bad;
	*ret = r;
	return w;
bad:
	*ret = RUNE_ERROR;
	return 1;
}

void
utf8_encode(struct buf *out, unsigned r)
{
	if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
		r = RUNE_ERROR;
	if (r < 0x80) {
		buf_addch(out, (char)r);
	} else if (r < 0x800) {
		buf_addch(out, (char)(0xC0 | (r >> 6)));
		buf_addch(out, (char)(0x80 | (r & 0x3F)));
	} else if (r < 0x10000) {
		buf_addch(out, (char)(0xE0 | (r >> 12)));
		buf_addch(out, (char)(0x80 | ((r >> 6) & 0x3F)));
		buf_addch(out, (char)(0x80 | (r & 0x3F)));
	} else {
		buf_addch(out, (char)(0xF0 | (r >> 18)));
		buf_addch(out, (char)(0x80 | ((r >> 12) & 0x3F)));
		buf_addch(out, (char)(0x80 | ((r >> 6) & 0x3F)));
		buf_addch(out, (char)(0x80 | (r & 0x3F)));
	}
}

int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t
str_count_char(const char *s, char c)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == c;
	return n;
}
