/* nerdc internal oci-hook EVENT: the createRuntime/postStop hook that attaches networks. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/net_common.h"
#include "base/banned.h"

CMD(internal_oci_hook)
{
	struct opt opts[] = {
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(net_ctx_release) struct net_ctx x;

	memset(&x, 0, sizeof(x));
	argc = opt_parse(cli, opts, argc, argv, "oci-hook EVENT", "OCI hook (internal)", 1,
			 OPT_PARSE_MAX_ARGS(1));
	if (argc < 0)
		return opt_exit_code(argc);
	/* runc shows the hook's stderr in its error: keep the message on one line. */
	if (net_ctx_init(cli, &x, &err) < 0 || net_oci_hook(&x.env, argv[0], STDIN_FILENO, &err) < 0)
		return cmd_fail(cli, err);
	return 0;
}
