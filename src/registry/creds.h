/*
 * Registry credentials from Docker's config.json ($DOCKER_CONFIG or ~/.docker): `auths`
 * entries and credential helpers (`credsStore`, `credHelpers`, docker-credential-NAME).
 */
#pragma once

#include "base/err.h"

struct reg_cred {
	char *username;		/* NULL with an identity token only */
	char *password;
	char *identity_token;	/* OAuth2 refresh token ("identitytoken", helper "<token>") */
};

#define REG_HELPER_OUTPUT_MAX (64u << 10)
#define REG_CONFIG_MAX (4u << 20)

/* Docker's key for a registry host: "https://index.docker.io/v1/" for docker.io. Caller frees. */
char *reg_cred_server_key(const char *domain);
/* The config directory: dir if set, else $DOCKER_CONFIG, else $HOME/.docker. Caller frees. */
char *reg_cred_config_dir(const char *dir);

/*
 * Looks up credentials for domain. config_dir NULL means the default. *ret is NULL when there
 * are none (not an error); otherwise the caller frees it with reg_cred_free.
 * Errors: ERR_INVALID for a bad config.json, ERR_UNAVAILABLE when a helper fails.
 */
int reg_cred_get(const char *config_dir, const char *domain, struct reg_cred **ret,
		 struct err **errp);
/* Saves credentials (login): through the host's helper if one is configured, else in `auths`. */
int reg_cred_store(const char *config_dir, const char *domain, const struct reg_cred *c,
		   struct err **errp);
/* Removes them (logout). ERR_NOT_FOUND when there was nothing to remove. */
int reg_cred_erase(const char *config_dir, const char *domain, struct err **errp);
void reg_cred_free(struct reg_cred *c);
/*
 * 1 when credentials for domain go through a docker-credential helper (credHelpers or
 * credsStore), 0 when they are kept in config.json itself (login warns then); -1 on error.
 */
int reg_cred_uses_helper(const char *config_dir, const char *domain, struct err **errp);

/* Standard base64 with padding. Caller frees. */
char *reg_base64_encode(const void *data, size_t len);
/* Decodes standard base64 (padding optional); NULL on invalid input. Caller frees. */
char *reg_base64_decode(const char *s, size_t *ret_len);

DEFINE_CLEANUP_FUNC(reg_cred_freep, struct reg_cred *, reg_cred_free)
#define _cleanup_reg_cred_ _cleanup_(reg_cred_freep)
