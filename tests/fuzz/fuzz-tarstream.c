/*
 * libFuzzer target for the push-mode tar reader: any bytes, fed in two pieces split at a
 * place the input chooses, must give entries or fail cleanly with a classified error.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/tarstream.h"
#include "base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct count {
	int64_t want;	/* data bytes the current entry still owes */
};

static int
on_entry(void *ud, const struct tar_entry *e, struct err **errp)
{
	struct count *c = ud;

	(void)errp;
	if (!e->path || !e->link || e->size < 0 || (e->type != TAR_REG && e->size) ||
	    (e->mode & ~07777u) || c->want)
		abort();
	for (size_t i = 0; i < e->n_xattrs; i++)
		if (!e->xattrs[i].name || !e->xattrs[i].value)
			abort();
	c->want = e->size;
	return 0;
}

static int
on_data(void *ud, const void *p, size_t n, struct err **errp)
{
	struct count *c = ud;

	(void)p;
	(void)errp;
	if ((int64_t)n > c->want)
		abort();
	c->want -= (int64_t)n;
	return 0;
}

static int
on_end(void *ud, struct err **errp)
{
	struct count *c = ud;

	(void)errp;
	if (c->want)
		abort();
	return 0;
}

static const struct tar_ops ops = { on_entry, on_data, on_end };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct count c = { 0 };
	struct tar_stream *t = tar_stream_new(&ops, &c);
	struct err *err = NULL;
	size_t cut = size ? data[0] * size / 256 : 0;
	int r;

	r = tar_stream_feed(t, data, cut, &err);
	if (r == 0)
		r = tar_stream_feed(t, data + cut, size - cut, &err);
	if (r == 0)
		r = tar_stream_end(t, &err);
	if (r < 0 && (!err || (err->kind != ERR_INVALID && err->kind != ERR_UNIMPLEMENTED)))
		abort();
	err_free(err);
	tar_stream_free(t);
	return 0;
}
