/*
 * pagecache.c - decides, at each open, whether the kernel may keep the
 * pages it cached for a file.
 *
 * Keeping them saves every read after the first a trip to this daemon; it
 * is safe only when the pages hold the file's current content.  Pages are
 * filled through open handles, each from the content it saw at its open,
 * so the version seen at the last open is remembered per path and pages
 * are kept while it is still the version in the tree.  Two kinds of
 * handles may fill pages with other content: a writer's, with content
 * that may never be published (quorum lost, EFBIG), and a reader's that
 * opened an older version than a later open saw.  While either is open,
 * and at the first open after the last handle closed, pages are dropped.
 * Unknown paths are dropped too: forgetting is always safe.
 */
#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <qb/qbmap.h>

#include "clusterd/clusterd.h"

/* Past this many paths the memory is cleared rather than grown. */
#define MAX_PATHS 4096

struct seen {
	uint64_t version; /* content version the cached pages hold */
	bool valid;	  /* false: the pages may hold anything */
	bool mixed;	  /* open handles saw different versions */
	unsigned handles; /* open handles, writers included */
	unsigned writers; /* open writable handles */
	char path[];	  /* the map's key */
};

struct cd_pagecache {
	pthread_mutex_t lock; /* guards map and every struct seen in it */
	qb_map_t *map;	      /* path -> struct seen */
};

static void
seen_free(uint32_t event, char *key, void *old_value, void *value, void *user_data)
{
	free(old_value);
}

int
cd_pagecache_new(cd_pagecache_t **ret_pc)
{
	cd_pagecache_t *pc = calloc(1, sizeof(*pc));

	if (!pc)
		return -ENOMEM;
	pc->map = qb_hashtable_create(MAX_PATHS / 16); /* buckets; chains grow */
	if (!pc->map ||
	    qb_map_notify_add(pc->map, NULL, seen_free, QB_MAP_NOTIFY_FREE, NULL) < 0) {
		if (pc->map)
			qb_map_destroy(pc->map);
		free(pc);
		return -ENOMEM;
	}
	pthread_mutex_init(&pc->lock, NULL);
	*ret_pc = pc;
	return 0;
}

void
cd_pagecache_free(cd_pagecache_t *pc)
{
	if (!pc)
		return;
	qb_map_destroy(pc->map);
	pthread_mutex_destroy(&pc->lock);
	free(pc);
}

/* Forget every path without open handles: their next open drops its pages. */
static void
forget_idle(cd_pagecache_t *pc)
{
	qb_map_iter_t *it = qb_map_iter_create(pc->map);
	struct seen *s;
	const char *key;

	if (!it)
		return;
	while ((key = qb_map_iter_next(it, (void **)&s)))
		if (!s->handles)
			qb_map_rm(pc->map, key);
	qb_map_iter_free(it);
}

/* The entry for @path, created invalid; NULL when memory is short. */
static struct seen *
seen_get(cd_pagecache_t *pc, const char *path)
{
	struct seen *s = qb_map_get(pc->map, path);
	size_t len = strlen(path) + 1;

	if (s)
		return s;
	if (qb_map_count_get(pc->map) >= MAX_PATHS)
		forget_idle(pc);
	s = calloc(1, sizeof(*s) + len);
	if (!s)
		return NULL;
	memcpy(s->path, path, len);
	qb_map_put(pc->map, s->path, s);
	return s;
}

bool
cd_pagecache_open(cd_pagecache_t *pc, const char *path, uint64_t version, bool writable)
{
	struct seen *s;
	bool keep = false;

	pthread_mutex_lock(&pc->lock);
	s = seen_get(pc, path);
	if (!s)
		goto out;
	if (writable) {
		s->writers++;
		s->valid = false;
	} else if (!s->writers && !s->mixed) {
		keep = s->valid && s->version == version;
		if (!keep && s->handles && s->valid && s->version != version)
			s->mixed = true; /* older readers still fill pages */
		else if (!keep) {
			/* Dropped now, the pages follow this version. */
			s->version = version;
			s->valid = true;
		}
	}
	s->handles++;
out:
	pthread_mutex_unlock(&pc->lock);
	return keep;
}

void
cd_pagecache_release(cd_pagecache_t *pc, const char *path, bool writable)
{
	struct seen *s;

	pthread_mutex_lock(&pc->lock);
	s = qb_map_get(pc->map, path);
	if (s) {
		if (s->handles)
			s->handles--;
		if (writable && s->writers) {
			s->writers--;
			/* Readers still open may hold content from before it. */
			if (s->handles)
				s->mixed = true;
		}
		/*
		 * After a writer or mixed readers the pages may hold anything:
		 * with the last handle gone, forget the path (what an unknown
		 * path means), or every file ever written would keep an entry.
		 */
		if (!s->handles && (!s->valid || s->mixed))
			qb_map_rm(pc->map, path);
	}
	pthread_mutex_unlock(&pc->lock);
}
