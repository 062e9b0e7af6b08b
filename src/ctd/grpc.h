/*
 * gRPC wire pieces that need no socket: the 5-byte message framing, a deframer that turns
 * DATA frame bytes into whole messages, grpc-message percent-decoding and status codes.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <protobuf-c/protobuf-c.h>

#include "base/buf.h"
#include "base/err.h"

/* Largest inbound message we accept; bigger ones fail with ERR_RESOURCE. */
#define GRPC_MAX_RECV_MSG (16u << 20)

enum grpc_code {
	GRPC_OK = 0,
	GRPC_CANCELLED = 1,
	GRPC_UNKNOWN = 2,
	GRPC_INVALID_ARGUMENT = 3,
	GRPC_DEADLINE_EXCEEDED = 4,
	GRPC_NOT_FOUND = 5,
	GRPC_ALREADY_EXISTS = 6,
	GRPC_PERMISSION_DENIED = 7,
	GRPC_RESOURCE_EXHAUSTED = 8,
	GRPC_FAILED_PRECONDITION = 9,
	GRPC_ABORTED = 10,
	GRPC_OUT_OF_RANGE = 11,
	GRPC_UNIMPLEMENTED = 12,
	GRPC_INTERNAL = 13,
	GRPC_UNAVAILABLE = 14,
	GRPC_DATA_LOSS = 15,
	GRPC_UNAUTHENTICATED = 16,
};

/* One received message: len bytes in data, owned by whoever popped it (free()). */
struct grpc_msg {
	struct grpc_msg *next;
	size_t len;
	uint8_t data[];
};

/* Reassembles messages from a byte stream; also the FIFO of complete messages. */
struct grpc_deframer {
	uint8_t hdr[5];
	size_t hdr_len;
	struct grpc_msg *cur;	/* message being filled */
	size_t cur_off;
	size_t max;
	struct grpc_msg *head;
	struct grpc_msg **tail;
	size_t queued;
};

/* max 0 means GRPC_MAX_RECV_MSG. */
void grpc_deframer_init(struct grpc_deframer *d, size_t max);
void grpc_deframer_release(struct grpc_deframer *d);
/*
 * Feeds n bytes; complete messages join the queue. ERR_RESOURCE when a message is larger
 * than max, ERR_INTERNAL for a compressed message (we never offer compression). After an
 * error the deframer is not fed again.
 */
int grpc_deframer_feed(struct grpc_deframer *d, const uint8_t *p, size_t n, struct err **errp);
/* Oldest complete message (caller frees) or NULL. */
struct grpc_msg *grpc_deframer_pop(struct grpc_deframer *d);
/* True when no partial message is pending (a clean place for the stream to end). */
bool grpc_deframer_idle(const struct grpc_deframer *d);

/* Appends msg packed with the gRPC prefix (uncompressed, big-endian length) to out. */
void grpc_frame_append(struct buf *out, const ProtobufCMessage *msg);
/* Same for bytes that are already packed. */
void grpc_frame_append_raw(struct buf *out, const void *data, size_t len);

/* Decodes a percent-encoded grpc-message header value; returns a new string. */
char *grpc_percent_decode(const char *s, size_t len);
/* Go's name for a code ("NotFound" for 5); "Unknown" for codes outside the table. */
const char *grpc_code_name(int code);
