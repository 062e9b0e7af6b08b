/* dlopen-based symbol tables for libraries too costly to link at start-up. */
#include <dlfcn.h>

#include "dl.h"
#include "banned.h"

int
dl_load(struct dl_lib *lib, const struct dl_sym *syms, size_t n, struct err **errp)
{
	void *h;

	if (lib->handle)
		return 0;
	h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return err_set(errp, ERR_UNAVAILABLE, "load %s: %s", lib->soname, dlerror());
	for (size_t i = 0; i < n; i++) {
		void *p = dlsym(h, syms[i].name);

		if (!p) {
			dlclose(h);
			return err_set(errp, ERR_UNAVAILABLE, "load %s: missing symbol %s",
				       lib->soname, syms[i].name);
		}
		*syms[i].slot = p;
	}
	lib->handle = h;
	return 0;
}
