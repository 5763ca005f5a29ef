/*
 * virtual.c - the read-only JSON files in the root of the tree (.members,
 * .guests, .version, .clusterlog): which exist and how each is made.  Called on the
 * loop thread only.
 */
#include <config.h>

#include <string.h>

#include "clusterd/clusterd.h"

static char *
generate_members(cfs_replica_t *replica, cd_quorum_t *quorum)
{
	return cd_quorum_members_json(quorum);
}

static char *
generate_guests(cfs_replica_t *replica, cd_quorum_t *quorum)
{
	return cfs_guests_json(cfs_replica_tree(replica));
}

static char *
generate_version(cfs_replica_t *replica, cd_quorum_t *quorum)
{
	return cfs_version_json(cfs_replica_tree(replica));
}

static char *
generate_clusterlog(cfs_replica_t *replica, cd_quorum_t *quorum)
{
	return cfs_clog_json(cfs_replica_clog(replica));
}

const struct cd_virtual_file cd_virtual_files[] = {
	{ "/.members", generate_members },
	{ "/.guests", generate_guests },
	{ "/.version", generate_version },
	{ "/.clusterlog", generate_clusterlog },
	{ NULL, NULL },
};

const struct cd_virtual_file *
cd_virtual_find(const char *path)
{
	for (const struct cd_virtual_file *vf = cd_virtual_files; vf->path; vf++)
		if (!strcmp(path, vf->path))
			return vf;
	return NULL;
}
