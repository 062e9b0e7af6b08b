/* Docker's `image inspect` object and `history` rows for an image. */
#include <string.h>
#include <time.h>

#include "base/json.h"
#include "base/xalloc.h"
#include "ctd/snapshots.h"
#include "image/inspect.h"
#include "registry/reference.h"
#include "base/banned.h"

int
image_parse_time(const char *s, int64_t *ret)
{
	struct tm tm = { 0 };
	const char *p;
	int64_t t;

	if (!s)
		return -1;
	p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p)
		return -1;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	t = (int64_t)timegm(&tm);
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		int h = (p[1] - '0') * 10 + (p[2] - '0'), m = (p[4] - '0') * 10 + (p[5] - '0');
		int64_t off = (int64_t)h * 3600 + m * 60;

		t += *p == '+' ? -off : off;
		p += 6;
	} else {
		return -1;
	}
	if (*p)
		return -1;
	*ret = t;
	return 0;
}

/* cfg[key] when it has type want, else NULL (borrowed). */
static json_t *
get_typed(json_t *cfg, const char *key, json_type want)
{
	json_t *v = cfg ? json_object_get(cfg, key) : NULL;

	return v && json_typeof(v) == want ? v : NULL;
}

static json_t *
copy_or_null(json_t *cfg, const char *key, json_type want)
{
	json_t *v = get_typed(cfg, key, want);

	return v ? json_deep_copy(v) : json_null();
}

static json_t *
str_or_empty(json_t *cfg, const char *key)
{
	json_t *v = get_typed(cfg, key, JSON_STRING);

	return json_string(v ? json_string_value(v) : "");
}

json_t *
image_docker_config(json_t *cfg)
{
	json_t *o = json_object(), *v;
	static const char *const opt_keys[] = { "Healthcheck", "ArgsEscaped", "NetworkDisabled",
						"MacAddress", "StopSignal", "StopTimeout", "Shell" };

	json_object_set_new(o, "Hostname", str_or_empty(cfg, "Hostname"));
	json_object_set_new(o, "Domainname", str_or_empty(cfg, "Domainname"));
	json_object_set_new(o, "User", str_or_empty(cfg, "User"));
	json_object_set_new(o, "AttachStdin", json_false());
	json_object_set_new(o, "AttachStdout", json_false());
	json_object_set_new(o, "AttachStderr", json_false());
	if ((v = get_typed(cfg, "ExposedPorts", JSON_OBJECT)) && json_object_size(v))
		json_object_set_new(o, "ExposedPorts", json_deep_copy(v));
	json_object_set_new(o, "Tty", json_false());
	json_object_set_new(o, "OpenStdin", json_false());
	json_object_set_new(o, "StdinOnce", json_false());
	json_object_set_new(o, "Env", copy_or_null(cfg, "Env", JSON_ARRAY));
	json_object_set_new(o, "Cmd", copy_or_null(cfg, "Cmd", JSON_ARRAY));
	if ((v = get_typed(cfg, "Healthcheck", JSON_OBJECT)))
		json_object_set_new(o, "Healthcheck", json_deep_copy(v));
	if ((v = json_object_get(cfg, "ArgsEscaped")) && json_is_true(v))
		json_object_set_new(o, "ArgsEscaped", json_true());
	json_object_set_new(o, "Image", str_or_empty(cfg, "Image"));
	json_object_set_new(o, "Volumes", copy_or_null(cfg, "Volumes", JSON_OBJECT));
	json_object_set_new(o, "WorkingDir", str_or_empty(cfg, "WorkingDir"));
	json_object_set_new(o, "Entrypoint", copy_or_null(cfg, "Entrypoint", JSON_ARRAY));
	for (size_t i = 2; i < 4; i++)
		if ((v = json_object_get(cfg, opt_keys[i])) && json_is_true(v))
			json_object_set_new(o, opt_keys[i], json_deep_copy(v));
	json_object_set_new(o, "OnBuild", copy_or_null(cfg, "OnBuild", JSON_ARRAY));
	json_object_set_new(o, "Labels", copy_or_null(cfg, "Labels", JSON_OBJECT));
	for (size_t i = 4; i < ARRAY_SIZE(opt_keys); i++)
		if ((v = json_object_get(cfg, opt_keys[i])) && !json_is_null(v))
			json_object_set_new(o, opt_keys[i], json_deep_copy(v));
	return o;
}

/* RepoTags and RepoDigests: the familiar names of every record with img's target. */
static void
repo_names(const CtdImage *img, const CtdImageList *all, json_t *tags, json_t *digests)
{
	const char *target = img->target ? img->target->digest : "";

	for (size_t i = 0; i < all->n_images; i++) {
		const CtdImage *o = all->images[i];
		_cleanup_ref_ struct ref *r = NULL;
		_cleanup_free_ char *fam = NULL, *name = NULL, *dig = NULL;
		size_t j;
		json_t *v;
		bool seen = false;

		if (!o->target || !o->target->digest || strcmp(o->target->digest, target) != 0)
			continue;
		if (ref_parse_name_only(o->name, &r, NULL) < 0)
			continue;
		if (r->tag) {
			fam = ref_familiar(r);
			/* ref_familiar adds the digest of "name:tag@digest"; RepoTags shows the tag */
			if (strchr(fam, '@'))
				*strchr(fam, '@') = '\0';
			json_array_append_new(tags, json_string(fam));
		}
		name = ref_familiar_name(r);
		dig = xasprintf("%s@%s", name, target);
		json_array_foreach(digests, j, v)
			if (strcmp(json_string_value(v), dig) == 0)
				seen = true;
		if (!seen)
			json_array_append_new(digests, json_string(dig));
	}
}

/* Go's zero time.Time, which Docker prints for unknown times. */
#define GO_ZERO_TIME "0001-01-01T00:00:00Z"

static json_t *
record_time(const Google__Protobuf__Timestamp *ts)
{
	char buf[64], frac[16] = "";
	struct tm tm;
	time_t secs;
	size_t n;

	if (!ts || (ts->seconds == 0 && ts->nanos == 0))
		return json_string(GO_ZERO_TIME);
	secs = (time_t)ts->seconds;
	gmtime_r(&secs, &tm);
	n = strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	if (ts->nanos) {
		snprintf(frac, sizeof(frac), ".%09d", ts->nanos);
		for (size_t k = strlen(frac); frac[k - 1] == '0'; k--)
			frac[k - 1] = '\0';
	}
	snprintf(buf + n, sizeof(buf) - n, "%sZ", frac);
	return json_string(buf);
}

int
image_inspect_json(struct ctd *c, const char *snapshotter, const CtdImage *img,
		   const CtdImageList *all, const struct img_view *v, json_t **ret,
		   struct err **errp)
{
	json_t *cfg = v->config->json, *hist, *o, *tags = json_array(), *digests = json_array();
	json_t *layers = json_array(), *meta;
	const char *comment = json_string_value(get_typed(cfg, "comment", JSON_STRING));
	int64_t size = 0;

	if (img_view_unpacked_size(c, snapshotter, v, &size, errp) < 0)
		return err_wrap(errp, "image %s: size", img->name);
	hist = get_typed(cfg, "history", JSON_ARRAY);
	if (!comment && hist && json_array_size(hist))
		comment = json_get_str(json_array_get(hist, json_array_size(hist) - 1), "comment");
	repo_names(img, all, tags, digests);
	for (size_t i = 0; i < v->config->n_diff_ids; i++)
		json_array_append_new(layers, json_string(v->config->diff_ids[i]));

	o = json_object();
	json_object_set_new(o, "Id", json_string(v->manifest->config.digest));
	json_object_set_new(o, "RepoTags", tags);
	json_object_set_new(o, "RepoDigests", digests);
	json_object_set_new(o, "Parent", json_string(""));
	json_object_set_new(o, "Comment", json_string(comment ? comment : ""));
	json_object_set_new(o, "Created", str_or_empty(cfg, "created"));
	json_object_set_new(o, "Container", str_or_empty(cfg, "container"));
	json_object_set_new(o, "ContainerConfig",
			    image_docker_config(get_typed(cfg, "container_config", JSON_OBJECT)));
	json_object_set_new(o, "DockerVersion", str_or_empty(cfg, "docker_version"));
	json_object_set_new(o, "Author", str_or_empty(cfg, "author"));
	json_object_set_new(o, "Config", image_docker_config(get_typed(cfg, "config", JSON_OBJECT)));
	json_object_set_new(o, "Architecture", json_string(v->config->platform.arch));
	if (v->config->platform.variant[0])
		json_object_set_new(o, "Variant", json_string(v->config->platform.variant));
	json_object_set_new(o, "Os", json_string(v->config->platform.os));
	json_object_set_new(o, "Size", json_integer(size));
	json_object_set_new(o, "VirtualSize", json_integer(size));
	json_object_set_new(o, "GraphDriver", json_pack("{s:n, s:s}", "Data", "Name", snapshotter));
	json_object_set_new(o, "RootFS", json_pack("{s:s, s:o}", "Type", "layers", "Layers", layers));
	meta = json_object();
	json_object_set_new(meta, "LastTagTime", record_time(img->updated_at));
	json_object_set_new(o, "Metadata", meta);
	*ret = o;
	return 0;
}

int
image_history_rows(struct ctd *c, const char *snapshotter, const struct img_view *v,
		   struct image_history_row **ret, size_t *ret_n, struct err **errp)
{
	json_t *hist = get_typed(v->config->json, "history", JSON_ARRAY), *h;
	size_t n = hist ? json_array_size(hist) : 0, layer = 0, i;
	struct image_history_row *rows = xnew(struct image_history_row, n ? n : 1);

	json_array_foreach(hist, i, h) {
		struct image_history_row *r = &rows[n - 1 - i];
		const char *s;

		s = json_get_str(h, "created_by");
		r->created_by = s ? s : "";
		s = json_get_str(h, "comment");
		r->comment = s ? s : "";
		if (image_parse_time(json_get_str(h, "created"), &r->created) < 0)
			r->created = 0;
		r->empty_layer = json_is_true(json_object_get(h, "empty_layer"));
		if (r->empty_layer || layer >= v->config->n_diff_ids)
			continue;
		_cleanup_err_ struct err *err = NULL;

		if (ctd_snapshots_usage(c, snapshotter, v->chain_ids[layer], &r->size, NULL,
					&err) < 0) {
			if (err->kind != ERR_NOT_FOUND) {
				free(rows);
				return err_move(errp, &err);
			}
			r->size = 0;	/* not unpacked */
		}
		layer++;
	}
	*ret = rows;
	*ret_n = n;
	return 0;
}
