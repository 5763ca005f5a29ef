/*
 * quorum.c - the membership view: follows corosync's quorum (votequorum
 * through libquorum) and tells the replica, which allows writes only while
 * quorate; keeps the configured nodes (from cmap) and which are online for
 * the .members file.
 */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <corosync/cmap.h>
#include <corosync/quorum.h>
#include <qb/qblog.h>

#include "clusterd/clusterd.h"
#include "common/common.h"

#define MAX_NODES 64

struct configured_node {
	uint32_t nodeid;
	char name[256];
};

struct cd_quorum {
	qb_loop_t *loop;
	quorum_handle_t handle;
	cmap_handle_t cmap;
	int fd;
	cfs_replica_t *replica;
	pthread_rwlock_t *tree_lock; /* held for writing while the quorum state changes */
	cd_fatal_fn fatal;
	void *fatal_ctx;
	int quorate; /* -1 until known */
	uint32_t local_nodeid;
	uint32_t online[MAX_NODES]; /* corosync's current membership */
	size_t n_online;
};

/* Read the configured nodes from cmap's nodelist; returns how many. */
static size_t
read_nodelist(cd_quorum_t *q, struct configured_node *nodes)
{
	size_t n = 0;

	for (unsigned i = 0; n < MAX_NODES; i++) {
		char key[64], *name = NULL;
		uint32_t id = 0;

		snprintf(key, sizeof(key), "nodelist.node.%u.nodeid", i);
		if (cmap_get_uint32(q->cmap, key, &id) != CS_OK)
			break;
		snprintf(key, sizeof(key), "nodelist.node.%u.name", i);
		if (cmap_get_string(q->cmap, key, &name) != CS_OK) {
			snprintf(key, sizeof(key), "nodelist.node.%u.ring0_addr", i);
			if (cmap_get_string(q->cmap, key, &name) != CS_OK)
				name = NULL;
		}
		nodes[n].nodeid = id;
		snprintf(nodes[n].name, sizeof(nodes[n].name), "%s", name ? name : "");
		free(name);
		n++;
	}
	return n;
}

static bool
is_online(const cd_quorum_t *q, uint32_t nodeid)
{
	for (size_t i = 0; i < q->n_online; i++)
		if (q->online[i] == nodeid)
			return true;
	return false;
}

char *
cd_quorum_members_json(cd_quorum_t *q)
{
	struct configured_node nodes[MAX_NODES];
	struct cfs_node_info info[MAX_NODES];
	struct cfs_cluster_info cluster = { .quorate = q->quorate == 1,
					    .local_nodeid = q->local_nodeid,
					    .nodes = info };
	char *cluster_name = NULL, *json;
	uint64_t config_version = 0;

	/* Read at each request: a reloaded corosync.conf shows at once. */
	cluster.n_nodes = read_nodelist(q, nodes);
	for (size_t i = 0; i < cluster.n_nodes; i++)
		info[i] = (struct cfs_node_info){ nodes[i].nodeid, nodes[i].name,
						  is_online(q, nodes[i].nodeid) };
	(void)cmap_get_string(q->cmap, "totem.cluster_name", &cluster_name);
	(void)cmap_get_uint64(q->cmap, "totem.config_version", &config_version);
	cluster.cluster_name = cluster_name ? cluster_name : "";
	cluster.config_version = config_version;
	json = cfs_members_json(&cluster);
	free(cluster_name);
	return json;
}

static void
quorum_set(cd_quorum_t *q, int quorate)
{
	int r;

	if (quorate == q->quorate)
		return;
	q->quorate = quorate;
	qb_log(LOG_NOTICE, "%s: the tree is %s", quorate ? "quorate" : "not quorate",
	       quorate ? "writable" : "read-only");
	pthread_rwlock_wrlock(q->tree_lock);
	r = cfs_replica_set_quorate(q->replica, quorate);
	pthread_rwlock_unlock(q->tree_lock);
	if (r < 0)
		q->fatal(q->fatal_ctx, "recording the quorum state failed");
}

static void
on_quorum(quorum_handle_t handle, uint32_t quorate, uint64_t ring_seq, uint32_t n_members,
	  uint32_t *members)
{
	const void *ctx = NULL;

	cd_quorum_t *q;

	/* The context is our own cd_quorum_t, set in cd_quorum_open(). */
	if (quorum_context_get(handle, &ctx) != CS_OK || !ctx)
		return;
	q = (cd_quorum_t *)(uintptr_t)ctx;
	q->n_online = n_members < MAX_NODES ? n_members : MAX_NODES;
	memcpy(q->online, members, q->n_online * sizeof(*members));
	quorum_set(q, quorate != 0);
}

static int32_t
on_readable(int32_t fd, int32_t revents, void *data)
{
	cd_quorum_t *q = data;
	cs_error_t err = quorum_dispatch(q->handle, CS_DISPATCH_ALL);

	if (err != CS_OK && err != CS_ERR_TRY_AGAIN) {
		q->fatal(q->fatal_ctx, "lost the connection to corosync's quorum service");
		return -1;
	}
	return 0;
}

int
cd_quorum_open(qb_loop_t *loop, cfs_replica_t *replica, pthread_rwlock_t *tree_lock,
	       uint32_t local_nodeid, cd_fatal_fn fatal, void *fatal_ctx, cd_quorum_t **ret_quorum)
{
	quorum_callbacks_t callbacks = { .quorum_notify_fn = on_quorum };
	cd_quorum_t *q = calloc(1, sizeof(*q));
	uint32_t type = 0;
	int quorate = 0, r;

	if (!q)
		return -ENOMEM;
	q->loop = loop;
	q->replica = replica;
	q->tree_lock = tree_lock;
	q->fatal = fatal;
	q->fatal_ctx = fatal_ctx;
	q->quorate = -1;
	q->local_nodeid = local_nodeid;
	r = cl_cs_errno(cmap_initialize(&q->cmap));
	if (r < 0) {
		free(q);
		return r;
	}
	r = cl_cs_errno(quorum_initialize(&q->handle, &callbacks, &type));
	if (r < 0) {
		cmap_finalize(q->cmap);
		free(q);
		return r;
	}
	(void)quorum_context_set(q->handle, q);
	r = cl_cs_errno(quorum_fd_get(q->handle, &q->fd));
	if (r == 0)
		r = cl_cs_errno(quorum_getquorate(q->handle, &quorate));
	if (r == 0)
		r = cl_cs_errno(quorum_trackstart(q->handle, CS_TRACK_CHANGES));
	if (r == 0)
		r = qb_loop_poll_add(loop, QB_LOOP_HIGH, q->fd, POLLIN, q, on_readable);
	if (r < 0) {
		quorum_finalize(q->handle);
		cmap_finalize(q->cmap);
		free(q);
		return r;
	}
	quorum_set(q, quorate);
	*ret_quorum = q;
	return 0;
}

void
cd_quorum_close(cd_quorum_t *q)
{
	if (!q)
		return;
	qb_loop_poll_del(q->loop, q->fd);
	quorum_finalize(q->handle);
	cmap_finalize(q->cmap);
	free(q);
}
