/* nerdc namespace remove: delete empty namespaces, printing each name removed. */
#include <stdio.h>

#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/util.h"
#include "ctd/namespaces.h"
#include "base/banned.h"

CMD(namespace_remove)
{
	bool cgroup = false;
	struct opt opts[] = {
		OPT_BOOL('c', "cgroup", &cgroup,
			 "delete the namespace's cgroup (not implemented yet)"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	struct ctd *c;
	int r = 0;

	argc = opt_parse(cli, opts, argc, argv, "remove [OPTIONS] NAMESPACE [NAMESPACE...]",
			 "Remove one or more namespaces", 1, 0);
	if (argc < 0)
		return opt_exit_code(argc);
	if (cgroup) {
		err_set(&err, ERR_UNIMPLEMENTED, "remove --cgroup: not implemented yet");
		return cmd_fail(cli, err);
	}
	c = cli_ctd(cli, &err);
	if (!c)
		return cmd_fail(cli, err);
	for (int i = 0; i < argc; i++) {
		_cleanup_err_ struct err *e = NULL;

		if (ctd_namespaces_delete(c, argv[i], &e) < 0) {
			err_wrap(&e, "%s", argv[i]);
			r = cmd_fail(cli, e);
			continue;
		}
		printf("%s\n", argv[i]);
	}
	return r;
}
