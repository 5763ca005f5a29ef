/*
 * fake.h - a virtual clock and a scripted fence driver for the unit tests
 * of the power sequence and the fence levels.
 */
#ifndef CLUSTERHA_TEST_FENCE_FAKE_H
#define CLUSTERHA_TEST_FENCE_FAKE_H

#include "fence/fence.h"

/* A clock that moves only when someone sleeps (or a driver call takes time). */
struct fake_clock {
	uint64_t now;
	uint64_t slept;
	struct fence_clock ops;
};

void fake_clock_init(struct fake_clock *c);

/*
 * A BMC: open/set fail with the given -errno when non-zero; get returns
 * get_error for the first get_errors reads; after a set it keeps the old
 * state for lag_reads reads (forever when ignore_set); each call costs
 * call_ms of virtual time.
 */
struct fake_bmc {
	int open_error, set_error, get_error;
	unsigned get_errors, lag_reads, call_ms;
	bool ignore_set, on, wanted, opened, closed;
	unsigned sets, gets;
	struct fake_clock *clock;
};

extern const struct fence_driver fake_driver;

#endif
