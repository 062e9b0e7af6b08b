/*
 * SHA-256 through dlopen'ed libraries, and go-digest's rules for digest strings: Nettle for
 * one-shot digests of small inputs (names, addresses, chain IDs: most commands need one, and
 * libnettle loads in a fraction of a millisecond where libcrypto takes ~3 ms), libcrypto for
 * streams (layers, where its speed matters more than its start-up).
 */
#include <nettle/sha2.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/digest.h"
#include "base/dl.h"
#include "base/xalloc.h"
#include "base/banned.h"

/* Only the types come from <openssl/evp.h>; the functions are resolved at run time. */
static struct {
	EVP_MD_CTX *(*ctx_new)(void);
	void (*ctx_free)(EVP_MD_CTX *ctx);
	const EVP_MD *(*sha256)(void);
	int (*init_ex)(EVP_MD_CTX *ctx, const EVP_MD *type, ENGINE *impl);
	int (*update)(EVP_MD_CTX *ctx, const void *d, size_t cnt);
	int (*final_ex)(EVP_MD_CTX *ctx, unsigned char *md, unsigned int *s);
	int (*init_crypto)(uint64_t opts, const OPENSSL_INIT_SETTINGS *settings);
} api;
static struct dl_lib lib = { .soname = "libcrypto.so.3" };
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

struct digester {
	EVP_MD_CTX *ctx;
};

static int
crypto_load(struct err **errp)
{
	const struct dl_sym syms[] = {
		{ "EVP_MD_CTX_new", (void **)&api.ctx_new },
		{ "EVP_MD_CTX_free", (void **)&api.ctx_free },
		{ "EVP_sha256", (void **)&api.sha256 },
		{ "EVP_DigestInit_ex", (void **)&api.init_ex },
		{ "EVP_DigestUpdate", (void **)&api.update },
		{ "EVP_DigestFinal_ex", (void **)&api.final_ex },
		{ "OPENSSL_init_crypto", (void **)&api.init_crypto },
	};
	static bool inited;
	int r;

	pthread_mutex_lock(&lock);
	r = dl_load(&lib, syms, ARRAY_SIZE(syms), errp);
	/*
	 * Hashing needs nothing from openssl.cnf; reading and applying it is most of
	 * libcrypto's start-up (milliseconds, in every command that hashes a path).
	 */
	if (r == 0 && !inited) {
		api.init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
		inited = true;
	}
	pthread_mutex_unlock(&lock);
	return r;
}

int
digester_new(struct digester **ret, struct err **errp)
{
	_cleanup_digester_ struct digester *d = NULL;

	if (crypto_load(errp) < 0)
		return err_wrap(errp, "sha256");
	d = xnew(struct digester, 1);
	d->ctx = api.ctx_new();
	if (!d->ctx || api.init_ex(d->ctx, api.sha256(), NULL) != 1)
		return err_set(errp, ERR_INTERNAL, "sha256: libcrypto failed to start a digest");
	*ret = TAKE_PTR(d);
	return 0;
}

void
digester_update(struct digester *d, const void *p, size_t n)
{
	/* A digest that silently skipped bytes would be worse than no program at all. */
	if (n && api.update(d->ctx, p, n) != 1)
		abort();
}

/* "sha256:" and the 32 bytes of md in lower-case hex. */
static void
format_sha256(const unsigned char md[32], char ret_hex[DIGEST_STR_SIZE])
{
	static const char hex[] = "0123456789abcdef";
	char *o = ret_hex + 7;

	memcpy(ret_hex, "sha256:", 7);
	for (unsigned int i = 0; i < 32; i++) {
		*o++ = hex[md[i] >> 4];
		*o++ = hex[md[i] & 0xf];
	}
	*o = '\0';
}

void
digester_final(struct digester *d, char ret_hex[DIGEST_STR_SIZE])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if (api.final_ex(d->ctx, md, &len) != 1 || len != 32)
		abort();
	format_sha256(md, ret_hex);
}

void
digester_free(struct digester *d)
{
	if (!d)
		return;
	if (d->ctx)
		api.ctx_free(d->ctx);
	free(d);
}

static struct {
	void (*init)(struct sha256_ctx *ctx);
	void (*update)(struct sha256_ctx *ctx, size_t length, const uint8_t *data);
	void (*final)(struct sha256_ctx *ctx, size_t length, uint8_t *digest);
} nettle_api;
static struct dl_lib nettle_lib = { .soname = "libnettle.so.8" };

static int
nettle_load(void)
{
	const struct dl_sym syms[] = {
		{ "nettle_sha256_init", (void **)&nettle_api.init },
		{ "nettle_sha256_update", (void **)&nettle_api.update },
		{ "nettle_sha256_digest", (void **)&nettle_api.final },
	};
	int r;

	pthread_mutex_lock(&lock);
	r = dl_load(&nettle_lib, syms, ARRAY_SIZE(syms), NULL);
	pthread_mutex_unlock(&lock);
	return r;
}

int
digest_bytes(const void *p, size_t n, char ret[DIGEST_STR_SIZE], struct err **errp)
{
	_cleanup_digester_ struct digester *d = NULL;

	if (nettle_load() == 0) {
		struct sha256_ctx ctx;
		uint8_t md[SHA256_DIGEST_SIZE];

		nettle_api.init(&ctx);
		nettle_api.update(&ctx, n, p);
		nettle_api.final(&ctx, sizeof(md), md);
		format_sha256(md, ret);
		return 0;
	}

	if (digester_new(&d, errp) < 0)
		return -1;
	digester_update(d, p, n);
	digester_final(d, ret);
	return 0;
}

static bool
is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* go-digest's DigestRegexp: [a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+ */
static bool
digest_syntax_ok(const char *s, size_t colon)
{
	bool need_alnum = true;

	for (size_t i = 0; i < colon; i++) {
		if (is_lower_alnum(s[i]))
			need_alnum = false;
		else if (!need_alnum && strchr(".+_-", s[i]))
			need_alnum = true;
		else
			return false;
	}
	if (need_alnum)
		return false;
	for (const char *e = s + colon + 1; *e; e++)
		if (!is_lower_alnum(*e) && !(*e >= 'A' && *e <= 'Z') && !strchr("=_-", *e))
			return false;
	return true;
}

int
digest_parse(const char *s, struct err **errp)
{
	static const struct {
		const char *name;
		size_t hex_len;
	} algs[] = { { "sha256", 64 }, { "sha384", 96 }, { "sha512", 128 } };
	const char *colon = strchr(s, ':');
	const char *enc;
	size_t alg_len;

	if (!colon || colon == s || colon[1] == '\0')
		return err_set(errp, ERR_INVALID, "invalid checksum digest format");
	alg_len = (size_t)(colon - s);
	enc = colon + 1;
	for (size_t i = 0; i < ARRAY_SIZE(algs); i++) {
		if (strlen(algs[i].name) != alg_len || memcmp(s, algs[i].name, alg_len) != 0)
			continue;
		if (strlen(enc) != algs[i].hex_len)
			return err_set(errp, ERR_INVALID, "invalid checksum digest length");
		for (const char *e = enc; *e; e++)
			if (!((*e >= '0' && *e <= '9') || (*e >= 'a' && *e <= 'f')))
				return err_set(errp, ERR_INVALID, "invalid checksum digest format");
		return 0;
	}
	if (!digest_syntax_ok(s, alg_len))
		return err_set(errp, ERR_INVALID, "invalid checksum digest format");
	return err_set(errp, ERR_INVALID, "unsupported digest algorithm");
}
