/* Unit tests for src/net and src/store: CIDRs, subnet allocation, conflists, -p, volume names. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/xalloc.h"
#include "net/net.h"
#include "store/volume.h"
#include "base/banned.h"

static void
test_cidr(void **state)
{
	struct net_cidr a, b;
	char s[64];
	static const char *const bad[] = { "10.4.0.0", "10.4.0.0/33", "x/24", "10.4.0.0/", "10.4.0.0/2a", "fd00::/129", NULL };

	(void)state;
	assert_int_equal(net_cidr_parse("10.4.0.0/24", &a, NULL), 0);
	assert_int_equal(net_cidr_parse("10.4.0.128/25", &b, NULL), 0);
	assert_true(net_cidr_overlaps(&a, &b));
	assert_int_equal(net_cidr_parse("10.4.1.0/24", &b, NULL), 0);
	assert_false(net_cidr_overlaps(&a, &b));
	assert_true(net_cidr_contains(&a, "10.4.0.77"));
	assert_false(net_cidr_contains(&a, "10.4.1.1"));
	net_cidr_addr(&a, 1, s, sizeof(s));
	assert_string_equal(s, "10.4.0.1");
	net_cidr_addr(&a, -1, s, sizeof(s));
	assert_string_equal(s, "10.4.0.255");
	net_cidr_addr(&a, -2, s, sizeof(s));
	assert_string_equal(s, "10.4.0.254");
	assert_int_equal(net_cidr_parse("fd00:1::/64", &b, NULL), 0);
	assert_false(net_cidr_overlaps(&a, &b));
	net_cidr_addr(&b, 1, s, sizeof(s));
	assert_string_equal(s, "fd00:1::1");
	for (size_t i = 0; bad[i]; i++) {
		struct err *e = NULL;

		assert_int_equal(net_cidr_parse(bad[i], &a, &e), -1);
		assert_int_equal(e->kind, ERR_INVALID);
		err_free(e);
	}
	{
		struct err *e = NULL;

		assert_int_equal(net_cidr_check_network("10.4.1.1/24", &a, &e), -1);
		assert_string_equal(e->msg, "unexpected subnet \"10.4.1.1/24\", maybe you meant \"10.4.1.0/24\"?");
		err_free(e);
	}
}

static void
test_next_free(void **state)
{
	struct net_cidr used[3];
	char s[32];

	(void)state;
	assert_int_equal(net_next_free_subnet(NULL, 0, s, sizeof(s), NULL), 0);
	assert_string_equal(s, "10.4.1.0/24");
	net_cidr_parse("10.4.0.0/24", &used[0], NULL);
	net_cidr_parse("10.4.1.0/24", &used[1], NULL);
	net_cidr_parse("10.4.2.0/23", &used[2], NULL);
	assert_int_equal(net_next_free_subnet(used, 3, s, sizeof(s), NULL), 0);
	assert_string_equal(s, "10.4.4.0/24");
	net_cidr_parse("10.0.0.0/8", &used[0], NULL);
	assert_int_equal(net_next_free_subnet(used, 1, s, sizeof(s), NULL), -1);
}

static json_t *
build(const char *name, const char *driver, const char *subnet, const char *gw, const char *opt,
      bool internal, const char *used, struct err **e)
{
	struct net_create_opts o = NET_CREATE_OPTS_INIT;
	struct net_cidr u;
	char *names[] = { (char *)"network other", NULL };
	json_t *j;

	o.name = name;
	o.driver = driver;
	o.internal = internal;
	if (subnet)
		strv_push(&o.subnets, subnet);
	if (gw)
		strv_push(&o.gateways, gw);
	if (opt)
		strv_push(&o.options, opt);
	if (used)
		net_cidr_parse(used, &u, NULL);
	j = net_conflist_build(&o, &u, names, used ? 1 : 0, e);
	net_create_opts_release(&o);
	return j;
}

static void
test_conflist(void **state)
{
	struct err *e = NULL;
	json_t *j, *p;
	char id[65];

	(void)state;
	/* The default network as nerdctl writes it. */
	j = build("bridge", NULL, "10.4.0.0/24", NULL, NULL, false, NULL, NULL);
	assert_non_null(j);
	assert_string_equal(json_get_str(j, "cniVersion"), "1.0.0");
	p = json_object_get(j, "plugins");
	assert_int_equal(json_array_size(p), 4);
	assert_string_equal(json_get_str(json_array_get(p, 0), "bridge"), "nerdctl0");
	assert_string_equal(json_get_str(json_array_get(p, 1), "type"), "portmap");
	assert_string_equal(json_get_str(json_array_get(p, 2), "type"), "firewall");
	assert_string_equal(json_get_str(json_array_get(p, 3), "type"), "tuning");
	assert_true(json_is_true(json_object_get(json_array_get(p, 0), "isGateway")));
	assert_string_equal(json_get_str(json_array_get(json_array_get(json_object_get(json_object_get(json_array_get(p, 0), "ipam"), "ranges"), 0), 0), "gateway"), "10.4.0.1");
	assert_int_equal(net_network_id("bridge", id, NULL), 0);
	assert_string_equal(json_get_str(j, "nerdctlID"), id);
	json_decref(j);

	/* A user network: br-<id12>, next free subnet, mtu. */
	j = build("foo", "bridge", NULL, NULL, "mtu=1400", false, "10.4.1.0/24", NULL);
	assert_non_null(j);
	p = json_array_get(json_object_get(j, "plugins"), 0);
	assert_int_equal(net_network_id("foo", id, NULL), 0);
	assert_memory_equal(json_get_str(p, "bridge"), "br-", 3);
	assert_memory_equal(json_get_str(p, "bridge") + 3, id, 12);
	assert_int_equal(json_integer_value(json_object_get(p, "mtu")), 1400);
	assert_string_equal(json_get_str(json_array_get(json_array_get(json_object_get(json_object_get(p, "ipam"), "ranges"), 0), 0), "subnet"), "10.4.2.0/24");
	json_decref(j);

	/* Internal: no gateway, no masquerade, no portmap. */
	j = build("in", NULL, "10.9.0.0/24", NULL, "com.docker.network.bridge.name=br-x", true, NULL, NULL);
	p = json_object_get(j, "plugins");
	assert_int_equal(json_array_size(p), 3);
	assert_null(json_object_get(json_array_get(p, 0), "isGateway"));
	assert_string_equal(json_get_str(json_array_get(p, 0), "bridge"), "br-x");
	json_decref(j);

	/* Errors. */
	assert_null(build("x", "overlay", NULL, NULL, NULL, false, NULL, &e));
	assert_string_equal(e->msg, "unsupported cni driver \"overlay\"");
	err_clear(&e);
	assert_null(build("x", NULL, "10.4.1.0/24", NULL, NULL, false, "10.4.0.0/16", &e));
	assert_string_equal(e->msg, "subnet 10.4.1.0/24 overlaps with network other");
	err_clear(&e);
	assert_null(build("x", NULL, "10.5.0.0/24", "10.6.0.1", NULL, false, NULL, &e));
	assert_string_equal(e->msg, "no matching subnet for gateway 10.6.0.1");
	err_clear(&e);
	assert_null(build("x", NULL, "10.5.0.0/33", NULL, NULL, false, NULL, &e));
	assert_string_equal(e->msg, "invalid CIDR address: 10.5.0.0/33");
	err_clear(&e);
	assert_null(build("x", NULL, NULL, NULL, "foo=1", false, NULL, &e));
	assert_string_equal(e->msg, "unsupported \"bridge\" network option \"foo\"");
	err_clear(&e);
	assert_null(build("x", "macvlan", "10.7.0.0/24", NULL, "mode=vepa", false, NULL, &e));
	err_clear(&e);
	j = build("mv", "macvlan", "10.7.0.0/24", NULL, "parent=eth0", false, NULL, NULL);
	assert_string_equal(json_get_str(json_array_get(json_object_get(j, "plugins"), 0), "master"), "eth0");
	json_decref(j);
}

struct port_row {
	const char *spec;
	const char *want;	/* "ip|host|ctr|proto;..." or NULL for an error */
	const char *err;
};

static const struct port_row port_rows[] = {
	{ "80", "|0|80|tcp", NULL },
	{ "8080:80", "|8080|80|tcp", NULL },
	{ "127.0.0.1:8080:80/udp", "127.0.0.1|8080|80|udp", NULL },
	{ "127.0.0.1::80", "127.0.0.1|0|80|tcp", NULL },
	{ "[::1]:8080:80", "::1|8080|80|tcp", NULL },
	{ "8000-8001:80-81", "|8000|80|tcp;|8001|81|tcp", NULL },
	{ "8000-8010:80", "|8000-8010|80|tcp", NULL },
	{ "80/sctp", "|0|80|sctp", NULL },
	{ "abc", NULL, "invalid containerPort: abc" },
	{ "x:80", NULL, "invalid hostPort: x" },
	{ "80/foo", NULL, "invalid proto: foo" },
	{ "1.2.3:80:80", NULL, "invalid IP address: 1.2.3" },
	{ "8000-8002:80-81", NULL, "invalid ranges specified for container and host Ports: 80-81 and 8000-8002" },
	{ "70000", NULL, "invalid containerPort: 70000" },
};

static void
test_ports(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(port_rows); i++) {
		struct net_port *p = NULL;
		size_t n = 0;
		struct err *e = NULL;
		struct buf b = BUF_INIT;
		int r = net_port_parse(port_rows[i].spec, &p, &n, &e);

		if (!port_rows[i].want) {
			assert_int_equal(r, -1);
			assert_string_equal(e->msg, port_rows[i].err);
			err_free(e);
			continue;
		}
		assert_int_equal(r, 0);
		for (size_t k = 0; k < n; k++) {
			buf_addf(&b, "%s%s|%u", k ? ";" : "", p[k].host_ip, p[k].host_port);
			if (p[k].host_port_end)
				buf_addf(&b, "-%u", p[k].host_port_end);
			buf_addf(&b, "|%u|%s", p[k].container_port, p[k].proto);
		}
		assert_string_equal(b.data, port_rows[i].want);
		buf_release(&b);
		free(p);
	}
}

static void
test_ports_label(void **state)
{
	struct net_port *p = NULL, *q = NULL;
	size_t n = 0, m = 0;
	char *l;
	json_t *d;

	(void)state;
	assert_int_equal(net_port_parse("127.0.0.1:8080:80", &p, &n, NULL), 0);
	assert_int_equal(net_port_parse("9090:90/udp", &p, &n, NULL), 0);
	l = net_ports_label(p, n);
	assert_string_equal(l, "[{\"HostPort\":8080,\"ContainerPort\":80,\"Protocol\":\"tcp\",\"HostIP\":\"127.0.0.1\"},"
			       "{\"HostPort\":9090,\"ContainerPort\":90,\"Protocol\":\"udp\",\"HostIP\":\"0.0.0.0\"}]");
	assert_int_equal(net_ports_from_label(l, &q, &m, NULL), 0);
	assert_int_equal(m, 2);
	assert_memory_equal(p, q, 2 * sizeof(*p));
	d = net_ports_docker_json(p, n, NULL);
	assert_string_equal(json_get_str(json_array_get(json_object_get(d, "80/tcp"), 0), "HostPort"), "8080");
	json_decref(d);
	free(l);
	free(p);
	free(q);
}

static void
test_volume_names(void **state)
{
	static const char *const ok[] = { "ab", "a.b-c_d", "0x", "Vol1", NULL };
	static const char *const bad[] = { "a", "", "-ab", "a/b", "a b", "_x", NULL };
	struct err *e = NULL;

	(void)state;
	for (size_t i = 0; ok[i]; i++)
		assert_int_equal(volume_name_check(ok[i], NULL), 0);
	for (size_t i = 0; bad[i]; i++) {
		assert_int_equal(volume_name_check(bad[i], &e), -1);
		err_clear(&e);
	}
	volume_name_check("a", &e);
	assert_string_equal(e->msg, "volume name is too short, names should be at least two alphanumeric characters");
	err_clear(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_next_free),
		cmocka_unit_test(test_conflist),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_ports_label),
		cmocka_unit_test(test_volume_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
