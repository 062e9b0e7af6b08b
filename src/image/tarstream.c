/* Push-mode tar reader: a state machine over 512-byte blocks, fed in arbitrary pieces. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "image/tarstream.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include "base/banned.h"

#define BLOCK 512
/* Go's archive/tar caps pax headers and GNU long names at 1 MiB too. */
#define SPECIAL_MAX (1u << 20)

enum state {
	ST_HEADER,	/* filling blk */
	ST_DATA,	/* regular file data to the callbacks */
	ST_SPECIAL,	/* pax header or GNU long name data into special */
	ST_SKIP,	/* data nobody wants (pax global header) */
	ST_PAD,		/* padding to the next block */
	ST_ZERO,	/* after one zero block: the next must be zero too */
	ST_EOF,
};

struct tar_stream {
	const struct tar_ops *ops;
	void *ud;
	enum state st;
	unsigned char blk[BLOCK];
	size_t have;		/* bytes in blk */
	uint64_t left;		/* data bytes left in this entry */
	uint64_t entry_size;	/* its data size, for the padding */
	size_t pad;		/* padding bytes left */
	char special_type;	/* 'x', 'L' or 'K' while ST_SPECIAL */
	struct buf special;
	/* Overrides for the next entry, from pax and GNU headers. */
	char *long_name, *long_link;
	char *pax_path, *pax_link;
	bool has_size, has_uid, has_gid, has_mtime, has_atime;
	int64_t size, uid, gid;
	struct tar_time mtime, atime;
	struct tar_xattr *xattrs;
	size_t n_xattrs;
};

struct tar_stream *
tar_stream_new(const struct tar_ops *ops, void *ud)
{
	struct tar_stream *t = xnew(struct tar_stream, 1);

	t->ops = ops;
	t->ud = ud;
	buf_init(&t->special, 0);
	return t;
}

static void
clear_overrides(struct tar_stream *t)
{
	free(t->long_name);
	free(t->long_link);
	free(t->pax_path);
	free(t->pax_link);
	for (size_t i = 0; i < t->n_xattrs; i++) {
		free(t->xattrs[i].name);
		free(t->xattrs[i].value);
	}
	free(t->xattrs);
	t->long_name = t->long_link = t->pax_path = t->pax_link = NULL;
	t->xattrs = NULL;
	t->n_xattrs = 0;
	t->has_size = t->has_uid = t->has_gid = t->has_mtime = t->has_atime = false;
}

void
tar_stream_free(struct tar_stream *t)
{
	if (!t)
		return;
	clear_overrides(t);
	buf_release(&t->special);
	free(t);
}

bool
tar_stream_done(const struct tar_stream *t)
{
	return t->st == ST_EOF;
}

/*
 * A numeric header field: octal digits padded with spaces or NULs, or (GNU) base-256 with
 * the high bit set. Negative values are refused.
 */
static int
parse_num(const unsigned char *f, size_t n, const char *what, int64_t *ret, struct err **errp)
{
	uint64_t v = 0;
	size_t i = 0;

	if (f[0] & 0x80) {
		if (f[0] & 0x40)
			return err_set(errp, ERR_INVALID, "tar: negative %s", what);
		v = f[0] & 0x3f;
		for (i = 1; i < n; i++) {
			if (v >> 55)
				return err_set(errp, ERR_INVALID, "tar: %s out of range", what);
			v = v << 8 | f[i];
		}
		if (v > INT64_MAX)
			return err_set(errp, ERR_INVALID, "tar: %s out of range", what);
		*ret = (int64_t)v;
		return 0;
	}
	while (i < n && (f[i] == ' ' || f[i] == 0))
		i++;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v >> 60)
			return err_set(errp, ERR_INVALID, "tar: %s out of range", what);
		v = v << 3 | (uint64_t)(f[i] - '0');
	}
	for (; i < n; i++)
		if (f[i] != ' ' && f[i] != 0)
			return err_set(errp, ERR_INVALID, "tar: invalid %s field", what);
	*ret = (int64_t)v;
	return 0;
}

/* A NUL-terminated copy of a fixed-size string field. */
static char *
field_str(const unsigned char *f, size_t n)
{
	size_t len = strnlen((const char *)f, n);

	return xstrndup((const char *)f, len);
}

static int
check_sum(const unsigned char *b, struct err **errp)
{
	int64_t want;
	uint64_t usum = 0;
	int64_t ssum = 0;

	if (parse_num(b + 148, 8, "checksum", &want, errp) < 0)
		return -1;
	for (size_t i = 0; i < BLOCK; i++) {
		unsigned char c = (i >= 148 && i < 156) ? ' ' : b[i];

		usum += c;
		ssum += (signed char)c;
	}
	/* Some old writers summed signed chars; Go accepts both. */
	if ((int64_t)usum != want && ssum != want)
		return err_set(errp, ERR_INVALID, "tar: header checksum mismatch");
	return 0;
}

/* "sec" or "sec.frac" (pax times); nanoseconds beyond 9 digits are dropped. */
static int
parse_pax_time(const char *s, struct tar_time *ret)
{
	bool neg = *s == '-';
	int64_t sec = 0;
	int32_t nsec = 0;
	int digits = 0;

	if (neg)
		s++;
	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (sec > (INT64_MAX - 9) / 10)
			return -1;
		sec = sec * 10 + (*s - '0');
	}
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++)
			if (digits++ < 9)
				nsec = nsec * 10 + (*s - '0');
		for (; digits < 9; digits++)
			nsec *= 10;
	}
	if (*s)
		return -1;
	if (neg && nsec) {
		sec = -sec - 1;
		nsec = 1000000000 - nsec;
	} else if (neg) {
		sec = -sec;
	}
	ret->sec = sec;
	ret->nsec = nsec;
	return 0;
}

static int
parse_pax_int(const char *s, int64_t *ret)
{
	int64_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	*ret = v;
	return 0;
}

/* One "key=value" pax record; value is binary (xattrs) and vlen long. */
static int
pax_record(struct tar_stream *t, const char *key, const char *value, size_t vlen,
	   struct err **errp)
{
	bool bad = false;

	/* A record with an empty value deletes the keyword: the header field counts again. */
	if (!strcmp(key, "path")) {
		free(t->pax_path);
		t->pax_path = vlen ? xstrndup(value, vlen) : NULL;
	} else if (!strcmp(key, "linkpath")) {
		free(t->pax_link);
		t->pax_link = vlen ? xstrndup(value, vlen) : NULL;
	} else if (!strcmp(key, "size")) {
		t->has_size = vlen && !(bad = parse_pax_int(value, &t->size) < 0);
	} else if (!strcmp(key, "uid")) {
		t->has_uid = vlen && !(bad = parse_pax_int(value, &t->uid) < 0);
	} else if (!strcmp(key, "gid")) {
		t->has_gid = vlen && !(bad = parse_pax_int(value, &t->gid) < 0);
	} else if (!strcmp(key, "mtime")) {
		t->has_mtime = vlen && !(bad = parse_pax_time(value, &t->mtime) < 0);
	} else if (!strcmp(key, "atime")) {
		t->has_atime = vlen && !(bad = parse_pax_time(value, &t->atime) < 0);
	} else if (!strncmp(key, "SCHILY.xattr.", 13) && key[13]) {
		t->xattrs = xrealloc(t->xattrs, (t->n_xattrs + 1) * sizeof(*t->xattrs));
		t->xattrs[t->n_xattrs].name = xstrdup(key + 13);
		t->xattrs[t->n_xattrs].value = xmalloc(vlen + 1);
		memcpy(t->xattrs[t->n_xattrs].value, value, vlen);
		t->xattrs[t->n_xattrs].value[vlen] = 0;
		t->xattrs[t->n_xattrs].len = vlen;
		t->n_xattrs++;
	} else if (!strncmp(key, "GNU.sparse.", 11)) {
		return err_set(errp, ERR_UNIMPLEMENTED, "tar: sparse files are not supported");
	}
	if (bad)
		return err_set(errp, ERR_INVALID, "tar: invalid pax %s record", key);
	return 0;
}

/* Records: "LEN key=value\n", LEN counting the whole record in decimal. */
static int
parse_pax(struct tar_stream *t, const char *p, size_t n, struct err **errp)
{
	while (n > 0) {
		size_t len = 0, i = 0;
		const char *rec, *eq;

		while (i < n && p[i] >= '0' && p[i] <= '9') {
			if (len > SPECIAL_MAX)
				break;
			len = len * 10 + (size_t)(p[i] - '0');
			i++;
		}
		if (i == 0 || i >= n || p[i] != ' ' || len <= i + 1 || len > n || p[len - 1] != '\n')
			return err_set(errp, ERR_INVALID, "tar: malformed pax record");
		rec = p + i + 1;
		eq = memchr(rec, '=', (size_t)(p + len - 1 - rec));
		if (!eq || eq == rec)
			return err_set(errp, ERR_INVALID, "tar: malformed pax record");
		{
			_cleanup_free_ char *key = xstrndup(rec, (size_t)(eq - rec));
			size_t vlen = (size_t)(p + len - 1 - (eq + 1));

			if (strlen(key) != (size_t)(eq - rec))
				return err_set(errp, ERR_INVALID, "tar: malformed pax record");
			if (pax_record(t, key, eq + 1, vlen, errp) < 0)
				return -1;
		}
		p += len;
		n -= len;
	}
	return 0;
}

static void
start_pad(struct tar_stream *t, uint64_t size)
{
	t->pad = (size_t)((BLOCK - size % BLOCK) % BLOCK);
	t->st = t->pad ? ST_PAD : ST_HEADER;
}

static int
finish_special(struct tar_stream *t, struct err **errp)
{
	char *s = t->special.data;
	size_t n = t->special.len;

	if (t->special_type == 'x')
		return parse_pax(t, s, n, errp);
	/* GNU long names: NUL-terminated (maybe padded), no embedded NUL expected. */
	n = strnlen(s, n);
	if (t->special_type == 'L') {
		free(t->long_name);
		t->long_name = xstrndup(s, n);
	} else {
		free(t->long_link);
		t->long_link = xstrndup(s, n);
	}
	return 0;
}

static bool
zero_block(const unsigned char *b)
{
	for (size_t i = 0; i < BLOCK; i++)
		if (b[i])
			return false;
	return true;
}

static int
emit_entry(struct tar_stream *t, const unsigned char *b, char flag, struct err **errp)
{
	_cleanup_free_ char *name = NULL, *link = NULL;
	struct tar_entry e = { 0 };
	bool ustar = !memcmp(b + 257, "ustar\0", 6);
	int64_t v;
	int r;

	if (t->long_name) {
		name = TAKE_PTR(t->long_name);
	} else if (ustar && b[345]) {
		_cleanup_free_ char *prefix = field_str(b + 345, 155), *base = field_str(b, 100);

		name = xasprintf("%s/%s", prefix, base);
	} else {
		name = field_str(b, 100);
	}
	if (t->pax_path) {
		free(name);
		name = TAKE_PTR(t->pax_path);
	}
	link = t->pax_link ? TAKE_PTR(t->pax_link) :
	       t->long_link ? TAKE_PTR(t->long_link) : field_str(b + 157, 100);
	switch (flag) {
	case '0': case '7': e.type = TAR_REG; break;
	/* Old tars mark directories only by the trailing slash. */
	case '\0': e.type = *name && name[strlen(name) - 1] == '/' ? TAR_DIR : TAR_REG; break;
	case '1': e.type = TAR_LINK; break;
	case '2': e.type = TAR_SYMLINK; break;
	case '3': e.type = TAR_CHR; break;
	case '4': e.type = TAR_BLK; break;
	case '5': e.type = TAR_DIR; break;
	case '6': e.type = TAR_FIFO; break;
	case 'S':
		return err_set(errp, ERR_UNIMPLEMENTED, "tar: %s: sparse files are not supported",
			       name);
	default:
		return err_set(errp, ERR_UNIMPLEMENTED, "tar: %s: unsupported entry type '%c'", name,
			       flag);
	}
	if (parse_num(b + 100, 8, "mode", &v, errp) < 0)
		return -1;
	e.mode = (uint32_t)(v & 07777);
	if (parse_num(b + 108, 8, "uid", &e.uid, errp) < 0 ||
	    parse_num(b + 116, 8, "gid", &e.gid, errp) < 0 ||
	    parse_num(b + 124, 12, "size", &e.size, errp) < 0 ||
	    parse_num(b + 136, 12, "mtime", &e.mtime.sec, errp) < 0)
		return -1;
	if (e.type == TAR_CHR || e.type == TAR_BLK) {
		int64_t maj, min;

		if (parse_num(b + 329, 8, "devmajor", &maj, errp) < 0 ||
		    parse_num(b + 337, 8, "devminor", &min, errp) < 0)
			return -1;
		if (maj > UINT32_MAX || min > UINT32_MAX)
			return err_set(errp, ERR_INVALID, "tar: %s: device number out of range", name);
		e.devmajor = (uint32_t)maj;
		e.devminor = (uint32_t)min;
	}
	if (t->has_size)
		e.size = t->size;
	if (t->has_uid)
		e.uid = t->uid;
	if (t->has_gid)
		e.gid = t->gid;
	if (t->has_mtime)
		e.mtime = t->mtime;
	e.atime = t->has_atime ? t->atime : e.mtime;
	if (e.uid > UINT32_MAX || e.gid > UINT32_MAX)
		return err_set(errp, ERR_INVALID, "tar: %s: uid/gid out of range", name);
	/* As Go's reader: links, devices, directories and FIFOs carry no data, whatever size says. */
	if (e.type != TAR_REG)
		e.size = 0;
	e.path = name;
	e.link = link;
	e.xattrs = t->xattrs;
	e.n_xattrs = t->n_xattrs;
	r = t->ops->entry(t->ud, &e, errp);
	clear_overrides(t);
	if (r < 0)
		return -1;
	t->left = t->entry_size = (uint64_t)e.size;
	if (!t->left) {
		t->st = ST_HEADER;
		return t->ops->entry_end(t->ud, errp);
	}
	t->st = ST_DATA;
	return 0;
}

static int
header(struct tar_stream *t, struct err **errp)
{
	const unsigned char *b = t->blk;
	int64_t size;
	char flag;

	if (zero_block(b)) {
		t->st = ST_ZERO;
		return 0;
	}
	if (check_sum(b, errp) < 0)
		return -1;
	flag = (char)b[156];
	if (flag != 'x' && flag != 'g' && flag != 'L' && flag != 'K')
		return emit_entry(t, b, flag, errp);
	if (parse_num(b + 124, 12, "size", &size, errp) < 0)
		return -1;
	t->left = t->entry_size = (uint64_t)size;
	if (flag == 'g') {
		/* Go returns global headers as entries of their own; containerd ignores them. */
		t->st = size ? ST_SKIP : ST_HEADER;
		return 0;
	}
	if ((uint64_t)size > SPECIAL_MAX)
		return err_set(errp, ERR_INVALID, "tar: %s header of %lld bytes is too large",
			       flag == 'x' ? "pax" : "GNU long name", (long long)size);
	t->special_type = flag;
	buf_reset(&t->special);
	if (!size) {
		t->st = ST_HEADER;
		return finish_special(t, errp);
	}
	t->st = ST_SPECIAL;
	return 0;
}

int
tar_stream_feed(struct tar_stream *t, const void *data, size_t n, struct err **errp)
{
	const unsigned char *p = data;

	while (n > 0) {
		size_t k;

		switch (t->st) {
		case ST_EOF:
			return 0;
		case ST_HEADER:
		case ST_ZERO:
			k = BLOCK - t->have < n ? BLOCK - t->have : n;
			memcpy(t->blk + t->have, p, k);
			t->have += k;
			p += k;
			n -= k;
			if (t->have < BLOCK)
				break;
			t->have = 0;
			if (t->st == ST_ZERO) {
				if (!zero_block(t->blk))
					return err_set(errp, ERR_INVALID, "tar: data after a zero block");
				t->st = ST_EOF;
				return 0;
			}
			if (header(t, errp) < 0)
				return -1;
			break;
		case ST_DATA:
		case ST_SPECIAL:
		case ST_SKIP:
			k = t->left < n ? (size_t)t->left : n;
			if (t->st == ST_DATA && t->ops->data(t->ud, p, k, errp) < 0)
				return -1;
			if (t->st == ST_SPECIAL)
				buf_add(&t->special, p, k);
			t->left -= k;
			p += k;
			n -= k;
			if (t->left)
				break;
			if (t->st == ST_DATA && t->ops->entry_end(t->ud, errp) < 0)
				return -1;
			if (t->st == ST_SPECIAL && finish_special(t, errp) < 0)
				return -1;
			start_pad(t, t->entry_size);
			break;
		case ST_PAD:
			k = t->pad < n ? t->pad : n;
			t->pad -= k;
			p += k;
			n -= k;
			if (!t->pad)
				t->st = ST_HEADER;
			break;
		}
	}
	return 0;
}

int
tar_stream_end(struct tar_stream *t, struct err **errp)
{
	if (t->st == ST_EOF || t->st == ST_ZERO || (t->st == ST_HEADER && t->have == 0))
		return 0;
	return err_set(errp, ERR_INVALID, "tar: unexpected end of archive");
}
