/* nerdc's entry point: leading global flags, command lookup, exit code. */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "cli/opt.h"
#include "cmd/cmd.h"
#include "container/restart.h"
#include "logging/logging.h"
#include "base/banned.h"

#define ROOT_SUMMARY "A Docker-compatible CLI for containerd, in C"

int
main(int argc, char **argv)
{
	struct cli cli;
	_cleanup_err_ struct err *err = NULL;
	int consumed = 0;
	int r;

	/* containerd starts us as a task's logging process (binary:// log URI), as nerdctl. */
	if (argc == 3 && strcmp(argv[1], LOGGING_MAGIC_ARGV1) == 0)
		return logging_main(argv[2], container_logger_exit);
	cli_init(&cli, "nerdc");
	if (argc > 1 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-v") == 0)) {
		printf("nerdc version %s\n", NERDC_VERSION);
		r = 0;
		goto out;
	}
	r = opt_parse_globals(cli_global_options(&cli), argc - 1, argv + 1, &consumed, &err);
	if (r == OPT_HELP) {
		cmd_print_group_help(&cli, cmd_root, "nerdc", ROOT_SUMMARY);
		r = 0;
		goto out;
	}
	if (r < 0) {
		fprintf(stderr, "%s\nSee 'nerdc --help'.\n", err->msg);
		r = EXIT_CLI_ERROR;
		goto out;
	}
	if (cli.f.debug || cli.f.debug_full)
		log_debug_enabled = 1;
	argc -= 1 + consumed;
	argv += 1 + consumed;
	if (argc == 0) {
		cmd_print_group_help(&cli, cmd_root, "nerdc", ROOT_SUMMARY);
		r = 0;
		goto out;
	}
	if (strcmp(argv[0], "help") == 0) {
		/* "nerdc help CMD [SUB]" is "nerdc CMD [SUB] --help". */
		char *hv[8];
		int n = 0;

		if (argc == 1 || argc > 6) {
			cmd_print_group_help(&cli, cmd_root, "nerdc", ROOT_SUMMARY);
			r = 0;
			goto out;
		}
		for (int i = 1; i < argc; i++)
			hv[n++] = argv[i];
		hv[n++] = (char *)"--help";
		hv[n] = NULL;
		r = cmd_dispatch(&cli, cmd_root, "nerdc", n, hv);
		goto out;
	}
	r = cmd_dispatch(&cli, cmd_root, "nerdc", argc, argv);
out:
	fflush(stdout);
	cli_release(&cli);
	return r;
}
