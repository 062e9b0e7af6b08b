/* Docker config.json credentials and docker-credential-* helpers. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/fs.h"
#include "base/json.h"
#include "base/xalloc.h"
#include "registry/creds.h"
#include "base/banned.h"

#define HELPER_TIMEOUT_MS 30000
#define DOCKER_HUB_KEY "https://index.docker.io/v1/"

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *
reg_base64_encode(const void *data, size_t len)
{
	const unsigned char *p = data;
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		size_t rem = len - i;

		if (rem > 1)
			v |= (unsigned)p[i + 1] << 8;
		if (rem > 2)
			v |= p[i + 2];
		buf_addch(&b, b64chars[(v >> 18) & 63]);
		buf_addch(&b, b64chars[(v >> 12) & 63]);
		buf_addch(&b, rem > 1 ? b64chars[(v >> 6) & 63] : '=');
		buf_addch(&b, rem > 2 ? b64chars[v & 63] : '=');
	}
	return buf_detach(&b, NULL);
}

char *
reg_base64_decode(const char *s, size_t *ret_len)
{
	struct buf b = BUF_INIT;
	unsigned acc = 0;
	int bits = 0;
	size_t n = strlen(s);

	while (n && s[n - 1] == '=')
		n--;
	for (size_t i = 0; i < n; i++) {
		const char *q = s[i] ? strchr(b64chars, s[i]) : NULL;

		if (!q) {
			buf_release(&b);
			return NULL;
		}
		acc = (acc << 6) | (unsigned)(q - b64chars);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_addch(&b, (char)((acc >> bits) & 0xff));
		}
	}
	if (bits >= 6) {	/* a lone trailing character carries no whole byte */
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, ret_len);
}

char *
reg_cred_server_key(const char *domain)
{
	if (strcmp(domain, "docker.io") == 0 || strcmp(domain, "index.docker.io") == 0 ||
	    strcmp(domain, "registry-1.docker.io") == 0)
		return xstrdup(DOCKER_HUB_KEY);
	return xstrdup(domain);
}

char *
reg_cred_config_dir(const char *dir)
{
	const char *env = getenv("DOCKER_CONFIG"), *home = getenv("HOME");

	if (dir && dir[0])
		return xstrdup(dir);
	if (env && env[0])
		return xstrdup(env);
	return xasprintf("%s/.docker", home && home[0] ? home : "/root");
}

/* Docker's ConvertToHostname: drop the scheme and everything from the first '/'. */
static char *
hostname_of(const char *key)
{
	const char *p = key;

	if (strncmp(p, "http://", 7) == 0)
		p += 7;
	else if (strncmp(p, "https://", 8) == 0)
		p += 8;
	return xstrndup(p, strcspn(p, "/"));
}

static int
same_registry(const char *key, const char *domain)
{
	_cleanup_free_ char *h = hostname_of(key), *k = reg_cred_server_key(domain);
	_cleanup_free_ char *kh = hostname_of(k);

	if (strcmp(key, k) == 0 || strcmp(h, domain) == 0 || strcmp(h, kh) == 0)
		return 1;
	return 0;
}

static int
load_config(const char *dir, json_t **ret, struct err **errp)
{
	_cleanup_free_ char *path = xasprintf("%s/config.json", dir);
	_cleanup_buf_ struct buf text = BUF_INIT;
	_cleanup_err_ struct err *e = NULL;
	json_t *root;

	if (fs_read_file(path, REG_CONFIG_MAX, &text, &e) < 0) {
		if (e->kind == ERR_NOT_FOUND) {
			*ret = json_object();
			return 0;
		}
		return err_move(errp, &e);
	}
	root = json_parse_strict(text.data, text.len, REG_CONFIG_MAX, path, errp);
	if (!root)
		return -1;
	if (!json_is_object(root)) {
		json_decref(root);
		return err_set(errp, ERR_INVALID, "%s: expected a JSON object", path);
	}
	*ret = root;
	return 0;
}

static int
save_config(const char *dir, json_t *root, struct err **errp)
{
	_cleanup_free_ char *path = xasprintf("%s/config.json", dir), *text = NULL;
	_cleanup_free_ char *real = NULL;
	struct stat st;

	if (fs_mkdir_p(dir, 0700, errp) < 0)
		return -1;
	/* Like Docker, write through a symlinked config.json rather than replace the link. */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		real = realpath(path, NULL);
	text = json_dumps(root, JSON_INDENT(8) | JSON_PRESERVE_ORDER);
	if (!text)
		return err_set(errp, ERR_INTERNAL, "%s: cannot serialise", path);
	size_t n = strlen(text);
	text = xrealloc(text, n + 2);
	text[n] = '\n';
	text[n + 1] = '\0';
	return fs_write_atomic(real ? real : path, text, n + 1, 0600, errp);
}

/* The helper for domain: credHelpers by hostname, else credsStore. Borrowed or NULL. */
static const char *
helper_for(json_t *root, const char *domain)
{
	json_t *helpers = json_object_get(root, "credHelpers");
	const char *key, *store;
	json_t *v;

	json_object_foreach(helpers, key, v) {
		if (json_is_string(v) && same_registry(key, domain))
			return json_string_value(v);
	}
	store = json_get_str(root, "credsStore");
	return store && store[0] ? store : NULL;
}

static int
helper_name_valid(const char *name)
{
	return name[0] && !strpbrk(name, "/\\") && strcmp(name, ".") && strcmp(name, "..");
}

/*
 * Runs docker-credential-NAME ACTION with input on stdin, reading at most
 * REG_HELPER_OUTPUT_MAX bytes of stdout within HELPER_TIMEOUT_MS.
 */
static int
run_helper(const char *name, const char *action, const char *input, struct buf *out,
	   struct err **errp)
{
	_cleanup_free_ char *prog = xasprintf("docker-credential-%s", name);
	int in[2], outp[2], status = 0;
	pid_t pid;
	struct timespec start, now;

	if (!helper_name_valid(name))
		return err_set(errp, ERR_INVALID, "invalid credential helper name \"%s\"", name);
	/* A socket for stdin: send(MSG_NOSIGNAL) cannot raise SIGPIPE in our process. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) < 0)
		return err_sys(errp, errno, "socketpair");
	if (pipe2(outp, O_CLOEXEC) < 0) {
		int e = errno;
		close(in[0]);
		close(in[1]);
		return err_sys(errp, e, "pipe");
	}
	pid = fork();
	if (pid < 0) {
		int e = errno;
		close(in[0]);
		close(in[1]);
		close(outp[0]);
		close(outp[1]);
		return err_sys(errp, e, "fork");
	}
	if (pid == 0) {
		char *argv[] = { prog, (char *)action, NULL };

		if (dup2(in[0], 0) < 0 || dup2(outp[1], 1) < 0)
			_exit(126);
		execvp(prog, argv);
		_exit(127);
	}
	close(in[0]);
	close(outp[1]);
	/* Inputs are a URL or a small JSON object, well under the socket buffer. */
	for (size_t off = 0, len = strlen(input); off < len;) {
		ssize_t n = send(in[1], input + off, len - off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;	/* the helper exited early; its status tells */
		off += (size_t)n;
	}
	close(in[1]);

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (int failed = 0; !failed;) {
		struct pollfd pfd = { .fd = outp[0], .events = POLLIN };
		long elapsed;
		ssize_t n;
		int r;

		clock_gettime(CLOCK_MONOTONIC, &now);
		elapsed = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (elapsed >= HELPER_TIMEOUT_MS) {
			err_set(errp, ERR_TIMEOUT, "%s %s: timed out", prog, action);
			break;
		}
		r = poll(&pfd, 1, (int)(HELPER_TIMEOUT_MS - elapsed));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		buf_grow(out, 4096);
		n = read(outp[0], out->data + out->len, out->alloc - out->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		out->len += (size_t)n;
		out->data[out->len] = '\0';
		if (out->len > REG_HELPER_OUTPUT_MAX) {
			err_set(errp, ERR_RESOURCE, "%s %s: output larger than %u bytes", prog,
				action, REG_HELPER_OUTPUT_MAX);
			failed = 1;
		}
	}
	close(outp[0]);
	if (errp && *errp)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (errp && *errp)
		return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return err_set(errp, ERR_UNAVAILABLE,
			       "exec: \"%s\": executable file not found in $PATH", prog);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		buf_rtrim(out);
		if (strstr(out->data, "credentials not found"))
			return err_set(errp, ERR_NOT_FOUND, "%s %s: %s", prog, action, out->data);
		return err_set(errp, ERR_UNAVAILABLE, "%s %s: %s", prog, action,
			       out->len ? out->data : "failed");
	}
	return 0;
}

static int
helper_get(const char *helper, const char *domain, struct reg_cred **ret, struct err **errp)
{
	_cleanup_free_ char *key = reg_cred_server_key(domain);
	_cleanup_buf_ struct buf out = BUF_INIT;
	_cleanup_json_ json_t *j = NULL;
	_cleanup_err_ struct err *e = NULL;
	_cleanup_reg_cred_ struct reg_cred *c = NULL;
	const char *user, *secret;

	if (run_helper(helper, "get", key, &out, &e) < 0) {
		if (e->kind == ERR_NOT_FOUND) {
			*ret = NULL;
			return 0;
		}
		return err_move(errp, &e);
	}
	j = json_parse_strict(out.data, out.len, REG_HELPER_OUTPUT_MAX, "credential helper output",
			      errp);
	if (!j)
		return -1;
	user = json_get_str(j, "Username");
	secret = json_get_str(j, "Secret");
	if (!secret)
		return err_set(errp, ERR_INVALID, "docker-credential-%s get: no Secret in output",
			       helper);
	c = xnew(struct reg_cred, 1);
	if (user && strcmp(user, "<token>") == 0) {
		c->identity_token = xstrdup(secret);
	} else {
		c->username = xstrdup(user ? user : "");
		c->password = xstrdup(secret);
	}
	*ret = TAKE_PTR(c);
	return 0;
}

static int
entry_to_cred(json_t *ent, const char *key, struct reg_cred **ret, struct err **errp)
{
	_cleanup_reg_cred_ struct reg_cred *c = xnew(struct reg_cred, 1);
	const char *auth = json_get_str(ent, "auth"), *tok = json_get_str(ent, "identitytoken");

	if (auth && auth[0]) {
		size_t n;
		_cleanup_free_ char *dec = reg_base64_decode(auth, &n);
		char *colon;

		if (!dec || memchr(dec, '\0', n) || !(colon = strchr(dec, ':')))
			return err_set(errp, ERR_INVALID, "config.json: auths.%s: invalid auth",
				       key);
		*colon = '\0';
		c->username = xstrdup(dec);
		c->password = xstrdup(colon + 1);
	} else if (json_get_str(ent, "username") && json_get_str(ent, "password")) {
		c->username = xstrdup(json_get_str(ent, "username"));
		c->password = xstrdup(json_get_str(ent, "password"));
	}
	if (tok && tok[0])
		c->identity_token = xstrdup(tok);
	*ret = c->username || c->identity_token ? TAKE_PTR(c) : NULL;
	return 0;
}

int
reg_cred_get(const char *config_dir, const char *domain, struct reg_cred **ret,
	     struct err **errp)
{
	_cleanup_free_ char *dir = reg_cred_config_dir(config_dir);
	_cleanup_free_ char *want = reg_cred_server_key(domain);
	_cleanup_json_ json_t *root = NULL;
	json_t *auths, *ent, *v;
	const char *helper, *key;

	if (load_config(dir, &root, errp) < 0)
		return -1;
	helper = helper_for(root, domain);
	if (helper)
		return helper_get(helper, domain, ret, errp);
	auths = json_object_get(root, "auths");
	ent = json_object_get(auths, want);
	key = want;
	if (!ent) {
		json_object_foreach(auths, key, v) {
			if (same_registry(key, domain)) {
				ent = v;
				break;
			}
		}
	}
	if (!json_is_object(ent)) {
		*ret = NULL;
		return 0;
	}
	return entry_to_cred(ent, key, ret, errp);
}

int
reg_cred_store(const char *config_dir, const char *domain, const struct reg_cred *c,
	       struct err **errp)
{
	_cleanup_free_ char *dir = reg_cred_config_dir(config_dir);
	_cleanup_free_ char *key = reg_cred_server_key(domain);
	_cleanup_json_ json_t *root = NULL;
	json_t *auths, *ent;
	const char *helper;

	if (load_config(dir, &root, errp) < 0)
		return -1;
	auths = json_object_get(root, "auths");
	if (!json_is_object(auths)) {
		auths = json_object();
		json_object_set_new(root, "auths", auths);
	}
	helper = helper_for(root, domain);
	ent = json_object();
	if (helper) {
		_cleanup_json_ json_t *in = json_object();
		_cleanup_free_ char *text = NULL;
		_cleanup_buf_ struct buf out = BUF_INIT;
		int tok = c->identity_token != NULL;

		json_object_set_new(in, "ServerURL", json_string(key));
		json_object_set_new(in, "Username",
				    json_string(tok ? "<token>" : c->username ? c->username : ""));
		json_object_set_new(in, "Secret",
				    json_string(tok ? c->identity_token :
						c->password ? c->password : ""));
		text = json_dumps(in, JSON_COMPACT);
		if (!text || run_helper(helper, "store", text, &out, errp) < 0) {
			json_decref(ent);
			return err_set(errp, ERR_INTERNAL, "store credentials");
		}
	} else {
		_cleanup_free_ char *pair = xasprintf("%s:%s", c->username ? c->username : "",
						      c->password ? c->password : "");
		_cleanup_free_ char *b64 = reg_base64_encode(pair, strlen(pair));

		json_object_set_new(ent, "auth", json_string(b64));
		if (c->identity_token)
			json_object_set_new(ent, "identitytoken", json_string(c->identity_token));
	}
	json_object_set_new(auths, key, ent);
	return save_config(dir, root, errp);
}

int
reg_cred_erase(const char *config_dir, const char *domain, struct err **errp)
{
	_cleanup_free_ char *dir = reg_cred_config_dir(config_dir);
	_cleanup_free_ char *key = reg_cred_server_key(domain);
	_cleanup_json_ json_t *root = NULL;
	json_t *auths, *v;
	const char *helper, *k;
	void *tmp;
	int found = 0;

	if (load_config(dir, &root, errp) < 0)
		return -1;
	helper = helper_for(root, domain);
	if (helper) {
		_cleanup_buf_ struct buf out = BUF_INIT;
		_cleanup_err_ struct err *e = NULL;

		if (run_helper(helper, "erase", key, &out, &e) == 0)
			found = 1;
		else if (e->kind != ERR_NOT_FOUND)
			return err_move(errp, &e);
	}
	auths = json_object_get(root, "auths");
	json_object_foreach_safe(auths, tmp, k, v) {
		if (same_registry(k, domain)) {
			json_object_del(auths, k);
			found = 1;
		}
	}
	if (!found)
		return err_set(errp, ERR_NOT_FOUND, "not logged in to %s", key);
	return save_config(dir, root, errp);
}

int
reg_cred_uses_helper(const char *config_dir, const char *domain, struct err **errp)
{
	_cleanup_free_ char *dir = reg_cred_config_dir(config_dir);
	_cleanup_json_ json_t *root = NULL;

	if (load_config(dir, &root, errp) < 0)
		return -1;
	return helper_for(root, domain) != NULL;
}

void
reg_cred_free(struct reg_cred *c)
{
	if (!c)
		return;
	free(c->username);
	if (c->password)
		explicit_bzero(c->password, strlen(c->password));
	free(c->password);
	if (c->identity_token)
		explicit_bzero(c->identity_token, strlen(c->identity_token));
	free(c->identity_token);
	free(c);
}
