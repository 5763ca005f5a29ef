/*
 * fuse-null - the floor of a read through FUSE on this machine: the
 * smallest filesystem that serves the read path the way clusterd does
 * (libfuse3 high-level API, the same mount options, cache timeouts and
 * open flags, fuse_loop_mt with its default config), holding nothing but a
 * read-only directory "bench" of FILES files c0..c<FILES-1>, 1 KiB each.
 * What an open()+read() costs here is one FUSE round trip and nothing
 * else; no design with a FUSE round trip per open() can read faster.
 * Used by bench/cfs-ops inside a lab node.
 *
 *   fuse-null MOUNTPOINT FILES   (runs until SIGTERM or SIGINT, then unmounts)
 */
#include <config.h>

#define FUSE_USE_VERSION 312

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <fuse3/fuse.h>

#define FILE_SIZE 1024
#define CACHE_TIMEOUT_S 1 /* clusterd's default --cache-timeout */
#define MAX_FILES 10000000UL

/* The mounted tree: only its size; every file holds the same bytes. */
struct null_fs {
	unsigned long files;
};

static struct null_fs *
null_fs(void)
{
	return fuse_get_context()->private_data;
}

/* Parse an unsigned decimal without sign or leading zeros, below @limit. */
static int
parse_count(const char *s, unsigned long limit, unsigned long *ret)
{
	char *end;
	unsigned long v;

	if (s[0] < '0' || s[0] > '9' || (s[0] == '0' && s[1]))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v >= limit)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* Index of the file /bench/c<N> at @path, or -ENOENT. */
static long
file_index(const char *path)
{
	unsigned long i;

	if (strncmp(path, "/bench/c", 8) || parse_count(path + 8, null_fs()->files, &i) < 0)
		return -ENOENT;
	return (long)i;
}

static int
null_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	long i;

	memset(st, 0, sizeof(*st));
	st->st_nlink = 1;
	if (!strcmp(path, "/") || !strcmp(path, "/bench")) {
		st->st_mode = S_IFDIR | 0555;
		st->st_nlink = 2;
		st->st_ino = path[1] ? 2 : 1;
		return 0;
	}
	i = file_index(path);
	if (i < 0)
		return (int)i;
	st->st_mode = S_IFREG | 0444;
	st->st_size = FILE_SIZE;
	st->st_ino = (ino_t)i + 3;
	return 0;
}

static int
null_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
	     struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
	char name[32];

	(void)fill(buf, ".", NULL, 0, 0);
	(void)fill(buf, "..", NULL, 0, 0);
	if (!strcmp(path, "/"))
		return fill(buf, "bench", NULL, 0, 0) ? -ENOMEM : 0;
	if (strcmp(path, "/bench"))
		return -ENOENT;
	for (unsigned long i = 0; i < null_fs()->files; i++) {
		(void)snprintf(name, sizeof(name), "c%lu", i);
		if (fill(buf, name, NULL, 0, 0))
			return -ENOMEM;
	}
	return 0;
}

static int
null_open(const char *path, struct fuse_file_info *fi)
{
	if (file_index(path) < 0)
		return -ENOENT;
	if ((fi->flags & O_ACCMODE) != O_RDONLY)
		return -EACCES;
	/* As clusterd does for a file whose version did not change. */
	fi->keep_cache = 1;
	return 0;
}

static int
null_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	if (off >= FILE_SIZE)
		return 0;
	if (size > (size_t)(FILE_SIZE - off))
		size = (size_t)(FILE_SIZE - off);
	memset(buf, 'x', size);
	return (int)size;
}

/* The same settings as clusterd's fs_init() for the read path. */
static void *
null_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	cfg->use_ino = 1;
	cfg->no_rofd_flush = 1;
	cfg->entry_timeout = CACHE_TIMEOUT_S;
	cfg->attr_timeout = CACHE_TIMEOUT_S;
	cfg->negative_timeout = 0;
	return fuse_get_context()->private_data;
}

static const struct fuse_operations null_operations = {
	.init = null_init,
	.getattr = null_getattr,
	.readdir = null_readdir,
	.open = null_open,
	.read = null_read,
};

static int
serve(const char *mount_point, struct null_fs *fs)
{
	char prog[] = "fuse-null", opt[] = "-o",
	     mount_opts[] = "default_permissions,allow_other,fsname=fuse-null,subtype=null";
	char *argv[] = { prog, opt, mount_opts, NULL };
	struct fuse_args args = FUSE_ARGS_INIT(3, argv);
	struct fuse *fuse = fuse_new(&args, &null_operations, sizeof(null_operations), fs);
	int r = 1;

	fuse_opt_free_args(&args);
	if (!fuse) {
		fprintf(stderr, "fuse-null: fuse_new failed\n");
		return 1;
	}
	if (fuse_mount(fuse, mount_point) != 0) {
		fprintf(stderr, "fuse-null: cannot mount on '%s'\n", mount_point);
		goto out_destroy;
	}
	if (fuse_set_signal_handlers(fuse_get_session(fuse)) != 0) {
		fprintf(stderr, "fuse-null: cannot install signal handlers\n");
		goto out_unmount;
	}
	/* A stop by signal returns the signal's number: a clean end. */
	r = fuse_loop_mt(fuse, NULL) < 0 ? 1 : 0;
	fuse_remove_signal_handlers(fuse_get_session(fuse));
out_unmount:
	fuse_unmount(fuse);
out_destroy:
	fuse_destroy(fuse);
	return r;
}

int
main(int argc, char **argv)
{
	struct null_fs fs;

	if (argc != 3) {
		fprintf(stderr, "usage: fuse-null MOUNTPOINT FILES\n");
		return 2;
	}
	if (parse_count(argv[2], MAX_FILES + 1, &fs.files) < 0 || fs.files == 0) {
		fprintf(stderr, "fuse-null: FILES '%s' is not a number 1..%lu\n"
				"usage: fuse-null MOUNTPOINT FILES\n", argv[2], MAX_FILES);
		return 2;
	}
	return serve(argv[1], &fs);
}
