/* Events service wrappers and the Any decoding their envelopes need. */
#include <stdlib.h>
#include <string.h>

#include "ctd/events.h"
#include "containerd/events/task.pb-c.h"
#include "google/protobuf/empty.pb-c.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "base/banned.h"

int
ctd_events_subscribe(struct ctd *c, char *const *filters, struct ctd_stream **ret,
		     struct err **errp)
{
	Containerd__Services__Events__V1__SubscribeRequest req =
		CONTAINERD__SERVICES__EVENTS__V1__SUBSCRIBE_REQUEST__INIT;
	_cleanup_(ctd_stream_freep) struct ctd_stream *s = NULL;

	req.n_filters = filters ? strv_length(filters) : 0;
	req.filters = (char **)filters;
	if (ctd_stream_open(c, "/containerd.services.events.v1.Events/Subscribe", &s, errp) < 0 ||
	    ctd_stream_send(s, &req.base, errp) < 0 || ctd_stream_close_send(s, errp) < 0)
		return -1;
	*ret = TAKE_PTR(s);
	return 0;
}

int
ctd_events_recv(struct ctd_stream *s, CtdEnvelope **ret, struct err **errp)
{
	return ctd_stream_recv(s, &containerd__services__events__v1__envelope__descriptor,
			       (ProtobufCMessage **)ret, errp);
}

int
ctd_events_publish(struct ctd *c, const char *topic, const ProtobufCMessage *event,
		   struct err **errp)
{
	Containerd__Services__Events__V1__PublishRequest req =
		CONTAINERD__SERVICES__EVENTS__V1__PUBLISH_REQUEST__INIT;
	Google__Protobuf__Any any = GOOGLE__PROTOBUF__ANY__INIT;
	_cleanup_ctd_msg_ ProtobufCMessage *resp = NULL;
	_cleanup_free_ uint8_t *data = NULL;
	size_t len = protobuf_c_message_get_packed_size(event);

	data = xmalloc(len ? len : 1);
	protobuf_c_message_pack(event, data);
	any.type_url = (char *)event->descriptor->name;
	any.value.data = data;
	any.value.len = len;
	req.topic = (char *)topic;
	req.event = &any;
	return ctd_call(c, "/containerd.services.events.v1.Events/Publish", &req.base,
			&google__protobuf__empty__descriptor, &resp, errp);
}

int
ctd_events_unpack(const CtdEnvelope *env, const ProtobufCMessageDescriptor *desc,
		  ProtobufCMessage **ret, struct err **errp)
{
	const char *url, *name;
	ProtobufCMessage *m;

	if (!env->event)
		return err_set(errp, ERR_INVALID, "event %s has no payload", env->topic);
	url = env->event->type_url ? env->event->type_url : "";
	/* "containerd.events.X" or "types.example.com/containerd.events.X": the name is last. */
	name = strrchr(url, '/');
	name = name ? name + 1 : url;
	if (strcmp(name, desc->name))
		return err_set(errp, ERR_INVALID, "event %s carries %s, not %s", env->topic, url,
			       desc->name);
	m = protobuf_c_message_unpack(desc, NULL, env->event->value.len, env->event->value.data);
	if (!m)
		return err_set(errp, ERR_INTERNAL, "cannot decode %s in event %s", desc->name,
			       env->topic);
	*ret = m;
	return 0;
}

int
ctd_events_subscribe_exit(struct ctd *c, const char *ns, const char *id,
			  struct ctd_stream **ret, struct err **errp)
{
	_cleanup_free_ char *filter = xasprintf(
		"topic==\"/tasks/exit\",namespace==\"%s\",event.container_id==\"%s\",event.id==\"%s\"",
		ns, id, id);
	char *filters[] = { filter, NULL };

	return ctd_events_subscribe(c, filters, ret, errp);
}

int
ctd_events_recv_exit(struct ctd_stream *s, uint32_t *ret_status, struct err **errp)
{
	_cleanup_ctd_msg_ CtdEnvelope *env = NULL;
	_cleanup_ctd_msg_ ProtobufCMessage *ev = NULL;
	int r = ctd_events_recv(s, &env, errp);

	if (r < 0)
		return -1;
	if (r == 0)
		return err_set(errp, ERR_NOT_FOUND, "containerd ended the event subscription");
	if (ctd_events_unpack(env, &containerd__events__task_exit__descriptor, &ev, errp) < 0)
		return -1;
	*ret_status = ((Containerd__Events__TaskExit *)ev)->exit_status;
	return 0;
}
