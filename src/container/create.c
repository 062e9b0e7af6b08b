/* All-or-nothing container creation: every step pushes its undo, a failure runs them. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/fs.h"
#include "base/json.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "container/create.h"
#include "container/labels.h"
#include "container/names.h"
#include "ctd/labels.h"
#include "ctd/leases.h"
#include "ctd/snapshots.h"
#include "logging/logging.h"
#include "base/banned.h"

#define LEASE_EXPIRE_S (24 * 3600)	/* containerd's client.WithLease default */
#define DEFAULT_RUNTIME "io.containerd.runc.v2"

void
container_create_opts_release(struct container_create_opts *o)
{
	strv_release(&o->labels);
	strv_release(&o->log_opts);
	strv_release(&o->dns);
	strv_release(&o->dns_search);
	strv_release(&o->dns_opts);
	strv_release(&o->add_hosts);
	oci_opts_release(&o->oci);
}

/* ---- Signals ------------------------------------------------------------------------- */

static sigset_t saved_mask;
static int signals_blocked;

static void
stop_set(sigset_t *s)
{
	sigemptyset(s);
	sigaddset(s, SIGINT);
	sigaddset(s, SIGTERM);
	sigaddset(s, SIGHUP);
}

void
container_signals_block(void)
{
	sigset_t s;

	if (signals_blocked++)
		return;
	stop_set(&s);
	sigprocmask(SIG_BLOCK, &s, &saved_mask);
}

int
container_signal_pending(void)
{
	sigset_t p;

	if (sigpending(&p) < 0)
		return 0;
	for (int sig = 1; sig < 32; sig++)
		if ((sig == SIGINT || sig == SIGTERM || sig == SIGHUP) && sigismember(&p, sig))
			return sig;
	return 0;
}

void
container_signals_restore(void)
{
	if (!signals_blocked || --signals_blocked)
		return;
	sigprocmask(SIG_SETMASK, &saved_mask, NULL);
}

static int
check_cancel(struct err **errp)
{
	int sig = container_signal_pending();

	if (sig)
		return err_set(errp, ERR_CANCELLED, "interrupted by signal %d", sig);
	return 0;
}

/* ---- Undo ---------------------------------------------------------------------------- */

enum undo_kind { UNDO_NAME, UNDO_DIR, UNDO_LEASE, UNDO_SNAPSHOT, UNDO_CONTAINER };

struct undo_step {
	enum undo_kind kind;
	char *a, *b;
};

struct undo {
	struct undo_step *v;
	size_t n, alloc;
};

static void
undo_push(struct undo *u, enum undo_kind kind, const char *a, const char *b)
{
	XGROW(u->v, u->alloc, u->n + 1);
	u->v[u->n++] = (struct undo_step){ kind, xstrdup_null(a), xstrdup_null(b) };
}

static void
undo_release(struct undo *u)
{
	for (size_t i = 0; i < u->n; i++) {
		free(u->v[i].a);
		free(u->v[i].b);
	}
	free(u->v);
	*u = (struct undo){ 0 };
}

/* Runs the steps newest first; failures are logged, the rest still run. */
static void
undo_run(struct container_env *env, struct undo *u, const char *id)
{
	while (u->n) {
		struct undo_step *s = &u->v[--u->n];
		_cleanup_err_ struct err *e = NULL;

		switch (s->kind) {
		case UNDO_NAME:
			container_name_release(env->data_store, env->ns, s->a, id, &e);
			break;
		case UNDO_DIR:
			container_rm_rf(s->a, &e);
			break;
		case UNDO_LEASE:
			ctd_set_lease(env->c, NULL);
			ctd_leases_delete(env->c, s->a, false, &e);
			break;
		case UNDO_SNAPSHOT:
			ctd_snapshots_remove(env->c, s->a, s->b, &e);
			break;
		case UNDO_CONTAINER:
			ctd_containers_delete(env->c, s->a, &e);
			break;
		}
		if (e && !err_is(&e, ERR_NOT_FOUND))
			log_warn("cleaning up after a failed create: %s", e->msg);
		free(s->a);
		free(s->b);
	}
}

/* ---- Steps --------------------------------------------------------------------------- */

static int
alive(void *arg, const char *id)
{
	struct container_env *env = arg;
	_cleanup_ctd_msg_ CtdContainer *r = NULL;
	_cleanup_err_ struct err *e = NULL;

	return ctd_containers_get(env->c, id, &r, &e) == 0 || !err_is(&e, ERR_NOT_FOUND);
}

static int
reserve_name(struct container_env *env, struct container_create_opts *o, const char *id,
	     char **ret_name, struct err **errp)
{
	if (o->name) {
		if (container_name_acquire(env->data_store, env->ns, o->name, id, alive, env,
					   errp) < 0)
			return -1;
		*ret_name = xstrdup(o->name);
		return 0;
	}
	for (int i = 0;; i++) {
		_cleanup_free_ char *n = container_name_generate(i);
		_cleanup_err_ struct err *e = NULL;

		if (container_name_acquire(env->data_store, env->ns, n, id, alive, env, &e) == 0) {
			*ret_name = TAKE_PTR(n);
			return 0;
		}
		if (!err_is(&e, ERR_EXISTS) || i >= 10)
			return err_move(errp, &e);
	}
}

/* Docker's --restart syntax; sets *ret_monitor when containerd's monitor must watch it. */
static int
check_restart(const struct container_create_opts *o, bool *ret_monitor, struct err **errp)
{
	const char *r = o->restart;

	*ret_monitor = false;
	if (!r || !*r || strcmp(r, "no") == 0)
		return 0;
	if (strcmp(r, "always") == 0 || strcmp(r, "unless-stopped") == 0) {
		if (o->auto_remove)
			return err_set(errp, ERR_INVALID, "Conflicting options: --restart and --rm");
		*ret_monitor = true;
		return 0;
	}
	if (strncmp(r, "on-failure", 10) == 0 && (r[10] == '\0' || r[10] == ':'))
		return err_set(errp, ERR_UNIMPLEMENTED,
			       "--restart=%s: not implemented yet (containerd 1.6's restart monitor only restarts always)",
			       r);
	return err_set(errp, ERR_INVALID, "invalid restart policy %s", r);
}

static int
check_runtime(const char *runtime, struct err **errp)
{
	if (!runtime || strcmp(runtime, "runc") == 0 || strcmp(runtime, DEFAULT_RUNTIME) == 0)
		return 0;
	return err_set(errp, ERR_UNIMPLEMENTED, "--runtime %s: not implemented yet", runtime);
}

/* Does user ("name", "uid:group", ...) need the image's /etc/passwd or /etc/group? */
static bool
needs_passwd(const char *user)
{
	if (!user)
		return false;
	for (const char *p = user; *p; p++)
		if (*p != ':' && (*p < '0' || *p > '9'))
			return true;
	return false;
}

static const char *
image_user(json_t *image_config)
{
	json_t *cfg = image_config ? json_object_get(image_config, "config") : NULL;

	return cfg ? json_get_str(cfg, "User") : NULL;
}

/*
 * Mounts the snapshot's single overlay or bind mount on dir, read-only, for reading the
 * image's /etc/passwd. 0 mounted, -1 not possible (the caller goes on without it).
 */
static int
mount_rootfs(const CtdMounts *m, const char *dir)
{
	_cleanup_buf_ struct buf opts = BUF_INIT;
	const CtdMount *mt;
	unsigned long flags = MS_RDONLY;

	if (!m || m->n_mounts != 1)
		return -1;
	mt = m->mounts[0];
	for (size_t i = 0; i < mt->n_options; i++) {
		if (strcmp(mt->options[i], "rbind") == 0 || strcmp(mt->options[i], "bind") == 0) {
			flags |= MS_BIND | MS_REC;
			continue;
		}
		if (strcmp(mt->options[i], "ro") == 0 || strcmp(mt->options[i], "rw") == 0)
			continue;
		if (opts.len)
			buf_addch(&opts, ',');
		buf_adds(&opts, mt->options[i]);
	}
	if (flags & MS_BIND) {
		if (mount(mt->source, dir, NULL, MS_BIND | MS_REC, NULL) < 0)
			return -1;
		mount(NULL, dir, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL);
		return 0;
	}
	/* An active overlay with upperdir cannot be mounted read-only twice safely: drop it. */
	if (strcmp(mt->type, "overlay") != 0)
		return -1;
	{
		_cleanup_buf_ struct buf lower = BUF_INIT;
		const char *l = strstr(opts.data, "lowerdir=");

		if (!l)
			return -1;	/* an empty image: nothing to look up */
		buf_adds(&lower, l);
		if (strchr(lower.data, ','))
			buf_setlen(&lower, (size_t)(strchr(lower.data, ',') - lower.data));
		/* One lower dir is not an overlay; bind it. */
		if (!strchr(lower.data, ':'))
			return mount(lower.data + 9, dir, NULL, MS_BIND, NULL) < 0 ? -1 : 0;
		return mount("overlay", dir, "overlay", MS_RDONLY, lower.data) < 0 ? -1 : 0;
	}
}

/* Builds the spec, mounting the rootfs for user lookup when a user name needs it. */
static int
build_spec(struct container_create_opts *o, const CtdMounts *m, const char *state_dir,
	   json_t **ret, struct err **errp)
{
	const char *user = o->oci.user ? o->oci.user : image_user(o->image_config);
	_cleanup_free_ char *dir = NULL;
	int mounted = -1, r;

	if (needs_passwd(user) || o->oci.group_add.n) {
		dir = xasprintf("%s/rootfs-lookup", state_dir);
		if (fs_mkdir_p(dir, 0700, NULL) == 0)
			mounted = mount_rootfs(m, dir);
	}
	r = oci_spec_build(&o->oci, o->image_config, mounted == 0 ? dir : NULL, ret, errp);
	if (mounted == 0)
		umount2(dir, MNT_DETACH);
	if (dir)
		rmdir(dir);
	return r;
}

static int
write_etc_files(struct container_create_opts *o, const char *dir, const char *hostname,
		struct err **errp)
{
	_cleanup_free_ char *hosts = xasprintf("%s/hosts", dir);
	_cleanup_free_ char *resolv = xasprintf("%s/resolv.conf", dir);
	_cleanup_free_ char *hn = xasprintf("%s/hostname", dir);
	struct oci_etc e = {
		.hostname = hostname,
		.domainname = o->oci.domainname,
		.add_hosts = &o->add_hosts,
		.dns = &o->dns,
		.dns_search = &o->dns_search,
		.dns_options = &o->dns_opts,
		.net_host = o->oci.net_host,
	};

	if (oci_write_hosts(hosts, &e, errp) < 0 || oci_write_resolv_conf(resolv, &e, errp) < 0 ||
	    oci_write_hostname(hn, &e, errp) < 0)
		return -1;
	return 0;
}

/* Docker gives --net host containers the host's name. */
static char *
host_name(void)
{
	char h[256] = "";

	gethostname(h, sizeof(h) - 1);
	return xstrdup(h);
}

static const char *
stop_signal_of(const struct container_create_opts *o, struct err **errp)
{
	json_t *cfg = o->image_config ? json_object_get(o->image_config, "config") : NULL;
	const char *s = o->stop_signal ? o->stop_signal : cfg ? json_get_str(cfg, "StopSignal") : NULL;
	int signo;

	if (!s || !*s)
		return "SIGTERM";
	if (oci_parse_signal(s, &signo, errp) < 0)
		return NULL;
	return s;
}

static int
create_record(struct container_env *env, struct container_create_opts *o, const char *id,
	      const char *snapshot_key, json_t *spec, char *const *labels, CtdContainer **ret,
	      struct err **errp)
{
	CtdContainer rec = CONTAINERD__SERVICES__CONTAINERS__V1__CONTAINER__INIT;
	Containerd__Services__Containers__V1__Container__Runtime rt =
		CONTAINERD__SERVICES__CONTAINERS__V1__CONTAINER__RUNTIME__INIT;
	Google__Protobuf__Any any = GOOGLE__PROTOBUF__ANY__INIT;
	_cleanup_free_ char *js = json_dumps(spec, JSON_COMPACT | JSON_PRESERVE_ORDER);
	int r;

	rt.name = (char *)DEFAULT_RUNTIME;
	any.type_url = (char *)CTD_TYPEURL_SPEC;
	any.value.data = (uint8_t *)js;
	any.value.len = js ? strlen(js) : 0;
	rec.id = (char *)id;
	rec.image = (char *)o->image_name;
	rec.runtime = &rt;
	rec.spec = &any;
	rec.snapshotter = (char *)o->snapshotter;
	rec.snapshot_key = (char *)snapshot_key;
	rec.labels = (void *)ctd_labels_build(
		&containerd__services__containers__v1__container__labels_entry__descriptor, labels,
		&rec.n_labels);
	r = ctd_containers_create(env->c, &rec, ret, errp);
	ctd_labels_free((struct ctd_label **)rec.labels, rec.n_labels);
	return r;
}

static int
do_create(struct container_env *env, struct container_create_opts *o, struct undo *u,
	  const char *id, CtdContainer **ret, struct err **errp)
{
	_cleanup_free_ char *name = NULL, *dir = NULL, *log_uri = NULL, *lease = NULL;
	_cleanup_free_ char *cg = NULL, *hosts = NULL, *resolv = NULL, *hn = NULL;
	_cleanup_free_ char *hostname = NULL;
	_cleanup_ctd_msg_ CtdMounts *mounts = NULL;
	_cleanup_strv_ struct strv labels = STRV_INIT;
	json_t *spec = NULL;
	const char *stop_sig;
	bool monitor;
	int r;

	if (check_restart(o, &monitor, errp) < 0 || check_runtime(o->runtime, errp) < 0)
		return -1;
	if (!(stop_sig = stop_signal_of(o, errp)))
		return err_wrap(errp, "--stop-signal");
	if (reserve_name(env, o, id, &name, errp) < 0)
		return -1;
	undo_push(u, UNDO_NAME, name, NULL);

	dir = container_state_dir(env->data_store, env->ns, id);
	if (check_cancel(errp) < 0 || fs_mkdir_p(dir, 0700, errp) < 0)
		return -1;
	undo_push(u, UNDO_DIR, dir, NULL);
	if (o->hostname)
		hostname = xstrdup(o->hostname);
	else if (o->oci.net_host)
		hostname = host_name();
	else
		hostname = xstrndup(id, 12);
	if (write_etc_files(o, dir, hostname, errp) < 0)
		return -1;
	if (logging_prepare(env->data_store, env->ns, id, o->log_driver, o->log_opts.v,
			    env->address, &log_uri, errp) < 0)
		return -1;

	if (check_cancel(errp) < 0 ||
	    ctd_leases_create_expiring(env->c, LEASE_EXPIRE_S, &lease, errp) < 0)
		return -1;
	undo_push(u, UNDO_LEASE, lease, NULL);
	ctd_set_lease(env->c, lease);
	if (check_cancel(errp) < 0 ||
	    ctd_snapshots_prepare(env->c, o->snapshotter, id, o->chain_id, NULL, &mounts,
				  errp) < 0)
		return err_wrap(errp, "prepare the container's root filesystem");
	undo_push(u, UNDO_SNAPSHOT, o->snapshotter, id);

	cg = xasprintf("/%s/%s", env->ns, id);
	hosts = xasprintf("%s/hosts", dir);
	resolv = xasprintf("%s/resolv.conf", dir);
	hn = xasprintf("%s/hostname", dir);
	o->oci.cgroups_path = cg;
	o->oci.hostname = hostname;
	o->oci.hosts_path = hosts;
	o->oci.resolv_conf_path = resolv;
	o->oci.hostname_path = hn;
	if (check_cancel(errp) < 0 || build_spec(o, mounts, dir, &spec, errp) < 0)
		return -1;

	strv_pushf(&labels, LABEL_NAMESPACE "=%s", env->ns);
	strv_pushf(&labels, LABEL_NAME "=%s", name);
	strv_pushf(&labels, LABEL_HOSTNAME "=%s", hostname);
	strv_pushf(&labels, LABEL_STATE_DIR "=%s", dir);
	strv_pushf(&labels, LABEL_NETWORKS "=[\"%s\"]", o->net ? o->net : "none");
	strv_pushf(&labels, LABEL_PLATFORM "=%s", o->platform ? o->platform : "");
	strv_pushf(&labels, LABEL_EXTRA_HOSTS "=[]");
	strv_pushf(&labels, LABEL_PORTS "=[]");
	strv_pushf(&labels, LABEL_AUTO_REMOVE "=%s", o->auto_remove ? "true" : "false");
	strv_pushf(&labels, LABEL_STOP_SIGNAL "=%s", stop_sig);
	if (log_uri)
		strv_pushf(&labels, LABEL_LOG_URI "=%s", log_uri);
	if (o->stop_timeout_set)
		strv_pushf(&labels, LABEL_STOP_TIMEOUT "=%d", o->stop_timeout);
	if (o->pidfile)
		strv_pushf(&labels, LABEL_PID_FILE "=%s", o->pidfile);
	if (monitor) {
		strv_push(&labels, LABEL_RESTART_STATUS "=running");
		if (log_uri)
			strv_pushf(&labels, LABEL_RESTART_LOGURI "=%s", log_uri);
	}
	for (size_t i = 0; i < o->labels.n; i++)
		strv_push(&labels, o->labels.v[i]);

	if (check_cancel(errp) < 0) {
		json_decref(spec);
		return -1;
	}
	r = create_record(env, o, id, id, spec, labels.v, ret, errp);
	json_decref(spec);
	if (r < 0)
		return -1;
	undo_push(u, UNDO_CONTAINER, id, NULL);
	return check_cancel(errp);
}

int
container_create(struct container_env *env, struct container_create_opts *o, CtdContainer **ret,
		 struct err **errp)
{
	struct undo u = { 0 };
	char id[CONTAINER_ID_LEN + 1];
	_cleanup_ctd_msg_ CtdContainer *rec = NULL;
	int r;

	container_id_new(id);
	container_signals_block();
	r = do_create(env, o, &u, id, &rec, errp);
	if (r < 0) {
		undo_run(env, &u, id);
	} else {
		/* The record now holds the snapshot; the lease has done its job. */
		for (size_t i = 0; i < u.n; i++)
			if (u.v[i].kind == UNDO_LEASE) {
				ctd_set_lease(env->c, NULL);
				ctd_leases_delete(env->c, u.v[i].a, false, NULL);
			}
		*ret = TAKE_PTR(rec);
	}
	undo_release(&u);
	container_signals_restore();
	return r;
}
