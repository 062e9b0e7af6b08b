/*
 * src/ctd against a real containerd named by NERDC_TEST_CONTAINERD_ADDRESS: version,
 * namespaces, images, content write/read (bidirectional and server streams), events.
 * Without the variable every test is skipped and the program exits 77 (meson's SKIP).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "ctd/content.h"
#include "ctd/ctd.h"
#include "ctd/events.h"
#include "ctd/images.h"
#include "ctd/introspection.h"
#include "ctd/labels.h"
#include "ctd/namespaces.h"
#include "ctd/version.h"
#include "containerd/events/namespace.pb-c.h"
#include "base/buf.h"

#define SMALL "hello from the nerdc ctd test\n"
#define SMALL_DIGEST "sha256:5e2bff1a40a08a49f73c88a2c6b5f3b16adf520112d9ca47f90da4513d8f50d5"
/* (i * 7) % 251 for i < BIG_LEN: several WRITE chunks and several Read messages. */
#define BIG_LEN (3 * 1024 * 1024 + 17)
#define ZERO_DIGEST "sha256:0000000000000000000000000000000000000000000000000000000000000000"
#define BIG_DIGEST "sha256:9e4bfb50c618e8bde50fc019b449385ee970923d02b68c5a6c0a32344e6e34e6"

static const char *address;
static char ns[64];

#define OK(call)                                                                                   \
	do {                                                                                       \
		struct err *err_ = NULL;                                                           \
		if ((call) < 0)                                                                    \
			fail_msg("%s: %s", #call, err_->msg);                                      \
	} while (0)
/* Expects call to fail with kind. */
#define FAILS(call, k)                                                                             \
	do {                                                                                       \
		struct err *err_ = NULL;                                                           \
		assert_int_equal((call), -1);                                                      \
		if (err_->kind != (k))                                                             \
			fail_msg("%s: kind %d, want %d: %s", #call, err_->kind, (k), err_->msg);   \
		err_free(err_);                                                                    \
	} while (0)

static struct ctd *
conn(void **state)
{
	struct ctd *c = NULL;

	if (!address)
		skip();
	OK(ctd_connect(address, ns, &c, &err_));
	return c;
}

static void
test_version(void **state)
{
	_cleanup_(ctd_freep) struct ctd *c = conn(state);
	_cleanup_ctd_msg_ CtdVersion *v = NULL;
	_cleanup_ctd_msg_ CtdServerInfo *si = NULL;
	_cleanup_ctd_msg_ CtdPluginList *pl = NULL;
	char *filters[] = { "type==io.containerd.content.v1", NULL };

	OK(ctd_version(c, &v, &err_));
	assert_true(strlen(v->version) > 0);
	OK(ctd_introspection_server(c, &si, &err_));
	assert_true(strlen(si->uuid) > 0);
	OK(ctd_introspection_plugins(c, filters, &pl, &err_));
	assert_int_equal(pl->n_plugins, 1);
	assert_string_equal(pl->plugins[0]->id, "content");
}

static bool
ns_listed(struct ctd *c, const char *name)
{
	_cleanup_ctd_msg_ CtdNamespaceList *l = NULL;

	OK(ctd_namespaces_list(c, &l, &err_));
	for (size_t i = 0; i < l->n_namespaces; i++)
		if (!strcmp(l->namespaces[i]->name, name))
			return true;
	return false;
}

static void
test_namespaces(void **state)
{
	_cleanup_(ctd_freep) struct ctd *c = conn(state);
	char name[80];
	char *l1[] = { "a=1", "keep=yes", NULL };
	char *l2[] = { "a=2", "b=3", NULL };
	char *l3[] = { "b=", NULL };

	snprintf(name, sizeof(name), "%s-ns", ns);
	OK(ctd_namespaces_create(c, name, l1, &err_));
	FAILS(ctd_namespaces_create(c, name, NULL, &err_), ERR_EXISTS);
	assert_true(ns_listed(c, name));
	OK(ctd_namespaces_update_labels(c, name, l2, &err_));
	{
		_cleanup_ctd_msg_ CtdNamespace *n = NULL;

		OK(ctd_namespaces_get(c, name, &n, &err_));
		assert_string_equal(ctd_labels_get(n->labels, n->n_labels, "a"), "2");
		assert_string_equal(ctd_labels_get(n->labels, n->n_labels, "b"), "3");
		assert_string_equal(ctd_labels_get(n->labels, n->n_labels, "keep"), "yes");
	}
	OK(ctd_namespaces_update_labels(c, name, l3, &err_));
	{
		_cleanup_ctd_msg_ CtdNamespace *n = NULL;

		OK(ctd_namespaces_get(c, name, &n, &err_));
		assert_null(ctd_labels_get(n->labels, n->n_labels, "b"));
		assert_int_equal(n->n_labels, 2);
	}
	OK(ctd_namespaces_delete(c, name, &err_));
	assert_false(ns_listed(c, name));
	FAILS(ctd_namespaces_delete(c, name, &err_), ERR_NOT_FOUND);
}

static int
collect(void *arg, const uint8_t *data, size_t len, struct err **errp)
{
	buf_add(arg, data, len);
	return 0;
}

static int
find_digest(void *arg, const CtdContentInfo *info, struct err **errp)
{
	if (!strcmp(info->digest, BIG_DIGEST))
		(*(int *)arg)++;
	return 0;
}

static void
test_content(void **state)
{
	_cleanup_(ctd_freep) struct ctd *c = conn(state);
	_cleanup_free_ uint8_t *big = malloc(BIG_LEN);
	_cleanup_buf_ struct buf got = BUF_INIT;
	char ref[96], *labels[] = { "nerdc.test=1", NULL };
	char *filters[] = { "digest==" BIG_DIGEST, NULL };
	int found = 0;

	for (size_t i = 0; i < BIG_LEN; i++)
		big[i] = (uint8_t)(i * 7 % 251);
	snprintf(ref, sizeof(ref), "%s-small", ns);
	OK(ctd_content_write_blob(c, ref, SMALL, strlen(SMALL), SMALL_DIGEST, NULL, &err_));
	/* Already there: the helper succeeds, a raw writer says ERR_EXISTS. */
	OK(ctd_content_write_blob(c, ref, SMALL, strlen(SMALL), SMALL_DIGEST, NULL, &err_));
	{
		struct ctd_writer *w = NULL;

		FAILS(ctd_content_writer_open(c, ref, strlen(SMALL), SMALL_DIGEST, &w, &err_),
		      ERR_EXISTS);
	}
	OK(ctd_content_read(c, SMALL_DIGEST, 0, 0, collect, &got, &err_));
	assert_string_equal(got.data, SMALL);

	snprintf(ref, sizeof(ref), "%s-big", ns);
	OK(ctd_content_write_blob(c, ref, big, BIG_LEN, BIG_DIGEST, labels, &err_));
	{
		_cleanup_ctd_msg_ CtdContentInfo *info = NULL;

		OK(ctd_content_info(c, BIG_DIGEST, &info, &err_));
		assert_int_equal(info->size, BIG_LEN);
		assert_string_equal(ctd_labels_get(info->labels, info->n_labels, "nerdc.test"), "1");
	}
	OK(ctd_content_list(c, filters, find_digest, &found, &err_));
	assert_int_equal(found, 1);
	buf_reset(&got);
	OK(ctd_content_read(c, BIG_DIGEST, 0, 0, collect, &got, &err_));
	assert_int_equal(got.len, BIG_LEN);
	assert_memory_equal(got.data, big, BIG_LEN);
	buf_reset(&got);
	OK(ctd_content_read(c, BIG_DIGEST, 1000, 2000000, collect, &got, &err_));
	assert_int_equal(got.len, 2000000);
	assert_memory_equal(got.data, big + 1000, 2000000);

	/* A wrong digest fails at commit; the ingest stays until aborted. */
	snprintf(ref, sizeof(ref), "%s-bad", ns);
	FAILS(ctd_content_write_blob(c, ref, big, 1000, ZERO_DIGEST, NULL, &err_),
	      ERR_PRECONDITION);
	{
		_cleanup_ctd_msg_ CtdContentStatus *st = NULL;

		OK(ctd_content_status(c, ref, &st, &err_));
		assert_int_equal(st->offset, 1000);
	}
	OK(ctd_content_abort(c, ref, &err_));
	FAILS(ctd_content_abort(c, ref, &err_), ERR_NOT_FOUND);

	OK(ctd_content_delete(c, BIG_DIGEST, &err_));
	OK(ctd_content_delete(c, SMALL_DIGEST, &err_));
	{
		CtdContentInfo *info = NULL;

		FAILS(ctd_content_info(c, BIG_DIGEST, &info, &err_), ERR_NOT_FOUND);
	}
	FAILS(ctd_content_read(c, BIG_DIGEST, 0, 0, collect, &got, &err_), ERR_NOT_FOUND);
}

static void
test_images(void **state)
{
	_cleanup_(ctd_freep) struct ctd *c = conn(state);
	CtdImage img = CONTAINERD__SERVICES__IMAGES__V1__IMAGE__INIT;
	CtdDescriptor target = CONTAINERD__TYPES__DESCRIPTOR__INIT;
	char name[96], filter[128];
	char *filters[] = { filter, NULL }, *paths[] = { "labels.x", NULL };

	snprintf(name, sizeof(name), "example.com/%s:latest", ns);
	snprintf(filter, sizeof(filter), "name==%s", name);
	target.media_type = "application/vnd.oci.image.manifest.v1+json";
	target.digest = SMALL_DIGEST;
	target.size = (int64_t)strlen(SMALL);
	img.name = name;
	img.target = &target;
	OK(ctd_images_create(c, &img, NULL, &err_));
	FAILS(ctd_images_create(c, &img, NULL, &err_), ERR_EXISTS);
	{
		_cleanup_ctd_msg_ CtdImageList *l = NULL;

		OK(ctd_images_list(c, filters, &l, &err_));
		assert_int_equal(l->n_images, 1);
		assert_string_equal(l->images[0]->target->digest, SMALL_DIGEST);
	}
	{
		struct ctd_label lx, *lv[] = { &lx };
		_cleanup_ctd_msg_ CtdImage *got = NULL;

		protobuf_c_message_init(
			&containerd__services__images__v1__image__labels_entry__descriptor, &lx);
		lx.key = "x";
		lx.value = "y";
		img.labels = (void *)lv;
		img.n_labels = 1;
		OK(ctd_images_update(c, &img, paths, &got, &err_));
		assert_string_equal(ctd_labels_get(got->labels, got->n_labels, "x"), "y");
		img.labels = NULL;
		img.n_labels = 0;
	}
	{
		_cleanup_ctd_msg_ CtdImage *got = NULL;

		OK(ctd_images_get(c, name, &got, &err_));
		assert_string_equal(ctd_labels_get(got->labels, got->n_labels, "x"), "y");
		assert_true(got->created_at && got->created_at->seconds > 0);
	}
	OK(ctd_images_delete(c, name, false, &err_));
	{
		CtdImage *got = NULL;

		FAILS(ctd_images_get(c, name, &got, &err_), ERR_NOT_FOUND);
	}
}

static void
test_events(void **state)
{
	_cleanup_(ctd_freep) struct ctd *c = conn(state);
	_cleanup_(ctd_stream_freep) struct ctd_stream *sub = NULL;
	_cleanup_ctd_msg_ CtdEnvelope *env = NULL;
	_cleanup_ctd_msg_ Containerd__Events__NamespaceCreate *ev = NULL;
	_cleanup_ctd_msg_ CtdVersion *v = NULL;
	char name[80];
	char *filters[] = { "topic==\"/namespaces/create\"", NULL };

	snprintf(name, sizeof(name), "%s-ev", ns);
	alarm(20); /* a lost event must not hang the suite */
	OK(ctd_events_subscribe(c, filters, &sub, &err_));
	/* Let containerd register the subscription before the event happens. */
	OK(ctd_version(c, &v, &err_));
	usleep(200000);
	/* A unary call on the same connection while the subscription stream is open. */
	OK(ctd_namespaces_create(c, name, NULL, &err_));
	for (;;) {
		ctd_msg_free(env);
		env = NULL;
		struct err *err = NULL;
		int r = ctd_events_recv(sub, &env, &err);

		if (r != 1)
			fail_msg("events recv: %d %s", r, err ? err->msg : "end of stream");
		assert_string_equal(env->topic, "/namespaces/create");
		OK(ctd_events_unpack(env, &containerd__events__namespace_create__descriptor,
				     (ProtobufCMessage **)&ev, &err_));
		if (!strcmp(ev->name, name))
			break;
		ctd_msg_free(ev);
		ev = NULL;
	}
	alarm(0);
	/* The envelope carries the namespace the creating call ran in. */
	assert_string_equal(env->namespace_, ns);
	OK(ctd_namespaces_delete(c, name, &err_));
}

static void
test_cleanup(void **state)
{
	_cleanup_(ctd_freep) struct ctd *c = conn(state);

	/* The tests above leave nothing in ns except the namespace itself. */
	OK(ctd_namespaces_delete(c, ns, &err_));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_namespaces),
		cmocka_unit_test(test_content),
		cmocka_unit_test(test_images),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_cleanup),
	};
	int r;

	address = getenv("NERDC_TEST_CONTAINERD_ADDRESS");
	if (address && !*address)
		address = NULL;
	snprintf(ns, sizeof(ns), "ctdtest-%d", (int)getpid());
	if (!address)
		print_message("NERDC_TEST_CONTAINERD_ADDRESS is unset: skipping the live containerd tests\n");
	r = cmocka_run_group_tests(tests, NULL, NULL);
	return address ? r : 77;
}
