/*
 * Files in and out of a container's root filesystem for `cp` and `export`: every path in the
 * container is resolved inside its root (openat2 RESOLVE_IN_ROOT), and trees are walked from
 * directory fds without following symlinks, so a symlink never leads outside the root.
 */
#pragma once

#include <stdbool.h>

#include "base/err.h"
#include "ctd/containers.h"
#include "ctd/snapshots.h"

/* One side of a copy: a root directory (container) or the host (root < 0). */
struct cp_side {
	int root;		/* O_PATH fd of the container's root, or -1 for the host */
};

/*
 * An O_PATH fd for path on side s; follow: the last component may be a symlink to follow
 * (inside the root). ERR_NOT_FOUND when it does not exist.
 */
int cp_resolve(const struct cp_side *s, const char *path, bool follow, int *ret_fd,
	       struct err **errp);

/* Docker's rule for where SRC lands given DEST (the `cp` argument strings). */
struct cp_plan {
	char *dst_dir;		/* the directory the entry is created in */
	char *dst_name;		/* its name there; NULL: copy the contents of src into dst_dir */
};
void cp_plan_release(struct cp_plan *p);
/*
 * src_is_dir: what the source is; src_path: as given ("/x/." copies the contents);
 * dst_exists/dst_is_dir: the destination now. ERR_INVALID with Docker's messages
 * ("cannot copy a directory to a file", "destination directory does not exist").
 */
int cp_plan_make(const char *src_path, bool src_is_dir, const char *dst_path, bool dst_exists,
		 bool dst_is_dir, struct cp_plan *ret, struct err **errp);

/*
 * Copies the node src_fd (an O_PATH fd from cp_resolve) as dst_name in the directory fd
 * dst_dir (dst_name NULL: a directory's contents into dst_dir). archive: keep uid/gid.
 */
int cp_copy(int src_fd, int dst_dir, const char *dst_name, bool archive, struct err **errp);

/*
 * Writes a tar of the node src_fd to out_fd, its entries named under name ("" with a
 * directory: its contents without a prefix, as `export`).
 */
int cp_tar_out(int src_fd, const char *name, int out_fd, struct err **errp);
/* Extracts a tar from in_fd into the directory fd dir (names resolved inside it). */
int cp_tar_in(int in_fd, int dir, struct err **errp);

/*
 * Mounts a snapshot's mounts (one overlay or bind) at a new private temporary directory;
 * read_only: the overlay's upper dir joins the lower ones (safe while the container runs).
 * *ret_dir: the mount point, for cp_unmount.
 */
int cp_mount(const CtdMounts *m, bool read_only, char **ret_dir, struct err **errp);
void cp_unmount(char *dir);

/* A container's root filesystem opened for copying. */
struct cp_root {
	int fd;			/* O_PATH fd of the root */
	char *mount_dir;	/* our temporary mount, or NULL (a running task's /proc/<pid>/root) */
};
#define CP_ROOT_INIT { -1, NULL }
/*
 * A running task's root (/proc/<pid>/root, with its mounts) unless snapshot_only, else the
 * container's snapshot mounted privately (read-only: upper dir as a lower layer).
 */
int cp_root_open(struct ctd *c, const CtdContainer *r, bool snapshot_only, bool read_only,
		 struct cp_root *ret, struct err **errp);
void cp_root_close(struct cp_root *root);
