/* Linux capability names, the host's bounding set, and Docker's --cap-add/--cap-drop rules. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/xalloc.h"
#include "oci/internal.h"

#include "base/banned.h"

/* Kernel numbering (linux/capability.h), up to what runc 1.1 knows. */
static const char *const cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
	"CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
	"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
	"CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};

const char *const caps_docker_default[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
	"CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
	"CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE", NULL,
};

const char *
caps_name(int cap)
{
	if (cap < 0 || cap >= (int)ARRAY_SIZE(cap_names))
		return NULL;
	return cap_names[cap];
}

int
caps_known(void)
{
	return (int)ARRAY_SIZE(cap_names);
}

uint64_t
caps_host_bounding(const char *status_path)
{
	uint64_t all = (UINT64_C(1) << ARRAY_SIZE(cap_names)) - 1;
	_cleanup_fclose_ FILE *f = fopen(status_path ? status_path : "/proc/self/status", "re");
	char line[256];

	if (!f)
		return all;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v;

		if (strncmp(line, "CapBnd:", 7) == 0 && sscanf(line + 7, "%llx", &v) == 1)
			return (uint64_t)v & all;
	}
	return all;
}

/* Docker's NormalizeLegacyCapabilities: upper-case, "CAP_" prefix, "ALL" kept. */
static int
normalize(const struct strv *in, struct strv *out, struct err **errp)
{
	for (size_t i = 0; i < in->n; i++) {
		_cleanup_free_ char *c = NULL;
		int found = 0;

		c = strncasecmp(in->v[i], "CAP_", 4) == 0 || strcasecmp(in->v[i], "ALL") == 0
			    ? xstrdup(in->v[i])
			    : xasprintf("CAP_%s", in->v[i]);
		for (char *p = c; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		if (strcmp(c, "ALL") != 0) {
			for (size_t k = 0; k < ARRAY_SIZE(cap_names) && !found; k++)
				found = strcmp(cap_names[k], c) == 0;
			if (!found)
				return err_set(errp, ERR_INVALID, "unknown capability: \"%s\"", c);
		}
		strv_push_take(out, TAKE_PTR(c));
	}
	return 0;
}

static void
push_all(struct strv *out, uint64_t host_bnd, const struct strv *except)
{
	for (size_t k = 0; k < ARRAY_SIZE(cap_names); k++)
		if ((host_bnd >> k) & 1 && !(except && strv_contains(except, cap_names[k])))
			strv_push(out, cap_names[k]);
}

int
caps_compute(const struct strv *cap_add, const struct strv *cap_drop, int privileged,
	     uint64_t host_bnd, struct strv *out, struct err **errp)
{
	_cleanup_strv_ struct strv add = STRV_INIT, drop = STRV_INIT;

	/*
	 * Docker grants every capability it knows to --privileged; here the host's bounding
	 * set may lack some (CAP_SYS_RESOURCE), and asking for it fails the create, so take
	 * what the host has.
	 */
	if (privileged) {
		push_all(out, host_bnd, NULL);
		return 0;
	}
	if (normalize(cap_drop, &drop, errp) < 0 || normalize(cap_add, &add, errp) < 0)
		return -1;
	if (strv_contains(&add, "ALL")) {
		push_all(out, host_bnd, &drop);
		return 0;
	}
	if (strv_contains(&drop, "ALL")) {
		/* Docker quirk: "drop ALL" means exactly the added list, duplicates kept. */
		for (size_t i = 0; i < add.n; i++)
			strv_push(out, add.v[i]);
		return 0;
	}
	for (size_t i = 0; caps_docker_default[i]; i++)
		if (!strv_contains(&drop, caps_docker_default[i]))
			strv_push(out, caps_docker_default[i]);
	for (size_t i = 0; i < add.n; i++)
		if (!strv_contains(out, add.v[i]))
			strv_push(out, add.v[i]);
	return 0;
}
