/*
 * Docker's --format semantics for listings and inspect: "" (the command's default table),
 * "table" / "table TEMPLATE" (header row made by running the template on the header names,
 * columns aligned like Go's tabwriter with padding 3), "json" (one JSON object per line),
 * or a bare TEMPLATE (one line per row, no header). Rows are JSON objects (borrowed).
 */
#pragma once

#include <stdio.h>
#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"

struct fmt;

struct fmt_header {
	const char *field;	/* "ID" */
	const char *title;	/* "CONTAINER ID" */
};

/*
 * format: the user's --format value or NULL. default_table: the command's default, e.g.
 * "table {{.ID}}\t{{.Image}}". headers: field → column title, ended by {NULL, NULL}; the
 * header row runs the template on that object with Docker's header functions, so a field
 * missing from it shows Go's "<no value>" as Docker's does, and a failing header keeps what
 * it printed before the failure (Docker ignores that error). quiet
 * formats are the caller's business. As Docker does, the format is trimmed of spaces and
 * the two-character escapes \t and \n become a tab and a newline; "json" is {{json .}}.
 * ERR_INVALID for a malformed template ("template parsing error: template: :1: ...").
 */
int fmt_begin(const char *format, const char *default_table, const struct fmt_header *headers,
	      FILE *out, struct fmt **ret, struct err **errp);
/* Formats one row into f's buffer (nothing reaches out before fmt_end). ERR_INVALID or
 * ERR_RESOURCE when the template fails on it. */
int fmt_row(struct fmt *f, json_t *row, struct err **errp);
/* Prints the header (table formats) and the rows, aligned, to out; frees f (f may be NULL).
 * ERR_IO when writing fails. */
int fmt_end(struct fmt *f, struct err **errp);
void fmt_free(struct fmt *f);

/*
 * inspect -f: with format NULL, prints the JSON array of items indented like Docker
 * (4 spaces; "[]" for none); with a template ("json" is {{json .}}), one line per item,
 * each printed as soon as it is made. items: a JSON array (borrowed). ERR_INVALID for a bad
 * template or one failing on an item, ERR_IO when writing fails.
 */
int fmt_inspect(const char *format, json_t *items, FILE *out, struct err **errp);

/*
 * Go's text/tabwriter with padchar ' ' and no flags (tabwidth does not matter then) over
 * len bytes of text: cells end at '\t'; a line's text after its last tab is no column;
 * cell widths count UTF-8 characters. Appends to out / writes to out.
 */
void tabwriter_format(const char *text, size_t len, int minwidth, int padding, struct buf *out);
void tabwriter_render(const char *text, size_t len, int minwidth, int padding, FILE *out);

DEFINE_CLEANUP_FUNC(fmt_freep, struct fmt *, fmt_free)
#define _cleanup_fmt_ _cleanup_(fmt_freep)
