/*
 * libFuzzer target for the --format engine: parses the input as a Go template, then runs it
 * on a fixed docker-ps-like row, plain and with Docker's header functions.
 *
 * Built by -Dfuzz=true with the other targets (README.md), or by hand with clang:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Isrc \
 *     tests/fuzz/fuzz-tmpl.c src/cli/tmpl.c src/cli/gofmt.c src/base/buf.c src/base/err.c \
 *     src/base/xalloc.c -ljansson -o fuzz-tmpl
 *   ./fuzz-tmpl -max_len=512 -timeout=30
 * (the engine allows 5 million evaluation steps per run: a few seconds under the sanitizers)
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/tmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char row_json[] =
	"{\"ID\":\"abc123\",\"Names\":[\"web\",\"db\"],\"Labels\":{\"a\":\"b\",\"c\":\"d\"},"
	"\"State\":{\"Health\":null,\"Running\":true,\"Pid\":42},\"Ratio\":1.5,\"Mounts\":[],"
	"\"Empty\":\"\",\"Nested\":{\"L\":[{\"x\":1},{\"x\":[1,2,{\"y\":\"z\"}]}]}}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static json_t *row;
	struct tmpl *t = NULL;
	struct err *err = NULL;
	char *text;

	if (!row)
		row = json_loads(row_json, 0, NULL);
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (tmpl_parse(text, &t, &err) == 0) {
		struct buf out = BUF_INIT;

		if (tmpl_exec(t, row, &out, &err) < 0)
			err_clear(&err);
		buf_reset(&out);
		if (tmpl_exec_flags(t, row, TMPL_HEADER_FUNCS, &out, &err) < 0)
			err_clear(&err);
		buf_release(&out);
		tmpl_free(t);
	}
	err_free(err);
	free(text);
	return 0;
}
