/*
 * wdmux-client.c - the client side of wdmux's socket protocol (the server
 * side is wdmux-server.c; wdmux(8) describes the wire format).
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wd-sock.h"
#include "wdmux-client.h"
#include "wdmux-core.h"
#include "wdmux-server.h"

/* How long to wait for wdmux's answer; it answers at once when running. */
#define CLIENT_ANSWER_TIMEOUT_S 5
/* The byte a feed sends: neither the hello nor the clean-close byte. */
#define CLIENT_FEED_BYTE '.'

struct wdmux_client {
	int fd;
};

/* Read wdmux's one-line answer: 0 for "ok", -ECONNREFUSED for an error. */
static int
client_read_answer(int fd)
{
	char line[160];
	size_t len = 0;

	while (len + 1 < sizeof(line)) {
		ssize_t n = recv(fd, line + len, 1, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		if (n == 0)
			return len ? -ECONNREFUSED : -ECONNRESET;
		if (line[len] == '\n')
			break;
		len++;
	}
	line[len] = '\0';
	return strcmp(line, "ok") == 0 ? 0 : -ECONNREFUSED;
}

int
wdmux_client_open(const char *run_dir, unsigned timeout_s, struct wdmux_client **ret)
{
	struct wdmux_client *client;
	char path[PATH_MAX], hello[16];
	int r;

	if (timeout_s > WD_TIMEOUT_MAX)
		return -EINVAL;
	/* A path too long for a socket address is wd_sock_connect's -ENAMETOOLONG. */
	(void)snprintf(path, sizeof(path), "%s/%s", run_dir, WDMUX_SOCKET_NAME);
	client = calloc(1, sizeof(*client));
	if (!client)
		return -ENOMEM;
	r = wd_sock_connect(path, CLIENT_ANSWER_TIMEOUT_S, &client->fd);
	if (r < 0) {
		free(client);
		return r;
	}
	if (timeout_s > 0) {
		int len = snprintf(hello, sizeof(hello), "%c%u\n", WDMUX_HELLO, timeout_s);

		r = wd_sock_send(client->fd, hello, (size_t)len);
		if (r < 0)
			goto error;
	}
	r = client_read_answer(client->fd);
	if (r < 0)
		goto error;
	*ret = client;
	return 0;

error:
	/*
	 * Refused, or no answer: the caller must not count on wdmux.  Should
	 * wdmux have registered us all the same, leaving cleanly keeps this
	 * failure from resetting the node.
	 */
	if (r != -ECONNREFUSED)
		(void)!send(client->fd, (const char[]){ WDMUX_CLEAN_CLOSE }, 1,
			    MSG_NOSIGNAL | MSG_DONTWAIT);
	close(client->fd);
	free(client);
	return r;
}

int
wdmux_client_feed(struct wdmux_client *client)
{
	static const char byte = CLIENT_FEED_BYTE;

	return wd_sock_send(client->fd, &byte, 1);
}

int
wdmux_client_fd(const struct wdmux_client *client)
{
	return client->fd;
}

int
wdmux_client_close(struct wdmux_client *client, bool clean)
{
	static const char byte = WDMUX_CLEAN_CLOSE;
	int r = 0;

	if (!client)
		return 0;
	if (clean)
		r = wd_sock_send(client->fd, &byte, 1);
	close(client->fd);
	free(client);
	return r;
}
