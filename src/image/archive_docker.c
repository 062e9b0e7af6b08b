/* Docker's manifest.json in image archives (docker save, podman save, skopeo docker-archive:). */
#include <string.h>

#include "base/json.h"
#include "base/xalloc.h"
#include "image/archive_ops.h"
#include "base/banned.h"

void
docker_manifest_free(struct docker_manifest *m, size_t n)
{
	if (!m)
		return;
	for (size_t i = 0; i < n; i++) {
		free(m[i].config);
		strv_free(m[i].repo_tags);
		strv_free(m[i].layers);
	}
	free(m);
}

/* A string path member, cleaned; what names it in messages. */
static int
get_path(json_t *v, const char *what, size_t idx, char **ret, struct err **errp)
{
	if (!json_is_string(v))
		return err_set(errp, ERR_INVALID, "manifest.json: entry %zu: %s is not a string",
			       idx, what);
	if (archive_path_clean(json_string_value(v), ret, errp) < 0)
		return err_wrap(errp, "manifest.json: entry %zu: %s", idx, what);
	return 0;
}

static int
parse_entry(json_t *e, size_t idx, struct docker_manifest *out, struct err **errp)
{
	_cleanup_strv_ struct strv tags = STRV_INIT, layers = STRV_INIT;
	json_t *jtags, *jlayers, *v;
	size_t i;

	if (!json_is_object(e))
		return err_set(errp, ERR_INVALID, "manifest.json: entry %zu is not an object", idx);
	if (!json_object_get(e, "Config"))
		return err_set(errp, ERR_INVALID, "manifest.json: entry %zu has no Config", idx);
	if (get_path(json_object_get(e, "Config"), "Config", idx, &out->config, errp) < 0)
		return -1;
	jtags = json_object_get(e, "RepoTags");
	if (jtags && !json_is_null(jtags)) {
		if (!json_is_array(jtags))
			return err_set(errp, ERR_INVALID,
				       "manifest.json: entry %zu: RepoTags is not an array", idx);
		json_array_foreach(jtags, i, v) {
			if (!json_is_string(v))
				return err_set(errp, ERR_INVALID,
					       "manifest.json: entry %zu: RepoTags holds a non-string",
					       idx);
			strv_push(&tags, json_string_value(v));
		}
	}
	jlayers = json_object_get(e, "Layers");
	if (jlayers && !json_is_null(jlayers)) {
		if (!json_is_array(jlayers))
			return err_set(errp, ERR_INVALID,
				       "manifest.json: entry %zu: Layers is not an array", idx);
		if (json_array_size(jlayers) > DOCKER_MANIFEST_MAX_LAYERS)
			return err_set(errp, ERR_RESOURCE,
				       "manifest.json: entry %zu: more than %d layers", idx,
				       DOCKER_MANIFEST_MAX_LAYERS);
		json_array_foreach(jlayers, i, v) {
			char *p;

			if (get_path(v, "layer", idx, &p, errp) < 0)
				return -1;
			strv_push_take(&layers, p);
		}
	}
	out->n_layers = layers.n;
	out->repo_tags = strv_detach(&tags);
	out->layers = strv_detach(&layers);
	return 0;
}

int
docker_manifest_parse(const char *data, size_t len, struct docker_manifest **ret, size_t *ret_n,
		      struct err **errp)
{
	_cleanup_json_ json_t *root = json_parse_strict(data, len, ARCHIVE_JSON_MAX,
							 "manifest.json", errp);
	struct docker_manifest *m;
	size_t n, i;
	json_t *e;

	if (!root)
		return -1;
	if (!json_is_array(root))
		return err_set(errp, ERR_INVALID, "manifest.json: not a JSON array");
	n = json_array_size(root);
	if (n > DOCKER_MANIFEST_MAX_IMAGES)
		return err_set(errp, ERR_RESOURCE, "manifest.json: more than %d images",
			       DOCKER_MANIFEST_MAX_IMAGES);
	m = xnew(struct docker_manifest, n ? n : 1);
	json_array_foreach(root, i, e) {
		if (parse_entry(e, i, &m[i], errp) < 0) {
			docker_manifest_free(m, n);
			return -1;
		}
	}
	*ret = m;
	*ret_n = n;
	return 0;
}
