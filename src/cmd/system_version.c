/* nerdc version: client build facts and the containerd server's version (one RPC). */
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "cli/format.h"
#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/util.h"
#include "gitcommit.h"
#include "ctd/ctd.h"
#include "ctd/version.h"
#include "base/banned.h"

static const char version_tmpl[] =
	"Client:\n"
	" Version:\t{{.Client.Version}}\n"
	" OS/Arch:\t{{.Client.Os}}/{{.Client.Arch}}\n"
	" Git commit:\t{{.Client.GitCommit}}\n"
	"{{if .Server}}\n"
	"Server:\n"
	"{{range .Server.Components}} {{.Name}}:\n"
	"  Version:\t{{.Version}}\n"
	"  GitCommit:\t{{.Details.GitCommit}}\n"
	"{{end}}{{end}}";

static json_t *
client_info(void)
{
	return json_pack("{s:s, s:s, s:s, s:s}", "Version", NERDC_VERSION, "GitCommit",
			 NERDC_GIT_COMMIT, "Os", "linux", "Arch", GO_ARCH);
}

CMD(version)
{
	const char *format = NULL;
	struct opt opts[] = {
		OPT_STRING('f', "format", &format, "string",
			   "Format the output using the given Go template, e.g, '{{json .}}'"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_err_ struct err *server_err = NULL;
	_cleanup_json_ json_t *data = NULL;
	struct ctd *c;

	argc = opt_parse(cli, opts, argc, argv, "version [OPTIONS]",
			 "Show the nerdc version information", 0, OPT_PARSE_NO_ARGS);
	if (argc < 0)
		return opt_exit_code(argc);

	data = json_pack("{s:o}", "Client", client_info());
	c = cli_ctd(cli, &server_err);
	if (c) {
		CtdVersion *v = NULL;

		if (ctd_version(c, &v, &server_err) == 0) {
			json_object_set_new(
				data, "Server",
				json_pack("{s:[{s:s, s:s, s:{s:s}}], s:s}", "Components", "Name",
					  "containerd", "Version", v->version, "Details",
					  "GitCommit", v->revision, "Version", v->version));
			ctd_msg_free(v);
		}
	}
	if (cmd_print_template(format ? format : version_tmpl, format ? 0 : 1, data, &err) < 0)
		return cmd_fail(cli, err);
	if (server_err)
		return cmd_fail(cli, server_err);
	return 0;
}
