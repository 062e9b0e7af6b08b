/*
 * The containerd connection: an nghttp2 client session over a unix socket, driven by poll()
 * on one thread, carrying gRPC calls and streams.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <nghttp2/nghttp2.h>

#include "ctd/ctd.h"
#include "ctd/grpc.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include "base/log.h"
#include "base/banned.h"

/* Windows large enough that a content Read never waits for a WINDOW_UPDATE round trip. */
#define CTD_STREAM_WINDOW ((1 << 24) + (1 << 20))
#define CTD_CONN_WINDOW (1 << 26)
/* ctd_stream_send returns once at most this much of the stream's output is still queued. */
#define CTD_SEND_HIGHWATER (256u << 10)
/* Coalesce nghttp2 output up to this much per send(). */
#define CTD_OUT_CHUNK (64u << 10)
/* Grace on top of a call deadline, so containerd's own DEADLINE_EXCEEDED usually wins. */
#define CTD_DEADLINE_GRACE_MS 50

struct ctd {
	int fd;
	nghttp2_session *h2;
	char *address;			/* "unix:///path" */
	char *ns;
	char *lease;			/* containerd-lease header, NULL: none */
	int timeout_ms;
	bool got_settings;		/* the server spoke HTTP/2 */
	int64_t handshake_deadline;	/* set by the first pump; 0 before */
	struct buf out;			/* session output not yet written */
	size_t out_off;
	struct err *dead;		/* set once the connection is unusable */
	struct ctd_stream *streams;
};

struct ctd_stream {
	struct ctd *c;			/* NULL once the connection is freed */
	struct ctd_stream *prev, *next;
	int32_t id;
	int64_t deadline;		/* monotonic ms, 0: none */
	struct grpc_deframer in;
	struct buf out;			/* framed requests not yet taken by nghttp2 */
	size_t out_off;
	bool out_eof;			/* END_STREAM after out drains */
	bool deferred;			/* the data provider is parked */
	bool closed;			/* nghttp2 closed the stream */
	uint32_t h2_error;
	int http_status;
	int grpc_status;		/* -1 until received */
	char *grpc_message;
	struct err *err;		/* local failure: size cap, bad framing, timeout */
};

/* Microseconds, monotonic. */
static int64_t
now_ms_precise(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct ctd_stream *
stream_find(struct ctd *c, int32_t id)
{
	for (struct ctd_stream *s = c->streams; s; s = s->next)
		if (s->id == id)
			return s;
	return NULL;
}

static void
conn_kill(struct ctd *c, enum err_kind kind, const char *msg)
{
	if (!c->dead)
		err_set(&c->dead, kind, "connection to containerd at %s: %s", c->address, msg);
}

static int
conn_dead_err(struct ctd *c, struct err **errp)
{
	return err_set(errp, c->dead->kind, "%s", c->dead->msg);
}

/* ---- nghttp2 callbacks ---- */

static int
on_header(nghttp2_session *h2, const nghttp2_frame *frame, const uint8_t *name, size_t namelen,
	  const uint8_t *value, size_t valuelen, uint8_t flags, void *user_data)
{
	struct ctd *c = user_data;
	struct ctd_stream *s;

	if (frame->hd.type != NGHTTP2_HEADERS)
		return 0;
	s = stream_find(c, frame->hd.stream_id);
	if (!s)
		return 0;
	if (namelen == 7 && !memcmp(name, ":status", 7)) {
		s->http_status = 0;
		for (size_t i = 0; i < valuelen && i < 4; i++)
			if (value[i] >= '0' && value[i] <= '9')
				s->http_status = s->http_status * 10 + (value[i] - '0');
	} else if (namelen == 11 && !memcmp(name, "grpc-status", 11)) {
		int code = 0;

		for (size_t i = 0; i < valuelen && i < 6; i++) {
			if (value[i] < '0' || value[i] > '9') {
				code = GRPC_UNKNOWN;
				break;
			}
			code = code * 10 + (value[i] - '0');
		}
		s->grpc_status = valuelen ? code : GRPC_UNKNOWN;
	} else if (namelen == 12 && !memcmp(name, "grpc-message", 12)) {
		free(s->grpc_message);
		s->grpc_message = grpc_percent_decode((const char *)value, valuelen);
	}
	return 0;
}

static int
on_data_chunk(nghttp2_session *h2, uint8_t flags, int32_t id, const uint8_t *data, size_t len,
	      void *user_data)
{
	struct ctd *c = user_data;
	struct ctd_stream *s = stream_find(c, id);

	if (!s || s->err)
		return 0;
	if (grpc_deframer_feed(&s->in, data, len, &s->err) < 0)
		nghttp2_submit_rst_stream(h2, NGHTTP2_FLAG_NONE, id, NGHTTP2_CANCEL);
	return 0;
}

static int
on_stream_close(nghttp2_session *h2, int32_t id, uint32_t error_code, void *user_data)
{
	struct ctd *c = user_data;
	struct ctd_stream *s = stream_find(c, id);

	if (s) {
		s->closed = true;
		s->h2_error = error_code;
	}
	return 0;
}

static int
on_frame_recv(nghttp2_session *h2, const nghttp2_frame *frame, void *user_data)
{
	struct ctd *c = user_data;

	if (frame->hd.type == NGHTTP2_SETTINGS && !(frame->hd.flags & NGHTTP2_FLAG_ACK))
		c->got_settings = true;
	return 0;
}

/* Feeds nghttp2 from the stream's queued request bytes; parks the stream when they run out. */
static ssize_t
read_request(nghttp2_session *h2, int32_t id, uint8_t *dst, size_t length, uint32_t *data_flags,
	     nghttp2_data_source *source, void *user_data)
{
	struct ctd *c = user_data;
	struct ctd_stream *s = stream_find(c, id);
	size_t avail, n;

	/* Freed by the caller while nghttp2 still had it queued; ctd_stream_free sent RST. */
	if (!s)
		return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
	avail = s->out.len - s->out_off;
	if (!avail && !s->out_eof) {
		s->deferred = true;
		return NGHTTP2_ERR_DEFERRED;
	}
	n = avail < length ? avail : length;
	memcpy(dst, s->out.data + s->out_off, n);
	s->out_off += n;
	if (s->out_off == s->out.len) {
		buf_reset(&s->out);
		s->out_off = 0;
		if (s->out_eof)
			*data_flags |= NGHTTP2_DATA_FLAG_EOF;
	}
	return (ssize_t)n;
}

/* ---- socket pump ---- */

static bool
conn_want_write(struct ctd *c)
{
	return c->out_off < c->out.len || nghttp2_session_want_write(c->h2);
}

/* Writes what the session has to say without blocking; the rest waits for POLLOUT. */
static int
conn_flush(struct ctd *c)
{
	for (;;) {
		ssize_t w;

		if (c->out_off == c->out.len) {
			buf_reset(&c->out);
			c->out_off = 0;
			while (c->out.len < CTD_OUT_CHUNK) {
				const uint8_t *data;
				ssize_t n = nghttp2_session_mem_send(c->h2, &data);

				if (n < 0) {
					conn_kill(c, ERR_INTERNAL, nghttp2_strerror((int)n));
					return -1;
				}
				if (n == 0)
					break;
				buf_add(&c->out, data, (size_t)n);
			}
			if (!c->out.len)
				return 0;
		}
		w = send(c->fd, c->out.data + c->out_off, c->out.len - c->out_off,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			conn_kill(c, ERR_UNAVAILABLE, strerror(errno));
			return -1;
		}
		c->out_off += (size_t)w;
	}
}

static int
conn_read(struct ctd *c)
{
	uint8_t rbuf[CTD_OUT_CHUNK];
	ssize_t n, r;

	n = recv(c->fd, rbuf, sizeof(rbuf), MSG_DONTWAIT);
	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		conn_kill(c, ERR_UNAVAILABLE, strerror(errno));
		return -1;
	}
	if (n == 0) {
		conn_kill(c, ERR_UNAVAILABLE,
			  c->got_settings ? "containerd closed the connection" :
					    "closed before the HTTP/2 handshake (is this containerd's gRPC socket?)");
		return -1;
	}
	r = nghttp2_session_mem_recv(c->h2, rbuf, (size_t)n);
	if (r < 0) {
		conn_kill(c, ERR_INTERNAL, nghttp2_strerror((int)r));
		return -1;
	}
	return 0;
}

typedef bool (*done_fn)(const struct ctd_stream *s);

static bool
stream_ended(const struct ctd_stream *s)
{
	return s->closed || s->err;
}

static bool
stream_has_msg(const struct ctd_stream *s)
{
	return s->in.head || stream_ended(s);
}

static bool
stream_sent(const struct ctd_stream *s)
{
	return s->out.len - s->out_off <= CTD_SEND_HIGHWATER || stream_ended(s);
}

/*
 * Runs the session until done(s) holds. The stream's deadline ends it with ERR_TIMEOUT (the
 * stream is reset); a silent peer ends the connection after the handshake timeout. Other
 * streams' messages are queued on the way.
 */
static int
conn_pump(struct ctd *c, struct ctd_stream *s, done_fn done, struct err **errp)
{
	for (;;) {
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		int64_t deadline = s->deadline, now;
		bool handshake = false;
		int wait = -1, r;

		if (!c->dead)
			conn_flush(c);
		if (done(s))
			return 0;
		if (c->dead)
			return conn_dead_err(c, errp);
		if (!nghttp2_session_want_read(c->h2) && !conn_want_write(c)) {
			conn_kill(c, ERR_UNAVAILABLE, "the HTTP/2 session ended (GOAWAY)");
			continue;
		}
		now = now_ms();
		if (!c->got_settings) {
			if (!c->handshake_deadline)
				c->handshake_deadline = now + CTD_HANDSHAKE_TIMEOUT_MS;
			if (!deadline || c->handshake_deadline < deadline) {
				deadline = c->handshake_deadline;
				handshake = true;
			}
		}
		if (deadline) {
			if (now >= deadline) {
				if (handshake) {
					conn_kill(c, ERR_UNAVAILABLE,
						  "no HTTP/2 answer within 3 seconds (is this containerd's gRPC socket?)");
					continue;
				}
				err_set(&s->err, ERR_TIMEOUT, "deadline exceeded");
				nghttp2_submit_rst_stream(c->h2, NGHTTP2_FLAG_NONE, s->id,
							  NGHTTP2_CANCEL);
				conn_flush(c);
				return err_set(errp, ERR_TIMEOUT, "deadline exceeded");
			}
			wait = (int)(deadline - now);
		}
		if (conn_want_write(c))
			pfd.events |= POLLOUT;
		r = poll(&pfd, 1, wait);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			conn_kill(c, ERR_INTERNAL, strerror(errno));
			continue;
		}
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR))
			conn_read(c);
	}
}

/* ---- connection ---- */

static const char *
lower_strerror(int errnum, char *tmp, size_t n)
{
	/* Go prints errno text in lower case; match containerd's own tools. */
	const char *e = strerror(errnum);
	size_t i = 0;

	for (; e[i] && i + 1 < n; i++)
		tmp[i] = (char)(i == 0 && e[i] >= 'A' && e[i] <= 'Z' ? e[i] - 'A' + 'a' : e[i]);
	tmp[i] = '\0';
	return tmp;
}

int
ctd_connect(const char *address, const char *ns, struct ctd **ret, struct err **errp)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = CTD_HANDSHAKE_TIMEOUT_MS / 1000 };
	nghttp2_settings_entry settings[] = {
		{ NGHTTP2_SETTINGS_ENABLE_PUSH, 0 },
		{ NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, CTD_STREAM_WINDOW },
	};
	nghttp2_session_callbacks *cbs;
	_cleanup_close_ int fd = -1;
	const char *path = address;
	struct ctd *c;
	char tmp[128];
	int r;

	if (!strncmp(address, "unix://", 7))
		path = address + 7;
	else if (strstr(address, "://"))
		return err_set(errp, ERR_INVALID,
			       "unsupported containerd address %s: only unix:///path sockets are supported",
			       address);
	if (!*path || strlen(path) >= sizeof(sa.sun_path))
		return err_set(errp, ERR_INVALID, "invalid containerd socket path \"%s\"", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_sys(errp, errno, "socket");
	/* connect() on a unix socket blocks while the listener's backlog is full; bound it. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno == EINPROGRESS ? ETIMEDOUT : errno;
		const char *hint = "";

		if (e == ENOENT || e == ECONNREFUSED)
			hint = " (is containerd running? set --address or CONTAINERD_ADDRESS)";
		else if (e == EACCES || e == EPERM)
			hint = " (containerd's socket is usually root-only)";
		return err_set(errp, ERR_UNAVAILABLE, "cannot connect to containerd at unix://%s: %s%s",
			       path, lower_strerror(e, tmp, sizeof(tmp)), hint);
	}

	c = xnew(struct ctd, 1);
	c->address = xasprintf("unix://%s", path);
	c->ns = xstrdup(ns ? ns : "");
	buf_init(&c->out, 0);
	if (nghttp2_session_callbacks_new(&cbs))
		abort();
	nghttp2_session_callbacks_set_on_header_callback(cbs, on_header);
	nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, on_data_chunk);
	nghttp2_session_callbacks_set_on_stream_close_callback(cbs, on_stream_close);
	nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, on_frame_recv);
	r = nghttp2_session_client_new(&c->h2, cbs, c);
	nghttp2_session_callbacks_del(cbs);
	if (r)
		abort(); /* only NGHTTP2_ERR_NOMEM */
	/* Queued, not sent: they leave with the first request. */
	nghttp2_submit_settings(c->h2, NGHTTP2_FLAG_NONE, settings, ARRAY_SIZE(settings));
	nghttp2_session_set_local_window_size(c->h2, NGHTTP2_FLAG_NONE, 0, CTD_CONN_WINDOW);
	c->fd = TAKE_FD(fd);
	*ret = c;
	return 0;
}

void
ctd_free(struct ctd *c)
{
	if (!c)
		return;
	for (struct ctd_stream *s = c->streams; s; s = s->next)
		s->c = NULL;
	if (!c->dead)
		conn_flush(c); /* best effort: pending RST_STREAMs */
	nghttp2_session_del(c->h2);
	if (c->fd >= 0)
		close(c->fd);
	buf_release(&c->out);
	err_free(c->dead);
	free(c->address);
	free(c->ns);
	free(c->lease);
	free(c);
}

const char *
ctd_namespace(const struct ctd *c)
{
	return c->ns;
}

void
ctd_set_namespace(struct ctd *c, const char *ns)
{
	free(c->ns);
	c->ns = xstrdup(ns ? ns : "");
}

const char *
ctd_address(const struct ctd *c)
{
	return c->address;
}

void
ctd_set_lease(struct ctd *c, const char *lease)
{
	free(c->lease);
	c->lease = lease && *lease ? xstrdup(lease) : NULL;
}

const char *
ctd_lease(const struct ctd *c)
{
	return c->lease;
}

void
ctd_set_timeout(struct ctd *c, int timeout_ms)
{
	c->timeout_ms = timeout_ms > 0 ? timeout_ms : 0;
}

void
ctd_msg_free(void *msg)
{
	if (msg)
		protobuf_c_message_free_unpacked(msg, NULL);
}

/* ---- streams ---- */

#define NV(n, v) { (uint8_t *)(n), (uint8_t *)(v), sizeof(n) - 1, strlen(v), NGHTTP2_NV_FLAG_NONE }

static int
stream_start(struct ctd *c, const char *method, int timeout_ms, struct ctd_stream **ret,
	     struct err **errp)
{
	nghttp2_data_provider prd = { .read_callback = read_request };
	char timeout[32];
	nghttp2_nv nva[10] = {
		NV(":method", "POST"),
		NV(":scheme", "http"),
		NV(":path", method),
		NV(":authority", "localhost"),
		NV("content-type", "application/grpc"),
		NV("te", "trailers"),
	};
	size_t nvlen = 6;
	struct ctd_stream *s;
	int32_t id;

	if (c->dead)
		return conn_dead_err(c, errp);
	/* Without a namespace containerd answers "namespace is required" itself. */
	if (*c->ns)
		nva[nvlen++] = (nghttp2_nv)NV("containerd-namespace", c->ns);
	if (c->lease)
		nva[nvlen++] = (nghttp2_nv)NV("containerd-lease", c->lease);
	if (timeout_ms > 0) {
		/* grpc-timeout allows at most 8 digits. */
		if (timeout_ms <= 99999999)
			snprintf(timeout, sizeof(timeout), "%dm", timeout_ms);
		else
			snprintf(timeout, sizeof(timeout), "%dS", timeout_ms / 1000);
		nva[nvlen++] = (nghttp2_nv)NV("grpc-timeout", timeout);
	}

	s = xnew(struct ctd_stream, 1);
	s->c = c;
	s->grpc_status = -1;
	grpc_deframer_init(&s->in, 0);
	buf_init(&s->out, 0);
	if (timeout_ms > 0)
		s->deadline = now_ms() + timeout_ms + CTD_DEADLINE_GRACE_MS;
	prd.source.ptr = s;
	id = nghttp2_submit_request(c->h2, NULL, nva, nvlen, &prd, NULL);
	if (id < 0) {
		grpc_deframer_release(&s->in);
		free(s);
		return err_set(errp, ERR_UNAVAILABLE, "cannot open a stream to containerd at %s: %s",
			       c->address, nghttp2_strerror(id));
	}
	s->id = id;
	s->next = c->streams;
	if (c->streams)
		c->streams->prev = s;
	c->streams = s;
	*ret = s;
	return 0;
}

/* The stream's outcome once it has ended: 0 for grpc-status OK, else its error. */
static int
stream_status(struct ctd_stream *s, struct err **errp)
{
	if (s->err)
		return err_set(errp, s->err->kind, "%s", s->err->msg);
	if (!s->closed && s->c && s->c->dead)
		return conn_dead_err(s->c, errp);
	if (s->grpc_status < 0) {
		if (s->h2_error)
			return err_set(errp, ERR_UNAVAILABLE, "stream reset by containerd: %s",
				       nghttp2_http2_strerror(s->h2_error));
		if (s->http_status && s->http_status != 200)
			return err_set(errp, ERR_INTERNAL, "unexpected HTTP status %d from containerd",
				       s->http_status);
		return err_set(errp, ERR_INTERNAL, "containerd sent no gRPC status");
	}
	if (s->grpc_status != GRPC_OK)
		return err_set(errp, ctd_status_kind(s->grpc_status), "%s",
			       s->grpc_message && *s->grpc_message ?
				       s->grpc_message :
				       grpc_code_name(s->grpc_status));
	if (!grpc_deframer_idle(&s->in))
		return err_set(errp, ERR_INTERNAL, "containerd ended the stream inside a message");
	return 0;
}

static void
stream_queue(struct ctd_stream *s, const ProtobufCMessage *msg)
{
	if (s->out_off && s->out_off >= s->out.len / 2) {
		memmove(s->out.data, s->out.data + s->out_off, s->out.len - s->out_off);
		buf_setlen(&s->out, s->out.len - s->out_off);
		s->out_off = 0;
	}
	if (msg)
		grpc_frame_append(&s->out, msg);
	if (s->deferred) {
		s->deferred = false;
		nghttp2_session_resume_data(s->c->h2, s->id);
	}
}

static int
stream_unpack(struct grpc_msg *m, const ProtobufCMessageDescriptor *desc, ProtobufCMessage **ret,
	      struct err **errp)
{
	ProtobufCMessage *msg = protobuf_c_message_unpack(desc, NULL, m->len, m->data);

	free(m);
	if (!msg)
		return err_set(errp, ERR_INTERNAL, "cannot decode %s from containerd", desc->name);
	*ret = msg;
	return 0;
}

int
ctd_stream_open(struct ctd *c, const char *method, struct ctd_stream **ret, struct err **errp)
{
	return stream_start(c, method, 0, ret, errp);
}

int
ctd_stream_send(struct ctd_stream *s, const ProtobufCMessage *msg, struct err **errp)
{
	if (!s->c)
		return err_set(errp, ERR_UNAVAILABLE, "connection to containerd closed");
	if (s->out_eof)
		return err_set(errp, ERR_INTERNAL, "send on a stream after close_send");
	if (stream_ended(s)) {
		if (stream_status(s, errp) < 0)
			return -1;
		return err_set(errp, ERR_INTERNAL, "containerd ended the stream before the request was sent");
	}
	stream_queue(s, msg);
	return conn_pump(s->c, s, stream_sent, errp);
}

int
ctd_stream_close_send(struct ctd_stream *s, struct err **errp)
{
	if (!s->c)
		return err_set(errp, ERR_UNAVAILABLE, "connection to containerd closed");
	if (s->out_eof || stream_ended(s))
		return 0;
	s->out_eof = true;
	stream_queue(s, NULL);
	if (!s->c->dead)
		conn_flush(s->c);
	return 0;
}

int
ctd_stream_recv(struct ctd_stream *s, const ProtobufCMessageDescriptor *desc,
		ProtobufCMessage **ret, struct err **errp)
{
	struct grpc_msg *m = grpc_deframer_pop(&s->in);

	if (!m) {
		if (!s->c)
			return err_set(errp, ERR_UNAVAILABLE, "connection to containerd closed");
		if (conn_pump(s->c, s, stream_has_msg, errp) < 0)
			return -1;
		m = grpc_deframer_pop(&s->in);
	}
	if (m) {
		if (s->err) { /* a later message broke the stream; this one is still good */
			free(m);
			return stream_status(s, errp);
		}
		return stream_unpack(m, desc, ret, errp) < 0 ? -1 : 1;
	}
	return stream_status(s, errp);
}

void
ctd_stream_free(struct ctd_stream *s)
{
	struct ctd *c;

	if (!s)
		return;
	c = s->c;
	if (c) {
		if (!s->closed && !c->dead) {
			nghttp2_submit_rst_stream(c->h2, NGHTTP2_FLAG_NONE, s->id, NGHTTP2_CANCEL);
			conn_flush(c);
		}
		if (s->prev)
			s->prev->next = s->next;
		else
			c->streams = s->next;
		if (s->next)
			s->next->prev = s->prev;
	}
	grpc_deframer_release(&s->in);
	buf_release(&s->out);
	free(s->grpc_message);
	err_free(s->err);
	free(s);
}

int
ctd_call(struct ctd *c, const char *method, const ProtobufCMessage *req,
	 const ProtobufCMessageDescriptor *resp_desc, ProtobufCMessage **ret_resp,
	 struct err **errp)
{
	_cleanup_(ctd_stream_freep) struct ctd_stream *s = NULL;
	struct grpc_msg *m;
	int64_t t0 = log_debug_enabled ? now_ms_precise() : 0;

	if (stream_start(c, method, c->timeout_ms, &s, errp) < 0)
		return -1;
	s->out_eof = true;
	grpc_frame_append(&s->out, req);
	if (conn_pump(c, s, stream_ended, errp) < 0)
		return -1;
	/* --debug: each call and how long containerd took, to see where a command's time goes. */
	log_debug("containerd %s: %.2f ms", method, (double)(now_ms_precise() - t0) / 1000.0);
	if (stream_status(s, errp) < 0)
		return -1;
	m = grpc_deframer_pop(&s->in);
	if (!m)
		return err_set(errp, ERR_INTERNAL, "containerd sent no reply to %s", method);
	return stream_unpack(m, resp_desc, ret_resp, errp);
}
