/*
 * fs.c - the tree as a FUSE file system at /etc/cluster: names,
 * attributes, directories and the mount's life cycle (open files are in
 * fs-file.c).  Reads run on FUSE threads under the tree lock; every change
 * runs on the loop thread, reached through the bridge.  Returns are the
 * errno a tool expects.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>

#include <qb/qblog.h>

#include "clusterd/fs-int.h"

/* The virtual link in the root to this node's directory. */
#define LOCAL_NAME "local"
#define LOCAL_LINK "/" LOCAL_NAME

bool
cd_fs_reserved(const char *path)
{
	return !strcmp(path, LOCAL_LINK) || cd_virtual_find(path);
}

cd_fs_t *
cd_fs_self(void)
{
	return fuse_get_context()->private_data;
}

static int64_t
now_seconds(void)
{
	return (int64_t)time(NULL);
}

/* ------------------------------------------------- loop-thread work */

static void
op_done(void *ctx, int result)
{
	struct fs_job *j = ctx;

	cd_job_finish(j->fs->bridge, &j->job, result);
}

static void
run_submit(struct cd_job *job)
{
	struct fs_job *j = (struct fs_job *)job;
	int r = cfs_replica_submit(j->fs->replica, &j->op, op_done, j);

	if (r < 0)
		cd_job_finish(j->fs->bridge, job, r);
}

/*
 * Has this node not seen the lock at @path renewed for a whole lease?
 * Such a lock is hidden (lookups say ENOENT), so that mkdir(2) reaches us
 * and takes it over, and its holder knows it has lost it.
 */
static bool
lock_expired(cd_fs_t *fs, const char *path)
{
	struct cfs_lock_info info;

	return cfs_path_is_lock(path) && cfs_replica_lock_info(fs->replica, path, &info) == 0 &&
	       info.age_ns >= fs->lock_lease_ns;
}

/*
 * mkdir of a lock: create it, or take it over when this node has not seen
 * it renewed for a whole lease; otherwise it is held: -EEXIST.
 */
static void
run_lock_mkdir(struct cd_job *job)
{
	struct fs_job *j = (struct fs_job *)job;
	struct cfs_lock_info info;
	int r = cfs_replica_lock_info(j->fs->replica, j->op.path, &info);

	if (r == 0) {
		if (info.age_ns < j->fs->lock_lease_ns) {
			cd_job_finish(j->fs->bridge, job, -EEXIST);
			return;
		}
		j->op.type = CFS_MSG_LOCK_TAKE;
		j->op.expect_version = info.version;
	} else if (r != -ENOENT) {
		cd_job_finish(j->fs->bridge, job, r);
		return;
	}
	run_submit(job);
}

/* ----------------------------------------------------- reading the tree
 *
 * Reads run on the FUSE thread under the tree's read lock, without a trip
 * to the loop thread, except where lock ages are involved: those belong
 * to the loop thread (see needs_loop()).
 */

static int
read_stat(struct fs_job *j)
{
	int r = cfs_tree_stat(cfs_replica_tree(j->fs->replica), j->path, &j->st);

	if (r == 0 && lock_expired(j->fs, j->path))
		r = -ENOENT;
	return r;
}

/* Copy the whole content of j->path out of the tree, unless truncating. */
int
cd_fs_read_all(struct fs_job *j)
{
	const cfs_tree_t *tree = cfs_replica_tree(j->fs->replica);
	int r = cfs_tree_stat(tree, j->path, &j->st);

	if (r == 0 && j->st.type == CFS_DIR)
		r = -EISDIR;
	if (r == 0 && j->st.size && !j->truncating) {
		j->data = malloc(j->st.size);
		r = j->data ? (int)cfs_tree_read(tree, j->path, j->data, j->st.size, 0) : -ENOMEM;
	}
	if (r < 0) {
		free(j->data);
		j->data = NULL;
	}
	j->size = r >= 0 && !j->truncating ? j->st.size : 0;
	return r < 0 ? r : 0;
}

static int
collect_name(void *ctx, const char *name, const struct cfs_stat *st)
{
	struct fs_job *j = ctx;
	char **grown, child[CFS_PATH_MAX + CFS_NAME_MAX + 2];

	snprintf(child, sizeof(child), "%s/%s", j->path, name);
	if (lock_expired(j->fs, child))
		return 0;
	grown = realloc(j->names, (j->n_names + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	j->names = grown;
	j->names[j->n_names] = strdup(name);
	if (!j->names[j->n_names])
		return -ENOMEM;
	j->n_names++;
	return 0;
}

static int
read_dir(struct fs_job *j)
{
	return cfs_tree_readdir(cfs_replica_tree(j->fs->replica), j->path, collect_name, j);
}

/* Lock ages live on the loop thread: locks and their directory are read there. */
static bool
needs_loop(const char *path)
{
	return cfs_path_is_lock(path) || !strcmp(path, "/priv/lock");
}

static void
run_read(struct cd_job *job)
{
	struct fs_job *j = (struct fs_job *)job;

	cd_job_finish(j->fs->bridge, job, j->read(j));
}


/* Run @read for @j with the tree held still; -ESHUTDOWN while stopping. */
int
cd_fs_read_tree(cd_fs_t *fs, struct fs_job *j, int (*read)(struct fs_job *))
{
	int r;

	j->fs = fs;
	if (needs_loop(j->path)) {
		j->read = read;
		return cd_fs_call(fs, j, run_read);
	}
	for (int attempt = 0;; attempt++) {
		uint64_t creates = j->skip_create_wait ? 0 : cd_fs_creates_on_their_way(fs);

		pthread_rwlock_rdlock(fs->tree_lock);
		r = fs->replica ? read(j) : -ESHUTDOWN;
		pthread_rwlock_unlock(fs->tree_lock);
		/* A file created here may not have arrived yet: look again once
		 * the creates sent before the read have (outside the lock they
		 * need). */
		if (r != -ENOENT || attempt || !creates)
			return r;
		cd_fs_wait_creates(fs, creates);
	}
}

void
cd_fs_run_generate(struct cd_job *job)
{
	struct fs_job *j = (struct fs_job *)job;

	j->data = j->vf->generate(j->fs->replica, j->fs->quorum);
	j->size = j->data ? strlen(j->data) : 0;
	cd_job_finish(j->fs->bridge, job, j->data ? 0 : -ENOMEM);
}


/* Run @run for @j on the loop thread and wait for it. */
int
cd_fs_call(cd_fs_t *fs, struct fs_job *j, void (*run)(struct cd_job *))
{
	j->fs = fs;
	j->job.run = run;
	return cd_bridge_call(fs->bridge, &j->job);
}

int
cd_fs_submit(cd_fs_t *fs, enum cfs_msg_type type, const char *path, const char *path2,
       const void *data, size_t size)
{
	struct fs_job j = { .op = { .type = type, .mtime = now_seconds(), .path = path,
				    .path2 = path2, .data = data, .size = size } };

	return cd_fs_call(fs, &j, run_submit);
}

/* ------------------------------------------------------- attributes */

static void
fill_stat(const struct cfs_stat *st, struct stat *out)
{
	memset(out, 0, sizeof(*out));
	out->st_ino = st->inode + 1; /* inode 0 is not a valid st_ino */
	out->st_mode = (st->type == CFS_DIR ? S_IFDIR : S_IFREG) | st->mode;
	out->st_nlink = st->type == CFS_DIR ? 2 : 1;
	out->st_size = (off_t)st->size;
	out->st_blksize = 4096;
	out->st_blocks = (blkcnt_t)((st->size + 511) / 512);
	out->st_mtime = out->st_ctime = out->st_atime = st->mtime;
}

static int
stat_tree(cd_fs_t *fs, const char *path, struct stat *out, bool wait_creates)
{
	struct fs_job j = { .path = path, .skip_create_wait = !wait_creates };
	int r = cd_fs_read_tree(fs, &j, read_stat);

	if (r == 0)
		fill_stat(&j.st, out);
	return r;
}

static int
fs_getattr(const char *path, struct stat *out, struct fuse_file_info *fi)
{
	cd_fs_t *fs = cd_fs_self();
	struct fs_job j = { .path = path };
	int r;

	if (!strcmp(path, LOCAL_LINK)) {
		memset(out, 0, sizeof(*out));
		out->st_mode = S_IFLNK | 0777;
		out->st_nlink = 1;
		out->st_size = (off_t)(strlen("nodes/") + strlen(fs->node_name));
		return 0;
	}
	j.vf = cd_virtual_find(path);
	if (j.vf) {
		r = cd_fs_call(fs, &j, cd_fs_run_generate);
		free(j.data);
		if (r < 0)
			return r;
		memset(out, 0, sizeof(*out));
		out->st_ino = UINT64_MAX - (uint64_t)(j.vf - cd_virtual_files);
		out->st_mode = S_IFREG | 0444;
		out->st_nlink = 1;
		out->st_size = (off_t)j.size;
		out->st_mtime = out->st_ctime = out->st_atime = now_seconds();
		return 0;
	}
	return cd_fs_file_getattr(fs, path, fi, out, stat_tree);
}

static int
fs_readlink(const char *path, char *buf, size_t size)
{
	if (strcmp(path, LOCAL_LINK))
		return -EINVAL;
	snprintf(buf, size, "nodes/%s", cd_fs_self()->node_name);
	return 0;
}

static int
fs_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t offset,
	   struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
	struct fs_job j = { .path = path };
	int r = cd_fs_read_tree(cd_fs_self(), &j, read_dir);

	if (r == 0) {
		fill(buf, ".", NULL, 0, 0);
		fill(buf, "..", NULL, 0, 0);
		if (!strcmp(path, "/")) {
			fill(buf, LOCAL_NAME, NULL, 0, 0);
			for (const struct cd_virtual_file *vf = cd_virtual_files; vf->path; vf++)
				fill(buf, vf->path + 1, NULL, 0, 0);
		}
		for (size_t i = 0; i < j.n_names; i++)
			fill(buf, j.names[i], NULL, 0, 0);
	}
	for (size_t i = 0; i < j.n_names; i++)
		free(j.names[i]);
	free(j.names);
	return r;
}

static int
fs_statfs(const char *path, struct statvfs *out)
{
	cd_fs_t *fs = cd_fs_self();

	memset(out, 0, sizeof(*out));
	out->f_bsize = out->f_frsize = 4096;
	out->f_blocks = fs->limits.max_total_size / 4096;
	out->f_bfree = out->f_bavail = out->f_blocks;
	out->f_files = out->f_ffree = out->f_favail = fs->limits.max_entries;
	out->f_namemax = CFS_NAME_MAX;
	return 0;
}

/* ------------------------------------------------------ namespace */

static int
fs_mkdir(const char *path, mode_t mode)
{
	struct fs_job j = { .op = { .type = CFS_MSG_MKDIR, .mtime = now_seconds(), .path = path } };

	if (cd_fs_reserved(path))
		return -EEXIST;
	return cd_fs_call(cd_fs_self(), &j, cfs_path_is_lock(path) ? run_lock_mkdir : run_submit);
}

static int
fs_unlink(const char *path)
{
	return cd_fs_reserved(path) ? -EPERM : cd_fs_submit(cd_fs_self(), CFS_MSG_UNLINK, path, NULL, NULL, 0);
}

static int
fs_rmdir(const char *path)
{
	return cd_fs_submit(cd_fs_self(), CFS_MSG_RMDIR, path, NULL, NULL, 0);
}

static int
fs_rename(const char *from, const char *to, unsigned int flags)
{
	cd_fs_t *fs = cd_fs_self();
	struct fs_job j = { .path = to };

	if (flags & ~RENAME_NOREPLACE)
		return -EINVAL; /* RENAME_EXCHANGE and whiteouts are not supported */
	if (cd_fs_reserved(from) || cd_fs_reserved(to))
		return -EPERM;
	if ((flags & RENAME_NOREPLACE) && cd_fs_read_tree(fs, &j, read_stat) == 0)
		return -EEXIST;
	return cd_fs_submit(fs, CFS_MSG_RENAME, from, to, NULL, 0);
}

static int
fs_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi)
{
	struct fs_job j = { .op = { .type = CFS_MSG_MTIME, .path = path } };

	if (tv[1].tv_nsec == UTIME_OMIT)
		return 0;
	j.op.mtime = tv[1].tv_nsec == UTIME_NOW ? now_seconds() : (int64_t)tv[1].tv_sec;
	return cd_fs_call(cd_fs_self(), &j, run_submit);
}

/* Modes are fixed by place (priv/ is private): only a no-op chmod passes. */
static int
fs_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	struct fs_job j = { .path = path };
	int r = cd_fs_read_tree(cd_fs_self(), &j, read_stat);

	if (r < 0)
		return r;
	mode &= 07777;
	if (mode == j.st.mode)
		return 0;
	/* install(1) first narrows a file it just created: let it, as the
	 * tree's mode is what the file keeps.  A mode that grants more, or a
	 * chmod of any other file, would be a lie. */
	if (!(mode & ~j.st.mode) && cd_fs_file_creating(cd_fs_self(), path))
		return 0;
	return -EPERM;
}

/* Everything belongs to root. */
static int
fs_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi)
{
	if ((uid != (uid_t)-1 && uid != 0) || (gid != (gid_t)-1 && gid != 0))
		return -EPERM;
	return 0;
}

/* No symlinks, hard links or device nodes: configuration is plain files. */
static int
fs_symlink(const char *target, const char *path)
{
	return -EPERM;
}

static int
fs_link(const char *from, const char *to)
{
	return -EPERM;
}

static int
fs_mknod(const char *path, mode_t mode, dev_t dev)
{
	return -EPERM;
}

static void *
fs_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	/* O_TRUNC reaches open(), so a truncation is published at close with
	 * the new content, never as an empty file of its own. */
	if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC)
		conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
	cfg->use_ino = 1;
	/* A read-only close has nothing to publish: spare it the round trip. */
	cfg->no_rofd_flush = 1;
	cfg->hard_remove = 1;
	/*
	 * The kernel may keep names and attributes for a while (a second by
	 * default): other nodes' changes are invalidated as they are applied
	 * (cd_fs_changed()), a name another node removed is looked up again
	 * when opening it says ESTALE, and mkdir(2) and O_EXCL always look up
	 * afresh, so cluster locks are taken at once.  What the timeout
	 * bounds: how long stat(2) may still show a name another node
	 * removed, a lock that expired without a change, or an entry a
	 * synchronisation removed.  Unknown names are never cached: another
	 * node's new file shows at once.
	 */
	cd_fs_t *fs = fuse_get_context()->private_data;

	cfg->entry_timeout = fs->cache_timeout_s;
	cfg->attr_timeout = fs->cache_timeout_s;
	cfg->negative_timeout = 0;
	return fuse_get_context()->private_data;
}

static const struct fuse_operations fs_operations = {
	.init = fs_init,
	.getattr = fs_getattr,
	.readlink = fs_readlink,
	.readdir = fs_readdir,
	.statfs = fs_statfs,
	.open = cd_fs_open,
	.create = cd_fs_create,
	.read = cd_fs_read,
	.write = cd_fs_write,
	.flush = cd_fs_flush,
	.fsync = cd_fs_fsync,
	.release = cd_fs_release,
	.truncate = cd_fs_truncate,
	.mkdir = fs_mkdir,
	.unlink = fs_unlink,
	.rmdir = fs_rmdir,
	.rename = fs_rename,
	.utimens = fs_utimens,
	.chmod = fs_chmod,
	.chown = fs_chown,
	.symlink = fs_symlink,
	.link = fs_link,
	.mknod = fs_mknod,
};

/* ------------------------------------------------------ life cycle */

static void *
fs_thread(void *data)
{
	cd_fs_t *fs = data;

	(void)fuse_loop_mt(fs->fuse, NULL);
	return NULL;
}

int
cd_fs_start(const struct cd_fs_config *config, cfs_replica_t *replica, cd_quorum_t *quorum,
	    cd_bridge_t *bridge, pthread_rwlock_t *tree_lock, cd_fs_t **ret_fs)
{
	char prog[] = "clusterd", opt[] = "-o",
	     mount_opts[] = "default_permissions,allow_other,fsname=" CD_FS_NAME
			     ",subtype=" CD_FS_SUBTYPE;
	char *argv[] = { prog, opt, mount_opts, NULL };
	struct fuse_args args = FUSE_ARGS_INIT(3, argv);
	const char *mount_point = config->mount_point;
	cd_fs_t *fs = calloc(1, sizeof(*fs));
	pthread_condattr_t monotonic;
	int r = -ENOMEM;

	if (!fs || !(fs->node_name = strdup(config->node_name)))
		goto error;
	fs->limits = config->limits;
	fs->lock_lease_ns = (uint64_t)config->lock_lease_s * 1000000000u;
	fs->cache_timeout_s = config->cache_timeout_s;
	/* Far above the tree's inode numbers, which count its changes. */
	atomic_init(&fs->next_provisional_ino, (uint_fast64_t)1 << 62);
	pthread_mutex_init(&fs->writers_lock, NULL);
	pthread_condattr_init(&monotonic);
	pthread_condattr_setclock(&monotonic, CLOCK_MONOTONIC);
	pthread_cond_init(&fs->truncations_cond, &monotonic);
	pthread_condattr_destroy(&monotonic);
	pthread_mutex_init(&fs->creates_lock, NULL);
	pthread_cond_init(&fs->creates_cond, NULL);
	fs->replica = replica;
	fs->tree_lock = tree_lock;
	fs->quorum = quorum;
	fs->bridge = bridge;
	r = cd_pagecache_new(&fs->pagecache);
	if (r < 0)
		goto error;
	r = cd_fs_detach_stale_mounts(mount_point);
	if (r < 0)
		goto error;
	fs->fuse = fuse_new(&args, &fs_operations, sizeof(fs_operations), fs);
	fuse_opt_free_args(&args);
	r = -EIO;
	if (!fs->fuse)
		goto error;
	if (fuse_mount(fs->fuse, mount_point) != 0)
		goto error;
	r = cd_invalidator_start(fs->fuse, &fs->invalidator);
	if (r < 0) {
		fuse_unmount(fs->fuse);
		goto error;
	}
	r = -pthread_create(&fs->thread, NULL, fs_thread, fs);
	if (r < 0) {
		cd_invalidator_stop(fs->invalidator);
		fs->invalidator = NULL;
		fuse_unmount(fs->fuse);
		goto error;
	}
	fs->thread_started = true;
	*ret_fs = fs;
	return 0;

error:
	cd_fs_stop(fs);
	return r;
}

void
cd_fs_changed(void *data, const char *path)
{
	cd_fs_t *fs = data;
	struct cfs_stat st;

	if (!fs || !fs->invalidator || !fs->replica)
		return;
	if (!strcmp(path, "/"))
		cd_invalidator_push_tree(fs->invalidator, cfs_replica_tree(fs->replica));
	/*
	 * A removed name keeps its cached attributes: were they dropped, the
	 * kernel would ask for them before opening the name, get ENOENT and
	 * fail even a create.  Kept, it sends the open, which says ESTALE,
	 * and the kernel looks the name up afresh (see cd_fs_open()).
	 */
	else if (cfs_tree_stat(cfs_replica_tree(fs->replica), path, &st) == 0)
		cd_invalidator_push(fs->invalidator, path);
}

void
cd_fs_detach(cd_fs_t *fs)
{
	if (!fs)
		return;
	pthread_rwlock_wrlock(fs->tree_lock);
	fs->replica = NULL;
	pthread_rwlock_unlock(fs->tree_lock);
}

void
cd_fs_stop(cd_fs_t *fs)
{
	if (!fs)
		return;
	if (fs->thread_started) {
		fuse_exit(fs->fuse);
		fuse_unmount(fs->fuse);
		pthread_join(fs->thread, NULL);
	}
	cd_invalidator_stop(fs->invalidator);
	if (fs->fuse)
		fuse_destroy(fs->fuse);
	cd_pagecache_free(fs->pagecache);
	pthread_cond_destroy(&fs->creates_cond);
	pthread_mutex_destroy(&fs->creates_lock);
	pthread_cond_destroy(&fs->truncations_cond);
	pthread_mutex_destroy(&fs->writers_lock);
	free(fs->node_name);
	free(fs);
}
