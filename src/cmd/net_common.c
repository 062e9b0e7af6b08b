/* Resolved paths for src/net and src/store, and small filter/prompt helpers. */
#include <stdio.h>
#include <string.h>

#include "base/xalloc.h"
#include "cmd/net_common.h"
#include "base/banned.h"

int
net_ctx_init(struct cli *cli, struct net_ctx *x, struct err **errp)
{
	memset(x, 0, sizeof(*x));
	if (cli_config(cli, errp) < 0 || cli_data_store(cli, &x->store, errp) < 0)
		return -1;
	x->env.cni_path = cli_cni_path(cli);
	x->env.netconf_path = cli->g.cni_netconfpath;
	x->env.data_store = x->store;
	x->env.data_root = cli->g.data_root;
	x->env.address = cli->g.address;
	x->env.ns = cli->g.ns;
	x->env.host_gateway_ip = cli->g.host_gateway_ip;
	return 0;
}

void
net_ctx_release(struct net_ctx *x)
{
	free(x->store);
	x->store = NULL;
}

bool
filter_label_match(char *const *labels_kv, const char *want)
{
	const char *eq = strchr(want, '=');
	size_t kl = eq ? (size_t)(eq - want) : strlen(want);

	for (size_t i = 0; labels_kv && labels_kv[i]; i++) {
		const char *l = labels_kv[i];

		if (strncmp(l, want, kl) != 0 || (l[kl] != '=' && l[kl] != '\0'))
			continue;
		if (!eq || strcmp(l[kl] ? l + kl + 1 : "", eq + 1) == 0)
			return true;
	}
	return false;
}

bool
cmd_confirm(const char *warning)
{
	char line[64];

	printf("%s\nAre you sure you want to continue? [y/N] ", warning);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return false;
	return line[0] == 'y' || line[0] == 'Y';
}
