/*
 * load.c - rebuild a tree from records (a database, or a peer's state) and
 * refuse anything that is not a well-formed tree: garbage is never served.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qb/qbmap.h>

#include "cfs/cfs-int.h"

struct pending {
	struct cfs_entry *entry;
	uint64_t parent;
	char key[24]; /* the inode in decimal: the index key */
};

static bool
name_valid(const char *name)
{
	size_t len = strlen(name);

	return len > 0 && len <= CFS_NAME_MAX && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..");
}

static struct cfs_entry *
entry_from_record(const struct cfs_record *rec)
{
	struct cfs_entry *e = cfs_entry_new(rec->name ? rec->name : "", rec->type);

	if (!e)
		return NULL;
	e->inode = rec->inode;
	e->version = rec->version;
	e->mtime = rec->mtime;
	e->owner = rec->owner;
	if (rec->type == CFS_FILE && rec->size) {
		e->data = malloc(rec->size);
		if (!e->data) {
			cfs_entry_free(e);
			return NULL;
		}
		memcpy(e->data, rec->data, rec->size);
		e->size = rec->size;
	}
	return e;
}

/* Checks one record can stand alone; linking is checked later. */
static int
record_check(const struct cfs_record *rec, uint64_t version, const struct cfs_limits *limits)
{
	bool is_root = rec->inode == 0;

	if (rec->type != CFS_DIR && rec->type != CFS_FILE)
		return -EUCLEAN;
	if (rec->version > version || (!is_root && rec->version < rec->inode))
		return -EUCLEAN;
	if (is_root != (rec->parent == rec->inode) || (is_root && rec->type != CFS_DIR))
		return -EUCLEAN;
	if (!is_root && (!rec->name || !name_valid(rec->name)))
		return -EUCLEAN;
	if (rec->type == CFS_DIR ? rec->size != 0 : rec->size > limits->max_file_size)
		return -EUCLEAN;
	if (rec->size && !rec->data)
		return -EUCLEAN;
	if (rec->owner && rec->type != CFS_DIR)
		return -EUCLEAN; /* only lock directories have a holder */
	return 0;
}

/* Count the entries reachable from @e: a cycle leaves some unreachable. */
static size_t
count_reachable(const struct cfs_entry *e)
{
	size_t n = 1;
	qb_map_iter_t *it;
	void *child;

	if (e->type != CFS_DIR)
		return 1;
	it = qb_map_iter_create(e->children);
	while (it && qb_map_iter_next(it, &child))
		n += count_reachable(child);
	if (it)
		qb_map_iter_free(it);
	return n;
}

static int
link_all(struct pending *p, size_t count, qb_map_t *index, struct cfs_entry **ret_root)
{
	struct cfs_entry *root = NULL;

	for (size_t i = 0; i < count; i++) {
		struct pending *parent;
		char key[24];

		if (p[i].entry->inode == 0) {
			root = p[i].entry;
			continue;
		}
		snprintf(key, sizeof(key), "%" PRIu64, p[i].parent);
		parent = qb_map_get(index, key);
		if (!parent || parent->entry->type != CFS_DIR ||
		    cfs_entry_child(parent->entry, p[i].entry->name))
			return -EUCLEAN;
		p[i].entry->parent = parent->entry;
		qb_map_put(parent->entry->children, p[i].entry->name, p[i].entry);
	}
	if (!root || count_reachable(root) != count)
		return -EUCLEAN;
	*ret_root = root;
	return 0;
}

/*
 * Free entries whose links may be partial or even cyclic: forget every
 * directory's children first, then free each entry on its own.
 */
static void
free_unlinked(struct pending *p, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		if (p[i].entry && p[i].entry->children) {
			qb_map_destroy(p[i].entry->children);
			p[i].entry->children = NULL;
		}
	}
	for (size_t i = 0; i < count; i++)
		cfs_entry_free(p[i].entry);
}

int
cfs_tree_from_records(const struct cfs_record *records, size_t count, uint64_t version,
		      const struct cfs_limits *limits, cfs_tree_t **ret_tree)
{
	struct cfs_entry *root = NULL;
	struct pending *p;
	qb_map_t *index;
	cfs_tree_t *tree;
	size_t bytes = 0, built;
	int r = -ENOMEM;

	tree = cfs_tree_new(limits);
	if (!tree)
		return -ENOMEM;
	p = calloc(count ? count : 1, sizeof(*p));
	index = qb_hashtable_create(count ? count : 1);
	if (!p || !index)
		goto out;
	limits = limits ? limits
			: &(struct cfs_limits){ CFS_DEFAULT_MAX_FILE_SIZE,
						CFS_DEFAULT_MAX_TOTAL_SIZE,
						CFS_DEFAULT_MAX_ENTRIES };
	r = -EUCLEAN;
	if (count == 0 || count > limits->max_entries)
		goto out;
	for (built = 0; built < count; built++) {
		const struct cfs_record *rec = &records[built];

		r = record_check(rec, version, limits);
		if (r < 0)
			goto out;
		r = -ENOMEM;
		p[built].entry = entry_from_record(rec);
		if (!p[built].entry)
			goto out;
		p[built].parent = rec->parent;
		snprintf(p[built].key, sizeof(p[built].key), "%" PRIu64, rec->inode);
		r = -EUCLEAN;
		if (qb_map_get(index, p[built].key))
			goto out; /* duplicate inode */
		qb_map_put(index, p[built].key, &p[built]);
		bytes += rec->size;
	}
	if (bytes > limits->max_total_size)
		goto out;
	r = link_all(p, count, index, &root);
	if (r < 0)
		goto out;
	cfs_tree_adopt(tree, root, version, count, bytes);
	*ret_tree = tree;
	tree = NULL;

out:
	if (r < 0 && p)
		free_unlinked(p, count);
	if (index)
		qb_map_destroy(index);
	free(p);
	cfs_tree_free(tree);
	return r;
}
