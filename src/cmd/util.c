/* Shared command helpers: usage errors, template printing and Docker's human units. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "cli/format.h"
#include "cli/tmpl.h"
#include "cmd/util.h"
#include "base/banned.h"

int
cmd_print_template(const char *format, int aligned, json_t *data, struct err **errp)
{
	_cleanup_tmpl_ struct tmpl *t = NULL;
	_cleanup_buf_ struct buf out = BUF_INIT;

	if (strcmp(format, "json") == 0 || strcmp(format, "{{json .}}") == 0) {
		_cleanup_free_ char *s = json_dumps(data, JSON_COMPACT | JSON_PRESERVE_ORDER);
		puts(s ? s : "null");
		return 0;
	}
	if (tmpl_parse(format, &t, errp) < 0)
		return err_wrap(errp, "failed to parse template");
	if (tmpl_exec(t, data, &out, errp) < 0)
		return -1;
	if (!out.len || out.data[out.len - 1] != '\n')
		buf_addch(&out, '\n');
	if (aligned)
		tabwriter_render(out.data, out.len, 20, 1, stdout);
	else
		fwrite(out.data, 1, out.len, stdout);
	return 0;
}

void
human_duration(int64_t s, char *out, size_t n)
{
	int64_t h = (s + 1800) / 3600;	/* go-units rounds hours to the nearest */

	if (s < 1)
		snprintf(out, n, "Less than a second");
	else if (s == 1)
		snprintf(out, n, "1 second");
	else if (s < 60)
		snprintf(out, n, "%lld seconds", (long long)s);
	else if (s / 60 == 1)
		snprintf(out, n, "About a minute");
	else if (s / 60 < 60)
		snprintf(out, n, "%lld minutes", (long long)(s / 60));
	else if (h == 1)
		snprintf(out, n, "About an hour");
	else if (h < 48)
		snprintf(out, n, "%lld hours", (long long)h);
	else if (h < 24 * 7 * 2)
		snprintf(out, n, "%lld days", (long long)(h / 24));
	else if (h < 24 * 30 * 2)
		snprintf(out, n, "%lld weeks", (long long)(h / 24 / 7));
	else if (h < 24 * 365 * 2)
		snprintf(out, n, "%lld months", (long long)(h / 24 / 30));
	else
		snprintf(out, n, "%lld years", (long long)(s / 3600 / 24 / 365));
}

void
human_ago(int64_t unix_seconds, char *out, size_t n)
{
	char d[64];

	human_duration((int64_t)time(NULL) - unix_seconds, d, sizeof(d));
	snprintf(out, n, "%s ago", d);
}

static void
units_size(double v, double base, const char *const *units, size_t nunits, char *out, size_t n)
{
	size_t i = 0;

	while (v >= base && i + 1 < nunits) {
		v /= base;
		i++;
	}
	/* Go's %.4g: four significant digits, no trailing zeros. */
	snprintf(out, n, "%.4g%s", v, units[i]);
}

void
human_size(double bytes, char *out, size_t n)
{
	static const char *const u[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB" };

	units_size(bytes, 1000.0, u, ARRAY_SIZE(u), out, n);
}

void
bytes_size(double bytes, char *out, size_t n)
{
	static const char *const u[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB" };

	units_size(bytes, 1024.0, u, ARRAY_SIZE(u), out, n);
}

void
rfc3339nano(int64_t seconds, int32_t nanos, char *out, size_t n)
{
	time_t t = (time_t)seconds;
	struct tm tm;
	char base[32];
	char frac[16] = "";

	gmtime_r(&t, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	if (nanos > 0) {
		int len;

		snprintf(frac, sizeof(frac), ".%09d", nanos);
		len = (int)strlen(frac);
		while (len > 1 && frac[len - 1] == '0')
			frac[--len] = '\0';
	}
	snprintf(out, n, "%s%sZ", base, frac);
}
