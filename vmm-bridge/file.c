/*
 * file.c - reading and atomically replacing small config files, and the
 * lock files that serialise operations on one guest.  The temporary file
 * lives next to the target, so the final rename stays inside one directory
 * (and one cfs node directory), which is atomic.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm-bridge/vmm-int.h"

/* Config files are small; cfs limits a file to 1 MiB by default. */
#define FILE_MAX (1u << 20)

int
vmm_file_read(const char *path, char **ret_text, vmm_error_t *err)
{
	char *text = NULL;
	size_t len = 0;
	ssize_t n;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return vmm_err(err, -errno, "%s: %s", path, strerror(errno));
	text = malloc(FILE_MAX + 1);
	if (!text) {
		r = vmm_err(err, -ENOMEM, "%s: out of memory", path);
		goto close_fd;
	}
	while ((n = read(fd, text + len, FILE_MAX + 1 - len)) > 0)
		len += (size_t)n;
	if (n < 0) {
		r = vmm_err(err, -errno, "%s: read: %s", path, strerror(errno));
		goto free_text;
	}
	if (len > FILE_MAX) {
		r = vmm_err(err, -EFBIG, "%s: larger than %u bytes", path, FILE_MAX);
		goto free_text;
	}
	text[len] = '\0';
	if (strlen(text) != len) {
		r = vmm_err(err, -EINVAL, "%s: contains a NUL byte", path);
		goto free_text;
	}
	*ret_text = text;
	close(fd);
	return 0;
free_text:
	free(text);
close_fd:
	close(fd);
	return r;
}

/*
 * Create a temporary file next to @path that no other writer uses: two
 * writers of one file (two commands, or two nodes in cfs) sharing one
 * temporary name could interleave their bytes and rename a mix of both.
 * O_EXCL makes the name ours; pid and a counter make a clash rare.
 */
static int
tmp_open(const char *path, char *tmp, size_t size, vmm_error_t *err)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return vmm_err(err, -EINVAL, "%s: not a path with a directory", path);
	for (unsigned i = 0; i < 100; i++) {
		int fd;

		if (snprintf(tmp, size, "%.*s/.%s.%ld-%u.tmp", (int)(slash - path), path, slash + 1,
			     (long)getpid(), i) >= (int)size)
			return vmm_err(err, -ENAMETOOLONG, "%s: path too long", path);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			return fd >= 0 ? fd : vmm_err(err, -errno, "%s: %s", tmp, strerror(errno));
	}
	return vmm_err(err, -EEXIST, "%s: no free temporary name", path);
}

int
vmm_file_write(const char *path, const char *text, bool exclusive, vmm_error_t *err)
{
	char tmp[PATH_MAX];
	size_t len = strlen(text);
	int fd, r;

	if (exclusive && access(path, F_OK) == 0)
		return vmm_err(err, -EEXIST, "%s: already exists", path);
	fd = tmp_open(path, tmp, sizeof(tmp), err);
	if (fd < 0)
		return fd;
	if (write(fd, text, len) != (ssize_t)len) {
		r = vmm_err(err, errno ? -errno : -EIO, "%s: write: %s", tmp,
			    strerror(errno ? errno : EIO));
		close(fd);
		goto unlink_tmp;
	}
	/* On a disk file system the new content must be on disk before the
	 * rename is, or a crash could leave an empty file under the old name. */
	if (fsync(fd) < 0) {
		r = vmm_err(err, -errno, "%s: fsync: %s", tmp, strerror(errno));
		close(fd);
		goto unlink_tmp;
	}
	if (close(fd) < 0) {
		r = vmm_err(err, -errno, "%s: close: %s", tmp, strerror(errno));
		goto unlink_tmp;
	}
	/* cfs refuses a rename onto an id another node holds with EEXIST. */
	if (rename(tmp, path) < 0) {
		r = vmm_err(err, -errno, "%s: %s", path, strerror(errno));
		goto unlink_tmp;
	}
	return 0;
unlink_tmp:
	(void)unlink(tmp);
	return r;
}

int
vmm_file_create(const char *path, const char *text, vmm_error_t *err)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	int r;

	if (!slash)
		return vmm_err(err, -EINVAL, "%s: not a path with a directory", path);
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	r = vmm_mkdir_p(dir);
	if (r < 0)
		return vmm_err(err, r, "mkdir %s: %s", dir, strerror(-r));
	return vmm_file_write(path, text, true, err);
}

int
vmm_mkdir_p(const char *path)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int
vmm_file_lock(const char *dir, const char *lock, int *ret_fd, vmm_error_t *err)
{
	int fd, r;

	r = vmm_mkdir_p(dir);
	if (r < 0)
		return vmm_err(err, r, "mkdir %s: %s", dir, strerror(-r));
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return vmm_err(err, -errno, "%s: %s", lock, strerror(errno));
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			r = vmm_err(err, -errno, "lock %s: %s", lock, strerror(errno));
			close(fd);
			return r;
		}
	}
	*ret_fd = fd;
	return 0;
}
