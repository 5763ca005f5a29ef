/*
 * watchdog-lab.c - the watchdog driver for the test lab's emulated watchdog
 * (tests/lab/lab-watchdog.c), a unix socket that speaks lines:
 *
 *   emulator on connect:  "ok\n", or "busy\n" while another opener holds it
 *   "timeout N\n"      -> "ok N\n" (N in force) or "error TEXT\n"
 *   "keepalive\n"      -> no answer
 *   "V\n"              -> no answer; a disconnect right after it disarms
 *
 * Connecting arms the emulator, as opening /dev/watchdog does; a disconnect
 * without "V" leaves it counting down, and its expiry powers the lab node off.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "watchdog.h"
#include "wd-sock.h"

/* How long to wait for an answer: the emulator answers at once. */
#define LAB_ANSWER_TIMEOUT_S 5

/* Read one answer line into @buf without its newline. */
static int
lab_receive(int fd, char *buf, size_t size)
{
	size_t len = 0;

	for (;;) {
		char c;
		ssize_t n = recv(fd, &c, 1, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		if (n == 0)
			return -ECONNRESET;
		if (c == '\n')
			break;
		if (len + 1 >= size)
			return -EPROTO;
		buf[len++] = c;
	}
	buf[len] = '\0';
	return 0;
}

static void
lab_close(void *handle, bool disarm)
{
	int *fd = handle;

	if (disarm)
		(void)wd_sock_send(*fd, "V\n", strlen("V\n"));
	close(*fd);
	free(fd);
}

static int
lab_open(const char *device, unsigned *timeout_s, void **ret_handle)
{
	char line[64];
	unsigned in_force;
	int *fd, r;

	if (!device || !*device || *timeout_s < 1 || *timeout_s > WD_TIMEOUT_MAX)
		return -EINVAL;
	fd = malloc(sizeof(*fd));
	if (!fd)
		return -ENOMEM;
	r = wd_sock_connect(device, LAB_ANSWER_TIMEOUT_S, fd);
	if (r < 0)
		goto error_free;
	r = lab_receive(*fd, line, sizeof(line));
	if (r == 0 && strcmp(line, "ok") != 0)
		r = strcmp(line, "busy") == 0 ? -EBUSY : -EPROTO;
	if (r < 0)
		goto error_close;
	(void)snprintf(line, sizeof(line), "timeout %u\n", *timeout_s);
	r = wd_sock_send(*fd, line, strlen(line));
	if (r == 0)
		r = lab_receive(*fd, line, sizeof(line));
	if (r == 0 && sscanf(line, "ok %u", &in_force) != 1)
		r = -EINVAL;
	if (r == 0 && (in_force < 1 || in_force > *timeout_s))
		r = -ERANGE;
	if (r < 0)
		goto error_disarm;
	*timeout_s = in_force;
	*ret_handle = fd;
	return 0;

error_disarm:
	lab_close(fd, true);
	return r;
error_close:
	close(*fd);
error_free:
	free(fd);
	return r;
}

static int
lab_keepalive(void *handle)
{
	return wd_sock_send(*(int *)handle, "keepalive\n", strlen("keepalive\n"));
}

const struct wd_driver wd_driver_lab = {
	.name = "lab",
	.open = lab_open,
	.keepalive = lab_keepalive,
	.close = lab_close,
};
