/*
 * lock.c - cluster locks: the directories /priv/lock/<name>, created,
 * renewed, released and taken over by the rules in cfs.h.  Every rule
 * depends only on the tree and the order of changes, never on a clock, so
 * every member reaches the same result.
 */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "cfs/cfs-int.h"

#define LOCK_DIR "/priv/lock/"

bool
cfs_path_is_lock(const char *path)
{
	size_t len = strlen(LOCK_DIR);

	return path && !strncmp(path, LOCK_DIR, len) && path[len] != '\0' &&
	       !strchr(path + len, '/');
}

/* The lock at @path, held by @holder: -EPERM when someone else holds it. */
static int
find_held(cfs_tree_t *tree, const char *path, uint32_t holder, struct cfs_entry **ret)
{
	int r = cfs_tree_find(tree, path, ret);

	if (r < 0)
		return r;
	if ((*ret)->type != CFS_DIR)
		return -ENOTDIR;
	return (*ret)->owner == holder ? 0 : -EPERM;
}

static int
lock_take(cfs_tree_t *tree, const struct cfs_op *op)
{
	struct cfs_entry *e;
	int r = cfs_tree_find(tree, op->path, &e);

	if (r == -ENOENT)
		return cfs_tree_mkdir_owned(tree, op->path, op->mtime, op->sender);
	if (r < 0)
		return r;
	/* A renewal delivered after the taker saw the lock expire wins. */
	if (e->type != CFS_DIR || e->version != op->expect_version)
		return -EEXIST;
	cfs_tree_restamp(tree, e, op->mtime, op->sender);
	return 0;
}

int
cfs_lock_apply(cfs_tree_t *tree, const struct cfs_op *op)
{
	struct cfs_entry *e;
	int r;

	switch (op->type) {
	case CFS_MSG_MKDIR:
		return cfs_tree_mkdir_owned(tree, op->path, op->mtime, op->sender);
	case CFS_MSG_LOCK_TAKE:
		return lock_take(tree, op);
	case CFS_MSG_MTIME:
		r = find_held(tree, op->path, op->sender, &e);
		if (r == 0)
			cfs_tree_restamp(tree, e, op->mtime, op->sender);
		return r;
	case CFS_MSG_RMDIR:
		r = find_held(tree, op->path, op->sender, &e);
		return r < 0 ? r : cfs_tree_rmdir(tree, op->path);
	case CFS_MSG_RENAME:
		return -EPERM;
	default:
		/* Files inside a lock or a file named like one: not locks. */
		return -EPERM;
	}
}
