/*
 * quorum.c - follows corosync's quorum (votequorum through libquorum) and
 * tells the replica, which allows writes only while quorate.
 */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>

#include <corosync/quorum.h>
#include <qb/qblog.h>

#include "clusterd/clusterd.h"
#include "common/common.h"

struct cd_quorum {
	qb_loop_t *loop;
	quorum_handle_t handle;
	int fd;
	cfs_replica_t *replica;
	cd_fatal_fn fatal;
	void *fatal_ctx;
	int quorate; /* -1 until known */
};

static void
quorum_set(cd_quorum_t *q, int quorate)
{
	if (quorate == q->quorate)
		return;
	q->quorate = quorate;
	qb_log(LOG_NOTICE, "%s: the tree is %s", quorate ? "quorate" : "not quorate",
	       quorate ? "writable" : "read-only");
	if (cfs_replica_set_quorate(q->replica, quorate) < 0)
		q->fatal(q->fatal_ctx, "recording the quorum state failed");
}

static void
on_quorum(quorum_handle_t handle, uint32_t quorate, uint64_t ring_seq, uint32_t n_members,
	  uint32_t *members)
{
	const void *ctx = NULL;

	/* The context is our own cd_quorum_t, set in cd_quorum_open(). */
	if (quorum_context_get(handle, &ctx) == CS_OK && ctx)
		quorum_set((cd_quorum_t *)(uintptr_t)ctx, quorate != 0);
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
cd_quorum_open(qb_loop_t *loop, cfs_replica_t *replica, cd_fatal_fn fatal, void *fatal_ctx,
	       cd_quorum_t **ret_quorum)
{
	quorum_callbacks_t callbacks = { .quorum_notify_fn = on_quorum };
	cd_quorum_t *q = calloc(1, sizeof(*q));
	uint32_t type = 0;
	int quorate = 0, r;

	if (!q)
		return -ENOMEM;
	q->loop = loop;
	q->replica = replica;
	q->fatal = fatal;
	q->fatal_ctx = fatal_ctx;
	q->quorate = -1;
	r = cl_cs_errno(quorum_initialize(&q->handle, &callbacks, &type));
	if (r < 0) {
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
	free(q);
}
