/* nerdc rename and port: the name store and the nerdctl/ports label. */
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "base/json.h"
#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/container_common.h"
#include "container/labels.h"
#include "container/names.h"
#include "base/banned.h"

CMD(rename)
{
	struct opt opts[] = { OPT_END() };
	struct cmd_ctr x;
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(ctd_msg_freep) CtdContainer *r = NULL;
	const char *old;

	argc = opt_parse(cli, opts, argc, argv, "rename CONTAINER NEW_NAME", "Rename a container",
			 2, OPT_PARSE_MAX_ARGS(2));
	if (argc < 0)
		return opt_exit_code(argc);
	if (cmd_ctr_init(cli, &x, &err) < 0 || container_find(x.env.c, argv[0], &r, &err) < 0)
		goto fail;
	old = container_name(r);
	if (strcmp(old, argv[1]) == 0) {
		err_set(&err, ERR_INVALID, "Renaming a container with the same name as its current name");
		goto fail;
	}
	if (container_name_rename(x.store, x.env.ns, old, argv[1], r->id, container_alive,
				  x.env.c, &err) < 0)
		goto fail;
	if (container_set_label(&x.env, r->id, LABEL_NAME, argv[1], &err) < 0) {
		container_name_rename(x.store, x.env.ns, argv[1], old, r->id, NULL, NULL, NULL);
		goto fail;
	}
	cmd_ctr_release(&x);
	return 0;
fail:
	cmd_ctr_release(&x);
	return cmd_fail(cli, err);
}

CMD(port)
{
	struct opt opts[] = { OPT_END() };
	struct cmd_ctr x;
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(ctd_msg_freep) CtdContainer *r = NULL;
	_cleanup_json_ json_t *ports = NULL;
	const char *label;
	size_t i;
	json_t *p;
	bool found = false;

	argc = opt_parse(cli, opts, argc, argv, "port CONTAINER [PRIVATE_PORT[/PROTO]]",
			 "List port mappings or a specific mapping for the container", 1,
			 OPT_PARSE_MAX_ARGS(2));
	if (argc < 0)
		return opt_exit_code(argc);
	if (cmd_ctr_init(cli, &x, &err) < 0 || container_find(x.env.c, argv[0], &r, &err) < 0)
		goto fail;
	label = container_label(r, LABEL_PORTS);
	if (label && *label && !(ports = json_parse_strict(label, strlen(label), 1 << 20,
							    LABEL_PORTS, &err)))
		goto fail;
	json_array_foreach(ports, i, p) {
		json_int_t cport = json_integer_value(json_object_get(p, "ContainerPort"));
		json_int_t hport = json_integer_value(json_object_get(p, "HostPort"));
		const char *proto = json_get_str(p, "Protocol");
		const char *hip = json_get_str(p, "HostIP");
		char key[32];

		snprintf(key, sizeof(key), "%lld/%s", (long long)cport, proto ? proto : "tcp");
		if (argc == 2 && strcmp(argv[1], key) != 0 &&
		    !(strchr(argv[1], '/') == NULL && strncmp(key, argv[1], strlen(argv[1])) == 0 &&
		      key[strlen(argv[1])] == '/'))
			continue;
		found = true;
		if (argc == 2)
			printf("%s:%lld\n", hip && *hip ? hip : "0.0.0.0", (long long)hport);
		else
			printf("%s -> %s:%lld\n", key, hip && *hip ? hip : "0.0.0.0",
			       (long long)hport);
	}
	if (argc == 2 && !found) {
		err_set(&err, ERR_NOT_FOUND, "No public port '%s%s' published for %s", argv[1],
			strchr(argv[1], '/') ? "" : "/tcp", argv[0]);
		goto fail;
	}
	cmd_ctr_release(&x);
	return 0;
fail:
	cmd_ctr_release(&x);
	return cmd_fail(cli, err);
}
