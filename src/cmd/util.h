/* Output helpers shared by commands: usage errors, templates, Docker's human units. */
#pragma once

#include <stdint.h>
#include <jansson.h>

#include "base/json.h"
#include "base/xalloc.h"
#include "cli/cli.h"

/* Build facts for `version` (the commit comes from the generated gitcommit.h). */
#if defined(__x86_64__)
#define GO_ARCH "amd64"
#elif defined(__aarch64__)
#define GO_ARCH "arm64"
#elif defined(__i386__)
#define GO_ARCH "386"
#elif defined(__arm__)
#define GO_ARCH "arm"
#elif defined(__s390x__)
#define GO_ARCH "s390x"
#elif defined(__powerpc64__)
#define GO_ARCH "ppc64le"
#elif defined(__riscv)
#define GO_ARCH "riscv64"
#else
#define GO_ARCH "unknown"
#endif

/*
 * Executes format on data and prints the result. "json" means {{json .}}. A trailing
 * newline is added when the output lacks one. aligned: run the output through tabwriter
 * (Docker's default version/info templates: minwidth 20, padding 1).
 */
int cmd_print_template(const char *format, int aligned, json_t *data, struct err **errp);

/* Docker's units.HumanDuration: "Less than a second", "About a minute", "3 hours", ... */
void human_duration(int64_t seconds, char *out, size_t n);
/* "<HumanDuration> ago" for a Unix time (seconds), relative to now. */
void human_ago(int64_t unix_seconds, char *out, size_t n);
/* Docker's units.HumanSize (decimal, 4 significant digits: "1.23MB", "5.5kB"). */
void human_size(double bytes, char *out, size_t n);
/* Docker's units.BytesSize (binary: "23.44GiB"). */
void bytes_size(double bytes, char *out, size_t n);
/* RFC 3339 with nanoseconds in UTC, like Go's time.Time JSON ("2024-01-02T03:04:05.123456789Z"). */
void rfc3339nano(int64_t seconds, int32_t nanos, char *out, size_t n);
