/*
 * fs-int.h - what fs.c (names, attributes, the mount) and fs-file.c (open
 * files) share.  Private to clusterd's FUSE layer.
 */
#ifndef CLUSTERHA_CLUSTERD_FS_INT_H
#define CLUSTERHA_CLUSTERD_FS_INT_H

#define FUSE_USE_VERSION 312

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include <fuse3/fuse.h>

struct handle;

#include "clusterd/clusterd.h"

struct cd_fs {
	struct fuse *fuse;
	pthread_t thread;
	bool thread_started;
	char *node_name;
	struct cfs_limits limits;
	cfs_replica_t *replica;
	cd_quorum_t *quorum;
	cd_bridge_t *bridge;
	cd_pagecache_t *pagecache;
	cd_invalidator_t *invalidator;
	uint64_t lock_lease_ns; /* a lock not renewed for this long may be taken */
	unsigned cache_timeout_s; /* see fs_init() */
	atomic_uint_fast64_t next_provisional_ino; /* see cd_fs_file_getattr() */
	pthread_mutex_t writers_lock; /* guards the list at writers; held waiting only
					 on truncations_cond */
	struct handle *writers;	      /* open writable files (fs-file.c) */
	pthread_cond_t truncations_cond; /* a truncation was written or published */
	pthread_mutex_t creates_lock; /* guards creates_sent, creates_ended */
	pthread_cond_t creates_cond;
	uint64_t creates_sent, creates_ended; /* creates sent ahead; they end in order */
	/*
	 * Held for reading by FUSE threads while they read the tree, for
	 * writing by the loop thread while corosync deliveries change it
	 * (group.c) and by cd_fs_detach().  Nothing else is taken under it.
	 */
	pthread_rwlock_t *tree_lock;
};

/* One request to the loop thread; fields used depend on run(). */
struct fs_job {
	struct cd_job job;
	cd_fs_t *fs;
	const char *path;
	const struct cd_virtual_file *vf;
	struct cfs_stat st;
	struct cfs_op op;
	char *data; /* open: the content copied out */
	size_t size;
	bool truncating; /* open with O_TRUNC: the content is not needed */
	bool skip_create_wait; /* ENOENT is the answer, even with creates on their way */
	char **names; /* readdir */
	size_t n_names;
	int (*read)(struct fs_job *j); /* a tree read run on the loop thread */
};

/* The mount that the calling FUSE thread serves. */
cd_fs_t *cd_fs_self(void);

/* Names the tree itself may not hold: the "local" link and the virtual files. */
bool cd_fs_reserved(const char *path);

/* Run @read for @j with the tree held still; -ESHUTDOWN while stopping. */
int cd_fs_read_tree(cd_fs_t *fs, struct fs_job *j, int (*read)(struct fs_job *));

/* A cd_fs_read_tree() reader: j->path's stat and content (unless truncating). */
int cd_fs_read_all(struct fs_job *j);

/* Run @run for @j on the loop thread and wait for it. */
int cd_fs_call(cd_fs_t *fs, struct fs_job *j, void (*run)(struct cd_job *));

/* A cd_fs_call() job: generate the virtual file j->vf into j->data. */
void cd_fs_run_generate(struct cd_job *job);

/* Submit one change and wait until it was delivered and committed. */
int cd_fs_submit(cd_fs_t *fs, enum cfs_msg_type type, const char *path, const char *path2,
		 const void *data, size_t size);

/* ------------------------------------------------------- fs-file.c */

/*
 * Fills @out with the tree's attributes of @path: 0 or -errno; waits for
 * creates on their way before it says ENOENT if @wait_creates.
 */
typedef int cd_fs_stat_fn(cd_fs_t *fs, const char *path, struct stat *out, bool wait_creates);

/*
 * getattr of @path, open as @fi (may be NULL): @stat_tree's answer, but
 * as this node's writer of the file sees it, if there is one: its size,
 * or whole attributes while its create has not arrived.  The kernel keeps
 * what getattr says, so the tree is read with that writer held still: a
 * size its close is publishing at that moment is never kept.
 */
int cd_fs_file_getattr(cd_fs_t *fs, const char *path, struct fuse_file_info *fi,
		       struct stat *out, cd_fs_stat_fn *stat_tree);

/*
 * The creates sent ahead so far, when some are still on their way (0 when
 * none is), and a wait until those have ended.  Take the mark before
 * reading the tree: a create that ends after the read is then waited for.
 */
uint64_t cd_fs_creates_on_their_way(cd_fs_t *fs);
void cd_fs_wait_creates(cd_fs_t *fs, uint64_t sent);

int cd_fs_open(const char *path, struct fuse_file_info *fi);
int cd_fs_create(const char *path, mode_t mode, struct fuse_file_info *fi);
int cd_fs_read(const char *path, char *buf, size_t size, off_t offset,
	       struct fuse_file_info *fi);
int cd_fs_write(const char *path, const char *buf, size_t size, off_t offset,
		struct fuse_file_info *fi);
int cd_fs_flush(const char *path, struct fuse_file_info *fi);
bool cd_fs_file_creating(cd_fs_t *fs, const char *path);
int cd_fs_fsync(const char *path, int datasync, struct fuse_file_info *fi);
int cd_fs_release(const char *path, struct fuse_file_info *fi);
int cd_fs_truncate(const char *path, off_t size, struct fuse_file_info *fi);

/* stale-mount.c: how the mount table names the tree. */
#define CD_FS_NAME    "clusterha"
#define CD_FS_SUBTYPE "cfs"
#define CD_FS_TYPE    "fuse." CD_FS_SUBTYPE

/* Detach every mount of the tree at @mount_point: all are a dead clusterd's. */
int cd_fs_detach_stale_mounts(const char *mount_point);

#endif /* CLUSTERHA_CLUSTERD_FS_INT_H */
