/*
 * test-settings.c - the settings file: defaults that meet the failover
 * budget, every parse error naming file and line, and every safety
 * inequality refused by name.
 */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "hamgr/hamgr.h"

static int
parse(const char *text, struct hamgr_settings *s, struct hamgr_error *err)
{
	return hamgr_settings_parse("ha/settings.cfg", text, strlen(text), s, err);
}

static void
expect_error(const char *text, const char *message)
{
	struct hamgr_settings s;
	struct hamgr_error err;

	memset(&err, 0, sizeof(err));
	assert_int_equal(parse(text, &s, &err), -EINVAL);
	assert_string_equal(err.text, message);
}

static void
test_defaults_are_safe(void **state)
{
	struct hamgr_settings s;
	struct hamgr_error err;

	hamgr_settings_default(&s);
	assert_int_equal(hamgr_settings_check(&s, "defaults", &err), 0);
}

static void
test_defaults_meet_the_failover_budget(void **state)
{
	struct hamgr_settings s;
	struct hamgr_budget b;

	/* DESIGN.md: within 10 s by watchdog alone, 6 s with a fence device. */
	hamgr_settings_default(&s);
	assert_int_equal(s.corosync_detect_ms, 3700);
	assert_int_equal(s.guest_start_ms, 1000);
	hamgr_settings_budget(&s, &b);
	assert_int_equal(b.watchdog_ms, 10000);
	assert_int_equal(b.device_ms, 5200);
	assert_true(b.watchdog_ms <= 10000);
	assert_true(b.device_ms <= 6000);
	assert_int_equal(hamgr_settings_fence_wait_ns(&s), 9000000000ull);
}

static void
test_budget_takes_the_faster_path(void **state)
{
	struct hamgr_settings s;
	struct hamgr_budget b;

	/* A fence delay longer than the watchdog bound no longer helps. */
	hamgr_settings_default(&s);
	s.fence_delay_ms = 60000;
	hamgr_settings_budget(&s, &b);
	assert_int_equal(b.device_ms, b.watchdog_ms);
}

static void
test_empty_file_gives_defaults(void **state)
{
	struct hamgr_settings s, d;
	struct hamgr_error err;

	hamgr_settings_default(&d);
	assert_int_equal(parse("# nothing\n\n", &s, &err), 0);
	assert_memory_equal(&s, &d, sizeof(s));
}

static void
test_every_key_parses(void **state)
{
	struct hamgr_settings s;
	struct hamgr_error err;

	assert_int_equal(parse("lease 9s\n"
			       "lease_renew 1s\n"
			       "watchdog_timeout 5s\n"
			       "margin 1000ms\n"
			       "corosync_detect 5500ms\n"
			       "corosync_join 1s\n"
			       "fence_delay 2s\n"
			       "fence_timeout 10s\n"
			       "fence_confirm 3s\n"
			       "guest_start 2s\n"
			       "safety_round 30s\n"
			       "lrm_workers 8\n",
			       &s, &err),
			 0);
	assert_int_equal(s.lease_ms, 9000);
	assert_int_equal(s.lease_renew_ms, 1000);
	assert_int_equal(s.watchdog_timeout_ms, 5000);
	assert_int_equal(s.margin_ms, 1000);
	assert_int_equal(s.corosync_detect_ms, 5500);
	assert_int_equal(s.corosync_join_ms, 1000);
	assert_int_equal(s.fence_delay_ms, 2000);
	assert_int_equal(s.fence_timeout_ms, 10000);
	assert_int_equal(s.fence_confirm_ms, 3000);
	assert_int_equal(s.guest_start_ms, 2000);
	assert_int_equal(s.safety_round_ms, 30000);
	assert_int_equal(s.lrm_workers, 8);
}

static void
test_failure_leaves_output_alone(void **state)
{
	struct hamgr_settings s;
	struct hamgr_error err;

	memset(&s, 0x5a, sizeof(s));
	assert_int_equal(parse("lease 1s\n", &s, &err), -EINVAL);
	assert_int_equal(s.lease_ms, 0x5a5a5a5a);
}

static void
test_parse_errors_name_file_line_and_problem(void **state)
{
	expect_error("\n# c\nleese 5s\n", "ha/settings.cfg:3: unknown setting 'leese'");
	expect_error("lease\n", "ha/settings.cfg:1: lease: missing value");
	expect_error("lease 5\n", "ha/settings.cfg:1: lease: '5' is not a duration "
				  "(a number with unit ms or s, e.g. 500ms or 5s)");
	expect_error("lease 5 m\n", "ha/settings.cfg:1: lease: '5 m' is not a duration "
				    "(a number with unit ms or s, e.g. 500ms or 5s)");
	expect_error("margin 50ms\n", "ha/settings.cfg:1: margin: 50ms is out of range "
				      "100ms..60000ms");
	expect_error("lease 90000s\n", "ha/settings.cfg:1: lease: 90000s is out of range "
				       "1000ms..600000ms");
	expect_error("lrm_workers 0\n", "ha/settings.cfg:1: lrm_workers: 0 is out of range 1..64");
	expect_error("lrm_workers many\n", "ha/settings.cfg:1: lrm_workers: 'many' is not a number");
	expect_error("lease 6s\nlease 7s\n", "ha/settings.cfg:2: lease: already set on line 1");
	expect_error("lease 6s\n  margin 1s\n", "ha/settings.cfg:2: unexpected indented line");
	expect_error("shutdown_policy stop\n", "ha/settings.cfg:1: shutdown_policy: 'stop' is not "
						"one of conditional, freeze, failover or migrate");
	expect_error("placement x\n", "ha/settings.cfg:1: placement: 'x' is not one of count or "
				       "static");
	expect_error("placement count\nplacement static\n",
		     "ha/settings.cfg:2: placement: already set on line 1");
}

/* conditional freezes on reboot and fails over on poweroff; the others are what they say. */
static void
test_shutdown_policy(void **state)
{
	struct hamgr_settings s;
	struct hamgr_error err;

	(void)state;
	hamgr_settings_default(&s);
	assert_int_equal(s.shutdown_policy, HAMGR_SHUTDOWN_CONDITIONAL);
	assert_int_equal(s.placement, HAMGR_LOAD_COUNT);
	assert_int_equal(parse("shutdown_policy migrate\nplacement static\n", &s, &err), 0);
	assert_int_equal(s.shutdown_policy, HAMGR_SHUTDOWN_MIGRATE);
	assert_int_equal(s.placement, HAMGR_LOAD_STATIC);
	assert_int_equal(hamgr_shutdown_action(HAMGR_SHUTDOWN_CONDITIONAL, HAMGR_LRM_REBOOT),
			 HAMGR_ACT_FREEZE);
	assert_int_equal(hamgr_shutdown_action(HAMGR_SHUTDOWN_CONDITIONAL, HAMGR_LRM_SHUTDOWN),
			 HAMGR_ACT_FAILOVER);
	assert_int_equal(hamgr_shutdown_action(HAMGR_SHUTDOWN_FREEZE, HAMGR_LRM_SHUTDOWN),
			 HAMGR_ACT_FREEZE);
	assert_int_equal(hamgr_shutdown_action(HAMGR_SHUTDOWN_FAILOVER, HAMGR_LRM_REBOOT),
			 HAMGR_ACT_FAILOVER);
	assert_int_equal(hamgr_shutdown_action(HAMGR_SHUTDOWN_MIGRATE, HAMGR_LRM_REBOOT),
			 HAMGR_ACT_MIGRATE);
	assert_int_equal(hamgr_shutdown_action(HAMGR_SHUTDOWN_FREEZE, HAMGR_LRM_MAINTENANCE),
			 HAMGR_ACT_NONE);
	assert_string_equal(hamgr_shutdown_policy_name(HAMGR_SHUTDOWN_FAILOVER), "failover");
}

static void
test_nul_byte_is_refused(void **state)
{
	static const char text[] = "lease 6s\nx\0y\n";
	struct hamgr_settings s;
	struct hamgr_error err;

	assert_int_equal(hamgr_settings_parse("h.cfg", text, sizeof(text) - 1, &s, &err), -EINVAL);
	assert_string_equal(err.text, "h.cfg:2: NUL byte in line");
}

static void
test_lease_must_outlast_membership_change(void **state)
{
	/* The old default of 5 s: too short once a node comes back mid-change. */
	expect_error("lease 5s\n", "ha/settings.cfg: unsafe: lease >= lease_renew + "
				   "corosync_detect + corosync_join + margin is violated (5000 < "
				   "500 + 3700 + 1800 + 500): healthy nodes would fence themselves "
				   "during a membership change");
	/* A slower corosync needs a longer lease too. */
	expect_error("corosync_detect 5s\n", "ha/settings.cfg: unsafe: lease >= lease_renew + "
					     "corosync_detect + corosync_join + margin is "
					     "violated (6500 < 500 + 5000 + 1800 + 500): healthy "
					     "nodes would fence themselves during a membership "
					     "change");
	expect_error("corosync_join 2s\n", "ha/settings.cfg: unsafe: lease >= lease_renew + "
					   "corosync_detect + corosync_join + margin is "
					   "violated (6500 < 500 + 3700 + 2000 + 500): healthy "
					   "nodes would fence themselves during a membership "
					   "change");
	/* The boundary itself is safe. */
	{
		struct hamgr_settings s;
		struct hamgr_error err;

		assert_int_equal(parse("lease 6500ms\n", &s, &err), 0);
		assert_int_equal(parse("lease 6499ms\n", &s, &err), -EINVAL);
		assert_int_equal(parse("lease 4700ms\ncorosync_join 0ms\n", &s, &err), 0);
	}
}

static void
test_watchdog_must_outlast_feed_interval(void **state)
{
	expect_error("lease 10s\nlease_renew 3s\nwatchdog_timeout 3s\n",
		     "ha/settings.cfg: unsafe: lease_renew + margin <= watchdog_timeout - 1s is "
		     "violated (3000 + 500 > 3000 - 1000): a healthy node's watchdog would expire "
		     "between two feeds");
	/* A device that fires one count early must still not fire between feeds. */
	expect_error("watchdog_timeout 1s\n",
		     "ha/settings.cfg: unsafe: lease_renew + margin <= watchdog_timeout - 1s is "
		     "violated (500 + 500 > 1000 - 1000): a healthy node's watchdog would expire "
		     "between two feeds");
	{
		struct hamgr_settings s;
		struct hamgr_error err;

		/* The default 2 s is exactly the boundary: 500 + 500 <= 2000 - 1000. */
		assert_int_equal(parse("lease_renew 500ms\nmargin 500ms\nwatchdog_timeout 2s\n",
				       &s, &err), 0);
		assert_int_equal(parse("lease 7s\nlease_renew 600ms\nwatchdog_timeout 2s\n", &s,
				       &err), -EINVAL);
	}
}

static void
test_watchdog_whole_seconds(void **state)
{
	expect_error("watchdog_timeout 2500ms\n",
		     "ha/settings.cfg: unsafe: watchdog_timeout mod 1s = 0 is violated "
		     "(2500ms): watchdog devices count whole seconds");
}

static void
test_fence_confirm_below_timeout(void **state)
{
	expect_error("fence_confirm 2s\n",
		     "ha/settings.cfg: inconsistent: fence_confirm < fence_timeout is violated "
		     "(2000 >= 2000): every fence attempt would time out");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_are_safe),
		cmocka_unit_test(test_shutdown_policy),
		cmocka_unit_test(test_defaults_meet_the_failover_budget),
		cmocka_unit_test(test_budget_takes_the_faster_path),
		cmocka_unit_test(test_empty_file_gives_defaults),
		cmocka_unit_test(test_every_key_parses),
		cmocka_unit_test(test_failure_leaves_output_alone),
		cmocka_unit_test(test_parse_errors_name_file_line_and_problem),
		cmocka_unit_test(test_nul_byte_is_refused),
		cmocka_unit_test(test_lease_must_outlast_membership_change),
		cmocka_unit_test(test_watchdog_must_outlast_feed_interval),
		cmocka_unit_test(test_watchdog_whole_seconds),
		cmocka_unit_test(test_fence_confirm_below_timeout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
