/* containerd.services.events.v1.Events: subscribing to (and publishing) envelopes. */
#pragma once

#include "ctd/ctd.h"
#include "containerd/services/events/v1/events.pb-c.h"

typedef Containerd__Services__Events__V1__Envelope CtdEnvelope;

/*
 * Subscribes to events matching any of filters (containerd syntax, e.g. "topic~=/namespaces/";
 * NULL-terminated, may be NULL for all). Events of every namespace arrive unless a filter
 * says otherwise. Free *ret with ctd_stream_free to unsubscribe.
 */
int ctd_events_subscribe(struct ctd *c, char *const *filters, struct ctd_stream **ret,
			 struct err **errp);
/*
 * Waits for the next envelope (->topic, ->namespace_, ->event): 1 with *ret set (freed with
 * ctd_msg_free), 0 if containerd ended the subscription, -1 on error.
 */
int ctd_events_recv(struct ctd_stream *s, CtdEnvelope **ret, struct err **errp);
/*
 * Publishes event under topic (e.g. "/nerdc/x") in the connection's namespace; its Any type
 * URL is the message's full protobuf name, as containerd's typeurl writes it.
 */
int ctd_events_publish(struct ctd *c, const char *topic, const ProtobufCMessage *event,
		       struct err **errp);
/*
 * Decodes an envelope's payload as desc (ERR_INVALID when its type URL names another
 * message). *ret freed with ctd_msg_free.
 */
int ctd_events_unpack(const CtdEnvelope *env, const ProtobufCMessageDescriptor *desc,
		      ProtobufCMessage **ret, struct err **errp);

/*
 * Subscribes to the exit of task id's init process in ns (topic /tasks/exit, its container
 * and exec ID both id). Subscribe before the exit can happen so it cannot be missed.
 */
int ctd_events_subscribe_exit(struct ctd *c, const char *ns, const char *id,
			      struct ctd_stream **ret, struct err **errp);
/*
 * Waits for that exit: 0 with *ret_status, ERR_NOT_FOUND if containerd ended the
 * subscription first, or the stream's error.
 */
int ctd_events_recv_exit(struct ctd_stream *s, uint32_t *ret_status, struct err **errp);
