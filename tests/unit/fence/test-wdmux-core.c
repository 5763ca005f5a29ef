/*
 * test-wdmux-core.c - wdmux's rules with a fake clock and a fake device:
 * armed only at the first client, fed on schedule whatever the clients
 * send, and stopped for good by a silent or uncleanly departed client.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "fake-watchdog.h"

/* Connection data the events carry back: the client's name. */
static char conn_a[] = "a", conn_b[] = "b", conn_c[] = "c";

struct fixture {
	struct wdmux_core *core;
	struct event_log log;
};

/* Device timeout 4 s (a feed each second), clients default to 10 s. */
static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	memset(&fake, 0, sizeof(fake));
	assert_int_equal(wdmux_core_new(
				 &(struct wdmux_core_config){
					 .driver = &fake_driver,
					 .device = "/fake/watchdog",
					 .device_timeout_s = 4,
					 .client_timeout_s = 10,
					 .on_event = record_event,
					 .event_data = &f->log,
				 },
				 &f->core),
			 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	wdmux_core_free(f->core);
	free(f);
	return 0;
}

static void
send_str(struct wdmux_core *core, struct wdmux_conn *conn, const char *s, uint64_t now)
{
	assert_int_equal(wdmux_core_input(core, conn, s, strlen(s), now), 0);
}

/* Tick at every 100 ms from @from to @to, as the daemon's timer would. */
static void
run_until(struct wdmux_core *core, uint64_t from, uint64_t to)
{
	for (uint64_t t = from; t <= to; t += MS(100))
		(void)wdmux_core_tick(core, t);
}

static void
test_bad_config_is_refused(void **state)
{
	struct wdmux_core *core = NULL;
	struct wdmux_core_config c = {
		.driver = &fake_driver, .device = "", .device_timeout_s = 4, .client_timeout_s = 10
	};

	assert_int_equal(wdmux_core_new(&c, &core), -EINVAL);
	c.device = "/fake";
	c.device_timeout_s = 0;
	assert_int_equal(wdmux_core_new(&c, &core), -EINVAL);
	c.device_timeout_s = WD_TIMEOUT_MAX + 1;
	assert_int_equal(wdmux_core_new(&c, &core), -EINVAL);
	assert_null(core);
}

static void
test_not_armed_without_clients(void **state)
{
	struct fixture *f = *state;

	run_until(f->core, 0, S(60));
	assert_int_equal(fake.opens, 0);
	assert_false(wdmux_core_armed(f->core));
	assert_int_equal(wdmux_core_next_deadline(f->core), UINT64_MAX);
	/* Shutting down an unarmed wdmux touches no device. */
	assert_int_equal(wdmux_core_close_device(f->core), 0);
	assert_int_equal(fake.closes, 0);
}

static void
test_first_client_arms_once(void **state)
{
	struct fixture *f = *state;
	struct wdmux_conn *a, *b;

	assert_int_equal(wdmux_core_connect(f->core, S(1), conn_a, &a), 0);
	assert_int_equal(wdmux_core_connect(f->core, S(2), conn_b, &b), 0);
	assert_int_equal(fake.opens, 1);
	assert_int_equal(fake.asked_timeout_s, 4);
	assert_true(wdmux_core_armed(f->core));
	assert_int_equal(wdmux_core_clients(f->core), 2);
	assert_int_equal(f->log.events[0], WDMUX_EV_ARMED);
	assert_int_equal(f->log.details[0], 4);
}

static void
test_device_rounding_sets_feed_interval(void **state)
{
	struct fixture *f = *state;
	struct wdmux_conn *a;

	fake.grant_timeout_s = 2; /* the device only does 2 s: feed every 500 ms */
	assert_int_equal(wdmux_core_connect(f->core, 0, conn_a, &a), 0);
	assert_int_equal(wdmux_core_device_timeout(f->core), 2);
	for (uint64_t t = MS(100); t <= S(5); t += MS(100)) {
		send_str(f->core, a, ".", t);
		(void)wdmux_core_tick(f->core, t);
	}
	assert_int_equal(fake.keepalives, 10);
}

static void
test_open_failure_refuses_client(void **state)
{
	struct fixture *f = *state;
	struct wdmux_conn *a = NULL;

	fake.open_error = -ENOENT;
	assert_int_equal(wdmux_core_connect(f->core, 0, conn_a, &a), -ENOENT);
	assert_null(a);
	assert_int_equal(wdmux_core_clients(f->core), 0);
	assert_false(wdmux_core_armed(f->core));
	/* A later client tries again. */
	fake.open_error = 0;
	assert_int_equal(wdmux_core_connect(f->core, S(1), conn_a, &a), 0);
	assert_true(wdmux_core_armed(f->core));
}

static void
test_feeding_client_keeps_device_fed(void **state)
{
	struct fixture *f = *state;
	struct wdmux_conn *a;

	assert_int_equal(wdmux_core_connect(f->core, 0, conn_a, &a), 0);
	for (uint64_t t = MS(100); t <= S(100); t += MS(100)) {
		if (t % S(2) == 0)
			send_str(f->core, a, ".", t);
		assert_int_equal(wdmux_core_tick(f->core, t), 0);
	}
	/* One feed per second (a quarter of 4 s), from arming at 0 to 100 s. */
	assert_int_equal(fake.keepalives, 100);
	assert_false(wdmux_core_stopped(f->core));
	assert_int_equal(count_events(&f->log, WDMUX_EV_CLIENT_TIMEOUT), 0);
}

static void
test_silent_client_stops_feeding_for_good(void **state)
{
	struct fixture *f = *state;
	struct wdmux_conn *a, *b;

	assert_int_equal(wdmux_core_connect(f->core, 0, conn_a, &a), 0);
	assert_int_equal(wdmux_core_connect(f->core, 0, conn_b, &b), 0);
	send_str(f->core, a, "T3\n", MS(10));
	/* b keeps talking, a goes silent after its announcement. */
	for (uint64_t t = MS(100); t <= S(3); t += MS(100)) {
		send_str(f->core, b, ".", t);
		(void)wdmux_core_tick(f->core, t);
	}
	assert_false(wdmux_core_stopped(f->core));
	int fed = fake.keepalives;

	(void)wdmux_core_tick(f->core, S(3) + MS(11));
	assert_true(wdmux_core_stopped(f->core));
	assert_int_equal(count_events(&f->log, WDMUX_EV_CLIENT_TIMEOUT), 1);
	assert_string_equal(f->log.conn_data[f->log.n - 1], "a");
	assert_int_equal(f->log.details[f->log.n - 1], 3);
	/* Nothing restarts the feeding: not b's talking, not a's late words. */
	for (uint64_t t = S(4); t <= S(60); t += MS(100)) {
		send_str(f->core, b, ".", t);
		send_str(f->core, a, ".", t);
		(void)wdmux_core_tick(f->core, t);
	}
	assert_int_equal(fake.keepalives, fed);
	assert_int_equal(wdmux_core_next_deadline(f->core), UINT64_MAX);
	/* Nor a clean close of the late client, nor new clients. */
	send_str(f->core, a, "V", S(61));
	wdmux_core_hangup(f->core, a, S(61));
	assert_int_equal(count_events(&f->log, WDMUX_EV_CLIENT_CLEAN), 0);
	struct wdmux_conn *c = NULL;

	assert_int_equal(wdmux_core_connect(f->core, S(62), conn_c, &c), -ECANCELED);
	/* The device is left counting down, even at a clean shutdown. */
	assert_int_equal(wdmux_core_close_device(f->core), -ECANCELED);
	assert_false(fake.disarmed);
	wdmux_core_hangup(f->core, b, S(63));
}

static void
test_default_client_timeout_applies_without_announcement(void **state)
{
	struct fixture *f = *state;
	struct wdmux_conn *a;

	assert_int_equal(wdmux_core_connect(f->core, 0, conn_a, &a), 0);
	send_str(f->core, a, "..", MS(1));
	run_until(f->core, MS(100), S(10));
	assert_false(wdmux_core_stopped(f->core));
	(void)wdmux_core_tick(f->core, S(10) + MS(2));
	assert_true(wdmux_core_stopped(f->core));
}

static void
test_unclean_disconnect_stops_feeding(void **state)
{
	struct fixture *f = *state;
	struct wdmux_conn *a, *b;

	assert_int_equal(wdmux_core_connect(f->core, 0, conn_a, &a), 0);
	assert_int_equal(wdmux_core_connect(f->core, 0, conn_b, &b), 0);
	/* A 'V' that is not the last byte is no clean close. */
	send_str(f->core, a, "..V.", S(1));
	wdmux_core_hangup(f->core, a, S(1));
	assert_true(wdmux_core_stopped(f->core));
	assert_int_equal(count_events(&f->log, WDMUX_EV_CLIENT_UNCLEAN), 1);
	int fed = fake.keepalives;

	run_until(f->core, S(1), S(30));
	assert_int_equal(fake.keepalives, fed);
	wdmux_core_hangup(f->core, b, S(31));
}

static void
test_clean_close_keeps_feeding(void **state)
{
	struct fixture *f = *state;
	struct wdmux_conn *a;

	assert_int_equal(wdmux_core_connect(f->core, 0, conn_a, &a), 0);
	send_str(f->core, a, "T2\n....", MS(10));
	send_str(f->core, a, "V", S(1));
	wdmux_core_hangup(f->core, a, S(1));
	assert_int_equal(count_events(&f->log, WDMUX_EV_CLIENT_CLEAN), 1);
	assert_int_equal(wdmux_core_clients(f->core), 0);
	/* No clients: the device stays open and fed, nothing times out. */
	run_until(f->core, S(1), S(60));
	assert_false(wdmux_core_stopped(f->core));
	assert_int_equal(fake.keepalives, 60);
	/* With no client left a shutdown disarms the device. */
	assert_int_equal(wdmux_core_close_device(f->core), 0);
	assert_true(fake.disarmed);
	assert_false(fake.open);
}

static void
test_shutdown_with_clients_leaves_device_armed(void **state)
{
	struct fixture *f = *state;
	struct wdmux_conn *a;

	assert_int_equal(wdmux_core_connect(f->core, 0, conn_a, &a), 0);
	assert_int_equal(wdmux_core_close_device(f->core), -EBUSY);
	assert_int_equal(fake.closes, 1);
	assert_false(fake.disarmed);
}

static void
test_free_never_disarms(void **state)
{
	struct fixture *f = *state;
	struct wdmux_conn *a;

	assert_int_equal(wdmux_core_connect(f->core, 0, conn_a, &a), 0);
	send_str(f->core, a, "V", 1);
	wdmux_core_hangup(f->core, a, 1);
	wdmux_core_free(f->core);
	f->core = NULL;
	assert_int_equal(fake.closes, 1);
	assert_false(fake.disarmed);
}

static void
test_flood_does_not_change_feeding(void **state)
{
	struct fixture *f = *state;
	struct wdmux_conn *a;
	char big[4096];

	memset(big, '.', sizeof(big));
	assert_int_equal(wdmux_core_connect(f->core, 0, conn_a, &a), 0);
	/* 100 reads per ms for 20 s, the core ticked after each as wdmux does. */
	for (uint64_t t = MS(1); t <= S(20); t += MS(1)) {
		for (int i = 0; i < 100; i++) {
			assert_int_equal(wdmux_core_input(f->core, a, big, sizeof(big), t), 0);
			(void)wdmux_core_tick(f->core, t);
		}
	}
	assert_int_equal(fake.keepalives, 20);
	assert_false(wdmux_core_stopped(f->core));
}

static void
test_hello_split_across_reads(void **state)
{
	struct fixture *f = *state;
	struct wdmux_conn *a;

	assert_int_equal(wdmux_core_connect(f->core, 0, conn_a, &a), 0);
	send_str(f->core, a, "T", MS(1));
	send_str(f->core, a, "36", MS(2));
	send_str(f->core, a, "00\n", MS(3));
	/* 3600 s announced: silent for 20 minutes is still fine. */
	run_until(f->core, S(1), S(1200));
	assert_false(wdmux_core_stopped(f->core));
	assert_true(wdmux_core_next_deadline(f->core) <= S(1201));
}

static void
test_malformed_hello_drops_without_fencing(void **state)
{
	static const char *const bad[] = { "T0\n", "T3601\n", "Tx\n", "T\n", "T12345", "T-1\n" };
	struct fixture *f = *state;
	struct wdmux_conn *a;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(wdmux_core_connect(f->core, 0, conn_a, &a), 0);
		assert_int_equal(wdmux_core_input(f->core, a, bad[i], strlen(bad[i]), 1), -EPROTO);
		assert_int_equal(wdmux_core_clients(f->core), 0);
	}
	assert_false(wdmux_core_stopped(f->core));
	assert_int_equal(count_events(&f->log, WDMUX_EV_CLIENT_UNCLEAN), 0);
}

static void
test_too_many_clients_refused(void **state)
{
	struct fixture *f = *state;
	struct wdmux_conn *c[WDMUX_MAX_CLIENTS + 1];

	for (int i = 0; i < WDMUX_MAX_CLIENTS; i++)
		assert_int_equal(wdmux_core_connect(f->core, 0, NULL, &c[i]), 0);
	assert_int_equal(wdmux_core_connect(f->core, 0, NULL, &c[WDMUX_MAX_CLIENTS]), -EUSERS);
	for (int i = 0; i < WDMUX_MAX_CLIENTS; i++) {
		send_str(f->core, c[i], "V", 1);
		wdmux_core_hangup(f->core, c[i], 1);
	}
	assert_false(wdmux_core_stopped(f->core));
}

static void
test_keepalive_failure_reported_once_and_retried(void **state)
{
	struct fixture *f = *state;
	struct wdmux_conn *a;

	assert_int_equal(wdmux_core_connect(f->core, 0, conn_a, &a), 0);
	send_str(f->core, a, "T3600\n", 1);
	fake.keepalive_error = -EPIPE;
	run_until(f->core, MS(100), S(10));
	assert_int_equal(count_events(&f->log, WDMUX_EV_KEEPALIVE_FAILED), 1);
	fake.keepalive_error = 0;
	run_until(f->core, S(10), S(12));
	assert_int_equal(count_events(&f->log, WDMUX_EV_KEEPALIVE_OK), 1);
	assert_true(fake.keepalives >= 2);
	assert_false(wdmux_core_stopped(f->core));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_config_is_refused),
		cmocka_unit_test_setup_teardown(test_not_armed_without_clients, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_client_arms_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_rounding_sets_feed_interval, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_open_failure_refuses_client, setup, teardown),
		cmocka_unit_test_setup_teardown(test_feeding_client_keeps_device_fed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_silent_client_stops_feeding_for_good, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_default_client_timeout_applies_without_announcement, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unclean_disconnect_stops_feeding, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_clean_close_keeps_feeding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shutdown_with_clients_leaves_device_armed,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_never_disarms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flood_does_not_change_feeding, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_hello_split_across_reads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_hello_drops_without_fencing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_too_many_clients_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keepalive_failure_reported_once_and_retried,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
