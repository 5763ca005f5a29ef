/*
 * group.c - the corosync process group that carries the tree: sends in
 * agreed order, hands deliveries and membership changes to the replica,
 * and commits each dispatched batch in one transaction.
 */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/uio.h>
#include <time.h>

#include <corosync/cpg.h>
#include <qb/qblog.h>
#include <qb/qbutil.h>

#include "clusterd/clusterd.h"
#include "common/common.h"

#define GROUP_NAME "clusterha-cfs"
/* How long a send may wait for corosync's flow control before failing. */
#define SEND_RETRY_MS 10000

struct cd_group {
	qb_loop_t *loop;
	cpg_handle_t handle;
	int fd;
	cfs_replica_t *replica;
	pthread_rwlock_t *tree_lock; /* held for writing while deliveries change the tree */
	cd_fatal_fn fatal;
	void *fatal_ctx;
	bool failed;
	uint32_t lowest_member; /* of the current membership; 0 before the first */
	void (*changed)(void *ctx, const char *path, bool own);
	void *changed_ctx;
};

static void
group_fail(cd_group_t *g, const char *why)
{
	if (g->failed)
		return;
	g->failed = true;
	g->fatal(g->fatal_ctx, why);
}

static void
on_deliver(cpg_handle_t handle, const struct cpg_name *name, uint32_t nodeid, uint32_t pid,
	   void *msg, size_t len)
{
	cd_group_t *g = NULL;
	int r;

	if (cpg_context_get(handle, (void **)&g) != CS_OK || !g || !g->replica || g->failed)
		return;
	r = cfs_replica_deliver(g->replica, nodeid, msg, len);
	if (r == -EPROTO)
		qb_log(LOG_WARNING,
		       "ignoring a message of %zu bytes from node %u in a foreign format or "
		       "another format version: run the same clusterha version on every node",
		       len, nodeid);
	else if (r == -EBADMSG)
		qb_log(LOG_WARNING, "ignoring a malformed message of %zu bytes from node %u",
		       len, nodeid);
	else if (r < 0)
		group_fail(g, r == -EUCLEAN ? "this node could not reproduce the synchronised tree"
					    : "applying a delivered change failed");
}

static void
on_confchg(cpg_handle_t handle, const struct cpg_name *name, const struct cpg_address *members,
	   size_t n_members, const struct cpg_address *left, size_t n_left,
	   const struct cpg_address *joined, size_t n_joined)
{
	cd_group_t *g = NULL;
	uint32_t ids[CPG_MEMBERS_MAX];
	int r;

	if (cpg_context_get(handle, (void **)&g) != CS_OK || !g || !g->replica || g->failed)
		return;
	g->lowest_member = 0;
	for (size_t i = 0; i < n_members; i++) {
		ids[i] = members[i].nodeid;
		if (!g->lowest_member || ids[i] < g->lowest_member)
			g->lowest_member = ids[i];
	}
	qb_log(LOG_NOTICE, "tree group has %zu members (%zu joined, %zu left): synchronising",
	       n_members, n_joined, n_left);
	r = cfs_replica_membership(g->replica, ids, n_members);
	if (r < 0)
		group_fail(g, "starting a synchronisation failed");
}

static int32_t
on_readable(int32_t fd, int32_t revents, void *data)
{
	cd_group_t *g = data;
	cs_error_t err;

	if (g->tree_lock)
		pthread_rwlock_wrlock(g->tree_lock);
	err = cpg_dispatch(g->handle, CS_DISPATCH_ALL);
	/* One transaction for everything this dispatch delivered. */
	if (err == CS_OK && g->replica && !g->failed && cfs_replica_flush(g->replica) < 0)
		group_fail(g, "committing delivered changes to the database failed");
	if (g->tree_lock)
		pthread_rwlock_unlock(g->tree_lock);
	if (err != CS_OK && err != CS_ERR_TRY_AGAIN) {
		group_fail(g, "lost the connection to corosync");
		return -1;
	}
	return 0;
}

static int
group_send(void *ctx, const void *msg, size_t len)
{
	cd_group_t *g = ctx;
	struct iovec iov = { (void *)(uintptr_t)msg, len };
	struct timespec pause = { 0, 1000000 };

	for (int waited = 0; waited < SEND_RETRY_MS; waited++) {
		cs_error_t err = cpg_mcast_joined(g->handle, CPG_TYPE_AGREED, &iov, 1);

		if (err != CS_ERR_TRY_AGAIN)
			return cl_cs_errno(err);
		nanosleep(&pause, NULL);
	}
	return -EAGAIN;
}

static uint64_t
group_now(void *ctx)
{
	return qb_util_nano_current_get(); /* CLOCK_MONOTONIC */
}

static uint64_t
group_random(void *ctx)
{
	uint64_t v;

	if (getrandom(&v, sizeof(v), 0) == (ssize_t)sizeof(v))
		return v;
	/* Without getrandom() the wall clock still differs between restarts. */
	return qb_util_nano_from_epoch_get();
}

static void
group_changed(void *ctx, const char *path, bool own)
{
	cd_group_t *g = ctx;

	if (g->changed)
		g->changed(g->changed_ctx, path, own);
}

struct cfs_group_ops
cd_group_ops(cd_group_t *g)
{
	return (struct cfs_group_ops){ .send = group_send, .now = group_now,
				       .random = group_random, .changed = group_changed,
				       .ctx = g };
}

void
cd_group_on_changed(cd_group_t *g, void (*fn)(void *ctx, const char *path, bool own),
		    void *ctx)
{
	g->changed = fn;
	g->changed_ctx = ctx;
}

uint32_t
cd_group_lowest_member(const cd_group_t *g)
{
	return g->lowest_member;
}

void
cd_group_attach(cd_group_t *g, cfs_replica_t *replica, pthread_rwlock_t *tree_lock)
{
	g->replica = replica;
	g->tree_lock = tree_lock;
}

int
cd_group_open(qb_loop_t *loop, cd_fatal_fn fatal, void *fatal_ctx, cd_group_t **ret_group,
	      uint32_t *ret_nodeid)
{
	cpg_callbacks_t callbacks = { .cpg_deliver_fn = on_deliver,
				      .cpg_confchg_fn = on_confchg };
	struct cpg_name name;
	cd_group_t *g = calloc(1, sizeof(*g));
	unsigned int nodeid = 0;
	int r;

	if (!g)
		return -ENOMEM;
	g->loop = loop;
	g->fatal = fatal;
	g->fatal_ctx = fatal_ctx;
	r = cl_cs_errno(cpg_initialize(&g->handle, &callbacks));
	if (r < 0) {
		free(g);
		return r;
	}
	(void)cpg_context_set(g->handle, g);
	r = cl_cs_errno(cpg_local_get(g->handle, &nodeid));
	if (r == 0)
		r = cl_cs_errno(cpg_fd_get(g->handle, &g->fd));
	if (r < 0)
		goto error;
	name.length = strlen(GROUP_NAME);
	memcpy(name.value, GROUP_NAME, name.length);
	r = cl_cs_errno(cpg_join(g->handle, &name));
	if (r == 0)
		r = qb_loop_poll_add(loop, QB_LOOP_HIGH, g->fd, POLLIN, g, on_readable);
	if (r < 0)
		goto error;
	*ret_group = g;
	*ret_nodeid = nodeid;
	return 0;

error:
	cpg_finalize(g->handle);
	free(g);
	return r;
}

void
cd_group_close(cd_group_t *g)
{
	if (!g)
		return;
	qb_loop_poll_del(g->loop, g->fd);
	cpg_finalize(g->handle);
	free(g);
}
