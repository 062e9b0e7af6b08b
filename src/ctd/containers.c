/* Containers service wrappers, and the COMMAND of a record read from its spec. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ctd/containers.h"
#include "google/protobuf/empty.pb-c.h"
#include "google/protobuf/field_mask.pb-c.h"
#include "base/buf.h"
#include "base/str.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "base/banned.h"

#define CONTAINERS_METHOD(m) "/containerd.services.containers.v1.Containers/" m

int
ctd_containers_get(struct ctd *c, const char *id, CtdContainer **ret, struct err **errp)
{
	Containerd__Services__Containers__V1__GetContainerRequest req =
		CONTAINERD__SERVICES__CONTAINERS__V1__GET_CONTAINER_REQUEST__INIT;
	_cleanup_ctd_msg_ Containerd__Services__Containers__V1__GetContainerResponse *resp = NULL;

	req.id = (char *)id;
	if (ctd_call(c, CONTAINERS_METHOD("Get"), &req.base,
		     &containerd__services__containers__v1__get_container_response__descriptor,
		     (ProtobufCMessage **)&resp, errp) < 0)
		return -1;
	if (!resp->container)
		return err_set(errp, ERR_NOT_FOUND, "container \"%s\": not found", id);
	*ret = TAKE_PTR(resp->container);
	return 0;
}

struct ctd_containers_iter {
	struct ctd *c;
	struct ctd_stream *s;
	CtdContainerList *unary;	/* the List fallback's reply; [0, next) handed out */
	size_t next;			/* records handed out so far */
	char **filters;
};

static void
list_request(char *const *filters, Containerd__Services__Containers__V1__ListContainersRequest *req)
{
	containerd__services__containers__v1__list_containers_request__init(req);
	req->n_filters = filters ? strv_length(filters) : 0;
	req->filters = (char **)filters;
}

int
ctd_containers_list_open(struct ctd *c, char *const *filters, struct ctd_containers_iter **ret,
			 struct err **errp)
{
	Containerd__Services__Containers__V1__ListContainersRequest req;
	_cleanup_(ctd_containers_iter_freep) struct ctd_containers_iter *it = NULL;

	it = xnew(struct ctd_containers_iter, 1);
	it->c = c;
	it->filters = filters ? strv_copy(filters) : NULL;
	list_request(it->filters, &req);
	if (ctd_stream_open(c, CONTAINERS_METHOD("ListStream"), &it->s, errp) < 0 ||
	    ctd_stream_send(it->s, &req.base, errp) < 0 || ctd_stream_close_send(it->s, errp) < 0)
		return -1;
	*ret = TAKE_PTR(it);
	return 0;
}

int
ctd_containers_list_next(struct ctd_containers_iter *it, CtdContainer **ret, struct err **errp)
{
	const ProtobufCMessageDescriptor *desc =
		&containerd__services__containers__v1__list_container_message__descriptor;
	_cleanup_ctd_msg_ Containerd__Services__Containers__V1__ListContainerMessage *m = NULL;
	_cleanup_err_ struct err *e = NULL;
	int r;

	if (it->unary) {
		if (it->next >= it->unary->n_containers)
			return 0;
		*ret = TAKE_PTR(it->unary->containers[it->next]);
		it->next++;
		return 1;
	}
	for (;;) {
		r = ctd_stream_recv(it->s, desc, (ProtobufCMessage **)&m, &e);
		if (r <= 0)
			break;
		if (m->container) {
			*ret = TAKE_PTR(m->container);
			it->next++;
			return 1;
		}
		ctd_msg_free(TAKE_PTR(m));
	}
	if (r == 0)
		return 0;
	/* A containerd without ListStream (before 1.5): the same records in one List reply. */
	if (e->kind == ERR_UNIMPLEMENTED && it->next == 0) {
		Containerd__Services__Containers__V1__ListContainersRequest req;

		list_request(it->filters, &req);
		if (ctd_call(it->c, CONTAINERS_METHOD("List"), &req.base,
			     &containerd__services__containers__v1__list_containers_response__descriptor,
			     (ProtobufCMessage **)&it->unary, errp) < 0)
			return -1;
		return ctd_containers_list_next(it, ret, errp);
	}
	err_move(errp, &e);
	return -1;
}

void
ctd_containers_iter_free(struct ctd_containers_iter *it)
{
	if (!it)
		return;
	ctd_stream_free(it->s);
	if (it->unary) {
		/* Records already handed out belong to the caller. */
		for (size_t i = it->next; i < it->unary->n_containers; i++)
			ctd_msg_free(it->unary->containers[i]);
		it->unary->n_containers = 0;
		ctd_msg_free(it->unary);
	}
	strv_free(it->filters);
	free(it);
}

int
ctd_containers_list(struct ctd *c, char *const *filters, CtdContainerList **ret,
		    struct err **errp)
{
	_cleanup_(ctd_containers_iter_freep) struct ctd_containers_iter *it = NULL;
	_cleanup_ctd_msg_ CtdContainerList *l = xmalloc(sizeof(*l));
	size_t cap = 0;
	CtdContainer *r;
	int rc;

	containerd__services__containers__v1__list_containers_response__init(l);
	if (ctd_containers_list_open(c, filters, &it, errp) < 0)
		return -1;
	while ((rc = ctd_containers_list_next(it, &r, errp)) > 0) {
		XGROW(l->containers, cap, l->n_containers + 1);
		l->containers[l->n_containers++] = r;
	}
	if (rc < 0)
		return -1;
	*ret = TAKE_PTR(l);
	return 0;
}

int
ctd_containers_create(struct ctd *c, const CtdContainer *ctr, CtdContainer **ret,
		      struct err **errp)
{
	Containerd__Services__Containers__V1__CreateContainerRequest req =
		CONTAINERD__SERVICES__CONTAINERS__V1__CREATE_CONTAINER_REQUEST__INIT;
	_cleanup_ctd_msg_ Containerd__Services__Containers__V1__CreateContainerResponse *resp = NULL;

	req.container = (CtdContainer *)ctr;
	if (ctd_call(c, CONTAINERS_METHOD("Create"), &req.base,
		     &containerd__services__containers__v1__create_container_response__descriptor,
		     (ProtobufCMessage **)&resp, errp) < 0)
		return -1;
	if (ret) {
		if (!resp->container)
			return err_set(errp, ERR_INTERNAL, "containerd returned no container record");
		*ret = TAKE_PTR(resp->container);
	}
	return 0;
}

int
ctd_containers_update(struct ctd *c, const CtdContainer *ctr, char *const *paths,
		      CtdContainer **ret, struct err **errp)
{
	Containerd__Services__Containers__V1__UpdateContainerRequest req =
		CONTAINERD__SERVICES__CONTAINERS__V1__UPDATE_CONTAINER_REQUEST__INIT;
	Google__Protobuf__FieldMask mask = GOOGLE__PROTOBUF__FIELD_MASK__INIT;
	_cleanup_ctd_msg_ Containerd__Services__Containers__V1__UpdateContainerResponse *resp = NULL;

	req.container = (CtdContainer *)ctr;
	if (paths) {
		mask.n_paths = strv_length(paths);
		mask.paths = (char **)paths;
		req.update_mask = &mask;
	}
	if (ctd_call(c, CONTAINERS_METHOD("Update"), &req.base,
		     &containerd__services__containers__v1__update_container_response__descriptor,
		     (ProtobufCMessage **)&resp, errp) < 0)
		return -1;
	if (ret) {
		if (!resp->container)
			return err_set(errp, ERR_INTERNAL, "containerd returned no container record");
		*ret = TAKE_PTR(resp->container);
	}
	return 0;
}

int
ctd_containers_delete(struct ctd *c, const char *id, struct err **errp)
{
	Containerd__Services__Containers__V1__DeleteContainerRequest req =
		CONTAINERD__SERVICES__CONTAINERS__V1__DELETE_CONTAINER_REQUEST__INIT;
	_cleanup_ctd_msg_ Google__Protobuf__Empty *resp = NULL;

	req.id = (char *)id;
	return ctd_call(c, CONTAINERS_METHOD("Delete"), &req.base, &google__protobuf__empty__descriptor,
			(ProtobufCMessage **)&resp, errp);
}

/* ---- the COMMAND of a record: process.args read straight from the spec's JSON ---- */

/*
 * A cursor over JSON the scanner trusts only not to overrun: every step checks end, and
 * anything unexpected ends the scan with "no command" rather than a guess.
 */
struct jscan {
	const char *p, *end;
};

static void
js_ws(struct jscan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static bool
js_take(struct jscan *s, char c)
{
	js_ws(s);
	if (s->p >= s->end || *s->p != c)
		return false;
	s->p++;
	return true;
}

/* Bytes that matter outside strings: JSON's structure. */
static const bool js_structure[256] = {
	['"'] = true, ['{'] = true, ['['] = true, ['}'] = true, [']'] = true,
};

/*
 * Past the string whose opening quote s->p is on. memchr finds each candidate quote; it
 * ends the string unless an odd run of backslashes precedes it.
 */
static bool
js_skip_string(struct jscan *s)
{
	const char *start = s->p + 1, *q = start;

	for (;;) {
		const char *b;

		q = memchr(q, '"', (size_t)(s->end - q));
		if (!q)
			return false;
		for (b = q; b > start && b[-1] == '\\'; b--)
			;
		if ((q - b) % 2 == 0)
			break;
		q++;
	}
	s->p = q + 1;
	return true;
}

/*
 * Past one value of any kind (the contents of objects and arrays are not validated). A
 * table lookup per byte: nerdc's own specs put process.args after ~7 KB of "linux".
 */
static bool
js_skip_value(struct jscan *s)
{
	int depth = 0;

	js_ws(s);
	if (s->p >= s->end)
		return false;
	if (*s->p != '{' && *s->p != '[') {
		if (*s->p == '"')
			return js_skip_string(s);
		while (s->p < s->end && !strchr(",}] \t\r\n", *s->p))
			s->p++;
		return true;
	}
	for (;;) {
		const char *p = s->p, *end = s->end;

		while (p < end && !js_structure[(unsigned char)*p])
			p++;
		s->p = p;
		if (p >= end)
			return false;
		if (*p == '"') {
			if (!js_skip_string(s))
				return false;
			continue;
		}
		s->p++;
		if (*p == '{' || *p == '[')
			depth++;
		else if (--depth == 0)
			return true;
	}
}

static int
js_hex4(const char *p, const char *end)
{
	int v = 0;

	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int d = hex_digit((unsigned char)p[i]);

		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/* What the one-character escapes stand for (0: not an escape). */
static const char js_escape[256] = {
	['"'] = '"', ['\\'] = '\\', ['/'] = '/', ['b'] = '\b', ['f'] = '\f', ['n'] = '\n',
	['r'] = '\r', ['t'] = '\t',
};

/*
 * Appends the string at s->p (on its opening quote) decoded as Go's encoding/json does:
 * invalid UTF-8 and unpaired surrogates become U+FFFD. False for malformed JSON.
 */
static bool
js_string(struct jscan *s, struct buf *out)
{
	const char *p = s->p + 1, *end = s->end;

	while (p < end) {
		const char *run = p;
		unsigned r;
		int n, hi, lo;

		while (p < end && (unsigned char)*p >= 0x20 && (unsigned char)*p < 0x80 &&
		       *p != '"' && *p != '\\')
			p++;
		buf_add(out, run, (size_t)(p - run));
		if (p >= end || (unsigned char)*p < 0x20)
			return false;
		if (*p == '"') {
			s->p = p + 1;
			return true;
		}
		if (*p != '\\') {
			n = utf8_decode((const unsigned char *)p, (size_t)(end - p), &r);
			if (r == RUNE_ERROR && n == 1)
				utf8_encode(out, RUNE_ERROR);
			else
				buf_add(out, p, (size_t)n);
			p += n;
			continue;
		}
		if (++p >= end)
			return false;
		if (*p != 'u') {
			char c = js_escape[(unsigned char)*p++];

			if (!c)
				return false;
			buf_addch(out, c);
			continue;
		}
		p++;
		hi = js_hex4(p, end);
		if (hi < 0)
			return false;
		p += 4;
		if (hi >= 0xD800 && hi < 0xDC00 && end - p >= 6 && p[0] == '\\' && p[1] == 'u' &&
		    (lo = js_hex4(p + 2, end)) >= 0xDC00 && lo < 0xE000) {
			utf8_encode(out, 0x10000 + (((unsigned)hi - 0xD800) << 10) +
						 ((unsigned)lo - 0xDC00));
			p += 6;
		} else {
			utf8_encode(out, (unsigned)hi);	/* a lone surrogate becomes U+FFFD */
		}
	}
	return false;
}

/*
 * In the object s->p is on, finds member key (compared after unescaping) and leaves s->p on
 * its value. False when absent or malformed. Go would take the last of duplicate keys;
 * specs come from Go's encoder, which writes none.
 */
static bool
js_find_member(struct jscan *s, const char *key)
{
	size_t klen = strlen(key);

	if (!js_take(s, '{'))
		return false;
	js_ws(s);
	if (s->p < s->end && *s->p == '}')
		return false;
	for (;;) {
		const char *k;
		bool match;

		js_ws(s);
		if (s->p >= s->end || *s->p != '"')
			return false;
		k = s->p + 1;
		if (!js_skip_string(s))
			return false;
		if (memchr(k, '\\', (size_t)(s->p - 1 - k))) {
			_cleanup_buf_ struct buf kb = BUF_INIT;
			struct jscan ks = { k - 1, s->end };

			match = js_string(&ks, &kb) && kb.len == klen &&
				!memcmp(kb.data, key, klen);
		} else {
			match = (size_t)(s->p - 1 - k) == klen && !memcmp(k, key, klen);
		}
		if (!js_take(s, ':'))
			return false;
		js_ws(s);
		if (match)
			return true;
		if (!js_skip_value(s) || !js_take(s, ',')) /* '}' ends the object: absent */
			return false;
	}
}

static bool
js_null(struct jscan *s)
{
	return s->end - s->p >= 4 && !memcmp(s->p, "null", 4);
}

char *
ctd_spec_command(const void *json, size_t len)
{
	struct jscan s = { json, (const char *)json + len };
	_cleanup_buf_ struct buf b = BUF_INIT;
	bool first = true;

	if (!js_find_member(&s, "process") || js_null(&s) || !js_find_member(&s, "args"))
		return NULL;
	if (js_null(&s))
		return xstrdup("");
	if (!js_take(&s, '['))
		return NULL;
	js_ws(&s);
	if (s.p < s.end && *s.p == ']')
		return xstrdup("");
	for (;;) {
		js_ws(&s);
		if (!first)
			buf_addch(&b, ' ');
		first = false;
		if (js_null(&s))
			s.p += 4;	/* Go leaves the element "" */
		else if (s.p >= s.end || *s.p != '"' || !js_string(&s, &b))
			return NULL;	/* a non-string: Go's Unmarshal fails */
		if (js_take(&s, ']'))
			return buf_detach(&b, NULL);
		if (!js_take(&s, ','))
			return NULL;
	}
}
