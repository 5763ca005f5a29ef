/* test-fence_rule.c - recovery only once the lost node is provably dead. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "hamgr/hamgr.h"

#define S 1000000000ull

static void
test_waits_lease_plus_watchdog_plus_margin(void **state)
{
	struct hamgr_settings s;
	struct hamgr_node_view n = {.lease_held = true, .lease_renewed_ns = 100 * S};

	hamgr_settings_default(&s);
	/* 6.5 s lease + 2 s watchdog + 0.5 s margin after the renewal seen. */
	assert_false(hamgr_fence_done(&s, &n, 100 * S));
	assert_false(hamgr_fence_done(&s, &n, 109 * S - 1));
	assert_true(hamgr_fence_done(&s, &n, 109 * S));
	/* A longer watchdog moves the bound with it. */
	s.watchdog_timeout_ms = 10000;
	assert_false(hamgr_fence_done(&s, &n, 109 * S));
	assert_true(hamgr_fence_done(&s, &n, 117 * S));
}

static void
test_fence_device_confirmation_is_proof(void **state)
{
	struct hamgr_settings s;
	struct hamgr_node_view n = {.lease_held = true, .lease_renewed_ns = 100 * S,
				    .fenced_off = true};

	hamgr_settings_default(&s);
	assert_true(hamgr_fence_done(&s, &n, 100 * S));
}

static void
test_no_lease_no_wait(void **state)
{
	struct hamgr_settings s;
	struct hamgr_node_view n = {.lease_held = false, .lease_renewed_ns = 100 * S};

	/* Without its agent lease an LRM starts nothing. */
	hamgr_settings_default(&s);
	assert_true(hamgr_fence_done(&s, &n, 100 * S));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_waits_lease_plus_watchdog_plus_margin),
		cmocka_unit_test(test_fence_device_confirmation_is_proof),
		cmocka_unit_test(test_no_lease_no_wait),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
