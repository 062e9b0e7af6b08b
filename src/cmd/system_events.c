/* nerdc events: containerd's event stream, printed as nerdctl does, with Docker-style filters. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>

#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/pbjson.h"
#include "cmd/prune_filter.h"
#include "cmd/util.h"
#include "container/container.h"
#include "ctd/events.h"
#include "base/banned.h"

enum filter_key { F_EVENT, F_TYPE, F_CONTAINER, F_NAMESPACE, F_N };

struct filters {
	struct strv v[F_N];	/* values per key: OR within a key, AND across keys */
};

static void
filters_release(struct filters *f)
{
	for (int i = 0; i < F_N; i++)
		strv_release(&f->v[i]);
}

static int
filters_parse(char *const *args, struct filters *f, struct err **errp)
{
	static const struct {
		const char *name;
		enum filter_key key;
	} keys[] = {
		{ "event", F_EVENT }, { "status", F_EVENT }, { "type", F_TYPE },
		{ "container", F_CONTAINER }, { "namespace", F_NAMESPACE },
	};

	for (size_t i = 0; args && args[i]; i++) {
		const char *eq = strchr(args[i], '=');
		size_t k;

		if (!eq || eq == args[i])
			return err_set(errp, ERR_INVALID, "bad format of filter (expected name=value)");
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (strlen(keys[k].name) == (size_t)(eq - args[i]) &&
			    !strncasecmp(keys[k].name, args[i], (size_t)(eq - args[i])))
				break;
		if (k == sizeof(keys) / sizeof(keys[0]))
			return err_set(errp, ERR_INVALID, "invalid filter '%.*s'",
				       (int)(eq - args[i]), args[i]);
		strv_push(&f->v[keys[k].key], eq + 1);
	}
	return 0;
}

/* Docker's object type for a containerd topic: /tasks/ and /containers/ are containers. */
static const char *
topic_type(const char *topic, char *tmp, size_t n)
{
	const char *p = topic[0] == '/' ? topic + 1 : topic;
	const char *slash = strchr(p, '/');
	size_t len = slash ? (size_t)(slash - p) : strlen(p);

	if (!strncmp(p, "tasks", len) || !strncmp(p, "containers", len))
		return "container";
	if (!strncmp(p, "images", len))
		return "image";
	if (!strncmp(p, "namespaces", len))
		return "namespace";
	snprintf(tmp, n, "%.*s", (int)len, p);
	return tmp;
}

/* Docker's action name for a topic ("/tasks/exit" of an init process is "die"). */
static const char *
topic_action(const char *topic, bool exec)
{
	static const struct {
		const char *topic, *action, *exec_action;
	} map[] = {
		{ "/containers/delete", "destroy", NULL },
		{ "/tasks/exit", "die", "exec_die" },
		{ "/tasks/oom", "oom", NULL },
		{ "/tasks/paused", "pause", NULL },
		{ "/tasks/resumed", "unpause", NULL },
		{ "/tasks/exec-added", "exec_create", NULL },
		{ "/tasks/exec-started", "exec_start", NULL },
	};
	const char *last = strrchr(topic, '/');

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i].topic, topic))
			return exec && map[i].exec_action ? map[i].exec_action : map[i].action;
	return last ? last + 1 : topic;
}

static bool
match_any(const struct strv *vals, const char *a, const char *b)
{
	if (!vals->n)
		return true;
	for (size_t i = 0; i < vals->n; i++)
		if ((a && !strcasecmp(vals->v[i], a)) || (b && !strcasecmp(vals->v[i], b)))
			return true;
	return false;
}

/*
 * container=X matches an ID prefix or a name. Names of containers made after we started are
 * looked up once per ID (names: "id=name" entries; the record is gone after destroy).
 */
static bool
match_container(struct ctd *c, const struct strv *vals, const char *id, struct strv *names)
{
	const char *name = NULL;
	size_t idlen;

	if (!vals->n)
		return true;
	if (!id || !*id)
		return false;
	for (size_t i = 0; i < vals->n; i++)
		if (!strncmp(id, vals->v[i], strlen(vals->v[i])))
			return true;
	idlen = strlen(id);
	for (size_t i = 0; i < names->n && !name; i++)
		if (!strncmp(names->v[i], id, idlen) && names->v[i][idlen] == '=')
			name = names->v[i] + idlen + 1;
	if (!name) {
		_cleanup_(ctd_msg_freep) CtdContainer *rec = NULL;
		_cleanup_err_ struct err *e = NULL;

		if (ctd_containers_get(c, id, &rec, &e) < 0)
			return false;
		strv_pushf(names, "%s=%s", id, container_name(rec));
		name = names->v[names->n - 1] + idlen + 1;
	}
	return *name && strv_contains(vals, name);
}

/* Go's time.Time.String() for UTC: "2006-01-02 15:04:05.999999999 +0000 UTC". */
static void
go_time_string(int64_t s, int32_t ns, char *out, size_t n)
{
	time_t t = (time_t)s;
	struct tm tm;
	char date[40], frac[16] = "";

	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
	if (ns > 0) {
		int len;

		snprintf(frac, sizeof(frac), ".%09d", ns);
		len = (int)strlen(frac);
		while (frac[len - 1] == '0')
			frac[--len] = '\0';
	}
	snprintf(out, n, "%s%s +0000 UTC", date, frac);
}

static void
on_signal(int sig)
{
	/* Every event is flushed as it is printed: nothing is lost by leaving now. */
	_exit(0);
}

/* A time within this of now counts as now (the command line took a moment to arrive). */
#define EVENTS_SLACK_NS 1000000000LL

/*
 * --since/--until as Docker's client reads them, then what containerd allows: it keeps no
 * event history, so a window that starts (or ends) in the past cannot be shown honestly.
 */
static int
parse_window(const char *since, const char *until, int64_t now, struct docker_time *s,
	     struct docker_time *u, struct err **errp)
{
	if ((since && docker_time_parse(since, now, s, errp) < 0) ||
	    (until && docker_time_parse(until, now, u, errp) < 0))
		return -1;
	if (since && until && s->ns > u->ns)
		return err_set(errp, ERR_INVALID,
			       "`since` time (%s) cannot be after `until` time (%s)", s->text,
			       u->text);
	if (since && s->ns < now - EVENTS_SLACK_NS)
		return err_set(errp, ERR_UNIMPLEMENTED,
			       "events --since in the past: containerd keeps no event history");
	if (until && u->ns < now - EVENTS_SLACK_NS)
		return err_set(errp, ERR_UNIMPLEMENTED,
			       "events --until in the past: containerd keeps no event history");
	return 0;
}

/* Ends the process (exit 0, as Docker at --until) when the clock reaches until_ns. */
static void
arm_until(int64_t until_ns, int64_t now)
{
	struct itimerval it = { 0 };
	int64_t left = until_ns - now;

	if (left < 1000)
		left = 1000;
	it.it_value.tv_sec = (time_t)(left / 1000000000LL);
	it.it_value.tv_usec = (suseconds_t)(left % 1000000000LL / 1000);
	signal(SIGALRM, on_signal);
	setitimer(ITIMER_REAL, &it, NULL);
}

CMD(events)
{
	const char *format = NULL, *since = NULL, *until = NULL;
	_cleanup_strv_ struct strv filter_args = STRV_INIT;
	struct opt opts[] = {
		OPT_STRINGS('f', "filter", &filter_args, "filter",
			    "Filter output based on conditions provided"),
		OPT_STRING(0, "format", &format, "string",
			   "Format the output using the given Go template"),
		OPT_STRING(0, "since", &since, "string", "Show all events created since timestamp"),
		OPT_STRING(0, "until", &until, "string", "Stream events until this timestamp"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(ctd_stream_freep) struct ctd_stream *sub = NULL;
	_cleanup_strv_ struct strv names = STRV_INIT;
	struct filters f = { 0 };
	struct docker_time t_since = { 0 }, t_until = { 0 };
	int64_t now = docker_time_now();
	struct ctd *c;
	int r = 0;

	argc = opt_parse(cli, opts, argc, argv, "events [OPTIONS]",
			 "Get real time events from the server", 0, OPT_PARSE_NO_ARGS);
	if (argc < 0)
		return opt_exit_code(argc);
	if (format && (!strcmp(format, "raw") || !strcmp(format, "table") ||
		       !strcmp(format, "wide"))) {
		err_set(&err, ERR_INVALID, "unsupported format: \"raw\", \"table\", and \"wide\"");
		return cmd_fail(cli, err);
	}
	if (parse_window(since, until, now, &t_since, &t_until, &err) < 0 ||
	    filters_parse(filter_args.v, &f, &err) < 0) {
		filters_release(&f);
		return cmd_fail(cli, err);
	}
	/* An until of (about) now: the window is empty. */
	if (until && t_until.ns <= now) {
		filters_release(&f);
		return 0;
	}
	c = cli_ctd(cli, &err);
	if (!c)
		goto fail;
	/* container=NAME: resolve names (and prefixes) that exist now to full IDs. */
	for (size_t i = 0; i < f.v[F_CONTAINER].n; i++) {
		_cleanup_(ctd_msg_freep) CtdContainer *rec = NULL;
		_cleanup_err_ struct err *e = NULL;

		if (container_find(c, f.v[F_CONTAINER].v[i], &rec, &e) == 0) {
			free(f.v[F_CONTAINER].v[i]);
			f.v[F_CONTAINER].v[i] = xstrdup(rec->id);
		}
	}
	if (ctd_events_subscribe(c, NULL, &sub, &err) < 0)
		goto fail;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (until)
		arm_until(t_until.ns, docker_time_now());
	for (;;) {
		_cleanup_(ctd_msg_freep) CtdEnvelope *env = NULL;
		_cleanup_json_ json_t *body = NULL;
		_cleanup_free_ char *event_text = NULL;
		ProtobufCMessage *ev = NULL;
		const char *cid = NULL, *eid = NULL;
		char ts[80], tbuf[64];
		const char *type, *action, *last;
		int64_t at;
		int got = ctd_events_recv(sub, &env, &err);

		if (got < 0)
			goto fail;
		if (got == 0)
			break;
		at = env->timestamp ? env->timestamp->seconds * 1000000000LL + env->timestamp->nanos
				    : 0;
		if (until && at > t_until.ns)
			break;
		if (since && at < t_since.ns)
			continue;
		if (env->event)
			ev = pbjson_unpack_event(env->event->type_url, env->event->value.data,
						 env->event->value.len);
		if (ev) {
			body = pbjson_from_message(ev);
			protobuf_c_message_free_unpacked(ev, NULL);
		} else if (env->event) {
			/* Unknown payloads print as Go prints a raw Any. */
			body = json_object();
			json_object_set_new(body, "type_url", json_string(env->event->type_url));
		} else {
			body = json_object();
		}
		cid = json_string_value(json_object_get(body, "container_id"));
		eid = json_string_value(json_object_get(body, "id"));
		if (!cid && !strncmp(env->topic, "/containers/", 12))
			cid = eid;
		type = topic_type(env->topic, tbuf, sizeof(tbuf));
		action = topic_action(env->topic, cid && eid && strcmp(cid, eid));
		last = strrchr(env->topic, '/');
		if (!match_any(&f.v[F_EVENT], action, last ? last + 1 : env->topic) ||
		    !match_any(&f.v[F_TYPE], type, NULL) ||
		    !match_any(&f.v[F_NAMESPACE], env->namespace_, NULL) ||
		    !match_container(c, &f.v[F_CONTAINER], cid, &names))
			continue;
		event_text = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);
		go_time_string(env->timestamp ? env->timestamp->seconds : 0,
			       env->timestamp ? env->timestamp->nanos : 0, ts, sizeof(ts));
		if (format) {
			_cleanup_json_ json_t *row = json_pack(
				"{s:s, s:s, s:s, s:s, s:s, s:s}", "Timestamp", ts, "ID", cid ? cid : "",
				"Namespace", env->namespace_ ? env->namespace_ : "", "Topic",
				env->topic, "Status",
				/* nerdctl's Status: "start" for topics naming it, else "unknown" */
				strstr(env->topic, "start") ? "start" : "unknown", "Event", event_text);

			if (cmd_print_template(format, 0, row, &err) < 0)
				goto fail;
		} else {
			printf("%s %s %s %s\n", ts, env->namespace_ ? env->namespace_ : "", env->topic,
			       event_text);
		}
		fflush(stdout);
	}
	filters_release(&f);
	return r;
fail:
	filters_release(&f);
	return cmd_fail(cli, err);
}
