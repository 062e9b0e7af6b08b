/*
 * nerdc ps / container ls: one containers ListStream and one tasks List per listing, whatever
 * the number of containers, each record filtered and formatted as it arrives; the command
 * comes from the spec's process.args without decoding the whole spec.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "cli/format.h"
#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/container_common.h"
#include "cmd/util.h"
#include "container/labels.h"
#include "ctd/containers.h"
#include "ctd/snapshots.h"
#include "ctd/tasks.h"
#include "base/banned.h"

static const struct fmt_header ps_headers[] = {
	{ "ID", "CONTAINER ID" }, { "Image", "IMAGE" }, { "Command", "COMMAND" },
	{ "CreatedAt", "CREATED AT" }, { "RunningFor", "CREATED" }, { "Ports", "PORTS" },
	{ "State", "STATE" }, { "Status", "STATUS" }, { "Size", "SIZE" }, { "Names", "NAMES" },
	{ "Labels", "LABELS" }, { "Mounts", "MOUNTS" }, { "Networks", "NETWORKS" },
	{ "LocalVolumes", "LOCAL VOLUMES" }, { "Platform", "PLATFORM" }, { NULL, NULL },
};

#define PS_DEFAULT "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"
/* Docker's default table with --size: a SIZE column at the end. */
#define PS_DEFAULT_SIZE PS_DEFAULT "\t{{.Size}}"

/* process.args of the record's spec joined by spaces (Docker's Command), "" without one. */
static char *
spec_command(const CtdContainer *r)
{
	char *cmd = r->spec ? ctd_spec_command(r->spec->value.data, r->spec->value.len) : NULL;

	return cmd ? cmd : xstrdup("");
}

/* Go's strconv.Quote for the printable ASCII commands shells produce, \u escapes otherwise. */
static char *
go_quote(const char *s)
{
	struct buf b = BUF_INIT;

	buf_addch(&b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			buf_addf(&b, "\\%c", c);
		else if (c == '\n')
			buf_adds(&b, "\\n");
		else if (c == '\t')
			buf_adds(&b, "\\t");
		else if (c < 0x20 || c == 0x7f)
			buf_addf(&b, "\\x%02x", c);
		else
			buf_addch(&b, (char)c);
	}
	buf_addch(&b, '"');
	return buf_detach(&b, NULL);
}

/* Docker's stringutils.Ellipsis: at most max runes, the last one "…" when cut. */
static char *
ellipsis(const char *s, size_t max)
{
	size_t runes = 0, cut = 0;

	for (size_t i = 0; s[i]; i++) {
		if (((unsigned char)s[i] & 0xc0) == 0x80)
			continue;
		if (++runes == max)
			cut = i;
	}
	if (runes <= max)
		return xstrdup(s);
	return xasprintf("%.*s…", (int)cut, s);
}

static void
format_ports(const char *label, struct buf *out)
{
	_cleanup_json_ json_t *ports = NULL;
	size_t i;
	json_t *p;

	if (!label || !*label || !(ports = json_loadb(label, strlen(label), 0, NULL)))
		return;
	json_array_foreach(ports, i, p) {
		const char *hip = json_get_str(p, "HostIP");
		const char *proto = json_get_str(p, "Protocol");

		if (out->len)
			buf_adds(out, ", ");
		buf_addf(out, "%s:%lld->%lld/%s", hip && *hip ? hip : "0.0.0.0",
			 (long long)json_integer_value(json_object_get(p, "HostPort")),
			 (long long)json_integer_value(json_object_get(p, "ContainerPort")),
			 proto ? proto : "tcp");
	}
}

/* Docker's time.Time String() in UTC: "2024-01-02 03:04:05 +0000 UTC". */
static void
created_at(int64_t secs, char *out, size_t n)
{
	time_t t = (time_t)secs;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%d %H:%M:%S +0000 UTC", &tm);
}

/* Creation time in nanoseconds, 0 when containerd gave none. */
static int64_t
created_ns(const CtdContainer *r)
{
	return r->created_at ? r->created_at->seconds * 1000000000LL + r->created_at->nanos : 0;
}

struct ps_filters {
	struct strv ids, names, labels, ancestors;
	struct strv status;
	int exited;
	bool exited_set;
	int64_t before, since;	/* created-at bounds (0: none) */
};

static void
ps_filters_release(struct ps_filters *f)
{
	strv_release(&f->ids);
	strv_release(&f->names);
	strv_release(&f->labels);
	strv_release(&f->ancestors);
	strv_release(&f->status);
}

static int
created_of(struct ctd *c, const char *ref, int64_t *ret, struct err **errp)
{
	_cleanup_(ctd_msg_freep) CtdContainer *r = NULL;

	if (container_find(c, ref, &r, errp) < 0)
		return -1;
	*ret = created_ns(r);
	return 0;
}

static int
parse_filters(struct ctd *c, const struct strv *in, struct ps_filters *f,
	      struct err **errp)
{
	static const char *const states[] = { "created", "restarting", "running", "removing",
					      "paused", "exited", "dead", NULL };

	for (size_t i = 0; i < in->n; i++) {
		const char *kv = in->v[i], *eq = strchr(kv, '=');
		const char *v = eq ? eq + 1 : "";
		size_t kl = eq ? (size_t)(eq - kv) : strlen(kv);

		if (!eq)
			return err_set(errp, ERR_INVALID,
				       "bad format of filter (expected name=value)");
#define KEY(k) (kl == strlen(k) && strncmp(kv, k, kl) == 0)
		if (KEY("id")) {
			strv_push(&f->ids, v);
		} else if (KEY("name")) {
			strv_push(&f->names, v);
		} else if (KEY("label")) {
			strv_push(&f->labels, v);
		} else if (KEY("ancestor")) {
			strv_push(&f->ancestors, v);
		} else if (KEY("status")) {
			bool ok = false;

			for (size_t j = 0; states[j]; j++)
				ok |= strcmp(states[j], v) == 0;
			if (!ok)
				return err_set(errp, ERR_INVALID, "Invalid filter 'status=%s'", v);
			strv_push(&f->status, v);
		} else if (KEY("exited")) {
			char *e;

			f->exited = (int)strtol(v, &e, 10);
			if (!*v || *e)
				return err_set(errp, ERR_INVALID, "invalid filter 'exited=%s'", v);
			f->exited_set = true;
		} else if (KEY("before")) {
			if (created_of(c, v, &f->before, errp) < 0)
				return -1;
		} else if (KEY("since")) {
			if (created_of(c, v, &f->since, errp) < 0)
				return -1;
		} else {
			return err_set(errp, ERR_INVALID, "Invalid filter '%.*s'", (int)kl, kv);
		}
#undef KEY
	}
	return 0;
}

static bool
any_prefix(const struct strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strncmp(s, sv->v[i], strlen(sv->v[i])) == 0)
			return true;
	return false;
}

static bool
any_substr(const struct strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strstr(s, sv->v[i]))
			return true;
	return false;
}

static bool
labels_match(const struct strv *want, const CtdContainer *r)
{
	for (size_t i = 0; i < want->n; i++) {
		const char *eq = strchr(want->v[i], '=');
		_cleanup_free_ char *k = eq ? xstrndup(want->v[i], (size_t)(eq - want->v[i]))
					    : xstrdup(want->v[i]);
		const char *v = container_label(r, k);

		if (!v || (eq && strcmp(v, eq + 1) != 0))
			return false;
	}
	return true;
}

/* ancestor=busybox matches docker.io/library/busybox:latest and any tag of it. */
static bool
ancestor_match(const struct strv *want, const char *image)
{
	for (size_t i = 0; i < want->n; i++) {
		const char *w = want->v[i];
		_cleanup_free_ char *full = NULL;
		size_t n;

		if (strcmp(image, w) == 0)
			return true;
		full = strchr(w, '/') ? xstrdup(w) : xasprintf("docker.io/library/%s", w);
		n = strlen(full);
		if (strncmp(image, full, n) == 0 && (image[n] == '\0' || image[n] == ':' ||
						     image[n] == '@'))
			return true;
	}
	return false;
}

static bool
filter_match(const struct ps_filters *f, const CtdContainer *r, const CtdProcess *t,
	     enum container_state s)
{
	int64_t created = created_ns(r);

	if (f->ids.n && !any_prefix(&f->ids, r->id))
		return false;
	if (f->names.n && !any_substr(&f->names, container_name(r)))
		return false;
	if (f->labels.n && !labels_match(&f->labels, r))
		return false;
	if (f->ancestors.n && !ancestor_match(&f->ancestors, r->image ? r->image : ""))
		return false;
	if (f->status.n && !strv_contains(&f->status, container_state_name(s)))
		return false;
	if (f->exited_set && (s != CONTAINER_EXITED || !t || (int)t->exit_status != f->exited))
		return false;
	if (f->before && created >= f->before)
		return false;
	if (f->since && created <= f->since)
		return false;
	return true;
}

static void
status_text(const CtdProcess *t, enum container_state s, int64_t created, int64_t now, char *out,
	    size_t n)
{
	char d[64];
	int64_t at;

	switch (s) {
	case CONTAINER_RUNNING:
	case CONTAINER_PAUSED:
		at = container_started_at(t);
		if (at && at < created)
			at = created;	/* /proc's boot time is rounded to the second */
		if (!at) {
			snprintf(out, n, s == CONTAINER_PAUSED ? "Up (Paused)" : "Up");
			return;
		}
		human_duration(now - at, d, sizeof(d));
		snprintf(out, n, s == CONTAINER_PAUSED ? "Up %s (Paused)" : "Up %s", d);
		return;
	case CONTAINER_EXITED:
	case CONTAINER_RESTARTING:
		at = t ? container_exited_at(t) : 0;
		human_duration(at ? now - at : 0, d, sizeof(d));
		snprintf(out, n, s == CONTAINER_EXITED ? "Exited (%u) %s ago" : "Restarting (%u) %s ago",
			 t ? t->exit_status : 0, d);
		return;
	default:
		snprintf(out, n, "Created");
	}
}

/*
 * A listed container: its id and creation time, and either its row or, until the row is
 * made, its record (spec dropped) and command.
 */
struct rec {
	char *id;
	int64_t created;	/* ns */
	CtdContainer *r;
	char *cmd;
	json_t *row;
};

static int
cmp_created_desc(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	return x->created < y->created ? 1 : x->created > y->created ? -1 : strcmp(x->id, y->id);
}

static int
cmp_task_id(const void *a, const void *b)
{
	return strcmp((*(CtdProcess *const *)a)->id, (*(CtdProcess *const *)b)->id);
}

/* The task of container id in tasks sorted by cmp_task_id, or NULL. */
static const CtdProcess *
task_of(const CtdTaskList *tasks, const char *id)
{
	CtdProcess key = { .id = (char *)id }, *k = &key, **t;

	if (!tasks->n_tasks)
		return NULL;
	t = bsearch(&k, tasks->tasks, tasks->n_tasks, sizeof(*tasks->tasks), cmp_task_id);
	return t ? *t : NULL;
}

static void
row_set(json_t *row, const char *key, const char *v)
{
	json_object_set_new(row, key, json_string(v));
}

/*
 * One row: all_fields false builds only the columns of PS_DEFAULT, all the default table
 * shows; the keys keep one order either way ({{json .}} prints them as set).
 */
static json_t *
row_of(struct ctd *c, const CtdContainer *r, const char *cmd, const CtdProcess *t,
       enum container_state s, bool no_trunc, bool size, bool all_fields, int64_t now)
{
	_cleanup_free_ char *shown = NULL, *quoted = NULL;
	_cleanup_buf_ struct buf ports = BUF_INIT, labels = BUF_INIT;
	char status[96], ago[96], at[64] = "", sz[64] = "";
	int64_t created = r->created_at ? r->created_at->seconds : 0;
	const char *nets = NULL, *platform = NULL;
	json_t *row = json_object();

	shown = no_trunc ? xstrdup(cmd) : ellipsis(cmd, 20);
	quoted = go_quote(shown);
	status_text(t, s, created, now, status, sizeof(status));
	human_ago(created, ago, sizeof(ago));
	format_ports(container_label(r, LABEL_PORTS), &ports);
	if (all_fields) {
		nets = container_label(r, LABEL_NETWORKS);
		platform = container_label(r, LABEL_PLATFORM);
		created_at(created, at, sizeof(at));
		for (size_t i = 0; i < r->n_labels; i++)
			buf_addf(&labels, "%s%s=%s", i ? "," : "", r->labels[i]->key,
				 r->labels[i]->value);
	}
	if (size) {
		int64_t bytes = 0;

		if (r->snapshot_key && *r->snapshot_key)
			ctd_snapshots_usage(c, r->snapshotter, r->snapshot_key, &bytes, NULL, NULL);
		human_size((double)bytes, sz, sizeof(sz));
	}
	json_object_set_new(row, "ID", json_stringn(r->id, no_trunc ? strlen(r->id)
								 : strnlen(r->id, 12)));
	row_set(row, "Image", r->image ? r->image : "");
	row_set(row, "Command", quoted);
	if (all_fields)
		row_set(row, "CreatedAt", at);
	row_set(row, "RunningFor", ago);
	row_set(row, "Ports", ports.data);
	if (all_fields)
		row_set(row, "State", container_state_name(s));
	row_set(row, "Status", status);
	if (all_fields)
		row_set(row, "Size", sz);
	row_set(row, "Names", container_name(r));
	if (all_fields) {
		row_set(row, "Labels", labels.data);
		row_set(row, "Mounts", "");
		row_set(row, "Networks", nets ? nets : "");
		row_set(row, "LocalVolumes", "0");
		row_set(row, "Platform", platform ? platform : "");
	}
	return row;
}

/* What a listing shows, and the records it keeps. */
struct ps {
	struct ctd *c;
	struct ps_filters pf;
	bool all, quiet, no_trunc, size, all_fields;
	bool eager;	/* rows made as records arrive (not with -n or --size: see ps_row) */
	int64_t now;
	CtdTaskList *tasks;	/* sorted by cmp_task_id */
	struct rec *v;
	size_t n, alloc;
};

static void
ps_release(struct ps *ps)
{
	for (size_t i = 0; i < ps->n; i++) {
		free(ps->v[i].id);
		ctd_msg_free(ps->v[i].r);
		free(ps->v[i].cmd);
		json_decref(ps->v[i].row);
	}
	free(ps->v);
	ctd_msg_free(ps->tasks);
	ps_filters_release(&ps->pf);
}

/* x's row, made now if not yet; the record and command go once it is made. */
static json_t *
ps_row(struct ps *ps, struct rec *x)
{
	const CtdProcess *t;

	if (x->row)
		return x->row;
	t = task_of(ps->tasks, x->id);
	x->row = row_of(ps->c, x->r, x->cmd, t, container_state_rec(x->r, t), ps->no_trunc, ps->size,
			ps->all_fields, ps->now);
	ctd_msg_free(TAKE_PTR(x->r));
	free(TAKE_PTR(x->cmd));
	return x->row;
}

/* Keeps r (taking it) if it passes the filters. */
static void
ps_take(struct ps *ps, CtdContainer *r)
{
	const CtdProcess *t = task_of(ps->tasks, r->id);
	enum container_state s = container_state_rec(r, t);
	struct rec *x;

	/* Docker lists restarting containers among the running ones. */
	if ((!ps->all && s != CONTAINER_RUNNING && s != CONTAINER_PAUSED &&
	     s != CONTAINER_RESTARTING && !ps->pf.status.n) ||
	    !filter_match(&ps->pf, r, t, s)) {
		ctd_msg_free(r);
		return;
	}
	XGROW(ps->v, ps->alloc, ps->n + 1);
	x = &ps->v[ps->n++];
	*x = (struct rec){ .id = xstrdup(r->id), .created = created_ns(r), .r = r };
	if (ps->quiet) {
		ctd_msg_free(TAKE_PTR(x->r));
		return;
	}
	/* The spec is most of a record (10 KB for nerdc's own): read the command, drop it. */
	x->cmd = spec_command(r);
	ctd_msg_free(r->spec);
	r->spec = NULL;
	/* --size costs a call per row, and -n shows only some: those wait for ps_row. */
	if (ps->eager)
		ps_row(ps, x);
}

/*
 * Lists, filters and formats as records arrive: the ListStream request goes out first, so
 * containerd streams records while the tasks List makes its round trip, and each record is
 * done with while the next ones are on their way. One ListStream and one tasks List,
 * whatever the number of containers.
 */
static int
ps_list(struct ps *ps, struct err **errp)
{
	_cleanup_(ctd_containers_iter_freep) struct ctd_containers_iter *it = NULL;
	CtdContainer *r;
	int rc;

	if (ctd_containers_list_open(ps->c, NULL, &it, errp) < 0 ||
	    ctd_tasks_list(ps->c, NULL, &ps->tasks, errp) < 0)
		return -1;
	if (ps->tasks->n_tasks)
		qsort(ps->tasks->tasks, ps->tasks->n_tasks, sizeof(ps->tasks->tasks[0]),
		      cmp_task_id);
	while ((rc = ctd_containers_list_next(it, &r, errp)) > 0)
		ps_take(ps, r);
	if (rc == 0 && ps->n)
		qsort(ps->v, ps->n, sizeof(ps->v[0]), cmp_created_desc);
	return rc;
}

CMD(ps)
{
	bool latest = false;
	int last = -1;
	const char *format = NULL;
	struct strv filter_args = STRV_INIT;
	struct ps ps = { .now = (int64_t)time(NULL) };
	struct opt opts[] = {
		OPT_BOOL('a', "all", &ps.all, "Show all containers (default shows just running)"),
		OPT_STRINGS('f', "filter", &filter_args, "filter", "Filter output based on conditions provided"),
		OPT_STRING(0, "format", &format, "string", "Pretty-print containers using a Go template"),
		OPT_BOOL('l', "latest", &latest, "Show the latest created container (includes all states)"),
		OPT_INT_D('n', "last", &last, "Show n last created containers (includes all states)", "-1"),
		OPT_BOOL(0, "no-trunc", &ps.no_trunc, "Don't truncate output"),
		OPT_BOOL('q', "quiet", &ps.quiet, "Only display container IDs"),
		OPT_BOOL('s', "size", &ps.size, "Display total file sizes"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_fmt_ struct fmt *f = NULL;
	int rc = 0;

	argc = opt_parse_cmd(cli, &(struct cmd_help){ NULL, "ps [OPTIONS]", "List containers",
						      NULL, 0 },
			     opts, argc, argv, 0, OPT_PARSE_NO_ARGS);
	if (argc < 0) {
		strv_release(&filter_args);
		return opt_exit_code(argc);
	}
	if (latest)
		last = 1;
	if (last > 0)
		ps.all = true;
	/* fmt_begin's rule for "the default table"; --size asks for its column. */
	ps.all_fields = ps.size || (format && *format && strcmp(format, "table") != 0);
	ps.eager = last < 0 && !ps.size;
	if (!(ps.c = cli_ctd(cli, &err)) || parse_filters(ps.c, &filter_args, &ps.pf, &err) < 0 ||
	    (!ps.quiet && fmt_begin(format, ps.size ? PS_DEFAULT_SIZE : PS_DEFAULT, ps_headers,
				    stdout, &f, &err) < 0) ||
	    ps_list(&ps, &err) < 0)
		goto fail;
	for (size_t i = 0; i < ps.n && (last < 0 || i < (size_t)last); i++) {
		if (ps.quiet)
			printf("%.*s\n", ps.no_trunc ? 64 : 12, ps.v[i].id);
		else if (fmt_row(f, ps_row(&ps, &ps.v[i]), &err) < 0)
			goto fail;
	}
	if (f && fmt_end(TAKE_PTR(f), &err) < 0)
		goto fail;
	goto out;
fail:
	rc = cmd_fail(cli, err);
out:
	strv_release(&filter_args);
	ps_release(&ps);
	return rc;
}
