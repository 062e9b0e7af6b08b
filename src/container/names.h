/*
 * Container identity: random 64-hex IDs, Docker-style generated names, name validation, and
 * nerdctl's name store (<data store>/names/<namespace>/<name> holding the owner's ID).
 */
#pragma once

#include "base/err.h"

#define CONTAINER_ID_LEN 64

/* 64 random hex digits plus NUL into out (which holds CONTAINER_ID_LEN + 1 bytes). */
void container_id_new(char out[CONTAINER_ID_LEN + 1]);
/* "adjective_surname" as Docker's namesgenerator makes them; retry adds a digit. New string. */
char *container_name_generate(int retry);
/* Docker's rule [a-zA-Z0-9][a-zA-Z0-9_.-]+; ERR_INVALID with Docker's message. */
int container_name_validate(const char *name, struct err **errp);

/* Does the container id still exist? (1 yes, 0 no: its name entry is stale.) */
typedef int (*container_alive_fn)(void *arg, const char *id);

/*
 * Reserves name for id in <store>/names/<ns>/ under an flock of that directory. Re-reserving
 * one's own name is fine. ERR_EXISTS when another ID holds it and alive (may be NULL: always
 * alive) says it exists: Docker's message naming it ("Conflict. The container name \"/x\" is already in use by container \"ID\". ...").
 */
int container_name_acquire(const char *data_store, const char *ns, const char *name,
			   const char *id, container_alive_fn alive, void *arg, struct err **errp);
/* Releases name if id holds it (a missing entry is fine; another owner's is left alone). */
int container_name_release(const char *data_store, const char *ns, const char *name,
			   const char *id, struct err **errp);
/* Moves id's reservation from old_name to new_name; ERR_EXISTS as acquire. */
int container_name_rename(const char *data_store, const char *ns, const char *old_name,
			  const char *new_name, const char *id, container_alive_fn alive, void *arg,
			  struct err **errp);
