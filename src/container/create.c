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
#include "container/restart.h"
#include "container/volumes.h"
#include "ctd/labels.h"
#include "ctd/leases.h"
#include "ctd/snapshots.h"
#include "logging/logging.h"
#include "net/net.h"
#include "store/volume.h"
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
	strv_release(&o->volumes_from);
	net_opts_release(&o->net);
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

enum undo_kind {
	UNDO_NAME,
	UNDO_DIR,
	UNDO_NET,
	UNDO_VOLUME,
	UNDO_LEASE,
	UNDO_SNAPSHOT,
	UNDO_CONTAINER,
};

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
		case UNDO_NET:
			net_release(env->net, env->ns, id, &e);
			break;
		case UNDO_VOLUME:
			volume_remove(env->data_store, env->ns, s->a, &e);
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
reserve_name(struct container_env *env, struct container_create_opts *o, const char *id,
	     char **ret_name, struct err **errp)
{
	if (o->name) {
		if (container_name_acquire(env->data_store, env->ns, o->name, id, container_alive,
					   env->c, errp) < 0)
			return -1;
		*ret_name = xstrdup(o->name);
		return 0;
	}
	for (int i = 0;; i++) {
		_cleanup_free_ char *n = container_name_generate(i);
		_cleanup_err_ struct err *e = NULL;

		if (container_name_acquire(env->data_store, env->ns, n, id, container_alive, env->c,
					   &e) == 0) {
			*ret_name = TAKE_PTR(n);
			return 0;
		}
		if (!err_is(&e, ERR_EXISTS) || i >= 10)
			return err_move(errp, &e);
	}
}

/*
 * Docker's --restart: *ret_monitor when containerd's monitor must watch the container,
 * *ret_hook when the exit hook must help it (see restart.h) or remove the container (--rm).
 */
static int
check_restart(struct container_env *env, const struct container_create_opts *o,
	      bool *ret_monitor, bool *ret_hook, struct err **errp)
{
	struct restart_policy p;
	bool native = false;

	*ret_monitor = false;
	*ret_hook = o->auto_remove && !o->rm_by_cli;
	if (restart_policy_parse(o->restart, &p, errp) < 0)
		return -1;
	if (p.kind == RESTART_NO)
		return 0;
	if (o->auto_remove)
		return err_set(errp, ERR_INVALID, "Conflicting options: --restart and --rm");
	if (restart_monitor_has_policies(env->c, &native, errp) < 0)
		return err_wrap(errp, "containerd's restart monitor");
	*ret_monitor = true;
	*ret_hook = !native;
	return 0;
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

/* The image's root filesystem mounted read-only for user lookup and volume copy-up. */
struct rootfs_view {
	char *dir;
	bool mounted;
};

static void
rootfs_view_release(struct rootfs_view *v)
{
	if (v->mounted)
		umount2(v->dir, MNT_DETACH);
	if (v->dir)
		rmdir(v->dir);
	free(v->dir);
	*v = (struct rootfs_view){ 0 };
}

/* Mounts it when a user name, --group-add or a volume needs it; else leaves v empty. */
static void
rootfs_view_open(struct container_create_opts *o, const CtdMounts *m, const char *state_dir,
		 struct rootfs_view *v)
{
	const char *user = o->oci.user ? o->oci.user : image_user(o->image_config);

	if (!needs_passwd(user) && !o->oci.group_add.n &&
	    !container_volumes_wanted(&o->oci, o->image_config, &o->volumes_from))
		return;
	v->dir = xasprintf("%s/rootfs-lookup", state_dir);
	if (fs_mkdir_p(v->dir, 0700, NULL) == 0)
		v->mounted = mount_rootfs(m, v->dir) == 0;
}

/* /etc/hosts only when the network layer does not manage it (write_hosts). */
static int
write_etc_files(struct container_env *env, struct container_create_opts *o, const char *dir,
		const char *hostname, bool write_hosts, struct err **errp)
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
		.host_gateway_ip = env->net->host_gateway_ip,
	};

	if ((write_hosts && oci_write_hosts(hosts, &e, errp) < 0) ||
	    oci_write_resolv_conf(resolv, &e, errp) < 0 ||
	    oci_write_hostname(hn, &e, errp) < 0)
		return -1;
	return 0;
}

/* Marks the state dir as ours while we create, so prune leaves it alone until we are gone. */
static int
write_creator(const char *dir, struct err **errp)
{
	_cleanup_free_ char *path = xasprintf("%s/" CONTAINER_CREATOR_FILE, dir);
	char pid[16];

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	return fs_write_replace(path, pid, strlen(pid), 0600, errp);
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
	const char *s = o->stop_signal ? o->stop_signal
		      : cfg		 ? json_get_str(cfg, "StopSignal")
					 : NULL;
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

/* ---- Networking ---------------------------------------------------------------------- */

static const char *
first_network(const struct container_create_opts *o)
{
	return o->net.networks.n ? o->net.networks.v[0] : NET_DEFAULT_NAME;
}

/* Docker refuses what cannot apply to a joined network namespace. */
static int
check_container_mode(const struct container_create_opts *o, struct err **errp)
{
	const char *what = NULL;

	if (o->net.publish.n || o->net.publish_all)
		return err_set(errp, ERR_INVALID,
			       "conflicting options: port publishing and the container type network mode");
	if (o->hostname)
		what = "hostname";
	else if (o->dns.n || o->dns_search.n || o->dns_opts.n)
		what = "dns";
	else if (o->add_hosts.n)
		what = "custom host-to-IP mapping";
	else if (o->net.mac)
		what = "mac-address";
	if (what)
		return err_set(errp, ERR_INVALID, "conflicting options: %s and the network mode",
			       what);
	return 0;
}

/* The image's ExposedPorts keys ("80/tcp"), for -P. */
static void
exposed_ports(json_t *image_config, struct strv *out)
{
	json_t *cfg = image_config ? json_object_get(image_config, "config") : NULL;
	const char *k;
	json_t *v;

	json_object_foreach(cfg ? json_object_get(cfg, "ExposedPorts") : NULL, k, v)
		strv_push(out, k);
}

/* The files of --net container:X: its network namespace, /etc/hosts and resolv.conf. */
struct joined_net {
	char *netns, *hosts, *resolv, *hostname;
};

static void
joined_net_release(struct joined_net *j)
{
	free(j->netns);
	free(j->hosts);
	free(j->resolv);
	free(j->hostname);
}

static int
join_container(struct container_env *env, const char *ref, struct joined_net *j,
	       struct err **errp)
{
	_cleanup_ctd_msg_ CtdContainer *r = NULL;
	_cleanup_ctd_msg_ CtdProcess *t = NULL;
	_cleanup_free_ char *dir = NULL;
	_cleanup_err_ struct err *e = NULL;
	const char *hn;

	if (container_find(env->c, ref, &r, errp) < 0)
		return -1;
	if (ctd_tasks_get(env->c, r->id, NULL, &t, &e) < 0 && !err_is(&e, ERR_NOT_FOUND))
		return err_move(errp, &e);
	if (!t || container_state_of(t) != CONTAINER_RUNNING || !t->pid)
		return err_set(errp, ERR_PRECONDITION, "container %s is not running", ref);
	j->netns = xasprintf("/proc/%u/ns/net", t->pid);
	dir = container_state_dir(env->data_store, env->ns, r->id);
	j->hosts = xasprintf("%s/etchosts/%s/%s/hosts", env->data_store, env->ns, r->id);
	if (access(j->hosts, F_OK) < 0) {
		free(j->hosts);
		j->hosts = xasprintf("%s/hosts", dir);
	}
	j->resolv = xasprintf("%s/resolv.conf", dir);
	hn = container_label(r, LABEL_HOSTNAME);
	j->hostname = xstrdup(hn && *hn ? hn : r->id);
	return 0;
}

/*
 * Plans the container's networking (net_plan_new: ports checked, hosts store entry) and
 * points the spec at it: namespace, hooks, annotations. Pushes the net_release undo.
 */
static int
setup_network(struct container_env *env, struct container_create_opts *o, struct undo *u,
	      const char *id, const char *name, struct net_plan **ret, struct err **errp)
{
	_cleanup_strv_ struct strv exposed = STRV_INIT;
	static const struct {
		const char *event;
		enum oci_hook_kind kind;
	} hooks[] = { { "createRuntime", OCI_HOOK_CREATE_RUNTIME },
		      { "postStop", OCI_HOOK_POSTSTOP } };
	struct net_plan *p;

	if (!env->net)
		return err_set(errp, ERR_INVALID, "container create: no network environment");
	exposed_ports(o->image_config, &exposed);
	undo_push(u, UNDO_NET, id, NULL);
	if (net_plan_new(env->net, env->c, id, name, &o->net, exposed.v, ret, errp) < 0)
		return -1;
	p = *ret;
	for (size_t i = 0; i < p->labels.n; i++)
		strv_push(&o->oci.annotations, p->labels.v[i]);
	o->oci.net_host = p->mode == NET_MODE_HOST;
	if (p->mode != NET_MODE_CNI)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(hooks); i++) {
		struct oci_hook h = { .kind = hooks[i].kind };

		if (net_hook_command(env->net, hooks[i].event, &h.path, &h.args, &h.env,
				     errp) < 0) {
			oci_hook_release(&h);
			return -1;
		}
		oci_opts_add_hook(&o->oci, &h);
	}
	return 0;
}

/* JSON array of strings as label text. */
static char *
strv_json(const struct strv *sv)
{
	_cleanup_json_ json_t *a = json_array();

	for (size_t i = 0; i < sv->n; i++)
		json_array_append_new(a, json_string(sv->v[i]));
	return json_dumps(a, JSON_COMPACT);
}

static int
do_create(struct container_env *env, struct container_create_opts *o, struct undo *u,
	  const char *id, CtdContainer **ret, struct err **errp)
{
	_cleanup_free_ char *name = NULL, *dir = NULL, *log_uri = NULL, *lease = NULL;
	_cleanup_free_ char *cg = NULL, *hosts = NULL, *resolv = NULL, *hn = NULL;
	_cleanup_free_ char *hostname = NULL, *extra = NULL;
	_cleanup_ctd_msg_ CtdMounts *mounts = NULL;
	_cleanup_strv_ struct strv labels = STRV_INIT;
	_cleanup_net_plan_ struct net_plan *plan = NULL;
	_cleanup_(joined_net_release) struct joined_net joined = { 0 };
	_cleanup_(rootfs_view_release) struct rootfs_view rootfs = { 0 };
	_cleanup_(container_volumes_release) struct container_volumes vols =
		CONTAINER_VOLUMES_INIT;
	const char *net = first_network(o);
	json_t *spec = NULL;
	const char *stop_sig;
	bool monitor, hook, container_mode = strncmp(net, "container:", 10) == 0;
	int r;

	if (check_restart(env, o, &monitor, &hook, errp) < 0 ||
	    check_runtime(o->runtime, errp) < 0)
		return -1;
	if (!(stop_sig = stop_signal_of(o, errp)))
		return err_wrap(errp, "--stop-signal");
	if (container_mode && (check_container_mode(o, errp) < 0 ||
			       join_container(env, net + 10, &joined, errp) < 0))
		return -1;
	if (reserve_name(env, o, id, &name, errp) < 0)
		return -1;
	undo_push(u, UNDO_NAME, name, NULL);

	dir = container_state_dir(env->data_store, env->ns, id);
	if (check_cancel(errp) < 0 || fs_mkdir_p(dir, 0700, errp) < 0)
		return -1;
	undo_push(u, UNDO_DIR, dir, NULL);
	if (write_creator(dir, errp) < 0)
		return -1;
	if (o->hostname)
		hostname = xstrdup(o->hostname);
	else if (strcmp(net, "host") == 0)
		hostname = host_name();
	else if (container_mode)
		hostname = xstrdup(joined.hostname);
	else
		hostname = xstrndup(id, 12);
	o->net.hostname = hostname;
	o->net.domainname = o->oci.domainname;
	if (check_cancel(errp) < 0 || setup_network(env, o, u, id, name, &plan, errp) < 0)
		return -1;
	if (write_etc_files(env, o, dir, hostname, !plan->hosts_path && !container_mode,
			    errp) < 0)
		return -1;
	if (logging_prepare(env->data_store, env->ns, id, o->log_driver, o->log_opts.v,
			    env->address, &log_uri, errp) < 0)
		return -1;
	/* At the exit, Docker frees the addresses and ports (restart.h). */
	if (plan->mode == NET_MODE_CNI)
		hook = true;
	if (hook) {
		_cleanup_strv_ struct strv argv = STRV_INIT;

		/* The logging process starts the hook; with --log-driver none it logs nothing. */
		if (!log_uri && !(log_uri = logging_uri(env->data_store, errp)))
			return -1;
		if (restart_exit_hook_argv(env, id, &argv, errp) < 0 ||
		    exit_hook_write(env->data_store, env->ns, id, argv.v, errp) < 0)
			return -1;
	}

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

	rootfs_view_open(o, mounts, dir, &rootfs);
	r = container_volumes_prepare(env, &o->oci, o->image_config, &o->volumes_from,
				      rootfs.mounted ? rootfs.dir : NULL, &vols, errp);
	for (size_t i = 0; i < vols.anonymous.n; i++)
		undo_push(u, UNDO_VOLUME, vols.anonymous.v[i], NULL);
	if (r < 0 || check_cancel(errp) < 0)
		return -1;

	/* runc's cgroupsPath forms: a path for cgroupfs, "slice:prefix:name" for systemd
	 * (nerdctl's), none at all when cgroups are not managed (rootless on cgroup v1). */
	if (!env->cgroup_manager || strcmp(env->cgroup_manager, "cgroupfs") == 0)
		cg = xasprintf("/%s/%s", env->ns, id);
	else if (strcmp(env->cgroup_manager, "systemd") == 0)
		cg = xasprintf("system.slice:nerdctl:%s", id);
	else if (strcmp(env->cgroup_manager, "none") == 0)
		cg = NULL;
	else
		return err_set(errp, ERR_INVALID,
			       "invalid cgroup manager \"%s\": want cgroupfs, systemd or none",
			       env->cgroup_manager);
	hosts = plan->hosts_path ? xstrdup(plan->hosts_path)
		: container_mode ? xstrdup(joined.hosts)
				 : xasprintf("%s/hosts", dir);
	resolv = container_mode ? xstrdup(joined.resolv) : xasprintf("%s/resolv.conf", dir);
	hn = xasprintf("%s/hostname", dir);
	o->oci.cgroups_path = cg;
	o->oci.hostname = hostname;
	o->oci.hosts_path = hosts;
	o->oci.resolv_conf_path = resolv;
	o->oci.hostname_path = hn;
	o->oci.netns_path = joined.netns;
	o->oci.net_shared = container_mode;
	r = oci_spec_build(&o->oci, o->image_config, rootfs.mounted ? rootfs.dir : NULL, &spec,
			   errp);
	rootfs_view_release(&rootfs);
	if (r < 0)
		return -1;

	extra = strv_json(&o->add_hosts);
	strv_pushf(&labels, LABEL_NAMESPACE "=%s", env->ns);
	strv_pushf(&labels, LABEL_NAME "=%s", name);
	strv_pushf(&labels, LABEL_HOSTNAME "=%s", hostname);
	if (o->oci.domainname)
		strv_pushf(&labels, LABEL_DOMAINNAME "=%s", o->oci.domainname);
	strv_pushf(&labels, LABEL_STATE_DIR "=%s", dir);
	for (size_t i = 0; i < plan->labels.n; i++)
		strv_push(&labels, plan->labels.v[i]);
	strv_pushf(&labels, LABEL_PLATFORM "=%s", o->platform ? o->platform : "");
	strv_pushf(&labels, LABEL_EXTRA_HOSTS "=%s", extra);
	if (!plan->n_ports)
		strv_pushf(&labels, LABEL_PORTS "=[]");
	if (json_array_size(vols.mounts)) {
		_cleanup_free_ char *m =
			json_dumps(vols.mounts, JSON_COMPACT | JSON_PRESERVE_ORDER);

		strv_pushf(&labels, LABEL_MOUNTS "=%s", m);
	}
	if (vols.anonymous.n) {
		_cleanup_free_ char *a = strv_json(&vols.anonymous);

		strv_pushf(&labels, LABEL_ANONYMOUS_VOLUMES "=%s", a);
	}
	strv_pushf(&labels, LABEL_AUTO_REMOVE "=%s", o->auto_remove ? "true" : "false");
	strv_pushf(&labels, LABEL_ENTRYPOINT_LEN "=%zu",
		   oci_entrypoint_len(&o->oci, o->image_config));
	if (o->open_stdin)
		strv_push(&labels, LABEL_OPEN_STDIN "=true");
	strv_pushf(&labels, LABEL_STOP_SIGNAL "=%s", stop_sig);
	if (log_uri)
		strv_pushf(&labels, LABEL_LOG_URI "=%s", log_uri);
	if (o->stop_timeout_set)
		strv_pushf(&labels, LABEL_STOP_TIMEOUT "=%d", o->stop_timeout);
	if (o->pidfile)
		strv_pushf(&labels, LABEL_PID_FILE "=%s", o->pidfile);
	if (monitor) {
		/* The status label comes with the first start (restart.h). */
		strv_pushf(&labels, LABEL_RESTART_POLICY "=%s", o->restart);
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
