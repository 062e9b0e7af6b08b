/* nerdc diff: the files a container changed in its snapshot (Docker's A/C/D lines). */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "base/strv.h"
#include "cli/opt.h"
#include "cmd/cmd.h"
#include "container/container.h"
#include "container/fsdiff.h"
#include "ctd/snapshots.h"
#include "base/banned.h"

/*
 * The mount points runc made for the spec's mounts (/proc, /dev, /etc/hosts, ...) are no
 * change of the container's own; Docker keeps them in a hidden init layer.
 */
static void
spec_mount_points(const CtdContainer *r, struct strv *out)
{
	json_t *spec, *mounts, *m;
	size_t i;

	if (!r->spec || !r->spec->value.len)
		return;
	spec = json_loadb((const char *)r->spec->value.data, r->spec->value.len, 0, NULL);
	mounts = json_object_get(spec, "mounts");
	json_array_foreach(mounts, i, m) {
		const char *d = json_string_value(json_object_get(m, "destination"));

		if (d)
			strv_push(out, d);
	}
	json_decref(spec);
}

struct changes {
	struct strv skip;	/* spec mount points */
	struct strv lines;	/* "K /path" */
};

static int
collect(void *arg, char kind, const char *path, struct err **errp)
{
	struct changes *ch = arg;

	(void)errp;
	if (kind != 'A' || !strv_contains(&ch->skip, path))
		strv_pushf(&ch->lines, "%c %s", kind, path);
	return 0;
}

static bool
has_prefix_dir(const char *s, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(s, dir, n) == 0 && s[n] == '/';
}

/* An added directory that only holds skipped mount points (runc made it for them). */
static bool
only_for_mounts(const struct changes *ch, size_t i)
{
	const char *dir = ch->lines.v[i] + 2;
	bool parent = false;

	if (ch->lines.v[i][0] != 'A')
		return false;
	for (size_t j = 0; j < ch->skip.n && !parent; j++)
		parent = has_prefix_dir(ch->skip.v[j], dir);
	for (size_t j = 0; parent && j < ch->lines.n; j++)
		if (has_prefix_dir(ch->lines.v[j] + 2, dir))
			return false;
	return parent;
}

CMD(container_diff)
{
	struct opt opts[] = { OPT_END() };
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(ctd_msg_freep) CtdContainer *rec = NULL;
	_cleanup_(ctd_msg_freep) CtdMounts *m = NULL;
	_cleanup_free_ char *upper = NULL;
	_cleanup_strv_ struct strv lowers = STRV_INIT;
	struct changes ch = { STRV_INIT, STRV_INIT };
	int rc = 0;
	struct ctd *c;

	argc = opt_parse(cli, opts, argc, argv, "diff CONTAINER",
			 "Inspect changes to files or directories on a container's filesystem", 1,
			 OPT_PARSE_MAX_ARGS(1));
	if (argc < 0)
		return opt_exit_code(argc);
	c = cli_ctd(cli, &err);
	if (!c || container_find(c, argv[0], &rec, &err) < 0)
		return cmd_fail(cli, err);
	if (!rec->snapshot_key || !*rec->snapshot_key) {
		err_set(&err, ERR_PRECONDITION, "container %s has no snapshot", argv[0]);
		return cmd_fail(cli, err);
	}
	if (ctd_snapshots_mounts(c, rec->snapshotter, rec->snapshot_key, &m, &err) < 0)
		return cmd_fail(cli, err);
	if (m->n_mounts != 1) {
		err_set(&err, ERR_UNIMPLEMENTED, "diff of %zu mounts: not implemented yet",
			m->n_mounts);
		return cmd_fail(cli, err);
	}
	spec_mount_points(rec, &ch.skip);
	if (container_diff_dirs(m->mounts[0]->type, m->mounts[0]->source, m->mounts[0]->options,
				m->mounts[0]->n_options, &upper, &lowers, &err) < 0 ||
	    container_diff_walk(upper, lowers.v, lowers.n, collect, &ch, &err) < 0) {
		rc = cmd_fail(cli, err);
		goto out;
	}
	for (size_t i = 0; i < ch.lines.n; i++)
		if (!only_for_mounts(&ch, i))
			printf("%s\n", ch.lines.v[i]);
	fflush(stdout);
out:
	strv_release(&ch.skip);
	strv_release(&ch.lines);
	return rc;
}
