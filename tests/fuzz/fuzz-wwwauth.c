/* libFuzzer target: WWW-Authenticate headers are untrusted registry bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "registry/wwwauth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wwwauth w = { 0 };
	struct err *err = NULL;

	/* Parse twice into one struct: appending must keep earlier challenges intact. */
	if (wwwauth_parse(&w, (const char *)data, size, &err) == 0) {
		for (size_t i = 0; i < w.n; i++) {
			(void)wwwauth_param(&w.v[i], "realm");
			if (w.v[i].scheme_name[0] == '\0')
				__builtin_trap();
		}
	}
	err_clear(&err);
	(void)wwwauth_parse(&w, (const char *)data, size, &err);
	err_free(err);
	wwwauth_release(&w);
	return 0;
}
