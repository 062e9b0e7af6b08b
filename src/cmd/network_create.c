/* nerdc network create: a CNI network in nerdctl's conflist layout; prints its ID. */
#include <stdio.h>
#include <string.h>

#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/net_common.h"
#include "base/banned.h"

CMD(network_create)
{
	_cleanup_(net_create_opts_release) struct net_create_opts o = NET_CREATE_OPTS_INIT;
	const char *driver = "bridge", *ipam = "default";
	struct opt opts[] = {
		OPT_STRING('d', "driver", &driver, "string", "Driver to manage the Network (\"bridge\"|\"macvlan\"|\"ipvlan\")"),
		OPT_STRINGS('o', "opt", &o.options, "map", "Set driver specific options"),
		OPT_STRING(0, "ipam-driver", &ipam, "string", "IP Address Management Driver"),
		OPT_STRINGS(0, "subnet", &o.subnets, "strings", "Subnet in CIDR format that represents a network segment, e.g. \"10.5.0.0/16\""),
		OPT_STRINGS(0, "gateway", &o.gateways, "strings", "Gateway for the master subnet"),
		OPT_STRINGS(0, "ip-range", &o.ip_ranges, "strings", "Allocate container ip from a sub-range"),
		OPT_STRINGS(0, "label", &o.labels, "list", "Set metadata for a network"),
		OPT_BOOL(0, "internal", &o.internal, "Restrict external access to the network"),
		OPT_BOOL(0, "ipv6", &o.ipv6, "Enable IPv6 networking"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(net_ctx_release) struct net_ctx x;
	_cleanup_net_network_ struct net_network *n = NULL;

	memset(&x, 0, sizeof(x));
	argc = opt_parse(cli, opts, argc, argv, "create [OPTIONS] NETWORK", "Create a network", 1,
			 OPT_PARSE_MAX_ARGS(1));
	if (argc < 0)
		return opt_exit_code(argc);
	if (strcmp(ipam, "default") != 0 && strcmp(ipam, "host-local") != 0) {
		err_set(&err, ERR_UNIMPLEMENTED, "ipam driver \"%s\": not implemented yet", ipam);
		return cmd_fail(cli, err);
	}
	o.name = argv[0];
	o.driver = driver;
	if (net_ctx_init(cli, &x, &err) < 0 || net_network_create(&x.env, &o, &n, &err) < 0)
		return cmd_fail(cli, err);
	printf("%s\n", n->id);
	return 0;
}
