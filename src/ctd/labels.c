/* Generic handling of generated map<string, string> entries. */
#include <assert.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ctd/labels.h"
#include "base/xalloc.h"
#include "base/banned.h"

struct ctd_label **
ctd_labels_build(const ProtobufCMessageDescriptor *entry_desc, char *const *kv, size_t *ret_n)
{
	struct ctd_label **v;
	size_t n = 0;

	assert(entry_desc->n_fields == 2 &&
	       entry_desc->fields[0].offset == offsetof(struct ctd_label, key) &&
	       entry_desc->fields[1].offset == offsetof(struct ctd_label, value) &&
	       entry_desc->sizeof_message == sizeof(struct ctd_label));
	while (kv && kv[n])
		n++;
	v = xnew(struct ctd_label *, n + 1);
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(kv[i], '=');

		v[i] = xnew(struct ctd_label, 1);
		protobuf_c_message_init(entry_desc, v[i]);
		v[i]->key = eq ? xstrndup(kv[i], (size_t)(eq - kv[i])) : xstrdup(kv[i]);
		v[i]->value = xstrdup(eq ? eq + 1 : "");
	}
	*ret_n = n;
	return v;
}

void
ctd_labels_free(struct ctd_label **labels, size_t n)
{
	if (!labels)
		return;
	for (size_t i = 0; i < n; i++) {
		free(labels[i]->key);
		free(labels[i]->value);
		free(labels[i]);
	}
	free(labels);
}

const char *
ctd_labels_get(const void *entries, size_t n, const char *key)
{
	struct ctd_label *const *v = entries;

	for (size_t i = 0; i < n; i++)
		if (v[i]->key && !strcmp(v[i]->key, key))
			return v[i]->value;
	return NULL;
}
