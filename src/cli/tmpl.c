/* Go text/template over jansson values: lexer, parser to an AST, and the evaluator. */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/tmpl.h"
#include "cli/gofmt.h"
#include "base/xalloc.h"
#include "base/str.h"
#include "base/banned.h"

#define MAX_TEXT (1u << 20)		/* template source size */
#define MAX_PARSE_DEPTH 100		/* nested control structures and parentheses */
#define MAX_EXEC_DEPTH 100		/* nested {{template}} calls */
#define MAX_OUTPUT (64u << 20)		/* bytes written, and any one string value */
#define MAX_STEPS 5000000L		/* evaluation steps in one execution */

/* ---------------------------------------------------------------- lexer */

enum itype {
	I_ERROR,
	I_EOF,
	I_TEXT,
	I_LDELIM,
	I_RDELIM,
	I_SPACE,
	I_ASSIGN,
	I_DECLARE,
	I_PIPE,
	I_LPAREN,
	I_RPAREN,
	I_CHAR,
	I_STRING,
	I_RAWSTRING,
	I_CHARCONST,
	I_NUMBER,
	I_BOOL,
	I_FIELD,
	I_VARIABLE,
	I_IDENT,
	I_KEYWORD, /* marker: the ones below print as <word> in messages */
	I_BLOCK,
	I_BREAK,
	I_CONTINUE,
	I_DOT,
	I_DEFINE,
	I_ELSE,
	I_END,
	I_IF,
	I_NIL,
	I_RANGE,
	I_TEMPLATE,
	I_WITH,
};

struct item {
	enum itype type;
	size_t pos, len;
	int line;
	const char *val; /* into the source, or the message of an I_ERROR */
};

struct tdef {
	const char *name;
	struct node *root;
};

struct tmpl {
	char *text;
	void **allocs; /* everything the AST owns */
	size_t nallocs, aallocs;
	struct tdef *defs;
	size_t ndefs, adefs;
};

static void *
talloc(struct tmpl *t, size_t n)
{
	void *p = xcalloc(1, n ? n : 1);

	XGROW(t->allocs, t->aallocs, t->nallocs + 1);
	t->allocs[t->nallocs++] = p;
	return p;
}

static char *
tstrndup(struct tmpl *t, const char *s, size_t n)
{
	char *p = talloc(t, n + 1);

	memcpy(p, s, n);
	return p;
}

struct lexer {
	struct tmpl *t;
	const char *in;
	size_t n, pos, start;
	int paren;
	struct item *items;
	size_t nitems, aitems;
};

enum lstate { L_TEXT, L_INSIDE, L_DONE };

static bool
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
is_alnum(int c)
{
	return c == '_' || isalnum(c) || c >= 0x80;
}

static void
push_item(struct lexer *l, enum itype type, size_t pos, size_t len, const char *val)
{
	XGROW(l->items, l->aitems, l->nitems + 1);
	l->items[l->nitems++] = (struct item){ type, pos, len, 0, val };
}

static void
emit(struct lexer *l, enum itype type)
{
	push_item(l, type, l->start, l->pos - l->start, l->in + l->start);
	l->start = l->pos;
}

/* Go's %#U: U+0023 '#'. */
static void
add_rune_desc(struct buf *b, const char *s, size_t n)
{
	unsigned r = (unsigned char)s[0];
	size_t w = 1;

	if (r >= 0x80) { /* decode for the number; print the bytes as they are */
		int extra = r >= 0xF0 ? 3 : r >= 0xE0 ? 2 : r >= 0xC0 ? 1 : 0;

		r &= extra == 3 ? 0x07 : extra == 2 ? 0x0F : 0x1F;
		for (int i = 1; i <= extra && (size_t)i < n; i++, w++)
			r = (r << 6) | ((unsigned char)s[i] & 0x3F);
	}
	buf_addf(b, "U+%04X", r);
	if (r >= 0x20 && r != 0x7F && !(r >= 0x80 && r < 0xA0)) {
		buf_adds(b, " '");
		buf_add(b, s, w);
		buf_addch(b, '\'');
	}
}

static enum lstate
lex_error(struct lexer *l, const char *fmt, ...) _printf_(2, 3);

static enum lstate
lex_error(struct lexer *l, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	push_item(l, I_ERROR, l->start, 0, tstrndup(l->t, msg, strlen(msg)));
	free(msg);
	return L_DONE;
}

static bool
has_left_trim(const char *s, size_t n)
{
	return n >= 2 && s[0] == '-' && is_space(s[1]);
}

static bool
at_right_delim(const struct lexer *l, bool *trim)
{
	const char *s = l->in + l->pos;
	size_t rem = l->n - l->pos;

	*trim = false;
	if (rem >= 4 && is_space(s[0]) && s[1] == '-' && s[2] == '}' && s[3] == '}') {
		*trim = true;
		return true;
	}
	return rem >= 2 && s[0] == '}' && s[1] == '}';
}

static bool
at_terminator(const struct lexer *l)
{
	char c;

	if (l->pos >= l->n)
		return true;
	c = l->in[l->pos];
	if (is_space(c) || strchr(".,|:()", c))
		return true;
	return l->n - l->pos >= 2 && c == '}' && l->in[l->pos + 1] == '}';
}

static void
skip_spaces(struct lexer *l)
{
	while (l->pos < l->n && is_space(l->in[l->pos]))
		l->pos++;
	l->start = l->pos;
}

static enum lstate
lex_right_delim(struct lexer *l, bool trim)
{
	if (trim) {
		l->pos += 2;
		l->start = l->pos;
	}
	l->pos += 2;
	emit(l, I_RDELIM);
	if (trim)
		skip_spaces(l);
	return L_TEXT;
}

static enum lstate
lex_comment(struct lexer *l)
{
	const char *end;
	bool trim;

	l->pos += 2;
	end = memmem(l->in + l->pos, l->n - l->pos, "*/", 2);
	if (!end)
		return lex_error(l, "unclosed comment");
	l->pos = (size_t)(end - l->in) + 2;
	if (!at_right_delim(l, &trim))
		return lex_error(l, "comment ends before closing delimiter");
	l->pos += trim ? 4 : 2;
	l->start = l->pos;
	if (trim)
		skip_spaces(l);
	return L_TEXT;
}

static enum lstate
lex_text(struct lexer *l)
{
	const char *p = memmem(l->in + l->pos, l->n - l->pos, "{{", 2);
	size_t x, textend, after;
	bool trim;

	if (!p) {
		l->pos = l->n;
		if (l->pos > l->start)
			emit(l, I_TEXT);
		emit(l, I_EOF);
		return L_DONE;
	}
	x = (size_t)(p - l->in);
	trim = has_left_trim(p + 2, l->n - x - 2);
	textend = x;
	if (trim)
		while (textend > l->start && is_space(l->in[textend - 1]))
			textend--;
	if (textend > l->start)
		push_item(l, I_TEXT, l->start, textend - l->start, l->in + l->start);
	l->pos = l->start = x;
	/* the left delimiter */
	l->pos += 2;
	after = trim ? 2 : 0;
	if (l->n - l->pos >= after + 2 && l->in[l->pos + after] == '/' &&
	    l->in[l->pos + after + 1] == '*') {
		l->pos += after;
		l->start = l->pos;
		return lex_comment(l);
	}
	emit(l, I_LDELIM);
	l->pos += after;
	l->start = l->pos;
	l->paren = 0;
	return L_INSIDE;
}

static enum lstate
lex_space(struct lexer *l)
{
	int nsp = 0;

	while (l->pos < l->n && is_space(l->in[l->pos])) {
		l->pos++;
		nsp++;
	}
	/* A space followed by "-}}" belongs to the trim marker, not to this item. */
	if (l->n - l->pos >= 3 && l->in[l->pos] == '-' && l->in[l->pos + 1] == '}' &&
	    l->in[l->pos + 2] == '}') {
		l->pos--;
		if (nsp == 1)
			return lex_right_delim(l, true);
	}
	emit(l, I_SPACE);
	return L_INSIDE;
}

static enum lstate
lex_bad_char(struct lexer *l)
{
	struct buf b = BUF_INIT;
	enum lstate st;

	add_rune_desc(&b, l->in + l->pos, l->n - l->pos);
	st = lex_error(l, "bad character %s", b.data);
	buf_release(&b);
	return st;
}

static enum lstate
lex_field_or_var(struct lexer *l, enum itype type)
{
	if (at_terminator(l)) {
		emit(l, type == I_VARIABLE ? I_VARIABLE : I_DOT);
		return L_INSIDE;
	}
	while (l->pos < l->n && is_alnum((unsigned char)l->in[l->pos]))
		l->pos++;
	if (!at_terminator(l))
		return lex_bad_char(l);
	emit(l, type);
	return L_INSIDE;
}

static enum lstate
lex_identifier(struct lexer *l)
{
	static const struct {
		const char *word;
		enum itype type;
	} keys[] = {
		{ "block", I_BLOCK }, { "break", I_BREAK }, { "continue", I_CONTINUE },
		{ "define", I_DEFINE }, { "else", I_ELSE }, { "end", I_END }, { "if", I_IF },
		{ "nil", I_NIL }, { "range", I_RANGE }, { "template", I_TEMPLATE },
		{ "with", I_WITH }, { "true", I_BOOL }, { "false", I_BOOL },
	};
	size_t len;

	while (l->pos < l->n && is_alnum((unsigned char)l->in[l->pos]))
		l->pos++;
	if (!at_terminator(l))
		return lex_bad_char(l);
	len = l->pos - l->start;
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		if (strlen(keys[i].word) == len && !memcmp(keys[i].word, l->in + l->start, len)) {
			emit(l, keys[i].type);
			return L_INSIDE;
		}
	}
	emit(l, I_IDENT);
	return L_INSIDE;
}

static bool
accept(struct lexer *l, const char *set)
{
	if (l->pos < l->n && l->in[l->pos] && strchr(set, l->in[l->pos])) {
		l->pos++;
		return true;
	}
	return false;
}

static void
accept_run(struct lexer *l, const char *set)
{
	while (accept(l, set))
		;
}

/* Go's scanNumber: digits with optional base prefix, fraction, exponent and 'i'. */
static bool
scan_number(struct lexer *l)
{
	const char *digits = "0123456789_";

	accept(l, "+-");
	if (accept(l, "0")) {
		if (accept(l, "xX"))
			digits = "0123456789abcdefABCDEF_";
		else if (accept(l, "oO"))
			digits = "01234567_";
		else if (accept(l, "bB"))
			digits = "01_";
	}
	accept_run(l, digits);
	if (accept(l, "."))
		accept_run(l, digits);
	if (strlen(digits) == 11 && accept(l, "eE")) {
		accept(l, "+-");
		accept_run(l, "0123456789_");
	}
	if (strlen(digits) == 23 && accept(l, "pP")) {
		accept(l, "+-");
		accept_run(l, "0123456789_");
	}
	accept(l, "i");
	if (l->pos < l->n && is_alnum((unsigned char)l->in[l->pos])) {
		l->pos++;
		return false;
	}
	return true;
}

static enum lstate
lex_number(struct lexer *l)
{
	bool ok = scan_number(l);

	/* Go lexes 1+2i as a complex constant; nerdc has no complex numbers. */
	if (ok && l->pos < l->n && (l->in[l->pos] == '+' || l->in[l->pos] == '-')) {
		scan_number(l);
		ok = false;
	}
	if (!ok) {
		struct buf b = BUF_INIT;
		enum lstate st;

		gofmt_quote(&b, l->in + l->start, l->pos - l->start);
		st = lex_error(l, "bad number syntax: %s", b.data);
		buf_release(&b);
		return st;
	}
	emit(l, I_NUMBER);
	return L_INSIDE;
}

static enum lstate
lex_quote(struct lexer *l, char q, enum itype type, const char *what)
{
	for (;;) {
		char c;

		if (l->pos >= l->n || l->in[l->pos] == '\n')
			return lex_error(l, "unterminated %s", what);
		c = l->in[l->pos++];
		if (c == '\\') {
			if (l->pos < l->n && l->in[l->pos] != '\n') {
				l->pos++;
				continue;
			}
			return lex_error(l, "unterminated %s", what);
		}
		if (c == q)
			break;
	}
	emit(l, type);
	return L_INSIDE;
}

static enum lstate
lex_inside(struct lexer *l)
{
	bool trim;
	char c;

	if (at_right_delim(l, &trim)) {
		if (l->paren == 0)
			return lex_right_delim(l, trim);
		return lex_error(l, "unclosed left paren");
	}
	if (l->pos >= l->n)
		return lex_error(l, "unclosed action");
	c = l->in[l->pos];
	if (is_space(c))
		return lex_space(l);
	l->pos++;
	switch (c) {
	case '=':
		emit(l, I_ASSIGN);
		return L_INSIDE;
	case ':':
		if (l->pos >= l->n || l->in[l->pos] != '=')
			return lex_error(l, "expected :=");
		l->pos++;
		emit(l, I_DECLARE);
		return L_INSIDE;
	case '|':
		emit(l, I_PIPE);
		return L_INSIDE;
	case '"':
		return lex_quote(l, '"', I_STRING, "quoted string");
	case '`': {
		const char *end = memchr(l->in + l->pos, '`', l->n - l->pos);

		if (!end)
			return lex_error(l, "unterminated raw quoted string");
		l->pos = (size_t)(end - l->in) + 1;
		emit(l, I_RAWSTRING);
		return L_INSIDE;
	}
	case '$':
		return lex_field_or_var(l, I_VARIABLE);
	case '\'':
		return lex_quote(l, '\'', I_CHARCONST, "character constant");
	case '(':
		emit(l, I_LPAREN);
		l->paren++;
		return L_INSIDE;
	case ')':
		emit(l, I_RPAREN);
		l->paren--;
		if (l->paren < 0)
			return lex_error(l, "unexpected right paren U+0029 ')'");
		return L_INSIDE;
	case '.':
		if (l->pos < l->n && !(l->in[l->pos] >= '0' && l->in[l->pos] <= '9'))
			return lex_field_or_var(l, I_FIELD);
		__attribute__((fallthrough)); /* '.' starts a number */
	case '+':
	case '-':
	case '0' ... '9':
		l->pos--;
		return lex_number(l);
	}
	if (is_alnum((unsigned char)c)) {
		l->pos--;
		return lex_identifier(l);
	}
	if (c > ' ' && c < 0x7F) {
		emit(l, I_CHAR);
		return L_INSIDE;
	}
	l->pos--;
	{
		struct buf b = BUF_INIT;
		enum lstate st;

		add_rune_desc(&b, l->in + l->pos, l->n - l->pos);
		st = lex_error(l, "unrecognized character in action: %s", b.data);
		buf_release(&b);
		return st;
	}
}

static void
lex_all(struct lexer *l)
{
	enum lstate st = L_TEXT;
	size_t at = 0;
	int line = 1;

	while (st != L_DONE)
		st = st == L_TEXT ? lex_text(l) : lex_inside(l);
	/* line numbers, in one pass: items are in source order */
	for (size_t i = 0; i < l->nitems; i++) {
		for (; at < l->items[i].pos && at < l->n; at++)
			if (l->in[at] == '\n')
				line++;
		l->items[i].line = line;
	}
}

/* ---------------------------------------------------------------- AST */

enum ntype {
	N_LIST,
	N_TEXT,
	N_ACTION,
	N_IF,
	N_RANGE,
	N_WITH,
	N_TEMPLATE,
	N_BREAK,
	N_CONTINUE,
	N_END,	/* parser-only */
	N_ELSE, /* parser-only */
	N_PIPE,
	N_CMD,
	N_FIELD,
	N_CHAIN,
	N_VAR,
	N_DOT,
	N_NIL,
	N_BOOL,
	N_NUMBER,
	N_STRING,
	N_IDENT,
};

struct func;

struct node {
	enum ntype type;
	size_t pos;
	struct node **kids; /* LIST: nodes; PIPE: commands; CMD: arguments */
	size_t nkids, akids;
	const char *s;	/* TEXT text; STRING value; NUMBER and IDENT text; TEMPLATE name */
	size_t slen;
	const char *src; /* STRING: as written, quotes included */
	size_t srclen;
	const char **idents; /* FIELD, CHAIN: field names; VAR: "$x" then field names */
	size_t nidents;
	struct node *pipe, *list, *elselist; /* ACTION, IF, RANGE, WITH, TEMPLATE */
	struct node *term;		     /* CHAIN: what the fields apply to */
	const char **decl;		     /* PIPE: declared variables */
	size_t ndecl;
	bool assign; /* PIPE: = rather than := */
	bool bval;
	bool is_int, is_float_text, overflow; /* NUMBER */
	long long ival;
	double fval;
	const struct func *fn; /* IDENT */
};

static void node_string(struct buf *b, const struct node *n);

static void
add_pipe_string(struct buf *b, const struct node *pipe)
{
	for (size_t i = 0; i < pipe->ndecl; i++) {
		if (i > 0)
			buf_adds(b, ", ");
		buf_adds(b, pipe->decl[i]);
	}
	if (pipe->ndecl)
		buf_adds(b, pipe->assign ? " = " : " := ");
	for (size_t i = 0; i < pipe->nkids; i++) {
		if (i > 0)
			buf_adds(b, " | ");
		node_string(b, pipe->kids[i]);
	}
}

/* Go's Node.String(), used in messages. */
static void
node_string(struct buf *b, const struct node *n)
{
	static const char *const ctl[] = { [N_IF] = "if", [N_RANGE] = "range", [N_WITH] = "with" };

	switch (n->type) {
	case N_LIST:
		for (size_t i = 0; i < n->nkids; i++)
			node_string(b, n->kids[i]);
		return;
	case N_TEXT: buf_add(b, n->s, n->slen); return;
	case N_ACTION:
		buf_adds(b, "{{");
		add_pipe_string(b, n->pipe);
		buf_adds(b, "}}");
		return;
	case N_IF:
	case N_RANGE:
	case N_WITH:
		buf_addf(b, "{{%s ", ctl[n->type]);
		add_pipe_string(b, n->pipe);
		buf_adds(b, "}}");
		node_string(b, n->list);
		if (n->elselist) {
			buf_adds(b, "{{else}}");
			node_string(b, n->elselist);
		}
		buf_adds(b, "{{end}}");
		return;
	case N_TEMPLATE:
		buf_adds(b, "{{template ");
		gofmt_quote(b, n->s, n->slen);
		if (n->pipe) {
			buf_addch(b, ' ');
			add_pipe_string(b, n->pipe);
		}
		buf_adds(b, "}}");
		return;
	case N_BREAK: buf_adds(b, "{{break}}"); return;
	case N_CONTINUE: buf_adds(b, "{{continue}}"); return;
	case N_END: buf_adds(b, "{{end}}"); return;
	case N_ELSE: buf_adds(b, "{{else}}"); return;
	case N_PIPE: add_pipe_string(b, n); return;
	case N_CMD:
		for (size_t i = 0; i < n->nkids; i++) {
			if (i > 0)
				buf_addch(b, ' ');
			if (n->kids[i]->type == N_PIPE) {
				buf_addch(b, '(');
				add_pipe_string(b, n->kids[i]);
				buf_addch(b, ')');
			} else {
				node_string(b, n->kids[i]);
			}
		}
		return;
	case N_FIELD:
		for (size_t i = 0; i < n->nidents; i++)
			buf_addf(b, ".%s", n->idents[i]);
		return;
	case N_VAR:
		for (size_t i = 0; i < n->nidents; i++)
			buf_addf(b, "%s%s", i ? "." : "", n->idents[i]);
		return;
	case N_CHAIN:
		if (n->term->type == N_PIPE) {
			buf_addch(b, '(');
			add_pipe_string(b, n->term);
			buf_addch(b, ')');
		} else {
			node_string(b, n->term);
		}
		for (size_t i = 0; i < n->nidents; i++)
			buf_addf(b, ".%s", n->idents[i]);
		return;
	case N_DOT: buf_addch(b, '.'); return;
	case N_NIL: buf_adds(b, "nil"); return;
	case N_BOOL: buf_adds(b, n->bval ? "true" : "false"); return;
	case N_NUMBER:
	case N_IDENT: buf_add(b, n->s, n->slen); return;
	case N_STRING: buf_add(b, n->src, n->srclen); return;
	}
}

/* ---------------------------------------------------------------- functions table */

struct state;

enum ptype {
	P_NONE,
	P_ANY,	 /* interface{}: a missing value arrives as nil */
	P_VALUE, /* reflect.Value: a missing value arrives as it is */
	P_STRING,
	P_INT,
	P_STRV, /* []string */
};

struct func {
	const char *name;
	int nin;
	enum ptype in[3];
	enum ptype variadic;
	/* Returns 0 and *ret (borrowed or pooled), or -1 with st->fnerr set. */
	int (*call)(struct state *st, json_t **a, size_t n, json_t **ret);
};

static const struct func *find_func(const char *name, size_t len, bool header);

/* ---------------------------------------------------------------- parser */

struct parser {
	struct tmpl *t;
	struct item *items;
	size_t n, i;
	int line;
	int action_line;
	const char **vars;
	size_t nvars, avars, var_base; /* a {{define}} body sees only its own variables */
	int range_depth;
	int depth;
	jmp_buf jb;
	char *err;
	enum err_kind ekind;
};

static _noreturn_ void perr(struct parser *p, const char *fmt, ...) _printf_(2, 3);

static void
perr(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	p->err = xasprintf("template: :%d: %s", p->line, msg);
	free(msg);
	if (!p->ekind)
		p->ekind = ERR_INVALID;
	longjmp(p->jb, 1);
}

static struct item *
next_item(struct parser *p)
{
	struct item *it = &p->items[p->i < p->n ? p->i : p->n - 1];

	p->i++;
	p->line = it->line;
	return it;
}

static void
backup(struct parser *p)
{
	p->i--;
}

static struct item *
peek(struct parser *p)
{
	struct item *it = next_item(p);

	backup(p);
	return it;
}

static struct item *
next_non_space(struct parser *p)
{
	struct item *it;

	do
		it = next_item(p);
	while (it->type == I_SPACE);
	return it;
}

static struct item *
peek_non_space(struct parser *p)
{
	struct item *it = next_non_space(p);

	backup(p);
	return it;
}

static void
item_string(struct buf *b, const struct item *it)
{
	if (it->type == I_EOF) {
		buf_adds(b, "EOF");
	} else if (it->type == I_ERROR) {
		buf_adds(b, it->val);
	} else if (it->type > I_KEYWORD) {
		buf_addf(b, "<%.*s>", (int)it->len, it->val);
	} else if (it->len > 10) {
		size_t i = 0;

		/* %.10q: the first ten runes, quoted */
		for (int r = 0; r < 10 && i < it->len; r++) {
			i++;
			while (i < it->len && ((unsigned char)it->val[i] & 0xC0) == 0x80)
				i++;
		}
		gofmt_quote(b, it->val, i);
		buf_adds(b, "...");
	} else {
		gofmt_quote(b, it->val, it->len);
	}
}

static _noreturn_ void
unexpected(struct parser *p, const struct item *it, const char *context)
{
	struct buf b = BUF_INIT;
	char *msg;

	if (it->type == I_ERROR) {
		if (p->action_line != 0 && p->action_line != it->line) {
			size_t l = strlen(it->val);
			bool action = l >= 7 && !strcmp(it->val + l - 7, " action");

			buf_addf(&b, "%s%s started at :%d", it->val, action ? "" : " in action",
				 p->action_line);
		} else {
			buf_adds(&b, it->val);
		}
		msg = buf_detach(&b, NULL);
		p->line = it->line;
		/* perr longjmps; the message is copied first */
		{
			char tmp[512];

			snprintf(tmp, sizeof(tmp), "%s", msg);
			free(msg);
			perr(p, "%s", tmp);
		}
	}
	item_string(&b, it);
	msg = buf_detach(&b, NULL);
	{
		char tmp[512];

		snprintf(tmp, sizeof(tmp), "%s", msg);
		free(msg);
		perr(p, "unexpected %s in %s", tmp, context);
	}
}

static struct item *
expect(struct parser *p, enum itype type, const char *context)
{
	struct item *it = next_non_space(p);

	if (it->type != type)
		unexpected(p, it, context);
	return it;
}

static struct node *
new_node(struct parser *p, enum ntype type, size_t pos)
{
	struct node *n = talloc(p->t, sizeof(*n));

	n->type = type;
	n->pos = pos;
	return n;
}

static void
append_kid(struct parser *p, struct node *n, struct node *kid)
{
	if (n->nkids == n->akids) {
		size_t na = n->akids ? n->akids * 2 : 4;
		struct node **k = talloc(p->t, na * sizeof(*k));

		if (n->nkids)
			memcpy(k, n->kids, n->nkids * sizeof(*k));
		n->kids = k;
		n->akids = na;
	}
	n->kids[n->nkids++] = kid;
}

static const char **
strs_append(struct parser *p, const char **v, size_t n, const char *s)
{
	const char **nv = talloc(p->t, (n + 1) * sizeof(*nv));

	if (n)
		memcpy(nv, v, n * sizeof(*nv));
	nv[n] = s;
	return nv;
}

static void
push_var(struct parser *p, const char *name)
{
	XGROW(p->vars, p->avars, p->nvars + 1);
	p->vars[p->nvars++] = name;
}

/*
 * strconv.UnquoteChar: one (possibly escaped) character of s, appended to b; *rune gets
 * its value. Returns the bytes consumed, or 0 for invalid syntax.
 */
static size_t
unquote_char(const char *s, size_t n, char quote, struct buf *b, unsigned *rune)
{
	unsigned v = 0;
	size_t k;

	if (n == 0)
		return 0;
	if ((unsigned char)s[0] == (unsigned char)quote && (quote == '\'' || quote == '"'))
		return 0;
	if (s[0] != '\\') {
		size_t w = 1;

		while (w < n && ((unsigned char)s[w] & 0xC0) == 0x80 && (unsigned char)s[0] >= 0xC0)
			w++;
		buf_add(b, s, w);
		*rune = (unsigned char)s[0];
		if (w > 1) { /* decode for the value */
			unsigned r = (unsigned char)s[0] & (w == 2 ? 0x1F : w == 3 ? 0x0F : 0x07);

			for (size_t i = 1; i < w; i++)
				r = (r << 6) | ((unsigned char)s[i] & 0x3F);
			*rune = r;
		}
		return w;
	}
	if (n < 2)
		return 0;
	switch (s[1]) {
	case 'a': v = '\a'; goto simple;
	case 'b': v = '\b'; goto simple;
	case 'f': v = '\f'; goto simple;
	case 'n': v = '\n'; goto simple;
	case 'r': v = '\r'; goto simple;
	case 't': v = '\t'; goto simple;
	case 'v': v = '\v'; goto simple;
	case '\\': v = '\\'; goto simple;
	case '\'':
	case '"':
		if (s[1] != quote)
			return 0;
		v = (unsigned char)s[1];
	simple:
		buf_addch(b, (char)v);
		*rune = v;
		return 2;
	case 'x':
	case 'u':
	case 'U': {
		size_t len = s[1] == 'x' ? 2 : s[1] == 'u' ? 4 : 8;

		if (n < 2 + len)
			return 0;
		for (k = 0; k < len; k++) {
			int h = hex_digit((unsigned char)s[2 + k]);

			if (h < 0)
				return 0;
			v = (v << 4) | (unsigned)h;
		}
		if (s[1] == 'x') {
			buf_addch(b, (char)v);
		} else {
			if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
				return 0;
			utf8_encode(b, v);
		}
		*rune = v;
		return 2 + len;
	}
	case '0' ... '7':
		if (n < 4)
			return 0;
		for (k = 1; k <= 3; k++) {
			if (s[k] < '0' || s[k] > '7')
				return 0;
			v = (v << 3) | (unsigned)(s[k] - '0');
		}
		if (v > 255)
			return 0;
		buf_addch(b, (char)v);
		*rune = v;
		return 4;
	}
	return 0;
}

/* strconv.Unquote of a "..." or `...` literal into the arena. */
static const char *
unquote(struct parser *p, const struct item *it, size_t *ret_len)
{
	struct buf b = BUF_INIT;
	const char *s = it->val + 1;
	size_t n = it->len - 2;
	char *out;

	if (it->val[0] == '`') {
		for (size_t i = 0; i < n; i++)
			if (s[i] != '\r')
				buf_addch(&b, s[i]);
	} else {
		for (size_t i = 0; i < n;) {
			unsigned r;
			size_t w = unquote_char(s + i, n - i, '"', &b, &r);

			if (w == 0) {
				buf_release(&b);
				perr(p, "invalid syntax");
			}
			i += w;
		}
	}
	*ret_len = b.len;
	out = tstrndup(p->t, b.data, b.len);
	buf_release(&b);
	return out;
}

/* strconv.ParseInt(text, 0, 64) */
static bool
parse_go_int(const char *s, size_t n, long long *ret, bool *uint_only)
{
	bool neg = false;
	unsigned base = 10;
	unsigned long long v = 0, lim;
	size_t i = 0;
	bool any = false, prefixed = false;

	*uint_only = false;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	if (n - i >= 2 && s[i] == '0') {
		char c = (char)tolower((unsigned char)s[i + 1]);

		if (c == 'x' || c == 'o' || c == 'b') {
			base = c == 'x' ? 16 : c == 'o' ? 8 : 2;
			i += 2;
			prefixed = true;
		} else {
			base = 8;
			i++;
			any = true;
		}
	}
	for (; i < n; i++) {
		int d;

		if (s[i] == '_') {
			if (!prefixed && base == 10 && !any)
				return false;
			continue;
		}
		d = hex_digit((unsigned char)s[i]);
		if (d < 0 || (unsigned)d >= base)
			return false;
		if (v > (ULLONG_MAX - (unsigned)d) / base)
			return false;
		v = v * base + (unsigned)d;
		any = true;
	}
	if (!any)
		return false;
	lim = neg ? (unsigned long long)LLONG_MAX + 1 : (unsigned long long)LLONG_MAX;
	if (v > lim) {
		*uint_only = !neg;
		return false;
	}
	*ret = neg ? (long long)(0 - v) : (long long)v;
	return true;
}

static struct node *
new_number(struct parser *p, const struct item *it)
{
	struct node *n = new_node(p, N_NUMBER, it->pos);
	struct buf b = BUF_INIT;
	bool uint_only = false;

	n->s = it->val;
	n->slen = it->len;
	if (it->type == I_CHARCONST) {
		unsigned r;
		size_t w = unquote_char(it->val + 1, it->len - 1, '\'', &b, &r);

		buf_release(&b);
		if (w == 0)
			perr(p, "invalid syntax");
		if (w + 1 != it->len - 1 || it->val[it->len - 1] != '\'')
			perr(p, "malformed character constant: %.*s", (int)it->len, it->val);
		n->is_int = true;
		n->ival = r;
		n->fval = r;
		return n;
	}
	if (parse_go_int(it->val, it->len, &n->ival, &uint_only)) {
		n->is_int = true;
		n->fval = (double)n->ival;
	} else if (uint_only) {
		n->overflow = true;
	} else {
		char *end;
		double f;

		for (size_t i = 0; i < it->len; i++)
			if (it->val[i] != '_')
				buf_addch(&b, it->val[i]);
		f = strtod(b.data, &end);
		if (b.len == 0 || *end || strpbrk(b.data, "iInN") || isinf(f)) {
			/* a trailing 'i' (imaginary) or nothing parsed */
			buf_release(&b);
			goto illegal;
		}
		buf_release(&b);
		if (!strpbrk(tstrndup(p->t, it->val, it->len), ".eEpP"))
			perr(p, "integer overflow: \"%.*s\"", (int)it->len, it->val);
		n->fval = f;
		if (f >= -9.2e18 && f <= 9.2e18 && (double)(long long)f == f) {
			n->is_int = true;
			n->ival = (long long)f;
		}
	}
	{
		char *text = tstrndup(p->t, it->val, it->len);
		bool hexint = it->len > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X') &&
			      !strpbrk(text, "pP");

		n->is_float_text = !hexint && strpbrk(text, ".eEpP") != NULL && !n->overflow;
	}
	return n;
illegal: {
	struct buf q = BUF_INIT;
	char tmp[256];

	gofmt_quote(&q, it->val, it->len);
	snprintf(tmp, sizeof(tmp), "%s", q.data);
	buf_release(&q);
	perr(p, "illegal number syntax: %s", tmp);
}
}

static struct node *pipeline(struct parser *p, const char *context, enum itype end);

static void
enter(struct parser *p)
{
	if (++p->depth > MAX_PARSE_DEPTH) {
		p->ekind = ERR_RESOURCE;
		perr(p, "max expression depth exceeded");
	}
}

static struct node *
term(struct parser *p)
{
	struct item *it = next_non_space(p);
	struct node *n;

	switch (it->type) {
	case I_IDENT: {
		const struct func *fn = find_func(it->val, it->len, false);

		if (!fn)
			perr(p, "function \"%.*s\" not defined", (int)it->len, it->val);
		n = new_node(p, N_IDENT, it->pos);
		n->s = it->val;
		n->slen = it->len;
		n->fn = fn;
		return n;
	}
	case I_DOT: return new_node(p, N_DOT, it->pos);
	case I_NIL: return new_node(p, N_NIL, it->pos);
	case I_VARIABLE: {
		const char *name = tstrndup(p->t, it->val, it->len);
		bool found = false;

		for (size_t i = p->var_base; i < p->nvars && !found; i++)
			found = !strcmp(p->vars[i], name);
		if (!found)
			perr(p, "undefined variable \"%s\"", name);
		n = new_node(p, N_VAR, it->pos);
		n->idents = strs_append(p, NULL, 0, name);
		n->nidents = 1;
		return n;
	}
	case I_FIELD:
		n = new_node(p, N_FIELD, it->pos);
		n->idents = strs_append(p, NULL, 0, tstrndup(p->t, it->val + 1, it->len - 1));
		n->nidents = 1;
		return n;
	case I_BOOL:
		n = new_node(p, N_BOOL, it->pos);
		n->bval = it->len == 4;
		return n;
	case I_CHARCONST:
	case I_NUMBER: return new_number(p, it);
	case I_LPAREN:
		enter(p);
		n = pipeline(p, "parenthesized pipeline", I_RPAREN);
		p->depth--;
		return n;
	case I_STRING:
	case I_RAWSTRING:
		n = new_node(p, N_STRING, it->pos);
		n->s = unquote(p, it, &n->slen);
		n->src = it->val;
		n->srclen = it->len;
		return n;
	default: break;
	}
	backup(p);
	return NULL;
}

static struct node *
operand(struct parser *p)
{
	struct node *n = term(p);
	const char **fields = NULL;
	size_t nfields = 0, pos;
	struct node *c;

	if (!n || peek(p)->type != I_FIELD)
		return n;
	pos = peek(p)->pos;
	while (peek(p)->type == I_FIELD) {
		struct item *it = next_item(p);

		const char *name = tstrndup(p->t, it->val + 1, it->len - 1);

		fields = strs_append(p, fields, nfields++, name);
	}
	switch (n->type) {
	case N_FIELD:
	case N_VAR:
		c = new_node(p, n->type, pos);
		c->idents = n->idents;
		c->nidents = n->nidents;
		for (size_t i = 0; i < nfields; i++)
			c->idents = strs_append(p, c->idents, c->nidents++, fields[i]);
		return c;
	case N_BOOL:
	case N_STRING:
	case N_NUMBER:
	case N_NIL:
	case N_DOT: {
		struct buf b = BUF_INIT, q = BUF_INIT;
		char tmp[256];

		node_string(&b, n);
		gofmt_quote(&q, b.data, b.len);
		snprintf(tmp, sizeof(tmp), "%s", q.data);
		buf_release(&b);
		buf_release(&q);
		perr(p, "unexpected . after term %s", tmp);
	}
	default:
		c = new_node(p, N_CHAIN, pos);
		c->term = n;
		c->idents = fields;
		c->nidents = nfields;
		return c;
	}
}

static struct node *
command(struct parser *p)
{
	struct node *cmd = new_node(p, N_CMD, peek_non_space(p)->pos);

	for (;;) {
		struct node *op;
		struct item *it;

		peek_non_space(p);
		op = operand(p);
		if (op)
			append_kid(p, cmd, op);
		it = next_item(p);
		if (it->type == I_SPACE)
			continue;
		if (it->type == I_RDELIM || it->type == I_RPAREN)
			backup(p);
		else if (it->type != I_PIPE)
			unexpected(p, it, "operand");
		break;
	}
	if (cmd->nkids == 0)
		perr(p, "empty command");
	return cmd;
}

static struct node *
pipeline(struct parser *p, const char *context, enum itype end)
{
	struct node *pipe = new_node(p, N_PIPE, peek_non_space(p)->pos);
	struct item *v;

decls:
	v = peek_non_space(p);
	if (v->type == I_VARIABLE) {
		size_t vi = p->i;
		struct item *nx;
		const char *name = tstrndup(p->t, v->val, v->len);

		next_item(p);
		nx = peek_non_space(p);
		if (nx->type == I_ASSIGN || nx->type == I_DECLARE) {
			pipe->assign = nx->type == I_ASSIGN;
			next_non_space(p);
			pipe->decl = strs_append(p, pipe->decl, pipe->ndecl++, name);
			push_var(p, name);
		} else if (nx->type == I_CHAR && nx->len == 1 && nx->val[0] == ',') {
			next_non_space(p);
			pipe->decl = strs_append(p, pipe->decl, pipe->ndecl++, name);
			push_var(p, name);
			if (!strcmp(context, "range") && pipe->ndecl < 2) {
				enum itype t = peek_non_space(p)->type;

				if (t == I_VARIABLE || t == I_RDELIM || t == I_RPAREN)
					goto decls;
				perr(p, "range can only initialize variables");
			}
			perr(p, "too many declarations in %s", context);
		} else {
			p->i = vi;
		}
	}
	for (;;) {
		struct item *it = next_non_space(p);

		if (it->type == end) {
			if (pipe->nkids == 0)
				perr(p, "missing value for %s", context);
			for (size_t i = 1; i < pipe->nkids; i++) {
				enum ntype t = pipe->kids[i]->kids[0]->type;

				if (t == N_BOOL || t == N_DOT || t == N_NIL || t == N_NUMBER ||
				    t == N_STRING)
					perr(p, "non executable command in pipeline stage %zu",
					     i + 1);
			}
			return pipe;
		}
		switch (it->type) {
		case I_BOOL:
		case I_CHARCONST:
		case I_DOT:
		case I_FIELD:
		case I_IDENT:
		case I_NUMBER:
		case I_NIL:
		case I_RAWSTRING:
		case I_STRING:
		case I_VARIABLE:
		case I_LPAREN:
			backup(p);
			append_kid(p, pipe, command(p));
			break;
		default:
			unexpected(p, it, context);
		}
	}
}

static struct node *item_list(struct parser *p, struct node **end);

static struct node *
control(struct parser *p, enum ntype type, const char *context)
{
	size_t nvars = p->nvars;
	struct node *n, *end;

	enter(p);
	n = new_node(p, type, 0);
	n->pipe = pipeline(p, context, I_RDELIM);
	n->pos = n->pipe->pos;
	if (type == N_RANGE)
		p->range_depth++;
	n->list = item_list(p, &end);
	if (type == N_RANGE)
		p->range_depth--;
	if (end->type == N_ELSE) {
		if (type == N_IF && peek(p)->type == I_IF) {
			next_item(p);
			n->elselist = new_node(p, N_LIST, end->pos);
			append_kid(p, n->elselist, control(p, N_IF, "if"));
		} else if (type == N_WITH && peek(p)->type == I_WITH) {
			next_item(p);
			n->elselist = new_node(p, N_LIST, end->pos);
			append_kid(p, n->elselist, control(p, N_WITH, "with"));
		} else {
			n->elselist = item_list(p, &end);
			if (end->type != N_END) {
				struct buf b = BUF_INIT;
				char tmp[64];

				node_string(&b, end);
				snprintf(tmp, sizeof(tmp), "%s", b.data);
				buf_release(&b);
				perr(p, "expected end; found %s", tmp);
			}
		}
	}
	p->nvars = nvars;
	p->depth--;
	return n;
}

static bool
is_empty_tree(const struct node *n)
{
	if (n->type == N_LIST) {
		for (size_t i = 0; i < n->nkids; i++)
			if (!is_empty_tree(n->kids[i]))
				return false;
		return true;
	}
	if (n->type == N_TEXT) {
		for (size_t i = 0; i < n->slen; i++)
			if (!is_space(n->s[i]) && n->s[i] != '\v' && n->s[i] != '\f')
				return false;
		return true;
	}
	return false;
}

static const struct tdef *
lookup_def(const struct tmpl *t, const char *name)
{
	for (size_t i = 0; i < t->ndefs; i++)
		if (!strcmp(t->defs[i].name, name))
			return &t->defs[i];
	return NULL;
}

static void
add_def(struct parser *p, const char *name, struct node *root)
{
	struct tdef *d = (struct tdef *)lookup_def(p->t, name);

	if (!d || is_empty_tree(d->root)) {
		if (!d) {
			XGROW(p->t->defs, p->t->adefs, p->t->ndefs + 1);
			d = &p->t->defs[p->t->ndefs++];
			d->name = name;
		}
		d->root = root;
		return;
	}
	if (!is_empty_tree(root))
		perr(p, "template: multiple definition of template \"%s\"", name);
}

static const char *
template_name(struct parser *p, struct item *it, const char *context)
{
	size_t len;

	if (it->type != I_STRING && it->type != I_RAWSTRING)
		unexpected(p, it, context);
	return unquote(p, it, &len);
}

/* Parses a template body with a fresh variable scope: {{define}} and {{block}}. */
static struct node *
sub_tree(struct parser *p, const char *context)
{
	size_t nvars = p->nvars, var_base = p->var_base;
	int range_depth = p->range_depth;
	struct node *body, *end;

	p->var_base = p->nvars;
	push_var(p, "$");
	p->range_depth = 0;
	enter(p);
	body = item_list(p, &end);
	if (end->type != N_END) {
		struct buf b = BUF_INIT;
		char tmp[64];

		node_string(&b, end);
		snprintf(tmp, sizeof(tmp), "%s", b.data);
		buf_release(&b);
		perr(p, "unexpected %s in %s", tmp, context);
	}
	p->depth--;
	p->nvars = nvars;
	p->var_base = var_base;
	p->range_depth = range_depth;
	return body;
}

static struct node *
action(struct parser *p)
{
	struct item *it = next_non_space(p);
	struct node *n;

	switch (it->type) {
	case I_BLOCK: {
		const char *context = "block clause";
		struct item *name_it = next_non_space(p);
		const char *name = template_name(p, name_it, context);
		struct node *pipe = pipeline(p, context, I_RDELIM);

		add_def(p, name, sub_tree(p, context));
		n = new_node(p, N_TEMPLATE, name_it->pos);
		n->s = name;
		n->slen = strlen(name);
		n->pipe = pipe;
		return n;
	}
	case I_BREAK:
	case I_CONTINUE: {
		bool brk = it->type == I_BREAK;
		struct item *t = next_non_space(p);

		if (t->type != I_RDELIM)
			unexpected(p, t, brk ? "{{break}}" : "{{continue}}");
		if (p->range_depth == 0)
			perr(p, "{{%s}} outside {{range}}", brk ? "break" : "continue");
		return new_node(p, brk ? N_BREAK : N_CONTINUE, it->pos);
	}
	case I_ELSE: {
		struct item *t = peek_non_space(p);

		if (t->type == I_IF || t->type == I_WITH)
			return new_node(p, N_ELSE, t->pos);
		return new_node(p, N_ELSE, expect(p, I_RDELIM, "else")->pos);
	}
	case I_END: return new_node(p, N_END, expect(p, I_RDELIM, "end")->pos);
	case I_IF: return control(p, N_IF, "if");
	case I_RANGE: return control(p, N_RANGE, "range");
	case I_WITH: return control(p, N_WITH, "with");
	case I_TEMPLATE: {
		const char *context = "template clause";
		struct item *name_it = next_non_space(p);
		const char *name = template_name(p, name_it, context);

		n = new_node(p, N_TEMPLATE, name_it->pos);
		n->s = name;
		n->slen = strlen(name);
		if (next_non_space(p)->type != I_RDELIM) {
			backup(p);
			n->pipe = pipeline(p, context, I_RDELIM);
		}
		return n;
	}
	default: break;
	}
	backup(p);
	n = new_node(p, N_ACTION, peek(p)->pos);
	n->pipe = pipeline(p, "command", I_RDELIM);
	return n;
}

static struct node *
text_or_action(struct parser *p)
{
	struct item *it = next_non_space(p);
	struct node *n;

	switch (it->type) {
	case I_TEXT:
		n = new_node(p, N_TEXT, it->pos);
		n->s = it->val;
		n->slen = it->len;
		return n;
	case I_LDELIM:
		p->action_line = it->line;
		n = action(p);
		p->action_line = 0;
		return n;
	default: unexpected(p, it, "input");
	}
}

static struct node *
item_list(struct parser *p, struct node **end)
{
	struct node *list = new_node(p, N_LIST, peek_non_space(p)->pos);

	while (peek_non_space(p)->type != I_EOF) {
		struct node *n = text_or_action(p);

		if (n->type == N_END || n->type == N_ELSE) {
			*end = n;
			return list;
		}
		append_kid(p, list, n);
	}
	perr(p, "unexpected EOF");
}

static void
parse_top(struct parser *p)
{
	struct node *root = new_node(p, N_LIST, 0);

	push_var(p, "$");
	while (peek(p)->type != I_EOF) {
		if (peek(p)->type == I_LDELIM) {
			size_t save = p->i;

			next_item(p);
			if (next_non_space(p)->type == I_DEFINE) {
				const char *context = "define clause";
				struct item *it = next_non_space(p);
				const char *name;

				if (it->type != I_STRING && it->type != I_RAWSTRING)
					unexpected(p, it, context);
				name = template_name(p, it, context);
				expect(p, I_RDELIM, context);
				add_def(p, name, sub_tree(p, context));
				continue;
			}
			p->i = save;
		}
		{
			struct node *n = text_or_action(p);

			if (n->type == N_END || n->type == N_ELSE)
				perr(p, "unexpected %s", n->type == N_END ? "{{end}}" : "{{else}}");
			append_kid(p, root, n);
		}
	}
	add_def(p, "", root);
}

int
tmpl_parse(const char *text, struct tmpl **ret, struct err **errp)
{
	struct tmpl *t;
	struct lexer l = { 0 };
	struct parser *p;
	size_t n = strlen(text);

	if (n > MAX_TEXT)
		return err_set(errp, ERR_RESOURCE, "template: template is larger than %u bytes",
			       MAX_TEXT);
	t = xnew(struct tmpl, 1);
	t->text = xstrndup(text, n);
	l.t = t;
	l.in = t->text;
	l.n = n;
	lex_all(&l);
	p = xnew(struct parser, 1);
	p->t = t;
	p->items = l.items;
	p->n = l.nitems;
	p->line = 1;
	if (setjmp(p->jb) == 0) {
		parse_top(p);
	} else {
		err_set(errp, p->ekind, "%s", p->err);
		free(p->err);
		free(p->vars);
		free(p);
		free(l.items);
		tmpl_free(t);
		return -1;
	}
	free(p->vars);
	free(p);
	free(l.items);
	*ret = t;
	return 0;
}

void
tmpl_free(struct tmpl *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nallocs; i++)
		free(t->allocs[i]);
	free(t->allocs);
	free(t->defs);
	free(t->text);
	free(t);
}

/* ---------------------------------------------------------------- execution */

struct var {
	const char *name;
	json_t *v; /* owned reference (NULL: no value) */
};

struct state {
	const struct tmpl *t;
	const char *tname;
	struct buf *out;
	size_t out_start;
	unsigned flags;
	const struct node *node;
	struct var *vars;
	size_t nvars, avars, var_base;
	json_t **pool; /* references held until the statement that made them ends */
	size_t npool, apool;
	json_t **args; /* evaluated function arguments, a stack */
	size_t nargs, aargs;
	int depth;
	long steps;
	char *fnerr;
	jmp_buf jb;
	enum err_kind ekind;
	char *emsg;
};

enum walk_ret { W_NORMAL, W_BREAK, W_CONTINUE };

static json_t *
own(struct state *s, json_t *v)
{
	if (!v)
		abort(); /* jansson allocation failure */
	XGROW(s->pool, s->apool, s->npool + 1);
	s->pool[s->npool++] = v;
	return v;
}

static void
release(struct state *s, size_t mark)
{
	while (s->npool > mark)
		json_decref(s->pool[--s->npool]);
}

static _noreturn_ void xerr(struct state *s, enum err_kind kind, const char *fmt, ...)
	_printf_(3, 4);

static void
xerr(struct state *s, enum err_kind kind, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	struct buf b = BUF_INIT;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (s->node) {
		const char *text = s->t->text;
		size_t pos = s->node->pos, ls = pos;
		int line = 1;
		struct buf ctx = BUF_INIT;

		for (size_t i = 0; i < pos; i++)
			if (text[i] == '\n')
				line++;
		while (ls > 0 && text[ls - 1] != '\n')
			ls--;
		node_string(&ctx, s->node);
		buf_addf(&b, "template: :%d:%zu: executing ", line, pos - ls);
		gofmt_quote(&b, s->tname, strlen(s->tname));
		buf_addf(&b, " at <%s>: %s", ctx.data, msg);
		buf_release(&ctx);
	} else {
		buf_adds(&b, "template: ");
		buf_adds(&b, s->tname);
		buf_addf(&b, ": %s", msg);
	}
	free(msg);
	s->ekind = kind;
	s->emsg = buf_detach(&b, NULL);
	longjmp(s->jb, 1);
}

#define xfail(s, ...) xerr((s), ERR_INVALID, __VA_ARGS__)

static int
fn_err(struct state *s, const char *fmt, ...) _printf_(2, 3);

static int
fn_err(struct state *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	free(s->fnerr);
	s->fnerr = xvasprintf(fmt, ap);
	va_end(ap);
	return -1;
}

static void
step(struct state *s)
{
	if (++s->steps > MAX_STEPS)
		xerr(s, ERR_RESOURCE, "template execution takes more than %ld steps", MAX_STEPS);
}

static void
check_size(struct state *s, size_t len)
{
	if (len > MAX_OUTPUT)
		xerr(s, ERR_RESOURCE, "template output is larger than %u MiB", MAX_OUTPUT >> 20);
}

static json_t *
new_string(struct state *s, const char *str, size_t len)
{
	check_size(s, len);
	return own(s, json_stringn_nocheck(str, len));
}

static json_t *
take_buf_string(struct state *s, struct buf *b)
{
	json_t *v;

	if (b->len > MAX_OUTPUT) {
		buf_release(b);
		check_size(s, MAX_OUTPUT + 1);
	}
	v = own(s, json_stringn_nocheck(b->data, b->len));
	buf_release(b);
	return v;
}

static void
var_push(struct state *s, const char *name, json_t *v)
{
	XGROW(s->vars, s->avars, s->nvars + 1);
	s->vars[s->nvars++] = (struct var){ name, json_incref(v) };
}

static void
var_pop(struct state *s, size_t mark)
{
	while (s->nvars > mark)
		json_decref(s->vars[--s->nvars].v);
}

static void
var_set_at(struct state *s, size_t i, json_t *v)
{
	json_incref(v);
	json_decref(s->vars[i].v);
	s->vars[i].v = v;
}

static void
var_set(struct state *s, const char *name, json_t *v)
{
	for (size_t i = s->nvars; i-- > s->var_base;) {
		if (!strcmp(s->vars[i].name, name)) {
			var_set_at(s, i, v);
			return;
		}
	}
	xfail(s, "undefined variable: %s", name);
}

static json_t *
var_value(struct state *s, const char *name)
{
	for (size_t i = s->nvars; i-- > s->var_base;)
		if (!strcmp(s->vars[i].name, name))
			return s->vars[i].v;
	xfail(s, "undefined variable: %s", name);
}

/* Go's isTrue. */
static bool
truth(json_t *v)
{
	if (!v)
		return false;
	switch (json_typeof(v)) {
	case JSON_NULL:
	case JSON_FALSE: return false;
	case JSON_TRUE: return true;
	case JSON_INTEGER: return json_integer_value(v) != 0;
	case JSON_REAL: return json_real_value(v) != 0;
	case JSON_STRING: return json_string_length(v) != 0;
	case JSON_ARRAY: return json_array_size(v) != 0;
	case JSON_OBJECT: return json_object_size(v) != 0;
	}
	return false;
}

static bool
is_nil(json_t *v)
{
	return !v || json_is_null(v);
}

static const char *
ptype_name(enum ptype t)
{
	switch (t) {
	case P_STRING: return "string";
	case P_INT: return "int";
	case P_STRV: return "[]string";
	case P_VALUE: return "reflect.Value";
	default: return "interface {}";
	}
}

static char *
node_str(const struct node *n)
{
	struct buf b = BUF_INIT;

	node_string(&b, n);
	return buf_detach(&b, NULL);
}

/* Go's validateType for a value produced by evaluation. */
static json_t *
validate(struct state *s, json_t *v, enum ptype t)
{
	switch (t) {
	case P_NONE:
	case P_ANY: return v ? v : json_null();
	case P_VALUE: return v;
	case P_STRING:
	case P_INT:
		if (!v)
			xfail(s, "invalid value; expected %s", ptype_name(t));
		if ((t == P_STRING && json_is_string(v)) || (t == P_INT && json_is_integer(v)))
			return v;
		break;
	case P_STRV:
		if (!v)
			return own(s, json_array());
		if (json_is_array(v)) {
			size_t i;
			json_t *e;

			json_array_foreach(v, i, e)
				if (!json_is_string(e))
					goto bad;
			return v;
		}
		break;
	}
bad:
	xfail(s, "wrong type for value; expected %s; got %s", ptype_name(t),
	      json_is_null(v) ? "interface {}" : gofmt_typename(v));
}

static json_t *eval_pipeline(struct state *s, json_t *dot, const struct node *pipe);
static json_t *eval_function(struct state *s, json_t *dot, const struct node *ident,
			     const struct node *cmd, struct node *const *args, size_t nargs,
			     json_t *final, bool has_final);
static json_t *eval_field_chain(struct state *s, json_t *dot, json_t *recv,
				const struct node *node, const char *const *idents, size_t nidents,
				struct node *const *args, size_t nargs, json_t *final,
				bool has_final);

static json_t *
ideal_constant(struct state *s, const struct node *n)
{
	if (n->is_float_text)
		return own(s, json_real(n->fval));
	if (n->is_int)
		return own(s, json_integer(n->ival));
	xfail(s, "%.*s overflows int", (int)n->slen, n->s);
}

static void
not_a_function(struct state *s, struct node *const *args, size_t nargs, bool has_final)
{
	if (nargs > 1 || has_final) {
		char *str = node_str(args[0]);
		char tmp[256];

		snprintf(tmp, sizeof(tmp), "%s", str);
		free(str);
		xfail(s, "can't give argument to non-function %s", tmp);
	}
}

static json_t *
eval_field_node(struct state *s, json_t *dot, const struct node *field, struct node *const *args,
		size_t nargs, json_t *final, bool has_final)
{
	s->node = field;
	return eval_field_chain(s, dot, dot, field, field->idents, field->nidents, args, nargs,
				final, has_final);
}

static json_t *
eval_variable_node(struct state *s, json_t *dot, const struct node *var, struct node *const *args,
		   size_t nargs, json_t *final, bool has_final)
{
	json_t *v;

	s->node = var;
	v = var_value(s, var->idents[0]);
	if (var->nidents == 1) {
		not_a_function(s, args, nargs, has_final);
		return v;
	}
	return eval_field_chain(s, dot, v, var, var->idents + 1, var->nidents - 1, args, nargs,
				final, has_final);
}

static json_t *eval_arg(struct state *s, json_t *dot, enum ptype t, const struct node *n);

static json_t *
eval_chain_node(struct state *s, json_t *dot, const struct node *chain, struct node *const *args,
		size_t nargs, json_t *final, bool has_final)
{
	json_t *recv;

	if (chain->term->type == N_NIL) {
		char *str = node_str(chain);
		char tmp[256];

		snprintf(tmp, sizeof(tmp), "%s", str);
		free(str);
		xfail(s, "indirection through explicit nil in %s", tmp);
	}
	recv = eval_arg(s, dot, P_VALUE, chain->term);
	return eval_field_chain(s, dot, recv, chain, chain->idents, chain->nidents, args, nargs,
				final, has_final);
}

static json_t *
eval_arg(struct state *s, json_t *dot, enum ptype t, const struct node *n)
{
	struct node *const self[1] = { (struct node *)n };

	s->node = n;
	switch (n->type) {
	case N_DOT: return validate(s, dot, t);
	case N_NIL:
		if (t == P_ANY)
			return json_null();
		if (t == P_VALUE)
			return NULL;
		if (t == P_STRV)
			return own(s, json_array());
		xfail(s, "cannot assign nil to %s", ptype_name(t));
	case N_FIELD: return validate(s, eval_field_node(s, dot, n, self, 1, NULL, false), t);
	case N_VAR: return validate(s, eval_variable_node(s, dot, n, self, 1, NULL, false), t);
	case N_PIPE: return validate(s, eval_pipeline(s, dot, n), t);
	case N_IDENT: return validate(s, eval_function(s, dot, n, n, self, 1, NULL, false), t);
	case N_CHAIN: return validate(s, eval_chain_node(s, dot, n, self, 1, NULL, false), t);
	default: break;
	}
	switch (t) {
	case P_STRING:
		if (n->type == N_STRING)
			return new_string(s, n->s, n->slen);
		break;
	case P_INT:
		if (n->type == N_NUMBER && n->is_int)
			return own(s, json_integer(n->ival));
		{
			char *str = node_str(n);
			char tmp[256];

			snprintf(tmp, sizeof(tmp), "%s", str);
			free(str);
			xfail(s, "expected integer; found %s", tmp);
		}
	case P_STRV: {
		char *str = node_str(n);
		char tmp[256];

		snprintf(tmp, sizeof(tmp), "%s", str);
		free(str);
		xfail(s, "can't handle %s for arg of type []string", tmp);
	}
	default:
		switch (n->type) {
		case N_BOOL: return n->bval ? json_true() : json_false();
		case N_NUMBER: return ideal_constant(s, n);
		case N_STRING: return new_string(s, n->s, n->slen);
		default: break;
		}
	}
	{
		char *str = node_str(n);
		char tmp[256];

		snprintf(tmp, sizeof(tmp), "%s", str);
		free(str);
		xfail(s, "expected %s; found %s", ptype_name(t), tmp);
	}
}

/* {{.Label "key"}}: Docker's methods that look a key up in a map, modelled on objects. */
static json_t *
eval_method(struct state *s, json_t *dot, json_t *obj, const char *name, struct node *const *args,
	    size_t nargs, json_t *final, bool has_final)
{
	size_t numin = nargs - 1 + (has_final ? 1 : 0);
	json_t *key, *v;

	if (numin != 1)
		xfail(s, "wrong number of args for %s: want 1 got %zu", name, numin);
	key = nargs > 1 ? eval_arg(s, dot, P_STRING, args[1]) : validate(s, final, P_STRING);
	v = json_object_get(obj, json_string_value(key));
	return v ? v : new_string(s, "", 0);
}

static json_t *
eval_field(struct state *s, json_t *dot, const char *name, json_t *recv, struct node *const *args,
	   size_t nargs, json_t *final, bool has_final)
{
	bool has_args = nargs > 1 || has_final;
	json_t *v;

	if (!recv)
		return NULL;
	if (json_is_null(recv))
		xfail(s, "nil pointer evaluating interface {}.%s", name);
	if (!json_is_object(recv))
		xfail(s, "can't evaluate field %s in type %s", name, gofmt_typename(recv));
	v = json_object_get(recv, name);
	if (has_args) {
		if (v && json_is_object(v))
			return eval_method(s, dot, v, name, args, nargs, final, has_final);
		xfail(s, "%s is not a method but has arguments", name);
	}
	return v;
}

static json_t *
eval_field_chain(struct state *s, json_t *dot, json_t *recv, const struct node *node,
		 const char *const *idents, size_t n, struct node *const *args, size_t nargs,
		 json_t *final, bool has_final)
{
	(void)node;
	for (size_t i = 0; i + 1 < n; i++)
		recv = eval_field(s, dot, idents[i], recv, NULL, 0, NULL, false);
	return eval_field(s, dot, idents[n - 1], recv, args, nargs, final, has_final);
}

static json_t *
eval_call(struct state *s, json_t *dot, const struct func *fn, const struct node *ident,
	  const struct node *cmd, struct node *const *args, size_t nargs, json_t *final,
	  bool has_final)
{
	size_t numin = nargs - 1 + (has_final ? 1 : 0);
	size_t base = s->nargs;
	json_t *ret = NULL;
	char name[64];

	snprintf(name, sizeof(name), "%.*s", (int)ident->slen, ident->s);
	if (fn->variadic != P_NONE) {
		if (numin < (size_t)fn->nin)
			xfail(s, "wrong number of args for %s: want at least %d got %zu", name,
			      fn->nin, numin);
	} else if (numin != (size_t)fn->nin) {
		xfail(s, "wrong number of args for %s: want %d got %zu", name, fn->nin, numin);
	}
	if (!fn->call) { /* and, or: evaluate lazily, return the deciding value */
		bool is_or = name[0] == 'o';
		json_t *v = NULL;

		for (size_t i = 1; i < nargs; i++) {
			v = eval_arg(s, dot, P_VALUE, args[i]);
			if (truth(v) == is_or)
				return v;
		}
		if (has_final)
			v = final;
		return v;
	}
	for (size_t i = 0; i < numin; i++) {
		enum ptype t = i < (size_t)fn->nin ? fn->in[i] : fn->variadic;
		json_t *v = i + 1 < nargs ? eval_arg(s, dot, t, args[i + 1])
					  : validate(s, final, t);

		XGROW(s->args, s->aargs, s->nargs + 1);
		s->args[s->nargs++] = v;
	}
	if (fn->call(s, s->args ? s->args + base : NULL, numin, &ret) < 0) {
		char tmp[1024];

		snprintf(tmp, sizeof(tmp), "%s", s->fnerr);
		free(s->fnerr);
		s->fnerr = NULL;
		s->nargs = base;
		s->node = cmd;
		xfail(s, "error calling %s: %s", name, tmp);
	}
	s->nargs = base;
	if (ret && json_is_string(ret))
		check_size(s, json_string_length(ret));
	return ret;
}

static json_t *
eval_function(struct state *s, json_t *dot, const struct node *ident, const struct node *cmd,
	      struct node *const *args, size_t nargs, json_t *final, bool has_final)
{
	const struct func *fn = ident->fn;

	s->node = ident;
	if (s->flags & TMPL_HEADER_FUNCS) {
		const struct func *h = find_func(ident->s, ident->slen, true);

		if (h)
			fn = h;
	}
	return eval_call(s, dot, fn, ident, cmd, args, nargs, final, has_final);
}

static json_t *
eval_command(struct state *s, json_t *dot, const struct node *cmd, json_t *final, bool has_final)
{
	const struct node *first = cmd->kids[0];

	step(s);
	switch (first->type) {
	case N_FIELD:
		return eval_field_node(s, dot, first, cmd->kids, cmd->nkids, final, has_final);
	case N_CHAIN:
		return eval_chain_node(s, dot, first, cmd->kids, cmd->nkids, final, has_final);
	case N_IDENT:
		return eval_function(s, dot, first, cmd, cmd->kids, cmd->nkids, final, has_final);
	case N_PIPE:
		not_a_function(s, cmd->kids, cmd->nkids, has_final);
		return eval_pipeline(s, dot, first);
	case N_VAR:
		return eval_variable_node(s, dot, first, cmd->kids, cmd->nkids, final, has_final);
	default: break;
	}
	s->node = first;
	not_a_function(s, cmd->kids, cmd->nkids, has_final);
	switch (first->type) {
	case N_BOOL: return first->bval ? json_true() : json_false();
	case N_DOT: return dot;
	case N_NIL: xfail(s, "nil is not a command");
	case N_NUMBER: return ideal_constant(s, first);
	case N_STRING: return new_string(s, first->s, first->slen);
	default: break;
	}
	xfail(s, "can't evaluate command");
}

static json_t *
eval_pipeline(struct state *s, json_t *dot, const struct node *pipe)
{
	json_t *v = NULL;

	if (!pipe)
		return NULL;
	s->node = pipe;
	for (size_t i = 0; i < pipe->nkids; i++)
		v = eval_command(s, dot, pipe->kids[i], v, i > 0);
	for (size_t i = 0; i < pipe->ndecl; i++) {
		if (pipe->assign)
			var_set(s, pipe->decl[i], v);
		else
			var_push(s, pipe->decl[i], v);
	}
	return v;
}

static void
out_write(struct state *s, const char *p, size_t n)
{
	buf_add(s->out, p, n);
	check_size(s, s->out->len - s->out_start);
}

static void
print_value(struct state *s, const struct node *n, json_t *v)
{
	s->node = n;
	if (!v)
		buf_adds(s->out, "<no value>");
	else
		gofmt_value(s->out, v);
	check_size(s, s->out->len - s->out_start);
}

static enum walk_ret walk(struct state *s, json_t *dot, const struct node *n);

static int
json_strcmp(const void *a, const void *b)
{
	json_t *const *x = a, *const *y = b;

	return strcmp(json_string_value(*x), json_string_value(*y));
}

/* Appends obj's keys to arr sorted like Go's fmtsort of a map[string]; arr owns them. */
static void
sorted_keys_into(json_t *obj, json_t *arr)
{
	const char *k;
	json_t *v;
	size_t n;

	json_object_foreach(obj, k, v)
		json_array_append_new(arr, json_string_nocheck(k));
	n = json_array_size(arr);
	if (n > 1) {
		json_t **tmp = xnew(json_t *, n);

		for (size_t i = 0; i < n; i++)
			tmp[i] = json_incref(json_array_get(arr, i));
		qsort(tmp, n, sizeof(*tmp), json_strcmp);
		json_array_clear(arr);
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, tmp[i]);
		free(tmp);
	}
}

static enum walk_ret
walk_range(struct state *s, json_t *dot, const struct node *r)
{
	size_t vmark = s->nvars, mark;
	const struct node *pipe = r->pipe;
	json_t *val;
	size_t count = 0;
	enum walk_ret ret = W_NORMAL;

	s->node = r;
	val = eval_pipeline(s, dot, pipe);
	mark = s->nvars;
	/* One iteration: the element, and the index or key, go to the declared variables. */
#define ITERATE(index, elem)                                                                       \
	do {                                                                                       \
		size_t pmark = s->npool;                                                           \
		json_t *idx_ = (index), *el_ = (elem);                                             \
		enum walk_ret w_;                                                                  \
		if (pipe->ndecl > 0) {                                                             \
			if (pipe->assign)                                                          \
				var_set(s, pipe->decl[0], pipe->ndecl > 1 ? idx_ : el_);           \
			else                                                                       \
				var_set_at(s, s->nvars - 1, el_);                                  \
		}                                                                                  \
		if (pipe->ndecl > 1) {                                                             \
			if (pipe->assign)                                                          \
				var_set(s, pipe->decl[1], el_);                                    \
			else                                                                       \
				var_set_at(s, s->nvars - 2, idx_);                                 \
		}                                                                                  \
		w_ = walk(s, el_, r->list);                                                        \
		var_pop(s, mark);                                                                  \
		release(s, pmark);                                                                 \
		count++;                                                                           \
		if (w_ == W_BREAK)                                                                 \
			goto done;                                                                 \
	} while (0)

	if (val && json_is_array(val)) {
		for (size_t i = 0; i < json_array_size(val); i++)
			ITERATE(own(s, json_integer((json_int_t)i)), json_array_get(val, i));
	} else if (val && json_is_object(val)) {
		json_t *keys = own(s, json_array());
		size_t len;

		sorted_keys_into(val, keys);
		len = json_array_size(keys);
		for (size_t i = 0; i < len; i++) {
			json_t *kv = json_array_get(keys, i);

			ITERATE(kv, json_object_get(val, json_string_value(kv)));
		}
	} else if (val && json_is_integer(val)) {
		long long n = json_integer_value(val);

		if (pipe->ndecl > 1) {
			xfail(s, "can't use %lld to iterate over more than one variable", n);
		}
		for (long long i = 0; i < n; i++) {
			size_t imark = s->npool;
			json_t *iv = own(s, json_integer(i));

			step(s);
			ITERATE(iv, iv);
			release(s, imark);
		}
	} else if (!is_nil(val)) {
		struct buf b = BUF_INIT;
		char tmp[256];

		gofmt_value(&b, val);
		snprintf(tmp, sizeof(tmp), "%s", b.data);
		buf_release(&b);
		xfail(s, "range can't iterate over %s", tmp);
	}
#undef ITERATE
done:
	if (count == 0 && r->elselist)
		ret = walk(s, dot, r->elselist);
	var_pop(s, vmark);
	return ret == W_BREAK || ret == W_CONTINUE ? ret : W_NORMAL;
}

static enum walk_ret
walk_template(struct state *s, json_t *dot, const struct node *n)
{
	const struct tdef *d;
	json_t *ndot;
	size_t base = s->var_base, vmark;
	const char *tname = s->tname;
	char name[256];

	s->node = n;
	snprintf(name, sizeof(name), "%.*s", (int)n->slen, n->s);
	d = lookup_def(s->t, name);
	if (!d)
		xfail(s, "template \"%s\" not defined", name);
	if (s->depth >= MAX_EXEC_DEPTH)
		xerr(s, ERR_RESOURCE, "exceeded maximum template depth (%d)", MAX_EXEC_DEPTH);
	ndot = eval_pipeline(s, dot, n->pipe);
	vmark = s->nvars;
	s->var_base = s->nvars;
	var_push(s, "$", ndot);
	s->depth++;
	s->tname = d->name;
	walk(s, ndot, d->root);
	s->depth--;
	s->tname = tname;
	var_pop(s, vmark);
	s->var_base = base;
	return W_NORMAL;
}

static enum walk_ret
walk(struct state *s, json_t *dot, const struct node *n)
{
	size_t mark = s->npool, vmark;
	enum walk_ret ret = W_NORMAL;
	json_t *v;

	step(s);
	s->node = n;
	switch (n->type) {
	case N_LIST:
		for (size_t i = 0; i < n->nkids && ret == W_NORMAL; i++)
			ret = walk(s, dot, n->kids[i]);
		return ret;
	case N_TEXT:
		out_write(s, n->s, n->slen);
		return W_NORMAL;
	case N_ACTION:
		v = eval_pipeline(s, dot, n->pipe);
		if (n->pipe->ndecl == 0)
			print_value(s, n, v);
		release(s, mark);
		return W_NORMAL;
	case N_IF:
	case N_WITH:
		vmark = s->nvars;
		v = eval_pipeline(s, dot, n->pipe);
		if (truth(v))
			ret = walk(s, n->type == N_WITH ? v : dot, n->list);
		else if (n->elselist)
			ret = walk(s, dot, n->elselist);
		var_pop(s, vmark);
		release(s, mark);
		return ret;
	case N_RANGE:
		ret = walk_range(s, dot, n);
		release(s, mark);
		return ret;
	case N_TEMPLATE:
		ret = walk_template(s, dot, n);
		release(s, mark);
		return ret;
	case N_BREAK: return W_BREAK;
	case N_CONTINUE: return W_CONTINUE;
	default: xfail(s, "unknown node");
	}
}

int
tmpl_exec_flags(const struct tmpl *t, json_t *data, unsigned flags, struct buf *out,
		struct err **errp)
{
	struct state *s = xnew(struct state, 1);
	const struct tdef *root = lookup_def(t, "");
	int r = 0;

	s->t = t;
	s->tname = "";
	s->out = out;
	s->out_start = out->len;
	s->flags = flags;
	if (setjmp(s->jb) == 0) {
		/* Execute(w, nil): dot is Go's invalid value */
		json_t *dot = json_is_null(data) ? NULL : data;

		var_push(s, "$", dot);
		if (root)
			walk(s, dot, root->root);
	} else {
		r = err_set(errp, s->ekind, "%s", s->emsg);
	}
	var_pop(s, 0);
	release(s, 0);
	free(s->vars);
	free(s->pool);
	free(s->args);
	free(s->fnerr);
	free(s->emsg);
	free(s);
	return r;
}

/* ---------------------------------------------------------------- builtins */

static void
sprint_args(struct state *s, struct buf *b, json_t **a, size_t n)
{
	(void)s;
	if (n == 1 && json_is_string(a[0]))
		buf_add(b, json_string_value(a[0]), json_string_length(a[0]));
	else
		gofmt_sprint(b, a, n, 0);
}

static int
f_print(struct state *s, json_t **a, size_t n, json_t **ret)
{
	struct buf b = BUF_INIT;

	gofmt_sprint(&b, a, n, 0);
	*ret = take_buf_string(s, &b);
	return 0;
}

static int
f_println(struct state *s, json_t **a, size_t n, json_t **ret)
{
	struct buf b = BUF_INIT;

	gofmt_sprint(&b, a, n, 1);
	*ret = take_buf_string(s, &b);
	return 0;
}

static int
f_printf(struct state *s, json_t **a, size_t n, json_t **ret)
{
	struct buf b = BUF_INIT;

	gofmt_sprintf(&b, json_string_value(a[0]), json_string_length(a[0]), a + 1, n - 1);
	*ret = take_buf_string(s, &b);
	return 0;
}

static int
f_call(struct state *s, json_t **a, size_t n, json_t **ret)
{
	(void)n;
	(void)ret;
	if (is_nil(a[0]))
		return fn_err(s, "call of nil");
	return fn_err(s, "non-function of type %s", gofmt_typename(a[0]));
}

static int
f_not(struct state *s, json_t **a, size_t n, json_t **ret)
{
	(void)s;
	(void)n;
	*ret = truth(a[0]) ? json_false() : json_true();
	return 0;
}

static int
f_len(struct state *s, json_t **a, size_t n, json_t **ret)
{
	json_t *v = a[0];
	size_t len;

	(void)n;
	if (is_nil(v))
		return fn_err(s, "len of nil pointer");
	if (json_is_string(v))
		len = json_string_length(v);
	else if (json_is_array(v))
		len = json_array_size(v);
	else if (json_is_object(v))
		len = json_object_size(v);
	else
		return fn_err(s, "len of type %s", gofmt_typename(v));
	*ret = own(s, json_integer((json_int_t)len));
	return 0;
}

/* Go's indexArg. */
static int
index_arg(struct state *s, json_t *idx, size_t cap, size_t *ret)
{
	long long x;

	if (is_nil(idx))
		return fn_err(s, "cannot index slice/array with nil");
	if (!json_is_integer(idx))
		return fn_err(s, "cannot index slice/array with type %s", gofmt_typename(idx));
	x = json_integer_value(idx);
	if (x < 0 || (unsigned long long)x > cap)
		return fn_err(s, "index out of range: %lld", x);
	*ret = (size_t)x;
	return 0;
}

/* The zero value of a missing key, after the element type the object's values suggest. */
static json_t *
zero_elem(struct state *s, json_t *obj)
{
	const char *k;
	json_t *v;
	int type = -1;

	json_object_foreach(obj, k, v) {
		int t = json_is_boolean(v) ? JSON_TRUE : (int)json_typeof(v);

		if (type >= 0 && t != type)
			return NULL;
		type = t;
	}
	switch (type) {
	case -1:
	case JSON_STRING: return new_string(s, "", 0);
	case JSON_OBJECT:
	case JSON_ARRAY: return json_null();
	case JSON_INTEGER: return own(s, json_integer(0));
	case JSON_REAL: return own(s, json_real(0));
	case JSON_TRUE: return json_false();
	default: return NULL;
	}
}

static int
f_index(struct state *s, json_t **a, size_t n, json_t **ret)
{
	json_t *item = a[0];

	if (is_nil(item))
		return fn_err(s, "index of untyped nil");
	for (size_t i = 1; i < n; i++) {
		json_t *idx = a[i];
		size_t x;

		if (is_nil(item))
			return fn_err(s, "index of nil pointer");
		if (json_is_array(item)) {
			if (index_arg(s, idx, json_array_size(item), &x) < 0)
				return -1;
			if (x == json_array_size(item))
				return fn_err(s, "index out of range: %zu", x);
			item = json_array_get(item, x);
		} else if (json_is_string(item)) {
			if (index_arg(s, idx, json_string_length(item), &x) < 0)
				return -1;
			if (x == json_string_length(item))
				return fn_err(s, "index out of range: %zu", x);
			item = own(s, json_integer((unsigned char)json_string_value(item)[x]));
		} else if (json_is_object(item)) {
			json_t *v;

			if (is_nil(idx))
				return fn_err(s, "value is nil; should be of type string");
			if (!json_is_string(idx))
				return fn_err(s, "value has type %s; should be string",
					      gofmt_typename(idx));
			v = json_object_get(item, json_string_value(idx));
			item = v ? v : zero_elem(s, item);
		} else {
			return fn_err(s, "can't index item of type %s", gofmt_typename(item));
		}
	}
	*ret = item;
	return 0;
}

static int
f_slice(struct state *s, json_t **a, size_t n, json_t **ret)
{
	json_t *item = a[0];
	size_t idx[3] = { 0, 0, 0 }, cap;
	bool str;

	if (is_nil(item))
		return fn_err(s, "slice of untyped nil");
	if (n - 1 > 3)
		return fn_err(s, "too many slice indexes: %zu", n - 1);
	str = json_is_string(item);
	if (str) {
		if (n - 1 == 3)
			return fn_err(s, "cannot 3-index slice a string");
		cap = json_string_length(item);
	} else if (json_is_array(item)) {
		cap = json_array_size(item);
	} else {
		return fn_err(s, "can't slice item of type %s", gofmt_typename(item));
	}
	idx[1] = cap;
	for (size_t i = 1; i < n; i++)
		if (index_arg(s, a[i], cap, &idx[i - 1]) < 0)
			return -1;
	if (idx[0] > idx[1])
		return fn_err(s, "invalid slice index: %zu > %zu", idx[0], idx[1]);
	if (n - 1 == 3 && idx[1] > idx[2])
		return fn_err(s, "invalid slice index: %zu > %zu", idx[1], idx[2]);
	if (str) {
		*ret = new_string(s, json_string_value(item) + idx[0], idx[1] - idx[0]);
	} else {
		json_t *arr = own(s, json_array());

		for (size_t i = idx[0]; i < idx[1]; i++)
			json_array_append(arr, json_array_get(item, i));
		*ret = arr;
	}
	return 0;
}

enum kind { K_INVALID, K_BOOL, K_INT, K_FLOAT, K_STRING, K_OTHER };

static enum kind
basic_kind(json_t *v)
{
	if (is_nil(v))
		return K_INVALID;
	switch (json_typeof(v)) {
	case JSON_TRUE:
	case JSON_FALSE: return K_BOOL;
	case JSON_INTEGER: return K_INT;
	case JSON_REAL: return K_FLOAT;
	case JSON_STRING: return K_STRING;
	default: return K_OTHER;
	}
}

/* Go's eq for two values: 1 equal, 0 not, -1 error (fnerr set). */
static int
eq2(struct state *s, json_t *x, json_t *y)
{
	enum kind k1 = basic_kind(x), k2 = basic_kind(y);

	if (k1 != k2) {
		if (k1 != K_INVALID && k2 != K_INVALID)
			return fn_err(s, "incompatible types for comparison");
		return 0;
	}
	switch (k1) {
	case K_INVALID: return 1;
	case K_BOOL: return json_is_true(x) == json_is_true(y);
	case K_INT: return json_integer_value(x) == json_integer_value(y);
	case K_FLOAT: return json_real_value(x) == json_real_value(y);
	case K_STRING:
		return json_string_length(x) == json_string_length(y) &&
		       !memcmp(json_string_value(x), json_string_value(y), json_string_length(x));
	default: {
		struct buf b = BUF_INIT;
		char tmp[128];

		gofmt_sprintf(&b, "%s", 2, &x, 1);
		snprintf(tmp, sizeof(tmp), "%s", b.data);
		buf_release(&b);
		return fn_err(s, "non-comparable type %s: %s", tmp, gofmt_typename(x));
	}
	}
}

static int
f_eq(struct state *s, json_t **a, size_t n, json_t **ret)
{
	if (n < 2)
		return fn_err(s, "missing argument for comparison");
	for (size_t i = 1; i < n; i++) {
		int r = eq2(s, a[0], a[i]);

		if (r < 0)
			return -1;
		if (r) {
			*ret = json_true();
			return 0;
		}
	}
	*ret = json_false();
	return 0;
}

static int
f_ne(struct state *s, json_t **a, size_t n, json_t **ret)
{
	int r = eq2(s, a[0], a[1]);

	(void)n;
	if (r < 0)
		return -1;
	*ret = r ? json_false() : json_true();
	return 0;
}

/* Go's lt: 1, 0, or -1 with fnerr. */
static int
lt2(struct state *s, json_t *x, json_t *y)
{
	enum kind k1 = basic_kind(x), k2 = basic_kind(y);

	if (k1 == K_INVALID || k1 == K_OTHER || k2 == K_INVALID || k2 == K_OTHER)
		return fn_err(s, "invalid type for comparison");
	if (k1 != k2)
		return fn_err(s, "incompatible types for comparison");
	switch (k1) {
	case K_INT: return json_integer_value(x) < json_integer_value(y);
	case K_FLOAT: return json_real_value(x) < json_real_value(y);
	case K_STRING: {
		size_t l1 = json_string_length(x), l2 = json_string_length(y);
		int c = memcmp(json_string_value(x), json_string_value(y), l1 < l2 ? l1 : l2);

		return c < 0 || (c == 0 && l1 < l2);
	}
	default: return fn_err(s, "invalid type for comparison");
	}
}

static int
compare(struct state *s, json_t **a, json_t **ret, int op)
{
	int lt = lt2(s, a[0], a[1]), eq;
	bool r;

	if (lt < 0)
		return -1;
	eq = (op == 1 || op == 2) ? eq2(s, a[0], a[1]) : 0;
	if (eq < 0)
		return -1;
	switch (op) {
	case 0: r = lt; break;		 /* lt */
	case 1: r = lt || eq; break;	 /* le */
	case 2: r = !(lt || eq); break; /* gt */
	default: r = !lt; break;	 /* ge */
	}
	*ret = r ? json_true() : json_false();
	return 0;
}

static int
f_lt(struct state *s, json_t **a, size_t n, json_t **ret)
{
	(void)n;
	return compare(s, a, ret, 0);
}

static int
f_le(struct state *s, json_t **a, size_t n, json_t **ret)
{
	(void)n;
	return compare(s, a, ret, 1);
}

static int
f_gt(struct state *s, json_t **a, size_t n, json_t **ret)
{
	(void)n;
	return compare(s, a, ret, 2);
}

static int
f_ge(struct state *s, json_t **a, size_t n, json_t **ret)
{
	(void)n;
	return compare(s, a, ret, 3);
}

static int
f_html(struct state *s, json_t **a, size_t n, json_t **ret)
{
	struct buf in = BUF_INIT, b = BUF_INIT;

	sprint_args(s, &in, a, n);
	for (size_t i = 0; i < in.len; i++) {
		switch (in.data[i]) {
		case '"': buf_adds(&b, "&#34;"); break;
		case '\'': buf_adds(&b, "&#39;"); break;
		case '&': buf_adds(&b, "&amp;"); break;
		case '<': buf_adds(&b, "&lt;"); break;
		case '>': buf_adds(&b, "&gt;"); break;
		case '\0': buf_adds(&b, "\xEF\xBF\xBD"); break;
		default: buf_addch(&b, in.data[i]);
		}
	}
	buf_release(&in);
	*ret = take_buf_string(s, &b);
	return 0;
}

static int
f_js(struct state *s, json_t **a, size_t n, json_t **ret)
{
	struct buf in = BUF_INIT, b = BUF_INIT;

	sprint_args(s, &in, a, n);
	for (size_t i = 0; i < in.len; i++) {
		unsigned char c = (unsigned char)in.data[i];

		switch (c) {
		case '\\': buf_adds(&b, "\\\\"); break;
		case '\'': buf_adds(&b, "\\'"); break;
		case '"': buf_adds(&b, "\\\""); break;
		case '<': buf_adds(&b, "\\u003C"); break;
		case '>': buf_adds(&b, "\\u003E"); break;
		case '&': buf_adds(&b, "\\u0026"); break;
		case '=': buf_adds(&b, "\\u003D"); break;
		default:
			if (c < ' ')
				buf_addf(&b, "\\u%04X", c);
			else
				buf_addch(&b, (char)c);
		}
	}
	buf_release(&in);
	*ret = take_buf_string(s, &b);
	return 0;
}

static int
f_urlquery(struct state *s, json_t **a, size_t n, json_t **ret)
{
	struct buf in = BUF_INIT, b = BUF_INIT;

	sprint_args(s, &in, a, n);
	for (size_t i = 0; i < in.len; i++) {
		unsigned char c = (unsigned char)in.data[i];

		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
			buf_addch(&b, (char)c);
		else if (c == ' ')
			buf_addch(&b, '+');
		else
			buf_addf(&b, "%%%02X", c);
	}
	buf_release(&in);
	*ret = take_buf_string(s, &b);
	return 0;
}

/* Docker's json: encoding/json without HTML escaping, no trailing newline. */
static int
f_json(struct state *s, json_t **a, size_t n, json_t **ret)
{
	struct buf b = BUF_INIT;

	(void)n;
	gojson_encode(&b, a[0], NULL, 0);
	*ret = take_buf_string(s, &b);
	return 0;
}

static int
f_join(struct state *s, json_t **a, size_t n, json_t **ret)
{
	struct buf b = BUF_INIT;
	size_t i;
	json_t *e;

	(void)n;
	json_array_foreach(a[0], i, e) {
		if (i > 0)
			buf_add(&b, json_string_value(a[1]), json_string_length(a[1]));
		buf_add(&b, json_string_value(e), json_string_length(e));
		if (b.len > MAX_OUTPUT)
			break;
	}
	*ret = take_buf_string(s, &b);
	return 0;
}

static int
f_split(struct state *s, json_t **a, size_t n, json_t **ret)
{
	const char *str = json_string_value(a[0]), *sep = json_string_value(a[1]);
	size_t len = json_string_length(a[0]), slen = json_string_length(a[1]);
	json_t *arr = own(s, json_array());

	(void)n;
	if (slen == 0) { /* one element per UTF-8 sequence */
		for (size_t i = 0; i < len;) {
			size_t w = 1;

			if ((unsigned char)str[i] >= 0xC0)
				while (i + w < len && ((unsigned char)str[i + w] & 0xC0) == 0x80 &&
				       w < 4)
					w++;
			json_array_append_new(arr, json_stringn_nocheck(str + i, w));
			i += w;
		}
	} else {
		size_t start = 0;

		for (;;) {
			const char *p = memmem(str + start, len - start, sep, slen);
			size_t end = p ? (size_t)(p - str) : len;

			json_array_append_new(arr, json_stringn_nocheck(str + start, end - start));
			if (!p)
				break;
			start = end + slen;
		}
	}
	*ret = arr;
	return 0;
}

/* Latin Extended-A letters that come in case pairs. */
static bool
latin_ext_a(unsigned r)
{
	return r >= 0x100 && r <= 0x17E && r != 0x130 && r != 0x131 && r != 0x138 && r != 0x149;
}

/* Simple case mapping of Latin-1, Latin Extended-A, Greek and Cyrillic; ASCII elsewhere. */
static unsigned
rune_case(unsigned r, bool upper)
{
	if (r < 0x80)
		return (unsigned)(upper ? toupper((int)r) : tolower((int)r));
	if (upper) {
		if ((r >= 0xE0 && r <= 0xFE && r != 0xF7) ||
		    (r >= 0x3B1 && r <= 0x3C9 && r != 0x3C2) || (r >= 0x430 && r <= 0x44F))
			return r - 0x20;
		if (r >= 0x450 && r <= 0x45F)
			return r - 0x50;
		if (r == 0xFF)
			return 0x178;
		if (latin_ext_a(r))
			return ((r >= 0x139 && r <= 0x148) || r >= 0x179) ? ((r & 1) ? r : r - 1)
									    : (r & ~1u);
		return r;
	}
	if ((r >= 0xC0 && r <= 0xDE && r != 0xD7) || (r >= 0x391 && r <= 0x3A9 && r != 0x3A2) ||
	    (r >= 0x410 && r <= 0x42F))
		return r + 0x20;
	if (r >= 0x400 && r <= 0x40F)
		return r + 0x50;
	if (r == 0x178)
		return 0xFF;
	if (latin_ext_a(r))
		return ((r >= 0x139 && r <= 0x148) || r >= 0x179) ? ((r & 1) ? r + 1 : r)
								    : (r | 1u);
	return r;
}

static int
f_case(struct state *s, json_t **a, int mode, json_t **ret)
{
	const char *str = json_string_value(a[0]);
	size_t len = json_string_length(a[0]);
	struct buf b = BUF_INIT;
	bool prev_sep = true;

	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)str[i];
		unsigned r = c;
		size_t w = 1;

		unsigned orig;

		if (c >= 0xC2 && c <= 0xDF && i + 1 < len &&
		    ((unsigned char)str[i + 1] & 0xC0) == 0x80) {
			r = ((c & 0x1Fu) << 6) | ((unsigned char)str[i + 1] & 0x3Fu);
			w = 2;
		}
		orig = r;
		if (mode == 2) { /* strings.Title: a letter after a separator is upper-cased */
			bool sep = r < 0x80 && !isalnum((int)r) && r != '_';

			if (prev_sep)
				r = rune_case(r, true);
			prev_sep = sep;
		} else {
			r = rune_case(r, mode == 1);
		}
		if (r == orig)
			buf_add(&b, str + i, w);
		else
			utf8_encode(&b, r);
		i += w;
	}
	*ret = take_buf_string(s, &b);
	return 0;
}

static int
f_lower(struct state *s, json_t **a, size_t n, json_t **ret)
{
	(void)n;
	return f_case(s, a, 0, ret);
}

static int
f_upper(struct state *s, json_t **a, size_t n, json_t **ret)
{
	(void)n;
	return f_case(s, a, 1, ret);
}

static int
f_title(struct state *s, json_t **a, size_t n, json_t **ret)
{
	(void)n;
	return f_case(s, a, 2, ret);
}

static int
f_truncate(struct state *s, json_t **a, size_t n, json_t **ret)
{
	long long l = json_integer_value(a[1]);
	size_t len = json_string_length(a[0]);

	(void)n;
	if (l >= 0 && (unsigned long long)l > len) {
		*ret = a[0];
		return 0;
	}
	if (l < 0)
		return fn_err(s, "runtime error: slice bounds out of range [:%lld]", l);
	*ret = new_string(s, json_string_value(a[0]), (size_t)l);
	return 0;
}

static int
f_pad(struct state *s, json_t **a, size_t n, json_t **ret)
{
	long long l = json_integer_value(a[1]), r = json_integer_value(a[2]);
	size_t len = json_string_length(a[0]);
	struct buf b = BUF_INIT;

	(void)n;
	if (len == 0) {
		*ret = a[0];
		return 0;
	}
	if (l < 0 || r < 0)
		return fn_err(s, "strings: negative Repeat count");
	check_size(s, (size_t)(l > MAX_OUTPUT ? MAX_OUTPUT : l) +
			      (size_t)(r > MAX_OUTPUT ? MAX_OUTPUT : r) + len);
	for (long long i = 0; i < l; i++)
		buf_addch(&b, ' ');
	buf_add(&b, json_string_value(a[0]), len);
	for (long long i = 0; i < r; i++)
		buf_addch(&b, ' ');
	*ret = take_buf_string(s, &b);
	return 0;
}

/* Header functions: the column title passes through unchanged. */
static int
f_first(struct state *s, json_t **a, size_t n, json_t **ret)
{
	(void)s;
	(void)n;
	*ret = a[0];
	return 0;
}

static const struct func funcs[] = {
	{ "and", 1, { P_VALUE }, P_VALUE, NULL },
	{ "or", 1, { P_VALUE }, P_VALUE, NULL },
	{ "not", 1, { P_VALUE }, P_NONE, f_not },
	{ "call", 1, { P_VALUE }, P_VALUE, f_call },
	{ "len", 1, { P_VALUE }, P_NONE, f_len },
	{ "index", 1, { P_VALUE }, P_VALUE, f_index },
	{ "slice", 1, { P_VALUE }, P_VALUE, f_slice },
	{ "print", 0, { P_NONE }, P_ANY, f_print },
	{ "printf", 1, { P_STRING }, P_ANY, f_printf },
	{ "println", 0, { P_NONE }, P_ANY, f_println },
	{ "eq", 1, { P_VALUE }, P_VALUE, f_eq },
	{ "ne", 2, { P_VALUE, P_VALUE }, P_NONE, f_ne },
	{ "lt", 2, { P_VALUE, P_VALUE }, P_NONE, f_lt },
	{ "le", 2, { P_VALUE, P_VALUE }, P_NONE, f_le },
	{ "gt", 2, { P_VALUE, P_VALUE }, P_NONE, f_gt },
	{ "ge", 2, { P_VALUE, P_VALUE }, P_NONE, f_ge },
	{ "html", 0, { P_NONE }, P_ANY, f_html },
	{ "js", 0, { P_NONE }, P_ANY, f_js },
	{ "urlquery", 0, { P_NONE }, P_ANY, f_urlquery },
	/* Docker's basicFunctions */
	{ "json", 1, { P_ANY }, P_NONE, f_json },
	{ "split", 2, { P_STRING, P_STRING }, P_NONE, f_split },
	{ "join", 2, { P_STRV, P_STRING }, P_NONE, f_join },
	{ "title", 1, { P_STRING }, P_NONE, f_title },
	{ "lower", 1, { P_STRING }, P_NONE, f_lower },
	{ "upper", 1, { P_STRING }, P_NONE, f_upper },
	{ "pad", 3, { P_STRING, P_INT, P_INT }, P_NONE, f_pad },
	{ "truncate", 2, { P_STRING, P_INT }, P_NONE, f_truncate },
};

/* Docker's HeaderFunctions. */
static const struct func header_funcs[] = {
	{ "json", 1, { P_STRING }, P_NONE, f_first },
	{ "split", 2, { P_STRING, P_STRING }, P_NONE, f_first },
	{ "join", 2, { P_STRING, P_STRING }, P_NONE, f_first },
	{ "title", 1, { P_STRING }, P_NONE, f_first },
	{ "lower", 1, { P_STRING }, P_NONE, f_first },
	{ "upper", 1, { P_STRING }, P_NONE, f_first },
	{ "truncate", 2, { P_STRING, P_INT }, P_NONE, f_first },
};

static const struct func *
find_func(const char *name, size_t len, bool header)
{
	const struct func *tab = header ? header_funcs : funcs;
	size_t n = header ? ARRAY_SIZE(header_funcs) : ARRAY_SIZE(funcs);

	for (size_t i = 0; i < n; i++)
		if (strlen(tab[i].name) == len && !memcmp(tab[i].name, name, len))
			return &tab[i];
	return NULL;
}
