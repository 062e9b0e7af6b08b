/* nerdc info: containerd's version, snapshotters and UUID, plus host facts (3 RPCs). */
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <jansson.h>

#include "base/buf.h"
#include "base/fs.h"
#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/util.h"
#include "ctd/ctd.h"
#include "ctd/introspection.h"
#include "ctd/version.h"
#include "base/banned.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

static const char info_tmpl[] =
	"Client:\n"
	" Namespace:\t{{.Namespace}}\n"
	" Debug Mode:\t{{.DebugMode}}\n"
	"\n"
	"Server:\n"
	" Server Version: {{.ServerVersion}}\n"
	" Storage Driver: {{.Driver}}\n"
	" Logging Driver: {{.LoggingDriver}}\n"
	" Cgroup Driver: {{.CgroupDriver}}\n"
	" Cgroup Version: {{.CgroupVersion}}\n"
	" Plugins:\n"
	"  Log: {{join .Plugins.Log \" \"}}\n"
	"  Storage: {{join .Plugins.Storage \" \"}}\n"
	" Security Options:\n"
	"{{range .SecurityOptions}}  {{.}}\n{{end}}"
	" Kernel Version: {{.KernelVersion}}\n"
	" Operating System: {{.OperatingSystem}}\n"
	" OSType: {{.OSType}}\n"
	" Architecture: {{.Architecture}}\n"
	" CPUs: {{.NCPU}}\n"
	" Total Memory: {{.MemTotalHuman}}\n"
	" Name: {{.Name}}\n"
	" ID: {{.ID}}\n"
	" Default Runtime: {{.DefaultRuntime}}\n"
	" Data Root: {{.DockerRootDir}}\n";

/* PRETTY_NAME from os-release, unquoted. */
static char *
os_name(void)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	char *p, *end;

	if (fs_read_file("/etc/os-release", 65536, &b, NULL) < 0 &&
	    fs_read_file("/usr/lib/os-release", 65536, &b, NULL) < 0)
		return xstrdup("Linux");
	p = strstr(b.data, "PRETTY_NAME=");
	if (!p || (p != b.data && p[-1] != '\n'))
		return xstrdup("Linux");
	p += strlen("PRETTY_NAME=");
	end = strchrnul(p, '\n');
	if (*p == '"' || *p == '\'') {
		p++;
		if (end > p && (end[-1] == '"' || end[-1] == '\''))
			end--;
	}
	return xstrndup(p, (size_t)(end - p));
}

static long long
mem_total(void)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	long long kb = 0;
	char *p;

	if (fs_read_file("/proc/meminfo", 1 << 20, &b, NULL) < 0)
		return 0;
	p = strstr(b.data, "MemTotal:");
	if (p && sscanf(p, "MemTotal: %lld kB", &kb) == 1)
		return kb * 1024;
	return 0;
}

static json_t *
security_options(bool rootless, bool cgroup2)
{
	json_t *a = json_array();
	struct stat st;
	_cleanup_buf_ struct buf b = BUF_INIT;

	if (stat("/sys/kernel/security/apparmor", &st) == 0)
		json_array_append_new(a, json_string("apparmor"));
	if (fs_read_file("/proc/self/status", 1 << 20, &b, NULL) == 0 &&
	    strstr(b.data, "\nSeccomp:")) {
		json_array_append_new(a, json_string("seccomp"));
		json_array_append_new(a, json_string(" Profile: default"));
	}
	if (cgroup2)
		json_array_append_new(a, json_string("cgroupns"));
	if (rootless)
		json_array_append_new(a, json_string("rootless"));
	return a;
}

CMD(info)
{
	const char *format = NULL;
	struct opt opts[] = {
		OPT_STRING('f', "format", &format, "string",
			   "Format the output using the given Go template, e.g, '{{json .}}'"),
		OPT_END(),
	};
	static char *const snap_filter[] = { (char *)"type==io.containerd.snapshotter.v1", NULL };
	_cleanup_err_ struct err *err = NULL;
	_cleanup_json_ json_t *data = NULL;
	_cleanup_free_ char *os = NULL;
	CtdVersion *ver = NULL;
	CtdPluginList *plugins = NULL;
	CtdServerInfo *server = NULL;
	struct utsname un;
	struct statfs sfs;
	json_t *snaps;
	bool cgroup2;
	char host[256] = "";
	char mem[32];
	struct ctd *c;
	int r = 0;

	argc = opt_parse(cli, opts, argc, argv, "info [OPTIONS]", "Display system-wide information",
			 0, OPT_PARSE_NO_ARGS);
	if (argc < 0)
		return opt_exit_code(argc);
	c = cli_ctd(cli, &err);
	if (!c)
		return cmd_fail(cli, err);
	if (ctd_version(c, &ver, &err) < 0 ||
	    ctd_introspection_plugins(c, snap_filter, &plugins, &err) < 0 ||
	    ctd_introspection_server(c, &server, &err) < 0) {
		r = cmd_fail(cli, err);
		goto out;
	}

	snaps = json_array();
	for (size_t i = 0; i < plugins->n_plugins; i++)
		if (!plugins->plugins[i]->init_err)
			json_array_append_new(snaps, json_string(plugins->plugins[i]->id));
	uname(&un);
	gethostname(host, sizeof(host) - 1);
	cgroup2 = statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
	os = os_name();
	bytes_size((double)mem_total(), mem, sizeof(mem));
	data = json_pack(
		"{s:s, s:b, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:[s], s:[s,s,s,s], s:o}, s:o,"
		" s:s, s:s, s:s, s:s, s:i, s:I, s:s, s:s, s:s, s:s, s:s, s:s}",
		"Namespace", cli->g.ns, "DebugMode", cli->g.debug, "ID", server->uuid,
		"ServerVersion", ver->version, "Driver", cli->g.snapshotter, "LoggingDriver",
		"json-file", "CgroupDriver", cli_cgroup_manager(cli), "CgroupVersion",
		cgroup2 ? "2" : "1", "Plugins", "Volume", "local", "Log", "fluentd", "journald",
		"json-file", "syslog", "Storage", snaps, "SecurityOptions",
		security_options(cli->g.rootless, cgroup2), "KernelVersion", un.release,
		"OperatingSystem", os, "OSType", "linux", "Architecture", un.machine, "NCPU",
		(int)sysconf(_SC_NPROCESSORS_ONLN), "MemTotal", (json_int_t)mem_total(),
		"MemTotalHuman", mem, "Name", host, "DefaultRuntime", "io.containerd.runc.v2",
		"DockerRootDir", cli->g.data_root, "ServerVersionRevision", ver->revision,
		"IndexServerAddress", "https://index.docker.io/v1/");
	if (cmd_print_template(format ? format : info_tmpl, 0, data, &err) < 0)
		r = cmd_fail(cli, err);
out:
	ctd_msg_free(ver);
	ctd_msg_free(plugins);
	ctd_msg_free(server);
	return r;
}
