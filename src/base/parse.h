/* Strict number, size and duration parsing for flags and files: whole input or error. */
#pragma once

#include <stdint.h>

#include "err.h"

/* Base-10 integers; reject empty input, trailing garbage and overflow. */
int parse_int(const char *s, int *ret, struct err **errp);
int parse_int64(const char *s, int64_t *ret, struct err **errp);
int parse_uint64(const char *s, uint64_t *ret, struct err **errp);
/* Go strconv.ParseBool: 1 t T TRUE true True 0 f F FALSE false False. */
int parse_bool(const char *s, int *ret, struct err **errp);
/* Docker's RAMInBytes: "512m", "1g", "100" (bytes), units b k m g t p, binary multiples. */
int parse_bytes(const char *s, int64_t *ret, struct err **errp);
/* Go time.ParseDuration ("10s", "1h30m", "1.5s", "500ms"); result in nanoseconds. */
int parse_duration(const char *s, int64_t *ret_ns, struct err **errp);
