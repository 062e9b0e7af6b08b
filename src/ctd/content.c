/* Content service wrappers, including the Read and Write streams. */
#include <stdbool.h>
#include <string.h>

#include "ctd/content.h"
#include "ctd/labels.h"
#include "google/protobuf/empty.pb-c.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "base/banned.h"

#define CONTENT_METHOD(m) "/containerd.services.content.v1.Content/" m
#define DESC(name) (&containerd__services__content__v1__##name##__descriptor)
/* Bytes per WRITE message, as containerd's own client sends them. */
#define WRITE_CHUNK (1u << 20)
/* WRITE messages sent ahead of their acknowledgements. */
#define WRITE_INFLIGHT 4

typedef Containerd__Services__Content__V1__WriteContentRequest WriteReq;
typedef Containerd__Services__Content__V1__WriteContentResponse WriteResp;
typedef Containerd__Services__Content__V1__ListContentResponse ListResp;
typedef Containerd__Services__Content__V1__ReadContentResponse ReadResp;
#define ACTION_STAT CONTAINERD__SERVICES__CONTENT__V1__WRITE_ACTION__STAT
#define ACTION_WRITE CONTAINERD__SERVICES__CONTENT__V1__WRITE_ACTION__WRITE
#define ACTION_COMMIT CONTAINERD__SERVICES__CONTENT__V1__WRITE_ACTION__COMMIT

int
ctd_content_info(struct ctd *c, const char *digest, CtdContentInfo **ret, struct err **errp)
{
	Containerd__Services__Content__V1__InfoRequest req =
		CONTAINERD__SERVICES__CONTENT__V1__INFO_REQUEST__INIT;
	_cleanup_ctd_msg_ Containerd__Services__Content__V1__InfoResponse *resp = NULL;

	req.digest = (char *)digest;
	if (ctd_call(c, CONTENT_METHOD("Info"), &req.base,
		     DESC(info_response),
		     (ProtobufCMessage **)&resp, errp) < 0)
		return -1;
	if (!resp->info)
		return err_set(errp, ERR_INTERNAL, "containerd returned no info for %s", digest);
	*ret = TAKE_PTR(resp->info);
	return 0;
}

int
ctd_content_update_labels(struct ctd *c, const char *digest, char *const *labels,
			  struct err **errp)
{
	Containerd__Services__Content__V1__UpdateRequest req =
		CONTAINERD__SERVICES__CONTENT__V1__UPDATE_REQUEST__INIT;
	CtdContentInfo info = CONTAINERD__SERVICES__CONTENT__V1__INFO__INIT;
	Google__Protobuf__FieldMask mask = GOOGLE__PROTOBUF__FIELD_MASK__INIT;
	_cleanup_ctd_msg_ Containerd__Services__Content__V1__UpdateResponse *resp = NULL;
	_cleanup_strv_ struct strv paths = STRV_INIT;
	int r;

	info.digest = (char *)digest;
	info.labels = (void *)ctd_labels_build(DESC(info__labels_entry), labels, &info.n_labels);
	for (size_t i = 0; i < info.n_labels; i++)
		strv_pushf(&paths, "labels.%s", ((struct ctd_label **)info.labels)[i]->key);
	mask.n_paths = paths.n;
	mask.paths = paths.v;
	req.info = &info;
	req.update_mask = &mask;
	r = ctd_call(c, CONTENT_METHOD("Update"), &req.base, DESC(update_response),
		     (ProtobufCMessage **)&resp, errp);
	ctd_labels_free((struct ctd_label **)info.labels, info.n_labels);
	return r;
}

/* Opens a server-streaming call: one request, then only receiving. */
static int
open_server_stream(struct ctd *c, const char *method, const ProtobufCMessage *req,
		   struct ctd_stream **ret, struct err **errp)
{
	_cleanup_(ctd_stream_freep) struct ctd_stream *s = NULL;

	if (ctd_stream_open(c, method, &s, errp) < 0 || ctd_stream_send(s, req, errp) < 0 ||
	    ctd_stream_close_send(s, errp) < 0)
		return -1;
	*ret = TAKE_PTR(s);
	return 0;
}

int
ctd_content_list(struct ctd *c, char *const *filters, ctd_content_info_fn fn, void *arg,
		 struct err **errp)
{
	Containerd__Services__Content__V1__ListContentRequest req =
		CONTAINERD__SERVICES__CONTENT__V1__LIST_CONTENT_REQUEST__INIT;
	_cleanup_(ctd_stream_freep) struct ctd_stream *s = NULL;

	req.n_filters = filters ? strv_length(filters) : 0;
	req.filters = (char **)filters;
	if (open_server_stream(c, CONTENT_METHOD("List"), &req.base, &s, errp) < 0)
		return -1;
	for (;;) {
		_cleanup_ctd_msg_ ListResp *resp = NULL;
		int r = ctd_stream_recv(s, DESC(list_content_response),
					(ProtobufCMessage **)&resp, errp);

		if (r <= 0)
			return r;
		for (size_t i = 0; i < resp->n_info; i++)
			if (fn(arg, resp->info[i], errp) < 0)
				return -1;
	}
}

int
ctd_content_delete(struct ctd *c, const char *digest, struct err **errp)
{
	Containerd__Services__Content__V1__DeleteContentRequest req =
		CONTAINERD__SERVICES__CONTENT__V1__DELETE_CONTENT_REQUEST__INIT;
	_cleanup_ctd_msg_ ProtobufCMessage *resp = NULL;

	req.digest = (char *)digest;
	return ctd_call(c, CONTENT_METHOD("Delete"), &req.base, &google__protobuf__empty__descriptor,
			&resp, errp);
}

int
ctd_content_read(struct ctd *c, const char *digest, int64_t offset, int64_t size,
		 ctd_content_data_fn fn, void *arg, struct err **errp)
{
	Containerd__Services__Content__V1__ReadContentRequest req =
		CONTAINERD__SERVICES__CONTENT__V1__READ_CONTENT_REQUEST__INIT;
	_cleanup_(ctd_stream_freep) struct ctd_stream *s = NULL;
	int64_t next = 0; /* containerd 1.6 counts reply offsets from the requested offset */

	req.digest = (char *)digest;
	req.offset = offset;
	req.size = size;
	if (open_server_stream(c, CONTENT_METHOD("Read"), &req.base, &s, errp) < 0)
		return -1;
	for (;;) {
		_cleanup_ctd_msg_ ReadResp *resp = NULL;
		int r = ctd_stream_recv(s, DESC(read_content_response),
					(ProtobufCMessage **)&resp, errp);

		if (r <= 0)
			return r;
		if (resp->offset != next)
			return err_set(errp, ERR_INTERNAL,
				       "read %s: containerd sent offset %lld, expected %lld", digest,
				       (long long)resp->offset, (long long)next);
		next += (int64_t)resp->data.len;
		if (resp->data.len && fn(arg, resp->data.data, resp->data.len, errp) < 0)
			return -1;
	}
}

int
ctd_content_status(struct ctd *c, const char *ref, CtdContentStatus **ret, struct err **errp)
{
	Containerd__Services__Content__V1__StatusRequest req =
		CONTAINERD__SERVICES__CONTENT__V1__STATUS_REQUEST__INIT;
	_cleanup_ctd_msg_ Containerd__Services__Content__V1__StatusResponse *resp = NULL;

	req.ref = (char *)ref;
	if (ctd_call(c, CONTENT_METHOD("Status"), &req.base,
		     DESC(status_response),
		     (ProtobufCMessage **)&resp, errp) < 0)
		return -1;
	if (!resp->status)
		return err_set(errp, ERR_NOT_FOUND, "ingest %s: not found", ref);
	*ret = TAKE_PTR(resp->status);
	return 0;
}

int
ctd_content_list_statuses(struct ctd *c, char *const *filters, CtdContentStatusList **ret,
			  struct err **errp)
{
	Containerd__Services__Content__V1__ListStatusesRequest req =
		CONTAINERD__SERVICES__CONTENT__V1__LIST_STATUSES_REQUEST__INIT;

	req.n_filters = filters ? strv_length(filters) : 0;
	req.filters = (char **)filters;
	return ctd_call(c, CONTENT_METHOD("ListStatuses"), &req.base,
			DESC(list_statuses_response),
			(ProtobufCMessage **)ret, errp);
}

int
ctd_content_abort(struct ctd *c, const char *ref, struct err **errp)
{
	Containerd__Services__Content__V1__AbortRequest req =
		CONTAINERD__SERVICES__CONTENT__V1__ABORT_REQUEST__INIT;
	_cleanup_ctd_msg_ ProtobufCMessage *resp = NULL;

	req.ref = (char *)ref;
	return ctd_call(c, CONTENT_METHOD("Abort"), &req.base, &google__protobuf__empty__descriptor,
			&resp, errp);
}

/* ---- writer ---- */

struct ctd_writer {
	struct ctd_stream *s;
	char *ref;
	char *expected;
	int64_t total;
	int64_t start_offset;		/* containerd's offset at STAT */
	int64_t offset;			/* bytes sent */
	int64_t acks[WRITE_INFLIGHT + 1]; /* offsets the outstanding WRITEs should report */
	size_t nacks;
	bool committed;
};

static int
writer_recv(struct ctd_writer *w, Containerd__Services__Content__V1__WriteAction action,
	    WriteResp **ret, struct err **errp)
{
	_cleanup_ctd_msg_ WriteResp *resp = NULL;
	int r = ctd_stream_recv(w->s, DESC(write_content_response),
				(ProtobufCMessage **)&resp, errp);

	if (r < 0)
		return -1;
	if (r == 0)
		return err_set(errp, ERR_INTERNAL, "write %s: containerd ended the stream early", w->ref);
	if (resp->action != action)
		return err_set(errp, ERR_INTERNAL, "write %s: containerd answered action %d to %d",
			       w->ref, resp->action, action);
	*ret = TAKE_PTR(resp);
	return 0;
}

/* Takes the oldest outstanding WRITE acknowledgement and checks its offset. */
static int
writer_ack(struct ctd_writer *w, struct err **errp)
{
	_cleanup_ctd_msg_ WriteResp *resp = NULL;

	if (writer_recv(w, ACTION_WRITE, &resp, errp) < 0)
		return -1;
	if (resp->offset != w->acks[0])
		return err_set(errp, ERR_INTERNAL, "write %s: containerd is at offset %lld, expected %lld",
			       w->ref, (long long)resp->offset, (long long)w->acks[0]);
	memmove(w->acks, w->acks + 1, (w->nacks - 1) * sizeof(w->acks[0]));
	w->nacks--;
	return 0;
}

int
ctd_content_writer_open(struct ctd *c, const char *ref, int64_t total, const char *expected,
			struct ctd_writer **ret, struct err **errp)
{
	WriteReq req = CONTAINERD__SERVICES__CONTENT__V1__WRITE_CONTENT_REQUEST__INIT;
	_cleanup_(ctd_content_writer_freep) struct ctd_writer *w = xnew(struct ctd_writer, 1);
	_cleanup_ctd_msg_ WriteResp *resp = NULL;

	w->ref = xstrdup(ref);
	w->expected = xstrdup(expected ? expected : "");
	w->total = total;
	req.action = ACTION_STAT;
	req.ref = w->ref;
	req.total = total;
	req.expected = w->expected;
	if (ctd_stream_open(c, CONTENT_METHOD("Write"), &w->s, errp) < 0 ||
	    ctd_stream_send(w->s, &req.base, errp) < 0 ||
	    writer_recv(w, ACTION_STAT, &resp, errp) < 0)
		return -1;
	w->start_offset = resp->offset;
	*ret = TAKE_PTR(w);
	return 0;
}

int64_t
ctd_content_writer_offset(const struct ctd_writer *w)
{
	return w->start_offset;
}

void
ctd_content_writer_resume(struct ctd_writer *w)
{
	w->offset = w->start_offset;
}

int
ctd_content_writer_write(struct ctd_writer *w, const void *data, size_t len, struct err **errp)
{
	const uint8_t *p = data;

	if (w->committed)
		return err_set(errp, ERR_INTERNAL, "write %s: already committed", w->ref);
	while (len > 0) {
		WriteReq req = CONTAINERD__SERVICES__CONTENT__V1__WRITE_CONTENT_REQUEST__INIT;
		size_t n = len < WRITE_CHUNK ? len : WRITE_CHUNK;

		while (w->nacks >= WRITE_INFLIGHT)
			if (writer_ack(w, errp) < 0)
				return -1;
		req.action = ACTION_WRITE;
		req.ref = w->ref;
		req.offset = w->offset;
		req.data.data = (uint8_t *)p;
		req.data.len = n;
		if (ctd_stream_send(w->s, &req.base, errp) < 0)
			return -1;
		w->offset += (int64_t)n;
		w->acks[w->nacks++] = w->offset;
		p += n;
		len -= n;
	}
	return 0;
}

int
ctd_content_writer_commit(struct ctd_writer *w, char *const *labels, struct err **errp)
{
	WriteReq req = CONTAINERD__SERVICES__CONTENT__V1__WRITE_CONTENT_REQUEST__INIT;
	_cleanup_ctd_msg_ WriteResp *resp = NULL;
	int r;

	if (w->committed)
		return err_set(errp, ERR_INTERNAL, "write %s: already committed", w->ref);
	while (w->nacks > 0)
		if (writer_ack(w, errp) < 0)
			return -1;
	req.action = ACTION_COMMIT;
	req.ref = w->ref;
	req.total = w->total ? w->total : w->offset;
	req.expected = w->expected;
	req.offset = w->offset;
	req.labels = (void *)ctd_labels_build(
		DESC(write_content_request__labels_entry),
		labels, &req.n_labels);
	r = ctd_stream_send(w->s, &req.base, errp);
	ctd_labels_free((struct ctd_label **)req.labels, req.n_labels);
	if (r < 0 || ctd_stream_close_send(w->s, errp) < 0 ||
	    writer_recv(w, ACTION_COMMIT, &resp, errp) < 0)
		return -1;
	w->committed = true;
	/*
	 * containerd 1.6 sends the COMMIT reply twice (once in its loop, once from a deferred
	 * send) and then ends the stream; that status is the commit's outcome.
	 */
	for (;;) {
		_cleanup_ctd_msg_ WriteResp *extra = NULL;

		r = ctd_stream_recv(w->s, DESC(write_content_response),
				    (ProtobufCMessage **)&extra, errp);
		if (r <= 0)
			return r;
		if (extra->action != ACTION_COMMIT)
			return err_set(errp, ERR_INTERNAL, "write %s: unexpected message after commit",
				       w->ref);
	}
}

void
ctd_content_writer_free(struct ctd_writer *w)
{
	if (!w)
		return;
	ctd_stream_free(w->s);
	free(w->ref);
	free(w->expected);
	free(w);
}

int
ctd_content_write_blob(struct ctd *c, const char *ref, const void *data, size_t len,
		       const char *expected, char *const *labels, struct err **errp)
{
	_cleanup_(ctd_content_writer_freep) struct ctd_writer *w = NULL;
	_cleanup_err_ struct err *err = NULL;

	if (ctd_content_writer_open(c, ref, (int64_t)len, expected, &w, &err) < 0 ||
	    ctd_content_writer_write(w, data, len, &err) < 0 ||
	    ctd_content_writer_commit(w, labels, &err) < 0) {
		if (err->kind == ERR_EXISTS && expected)
			return 0;
		return err_move(errp, &err);
	}
	return 0;
}
