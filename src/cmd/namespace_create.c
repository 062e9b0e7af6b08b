/* nerdc namespace create: a new containerd namespace, with labels. */
#include <stdio.h>

#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/util.h"
#include "ctd/namespaces.h"
#include "base/banned.h"

CMD(namespace_create)
{
	_cleanup_strv_ struct strv labels = STRV_INIT;
	struct opt opts[] = {
		OPT_STRINGS(0, "label", &labels, "stringArray", "Set labels for a namespace"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	struct ctd *c;

	argc = opt_parse(cli, opts, argc, argv, "create NAMESPACE", "Create a new namespace",
			 1, OPT_PARSE_MAX_ARGS(1));
	if (argc < 0)
		return opt_exit_code(argc);
	if (cli_check_namespace(argv[0], &err) < 0)
		return cmd_fail(cli, err);
	c = cli_ctd(cli, &err);
	if (!c || ctd_namespaces_create(c, argv[0], labels.v, &err) < 0)
		return cmd_fail(cli, err);
	return 0;
}
