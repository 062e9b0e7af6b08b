/* nerdc namespace update: set a namespace's labels. */
#include <stdio.h>

#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/util.h"
#include "ctd/namespaces.h"
#include "base/banned.h"

CMD(namespace_update)
{
	_cleanup_strv_ struct strv labels = STRV_INIT;
	struct opt opts[] = {
		OPT_STRINGS(0, "label", &labels, "stringArray", "Set labels for a namespace"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	struct ctd *c;

	argc = opt_parse(cli, opts, argc, argv, "update [OPTIONS] NAMESPACE",
			 "Update labels for a namespace", 1, OPT_PARSE_MAX_ARGS(1));
	if (argc < 0)
		return opt_exit_code(argc);
	c = cli_ctd(cli, &err);
	if (!c)
		return cmd_fail(cli, err);
	if (labels.n && ctd_namespaces_update_labels(c, argv[0], labels.v, &err) < 0)
		return cmd_fail(cli, err);
	if (!labels.n) {
		/* Nothing to set: still report a namespace that does not exist. */
		_cleanup_(ctd_msg_freep) CtdNamespace *ns = NULL;
		if (ctd_namespaces_get(c, argv[0], &ns, &err) < 0)
			return cmd_fail(cli, err);
	}
	return 0;
}
