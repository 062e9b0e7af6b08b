/*
 * Window size for an exec -t session: Docker's client resizes the exec's pseudo-terminal at
 * start and on every SIGWINCH (it proxies no other signal to an exec).
 */
#pragma once

#include "base/err.h"
#include "ctd/ctd.h"

struct container_winch;

/*
 * Sets the exec process's terminal to stdin's size (when stdin is a terminal), then
 * forwards each SIGWINCH as ResizePty of (id, exec_id) from a thread of its own, over a
 * connection of its own opened on the first signal. Blocks SIGWINCH in the caller; stop
 * restores the mask. Strings are copied.
 */
int container_winch_start(struct ctd *c, const char *id, const char *exec_id,
			  struct container_winch **ret, struct err **errp);
/* Stops the thread and frees p (NULL is fine). */
void container_winch_stop(struct container_winch *p);
