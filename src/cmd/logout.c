/* nerdc logout: removes a registry's credentials from config.json or its helper. */
#include <stdio.h>

#include "cli/opt.h"
#include "cmd/cmd.h"
#include "image/login.h"
#include "registry/creds.h"
#include "base/banned.h"

CMD(logout)
{
	struct opt opts[] = { OPT_END() };
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(login_server_release) struct login_server srv = { 0 };

	argc = opt_parse(cli, opts, argc, argv, "logout [SERVER]",
			 "Log out from a container registry", 0, OPT_PARSE_MAX_ARGS(1));
	if (argc < 0)
		return opt_exit_code(argc);
	if (login_server_parse(argc ? argv[0] : NULL, &srv, &err) < 0)
		return cmd_fail(cli, err);
	if (reg_cred_erase(NULL, srv.domain, &err) < 0) {
		/* Docker: not an error, exit 0. */
		if (err->kind == ERR_NOT_FOUND) {
			printf("Not logged in to %s\n", srv.display);
			return 0;
		}
		return cmd_fail(cli, err);
	}
	printf("Removing login credentials for %s\n", srv.display);
	return 0;
}
