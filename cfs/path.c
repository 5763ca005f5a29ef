/*
 * path.c - what a path in the tree may look like, what it means: private
 * directories, guest configs and their cluster-wide unique ids.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "cfs/cfs-int.h"

const struct cfs_guest_type cfs_guest_types[] = {
	{ "qemu", "vm" },
	{ "lxc", "ct" },
	{ "exec", "svc" },
};
const size_t cfs_n_guest_types = sizeof(cfs_guest_types) / sizeof(cfs_guest_types[0]);

bool
cfs_path_valid(const char *path)
{
	const char *p;

	if (!path || path[0] != '/' || strlen(path) > CFS_PATH_MAX)
		return false;
	if (path[1] == '\0')
		return true;
	for (p = path + 1;;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);

		if (len == 0 || len > CFS_NAME_MAX)
			return false;
		if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		if (!slash)
			return true;
		p = slash + 1;
	}
}

/* Is @path /priv, /nodes/<n>/priv or below one of them? */
static bool
path_is_private(const char *path)
{
	char node[CFS_NAME_MAX + 1];
	int end = 0;

	if (!strncmp(path, "/priv", 5) && (path[5] == '\0' || path[5] == '/'))
		return true;
	if (sscanf(path, "/nodes/%255[^/]/priv%n", node, &end) == 1 && end > 0)
		return path[end] == '\0' || path[end] == '/';
	return false;
}

uint32_t
cfs_path_mode(const char *path, enum cfs_type type)
{
	if (path_is_private(path))
		return type == CFS_DIR ? 0700 : 0600;
	return type == CFS_DIR ? 0755 : 0644;
}

bool
cfs_guest_file_id(const char *name, char ret_id[10])
{
	size_t len = strspn(name, "0123456789");

	if (len == 0 || len > 9 || name[0] == '0' || strcmp(name + len, ".conf") != 0)
		return false;
	memcpy(ret_id, name, len);
	ret_id[len] = '\0';
	return true;
}

/* Is @path a guest config?  Its guest id goes to @ret_id. */
static bool
guest_path_id(const char *path, char ret_id[10])
{
	char node[CFS_NAME_MAX + 1], dir[8], file[CFS_NAME_MAX + 1], rest[2];

	if (sscanf(path, "/nodes/%255[^/]/%7[^/]/%255[^/]%1s", node, dir, file, rest) != 3)
		return false;
	for (size_t i = 0; i < cfs_n_guest_types; i++)
		if (!strcmp(dir, cfs_guest_types[i].dir))
			return cfs_guest_file_id(file, ret_id);
	return false;
}

/* The entry at /nodes/<node>/<dir>/<file> of @path's node and dir, if any. */
static const struct cfs_entry *
entry_at_guest_path(const struct cfs_entry *nodes, const char *path, const char *file)
{
	char node_name[CFS_NAME_MAX + 1], dir[8];
	const struct cfs_entry *n, *d;

	if (sscanf(path, "/nodes/%255[^/]/%7[^/]/", node_name, dir) != 2)
		return NULL;
	n = cfs_entry_child(nodes, node_name);
	d = n ? cfs_entry_child(n, dir) : NULL;
	return d ? cfs_entry_child(d, file) : NULL;
}

bool
cfs_guest_id_taken(const cfs_tree_t *tree, const char *path, const struct cfs_entry *except)
{
	const struct cfs_entry *nodes, *self;
	char id[10], file[16];
	qb_map_iter_t *it;
	void *node;
	bool taken = false;

	if (!guest_path_id(path, id))
		return false;
	nodes = cfs_entry_child(cfs_tree_root(tree), "nodes");
	if (!nodes || nodes->type != CFS_DIR)
		return false;
	snprintf(file, sizeof(file), "%s.conf", id);
	/* The file currently at @path is about to be replaced: not a rival. */
	self = entry_at_guest_path(nodes, path, file);
	it = qb_map_iter_create(nodes->children);
	if (!it)
		return true; /* cannot check: refuse rather than allow a duplicate */
	while (!taken && qb_map_iter_next(it, &node)) {
		for (size_t i = 0; i < cfs_n_guest_types; i++) {
			const struct cfs_entry *d = cfs_entry_child(node, cfs_guest_types[i].dir);
			const struct cfs_entry *f = d ? cfs_entry_child(d, file) : NULL;

			if (f && f != except && f != self && f->type == CFS_FILE) {
				taken = true;
				break;
			}
		}
	}
	qb_map_iter_free(it);
	return taken;
}
