/*
 * pidfile.c - one instance per run directory: an flock()ed pid file that the
 * kernel releases when the holder dies, so a stale file never blocks a start.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

#include "common.h"

/* Read the pid recorded in @fd; 0 when it holds none. */
static pid_t
pidfile_read(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return (pid_t)strtol(buf, NULL, 10);
}

int
cl_pidfile_acquire(const char *path, int *ret_fd, pid_t *ret_holder)
{
	char buf[32];
	int fd, len, r;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		r = errno == EWOULDBLOCK ? -EBUSY : -errno;
		if (r == -EBUSY && ret_holder)
			*ret_holder = pidfile_read(fd);
		goto error_close;
	}
	len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)len, 0) != len) {
		r = errno ? -errno : -EIO;
		goto error_close;
	}
	*ret_fd = fd;
	return 0;

error_close:
	close(fd);
	return r;
}

void
cl_pidfile_release(const char *path, int fd)
{
	if (fd < 0)
		return;
	/* Unlink while still holding the lock, so no one locks a doomed file. */
	(void)unlink(path);
	close(fd);
}
