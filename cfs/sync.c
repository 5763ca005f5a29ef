/*
 * sync.c - bring all members to one tree after a membership change.
 *
 * The leader of the new membership (the lowest node id) multicasts START
 * with an epoch it never used before.  On its delivery every member
 * applies the changes delivered so far and multicasts a summary of its
 * tree, tagged with that epoch.  Once all summaries are delivered, every
 * member picks the same source: among members whose tree comes from a
 * quorate partition, the highest version, then the lowest node id.  The
 * source multicasts only the entries some member lacks, then its digest;
 * each member rebuilds the source's tree from its own matching entries
 * plus those, checks the digest and stores the result.  A member that
 * cannot reproduce the source's tree stops serving writes.
 *
 * A message multicast before a membership change may be delivered after
 * the next one: the epoch keeps a summary, data or digest of a round cut
 * short out of the round that follows.  START is sent only after the
 * leader saw the change, so it is delivered after it everywhere.  A START
 * of an earlier round delivered late comes from the same leader only when
 * it leads both; its new START then precedes its summary for the old
 * epoch, so that old round never completes: the new START restarts it.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfs/replica-int.h"

/* Largest DATA message we send; bigger files travel alone. */
#define SYNC_DATA_CHUNK (256 * 1024)

/* An entry received from the source: an owned copy. */
struct received_record {
	struct cfs_record rec;
	char key[24];
	char *name;
	void *data;
};

/* Index of a tree's records by inode, borrowing the tree's memory. */
struct record_index {
	qb_map_t *map;
	struct cfs_record *recs;
	char (*keys)[24];
	size_t count;
	size_t alloc;
};

/* Forget the summary of @m; it stays a member. */
static void
member_clear(struct member *m)
{
	free(m->state.items);
	m->state = (struct sync_state){ 0 };
	m->have_state = false;
}

static void
received_free_all(struct cfs_replica *r)
{
	qb_map_iter_t *it;
	void *value;

	if (!r->received)
		return;
	it = qb_map_iter_create(r->received);
	while (it && qb_map_iter_next(it, &value)) {
		struct received_record *rr = value;

		free(rr->name);
		free(rr->data);
		free(rr);
	}
	if (it)
		qb_map_iter_free(it);
	qb_map_destroy(r->received);
	r->received = NULL;
}

void
sync_reset(struct cfs_replica *r)
{
	for (size_t i = 0; i < r->n_members; i++)
		member_clear(&r->members[i]);
	received_free_all(r);
	r->source = 0;
	r->started = false;
}

/* --------------------------------------------------------- summaries */

struct summary_builder {
	struct sync_item *items;
	size_t count;
};

static int
summary_add(void *ctx, const struct cfs_record *rec)
{
	struct summary_builder *b = ctx;

	b->items[b->count].inode = rec->inode;
	b->items[b->count].version = rec->version;
	b->count++;
	return 0;
}

static int
send_state(struct cfs_replica *r)
{
	struct summary_builder b = { calloc(cfs_tree_entries(r->tree), sizeof(*b.items)), 0 };
	struct sync_state st;
	void *msg;
	size_t len;
	int err;

	if (!b.items)
		return -ENOMEM;
	(void)cfs_tree_walk(r->tree, summary_add, &b);
	st = (struct sync_state){ r->nodeid, r->eligible, cfs_tree_version(r->tree), b.count,
				  b.items };
	err = sync_encode_state(r->epoch, &st, &msg, &len);
	free(b.items);
	if (err < 0)
		return err;
	err = r->ops.send(r->ops.ctx, msg, len);
	free(msg);
	return err;
}

/* The member that starts the rounds of the current membership. */
static uint32_t
leader(const struct cfs_replica *r)
{
	uint32_t lowest = 0;

	for (size_t i = 0; i < r->n_members; i++)
		if (!lowest || r->members[i].nodeid < lowest)
			lowest = r->members[i].nodeid;
	return lowest;
}

static int
send_start(struct cfs_replica *r)
{
	void *msg;
	size_t len;
	int err = sync_encode_start(r->next_epoch, r->nodeid, &msg, &len);

	if (err < 0)
		return err;
	r->next_epoch++;
	err = r->ops.send(r->ops.ctx, msg, len);
	free(msg);
	return err;
}

int
sync_membership(struct cfs_replica *r, const uint32_t *members, size_t count)
{
	struct member *m = calloc(count ? count : 1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	/* Changes delivered until the leader's START stay held. */
	sync_reset(r);
	free(r->members);
	r->members = m;
	r->n_members = count;
	for (size_t i = 0; i < count; i++)
		m[i].nodeid = members[i];
	r->phase = PHASE_SYNCING;
	return leader(r) == r->nodeid ? send_start(r) : 0;
}

/*
 * The leader starts (or restarts) the round @epoch: every member applies
 * the changes delivered before it (the same ones on members that shared
 * the previous membership) and summarises the result.
 */
static int
on_start(struct cfs_replica *r, uint32_t nodeid, uint64_t epoch, const void *msg, size_t len)
{
	uint32_t sender;
	int err = sync_decode_start(msg, len, &sender);

	if (err < 0)
		return err;
	if (nodeid != leader(r) || sender != nodeid)
		return 0; /* a START of an earlier membership */
	sync_reset(r);
	r->epoch = epoch;
	r->started = true;
	err = replica_apply_held(r);
	return err < 0 ? err : send_state(r);
}

static struct member *
member_find(struct cfs_replica *r, uint32_t nodeid)
{
	for (size_t i = 0; i < r->n_members; i++)
		if (r->members[i].nodeid == nodeid)
			return &r->members[i];
	return NULL;
}

/* The same choice on every member: it depends only on delivered states. */
static uint32_t
choose_source(const struct cfs_replica *r)
{
	const struct member *best = NULL;

	for (size_t i = 0; i < r->n_members; i++) {
		const struct member *m = &r->members[i];

		if (!m->state.eligible)
			continue;
		if (!best || m->state.version > best->state.version ||
		    (m->state.version == best->state.version && m->nodeid < best->nodeid))
			best = m;
	}
	return best ? best->nodeid : 0;
}

/* -------------------------------------------------------- the source */

struct data_cursor {
	struct record_index *idx;
	qb_map_t *complete; /* "inode:version" held by every member */
	size_t pos;
};

static void
index_free(struct record_index *idx)
{
	if (idx->map)
		qb_map_destroy(idx->map);
	free(idx->recs);
	free(idx->keys);
}

static int
index_add(void *ctx, const struct cfs_record *rec)
{
	struct record_index *idx = ctx;

	idx->recs[idx->count] = *rec;
	snprintf(idx->keys[idx->count], sizeof(idx->keys[0]), "%" PRIu64, rec->inode);
	qb_map_put(idx->map, idx->keys[idx->count], &idx->recs[idx->count]);
	idx->count++;
	return 0;
}

static int
index_build(const cfs_tree_t *tree, struct record_index *idx)
{
	size_t n = cfs_tree_entries(tree);

	memset(idx, 0, sizeof(*idx));
	idx->recs = calloc(n, sizeof(*idx->recs));
	idx->keys = calloc(n, sizeof(*idx->keys));
	idx->map = qb_hashtable_create(n);
	if (!idx->recs || !idx->keys || !idx->map) {
		index_free(idx);
		return -ENOMEM;
	}
	return cfs_tree_walk(tree, index_add, idx);
}

static bool
next_missing(void *ctx, struct cfs_record *rec)
{
	struct data_cursor *c = ctx;

	while (c->pos < c->idx->count) {
		const struct cfs_record *cand = &c->idx->recs[c->pos++];

		if (!qb_map_get(c->complete, c->idx->keys[c->pos - 1])) {
			*rec = *cand;
			return true;
		}
	}
	return false;
}

/*
 * Mark in @complete the entries that every member holds at our version:
 * count, per entry of ours, the members whose summary has the same pair.
 */
static int
mark_complete(const struct cfs_replica *r, struct record_index *idx, qb_map_t *complete)
{
	size_t *holders = calloc(idx->count ? idx->count : 1, sizeof(*holders));
	char key[24];

	if (!holders)
		return -ENOMEM;
	for (size_t i = 0; i < r->n_members; i++) {
		const struct sync_state *st = &r->members[i].state;

		for (size_t j = 0; j < st->count; j++) {
			const struct cfs_record *rec;

			snprintf(key, sizeof(key), "%" PRIu64, st->items[j].inode);
			rec = qb_map_get(idx->map, key);
			if (rec && rec->version == st->items[j].version)
				holders[rec - idx->recs]++;
		}
	}
	for (size_t i = 0; i < idx->count; i++)
		if (holders[i] == r->n_members)
			qb_map_put(complete, idx->keys[i], &idx->recs[i]);
	free(holders);
	return 0;
}

static int
send_data_and_end(struct cfs_replica *r)
{
	struct sync_end end = { r->nodeid, cfs_tree_version(r->tree), { 0 } };
	struct record_index idx;
	struct data_cursor c = { &idx, NULL, 0 };
	bool more = true;
	void *msg;
	size_t len;
	int err = index_build(r->tree, &idx);

	if (err < 0)
		return err;
	c.complete = qb_hashtable_create(idx.count);
	if (!c.complete) {
		index_free(&idx);
		return -ENOMEM;
	}
	err = mark_complete(r, &idx, c.complete);
	while (err == 0 && more) {
		err = sync_encode_data(r->epoch, next_missing, &c, SYNC_DATA_CHUNK, &msg, &len,
				       &more);
		if (err == 0) {
			err = r->ops.send(r->ops.ctx, msg, len);
			free(msg);
		}
	}
	qb_map_destroy(c.complete);
	index_free(&idx);
	if (err == 0)
		err = cfs_tree_digest(r->tree, end.digest);
	if (err == 0)
		err = sync_encode_end(r->epoch, &end, &msg, &len);
	if (err == 0) {
		err = r->ops.send(r->ops.ctx, msg, len);
		free(msg);
	}
	return err;
}

/* ----------------------------------------------------- the receivers */

static int
keep_received(void *ctx, const struct cfs_record *rec)
{
	struct cfs_replica *r = ctx;
	struct received_record *rr = calloc(1, sizeof(*rr));

	if (!rr)
		return -ENOMEM;
	rr->rec = *rec;
	rr->name = strdup(rec->name);
	rr->data = rec->size ? malloc(rec->size) : NULL;
	if (!rr->name || (rec->size && !rr->data)) {
		free(rr->name);
		free(rr->data);
		free(rr);
		return -ENOMEM;
	}
	if (rec->size)
		memcpy(rr->data, rec->data, rec->size);
	rr->rec.name = rr->name;
	rr->rec.data = rr->data;
	snprintf(rr->key, sizeof(rr->key), "%" PRIu64, rec->inode);
	/* A repeated inode replaces the earlier copy. */
	{
		struct received_record *old = qb_map_get(r->received, rr->key);

		if (old) {
			qb_map_rm(r->received, old->key);
			free(old->name);
			free(old->data);
			free(old);
		}
	}
	qb_map_put(r->received, rr->key, rr);
	return 0;
}

/* The record for (@inode, @version): ours if equal, else the source's. */
static const struct cfs_record *
pick_record(struct cfs_replica *r, struct record_index *local, const struct sync_item *item)
{
	char key[24];
	const struct cfs_record *rec;
	const struct received_record *rr;

	snprintf(key, sizeof(key), "%" PRIu64, item->inode);
	rec = qb_map_get(local->map, key);
	if (rec && rec->version == item->version)
		return rec;
	rr = r->received ? qb_map_get(r->received, key) : NULL;
	return rr && rr->rec.version == item->version ? &rr->rec : NULL;
}

/* Build the source's tree from our entries and the received ones. */
static int
rebuild_from_source(struct cfs_replica *r, const struct member *src, const struct sync_end *end)
{
	const struct sync_state *st = &src->state;
	struct cfs_record *recs = calloc(st->count ? st->count : 1, sizeof(*recs));
	unsigned char digest[CFS_DIGEST_SIZE];
	struct cfs_tree_observer obs = cfs_store_observer(r->store);
	struct record_index local;
	cfs_tree_t *tree = NULL;
	int err = recs ? index_build(r->tree, &local) : -ENOMEM;

	if (err < 0) {
		free(recs);
		return err;
	}
	for (size_t i = 0; i < st->count && err == 0; i++) {
		const struct cfs_record *rec = pick_record(r, &local, &st->items[i]);

		if (rec)
			recs[i] = *rec;
		else
			err = -EUCLEAN; /* the source did not send what we lack */
	}
	if (err == 0)
		err = cfs_tree_from_records(recs, st->count, end->version, &r->limits, &tree);
	index_free(&local);
	free(recs);
	if (err == 0)
		err = cfs_tree_digest(tree, digest);
	if (err == 0 && memcmp(digest, end->digest, CFS_DIGEST_SIZE) != 0)
		err = -EUCLEAN;
	if (err == 0)
		err = cfs_replica_flush(r);
	if (err == 0)
		err = cfs_store_replace(r->store, tree);
	if (err < 0) {
		cfs_tree_free(tree);
		return err;
	}
	cfs_tree_free(r->tree);
	r->tree = tree;
	cfs_tree_set_observer(r->tree, &obs);
	if (r->ops.changed)
		r->ops.changed(r->ops.ctx, "/", false);
	return 0;
}

static int
finish_round(struct cfs_replica *r)
{
	int err = 0, applied;

	sync_reset(r);
	r->phase = PHASE_SYNCED;
	if (r->quorate && !r->eligible) {
		err = cfs_store_mark_eligible(r->store);
		if (err == 0)
			r->eligible = true;
	}
	/* Delivered before anything queued here can be sent; applied also
	 * when the mark failed, so that none is left for a later round. */
	applied = replica_apply_held(r);
	if (err == 0)
		err = applied;
	replica_release_queued(r);
	return err;
}

static int
on_state(struct cfs_replica *r, uint32_t nodeid, const void *msg, size_t len)
{
	struct member *m = member_find(r, nodeid);
	struct sync_state st;
	int err = sync_decode_state(msg, len, &st);

	if (err < 0)
		return err;
	if (!m || m->have_state || st.nodeid != nodeid) {
		free(st.items);
		return 0; /* not from a member, or a second one */
	}
	m->state = st;
	m->have_state = true;
	for (size_t i = 0; i < r->n_members; i++)
		if (!r->members[i].have_state)
			return 0;
	r->source = choose_source(r);
	if (r->source == 0)
		return finish_round(r); /* nobody holds quorate state: nothing to copy */
	r->received = qb_hashtable_create(64);
	if (!r->received)
		return -ENOMEM;
	return r->source == r->nodeid ? send_data_and_end(r) : 0;
}

int
sync_deliver(struct cfs_replica *r, uint32_t nodeid, int type, const void *msg, size_t len)
{
	struct sync_end end;
	uint64_t epoch;
	int err;

	if (r->phase != PHASE_SYNCING)
		return 0; /* a round that a membership change already ended */
	err = sync_msg_epoch(msg, len, &epoch);
	if (err < 0)
		return err;
	if (type == SYNC_MSG_START)
		return on_start(r, nodeid, epoch, msg, len);
	if (!r->started || epoch != r->epoch)
		return 0; /* a round cut short, or one not started yet */
	if (type == SYNC_MSG_STATE)
		return on_state(r, nodeid, msg, len);
	if (r->source == 0 || nodeid != r->source)
		return 0;
	if (type == SYNC_MSG_DATA)
		return r->source == r->nodeid ? 0 : sync_decode_data(msg, len, keep_received, r);
	err = sync_decode_end(msg, len, &end);
	if (err < 0)
		return err;
	if (r->source != r->nodeid) {
		err = rebuild_from_source(r, member_find(r, r->source), &end);
		if (err < 0) {
			r->phase = PHASE_FAILED;
			replica_drop_held(r);
			replica_release_queued(r);
			return err;
		}
	}
	return finish_round(r);
}
