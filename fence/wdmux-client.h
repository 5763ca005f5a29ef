/*
 * wdmux-client.h - a client of wdmux(8): connect, announce a timeout,
 * feed, and leave cleanly or not.  For ha-lrm and the wdmux-client tool.
 *
 * While connected the client must feed at least once per its timeout; if it
 * stops, or disconnects without wdmux_client_close(..., true), wdmux stops
 * feeding the watchdog and the node resets.  Closing the process's socket
 * any other way (exit, crash, kill) counts as an unclean disconnect, which
 * is the point.  One thread uses a client at a time; calls may block for
 * at most a few seconds (connecting, waiting for wdmux's answer).
 */
#ifndef CLUSTERHA_FENCE_WDMUX_CLIENT_H
#define CLUSTERHA_FENCE_WDMUX_CLIENT_H

#include <stdbool.h>

struct wdmux_client;

/*
 * Connect to the wdmux of @run_dir (borrowed) and register, announcing
 * @timeout_s (1..3600; 0 takes wdmux's --client-timeout).  Returns 0 once
 * wdmux said "ok": from then on the node's watchdog depends on this client.
 * -ECONNREFUSED when wdmux refused the client (it then never depended on
 * it; the reason is in wdmux's log), -EINVAL for a bad timeout, -ETIMEDOUT
 * when wdmux did not answer, or the -errno of the connection.  On success
 * *@ret is owned by the caller until wdmux_client_close().
 */
int wdmux_client_open(const char *run_dir, unsigned timeout_s, struct wdmux_client **ret);

/* Feed: tell wdmux this client is alive.  -errno (e.g. -EPIPE) on failure. */
int wdmux_client_feed(struct wdmux_client *client);

/* The connected socket, e.g. to write many bytes at once; borrowed. */
int wdmux_client_fd(const struct wdmux_client *client);

/*
 * Disconnect and free @client; NULL does nothing.  With @clean the
 * clean-close byte is sent first, so wdmux keeps the watchdog fed; without
 * it wdmux stops feeding and the node resets.  Returns -errno when the
 * clean-close byte could not be sent (the disconnect is then unclean).
 */
int wdmux_client_close(struct wdmux_client *client, bool clean);

#endif /* CLUSTERHA_FENCE_WDMUX_CLIENT_H */
