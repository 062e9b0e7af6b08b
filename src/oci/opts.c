/*
 * Parsers for the run/create flags that shape the runtime spec, with Docker's syntax and
 * messages, and the ownership helpers of struct oci_opts.
 */
#include <ctype.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>

#include "base/buf.h"
#include "base/fs.h"
#include "base/parse.h"
#include "base/xalloc.h"
#include "oci/spec.h"

#include "base/str.h"
#include "base/banned.h"

#define ENV_FILE_MAX (16u << 20)
#define SECCOMP_FILE_MAX (4u << 20)

/* --- ownership ---------------------------------------------------------------------------- */

void
oci_mount_release(struct oci_mount *m)
{
	if (!m)
		return;
	free(m->source);
	free(m->target);
	free(m->propagation);
	free(m->host_path);
	free(m->volume_driver);
	strv_release(&m->volume_labels);
	strv_release(&m->volume_opts);
	strv_release(&m->tmpfs_options);
	memset(m, 0, sizeof(*m));
}

void
oci_device_release(struct oci_device *d)
{
	if (!d)
		return;
	free(d->host_path);
	free(d->container_path);
	memset(d, 0, sizeof(*d));
}

void
oci_hook_release(struct oci_hook *h)
{
	if (!h)
		return;
	free(h->path);
	strv_release(&h->args);
	strv_release(&h->env);
	memset(h, 0, sizeof(*h));
}

void
oci_security_release(struct oci_security *sec)
{
	free(sec->seccomp_json);
	free(sec->apparmor);
	strv_release(&sec->labels);
	memset(sec, 0, sizeof(*sec));
}

void
oci_opts_release(struct oci_opts *o)
{
	for (size_t i = 0; i < o->n_mounts; i++)
		oci_mount_release(&o->mounts[i]);
	free(o->mounts);
	for (size_t i = 0; i < o->n_devices; i++)
		oci_device_release(&o->devices[i]);
	free(o->devices);
	for (size_t i = 0; i < o->n_hooks; i++)
		oci_hook_release(&o->hooks[i]);
	free(o->hooks);
	free(o->ulimits);
	strv_release(&o->env);
	strv_release(&o->group_add);
	strv_release(&o->cap_add);
	strv_release(&o->cap_drop);
	strv_release(&o->device_cgroup_rules);
	strv_release(&o->sysctls);
	strv_release(&o->annotations);
	oci_security_release(&o->security);
	o->mounts = NULL;
	o->devices = NULL;
	o->hooks = NULL;
	o->ulimits = NULL;
	o->n_mounts = o->n_devices = o->n_hooks = o->n_ulimits = 0;
}

void
oci_opts_add_mount(struct oci_opts *o, struct oci_mount *m)
{
	o->mounts = xrealloc(o->mounts, (o->n_mounts + 1) * sizeof(*o->mounts));
	o->mounts[o->n_mounts++] = *m;
	memset(m, 0, sizeof(*m));
}

void
oci_opts_add_device(struct oci_opts *o, struct oci_device *d)
{
	o->devices = xrealloc(o->devices, (o->n_devices + 1) * sizeof(*o->devices));
	o->devices[o->n_devices++] = *d;
	memset(d, 0, sizeof(*d));
}

void
oci_opts_add_ulimit(struct oci_opts *o, const struct oci_ulimit *u)
{
	/* A later --ulimit of the same type replaces the earlier one (Docker keeps a map). */
	for (size_t i = 0; i < o->n_ulimits; i++)
		if (strcmp(o->ulimits[i].name, u->name) == 0) {
			o->ulimits[i] = *u;
			return;
		}
	o->ulimits = xrealloc(o->ulimits, (o->n_ulimits + 1) * sizeof(*o->ulimits));
	o->ulimits[o->n_ulimits++] = *u;
}

void
oci_opts_add_hook(struct oci_opts *o, struct oci_hook *h)
{
	o->hooks = xrealloc(o->hooks, (o->n_hooks + 1) * sizeof(*o->hooks));
	o->hooks[o->n_hooks++] = *h;
	memset(h, 0, sizeof(*h));
}

/* --- small helpers ---------------------------------------------------------------------- */

/* Go's path.Clean for absolute and relative slash paths. */
static char *
path_clean(const char *p)
{
	_cleanup_strv_ struct strv parts = STRV_INIT, out = STRV_INIT;
	_cleanup_buf_ struct buf b = BUF_INIT;
	int abs = p[0] == '/';

	if (!*p)
		return xstrdup(".");
	strv_split(&parts, p, '/');
	for (size_t i = 0; i < parts.n; i++) {
		const char *s = parts.v[i];

		if (!*s || strcmp(s, ".") == 0)
			continue;
		if (strcmp(s, "..") == 0) {
			if (out.n > 0 && strcmp(out.v[out.n - 1], "..") != 0) {
				free(out.v[--out.n]);
				out.v[out.n] = NULL;
			} else if (!abs) {
				strv_push(&out, "..");
			}
			continue;
		}
		strv_push(&out, s);
	}
	if (abs)
		buf_addch(&b, '/');
	for (size_t i = 0; i < out.n; i++) {
		if (i)
			buf_addch(&b, '/');
		buf_adds(&b, out.v[i]);
	}
	if (b.len == 0)
		buf_addch(&b, '.');
	return buf_detach(&b, NULL);
}

/* Go strconv.ParseInt(s, 10, 64) with its error text. */
static int
go_parse_int(const char *s, int64_t *ret, struct err **errp)
{
	_cleanup_err_ struct err *err = NULL;

	if (parse_int64(s, ret, &err) < 0) {
		const char *why = strspn(s, "+-0123456789") == strlen(s) && *s &&
					  strcspn(s, "0123456789") < strlen(s)
				  ? "value out of range"
				  : "invalid syntax";
		return err_set(errp, ERR_INVALID, "strconv.ParseInt: parsing \"%s\": %s", s, why);
	}
	return 0;
}

/* --- --ulimit ------------------------------------------------------------------------- */

static const char *const ulimit_names[] = {
	"core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc",
	"rss", "rtprio", "rttime", "sigpending", "stack",
};

int
oci_parse_ulimit(const char *value, struct oci_ulimit *ret, struct err **errp)
{
	_cleanup_strv_ struct strv lims = STRV_INIT;
	const char *eq = strchr(value, '=');
	struct oci_ulimit u = { 0 };
	size_t nlen;
	int known = 0;

	if (!eq)
		return err_set(errp, ERR_INVALID, "invalid ulimit argument: %s", value);
	nlen = (size_t)(eq - value);
	for (size_t i = 0; i < ARRAY_SIZE(ulimit_names) && !known; i++)
		known = strlen(ulimit_names[i]) == nlen && strncmp(ulimit_names[i], value, nlen) == 0;
	if (!known)
		return err_set(errp, ERR_INVALID, "invalid ulimit type: %.*s", (int)nlen, value);
	memcpy(u.name, value, nlen);
	strv_split(&lims, eq + 1, ':');
	if (lims.n > 2)
		return err_set(errp, ERR_INVALID,
			       "too many limit value arguments - %s, can only have up to two, `soft[:hard]`",
			       eq + 1);
	if (lims.n == 2 && go_parse_int(lims.v[1], &u.hard, errp) < 0)
		return -1;
	if (go_parse_int(lims.v[0], &u.soft, errp) < 0)
		return -1;
	if (lims.n == 1)
		u.hard = u.soft;
	if (u.hard != -1) {
		if (u.soft == -1)
			return err_set(errp, ERR_INVALID,
				       "ulimit soft limit must be less than or equal to hard limit: soft: -1 (unlimited), hard: %lld",
				       (long long)u.hard);
		if (u.soft > u.hard)
			return err_set(errp, ERR_INVALID,
				       "ulimit soft limit must be less than or equal to hard limit: %lld > %lld",
				       (long long)u.soft, (long long)u.hard);
	}
	*ret = u;
	return 0;
}

/* --- --device ------------------------------------------------------------------------- */

static int
valid_device_mode(const char *m)
{
	int seen[3] = { 0 };

	if (!*m)
		return 0;
	for (; *m; m++) {
		const char *p = strchr("rwm", *m);

		if (!p || !*m || seen[p - "rwm"]++)
			return 0;
	}
	return 1;
}

int
oci_parse_device(const char *value, struct oci_device *ret, struct err **errp)
{
	_cleanup_strv_ struct strv f = STRV_INIT;
	struct oci_device d = { 0 };
	const char *dst = NULL, *mode = "rwm";

	/* Docker's validateLinuxPath, then parseLinuxDevice. */
	if (str_count_char(value, ':') > 2 || value[0] == ':' || !*value)
		return err_set(errp, ERR_INVALID, "bad format for path: %s", value);
	strv_split(&f, value, ':');
	if (f.n == 3 && !valid_device_mode(f.v[2]))
		return err_set(errp, ERR_INVALID, "bad mode specified: %s", f.v[2]);
	if (f.n == 3) {
		dst = f.v[1];
		mode = f.v[2];
	} else if (f.n == 2) {
		if (valid_device_mode(f.v[1]))
			mode = f.v[1];
		else
			dst = f.v[1];
	}
	if ((dst ? dst : f.v[0])[0] != '/')
		return err_set(errp, ERR_INVALID, "%s is not an absolute path", dst ? dst : f.v[0]);
	d.host_path = xstrdup(f.v[0]);
	d.container_path = dst && *dst ? path_clean(dst) : xstrdup(f.v[0]);
	snprintf(d.perms, sizeof(d.perms), "%s", mode);
	*ret = d;
	return 0;
}

/* --- -v / --mount / --tmpfs -------------------------------------------------------------- */

static const char *const propagations[] = { "private", "rprivate", "slave", "rslave", "shared",
					    "rshared" };

static int
is_propagation(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(propagations); i++)
		if (strcmp(s, propagations[i]) == 0)
			return 1;
	return 0;
}

/* Docker's linuxValidMountMode: each kind of option at most once. */
static int
valid_volume_mode(const char *mode)
{
	_cleanup_strv_ struct strv f = STRV_INIT;
	int rw = 0, label = 0, prop = 0, copy = 0, cons = 0;

	if (!*mode)
		return 1;
	strv_split(&f, mode, ',');
	for (size_t i = 0; i < f.n; i++) {
		const char *o = f.v[i];

		if (strcmp(o, "rw") == 0 || strcmp(o, "ro") == 0)
			rw++;
		else if (strcmp(o, "z") == 0 || strcmp(o, "Z") == 0)
			label++;
		else if (is_propagation(o))
			prop++;
		else if (strcmp(o, "nocopy") == 0)
			copy++;
		else if (strcmp(o, "consistent") == 0 || strcmp(o, "cached") == 0 ||
			 strcmp(o, "delegated") == 0)
			cons++;
		else
			return 0;
	}
	return rw <= 1 && label <= 1 && prop <= 1 && copy <= 1 && cons <= 1;
}

static const char *
mount_type_name(enum oci_mount_kind k)
{
	return k == OCI_MOUNT_BIND ? "bind" : k == OCI_MOUNT_VOLUME ? "volume" : "tmpfs";
}

/* Docker's validateMountConfig minus the source-exists check (done at spec time). */
static int
validate_mount(const struct oci_mount *m, bool has_bind_opts, bool has_volume_opts,
	       bool has_tmpfs_opts, struct err **errp)
{
	const char *t = mount_type_name(m->kind);

	if (!m->target || !*m->target)
		return err_set(errp, ERR_INVALID,
			       "invalid mount config for type \"%s\": field Target must not be empty", t);
	{
		_cleanup_free_ char *c = path_clean(m->target);

		if (strcmp(c, "/") == 0)
			return err_set(errp, ERR_INVALID,
				       "invalid mount config for type \"%s\": invalid specification: destination can't be '/'",
				       t);
	}
	if (m->target[0] != '/')
		return err_set(errp, ERR_INVALID,
			       "invalid mount config for type \"%s\": invalid mount path: '%s' mount path must be absolute",
			       t, m->target);
	switch (m->kind) {
	case OCI_MOUNT_BIND:
		if (!m->source || !*m->source)
			return err_set(errp, ERR_INVALID,
				       "invalid mount config for type \"bind\": field Source must not be empty");
		if (m->propagation && !is_propagation(m->propagation))
			return err_set(errp, ERR_INVALID,
				       "invalid mount config for type \"bind\": invalid propagation mode: %s",
				       m->propagation);
		if (has_volume_opts)
			return err_set(errp, ERR_INVALID,
				       "invalid mount config for type \"bind\": field VolumeOptions must not be specified");
		if (m->source[0] != '/')
			return err_set(errp, ERR_INVALID,
				       "invalid mount config for type \"bind\": invalid mount path: '%s' mount path must be absolute",
				       m->source);
		break;
	case OCI_MOUNT_VOLUME:
		if (has_bind_opts)
			return err_set(errp, ERR_INVALID,
				       "invalid mount config for type \"volume\": field BindOptions must not be specified");
		if ((!m->source || !*m->source) && m->readonly)
			return err_set(errp, ERR_INVALID,
				       "invalid mount config for type \"volume\": must not set ReadOnly mode when using anonymous volumes");
		break;
	case OCI_MOUNT_TMPFS:
		if (has_bind_opts)
			return err_set(errp, ERR_INVALID,
				       "invalid mount config for type \"tmpfs\": field BindOptions must not be specified");
		if (m->source && *m->source)
			return err_set(errp, ERR_INVALID,
				       "invalid mount config for type \"tmpfs\": field Source must not be specified");
		break;
	}
	(void)has_tmpfs_opts;
	return 0;
}

int
oci_parse_volume_flag(const char *value, struct oci_mount *ret, struct err **errp)
{
	_cleanup_strv_ struct strv f = STRV_INIT;
	struct oci_mount m = { 0 };
	const char *mode = "";
	bool bind_opts = false, vol_opts = false;

	if (str_count_char(value, ':') > 2 || value[0] == ':' || !*value)
		return err_set(errp, ERR_INVALID, "invalid volume specification: '%s'", value);
	strv_split(&f, value, ':');
	if (f.n == 1) {
		m.target = xstrdup(f.v[0]);
	} else {
		/* "/foo:rw" is a destination with a mode: volumes need a name or a path. */
		if (f.n == 2 && valid_volume_mode(f.v[1]))
			return err_set(errp, ERR_INVALID, "invalid volume specification: '%s'", value);
		m.source = xstrdup(f.v[0]);
		m.target = xstrdup(f.v[1]);
		if (f.n == 3)
			mode = f.v[2];
	}
	if (!valid_volume_mode(mode)) {
		oci_mount_release(&m);
		return err_set(errp, ERR_INVALID, "invalid mode: %s", mode);
	}
	m.kind = m.source && m.source[0] == '/' ? OCI_MOUNT_BIND : OCI_MOUNT_VOLUME;
	if (*mode) {
		_cleanup_strv_ struct strv opts = STRV_INIT;

		strv_split(&opts, mode, ',');
		for (size_t i = 0; i < opts.n; i++) {
			const char *o = opts.v[i];

			if (strcmp(o, "ro") == 0) {
				m.readonly = true;
			} else if (strcmp(o, "z") == 0 || strcmp(o, "Z") == 0) {
				m.relabel = o[0];
			} else if (strcmp(o, "nocopy") == 0) {
				m.nocopy = true;
				vol_opts = true;
			} else if (is_propagation(o)) {
				free(m.propagation);
				m.propagation = xstrdup(o);
				bind_opts = true;
			}
		}
	}
	if (validate_mount(&m, bind_opts, vol_opts, false, errp) < 0) {
		oci_mount_release(&m);
		return err_wrap(errp, "invalid volume specification: '%s'", value);
	}
	m.create_source = m.kind == OCI_MOUNT_BIND;
	if (m.kind == OCI_MOUNT_BIND) {
		char *c = path_clean(m.source);

		free(m.source);
		m.source = c;
	}
	{
		char *c = path_clean(m.target);

		free(m.target);
		m.target = c;
	}
	*ret = m;
	return 0;
}

/* One CSV record as Go's encoding/csv reads it ("a,\"b,c\"" -> a | b,c). */
static int
csv_fields(const char *s, struct strv *out, struct err **errp)
{
	_cleanup_buf_ struct buf cur = BUF_INIT;

	for (;;) {
		buf_reset(&cur);
		if (*s == '"') {
			s++;
			for (;;) {
				if (!*s)
					return err_set(errp, ERR_INVALID,
						       "parse error on line 1, column %zu: extraneous or missing \" in quoted-field",
						       strlen(s) + 1);
				if (*s == '"' && s[1] == '"') {
					buf_addch(&cur, '"');
					s += 2;
				} else if (*s == '"') {
					s++;
					break;
				} else {
					buf_addch(&cur, *s++);
				}
			}
			if (*s && *s != ',')
				return err_set(errp, ERR_INVALID,
					       "parse error on line 1: extraneous or missing \" in quoted-field");
		} else {
			while (*s && *s != ',')
				buf_addch(&cur, *s++);
		}
		strv_push(out, cur.data);
		if (!*s)
			return 0;
		s++;
	}
}

static int
tmpfs_size_opt(int64_t size, struct strv *opts)
{
	static const struct {
		char suffix;
		int64_t div;
	} units[] = { { 'g', 1LL << 30 }, { 'm', 1LL << 20 }, { 'k', 1LL << 10 } };

	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (size % units[i].div == 0) {
			strv_pushf(opts, "size=%lld%c", (long long)(size / units[i].div),
				   units[i].suffix);
			return 0;
		}
	strv_pushf(opts, "size=%lld", (long long)size);
	return 0;
}

int
oci_parse_mount_flag(const char *value, struct oci_mount *ret, struct err **errp)
{
	_cleanup_strv_ struct strv fields = STRV_INIT;
	struct oci_mount m = { .kind = OCI_MOUNT_VOLUME };
	_cleanup_free_ char *type = xstrdup("volume");
	bool bind_opts = false, vol_opts = false, tmpfs_opts = false;
	int64_t tmpfs_size = 0;
	unsigned long tmpfs_mode = 0;
	int r = -1;

	if (csv_fields(value, &fields, errp) < 0)
		return -1;
	for (size_t i = 0; i < fields.n; i++) {
		const char *field = fields.v[i], *eq = strchr(field, '=');
		_cleanup_free_ char *key = xstrndup(field, eq ? (size_t)(eq - field) : strlen(field));
		const char *val = eq ? eq + 1 : NULL;
		int b;

		for (char *p = key; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		if (!val) {
			if (strcmp(key, "readonly") == 0 || strcmp(key, "ro") == 0) {
				m.readonly = true;
				continue;
			}
			if (strcmp(key, "volume-nocopy") == 0) {
				m.nocopy = vol_opts = true;
				continue;
			}
			if (strcmp(key, "bind-nonrecursive") == 0) {
				m.nonrecursive = bind_opts = true;
				continue;
			}
			err_set(errp, ERR_INVALID, "invalid field '%s' must be a key=value pair", field);
			goto out;
		}
		if (strcmp(key, "type") == 0) {
			free(type);
			type = xstrdup(val);
			for (char *p = type; *p; p++)
				*p = (char)tolower((unsigned char)*p);
		} else if (strcmp(key, "source") == 0 || strcmp(key, "src") == 0) {
			free(m.source);
			m.source = xstrdup(val);
		} else if (strcmp(key, "target") == 0 || strcmp(key, "dst") == 0 ||
			   strcmp(key, "destination") == 0) {
			free(m.target);
			m.target = xstrdup(val);
		} else if (strcmp(key, "readonly") == 0 || strcmp(key, "ro") == 0 ||
			   strcmp(key, "bind-nonrecursive") == 0) {
			_cleanup_err_ struct err *e = NULL;

			if (parse_bool(val, &b, &e) < 0) {
				err_set(errp, ERR_INVALID, "invalid value for %s: %s", key, val);
				goto out;
			}
			if (key[0] == 'b') {
				m.nonrecursive = b;
				bind_opts = true;
			} else {
				m.readonly = b;
			}
		} else if (strcmp(key, "consistency") == 0) {
			/* accepted, meaningless on Linux */
		} else if (strcmp(key, "bind-propagation") == 0) {
			free(m.propagation);
			m.propagation = xstrdup(val);
			for (char *p = m.propagation; *p; p++)
				*p = (char)tolower((unsigned char)*p);
			bind_opts = true;
		} else if (strcmp(key, "volume-nocopy") == 0) {
			_cleanup_err_ struct err *e = NULL;

			if (parse_bool(val, &b, &e) < 0) {
				err_set(errp, ERR_INVALID, "invalid value for volume-nocopy: %s", val);
				goto out;
			}
			m.nocopy = b;
			vol_opts = true;
		} else if (strcmp(key, "volume-label") == 0) {
			strv_push(&m.volume_labels, val);
			vol_opts = true;
		} else if (strcmp(key, "volume-driver") == 0) {
			free(m.volume_driver);
			m.volume_driver = xstrdup(val);
			vol_opts = true;
		} else if (strcmp(key, "volume-opt") == 0) {
			strv_push(&m.volume_opts, val);
			vol_opts = true;
		} else if (strcmp(key, "tmpfs-size") == 0) {
			_cleanup_err_ struct err *e = NULL;

			if (parse_bytes(val, &tmpfs_size, &e) < 0) {
				err_set(errp, ERR_INVALID, "invalid value for %s: %s", key, val);
				goto out;
			}
			tmpfs_opts = true;
		} else if (strcmp(key, "tmpfs-mode") == 0) {
			char *end;

			tmpfs_mode = strtoul(val, &end, 8);
			if (!*val || *end || tmpfs_mode > 0xffffffffUL || val[0] == '-' ||
			    val[0] == '+') {
				err_set(errp, ERR_INVALID, "invalid value for %s: %s", key, val);
				goto out;
			}
			tmpfs_opts = true;
		} else {
			err_set(errp, ERR_INVALID, "unexpected key '%s' in '%s'", key, field);
			goto out;
		}
	}
	if (!*type) {
		err_set(errp, ERR_INVALID, "type is required");
		goto out;
	}
	if (!m.target || !*m.target) {
		err_set(errp, ERR_INVALID, "target is required");
		goto out;
	}
	if (strcmp(type, "bind") == 0) {
		m.kind = OCI_MOUNT_BIND;
	} else if (strcmp(type, "volume") == 0) {
		m.kind = OCI_MOUNT_VOLUME;
	} else if (strcmp(type, "tmpfs") == 0) {
		m.kind = OCI_MOUNT_TMPFS;
	} else {
		err_set(errp, ERR_INVALID, "invalid mount config for type \"%s\": mount type unknown",
			type);
		goto out;
	}
	if (vol_opts && m.kind != OCI_MOUNT_VOLUME) {
		err_set(errp, ERR_INVALID, "cannot mix 'volume-*' options with mount type '%s'", type);
		goto out;
	}
	if (bind_opts && m.kind != OCI_MOUNT_BIND) {
		err_set(errp, ERR_INVALID, "cannot mix 'bind-*' options with mount type '%s'", type);
		goto out;
	}
	if (tmpfs_opts && m.kind != OCI_MOUNT_TMPFS) {
		err_set(errp, ERR_INVALID, "cannot mix 'tmpfs-*' options with mount type '%s'", type);
		goto out;
	}
	if (validate_mount(&m, bind_opts, vol_opts, tmpfs_opts, errp) < 0)
		goto out;
	if (m.kind == OCI_MOUNT_TMPFS) {
		if (m.readonly)
			strv_push(&m.tmpfs_options, "ro");
		if (tmpfs_mode)
			strv_pushf(&m.tmpfs_options, "mode=%lo", tmpfs_mode);
		if (tmpfs_size)
			tmpfs_size_opt(tmpfs_size, &m.tmpfs_options);
	}
	if (m.kind == OCI_MOUNT_BIND) {
		char *c = path_clean(m.source);

		free(m.source);
		m.source = c;
	}
	{
		char *c = path_clean(m.target);

		free(m.target);
		m.target = c;
	}
	*ret = m;
	memset(&m, 0, sizeof(m));
	r = 0;
out:
	oci_mount_release(&m);
	return r;
}

/* tmpfs mount flags runc understands, and the data keys tmpfs takes. */
static const char *const tmpfs_flags[] = {
	"ro", "rw", "exec", "noexec", "suid", "nosuid", "dev", "nodev", "atime", "noatime",
	"diratime", "nodiratime", "relatime", "norelatime", "strictatime", "nostrictatime",
	"sync", "async", "dirsync", "mand", "nomand", "private", "rprivate", "slave", "rslave",
	"shared", "rshared", "unbindable", "runbindable", "bind", "rbind", "remount",
};
static const char *const tmpfs_keys[] = { "size", "mode", "uid", "gid", "nr_inodes",
					  "nr_blocks", "mpol", "huge", "inode64", "noswap" };

static int
valid_tmpfs_option(const char *o)
{
	const char *eq = strchr(o, '=');

	if (!eq) {
		for (size_t i = 0; i < ARRAY_SIZE(tmpfs_flags); i++)
			if (strcmp(o, tmpfs_flags[i]) == 0)
				return 1;
		return strcmp(o, "inode64") == 0 || strcmp(o, "noswap") == 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(tmpfs_keys); i++)
		if (strlen(tmpfs_keys[i]) == (size_t)(eq - o) &&
		    strncmp(o, tmpfs_keys[i], (size_t)(eq - o)) == 0)
			return eq[1] != '\0';
	return 0;
}

int
oci_parse_tmpfs(const char *value, struct oci_mount *ret, struct err **errp)
{
	const char *colon = strchr(value, ':');
	_cleanup_free_ char *dest = xstrndup(value, colon ? (size_t)(colon - value) : strlen(value));
	_cleanup_strv_ struct strv opts = STRV_INIT;
	struct oci_mount m = { .kind = OCI_MOUNT_TMPFS };

	{
		_cleanup_free_ char *c = path_clean(dest);

		if (strcmp(c, "/") == 0)
			return err_set(errp, ERR_INVALID,
				       "invalid specification: destination can't be '/'");
	}
	if (dest[0] != '/')
		return err_set(errp, ERR_INVALID,
			       "invalid mount path: '%s' mount path must be absolute", dest);
	if (colon && colon[1])
		strv_split(&opts, colon + 1, ',');
	for (size_t i = 0; i < opts.n; i++)
		if (!valid_tmpfs_option(opts.v[i]))
			return err_set(errp, ERR_INVALID, "invalid tmpfs option [\"%s\"]", opts.v[i]);
	m.target = path_clean(dest);
	for (size_t i = 0; i < opts.n; i++) {
		strv_push(&m.tmpfs_options, opts.v[i]);
		if (strcmp(opts.v[i], "ro") == 0)
			m.readonly = true;
		else if (strcmp(opts.v[i], "rw") == 0)
			m.readonly = false;
	}
	*ret = m;
	return 0;
}

/* --- --sysctl, --cpus, signals ------------------------------------------------------ */

int
oci_parse_sysctl(const char *value, struct strv *out, struct err **errp)
{
	static const char *const exact[] = { "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
					     "kernel.sem", "kernel.shmall", "kernel.shmmax",
					     "kernel.shmmni", "kernel.shm_rmid_forced" };
	const char *eq = strchr(value, '=');
	_cleanup_free_ char *key = NULL;

	if (!eq)
		return err_set(errp, ERR_INVALID, "sysctl '%s' is not whitelisted", value);
	key = xstrndup(value, (size_t)(eq - value));
	for (size_t i = 0; i < ARRAY_SIZE(exact); i++)
		if (strcmp(key, exact[i]) == 0)
			goto ok;
	if (strncmp(key, "net.", 4) == 0 || strncmp(key, "fs.mqueue.", 10) == 0)
		goto ok;
	return err_set(errp, ERR_INVALID, "sysctl '%s' is not whitelisted", value);
ok:
	/* Docker keeps a map: a later value for the same key wins. */
	for (size_t i = 0; i < out->n; i++)
		if (strncmp(out->v[i], value, (size_t)(eq - value) + 1) == 0) {
			free(out->v[i]);
			out->v[i] = xstrdup(value);
			return 0;
		}
	strv_push(out, value);
	return 0;
}

/* Multiplies a*10^k into *ret with overflow checks. */
static int
mul_pow10(__int128 a, int k, __int128 *ret)
{
	for (; k > 0; k--) {
		a *= 10;
		if (a > (__int128)INT64_MAX * 1000000000)
			return -1;
	}
	*ret = a;
	return 0;
}

int
oci_parse_cpus(const char *value, int64_t *ret_nano, struct err **errp)
{
	/* Go's big.Rat.SetString: "1.5", "3/2", "1e-3", optional sign; then *1e9 exactly. */
	__int128 num = 0, den = 1, v;
	const char *s = value;
	int neg = 0, digits = 0, frac = 0, exp = 0;

	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	while (isdigit((unsigned char)*s)) {
		num = num * 10 + (*s++ - '0');
		digits++;
		if (num > (__int128)INT64_MAX * 1000)
			goto bad;
	}
	if (*s == '/') {
		char *end;
		long long d;

		s++;
		if (!digits || !isdigit((unsigned char)*s))
			goto bad;
		d = strtoll(s, &end, 10);
		if (*end || d <= 0)
			goto bad;
		den = d;
		s = end;
	} else {
		if (*s == '.') {
			s++;
			while (isdigit((unsigned char)*s)) {
				num = num * 10 + (*s++ - '0');
				digits++;
				frac++;
				if (num > (__int128)INT64_MAX * 1000)
					goto bad;
			}
		}
		if (!digits)
			goto bad;
		if (*s == 'e' || *s == 'E') {
			char *end;
			long e;

			s++;
			e = strtol(s, &end, 10);
			if (end == s || e > 30 || e < -30)
				goto bad;
			exp = (int)e;
			s = end;
		}
		if (*s)
			goto bad;
		exp -= frac;
		if (exp < 0) {
			for (int i = 0; i < -exp; i++)
				den *= 10;
		} else if (mul_pow10(num, exp, &num) < 0) {
			goto bad;
		}
	}
	if (mul_pow10(num, 9, &v) < 0)
		goto bad;
	if (v % den != 0)
		return err_set(errp, ERR_INVALID, "value is too precise");
	v /= den;
	if (v > INT64_MAX)
		goto bad;
	*ret_nano = neg ? -(int64_t)v : (int64_t)v;
	return 0;
bad:
	return err_set(errp, ERR_INVALID, "failed to parse %s as a rational number", value);
}

static const struct {
	const char *name;
	int no;
} signals[] = {
	{ "ABRT", SIGABRT },   { "ALRM", SIGALRM },	{ "BUS", SIGBUS },	 { "CHLD", SIGCHLD },
	{ "CLD", SIGCHLD },    { "CONT", SIGCONT },	{ "FPE", SIGFPE },	 { "HUP", SIGHUP },
	{ "ILL", SIGILL },     { "INT", SIGINT },	{ "IO", SIGIO },	 { "IOT", SIGIOT },
	{ "KILL", SIGKILL },   { "PIPE", SIGPIPE },	{ "POLL", SIGPOLL },	 { "PROF", SIGPROF },
	{ "PWR", SIGPWR },     { "QUIT", SIGQUIT },	{ "SEGV", SIGSEGV },	 { "STKFLT", SIGSTKFLT },
	{ "STOP", SIGSTOP },   { "SYS", SIGSYS },	{ "TERM", SIGTERM },	 { "TRAP", SIGTRAP },
	{ "TSTP", SIGTSTP },   { "TTIN", SIGTTIN },	{ "TTOU", SIGTTOU },	 { "URG", SIGURG },
	{ "USR1", SIGUSR1 },   { "USR2", SIGUSR2 },	{ "VTALRM", SIGVTALRM }, { "WINCH", SIGWINCH },
	{ "XCPU", SIGXCPU },   { "XFSZ", SIGXFSZ },
};

/* Docker's table uses the kernel's RT range 34..64 (glibc's SIGRTMIN is 34 too). */
#define RT_MIN 34
#define RT_MAX 64

int
oci_parse_signal(const char *value, int *ret_signo, struct err **errp)
{
	const char *s = value;
	char *end;
	long n;

	if (isdigit((unsigned char)*s)) {
		n = strtol(s, &end, 10);
		if (*end || n <= 0 || n > RT_MAX)
			return err_set(errp, ERR_INVALID, "Invalid signal: %s", value);
		*ret_signo = (int)n;
		return 0;
	}
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < ARRAY_SIZE(signals); i++)
		if (strcasecmp(s, signals[i].name) == 0) {
			*ret_signo = signals[i].no;
			return 0;
		}
	if (strncasecmp(s, "RTMIN", 5) == 0 || strncasecmp(s, "RTMAX", 5) == 0) {
		int max = toupper((unsigned char)s[3]) == 'A';
		const char *t = s + 5;

		if (!*t) {
			*ret_signo = max ? RT_MAX : RT_MIN;
			return 0;
		}
		if ((*t == '+' && !max) || (*t == '-' && max)) {
			n = strtol(t + 1, &end, 10);
			if (!*end && isdigit((unsigned char)t[1]) && n >= 1 && n <= 15) {
				*ret_signo = max ? RT_MAX - (int)n : RT_MIN + (int)n;
				return 0;
			}
		}
	}
	return err_set(errp, ERR_INVALID, "Invalid signal: %s", value);
}

const char *
oci_signal_name(int signo)
{
	static const char *const rt[] = {
		"SIGRTMIN",	"SIGRTMIN+1",  "SIGRTMIN+2",  "SIGRTMIN+3",  "SIGRTMIN+4",
		"SIGRTMIN+5",	"SIGRTMIN+6",  "SIGRTMIN+7",  "SIGRTMIN+8",  "SIGRTMIN+9",
		"SIGRTMIN+10", "SIGRTMIN+11", "SIGRTMIN+12", "SIGRTMIN+13", "SIGRTMIN+14",
		"SIGRTMIN+15", "SIGRTMAX-14", "SIGRTMAX-13", "SIGRTMAX-12", "SIGRTMAX-11",
		"SIGRTMAX-10", "SIGRTMAX-9",  "SIGRTMAX-8",  "SIGRTMAX-7",  "SIGRTMAX-6",
		"SIGRTMAX-5",	"SIGRTMAX-4",  "SIGRTMAX-3",  "SIGRTMAX-2",  "SIGRTMAX-1",
		"SIGRTMAX",
	};
	static const char *const names[] = {
		[SIGHUP] = "SIGHUP",	 [SIGINT] = "SIGINT",	   [SIGQUIT] = "SIGQUIT",
		[SIGILL] = "SIGILL",	 [SIGTRAP] = "SIGTRAP",	   [SIGABRT] = "SIGABRT",
		[SIGBUS] = "SIGBUS",	 [SIGFPE] = "SIGFPE",	   [SIGKILL] = "SIGKILL",
		[SIGUSR1] = "SIGUSR1",	 [SIGSEGV] = "SIGSEGV",	   [SIGUSR2] = "SIGUSR2",
		[SIGPIPE] = "SIGPIPE",	 [SIGALRM] = "SIGALRM",	   [SIGTERM] = "SIGTERM",
		[SIGSTKFLT] = "SIGSTKFLT", [SIGCHLD] = "SIGCHLD",  [SIGCONT] = "SIGCONT",
		[SIGSTOP] = "SIGSTOP",	 [SIGTSTP] = "SIGTSTP",	   [SIGTTIN] = "SIGTTIN",
		[SIGTTOU] = "SIGTTOU",	 [SIGURG] = "SIGURG",	   [SIGXCPU] = "SIGXCPU",
		[SIGXFSZ] = "SIGXFSZ",	 [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF",
		[SIGWINCH] = "SIGWINCH", [SIGIO] = "SIGIO",	   [SIGPWR] = "SIGPWR",
		[SIGSYS] = "SIGSYS",
	};

	if (signo >= RT_MIN && signo <= RT_MAX)
		return rt[signo - RT_MIN];
	if (signo > 0 && signo < (int)ARRAY_SIZE(names))
		return names[signo];
	return NULL;
}

/* --- --security-opt --------------------------------------------------------------------- */

int
oci_parse_security_opt(const char *value, struct oci_security *sec, struct err **errp)
{
	const char *sep = strchr(value, '=');
	_cleanup_free_ char *key = NULL;
	const char *val;

	if (strcmp(value, "no-new-privileges") == 0) {
		sec->no_new_privileges = true;
		return 0;
	}
	if (strcmp(value, "systempaths=unconfined") == 0 || strcmp(value, "disable") == 0)
		return err_set(errp, ERR_UNIMPLEMENTED,
			       "--security-opt %s: not implemented yet", value);
	/* The "key:value" form is Docker's deprecated one. */
	if (!sep)
		sep = strchr(value, ':');
	if (!sep)
		return err_set(errp, ERR_INVALID, "Invalid --security-opt: \"%s\"", value);
	key = xstrndup(value, (size_t)(sep - value));
	val = sep + 1;
	if (strcmp(key, "seccomp") == 0) {
		_cleanup_buf_ struct buf b = BUF_INIT;
		_cleanup_err_ struct err *e = NULL;
		json_error_t jerr;
		json_t *j;

		free(sec->seccomp_json);
		sec->seccomp_json = NULL;
		if (strcmp(val, "unconfined") == 0) {
			sec->seccomp = OCI_SECCOMP_UNCONFINED;
			return 0;
		}
		if (fs_read_file(val, SECCOMP_FILE_MAX, &b, &e) < 0)
			return err_set(errp, ERR_INVALID, "opening seccomp profile (%s) failed: %s",
				       val, e->msg);
		j = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, &jerr);
		if (!j)
			return err_set(errp, ERR_INVALID,
				       "compacting json for seccomp profile (%s) failed: %s", val,
				       jerr.text);
		json_decref(j);
		sec->seccomp = OCI_SECCOMP_PROFILE;
		sec->seccomp_json = buf_detach(&b, NULL);
		return 0;
	}
	if (strcmp(key, "apparmor") == 0) {
		free(sec->apparmor);
		sec->apparmor = xstrdup(val);
		return 0;
	}
	if (strcmp(key, "label") == 0) {
		strv_push(&sec->labels, val);
		return 0;
	}
	if (strcmp(key, "no-new-privileges") == 0) {
		_cleanup_err_ struct err *e = NULL;
		int b;

		if (parse_bool(val, &b, &e) < 0)
			return err_set(errp, ERR_INVALID, "invalid --security-opt 2: \"%s\"", value);
		sec->no_new_privileges = b;
		return 0;
	}
	return err_set(errp, ERR_INVALID, "invalid --security-opt 2: \"%s\"", value);
}

/* --- namespaces ----------------------------------------------------------------------- */

int
oci_parse_ns_mode(const char *which, const char *value, enum oci_ns_mode *ret_mode,
		  char **ret_container, struct err **errp)
{
	int ipc = strcmp(which, "ipc") == 0, pid = strcmp(which, "pid") == 0;

	*ret_container = NULL;
	if (!*value || (ipc && strcmp(value, "private") == 0)) {
		*ret_mode = OCI_NS_PRIVATE;
		return 0;
	}
	if (strcmp(value, "host") == 0) {
		*ret_mode = OCI_NS_HOST;
		return 0;
	}
	if (ipc && strcmp(value, "shareable") == 0) {
		*ret_mode = OCI_NS_SHAREABLE;
		return 0;
	}
	if (ipc && strcmp(value, "none") == 0) {
		*ret_mode = OCI_NS_NONE;
		return 0;
	}
	if ((ipc || pid) && strncmp(value, "container:", 10) == 0 && value[10] &&
	    !strchr(value + 10, ':')) {
		*ret_mode = OCI_NS_PATH;
		*ret_container = xstrdup(value + 10);
		return 0;
	}
	if (ipc)
		return err_set(errp, ERR_INVALID, "invalid IPC mode: %s", value);
	if (pid)
		return err_set(errp, ERR_INVALID, "--pid: invalid PID mode");
	return err_set(errp, ERR_INVALID, "--uts: invalid UTS mode");
}

/* --- environment ------------------------------------------------------------------------ */

int
oci_parse_env(const char *value, struct strv *out, struct err **errp)
{
	const char *eq = strchr(value, '=');
	const char *host;

	if (eq == value || !*value)
		return err_set(errp, ERR_INVALID, "invalid environment variable: %s", value);
	if (eq) {
		strv_push(out, value);
		return 0;
	}
	host = getenv(value);
	if (host)
		strv_pushf(out, "%s=%s", value, host);
	else
		strv_push(out, value);
	return 0;
}

/* Go's utf8.Valid, enough to refuse binary env files as Docker does. */
static int
utf8_valid(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;

		if (!len || i + len > n)
			return 0;
		for (size_t k = 1; k < len; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
		i += len;
	}
	return 1;
}

int
oci_parse_env_file(const char *path, struct strv *out, struct err **errp)
{
	_cleanup_buf_ struct buf b = BUF_INIT;
	_cleanup_strv_ struct strv lines = STRV_INIT, got = STRV_INIT;

	if (fs_read_file(path, ENV_FILE_MAX, &b, errp) < 0)
		return -1;
	strv_split(&lines, b.data, '\n');
	for (size_t i = 0; i < lines.n; i++) {
		char *line = lines.v[i];
		size_t len = strlen(line);
		char *eq;

		if (len && line[len - 1] == '\r')
			line[--len] = '\0';
		if (!utf8_valid((const unsigned char *)line, len))
			return err_set(errp, ERR_INVALID,
				       "env file %s contains invalid utf8 bytes at line %zu", path,
				       i + 1);
		if (i == 0 && strncmp(line, "\xEF\xBB\xBF", 3) == 0)
			line += 3;
		while (isspace((unsigned char)*line))
			line++;
		if (!*line || *line == '#')
			continue;
		eq = strchr(line, '=');
		if (eq) {
			_cleanup_free_ char *var = xstrndup(line, (size_t)(eq - line));

			if (strpbrk(var, " \t"))
				return err_set(errp, ERR_INVALID,
					       "poorly formatted environment: variable '%s' contains whitespaces",
					       var);
			if (!*var)
				return err_set(errp, ERR_INVALID,
					       "poorly formatted environment: no variable name on line '%s'",
					       line);
			strv_push(&got, line);
		} else {
			const char *host;

			if (strpbrk(line, " \t"))
				return err_set(errp, ERR_INVALID,
					       "poorly formatted environment: variable '%s' contains whitespaces",
					       line);
			host = getenv(line);
			if (host)
				strv_pushf(&got, "%s=%s", line, host);
		}
	}
	for (size_t i = 0; i < got.n; i++)
		strv_push(out, got.v[i]);
	return 0;
}

/* --- --add-host ------------------------------------------------------------------------- */

int
oci_parse_add_host(const char *value, struct strv *out, struct err **errp)
{
	const char *colon = strchr(value, ':');
	unsigned char addr[16];
	const char *ip;

	if (!colon || colon == value)
		return err_set(errp, ERR_INVALID, "bad format for add-host: \"%s\"", value);
	ip = colon + 1;
	if (strcmp(ip, "host-gateway") != 0 && inet_pton(AF_INET, ip, addr) != 1 &&
	    inet_pton(AF_INET6, ip, addr) != 1)
		return err_set(errp, ERR_INVALID, "invalid IP address in add-host: \"%s\"", ip);
	strv_push(out, value);
	return 0;
}
