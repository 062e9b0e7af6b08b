/* Strict JSON parsing: duplicate keys and oversized documents are errors, not surprises. */
#include "json.h"
#include "banned.h"

json_t *
json_parse_strict(const char *data, size_t len, size_t max, const char *what, struct err **errp)
{
	json_error_t je;
	json_t *v;

	if (len > max) {
		err_set(errp, ERR_RESOURCE, "%s: larger than %zu bytes", what, max);
		return NULL;
	}
	v = json_loadb(data, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
	if (!v)
		err_set(errp, ERR_INVALID, "%s: invalid JSON at line %d: %s", what, je.line, je.text);
	return v;
}

const char *
json_get_str(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}
