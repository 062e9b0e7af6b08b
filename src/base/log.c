/* Debug and warning lines on stderr, in nerdctl's logrus-like shape. */
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

int log_debug_enabled;

void
log_debug_(const char *fmt, ...)
{
	va_list ap;

	fputs("DEBU[0000] ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("WARN[0000] ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
