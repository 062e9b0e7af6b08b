/*
 * A TOML v1.0 reader into jansson values. Debian ships no maintained C TOML library
 * (only C++ ones), and nerdc reads nerdctl.toml and registry hosts.toml files, so this is
 * ours. Tables become objects, arrays arrays; dates are kept as strings.
 */
#pragma once

#include <stddef.h>
#include <jansson.h>

#include "err.h"

/*
 * Parses text (len bytes). On error returns -1 with ERR_INVALID and a message naming
 * filename and line ("nerdctl.toml:3: expected '=' after key"). *ret is a new reference.
 */
int toml_parse(const char *text, size_t len, const char *filename, json_t **ret,
	       struct err **errp);
