/* Go's fmt, strconv and encoding/json output rules, reimplemented over jansson values. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/gofmt.h"
#include "base/json.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "base/banned.h"

#define FMT_TOO_LARGE 1000000 /* fmt's tooLarge: widths and precisions above are refused */

static size_t
rune_count(const char *s, size_t n)
{
	size_t count = 0;

	for (size_t i = 0; i < n; count++) {
		unsigned r;

		i += (size_t)utf8_decode((const unsigned char *)s + i, n - i, &r);
	}
	return count;
}

/* unicode.IsPrint, approximated outside ASCII: everything but C1 controls and U+00AD. */
static bool
rune_printable(unsigned r)
{
	if (r < 0x80)
		return r >= 0x20 && r < 0x7F;
	return r >= 0xA0 && r != 0xAD && r != RUNE_ERROR && !(r >= 0x2028 && r <= 0x202E) &&
	       !(r >= 0xFFF9 && r <= 0xFFFB);
}

static void
quote_rune_into(struct buf *out, unsigned r, char quote, bool ascii_only)
{
	static const char hex[] = "0123456789abcdef";

	if (r == (unsigned char)quote || r == '\\') {
		buf_addch(out, '\\');
		buf_addch(out, (char)r);
		return;
	}
	if (ascii_only ? (r < 0x80 && rune_printable(r)) : rune_printable(r)) {
		utf8_encode(out, r);
		return;
	}
	switch (r) {
	case '\a': buf_adds(out, "\\a"); return;
	case '\b': buf_adds(out, "\\b"); return;
	case '\f': buf_adds(out, "\\f"); return;
	case '\n': buf_adds(out, "\\n"); return;
	case '\r': buf_adds(out, "\\r"); return;
	case '\t': buf_adds(out, "\\t"); return;
	case '\v': buf_adds(out, "\\v"); return;
	}
	if (r < ' ' || r == 0x7F) {
		buf_adds(out, "\\x");
		buf_addch(out, hex[r >> 4]);
		buf_addch(out, hex[r & 0xF]);
	} else if (r < 0x10000) {
		buf_addf(out, "\\u%04x", r);
	} else {
		buf_addf(out, "\\U%08x", r);
	}
}

static void
quote_with(struct buf *out, const char *s, size_t len, char quote, bool ascii_only)
{
	buf_addch(out, quote);
	for (size_t i = 0; i < len;) {
		unsigned r;
		int w = utf8_decode((const unsigned char *)s + i, len - i, &r);

		if (w == 1 && r == RUNE_ERROR) {
			buf_addf(out, "\\x%02x", (unsigned char)s[i]);
			i++;
			continue;
		}
		quote_rune_into(out, r, quote, ascii_only);
		i += (size_t)w;
	}
	buf_addch(out, quote);
}

void
gofmt_quote(struct buf *out, const char *s, size_t len)
{
	quote_with(out, s, len, '"', false);
}

const char *
gofmt_typename(json_t *v)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_STRING: return "string";
	case JSON_INTEGER: return "int";
	case JSON_REAL: return "float64";
	case JSON_TRUE:
	case JSON_FALSE: return "bool";
	case JSON_ARRAY: return "[]interface {}";
	case JSON_OBJECT: return "map[string]interface {}";
	case JSON_NULL: break;
	}
	return "<nil>";
}

/*
 * Shortest decimal digits that read back as d (d > 0, finite): digits in dig (no dot),
 * their count in *nd and the decimal point position in *dp (value = 0.dig × 10^dp).
 */
static void
float_shortest(double d, char *dig, int *nd, int *dp)
{
	char tmp[64];
	int n = 0;
	const char *p;

	for (int prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	/* "D.DDDe+XX"; the decimal point may be locale-specific, so skip any non-digit. */
	for (p = tmp; *p && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9')
			dig[n++] = *p;
	while (n > 1 && dig[n - 1] == '0')
		n--;
	dig[n] = '\0';
	*nd = n;
	*dp = (int)strtol(p + 1, NULL, 10) + 1;
}

static void
add_exp(struct buf *out, char e, int exp)
{
	buf_addch(out, e);
	buf_addch(out, exp < 0 ? '-' : '+');
	if (exp < 0)
		exp = -exp;
	buf_addf(out, "%02d", exp);
}

/* strconv.FormatFloat(d, fmtc, -1, 64) for fmtc in 'e', 'E', 'f', 'g', 'G'. */
static void
float_format_shortest(struct buf *out, double d, char fmtc)
{
	char dig[32];
	int nd, dp;
	bool use_e;

	if (isnan(d)) {
		buf_adds(out, "NaN");
		return;
	}
	if (isinf(d)) {
		buf_adds(out, d < 0 ? "-Inf" : "+Inf");
		return;
	}
	if (signbit(d))
		buf_addch(out, '-');
	d = d < 0 ? -d : d;
	if (d == 0) {
		dig[0] = '0';
		dig[1] = '\0';
		nd = 1;
		dp = 1;
		if (fmtc == 'e' || fmtc == 'E') {
			buf_adds(out, "0");
			add_exp(out, fmtc, 0);
			return;
		}
		buf_adds(out, "0");
		return;
	}
	float_shortest(d, dig, &nd, &dp);
	if (fmtc == 'e' || fmtc == 'E')
		use_e = true;
	else if (fmtc == 'f')
		use_e = false;
	else
		use_e = dp - 1 < -4 || dp - 1 >= 6; /* shortest %g decides with precision 6 */
	if (use_e) {
		buf_addch(out, dig[0]);
		if (nd > 1) {
			buf_addch(out, '.');
			buf_add(out, dig + 1, (size_t)nd - 1);
		}
		add_exp(out, (fmtc == 'E' || fmtc == 'G') ? 'E' : 'e', dp - 1);
		return;
	}
	if (dp <= 0) {
		buf_adds(out, "0.");
		for (int i = 0; i < -dp; i++)
			buf_addch(out, '0');
		buf_add(out, dig, (size_t)nd);
	} else if (dp >= nd) {
		buf_add(out, dig, (size_t)nd);
		for (int i = nd; i < dp; i++)
			buf_addch(out, '0');
	} else {
		buf_add(out, dig, (size_t)dp);
		buf_addch(out, '.');
		buf_add(out, dig + dp, (size_t)(nd - dp));
	}
}

void
gofmt_float(struct buf *out, double d)
{
	float_format_shortest(out, d, 'g');
}

/* ---- Printf ---- */

struct spec {
	bool minus, plus, sharp, space, zero, sharp_v, plus_v;
	bool wid_present, prec_present;
	int wid, prec;
};

static void
fill(struct buf *out, char c, long n)
{
	if (n <= 0)
		return;
	buf_grow(out, (size_t)n);
	memset(out->data + out->len, c, (size_t)n);
	out->len += (size_t)n;
	out->data[out->len] = '\0';
}

static void
write_padding(struct buf *out, const struct spec *f, long n)
{
	fill(out, f->zero ? '0' : ' ', n);
}

/* fmt's pad: width counted in runes, '-' pads on the right. */
static void
pad_bytes(struct buf *out, const struct spec *f, const char *s, size_t len)
{
	long width;

	if (!f->wid_present || f->wid == 0) {
		buf_add(out, s, len);
		return;
	}
	width = f->wid - (long)rune_count(s, len);
	if (!f->minus) {
		write_padding(out, f, width);
		buf_add(out, s, len);
	} else {
		buf_add(out, s, len);
		write_padding(out, f, width);
	}
}

static void
pad_str(struct buf *out, const struct spec *f, const char *s)
{
	pad_bytes(out, f, s, strlen(s));
}

static void print_arg(struct buf *out, struct spec *f, json_t *arg, unsigned verb);

static void
bad_verb(struct buf *out, struct spec *f, json_t *arg, unsigned verb)
{
	buf_adds(out, "%!");
	utf8_encode(out, verb);
	buf_addch(out, '(');
	if (arg && !json_is_null(arg)) {
		buf_adds(out, gofmt_typename(arg));
		buf_addch(out, '=');
		print_arg(out, f, arg, 'v');
	} else {
		buf_adds(out, "<nil>");
	}
	buf_addch(out, ')');
}

static void
fmt_integer(struct buf *out, struct spec *f, unsigned long long u, bool negative, int base,
	    unsigned verb, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[80];
	int i = (int)sizeof(tmp);
	long prec = 0;
	struct buf b = BUF_INIT;
	bool old_zero;

	if (f->prec_present) {
		prec = f->prec;
		if (prec == 0 && u == 0) {
			old_zero = f->zero;
			f->zero = false;
			write_padding(out, f, f->wid);
			f->zero = old_zero;
			return;
		}
	} else if (f->zero && f->wid_present) {
		prec = f->wid;
		if (negative || f->plus || f->space)
			prec--;
	}
	do {
		tmp[--i] = digits[u % (unsigned)base];
		u /= (unsigned)base;
	} while (u);
	fill(&b, '0', prec - ((long)sizeof(tmp) - i));
	buf_add(&b, tmp + i, sizeof(tmp) - (size_t)i);
	/* prefixes go in front: build them separately */
	{
		struct buf pre = BUF_INIT;

		if (negative)
			buf_addch(&pre, '-');
		else if (f->plus)
			buf_addch(&pre, '+');
		else if (f->space)
			buf_addch(&pre, ' ');
		if (f->sharp) {
			if (base == 2)
				buf_adds(&pre, "0b");
			else if (base == 16)
				buf_adds(&pre, upper ? "0X" : "0x");
			else if (base == 8 && b.data[0] != '0')
				buf_addch(&pre, '0');
		}
		if (verb == 'O')
			buf_adds(&pre, "0o");
		buf_add(&pre, b.data, b.len);
		old_zero = f->zero;
		f->zero = false;
		pad_bytes(out, f, pre.data, pre.len);
		f->zero = old_zero;
		buf_release(&pre);
	}
	buf_release(&b);
}

/* C's printf agrees with Go's for %e, %E, %f and %g with a precision. */
static int
cfloat(char *dst, size_t size, unsigned verb, int prec, double v)
{
	switch (verb) {
	case 'e': return snprintf(dst, size, "%.*e", prec, v);
	case 'E': return snprintf(dst, size, "%.*E", prec, v);
	case 'g': return snprintf(dst, size, "%.*g", prec, v);
	case 'G': return snprintf(dst, size, "%.*G", prec, v);
	default: return snprintf(dst, size, "%.*f", prec, v);
	}
}

static void
fmt_float(struct buf *out, struct spec *f, double v, unsigned verb, int prec)
{
	struct buf num = BUF_INIT;
	if (f->prec_present)
		prec = f->prec;
	if (prec < 0) {
		float_format_shortest(&num, v, (char)verb);
	} else {
		int n = cfloat(NULL, 0, verb, prec, v);
		char *tmp = xmalloc((size_t)n + 1);

		cfloat(tmp, (size_t)n + 1, verb, prec, v);
		buf_add(&num, tmp, (size_t)n);
		free(tmp);
	}
	/* Sign handling as in fmt: a leading sign, then zero padding after it. */
	{
		const char *s = num.data;
		char sign = '+';

		if (*s == '-' || *s == '+')
			sign = *s++;
		if (f->space && sign == '+' && !f->plus)
			sign = ' ';
		if (f->plus || sign != '+') {
			size_t len = strlen(s) + 1;

			if (f->zero && f->wid_present && (size_t)f->wid > len &&
			    !(s[0] == 'I' || s[0] == 'N')) {
				buf_addch(out, sign);
				write_padding(out, f, (long)(f->wid - (int)len));
				buf_adds(out, s);
			} else {
				struct buf t = BUF_INIT;

				buf_addch(&t, sign);
				buf_adds(&t, s);
				pad_bytes(out, f, t.data, t.len);
				buf_release(&t);
			}
		} else {
			pad_str(out, f, s);
		}
	}
	buf_release(&num);
}

static void
fmt_string(struct buf *out, struct spec *f, const char *s, size_t len, unsigned verb)
{
	size_t n = len;

	if (f->prec_present) { /* truncate to prec runes */
		size_t i = 0;
		int count = 0;

		while (i < len && count < f->prec) {
			unsigned r;

			i += (size_t)utf8_decode((const unsigned char *)s + i, len - i, &r);
			count++;
		}
		n = i;
	}
	switch (verb) {
	case 'v':
		if (f->sharp_v)
			goto quote;
		__attribute__((fallthrough));
	case 's':
		pad_bytes(out, f, s, n);
		return;
	case 'x':
	case 'X': {
		struct buf t = BUF_INIT;
		const char *digits = verb == 'x' ? "0123456789abcdef" : "0123456789ABCDEF";

		if (f->sharp && len)
			buf_adds(&t, verb == 'x' ? "0x" : "0X");
		for (size_t i = 0; i < len; i++) {
			if (f->space && i > 0) {
				buf_addch(&t, ' ');
				if (f->sharp)
					buf_adds(&t, verb == 'x' ? "0x" : "0X");
			}
			buf_addch(&t, digits[(unsigned char)s[i] >> 4]);
			buf_addch(&t, digits[(unsigned char)s[i] & 0xF]);
		}
		pad_bytes(out, f, t.data, t.len);
		buf_release(&t);
		return;
	}
	case 'q':
	quote: {
		struct buf t = BUF_INIT;
		bool backquote = f->sharp && !memchr(s, '`', n);

		for (size_t i = 0; backquote && i < n;) {
			unsigned r;
			int w = utf8_decode((const unsigned char *)s + i, n - i, &r);

			if ((w == 1 && r == RUNE_ERROR) || (r != '\t' && !rune_printable(r)) ||
			    r == 0xFEFF)
				backquote = false;
			i += (size_t)w;
		}
		if (backquote) {
			buf_addch(&t, '`');
			buf_add(&t, s, n);
			buf_addch(&t, '`');
		} else {
			quote_with(&t, s, n, '"', f->plus);
		}
		pad_bytes(out, f, t.data, t.len);
		buf_release(&t);
		return;
	}
	}
	{
		json_t *tmp = json_stringn_nocheck(s, len);

		bad_verb(out, f, tmp, verb);
		json_decref(tmp);
	}
}

static void
fmt_int_value(struct buf *out, struct spec *f, json_t *arg, unsigned verb)
{
	long long v = json_integer_value(arg);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	switch (verb) {
	case 'v':
	case 'd': fmt_integer(out, f, u, v < 0, 10, verb, false); return;
	case 'b': fmt_integer(out, f, u, v < 0, 2, verb, false); return;
	case 'o':
	case 'O': fmt_integer(out, f, u, v < 0, 8, verb, false); return;
	case 'x': fmt_integer(out, f, u, v < 0, 16, verb, false); return;
	case 'X': fmt_integer(out, f, u, v < 0, 16, verb, true); return;
	case 'c': {
		struct buf t = BUF_INIT;

		utf8_encode(&t, (v < 0 || v > 0x10FFFF) ? RUNE_ERROR : (unsigned)v);
		pad_bytes(out, f, t.data, t.len);
		buf_release(&t);
		return;
	}
	case 'q': {
		struct buf t = BUF_INIT;
		unsigned r = (v < 0 || v > 0x10FFFF) ? RUNE_ERROR : (unsigned)v;

		buf_addch(&t, '\'');
		if (r >= 0xD800 && r <= 0xDFFF)
			r = RUNE_ERROR;
		quote_rune_into(&t, r, '\'', f->plus);
		buf_addch(&t, '\'');
		pad_bytes(out, f, t.data, t.len);
		buf_release(&t);
		return;
	}
	case 'U': {
		struct buf t = BUF_INIT;

		buf_addf(&t, "U+%04llX", u);
		pad_bytes(out, f, t.data, t.len);
		buf_release(&t);
		return;
	}
	}
	bad_verb(out, f, arg, verb);
}

static int
keycmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted keys of an object (caller frees the array, not the strings). */
static const char **
sorted_keys(json_t *obj, size_t *ret_n)
{
	size_t n = json_object_size(obj), i = 0;
	const char **keys = malloc((n ? n : 1) * sizeof(*keys));
	const char *k;
	json_t *v;

	if (!keys)
		abort();
	json_object_foreach(obj, k, v)
		keys[i++] = k;
	qsort(keys, n, sizeof(*keys), keycmp);
	*ret_n = n;
	return keys;
}

/* printValue at depth > 0: a nil element prints <nil> whatever the verb. */
static void
print_elem(struct buf *out, struct spec *f, json_t *v, unsigned verb)
{
	if (json_is_null(v))
		pad_str(out, f, "<nil>");
	else
		print_arg(out, f, v, verb);
}

static void
print_arg(struct buf *out, struct spec *f, json_t *arg, unsigned verb)
{
	if (!arg || json_is_null(arg)) {
		if (verb == 'T' || verb == 'v')
			pad_str(out, f, "<nil>");
		else
			bad_verb(out, f, NULL, verb);
		return;
	}
	if (verb == 'T') {
		pad_str(out, f, gofmt_typename(arg));
		return;
	}
	switch (json_typeof(arg)) {
	case JSON_TRUE:
	case JSON_FALSE:
		if (verb == 't' || verb == 'v')
			pad_str(out, f, json_is_true(arg) ? "true" : "false");
		else
			bad_verb(out, f, arg, verb);
		return;
	case JSON_INTEGER:
		fmt_int_value(out, f, arg, verb);
		return;
	case JSON_REAL:
		switch (verb) {
		case 'v': fmt_float(out, f, json_real_value(arg), 'g', -1); return;
		case 'g':
		case 'G': fmt_float(out, f, json_real_value(arg), verb, -1); return;
		case 'e':
		case 'E':
		case 'f': fmt_float(out, f, json_real_value(arg), verb, 6); return;
		case 'F': fmt_float(out, f, json_real_value(arg), 'f', 6); return;
		}
		bad_verb(out, f, arg, verb);
		return;
	case JSON_STRING:
		fmt_string(out, f, json_string_value(arg), json_string_length(arg), verb);
		return;
	case JSON_ARRAY: {
		size_t i;
		json_t *e;

		buf_addch(out, '[');
		json_array_foreach(arg, i, e) {
			if (i > 0)
				buf_addch(out, ' ');
			print_elem(out, f, e, verb);
		}
		buf_addch(out, ']');
		return;
	}
	case JSON_OBJECT: {
		size_t n;
		const char **keys = sorted_keys(arg, &n);

		buf_adds(out, "map[");
		for (size_t i = 0; i < n; i++) {
			if (i > 0)
				buf_addch(out, ' ');
			fmt_string(out, f, keys[i], strlen(keys[i]), verb);
			buf_addch(out, ':');
			print_elem(out, f, json_object_get(arg, keys[i]), verb);
		}
		buf_addch(out, ']');
		free(keys);
		return;
	}
	case JSON_NULL:
		break;
	}
}

void
gofmt_value(struct buf *out, json_t *v)
{
	struct spec f = { 0 };

	print_arg(out, &f, v, 'v');
}

/* fmt's parsenum: digits at s[*i..end); false (and *i = end) past tooLarge. */
static bool
parse_num(const char *s, size_t *i, size_t end, int *ret)
{
	long num = 0;
	bool isnum = false;
	size_t j = *i;

	for (; j < end && s[j] >= '0' && s[j] <= '9'; j++) {
		if (num > FMT_TOO_LARGE) {
			*i = end;
			*ret = 0;
			return false;
		}
		num = num * 10 + (s[j] - '0');
		isnum = true;
	}
	*i = j;
	*ret = (int)num;
	return isnum;
}

/* fmt's argNumber: an explicit [n] index. */
static size_t
arg_number(const char *s, size_t i, size_t end, size_t nargs, size_t *argnum, bool *after,
	   bool *good, bool *reordered)
{
	*after = false;
	if (i >= end || s[i] != '[')
		return i;
	*reordered = true;
	if (end - i < 3) {
		*good = false;
		return i + 1;
	}
	for (size_t j = i + 1; j < end; j++) {
		if (s[j] == ']') {
			size_t k = i + 1;
			int n;
			bool ok = parse_num(s, &k, j, &n);

			if (!ok || k != j) {
				*good = false;
				return j + 1;
			}
			if (n - 1 >= 0 && (size_t)(n - 1) < nargs) {
				*argnum = (size_t)(n - 1);
				*after = true;
				return j + 1;
			}
			*good = false;
			*after = true;
			return j + 1;
		}
	}
	*good = false;
	return i + 1;
}

/* fmt's intFromArg for '*' widths. */
static bool
int_from_arg(json_t *const *args, size_t nargs, size_t *argnum, int *ret)
{
	bool ok = false;

	*ret = 0;
	if (*argnum < nargs) {
		json_t *a = args[*argnum];

		if (a && json_is_integer(a)) {
			long long v = json_integer_value(a);

			if (v <= FMT_TOO_LARGE && v >= -FMT_TOO_LARGE) {
				*ret = (int)v;
				ok = true;
			}
		}
		(*argnum)++;
	}
	return ok;
}

void
gofmt_sprintf(struct buf *out, const char *s, size_t end, json_t *const *args, size_t nargs)
{
	size_t i = 0, argnum = 0;
	bool reordered = false;

	while (i < end) {
		size_t last = i;
		struct spec f = { 0 };
		bool good = true, after = false;
		unsigned verb;

		while (i < end && s[i] != '%')
			i++;
		buf_add(out, s + last, i - last);
		if (i >= end)
			break;
		i++;
		for (; i < end; i++) {
			char c = s[i];

			if (c == '#')
				f.sharp = true;
			else if (c == '0')
				f.zero = !f.minus;
			else if (c == '+')
				f.plus = true;
			else if (c == '-') {
				f.minus = true;
				f.zero = false;
			} else if (c == ' ')
				f.space = true;
			else
				break;
		}
		i = arg_number(s, i, end, nargs, &argnum, &after, &good, &reordered);
		if (i < end && s[i] == '*') {
			i++;
			f.wid_present = int_from_arg(args, nargs, &argnum, &f.wid);
			if (!f.wid_present)
				buf_adds(out, "%!(BADWIDTH)");
			if (f.wid < 0) {
				f.wid = -f.wid;
				f.minus = true;
				f.zero = false;
			}
			after = false;
		} else {
			f.wid_present = parse_num(s, &i, end, &f.wid);
			if (after && f.wid_present)
				good = false;
		}
		if (i + 1 < end && s[i] == '.') {
			i++;
			if (after)
				good = false;
			i = arg_number(s, i, end, nargs, &argnum, &after, &good, &reordered);
			if (i < end && s[i] == '*') {
				i++;
				f.prec_present = int_from_arg(args, nargs, &argnum, &f.prec);
				if (f.prec < 0) {
					f.prec = 0;
					f.prec_present = false;
				}
				if (!f.prec_present)
					buf_adds(out, "%!(BADPREC)");
				after = false;
			} else {
				f.prec_present = parse_num(s, &i, end, &f.prec);
				if (!f.prec_present) {
					f.prec = 0;
					f.prec_present = true;
				}
			}
		}
		if (!after)
			i = arg_number(s, i, end, nargs, &argnum, &after, &good, &reordered);
		if (i >= end) {
			buf_adds(out, "%!(NOVERB)");
			break;
		}
		i += (size_t)utf8_decode((const unsigned char *)s + i, end - i, &verb);
		if (verb == '%') {
			buf_addch(out, '%');
		} else if (!good) {
			buf_adds(out, "%!");
			utf8_encode(out, verb);
			buf_adds(out, "(BADINDEX)");
		} else if (argnum >= nargs) {
			buf_adds(out, "%!");
			utf8_encode(out, verb);
			buf_adds(out, "(MISSING)");
		} else {
			if (verb == 'v') {
				f.sharp_v = f.sharp;
				f.sharp = false;
				f.plus_v = f.plus;
				f.plus = false;
			}
			print_arg(out, &f, args[argnum], verb);
			argnum++;
		}
	}
	if (!reordered && argnum < nargs) {
		struct spec f = { 0 };

		buf_adds(out, "%!(EXTRA ");
		for (size_t k = argnum; k < nargs; k++) {
			if (k > argnum)
				buf_adds(out, ", ");
			if (!args[k] || json_is_null(args[k])) {
				buf_adds(out, "<nil>");
				continue;
			}
			buf_adds(out, gofmt_typename(args[k]));
			buf_addch(out, '=');
			print_arg(out, &f, args[k], 'v');
		}
		buf_addch(out, ')');
	}
}

void
gofmt_sprint(struct buf *out, json_t *const *args, size_t nargs, int ln)
{
	bool prev_string = false;

	for (size_t i = 0; i < nargs; i++) {
		bool is_string = args[i] && json_is_string(args[i]);

		if (i > 0 && (ln || (!is_string && !prev_string)))
			buf_addch(out, ' ');
		gofmt_value(out, args[i]);
		prev_string = is_string;
	}
	if (ln)
		buf_addch(out, '\n');
}

/* ---- encoding/json ---- */

static void
json_float_into(struct buf *out, double d)
{
	double a = d < 0 ? -d : d;

	if (a != 0 && (a < 1e-6 || a >= 1e21)) {
		size_t at = out->len;

		float_format_shortest(out, d, 'e');
		/* encoding/json writes e-7, not e-07 */
		if (out->len - at >= 4 && out->data[out->len - 4] == 'e' &&
		    out->data[out->len - 3] == '-' && out->data[out->len - 2] == '0') {
			out->data[out->len - 2] = out->data[out->len - 1];
			buf_setlen(out, out->len - 1);
		}
		return;
	}
	float_format_shortest(out, d, 'f');
}

static void
newline_indent(struct buf *out, const char *indent, int depth)
{
	buf_addch(out, '\n');
	for (int i = 0; i < depth; i++)
		buf_adds(out, indent);
}

static void
json_encode_at(struct buf *out, json_t *v, const char *indent, unsigned flags, int depth)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_NULL: buf_adds(out, "null"); return;
	case JSON_TRUE: buf_adds(out, "true"); return;
	case JSON_FALSE: buf_adds(out, "false"); return;
	case JSON_INTEGER: buf_addf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v)); return;
	case JSON_REAL: json_float_into(out, json_real_value(v)); return;
	case JSON_STRING:
		json_go_quote(out, json_string_value(v), json_string_length(v), flags);
		return;
	case JSON_ARRAY: {
		size_t i;
		json_t *e;

		buf_addch(out, '[');
		json_array_foreach(v, i, e) {
			if (i > 0)
				buf_addch(out, ',');
			if (indent)
				newline_indent(out, indent, depth + 1);
			json_encode_at(out, e, indent, flags, depth + 1);
		}
		if (indent && json_array_size(v))
			newline_indent(out, indent, depth);
		buf_addch(out, ']');
		return;
	}
	case JSON_OBJECT: {
		const char *k;
		json_t *e;
		bool first = true;

		buf_addch(out, '{');
		json_object_foreach(v, k, e) {
			if (!first)
				buf_addch(out, ',');
			first = false;
			if (indent)
				newline_indent(out, indent, depth + 1);
			json_go_quote(out, k, strlen(k), flags);
			buf_adds(out, indent ? ": " : ":");
			json_encode_at(out, e, indent, flags, depth + 1);
		}
		if (indent && !first)
			newline_indent(out, indent, depth);
		buf_addch(out, '}');
		return;
	}
	}
}

void
gojson_encode(struct buf *out, json_t *v, const char *indent, unsigned flags)
{
	json_encode_at(out, v, indent, flags, 0);
}
