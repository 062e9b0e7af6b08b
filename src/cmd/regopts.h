/* Registry client options taken from the resolved global flags, shared by login and push. */
#pragma once

#include "cli/cli.h"
#include "registry/client.h"

/*
 * Fills *ret from cli->g (--hosts-dir, --insecure-registry) after cli_config; the pointers
 * are borrowed from cli. ERR_INVALID for a malformed nerdctl.toml.
 */
int cmd_reg_opts(struct cli *cli, struct reg_opts *ret, struct err **errp);
