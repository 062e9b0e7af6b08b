/* Glue between the CLI and src/net, src/store: the resolved paths they need. */
#pragma once

#include <stdbool.h>

#include "cli/cli.h"
#include "net/net.h"

/* Paths net and store need, from cli->g (cli_config done here). Release with net_ctx_release. */
struct net_ctx {
	struct net_env env;
	char *store;		/* cli_data_store() */
};
int net_ctx_init(struct cli *cli, struct net_ctx *x, struct err **errp);
void net_ctx_release(struct net_ctx *x);

/* "key=value" filter helpers shared by network/volume ls and prune. */
bool filter_label_match(char *const *labels_kv, const char *want);
/* Docker's y/N prompt on stdin; true when answered y/Y. */
bool cmd_confirm(const char *warning);
