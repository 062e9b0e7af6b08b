/* A TOML v1.0 reader: text in, a jansson object tree out, file:line in every error. */
#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/str.h"
#include "base/toml.h"
#include "base/xalloc.h"
#include "base/banned.h"

/*
 * What a table or array was made by decides what may be done to it later (TOML v1.0,
 * "Table" and "Array of Tables"). Objects and arrays made by a value (inline tables,
 * `x = [...]`) are not recorded at all: being unrecorded means "closed for extension".
 */
enum made_by {
	MADE_NONE = 0,
	MADE_IMPLICIT,	/* a parent named in a [header]: may be defined by a later [header] once */
	MADE_HEADER,	/* defined by [header] or as an element of [[header]] */
	MADE_DOTTED,	/* made by a dotted key: open to more dotted keys and to sub-[headers] */
	MADE_AOT,	/* the array behind [[header]]: open to more [[header]] */
};

struct made_ent {
	const json_t *v;
	enum made_by by;
};

/* Open-addressing hash from node address to how it was made; nodes live until the end. */
struct made_map {
	struct made_ent *ents;
	size_t cap;
	size_t n;
};

#define MAX_KEY_PARTS TOML_MAX_DEPTH

struct key_part {
	char *s;
	size_t len;
};

struct key_path {
	struct key_part parts[MAX_KEY_PARTS];
	size_t n;
};

struct parser {
	const char *p;
	const char *end;
	const char *filename;
	int line;
	int depth;		/* nesting of the value being parsed, tables included */
	struct made_map made;
	struct buf scratch;	/* string bodies, reused */
	struct err **errp;
};

static size_t
ptr_hash(const void *ptr)
{
	uint64_t x = (uint64_t)(uintptr_t)ptr;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (size_t)x;
}

static struct made_ent *
made_slot(struct made_map *m, const json_t *v)
{
	size_t mask = m->cap - 1;

	for (size_t i = ptr_hash(v) & mask;; i = (i + 1) & mask)
		if (m->ents[i].v == v || !m->ents[i].v)
			return &m->ents[i];
}

static void
made_set(struct made_map *m, const json_t *v, enum made_by by)
{
	struct made_ent *e;

	if (2 * (m->n + 1) > m->cap) {
		struct made_ent *old = m->ents;
		size_t old_cap = m->cap;

		m->cap = m->cap ? 2 * m->cap : 64;
		m->ents = xnew(struct made_ent, m->cap);
		for (size_t i = 0; i < old_cap; i++)
			if (old[i].v)
				*made_slot(m, old[i].v) = old[i];
		free(old);
	}
	e = made_slot(m, v);
	if (!e->v) {
		e->v = v;
		m->n++;
	}
	e->by = by;
}

static enum made_by
made_get(struct made_map *m, const json_t *v)
{
	if (!m->cap)
		return MADE_NONE;
	return made_slot(m, v)->by;
}

static void
key_path_release(struct key_path *kp)
{
	for (size_t i = 0; i < kp->n; i++)
		free(kp->parts[i].s);
	kp->n = 0;
}

#define _cleanup_key_path_ _cleanup_(key_path_release)
/* jansson's own json_decrefp accepts NULL. */
#define _cleanup_json_ _cleanup_(json_decrefp)

static int perr(struct parser *ps, const char *fmt, ...) _printf_(2, 3);

static int
perr(struct parser *ps, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	return err_set(ps->errp, ERR_INVALID, "%s:%d: %s", ps->filename, ps->line, msg);
}

static bool
is_ctl(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

static bool
is_bare_key_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Describes the byte at the cursor for "found ..." in messages; tmp holds the text. */
static const char *
found(const struct parser *ps, char tmp[16])
{
	unsigned char c;

	if (ps->p >= ps->end)
		return "end of file";
	c = (unsigned char)*ps->p;
	if (c == '\n' || (c == '\r' && ps->p + 1 < ps->end && ps->p[1] == '\n'))
		return "end of line";
	if (c > 0x20 && c < 0x7f)
		snprintf(tmp, 16, "'%c'", c);
	else
		snprintf(tmp, 16, "byte 0x%02x", c);
	return tmp;
}

/* Appends a key part for messages: bare when it can be, else quoted with escapes. */
static void
add_key_display(struct buf *b, const char *s, size_t len)
{
	bool bare = len > 0;

	for (size_t i = 0; i < len && bare; i++)
		bare = is_bare_key_char((unsigned char)s[i]);
	if (bare) {
		buf_add(b, s, len);
		return;
	}
	buf_addch(b, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			buf_addf(b, "\\%c", c);
		else if (is_ctl(c) || c == '\t')
			buf_addf(b, "\\u%04x", c);
		else
			buf_addch(b, (char)c);
	}
	buf_addch(b, '"');
}

/* The key path parts [0, upto) as TOML would spell them, in a new string. */
static char *
key_display(const struct key_path *kp, size_t upto)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < upto; i++) {
		if (i)
			buf_addch(&b, '.');
		add_key_display(&b, kp->parts[i].s, kp->parts[i].len);
	}
	return buf_detach(&b, NULL);
}

/* Returns the offset of the first byte that breaks UTF-8 (RFC 3629), or len when none does. */
static size_t
utf8_check(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		uint32_t cp, min;

		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			n = 1;
			cp = c & 0x1f;
			min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2;
			cp = c & 0x0f;
			min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3;
			cp = c & 0x07;
			min = 0x10000;
		} else {
			return i;
		}
		if (len - i <= n)
			return i;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n + 1;
	}
	return len;
}

static void
skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t'))
		ps->p++;
}

/* Consumes a newline (LF or CRLF) when the cursor is on one; returns whether it did. */
static bool
eat_newline(struct parser *ps)
{
	if (ps->p < ps->end && *ps->p == '\n') {
		ps->p++;
		ps->line++;
		return true;
	}
	if (ps->end - ps->p >= 2 && ps->p[0] == '\r' && ps->p[1] == '\n') {
		ps->p += 2;
		ps->line++;
		return true;
	}
	return false;
}

static int
skip_comment(struct parser *ps)
{
	if (ps->p >= ps->end || *ps->p != '#')
		return 0;
	for (ps->p++; ps->p < ps->end && *ps->p != '\n'; ps->p++) {
		if (*ps->p == '\r' && ps->p + 1 < ps->end && ps->p[1] == '\n')
			break;
		if (is_ctl((unsigned char)*ps->p))
			return perr(ps, "control character 0x%02x in comment",
				    (unsigned char)*ps->p);
	}
	return 0;
}

/* Whitespace, comments and newlines between array elements. */
static int
skip_ws_lines(struct parser *ps)
{
	for (;;) {
		skip_ws(ps);
		if (skip_comment(ps) < 0)
			return -1;
		if (!eat_newline(ps))
			return 0;
	}
}

/* The cursor is on a backslash; appends what the escape stands for. */
static int
parse_escape(struct parser *ps, struct buf *out)
{
	size_t ndigits;
	uint32_t cp = 0;
	char tmp[16];

	ps->p++;
	if (ps->p >= ps->end)
		return perr(ps, "unterminated string");
	switch (*ps->p) {
	case 'b': buf_addch(out, '\b'); break;
	case 't': buf_addch(out, '\t'); break;
	case 'n': buf_addch(out, '\n'); break;
	case 'f': buf_addch(out, '\f'); break;
	case 'r': buf_addch(out, '\r'); break;
	case '"': buf_addch(out, '"'); break;
	case '\\': buf_addch(out, '\\'); break;
	case 'u':
	case 'U':
		ndigits = *ps->p == 'u' ? 4 : 8;
		ps->p++;
		if ((size_t)(ps->end - ps->p) < ndigits)
			return perr(ps, "invalid unicode escape: want %zu hex digits", ndigits);
		for (size_t i = 0; i < ndigits; i++) {
			int h = hex_digit((unsigned char)ps->p[i]);

			if (h < 0)
				return perr(ps, "invalid unicode escape: want %zu hex digits",
					    ndigits);
			cp = (cp << 4) | (uint32_t)h;
		}
		if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return perr(ps, "invalid unicode escape: U+%04X is not a scalar value",
				    (unsigned)cp);
		utf8_encode(out, cp);
		ps->p += ndigits;
		return 0;
	default:
		if (*ps->p == '\n' || *ps->p == '\r')
			return perr(ps, "invalid escape sequence: backslash at end of line");
		return perr(ps, "invalid escape sequence: \\ followed by %s", found(ps, tmp));
	}
	ps->p++;
	return 0;
}

/* One character of string body (not a delimiter, escape or newline); rejects controls. */
static int
add_plain(struct parser *ps, struct buf *out)
{
	unsigned char c = (unsigned char)*ps->p;

	if (is_ctl(c))
		return perr(ps, "control character 0x%02x in string", c);
	buf_addch(out, (char)c);
	ps->p++;
	return 0;
}

/* "..." or '...' on one line; the cursor is on the opening quote. */
static int
parse_line_string(struct parser *ps, struct buf *out)
{
	char q = *ps->p;

	for (ps->p++;;) {
		if (ps->p >= ps->end || *ps->p == '\n' ||
		    (*ps->p == '\r' && ps->p + 1 < ps->end && ps->p[1] == '\n'))
			return perr(ps, "unterminated string");
		if (*ps->p == q) {
			ps->p++;
			return 0;
		}
		if (q == '"' && *ps->p == '\\') {
			if (parse_escape(ps, out) < 0)
				return -1;
			continue;
		}
		if (add_plain(ps, out) < 0)
			return -1;
	}
}

/* """...""" or '''...'''; the cursor is just past the opening delimiter. */
static int
parse_multiline_string(struct parser *ps, char q, struct buf *out)
{
	int start_line = ps->line;

	/* A newline right after the opening delimiter is trimmed. */
	eat_newline(ps);
	for (;;) {
		if (ps->p >= ps->end) {
			ps->line = start_line;
			return perr(ps, "unterminated multi-line string");
		}
		if (*ps->p == q) {
			size_t n = 0;

			while (ps->p + n < ps->end && ps->p[n] == q)
				n++;
			ps->p += n;
			if (n < 3) {
				buf_add(out, ps->p - n, n);
				continue;
			}
			/* Up to two quotes may sit right before the closing delimiter. */
			if (n > 5)
				return perr(ps, "too many quotes closing a multi-line string");
			buf_add(out, ps->p - n, n - 3);
			return 0;
		}
		if (eat_newline(ps)) {
			buf_addch(out, '\n');
			continue;
		}
		if (q == '"' && *ps->p == '\\') {
			const char *t = ps->p + 1;

			while (t < ps->end && (*t == ' ' || *t == '\t'))
				t++;
			if (t < ps->end && (*t == '\n' || *t == '\r')) {
				/* A line-ending backslash eats the newline and following blanks. */
				ps->p = t;
				if (!eat_newline(ps))
					return perr(ps, "control character 0x0d in string");
				while (ps->p < ps->end) {
					skip_ws(ps);
					if (!eat_newline(ps))
						break;
				}
				continue;
			}
			if (parse_escape(ps, out) < 0)
				return -1;
			continue;
		}
		if (add_plain(ps, out) < 0)
			return -1;
	}
}

/* One part of a key: bare, "basic" or 'literal'. */
static int
parse_simple_key(struct parser *ps, struct key_part *ret)
{
	const char *start = ps->p;

	if (ps->p < ps->end && (*ps->p == '"' || *ps->p == '\'')) {
		buf_reset(&ps->scratch);
		if (parse_line_string(ps, &ps->scratch) < 0)
			return -1;
		/* Not xstrndup: a key may hold U+0000 from an escape. */
		ret->len = ps->scratch.len;
		ret->s = xmalloc(ret->len + 1);
		memcpy(ret->s, ps->scratch.data, ret->len + 1);
		return 0;
	}
	while (ps->p < ps->end && is_bare_key_char((unsigned char)*ps->p))
		ps->p++;
	if (ps->p == start) {
		char tmp[16];

		return perr(ps, "expected a key, found %s", found(ps, tmp));
	}
	ret->len = (size_t)(ps->p - start);
	ret->s = xstrndup(start, ret->len);
	return 0;
}

/* A dotted key: simple keys joined by dots, blanks allowed around the dots. */
static int
parse_key(struct parser *ps, struct key_path *kp)
{
	for (;;) {
		skip_ws(ps);
		if (kp->n == MAX_KEY_PARTS)
			return perr(ps, "key has more than %d parts", MAX_KEY_PARTS);
		if (parse_simple_key(ps, &kp->parts[kp->n]) < 0)
			return -1;
		kp->n++;
		skip_ws(ps);
		if (ps->p >= ps->end || *ps->p != '.')
			return 0;
		ps->p++;
	}
}

/* Checks that s[0..n) is digits of base, with each '_' between two digits. */
static bool
digits_ok(const char *s, size_t n, int base)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		int h = hex_digit((unsigned char)s[i]);

		if (s[i] == '_') {
			if (i == 0 || i + 1 == n || s[i + 1] == '_')
				return false;
		} else if (h < 0 || h >= base) {
			return false;
		}
	}
	return true;
}

static bool
n_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_digit((unsigned char)s[i]))
			return false;
	return true;
}

static int
two_digits(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

static bool
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* YYYY-MM-DD with a real day of the month; advances *s. */
static bool
scan_date(const char **s, const char *end)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const char *d = *s;
	int y, m, day, max;

	if (end - d < 10 || !n_digits(d, 4) || d[4] != '-' || !n_digits(d + 5, 2) ||
	    d[7] != '-' || !n_digits(d + 8, 2))
		return false;
	y = two_digits(d) * 100 + two_digits(d + 2);
	m = two_digits(d + 5);
	day = two_digits(d + 8);
	if (m < 1 || m > 12)
		return false;
	max = mdays[m - 1] + (m == 2 && is_leap(y));
	if (day < 1 || day > max)
		return false;
	*s = d + 10;
	return true;
}

/* HH:MM:SS with optional fraction; advances *s. */
static bool
scan_time(const char **s, const char *end)
{
	const char *t = *s;

	if (end - t < 8 || !n_digits(t, 2) || t[2] != ':' || !n_digits(t + 3, 2) ||
	    t[5] != ':' || !n_digits(t + 6, 2))
		return false;
	/* Second 60 is a leap second, which RFC 3339 allows. */
	if (two_digits(t) > 23 || two_digits(t + 3) > 59 || two_digits(t + 6) > 60)
		return false;
	t += 8;
	if (t < end && *t == '.') {
		const char *f = ++t;

		while (t < end && is_digit((unsigned char)*t))
			t++;
		if (t == f)
			return false;
	}
	*s = t;
	return true;
}

/* Offset date-time, local date-time, local date or local time, as RFC 3339 spells them. */
static bool
datetime_ok(const char *s, size_t n)
{
	const char *end = s + n;

	if (scan_time(&s, end))
		return s == end;
	if (!scan_date(&s, end))
		return false;
	if (s == end)
		return true;
	if (*s != 'T' && *s != 't' && *s != ' ')
		return false;
	s++;
	if (!scan_time(&s, end))
		return false;
	if (s == end)
		return true;
	if ((*s == 'Z' || *s == 'z') && s + 1 == end)
		return true;
	if ((*s == '+' || *s == '-') && end - s == 6 && n_digits(s + 1, 2) && s[3] == ':' &&
	    n_digits(s + 4, 2))
		return two_digits(s + 1) <= 23 && two_digits(s + 4) <= 59;
	return false;
}

static json_t *
parse_integer(struct parser *ps, const char *tok, size_t n)
{
	bool neg = false, signed_ = false;
	int base = 10, total = (int)n;
	uint64_t v = 0, limit;
	const char *s = tok;

	if (*s == '+' || *s == '-') {
		neg = *s == '-';
		signed_ = true;
		s++;
		n--;
	}
	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o' || s[1] == 'b')) {
		base = s[1] == 'x' ? 16 : s[1] == 'o' ? 8 : 2;
		if (signed_) {
			perr(ps, "invalid integer %.*s: no sign allowed before 0%c", total, tok,
			     s[1]);
			return NULL;
		}
		s += 2;
		n -= 2;
	} else if (n > 1 && s[0] == '0') {
		perr(ps, "invalid integer %.*s: leading zero", total, tok);
		return NULL;
	}
	if (!digits_ok(s, n, base)) {
		perr(ps, "invalid number %.*s", total, tok);
		return NULL;
	}
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (size_t i = 0; i < n; i++) {
		uint64_t d;

		if (s[i] == '_')
			continue;
		d = (uint64_t)hex_digit((unsigned char)s[i]);
		if (v > (limit - d) / (uint64_t)base) {
			perr(ps, "integer %.*s out of range", total, tok);
			return NULL;
		}
		v = v * (uint64_t)base + d;
	}
	if (neg)
		return json_integer(v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(json_int_t)v);
	return json_integer((json_int_t)v);
}

static locale_t
c_locale(void)
{
	static locale_t loc;

	/* strtod obeys LC_NUMERIC; TOML's decimal point is always '.'. */
	if (!loc)
		loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	return loc;
}

static json_t *
parse_float(struct parser *ps, const char *tok, size_t n)
{
	_cleanup_free_ char *clean = NULL;
	const char *s = tok, *end = tok + n, *run;
	size_t k = 0;
	bool frac = false, exp = false;
	char *endp;
	double d;

	if (*s == '+' || *s == '-')
		s++;
	for (run = s; s < end && (is_digit((unsigned char)*s) || *s == '_'); s++)
		;
	if (!digits_ok(run, (size_t)(s - run), 10) || (run[0] == '0' && s - run > 1))
		goto bad;
	if (s < end && *s == '.') {
		frac = true;
		for (run = ++s; s < end && (is_digit((unsigned char)*s) || *s == '_'); s++)
			;
		if (!digits_ok(run, (size_t)(s - run), 10))
			goto bad;
	}
	if (s < end && (*s == 'e' || *s == 'E')) {
		exp = true;
		s++;
		if (s < end && (*s == '+' || *s == '-'))
			s++;
		for (run = s; s < end && (is_digit((unsigned char)*s) || *s == '_'); s++)
			;
		if (!digits_ok(run, (size_t)(s - run), 10))
			goto bad;
	}
	if (s != end || (!frac && !exp))
		goto bad;
	clean = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		if (tok[i] != '_')
			clean[k++] = tok[i];
	clean[k] = '\0';
	errno = 0;
	d = strtod_l(clean, &endp, c_locale());
	if (*endp != '\0')
		goto bad;
	/* Underflow to a tiny or zero value is harmless; overflow has no JSON form. */
	if (errno == ERANGE && (d > 1.0 || d < -1.0)) {
		perr(ps, "float %.*s out of range", (int)n, tok);
		return NULL;
	}
	return json_real(d);
bad:
	perr(ps, "invalid number %.*s", (int)n, tok);
	return NULL;
}

/* Integers, floats and date-times: everything that starts with a digit, sign, i or n. */
static json_t *
parse_scalar(struct parser *ps)
{
	const char *tok = ps->p, *s;
	size_t n;
	char tmp[16];

	while (ps->p < ps->end &&
	       (is_bare_key_char((unsigned char)*ps->p) || *ps->p == '+' || *ps->p == '.' ||
		*ps->p == ':'))
		ps->p++;
	/* "1979-05-27 07:32:00": a space may separate date and time. */
	if (ps->p - tok == 10 && ps->end - ps->p >= 4 && ps->p[0] == ' ' &&
	    is_digit((unsigned char)ps->p[1]) && is_digit((unsigned char)ps->p[2]) &&
	    ps->p[3] == ':') {
		s = tok;
		if (scan_date(&s, ps->end)) {
			ps->p++;
			while (ps->p < ps->end &&
			       (is_bare_key_char((unsigned char)*ps->p) || *ps->p == '+' ||
				*ps->p == '.' || *ps->p == ':'))
				ps->p++;
		}
	}
	n = (size_t)(ps->p - tok);
	if (!n) {
		perr(ps, "expected a value, found %s", found(ps, tmp));
		return NULL;
	}
	s = tok + (*tok == '+' || *tok == '-');
	if ((size_t)(tok + n - s) == 3 && (!memcmp(s, "inf", 3) || !memcmp(s, "nan", 3)))
		return json_string(*s == 'n' ? "nan" : *tok == '-' ? "-inf" : "inf");
	if (n >= 5 && n_digits(tok, 2) &&
	    (tok[2] == ':' || (n_digits(tok + 2, 2) && tok[4] == '-'))) {
		if (!datetime_ok(tok, n)) {
			perr(ps, "invalid date-time %.*s", (int)(n > 40 ? 40 : n), tok);
			return NULL;
		}
		return json_stringn_nocheck(tok, n);
	}
	if (n > 64) {
		perr(ps, "invalid number %.40s...", tok);
		return NULL;
	}
	if (memchr(s, '.', (size_t)(tok + n - s)) ||
	    (!(n - (size_t)(s - tok) >= 2 && s[0] == '0' && s[1] == 'x') &&
	     (memchr(s, 'e', (size_t)(tok + n - s)) || memchr(s, 'E', (size_t)(tok + n - s)))))
		return parse_float(ps, tok, n);
	return parse_integer(ps, tok, n);
}

static json_t *parse_value(struct parser *ps);
static int parse_keyval(struct parser *ps, json_t *table, int depth);

static int
enter(struct parser *ps)
{
	if (ps->depth >= TOML_MAX_DEPTH)
		return perr(ps, "nested deeper than %d levels", TOML_MAX_DEPTH);
	ps->depth++;
	return 0;
}

static json_t *
parse_array(struct parser *ps)
{
	_cleanup_json_ json_t *arr = NULL;
	char tmp[16];

	if (enter(ps) < 0)
		return NULL;
	arr = json_array();
	for (ps->p++;;) {
		json_t *v;

		if (skip_ws_lines(ps) < 0)
			return NULL;
		if (ps->p < ps->end && *ps->p == ']')
			break;
		v = parse_value(ps);
		if (!v)
			return NULL;
		json_array_append_new(arr, v);
		if (skip_ws_lines(ps) < 0)
			return NULL;
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == ']')
			break;
		perr(ps, "expected ',' or ']' in array, found %s", found(ps, tmp));
		return NULL;
	}
	ps->p++;
	ps->depth--;
	return TAKE_PTR(arr);
}

static json_t *
parse_inline_table(struct parser *ps)
{
	_cleanup_json_ json_t *obj = NULL;
	char tmp[16];

	if (enter(ps) < 0)
		return NULL;
	obj = json_object();
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == '}') {
		ps->p++;
		ps->depth--;
		return TAKE_PTR(obj);
	}
	for (;;) {
		if (parse_keyval(ps, obj, ps->depth) < 0)
			return NULL;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == '}')
			break;
		perr(ps, "expected ',' or '}' in inline table, found %s", found(ps, tmp));
		return NULL;
	}
	ps->p++;
	ps->depth--;
	return TAKE_PTR(obj);
}

static json_t *
parse_value(struct parser *ps)
{
	char tmp[16];

	if (ps->p >= ps->end || *ps->p == '\n' || *ps->p == '\r' || *ps->p == '#') {
		perr(ps, "expected a value, found %s", found(ps, tmp));
		return NULL;
	}
	switch (*ps->p) {
	case '"':
	case '\'':
		buf_reset(&ps->scratch);
		if (ps->end - ps->p >= 3 && ps->p[1] == ps->p[0] && ps->p[2] == ps->p[0]) {
			char q = *ps->p;

			ps->p += 3;
			if (parse_multiline_string(ps, q, &ps->scratch) < 0)
				return NULL;
		} else if (parse_line_string(ps, &ps->scratch) < 0) {
			return NULL;
		}
		return json_stringn_nocheck(ps->scratch.data, ps->scratch.len);
	case '[':
		return parse_array(ps);
	case '{':
		return parse_inline_table(ps);
	case 't':
		if (ps->end - ps->p >= 4 && !memcmp(ps->p, "true", 4)) {
			ps->p += 4;
			return json_true();
		}
		break;
	case 'f':
		if (ps->end - ps->p >= 5 && !memcmp(ps->p, "false", 5)) {
			ps->p += 5;
			return json_false();
		}
		break;
	case '+':
	case '-':
	case 'i':
	case 'n':
		return parse_scalar(ps);
	default:
		if (is_digit((unsigned char)*ps->p))
			return parse_scalar(ps);
		break;
	}
	perr(ps, "expected a value, found %s", found(ps, tmp));
	return NULL;
}

/*
 * key = value into table. depth is the nesting of table; dotted parts add to it.
 * Intermediate tables made here are open to later dotted keys, not to [headers] naming them.
 */
static int
parse_keyval(struct parser *ps, json_t *table, int depth)
{
	_cleanup_key_path_ struct key_path kp = { .n = 0 };
	_cleanup_free_ char *name = NULL;
	int saved_depth;
	json_t *t = table, *v;

	if (parse_key(ps, &kp) < 0)
		return -1;
	skip_ws(ps);
	if (ps->p >= ps->end || *ps->p != '=')
		return perr(ps, "expected '=' after key");
	ps->p++;
	skip_ws(ps);
	if (depth + (int)kp.n > TOML_MAX_DEPTH)
		return perr(ps, "nested deeper than %d levels", TOML_MAX_DEPTH);
	for (size_t i = 0; i + 1 < kp.n; i++) {
		json_t *c = json_object_getn(t, kp.parts[i].s, kp.parts[i].len);

		if (!c) {
			c = json_object();
			json_object_setn_new_nocheck(t, kp.parts[i].s, kp.parts[i].len, c);
			made_set(&ps->made, c, MADE_DOTTED);
		} else {
			enum made_by by = made_get(&ps->made, c);

			if (!json_is_object(c) || (by != MADE_DOTTED && by != MADE_IMPLICIT)) {
				name = key_display(&kp, i + 1);
				return perr(ps, "cannot add keys to %s: it is already defined",
					    name);
			}
			made_set(&ps->made, c, MADE_DOTTED);
		}
		t = c;
	}
	if (json_object_getn(t, kp.parts[kp.n - 1].s, kp.parts[kp.n - 1].len)) {
		name = key_display(&kp, kp.n);
		return perr(ps, "duplicate key %s", name);
	}
	saved_depth = ps->depth;
	ps->depth = depth + (int)kp.n - 1;
	v = parse_value(ps);
	ps->depth = saved_depth;
	if (!v)
		return -1;
	json_object_setn_new_nocheck(t, kp.parts[kp.n - 1].s, kp.parts[kp.n - 1].len, v);
	return 0;
}

/* [a.b] or [[a.b]]: makes *cur the table that the following keys go into. */
static int
parse_header(struct parser *ps, json_t *root, json_t **cur, int *cur_depth)
{
	_cleanup_key_path_ struct key_path kp = { .n = 0 };
	_cleanup_free_ char *name = NULL;
	bool aot = false;
	json_t *t = root, *c;
	const struct key_part *last;
	char tmp[16];

	ps->p++;
	if (ps->p < ps->end && *ps->p == '[') {
		aot = true;
		ps->p++;
	}
	if (parse_key(ps, &kp) < 0)
		return -1;
	if (ps->p >= ps->end || *ps->p != ']' ||
	    (aot && (ps->p + 1 >= ps->end || ps->p[1] != ']')))
		return perr(ps, "expected '%s' after table name, found %s", aot ? "]]" : "]",
			    found(ps, tmp));
	ps->p += aot ? 2 : 1;

	for (size_t i = 0; i + 1 < kp.n; i++) {
		enum made_by by;

		c = json_object_getn(t, kp.parts[i].s, kp.parts[i].len);
		if (!c) {
			c = json_object();
			json_object_setn_new_nocheck(t, kp.parts[i].s, kp.parts[i].len, c);
			made_set(&ps->made, c, MADE_IMPLICIT);
			t = c;
			continue;
		}
		by = made_get(&ps->made, c);
		if (by == MADE_AOT)
			c = json_array_get(c, json_array_size(c) - 1);
		else if (!json_is_object(c) || by == MADE_NONE)
			goto defined;
		t = c;
	}

	last = &kp.parts[kp.n - 1];
	c = json_object_getn(t, last->s, last->len);
	if (aot) {
		json_t *elem;

		if (!c) {
			c = json_array();
			json_object_setn_new_nocheck(t, last->s, last->len, c);
			made_set(&ps->made, c, MADE_AOT);
		} else if (made_get(&ps->made, c) != MADE_AOT) {
			goto defined;
		}
		elem = json_object();
		json_array_append_new(c, elem);
		made_set(&ps->made, elem, MADE_HEADER);
		c = elem;
	} else if (!c) {
		c = json_object();
		json_object_setn_new_nocheck(t, last->s, last->len, c);
		made_set(&ps->made, c, MADE_HEADER);
	} else if (json_is_object(c) && made_get(&ps->made, c) == MADE_IMPLICIT) {
		made_set(&ps->made, c, MADE_HEADER);
	} else {
		name = key_display(&kp, kp.n);
		return perr(ps, "table %s defined more than once", name);
	}
	*cur = c;
	*cur_depth = (int)kp.n;
	return 0;

defined:
	name = key_display(&kp, kp.n);
	return perr(ps, "cannot define table %s: a key on its path is already a value", name);
}

int
toml_parse(const char *text, size_t len, const char *filename, json_t **ret, struct err **errp)
{
	struct parser ps = {
		.p = text,
		.end = text + len,
		.filename = filename,
		.line = 1,
		.scratch = BUF_INIT,
		.errp = errp,
	};
	_cleanup_json_ json_t *root = NULL;
	json_t *cur;
	int cur_depth = 0, r = 0;
	size_t bad;
	char tmp[16];

	if (len > TOML_MAX_BYTES)
		return err_set(errp, ERR_RESOURCE, "%s: larger than %u bytes", filename,
			       TOML_MAX_BYTES);
	bad = utf8_check((const unsigned char *)text, len);
	if (bad != len) {
		for (size_t i = 0; i < bad; i++)
			ps.line += text[i] == '\n';
		return perr(&ps, "invalid UTF-8");
	}
	/* A byte order mark is not TOML, but editors write one. */
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		ps.p += 3;

	root = cur = json_object();
	made_set(&ps.made, root, MADE_HEADER);
	while (r == 0) {
		skip_ws(&ps);
		if ((r = skip_comment(&ps)) < 0)
			break;
		if (ps.p >= ps.end)
			break;
		if (eat_newline(&ps))
			continue;
		if (*ps.p == '[') {
			r = parse_header(&ps, root, &cur, &cur_depth);
			if (r < 0)
				break;
		} else {
			r = parse_keyval(&ps, cur, cur_depth);
			if (r < 0)
				break;
		}
		skip_ws(&ps);
		if ((r = skip_comment(&ps)) < 0)
			break;
		if (ps.p < ps.end && !eat_newline(&ps))
			r = perr(&ps, "expected end of line, found %s", found(&ps, tmp));
	}
	free(ps.made.ents);
	buf_release(&ps.scratch);
	if (r < 0)
		return -1;
	*ret = TAKE_PTR(root);
	return 0;
}
