/*
 * containerd client: gRPC over HTTP/2 (nghttp2) on containerd's unix socket, messages in
 * protobuf-c. One connection per process, single-threaded; several streams may be open at
 * once on it (pull writes several blobs concurrently). Every call carries the
 * containerd-namespace header. gRPC status codes map to err kinds (see ctd_status_kind),
 * and messages keep containerd's text.
 */
#pragma once

#include <stdint.h>
#include <protobuf-c/protobuf-c.h>

#include "base/err.h"

struct ctd;
struct ctd_stream;

/*
 * Connects to address ("unix:///run/containerd/containerd.sock" or a bare path). Only the
 * socket connect happens here; the HTTP/2 preface and SETTINGS go out together with the first
 * request, so a call costs one round trip. ns is copied. ERR_UNAVAILABLE with a one-line
 * message naming the socket and cause when the socket cannot be reached; ERR_INVALID for an
 * address that is not a unix socket. A peer that accepts but never speaks HTTP/2 makes the
 * first call fail with ERR_UNAVAILABLE after CTD_HANDSHAKE_TIMEOUT_MS.
 */
#define CTD_HANDSHAKE_TIMEOUT_MS 3000
int ctd_connect(const char *address, const char *ns, struct ctd **ret, struct err **errp);
/* Frees the connection; streams still open on it fail from then on (free them anyway). */
void ctd_free(struct ctd *c);
const char *ctd_namespace(const struct ctd *c);
void ctd_set_namespace(struct ctd *c, const char *ns);
/*
 * Lease for the calls and streams opened from now on (sent as containerd-lease): objects
 * they create stay referenced by it until it is deleted. NULL or "" clears it; copied.
 */
void ctd_set_lease(struct ctd *c, const char *lease);
/* The current lease or NULL, borrowed. */
const char *ctd_lease(const struct ctd *c);
/* "unix:///path" of the socket, borrowed. */
const char *ctd_address(const struct ctd *c);
/*
 * Deadline for each unary call in milliseconds (0: none; default 0): sent as grpc-timeout
 * and enforced locally (ERR_TIMEOUT). Streams have no deadline.
 */
void ctd_set_timeout(struct ctd *c, int timeout_ms);

/*
 * Unary call. method: "/containerd.services.version.v1.Version/Version". On success
 * *ret_resp is a new message of resp_desc (free with ctd_msg_free). Errors: the kind of the
 * gRPC status (ctd_status_kind) with containerd's message verbatim, ERR_UNAVAILABLE when the
 * connection fails, ERR_TIMEOUT at the deadline, ERR_RESOURCE for a reply over 16 MiB,
 * ERR_INTERNAL for a reply that does not decode.
 */
int ctd_call(struct ctd *c, const char *method, const ProtobufCMessage *req,
	     const ProtobufCMessageDescriptor *resp_desc, ProtobufCMessage **ret_resp,
	     struct err **errp);

/*
 * Opens a client/server/bidirectional stream (nothing is sent until the first
 * ctd_stream_send or recv). Several streams may be open on one connection; each has its own
 * inbound queue, and receiving on one keeps the others moving.
 */
int ctd_stream_open(struct ctd *c, const char *method, struct ctd_stream **ret,
		    struct err **errp);
/*
 * Queues msg and runs the connection until most of it is handed to the socket (flow
 * control may hold it back). Fails with the stream's status if the stream has already ended.
 */
int ctd_stream_send(struct ctd_stream *s, const ProtobufCMessage *msg, struct err **errp);
/* Half-closes the sending side (END_STREAM). */
int ctd_stream_close_send(struct ctd_stream *s, struct err **errp);
/*
 * Receives one message: returns 1 with *ret set, 0 at a clean end of stream (status OK),
 * -1 on error or a non-OK status (mapped like unary calls).
 */
int ctd_stream_recv(struct ctd_stream *s, const ProtobufCMessageDescriptor *desc,
		    ProtobufCMessage **ret, struct err **errp);
/* Frees the stream, cancelling it (RST_STREAM) if it has not ended. */
void ctd_stream_free(struct ctd_stream *s);

/* Frees a message returned by ctd_call / ctd_stream_recv / a service wrapper (NULL is fine). */
void ctd_msg_free(void *msg);

/* gRPC status code → err kind (NotFound → ERR_NOT_FOUND, AlreadyExists → ERR_EXISTS, ...). */
enum err_kind ctd_status_kind(int grpc_code);

DEFINE_CLEANUP_FUNC(ctd_freep, struct ctd *, ctd_free)
DEFINE_CLEANUP_FUNC(ctd_stream_freep, struct ctd_stream *, ctd_stream_free)
static inline void
ctd_msg_freep(void *p)
{
	ctd_msg_free(*(void **)p);
}
#define _cleanup_ctd_msg_ _cleanup_(ctd_msg_freep)
