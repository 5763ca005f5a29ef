/*
 * watchdog-linux.c - the watchdog driver for the Linux watchdog API
 * (Documentation/watchdog/watchdog-api.rst): opening the device starts it,
 * WDIOC_SETTIMEOUT sets its timeout, WDIOC_KEEPALIVE feeds it, and writing
 * the magic character 'V' just before close stops it.
 *
 * Never point this at a host's real device in a test: opening it arms a
 * reset of the whole machine.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/watchdog.h>

#include "watchdog.h"

static void
linux_close(void *handle, bool disarm)
{
	int fd = (int)(intptr_t)handle;

	/*
	 * The kernel stops the watchdog on close only when 'V' was the last
	 * character written (and the driver was not built with nowayout).
	 */
	if (disarm)
		(void)!write(fd, "V", 1);
	close(fd);
}

static int
linux_open(const char *device, unsigned *timeout_s, void **ret_handle)
{
	int fd, timeout, r;

	if (!device || !*device || *timeout_s < 1 || *timeout_s > WD_TIMEOUT_MAX)
		return -EINVAL;
	fd = open(device, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	timeout = (int)*timeout_s;
	if (ioctl(fd, WDIOC_SETTIMEOUT, &timeout) < 0) {
		r = -errno;
		goto error_disarm;
	}
	if (timeout < 1 || (unsigned)timeout > *timeout_s) {
		r = -ERANGE;
		goto error_disarm;
	}
	*timeout_s = (unsigned)timeout;
	*ret_handle = (void *)(intptr_t)fd;
	return 0;

error_disarm:
	/* Opening started the device: stop it again, since nobody feeds it. */
	linux_close((void *)(intptr_t)fd, true);
	return r;
}

static int
linux_keepalive(void *handle)
{
	int fd = (int)(intptr_t)handle;

	if (ioctl(fd, WDIOC_KEEPALIVE, 0) < 0)
		return -errno;
	return 0;
}

const struct wd_driver wd_driver_linux = {
	.name = "linux",
	.open = linux_open,
	.keepalive = linux_keepalive,
	.close = linux_close,
};
