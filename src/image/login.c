/* Registry login helpers: Docker's reading of the SERVER argument and of the password flags. */
#include <string.h>

#include "base/xalloc.h"
#include "image/login.h"
#include "registry/creds.h"
#include "base/banned.h"

static bool
is_hub(const char *host)
{
	return strcmp(host, "docker.io") == 0 || strcmp(host, "index.docker.io") == 0 ||
	       strcmp(host, "registry-1.docker.io") == 0;
}

int
login_server_parse(const char *arg, struct login_server *ret, struct err **errp)
{
	const char *p = arg ? arg : "";
	_cleanup_free_ char *host = NULL;

	if (strncmp(p, "http://", 7) == 0)
		p += 7;
	else if (strncmp(p, "https://", 8) == 0)
		p += 8;
	host = xstrndup(p, strcspn(p, "/"));
	if (!arg || !arg[0] || is_hub(host)) {
		ret->domain = xstrdup("docker.io");
		ret->display = reg_cred_server_key("docker.io");
		ret->is_default = true;
		return 0;
	}
	if (!host[0] || strpbrk(host, " \t\r\n@"))
		return err_set(errp, ERR_INVALID, "invalid registry server \"%s\"", arg);
	ret->display = xstrdup(host);
	ret->domain = TAKE_PTR(host);
	ret->is_default = false;
	return 0;
}

void
login_server_release(struct login_server *s)
{
	free(s->domain);
	free(s->display);
	s->domain = s->display = NULL;
}

int
login_check_flags(const char *user, const char *password, bool password_stdin,
		  struct err **errp)
{
	if (password && password[0] && password_stdin)
		return err_set(errp, ERR_INVALID,
			       "--password and --password-stdin are mutually exclusive");
	if (password_stdin && (!user || !user[0]))
		return err_set(errp, ERR_INVALID, "Must provide --username with --password-stdin");
	return 0;
}

void
login_trim_password(char *s)
{
	size_t n = strlen(s);

	if (n && s[n - 1] == '\n')
		s[--n] = '\0';
	if (n && s[n - 1] == '\r')
		s[--n] = '\0';
}
