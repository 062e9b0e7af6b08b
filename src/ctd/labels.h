/*
 * containerd's map<string, string> fields (labels, annotations, exports): building the
 * entries of a request from "key=value" strings and looking keys up in a reply.
 */
#pragma once

#include <stddef.h>
#include <protobuf-c/protobuf-c.h>

/* Every generated map<string, string> entry has this layout (checked against the descriptor). */
struct ctd_label {
	ProtobufCMessage base;
	char *key;
	char *value;
};

/*
 * Entries of entry_desc (the field's generated ..._labels_entry__descriptor) for each
 * "key=value" in kv ("key" alone gives an empty value). The result and its strings
 * are new; free with ctd_labels_free. Assign it to the message's field with a cast.
 */
struct ctd_label **ctd_labels_build(const ProtobufCMessageDescriptor *entry_desc,
				    char *const *kv, size_t *ret_n);
void ctd_labels_free(struct ctd_label **labels, size_t n);
/* Value of key among n entries of any generated map<string, string> field, or NULL; borrowed. */
const char *ctd_labels_get(const void *entries, size_t n, const char *key);
