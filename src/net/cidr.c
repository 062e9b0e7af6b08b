/* IPv4/IPv6 prefixes: parsing, overlap, containment and the next free 10.4.N.0/24. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "base/xalloc.h"
#include "net/net.h"
#include "base/banned.h"

int
net_cidr_parse(const char *s, struct net_cidr *ret, struct err **errp)
{
	struct net_cidr c = { 0 };
	const char *slash = strchr(s, '/');
	_cleanup_free_ char *ip = NULL;
	int max, prefix = 0;

	if (!slash || !slash[1])
		return err_set(errp, ERR_INVALID, "invalid CIDR address: %s", s);
	ip = xstrndup(s, (size_t)(slash - s));
	if (inet_pton(AF_INET, ip, c.addr) == 1) {
		c.family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, ip, c.addr) == 1) {
		c.family = AF_INET6;
		max = 128;
	} else {
		return err_set(errp, ERR_INVALID, "invalid CIDR address: %s", s);
	}
	for (const char *p = slash + 1; *p; p++) {
		if (*p < '0' || *p > '9' || prefix > 128)
			return err_set(errp, ERR_INVALID, "invalid CIDR address: %s", s);
		prefix = prefix * 10 + (*p - '0');
	}
	if (prefix > max || (slash[1] == '0' && slash[2]))
		return err_set(errp, ERR_INVALID, "invalid CIDR address: %s", s);
	c.prefix = prefix;
	*ret = c;
	return 0;
}

static int
addr_len(const struct net_cidr *c)
{
	return c->family == AF_INET ? 4 : 16;
}

/* Whether the first bits bits of a and b agree. */
static bool
same_prefix(const uint8_t *a, const uint8_t *b, int bits)
{
	int i = 0;

	for (; bits >= 8; bits -= 8, i++)
		if (a[i] != b[i])
			return false;
	if (bits) {
		uint8_t m = (uint8_t)(0xff << (8 - bits));
		if ((a[i] & m) != (b[i] & m))
			return false;
	}
	return true;
}

bool
net_cidr_overlaps(const struct net_cidr *a, const struct net_cidr *b)
{
	if (a->family != b->family)
		return false;
	return same_prefix(a->addr, b->addr, a->prefix < b->prefix ? a->prefix : b->prefix);
}

bool
net_cidr_contains(const struct net_cidr *c, const char *ip)
{
	uint8_t a[16] = { 0 };

	if (inet_pton(c->family, ip, a) != 1)
		return false;
	return same_prefix(c->addr, a, c->prefix);
}

/* Whether c's address has host bits set (10.4.1.1/24). */
static bool
host_bits_set(const struct net_cidr *c)
{
	struct net_cidr z = *c;
	int n = addr_len(c);

	for (int bit = c->prefix; bit < n * 8; bit++)
		z.addr[bit / 8] &= (uint8_t) ~(0x80 >> (bit % 8));
	return memcmp(z.addr, c->addr, (size_t)n) != 0;
}

void
net_cidr_addr(const struct net_cidr *c, int64_t offset, char *out, size_t outlen)
{
	uint8_t a[16];
	int n = addr_len(c);
	int carry;

	memcpy(a, c->addr, sizeof(a));
	for (int bit = c->prefix; bit < n * 8; bit++)
		a[bit / 8] &= (uint8_t) ~(0x80 >> (bit % 8));
	if (offset < 0) {
		/* From the end: set the host bits (broadcast), then subtract. */
		for (int bit = c->prefix; bit < n * 8; bit++)
			a[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
		offset = -offset - 1;
		for (int i = n - 1; i >= 0 && offset; i--) {
			int v = a[i] - (int)(offset & 0xff);
			offset >>= 8;
			if (v < 0) {
				v += 256;
				offset++;
			}
			a[i] = (uint8_t)v;
		}
	} else {
		carry = 0;
		for (int i = n - 1; i >= 0 && (offset || carry); i--) {
			int v = a[i] + (int)(offset & 0xff) + carry;
			offset >>= 8;
			carry = v > 255;
			a[i] = (uint8_t)(v & 0xff);
		}
	}
	if (!inet_ntop(c->family, a, out, (socklen_t)outlen) && outlen)
		out[0] = '\0';
}

int
net_cidr_check_network(const char *s, struct net_cidr *ret, struct err **errp)
{
	struct net_cidr c;
	char base[INET6_ADDRSTRLEN];

	if (net_cidr_parse(s, &c, errp) < 0)
		return -1;
	if (host_bits_set(&c)) {
		net_cidr_addr(&c, 0, base, sizeof(base));
		return err_set(errp, ERR_INVALID, "unexpected subnet \"%s\", maybe you meant \"%s/%d\"?",
			       s, base, c.prefix);
	}
	*ret = c;
	return 0;
}

int
net_next_free_subnet(const struct net_cidr *used, size_t n, char *out, size_t outlen,
		     struct err **errp)
{
	/* nerdctl starts at 10.4.1.0/24 (10.4.0.0/24 is the default network) and walks up. */
	for (unsigned k = 1; k < 256 * 252; k++) {
		struct net_cidr c = { .family = AF_INET, .prefix = 24 };
		bool clash = false;

		c.addr[0] = 10;
		c.addr[1] = (uint8_t)(4 + k / 256);
		c.addr[2] = (uint8_t)(k % 256);
		for (size_t i = 0; i < n && !clash; i++)
			clash = net_cidr_overlaps(&c, &used[i]);
		if (!clash) {
			snprintf(out, outlen, "10.%u.%u.0/24", 4 + k / 256, k % 256);
			return 0;
		}
	}
	return err_set(errp, ERR_RESOURCE, "no free subnet left in 10.4.0.0/14 and above");
}
