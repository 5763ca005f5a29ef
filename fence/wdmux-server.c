/*
 * wdmux-server.c - wdmux's unix socket: listen, accept and greet clients,
 * read each with a bounded budget and hand the bytes to the core.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "wdmux-server.h"

struct wdmux_peer {
	int fd;
	pid_t pid;
	struct wdmux_conn *conn; /* NULL once the core forgot it */
};

int
wdmux_listen(const char *path, int *ret_fd)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd, r;

	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (unlink(path) < 0 && errno != ENOENT)
		goto error_errno;
	/* Only root may feed or stop the watchdog: no window with wider modes. */
	if (fchmod(fd, 0600) < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		goto error_errno;
	if (chmod(path, 0600) < 0 || listen(fd, 16) < 0)
		goto error_errno;
	*ret_fd = fd;
	return 0;

error_errno:
	r = -errno;
	close(fd);
	return r;
}

/* Best effort: a short line to a fresh socket always fits its buffer. */
static void
peer_say(int fd, const char *line)
{
	(void)!send(fd, line, strlen(line), MSG_NOSIGNAL | MSG_DONTWAIT);
}

static const char *
refusal_reason(int r)
{
	switch (r) {
	case -ECANCELED:
		return "watchdog feeding has stopped; the node is about to reset";
	case -EUSERS:
		return "too many clients";
	default:
		return "the watchdog device could not be opened";
	}
}

int
wdmux_peer_accept(struct wdmux_core *core, int listen_fd, uint64_t now,
		  struct wdmux_peer **ret, pid_t *ret_peer_pid)
{
	struct ucred cred = { 0 };
	socklen_t len = sizeof(cred);
	struct wdmux_peer *peer;
	char line[128];
	int fd, r;

	*ret_peer_pid = 0;
	fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0)
		*ret_peer_pid = cred.pid;
	peer = calloc(1, sizeof(*peer));
	if (!peer) {
		r = -ENOMEM;
		goto error_refuse;
	}
	peer->fd = fd;
	peer->pid = cred.pid;
	r = wdmux_core_connect(core, now, peer, &peer->conn);
	if (r < 0)
		goto error_refuse;
	peer_say(fd, "ok\n");
	*ret = peer;
	return 0;

error_refuse:
	(void)snprintf(line, sizeof(line), "error: %s\n", refusal_reason(r));
	peer_say(fd, line);
	free(peer);
	close(fd);
	return r;
}

int
wdmux_peer_fd(const struct wdmux_peer *peer)
{
	return peer->fd;
}

pid_t
wdmux_peer_pid(const struct wdmux_peer *peer)
{
	return peer->pid;
}

struct wdmux_conn *
wdmux_peer_conn(const struct wdmux_peer *peer)
{
	return peer->conn;
}

int
wdmux_peer_readable(struct wdmux_core *core, struct wdmux_peer *peer, uint64_t now,
		    int *ret_error)
{
	unsigned char buf[WDMUX_READ_BUDGET];
	ssize_t n;

	*ret_error = 0;
	if (!peer->conn)
		return 1;
	/* One read per event: a client that never stops talking yields the loop. */
	n = recv(peer->fd, buf, sizeof(buf), 0);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n > 0) {
		if (wdmux_core_input(core, peer->conn, buf, (size_t)n, now) == 0)
			return 0;
		peer->conn = NULL;
		peer_say(peer->fd, "error: malformed timeout announcement\n");
		*ret_error = -EPROTO;
		return 1;
	}
	/*
	 * EOF or an error: the client is gone either way.  Whether it left
	 * cleanly depends only on the last byte it sent, so a client that
	 * closed after 'V' without reading our "ok" (ECONNRESET) is clean.
	 */
	if (n < 0)
		*ret_error = -errno;
	wdmux_core_hangup(core, peer->conn, now);
	peer->conn = NULL;
	return 1;
}

void
wdmux_peer_free(struct wdmux_peer *peer)
{
	if (!peer)
		return;
	close(peer->fd);
	free(peer);
}
