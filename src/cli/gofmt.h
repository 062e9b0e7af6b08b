/*
 * How Go prints values, for the template engine: fmt's %v and Printf verbs, strconv.Quote,
 * float formatting, and encoding/json, all over jansson values. A NULL json_t * stands for
 * Go's "no value" (a missing map key); json null is a nil interface.
 */
#pragma once

#include <stddef.h>
#include <jansson.h>

#include "base/json.h"

#include "base/buf.h"

/* fmt.Sprint(v): strings raw, objects as map[k:v] with sorted keys, arrays as [a b]. */
void gofmt_value(struct buf *out, json_t *v);
/* fmt.Sprintf(format, args...) with Go's verbs and its %!verb(type=value) complaints. */
void gofmt_sprintf(struct buf *out, const char *format, size_t len, json_t *const *args,
		   size_t nargs);
/* fmt.Sprint (ln = 0: spaces only between non-string operands) or fmt.Sprintln. */
void gofmt_sprint(struct buf *out, json_t *const *args, size_t nargs, int ln);
/* strconv.Quote of len bytes at s. */
void gofmt_quote(struct buf *out, const char *s, size_t len);
/* strconv.FormatFloat(d, 'g', -1, 64): what %v prints for a float64. */
void gofmt_float(struct buf *out, double d);
/* Go's name for the dynamic type of v: string, int, float64, bool, []interface {}, ... */
const char *gofmt_typename(json_t *v);

#define GOJSON_ESCAPE_HTML JSON_GO_ESCAPE_HTML
/*
 * encoding/json of v (NULL and null give "null"): object keys in the object's order, Go's
 * float format and string escapes. indent NULL: compact; else MarshalIndent with that indent.
 */
void gojson_encode(struct buf *out, json_t *v, const char *indent, unsigned flags);
