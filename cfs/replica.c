/*
 * replica.c - one member of the replicated tree: turns writers' requests
 * into messages, applies delivered changes in order, commits them in
 * batches and only then answers the writers.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cfs/replica-int.h"

int
request_list_add(struct request_list *l, const struct request *req)
{
	if (l->count == l->alloc) {
		size_t alloc = l->alloc ? l->alloc * 2 : 16;
		struct request *grown = realloc(l->items, alloc * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		l->items = grown;
		l->alloc = alloc;
	}
	l->items[l->count++] = *req;
	return 0;
}

bool
request_list_take(struct request_list *l, uint64_t id, struct request *ret)
{
	for (size_t i = 0; i < l->count; i++) {
		if (l->items[i].id != id)
			continue;
		*ret = l->items[i];
		memmove(&l->items[i], &l->items[i + 1], (l->count - i - 1) * sizeof(*l->items));
		l->count--;
		return true;
	}
	return false;
}

void
request_list_finish(struct request_list *l, int result)
{
	/* Detach first: a callback may submit new requests. */
	struct request_list done = *l;

	memset(l, 0, sizeof(*l));
	for (size_t i = 0; i < done.count; i++) {
		free(done.items[i].msg);
		done.items[i].done(done.items[i].ctx, result ? result : done.items[i].result);
	}
	free(done.items);
}

int
cfs_replica_new(cfs_store_t *store, const struct cfs_limits *limits,
		const struct cfs_group_ops *ops, uint32_t nodeid, cfs_replica_t **ret_replica)
{
	struct cfs_tree_observer obs = cfs_store_observer(store);
	cfs_replica_t *r = calloc(1, sizeof(*r));
	int err;

	if (!r)
		return -ENOMEM;
	r->store = store;
	r->ops = *ops;
	r->nodeid = nodeid;
	r->next_request = 1;
	r->next_epoch = ops->random(ops->ctx);
	r->limits = limits ? *limits
			   : (struct cfs_limits){ CFS_DEFAULT_MAX_FILE_SIZE,
						  CFS_DEFAULT_MAX_TOTAL_SIZE,
						  CFS_DEFAULT_MAX_ENTRIES };
	r->clog = cfs_clog_new();
	err = r->clog ? cfs_store_eligible(store, &r->eligible) : -ENOMEM;
	if (err == 0)
		err = cfs_store_load(store, &r->limits, &r->tree);
	if (err < 0) {
		cfs_clog_free(r->clog);
		free(r);
		return err;
	}
	cfs_tree_set_observer(r->tree, &obs);
	*ret_replica = r;
	return 0;
}

void
cfs_replica_free(cfs_replica_t *r)
{
	if (!r)
		return;
	request_list_finish(&r->sent, -ECANCELED);
	request_list_finish(&r->done, -ECANCELED);
	request_list_finish(&r->queued, -ECANCELED);
	replica_drop_held(r);
	sync_reset(r);
	lock_seen_free(r);
	cfs_clog_free(r->clog);
	free(r->members);
	cfs_tree_free(r->tree);
	free(r);
}

const cfs_tree_t *
cfs_replica_tree(const cfs_replica_t *r)
{
	return r->tree;
}

bool
cfs_replica_syncing(const cfs_replica_t *r)
{
	return r->phase == PHASE_SYNCING;
}

bool
cfs_replica_writable(const cfs_replica_t *r)
{
	/* A change submitted during a round waits for it and is then sent. */
	return r->quorate && (r->phase == PHASE_SYNCED || r->phase == PHASE_SYNCING);
}

int
cfs_replica_submit(cfs_replica_t *r, const struct cfs_op *op, cfs_done_fn done, void *ctx)
{
	struct request req = { .id = r->next_request, .done = done, .ctx = ctx };
	struct cfs_op tagged = *op;
	int err;

	if (!r->quorate || r->phase == PHASE_FAILED || r->phase == PHASE_ALONE)
		return -EROFS;
	tagged.request = req.id;
	err = cfs_msg_encode(&tagged, &req.msg, &req.len);
	if (err < 0)
		return err;
	r->next_request++;
	if (r->phase == PHASE_SYNCING)
		return request_list_add(&r->queued, &req);
	err = r->ops.send(r->ops.ctx, req.msg, req.len);
	free(req.msg);
	req.msg = NULL;
	if (err < 0)
		return err;
	return request_list_add(&r->sent, &req);
}

void
replica_release_queued(struct cfs_replica *r)
{
	struct request_list queued = r->queued;

	memset(&r->queued, 0, sizeof(r->queued));
	for (size_t i = 0; i < queued.count; i++) {
		struct request *req = &queued.items[i];
		int err = cfs_replica_writable(r) ? r->ops.send(r->ops.ctx, req->msg, req->len)
						  : -EROFS;

		free(req->msg);
		req->msg = NULL;
		if (err == 0)
			err = request_list_add(&r->sent, req);
		if (err < 0)
			req->done(req->ctx, err);
	}
	free(queued.items);
}

int
replica_batch_begin(struct cfs_replica *r)
{
	int err;

	if (r->batch_open)
		return 0;
	err = cfs_store_begin(r->store);
	if (err == 0)
		r->batch_open = true;
	return err;
}

/* Apply one delivered change; answer our own writer at the next flush. */
static int
deliver_op(cfs_replica_t *r, uint32_t nodeid, const void *msg, size_t len)
{
	struct request req;
	struct cfs_op op;
	int err = cfs_msg_decode(msg, len, &op);

	if (err < 0)
		return err;
	err = replica_batch_begin(r);
	if (err < 0)
		return err;
	/* The result is the same on every member: it depends only on the order. */
	op.sender = nodeid;
	err = cfs_op_apply(r->tree, &op);
	if (err == 0 && cfs_path_is_lock(op.path))
		lock_seen_changed(r, op.path);
	if (err == 0 && r->ops.changed) {
		r->ops.changed(r->ops.ctx, op.path, nodeid == r->nodeid);
		if (op.path2)
			r->ops.changed(r->ops.ctx, op.path2, nodeid == r->nodeid);
	}
	if (nodeid == r->nodeid && request_list_take(&r->sent, op.request, &req)) {
		req.result = err;
		return request_list_add(&r->done, &req);
	}
	return 0;
}

/* A copy of a change delivered during a round. */
struct held_op {
	uint32_t nodeid;
	void *msg;
	size_t len;
};

/* Keep a well-formed change delivered during a round for its end. */
static int
hold_op(cfs_replica_t *r, uint32_t nodeid, const void *msg, size_t len)
{
	struct cfs_op op;
	int err = cfs_msg_decode(msg, len, &op);
	struct held_op *h;

	if (err < 0)
		return err;
	if (r->n_held == r->held_alloc) {
		size_t alloc = r->held_alloc ? r->held_alloc * 2 : 16;
		struct held_op *grown = realloc(r->held, alloc * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		r->held = grown;
		r->held_alloc = alloc;
	}
	h = &r->held[r->n_held];
	h->msg = malloc(len);
	if (!h->msg)
		return -ENOMEM;
	memcpy(h->msg, msg, len);
	h->len = len;
	h->nodeid = nodeid;
	r->n_held++;
	return 0;
}

int
replica_apply_held(struct cfs_replica *r)
{
	int err = 0;

	for (size_t i = 0; i < r->n_held; i++) {
		/* Checked when held: only running out of memory fails here. */
		int e = deliver_op(r, r->held[i].nodeid, r->held[i].msg, r->held[i].len);

		if (e < 0 && err == 0)
			err = e;
	}
	replica_drop_held(r);
	return err;
}

void
replica_drop_held(struct cfs_replica *r)
{
	for (size_t i = 0; i < r->n_held; i++)
		free(r->held[i].msg);
	free(r->held);
	r->held = NULL;
	r->n_held = r->held_alloc = 0;
}

int
cfs_replica_deliver(cfs_replica_t *r, uint32_t nodeid, const void *msg, size_t len)
{
	int type = sync_msg_type(msg, len);

	if (type < 0)
		return type;
	if (r->phase == PHASE_FAILED)
		return -EUCLEAN;
	if (cfs_msg_is_op((uint16_t)type))
		return r->phase == PHASE_SYNCING ? hold_op(r, nodeid, msg, len)
						 : deliver_op(r, nodeid, msg, len);
	if (type == CFS_MSG_CLOG) {
		struct cfs_clog_entry e;
		int err = cfs_clog_decode(msg, len, &e);

		if (err < 0)
			return err;
		e.nodeid = nodeid; /* the sender is who corosync says it is */
		return cfs_clog_add(r->clog, &e);
	}
	if (sync_msg_is_sync((uint16_t)type))
		return sync_deliver(r, nodeid, type, msg, len);
	return -EBADMSG;
}

int
cfs_replica_flush(cfs_replica_t *r)
{
	int err = 0;

	if (r->batch_open) {
		r->batch_open = false;
		err = cfs_store_commit(r->store, cfs_tree_version(r->tree));
		if (err < 0)
			r->phase = PHASE_FAILED;
	}
	/* Never acknowledge what is not on disk. */
	request_list_finish(&r->done, err);
	return err;
}

int
cfs_replica_membership(cfs_replica_t *r, const uint32_t *members, size_t count)
{
	if (r->phase == PHASE_FAILED)
		return -EUCLEAN;
	return sync_membership(r, members, count);
}

int
cfs_replica_set_quorate(cfs_replica_t *r, bool quorate)
{
	int err = 0;

	r->quorate = quorate;
	if (quorate && r->phase == PHASE_SYNCED && !r->eligible) {
		err = cfs_store_mark_eligible(r->store);
		if (err == 0)
			r->eligible = true;
	}
	if (!quorate)
		replica_release_queued(r); /* fails them with -EROFS */
	return err;
}

int
cfs_replica_log(cfs_replica_t *r, int64_t time, const char *node, const char *tag,
		const char *text)
{
	struct cfs_clog_entry e = { time, r->nodeid, node, tag, text };
	void *msg;
	size_t len;
	int err = cfs_clog_encode(&e, &msg, &len);

	if (err < 0)
		return err;
	err = r->ops.send(r->ops.ctx, msg, len);
	free(msg);
	return err;
}

const cfs_clog_t *
cfs_replica_clog(const cfs_replica_t *r)
{
	return r->clog;
}
