/* Container IDs, generated names and nerdctl's on-disk name store. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/fs.h"
#include "base/xalloc.h"
#include "container/names.h"
#include "base/banned.h"

static void
random_bytes(void *p, size_t n)
{
	uint8_t *b = p;

	while (n) {
		ssize_t r = getrandom(b, n, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			abort();	/* the kernel has no entropy API: nothing sane to do */
		}
		b += r;
		n -= (size_t)r;
	}
}

void
container_id_new(char out[CONTAINER_ID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t raw[CONTAINER_ID_LEN / 2];

	random_bytes(raw, sizeof(raw));
	for (size_t i = 0; i < sizeof(raw); i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[CONTAINER_ID_LEN] = '\0';
}

/* Our own word lists, in the spirit of Docker's: moods and people of science and computing. */
static const char *const adjectives[] = {
	"admiring", "agile", "amazing", "blissful", "bold", "brave", "busy", "calm", "charming",
	"clever", "cool", "cranky", "dazzling", "determined", "eager", "ecstatic", "elastic",
	"elegant", "epic", "fervent", "festive", "focused", "friendly", "frosty", "gallant",
	"gifted", "gracious", "happy", "hopeful", "hungry", "inspiring", "jolly", "jovial", "keen",
	"kind", "laughing", "loving", "lucid", "magical", "modest", "nervous", "nice", "nifty",
	"nostalgic", "optimistic", "peaceful", "pensive", "practical", "quirky", "relaxed",
	"reverent", "romantic", "serene", "sharp", "silly", "sleepy", "stoic", "sweet", "tender",
	"trusting", "upbeat", "vibrant", "vigilant", "wizardly", "wonderful", "youthful", "zealous",
};

static const char *const surnames[] = {
	"agnesi", "allen", "archimedes", "babbage", "bardeen", "bartik", "bell", "bohr", "boole",
	"borg", "cerf", "chandrasekhar", "curie", "darwin", "dijkstra", "einstein", "euclid",
	"euler", "faraday", "fermat", "fermi", "feynman", "franklin", "galileo", "gauss",
	"goldberg", "goodall", "hamilton", "hawking", "hopper", "hypatia", "johnson", "kepler",
	"knuth", "lamarr", "lamport", "liskov", "lovelace", "maxwell", "mcclintock", "meitner",
	"mirzakhani", "morse", "newton", "nobel", "noether", "pascal", "pasteur", "perlman",
	"planck", "ritchie", "shannon", "shockley", "sinoussi", "tesla", "thompson", "torvalds",
	"turing", "volta", "wilson", "wing", "wozniak", "wright", "yonath",
};

char *
container_name_generate(int retry)
{
	uint32_t r[2];

	random_bytes(r, sizeof(r));
	if (retry > 0) {
		uint32_t d;

		random_bytes(&d, sizeof(d));
		return xasprintf("%s_%s%u", adjectives[r[0] % ARRAY_SIZE(adjectives)],
				 surnames[r[1] % ARRAY_SIZE(surnames)], d % 10);
	}
	return xasprintf("%s_%s", adjectives[r[0] % ARRAY_SIZE(adjectives)],
			 surnames[r[1] % ARRAY_SIZE(surnames)]);
}

static int
is_name_char(char c, int first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	return !first && (c == '_' || c == '.' || c == '-');
}

int
container_name_validate(const char *name, struct err **errp)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < n; i++)
		if (!is_name_char(name[i], i == 0))
			n = 0;
	if (n < 2)
		return err_set(errp, ERR_INVALID,
			       "Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
			       name);
	return 0;
}

/* Opens and flocks <store>/names/<ns>; returns the directory fd or -1. */
static int
lock_store(const char *data_store, const char *ns, struct err **errp)
{
	_cleanup_free_ char *dir = xasprintf("%s/names/%s", data_store, ns);
	int fd;

	if (fs_mkdir_p(dir, 0700, errp) < 0)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return err_sys(errp, errno, "open %s", dir);
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int e = errno;

			close(fd);
			return err_sys(errp, e, "lock %s", dir);
		}
	}
	return fd;
}

/* Owner of name (read into owner, "" when absent); 0 or -1. */
static int
read_owner(int dirfd, const char *name, struct buf *owner, struct err **errp)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);

	buf_reset(owner);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return err_sys(errp, errno, "name store: open %s", name);
	}
	return fs_read_fd(fd, name, 4096, owner, errp);
}

static int
write_owner(int dirfd, const char *data_store, const char *ns, const char *name,
	    const char *id, struct err **errp)
{
	_cleanup_free_ char *path = xasprintf("%s/names/%s/%s", data_store, ns, name);

	(void)dirfd;
	/*
	 * No fsync, as nerdctl's name store: a run does not wait for a journal flush; a power
	 * loss right after may lose the entry, and then the name could be given twice.
	 */
	return fs_write_replace(path, id, strlen(id), 0600, errp);
}

static int
in_use(const char *name, const char *owner, struct err **errp)
{
	return err_set(errp, ERR_EXISTS,
		       "Conflict. The container name \"/%s\" is already in use by container \"%s\". You have to remove (or rename) that container to be able to reuse that name.",
		       name, owner);
}

int
container_name_acquire(const char *data_store, const char *ns, const char *name,
		       const char *id, container_alive_fn alive, void *arg, struct err **errp)
{
	_cleanup_close_ int dfd = -1;
	_cleanup_buf_ struct buf owner = BUF_INIT;

	if (container_name_validate(name, errp) < 0)
		return -1;
	dfd = lock_store(data_store, ns, errp);
	if (dfd < 0 || read_owner(dfd, name, &owner, errp) < 0)
		return -1;
	/* A record deleted behind our back (ctr, a killed CLI) leaves a stale entry. */
	if (owner.len && strcmp(owner.data, id) != 0 && (!alive || alive(arg, owner.data)))
		return in_use(name, owner.data, errp);
	return write_owner(dfd, data_store, ns, name, id, errp);
}

int
container_name_release(const char *data_store, const char *ns, const char *name,
		       const char *id, struct err **errp)
{
	_cleanup_close_ int dfd = -1;
	_cleanup_buf_ struct buf owner = BUF_INIT;

	if (!name || !*name || strchr(name, '/') || name[0] == '.')
		return 0;
	dfd = lock_store(data_store, ns, errp);
	if (dfd < 0 || read_owner(dfd, name, &owner, errp) < 0)
		return -1;
	if (!owner.len || strcmp(owner.data, id) != 0)
		return 0;
	if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT)
		return err_sys(errp, errno, "name store: remove %s", name);
	return 0;
}

int
container_name_rename(const char *data_store, const char *ns, const char *old_name,
		      const char *new_name, const char *id, container_alive_fn alive, void *arg,
		      struct err **errp)
{
	_cleanup_close_ int dfd = -1;
	_cleanup_buf_ struct buf owner = BUF_INIT;

	if (container_name_validate(new_name, errp) < 0)
		return -1;
	dfd = lock_store(data_store, ns, errp);
	if (dfd < 0 || read_owner(dfd, new_name, &owner, errp) < 0)
		return -1;
	if (owner.len && strcmp(owner.data, id) != 0 && (!alive || alive(arg, owner.data)))
		return in_use(new_name, owner.data, errp);
	if (write_owner(dfd, data_store, ns, new_name, id, errp) < 0)
		return -1;
	if (old_name && *old_name && !strchr(old_name, '/') && old_name[0] != '.' &&
	    read_owner(dfd, old_name, &owner, errp) == 0 && owner.len &&
	    strcmp(owner.data, id) == 0)
		unlinkat(dfd, old_name, 0);
	return 0;
}
