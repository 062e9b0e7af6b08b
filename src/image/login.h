/*
 * Registry login helpers: the SERVER argument of login/logout read as Docker reads it, and
 * the checks on the credential flags (pure, unit-tested).
 */
#pragma once

#include <stdbool.h>

#include "base/err.h"

struct login_server {
	char *domain;	/* for reg_new and the credential store: "docker.io", "localhost:5000" */
	char *display;	/* what messages name: "https://index.docker.io/v1/" for the default */
	bool is_default;	/* Docker Hub (no SERVER, "docker.io", its index or registry host) */
};

/*
 * Reads SERVER (NULL or "" for Docker Hub) as Docker's login does: "http://" or "https://"
 * and everything from the first '/' after the host are dropped (ConvertToHostname), and
 * Docker Hub's names all become "docker.io". ret is filled only on success (release with
 * login_server_release). ERR_INVALID for an empty host or one with spaces or '@'.
 */
int login_server_parse(const char *arg, struct login_server *ret, struct err **errp);
void login_server_release(struct login_server *s);

/*
 * Docker's checks on -u/-p/--password-stdin before anything is read: ERR_INVALID with
 * "--password and --password-stdin are mutually exclusive" or "Must provide --username with
 * --password-stdin".
 */
int login_check_flags(const char *user, const char *password, bool password_stdin,
		      struct err **errp);

/* What --password-stdin read, minus one trailing "\n" and then one "\r" (Docker's trim). */
void login_trim_password(char *s);
