/*
 * test-power.c - one power action on one device: success only once the
 * state read back says so, a clear failure when it never does.
 */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/fence/fake.h"

struct fixture {
	struct fake_clock clock;
	struct fake_bmc bmc;
	char address[32];
	struct fence_device dev;
};

static int
setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	fake_clock_init(&f.clock);
	f.bmc.clock = &f.clock;
	f.bmc.on = true;
	f.bmc.wanted = true;
	snprintf(f.address, sizeof(f.address), "%llx", (unsigned long long)(uintptr_t)&f.bmc);
	f.dev.name = (char *)(uintptr_t) "bmc-n3";
	f.dev.type = (char *)(uintptr_t) "fake";
	f.dev.address = f.address;
	f.dev.timeout_ms = 2000;
	*state = &f;
	return 0;
}

static int
run(struct fixture *f, enum fence_action action, bool *on, fence_err_t *err)
{
	return fence_device_run(&fake_driver, &f->dev, "pw", action, &f->clock.ops, on, err);
}

static void
test_off_confirmed_at_once(void **state)
{
	struct fixture *f = *state;
	fence_err_t err = {""};
	bool on = true;

	assert_int_equal(run(f, FENCE_ACTION_OFF, &on, &err), 0);
	assert_false(on);
	assert_false(f->bmc.on);
	assert_int_equal(f->bmc.gets, 1);
	assert_int_equal(f->clock.slept, 0);
	assert_true(f->bmc.closed);
}

static void
test_off_waits_until_state_reads_off(void **state)
{
	struct fixture *f = *state;
	fence_err_t err = {""};

	f->bmc.lag_reads = 3;
	assert_int_equal(run(f, FENCE_ACTION_OFF, NULL, &err), 0);
	assert_int_equal(f->bmc.gets, 4);
	assert_int_equal(f->clock.slept, 3 * FENCE_POLL_INTERVAL_MS);
}

static void
test_off_acknowledged_but_still_on_fails(void **state)
{
	struct fixture *f = *state;
	fence_err_t err = {""};

	f->bmc.ignore_set = true;
	f->bmc.call_ms = 7;
	assert_int_equal(run(f, FENCE_ACTION_OFF, NULL, &err), -ETIMEDOUT);
	assert_true(f->bmc.on);
	assert_true(strncmp(err.msg, "device 'bmc-n3' (fake ", 22) == 0);
	assert_non_null(strstr(err.msg, "accepted power off, but still reports power on after "
	                                "2000 ms"));
	/* It kept asking until the time was up, and not much longer. */
	assert_true(f->bmc.gets > 5);
	assert_true(f->clock.now - 1000 >= 2000 && f->clock.now - 1000 < 2000 + 200);
}

static void
test_read_errors_never_count_as_off(void **state)
{
	struct fixture *f = *state;
	fence_err_t err = {""};

	f->bmc.get_errors = 1000;
	f->bmc.get_error = -EIO;
	assert_int_equal(run(f, FENCE_ACTION_OFF, NULL, &err), -ETIMEDOUT);
	assert_non_null(strstr(err.msg, "could not be read back within 2000 ms"));
	assert_non_null(strstr(err.msg, "fake get failed"));
}

static void
test_read_error_then_off_succeeds(void **state)
{
	struct fixture *f = *state;
	fence_err_t err = {""};

	f->bmc.get_errors = 2;
	f->bmc.get_error = -EIO;
	assert_int_equal(run(f, FENCE_ACTION_OFF, NULL, &err), 0);
	assert_int_equal(f->bmc.gets, 3);
}

static void
test_unreachable_fails_with_driver_message(void **state)
{
	struct fixture *f = *state;
	fence_err_t err = {""};

	f->bmc.open_error = -ETIMEDOUT;
	assert_int_equal(run(f, FENCE_ACTION_OFF, NULL, &err), -ETIMEDOUT);
	assert_string_equal(err.msg + strlen(err.msg) - strlen("fake open failed"),
	                    "fake open failed");
	assert_int_equal(f->bmc.sets, 0);
}

static void
test_rejected_set_fails(void **state)
{
	struct fixture *f = *state;
	fence_err_t err = {""};

	f->bmc.set_error = -EACCES;
	assert_int_equal(run(f, FENCE_ACTION_OFF, NULL, &err), -EACCES);
	assert_non_null(strstr(err.msg, "fake set failed"));
	assert_true(f->bmc.closed);
}

static void
test_on_and_status(void **state)
{
	struct fixture *f = *state;
	fence_err_t err = {""};
	bool on = true;

	f->bmc.on = f->bmc.wanted = false;
	assert_int_equal(run(f, FENCE_ACTION_STATUS, &on, &err), 0);
	assert_false(on);
	assert_int_equal(f->bmc.sets, 0);
	f->bmc.lag_reads = 1;
	assert_int_equal(run(f, FENCE_ACTION_ON, &on, &err), 0);
	assert_true(on);
	assert_true(f->bmc.on);
}

static void
test_reboot_is_not_a_device_action(void **state)
{
	struct fixture *f = *state;
	fence_err_t err = {""};

	assert_int_equal(run(f, FENCE_ACTION_REBOOT, NULL, &err), -EINVAL);
	assert_false(f->bmc.opened);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_off_confirmed_at_once, setup),
	    cmocka_unit_test_setup(test_off_waits_until_state_reads_off, setup),
	    cmocka_unit_test_setup(test_off_acknowledged_but_still_on_fails, setup),
	    cmocka_unit_test_setup(test_read_errors_never_count_as_off, setup),
	    cmocka_unit_test_setup(test_read_error_then_off_succeeds, setup),
	    cmocka_unit_test_setup(test_unreachable_fails_with_driver_message, setup),
	    cmocka_unit_test_setup(test_rejected_set_fails, setup),
	    cmocka_unit_test_setup(test_on_and_status, setup),
	    cmocka_unit_test_setup(test_reboot_is_not_a_device_action, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
