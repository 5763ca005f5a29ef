/*
 * main.c - clusterd: reads options, opens the database, joins corosync,
 * mounts the tree and runs the loop until SIGTERM.  It makes no decisions.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <qb/qbipcs.h>
#include <qb/qblog.h>

#include "cfs/cfs.h"
#include "clusterd/clusterd.h"
#include "common/common.h"

struct options {
	bool foreground;
	bool debug;
	bool fsync;
	unsigned lock_lease_s;
	unsigned cache_timeout_s;
	const char *run_dir;
	const char *state_dir;
	const char *mount_point;
	const char *corosync_conf;
	char node_name[HOST_NAME_MAX + 1];
};

struct daemon {
	qb_loop_t *loop;
	int exit_status;
};

/*
 * libqb's IPC server reaches the loop through handlers without a context
 * argument, so the loop they use is kept here, set once before the IPC
 * service starts.
 */
static qb_loop_t *ipc_loop;

static int32_t
ipc_job_add(enum qb_loop_priority p, void *data, qb_loop_job_dispatch_fn fn)
{
	return qb_loop_job_add(ipc_loop, p, data, fn);
}

static int32_t
ipc_dispatch_add(enum qb_loop_priority p, int32_t fd, int32_t events, void *data,
		 qb_ipcs_dispatch_fn_t fn)
{
	return qb_loop_poll_add(ipc_loop, p, fd, events, data, fn);
}

static int32_t
ipc_dispatch_mod(enum qb_loop_priority p, int32_t fd, int32_t events, void *data,
		 qb_ipcs_dispatch_fn_t fn)
{
	return qb_loop_poll_mod(ipc_loop, p, fd, events, data, fn);
}

static int32_t
ipc_dispatch_del(int32_t fd)
{
	return qb_loop_poll_del(ipc_loop, fd);
}

static void
usage(FILE *out)
{
	fprintf(out, "usage: clusterd [-f] [-d] [--run-dir DIR] [--state-dir DIR] [--mount DIR]\n"
		     "                [--node-name NAME] [--fsync] [--lock-lease SECONDS]\n"
		     "                [--cache-timeout SECONDS]\n"
		     "                [--corosync-conf FILE]\n"
		     "Serves the replicated configuration tree; see clusterd(8).\n");
}

/* A whole number of seconds in @min..@max for @option, or a message. */
static int
parse_seconds(const char *option, const char *arg, unsigned min, unsigned max, unsigned *ret)
{
	char *end;
	unsigned long v = strtoul(arg, &end, 10);

	if (*arg < '0' || *arg > '9' || *end || v < min || v > max) {
		fprintf(stderr, "clusterd: %s must be %u..%u seconds, not '%s'\n", option, min, max,
			arg);
		return -EINVAL;
	}
	*ret = (unsigned)v;
	return 0;
}

static int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "debug", no_argument, NULL, 'd' },
		{ "run-dir", required_argument, NULL, 'r' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "mount", required_argument, NULL, 'm' },
		{ "node-name", required_argument, NULL, 'n' },
		{ "fsync", no_argument, NULL, 'F' },
		{ "lock-lease", required_argument, NULL, 'L' },
		{ "cache-timeout", required_argument, NULL, 'C' },
		{ "corosync-conf", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct options){ .lock_lease_s = 120,
			       .cache_timeout_s = 1,
			       .run_dir = "/run/clusterha",
			       .state_dir = "/var/lib/clusterha",
			       .mount_point = "/etc/cluster",
			       .corosync_conf = "/etc/corosync/corosync.conf" };
	if (gethostname(o->node_name, sizeof(o->node_name)) < 0)
		o->node_name[0] = '\0';
	while ((c = getopt_long(argc, argv, "fdh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': o->foreground = true; break;
		case 'd': o->debug = true; break;
		case 'r': o->run_dir = optarg; break;
		case 's': o->state_dir = optarg; break;
		case 'm': o->mount_point = optarg; break;
		case 'F': o->fsync = true; break;
		case 'c': o->corosync_conf = optarg; break;
		case 'L':
			if (parse_seconds("--lock-lease", optarg, 1, 86400, &o->lock_lease_s) < 0)
				goto bad;
			break;
		case 'C':
			if (parse_seconds("--cache-timeout", optarg, 0, 3600, &o->cache_timeout_s) < 0)
				goto bad;
			break;
		case 'n':
			if (strlen(optarg) >= sizeof(o->node_name))
				goto bad;
			strcpy(o->node_name, optarg);
			break;
		case 'h': usage(stdout); exit(0);
		default: goto bad;
		}
	}
	if (optind != argc || !o->node_name[0] || strchr(o->node_name, '/'))
		goto bad;
	return 0;
bad:
	usage(stderr);
	return -EINVAL;
}

static void
on_fatal(void *ctx, const char *why)
{
	struct daemon *d = ctx;

	qb_log(LOG_ERR, "stopping: %s", why);
	d->exit_status = 1;
	qb_loop_stop(d->loop);
}

static int
make_dir(const char *path, mode_t mode)
{
	if (mkdir(path, mode) < 0 && errno != EEXIST) {
		qb_log(LOG_ERR, "cannot create directory '%s': %s", path, strerror(errno));
		return -errno;
	}
	return 0;
}

static int
open_store(const struct options *o, cfs_store_t **ret_store)
{
	char path[PATH_MAX];
	int r;

	snprintf(path, sizeof(path), "%s/config.db", o->state_dir);
	r = cfs_store_open(path, o->fsync, ret_store);
	if (r == -EUCLEAN)
		qb_log(LOG_ERR,
		       "database '%s' is damaged or not a clusterha database; it was left "
		       "untouched. Move it away (mv %s %s.broken) and start clusterd again: "
		       "it will receive the tree from the other nodes",
		       path, path, path);
	else if (r < 0)
		qb_log(LOG_ERR, "cannot open database '%s': %s", path, strerror(-r));
	return r;
}

struct parts {
	/* See cd_fs_t's tree_lock: FUSE readers versus corosync deliveries. */
	pthread_rwlock_t tree_lock;
	cfs_store_t *store;
	cd_group_t *group;
	cfs_replica_t *replica;
	cd_quorum_t *quorum;
	cd_bridge_t *bridge;
	cd_fs_t *fs;
	cd_cconf_t *cconf;
	cd_ipc_t *ipc;
};

/*
 * Told by the replica, on the loop thread, that the entry at @path changed
 * (@own: through this node's mount, so its kernel knows already).
 */
static void
on_tree_changed(void *data, const char *path, bool own)
{
	struct parts *p = data;

	cd_cconf_changed(p->cconf, path);
	if (!own)
		cd_fs_changed(p->fs, path);
}

static int
start(const struct options *o, struct daemon *d, struct parts *p)
{
	struct cfs_group_ops ops;
	uint32_t nodeid = 0;
	int r;

	r = open_store(o, &p->store);
	if (r < 0)
		return r;
	r = cd_group_open(d->loop, on_fatal, d, &p->group, &nodeid);
	if (r < 0) {
		qb_log(LOG_ERR, "cannot join corosync's process group: %s (is corosync running?)",
		       strerror(-r));
		return r;
	}
	ops = cd_group_ops(p->group);
	r = cfs_replica_new(p->store, NULL, &ops, nodeid, &p->replica);
	if (r < 0) {
		qb_log(LOG_ERR, "cannot load the tree from the database: %s", strerror(-r));
		return r;
	}
	cd_group_attach(p->group, p->replica, &p->tree_lock);
	r = cd_cconf_new(d->loop, p->replica, p->group, o->corosync_conf, nodeid, &p->cconf);
	if (r < 0)
		return r;
	cd_group_on_changed(p->group, on_tree_changed, p);
	/* A node that was away may hold a newer corosync.conf in its own tree. */
	cd_cconf_changed(p->cconf, "/");
	r = cd_quorum_open(d->loop, p->replica, &p->tree_lock, nodeid, on_fatal, d, &p->quorum);
	if (r < 0) {
		qb_log(LOG_ERR, "cannot follow corosync's quorum: %s", strerror(-r));
		return r;
	}
	r = cd_bridge_new(d->loop, &p->bridge);
	if (r == 0)
		r = cd_fs_start(&(struct cd_fs_config){ .mount_point = o->mount_point,
							.node_name = o->node_name,
							.limits = { CFS_DEFAULT_MAX_FILE_SIZE,
								    CFS_DEFAULT_MAX_TOTAL_SIZE,
								    CFS_DEFAULT_MAX_ENTRIES },
							.lock_lease_s = o->lock_lease_s,
							.cache_timeout_s = o->cache_timeout_s },
				p->replica, p->quorum, p->bridge, &p->tree_lock, &p->fs);
	if (r < 0) {
		qb_log(LOG_ERR, "cannot mount the tree at '%s': %s", o->mount_point,
		       strerror(-r));
		return r;
	}
	ipc_loop = d->loop;
	r = cd_ipc_start(&(struct qb_ipcs_poll_handlers){ ipc_job_add, ipc_dispatch_add,
							  ipc_dispatch_mod, ipc_dispatch_del },
			 p->replica, p->quorum, o->node_name, nodeid, &p->ipc);
	if (r < 0) {
		qb_log(LOG_ERR, "cannot serve the local IPC socket: %s", strerror(-r));
		return r;
	}
	qb_log(LOG_NOTICE, "serving the tree at '%s' as node '%s' (corosync id %u)",
	       o->mount_point, o->node_name, nodeid);
	return 0;
}

/* Undo start() in reverse; waiting writers are woken with an error first. */
static void
stop(struct parts *p)
{
	cd_ipc_stop(p->ipc);
	if (p->bridge)
		cd_bridge_close(p->bridge);
	cd_fs_detach(p->fs);
	cfs_replica_free(p->replica);
	cd_fs_stop(p->fs);
	cd_quorum_close(p->quorum);
	cd_group_close(p->group);
	cd_cconf_free(p->cconf);
	cd_bridge_free(p->bridge);
	cfs_store_close(p->store);
}

int
main(int argc, char **argv)
{
	struct options o;
	struct daemon d = { NULL, 0 };
	/* Writer first: a stream of readers must not hold up deliveries. */
	struct parts p = { .tree_lock = PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP };
	char pidfile[PATH_MAX];
	int notify = -1, pid_fd = -1, r;
	pid_t holder = 0;

	if (parse_options(argc, argv, &o) < 0)
		return 2;
	/*
	 * One malloc arena for all threads: each FUSE thread would otherwise
	 * get its own, and their idle heaps are most of what the daemon
	 * holds beyond the tree.  The threads allocate little and briefly.
	 */
	(void)mallopt(M_ARENA_MAX, 1);
	cl_log_open("clusterd", o.foreground, o.debug);
	r = cl_daemon_detach(o.foreground, &notify);
	if (r < 0) {
		qb_log(LOG_ERR, "cannot detach: %s", strerror(-r));
		return 1;
	}
	d.exit_status = 1;
	if (make_dir(o.run_dir, 0755) < 0 || make_dir(o.state_dir, 0700) < 0)
		goto out;
	snprintf(pidfile, sizeof(pidfile), "%s/clusterd.pid", o.run_dir);
	r = cl_pidfile_acquire(pidfile, &pid_fd, &holder);
	if (r < 0) {
		if (r == -EBUSY)
			qb_log(LOG_ERR, "clusterd is already running (pid %ld) with run directory '%s'",
			       (long)holder, o.run_dir);
		else
			qb_log(LOG_ERR, "cannot lock '%s': %s", pidfile, strerror(-r));
		goto out;
	}
	d.loop = qb_loop_create();
	if (!d.loop || cl_daemon_stop_on_signals(d.loop) < 0)
		goto out;
	if (start(&o, &d, &p) < 0)
		goto out;
	d.exit_status = 0;
	cl_daemon_ready(notify, 0);
	notify = -1;
	qb_loop_run(d.loop);
	qb_log(LOG_NOTICE, "stopping");
out:
	stop(&p);
	if (d.loop)
		qb_loop_destroy(d.loop);
	cl_pidfile_release(pidfile, pid_fd);
	cl_daemon_ready(notify, d.exit_status);
	cl_log_close();
	return d.exit_status;
}
