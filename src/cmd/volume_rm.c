/* nerdc volume rm and prune: remove volumes no container references. */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/net_common.h"
#include "cmd/prune_filter.h"
#include "cmd/util.h"
#include "store/volume.h"
#include "base/banned.h"

CMD(volume_rm)
{
	bool force = false;
	struct opt opts[] = {
		OPT_BOOL('f', "force", &force, "Force the removal of one or more volumes"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(net_ctx_release) struct net_ctx x;
	struct ctd *c;
	int r = 0;

	memset(&x, 0, sizeof(x));
	argc = opt_parse(cli, opts, argc, argv, "rm [OPTIONS] VOLUME [VOLUME...]",
			 "Remove one or more volumes", 1, 0);
	if (argc < 0)
		return opt_exit_code(argc);
	if (net_ctx_init(cli, &x, &err) < 0 || !(c = cli_ctd(cli, &err)))
		return cmd_fail(cli, err);
	for (int i = 0; i < argc; i++) {
		_cleanup_volume_ struct volume *v = NULL;
		_cleanup_strv_ struct strv users = STRV_INIT;
		_cleanup_err_ struct err *e = NULL;

		if (volume_get(x.store, cli->g.ns, argv[i], &v, &e) < 0) {
			if (!(force && err_is(&e, ERR_NOT_FOUND)))
				r = cmd_fail(cli, e);
			continue;
		}
		if (volume_users(c, v->name, &users, &e) < 0) {
			r = cmd_fail(cli, e);
			continue;
		}
		if (users.n) {
			_cleanup_buf_ struct buf b = BUF_INIT;

			for (size_t k = 0; k < users.n; k++)
				buf_addf(&b, "%s%s", k ? ", " : "", users.v[k]);
			err_set(&e, ERR_PRECONDITION, "remove %s: volume is in use - [%s]", v->name, b.data);
			r = cmd_fail(cli, e);
			continue;
		}
		if (volume_remove(x.store, cli->g.ns, v->name, &e) < 0) {
			r = cmd_fail(cli, e);
			continue;
		}
		printf("%s\n", argv[i]);
	}
	return r;
}

static const char *
volume_label(const void *obj, const char *key)
{
	const struct volume *v = obj;

	return json_string_value(json_object_get(v->labels, key));
}

CMD(volume_prune)
{
	bool force = false, all = false;
	_cleanup_strv_ struct strv filters = STRV_INIT;
	struct opt opts[] = {
		OPT_BOOL('a', "all", &all, "Remove all unused volumes, not just anonymous ones"),
		OPT_CALLBACK(0, "filter", &filters, "filter",
			     "Provide filter values (e.g. 'label=<label>')", prune_filter_opt),
		OPT_BOOL('f', "force", &force, "Do not prompt for confirmation"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(net_ctx_release) struct net_ctx x;
	_cleanup_strv_ struct strv used = STRV_INIT;
	_cleanup_(prune_filter_release) struct prune_filter pf = PRUNE_FILTER_INIT;
	struct volume **l = NULL;
	struct ctd *c;
	long long total = 0;
	char human[32];
	bool header = false;
	int r = 0;

	memset(&x, 0, sizeof(x));
	argc = opt_parse(cli, opts, argc, argv, "prune [OPTIONS]", "Remove all unused local volumes",
			 0, OPT_PARSE_NO_ARGS);
	if (argc < 0)
		return opt_exit_code(argc);
	/* Docker 20.10's volume prune takes label filters only. */
	if (prune_filter_parse(&filters, PRUNE_LABEL, &pf, &err) < 0)
		return cmd_fail(cli, err);
	if (!force && !cmd_confirm(all ? "WARNING! This will remove all local volumes not used by at least one container."
				       : "WARNING! This will remove anonymous local volumes not used by at least one container."))
		return 0;
	if (net_ctx_init(cli, &x, &err) < 0 || !(c = cli_ctd(cli, &err)) ||
	    volume_used_names(c, &used, &err) < 0 || volume_list(x.store, cli->g.ns, &l, &err) < 0)
		return cmd_fail(cli, err);
	for (size_t i = 0; l[i]; i++) {
		_cleanup_err_ struct err *e = NULL;
		long long sz;

		if (strv_contains(&used, l[i]->name) || (!all && !l[i]->anonymous) ||
		    !prune_filter_match(&pf, 0, volume_label, l[i]))
			continue;
		sz = volume_size(l[i]);
		if (volume_remove(x.store, cli->g.ns, l[i]->name, &e) < 0) {
			r = cmd_fail(cli, e);
			continue;
		}
		if (!header)
			printf("Deleted Volumes:\n");
		header = true;
		printf("%s\n", l[i]->name);
		total += sz > 0 ? sz : 0;
	}
	volume_list_free(l);
	human_size((double)total, human, sizeof(human));
	printf("%sTotal reclaimed space: %s\n", header ? "\n" : "", human);
	return r;
}
