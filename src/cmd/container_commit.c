/* nerdc commit: a new image from a container's changes (see container/commit.h). */
#include <stdio.h>

#include <jansson.h>

#include "base/strv.h"
#include "cli/opt.h"
#include "cmd/cmd.h"
#include "container/commit.h"
#include "container/container.h"
#include "image/store.h"
#include "base/banned.h"

CMD(container_commit)
{
	const char *author = NULL, *message = NULL;
	bool pause = true;
	_cleanup_strv_ struct strv changes = STRV_INIT;
	struct opt opts[] = {
		OPT_STRING('a', "author", &author, "string",
			   "Author (e.g., \"John Hannibal Smith <hannibal@a-team.com>\")"),
		OPT_STRINGS('c', "change", &changes, "list",
			    "Apply Dockerfile instruction to the created image"),
		OPT_STRING('m', "message", &message, "string", "Commit message"),
		OPT_BOOL_D('p', "pause", &pause, "Pause container during commit", "true"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(ctd_msg_freep) CtdContainer *rec = NULL;
	_cleanup_free_ char *name = NULL;
	_cleanup_free_ char *id = NULL;
	json_t *conf = NULL;
	struct container_commit_opts o;
	struct ctd *c;
	int rc;

	argc = opt_parse(cli, opts, argc, argv, "commit [OPTIONS] CONTAINER [REPOSITORY[:TAG]]",
			 "Create a new image from a container's changes", 1, OPT_PARSE_MAX_ARGS(2));
	if (argc < 0)
		return opt_exit_code(argc);
	/* Without REPOSITORY: an untagged image (`images` shows <none>), as Docker's. */
	if (argc >= 2 && !(name = img_normalize_name(argv[1], &err)))
		return cmd_fail(cli, err);
	if (changes.n) {
		conf = json_object();
		for (size_t i = 0; i < changes.n; i++)
			if (container_commit_change(conf, changes.v[i], &err) < 0) {
				json_decref(conf);
				return cmd_fail(cli, err);
			}
	}
	o = (struct container_commit_opts){ name, author, message, pause, conf };
	c = cli_ctd(cli, &err);
	rc = !c || container_find(c, argv[0], &rec, &err) < 0 ||
	     container_commit(c, rec, &o, &id, &err) < 0;
	json_decref(conf);
	if (rc)
		return cmd_fail(cli, err);
	printf("%s\n", id);
	return 0;
}
