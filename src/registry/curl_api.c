/* The dlopen'ed libcurl function table. */
#include <pthread.h>

#include "base/dl.h"
#include "registry/curl_api.h"
#include "base/banned.h"

static struct curl_api api;
static struct dl_lib lib = { .soname = "libcurl.so.4" };
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int ready;

const struct curl_api *
curl_api_get(struct err **errp)
{
	const struct dl_sym syms[] = {
		{ "curl_global_init", (void **)&api.global_init },
		{ "curl_easy_init", (void **)&api.easy_init },
		{ "curl_easy_setopt", (void **)&api.easy_setopt },
		{ "curl_easy_perform", (void **)&api.easy_perform },
		{ "curl_easy_getinfo", (void **)&api.easy_getinfo },
		{ "curl_easy_cleanup", (void **)&api.easy_cleanup },
		{ "curl_easy_reset", (void **)&api.easy_reset },
		{ "curl_easy_strerror", (void **)&api.easy_strerror },
		{ "curl_slist_append", (void **)&api.slist_append },
		{ "curl_slist_free_all", (void **)&api.slist_free_all },
		{ "curl_url", (void **)&api.url },
		{ "curl_url_set", (void **)&api.url_set },
		{ "curl_url_get", (void **)&api.url_get },
		{ "curl_url_cleanup", (void **)&api.url_cleanup },
		{ "curl_easy_escape", (void **)&api.easy_escape },
		{ "curl_free", (void **)&api.free },
	};
	const struct curl_api *ret = &api;

	pthread_mutex_lock(&lock);
	if (!ready) {
		if (dl_load(&lib, syms, ARRAY_SIZE(syms), errp) < 0) {
			ret = NULL;
		} else if (api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			err_set(errp, ERR_UNAVAILABLE, "libcurl: global initialisation failed");
			ret = NULL;
		} else {
			ready = 1;
		}
	}
	pthread_mutex_unlock(&lock);
	return ret;
}
