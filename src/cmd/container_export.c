/* nerdc export: the container's filesystem (its snapshot, without mounts) as a tar. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/opt.h"
#include "cmd/cmd.h"
#include "container/container.h"
#include "container/copy.h"
#include "base/banned.h"

CMD(container_export)
{
	const char *output = NULL;
	struct opt opts[] = {
		OPT_STRING('o', "output", &output, "string",
			   "Write to a file, instead of STDOUT"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(ctd_msg_freep) CtdContainer *rec = NULL;
	struct cp_root root = CP_ROOT_INIT;
	struct ctd *c;
	int out = STDOUT_FILENO, rc;

	argc = opt_parse(cli, opts, argc, argv, "export [OPTIONS] CONTAINER",
			 "Export a container's filesystem as a tar archive", 1,
			 OPT_PARSE_MAX_ARGS(1));
	if (argc < 0)
		return opt_exit_code(argc);
	if (!output && isatty(STDOUT_FILENO)) {
		err_set(&err, ERR_INVALID,
			"cowardly refusing to save to a terminal. Use the -o flag or redirect");
		return cmd_fail(cli, err);
	}
	c = cli_ctd(cli, &err);
	if (!c || container_find(c, argv[0], &rec, &err) < 0 ||
	    cp_root_open(c, rec, true, true, &root, &err) < 0)
		return cmd_fail(cli, err);
	if (output) {
		out = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (out < 0) {
			err_sys(&err, errno, "open %s", output);
			cp_root_close(&root);
			return cmd_fail(cli, err);
		}
	}
	rc = cp_tar_out(root.fd, "", out, &err);
	if (output && close(out) < 0 && rc == 0)
		rc = err_sys(&err, errno, "close %s", output);
	cp_root_close(&root);
	if (rc < 0)
		return cmd_fail(cli, err);
	return 0;
}
