/* Number, size and duration parsers with the rules of Go's strconv and Docker's units. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "xalloc.h"
#include "banned.h"

int
parse_int64(const char *s, int64_t *ret, struct err **errp)
{
	char *end;
	long long v;

	if (!s || !*s || isspace((unsigned char)*s))
		return err_set(errp, ERR_INVALID, "invalid syntax: \"%s\"", s ? s : "");
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end)
		return err_set(errp, ERR_INVALID, "invalid syntax: \"%s\"", s);
	if (errno == ERANGE)
		return err_set(errp, ERR_INVALID, "value out of range: \"%s\"", s);
	*ret = (int64_t)v;
	return 0;
}

int
parse_int(const char *s, int *ret, struct err **errp)
{
	int64_t v;

	if (parse_int64(s, &v, errp) < 0)
		return -1;
	if (v < INT_MIN || v > INT_MAX)
		return err_set(errp, ERR_INVALID, "value out of range: \"%s\"", s);
	*ret = (int)v;
	return 0;
}

int
parse_uint64(const char *s, uint64_t *ret, struct err **errp)
{
	char *end;
	unsigned long long v;

	if (!s || !isdigit((unsigned char)*s))
		return err_set(errp, ERR_INVALID, "invalid syntax: \"%s\"", s ? s : "");
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end)
		return err_set(errp, ERR_INVALID, "invalid syntax: \"%s\"", s);
	if (errno == ERANGE)
		return err_set(errp, ERR_INVALID, "value out of range: \"%s\"", s);
	*ret = (uint64_t)v;
	return 0;
}

int
parse_bool(const char *s, int *ret, struct err **errp)
{
	static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True" };
	static const char *const no[] = { "0", "f", "F", "FALSE", "false", "False" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strcmp(s, yes[i]) == 0) {
			*ret = 1;
			return 0;
		}
		if (strcmp(s, no[i]) == 0) {
			*ret = 0;
			return 0;
		}
	}
	return err_set(errp, ERR_INVALID, "invalid syntax: \"%s\"", s);
}

int
parse_bytes(const char *s, int64_t *ret, struct err **errp)
{
	/* Docker's go-units RAMInBytes: a decimal number, optional unit, optional "b"/"ib". */
	char *end;
	double v;
	double mult = 1;
	const char *u;

	if (!s || !*s || !(isdigit((unsigned char)*s) || *s == '.'))
		return err_set(errp, ERR_INVALID, "invalid size: '%s'", s ? s : "");
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0)
		return err_set(errp, ERR_INVALID, "invalid size: '%s'", s);
	u = end;
	if (*u) {
		switch (tolower((unsigned char)*u)) {
		case 'b':
			mult = 1;
			break;
		case 'k':
			mult = 1024.0;
			break;
		case 'm':
			mult = 1024.0 * 1024;
			break;
		case 'g':
			mult = 1024.0 * 1024 * 1024;
			break;
		case 't':
			mult = 1024.0 * 1024 * 1024 * 1024;
			break;
		case 'p':
			mult = 1024.0 * 1024 * 1024 * 1024 * 1024;
			break;
		default:
			return err_set(errp, ERR_INVALID, "invalid size: '%s'", s);
		}
		u++;
		if (mult != 1) {
			if (tolower((unsigned char)*u) == 'i')
				u++;
			if (tolower((unsigned char)*u) == 'b')
				u++;
		}
		if (*u)
			return err_set(errp, ERR_INVALID, "invalid size: '%s'", s);
	}
	v *= mult;
	if (v >= 9.2e18)
		return err_set(errp, ERR_INVALID, "invalid size: '%s'", s);
	*ret = (int64_t)v;
	return 0;
}

int
parse_duration(const char *s, int64_t *ret_ns, struct err **errp)
{
	static const struct {
		const char *unit;
		double ns;
	} units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "µs", 1e3 }, { "ms", 1e6 },
		{ "s", 1e9 }, { "m", 60e9 }, { "h", 3600e9 },
	};
	const char *p = s;
	double total = 0;
	int neg = 0;

	if (!s || !*s)
		return err_set(errp, ERR_INVALID, "time: invalid duration \"%s\"", s ? s : "");
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (strcmp(p, "0") == 0) {
		*ret_ns = 0;
		return 0;
	}
	if (!*p)
		return err_set(errp, ERR_INVALID, "time: invalid duration \"%s\"", s);
	while (*p) {
		char *end;
		double v;
		size_t best = 0;
		double mult = 0;

		/* Go's grammar: [0-9]*(\.[0-9]*)?, at least one digit; strtod alone would also
		 * take exponents, hex and "inf". */
		end = (char *)p;
		while (isdigit((unsigned char)*end))
			end++;
		if (*end == '.')
			for (end++; isdigit((unsigned char)*end); end++)
				;
		if (end == p || (end == p + 1 && *p == '.'))
			return err_set(errp, ERR_INVALID, "time: invalid duration \"%s\"", s);
		{
			_cleanup_free_ char *num = xstrndup(p, (size_t)(end - p));
			v = strtod(num, NULL);
		}
		p = end;
		for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
			size_t l = strlen(units[i].unit);
			if (strncmp(p, units[i].unit, l) == 0 && l > best) {
				best = l;
				mult = units[i].ns;
			}
		}
		if (!best)
			return err_set(errp, ERR_INVALID, "time: missing unit in duration \"%s\"", s);
		p += best;
		total += v * mult;
	}
	if (total > 9.2e18)
		return err_set(errp, ERR_INVALID, "time: invalid duration \"%s\"", s);
	*ret_ns = (int64_t)(neg ? -total : total);
	return 0;
}
