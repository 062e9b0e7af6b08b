/* Platform parsing, normalisation and matching after containerd's platforms package. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "image/platform.h"
#include "base/banned.h"

#if defined(__x86_64__)
#define HOST_ARCH "amd64"
#elif defined(__aarch64__)
#define HOST_ARCH "arm64"
#elif defined(__i386__)
#define HOST_ARCH "386"
#elif defined(__arm__)
#define HOST_ARCH "arm"
#elif defined(__s390x__)
#define HOST_ARCH "s390x"
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define HOST_ARCH "ppc64le"
#elif defined(__riscv) && __riscv_xlen == 64
#define HOST_ARCH "riscv64"
#else
#define HOST_ARCH "unknown"
#endif

static const char *const known_os[] = {
	"aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js",
	"linux", "nacl", "netbsd", "openbsd", "plan9", "solaris", "windows", "zos",
};
static const char *const known_arch[] = {
	"386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "ppc64", "ppc64le",
	"loong64", "mips", "mipsle", "mips64", "mips64le", "mips64p32", "mips64p32le", "ppc",
	"riscv", "riscv64", "s390", "s390x", "sparc", "sparc64", "wasm",
};

static bool
in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

static void
set_field(char dst[PLATFORM_FIELD_MAX], const char *src)
{
	size_t i = 0;

	for (; src && src[i] && i < PLATFORM_FIELD_MAX - 1; i++)
		dst[i] = (char)tolower((unsigned char)src[i]);
	dst[i] = '\0';
}

void
platform_normalize(struct platform *p)
{
	char *a = p->arch, *v = p->variant;

	set_field(p->os, p->os);
	set_field(a, a);
	set_field(v, v);
	if (!*p->os)
		set_field(p->os, "linux");
	if (!strcmp(p->os, "macos"))
		set_field(p->os, "darwin");
	if (!strcmp(a, "i386")) {
		set_field(a, "386");
		*v = '\0';
	} else if (!strcmp(a, "x86_64") || !strcmp(a, "x86-64") || !strcmp(a, "amd64")) {
		set_field(a, "amd64");
		if (!strcmp(v, "v1"))
			*v = '\0';
	} else if (!strcmp(a, "aarch64") || !strcmp(a, "arm64")) {
		set_field(a, "arm64");
		if (!strcmp(v, "8") || !strcmp(v, "v8"))
			*v = '\0';
	} else if (!strcmp(a, "armhf")) {
		set_field(a, "arm");
		set_field(v, "v7");
	} else if (!strcmp(a, "armel")) {
		set_field(a, "arm");
		set_field(v, "v6");
	} else if (!strcmp(a, "arm")) {
		if (!*v || !strcmp(v, "7"))
			set_field(v, "v7");
		else if (!strcmp(v, "5") || !strcmp(v, "6") || !strcmp(v, "8")) {
			v[1] = v[0];
			v[0] = 'v';
			v[2] = '\0';
		}
	}
}

void
platform_set(struct platform *p, const char *os, const char *arch, const char *variant)
{
	set_field(p->os, os);
	set_field(p->arch, arch);
	set_field(p->variant, variant);
	platform_normalize(p);
}

void
platform_host(struct platform *ret)
{
	platform_set(ret, "linux", HOST_ARCH, NULL);
}

static bool
component_ok(const char *s, size_t n)
{
	if (n == 0 || n >= PLATFORM_FIELD_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

int
platform_parse(const char *s, struct platform *ret, struct err **errp)
{
	char parts[3][PLATFORM_FIELD_MAX] = { "", "", "" };
	size_t np = 0;
	const char *p = s;
	struct platform pl;

	if (strchr(s, '*'))
		return err_set(errp, ERR_INVALID, "invalid platform \"%s\": wildcards not yet supported",
			       s);
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		if (np == 3 || !component_ok(p, n))
			return err_set(errp, ERR_INVALID,
				       "invalid platform \"%s\": cannot parse platform specifier", s);
		memcpy(parts[np], p, n);
		parts[np++][n] = '\0';
		if (!slash)
			break;
		p = slash + 1;
	}
	memset(&pl, 0, sizeof(pl));
	if (np == 1) {
		set_field(pl.os, parts[0]);
		if (!strcmp(pl.os, "macos"))
			set_field(pl.os, "darwin");
		if (in_list(pl.os, known_os, ARRAY_SIZE(known_os))) {
			set_field(pl.arch, HOST_ARCH);
		} else {
			memset(&pl, 0, sizeof(pl));
			set_field(pl.arch, parts[0]);
			platform_normalize(&pl);
			if (!in_list(pl.arch, known_arch, ARRAY_SIZE(known_arch)))
				return err_set(errp, ERR_INVALID,
					       "invalid platform \"%s\": unknown operating system or architecture",
					       s);
			set_field(pl.os, "linux");
		}
	} else {
		set_field(pl.os, parts[0]);
		set_field(pl.arch, parts[1]);
		set_field(pl.variant, parts[2]);
	}
	platform_normalize(&pl);
	*ret = pl;
	return 0;
}

const char *
platform_string(const struct platform *p, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s%s%s", p->os, p->arch, *p->variant ? "/" : "", p->variant);
	return buf;
}

bool
platform_equal(const struct platform *a, const struct platform *b)
{
	return !strcmp(a->os, b->os) && !strcmp(a->arch, b->arch) &&
	       !strcmp(a->variant, b->variant);
}

static void
matcher_add(struct platform_matcher *m, const char *os, const char *arch, const char *variant)
{
	if (m->n < PLATFORM_MATCHER_MAX)
		platform_set(&m->want[m->n++], os, arch, variant);
}

/* Adds arm/vN-1 .. arm/v5 after arm/vN (containerd's platformVector). */
static void
add_older_arm(struct platform_matcher *m, const char *os, const char *variant)
{
	int v = (variant[0] == 'v' && variant[1] >= '0' && variant[1] <= '9' && !variant[2])
			? variant[1] - '0' : 0;
	char tmp[8];

	for (v--; v >= 5; v--) {
		snprintf(tmp, sizeof(tmp), "v%d", v);
		matcher_add(m, os, "arm", tmp);
	}
}

void
platform_matcher_only(struct platform_matcher *m, const struct platform *p)
{
	struct platform n = *p;

	memset(m, 0, sizeof(*m));
	platform_normalize(&n);
	m->want[m->n++] = n;
	if (!strcmp(n.arch, "amd64")) {
		int v = (n.variant[0] == 'v' && n.variant[1] >= '2' && n.variant[1] <= '9' &&
			 !n.variant[2]) ? n.variant[1] - '0' : 0;
		char tmp[8];

		for (v--; v >= 1; v--) {
			snprintf(tmp, sizeof(tmp), "v%d", v);
			matcher_add(m, n.os, "amd64", tmp);
		}
		matcher_add(m, n.os, "386", NULL);
	} else if (!strcmp(n.arch, "arm")) {
		add_older_arm(m, n.os, n.variant);
	} else if (!strcmp(n.arch, "arm64")) {
		/* arm64 runs arm/v8 and older 32-bit code. */
		matcher_add(m, n.os, "arm", *n.variant ? n.variant : "v8");
		add_older_arm(m, n.os, *n.variant ? n.variant : "v8");
	}
}

void
platform_matcher_host(struct platform_matcher *m)
{
	struct platform host;

	platform_host(&host);
	platform_matcher_only(m, &host);
}

void
platform_matcher_exact(struct platform_matcher *m, const struct platform *p)
{
	memset(m, 0, sizeof(*m));
	m->want[0] = *p;
	platform_normalize(&m->want[0]);
	m->n = 1;
}

void
platform_matcher_all(struct platform_matcher *m)
{
	memset(m, 0, sizeof(*m));
	m->all = true;
}

int
platform_match(const struct platform_matcher *m, const struct platform *candidate)
{
	struct platform c = *candidate;

	if (m->all)
		return 0;
	platform_normalize(&c);
	for (size_t i = 0; i < m->n; i++)
		if (platform_equal(&m->want[i], &c))
			return (int)i;
	return -1;
}
