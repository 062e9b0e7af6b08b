/*
 * nerdc completion bash, and the hidden "__complete" command the script calls back: command
 * words come from the tables, flags from each command's own option table (opt_parse prints
 * them for --__complete-flags), namespace names from containerd.
 */
#include <stdio.h>
#include <string.h>

#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/util.h"
#include "base/banned.h"

static const char bash_script[] =
	"# bash completion for nerdc; load with: source <(nerdc completion bash)\n"
	"_nerdc_complete()\n"
	"{\n"
	"\tlocal cur=\"${COMP_WORDS[COMP_CWORD]}\"\n"
	"\tlocal IFS=$'\\n'\n"
	"\tlocal words=(\"${COMP_WORDS[@]:1:COMP_CWORD-1}\")\n"
	"\tCOMPREPLY=($(compgen -W \"$(\"${COMP_WORDS[0]}\" __complete \"${words[@]}\" -- \"$cur\" 2>/dev/null)\" -- \"$cur\"))\n"
	"}\n"
	"complete -o default -F _nerdc_complete nerdc\n";

CMD(completion_bash)
{
	struct opt opts[] = { OPT_END() };

	argc = opt_parse(cli, opts, argc, argv, "bash",
			 "Generate the autocompletion script for bash", 0, OPT_PARSE_NO_ARGS);
	if (argc < 0)
		return opt_exit_code(argc);
	fputs(bash_script, stdout);
	return 0;
}

static void
print_words(const struct cmd *table)
{
	for (const struct cmd *c = table; c->name; c++)
		if (!(c->flags & CMD_HIDDEN) && (c->fn || c->sub))
			printf("%s\n", c->name);
}

/* Global flags that take a value, so the word after them is not a command word. */
static int
global_takes_value(struct cli *cli, const char *w)
{
	const struct opt *o = cli_global_options(cli);

	if (w[0] != '-' || strchr(w, '='))
		return 0;
	for (; o->type != OPT_T_END; o++) {
		int match = (w[1] == '-' && o->long_name && strcmp(w + 2, o->long_name) == 0) ||
			    (w[1] != '-' && w[2] == '\0' && o->short_name == w[1]);
		if (match)
			return o->type != OPT_T_BOOL;
	}
	return 0;
}

/* argv: "__complete" WORD... "--" CUR */
int
cmd_complete(struct cli *cli, int argc, char **argv)
{
	const struct cmd *table = cmd_root;
	const struct cmd *leaf = NULL;
	const char *cur = argc > 1 ? argv[argc - 1] : "";
	const char *prev = NULL;
	int end = argc;

	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			end = i;
			break;
		}
	for (int i = 1; i < end; i++) {
		const char *w = argv[i];

		prev = w;
		if (w[0] == '-') {
			if (!leaf && global_takes_value(cli, w))
				i++, prev = NULL;
			continue;
		}
		if (leaf || !table)
			continue;
		for (const struct cmd *c = table; c->name; c++) {
			if (strcmp(c->name, w) != 0)
				continue;
			if (c->sub)
				table = c->sub;
			else
				leaf = c, table = NULL;
			break;
		}
	}
	if (prev && (strcmp(prev, "--namespace") == 0 || strcmp(prev, "-n") == 0) && !leaf) {
		char *nv[] = { (char *)"ls", (char *)"-q", NULL };
		return cmd_namespace_ls(cli, 2, nv);
	}
	if (cur[0] == '-') {
		if (leaf && leaf->fn) {
			char *fv[] = { (char *)leaf->name, (char *)"--__complete-flags", NULL };
			return leaf->fn(cli, 2, fv);
		}
		opt_print_flag_names(stdout, cli_global_options(cli));
		return 0;
	}
	if (table)
		print_words(table);
	return 0;
}
