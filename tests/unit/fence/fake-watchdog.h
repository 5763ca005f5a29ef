/*
 * fake-watchdog.h - a watchdog driver for unit tests that counts calls and
 * can be told to fail, plus a recorder of wdmux core events.
 */
#ifndef CLUSTERHA_TEST_FAKE_WATCHDOG_H
#define CLUSTERHA_TEST_FAKE_WATCHDOG_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fence/watchdog.h"
#include "fence/wdmux-core.h"

#define S(x) ((uint64_t)(x) * 1000000000ULL)
#define MS(x) ((uint64_t)(x) * 1000000ULL)

/* One fake device per test binary; each test resets it in its setup. */
struct fake_device {
	int opens;
	int keepalives;
	int closes;
	bool disarmed;
	bool open; /* between open and close */
	int open_error;
	int keepalive_error;
	unsigned grant_timeout_s; /* 0: grant what is asked */
	unsigned asked_timeout_s;
};

static struct fake_device fake;

static int
fake_open(const char *device, unsigned *timeout_s, void **ret_handle)
{
	if (fake.open_error)
		return fake.open_error;
	fake.opens++;
	fake.open = true;
	fake.asked_timeout_s = *timeout_s;
	if (fake.grant_timeout_s)
		*timeout_s = fake.grant_timeout_s;
	*ret_handle = &fake;
	return 0;
}

static int
fake_keepalive(void *handle)
{
	if (fake.keepalive_error)
		return fake.keepalive_error;
	fake.keepalives++;
	return 0;
}

static void
fake_close(void *handle, bool disarm)
{
	fake.closes++;
	fake.open = false;
	fake.disarmed = disarm;
}

static const struct wd_driver fake_driver = {
	.name = "fake",
	.open = fake_open,
	.keepalive = fake_keepalive,
	.close = fake_close,
};

/* The events a core reported, in order. */
struct event_log {
	enum wdmux_event events[32];
	void *conn_data[32];
	int details[32];
	int n;
};

static void
record_event(void *data, enum wdmux_event event, void *conn_data, int detail)
{
	struct event_log *log = data;

	if (log->n < 32) {
		log->events[log->n] = event;
		log->conn_data[log->n] = conn_data;
		log->details[log->n] = detail;
		log->n++;
	}
}

static inline int
count_events(const struct event_log *log, enum wdmux_event event)
{
	int n = 0;

	for (int i = 0; i < log->n; i++)
		n += log->events[i] == event;
	return n;
}

#endif /* CLUSTERHA_TEST_FAKE_WATCHDOG_H */
