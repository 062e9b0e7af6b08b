/* nerdc volume create: a named (or anonymous) local volume; prints its name. */
#include <stdio.h>
#include <string.h>

#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/net_common.h"
#include "store/volume.h"
#include "base/banned.h"

CMD(volume_create)
{
	const char *driver = "local", *name_flag = NULL;
	_cleanup_strv_ struct strv labels = STRV_INIT, vopts = STRV_INIT;
	struct opt opts[] = {
		OPT_STRING('d', "driver", &driver, "string", "Specify volume driver name"),
		OPT_STRINGS(0, "label", &labels, "list", "Set metadata for a volume"),
		OPT_FULL(OPT_T_STRING, 0, "name", &name_flag, "string", "Specify volume name", NULL, OPT_HIDDEN, NULL),
		OPT_STRINGS('o', "opt", &vopts, "map", "Set driver specific options"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(net_ctx_release) struct net_ctx x;
	_cleanup_volume_ struct volume *v = NULL;
	const char *name;

	memset(&x, 0, sizeof(x));
	argc = opt_parse(cli, opts, argc, argv, "create [OPTIONS] [VOLUME]", "Create a volume", 0,
			 OPT_PARSE_MAX_ARGS(1));
	if (argc < 0)
		return opt_exit_code(argc);
	name = argc ? argv[0] : name_flag;
	if (argc && name_flag && strcmp(argv[0], name_flag) != 0) {
		err_set(&err, ERR_INVALID, "conflicting options: either specify --name or provide positional arg, not both");
		return cmd_fail(cli, err);
	}
	if (strcmp(driver, "local") != 0) {
		err_set(&err, ERR_UNIMPLEMENTED, "volume driver \"%s\": not implemented yet", driver);
		return cmd_fail(cli, err);
	}
	if (vopts.n) {
		err_set(&err, ERR_UNIMPLEMENTED, "volume create --opt: not implemented yet");
		return cmd_fail(cli, err);
	}
	if (net_ctx_init(cli, &x, &err) < 0 ||
	    volume_create(x.store, cli->g.ns, name, labels.v, &v, &err) < 0)
		return cmd_fail(cli, err);
	printf("%s\n", v->name);
	return 0;
}
