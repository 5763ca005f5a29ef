/*
 * clusterd.h - private to clusterd: the parts of the daemon and how
 * main.c wires them together.  Everything here runs on the libqb loop
 * thread except the FUSE operations in fs.c, which reach the loop only
 * through the bridge.
 */
#ifndef CLUSTERHA_CLUSTERD_H
#define CLUSTERHA_CLUSTERD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <qb/qbloop.h>

#include "cfs/cfs.h"

struct fuse;

/* Called when the daemon can no longer go on safely; it then exits 1. */
typedef void (*cd_fatal_fn)(void *ctx, const char *why);

/* ----------------------------------------------------------- group.c */

typedef struct cd_group cd_group_t;

/*
 * Join the corosync process group that carries the tree's messages and
 * dispatch it from @loop.  *ret_nodeid is this node's corosync id.
 */
int cd_group_open(qb_loop_t *loop, cd_fatal_fn fatal, void *fatal_ctx, cd_group_t **ret_group,
		  uint32_t *ret_nodeid);

/*
 * From now on deliveries and membership changes go to @replica (borrowed),
 * dispatched with @tree_lock (borrowed) held for writing.
 */
void cd_group_attach(cd_group_t *g, cfs_replica_t *replica, pthread_rwlock_t *tree_lock);

/* Send operations for cfs_replica_new(). */
struct cfs_group_ops cd_group_ops(cd_group_t *g);

/* Tell @fn about every path a delivered change touched (see cfs_group_ops). */
void cd_group_on_changed(cd_group_t *g, void (*fn)(void *ctx, const char *path, bool own),
			 void *ctx);

/* The lowest node id of the current membership; 0 before the first. */
uint32_t cd_group_lowest_member(const cd_group_t *g);

/* Leave the group; NULL is ignored. */
void cd_group_close(cd_group_t *g);

/* ----------------------------------------------------------- cconf.c */

typedef struct cd_cconf cd_cconf_t;

/*
 * Keep this node's corosync.conf (@installed, borrowed) in step with
 * /corosync.conf in the tree: a copy with a higher config_version is
 * installed atomically; then the lowest member of the group asks corosync
 * to reload, once for the cluster, a second after the change.
 */
int cd_cconf_new(qb_loop_t *loop, cfs_replica_t *replica, cd_group_t *group,
		 const char *installed, uint32_t nodeid, cd_cconf_t **ret_cconf);

/* @path of the tree may have changed ("/" after a synchronisation). */
void cd_cconf_changed(void *cconf, const char *path);

void cd_cconf_free(cd_cconf_t *c);

/*
 * The config_version in corosync.conf text @text of @len bytes: 0 and
 * *ret_version; -ENOENT when it has none; -EINVAL when its value is not a
 * number.
 */
int cd_cconf_version(const char *text, size_t len, uint64_t *ret_version);

/* ---------------------------------------------------------- quorum.c */

typedef struct cd_quorum cd_quorum_t;

/*
 * Follow corosync's quorum and tell @replica (borrowed) every change, with
 * @tree_lock held for writing (FUSE threads read the quorum state under
 * it); @local_nodeid is this node's corosync id.
 */
int cd_quorum_open(qb_loop_t *loop, cfs_replica_t *replica, pthread_rwlock_t *tree_lock,
		   uint32_t local_nodeid, cd_fatal_fn fatal, void *fatal_ctx,
		   cd_quorum_t **ret_quorum);
void cd_quorum_close(cd_quorum_t *q);

/* The .members document (see cfs_members_json()), new; NULL on ENOMEM. */
char *cd_quorum_members_json(cd_quorum_t *q);

/* ---------------------------------------------------------- bridge.c */

/*
 * Work that a FUSE thread hands to the loop thread.  run() is called on the
 * loop thread; a called job must end, at once or later, in cd_job_finish(),
 * a posted one reports its end as it sees fit.
 */
struct cd_job {
	void (*run)(struct cd_job *job);
	/* Posted jobs: called instead of run() when the bridge closes first. */
	void (*abandon)(struct cd_job *job, int result);
	int result;
	bool finished;
	struct cd_job *next;
};

typedef struct cd_bridge cd_bridge_t;

int cd_bridge_new(qb_loop_t *loop, cd_bridge_t **ret_bridge);

/* From any thread but the loop's: run @job on the loop, wait, return its result. */
int cd_bridge_call(cd_bridge_t *b, struct cd_job *job);

/*
 * From any thread but the loop's: queue @job and return at once, 0 or
 * -ESHUTDOWN.  Jobs run in the order they were called or posted.
 */
int cd_bridge_post(cd_bridge_t *b, struct cd_job *job);

/* On the loop thread: @job is done with @result; its caller wakes up. */
void cd_job_finish(cd_bridge_t *b, struct cd_job *job, int result);

/* Refuse new jobs and fail queued ones with -ESHUTDOWN (posted: abandon()). */
void cd_bridge_close(cd_bridge_t *b);

/* Free after cd_bridge_close() once no thread can call in; NULL ignored. */
void cd_bridge_free(cd_bridge_t *b);

/* ------------------------------------------------------------- ipc.c */

typedef struct cd_ipc cd_ipc_t;
struct qb_ipcs_poll_handlers;

/*
 * Serve the local IPC socket (see ipc-proto.h) for root's tools, its
 * events dispatched through @poll (copied by libqb).  @node_name is copied.
 */
int cd_ipc_start(struct qb_ipcs_poll_handlers *poll, cfs_replica_t *replica, cd_quorum_t *quorum,
		 const char *node_name, uint32_t nodeid, cd_ipc_t **ret_ipc);

/* Close the socket and every connection; NULL is ignored. */
void cd_ipc_stop(cd_ipc_t *ipc);

/* --------------------------------------------------------- virtual.c */

/* A read-only file in the root of the tree, made on the loop thread. */
struct cd_virtual_file {
	const char *path; /* "/.members", ... */
	char *(*generate)(cfs_replica_t *replica, cd_quorum_t *quorum);
};

/* The virtual files, ended by an entry with a NULL path. */
extern const struct cd_virtual_file cd_virtual_files[];

/* The virtual file at @path, or NULL. */
const struct cd_virtual_file *cd_virtual_find(const char *path);

/* ------------------------------------------------------- pagecache.c */

typedef struct cd_pagecache cd_pagecache_t;

int cd_pagecache_new(cd_pagecache_t **ret_pc);
void cd_pagecache_free(cd_pagecache_t *pc);

/*
 * An open of @path, whose content in the tree is at @version: may the
 * kernel keep the pages it cached for it?  Thread-safe.
 */
bool cd_pagecache_open(cd_pagecache_t *pc, const char *path, uint64_t version, bool writable);

/* The close of a handle that cd_pagecache_open() was told about. */
void cd_pagecache_release(cd_pagecache_t *pc, const char *path, bool writable);

/* ------------------------------------------------------ invalidate.c */

typedef struct cd_invalidator cd_invalidator_t;

/* Start the thread that drops the kernel's cache of changed paths of @fuse. */
int cd_invalidator_start(struct fuse *fuse, cd_invalidator_t **ret_inv);

/* Stop the thread; what is still queued is dropped.  NULL is ignored. */
void cd_invalidator_stop(cd_invalidator_t *inv);

/* Queue @path; returns at once.  Thread-safe. */
void cd_invalidator_push(cd_invalidator_t *inv, const char *path);

/* Queue every path of @tree, which the caller holds still. */
void cd_invalidator_push_tree(cd_invalidator_t *inv, const cfs_tree_t *tree);

/* -------------------------------------------------------------- fs.c */

typedef struct cd_fs cd_fs_t;

struct cd_fs_config {
	const char *mount_point;
	const char *node_name;	  /* this node, for the "local" link */
	struct cfs_limits limits;
	unsigned lock_lease_s;	  /* mkdir takes over a lock not renewed this long */
	unsigned cache_timeout_s; /* the kernel may trust names and attributes this long */
};

/*
 * Mount the tree of @replica as @config says and serve it from FUSE
 * threads: reads under @tree_lock (held for reading), everything else
 * through @bridge; @quorum provides the .members file.
 */
int cd_fs_start(const struct cd_fs_config *config, cfs_replica_t *replica, cd_quorum_t *quorum,
		cd_bridge_t *bridge, pthread_rwlock_t *tree_lock, cd_fs_t **ret_fs);

/*
 * Another node changed the entry at @path, or anything if it is "/": drop
 * what the kernel cached for it.  Called on the loop thread; @fs may be NULL.
 */
void cd_fs_changed(void *fs, const char *path);

/* Stop reading the replica (before it is freed): reads fail -ESHUTDOWN. */
void cd_fs_detach(cd_fs_t *fs);

/* Unmount and wait for the FUSE threads; NULL is ignored. */
void cd_fs_stop(cd_fs_t *fs);

#endif /* CLUSTERHA_CLUSTERD_H */
