/* Docker's --format for listings and inspect, and Go's text/tabwriter that aligns tables. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli/format.h"
#include "cli/gofmt.h"
#include "cli/tmpl.h"
#include "base/xalloc.h"
#include "base/banned.h"

/* docker/cli's formatter: tabwriter.NewWriter(out, 10, 1, 3, ' ', 0) */
#define TABLE_MINWIDTH 10
#define TABLE_PADDING 3

struct fmt {
	FILE *out;
	struct tmpl *t;
	bool table;
	json_t *header; /* field → title */
	struct buf rows;
};

/* ---- tabwriter ---- */

struct tw_cell {
	size_t off, size;
	int width;
};

struct tw_line {
	struct tw_cell *cells;
	size_t n, alloc;
	bool terminated; /* ended by a newline */
};

struct tw {
	const char *text;
	struct tw_line *lines;
	size_t nlines;
	int *widths;
	size_t nwidths, awidths;
	int minwidth, padding;
	struct buf *out;
};

static int
utf8_width(const char *s, size_t n)
{
	int w = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			w++;
	return w;
}

static void
tw_padding(struct tw *w, int textw, int cellw)
{
	for (int i = textw; i < cellw; i++)
		buf_addch(w->out, ' ');
}

static void
tw_write_lines(struct tw *w, size_t line0, size_t line1)
{
	for (size_t i = line0; i < line1; i++) {
		const struct tw_line *line = &w->lines[i];

		for (size_t j = 0; j < line->n; j++) {
			const struct tw_cell *c = &line->cells[j];

			buf_add(w->out, w->text + c->off, c->size);
			if (j < w->nwidths)
				tw_padding(w, c->width, w->widths[j]);
		}
		if (line->terminated)
			buf_addch(w->out, '\n');
	}
}

/* The elastic tabstops walk of Go's tabwriter: a column is a run of adjacent lines that
 * have a tab-terminated cell at that index; the last cell of each line is not in one. */
static void
tw_format(struct tw *w, size_t line0, size_t line1)
{
	size_t column = w->nwidths;

	for (size_t this = line0; this < line1; this++) {
		int width = w->minwidth;

		if (column + 1 >= w->lines[this].n)
			continue;
		tw_write_lines(w, line0, this);
		line0 = this;
		for (; this < line1; this++) {
			const struct tw_line *line = &w->lines[this];

			if (column + 1 >= line->n)
				break;
			if (line->cells[column].width + w->padding > width)
				width = line->cells[column].width + w->padding;
		}
		XGROW(w->widths, w->awidths, w->nwidths + 1);
		w->widths[w->nwidths++] = width;
		tw_format(w, line0, this);
		w->nwidths--;
		line0 = this;
	}
	tw_write_lines(w, line0, line1);
}

static void
tw_add_cell(struct tw *w, size_t off, size_t size)
{
	struct tw_line *line = &w->lines[w->nlines - 1];

	XGROW(line->cells, line->alloc, line->n + 1);
	line->cells[line->n++] = (struct tw_cell){ off, size, utf8_width(w->text + off, size) };
}

static void
tw_add_line(struct tw *w, size_t *alloc)
{
	XGROW(w->lines, *alloc, w->nlines + 1);
	memset(&w->lines[w->nlines++], 0, sizeof(struct tw_line));
}

static void
tw_flush(struct tw *w, size_t *alloc)
{
	tw_format(w, 0, w->nlines);
	for (size_t i = 0; i < w->nlines; i++)
		free(w->lines[i].cells);
	w->nlines = 0;
	tw_add_line(w, alloc);
}

void
tabwriter_format(const char *text, size_t len, int minwidth, int padding, struct buf *out)
{
	struct tw w = { .text = text, .minwidth = minwidth, .padding = padding, .out = out };
	size_t alloc = 0, start = 0;

	tw_add_line(&w, &alloc);
	for (size_t i = 0; i < len; i++) {
		char c = text[i];

		if (c != '\t' && c != '\v' && c != '\n' && c != '\f')
			continue;
		tw_add_cell(&w, start, i - start);
		start = i + 1;
		if (c == '\n' || c == '\f') {
			w.lines[w.nlines - 1].terminated = true;
			tw_add_line(&w, &alloc);
			/* A form feed ends every column, as a flush of the Go writer does. */
			if (c == '\f')
				tw_flush(&w, &alloc);
		}
	}
	if (start < len)
		tw_add_cell(&w, start, len - start);
	tw_format(&w, 0, w.nlines);
	for (size_t i = 0; i < w.nlines; i++)
		free(w.lines[i].cells);
	free(w.lines);
	free(w.widths);
}

static int
write_out(FILE *out, const char *p, size_t n, struct err **errp)
{
	if (n && fwrite(p, 1, n, out) != n)
		return err_sys(errp, errno ? errno : EIO, "write output");
	if (fflush(out) != 0)
		return err_sys(errp, errno ? errno : EIO, "write output");
	return 0;
}

void
tabwriter_render(const char *text, size_t len, int minwidth, int padding, FILE *out)
{
	struct buf b = BUF_INIT;

	tabwriter_format(text, len, minwidth, padding, &b);
	fwrite(b.data, 1, b.len, out);
	buf_release(&b);
}

/* ---- --format ---- */

/* Docker's preFormat: trim spaces, then turn the typed escapes \t and \n into the real ones. */
static char *
pre_format(const char *s)
{
	size_t len = strlen(s);
	struct buf b = BUF_INIT;

	while (len && s[0] == ' ') {
		s++;
		len--;
	}
	while (len && s[len - 1] == ' ')
		len--;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len && (s[i + 1] == 't' || s[i + 1] == 'n')) {
			buf_addch(&b, s[i + 1] == 't' ? '\t' : '\n');
			i++;
			continue;
		}
		buf_addch(&b, s[i]);
	}
	return buf_detach(&b, NULL);
}

int
fmt_begin(const char *format, const char *default_table, const struct fmt_header *headers,
	  FILE *out, struct fmt **ret, struct err **errp)
{
	_cleanup_free_ char *final = NULL;
	struct fmt *f;

	if (!format || !*format || !strcmp(format, "table"))
		format = default_table;
	f = xnew(struct fmt, 1);
	f->out = out;
	if (!strncmp(format, "table", 5)) {
		f->table = true;
		final = pre_format(format + 5);
	} else if (!strcmp(format, "json")) {
		final = xstrdup("{{json .}}");
	} else {
		final = pre_format(format);
	}
	if (tmpl_parse(final, &f->t, errp) < 0) {
		fmt_free(f);
		return err_wrap(errp, "template parsing error");
	}
	if (f->table) {
		f->header = json_object();
		for (size_t i = 0; headers && headers[i].field; i++)
			json_object_set_new(f->header, headers[i].field,
					    json_string(headers[i].title));
	}
	*ret = f;
	return 0;
}

int
fmt_row(struct fmt *f, json_t *row, struct err **errp)
{
	if (tmpl_exec(f->t, row, &f->rows, errp) < 0)
		return err_wrap(errp, "template parsing error");
	buf_addch(&f->rows, '\n');
	return 0;
}

int
fmt_end(struct fmt *f, struct err **errp)
{
	int r = 0;

	if (!f)
		return 0;
	if (f->table) {
		struct buf all = BUF_INIT, aligned = BUF_INIT;
		struct err *ignored = NULL;

		/* Docker ignores a failing header: what was written before the failure stays. */
		tmpl_exec_flags(f->t, f->header, TMPL_HEADER_FUNCS, &all, &ignored);
		err_free(ignored);
		buf_addch(&all, '\n');
		buf_add(&all, f->rows.data, f->rows.len);
		tabwriter_format(all.data, all.len, TABLE_MINWIDTH, TABLE_PADDING, &aligned);
		r = write_out(f->out, aligned.data, aligned.len, errp);
		buf_release(&all);
		buf_release(&aligned);
	} else {
		r = write_out(f->out, f->rows.data, f->rows.len, errp);
	}
	fmt_free(f);
	return r;
}

void
fmt_free(struct fmt *f)
{
	if (!f)
		return;
	tmpl_free(f->t);
	json_decref(f->header);
	buf_release(&f->rows);
	free(f);
}

int
fmt_inspect(const char *format, json_t *items, FILE *out, struct err **errp)
{
	_cleanup_tmpl_ struct tmpl *t = NULL;
	size_t i;
	json_t *item;

	if (!format || !*format) {
		_cleanup_buf_ struct buf b = BUF_INIT;

		if (json_array_size(items) == 0)
			return write_out(out, "[]\n", 3, errp);
		gojson_encode(&b, items, "    ", 0);
		buf_addch(&b, '\n');
		return write_out(out, b.data, b.len, errp);
	}
	if (!strcmp(format, "json"))
		format = "{{json .}}";
	if (tmpl_parse(format, &t, errp) < 0)
		return err_wrap(errp, "template parsing error");
	json_array_foreach(items, i, item) {
		_cleanup_buf_ struct buf b = BUF_INIT;

		if (tmpl_exec(t, item, &b, errp) < 0)
			return err_wrap(errp, "template parsing error");
		buf_addch(&b, '\n');
		if (write_out(out, b.data, b.len, errp) < 0)
			return -1;
	}
	return 0;
}
