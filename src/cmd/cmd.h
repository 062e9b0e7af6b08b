/* Command entry points and the tables that dispatch to them (commands.c). */
#pragma once

#include "cli/cli.h"

typedef int (*cmd_fn)(struct cli *cli, int argc, char **argv);

enum {
	CMD_HIDDEN = 1 << 0,	/* not listed in help */
	CMD_GROUP_HELP = 1 << 1,	/* a management command: listed under "Management Commands" */
};

struct cmd {
	const char *name;
	cmd_fn fn;		/* NULL: not implemented yet (fails loudly) */
	const struct cmd *sub;	/* subcommands of a group, ended by { NULL } */
	const char *summary;
	const char *aliases;	/* other names, comma-separated: "ls,list,ps" */
	unsigned flags;
};

extern const struct cmd cmd_root[];

/*
 * Runs argv[0] (a command word) with its arguments: looks it up in table (groups recurse),
 * sets cli->cmd_path, and returns the process exit code.
 */
int cmd_dispatch(struct cli *cli, const struct cmd *table, const char *path, int argc,
		 char **argv);
/* Prints the help of a group (or of the root when table is cmd_root) to stdout. */
void cmd_print_group_help(struct cli *cli, const struct cmd *table, const char *path,
			  const char *summary);

/* Prints err through cli_print_error and returns its exit code. */
int cmd_fail(struct cli *cli, struct err *err);

#define CMD(name) int cmd_##name(struct cli *cli, int argc, char **argv)
CMD(version);
CMD(info);
CMD(completion_bash);
CMD(complete);
CMD(namespace_ls);
CMD(namespace_create);
CMD(namespace_inspect);
CMD(namespace_remove);
CMD(namespace_update);
CMD(image_ls);
CMD(image_save);
CMD(image_load);
CMD(image_import);
CMD(image_inspect);
CMD(image_history);
CMD(image_prune);
CMD(image_pull);
CMD(image_push);
CMD(image_rm);
CMD(image_tag);
CMD(login);
CMD(logout);
CMD(container_logs);
CMD(events);
CMD(container_exec);
CMD(container_inspect);
CMD(inspect);
CMD(container_top);
CMD(container_attach);
CMD(container_update);
CMD(container_stats);
CMD(container_diff);
CMD(container_cp);
CMD(container_export);
CMD(container_commit);
CMD(network_create);
CMD(network_ls);
CMD(network_inspect);
CMD(network_rm);
CMD(network_prune);
CMD(volume_create);
CMD(volume_ls);
CMD(volume_inspect);
CMD(volume_rm);
CMD(volume_prune);
CMD(internal_exit_hook);
CMD(internal_oci_hook);
CMD(run);
CMD(create);
CMD(start);
CMD(stop);
CMD(restart);
CMD(kill);
CMD(rm);
CMD(ps);
CMD(wait);
CMD(pause);
CMD(unpause);
CMD(rename);
CMD(port);
CMD(container_prune);
