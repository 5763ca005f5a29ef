/*
 * stale-mount.c - clear the mount point of trees left by dead clusterds.
 *
 * A clusterd killed without unmounting leaves its FUSE mount behind.  It
 * is not always visible as one: for the attribute cache timeout after the
 * last look, stat() of the mount point still answers from the kernel's
 * cache instead of ENOTCONN, and a new clusterd would mount on top of it.
 * A later start would then detach only the top one and find another.  So
 * the mount table is the judge: this clusterd holds the node's pid file
 * lock, hence every clusterha mount at its mount point is a dead one's.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <mntent.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include <qb/qblog.h>

#include "clusterd/fs-int.h"

/* Stacked mounts beyond this are not ours to untangle. */
#define MAX_STALE_MOUNTS 64

/* Does the mount table list a tree at @mount_point (no trailing slash)? */
static bool
tree_mounted_at(const char *mount_point)
{
	FILE *table = setmntent("/proc/self/mounts", "re");
	struct mntent *m;
	bool found = false;

	if (!table)
		return false;
	while (!found && (m = getmntent(table)))
		found = !strcmp(m->mnt_dir, mount_point) &&
			!strcmp(m->mnt_fsname, CD_FS_NAME) && !strcmp(m->mnt_type, CD_FS_TYPE);
	endmntent(table);
	return found;
}

int
cd_fs_detach_stale_mounts(const char *mount_point)
{
	char dir[PATH_MAX];
	size_t len = strlen(mount_point);

	/* The table names mount points without a trailing slash. */
	while (len > 1 && mount_point[len - 1] == '/')
		len--;
	if (len >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, mount_point, len);
	dir[len] = '\0';
	for (int n = 0; tree_mounted_at(dir); n++) {
		if (n == MAX_STALE_MOUNTS) {
			qb_log(LOG_ERR, "'%s': more than %d stale mounts of the tree", dir,
			       MAX_STALE_MOUNTS);
			return -ELOOP;
		}
		qb_log(LOG_WARNING, "'%s' is a stale mount of a dead clusterd, detaching it", dir);
		if (umount2(dir, MNT_DETACH) < 0) {
			int err = errno;

			qb_log(LOG_ERR, "cannot detach the stale mount at '%s': %s", dir,
			       strerror(err));
			return -err;
		}
	}
	return 0;
}
