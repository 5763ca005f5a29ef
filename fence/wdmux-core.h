/*
 * wdmux-core.h - the decisions of the watchdog multiplexer: which clients
 * are connected, whether each is still alive, and whether the node's
 * watchdog device is fed.  No sockets, clocks or loops: the caller passes
 * the monotonic time into every call and carries I/O in and out, so the
 * same code runs in wdmux and in unit tests with a fake clock and a fake
 * driver.
 *
 * Rules (see wdmux(8)):
 * - The device is opened (armed) when the first client connects, never
 *   before, and stays open until wdmux_core_close_device().
 * - Every byte a client sends counts as a feed of that client.  A first
 *   line "T<seconds>\n" announces the client's timeout (1..WD_TIMEOUT_MAX);
 *   without it the configured default applies.
 * - A client whose last byte was WDMUX_CLEAN_CLOSE when it disconnects
 *   leaves cleanly.  One that disconnects otherwise, or stays silent longer
 *   than its timeout, stops the feeding for good: the device then resets
 *   the node within its timeout.
 * - While armed and not stopped the device is fed every quarter of its
 *   timeout, whatever the clients send, as long as wdmux_core_tick() runs.
 *
 * All functions run on one thread.  Times are CLOCK_MONOTONIC nanoseconds.
 */
#ifndef CLUSTERHA_FENCE_WDMUX_CORE_H
#define CLUSTERHA_FENCE_WDMUX_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fence/watchdog.h"

/* The byte a client sends last to announce a clean close. */
#define WDMUX_CLEAN_CLOSE 'V'
/* The byte that starts a timeout announcement as the very first byte. */
#define WDMUX_HELLO 'T'
/* Clients at once; more are refused. */
#define WDMUX_MAX_CLIENTS 64

enum wdmux_event {
	WDMUX_EV_ARMED,		   /* device opened; detail: its timeout in s */
	WDMUX_EV_CLIENT_CLEAN,	   /* a client left cleanly */
	WDMUX_EV_CLIENT_UNCLEAN,   /* a client left without the clean-close byte */
	WDMUX_EV_CLIENT_TIMEOUT,   /* a client was silent past its timeout; detail: it, in s */
	WDMUX_EV_KEEPALIVE_FAILED, /* first of a run of failed feeds; detail: -errno */
	WDMUX_EV_KEEPALIVE_OK,	   /* feeding works again after a failure */
};

/*
 * Reports what happened, for the caller's log.  @conn_data is the pointer
 * given to wdmux_core_connect() for client events, NULL otherwise.  After
 * WDMUX_EV_CLIENT_UNCLEAN or WDMUX_EV_CLIENT_TIMEOUT the core never feeds
 * the device again.
 */
typedef void (*wdmux_event_fn)(void *data, enum wdmux_event event, void *conn_data, int detail);

struct wdmux_core_config {
	const struct wd_driver *driver; /* borrowed; must outlive the core */
	const char *device;		/* copied */
	unsigned device_timeout_s;	/* asked of the device, 1..WD_TIMEOUT_MAX */
	unsigned client_timeout_s;	/* for clients that announce none */
	wdmux_event_fn on_event;	/* may be NULL */
	void *event_data;
};

struct wdmux_core;
struct wdmux_conn;

/* A new core; nothing is opened yet.  -EINVAL for a bad config, -ENOMEM. */
int wdmux_core_new(const struct wdmux_core_config *config, struct wdmux_core **ret);

/*
 * Free @core and its connections.  A device still open is closed without
 * disarming it, so it resets the node unless it is opened again in time.
 */
void wdmux_core_free(struct wdmux_core *core);

/*
 * A client connected at @now; @conn_data (borrowed) comes back in events.
 * Opens the device first if this is the first client.  Returns -ECANCELED
 * once the feeding has stopped, -EUSERS when WDMUX_MAX_CLIENTS are
 * connected, or the driver's -errno when the device does not open; the
 * client is then not registered and its departure changes nothing.
 * *@ret is owned by the core until wdmux_core_hangup().
 */
int wdmux_core_connect(struct wdmux_core *core, uint64_t now, void *conn_data,
		       struct wdmux_conn **ret);

/*
 * @conn sent @len bytes @buf (borrowed) at @now.  Returns -EPROTO for a
 * malformed timeout announcement: the connection is then dropped as if it
 * had never connected (it is freed and must not be used again); the caller
 * tells the client and closes it.
 */
int wdmux_core_input(struct wdmux_core *core, struct wdmux_conn *conn, const void *buf, size_t len,
		     uint64_t now);

/* @conn disconnected at @now (EOF or a reset by its peer); frees @conn. */
void wdmux_core_hangup(struct wdmux_core *core, struct wdmux_conn *conn, uint64_t now);

/*
 * Check every client's timeout and feed the device if a feed is due.
 * Cheap: call it after every event as well as at wdmux_core_next_deadline().
 * Returns the driver's -errno when a feed failed, else 0.
 */
int wdmux_core_tick(struct wdmux_core *core, uint64_t now);

/* The latest time wdmux_core_tick() must run next; UINT64_MAX for never. */
uint64_t wdmux_core_next_deadline(const struct wdmux_core *core);

/* Whether the device is open. */
bool wdmux_core_armed(const struct wdmux_core *core);

/* Whether the feeding stopped for good. */
bool wdmux_core_stopped(const struct wdmux_core *core);

/* Connected clients. */
unsigned wdmux_core_clients(const struct wdmux_core *core);

/* The device timeout in force in s (0 before the device is armed). */
unsigned wdmux_core_device_timeout(const struct wdmux_core *core);

/*
 * Close the device for a shutdown.  It is disarmed only when that is safe:
 * returns 0 when it was disarmed or never opened, -EBUSY when clients are
 * still connected and -ECANCELED when the feeding had stopped; in those
 * two cases the device is closed still counting down, so the node resets
 * unless a new wdmux opens it in time.
 */
int wdmux_core_close_device(struct wdmux_core *core);

#endif /* CLUSTERHA_FENCE_WDMUX_CORE_H */
