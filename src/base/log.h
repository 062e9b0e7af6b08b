/* Debug logging to stderr, enabled by --debug; lower layers may log, never print errors. */
#pragma once

#include "cleanup.h"

extern int log_debug_enabled;

void log_debug_(const char *fmt, ...) _printf_(1, 2);
void log_warn(const char *fmt, ...) _printf_(1, 2);

#define log_debug(...)                                                                             \
	do {                                                                                       \
		if (log_debug_enabled)                                                             \
			log_debug_(__VA_ARGS__);                                                   \
	} while (0)
