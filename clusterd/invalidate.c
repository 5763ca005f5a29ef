/*
 * invalidate.c - tells the kernel which of its cached attributes and pages
 * a change to the tree made stale.
 *
 * The kernel keeps names, attributes and pages for a while (see fs_init()
 * in fs.c); changes that did not come through this node's mount, above
 * all those delivered from other nodes, must drop them.  The kernel may
 * wait on page locks held by requests that FUSE threads serve while
 * handling an invalidation, and FUSE threads wait for the loop thread, so
 * the loop thread only queues paths and a thread of its own tells the
 * kernel.
 */
#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUSE_USE_VERSION 312
#include <fuse3/fuse.h>

#include "clusterd/clusterd.h"

struct queued {
	struct queued *next;
	char path[];
};

struct cd_invalidator {
	struct fuse *fuse;
	pthread_t thread;
	pthread_mutex_t lock; /* guards head, tail, stopping */
	pthread_cond_t wake;
	struct queued *head, *tail;
	bool stopping;
};

static void *
invalidator_thread(void *data)
{
	cd_invalidator_t *inv = data;
	struct queued *batch;

	pthread_mutex_lock(&inv->lock);
	while (!inv->stopping) {
		if (!inv->head) {
			pthread_cond_wait(&inv->wake, &inv->lock);
			continue;
		}
		batch = inv->head;
		inv->head = inv->tail = NULL;
		pthread_mutex_unlock(&inv->lock);
		while (batch) {
			struct queued *next = batch->next;

			/* -ENOENT: the kernel holds nothing for it. */
			(void)fuse_invalidate_path(inv->fuse, batch->path);
			free(batch);
			batch = next;
		}
		pthread_mutex_lock(&inv->lock);
	}
	pthread_mutex_unlock(&inv->lock);
	return NULL;
}

int
cd_invalidator_start(struct fuse *fuse, cd_invalidator_t **ret_inv)
{
	cd_invalidator_t *inv = calloc(1, sizeof(*inv));
	int r;

	if (!inv)
		return -ENOMEM;
	inv->fuse = fuse;
	pthread_mutex_init(&inv->lock, NULL);
	pthread_cond_init(&inv->wake, NULL);
	r = -pthread_create(&inv->thread, NULL, invalidator_thread, inv);
	if (r < 0) {
		pthread_cond_destroy(&inv->wake);
		pthread_mutex_destroy(&inv->lock);
		free(inv);
		return r;
	}
	*ret_inv = inv;
	return 0;
}

void
cd_invalidator_push(cd_invalidator_t *inv, const char *path)
{
	size_t len = strlen(path) + 1;
	struct queued *q = malloc(sizeof(*q) + len);

	/* Without memory the entry stays cached until its timeout ends. */
	if (!q)
		return;
	q->next = NULL;
	memcpy(q->path, path, len);
	pthread_mutex_lock(&inv->lock);
	if (inv->tail)
		inv->tail->next = q;
	else
		inv->head = q;
	inv->tail = q;
	pthread_cond_signal(&inv->wake);
	pthread_mutex_unlock(&inv->lock);
}

void
cd_invalidator_stop(cd_invalidator_t *inv)
{
	struct queued *q;

	if (!inv)
		return;
	pthread_mutex_lock(&inv->lock);
	inv->stopping = true;
	pthread_cond_signal(&inv->wake);
	pthread_mutex_unlock(&inv->lock);
	pthread_join(inv->thread, NULL);
	while ((q = inv->head)) {
		inv->head = q->next;
		free(q);
	}
	pthread_cond_destroy(&inv->wake);
	pthread_mutex_destroy(&inv->lock);
	free(inv);
}

struct walk {
	cd_invalidator_t *inv;
	const cfs_tree_t *tree;
	char path[CFS_PATH_MAX + 1];
};

static int
walk_entry(void *ctx, const char *name, const struct cfs_stat *st)
{
	struct walk *w = ctx;
	size_t len = strlen(w->path);
	int n = snprintf(w->path + len, sizeof(w->path) - len, "%s%s", len > 1 ? "/" : "",
			 name);
	int r = 0;

	if (n < 0 || (size_t)n >= sizeof(w->path) - len) {
		w->path[len] = '\0';
		return 0; /* longer than the tree allows: cannot be cached */
	}
	cd_invalidator_push(w->inv, w->path);
	if (st->type == CFS_DIR)
		r = cfs_tree_readdir(w->tree, w->path, walk_entry, w);
	w->path[len] = '\0';
	return r;
}

void
cd_invalidator_push_tree(cd_invalidator_t *inv, const cfs_tree_t *tree)
{
	struct walk w = { .inv = inv, .tree = tree, .path = "/" };

	cd_invalidator_push(inv, "/");
	(void)cfs_tree_readdir(tree, "/", walk_entry, &w);
}
