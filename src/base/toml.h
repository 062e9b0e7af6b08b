/*
 * A TOML v1.0 reader into jansson values. Debian ships no maintained C TOML library
 * (only C++ ones), and nerdc reads nerdctl.toml and registry hosts.toml files, so this is
 * ours. Tables become objects, arrays arrays; dates are kept as strings.
 */
#pragma once

#include <stddef.h>
#include <jansson.h>

#include "err.h"

/* Inputs larger than this fail with ERR_RESOURCE; config files are a few hundred bytes. */
#define TOML_MAX_BYTES (1u << 20)
/* Tables, arrays and inline tables nested deeper than this fail with ERR_INVALID. */
#define TOML_MAX_DEPTH 64

/*
 * Parses text (len bytes, need not be NUL-terminated) into a new object in *ret (a new
 * reference; *ret is written only on success).
 *
 * Mapping: tables and inline tables -> objects, arrays -> arrays, integers -> json_integer,
 * floats -> json_real, booleans -> json_true/json_false, strings -> json_string (may hold
 * U+0000 from a "\u0000" escape; use json_string_length), offset/local date-times, dates and
 * times -> json_string exactly as written. jansson cannot hold infinities or NaN, so the
 * floats inf, +inf, -inf, nan, +nan, -nan become the strings "inf", "-inf" and "nan".
 *
 * Errors: ERR_INVALID with a message naming filename and line
 * ("nerdctl.toml:3: expected '=' after key"); ERR_RESOURCE past TOML_MAX_BYTES.
 */
int toml_parse(const char *text, size_t len, const char *filename, json_t **ret,
	       struct err **errp);
