/*
 * replica-int.h - private to cfs: the replica's state, shared by
 * replica.c (changes and writers) and sync.c (synchronisation rounds).
 */
#ifndef CLUSTERHA_CFS_REPLICA_INT_H
#define CLUSTERHA_CFS_REPLICA_INT_H

#include <qb/qbmap.h>

#include "cfs/cfs.h"
#include "cfs/syncmsg.h"

/* A writer waiting for its change. */
struct request {
	uint64_t id;
	cfs_done_fn done;
	void *ctx;
	int result;
	void *msg; /* queued during a synchronisation: the encoded change */
	size_t len;
};

struct request_list {
	struct request *items;
	size_t count;
	size_t alloc;
};

enum replica_phase {
	PHASE_ALONE,   /* no membership seen yet */
	PHASE_SYNCING, /* a round is running */
	PHASE_SYNCED,
	PHASE_FAILED, /* a round could not produce the source's tree */
};

/* When this member last saw a lock change, on its own clock. */
struct lock_seen {
	char *path;
	uint64_t version;
	uint64_t at_ns;
};

struct member {
	uint32_t nodeid;
	bool have_state;
	struct sync_state state;
};

struct cfs_replica {
	cfs_tree_t *tree;
	cfs_store_t *store;
	struct cfs_limits limits;
	struct cfs_group_ops ops;
	uint32_t nodeid;
	bool quorate;
	bool eligible;
	bool batch_open;
	enum replica_phase phase;
	uint64_t next_request;
	struct request_list sent;   /* multicast, not yet delivered back */
	struct request_list done;   /* delivered, waiting for the commit */
	struct request_list queued; /* waiting for the round to end */
	/*
	 * Changes delivered during a round, applied in their order when the
	 * leader's START is delivered (then every member summarises its tree
	 * at the same point of the order) and when the round ends.
	 */
	struct held_op *held;
	size_t n_held, held_alloc;
	struct member *members;
	size_t n_members;
	/*
	 * Epoch of the next round this member leads: seeded at random and
	 * counted up, so that a message of an earlier round of this leader,
	 * or of one before its restart, never passes for the current one.
	 */
	uint64_t next_epoch;
	bool started;      /* the leader's START of the current round arrived */
	uint64_t epoch;    /* of the current round, once started */
	uint32_t source;   /* of the current round, 0 = none chosen yet */
	qb_map_t *received; /* inode (decimal) -> struct received_record */
	struct lock_seen *locks;
	size_t n_locks;
	cfs_clog_t *clog;
};

int request_list_add(struct request_list *l, const struct request *req);
/* Remove the request with @id into *ret; false when there is none. */
bool request_list_take(struct request_list *l, uint64_t id, struct request *ret);
/* Tell every request @result (or its own result when @result is 0) and empty @l. */
void request_list_finish(struct request_list *l, int result);

/* Open a store transaction for the deliveries that follow, if none is. */
int replica_batch_begin(struct cfs_replica *r);

/* Send the changes queued during a round, or fail them when not writable. */
void replica_release_queued(struct cfs_replica *r);

/* Apply the changes delivered during a round, in order; forget them. */
int replica_apply_held(struct cfs_replica *r);
/* Forget them unapplied: the tree is not trusted any more. */
void replica_drop_held(struct cfs_replica *r);

/* lockseen.c: note a delivered change to the lock at @path. */
void lock_seen_changed(struct cfs_replica *r, const char *path);
void lock_seen_free(struct cfs_replica *r);

/* sync.c: the group's members changed; a new round waits for its START. */
int sync_membership(struct cfs_replica *r, const uint32_t *members, size_t count);
int sync_deliver(struct cfs_replica *r, uint32_t nodeid, int type, const void *msg,
		 size_t len);
void sync_reset(struct cfs_replica *r);

#endif /* CLUSTERHA_CFS_REPLICA_INT_H */
