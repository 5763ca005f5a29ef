/*
 * wdmux-core.c - the watchdog multiplexer's decisions: client liveness,
 * the one-way switch to "feeding stopped", and when to feed the device.
 * The rules are in wdmux-core.h.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <qb/qblist.h>

#include "wdmux-core.h"

#define NS_PER_S 1000000000ULL

/* "T3600\n" is the longest announcement: T, at most 4 digits, newline. */
#define HELLO_DIGITS_MAX 4

enum hello_state {
	HELLO_EXPECTED, /* nothing received yet: a 'T' starts an announcement */
	HELLO_READING,	/* inside "T<digits>\n" */
	HELLO_DONE,	/* every further byte is a plain feed */
};

struct wdmux_conn {
	struct qb_list_head list;
	void *data;
	uint64_t timeout_ns;
	uint64_t last_ns; /* when the client last sent anything */
	enum hello_state hello;
	unsigned hello_value;
	unsigned hello_digits;
	bool last_was_clean_close;
	bool timed_out; /* already counted as failed; only its hangup remains */
};

struct wdmux_core {
	const struct wd_driver *driver;
	char *device;
	unsigned asked_timeout_s;
	unsigned timeout_s; /* in force; 0 until armed */
	uint64_t client_timeout_ns;
	wdmux_event_fn on_event;
	void *event_data;

	void *handle; /* the driver's open device, NULL until armed */
	uint64_t feed_interval_ns;
	uint64_t next_feed_ns;
	bool stopped;
	bool keepalive_failing;
	unsigned nclients;
	struct qb_list_head conns;
};

static void
core_emit(struct wdmux_core *core, enum wdmux_event event, struct wdmux_conn *conn, int detail)
{
	if (core->on_event)
		core->on_event(core->event_data, event, conn ? conn->data : NULL, detail);
}

static void
conn_free(struct wdmux_core *core, struct wdmux_conn *conn)
{
	qb_list_del(&conn->list);
	core->nclients--;
	free(conn);
}

/* The one-way switch: from here on the device is never fed again. */
static void
core_stop_feeding(struct wdmux_core *core, enum wdmux_event why, struct wdmux_conn *conn,
		  int detail)
{
	core->stopped = true;
	core_emit(core, why, conn, detail);
}

int
wdmux_core_new(const struct wdmux_core_config *config, struct wdmux_core **ret)
{
	struct wdmux_core *core;

	if (!config->driver || !config->device || !*config->device ||
	    config->device_timeout_s < 1 || config->device_timeout_s > WD_TIMEOUT_MAX ||
	    config->client_timeout_s < 1 || config->client_timeout_s > WD_TIMEOUT_MAX)
		return -EINVAL;
	core = calloc(1, sizeof(*core));
	if (!core)
		return -ENOMEM;
	core->device = strdup(config->device);
	if (!core->device) {
		free(core);
		return -ENOMEM;
	}
	core->driver = config->driver;
	core->asked_timeout_s = config->device_timeout_s;
	core->client_timeout_ns = config->client_timeout_s * NS_PER_S;
	core->on_event = config->on_event;
	core->event_data = config->event_data;
	qb_list_init(&core->conns);
	*ret = core;
	return 0;
}

void
wdmux_core_free(struct wdmux_core *core)
{
	struct wdmux_conn *conn, *next;

	if (!core)
		return;
	qb_list_for_each_entry_safe(conn, next, &core->conns, list)
		conn_free(core, conn);
	if (core->handle)
		core->driver->close(core->handle, false);
	free(core->device);
	free(core);
}

static int
core_arm(struct wdmux_core *core, uint64_t now)
{
	unsigned timeout = core->asked_timeout_s;
	void *handle = NULL;
	int r;

	r = core->driver->open(core->device, &timeout, &handle);
	if (r < 0)
		return r;
	core->handle = handle;
	core->timeout_s = timeout;
	/* Four feeds per timeout: one late or lost feed still leaves margin. */
	core->feed_interval_ns = timeout * NS_PER_S / 4;
	/* Opening started a fresh countdown, which counts as a feed. */
	core->next_feed_ns = now + core->feed_interval_ns;
	core_emit(core, WDMUX_EV_ARMED, NULL, (int)timeout);
	return 0;
}

int
wdmux_core_connect(struct wdmux_core *core, uint64_t now, void *conn_data,
		   struct wdmux_conn **ret)
{
	struct wdmux_conn *conn;
	int r;

	if (core->stopped)
		return -ECANCELED;
	if (core->nclients >= WDMUX_MAX_CLIENTS)
		return -EUSERS;
	conn = calloc(1, sizeof(*conn));
	if (!conn)
		return -ENOMEM;
	if (!core->handle) {
		r = core_arm(core, now);
		if (r < 0) {
			free(conn);
			return r;
		}
	}
	conn->data = conn_data;
	conn->timeout_ns = core->client_timeout_ns;
	conn->last_ns = now;
	conn->hello = HELLO_EXPECTED;
	qb_list_add_tail(&conn->list, &core->conns);
	core->nclients++;
	*ret = conn;
	return 0;
}

/* Take one byte of a timeout announcement; -EPROTO when it is malformed. */
static int
conn_hello_byte(struct wdmux_conn *conn, unsigned char c)
{
	if (c == '\n') {
		if (conn->hello_digits == 0 || conn->hello_value < 1 ||
		    conn->hello_value > WD_TIMEOUT_MAX)
			return -EPROTO;
		conn->timeout_ns = conn->hello_value * NS_PER_S;
		conn->hello = HELLO_DONE;
		return 0;
	}
	if (c < '0' || c > '9' || conn->hello_digits >= HELLO_DIGITS_MAX)
		return -EPROTO;
	conn->hello_value = conn->hello_value * 10 + (unsigned)(c - '0');
	conn->hello_digits++;
	return 0;
}

int
wdmux_core_input(struct wdmux_core *core, struct wdmux_conn *conn, const void *buf, size_t len,
		 uint64_t now)
{
	const unsigned char *bytes = buf;
	size_t i = 0;

	if (len == 0)
		return 0;
	conn->last_ns = now;
	if (conn->hello == HELLO_EXPECTED) {
		conn->hello = bytes[0] == WDMUX_HELLO ? HELLO_READING : HELLO_DONE;
		i = conn->hello == HELLO_READING ? 1 : 0;
	}
	for (; i < len && conn->hello == HELLO_READING; i++) {
		if (conn_hello_byte(conn, bytes[i]) < 0) {
			conn_free(core, conn);
			return -EPROTO;
		}
	}
	/* A clean close counts only when it is the last byte before the hangup. */
	if (i < len)
		conn->last_was_clean_close = bytes[len - 1] == WDMUX_CLEAN_CLOSE;
	return 0;
}

void
wdmux_core_hangup(struct wdmux_core *core, struct wdmux_conn *conn, uint64_t now)
{
	if (!conn->timed_out) {
		if (conn->last_was_clean_close)
			core_emit(core, WDMUX_EV_CLIENT_CLEAN, conn, 0);
		else if (core->stopped)
			core_emit(core, WDMUX_EV_CLIENT_UNCLEAN, conn, 0);
		else
			core_stop_feeding(core, WDMUX_EV_CLIENT_UNCLEAN, conn, 0);
	}
	conn_free(core, conn);
}

int
wdmux_core_tick(struct wdmux_core *core, uint64_t now)
{
	struct wdmux_conn *conn;
	int r;

	qb_list_for_each_entry(conn, &core->conns, list) {
		if (conn->timed_out || now - conn->last_ns <= conn->timeout_ns)
			continue;
		conn->timed_out = true;
		core_stop_feeding(core, WDMUX_EV_CLIENT_TIMEOUT, conn,
				  (int)(conn->timeout_ns / NS_PER_S));
	}
	if (core->stopped || !core->handle || now < core->next_feed_ns)
		return 0;
	r = core->driver->keepalive(core->handle);
	/* A failed feed is retried at the next interval, not in a tight loop. */
	core->next_feed_ns = now + core->feed_interval_ns;
	if (r < 0 && !core->keepalive_failing)
		core_emit(core, WDMUX_EV_KEEPALIVE_FAILED, NULL, r);
	else if (r == 0 && core->keepalive_failing)
		core_emit(core, WDMUX_EV_KEEPALIVE_OK, NULL, 0);
	core->keepalive_failing = r < 0;
	return r;
}

uint64_t
wdmux_core_next_deadline(const struct wdmux_core *core)
{
	const struct wdmux_conn *conn;
	uint64_t next = UINT64_MAX;

	if (core->stopped)
		return UINT64_MAX;
	if (core->handle)
		next = core->next_feed_ns;
	qb_list_for_each_entry(conn, &core->conns, list) {
		/* The first moment the client counts as silent past its timeout. */
		uint64_t expiry = conn->last_ns + conn->timeout_ns + 1;

		if (!conn->timed_out && expiry < next)
			next = expiry;
	}
	return next;
}

bool
wdmux_core_armed(const struct wdmux_core *core)
{
	return core->handle != NULL;
}

bool
wdmux_core_stopped(const struct wdmux_core *core)
{
	return core->stopped;
}

unsigned
wdmux_core_clients(const struct wdmux_core *core)
{
	return core->nclients;
}

unsigned
wdmux_core_device_timeout(const struct wdmux_core *core)
{
	return core->timeout_s;
}

int
wdmux_core_close_device(struct wdmux_core *core)
{
	int r = 0;

	if (!core->handle)
		return 0;
	if (core->stopped)
		r = -ECANCELED;
	else if (core->nclients > 0)
		r = -EBUSY;
	core->driver->close(core->handle, r == 0);
	core->handle = NULL;
	return r;
}
