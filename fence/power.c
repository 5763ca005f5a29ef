/*
 * power.c - one power action on one device, the same for every driver:
 * connect, ask, then read the state back until it says what was asked or
 * the device's timeout has passed.  Success is never assumed from an
 * acknowledgement alone: a BMC may accept "off" and keep the node running.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fence/fence.h"

/* Milliseconds left until @deadline, at least 1 so drivers never get 0. */
static unsigned
remaining_ms(const struct fence_clock *clock, uint64_t deadline)
{
	uint64_t now = clock->now_ms(clock->data);

	return now >= deadline ? 1u : (unsigned)(deadline - now);
}

/* "device 'NAME' (TYPE ADDRESS[:PORT] | agent AGENT)" for messages. */
static void
describe(const struct fence_device *dev, char *buf, size_t size)
{
	if (dev->agent)
		snprintf(buf, size, "device '%s' (agent %s)", dev->name, dev->agent);
	else if (dev->port)
		snprintf(buf, size, "device '%s' (%s %s:%u)", dev->name, dev->type,
		         dev->address ? dev->address : "?", dev->port);
	else
		snprintf(buf, size, "device '%s' (%s %s)", dev->name, dev->type,
		         dev->address ? dev->address : "?");
}

/* Ask for @on, then poll until the device reports it or @deadline passes. */
static int
set_and_verify(const struct fence_driver *driver, void *h, const struct fence_device *dev,
               bool want, const struct fence_clock *clock, uint64_t deadline, fence_err_t *err)
{
	const char *state = want ? "on" : "off";
	fence_err_t last = {""};
	bool on, read_once = false;
	int r;

	r = driver->set_power(h, want, remaining_ms(clock, deadline), err);
	if (r < 0)
		return r;
	for (;;) {
		r = driver->get_power(h, &on, remaining_ms(clock, deadline), &last);
		if (r == 0 && on == want)
			return 0;
		read_once |= r == 0;
		if (clock->now_ms(clock->data) >= deadline)
			break;
		clock->sleep_ms(clock->data, FENCE_POLL_INTERVAL_MS);
	}
	/* A read cut short by the deadline must not hide what the device said. */
	if (read_once)
		fence_err_set(err, "accepted power %s, but still reports power %s after %u ms",
		              state, want ? "off" : "on", dev->timeout_ms);
	else
		fence_err_set(err,
		              "accepted power %s, but its state could not be read back within "
		              "%u ms: %s",
		              state, dev->timeout_ms, last.msg);
	return -ETIMEDOUT;
}

int
fence_device_run(const struct fence_driver *driver, const struct fence_device *dev,
                 const char *password, enum fence_action action, const struct fence_clock *clock,
                 bool *ret_on, fence_err_t *err)
{
	uint64_t deadline = clock->now_ms(clock->data) + dev->timeout_ms;
	fence_err_t why = {""};
	char what[256];
	void *h = NULL;
	bool on;
	int r;

	describe(dev, what, sizeof(what));
	if (action == FENCE_ACTION_REBOOT) {
		fence_err_set(err, "%s: reboot is off, verify, on: run it per level", what);
		return -EINVAL;
	}
	r = driver->open(dev, password, dev->timeout_ms, &h, &why);
	if (r < 0)
		goto out;
	if (action == FENCE_ACTION_STATUS) {
		r = driver->get_power(h, &on, remaining_ms(clock, deadline), &why);
		if (r == 0 && ret_on)
			*ret_on = on;
	} else {
		r = set_and_verify(driver, h, dev, action == FENCE_ACTION_ON, clock, deadline,
		                   &why);
		if (r == 0 && ret_on)
			*ret_on = action == FENCE_ACTION_ON;
	}
	driver->close(h);
out:
	if (r < 0)
		fence_err_set(err, "%s: %s", what, why.msg[0] ? why.msg : strerror(-r));
	return r;
}
