/*
 * Image platforms (os/arch/variant) parsed, normalised and matched the way containerd's
 * platforms package does: "amd64" → linux/amd64, "aarch64" → linux/arm64, "armhf" →
 * linux/arm/v7; the host platform matches its own and older variants (amd64 also 386).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

#define PLATFORM_FIELD_MAX 32

struct platform {
	char os[PLATFORM_FIELD_MAX];		/* "linux" */
	char arch[PLATFORM_FIELD_MAX];		/* "amd64" */
	char variant[PLATFORM_FIELD_MAX];	/* "v7", usually "" */
};

/* Longest platform_string: three fields and two slashes. */
#define PLATFORM_STR_SIZE (3 * PLATFORM_FIELD_MAX + 2)

/* The platform this binary runs on, normalised (linux/amd64, linux/arm64, linux/arm/v7). */
void platform_host(struct platform *ret);
/*
 * Parses "os", "arch", "os/arch" or "os/arch/variant" (containerd's platforms.Parse: a lone
 * known OS gets the host arch, a lone known arch gets linux) and normalises it.
 * ERR_INVALID: "invalid platform \"x\": unknown operating system or architecture".
 */
int platform_parse(const char *s, struct platform *ret, struct err **errp);
/* Builds a normalised platform from image JSON fields (NULLs allowed; os defaults to linux). */
void platform_set(struct platform *p, const char *os, const char *arch, const char *variant);
/* Lowercases and maps aliases in place (containerd's platforms.Normalize). */
void platform_normalize(struct platform *p);
/* "linux/amd64" or "linux/arm/v7" into buf (PLATFORM_STR_SIZE is always enough). */
const char *platform_string(const struct platform *p, char *buf, size_t n);
bool platform_equal(const struct platform *a, const struct platform *b);

/*
 * An ordered set of acceptable platforms (containerd's platforms.Only / Ordered / All).
 * Rank 0 is the best match; -1 means no match.
 */
#define PLATFORM_MATCHER_MAX 8
struct platform_matcher {
	bool all;			/* --all-platforms: everything matches, rank 0 */
	size_t n;
	struct platform want[PLATFORM_MATCHER_MAX];
};

/* Matches p and, like containerd's Only, its compatible older variants (amd64 → 386, ...). */
void platform_matcher_only(struct platform_matcher *m, const struct platform *p);
/* The host's matcher: platform_matcher_only(host). */
void platform_matcher_host(struct platform_matcher *m);
void platform_matcher_all(struct platform_matcher *m);
/* Matches p alone (containerd's OnlyStrict): no older variants. */
void platform_matcher_exact(struct platform_matcher *m, const struct platform *p);
/* Rank of candidate (normalised here) in m, or -1. */
int platform_match(const struct platform_matcher *m, const struct platform *candidate);
