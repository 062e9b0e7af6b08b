/* jansson helpers: ownership cleanup and strict, size-capped parsing of untrusted JSON. */
#pragma once

#include <stddef.h>
#include <jansson.h>

#include "cleanup.h"
#include "buf.h"
#include "err.h"

/* jansson ships json_decrefp for its own json_auto_t. */
#define _cleanup_json_ _cleanup_(json_decrefp)

/*
 * Parses len bytes as one JSON value, rejecting duplicate object keys and input over max
 * bytes. what names the input in messages ("manifest", "config.json"). New reference.
 */
json_t *json_parse_strict(const char *data, size_t len, size_t max, const char *what,
			  struct err **errp);

#define JSON_GO_ESCAPE_HTML 1u	/* also \u003c \u003e \u0026, as json.Marshal does */
/*
 * Appends len bytes at s as a JSON string the way Go's encoding/json writes it: \n \r \t
 * and \uXXXX escapes, U+2028/U+2029 escaped, invalid UTF-8 as \ufffd per bad byte. Docker's
 * json-file logs and `{{json}}` output must match it byte for byte.
 */
void json_go_quote(struct buf *out, const char *s, size_t len, unsigned flags);

/* String member of obj or NULL (borrowed). */
const char *json_get_str(json_t *obj, const char *key);
