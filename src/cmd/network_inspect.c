/* nerdc network inspect: Docker's JSON for each network. */
#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "cli/format.h"
#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/net_common.h"
#include "base/banned.h"

CMD(network_inspect)
{
	const char *format = NULL;
	struct opt opts[] = {
		OPT_STRING('f', "format", &format, "string", "Format the output using the given Go template, e.g, '{{json .}}'"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(net_ctx_release) struct net_ctx x;
	_cleanup_json_ json_t *items = json_array();
	int r = 0;

	memset(&x, 0, sizeof(x));
	argc = opt_parse(cli, opts, argc, argv, "inspect [OPTIONS] NETWORK [NETWORK...]",
			 "Display detailed information on one or more networks", 1, 0);
	if (argc < 0)
		return opt_exit_code(argc);
	if (net_ctx_init(cli, &x, &err) < 0 || net_ensure_default(&x.env, &err) < 0)
		return cmd_fail(cli, err);
	for (int i = 0; i < argc; i++) {
		_cleanup_net_network_ struct net_network *n = NULL;
		_cleanup_err_ struct err *e = NULL;
		json_t *j, *ctrs = NULL;

		if (net_network_get(&x.env, argv[i], &n, &e) < 0) {
			r = cmd_fail(cli, e);
			continue;
		}
		j = net_network_inspect_json(n);
		if (net_network_containers(&x.env, n->name, &ctrs) == 0)
			json_object_set_new(j, "Containers", ctrs);
		json_array_append_new(items, j);
	}
	if (json_array_size(items) || !r) {
		if (fmt_inspect(format, items, stdout, &err) < 0)
			return cmd_fail(cli, err);
	}
	return r;
}
