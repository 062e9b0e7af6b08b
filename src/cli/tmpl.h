/*
 * Go text/template over jansson values: the engine behind every --format. Data is JSON:
 * {{.Field}} looks up an object key (nested: {{.A.B}}), as Go does for maps and structs.
 * Supported: fields, variables ($, $x := ..., $x = ...), pipelines, parentheses, if/else
 * if/else/end, range (arrays, objects in key order, integers; $i, $v := range; else;
 * break/continue), with/else, define/template/block, comments and trim markers, Go's
 * builtins (and, or, not, len, index, slice, print, printf, println, eq, ne, lt, le, gt,
 * ge, html, js, urlquery) and the functions Docker's CLI adds (json, join, split, lower,
 * upper, title, truncate, pad).
 *
 * How JSON maps onto Go values: a missing key is Go's "no value" (prints <no value>); JSON
 * null is a nil pointer (prints <nil>); integers are int, reals float64, objects print as
 * map[k:v] with sorted keys, arrays as [a b].
 *
 * Two extensions stand in for Docker's Go methods: {{.Label "k"}} — a field given one
 * argument whose value is an object — looks key k up in that object ("" when absent), and
 * {{index OBJ "missing"}} yields the zero value of the object's element type guessed from
 * its other values ("" for an object of strings or an empty one, as Docker's labels give).
 */
#pragma once

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"

struct tmpl;

/*
 * Parses a template (text is copied). ERR_INVALID with Go's message, which starts with
 * "template: " ("template: :1: unclosed action"); ERR_RESOURCE past the size or nesting caps.
 */
int tmpl_parse(const char *text, struct tmpl **ret, struct err **errp);

enum tmpl_flags {
	/* Docker's header functions: json, split, join, title, lower, upper, truncate return
	 * their first argument unchanged, so that a table header shows the column titles. */
	TMPL_HEADER_FUNCS = 1u << 0,
};

/*
 * Executes t on data (borrowed; may be NULL), appending to out. On error out keeps what was
 * written before the failure (as Go's writer would). ERR_INVALID with Go's message
 * ("template: :1:6: executing \"\" at <.Foo.Bar>: ..."); ERR_RESOURCE when the output passes
 * 64 MiB, template calls nest too deep or execution takes too many steps.
 */
int tmpl_exec_flags(const struct tmpl *t, json_t *data, unsigned flags, struct buf *out,
		    struct err **errp);
static inline int
tmpl_exec(const struct tmpl *t, json_t *data, struct buf *out, struct err **errp)
{
	return tmpl_exec_flags(t, data, 0, out, errp);
}
void tmpl_free(struct tmpl *t);

DEFINE_CLEANUP_FUNC(tmpl_freep, struct tmpl *, tmpl_free)
#define _cleanup_tmpl_ _cleanup_(tmpl_freep)
