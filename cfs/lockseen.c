/*
 * lockseen.c - how old each cluster lock is, as this member sees it: the
 * time on its own monotonic clock when it saw the lock's last change
 * delivered.  Locks are few, so a small array is enough.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cfs/replica-int.h"

static struct lock_seen *
seen_find(struct cfs_replica *r, const char *path)
{
	for (size_t i = 0; i < r->n_locks; i++)
		if (!strcmp(r->locks[i].path, path))
			return &r->locks[i];
	return NULL;
}

static void
seen_remove(struct cfs_replica *r, struct lock_seen *l)
{
	free(l->path);
	*l = r->locks[--r->n_locks];
}

/* Record @version of the lock at @path as seen now; NULL on ENOMEM. */
static struct lock_seen *
seen_set(struct cfs_replica *r, const char *path, uint64_t version)
{
	struct lock_seen *l = seen_find(r, path);

	if (!l) {
		struct lock_seen *grown = realloc(r->locks, (r->n_locks + 1) * sizeof(*grown));
		char *copy = strdup(path);

		if (grown)
			r->locks = grown;
		if (!grown || !copy) {
			free(copy);
			return NULL;
		}
		l = &r->locks[r->n_locks++];
		l->path = copy;
	}
	l->version = version;
	l->at_ns = r->ops.now(r->ops.ctx);
	return l;
}

void
lock_seen_changed(struct cfs_replica *r, const char *path)
{
	struct cfs_stat st;
	struct lock_seen *l;

	if (cfs_tree_stat(r->tree, path, &st) == 0) {
		(void)seen_set(r, path, st.version);
		return;
	}
	l = seen_find(r, path);
	if (l)
		seen_remove(r, l);
}

void
lock_seen_free(struct cfs_replica *r)
{
	for (size_t i = 0; i < r->n_locks; i++)
		free(r->locks[i].path);
	free(r->locks);
	r->locks = NULL;
	r->n_locks = 0;
}

int
cfs_replica_lock_info(cfs_replica_t *r, const char *path, struct cfs_lock_info *ret_info)
{
	struct lock_seen *l;
	struct cfs_stat st;
	int err;

	if (!cfs_path_is_lock(path))
		return -EINVAL;
	err = cfs_tree_stat(r->tree, path, &st);
	if (err < 0) {
		l = seen_find(r, path);
		if (l)
			seen_remove(r, l);
		return err;
	}
	l = seen_find(r, path);
	/* Changed without us seeing the delivery (a synchronisation): start now. */
	if (!l || l->version != st.version)
		l = seen_set(r, path, st.version);
	if (!l)
		return -ENOMEM;
	ret_info->owner = st.owner;
	ret_info->version = st.version;
	ret_info->age_ns = r->ops.now(r->ops.ctx) - l->at_ns;
	return 0;
}
