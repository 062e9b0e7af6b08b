/*
 * The exit hook: a command line saved per container at create time and run, detached, by
 * whoever sees the task exit first without a CLI waiting for it (the logging process under
 * the shim, or the keeper of a detached container's FIFOs). It does what Docker's daemon
 * does at exit: --rm, or freeing the network. We have no daemon, so the command line
 * records the CLI's global options the container was made with.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/fs.h"
#include "base/json.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "logging/logging.h"
#include "base/banned.h"

extern char **environ;

char *
exit_hook_path(const char *store, const char *ns, const char *id)
{
	return xasprintf("%s/containers/%s/%s/" EXIT_HOOK_FILE, store, ns, id);
}

int
exit_hook_write(const char *store, const char *ns, const char *id, char *const *argv,
		struct err **errp)
{
	_cleanup_free_ char *path = exit_hook_path(store, ns, id);
	_cleanup_json_ json_t *a = json_array();
	_cleanup_free_ char *text = NULL;

	for (char *const *p = argv; *p; p++)
		json_array_append_new(a, json_string(*p));
	text = json_dumps(a, JSON_COMPACT);
	return fs_write_replace(path, text, strlen(text), 0600, errp);
}

int
exit_hook_spawn(const char *store, const char *ns, const char *id, struct err **errp)
{
	_cleanup_free_ char *path = exit_hook_path(store, ns, id);
	_cleanup_(buf_release) struct buf b = BUF_INIT;
	_cleanup_json_ json_t *a = NULL;
	_cleanup_strv_ struct strv argv = STRV_INIT;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none;
	size_t i;
	json_t *v;
	pid_t pid;
	int r;

	if (access(path, F_OK) < 0)
		return 0;
	if (fs_read_file(path, 64 * 1024, &b, errp) < 0 ||
	    !(a = json_parse_strict(b.data, b.len, 64 * 1024, EXIT_HOOK_FILE, errp)))
		return -1;
	if (!json_is_array(a) || !json_array_size(a))
		return err_set(errp, ERR_INVALID, "%s: want a non-empty array of strings", path);
	json_array_foreach(a, i, v) {
		if (!json_is_string(v))
			return err_set(errp, ERR_INVALID, "%s: want a non-empty array of strings",
				       path);
		strv_push(&argv, json_string_value(v));
	}
	/* Its own session with no terminal and default signals: it outlives whoever spawns it. */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK |
						POSIX_SPAWN_SETSIGDEF);
	{
		sigset_t all;

		sigfillset(&all);
		posix_spawnattr_setsigdefault(&attr, &all);
	}
	r = posix_spawn(&pid, argv.v[0], &fa, &attr, argv.v, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (r != 0)
		return err_sys(errp, r, "run the exit hook %s", argv.v[0]);
	return 0;
}
