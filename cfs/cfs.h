/*
 * cfs.h - the replicated configuration file system as a library.
 *
 * The tree lives in memory, is persisted in SQLite and changes only through
 * operations that every member applies in the same (corosync agreed) order.
 * Nothing in this library talks to corosync, FUSE or the clock directly:
 * callers hand in membership, delivered messages and timestamps.
 *
 * Paths are absolute ("/", "/nodes/n1/qemu/100.conf"), without "." or ".."
 * components, trailing or repeated slashes.  Functions returning int give
 * >= 0 on success and the -errno a file system caller should see.  Unless a
 * function says otherwise, objects belong to one thread (the daemon's loop).
 */
#ifndef CLUSTERHA_CFS_H
#define CLUSTERHA_CFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum cfs_type {
	CFS_DIR = 1,
	CFS_FILE = 2,
};

/* Enforced limits; a change that would break one fails and changes nothing. */
struct cfs_limits {
	size_t max_file_size;  /* bytes in one file: -EFBIG beyond */
	size_t max_total_size; /* bytes in all files: -ENOSPC beyond */
	size_t max_entries;    /* files and directories: -ENOSPC beyond */
};

#define CFS_DEFAULT_MAX_FILE_SIZE  (1024 * 1024)
#define CFS_DEFAULT_MAX_TOTAL_SIZE (128 * 1024 * 1024)
#define CFS_DEFAULT_MAX_ENTRIES	   65536
#define CFS_NAME_MAX		   255
#define CFS_PATH_MAX		   4096

/* What stat() shows of an entry. */
struct cfs_stat {
	uint64_t inode;	  /* cluster-wide, identical on every member */
	uint64_t version; /* tree version of the entry's last change */
	enum cfs_type type;
	uint32_t mode;	  /* permission bits: 0700/0600 under priv/, else 0755/0644 */
	int64_t mtime;	  /* seconds since the epoch, as the writer's clock said */
	size_t size;	  /* content bytes; 0 for directories */
	uint32_t owner;	  /* lock directories: the holder's node id; else 0 */
};

/*
 * One entry as stored and synchronised: what a member needs to recreate it.
 * Pointers are borrowed for the duration of the call that passes them.
 */
struct cfs_record {
	uint64_t inode;
	uint64_t parent; /* inode of the directory; the root (inode 0) has itself */
	uint64_t version;
	int64_t mtime;
	enum cfs_type type;
	const char *name; /* "" for the root */
	const void *data; /* file content, size bytes */
	size_t size;
	uint32_t owner; /* lock directories: the holder's node id; else 0 */
};

/* ------------------------------------------------------------------ tree */

typedef struct cfs_tree cfs_tree_t;

/*
 * Told about every change a mutation makes, in order, so a store can write
 * exactly those rows.  updated() gets the entry as it is now (created,
 * written, renamed or touched); removed() the inode that is gone.
 */
struct cfs_tree_observer {
	void (*updated)(void *ctx, const struct cfs_record *rec);
	void (*removed)(void *ctx, uint64_t inode);
	void *ctx;
};

/*
 * A tree holding only the root directory at version 0.  @limits (copied)
 * may be NULL for the defaults.  Returns NULL with errno = ENOMEM.
 */
cfs_tree_t *cfs_tree_new(const struct cfs_limits *limits);

/* Free the tree and all its entries; NULL is ignored. */
void cfs_tree_free(cfs_tree_t *tree);

/* Install (or, with NULL, remove) the change observer; @obs is copied. */
void cfs_tree_set_observer(cfs_tree_t *tree, const struct cfs_tree_observer *obs);

/* The version of the last change: 0 for a new tree, +1 per mutation. */
uint64_t cfs_tree_version(const cfs_tree_t *tree);

/* Number of entries including the root, and bytes held in files. */
size_t cfs_tree_entries(const cfs_tree_t *tree);
size_t cfs_tree_bytes(const cfs_tree_t *tree);

/* Look @path up.  -ENOENT, -ENOTDIR (a component is a file), -EINVAL. */
int cfs_tree_stat(const cfs_tree_t *tree, const char *path, struct cfs_stat *ret_st);

/*
 * Would creating an entry of @type at @path succeed now?  0, or the error
 * the create would fail with (-EEXIST, -ENOENT, -ENOSPC, ...).
 */
int cfs_tree_may_create(const cfs_tree_t *tree, const char *path, enum cfs_type type);

/*
 * Copy up to @size bytes of the file at @path from @offset into @buf.
 * Returns the number of bytes copied (0 at or past the end), -EISDIR, ...
 */
ssize_t cfs_tree_read(const cfs_tree_t *tree, const char *path, void *buf, size_t size,
		      off_t offset);

/*
 * Call @fn for every entry of the directory @path in name order; a non-zero
 * return from @fn stops the walk and is returned.  -ENOTDIR, -ENOENT.
 */
int cfs_tree_readdir(const cfs_tree_t *tree, const char *path,
		     int (*fn)(void *ctx, const char *name, const struct cfs_stat *st),
		     void *ctx);

/*
 * Mutations.  Each one that succeeds raises the tree version by one and
 * stamps the changed entry with it; each one that fails changes nothing.
 * @mtime is the time to record, from the member that asked for the change.
 *
 * create: a new empty file; -EEXIST if @path exists, -EEXIST too when it is
 *   a guest config (nodes/<node>/<qemu|lxc|exec>/<id>.conf) whose id is
 *   already taken on any node.
 * write: replace the whole content of an existing file (-EFBIG, -ENOSPC).
 * rename: rename(2) semantics: replaces a file target, an empty directory
 *   target by a directory; -EINVAL moving a directory below itself; guest
 *   ids stay unique.
 */
int cfs_tree_mkdir(cfs_tree_t *tree, const char *path, int64_t mtime);
int cfs_tree_create(cfs_tree_t *tree, const char *path, int64_t mtime);
int cfs_tree_write(cfs_tree_t *tree, const char *path, const void *data, size_t size,
		   int64_t mtime);
int cfs_tree_unlink(cfs_tree_t *tree, const char *path);
int cfs_tree_rmdir(cfs_tree_t *tree, const char *path);
int cfs_tree_rename(cfs_tree_t *tree, const char *from, const char *to, int64_t mtime);
int cfs_tree_set_mtime(cfs_tree_t *tree, const char *path, int64_t mtime);

/*
 * Call @fn for every entry (the root first, then parents before children)
 * as a record; a non-zero return stops the walk and is returned.
 */
int cfs_tree_walk(const cfs_tree_t *tree, int (*fn)(void *ctx, const struct cfs_record *rec),
		  void *ctx);

/*
 * Rebuild a tree from @count records in any order (a database or a peer's
 * state) at version @version.  The result must be a well-formed tree: one
 * root, every parent an existing directory, unique names, no cycles, no
 * version above @version, within @limits.  Returns -EUCLEAN (nothing built)
 * when it is not, -ENOMEM.
 */
int cfs_tree_from_records(const struct cfs_record *records, size_t count, uint64_t version,
			  const struct cfs_limits *limits, cfs_tree_t **ret_tree);

#define CFS_DIGEST_SIZE 32

/*
 * SHA-256 over the tree version and every entry (identity, place, version,
 * time, name, content) in walk order: equal digests mean equal trees.
 */
int cfs_tree_digest(const cfs_tree_t *tree, unsigned char ret_digest[CFS_DIGEST_SIZE]);

/* Permission bits for an entry of @type at @path (0700/0600 under priv/). */
uint32_t cfs_path_mode(const char *path, enum cfs_type type);

/* Is @path well formed (see the top of this file)? */
bool cfs_path_valid(const char *path);

/* --------------------------------------------------------------- store */

/*
 * The SQLite database (WAL) that keeps the tree across restarts.  Changes
 * reach it through the tree's observer between cfs_store_begin() and
 * cfs_store_commit(), so many delivered changes share one transaction.
 */
typedef struct cfs_store cfs_store_t;

/*
 * Open or create the database at @path (borrowed).  @fsync_each_commit
 * makes every commit durable against power loss (synchronous=FULL);
 * otherwise a commit survives a crash of the process but maybe not of the
 * machine.  -EUCLEAN when the file is not a database of ours or fails
 * SQLite's integrity check: the caller must not serve it.
 */
int cfs_store_open(const char *path, bool fsync_each_commit, cfs_store_t **ret_store);

/* Close the database; NULL is ignored. */
void cfs_store_close(cfs_store_t *store);

/* Read the whole tree.  -EUCLEAN when the rows do not form a valid tree. */
int cfs_store_load(cfs_store_t *store, const struct cfs_limits *limits,
		   cfs_tree_t **ret_tree);

/* The observer that records @tree's changes into the open transaction. */
struct cfs_tree_observer cfs_store_observer(cfs_store_t *store);

/* Start a transaction for the changes that follow. */
int cfs_store_begin(cfs_store_t *store);

/*
 * Record @version as the tree version and commit.  Returns the first error
 * of any change recorded since cfs_store_begin() (the transaction is then
 * rolled back and the store no longer matches the tree: the caller must
 * stop serving), else the result of the commit.
 */
int cfs_store_commit(cfs_store_t *store, uint64_t version);

/* Replace everything in the database by @tree, in one transaction. */
int cfs_store_replace(cfs_store_t *store, const cfs_tree_t *tree);

/*
 * Has this database ever held the state of a quorate partition?  Only such
 * a member may be the source of a synchronisation.  The mark is permanent.
 */
int cfs_store_eligible(cfs_store_t *store, bool *ret_eligible);
int cfs_store_mark_eligible(cfs_store_t *store);

/* ------------------------------------------------------------ messages */

/*
 * Replication messages.  Every change to the tree travels as one message
 * in corosync's agreed order; every member, the sender included, applies it
 * on delivery.  The wire format (little endian) is a fixed header - magic,
 * format version, type, body length, request id - then the body; see
 * msg.c.  A message of another format version, an unknown type, or one
 * whose lengths do not add up is rejected, never guessed at.
 */
enum cfs_msg_type {
	CFS_MSG_MKDIR = 1,
	CFS_MSG_CREATE = 2,
	CFS_MSG_WRITE = 3,
	CFS_MSG_UNLINK = 4,
	CFS_MSG_RMDIR = 5,
	CFS_MSG_RENAME = 6,
	CFS_MSG_MTIME = 7,
	CFS_MSG_LOCK_TAKE = 8,
	CFS_MSG_CLOG = 32, /* a cluster log entry, not a tree change */
};

/* 2: synchronisation messages carry the epoch of their round. */
#define CFS_MSG_VERSION 2

/* A change as a member asks for it.  Pointers are borrowed. */
struct cfs_op {
	enum cfs_msg_type type;
	uint64_t request; /* the sender's id for matching its own delivery */
	int64_t mtime;
	const char *path;
	const char *path2; /* rename target */
	const void *data;  /* write: the whole new content */
	size_t size;
	uint64_t expect_version; /* lock take: the version seen expired */
	uint32_t sender;	 /* set at delivery: the member that sent it */
};

/*
 * Encode @op into a new buffer (*ret_buf, freed by the caller with free()).
 * -EINVAL for an invalid path or type, -EMSGSIZE, -ENOMEM.
 */
int cfs_msg_encode(const struct cfs_op *op, void **ret_buf, size_t *ret_len);

/*
 * Decode the message in @buf.  On success *ret_op points into @buf, which
 * must outlive it.  -EPROTO for another magic or format version,
 * -EBADMSG for an unknown type or a malformed body (truncated, trailing
 * bytes, an invalid path).
 */
int cfs_msg_decode(const void *buf, size_t len, struct cfs_op *ret_op);

/* Is @type one of the tree-changing message types above? */
bool cfs_msg_is_op(uint16_t type);

/* Apply a decoded change to @tree: the result a caller of the op sees. */
int cfs_op_apply(cfs_tree_t *tree, const struct cfs_op *op);

/* ---------------------------------------------------------------- locks */

/*
 * Cluster locks are the directories /priv/lock/<name>.  Their rules, the
 * same on every member because they depend only on the order of changes:
 * - mkdir creates the lock held by the sender; -EEXIST if it exists;
 * - touching its mtime renews it, only by the holder (-EPERM otherwise);
 * - rmdir releases it, only by the holder (-EPERM otherwise);
 * - CFS_MSG_LOCK_TAKE gives it to the sender if its version still is the
 *   expect_version the sender saw expire (a renewal in between wins:
 *   -EEXIST), or creates it when it is gone;
 * - locks cannot be renamed (-EPERM).
 * When a lock has expired is each member's own judgement, on its own
 * monotonic clock since it saw the last renewal delivered; see
 * cfs_replica_lock_info().
 */
bool cfs_path_is_lock(const char *path);

/* Apply @op, whose path (or rename target) is a lock, by the rules above. */
int cfs_lock_apply(cfs_tree_t *tree, const struct cfs_op *op);

/* ---------------------------------------------------------- cluster log */

/*
 * The cluster log: short messages that every member of the partition
 * receives in the same order, kept in memory (the last CFS_CLOG_KEEP),
 * shown in /.clusterlog.  Not part of the tree: no version, no quorum
 * needed, not persisted.
 */
#define CFS_CLOG_KEEP	   1000
#define CFS_CLOG_TEXT_MAX  1024
#define CFS_CLOG_FIELD_MAX 64

typedef struct cfs_clog cfs_clog_t;

struct cfs_clog_entry {
	int64_t time;	 /* seconds since the epoch, the sender's clock */
	uint32_t nodeid; /* the sender */
	const char *node; /* the sender's name */
	const char *tag;  /* who wrote it, e.g. "ha-crm" */
	const char *text;
};

cfs_clog_t *cfs_clog_new(void);
void cfs_clog_free(cfs_clog_t *log);

/* Keep a copy of @e, dropping the oldest entry beyond CFS_CLOG_KEEP. */
int cfs_clog_add(cfs_clog_t *log, const struct cfs_clog_entry *e);

/* The entries, oldest first, as a JSON document (new; NULL on ENOMEM). */
char *cfs_clog_json(const cfs_clog_t *log);

/*
 * Encode or decode a cluster log message (type CFS_MSG_CLOG).  Fields
 * longer than their maximum, or holding control characters, are refused:
 * -EINVAL when encoding, -EBADMSG when decoding.  Decoded pointers point
 * into @buf.
 */
int cfs_clog_encode(const struct cfs_clog_entry *e, void **ret_buf, size_t *ret_len);
int cfs_clog_decode(const void *buf, size_t len, struct cfs_clog_entry *ret_e);

/* ------------------------------------------------- virtual status files */

/* One configured node as the cluster's membership view shows it. */
struct cfs_node_info {
	uint32_t nodeid;
	const char *name;
	bool online; /* in corosync's current membership */
};

/* What .members shows; pointers borrowed for the call. */
struct cfs_cluster_info {
	const char *cluster_name;
	uint64_t config_version;
	bool quorate;
	uint32_t local_nodeid;
	const struct cfs_node_info *nodes;
	size_t n_nodes;
};

/*
 * The JSON documents of the read-only files in the root of the tree, as
 * new strings (free() them), or NULL on ENOMEM:
 * .members - cluster name, config version, quorum, and every node with its
 *            id, whether it is online and whether it is this node;
 * .guests  - every guest config under nodes/<node>/<qemu|lxc|exec>/ by id,
 *            with its type (vm, ct, svc) and node;
 * .version - the tree version.
 */
char *cfs_members_json(const struct cfs_cluster_info *info);
char *cfs_guests_json(const cfs_tree_t *tree);
char *cfs_version_json(const cfs_tree_t *tree);

/* ------------------------------------------------------------- replica */

/*
 * A member of the replicated tree: applies delivered changes, answers its
 * own writers once their change was delivered and committed, and brings
 * all members to one tree after every membership change.
 *
 * Protocol assumptions (corosync CPG with agreed order gives them): every
 * member delivers the same messages and membership changes in the same
 * order, a member's own messages included, each member's messages in the
 * order it sent them, and a message sent after a member saw a membership
 * change is delivered after it.  One sent before may be delivered after
 * it, even after the next one.
 */
typedef struct cfs_replica cfs_replica_t;

struct cfs_group_ops {
	/* Multicast @len bytes of @msg to all members, this one included. */
	int (*send)(void *ctx, const void *msg, size_t len);
	/* This node's monotonic clock in ns: lock ages are measured on it. */
	uint64_t (*now)(void *ctx);
	/* 64 random bits, asked once at creation (see cfs_replica_new()). */
	uint64_t (*random)(void *ctx);
	/*
	 * May be NULL.  Told that the entry at @path may have changed: after a
	 * delivered change was applied (only when it succeeded), @own when
	 * this member sent it, and with "/" after a synchronisation replaced
	 * the tree.
	 */
	void (*changed)(void *ctx, const char *path, bool own);
	void *ctx;
};

/* Told the result of a submitted change: 0 or the -errno the writer sees. */
typedef void (*cfs_done_fn)(void *ctx, int result);

/*
 * Load the tree from @store (borrowed; it must outlive the replica) and
 * join as member @nodeid.  Starts read-only until the first membership and
 * quorum are known.  @ops is copied; its random() numbers the rounds this
 * member leads, so that no two of its rounds share an epoch, even across
 * restarts.
 */
int cfs_replica_new(cfs_store_t *store, const struct cfs_limits *limits,
		    const struct cfs_group_ops *ops, uint32_t nodeid,
		    cfs_replica_t **ret_replica);

/* Free the replica; outstanding writers hear -ECANCELED.  NULL is ignored. */
void cfs_replica_free(cfs_replica_t *r);

/* The current tree, for reads (borrowed; replaced by a synchronisation). */
const cfs_tree_t *cfs_replica_tree(const cfs_replica_t *r);

/*
 * Are changes accepted now: quorate, and synchronised or synchronising (a
 * change submitted during a round is sent when it ends)?
 */
bool cfs_replica_writable(const cfs_replica_t *r);

/*
 * Ask for a change.  @done is called exactly once, from cfs_replica_flush()
 * after the change was delivered, applied and committed here, or with an
 * error.  Returns -EROFS at once without quorum; during a synchronisation
 * the change waits for its end.
 */
int cfs_replica_submit(cfs_replica_t *r, const struct cfs_op *op, cfs_done_fn done, void *ctx);

/*
 * Hand over a message delivered by the group, from member @nodeid.
 * Returns 0; -EBADMSG or -EPROTO when the message was malformed or of
 * another version and was ignored (every member ignores it alike); any
 * other error is fatal: the replica can no longer be trusted.
 */
int cfs_replica_deliver(cfs_replica_t *r, uint32_t nodeid, const void *msg, size_t len);

/*
 * Commit everything delivered since the last flush in one transaction,
 * then tell the writers.  Call after each batch of deliveries.  An error
 * is fatal.
 */
int cfs_replica_flush(cfs_replica_t *r);

/* The group's members changed to @members; starts a synchronisation. */
int cfs_replica_membership(cfs_replica_t *r, const uint32_t *members, size_t count);

/* Quorum was gained or lost. */
int cfs_replica_set_quorate(cfs_replica_t *r, bool quorate);

/* Is a synchronisation in progress? */
bool cfs_replica_syncing(const cfs_replica_t *r);

/*
 * Send @text to the cluster log as this member, called @node, with @tag
 * and @time.  It reaches every member of the partition, this one included,
 * quorate or not.  -EINVAL for an invalid field.
 */
int cfs_replica_log(cfs_replica_t *r, int64_t time, const char *node, const char *tag,
		    const char *text);

/* The cluster log as this member received it (borrowed). */
const cfs_clog_t *cfs_replica_clog(const cfs_replica_t *r);

/* A lock as this member sees it. */
struct cfs_lock_info {
	uint32_t owner;	  /* the holder's node id */
	uint64_t version; /* changes with every renewal or takeover */
	uint64_t age_ns;  /* since this member saw it created, renewed or taken */
};

/*
 * The lock at @path (see cfs_path_is_lock()).  The age runs on this
 * member's monotonic clock from the delivery of the last change to the
 * lock it saw; a lock it learnt of otherwise (a restart, a
 * synchronisation) counts from the first time it was asked about it, so an
 * age is never larger than the truth.  -ENOENT, -EINVAL for a non-lock.
 */
int cfs_replica_lock_info(cfs_replica_t *r, const char *path, struct cfs_lock_info *ret_info);

#endif /* CLUSTERHA_CFS_H */
