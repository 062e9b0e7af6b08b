/*
 * nerdc login: checks credentials against the registry (GET /v2/ with them) and only then
 * saves them in Docker's config.json or its credential helper, with Docker 20.10's prompts,
 * warnings and messages.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/fs.h"
#include "base/xalloc.h"
#include "cli/opt.h"
#include "cmd/cmd.h"
#include "cmd/regopts.h"
#include "image/login.h"
#include "registry/client.h"
#include "registry/creds.h"
#include "base/banned.h"

#define LOGIN_INPUT_MAX 4096	/* a typed user name or password */
#define PASSWORD_STDIN_MAX (64u << 10)

/* Docker 20.10's wording (cli/command/registry/login.go). */
#define UNENCRYPTED_WARNING                                                                        \
	"WARNING! Your password will be stored unencrypted in %s/config.json.\n"                  \
	"Configure a credential helper to remove this warning. See\n"                              \
	"https://docs.docker.com/engine/reference/commandline/login/#credentials-store\n\n"
#define HUB_PROMPT                                                                                 \
	"Login with your Docker ID to push and pull images from Docker Hub. If you don't have a "  \
	"Docker ID, head over to https://hub.docker.com to create one.\n"

/* One line from the terminal on fd 0 (without its newline), read byte by byte. */
static char *
read_line(struct err **errp)
{
	_cleanup_buf_ struct buf b = BUF_INIT;

	for (;;) {
		char ch;
		ssize_t n = read(STDIN_FILENO, &ch, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_sys(errp, errno, "read stdin");
			return NULL;
		}
		if (n == 0 || ch == '\n')
			break;
		if (b.len >= LOGIN_INPUT_MAX) {
			err_set(errp, ERR_RESOURCE, "input line too long");
			return NULL;
		}
		buf_addch(&b, ch);
	}
	buf_rtrim(&b);
	return buf_detach(&b, NULL);
}

static char *
read_password(struct err **errp)
{
	struct termios old, quiet;
	int restore = tcgetattr(STDIN_FILENO, &old) == 0;
	char *pw;

	printf("Password: ");
	fflush(stdout);
	if (restore) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		restore = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
	}
	pw = read_line(errp);
	if (restore)
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	else
		printf("\n");
	return pw;
}

/*
 * Docker's ConfigureAuth: prompts for what the flags left out, on a terminal only.
 * def_user is the stored user name offered as the default.
 */
static int
prompt_missing(const struct login_server *srv, const char *def_user, char **user,
	       char **password, struct err **errp)
{
	if ((!*password || !(*password)[0]) && !isatty(STDIN_FILENO))
		return err_set(errp, ERR_INVALID,
			       "Cannot perform an interactive login from a non TTY device");
	if (!*user || !(*user)[0]) {
		if (srv->is_default)
			printf(HUB_PROMPT);
		if (def_user && def_user[0])
			printf("Username (%s): ", def_user);
		else
			printf("Username: ");
		fflush(stdout);
		free(*user);
		*user = read_line(errp);
		if (!*user)
			return -1;
		if (!(*user)[0] && def_user) {
			free(*user);
			*user = xstrdup(def_user);
		}
	}
	if (!(*user)[0])
		return err_set(errp, ERR_INVALID, "Non-null Username Required");
	if (!*password || !(*password)[0]) {
		free(*password);
		*password = read_password(errp);
		if (!*password)
			return -1;
		if (!(*password)[0])
			return err_set(errp, ERR_INVALID, "Password Required");
	}
	return 0;
}

/* GET /v2/ with exactly these credentials; nothing is read from config.json. */
static int
verify(struct cli *cli, const struct login_server *srv, const struct reg_cred *cred,
       struct err **errp)
{
	struct reg_opts o;
	_cleanup_reg_ struct reg *r = NULL;

	if (cmd_reg_opts(cli, &o, errp) < 0)
		return -1;
	o.cred = cred;
	r = reg_new(srv->domain, &o, errp);
	if (!r || reg_ping(r, errp) < 0)
		return err_wrap(errp, "login %s", srv->domain);
	return 0;
}

static int
save(const struct login_server *srv, const struct reg_cred *cred, struct err **errp)
{
	int helper = reg_cred_uses_helper(NULL, srv->domain, errp);

	if (helper < 0)
		return -1;
	if (!helper && cred->password && cred->password[0]) {
		_cleanup_free_ char *dir = reg_cred_config_dir(NULL);

		fprintf(stderr, UNENCRYPTED_WARNING, dir);
	}
	if (reg_cred_store(NULL, srv->domain, cred, errp) < 0)
		return err_wrap(errp, "Error saving credentials");
	return 0;
}

CMD(login)
{
	const char *user_opt = NULL, *password_opt = NULL;
	bool password_stdin = false;
	struct opt opts[] = {
		OPT_STRING('p', "password", &password_opt, "string", "Password"),
		OPT_BOOL(0, "password-stdin", &password_stdin, "Take the password from stdin"),
		OPT_STRING('u', "username", &user_opt, "string", "Username"),
		OPT_END(),
	};
	_cleanup_err_ struct err *err = NULL;
	_cleanup_(login_server_release) struct login_server srv = { 0 };
	_cleanup_reg_cred_ struct reg_cred *stored = NULL;
	struct reg_cred cred = { 0 };
	int rc = 1;

	argc = opt_parse(cli, opts, argc, argv, "login [OPTIONS] [SERVER]",
			 "Log in to a container registry", 0, OPT_PARSE_MAX_ARGS(1));
	if (argc < 0)
		return opt_exit_code(argc);
	if (password_opt && password_opt[0])
		fprintf(stderr,
			"WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n");
	if (login_check_flags(user_opt, password_opt, password_stdin, &err) < 0 ||
	    login_server_parse(argc ? argv[0] : NULL, &srv, &err) < 0)
		return cmd_fail(cli, err);
	cred.username = xstrdup_null(user_opt);
	cred.password = xstrdup_null(password_opt);
	if (password_stdin) {
		_cleanup_buf_ struct buf in = BUF_INIT;

		if (fs_read_fd(STDIN_FILENO, "stdin", PASSWORD_STDIN_MAX, &in, &err) < 0)
			goto out;
		free(cred.password);
		cred.password = buf_detach(&in, NULL);
		login_trim_password(cred.password);
	}

	if (reg_cred_get(NULL, srv.domain, &stored, &err) < 0)
		goto out;
	if (!user_opt && !password_opt && !password_stdin && stored && stored->username &&
	    stored->password && stored->password[0]) {
		/* Docker first tries what is stored, and prompts only when that fails. */
		_cleanup_err_ struct err *e = NULL;

		printf("Authenticating with existing credentials...\n");
		fflush(stdout);
		if (verify(cli, &srv, stored, &e) == 0) {
			if (save(&srv, stored, &err) < 0)
				goto out;
			printf("Login Succeeded\n");
			rc = 0;
			goto out;
		}
		fprintf(stderr, "Login did not succeed, error: %s\n", e->msg);
	}
	if (prompt_missing(&srv, stored ? stored->username : NULL, &cred.username, &cred.password,
			   &err) < 0)
		goto out;
	if (verify(cli, &srv, &cred, &err) < 0 || save(&srv, &cred, &err) < 0)
		goto out;
	printf("Login Succeeded\n");
	rc = 0;
out:
	free(cred.username);
	if (cred.password)
		explicit_bzero(cred.password, strlen(cred.password));
	free(cred.password);
	return rc ? cmd_fail(cli, err) : 0;
}
