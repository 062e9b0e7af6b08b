/* nerdc namespace ls: namespaces with their container, image and volume counts. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "base/buf.h"
#include "cli/format.h"
#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/util.h"
#include "ctd/containers.h"
#include "ctd/images.h"
#include "ctd/namespaces.h"
#include "base/banned.h"

static const struct fmt_header ns_headers[] = {
	{ "Name", "NAME" }, { "Containers", "CONTAINERS" }, { "Images", "IMAGES" },
	{ "Volumes", "VOLUMES" }, { "Labels", "LABELS" }, { NULL, NULL },
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "k=v,k2=v2", sorted, as nerdctl prints labels. */
static char *
labels_string(CtdNamespace *ns)
{
	_cleanup_strv_ struct strv kv = STRV_INIT;
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < ns->n_labels; i++)
		strv_pushf(&kv, "%s=%s", ns->labels[i]->key, ns->labels[i]->value);
	if (kv.n)
		qsort(kv.v, kv.n, sizeof(char *), cmp_str);
	for (size_t i = 0; i < kv.n; i++) {
		if (i)
			buf_addch(&b, ',');
		buf_adds(&b, kv.v[i]);
	}
	return buf_detach(&b, NULL);
}

/* Named volumes live in <data store>/volumes/<namespace>/<name>, as nerdctl keeps them. */
static int
count_volumes(const char *store, const char *ns)
{
	_cleanup_free_ char *dir = xasprintf("%s/volumes/%s", store, ns);
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && e->d_type == DT_DIR)
			n++;
	closedir(d);
	return n;
}

CMD(namespace_ls)
{
	bool quiet = false;
	const char *format = NULL;
	struct opt opts[] = {
		OPT_STRING(0, "format", &format, "string",
			   "Format the output using the given Go template, e.g, '{{json .}}'"),
		OPT_BOOL('q', "quiet", &quiet, "Only display namespace names"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(ctd_msg_freep) CtdNamespaceList *list = NULL;
	_cleanup_fmt_ struct fmt *f = NULL;
	_cleanup_free_ char *store = NULL;
	_cleanup_free_ char *saved_ns = NULL;
	struct ctd *c;
	int r = 0;

	argc = opt_parse(cli, opts, argc, argv, "ls [OPTIONS]",
			 "List containerd namespaces", 0, OPT_PARSE_NO_ARGS);
	if (argc < 0)
		return opt_exit_code(argc);
	c = cli_ctd(cli, &err);
	if (!c || ctd_namespaces_list(c, &list, &err) < 0)
		return cmd_fail(cli, err);
	if (quiet) {
		for (size_t i = 0; i < list->n_namespaces; i++)
			printf("%s\n", list->namespaces[i]->name);
		return 0;
	}
	if (cli_data_store(cli, &store, &err) < 0)
		return cmd_fail(cli, err);
	if (fmt_begin(format, "table {{.Name}}\t{{.Containers}}\t{{.Images}}\t{{.Volumes}}\t{{.Labels}}",
		      ns_headers, stdout, &f, &err) < 0)
		return cmd_fail(cli, err);
	saved_ns = xstrdup(ctd_namespace(c));
	for (size_t i = 0; i < list->n_namespaces; i++) {
		CtdNamespace *ns = list->namespaces[i];
		_cleanup_(ctd_msg_freep) CtdImageList *imgs = NULL;
		_cleanup_(ctd_msg_freep) CtdContainerList *ctrs = NULL;
		_cleanup_free_ char *labels = NULL;
		_cleanup_json_ json_t *row = NULL;

		/* Two List calls per namespace: containerd has no count RPC. */
		ctd_set_namespace(c, ns->name);
		if (ctd_containers_list(c, NULL, &ctrs, &err) < 0 ||
		    ctd_images_list(c, NULL, &imgs, &err) < 0) {
			r = cmd_fail(cli, err);
			break;
		}
		labels = labels_string(ns);
		row = json_pack("{s:s, s:I, s:I, s:i, s:s}", "Name", ns->name, "Containers",
				(json_int_t)ctrs->n_containers, "Images", (json_int_t)imgs->n_images,
				"Volumes", count_volumes(store, ns->name), "Labels", labels);
		if (fmt_row(f, row, &err) < 0) {
			r = cmd_fail(cli, err);
			break;
		}
	}
	ctd_set_namespace(c, saved_ns);
	if (fmt_end(TAKE_PTR(f), &err) < 0 && !r)
		r = cmd_fail(cli, err);
	return r;
}
