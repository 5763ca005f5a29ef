/*
 * tree.c - the in-memory tree of the replicated file system: entries,
 * versions, limits, guest-id uniqueness.  Pure data structure: no I/O.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qb/qbmap.h>

#include "cfs/cfs-int.h"

struct cfs_tree {
	struct cfs_entry *root;
	uint64_t version;
	size_t entries;
	size_t bytes;
	struct cfs_limits limits;
	struct cfs_tree_observer observer;
};

static const struct cfs_limits default_limits = {
	.max_file_size = CFS_DEFAULT_MAX_FILE_SIZE,
	.max_total_size = CFS_DEFAULT_MAX_TOTAL_SIZE,
	.max_entries = CFS_DEFAULT_MAX_ENTRIES,
};

struct cfs_entry *
cfs_entry_new(const char *name, enum cfs_type type)
{
	struct cfs_entry *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->name = strdup(name);
	if (!e->name)
		goto error_free;
	e->type = type;
	if (type == CFS_DIR) {
		e->children = qb_skiplist_create();
		if (!e->children)
			goto error_free_name;
	}
	return e;

error_free_name:
	free(e->name);
error_free:
	free(e);
	return NULL;
}

void
cfs_entry_free(struct cfs_entry *e)
{
	if (!e)
		return;
	if (e->children) {
		qb_map_iter_t *it = qb_map_iter_create(e->children);
		void *child;

		while (it && qb_map_iter_next(it, &child))
			cfs_entry_free(child);
		if (it)
			qb_map_iter_free(it);
		qb_map_destroy(e->children);
	}
	free(e->data);
	free(e->name);
	free(e);
}

struct cfs_entry *
cfs_entry_child(const struct cfs_entry *dir, const char *name)
{
	return dir->children ? qb_map_get(dir->children, name) : NULL;
}

cfs_tree_t *
cfs_tree_new(const struct cfs_limits *limits)
{
	cfs_tree_t *tree = calloc(1, sizeof(*tree));

	if (!tree)
		goto error;
	tree->root = cfs_entry_new("", CFS_DIR);
	if (!tree->root)
		goto error_free;
	tree->entries = 1;
	tree->limits = limits ? *limits : default_limits;
	return tree;

error_free:
	free(tree);
error:
	errno = ENOMEM;
	return NULL;
}

void
cfs_tree_free(cfs_tree_t *tree)
{
	if (!tree)
		return;
	cfs_entry_free(tree->root);
	free(tree);
}

void
cfs_tree_set_observer(cfs_tree_t *tree, const struct cfs_tree_observer *obs)
{
	if (obs)
		tree->observer = *obs;
	else
		memset(&tree->observer, 0, sizeof(tree->observer));
}

uint64_t
cfs_tree_version(const cfs_tree_t *tree)
{
	return tree->version;
}

size_t
cfs_tree_entries(const cfs_tree_t *tree)
{
	return tree->entries;
}

size_t
cfs_tree_bytes(const cfs_tree_t *tree)
{
	return tree->bytes;
}

struct cfs_entry *
cfs_tree_root(const cfs_tree_t *tree)
{
	return tree->root;
}

void
cfs_tree_adopt(cfs_tree_t *tree, struct cfs_entry *root, uint64_t version, size_t entries,
	       size_t bytes)
{
	cfs_entry_free(tree->root);
	tree->root = root;
	tree->version = version;
	tree->entries = entries;
	tree->bytes = bytes;
}

/* ------------------------------------------------------------ lookups */

/*
 * Find the entry at @path.  With @ret_parent, a missing last component is
 * not an error: *ret = NULL, *ret_parent = its directory, *ret_name = the
 * last component (pointing into @path).
 */
static int
tree_resolve(const cfs_tree_t *tree, const char *path, struct cfs_entry **ret,
	     struct cfs_entry **ret_parent, const char **ret_name)
{
	struct cfs_entry *dir = tree->root, *e = tree->root;
	char name[CFS_NAME_MAX + 1];
	const char *p = path + 1;

	if (!cfs_path_valid(path))
		return -EINVAL;
	if (ret_parent) {
		*ret_parent = NULL;
		*ret_name = NULL;
	}
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);

		if (dir->type != CFS_DIR)
			return -ENOTDIR;
		memcpy(name, p, len);
		name[len] = '\0';
		e = cfs_entry_child(dir, name);
		if (!e) {
			if (slash || !ret_parent)
				return -ENOENT;
			*ret_parent = dir;
			*ret_name = p;
			*ret = NULL;
			return 0;
		}
		if (!slash)
			break;
		dir = e;
		p = slash + 1;
	}
	if (ret_parent) {
		*ret_parent = e == tree->root ? NULL : e->parent;
		*ret_name = e == tree->root ? "" : strrchr(path, '/') + 1;
	}
	*ret = e;
	return 0;
}

int
cfs_tree_find(const cfs_tree_t *tree, const char *path, struct cfs_entry **ret)
{
	return tree_resolve(tree, path, ret, NULL, NULL);
}

static void
entry_to_stat(const struct cfs_entry *e, const char *path, struct cfs_stat *st)
{
	st->owner = e->owner;
	st->inode = e->inode;
	st->version = e->version;
	st->type = e->type;
	st->mode = cfs_path_mode(path, e->type);
	st->mtime = e->mtime;
	st->size = e->size;
}

int
cfs_tree_stat(const cfs_tree_t *tree, const char *path, struct cfs_stat *ret_st)
{
	struct cfs_entry *e;
	int r = tree_resolve(tree, path, &e, NULL, NULL);

	if (r < 0)
		return r;
	entry_to_stat(e, path, ret_st);
	return 0;
}

ssize_t
cfs_tree_read(const cfs_tree_t *tree, const char *path, void *buf, size_t size, off_t offset)
{
	struct cfs_entry *e;
	int r = tree_resolve(tree, path, &e, NULL, NULL);

	if (r < 0)
		return r;
	if (e->type == CFS_DIR)
		return -EISDIR;
	if (offset < 0)
		return -EINVAL;
	if ((size_t)offset >= e->size)
		return 0;
	if (size > e->size - (size_t)offset)
		size = e->size - (size_t)offset;
	memcpy(buf, (const char *)e->data + offset, size);
	return (ssize_t)size;
}

int
cfs_tree_readdir(const cfs_tree_t *tree, const char *path,
		 int (*fn)(void *ctx, const char *name, const struct cfs_stat *st), void *ctx)
{
	char child_path[CFS_PATH_MAX + CFS_NAME_MAX + 2];
	struct cfs_entry *dir;
	qb_map_iter_t *it;
	const char *name;
	void *child;
	int r = tree_resolve(tree, path, &dir, NULL, NULL);

	if (r < 0)
		return r;
	if (dir->type != CFS_DIR)
		return -ENOTDIR;
	it = qb_map_iter_create(dir->children);
	if (!it)
		return -ENOMEM;
	while ((name = qb_map_iter_next(it, &child))) {
		struct cfs_stat st;

		snprintf(child_path, sizeof(child_path), "%s/%s", strcmp(path, "/") ? path : "",
			 name);
		entry_to_stat(child, child_path, &st);
		r = fn(ctx, name, &st);
		if (r)
			break;
	}
	qb_map_iter_free(it);
	return r;
}

/* ------------------------------------------------------------ changes */

static void
tree_record(const struct cfs_entry *e, struct cfs_record *rec)
{
	rec->inode = e->inode;
	rec->parent = e->parent ? e->parent->inode : e->inode;
	rec->version = e->version;
	rec->mtime = e->mtime;
	rec->type = e->type;
	rec->name = e->name;
	rec->data = e->data;
	rec->size = e->size;
	rec->owner = e->owner;
}

static void
notify_updated(cfs_tree_t *tree, const struct cfs_entry *e)
{
	struct cfs_record rec;

	if (!tree->observer.updated)
		return;
	tree_record(e, &rec);
	tree->observer.updated(tree->observer.ctx, &rec);
}

static void
notify_removed(cfs_tree_t *tree, uint64_t inode)
{
	if (tree->observer.removed)
		tree->observer.removed(tree->observer.ctx, inode);
}

static void
dir_attach(struct cfs_entry *dir, struct cfs_entry *e)
{
	e->parent = dir;
	qb_map_put(dir->children, e->name, e);
}

static void
dir_detach(struct cfs_entry *e)
{
	qb_map_rm(e->parent->children, e->name);
	e->parent = NULL;
}

/* Find where a new entry at @path goes: its directory and its name. */
static int
tree_resolve_new(const cfs_tree_t *tree, const char *path, struct cfs_entry **ret_dir,
		 const char **ret_name)
{
	struct cfs_entry *e;
	int r = tree_resolve(tree, path, &e, ret_dir, ret_name);

	if (r < 0)
		return r;
	if (e)
		return -EEXIST;
	return 0;
}

/* Could an entry of @type be added at @path?  Where it would go if so. */
static int
tree_check_new(const cfs_tree_t *tree, const char *path, enum cfs_type type,
	       struct cfs_entry **ret_dir, const char **ret_name)
{
	int r = tree_resolve_new(tree, path, ret_dir, ret_name);

	if (r < 0)
		return r;
	if (tree->entries >= tree->limits.max_entries)
		return -ENOSPC;
	if (type == CFS_FILE && cfs_guest_id_taken(tree, path, NULL))
		return -EEXIST;
	return 0;
}

int
cfs_tree_may_create(const cfs_tree_t *tree, const char *path, enum cfs_type type)
{
	struct cfs_entry *dir;
	const char *name;

	return tree_check_new(tree, path, type, &dir, &name);
}

static int
tree_add(cfs_tree_t *tree, const char *path, enum cfs_type type, int64_t mtime, uint32_t owner)
{
	struct cfs_entry *dir, *e;
	const char *name;
	int r = tree_check_new(tree, path, type, &dir, &name);

	if (r < 0)
		return r;
	e = cfs_entry_new(name, type);
	if (!e)
		return -ENOMEM;
	e->inode = e->version = ++tree->version;
	e->mtime = mtime;
	e->owner = owner;
	dir_attach(dir, e);
	tree->entries++;
	notify_updated(tree, e);
	return 0;
}

int
cfs_tree_mkdir(cfs_tree_t *tree, const char *path, int64_t mtime)
{
	return tree_add(tree, path, CFS_DIR, mtime, 0);
}

int
cfs_tree_mkdir_owned(cfs_tree_t *tree, const char *path, int64_t mtime, uint32_t owner)
{
	return tree_add(tree, path, CFS_DIR, mtime, owner);
}

int
cfs_tree_create(cfs_tree_t *tree, const char *path, int64_t mtime)
{
	return tree_add(tree, path, CFS_FILE, mtime, 0);
}

int
cfs_tree_write(cfs_tree_t *tree, const char *path, const void *data, size_t size, int64_t mtime)
{
	struct cfs_entry *e;
	void *copy = NULL;
	int r = tree_resolve(tree, path, &e, NULL, NULL);

	if (r < 0)
		return r;
	if (e->type == CFS_DIR)
		return -EISDIR;
	if (size > tree->limits.max_file_size)
		return -EFBIG;
	if (tree->bytes - e->size + size > tree->limits.max_total_size)
		return -ENOSPC;
	if (size) {
		copy = malloc(size);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, data, size);
	}
	tree->bytes = tree->bytes - e->size + size;
	free(e->data);
	e->data = copy;
	e->size = size;
	e->mtime = mtime;
	e->version = ++tree->version;
	notify_updated(tree, e);
	return 0;
}

static void
tree_remove(cfs_tree_t *tree, struct cfs_entry *e)
{
	uint64_t inode = e->inode;

	dir_detach(e);
	tree->entries--;
	tree->bytes -= e->size;
	cfs_entry_free(e);
	notify_removed(tree, inode);
}

int
cfs_tree_unlink(cfs_tree_t *tree, const char *path)
{
	struct cfs_entry *e;
	int r = tree_resolve(tree, path, &e, NULL, NULL);

	if (r < 0)
		return r;
	if (e->type == CFS_DIR)
		return -EISDIR;
	tree->version++;
	tree_remove(tree, e);
	return 0;
}

int
cfs_tree_rmdir(cfs_tree_t *tree, const char *path)
{
	struct cfs_entry *e;
	int r = tree_resolve(tree, path, &e, NULL, NULL);

	if (r < 0)
		return r;
	if (e->type != CFS_DIR)
		return -ENOTDIR;
	if (e == tree->root)
		return -EBUSY;
	if (qb_map_count_get(e->children))
		return -ENOTEMPTY;
	tree->version++;
	tree_remove(tree, e);
	return 0;
}

void
cfs_tree_restamp(cfs_tree_t *tree, struct cfs_entry *e, int64_t mtime, uint32_t owner)
{
	e->mtime = mtime;
	e->owner = owner;
	e->version = ++tree->version;
	notify_updated(tree, e);
}

int
cfs_tree_set_mtime(cfs_tree_t *tree, const char *path, int64_t mtime)
{
	struct cfs_entry *e;
	int r = tree_resolve(tree, path, &e, NULL, NULL);

	if (r < 0)
		return r;
	cfs_tree_restamp(tree, e, mtime, e->owner);
	return 0;
}

static bool
entry_is_ancestor(const struct cfs_entry *ancestor, const struct cfs_entry *e)
{
	for (; e; e = e->parent)
		if (e == ancestor)
			return true;
	return false;
}

/* May @src replace the existing @dst, as rename(2) would allow? */
static int
rename_check_target(const struct cfs_entry *src, const struct cfs_entry *dst)
{
	if (src->type == CFS_DIR && dst->type != CFS_DIR)
		return -ENOTDIR;
	if (src->type != CFS_DIR && dst->type == CFS_DIR)
		return -EISDIR;
	if (dst->type == CFS_DIR && qb_map_count_get(dst->children))
		return -ENOTEMPTY;
	return 0;
}

int
cfs_tree_rename(cfs_tree_t *tree, const char *from, const char *to, int64_t mtime)
{
	struct cfs_entry *src, *dst, *dst_dir, *src_dir;
	const char *src_name, *dst_name;
	char *new_name;
	int r;

	r = tree_resolve(tree, from, &src, &src_dir, &src_name);
	if (r < 0)
		return r;
	if (!src)
		return -ENOENT;
	if (src == tree->root)
		return -EBUSY;
	r = tree_resolve(tree, to, &dst, &dst_dir, &dst_name);
	if (r < 0)
		return r;
	if (dst == src)
		return 0; /* rename(2): same entry, nothing to do */
	if (!dst_dir)
		return -EBUSY; /* the root */
	if (src->type == CFS_DIR && entry_is_ancestor(src, dst_dir))
		return -EINVAL;
	if (dst && (r = rename_check_target(src, dst)) < 0)
		return r;
	if (src->type == CFS_FILE && cfs_guest_id_taken(tree, to, src))
		return -EEXIST;
	new_name = strdup(dst_name);
	if (!new_name)
		return -ENOMEM;

	tree->version++;
	if (dst)
		tree_remove(tree, dst);
	dir_detach(src);
	free(src->name);
	src->name = new_name;
	src->version = tree->version;
	dir_attach(dst_dir, src);
	notify_updated(tree, src);
	return 0;
}

/* ------------------------------------------------------------ walking */

static int
walk_entry(const struct cfs_entry *e, int (*fn)(void *ctx, const struct cfs_record *rec),
	   void *ctx)
{
	struct cfs_record rec;
	qb_map_iter_t *it;
	void *child;
	int r;

	tree_record(e, &rec);
	r = fn(ctx, &rec);
	if (r || e->type != CFS_DIR)
		return r;
	it = qb_map_iter_create(e->children);
	if (!it)
		return -ENOMEM;
	while (!r && qb_map_iter_next(it, &child))
		r = walk_entry(child, fn, ctx);
	qb_map_iter_free(it);
	return r;
}

int
cfs_tree_walk(const cfs_tree_t *tree, int (*fn)(void *ctx, const struct cfs_record *rec),
	      void *ctx)
{
	return walk_entry(tree->root, fn, ctx);
}
