/*
 * nerdc internal exit-hook ID: run (detached) once a container's task has exited with no CLI
 * waiting for it; applies --rm, or frees the container's network as Docker does at an exit
 * (the restart bookkeeping happens earlier, see restart.h).
 */
#include <stdio.h>
#include <string.h>

#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/container_common.h"
#include "container/labels.h"
#include "container/restart.h"
#include "base/banned.h"

CMD(internal_exit_hook)
{
	struct opt opts[] = {
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(ctd_msg_freep) CtdContainer *r = NULL;
	struct cmd_ctr x;
	uint32_t status = 0;	/* unused: --rm removes whatever the exit code */
	int rc = 0;

	argc = opt_parse(cli, opts, argc, argv, "exit-hook CONTAINER", "Exit hook (internal)", 1,
			 OPT_PARSE_MAX_ARGS(1));
	if (argc < 0)
		return opt_exit_code(argc);
	if (cmd_ctr_init(cli, &x, &err) < 0)
		return cmd_fail(cli, err);
	/* Gone already (rm), or no task (deleted): nothing happened that needs us. */
	if (ctd_tasks_wait(x.env.c, argv[0], NULL, &status, NULL, &err) < 0 ||
	    ctd_containers_get(x.env.c, argv[0], &r, &err) < 0) {
		if (!err_is(&err, ERR_NOT_FOUND))
			rc = cmd_fail(cli, err);
	} else {
		const char *auto_rm = container_label(r, LABEL_AUTO_REMOVE);

		if ((auto_rm && !strcmp(auto_rm, "true") ? container_auto_remove(&x.env, r, &err)
							 : container_net_after_exit(&x.env, r->id, &err)) < 0)
			rc = cmd_fail(cli, err);
	}
	cmd_ctr_release(&x);
	return rc;
}
