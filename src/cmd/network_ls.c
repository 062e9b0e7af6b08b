/* nerdc network ls: the CNI networks plus host and none, Docker's columns. */
#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "cli/format.h"
#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/net_common.h"
#include "base/banned.h"

static const struct fmt_header net_headers[] = {
	{ "ID", "NETWORK ID" }, { "Name", "NAME" }, { "Driver", "DRIVER" }, { "Scope", "SCOPE" },
	{ "Labels", "LABELS" }, { "IPv6", "IPV6" }, { "Internal", "INTERNAL" },
	{ "CreatedAt", "CREATED AT" }, { "File", "FILE" }, { NULL, NULL },
};

/* Docker's network filters: name (substring), id (prefix), label, driver; "type" custom/builtin. */
static int
matches(const struct net_network *n, const struct strv *filters, struct err **errp)
{
	for (size_t i = 0; i < filters->n; i++) {
		const char *f = filters->v[i], *eq = strchr(f, '=');
		const char *v = eq ? eq + 1 : "";
		size_t kl = eq ? (size_t)(eq - f) : strlen(f);

		if (kl == 4 && strncmp(f, "name", 4) == 0) {
			if (!strstr(n->name, v))
				return 0;
		} else if (kl == 2 && strncmp(f, "id", 2) == 0) {
			if (!n->id || strncmp(n->id, v, strlen(v)) != 0)
				return 0;
		} else if (kl == 5 && strncmp(f, "label", 5) == 0) {
			if (!filter_label_match(n->labels.v, v))
				return 0;
		} else if (kl == 6 && strncmp(f, "driver", 6) == 0) {
			if (strcmp(n->driver, v) != 0)
				return 0;
		} else if (kl == 4 && strncmp(f, "type", 4) == 0) {
			bool builtin = !n->file || net_network_is_default(n);

			if (strcmp(v, builtin ? "builtin" : "custom") != 0)
				return 0;
		} else {
			return err_set(errp, ERR_INVALID, "invalid filter '%.*s'", (int)kl, f);
		}
	}
	return 1;
}

CMD(network_ls)
{
	bool quiet = false, no_trunc = false;
	const char *format = NULL;
	_cleanup_strv_ struct strv filters = STRV_INIT;
	struct opt opts[] = {
		OPT_STRINGS('f', "filter", &filters, "filter", "Provide filter values (e.g. \"name=default\")"),
		OPT_STRING(0, "format", &format, "string", "Format the output using the given Go template, e.g, '{{json .}}'"),
		OPT_BOOL(0, "no-trunc", &no_trunc, "Do not truncate the output"),
		OPT_BOOL('q', "quiet", &quiet, "Only display network IDs"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(net_ctx_release) struct net_ctx x;
	_cleanup_fmt_ struct fmt *f = NULL;
	struct net_network **l = NULL;
	int r = 0;

	memset(&x, 0, sizeof(x));
	argc = opt_parse(cli, opts, argc, argv, "ls [OPTIONS]", "List networks", 0, OPT_PARSE_NO_ARGS);
	if (argc < 0)
		return opt_exit_code(argc);
	if (net_ctx_init(cli, &x, &err) < 0 || net_ensure_default(&x.env, &err) < 0 ||
	    net_network_list(&x.env, true, &l, &err) < 0)
		return cmd_fail(cli, err);
	if (!quiet && fmt_begin(format, "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}",
				net_headers, stdout, &f, &err) < 0) {
		net_network_list_free(l);
		return cmd_fail(cli, err);
	}
	for (size_t i = 0; l[i] && r == 0; i++) {
		struct net_network *n = l[i];
		_cleanup_json_ json_t *row = NULL;
		char id[65] = "";
		int m = matches(n, &filters, &err);

		if (m < 0) {
			r = cmd_fail(cli, err);
			break;
		}
		if (!m)
			continue;
		if (n->id)
			snprintf(id, sizeof(id), "%.*s", no_trunc ? 64 : 12, n->id);
		if (quiet) {
			if (*id)
				printf("%s\n", id);
			continue;
		}
		{
			struct buf lb = BUF_INIT;

			for (size_t k = 0; k < n->labels.n; k++) {
				if (k)
					buf_addch(&lb, ',');
				buf_adds(&lb, n->labels.v[k]);
			}
			row = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "ID", id,
					"Name", n->name, "Driver", n->driver, "Scope", "local",
					"Labels", lb.data, "IPv6", n->ipv6 ? "true" : "false",
					"Internal", n->internal ? "true" : "false", "CreatedAt", "",
					"File", n->file ? n->file : "");
			buf_release(&lb);
		}
		if (fmt_row(f, row, &err) < 0)
			r = cmd_fail(cli, err);
	}
	net_network_list_free(l);
	if (fmt_end(TAKE_PTR(f), &err) < 0 && !r)
		r = cmd_fail(cli, err);
	return r;
}
