/*
 * driver.c - fence drivers are an ops table chosen by the device's type;
 * this is the table, and the small helpers every driver shares.
 */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fence/fence-int.h"

static const struct fence_driver *const drivers[] = {
    &fence_driver_ipmi,
    &fence_driver_agent,
};

const struct fence_driver *
fence_driver_find(const char *type)
{
	size_t i;

	for (i = 0; type && i < sizeof(drivers) / sizeof(drivers[0]); i++)
		if (!strcmp(drivers[i]->type, type))
			return drivers[i];
	return NULL;
}

void
fence_err_set(fence_err_t *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

const char *
fence_action_name(enum fence_action action)
{
	switch (action) {
	case FENCE_ACTION_OFF:
		return "off";
	case FENCE_ACTION_ON:
		return "on";
	case FENCE_ACTION_REBOOT:
		return "reboot";
	case FENCE_ACTION_STATUS:
		return "status";
	}
	return "?";
}

static uint64_t
monotonic_now_ms(void *data)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void
monotonic_sleep_ms(void *data, uint64_t ms)
{
	struct timespec ts = {.tv_sec = (time_t)(ms / 1000u),
	                      .tv_nsec = (long)(ms % 1000u) * 1000000L};

	while (nanosleep(&ts, &ts) < 0)
		;
}

const struct fence_clock fence_clock_monotonic = {
    .now_ms = monotonic_now_ms,
    .sleep_ms = monotonic_sleep_ms,
};
