/*
 * libcurl through dlopen: <curl/curl.h> supplies types and constants only, the functions come
 * from a table resolved on first use (linking libcurl costs ~6 ms per process; see base/dl.h).
 */
#pragma once

#include <curl/curl.h>

#include "base/err.h"

struct curl_api {
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *h, CURLoption opt, ...);
	CURLcode (*easy_perform)(CURL *h);
	CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
	void (*easy_cleanup)(CURL *h);
	void (*easy_reset)(CURL *h);
	const char *(*easy_strerror)(CURLcode code);
	struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
	void (*slist_free_all)(struct curl_slist *l);
	CURLU *(*url)(void);
	CURLUcode (*url_set)(CURLU *u, CURLUPart what, const char *part, unsigned int flags);
	CURLUcode (*url_get)(const CURLU *u, CURLUPart what, char **part, unsigned int flags);
	void (*url_cleanup)(CURLU *u);
	char *(*easy_escape)(CURL *h, const char *s, int len);
	void (*free)(void *p);
};

/* Loads libcurl.so.4 once and runs curl_global_init; ERR_UNAVAILABLE when it cannot. */
const struct curl_api *curl_api_get(struct err **errp);
