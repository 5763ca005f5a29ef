/*
 * fs-file.c - open files of the tree: each works on a private copy of the
 * content taken at open (close-to-open consistency); writes change only
 * that copy, and flush, fsync or close publish it as one change, so other
 * nodes never see half a file.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <qb/qblog.h>

#include "clusterd/fs-int.h"

/* How long an open waits for the release of a truncated file; see
 * wait_truncations(). */
#define TRUNCATION_WAIT_MS 100

/* An open file: its private copy of the content. */
struct handle {
	pthread_mutex_t lock; /* guards data, size, dirty: FUSE may call concurrently */
	char *path;
	char *data;
	size_t size;
	bool dirty;
	bool written; /* dirty by a write, not only by O_TRUNC at open */
	bool writable;
	bool created_here; /* by this open: O_CREAT made the file */
	atomic_bool flushed; /* a descriptor of it was closed */
	/* Truncated at open, nothing written, and a descriptor closed: maybe
	 * the last, whose release publishes the empty file a moment later. */
	atomic_bool truncation_flushed;
	int poisoned; /* a write failed: publish nothing, report this */
	struct handle *next_writer; /* in cd_fs's writers, when writable */
	unsigned getattrs;	    /* getattrs using it from the list; fs->writers_lock */
	bool closed;		    /* released: the last of those getattrs frees it */
	bool in_pagecache;	    /* cd_pagecache_open() was told of it */
	/*
	 * A create sent ahead of the content (see cd_fs_create()).  Its own
	 * lock: the loop thread reports the outcome while a flush may hold
	 * @lock waiting for a later change.
	 */
	pthread_mutex_t create_lock; /* guards create_pending, create_result */
	pthread_cond_t created;
	bool create_sent;
	bool create_pending;
	int create_result;
	uint64_t provisional_ino; /* st_ino until the tree has the file */
};

/* A create the caller does not wait for: it ends in create_done(). */
struct create_job {
	struct cd_job job;
	cd_fs_t *fs;
	struct handle *h;
	struct cfs_op op;
};

/* cd_fs_read_all() for a writer, refused at open, not at close, without
 * quorum: editors report it best there. */
static int
read_all_writable(struct fs_job *j)
{
	return cfs_replica_writable(j->fs->replica) ? cd_fs_read_all(j) : -EROFS;
}

static void
handle_free(struct handle *h)
{
	pthread_cond_destroy(&h->created);
	pthread_mutex_destroy(&h->create_lock);
	pthread_mutex_destroy(&h->lock);
	free(h->path);
	free(h->data);
	free(h);
}

static struct handle *
handle_new(const char *path, char *data, size_t size, bool writable)
{
	struct handle *h = calloc(1, sizeof(*h));

	if (!h || !(h->path = strdup(path))) {
		free(h);
		return NULL;
	}
	pthread_mutex_init(&h->lock, NULL);
	pthread_mutex_init(&h->create_lock, NULL);
	pthread_cond_init(&h->created, NULL);
	h->data = data;
	h->size = size;
	h->writable = writable;
	return h;
}

static struct handle *
fi_handle(struct fuse_file_info *fi)
{
	return (struct handle *)(uintptr_t)fi->fh;
}

/* Writable handles are listed, so a getattr without one finds them. */
static void
writer_add(cd_fs_t *fs, struct handle *h)
{
	pthread_mutex_lock(&fs->writers_lock);
	h->next_writer = fs->writers;
	fs->writers = h;
	pthread_mutex_unlock(&fs->writers_lock);
}

/* Unlist @h at its release; false when a getattr still uses it and frees it. */
static bool
writer_remove(cd_fs_t *fs, struct handle *h)
{
	bool free_now;

	pthread_mutex_lock(&fs->writers_lock);
	for (struct handle **link = &fs->writers; *link; link = &(*link)->next_writer) {
		if (*link == h) {
			*link = h->next_writer;
			break;
		}
	}
	h->closed = true;
	free_now = !h->getattrs;
	if (atomic_exchange(&h->truncation_flushed, false))
		pthread_cond_broadcast(&fs->truncations_cond);
	pthread_mutex_unlock(&fs->writers_lock);
	return free_now;
}

/* Is a descriptor that created @path on this node still open, none of its
 * duplicates closed yet? */
bool
cd_fs_file_creating(cd_fs_t *fs, const char *path)
{
	bool r = false;

	pthread_mutex_lock(&fs->writers_lock);
	for (struct handle *h = fs->writers; h && !r; h = h->next_writer)
		r = h->created_here && !atomic_load(&h->flushed) && !strcmp(h->path, path);
	pthread_mutex_unlock(&fs->writers_lock);
	return r;
}

static bool
truncation_pending(cd_fs_t *fs, const char *path)
{
	for (struct handle *h = fs->writers; h; h = h->next_writer)
		if (atomic_load(&h->truncation_flushed) && !strcmp(h->path, path))
			return true;
	return false;
}

/*
 * `: > f; cat f` closes a truncated file without writing, and its release,
 * which publishes the empty file, reaches us after close returned.  An
 * open of that path waits for it, long enough for a release on its way,
 * not for a file that some process still holds open.
 */
static void
wait_truncations(cd_fs_t *fs, const char *path)
{
	struct timespec deadline;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_nsec += TRUNCATION_WAIT_MS * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&fs->writers_lock);
	while (truncation_pending(fs, path) &&
	       pthread_cond_timedwait(&fs->truncations_cond, &fs->writers_lock, &deadline) == 0)
		;
	pthread_mutex_unlock(&fs->writers_lock);
}

/* @h's truncation was published, or will be with what was written. */
static void
truncation_settled(cd_fs_t *fs, struct handle *h)
{
	if (!atomic_exchange(&h->truncation_flushed, false))
		return;
	pthread_mutex_lock(&fs->writers_lock);
	pthread_cond_broadcast(&fs->truncations_cond);
	pthread_mutex_unlock(&fs->writers_lock);
}

static void
getattr_done(cd_fs_t *fs, struct handle *h)
{
	bool free_now;

	pthread_mutex_lock(&fs->writers_lock);
	free_now = !--h->getattrs && h->closed;
	pthread_mutex_unlock(&fs->writers_lock);
	if (free_now)
		handle_free(h);
}

/* Is @h's create sent ahead still on its way, or did it make the file? */
static bool
create_may_succeed(struct handle *h)
{
	bool r;

	pthread_mutex_lock(&h->create_lock);
	r = h->create_pending || h->create_result == 0 || h->create_result == -EEXIST;
	pthread_mutex_unlock(&h->create_lock);
	return r;
}

int
cd_fs_file_getattr(cd_fs_t *fs, const char *path, struct fuse_file_info *fi,
		   struct stat *out, cd_fs_stat_fn *stat_tree)
{
	struct handle *h = fi && fi->fh ? fi_handle(fi) : NULL;
	int r;

	bool listed = !h;

	if (listed) {
		pthread_mutex_lock(&fs->writers_lock);
		for (h = fs->writers; h && strcmp(h->path, path); h = h->next_writer)
			;
		if (h)
			h->getattrs++;
		pthread_mutex_unlock(&fs->writers_lock);
		if (!h)
			return stat_tree(fs, path, out, true);
	}
	/* Held still: a publish holds this lock throughout. */
	pthread_mutex_lock(&h->lock);
	/* Our own create on its way is answered below, without waiting. */
	r = stat_tree(fs, path, out, !h->create_sent);
	if (r == -ENOENT && h->create_sent && create_may_succeed(h)) {
		/* Created here, and the create is still on its way. */
		memset(out, 0, sizeof(*out));
		out->st_ino = h->provisional_ino;
		out->st_mode = S_IFREG | cfs_path_mode(h->path, CFS_FILE);
		out->st_nlink = 1;
		out->st_blksize = 4096;
		out->st_mtime = out->st_ctime = out->st_atime = time(NULL);
		r = 0;
	}
	/* Our own unpublished writes show in our own stat. */
	if (r == 0 && S_ISREG(out->st_mode) && h->dirty)
		out->st_size = (off_t)h->size;
	pthread_mutex_unlock(&h->lock);
	if (listed)
		getattr_done(fs, h);
	return r;
}

/* The outcome of @h's create sent ahead: on the loop thread, or at close. */
static void
create_ended(struct handle *h, int result)
{
	pthread_mutex_lock(&h->create_lock);
	h->create_result = result;
	h->create_pending = false;
	pthread_cond_broadcast(&h->created);
	pthread_mutex_unlock(&h->create_lock);
}

static void
create_done(void *ctx, int result)
{
	struct create_job *c = ctx;
	cd_fs_t *fs = c->fs;

	create_ended(c->h, result);
	free(c);
	pthread_mutex_lock(&fs->creates_lock);
	fs->creates_ended++;
	pthread_cond_broadcast(&fs->creates_cond);
	pthread_mutex_unlock(&fs->creates_lock);
}

uint64_t
cd_fs_creates_on_their_way(cd_fs_t *fs)
{
	uint64_t sent;

	pthread_mutex_lock(&fs->creates_lock);
	sent = fs->creates_ended < fs->creates_sent ? fs->creates_sent : 0;
	pthread_mutex_unlock(&fs->creates_lock);
	return sent;
}

void
cd_fs_wait_creates(cd_fs_t *fs, uint64_t sent)
{
	pthread_mutex_lock(&fs->creates_lock);
	while (fs->creates_ended < sent)
		pthread_cond_wait(&fs->creates_cond, &fs->creates_lock);
	pthread_mutex_unlock(&fs->creates_lock);
}

static void
create_abandoned(struct cd_job *job, int result)
{
	create_done(job, result);
}

static void
run_create(struct cd_job *job)
{
	struct create_job *c = (struct create_job *)job;
	int r = cfs_replica_submit(c->fs->replica, &c->op, create_done, c);

	if (r < 0)
		create_done(c, r);
}

static int
read_stat_only(struct fs_job *j)
{
	return cfs_tree_stat(cfs_replica_tree(j->fs->replica), j->path, &j->st);
}

/*
 * Wait for @h's create, if one was sent ahead, and say whether the file
 * exists: 0, or why the create failed.  EEXIST from the create is fine
 * when another node created the name first (our content then replaces
 * theirs, as O_CREAT without O_EXCL asks), not when a guest id was taken.
 */
static int
create_outcome(cd_fs_t *fs, struct handle *h)
{
	struct fs_job j = { .path = h->path };
	int r;

	if (!h->create_sent)
		return 0;
	pthread_mutex_lock(&h->create_lock);
	while (h->create_pending)
		pthread_cond_wait(&h->created, &h->create_lock);
	r = h->create_result;
	pthread_mutex_unlock(&h->create_lock);
	if (r == -EEXIST && cd_fs_read_tree(fs, &j, read_stat_only) == 0)
		r = 0;
	return r;
}

int
cd_fs_open(const char *path, struct fuse_file_info *fi)
{
	cd_fs_t *fs = cd_fs_self();
	bool writable = (fi->flags & O_ACCMODE) != O_RDONLY;
	struct fs_job j = { .path = path, .truncating = fi->flags & O_TRUNC };
	struct handle *h;
	int r;

	j.vf = cd_virtual_find(path);
	if (j.vf && writable)
		return -EACCES;
	if (!j.vf)
		wait_truncations(fs, path);
	r = j.vf ? cd_fs_call(fs, &j, cd_fs_run_generate)
		 : cd_fs_read_tree(fs, &j, writable ? read_all_writable : cd_fs_read_all);
	/* The kernel only opens names it knows: another node removed this
	 * one.  ESTALE makes it look the name up again, and create it if
	 * asked to, rather than fail a create with ENOENT. */
	if (r == -ENOENT)
		return -ESTALE;
	if (r < 0)
		return r;
	if (j.vf && j.truncating) {
		free(j.data);
		j.data = NULL;
		j.size = 0;
	}
	h = handle_new(path, j.data, j.size, writable);
	if (!h) {
		free(j.data);
		return -ENOMEM;
	}
	h->dirty = (fi->flags & O_TRUNC) && j.st.size > 0;
	if (j.vf)
		fi->direct_io = 1; /* generated anew each time: never cache it */
	else
		fi->keep_cache = cd_pagecache_open(fs->pagecache, path, j.st.version, writable);
	h->in_pagecache = !j.vf;
	if (writable)
		writer_add(fs, h);
	fi->fh = (uintptr_t)h;
	return 0;
}

static int
may_create(struct fs_job *j)
{
	if (!cfs_replica_writable(j->fs->replica))
		return -EROFS;
	return cfs_tree_may_create(cfs_replica_tree(j->fs->replica), j->path, CFS_FILE);
}

/* Send @h's create ahead; the first to wait for it is its publish. */
static int
send_create_ahead(cd_fs_t *fs, struct handle *h)
{
	struct create_job *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return -ENOMEM;
	c->job.run = run_create;
	c->job.abandon = create_abandoned;
	c->fs = fs;
	c->h = h;
	c->op = (struct cfs_op){ .type = CFS_MSG_CREATE, .mtime = (int64_t)time(NULL),
				 .path = h->path };
	h->create_sent = h->create_pending = true;
	h->provisional_ino = atomic_fetch_add(&fs->next_provisional_ino, 1);
	pthread_mutex_lock(&fs->creates_lock);
	r = cd_bridge_post(fs->bridge, &c->job);
	if (r == 0)
		fs->creates_sent++;
	pthread_mutex_unlock(&fs->creates_lock);
	if (r < 0) {
		h->create_sent = h->create_pending = false;
		free(c);
	}
	return r;
}

/*
 * A create that must answer at once, O_EXCL (mkstemp, editors' swap
 * files), or one the tree would refuse, waits for its round through
 * corosync.  Any other goes ahead of the content without a wait: the
 * change that publishes the content follows it in the same order, and
 * the writer learns both outcomes at close, one round through corosync
 * instead of two.  Checked against the tree first, so the usual refusals
 * (no such directory, guest id taken, no space, no quorum) still come
 * at open.
 */
int
cd_fs_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	cd_fs_t *fs = cd_fs_self();
	struct fs_job j = { .path = path };
	bool ahead = !(fi->flags & O_EXCL);
	struct handle *h;
	int r;

	if (cd_fs_reserved(path))
		return -EEXIST;
	if (ahead && cd_fs_read_tree(fs, &j, may_create) < 0)
		ahead = false;
	if (!ahead && (r = cd_fs_submit(fs, CFS_MSG_CREATE, path, NULL, NULL, 0)) < 0)
		return r;
	h = handle_new(path, NULL, 0, true);
	if (!h)
		return -ENOMEM;
	h->created_here = true;
	if (ahead && (r = send_create_ahead(fs, h)) < 0) {
		handle_free(h);
		return r;
	}
	(void)cd_pagecache_open(fs->pagecache, path, 0, true);
	h->in_pagecache = true;
	writer_add(fs, h);
	fi->fh = (uintptr_t)h;
	return 0;
}

int
cd_fs_read(const char *path, char *buf, size_t size, off_t offset, struct fuse_file_info *fi)
{
	struct handle *h = fi_handle(fi);
	size_t n = 0;

	pthread_mutex_lock(&h->lock);
	if ((size_t)offset < h->size) {
		n = h->size - (size_t)offset < size ? h->size - (size_t)offset : size;
		memcpy(buf, h->data + offset, n);
	}
	pthread_mutex_unlock(&h->lock);
	return (int)n;
}

/* Make the copy @size bytes long, zero-filling any growth. */
static int
handle_resize(struct handle *h, size_t size, size_t max)
{
	char *grown;

	if (size > max)
		return -EFBIG;
	if (size > h->size) {
		grown = realloc(h->data, size);
		if (!grown)
			return -ENOMEM;
		memset(grown + h->size, 0, size - h->size);
		h->data = grown;
	}
	h->size = size;
	h->dirty = true;
	return 0;
}

int
cd_fs_write(const char *path, const char *buf, size_t size, off_t offset, struct fuse_file_info *fi)
{
	struct handle *h = fi_handle(fi);
	size_t end = (size_t)offset + size;
	int r = 0;

	pthread_mutex_lock(&h->lock);
	if (end > h->size)
		r = handle_resize(h, end, cd_fs_self()->limits.max_file_size);
	if (r == 0) {
		memcpy(h->data + offset, buf, size);
		h->dirty = h->written = true;
	} else {
		/* The file must stay as it was, not end up with half the data. */
		h->poisoned = r;
	}
	pthread_mutex_unlock(&h->lock);
	/* Written after all: its close publishes, openers need not wait. */
	if (r == 0)
		truncation_settled(cd_fs_self(), h);
	return r < 0 ? r : (int)size;
}

/*
 * Publish the handle's content as one change if it changed.  With
 * @only_if_written, a file that was just truncated at open and not written
 * waits: a shell closes a duplicate of the descriptor (a flush) before the
 * command writes, and that must not publish an empty file.
 */
static int
handle_publish(cd_fs_t *fs, struct handle *h, bool only_if_written)
{
	int r = 0, created;

	pthread_mutex_lock(&h->lock);
	if (h->poisoned) {
		r = h->poisoned;
	} else if (h->dirty && (h->written || !only_if_written)) {
		r = cd_fs_submit(fs, CFS_MSG_WRITE, h->path, NULL, h->data, h->size);
		if (r == 0)
			h->dirty = h->written = false;
	}
	pthread_mutex_unlock(&h->lock);
	if (r == 0)
		truncation_settled(fs, h);
	/* A failed create explains a failed write better than ENOENT does. */
	created = create_outcome(fs, h);
	if (created < 0)
		r = created;
	/* The kernel kept what this writer did as if it were published (it
	 * skips this node's own changes): make it ask again. */
	if (r < 0 && fs->invalidator)
		cd_invalidator_push(fs->invalidator, h->path);
	return r;
}

int
cd_fs_flush(const char *path, struct fuse_file_info *fi)
{
	struct handle *h = fi_handle(fi);
	int r = handle_publish(cd_fs_self(), h, true);

	atomic_store(&h->flushed, true);
	pthread_mutex_lock(&h->lock);
	if (h->dirty && !h->written && !h->poisoned)
		atomic_store(&h->truncation_flushed, true);
	pthread_mutex_unlock(&h->lock);
	return r;
}

int
cd_fs_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
	return handle_publish(cd_fs_self(), fi_handle(fi), false);
}

int
cd_fs_release(const char *path, struct fuse_file_info *fi)
{
	cd_fs_t *fs = cd_fs_self();
	struct handle *h = fi_handle(fi);
	int r = handle_publish(fs, h, false);

	if (r < 0)
		qb_log(LOG_WARNING, "changes to '%s' were lost at close: %s", h->path,
		       strerror(-r));
	if (h->in_pagecache)
		cd_pagecache_release(fs->pagecache, h->path, h->writable);
	if (!h->writable || writer_remove(fs, h))
		handle_free(h);
	return 0;
}

int
cd_fs_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	cd_fs_t *fs = cd_fs_self();
	struct fs_job j = { .path = path };
	struct handle *h;
	int r;

	if (size < 0)
		return -EINVAL;
	if (cd_fs_reserved(path))
		return -EPERM;
	if (fi && fi->fh) {
		h = fi_handle(fi);
		pthread_mutex_lock(&h->lock);
		r = handle_resize(h, (size_t)size, fs->limits.max_file_size);
		h->written = true;
		pthread_mutex_unlock(&h->lock);
		return r;
	}
	/* truncate(2) on a path: read, cut, publish at once. */
	r = cd_fs_read_tree(fs, &j, cd_fs_read_all);
	if (r < 0)
		return r;
	h = handle_new(path, j.data, j.size, true);
	if (!h) {
		free(j.data);
		return -ENOMEM;
	}
	r = handle_resize(h, (size_t)size, fs->limits.max_file_size);
	if (r == 0)
		r = handle_publish(fs, h, false);
	handle_free(h);
	return r;
}

