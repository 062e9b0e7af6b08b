/* src/net plumbing: spawning plugins, the CNI lock, keeping a network namespace alive. */
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "base/fs.h"
#include "base/xalloc.h"
#include "net/net_internal.h"
#include "base/banned.h"

#define SPAWN_OUT_MAX (1 << 20)

void
net_rfc3339(int64_t sec, long nsec, char *out, size_t n)
{
	time_t t = (time_t)sec;
	struct tm tm;
	char base[32], zone[48];
	long off;

	localtime_r(&t, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	off = tm.tm_gmtoff;
	if (off == 0)
		snprintf(zone, sizeof(zone), "Z");
	else
		snprintf(zone, sizeof(zone), "%c%02ld:%02ld", off < 0 ? '-' : '+',
			 (off < 0 ? -off : off) / 3600, ((off < 0 ? -off : off) % 3600) / 60);
	snprintf(out, n, "%s.%09ld%s", base, nsec, zone);
}

int
net_spawn(const char *path, char *const *argv, char *const *envp, const char *in, size_t len,
	  struct buf *out, int *ret_status, struct err **errp)
{
	int inp[2] = { -1, -1 }, outp[2] = { -1, -1 };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int r, status;
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;

	if (pipe2(inp, O_CLOEXEC) < 0)
		return err_sys(errp, errno, "pipe");
	if (pipe2(outp, O_CLOEXEC) < 0) {
		close(inp[0]);
		close(inp[1]);
		return err_sys(errp, errno, "pipe");
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, inp[0], 0);
	posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
	r = posix_spawn(&pid, path, &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	close(inp[0]);
	close(outp[1]);
	if (r != 0) {
		close(inp[1]);
		close(outp[0]);
		return err_sys(errp, r, "exec %s", path);
	}
	/* A plugin that exits without reading stdin must not kill us with SIGPIPE. */
	sigaction(SIGPIPE, &ign, &old);
	(void)fs_write_all(inp[1], in, len);
	sigaction(SIGPIPE, &old, NULL);
	close(inp[1]);
	r = fs_read_fd(outp[0], path, SPAWN_OUT_MAX, out, errp);
	close(outp[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return err_sys(errp, errno, "wait for %s", path);
	if (r < 0)
		return -1;
	*ret_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return 0;
}

int
net_cni_lock(const struct net_env *env, struct err **errp)
{
	_cleanup_free_ char *path = xasprintf("%s/cni.lock", env->data_store);
	int fd;

	if (fs_mkdir_p(env->data_store, 0711, errp) < 0)
		return -1;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_sys(errp, errno, "open %s", path);
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int e = errno;

			close(fd);
			return err_sys(errp, e, "lock %s", path);
		}
	}
	return fd;
}

char *
net_netns_path(const struct net_env *env, const char *ns, const char *id)
{
	return xasprintf("%s/netns/%s/%s", env->data_store, ns, id);
}

char *
net_hosts_dir(const struct net_env *env, const char *ns, const char *id)
{
	return xasprintf("%s/etchosts/%s/%s", env->data_store, ns, id);
}

int
net_netns_keep(const char *pid_ns_path, const char *path, struct err **errp)
{
	_cleanup_free_ char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	int fd;

	if (slash)
		*slash = '\0';
	if (fs_mkdir_p(dir, 0700, errp) < 0)
		return -1;
	fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0400);
	if (fd < 0)
		return err_sys(errp, errno, "create %s", path);
	close(fd);
	if (mount(pid_ns_path, path, NULL, MS_BIND, NULL) < 0) {
		int e = errno;

		unlink(path);
		return err_sys(errp, e, "bind mount %s on %s", pid_ns_path, path);
	}
	return 0;
}

int
net_netns_release(const char *path, struct err **errp)
{
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		return err_sys(errp, errno, "unmount %s", path);
	if (unlink(path) < 0 && errno != ENOENT)
		return err_sys(errp, errno, "remove %s", path);
	return 0;
}
