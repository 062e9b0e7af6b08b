/*
 * Image archives: `save` writes one tar holding both the OCI image layout (oci-layout,
 * index.json, blobs/sha256/...) and Docker's manifest.json, as containerd's exporter does;
 * `load` reads OCI archives and Docker archives (docker/podman save, skopeo docker-archive:)
 * into the content store and image records. Tar entries are read through libarchive
 * (dlopen'ed, see archive_api.h) with every name confined to the archive.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "base/err.h"
#include "base/strv.h"
#include "ctd/images.h"
#include "image/manifest.h"
#include "image/platform.h"

struct ctd;

/* Limits on what an archive may make us hold in memory. */
#define ARCHIVE_PATH_MAX 4096
#define ARCHIVE_JSON_MAX (20 << 20)	/* manifest.json, index.json, configs (containerd's) */
#define ARCHIVE_MAX_ENTRIES 100000
#define DOCKER_MANIFEST_MAX_IMAGES 10000
#define DOCKER_MANIFEST_MAX_LAYERS 1000

/*
 * Cleans a tar entry name like Go's path.Clean, for lookups inside the archive:
 * "./a//b/" -> "a/b", "." for the root. ERR_INVALID for empty or absolute names and names
 * whose ".." climbs above the archive's root. *ret is new.
 */
int archive_path_clean(const char *name, char **ret, struct err **errp);
/*
 * Where the symlink entry name -> target points, cleaned and confined the same way (a
 * relative target counts from name's directory). ERR_INVALID for absolute targets and
 * targets that climb out. *ret is new.
 */
int archive_link_resolve(const char *name, const char *target, char **ret, struct err **errp);

/* One image of Docker's manifest.json; every path is cleaned (archive_path_clean). */
struct docker_manifest {
	char *config;		/* "<id>.json" or "blobs/sha256/<hex>" */
	char **repo_tags;	/* NULL-terminated, may be empty: as written ("busybox:latest") */
	char **layers;		/* NULL-terminated: "<id>/layer.tar", "blobs/sha256/<hex>" */
	size_t n_layers;
};

/*
 * Parses manifest.json (a JSON array of {Config, RepoTags, Layers}). *ret (free with
 * docker_manifest_free) and *ret_n are set only on success. ERR_INVALID for malformed
 * content or paths that escape the archive, ERR_RESOURCE past the limits above.
 */
int docker_manifest_parse(const char *data, size_t len, struct docker_manifest **ret,
			  size_t *ret_n, struct err **errp);
void docker_manifest_free(struct docker_manifest *m, size_t n);

/*
 * Writes images imgs[0..n) (records as containerd returns them) as one tar to fd, blobs
 * streamed from the content store and checked against their digests. Of an index, the
 * manifests m matches go in (all of them with all; Docker's manifest.json names the best
 * match). ERR_NOT_FOUND when a blob is missing or no manifest matches, ERR_INVALID for a
 * document that does not parse, ERR_IO when fd fails. On failure a partial tar may have
 * been written.
 */
int image_archive_save(struct ctd *c, CtdImage *const *imgs, size_t n,
		       const struct platform_matcher *m, bool all, int fd, struct err **errp);

struct archive_load_opts {
	const struct platform_matcher *m;	/* manifests of an index to keep */
	bool platform_set;	/* --platform given: images of other platforms are skipped */
	const char *snapshotter;	/* untagged images are named "<snapshotter>@<digest>" */
};

/* An image record load created or updated. */
struct archive_image {
	char *name;
	bool tagged;		/* false: the archive gave it no name */
	struct img_desc target;
};

/*
 * Reads the archive on fd (tar, possibly gzip/bzip2/xz/zstd-compressed): OCI when it has
 * oci-layout (index.json entries named by io.containerd.image.name or a full
 * org.opencontainers.image.ref.name), else Docker's manifest.json (a schema 2 manifest is
 * built per image; layers are stored as they are in the archive). Every blob goes into the
 * content store (checked against blobs/sha256/<hex> names) under a lease of its own; GC
 * labels are set and records created or updated (as containerd's import). Unpacking is the
 * caller's. *ret (archive_images_free) lists the records. ERR_INVALID for a malformed or
 * unsafe archive (absolute or escaping paths and links), ERR_RESOURCE past the limits,
 * ERR_NOT_FOUND when nothing matches the platform.
 */
int image_archive_load(struct ctd *c, int fd, const struct archive_load_opts *o,
		       struct archive_image **ret, size_t *ret_n, struct err **errp);
void archive_images_free(struct archive_image *v, size_t n);

struct image_import_opts {
	const char *name;		/* record name (normalised), or NULL: untagged */
	const char *message;		/* history comment, may be NULL */
	struct platform platform;	/* os/architecture of the config */
	const char *snapshotter;	/* names an untagged image "<snapshotter>@<digest>" */
};

/*
 * Makes a one-layer image of the root filesystem tarball on fd (plain, gzip, bzip2, xz or
 * zstd): the layer is stored gzipped with containerd.io/uncompressed = its diff ID, then a
 * config (rootfs, one history entry with the message, created now), a Docker schema 2
 * manifest and the record. Does not unpack. *ret_name (new) and *ret_target (release with
 * img_desc_release) on success. ERR_INVALID when the input is not a tar archive.
 */
int image_import(struct ctd *c, int fd, const struct image_import_opts *o, char **ret_name,
		 struct img_desc *ret_target, struct err **errp);

/*
 * Unpacks the platform m picks of target into snapshotter (containerd's Image.Unpack).
 * *ret_config (may be NULL) gets the config digest, new.
 */
int archive_unpack(struct ctd *c, const char *snapshotter, const struct img_desc *target,
		   const struct platform_matcher *m, char **ret_config, struct err **errp);

/* OCI descriptor as JSON: mediaType, digest, size, annotations (sorted); new reference. */
json_t *archive_descriptor_json(const CtdDescriptor *d);
/*
 * What containerd's exporter puts in org.opencontainers.image.ref.name for image name:
 * the tag when name is "repo:tag", else name itself. New string.
 */
char *archive_oci_ref_name(const char *name);
