/*
 * Tests for the push-mode tar reader (src/image/tarstream.c) and the streaming layer
 * extractor (src/image/extract.c): archives built here byte by byte, fed in odd-sized
 * pieces, extracted into a temporary directory; names that leave the root are refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <zlib.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/digest.h"
#include "base/strv.h"
#include "image/extract.h"
#include "image/tarstream.h"

/* ---- building archives ---- */

static void
octal(char *f, size_t n, unsigned long long v)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%0*llo", (int)n - 1, v);
	memcpy(f, tmp, n - 1);
	f[n - 1] = 0;
}

/* One ustar header (+ data padded to 512) appended to b. */
static void
add_entry(struct buf *b, const char *name, char type, unsigned mode, const char *link,
	  const void *data, size_t len)
{
	char h[512];
	unsigned sum = 0;

	memset(h, 0, sizeof(h));
	memcpy(h, name, strlen(name) < 100 ? strlen(name) : 100);
	octal(h + 100, 8, mode);
	octal(h + 108, 8, 1000);
	octal(h + 116, 8, 1000);
	octal(h + 124, 12, len);
	octal(h + 136, 12, 1600000000);
	h[156] = type;
	if (link)
		memcpy(h + 157, link, strlen(link));
	memcpy(h + 257, "ustar\0" "00", 8);
	memset(h + 148, ' ', 8);
	for (size_t i = 0; i < 512; i++)
		sum += (unsigned char)h[i];
	snprintf(h + 148, 8, "%06o", sum);
	buf_add(b, h, 512);
	if (len) {
		static const char zero[512];

		buf_add(b, data, len);
		buf_add(b, zero, (512 - len % 512) % 512);
	}
}

static void
add_file(struct buf *b, const char *name, const char *content)
{
	add_entry(b, name, '0', 0644, NULL, content, strlen(content));
}

static void
add_pax(struct buf *b, const char *records)
{
	add_entry(b, "PaxHeaders/x", 'x', 0644, NULL, records, strlen(records));
}

static void
add_end(struct buf *b)
{
	static const char zero[1024];

	buf_add(b, zero, sizeof(zero));
}

static void
gzip_buf(const struct buf *in, struct buf *out)
{
	z_stream z = { 0 };
	unsigned char tmp[4096];
	int r;

	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)in->data;
	z.avail_in = (unsigned)in->len;
	do {
		z.next_out = tmp;
		z.avail_out = sizeof(tmp);
		r = deflate(&z, Z_FINISH);
		buf_add(out, tmp, sizeof(tmp) - z.avail_out);
	} while (r == Z_OK);
	assert_int_equal(r, Z_STREAM_END);
	deflateEnd(&z);
}

/* ---- tar reader ---- */

struct seen {
	struct strv lines;
	struct buf data;
};

static int
seen_entry(void *ud, const struct tar_entry *e, struct err **errp)
{
	struct seen *s = ud;

	(void)errp;
	strv_pushf(&s->lines, "%d %s -> %s size=%lld mode=%o uid=%lld xattrs=%zu%s%s", e->type,
		   e->path, e->link, (long long)e->size, e->mode, (long long)e->uid, e->n_xattrs,
		   e->n_xattrs ? " " : "", e->n_xattrs ? e->xattrs[0].name : "");
	return 0;
}

static int
seen_data(void *ud, const void *p, size_t n, struct err **errp)
{
	struct seen *s = ud;

	(void)errp;
	buf_add(&s->data, p, n);
	return 0;
}

static int
seen_end(void *ud, struct err **errp)
{
	(void)ud;
	(void)errp;
	return 0;
}

static const struct tar_ops seen_ops = { seen_entry, seen_data, seen_end };

/* Feeds b in pieces of step bytes; returns the result of the last call. */
static int
feed_tar(const struct buf *b, size_t step, struct seen *s, struct err **err)
{
	struct tar_stream *t = tar_stream_new(&seen_ops, s);
	int r = 0;

	for (size_t off = 0; off < b->len && r == 0; off += step)
		r = tar_stream_feed(t, b->data + off, b->len - off < step ? b->len - off : step, err);
	if (r == 0)
		r = tar_stream_end(t, err);
	tar_stream_free(t);
	return r;
}

static void
test_tar_reader(void **state)
{
	struct buf b = BUF_INIT;
	char longname[300];
	const size_t steps[] = { 1, 7, 511, 512, 513, 100000 };

	(void)state;
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	add_entry(&b, "dir/", '5', 0755, NULL, NULL, 0);
	add_file(&b, "dir/a", "hello");
	add_entry(&b, "dir/l", '2', 0777, "a", NULL, 0);
	add_entry(&b, "dir/h", '1', 0644, "dir/a", NULL, 0);
	add_pax(&b, "29 SCHILY.xattr.user.k=value\n");
	add_file(&b, "dir/x", "xx");
	{
		struct buf rec = BUF_INIT;

		/* 299 name bytes + "path=" + " " + "\n" + the 3 digits of the length itself. */
		buf_addf(&rec, "%zu path=%s\n", strlen(longname) + 10, longname);
		add_pax(&b, rec.data);
		buf_release(&rec);
	}
	add_file(&b, "short", "long");
	add_entry(&b, "././@LongLink", 'L', 0644, NULL, longname, strlen(longname) + 1);
	add_file(&b, "gnu", "g");
	add_entry(&b, "g", 'g', 0644, NULL, "9 a=bcde\n", 9);
	add_end(&b);
	for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
		struct seen s = { STRV_INIT, BUF_INIT };
		struct err *err = NULL;

		if (feed_tar(&b, steps[k], &s, &err) < 0)
			fail_msg("step %zu: %s", steps[k], err->msg);
		assert_int_equal(s.lines.n, 7);
		assert_string_equal(s.lines.v[0], "5 dir/ ->  size=0 mode=755 uid=1000 xattrs=0");
		assert_string_equal(s.lines.v[1], "0 dir/a ->  size=5 mode=644 uid=1000 xattrs=0");
		assert_string_equal(s.lines.v[2], "2 dir/l -> a size=0 mode=777 uid=1000 xattrs=0");
		assert_string_equal(s.lines.v[3], "1 dir/h -> dir/a size=0 mode=644 uid=1000 xattrs=0");
		assert_string_equal(s.lines.v[4],
				    "0 dir/x ->  size=2 mode=644 uid=1000 xattrs=1 user.k");
		assert_non_null(strstr(s.lines.v[5], longname));
		assert_non_null(strstr(s.lines.v[6], longname));
		assert_int_equal(s.data.len, 5 + 2 + 4 + 1);
		assert_memory_equal(s.data.data, "helloxxlongg", 12);
		strv_release(&s.lines);
		buf_release(&s.data);
	}
	buf_release(&b);
}

static void
test_tar_reader_bad(void **state)
{
	struct buf b = BUF_INIT;
	struct seen s = { STRV_INIT, BUF_INIT };
	struct err *err = NULL;

	(void)state;
	/* A corrupted checksum. */
	add_file(&b, "a", "x");
	b.data[0] = 'b';
	assert_int_equal(feed_tar(&b, 512, &s, &err), -1);
	assert_int_equal(err->kind, ERR_INVALID);
	err_clear(&err);
	/* Truncated data. */
	buf_reset(&b);
	add_file(&b, "a", "0123456789");
	buf_setlen(&b, 512 + 5);
	assert_int_equal(feed_tar(&b, 512, &s, &err), -1);
	assert_int_equal(err->kind, ERR_INVALID);
	err_clear(&err);
	/* Sparse files are not for us: the Diff service may take them. */
	buf_reset(&b);
	add_entry(&b, "sparse", 'S', 0644, NULL, NULL, 0);
	assert_int_equal(feed_tar(&b, 512, &s, &err), -1);
	assert_int_equal(err->kind, ERR_UNIMPLEMENTED);
	err_clear(&err);
	/* A malformed pax record. */
	buf_reset(&b);
	add_pax(&b, "99 path=x\n");
	add_file(&b, "a", "x");
	assert_int_equal(feed_tar(&b, 512, &s, &err), -1);
	assert_int_equal(err->kind, ERR_INVALID);
	err_clear(&err);
	/* A lone header block without its end is fine (as Go's reader). */
	buf_reset(&b);
	add_file(&b, "a", "x");
	assert_int_equal(feed_tar(&b, 512, &s, &err), 0);
	strv_release(&s.lines);
	buf_release(&s.data);
	buf_release(&b);
}

/* ---- extraction ---- */

static char *
mkroot(void)
{
	char tmpl[] = "/tmp/test-extract.XXXXXX";
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	return strdup(d);
}

static void
rmroot(const char *d)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
	assert_int_equal(system(cmd), 0);
}

/* Whether extract() runs the extractor on its threads (layer_x_start_thread). */
static bool use_threads;

/* Extracts b (gzipped when gz) into dir in pieces of step; -1 with *err on failure. */
static int
extract(const char *dir, const struct buf *b, bool gz, enum extract_whiteouts wh, size_t step,
	char diff_id[DIGEST_STR_SIZE], struct err **err)
{
	struct buf z = BUF_INIT;
	const struct buf *in = b;
	struct layer_x *x = NULL;
	int r;

	if (gz) {
		gzip_buf(b, &z);
		in = &z;
	}
	r = layer_x_new(dir, gz ? LAYER_COMP_GZIP : LAYER_COMP_NONE, wh, &x, err);
	if (r == 0 && use_threads)
		r = layer_x_start_thread(x, err);
	for (size_t off = 0; r == 0 && off < in->len; off += step)
		r = layer_x_feed(x, in->data + off, in->len - off < step ? in->len - off : step, err);
	if (r == 0)
		r = layer_x_finish(x, diff_id, err);
	layer_x_free(x);
	buf_release(&z);
	return r;
}

static char *
read_at(const char *dir, const char *name)
{
	char path[512], *s = calloc(1, 256);
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f) {
		free(s);
		return NULL;
	}
	if (!fgets(s, 256, f))
		s[0] = 0;
	fclose(f);
	return s;
}

static bool
is_root(void)
{
	return geteuid() == 0;
}

static void
test_extract_tree(void **state)
{
	struct buf b = BUF_INIT;
	char *dir = mkroot(), path[512], diff_id[DIGEST_STR_SIZE], want[DIGEST_STR_SIZE];
	struct err *err = NULL;
	struct stat st;
	char *s;

	(void)state;
	add_entry(&b, "./", '5', 0755, NULL, NULL, 0);
	add_entry(&b, "./etc/", '5', 0750, NULL, NULL, 0);
	add_file(&b, "./etc/passwd", "root:x:0:0\n");
	add_entry(&b, "./etc/pw2", '1', 0644, "etc/passwd", NULL, 0);
	add_entry(&b, "./bin", '2', 0777, "usr/bin", NULL, 0);
	add_entry(&b, "abs", '2', 0777, "/", NULL, 0);
	add_file(&b, "implicit/deep/file", "d");
	add_entry(&b, "suid", '0', 04755, NULL, "s", 1);
	add_file(&b, "dup", "first");
	add_file(&b, "dup", "second");
	/* Through an in-root absolute symlink: stays inside (RESOLVE_IN_ROOT). */
	add_file(&b, "abs/via-link", "inside");
	add_end(&b);
	if (extract(dir, &b, true, EXTRACT_WH_DELETE, 1000, diff_id, &err) < 0)
		fail_msg("%s", err->msg);
	assert_int_equal(digest_bytes(b.data, b.len, want, &err), 0);
	assert_string_equal(diff_id, want);
	s = read_at(dir, "etc/passwd");
	assert_string_equal(s, "root:x:0:0\n");
	free(s);
	snprintf(path, sizeof(path), "%s/etc", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0750);
	assert_int_equal(st.st_mtime, 1600000000);
	snprintf(path, sizeof(path), "%s/etc/pw2", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_nlink, 2);
	snprintf(path, sizeof(path), "%s/bin", dir);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	snprintf(path, sizeof(path), "%s/suid", dir);
	assert_int_equal(stat(path, &st), 0);
	if (is_root()) {
		assert_int_equal(st.st_mode & 07777, 04755);
		assert_int_equal(st.st_uid, 1000);
	}
	assert_int_equal(st.st_mtime, 1600000000);
	s = read_at(dir, "dup");
	assert_string_equal(s, "second");
	free(s);
	s = read_at(dir, "via-link");
	assert_string_equal(s, "inside");
	free(s);
	s = read_at(dir, "implicit/deep/file");
	assert_string_equal(s, "d");
	free(s);
	rmroot(dir);
	free(dir);
	buf_release(&b);
}

static void
test_extract_whiteouts(void **state)
{
	struct buf b = BUF_INIT;
	char *dir = mkroot(), path[512], diff_id[DIGEST_STR_SIZE], v[4];
	struct err *err = NULL;
	struct stat st;

	(void)state;
	if (!is_root()) {
		free(dir);
		skip();
	}
	add_entry(&b, "d/", '5', 0755, NULL, NULL, 0);
	add_file(&b, "d/.wh..wh..opq", "");
	add_file(&b, ".wh.gone", "");
	add_file(&b, "keep", "k");
	add_end(&b);
	if (extract(dir, &b, false, EXTRACT_WH_OVERLAY, 333, diff_id, &err) < 0)
		fail_msg("%s", err->msg);
	snprintf(path, sizeof(path), "%s/gone", dir);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(st.st_rdev, makedev(0, 0));
	snprintf(path, sizeof(path), "%s/d", dir);
	assert_int_equal(getxattr(path, "trusted.overlay.opaque", v, sizeof(v)), 1);
	assert_int_equal(v[0], 'y');
	snprintf(path, sizeof(path), "%s/d/.wh..wh..opq", dir);
	assert_int_equal(lstat(path, &st), -1);
	rmroot(dir);
	free(dir);

	/* A first layer: the whiteout removes what the layer made earlier, and nothing else. */
	dir = mkroot();
	buf_reset(&b);
	add_file(&b, "a", "x");
	add_file(&b, ".wh.a", "");
	add_end(&b);
	if (extract(dir, &b, false, EXTRACT_WH_DELETE, 512, diff_id, &err) < 0)
		fail_msg("%s", err->msg);
	snprintf(path, sizeof(path), "%s/a", dir);
	assert_int_equal(lstat(path, &st), -1);
	rmroot(dir);
	free(dir);
	buf_release(&b);
}

struct bad_row {
	const char *what;
	const char *name;
	char type;
	const char *link;
	const char *then;	/* a second entry name (a file), or NULL */
};

static const struct bad_row bad_rows[] = {
	{ "dotdot", "../escape", '0', NULL, NULL },
	{ "inner dotdot", "a/../../escape", '0', NULL, NULL },
	{ "hardlink out", "h", '1', "../../etc/passwd", NULL },
	{ "relative symlink out", "s", '2', "../../../tmp", "s/escape" },
	{ "deep symlink out", "a/b/s", '2', "../../../x", NULL },
	{ "whiteout dotdot", ".wh...", '0', NULL, NULL },
};

static void
test_extract_refuses_escapes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
		const struct bad_row *r = &bad_rows[i];
		struct buf b = BUF_INIT;
		char *top = mkroot(), dir[512], diff_id[DIGEST_STR_SIZE];
		struct err *err = NULL;
		struct stat st;
		char escape[600];

		/* The root is top/root: anything written to top/ escaped. */
		snprintf(dir, sizeof(dir), "%s/root", top);
		assert_int_equal(mkdir(dir, 0755), 0);
		add_entry(&b, r->name, r->type, 0644, r->link, r->type == '0' ? "x" : NULL,
			  r->type == '0' ? 1 : 0);
		if (r->then)
			add_file(&b, r->then, "x");
		add_end(&b);
		if (extract(dir, &b, false, EXTRACT_WH_OVERLAY, 512, diff_id, &err) == 0)
			fail_msg("%s: accepted", r->what);
		assert_int_equal(err->kind, ERR_INVALID);
		snprintf(escape, sizeof(escape), "%s/escape", top);
		assert_int_equal(lstat(escape, &st), -1);
		err_clear(&err);
		rmroot(top);
		free(top);
		buf_release(&b);
	}
}

static void
test_extract_move(void **state)
{
	struct buf b = BUF_INIT;
	char *src = mkroot(), *dst = mkroot(), path[512], diff_id[DIGEST_STR_SIZE];
	struct err *err = NULL;
	char *s;

	(void)state;
	add_file(&b, "x/y", "moved");
	add_file(&b, "z", "top");
	add_end(&b);
	if (extract(src, &b, true, EXTRACT_WH_OVERLAY, 4096, diff_id, &err) < 0)
		fail_msg("%s", err->msg);
	if (extract_move_tree(src, dst, &err) < 0)
		fail_msg("%s", err->msg);
	s = read_at(dst, "x/y");
	assert_string_equal(s, "moved");
	free(s);
	snprintf(path, sizeof(path), "%s/z", src);
	assert_int_equal(access(path, F_OK), -1);
	rmroot(src);
	rmroot(dst);
	free(src);
	free(dst);
	buf_release(&b);
}

static void
test_gzip_members(void **state)
{
	struct buf t1 = BUF_INIT, t2 = BUF_INIT, z = BUF_INIT, all = BUF_INIT;
	char *dir = mkroot(), diff_id[DIGEST_STR_SIZE], want[DIGEST_STR_SIZE];
	struct err *err = NULL;
	struct layer_x *x = NULL;
	char *s;

	(void)state;
	/* Two gzip members that together hold one tar (as pigz or concatenation makes). */
	add_file(&t1, "one", "1");
	add_file(&t2, "two", "2");
	add_end(&t2);
	gzip_buf(&t1, &z);
	gzip_buf(&t2, &z);
	buf_add(&all, t1.data, t1.len);
	buf_add(&all, t2.data, t2.len);
	assert_int_equal(layer_x_new(dir, LAYER_COMP_GZIP, EXTRACT_WH_DELETE, &x, &err), 0);
	for (size_t off = 0; off < z.len; off += 5)
		assert_int_equal(layer_x_feed(x, z.data + off, z.len - off < 5 ? z.len - off : 5, &err),
				 0);
	assert_int_equal(layer_x_finish(x, diff_id, &err), 0);
	layer_x_free(x);
	assert_int_equal(digest_bytes(all.data, all.len, want, &err), 0);
	assert_string_equal(diff_id, want);
	s = read_at(dir, "two");
	assert_string_equal(s, "2");
	free(s);
	/* A truncated stream fails. */
	assert_int_equal(layer_x_new(dir, LAYER_COMP_GZIP, EXTRACT_WH_DELETE, &x, &err), 0);
	assert_int_equal(layer_x_feed(x, z.data, z.len / 2, &err), 0);
	assert_int_equal(layer_x_finish(x, diff_id, &err), -1);
	assert_int_equal(err->kind, ERR_INVALID);
	err_clear(&err);
	layer_x_free(x);
	rmroot(dir);
	free(dir);
	buf_release(&t1);
	buf_release(&t2);
	buf_release(&z);
	buf_release(&all);
}

/* A gzip member with every optional header field, made by hand around raw deflate. */
static void
gzip_fancy(const struct buf *in, struct buf *out, uint32_t isize_delta)
{
	static const unsigned char hdr[] = {
		0x1f, 0x8b, 8, 2 | 4 | 8 | 16, 0, 0, 0, 0, 0, 3,
		3, 0, 'a', 'b', 'c',		/* FEXTRA: 3 bytes */
		'n', 'a', 'm', 'e', 0,		/* FNAME */
		'c', 0,				/* FCOMMENT */
		0x12, 0x34,			/* FHCRC (not checked, like Go's reader) */
	};
	z_stream z = { 0 };
	unsigned char tmp[65536], tr[8];
	uint32_t crc = (uint32_t)crc32(0, (const unsigned char *)in->data, (unsigned)in->len);
	uint32_t len = (uint32_t)in->len + isize_delta;

	buf_add(out, hdr, sizeof(hdr));
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)in->data;
	z.avail_in = (unsigned)in->len;
	z.next_out = tmp;
	z.avail_out = sizeof(tmp);
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	buf_add(out, tmp, sizeof(tmp) - z.avail_out);
	deflateEnd(&z);
	for (int i = 0; i < 4; i++) {
		tr[i] = (unsigned char)(crc >> (8 * i));
		tr[4 + i] = (unsigned char)(len >> (8 * i));
	}
	buf_add(out, tr, sizeof(tr));
}

static void
test_gzip_framing(void **state)
{
	struct buf t = BUF_INIT, z = BUF_INIT;
	char diff_id[DIGEST_STR_SIZE];
	struct err *err = NULL;
	const size_t steps[] = { 1, 3, 11, 4096 };

	(void)state;
	add_file(&t, "f", "fancy");
	add_end(&t);
	gzip_fancy(&t, &z, 0);
	for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
		char *dir = mkroot();
		struct layer_x *x = NULL;
		char *s;

		assert_int_equal(layer_x_new(dir, LAYER_COMP_GZIP, EXTRACT_WH_DELETE, &x, &err), 0);
		for (size_t off = 0; off < z.len; off += steps[k])
			if (layer_x_feed(x, z.data + off,
					 z.len - off < steps[k] ? z.len - off : steps[k], &err) < 0)
				fail_msg("step %zu: %s", steps[k], err->msg);
		if (layer_x_finish(x, diff_id, &err) < 0)
			fail_msg("step %zu: %s", steps[k], err->msg);
		layer_x_free(x);
		s = read_at(dir, "f");
		assert_string_equal(s, "fancy");
		free(s);
		rmroot(dir);
		free(dir);
	}
	/* Trailing garbage after a member, a wrong length, a truncated trailer. */
	for (int bad = 0; bad < 3; bad++) {
		char *dir = mkroot();
		struct buf b = BUF_INIT;
		struct layer_x *x = NULL;
		int r;

		gzip_fancy(&t, &b, bad == 1 ? 1 : 0);
		if (bad == 0)
			buf_add(&b, "\0\0\0\0", 4);
		if (bad == 2)
			buf_setlen(&b, b.len - 3);
		assert_int_equal(layer_x_new(dir, LAYER_COMP_GZIP, EXTRACT_WH_DELETE, &x, &err), 0);
		r = layer_x_feed(x, b.data, b.len, &err);
		if (r == 0)
			r = layer_x_finish(x, diff_id, &err);
		if (r == 0)
			fail_msg("bad gzip %d accepted", bad);
		assert_int_equal(err->kind, ERR_INVALID);
		err_clear(&err);
		layer_x_free(x);
		rmroot(dir);
		free(dir);
		buf_release(&b);
	}
	buf_release(&t);
	buf_release(&z);
}

/* The same extractions and refusals through the inflater and writer threads. */
static void
test_threaded(void **state)
{
	use_threads = true;
	test_extract_tree(state);
	test_extract_refuses_escapes(state);
	test_extract_move(state);
	use_threads = false;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tar_reader),
		cmocka_unit_test(test_tar_reader_bad),
		cmocka_unit_test(test_extract_tree),
		cmocka_unit_test(test_extract_whiteouts),
		cmocka_unit_test(test_extract_refuses_escapes),
		cmocka_unit_test(test_extract_move),
		cmocka_unit_test(test_gzip_members),
		cmocka_unit_test(test_gzip_framing),
		cmocka_unit_test(test_threaded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
