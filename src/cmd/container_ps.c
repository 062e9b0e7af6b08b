/*
 * nerdc ps / container ls: one containers List and one tasks List per listing, whatever the
 * number of containers; the command comes from the spec's process.args without decoding the
 * whole spec.
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
#include "ctd/snapshots.h"
#include "base/banned.h"

static const struct fmt_header ps_headers[] = {
	{ "ID", "CONTAINER ID" }, { "Image", "IMAGE" }, { "Command", "COMMAND" },
	{ "CreatedAt", "CREATED AT" }, { "RunningFor", "CREATED" }, { "Ports", "PORTS" },
	{ "State", "STATE" }, { "Status", "STATUS" }, { "Size", "SIZE" }, { "Names", "NAMES" },
	{ "Labels", "LABELS" }, { "Mounts", "MOUNTS" }, { "Networks", "NETWORKS" },
	{ "LocalVolumes", "LOCAL VOLUMES" }, { "Platform", "PLATFORM" }, { NULL, NULL },
};

#define PS_DEFAULT "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"

/* End of the JSON value (array or string) starting at p, or NULL; strings honoured. */
static const char *
json_value_end(const char *p, const char *end)
{
	int depth = 0, in_str = 0;

	for (; p < end; p++) {
		if (in_str) {
			if (*p == '\\')
				p++;
			else if (*p == '"')
				in_str = 0;
			continue;
		}
		if (*p == '"')
			in_str = 1;
		else if (*p == '[' || *p == '{')
			depth++;
		else if ((*p == ']' || *p == '}') && --depth == 0)
			return p + 1;
	}
	return NULL;
}

/* process.args of a spec, joined by spaces (Docker's Command), without parsing the rest. */
static char *
spec_command(const CtdContainer *r)
{
	const char *data, *end, *p, *q;
	_cleanup_json_ json_t *args = NULL;
	_cleanup_buf_ struct buf b = BUF_INIT;
	size_t i;
	json_t *a;

	if (!r->spec || !r->spec->value.len)
		return xstrdup("");
	data = (const char *)r->spec->value.data;
	end = data + r->spec->value.len;
	p = memmem(data, r->spec->value.len, "\"process\":", 10);
	if (p)
		p = memmem(p, (size_t)(end - p), "\"args\":", 7);
	if (!p || !(p = memchr(p, '[', (size_t)(end - p))) || !(q = json_value_end(p, end)))
		return xstrdup("");
	args = json_loadb(p, (size_t)(q - p), 0, NULL);
	json_array_foreach(args, i, a) {
		if (i)
			buf_addch(&b, ' ');
		buf_adds(&b, json_string_value(a) ? json_string_value(a) : "");
	}
	return buf_detach(&b, NULL);
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
created_of(struct cmd_ctr *x, const char *ref, int64_t *ret, struct err **errp)
{
	_cleanup_(ctd_msg_freep) CtdContainer *r = NULL;

	if (container_find(x->env.c, ref, &r, errp) < 0)
		return -1;
	*ret = created_ns(r);
	return 0;
}

static int
parse_filters(struct cmd_ctr *x, const struct strv *in, struct ps_filters *f,
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
			if (created_of(x, v, &f->before, errp) < 0)
				return -1;
		} else if (KEY("since")) {
			if (created_of(x, v, &f->since, errp) < 0)
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
		at = container_exited_at(t);
		human_duration(now - at, d, sizeof(d));
		snprintf(out, n, "Exited (%u) %s ago", t->exit_status, d);
		return;
	default:
		snprintf(out, n, "Created");
	}
}

static int
cmp_created_desc(const void *a, const void *b)
{
	const CtdContainer *x = *(CtdContainer *const *)a, *y = *(CtdContainer *const *)b;
	int64_t tx = created_ns(x), ty = created_ns(y);

	return tx < ty ? 1 : tx > ty ? -1 : strcmp(x->id, y->id);
}

static const CtdProcess *
task_of(const CtdTaskList *tasks, const char *id)
{
	for (size_t j = 0; j < tasks->n_tasks; j++)
		if (strcmp(tasks->tasks[j]->id, id) == 0)
			return tasks->tasks[j];
	return NULL;
}

static json_t *
row_of(struct cmd_ctr *x, const CtdContainer *r, const CtdProcess *t, enum container_state s,
       bool no_trunc, bool size, int64_t now)
{
	_cleanup_free_ char *cmd = spec_command(r), *shown = NULL, *quoted = NULL;
	_cleanup_buf_ struct buf ports = BUF_INIT, labels = BUF_INIT;
	char status[96], ago[96], at[64], sz[64] = "";
	int64_t created = r->created_at ? r->created_at->seconds : 0;
	const char *nets = container_label(r, LABEL_NETWORKS);
	const char *platform = container_label(r, LABEL_PLATFORM);

	shown = no_trunc ? xstrdup(cmd) : ellipsis(cmd, 20);
	quoted = go_quote(shown);
	status_text(t, s, created, now, status, sizeof(status));
	human_ago(created, ago, sizeof(ago));
	created_at(created, at, sizeof(at));
	format_ports(container_label(r, LABEL_PORTS), &ports);
	for (size_t i = 0; i < r->n_labels; i++)
		buf_addf(&labels, "%s%s=%s", i ? "," : "", r->labels[i]->key, r->labels[i]->value);
	if (size) {
		int64_t bytes = 0;

		if (r->snapshot_key && *r->snapshot_key)
			ctd_snapshots_usage(x->env.c, r->snapshotter, r->snapshot_key, &bytes, NULL,
					    NULL);
		human_size((double)bytes, sz, sizeof(sz));
	}
	return json_pack("{s:s%, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
			 "s:s}",
			 "ID", r->id, no_trunc ? strlen(r->id) : strnlen(r->id, 12),
			 "Image", r->image ? r->image : "",
			 "Command", quoted, "CreatedAt", at, "RunningFor", ago, "Ports", ports.data,
			 "State", container_state_name(s), "Status", status, "Size", sz, "Names",
			 container_name(r), "Labels", labels.data, "Mounts", "", "Networks",
			 nets ? nets : "", "LocalVolumes", "0", "Platform",
			 platform ? platform : "");
}

CMD(ps)
{
	bool all = false, quiet = false, latest = false, no_trunc = false, size = false;
	int last = -1;
	const char *format = NULL;
	struct strv filter_args = STRV_INIT;
	struct opt opts[] = {
		OPT_BOOL('a', "all", &all, "Show all containers (default shows just running)"),
		OPT_STRINGS('f', "filter", &filter_args, "filter", "Filter output based on conditions provided"),
		OPT_STRING(0, "format", &format, "string", "Pretty-print containers using a Go template"),
		OPT_BOOL('l', "latest", &latest, "Show the latest created container (includes all states)"),
		OPT_INT_D('n', "last", &last, "Show n last created containers (includes all states)", "-1"),
		OPT_BOOL(0, "no-trunc", &no_trunc, "Don't truncate output"),
		OPT_BOOL('q', "quiet", &quiet, "Only display container IDs"),
		OPT_BOOL('s', "size", &size, "Display total file sizes"),
		OPT_END(),
	};
	struct ps_filters pf = { 0 };
	struct cmd_ctr x = { 0 };
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(ctd_msg_freep) CtdContainerList *l = NULL;
	_cleanup_(ctd_msg_freep) CtdTaskList *tasks = NULL;
	_cleanup_fmt_ struct fmt *f = NULL;
	int64_t now = (int64_t)time(NULL);
	int rc = 0, shown = 0;

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
		all = true;
	if (cmd_ctr_init(cli, &x, &err) < 0 || parse_filters(&x, &filter_args, &pf, &err) < 0 ||
	    ctd_containers_list(x.env.c, NULL, &l, &err) < 0 ||
	    ctd_tasks_list(x.env.c, NULL, &tasks, &err) < 0)
		goto fail;
	if (!quiet && fmt_begin(format, PS_DEFAULT, ps_headers, stdout, &f, &err) < 0)
		goto fail;
	if (l->n_containers)
		qsort(l->containers, l->n_containers, sizeof(l->containers[0]), cmp_created_desc);
	for (size_t i = 0; i < l->n_containers && (last < 0 || shown < last); i++) {
		const CtdContainer *r = l->containers[i];
		const CtdProcess *t = task_of(tasks, r->id);
		enum container_state s = container_state_of(t);
		_cleanup_json_ json_t *row = NULL;

		if (!all && s != CONTAINER_RUNNING && s != CONTAINER_PAUSED && !pf.status.n)
			continue;
		if (!filter_match(&pf, r, t, s))
			continue;
		shown++;
		if (quiet) {
			printf("%.*s\n", no_trunc ? 64 : 12, r->id);
			continue;
		}
		row = row_of(&x, r, t, s, no_trunc, size, now);
		if (fmt_row(f, row, &err) < 0)
			goto fail;
	}
	if (f && fmt_end(TAKE_PTR(f), &err) < 0)
		goto fail;
	goto out;
fail:
	rc = cmd_fail(cli, err);
out:
	strv_release(&filter_args);
	ps_filters_release(&pf);
	cmd_ctr_release(&x);
	return rc;
}
