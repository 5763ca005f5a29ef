/*
 * wdmux-server.h - wdmux's socket side: the listening unix socket and one
 * peer per connected client, each read with a bounded budget and handed to
 * the core (wdmux-core.h).  No event loop here: the daemon watches the
 * descriptors and calls in when they are readable.
 *
 * Wire protocol, client's view (wdmux(8) has the full text):
 *   connect to <run-dir>/wdmux.sock;
 *   optionally send "T<seconds>\n" first to announce a timeout;
 *   read "ok\n" (registered) or "error: <reason>\n" then EOF (refused);
 *   send any bytes to feed; send 'V' last, then close, to leave cleanly.
 */
#ifndef CLUSTERHA_FENCE_WDMUX_SERVER_H
#define CLUSTERHA_FENCE_WDMUX_SERVER_H

#include <stdint.h>
#include <sys/types.h>

#include "fence/wdmux-core.h"

/* File name of the client socket inside the run directory. */
#define WDMUX_SOCKET_NAME "wdmux.sock"

/* Bytes read from one client per readable event, so none can hold the loop. */
#define WDMUX_READ_BUDGET 4096

struct wdmux_peer;

/*
 * Listen on the unix socket @path (borrowed), mode 0600, replacing a stale
 * socket file (the caller holds the run directory's pid file lock, so no
 * other wdmux uses it).  *@ret_fd is non-blocking and close-on-exec.
 */
int wdmux_listen(const char *path, int *ret_fd);

/*
 * Accept one connection from @listen_fd at @now and register it with @core.
 * Returns -EAGAIN when there was none.  A connection the core refuses is
 * told "error: <reason>" and closed; the core's -errno is returned and
 * *@ret_peer_pid names the refused process (0 if unknown).  On success
 * *@ret is the new peer (see wdmux_peer_free()) and the client has been sent "ok".
 */
int wdmux_peer_accept(struct wdmux_core *core, int listen_fd, uint64_t now,
		      struct wdmux_peer **ret, pid_t *ret_peer_pid);

/* The peer's socket, to watch for input (borrowed). */
int wdmux_peer_fd(const struct wdmux_peer *peer);

/* The client's pid from SO_PEERCRED, for log messages; 0 if unknown. */
pid_t wdmux_peer_pid(const struct wdmux_peer *peer);

/*
 * Read what @peer sent, at most WDMUX_READ_BUDGET bytes, and pass it to
 * @core at @now.  Returns 0 while the peer stays connected, 1 when it is
 * gone: the core has been told (a hangup; or a rejection for a malformed
 * timeout announcement, after which the client was sent an error) and the
 * caller stops watching the fd and calls wdmux_peer_free().  *@ret_error is
 * then 0 for an orderly EOF, -EPROTO for a rejection, or the read's -errno
 * (ECONNRESET when the client closed with unread data).  A read error never
 * affects other clients.
 */
int wdmux_peer_readable(struct wdmux_core *core, struct wdmux_peer *peer, uint64_t now,
			int *ret_error);

/* The core connection of @peer, NULL once it is gone. */
struct wdmux_conn *wdmux_peer_conn(const struct wdmux_peer *peer);

/*
 * Close and free @peer; NULL does nothing.  The core is not told: call it
 * after wdmux_peer_readable() returned 1, or at shutdown, where the core
 * is freed as a whole (wdmux_core_free) and no departure is judged.
 */
void wdmux_peer_free(struct wdmux_peer *peer);

#endif /* CLUSTERHA_FENCE_WDMUX_SERVER_H */
