/* nerdc network rm and prune: remove networks no container uses. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/net_common.h"
#include "cmd/prune_filter.h"
#include "base/banned.h"

/* Refuses with Docker's "has active endpoints" naming the containers. */
static int
remove_one(struct cli *cli, struct net_ctx *x, struct net_network *n, struct err **errp)
{
	_cleanup_strv_ struct strv users = STRV_INIT;
	struct ctd *c;

	if (!n->file || net_network_is_default(n))
		return err_set(errp, ERR_PRECONDITION, "%s is a pre-defined network and cannot be removed", n->name);
	c = cli_ctd(cli, errp);
	if (!c || net_network_users(c, n, &users, errp) < 0)
		return -1;
	if (users.n) {
		_cleanup_buf_ struct buf b = BUF_INIT;

		for (size_t i = 0; i < users.n; i++)
			buf_addf(&b, "%s(name:\"%s\")", i ? " " : "", users.v[i]);
		return err_set(errp, ERR_PRECONDITION, "error while removing network: network %s id %.12s has active endpoints %s",
			       n->name, n->id ? n->id : "", b.data);
	}
	return net_network_remove(&x->env, n, errp);
}

CMD(network_rm)
{
	struct opt opts[] = {
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(net_ctx_release) struct net_ctx x;
	int r = 0;

	memset(&x, 0, sizeof(x));
	argc = opt_parse(cli, opts, argc, argv, "rm NETWORK [NETWORK...]",
			 "Remove one or more networks", 1, 0);
	if (argc < 0)
		return opt_exit_code(argc);
	if (net_ctx_init(cli, &x, &err) < 0)
		return cmd_fail(cli, err);
	for (int i = 0; i < argc; i++) {
		_cleanup_net_network_ struct net_network *n = NULL;
		_cleanup_err_ struct err *e = NULL;

		if (net_network_get(&x.env, argv[i], &n, &e) < 0 || remove_one(cli, &x, n, &e) < 0) {
			r = cmd_fail(cli, e);
			continue;
		}
		printf("%s\n", argv[i]);
	}
	return r;
}

static const char *
network_label(const void *obj, const char *key)
{
	const struct net_network *n = obj;
	size_t len = strlen(key);

	for (size_t i = 0; i < n->labels.n; i++)
		if (!strncmp(n->labels.v[i], key, len) && n->labels.v[i][len] == '=')
			return n->labels.v[i] + len + 1;
	return NULL;
}

/* A network's creation time is its conflist's (network inspect's Created). */
static int64_t
network_created_ns(const struct net_network *n)
{
	struct stat st;

	if (!n->file || stat(n->file, &st) < 0)
		return 0;
	return (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
}

CMD(network_prune)
{
	bool force = false;
	_cleanup_strv_ struct strv filters = STRV_INIT;
	struct opt opts[] = {
		OPT_CALLBACK(0, "filter", &filters, "filter",
			     "Provide filter values (e.g. 'until=<timestamp>')", prune_filter_opt),
		OPT_BOOL('f', "force", &force, "Do not prompt for confirmation"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(net_ctx_release) struct net_ctx x;
	struct net_network **l = NULL;
	_cleanup_(prune_filter_release) struct prune_filter pf = PRUNE_FILTER_INIT;
	bool header = false;
	int r = 0;

	memset(&x, 0, sizeof(x));
	argc = opt_parse(cli, opts, argc, argv, "prune [OPTIONS]", "Remove all unused networks", 0,
			 OPT_PARSE_NO_ARGS);
	if (argc < 0)
		return opt_exit_code(argc);
	if (prune_filter_parse(&filters, PRUNE_UNTIL | PRUNE_LABEL, &pf, &err) < 0)
		return cmd_fail(cli, err);
	if (!force && !cmd_confirm("WARNING! This will remove all custom networks not used by at least one container."))
		return 0;
	if (net_ctx_init(cli, &x, &err) < 0 || net_network_list(&x.env, false, &l, &err) < 0)
		return cmd_fail(cli, err);
	for (size_t i = 0; l[i]; i++) {
		_cleanup_err_ struct err *e = NULL;
		_cleanup_strv_ struct strv users = STRV_INIT;
		struct ctd *c;

		/* Only networks nerdc/nerdctl made (nerdctlID), never the default one. */
		if (!l[i]->id || net_network_is_default(l[i]) ||
		    !prune_filter_match(&pf, network_created_ns(l[i]), network_label, l[i]))
			continue;
		c = cli_ctd(cli, &e);
		if (!c || net_network_users(c, l[i], &users, &e) < 0) {
			r = cmd_fail(cli, e);
			break;
		}
		if (users.n)
			continue;
		if (net_network_remove(&x.env, l[i], &e) < 0) {
			r = cmd_fail(cli, e);
			continue;
		}
		if (!header)
			printf("Deleted Networks:\n");
		header = true;
		printf("%s\n", l[i]->name);
	}
	net_network_list_free(l);
	return r;
}
