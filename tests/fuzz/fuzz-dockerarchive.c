/*
 * libFuzzer target for image archives' untrusted names (src/image/archive_docker.c,
 * archive_path.c): the input is parsed as Docker's manifest.json, and, split at its first
 * NUL, as a tar entry name and a symlink target. Checks: errors have the documented kinds;
 * every path that comes out is confined (relative, no "." / ".." / empty components, or
 * exactly ".") and cleans to itself.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/strv.h"
#include "image/archive_ops.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_confined(const char *p)
{
	char *again = NULL;

	if (!p || !p[0] || p[0] == '/')
		abort();
	if (strcmp(p, ".") != 0) {
		for (const char *s = p;;) {
			const char *slash = strchr(s, '/');
			size_t n = slash ? (size_t)(slash - s) : strlen(s);

			if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
				abort();
			if (!slash)
				break;
			s = slash + 1;
		}
	}
	if (archive_path_clean(p, &again, NULL) < 0 || strcmp(again, p) != 0)
		abort();
	free(again);
}

static void
check_err(int rc, struct err *err, int kinds_resource)
{
	if (rc == 0 ? err != NULL : !err)
		abort();
	if (err && err->kind != ERR_INVALID && !(kinds_resource && err->kind == ERR_RESOURCE))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct docker_manifest *m = NULL;
	struct err *err = NULL;
	char *name, *target, *out = NULL;
	size_t n = 0, nlen;
	int rc;

	rc = docker_manifest_parse((const char *)data, size, &m, &n, &err);
	check_err(rc, err, 1);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		check_confined(m[i].config);
		if (!m[i].repo_tags || !m[i].layers || strv_length(m[i].layers) != m[i].n_layers)
			abort();
		for (size_t k = 0; k < m[i].n_layers; k++)
			check_confined(m[i].layers[k]);
	}
	if (rc == 0)
		docker_manifest_free(m, n);
	err_clear(&err);

	/* name NUL target; without a NUL the target is empty. */
	nlen = strnlen((const char *)data, size);
	name = malloc(nlen + 1);
	target = malloc(size - nlen + 1);
	if (!name || !target)
		abort();
	memcpy(name, data, nlen);
	name[nlen] = '\0';
	if (nlen < size)
		memcpy(target, data + nlen + 1, size - nlen - 1);
	target[nlen < size ? size - nlen - 1 : 0] = '\0';

	rc = archive_path_clean(name, &out, &err);
	check_err(rc, err, 0);
	if (rc == 0)
		check_confined(out);
	free(out);
	out = NULL;
	err_clear(&err);
	rc = archive_link_resolve(name, target, &out, &err);
	check_err(rc, err, 0);
	if (rc == 0)
		check_confined(out);
	free(out);
	err_free(err);
	free(name);
	free(target);
	return 0;
}
