/*
 * Lazy loading of heavy shared libraries. Measured here: linking libcurl adds ~6 ms to every
 * process start, libjose ~4 ms, libarchive ~3 ms, libcrypto ~1 ms, while `nerdc version`
 * must run in ~2 ms. Layers that need them resolve a table of symbols on first use.
 */
#pragma once

#include <stddef.h>

#include "err.h"

struct dl_sym {
	const char *name;
	void **slot;	/* where the resolved address goes */
};

struct dl_lib {
	const char *soname;	/* e.g. "libcurl.so.4" */
	void *handle;		/* set once loaded */
};

/* Loads lib (once) and resolves every symbol; ERR_UNAVAILABLE names the library or symbol. */
int dl_load(struct dl_lib *lib, const struct dl_sym *syms, size_t n, struct err **errp);
