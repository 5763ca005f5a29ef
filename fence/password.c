/*
 * password.c - device passwords live in files of their own in a private
 * directory (priv/fence/ of the cluster file system), never in fence.cfg,
 * on a command line or in a log.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fence/fence.h"

/* Longer than any BMC or agent password; IPMI 2.0 allows 20 bytes. */
#define PASSWORD_MAX 256

int
fence_password_read(const char *dir, const struct fence_device *dev, char **ret_password,
                    fence_err_t *err)
{
	char path[4096], buf[PASSWORD_MAX + 2];
	struct stat st;
	ssize_t n;
	size_t len;
	int fd, r;

	snprintf(path, sizeof(path), "%s/%s", dir, dev->name);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		r = -errno;
		if (r == -ENOENT && strcmp(dev->type, "ipmi")) {
			*ret_password = NULL;
			return 0;
		}
		fence_err_set(err, "device '%s': cannot read password file '%s': %s", dev->name,
		              path, strerror(-r));
		return r;
	}
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out_errno;
	}
	if (!S_ISREG(st.st_mode)) {
		r = -EINVAL;
		fence_err_set(err, "device '%s': password file '%s' is not a regular file",
		              dev->name, path);
		goto out;
	}
	if (st.st_mode & 077) {
		r = -EPERM;
		fence_err_set(err,
		              "device '%s': password file '%s' is open to others (mode %04o); "
		              "run chmod 600 on it",
		              dev->name, path, (unsigned)(st.st_mode & 07777));
		goto out;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0) {
		r = -errno;
		goto out_errno;
	}
	buf[n] = '\0';
	len = strcspn(buf, "\n");
	if (len > PASSWORD_MAX || len == 0 || strlen(buf) < (size_t)n || memchr(buf, '\r', len)) {
		r = -EINVAL;
		fence_err_set(err,
		              "device '%s': password file '%s' must hold one line of 1-%d bytes",
		              dev->name, path, PASSWORD_MAX);
		goto out;
	}
	buf[len] = '\0';
	*ret_password = strdup(buf);
	r = *ret_password ? 0 : -ENOMEM;
	if (r == 0)
		goto out;
out_errno:
	fence_err_set(err, "device '%s': cannot read password file '%s': %s", dev->name, path,
	              strerror(-r));
out:
	explicit_bzero(buf, sizeof(buf));
	close(fd);
	return r;
}

void
fence_password_free(char *password)
{
	if (!password)
		return;
	explicit_bzero(password, strlen(password));
	free(password);
}
