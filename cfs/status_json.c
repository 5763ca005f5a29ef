/*
 * status_json.c - the read-only JSON files in the root of the tree:
 * .members, .guests and .version, built from the membership view and the
 * tree.  Pure: the caller hands in everything they show.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cfs/cfs-int.h"

/* Serialise @obj (taken) into a new string ending in a newline, as files do. */
static char *
json_take_string(json_object *obj)
{
	char *s = NULL;

	if (obj) {
		const char *text = json_object_to_json_string_ext(
			obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);

		if (asprintf(&s, "%s\n", text) < 0)
			s = NULL;
	}
	json_object_put(obj);
	return s;
}

char *
cfs_members_json(const struct cfs_cluster_info *info)
{
	json_object *root = json_object_new_object();
	json_object *cluster = json_object_new_object();
	json_object *nodes = json_object_new_array();

	if (!root || !cluster || !nodes) {
		json_object_put(root);
		json_object_put(cluster);
		json_object_put(nodes);
		return NULL;
	}
	json_object_object_add(cluster, "name", json_object_new_string(info->cluster_name));
	json_object_object_add(cluster, "config_version",
			       json_object_new_uint64(info->config_version));
	json_object_object_add(cluster, "quorate", json_object_new_boolean(info->quorate));
	json_object_object_add(cluster, "nodes", json_object_new_int((int)info->n_nodes));
	json_object_object_add(root, "cluster", cluster);
	json_object_object_add(root, "local_nodeid", json_object_new_uint64(info->local_nodeid));
	for (size_t i = 0; i < info->n_nodes; i++) {
		const struct cfs_node_info *n = &info->nodes[i];
		json_object *node = json_object_new_object();

		json_object_object_add(node, "name", json_object_new_string(n->name));
		json_object_object_add(node, "id", json_object_new_uint64(n->nodeid));
		json_object_object_add(node, "online", json_object_new_boolean(n->online));
		json_object_object_add(node, "local",
				       json_object_new_boolean(n->nodeid == info->local_nodeid));
		json_object_array_add(nodes, node);
	}
	json_object_object_add(root, "nodes", nodes);
	return json_take_string(root);
}

/* Add the guests in @dir (a node's qemu/lxc/exec directory) to @guests. */
static void
add_guests_of(json_object *guests, const struct cfs_entry *dir, const char *node,
	      const char *type)
{
	qb_map_iter_t *it = qb_map_iter_create(dir->children);
	const char *name;
	void *value;

	if (!it)
		return;
	while ((name = qb_map_iter_next(it, &value))) {
		char id[10];
		json_object *guest;

		if (!cfs_guest_file_id(name, id) || ((struct cfs_entry *)value)->type != CFS_FILE)
			continue;
		guest = json_object_new_object();
		json_object_object_add(guest, "type", json_object_new_string(type));
		json_object_object_add(guest, "node", json_object_new_string(node));
		json_object_object_add(guests, id, guest);
	}
	qb_map_iter_free(it);
}

char *
cfs_guests_json(const cfs_tree_t *tree)
{
	const struct cfs_entry *nodes = cfs_entry_child(cfs_tree_root(tree), "nodes");
	json_object *root = json_object_new_object();
	json_object *guests = json_object_new_object();
	qb_map_iter_t *it = NULL;
	const char *node;
	void *value;

	if (!root || !guests) {
		json_object_put(root);
		json_object_put(guests);
		return NULL;
	}
	if (nodes && nodes->type == CFS_DIR)
		it = qb_map_iter_create(nodes->children);
	while (it && (node = qb_map_iter_next(it, &value))) {
		for (size_t i = 0; i < cfs_n_guest_types; i++) {
			const struct cfs_entry *dir = cfs_entry_child(value, cfs_guest_types[i].dir);

			if (dir && dir->type == CFS_DIR)
				add_guests_of(guests, dir, node, cfs_guest_types[i].type);
		}
	}
	if (it)
		qb_map_iter_free(it);
	json_object_object_add(root, "version", json_object_new_uint64(cfs_tree_version(tree)));
	json_object_object_add(root, "guests", guests);
	return json_take_string(root);
}

char *
cfs_version_json(const cfs_tree_t *tree)
{
	json_object *root = json_object_new_object();

	if (root)
		json_object_object_add(root, "version",
				       json_object_new_uint64(cfs_tree_version(tree)));
	return json_take_string(root);
}
