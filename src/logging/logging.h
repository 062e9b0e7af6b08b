/*
 * Container logging without a daemon, as nerdctl does it: containerd's binary:// log URI
 * runs nerdc itself ("nerdc _NERDCTL_INTERNAL_LOGGING <data store>") as the task's logging
 * process, which writes Docker's json-file format under the data store. This header is the
 * create-time side (log config and URI) and the shared paths; jsonfile.h is the writer and
 * reader, logger.h the logging process itself.
 *
 * Layout per container (nerdctl's): <store>/containers/<ns>/<id>/
 *	log-config.json		{"driver":"json-file","opts":{"max-size":"10m"},"host":"<address>"}
 *	<id>-json.log		current log; rotated ones are <id>-json.log.1, .2, ...
 *	logger-lock		held (flock LOCK_EX) by the logging process while it runs
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

/* argv[1] of the logging process, as nerdctl's logging.MagicArgv1. */
#define LOGGING_MAGIC_ARGV1 "_NERDCTL_INTERNAL_LOGGING"

/* Label nerdctl keeps the log URI in (the run helper sets it on the container record). */
#define LOGGING_LABEL_LOG_URI "nerdctl/log-uri"

struct log_config {
	char *driver;		/* "json-file" or "none" */
	char *max_size_str;	/* as given ("10m") or NULL */
	char *max_file_str;	/* as given ("3") or NULL */
	int64_t max_size;	/* bytes (Docker: decimal units); -1: no rotation */
	int max_file;		/* files kept, current included; >= 1 (default 1) */
	char *host;		/* containerd address the logger connects to ("unix:///...") */
};
#define LOG_CONFIG_INIT { NULL, NULL, NULL, -1, 1, NULL }

void log_config_release(struct log_config *cfg);

/*
 * Validates --log-driver (NULL: "json-file") and --log-opt "key=value" strings (NULL-
 * terminated, may be NULL) as Docker's json-file driver does: keys max-size, max-file
 * (others: ERR_UNIMPLEMENTED or ERR_INVALID with Docker's text, e.g. "unknown log opt 'x'
 * for json-file log driver", "max-file cannot be less than 1"). address: containerd's
 * address, recorded for the logger. Fills *ret (release with log_config_release).
 * Drivers other than json-file and none: ERR_UNIMPLEMENTED.
 */
int log_config_parse(const char *driver, char *const *opts, const char *address,
		     struct log_config *ret, struct err **errp);

/* New strings: the per-container directory and the files in it (see the layout above). */
char *logging_container_dir(const char *store, const char *ns, const char *id);
char *logging_config_path(const char *store, const char *ns, const char *id);
char *logging_json_path(const char *store, const char *ns, const char *id);
char *logging_lock_path(const char *store, const char *ns, const char *id);

/* Writes log-config.json atomically, creating the container directory (0700 parents). */
int log_config_write(const char *store, const char *ns, const char *id,
		     const struct log_config *cfg, struct err **errp);
/* Reads log-config.json; ERR_NOT_FOUND when absent, ERR_INVALID when malformed. */
int log_config_read(const char *store, const char *ns, const char *id, struct log_config *ret,
		    struct err **errp);

/*
 * "binary:///path/to/nerdc?_NERDCTL_INTERNAL_LOGGING=<store, query-escaped>" for this
 * executable (/proc/self/exe). New string.
 */
char *logging_uri(const char *store, struct err **errp);

/*
 * The whole create-time step for `run`/`create`: parses driver and opts (as
 * log_config_parse), writes log-config.json and sets *ret_uri to the binary:// URI to give
 * containerd as the task's IO (and to store in the LOGGING_LABEL_LOG_URI label), or to NULL
 * for --log-driver none (use null IO then). The caller removes the container directory on
 * a later failure. ERR_INVALID/ERR_UNIMPLEMENTED for bad flags (exit 125 at the caller).
 */
int logging_prepare(const char *store, const char *ns, const char *id, const char *driver,
		    char *const *opts, const char *address, char **ret_uri, struct err **errp);

/*
 * Whether the logging process of a container still runs: true while logger-lock is held.
 * `logs -f` follows until this turns false (the logger holds the lock from before the task
 * can start until it has written the last byte after the task exits).
 */
bool logging_logger_active(const char *store, const char *ns, const char *id);

/*
 * Waits up to timeout_ms (< 0: forever) for the container's logging process to finish
 * (logger-lock free), so that the logs of an exited task are complete. Returns 0 when it
 * finished (or none runs), ERR_TIMEOUT when it still runs.
 */
int logging_wait_logger(const char *store, const char *ns, const char *id, int timeout_ms,
			struct err **errp);

/*
 * Set to "1" in the environment of a logging process that a CLI feeds itself (a foreground
 * run's tee): it then ends at EOF only, never at the task's exit event, which could come
 * before the CLI has passed the last output on. A logging process whose parent is not a
 * containerd shim behaves so too.
 */
#define LOGGING_ENV_EOF_ONLY "NERDC_LOGGING_EOF_ONLY"

struct ctd;
/*
 * Called by the logging process under a shim the moment the task's exit event arrives,
 * when the container has an exit hook (status: the exit status; c: connected to ns). The
 * container layer's restart bookkeeping: it must be quick, as containerd's restart monitor
 * may look at the container any moment.
 */
typedef int (*logging_exit_fn)(struct ctd *c, const char *store, const char *ns, const char *id,
			       uint32_t status, struct err **errp);

/*
 * Entry point of the logging process: main() calls this when argv[1] is
 * LOGGING_MAGIC_ARGV1, with argv[2] as store and the container layer's exit function. Reads CONTAINER_ID / CONTAINER_NAMESPACE from
 * the environment and fds 3 (stdout), 4 (stderr), 5 (close when ready) as containerd's
 * binary logging protocol gives them. Returns the process exit code.
 */
int logging_main(const char *store, logging_exit_fn on_exit);

/*
 * The exit hook (exithook.c): "<store>/containers/<ns>/<id>/exit-hook.json", a JSON array
 * with the command line (nerdc and its global options, then "internal exit-hook <id>") to
 * run once the task has exited when no CLI waits for it: `--rm` and freeing the network.
 * Containers with neither, and no restart policy to keep books for, have none.
 */
#define EXIT_HOOK_FILE "exit-hook.json"
char *exit_hook_path(const char *store, const char *ns, const char *id);
/* Writes argv (NULL-terminated) atomically; the container directory must exist. */
int exit_hook_write(const char *store, const char *ns, const char *id, char *const *argv,
		    struct err **errp);
/*
 * Starts the container's exit hook, if it has one, in a session of its own with stdin and
 * stdout on /dev/null (stderr is kept: under a shim it reaches containerd's log) and does
 * not wait for it. The hook itself waits for the task's exit.
 */
int exit_hook_spawn(const char *store, const char *ns, const char *id, struct err **errp);
