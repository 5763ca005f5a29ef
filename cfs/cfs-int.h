/*
 * cfs-int.h - private to the cfs library: the entry layout and helpers
 * shared between its files.
 */
#ifndef CLUSTERHA_CFS_INT_H
#define CLUSTERHA_CFS_INT_H

#include <qb/qbmap.h>

#include "cfs/cfs.h"

/* One file or directory.  Directories index their children by name. */
struct cfs_entry {
	uint64_t inode;
	uint64_t version;
	int64_t mtime;
	enum cfs_type type;
	char *name;		  /* owned; the key in the parent's map */
	struct cfs_entry *parent; /* NULL for the root */
	qb_map_t *children;	  /* directories: name -> struct cfs_entry * */
	void *data;		  /* files: owned content */
	size_t size;
	uint32_t owner;		  /* lock directories: the holder's node id */
};

/* A detached entry called @name (copied); NULL on ENOMEM. */
struct cfs_entry *cfs_entry_new(const char *name, enum cfs_type type);

/* Free @e and everything below it; NULL is ignored. */
void cfs_entry_free(struct cfs_entry *e);

/* The child of @dir called @name, or NULL. */
struct cfs_entry *cfs_entry_child(const struct cfs_entry *dir, const char *name);

/* The entry at @path (borrowed), or -ENOENT, -ENOTDIR, -EINVAL. */
int cfs_tree_find(const cfs_tree_t *tree, const char *path, struct cfs_entry **ret);

/* Add a directory at @path held by @owner (see cfs_tree_mkdir()). */
int cfs_tree_mkdir_owned(cfs_tree_t *tree, const char *path, int64_t mtime, uint32_t owner);

/* Give @e a new version, mtime and owner, and tell the observer. */
void cfs_tree_restamp(cfs_tree_t *tree, struct cfs_entry *e, int64_t mtime, uint32_t owner);

/* The root of @tree (borrowed). */
struct cfs_entry *cfs_tree_root(const cfs_tree_t *tree);

/* Replace @tree's entries by @root (taken over) with the given counters. */
void cfs_tree_adopt(cfs_tree_t *tree, struct cfs_entry *root, uint64_t version, size_t entries,
		    size_t bytes);

/* A guest type: the directory below nodes/<node>/ and the type's name. */
struct cfs_guest_type {
	const char *dir;  /* "qemu", "lxc", "exec" */
	const char *type; /* "vm", "ct", "svc" */
};

extern const struct cfs_guest_type cfs_guest_types[];
extern const size_t cfs_n_guest_types;

/*
 * Is @name a guest config file name, "<id>.conf" with a guest id of 1 to 9
 * digits and no leading zero?  The id goes to @ret_id.
 */
bool cfs_guest_file_id(const char *name, char ret_id[10]);

/*
 * If @path is a guest config (/nodes/<node>/<qemu|lxc|exec>/<id>.conf), is
 * its id already used by another file than the one at @path itself and
 * @except (may be NULL)?  Guest ids are unique across nodes and types.
 */
bool cfs_guest_id_taken(const cfs_tree_t *tree, const char *path,
			const struct cfs_entry *except);

#endif /* CLUSTERHA_CFS_INT_H */
