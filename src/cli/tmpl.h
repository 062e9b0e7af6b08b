/*
 * Go text/template over jansson values: the engine behind every --format. Data is JSON:
 * {{.Field}} looks up an object key (nested: {{.A.B}}), as Go does for maps and structs.
 * Supported: fields, variables ($, $x := ...), pipelines, if/else/else if/end, range
 * (with $i, $v := range), with, define/template/block, and the functions Docker's CLI adds:
 * json, join, split, lower, upper, title, truncate, pad, println, table, plus Go's builtins
 * and, or, not, len, index, printf, print, eq, ne, lt, le, gt, ge, slice.
 */
#pragma once

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"

struct tmpl;

/* Parses a template; ERR_INVALID with Go's message ("template: :1: unclosed action"). */
int tmpl_parse(const char *text, struct tmpl **ret, struct err **errp);
/* Executes t on data (borrowed), appending to out; ERR_INVALID with Go's message. */
int tmpl_exec(const struct tmpl *t, json_t *data, struct buf *out, struct err **errp);
void tmpl_free(struct tmpl *t);

DEFINE_CLEANUP_FUNC(tmpl_freep, struct tmpl *, tmpl_free)
#define _cleanup_tmpl_ _cleanup_(tmpl_freep)
