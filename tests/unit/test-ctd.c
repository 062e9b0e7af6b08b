/* Unit tests for src/ctd: protobuf round trips, gRPC framing, status mapping, connect errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sys/un.h>
#include <cmocka.h>
#include <nghttp2/nghttp2.h>

#include "ctd/containers.h"
#include "ctd/content.h"
#include "ctd/ctd.h"
#include "ctd/events.h"
#include "ctd/grpc.h"
#include "ctd/labels.h"
#include "ctd/namespaces.h"
#include "ctd/version.h"
#include "containerd/events/namespace.pb-c.h"
#include "google/protobuf/empty.pb-c.h"
#include "base/buf.h"

static void
test_roundtrip_namespace(void **state)
{
	char *kv[] = { "a=1", "b=x=y", "flag", NULL };
	CtdNamespace ns = CONTAINERD__SERVICES__NAMESPACES__V1__NAMESPACE__INIT;
	CtdNamespace *out;
	uint8_t buf[256];
	size_t len;

	ns.name = "ctdtest";
	ns.labels = (void *)ctd_labels_build(
		&containerd__services__namespaces__v1__namespace__labels_entry__descriptor, kv,
		&ns.n_labels);
	assert_int_equal(ns.n_labels, 3);
	len = protobuf_c_message_get_packed_size(&ns.base);
	assert_true(len < sizeof(buf));
	protobuf_c_message_pack(&ns.base, buf);
	ctd_labels_free((struct ctd_label **)ns.labels, ns.n_labels);

	out = (CtdNamespace *)protobuf_c_message_unpack(
		&containerd__services__namespaces__v1__namespace__descriptor, NULL, len, buf);
	assert_non_null(out);
	assert_string_equal(out->name, "ctdtest");
	assert_int_equal(out->n_labels, 3);
	assert_string_equal(ctd_labels_get(out->labels, out->n_labels, "a"), "1");
	assert_string_equal(ctd_labels_get(out->labels, out->n_labels, "b"), "x=y");
	assert_string_equal(ctd_labels_get(out->labels, out->n_labels, "flag"), "");
	assert_null(ctd_labels_get(out->labels, out->n_labels, "c"));
	ctd_msg_free(out);
}

static void
test_roundtrip_write_request(void **state)
{
	/* Field numbers are wire facts: action=1 ref=2 total=3 expected=4 offset=5 data=6. */
	static const uint8_t want[] = {
		0x08, 0x01, 0x12, 0x01, 'r', 0x18, 0x03, 0x22, 0x01, 'd', 0x28, 0x07,
		0x32, 0x03, 'a', 'b', 'c',
	};
	Containerd__Services__Content__V1__WriteContentRequest req =
		CONTAINERD__SERVICES__CONTENT__V1__WRITE_CONTENT_REQUEST__INIT;
	Containerd__Services__Content__V1__WriteContentRequest *out;
	uint8_t buf[64];
	size_t len;

	req.action = CONTAINERD__SERVICES__CONTENT__V1__WRITE_ACTION__WRITE;
	req.ref = "r";
	req.total = 3;
	req.expected = "d";
	req.offset = 7;
	req.data.data = (uint8_t *)"abc";
	req.data.len = 3;
	len = protobuf_c_message_pack(&req.base, buf);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	out = containerd__services__content__v1__write_content_request__unpack(NULL, len, buf);
	assert_non_null(out);
	assert_int_equal(out->offset, 7);
	assert_int_equal(out->data.len, 3);
	assert_memory_equal(out->data.data, "abc", 3);
	ctd_msg_free(out);
}

static void
test_roundtrip_envelope_any(void **state)
{
	Containerd__Events__NamespaceCreate ev = CONTAINERD__EVENTS__NAMESPACE_CREATE__INIT;
	Google__Protobuf__Any any = GOOGLE__PROTOBUF__ANY__INIT;
	CtdEnvelope env = CONTAINERD__SERVICES__EVENTS__V1__ENVELOPE__INIT, *out;
	Containerd__Events__NamespaceCreate *got = NULL;
	struct err *err = NULL;
	uint8_t evbuf[64], buf[256];
	size_t len;

	ev.name = "ctdtest-ns";
	any.type_url = "containerd.events.NamespaceCreate";
	any.value.data = evbuf;
	any.value.len = protobuf_c_message_pack(&ev.base, evbuf);
	env.topic = "/namespaces/create";
	env.namespace_ = "ctdtest-ns";
	env.event = &any;
	len = protobuf_c_message_pack(&env.base, buf);
	out = containerd__services__events__v1__envelope__unpack(NULL, len, buf);
	assert_non_null(out);
	assert_string_equal(out->topic, "/namespaces/create");
	assert_int_equal(ctd_events_unpack(out, &containerd__events__namespace_create__descriptor,
					   (ProtobufCMessage **)&got, &err), 0);
	assert_string_equal(got->name, "ctdtest-ns");
	ctd_msg_free(got);
	assert_int_equal(ctd_events_unpack(out, &containerd__events__namespace_delete__descriptor,
					   (ProtobufCMessage **)&got, &err), -1);
	assert_int_equal(err->kind, ERR_INVALID);
	err_free(err);
	ctd_msg_free(out);
}

/* Three messages framed back to back, the last one empty. */
static void
frame_three(struct buf *b)
{
	CtdVersion v = CONTAINERD__SERVICES__VERSION__V1__VERSION_RESPONSE__INIT;
	static char big[3000];

	memset(big, 'x', sizeof(big) - 1);
	v.version = "1.6.20";
	v.revision = "abc";
	grpc_frame_append(b, &v.base);
	v.version = big;
	grpc_frame_append(b, &v.base);
	grpc_frame_append_raw(b, "", 0);
}

static void
check_three(struct grpc_deframer *d)
{
	struct grpc_msg *m;
	CtdVersion *v;

	assert_int_equal(d->queued, 3);
	m = grpc_deframer_pop(d);
	v = containerd__services__version__v1__version_response__unpack(NULL, m->len, m->data);
	assert_string_equal(v->version, "1.6.20");
	assert_string_equal(v->revision, "abc");
	ctd_msg_free(v);
	free(m);
	m = grpc_deframer_pop(d);
	v = containerd__services__version__v1__version_response__unpack(NULL, m->len, m->data);
	assert_int_equal(strlen(v->version), 2999);
	ctd_msg_free(v);
	free(m);
	m = grpc_deframer_pop(d);
	assert_int_equal(m->len, 0);
	free(m);
	assert_null(grpc_deframer_pop(d));
	assert_true(grpc_deframer_idle(d));
}

static void
test_frame_encode(void **state)
{
	_cleanup_buf_ struct buf b = BUF_INIT;

	grpc_frame_append_raw(&b, "\x0a\x01z", 3);
	assert_int_equal(b.len, 8);
	assert_memory_equal(b.data, "\x00\x00\x00\x00\x03\x0a\x01z", 8);
}

static void
test_deframe_splits(void **state)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	/* Chunk sizes: whole buffer (several messages in one DATA frame), single bytes, and
	 * cuts inside the prefix and inside a message body. */
	static const size_t chunks[] = { 0, 1, 2, 3, 4, 5, 6, 7, 1000, 4096 };

	frame_three(&b);
	for (size_t i = 0; i < ARRAY_SIZE(chunks); i++) {
		struct grpc_deframer d;
		size_t step = chunks[i] ? chunks[i] : b.len;
		struct err *err = NULL;

		grpc_deframer_init(&d, 0);
		for (size_t off = 0; off < b.len; off += step) {
			size_t n = b.len - off < step ? b.len - off : step;

			const uint8_t *p = (const uint8_t *)b.data + off;

			assert_int_equal(grpc_deframer_feed(&d, p, n, &err), 0);
			if (off + n < b.len)
				assert_true(d.queued < 3);
		}
		check_three(&d);
		grpc_deframer_release(&d);
	}
}

static void
test_deframe_partial_and_errors(void **state)
{
	static const uint8_t prefix_big[] = { 0, 0x01, 0x00, 0x00, 0x01 }; /* 16 MiB + 1 */
	static const uint8_t compressed[] = { 1, 0, 0, 0, 1, 'x' };
	struct grpc_deframer d;
	struct err *err = NULL;

	grpc_deframer_init(&d, 0);
	assert_int_equal(grpc_deframer_feed(&d, (const uint8_t *)"\0\0\0\0\2a", 6, &err), 0);
	assert_false(grpc_deframer_idle(&d));
	assert_null(grpc_deframer_pop(&d));
	grpc_deframer_release(&d);

	grpc_deframer_init(&d, 0);
	assert_int_equal(grpc_deframer_feed(&d, prefix_big, sizeof(prefix_big), &err), -1);
	assert_int_equal(err->kind, ERR_RESOURCE);
	err_free(err);
	err = NULL;
	grpc_deframer_release(&d);

	grpc_deframer_init(&d, 4);
	assert_int_equal(grpc_deframer_feed(&d, (const uint8_t *)"\0\0\0\0\5", 5, &err), -1);
	assert_int_equal(err->kind, ERR_RESOURCE);
	err_free(err);
	err = NULL;
	grpc_deframer_release(&d);

	grpc_deframer_init(&d, 0);
	assert_int_equal(grpc_deframer_feed(&d, compressed, sizeof(compressed), &err), -1);
	assert_int_equal(err->kind, ERR_INTERNAL);
	err_free(err);
	grpc_deframer_release(&d);
}

static void
test_percent_decode(void **state)
{
	static const struct {
		const char *in, *want;
	} rows[] = {
		{ "", "" },
		{ "plain text", "plain text" },
		{ "namespace %22x%22: not found", "namespace \"x\": not found" },
		{ "100%25", "100%" },
		{ "caf%C3%A9", "caf\xc3\xa9" },
		{ "bad %zz escape", "bad %zz escape" },
		{ "trailing %4", "trailing %4" },
		{ "trailing %", "trailing %" },
		{ "%0a%0A", "\n\n" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		char *got = grpc_percent_decode(rows[i].in, strlen(rows[i].in));

		assert_string_equal(got, rows[i].want);
		free(got);
	}
}

static void
test_status_kind(void **state)
{
	static const struct {
		int code;
		enum err_kind kind;
	} rows[] = {
		{ GRPC_CANCELLED, ERR_CANCELLED },
		{ GRPC_UNKNOWN, ERR_GENERIC },
		{ GRPC_INVALID_ARGUMENT, ERR_INVALID },
		{ GRPC_DEADLINE_EXCEEDED, ERR_TIMEOUT },
		{ GRPC_NOT_FOUND, ERR_NOT_FOUND },
		{ GRPC_ALREADY_EXISTS, ERR_EXISTS },
		{ GRPC_PERMISSION_DENIED, ERR_PERMISSION },
		{ GRPC_RESOURCE_EXHAUSTED, ERR_RESOURCE },
		{ GRPC_FAILED_PRECONDITION, ERR_PRECONDITION },
		{ GRPC_ABORTED, ERR_GENERIC },
		{ GRPC_OUT_OF_RANGE, ERR_INVALID },
		{ GRPC_UNIMPLEMENTED, ERR_UNIMPLEMENTED },
		{ GRPC_INTERNAL, ERR_INTERNAL },
		{ GRPC_UNAVAILABLE, ERR_UNAVAILABLE },
		{ GRPC_DATA_LOSS, ERR_INTERNAL },
		{ GRPC_UNAUTHENTICATED, ERR_UNAUTHORIZED },
		{ 99, ERR_GENERIC },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
		assert_int_equal(ctd_status_kind(rows[i].code), rows[i].kind);
	assert_string_equal(grpc_code_name(GRPC_NOT_FOUND), "NotFound");
	assert_string_equal(grpc_code_name(99), "Unknown");
}

static void
test_connect_missing(void **state)
{
	struct ctd *c = NULL;
	struct err *err = NULL;

	assert_int_equal(ctd_connect("unix:///nonexistent/ctd-test.sock", "default", &c, &err), -1);
	assert_null(c);
	assert_int_equal(err->kind, ERR_UNAVAILABLE);
	assert_string_equal(err->msg,
			    "cannot connect to containerd at unix:///nonexistent/ctd-test.sock: no such file or directory (is containerd running? set --address or CONTAINERD_ADDRESS)");
	assert_null(strchr(err->msg, '\n'));
	err_free(err);
	err = NULL;

	assert_int_equal(ctd_connect("/nonexistent/bare.sock", "default", &c, &err), -1);
	assert_non_null(strstr(err->msg, "unix:///nonexistent/bare.sock"));
	err_free(err);
	err = NULL;

	assert_int_equal(ctd_connect("tcp://127.0.0.1:1", "default", &c, &err), -1);
	assert_int_equal(err->kind, ERR_INVALID);
	err_free(err);
}

/* A unix listener in a fresh temp dir; *ret_path is its socket path. */
static int
listen_tmp(char *dir, size_t dirlen, char *path, size_t pathlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	snprintf(dir, dirlen, "/tmp/ctd-unit-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, pathlen, "%s/s.sock", dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 4), 0);
	return fd;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
test_silent_peer_times_out(void **state)
{
	char dir[64], path[128];
	int lfd = listen_tmp(dir, sizeof(dir), path, sizeof(path));
	struct ctd *c = NULL;
	CtdVersion *v = NULL;
	struct err *err = NULL;
	double t0;

	/* The listener never accepts and never speaks: the kernel completes the connect. */
	assert_int_equal(ctd_connect(path, "default", &c, &err), 0);
	t0 = now_s();
	assert_int_equal(ctd_version(c, &v, &err), -1);
	assert_true(now_s() - t0 < CTD_HANDSHAKE_TIMEOUT_MS / 1000.0 + 2);
	assert_true(now_s() - t0 >= CTD_HANDSHAKE_TIMEOUT_MS / 1000.0 - 0.1);
	assert_int_equal(err->kind, ERR_UNAVAILABLE);
	assert_non_null(strstr(err->msg, path));
	err_free(err);
	err = NULL;
	/* The connection stays dead, quickly. */
	assert_int_equal(ctd_version(c, &v, &err), -1);
	assert_int_equal(err->kind, ERR_UNAVAILABLE);
	err_free(err);
	ctd_free(c);
	close(lfd);
	unlink(path);
	rmdir(dir);
}

static void
test_closing_peer(void **state)
{
	char dir[64], path[128];
	int lfd = listen_tmp(dir, sizeof(dir), path, sizeof(path));
	struct ctd *c = NULL;
	CtdVersion *v = NULL;
	struct err *err = NULL;
	double t0;
	int afd;

	assert_int_equal(ctd_connect(path, "default", &c, &err), 0);
	afd = accept(lfd, NULL, NULL);
	assert_true(afd >= 0);
	assert_int_equal(write(afd, "HTTP/1.1 400 Bad Request\r\n\r\n", 28), 28);
	close(afd);
	t0 = now_s();
	assert_int_equal(ctd_version(c, &v, &err), -1);
	assert_true(now_s() - t0 < 1);
	assert_int_equal(err->kind, ERR_UNAVAILABLE);
	err_free(err);
	ctd_free(c);
	close(lfd);
	unlink(path);
	rmdir(dir);
}

/* ---- a scripted HTTP/2 gRPC server in a child process, to drive the transport ---- */

struct fake_stream {
	char path[64];
	char timeout[32];
	char ns[64];
	struct buf resp;
	size_t off, chunk;
};

static void
copy_hdr(char *dst, size_t n, const uint8_t *v, size_t len)
{
	snprintf(dst, n, "%.*s", (int)len, (const char *)v);
}

static int
fake_begin_headers(nghttp2_session *h2, const nghttp2_frame *frame, void *ud)
{
	struct fake_stream *fs = calloc(1, sizeof(*fs));

	buf_init(&fs->resp, 0);
	nghttp2_session_set_stream_user_data(h2, frame->hd.stream_id, fs);
	return 0;
}

static int
fake_header(nghttp2_session *h2, const nghttp2_frame *frame, const uint8_t *name, size_t namelen,
	    const uint8_t *value, size_t valuelen, uint8_t flags, void *ud)
{
	struct fake_stream *fs = nghttp2_session_get_stream_user_data(h2, frame->hd.stream_id);

	if (!fs)
		return 0;
	if (namelen == 5 && !memcmp(name, ":path", 5))
		copy_hdr(fs->path, sizeof(fs->path), value, valuelen);
	else if (namelen == 12 && !memcmp(name, "grpc-timeout", 12))
		copy_hdr(fs->timeout, sizeof(fs->timeout), value, valuelen);
	else if (namelen == 20 && !memcmp(name, "containerd-namespace", 20))
		copy_hdr(fs->ns, sizeof(fs->ns), value, valuelen);
	return 0;
}

static ssize_t
fake_read(nghttp2_session *h2, int32_t id, uint8_t *dst, size_t length, uint32_t *flags,
	  nghttp2_data_source *src, void *ud)
{
	struct fake_stream *fs = src->ptr;
	size_t n = fs->resp.len - fs->off;

	if (n > length)
		n = length;
	if (fs->chunk && n > fs->chunk)
		n = fs->chunk;
	memcpy(dst, fs->resp.data + fs->off, n);
	fs->off += n;
	if (fs->off == fs->resp.len) {
		nghttp2_nv trailers[] = { { (uint8_t *)"grpc-status", (uint8_t *)"0", 11, 1 } };

		*flags |= NGHTTP2_DATA_FLAG_EOF | NGHTTP2_DATA_FLAG_NO_END_STREAM;
		nghttp2_submit_trailer(h2, id, trailers, 1);
	}
	return (ssize_t)n;
}

static void
fake_version_msg(struct buf *b, const char *version)
{
	CtdVersion v = CONTAINERD__SERVICES__VERSION__V1__VERSION_RESPONSE__INIT;

	v.version = (char *)version;
	grpc_frame_append(b, &v.base);
}

/* Answers by method name once the request is complete. */
static void
fake_respond(nghttp2_session *h2, int32_t id, struct fake_stream *fs)
{
	nghttp2_nv hdrs[] = {
		{ (uint8_t *)":status", (uint8_t *)"200", 7, 3 },
		{ (uint8_t *)"content-type", (uint8_t *)"application/grpc", 12, 16 },
		{ (uint8_t *)"grpc-status", (uint8_t *)"5", 11, 1 },
		{ (uint8_t *)"grpc-message", (uint8_t *)"namespace %22x%22: not found", 12, 28 },
	};
	nghttp2_data_provider prd = { .source.ptr = fs, .read_callback = fake_read };
	const char *m = strrchr(fs->path, '/');

	m = m ? m + 1 : "";
	if (!strcmp(m, "Hang"))
		return;
	if (!strcmp(m, "NotFound")) { /* trailers-only */
		nghttp2_submit_response(h2, id, hdrs, 4, NULL);
		return;
	}
	if (!strcmp(m, "ListStream")) { /* a containerd before 1.5 */
		hdrs[2].value = (uint8_t *)"12";
		hdrs[2].valuelen = 2;
		nghttp2_submit_response(h2, id, hdrs, 3, NULL);
		return;
	}
	if (!strcmp(m, "List")) { /* containers "a", "b" and "c" */
		CtdContainer ca = CONTAINERD__SERVICES__CONTAINERS__V1__CONTAINER__INIT;
		CtdContainer cb = ca, cc = ca, *cs[] = { &ca, &cb, &cc };
		CtdContainerList l = CONTAINERD__SERVICES__CONTAINERS__V1__LIST_CONTAINERS_RESPONSE__INIT;

		ca.id = "a";
		cb.id = "b";
		cc.id = "c";
		l.n_containers = 3;
		l.containers = cs;
		grpc_frame_append(&fs->resp, &l.base);
	}
	if (!strcmp(m, "Split")) { /* one message in 3-byte DATA frames */
		fake_version_msg(&fs->resp, "split-across-many-data-frames");
		fs->chunk = 3;
	} else if (!strcmp(m, "Two")) { /* two messages in one DATA frame */
		fake_version_msg(&fs->resp, "one");
		fake_version_msg(&fs->resp, "two");
	} else if (!strcmp(m, "Headers")) {
		char v[128];

		snprintf(v, sizeof(v), "%s|%s", fs->timeout, fs->ns);
		fake_version_msg(&fs->resp, v);
	} else if (!strcmp(m, "Big")) {
		grpc_frame_append_raw(&fs->resp, "", 0);
		buf_add(&fs->resp, "\0\x01\x00\x00\x01xxxx", 9);
	}
	nghttp2_submit_response(h2, id, hdrs, 2, &prd);
}

static int
fake_frame_recv(nghttp2_session *h2, const nghttp2_frame *frame, void *ud)
{
	struct fake_stream *fs;

	if ((frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA) ||
	    !(frame->hd.flags & NGHTTP2_FLAG_END_STREAM))
		return 0;
	fs = nghttp2_session_get_stream_user_data(h2, frame->hd.stream_id);
	if (fs)
		fake_respond(h2, frame->hd.stream_id, fs);
	return 0;
}

static _noreturn_ void
fake_serve(int lfd)
{
	nghttp2_session_callbacks *cbs;
	nghttp2_session *h2;
	int fd = accept(lfd, NULL, NULL);

	nghttp2_session_callbacks_new(&cbs);
	nghttp2_session_callbacks_set_on_begin_headers_callback(cbs, fake_begin_headers);
	nghttp2_session_callbacks_set_on_header_callback(cbs, fake_header);
	nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, fake_frame_recv);
	nghttp2_session_server_new(&h2, cbs, NULL);
	nghttp2_submit_settings(h2, NGHTTP2_FLAG_NONE, NULL, 0);
	for (;;) {
		const uint8_t *out;
		uint8_t in[16384];
		ssize_t n;

		while ((n = nghttp2_session_mem_send(h2, &out)) > 0)
			if (write(fd, out, (size_t)n) != n)
				_exit(1);
		n = read(fd, in, sizeof(in));
		if (n <= 0 || nghttp2_session_mem_recv(h2, in, (size_t)n) < 0)
			_exit(0);
	}
}

static void
test_fake_server(void **state)
{
	char dir[64], path[128];
	int lfd = listen_tmp(dir, sizeof(dir), path, sizeof(path));
	Google__Protobuf__Empty req = GOOGLE__PROTOBUF__EMPTY__INIT;
	const ProtobufCMessageDescriptor *vd =
		&containerd__services__version__v1__version_response__descriptor;
	struct ctd_stream *s = NULL;
	struct ctd *c = NULL;
	struct err *err = NULL;
	CtdVersion *v = NULL;
	pid_t pid = fork();
	double t0;

	assert_true(pid >= 0);
	if (pid == 0)
		fake_serve(lfd);
	close(lfd);
	assert_int_equal(ctd_connect(path, "ctdtest-ns", &c, &err), 0);

	/* A status in trailers-only headers, message percent-decoded, kind mapped. */
	assert_int_equal(ctd_call(c, "/t.S/NotFound", &req.base, vd, (ProtobufCMessage **)&v, &err), -1);
	assert_int_equal(err->kind, ERR_NOT_FOUND);
	assert_string_equal(err->msg, "namespace \"x\": not found");
	err_free(err);
	err = NULL;

	/* A message split over many DATA frames. */
	assert_int_equal(ctd_call(c, "/t.S/Split", &req.base, vd, (ProtobufCMessage **)&v, &err), 0);
	assert_string_equal(v->version, "split-across-many-data-frames");
	ctd_msg_free(v);

	/* A stream left unread while a unary call runs keeps its messages queued. */
	assert_int_equal(ctd_stream_open(c, "/t.S/Two", &s, &err), 0);
	assert_int_equal(ctd_stream_send(s, &req.base, &err), 0);
	assert_int_equal(ctd_stream_close_send(s, &err), 0);
	ctd_set_timeout(c, 5000);
	assert_int_equal(ctd_call(c, "/t.S/Headers", &req.base, vd, (ProtobufCMessage **)&v, &err), 0);
	assert_string_equal(v->version, "5000m|ctdtest-ns");
	ctd_msg_free(v);
	assert_int_equal(ctd_stream_recv(s, vd, (ProtobufCMessage **)&v, &err), 1);
	assert_string_equal(v->version, "one");
	ctd_msg_free(v);
	assert_int_equal(ctd_stream_recv(s, vd, (ProtobufCMessage **)&v, &err), 1);
	assert_string_equal(v->version, "two");
	ctd_msg_free(v);
	assert_int_equal(ctd_stream_recv(s, vd, (ProtobufCMessage **)&v, &err), 0);
	ctd_stream_free(s);

	/* The local deadline; the connection stays usable afterwards. */
	ctd_set_timeout(c, 200);
	t0 = now_s();
	assert_int_equal(ctd_call(c, "/t.S/Hang", &req.base, vd, (ProtobufCMessage **)&v, &err), -1);
	assert_int_equal(err->kind, ERR_TIMEOUT);
	assert_true(now_s() - t0 < 2);
	err_free(err);
	err = NULL;
	ctd_set_timeout(c, 0);

	/* Over the 16 MiB cap. */
	assert_int_equal(ctd_call(c, "/t.S/Big", &req.base, vd, (ProtobufCMessage **)&v, &err), -1);
	assert_int_equal(err->kind, ERR_RESOURCE);
	err_free(err);
	err = NULL;

	/* Freeing streams before their HEADERS left, and while the server still owes a reply. */
	assert_int_equal(ctd_stream_open(c, "/t.S/Two", &s, &err), 0);
	ctd_stream_free(s);
	assert_int_equal(ctd_stream_open(c, "/t.S/Hang", &s, &err), 0);
	assert_int_equal(ctd_stream_send(s, &req.base, &err), 0);
	assert_int_equal(ctd_stream_close_send(s, &err), 0);
	ctd_stream_free(s);
	assert_int_equal(ctd_call(c, "/t.S/Split", &req.base, vd, (ProtobufCMessage **)&v, &err), 0);
	ctd_msg_free(v);
	ctd_free(c);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_namespace),
		cmocka_unit_test(test_roundtrip_write_request),
		cmocka_unit_test(test_roundtrip_envelope_any),
		cmocka_unit_test(test_frame_encode),
		cmocka_unit_test(test_deframe_splits),
		cmocka_unit_test(test_deframe_partial_and_errors),
		cmocka_unit_test(test_percent_decode),
		cmocka_unit_test(test_status_kind),
		cmocka_unit_test(test_connect_missing),
		cmocka_unit_test(test_closing_peer),
		cmocka_unit_test(test_fake_server),
		cmocka_unit_test(test_silent_peer_times_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
