/*
 * Docker's --format semantics for listings and inspect: "" (the command's default table),
 * "table" / "table TEMPLATE" (header row made by running the template on the header names,
 * columns aligned like Go's tabwriter with padding 3), "json" (one JSON object per line),
 * or a bare TEMPLATE (one line per row, no header). Rows are JSON objects (borrowed).
 */
#pragma once

#include <stdio.h>
#include <jansson.h>

#include "base/err.h"

struct fmt;

struct fmt_header {
	const char *field;	/* "ID" */
	const char *title;	/* "CONTAINER ID" */
};

/*
 * format: the user's --format value or NULL. default_table: the command's default, e.g.
 * "table {{.ID}}\t{{.Image}}". headers: field → column title, ended by {NULL, NULL}. quiet
 * formats are the caller's business. ERR_INVALID for a malformed template.
 */
int fmt_begin(const char *format, const char *default_table, const struct fmt_header *headers,
	      FILE *out, struct fmt **ret, struct err **errp);
/* Formats one row. */
int fmt_row(struct fmt *f, json_t *row, struct err **errp);
/* Flushes aligned columns to out and frees f (f may be NULL). */
int fmt_end(struct fmt *f, struct err **errp);
void fmt_free(struct fmt *f);

/*
 * inspect -f: with format NULL, prints the JSON array of items indented like Docker
 * (4 spaces); with a template, one line per item. items: a JSON array (borrowed).
 */
int fmt_inspect(const char *format, json_t *items, FILE *out, struct err **errp);

/* Go's text/tabwriter (minwidth, tabwidth, padding, padchar ' ', no flags) over text. */
void tabwriter_render(const char *text, size_t len, int minwidth, int padding, FILE *out);

DEFINE_CLEANUP_FUNC(fmt_freep, struct fmt *, fmt_free)
#define _cleanup_fmt_ _cleanup_(fmt_freep)
