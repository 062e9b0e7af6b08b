/* libFuzzer target for the TOML reader: any bytes must parse or fail cleanly with file:line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/toml.h"
#include "base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err *err = NULL;
	json_t *v = NULL;
	char *s;

	if (toml_parse((const char *)data, size, "fuzz.toml", &v, &err) < 0) {
		/* Every failure is classified and names the file (and a line when ERR_INVALID). */
		if (!err || (err->kind != ERR_INVALID && err->kind != ERR_RESOURCE) || v)
			abort();
		if (err->kind == ERR_INVALID && strncmp(err->msg, "fuzz.toml:", 10) != 0)
			abort();
		err_free(err);
		return 0;
	}
	if (err || !json_is_object(v))
		abort();
	/* jansson refuses to dump invalid UTF-8: the reader must never produce it. */
	s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	if (!s)
		abort();
	free(s);
	json_decref(v);
	return 0;
}
