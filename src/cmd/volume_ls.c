/* nerdc volume ls (and inspect): Docker's columns, filters and JSON. */
#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "cli/format.h"
#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/net_common.h"
#include "cmd/util.h"
#include "store/volume.h"
#include "base/banned.h"

static const struct fmt_header vol_headers[] = {
	{ "Driver", "DRIVER" }, { "Name", "VOLUME NAME" }, { "Mountpoint", "MOUNTPOINT" },
	{ "Labels", "LABELS" }, { "Scope", "SCOPE" }, { "Size", "SIZE" },
	{ "CreatedAt", "CREATED AT" }, { "Links", "LINKS" }, { NULL, NULL },
};

static void
labels_kv(const struct volume *v, struct strv *out)
{
	const char *k;
	json_t *val;

	json_object_foreach(v->labels, k, val)
		strv_pushf(out, "%s=%s", k, json_is_string(val) ? json_string_value(val) : "");
}

/* name= (substring), label=, dangling=true|false, driver=local. */
static int
matches(const struct volume *v, const struct strv *filters, const struct strv *used,
	struct err **errp)
{
	for (size_t i = 0; i < filters->n; i++) {
		const char *f = filters->v[i], *eq = strchr(f, '=');
		const char *val = eq ? eq + 1 : "";
		size_t kl = eq ? (size_t)(eq - f) : strlen(f);

		if (kl == 4 && strncmp(f, "name", 4) == 0) {
			if (!strstr(v->name, val))
				return 0;
		} else if (kl == 5 && strncmp(f, "label", 5) == 0) {
			_cleanup_strv_ struct strv kv = STRV_INIT;

			labels_kv(v, &kv);
			if (!filter_label_match(kv.v, val))
				return 0;
		} else if (kl == 8 && strncmp(f, "dangling", 8) == 0) {
			bool want = strcmp(val, "true") == 0 || strcmp(val, "1") == 0;

			if (!want && strcmp(val, "false") != 0 && strcmp(val, "0") != 0)
				return err_set(errp, ERR_INVALID, "invalid filter 'dangling=%s'", val);
			if (want == strv_contains(used, v->name))
				return 0;
		} else if (kl == 6 && strncmp(f, "driver", 6) == 0) {
			if (strcmp(val, "local") != 0)
				return 0;
		} else {
			return err_set(errp, ERR_INVALID, "invalid filter '%.*s'", (int)kl, f);
		}
	}
	return 1;
}

CMD(volume_ls)
{
	bool quiet = false, size = false;
	const char *format = NULL;
	_cleanup_strv_ struct strv filters = STRV_INIT;
	_cleanup_strv_ struct strv used = STRV_INIT;
	struct opt opts[] = {
		OPT_STRINGS('f', "filter", &filters, "filter", "Provide filter values (e.g. 'dangling=true')"),
		OPT_STRING(0, "format", &format, "string", "Format the output using the given Go template, e.g, '{{json .}}'"),
		OPT_BOOL('q', "quiet", &quiet, "Only display volume names"),
		OPT_BOOL('s', "size", &size, "Display the disk usage of volumes. Can be slow with volumes having loads of directories."),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(net_ctx_release) struct net_ctx x;
	_cleanup_fmt_ struct fmt *f = NULL;
	struct volume **l = NULL;
	bool need_used = false;
	int r = 0;

	memset(&x, 0, sizeof(x));
	argc = opt_parse(cli, opts, argc, argv, "ls [OPTIONS]", "List volumes", 0, OPT_PARSE_NO_ARGS);
	if (argc < 0)
		return opt_exit_code(argc);
	for (size_t i = 0; i < filters.n; i++)
		need_used |= strncmp(filters.v[i], "dangling=", 9) == 0;
	if (net_ctx_init(cli, &x, &err) < 0)
		return cmd_fail(cli, err);
	if (need_used) {
		struct ctd *c = cli_ctd(cli, &err);

		if (!c || volume_used_names(c, &used, &err) < 0)
			return cmd_fail(cli, err);
	}
	if (volume_list(x.store, cli->g.ns, &l, &err) < 0)
		return cmd_fail(cli, err);
	if (!quiet && fmt_begin(format, size ? "table {{.Driver}}\t{{.Name}}\t{{.Size}}" : "table {{.Driver}}\t{{.Name}}",
				vol_headers, stdout, &f, &err) < 0) {
		volume_list_free(l);
		return cmd_fail(cli, err);
	}
	for (size_t i = 0; l[i]; i++) {
		_cleanup_json_ json_t *row = NULL;
		_cleanup_strv_ struct strv kv = STRV_INIT;
		struct buf lb = BUF_INIT;
		char sz[32] = "N/A";
		int m = matches(l[i], &filters, &used, &err);

		if (m < 0) {
			r = cmd_fail(cli, err);
			break;
		}
		if (!m)
			continue;
		if (quiet) {
			printf("%s\n", l[i]->name);
			continue;
		}
		labels_kv(l[i], &kv);
		for (size_t k = 0; k < kv.n; k++) {
			if (k)
				buf_addch(&lb, ',');
			buf_adds(&lb, kv.v[k]);
		}
		if (size || (format && strstr(format, ".Size")))
			human_size((double)volume_size(l[i]), sz, sizeof(sz));
		row = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "Driver", "local",
				"Name", l[i]->name, "Mountpoint", l[i]->mountpoint, "Labels", lb.data,
				"Scope", "local", "Size", sz, "CreatedAt", l[i]->created_at, "Links", "N/A");
		buf_release(&lb);
		if (fmt_row(f, row, &err) < 0) {
			r = cmd_fail(cli, err);
			break;
		}
	}
	volume_list_free(l);
	if (fmt_end(TAKE_PTR(f), &err) < 0 && !r)
		r = cmd_fail(cli, err);
	return r;
}

CMD(volume_inspect)
{
	const char *format = NULL;
	bool size = false;
	struct opt opts[] = {
		OPT_STRING('f', "format", &format, "string", "Format the output using the given Go template, e.g, '{{json .}}'"),
		OPT_BOOL('s', "size", &size, "Display the disk usage of the volume"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(net_ctx_release) struct net_ctx x;
	_cleanup_json_ json_t *items = json_array();
	int r = 0;

	memset(&x, 0, sizeof(x));
	argc = opt_parse(cli, opts, argc, argv, "inspect [OPTIONS] VOLUME [VOLUME...]",
			 "Display detailed information on one or more volumes", 1, 0);
	if (argc < 0)
		return opt_exit_code(argc);
	if (net_ctx_init(cli, &x, &err) < 0)
		return cmd_fail(cli, err);
	for (int i = 0; i < argc; i++) {
		_cleanup_volume_ struct volume *v = NULL;
		_cleanup_err_ struct err *e = NULL;
		json_t *j;

		if (volume_get(x.store, cli->g.ns, argv[i], &v, &e) < 0) {
			r = cmd_fail(cli, e);
			continue;
		}
		j = volume_inspect_json(v);
		if (size)
			json_object_set_new(j, "Size", json_integer(volume_size(v)));
		json_array_append_new(items, j);
	}
	if ((json_array_size(items) || !r) && fmt_inspect(format, items, stdout, &err) < 0)
		return cmd_fail(cli, err);
	return r;
}
