/* Create-time side of container logging: log-config.json, the binary:// URI, the logger lock. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <jansson.h>

#include "base/buf.h"
#include "base/fs.h"
#include "base/json.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "logging/logging.h"
#include "base/banned.h"

#define LOG_CONFIG_MAX (64 * 1024)

void
log_config_release(struct log_config *cfg)
{
	free(cfg->driver);
	free(cfg->max_size_str);
	free(cfg->max_file_str);
	free(cfg->host);
	*cfg = (struct log_config)LOG_CONFIG_INIT;
}

/*
 * Docker's units.FromHumanSize, which json-file's max-size goes through: decimal multiples
 * ("10m" is 10,000,000 bytes), an optional "i" and "b", a fraction allowed.
 */
static int
human_size_decimal(const char *s, int64_t *ret, struct err **errp)
{
	static const char units[] = "kmgtp";
	const char *p = s;
	char *end;
	double v, mult = 1;

	if (!*s || !((*s >= '0' && *s <= '9')))
		return err_set(errp, ERR_INVALID, "invalid size: '%s'", s);
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == p)
		return err_set(errp, ERR_INVALID, "invalid size: '%s'", s);
	p = end;
	if (*p == ' ')
		p++;
	if (*p) {
		const char *u = strchr(units, *p | 0x20);

		if (u) {
			for (const char *q = units; q <= u; q++)
				mult *= 1000;
			p++;
			if (*p == 'i' || *p == 'I')
				p++;
		}
		if (*p == 'b' || *p == 'B')
			p++;
	}
	if (*p || v * mult > (double)INT64_MAX)
		return err_set(errp, ERR_INVALID, "invalid size: '%s'", s);
	*ret = (int64_t)(v * mult);
	return 0;
}

int
log_config_parse(const char *driver, char *const *opts, const char *address,
		 struct log_config *ret, struct err **errp)
{
	struct log_config cfg = LOG_CONFIG_INIT;

	if (!driver || !*driver)
		driver = "json-file";
	if (strcmp(driver, "json-file") && strcmp(driver, "none")) {
		static const char *const known[] = { "journald", "syslog", "fluentd", "gelf",
						     "awslogs", "splunk", "etwlogs", "gcplogs",
						     "logentries", "local", NULL };

		for (size_t i = 0; known[i]; i++)
			if (!strcmp(known[i], driver))
				return err_set(errp, ERR_UNIMPLEMENTED,
					       "log driver %s is not implemented yet", driver);
		return err_set(errp, ERR_INVALID,
			       "failed to initialize logging driver: logger: no log driver named '%s' is registered",
			       driver);
	}
	cfg.driver = xstrdup(driver);
	cfg.host = xstrdup_null(address);
	for (size_t i = 0; opts && opts[i]; i++) {
		const char *eq = strchr(opts[i], '=');
		_cleanup_free_ char *key = eq ? xstrndup(opts[i], (size_t)(eq - opts[i]))
					       : xstrdup(opts[i]);
		const char *val = eq ? eq + 1 : "";

		if (!eq) {
			log_config_release(&cfg);
			return err_set(errp, ERR_INVALID, "invalid key value pair format in log-opt: %s",
				       opts[i]);
		}
		if (!strcmp(cfg.driver, "json-file") && !strcmp(key, "max-size")) {
			if (human_size_decimal(val, &cfg.max_size, errp) < 0) {
				log_config_release(&cfg);
				return -1;
			}
			if (cfg.max_size <= 0) {
				log_config_release(&cfg);
				return err_set(errp, ERR_INVALID, "max-size must be a positive number");
			}
			free(cfg.max_size_str);
			cfg.max_size_str = xstrdup(val);
		} else if (!strcmp(cfg.driver, "json-file") && !strcmp(key, "max-file")) {
			char *end;
			long n;

			errno = 0;
			n = strtol(val, &end, 10);
			if (!*val || *end || errno || n > INT_MAX) {
				log_config_release(&cfg);
				return err_set(errp, ERR_INVALID,
					       "strconv.Atoi: parsing \"%s\": invalid syntax", val);
			}
			if (n < 1) {
				log_config_release(&cfg);
				return err_set(errp, ERR_INVALID, "max-file cannot be less than 1");
			}
			cfg.max_file = (int)n;
			free(cfg.max_file_str);
			cfg.max_file_str = xstrdup(val);
		} else if (!strcmp(cfg.driver, "json-file") &&
			   (!strcmp(key, "compress") || !strcmp(key, "labels") ||
			    !strcmp(key, "labels-regex") || !strcmp(key, "env") ||
			    !strcmp(key, "env-regex") || !strcmp(key, "tag"))) {
			log_config_release(&cfg);
			return err_set(errp, ERR_UNIMPLEMENTED, "log opt '%s' is not implemented yet",
				       key);
		} else {
			err_set(errp, ERR_INVALID, "unknown log opt '%s' for %s log driver", key,
				cfg.driver);
			log_config_release(&cfg);
			return -1;
		}
	}
	*ret = cfg;
	return 0;
}

char *
logging_container_dir(const char *store, const char *ns, const char *id)
{
	return xasprintf("%s/containers/%s/%s", store, ns, id);
}

char *
logging_config_path(const char *store, const char *ns, const char *id)
{
	return xasprintf("%s/containers/%s/%s/log-config.json", store, ns, id);
}

char *
logging_json_path(const char *store, const char *ns, const char *id)
{
	return xasprintf("%s/containers/%s/%s/%s-json.log", store, ns, id, id);
}

char *
logging_lock_path(const char *store, const char *ns, const char *id)
{
	return xasprintf("%s/containers/%s/%s/logger-lock", store, ns, id);
}

int
log_config_write(const char *store, const char *ns, const char *id,
		 const struct log_config *cfg, struct err **errp)
{
	_cleanup_free_ char *dir = logging_container_dir(store, ns, id);
	_cleanup_free_ char *path = logging_config_path(store, ns, id);
	_cleanup_json_ json_t *root = json_object();
	json_t *o = json_object();
	_cleanup_free_ char *text = NULL;

	json_object_set_new(root, "driver", json_string(cfg->driver));
	if (cfg->max_file_str)
		json_object_set_new(o, "max-file", json_string(cfg->max_file_str));
	if (cfg->max_size_str)
		json_object_set_new(o, "max-size", json_string(cfg->max_size_str));
	/* nerdctl's LogConfig has `json:"opts,omitempty"`. */
	if (json_object_size(o))
		json_object_set_new(root, "opts", o);
	else
		json_decref(o);
	json_object_set_new(root, "host", json_string(cfg->host ? cfg->host : ""));
	text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (fs_mkdir_p(dir, 0700, errp) < 0 ||
	    fs_write_replace(path, text, strlen(text), 0600, errp) < 0)
		return err_wrap(errp, "write log config");
	return 0;
}

int
log_config_read(const char *store, const char *ns, const char *id, struct log_config *ret,
		struct err **errp)
{
	_cleanup_free_ char *path = logging_config_path(store, ns, id);
	_cleanup_buf_ struct buf b = BUF_INIT;
	_cleanup_json_ json_t *root = NULL;
	_cleanup_strv_ struct strv opts = STRV_INIT;
	const char *driver, *host, *key;
	json_t *o, *v;

	if (fs_read_file(path, LOG_CONFIG_MAX, &b, errp) < 0) {
		if ((*errp)->sys_errno == ENOENT) {
			err_clear(errp);
			return err_set(errp, ERR_NOT_FOUND, "no log config for container %s", id);
		}
		return -1;
	}
	root = json_parse_strict(b.data, b.len, LOG_CONFIG_MAX, path, errp);
	if (!root)
		return -1;
	driver = json_get_str(root, "driver");
	host = json_get_str(root, "host");
	if (!driver)
		return err_set(errp, ERR_INVALID, "%s: no driver", path);
	o = json_object_get(root, "opts");
	json_object_foreach(o, key, v) {
		if (json_is_string(v))
			strv_pushf(&opts, "%s=%s", key, json_string_value(v));
	}
	if (log_config_parse(driver, opts.v, host, ret, errp) < 0)
		return err_wrap(errp, "%s", path);
	return 0;
}

/* Go's url.QueryEscape (path: also keeps '/', as url.URL.String writes a path). */
static void
url_escape(struct buf *b, const char *s, bool path)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-_.~", *p) || (path && *p == '/'))
			buf_addch(b, (char)*p);
		else if (*p == ' ' && !path)
			buf_addch(b, '+');
		else
			buf_addf(b, "%%%02X", *p);
	}
}

char *
logging_uri(const char *store, struct err **errp)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct buf b = BUF_INIT;

	if (n < 0) {
		err_sys(errp, errno, "readlink /proc/self/exe");
		return NULL;
	}
	exe[n] = '\0';
	buf_adds(&b, "binary://");
	url_escape(&b, exe, true);
	buf_adds(&b, "?" LOGGING_MAGIC_ARGV1 "=");
	url_escape(&b, store, false);
	return buf_detach(&b, NULL);
}

int
logging_prepare(const char *store, const char *ns, const char *id, const char *driver,
		char *const *opts, const char *address, char **ret_uri, struct err **errp)
{
	struct log_config cfg = LOG_CONFIG_INIT;
	char *uri = NULL;
	int r;

	if (log_config_parse(driver, opts, address, &cfg, errp) < 0)
		return -1;
	r = log_config_write(store, ns, id, &cfg, errp);
	if (r == 0 && strcmp(cfg.driver, "none")) {
		uri = logging_uri(store, errp);
		if (!uri)
			r = -1;
	}
	log_config_release(&cfg);
	if (r < 0)
		return -1;
	*ret_uri = uri;
	return 0;
}

bool
logging_logger_active(const char *store, const char *ns, const char *id)
{
	_cleanup_free_ char *path = logging_lock_path(store, ns, id);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (flock(fd, LOCK_SH | LOCK_NB) < 0)
		return errno == EWOULDBLOCK;
	flock(fd, LOCK_UN);
	return false;
}

int
logging_wait_logger(const char *store, const char *ns, const char *id, int timeout_ms,
		    struct err **errp)
{
	_cleanup_free_ char *path = logging_lock_path(store, ns, id);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? 0 : err_sys(errp, errno, "open %s", path);
	for (int waited = 0;; waited += 10) {
		if (flock(fd, timeout_ms < 0 ? LOCK_SH : LOCK_SH | LOCK_NB) == 0) {
			flock(fd, LOCK_UN);
			return 0;
		}
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK)
			return err_sys(errp, errno, "lock %s", path);
		if (waited >= timeout_ms)
			return err_set(errp, ERR_TIMEOUT,
				       "the logging process of container %s is still running", id);
		poll(NULL, 0, 10);
	}
}
