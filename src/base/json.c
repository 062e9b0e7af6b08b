/* Strict JSON parsing: duplicate keys and oversized documents are errors, not surprises. */
#include <stdbool.h>

#include "json.h"
#include "str.h"
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

void
json_go_quote(struct buf *out, const char *s, size_t len, unsigned flags)
{
	static const char hex[] = "0123456789abcdef";
	bool html = flags & JSON_GO_ESCAPE_HTML;
	size_t start = 0, i = 0;

	buf_addch(out, '"');
	while (i < len) {
		unsigned char b = (unsigned char)s[i];
		unsigned r;
		int w;

		if (b < 0x80) {
			if (b >= 0x20 && b != '"' && b != '\\' &&
			    !(html && (b == '<' || b == '>' || b == '&'))) {
				i++;
				continue;
			}
			buf_add(out, s + start, i - start);
			buf_addch(out, '\\');
			switch (b) {
			case '\\':
			case '"': buf_addch(out, (char)b); break;
			case '\n': buf_addch(out, 'n'); break;
			case '\r': buf_addch(out, 'r'); break;
			case '\t': buf_addch(out, 't'); break;
			default:
				buf_adds(out, "u00");
				buf_addch(out, hex[b >> 4]);
				buf_addch(out, hex[b & 0xF]);
			}
			i++;
			start = i;
			continue;
		}
		w = utf8_decode((const unsigned char *)s + i, len - i, &r);
		if (w == 1 && r == RUNE_ERROR) {
			buf_add(out, s + start, i - start);
			buf_adds(out, "\\ufffd");
			i++;
			start = i;
			continue;
		}
		if (r == 0x2028 || r == 0x2029) {
			buf_add(out, s + start, i - start);
			buf_addf(out, "\\u202%c", hex[r & 0xF]);
			i += (size_t)w;
			start = i;
			continue;
		}
		i += (size_t)w;
	}
	buf_add(out, s + start, len - start);
	buf_addch(out, '"');
}
