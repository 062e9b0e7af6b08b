/* jansson helpers: ownership cleanup and strict, size-capped parsing of untrusted JSON. */
#pragma once

#include <stddef.h>
#include <jansson.h>

#include "cleanup.h"
#include "err.h"

/* jansson ships json_decrefp for its own json_auto_t. */
#define _cleanup_json_ _cleanup_(json_decrefp)

/*
 * Parses len bytes as one JSON value, rejecting duplicate object keys and input over max
 * bytes. what names the input in messages ("manifest", "config.json"). New reference.
 */
json_t *json_parse_strict(const char *data, size_t len, size_t max, const char *what,
			  struct err **errp);

/* String member of obj or NULL (borrowed). */
const char *json_get_str(json_t *obj, const char *key);
