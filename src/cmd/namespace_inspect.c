/* nerdc namespace inspect: namespaces as JSON (or through -f). */
#include <stdio.h>
#include <jansson.h>

#include "cli/format.h"
#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/util.h"
#include "ctd/namespaces.h"
#include "base/banned.h"

CMD(namespace_inspect)
{
	const char *format = NULL;
	struct opt opts[] = {
		OPT_STRING('f', "format", &format, "string",
			   "Format the output using the given Go template, e.g, '{{json .}}'"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_json_ json_t *items = json_array();
	struct ctd *c;
	int r = 0;

	argc = opt_parse(cli, opts, argc, argv, "inspect NAMESPACE [NAMESPACE...]",
			 "Display detailed information on one or more namespaces", 1, 0);
	if (argc < 0)
		return opt_exit_code(argc);
	c = cli_ctd(cli, &err);
	if (!c)
		return cmd_fail(cli, err);
	for (int i = 0; i < argc; i++) {
		_cleanup_(ctd_msg_freep) CtdNamespace *ns = NULL;
		_cleanup_err_ struct err *e = NULL;
		json_t *labels;

		if (ctd_namespaces_get(c, argv[i], &ns, &e) < 0) {
			r = cmd_fail(cli, e);
			continue;
		}
		labels = json_object();
		for (size_t j = 0; j < ns->n_labels; j++)
			json_object_set_new(labels, ns->labels[j]->key,
					    json_string(ns->labels[j]->value));
		json_array_append_new(items, json_pack("{s:s, s:o}", "Name", ns->name, "Labels", labels));
	}
	if (json_array_size(items) || !r) {
		if (fmt_inspect(format, items, stdout, &err) < 0)
			return cmd_fail(cli, err);
	}
	return r;
}
