/* The command tables (git's commands[] idea) and the dispatcher that walks them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "cli/opt.h"
#include "cmd/cmd.h"
#include "base/banned.h"

/* Docker's command set; entries without a function fail with "not implemented yet". */
static const struct cmd cmd_container[] = {
	{ "attach", cmd_container_attach, NULL, "Attach stdin, stdout, and stderr to a running container", NULL, 0 },
	{ "commit", cmd_container_commit, NULL, "Create a new image from a container's changes", NULL, 0 },
	{ "cp", cmd_container_cp, NULL, "Copy files/folders between a running container and the local filesystem", NULL, 0 },
	{ "create", cmd_create, NULL, "Create a new container", NULL, 0 },
	{ "diff", cmd_container_diff, NULL, "Inspect changes to files or directories on a container's filesystem", NULL, 0 },
	{ "exec", cmd_container_exec, NULL, "Run a command in a running container", NULL, 0 },
	{ "export", cmd_container_export, NULL, "Export a container's filesystem as a tar archive", NULL, 0 },
	{ "inspect", cmd_container_inspect, NULL, "Display detailed information on one or more containers", NULL, 0 },
	{ "kill", cmd_kill, NULL, "Kill one or more running containers", NULL, 0 },
	{ "logs", cmd_container_logs, NULL, "Fetch the logs of a container", NULL, 0 },
	{ "ls", cmd_ps, NULL, "List containers", "list,ps", 0 },
	{ "pause", cmd_pause, NULL, "Pause all processes within one or more containers", NULL, 0 },
	{ "port", cmd_port, NULL, "List port mappings or a specific mapping for the container", NULL, 0 },
	{ "prune", cmd_container_prune, NULL, "Remove all stopped containers", NULL, 0 },
	{ "rename", cmd_rename, NULL, "Rename a container", NULL, 0 },
	{ "restart", cmd_restart, NULL, "Restart one or more containers", NULL, 0 },
	{ "rm", cmd_rm, NULL, "Remove one or more containers", "remove", 0 },
	{ "run", cmd_run, NULL, "Run a command in a new container", NULL, 0 },
	{ "start", cmd_start, NULL, "Start one or more stopped containers", NULL, 0 },
	{ "stats", cmd_container_stats, NULL, "Display a live stream of container(s) resource usage statistics", NULL, 0 },
	{ "stop", cmd_stop, NULL, "Stop one or more running containers", NULL, 0 },
	{ "top", cmd_container_top, NULL, "Display the running processes of a container", NULL, 0 },
	{ "unpause", cmd_unpause, NULL, "Unpause all processes within one or more containers", NULL, 0 },
	{ "update", cmd_container_update, NULL, "Update configuration of one or more containers", NULL, 0 },
	{ "wait", cmd_wait, NULL, "Block until one or more containers stop, then print their exit codes", NULL, 0 },
	{ NULL },
};

static const struct cmd cmd_image[] = {
	{ "build", NULL, NULL, "Build an image from a Dockerfile", NULL, 0 },
	{ "history", cmd_image_history, NULL, "Show the history of an image", NULL, 0 },
	{ "import", cmd_image_import, NULL, "Import the contents from a tarball to create a filesystem image", NULL, 0 },
	{ "inspect", cmd_image_inspect, NULL, "Display detailed information on one or more images", NULL, 0 },
	{ "load", cmd_image_load, NULL, "Load an image from a tar archive or STDIN", NULL, 0 },
	{ "ls", cmd_image_ls, NULL, "List images", "list", 0 },
	{ "prune", cmd_image_prune, NULL, "Remove unused images", NULL, 0 },
	{ "pull", cmd_image_pull, NULL, "Pull an image from a registry", NULL, 0 },
	{ "push", cmd_image_push, NULL, "Push an image to a registry", NULL, 0 },
	{ "rm", cmd_image_rm, NULL, "Remove one or more images", "rmi,remove", 0 },
	{ "save", cmd_image_save, NULL, "Save one or more images to a tar archive (streamed to STDOUT by default)", NULL, 0 },
	{ "tag", cmd_image_tag, NULL, "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE", NULL, 0 },
	{ NULL },
};

static const struct cmd cmd_namespace[] = {
	{ "create", cmd_namespace_create, NULL, "Create a new namespace", NULL, 0 },
	{ "inspect", cmd_namespace_inspect, NULL, "Display detailed information on one or more namespaces", NULL, 0 },
	{ "ls", cmd_namespace_ls, NULL, "List containerd namespaces", "list", 0 },
	{ "remove", cmd_namespace_remove, NULL, "Remove one or more namespaces", "rm", 0 },
	{ "update", cmd_namespace_update, NULL, "Update labels for a namespace", NULL, 0 },
	{ NULL },
};

static const struct cmd cmd_network[] = {
	{ "create", cmd_network_create, NULL, "Create a network", NULL, 0 },
	{ "inspect", cmd_network_inspect, NULL, "Display detailed information on one or more networks", NULL, 0 },
	{ "ls", cmd_network_ls, NULL, "List networks", "list", 0 },
	{ "prune", cmd_network_prune, NULL, "Remove all unused networks", NULL, 0 },
	{ "rm", cmd_network_rm, NULL, "Remove one or more networks", "remove", 0 },
	{ NULL },
};

static const struct cmd cmd_volume[] = {
	{ "create", cmd_volume_create, NULL, "Create a volume", NULL, 0 },
	{ "inspect", cmd_volume_inspect, NULL, "Display detailed information on one or more volumes", NULL, 0 },
	{ "ls", cmd_volume_ls, NULL, "List volumes", "list", 0 },
	{ "prune", cmd_volume_prune, NULL, "Remove all unused local volumes", NULL, 0 },
	{ "rm", cmd_volume_rm, NULL, "Remove one or more volumes", "remove", 0 },
	{ NULL },
};

static const struct cmd cmd_internal[] = {
	{ "exit-hook", cmd_internal_exit_hook, NULL, "Exit hook", NULL, 0 },
	{ "oci-hook", cmd_internal_oci_hook, NULL, "OCI hook", NULL, 0 },
	{ NULL },
};

static const struct cmd cmd_system[] = {
	{ "events", cmd_events, NULL, "Get real time events from the server", NULL, 0 },
	{ "info", cmd_info, NULL, "Display system-wide information", NULL, 0 },
	{ "prune", NULL, NULL, "Remove unused data", NULL, 0 },
	{ NULL },
};

static const struct cmd cmd_completion[] = {
	{ "bash", cmd_completion_bash, NULL, "Generate the autocompletion script for bash", NULL, 0 },
	{ NULL },
};

const struct cmd cmd_root[] = {
	/* Management commands. */
	{ "completion", NULL, cmd_completion, "Generate the autocompletion script for the specified shell", NULL, CMD_GROUP_HELP },
	{ "container", NULL, cmd_container, "Manage containers", NULL, CMD_GROUP_HELP },
	{ "image", NULL, cmd_image, "Manage images", NULL, CMD_GROUP_HELP },
	{ "namespace", NULL, cmd_namespace, "Manage containerd namespaces", "ns", CMD_GROUP_HELP },
	{ "network", NULL, cmd_network, "Manage networks", NULL, CMD_GROUP_HELP },
	{ "system", NULL, cmd_system, "Manage containerd", NULL, CMD_GROUP_HELP },
	{ "volume", NULL, cmd_volume, "Manage volumes", NULL, CMD_GROUP_HELP },
	/* Shortcuts, as Docker has them. */
	{ "attach", cmd_container_attach, NULL, "Attach stdin, stdout, and stderr to a running container", NULL, 0 },
	{ "build", NULL, NULL, "Build an image from a Dockerfile", NULL, 0 },
	{ "commit", cmd_container_commit, NULL, "Create a new image from a container's changes", NULL, 0 },
	{ "compose", NULL, NULL, "Compose", NULL, 0 },
	{ "cp", cmd_container_cp, NULL, "Copy files/folders between a running container and the local filesystem", NULL, 0 },
	{ "create", cmd_create, NULL, "Create a new container", NULL, 0 },
	{ "diff", cmd_container_diff, NULL, "Inspect changes to files or directories on a container's filesystem", NULL, 0 },
	{ "events", cmd_events, NULL, "Get real time events from the server", NULL, 0 },
	{ "exec", cmd_container_exec, NULL, "Run a command in a running container", NULL, 0 },
	{ "export", cmd_container_export, NULL, "Export a container's filesystem as a tar archive", NULL, 0 },
	{ "history", cmd_image_history, NULL, "Show the history of an image", NULL, 0 },
	{ "images", cmd_image_ls, NULL, "List images", NULL, 0 },
	{ "import", cmd_image_import, NULL, "Import the contents from a tarball to create a filesystem image", NULL, 0 },
	{ "info", cmd_info, NULL, "Display system-wide information", NULL, 0 },
	{ "inspect", cmd_inspect, NULL, "Return low-level information on objects", NULL, 0 },
	{ "kill", cmd_kill, NULL, "Kill one or more running containers", NULL, 0 },
	{ "load", cmd_image_load, NULL, "Load an image from a tar archive or STDIN", NULL, 0 },
	{ "login", cmd_login, NULL, "Log in to a container registry", NULL, 0 },
	{ "logout", cmd_logout, NULL, "Log out from a container registry", NULL, 0 },
	{ "logs", cmd_container_logs, NULL, "Fetch the logs of a container", NULL, 0 },
	{ "pause", cmd_pause, NULL, "Pause all processes within one or more containers", NULL, 0 },
	{ "port", cmd_port, NULL, "List port mappings or a specific mapping for the container", NULL, 0 },
	{ "ps", cmd_ps, NULL, "List containers", NULL, 0 },
	{ "pull", cmd_image_pull, NULL, "Pull an image from a registry", NULL, 0 },
	{ "push", cmd_image_push, NULL, "Push an image to a registry", NULL, 0 },
	{ "rename", cmd_rename, NULL, "Rename a container", NULL, 0 },
	{ "restart", cmd_restart, NULL, "Restart one or more containers", NULL, 0 },
	{ "rm", cmd_rm, NULL, "Remove one or more containers", NULL, 0 },
	{ "rmi", cmd_image_rm, NULL, "Remove one or more images", NULL, 0 },
	{ "run", cmd_run, NULL, "Run a command in a new container", NULL, 0 },
	{ "save", cmd_image_save, NULL, "Save one or more images to a tar archive (streamed to STDOUT by default)", NULL, 0 },
	{ "start", cmd_start, NULL, "Start one or more stopped containers", NULL, 0 },
	{ "stats", cmd_container_stats, NULL, "Display a live stream of container(s) resource usage statistics", NULL, 0 },
	{ "stop", cmd_stop, NULL, "Stop one or more running containers", NULL, 0 },
	{ "tag", cmd_image_tag, NULL, "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE", NULL, 0 },
	{ "top", cmd_container_top, NULL, "Display the running processes of a container", NULL, 0 },
	{ "unpause", cmd_unpause, NULL, "Unpause all processes within one or more containers", NULL, 0 },
	{ "update", cmd_container_update, NULL, "Update configuration of one or more containers", NULL, 0 },
	{ "version", cmd_version, NULL, "Show the nerdc version information", NULL, 0 },
	{ "wait", cmd_wait, NULL, "Block until one or more containers stop, then print their exit codes", NULL, 0 },
	{ "internal", NULL, cmd_internal, "DO NOT EXECUTE MANUALLY", NULL, CMD_HIDDEN },
	{ "__complete", cmd_complete, NULL, "Completion candidates for the shell scripts", NULL, CMD_HIDDEN },
	{ NULL },
};

static int
name_matches(const struct cmd *c, const char *word)
{
	const char *a = c->aliases;
	size_t n = strlen(word);

	if (strcmp(c->name, word) == 0)
		return 1;
	while (a && *a) {
		const char *end = strchrnul(a, ',');

		if ((size_t)(end - a) == n && strncmp(a, word, n) == 0)
			return 1;
		a = *end ? end + 1 : end;
	}
	return 0;
}

static const struct cmd *
lookup(const struct cmd *table, const char *word)
{
	for (const struct cmd *c = table; c->name; c++)
		if (name_matches(c, word))
			return c;
	return NULL;
}

int
cmd_fail(struct cli *cli, struct err *err)
{
	cli_print_error(cli, err);
	return cli_exit_code(err);
}

static void
print_cmd_list(const struct cmd *table, unsigned want_group)
{
	for (const struct cmd *c = table; c->name; c++) {
		if (c->flags & CMD_HIDDEN || !c->fn == !c->sub)
			continue;
		if (!!(c->flags & CMD_GROUP_HELP) != !!want_group)
			continue;
		printf("  %-11s %s\n", c->name, c->summary);
	}
}

void
cmd_print_group_help(struct cli *cli, const struct cmd *table, const char *path,
		     const char *summary)
{
	int root = table == cmd_root;

	if (root) {
		printf("\nUsage:  %s [OPTIONS] COMMAND\n\n%s\n", path, summary);
		printf("\nManagement Commands:\n");
		print_cmd_list(table, 1);
		printf("\nCommands:\n");
		print_cmd_list(table, 0);
		printf("\nGlobal Options:\n");
		opt_print_help_options(stdout, cli_global_options(cli));
		printf("\nRun '%s COMMAND --help' for more information on a command.\n", path);
		return;
	}
	printf("\nUsage:  %s COMMAND\n\n%s\n\nCommands:\n", path, summary);
	print_cmd_list(table, 0);
	printf("\nRun '%s COMMAND --help' for more information on a command.\n", path);
}

int
cmd_dispatch(struct cli *cli, const struct cmd *table, const char *path, int argc, char **argv)
{
	const struct cmd *c;
	_cleanup_free_ char *sub = NULL;

	c = lookup(table, argv[0]);
	if (!c) {
		fprintf(stderr, "%s: '%s' is not a %s command.\nSee '%s --help'\n", path, argv[0],
			cli->argv0, path);
		return EXIT_CLI_ERROR;
	}
	sub = xasprintf("%s %s", path, c->name);
	if (c->sub) {
		if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
		    strcmp(argv[1], "help") == 0) {
			cmd_print_group_help(cli, c->sub, sub, c->summary);
			return 0;
		}
		if (argv[1][0] == '-') {
			fprintf(stderr, "unknown flag: %s\nSee '%s --help'.\n", argv[1], sub);
			return EXIT_CLI_ERROR;
		}
		return cmd_dispatch(cli, c->sub, sub, argc - 1, argv + 1);
	}
	free(cli->cmd_path);
	cli->cmd_path = TAKE_PTR(sub);
	free(cli->cmd_aliases);
	cli->cmd_aliases = NULL;
	if (c->aliases && table != cmd_root) {
		struct buf b = BUF_INIT;

		buf_adds(&b, c->name);
		for (const char *p = c->aliases; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
			buf_adds(&b, ", ");
			buf_add(&b, p, (size_t)(strchrnul(p, ',') - p));
		}
		cli->cmd_aliases = buf_detach(&b, NULL);
	}
	if (!c->fn) {
		fprintf(stderr, "Error: \"%s\" is not implemented yet\n", cli->cmd_path);
		return 1;
	}
	return c->fn(cli, argc, argv);
}
