/*
 * libFuzzer target for digest strings (src/base/digest.c digest_parse): any bytes are
 * accepted or refused with ERR_INVALID and one of go-digest's messages; digest_parse agrees
 * with the reference grammar's ref_digest_valid; a digest we compute always parses.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/digest.h"
#include "registry/reference.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const messages[] = {
	"invalid checksum digest format",
	"invalid checksum digest length",
	"unsupported digest algorithm",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct err *err = NULL;
	char own[DIGEST_STR_SIZE];
	int ok, known = 0;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	ok = digest_parse(s, &err) == 0;
	if (ok != (err == NULL))
		abort();
	if (err) {
		if (err->kind != ERR_INVALID)
			abort();
		for (size_t i = 0; i < sizeof(messages) / sizeof(messages[0]); i++)
			known |= strcmp(err->msg, messages[i]) == 0;
		if (!known)
			abort();
	}
	if (ok != ref_digest_valid(s))
		abort();
	err_free(err);
	err = NULL;
	/* libcrypto may be missing in the fuzzing environment: then skip this half. */
	if (digest_bytes(data, size, own, &err) == 0 && digest_parse(own, NULL) < 0)
		abort();
	err_free(err);
	free(s);
	return 0;
}
