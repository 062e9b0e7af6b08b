/* Go encoding/json's view of containerd's protobuf messages, for events output. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "cmd/pbjson.h"
#include "cmd/util.h"
#include "containerd/events/container.pb-c.h"
#include "containerd/events/content.pb-c.h"
#include "containerd/events/image.pb-c.h"
#include "containerd/events/namespace.pb-c.h"
#include "containerd/events/snapshot.pb-c.h"
#include "containerd/events/task.pb-c.h"
#include "google/protobuf/timestamp.pb-c.h"
#include "base/banned.h"

static const ProtobufCMessageDescriptor *const event_descs[] = {
	&containerd__events__container_create__descriptor,
	&containerd__events__container_update__descriptor,
	&containerd__events__container_delete__descriptor,
	&containerd__events__content_delete__descriptor,
	&containerd__services__images__v1__image_create__descriptor,
	&containerd__services__images__v1__image_update__descriptor,
	&containerd__services__images__v1__image_delete__descriptor,
	&containerd__events__namespace_create__descriptor,
	&containerd__events__namespace_update__descriptor,
	&containerd__events__namespace_delete__descriptor,
	&containerd__events__snapshot_prepare__descriptor,
	&containerd__events__snapshot_commit__descriptor,
	&containerd__events__snapshot_remove__descriptor,
	&containerd__events__task_create__descriptor,
	&containerd__events__task_start__descriptor,
	&containerd__events__task_delete__descriptor,
	&containerd__events__task_io__descriptor,
	&containerd__events__task_exit__descriptor,
	&containerd__events__task_oom__descriptor,
	&containerd__events__task_exec_added__descriptor,
	&containerd__events__task_exec_started__descriptor,
	&containerd__events__task_paused__descriptor,
	&containerd__events__task_resumed__descriptor,
};

ProtobufCMessage *
pbjson_unpack_event(const char *type_url, const uint8_t *data, size_t len)
{
	const char *name = type_url ? strrchr(type_url, '/') : NULL;

	name = name ? name + 1 : type_url ? type_url : "";
	for (size_t i = 0; i < sizeof(event_descs) / sizeof(event_descs[0]); i++)
		if (!strcmp(event_descs[i]->name, name))
			return protobuf_c_message_unpack(event_descs[i], NULL, len, data);
	return NULL;
}

static json_t *
base64(const uint8_t *d, size_t n)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	_cleanup_buf_ struct buf b = BUF_INIT;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)d[i] << 16;
		size_t left = n - i;

		if (left > 1)
			v |= (uint32_t)d[i + 1] << 8;
		if (left > 2)
			v |= d[i + 2];
		buf_addch(&b, tbl[(v >> 18) & 63]);
		buf_addch(&b, tbl[(v >> 12) & 63]);
		buf_addch(&b, left > 1 ? tbl[(v >> 6) & 63] : '=');
		buf_addch(&b, left > 2 ? tbl[v & 63] : '=');
	}
	return json_stringn(b.data, b.len);
}

/* Go's time.Time JSON: RFC 3339 with trimmed nanoseconds, UTC as gogo's stdtime gives it. */
static json_t *
timestamp(const Google__Protobuf__Timestamp *ts)
{
	char buf[64];

	if (!ts)
		return json_string("0001-01-01T00:00:00Z");	/* Go's zero time */
	rfc3339nano(ts->seconds, ts->nanos, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *value_json(const ProtobufCFieldDescriptor *f, const void *p);

static int
cmp_key(const void *a, const void *b)
{
	const ProtobufCMessage *x = *(ProtobufCMessage *const *)a;
	const ProtobufCMessage *y = *(ProtobufCMessage *const *)b;
	const char *kx = *(char *const *)((const char *)x + x->descriptor->fields[0].offset);
	const char *ky = *(char *const *)((const char *)y + y->descriptor->fields[0].offset);

	return strcmp(kx ? kx : "", ky ? ky : "");
}

static bool
is_map_entry(const ProtobufCFieldDescriptor *f)
{
	const ProtobufCMessageDescriptor *d = f->descriptor;
	size_t nl;

	if (f->type != PROTOBUF_C_TYPE_MESSAGE || f->label != PROTOBUF_C_LABEL_REPEATED ||
	    d->n_fields != 2 || d->fields[0].type != PROTOBUF_C_TYPE_STRING)
		return false;
	nl = strlen(d->short_name);
	return nl > 5 && !strcmp(d->short_name + nl - 5, "Entry");
}

static json_t *
scalar(ProtobufCType t, const void *p)
{
	switch (t) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_ENUM:
		return json_integer(*(const int32_t *)p);
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		return json_integer(*(const uint32_t *)p);
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		return json_integer(*(const int64_t *)p);
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return json_integer((json_int_t) * (const uint64_t *)p);
	case PROTOBUF_C_TYPE_FLOAT:
		return json_real(*(const float *)p);
	case PROTOBUF_C_TYPE_DOUBLE:
		return json_real(*(const double *)p);
	case PROTOBUF_C_TYPE_BOOL:
		return json_boolean(*(const protobuf_c_boolean *)p);
	case PROTOBUF_C_TYPE_STRING:
		return json_string(*(char *const *)p ? *(char *const *)p : "");
	case PROTOBUF_C_TYPE_BYTES: {
		const ProtobufCBinaryData *b = p;
		return base64(b->data, b->len);
	}
	default:
		return json_null();
	}
}

static size_t
elem_size(ProtobufCType t)
{
	switch (t) {
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
	case PROTOBUF_C_TYPE_DOUBLE:
		return 8;
	case PROTOBUF_C_TYPE_STRING:
	case PROTOBUF_C_TYPE_MESSAGE:
		return sizeof(void *);
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	default:
		return 4;
	}
}

/* Go's omitempty: zero numbers, false, "", empty bytes. */
static bool
scalar_empty(ProtobufCType t, const void *p)
{
	switch (t) {
	case PROTOBUF_C_TYPE_STRING:
		return !*(char *const *)p || !**(char *const *)p;
	case PROTOBUF_C_TYPE_BYTES:
		return ((const ProtobufCBinaryData *)p)->len == 0;
	case PROTOBUF_C_TYPE_BOOL:
		return !*(const protobuf_c_boolean *)p;
	default:
		if (elem_size(t) == 8)
			return *(const uint64_t *)p == 0;
		return *(const uint32_t *)p == 0;
	}
}

static json_t *
value_json(const ProtobufCFieldDescriptor *f, const void *p)
{
	if (f->type != PROTOBUF_C_TYPE_MESSAGE)
		return scalar(f->type, p);
	if (f->descriptor == &google__protobuf__timestamp__descriptor)
		return timestamp(*(Google__Protobuf__Timestamp *const *)p);
	return pbjson_from_message(*(ProtobufCMessage *const *)p);
}

json_t *
pbjson_from_message(const ProtobufCMessage *m)
{
	json_t *o = json_object();

	if (!m)
		return o;
	for (unsigned i = 0; i < m->descriptor->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &m->descriptor->fields[i];
		const char *base = (const char *)m + f->offset;

		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n = *(const size_t *)((const char *)m + f->quantifier_offset);
			const char *arr = *(char *const *)base;

			if (!n)
				continue;
			if (is_map_entry(f)) {
				_cleanup_free_ ProtobufCMessage **sorted = xnew(ProtobufCMessage *, n);
				json_t *map = json_object();

				memcpy(sorted, arr, n * sizeof(void *));
				qsort(sorted, n, sizeof(void *), cmp_key);
				for (size_t j = 0; j < n; j++) {
					const ProtobufCMessageDescriptor *d = sorted[j]->descriptor;
					const char *k = *(char *const *)((const char *)sorted[j] +
									  d->fields[0].offset);

					json_object_set_new(map, k ? k : "",
							    value_json(&d->fields[1],
								       (const char *)sorted[j] +
									       d->fields[1].offset));
				}
				json_object_set_new(o, f->name, map);
				continue;
			}
			json_t *a = json_array();

			for (size_t j = 0; j < n; j++)
				json_array_append_new(a, value_json(f, arr + j * elem_size(f->type)));
			json_object_set_new(o, f->name, a);
			continue;
		}
		if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
			/* Timestamps are non-nullable time.Time in containerd's structs: always there. */
			if (!*(void *const *)base && f->descriptor != &google__protobuf__timestamp__descriptor)
				continue;
		} else if (scalar_empty(f->type, base)) {
			continue;
		}
		json_object_set_new(o, f->name, value_json(f, base));
	}
	return o;
}
