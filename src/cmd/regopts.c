/* Registry client options from the global flags (hosts dirs, insecure registries). */
#include <string.h>

#include "cmd/regopts.h"
#include "base/banned.h"

int
cmd_reg_opts(struct cli *cli, struct reg_opts *ret, struct err **errp)
{
	if (cli_config(cli, errp) < 0)
		return -1;
	memset(ret, 0, sizeof(*ret));
	ret->hosts_dirs = cli->g.hosts_dir.n ? (const char *const *)cli->g.hosts_dir.v : NULL;
	ret->insecure = cli->g.insecure_registry;
	return 0;
}
