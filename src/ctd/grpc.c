/* gRPC message framing, deframing and header decoding, kept apart from the socket to test. */
#include <stdlib.h>
#include <string.h>

#include "ctd/ctd.h"
#include "ctd/grpc.h"
#include "base/xalloc.h"
#include "base/str.h"
#include "base/banned.h"

void
grpc_deframer_init(struct grpc_deframer *d, size_t max)
{
	memset(d, 0, sizeof(*d));
	d->max = max ? max : GRPC_MAX_RECV_MSG;
	d->tail = &d->head;
}

void
grpc_deframer_release(struct grpc_deframer *d)
{
	struct grpc_msg *m;

	while ((m = grpc_deframer_pop(d)))
		free(m);
	free(d->cur);
	d->cur = NULL;
	d->hdr_len = 0;
}

static void
deframer_push(struct grpc_deframer *d, struct grpc_msg *m)
{
	m->next = NULL;
	*d->tail = m;
	d->tail = &m->next;
	d->queued++;
}

int
grpc_deframer_feed(struct grpc_deframer *d, const uint8_t *p, size_t n, struct err **errp)
{
	while (n > 0) {
		if (!d->cur) {
			size_t take = 5 - d->hdr_len;
			uint32_t len;

			if (take > n)
				take = n;
			memcpy(d->hdr + d->hdr_len, p, take);
			d->hdr_len += take;
			p += take;
			n -= take;
			if (d->hdr_len < 5)
				break;
			if (d->hdr[0] != 0)
				return err_set(errp, ERR_INTERNAL,
					       "containerd sent a compressed gRPC message (flag %u), which nerdc does not accept",
					       d->hdr[0]);
			len = (uint32_t)d->hdr[1] << 24 | (uint32_t)d->hdr[2] << 16 |
			      (uint32_t)d->hdr[3] << 8 | d->hdr[4];
			if (len > d->max)
				return err_set(errp, ERR_RESOURCE,
					       "received message larger than max (%u vs. %zu)", len, d->max);
			d->cur = xmalloc(sizeof(*d->cur) + len);
			d->cur->len = len;
			d->cur_off = 0;
		}
		size_t want = d->cur->len - d->cur_off;

		if (want > n)
			want = n;
		memcpy(d->cur->data + d->cur_off, p, want);
		d->cur_off += want;
		p += want;
		n -= want;
		if (d->cur_off == d->cur->len) {
			deframer_push(d, d->cur);
			d->cur = NULL;
			d->hdr_len = 0;
		}
	}
	return 0;
}

struct grpc_msg *
grpc_deframer_pop(struct grpc_deframer *d)
{
	struct grpc_msg *m = d->head;

	if (!m)
		return NULL;
	d->head = m->next;
	if (!d->head)
		d->tail = &d->head;
	d->queued--;
	m->next = NULL;
	return m;
}

bool
grpc_deframer_idle(const struct grpc_deframer *d)
{
	return !d->cur && d->hdr_len == 0;
}

static void
frame_prefix(struct buf *out, size_t len)
{
	uint8_t hdr[5] = {
		0, (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8), (uint8_t)len,
	};

	buf_add(out, hdr, sizeof(hdr));
}

struct buf_sink {
	ProtobufCBuffer base;
	struct buf *b;
};

static void
buf_sink_append(ProtobufCBuffer *pb, size_t len, const uint8_t *data)
{
	buf_add(((struct buf_sink *)pb)->b, data, len);
}

void
grpc_frame_append(struct buf *out, const ProtobufCMessage *msg)
{
	size_t len = protobuf_c_message_get_packed_size(msg);
	struct buf_sink sink = { .base.append = buf_sink_append, .b = out };

	frame_prefix(out, len);
	buf_grow(out, len);
	protobuf_c_message_pack_to_buffer(msg, &sink.base);
}

void
grpc_frame_append_raw(struct buf *out, const void *data, size_t len)
{
	frame_prefix(out, len);
	buf_add(out, data, len);
}

char *
grpc_percent_decode(const char *s, size_t len)
{
	char *r = xmalloc(len + 1);
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		int hi, lo;

		/* The gRPC spec says to keep a malformed escape as it is rather than fail. */
		if (s[i] == '%' && i + 2 < len &&
		    (hi = hex_digit(s[i + 1])) >= 0 && (lo = hex_digit(s[i + 2])) >= 0) {
			r[o++] = (char)(hi << 4 | lo);
			i += 2;
			continue;
		}
		r[o++] = s[i];
	}
	r[o] = '\0';
	return r;
}

static const char *const code_names[] = {
	[GRPC_OK] = "OK",
	[GRPC_CANCELLED] = "Canceled",
	[GRPC_UNKNOWN] = "Unknown",
	[GRPC_INVALID_ARGUMENT] = "InvalidArgument",
	[GRPC_DEADLINE_EXCEEDED] = "DeadlineExceeded",
	[GRPC_NOT_FOUND] = "NotFound",
	[GRPC_ALREADY_EXISTS] = "AlreadyExists",
	[GRPC_PERMISSION_DENIED] = "PermissionDenied",
	[GRPC_RESOURCE_EXHAUSTED] = "ResourceExhausted",
	[GRPC_FAILED_PRECONDITION] = "FailedPrecondition",
	[GRPC_ABORTED] = "Aborted",
	[GRPC_OUT_OF_RANGE] = "OutOfRange",
	[GRPC_UNIMPLEMENTED] = "Unimplemented",
	[GRPC_INTERNAL] = "Internal",
	[GRPC_UNAVAILABLE] = "Unavailable",
	[GRPC_DATA_LOSS] = "DataLoss",
	[GRPC_UNAUTHENTICATED] = "Unauthenticated",
};

const char *
grpc_code_name(int code)
{
	if (code < 0 || (size_t)code >= ARRAY_SIZE(code_names))
		return "Unknown";
	return code_names[code];
}

enum err_kind
ctd_status_kind(int grpc_code)
{
	switch (grpc_code) {
	case GRPC_NOT_FOUND:
		return ERR_NOT_FOUND;
	case GRPC_ALREADY_EXISTS:
		return ERR_EXISTS;
	case GRPC_FAILED_PRECONDITION:
		return ERR_PRECONDITION;
	case GRPC_UNAVAILABLE:
		return ERR_UNAVAILABLE;
	case GRPC_INVALID_ARGUMENT:
	case GRPC_OUT_OF_RANGE:
		return ERR_INVALID;
	case GRPC_PERMISSION_DENIED:
		return ERR_PERMISSION;
	case GRPC_UNAUTHENTICATED:
		return ERR_UNAUTHORIZED;
	case GRPC_DEADLINE_EXCEEDED:
		return ERR_TIMEOUT;
	case GRPC_CANCELLED:
		return ERR_CANCELLED;
	case GRPC_UNIMPLEMENTED:
		return ERR_UNIMPLEMENTED;
	case GRPC_RESOURCE_EXHAUSTED:
		return ERR_RESOURCE;
	case GRPC_INTERNAL:
	case GRPC_DATA_LOSS:
		return ERR_INTERNAL;
	default:
		return ERR_GENERIC;
	}
}
