/*
 * test-level.c - fencing a node: delays, levels in order, every device of
 * a level, reboot as off-then-on per level.
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

#define MAX_CALLS 16

struct world {
	struct fake_clock clock;
	struct fence_device dev[4]; /* a, b, c, d */
	const struct fence_device *lv1[2], *lv2[2];
	struct fence_level levels[2];
	struct fence_node node;
	int fail[4];               /* -errno per device, 0 = works */
	char calls[MAX_CALLS][16]; /* "a:off" ... */
	size_t n_calls;
	uint32_t random;
	size_t reports, delay_reports;
	struct fence_env env;
};

static int
device(void *data, const struct fence_device *dev, enum fence_action action, fence_err_t *err)
{
	struct world *w = data;
	int i = dev->name[0] - 'a';

	assert_true(w->n_calls < MAX_CALLS);
	snprintf(w->calls[w->n_calls++], 16, "%s:%s", dev->name, fence_action_name(action));
	w->clock.now += 10;
	if (w->fail[i])
		fence_err_set(err, "device '%s': broken", dev->name);
	return w->fail[i];
}

static uint32_t
random32(void *data)
{
	return ((struct world *)data)->random;
}

static void
report(void *data, const struct fence_step *s)
{
	struct world *w = data;

	w->reports++;
	if (!s->device)
		w->delay_reports++;
	else if (s->result)
		assert_non_null(s->message);
}

/* Node with level 1 = {a, b} and level 2 = {c}. */
static int
setup(void **state)
{
	static struct world w;
	static const char *const names[] = {"a", "b", "c", "d"};
	size_t i;

	memset(&w, 0, sizeof(w));
	fake_clock_init(&w.clock);
	for (i = 0; i < 4; i++)
		w.dev[i].name = (char *)(uintptr_t)names[i];
	w.lv1[0] = &w.dev[0];
	w.lv1[1] = &w.dev[1];
	w.lv2[0] = &w.dev[2];
	w.levels[0] = (struct fence_level){w.lv1, 2};
	w.levels[1] = (struct fence_level){w.lv2, 1};
	w.node.name = (char *)(uintptr_t) "n3";
	w.node.levels = w.levels;
	w.node.n_levels = 2;
	w.env = (struct fence_env){&w.clock.ops, device, random32, report, &w};
	*state = &w;
	return 0;
}

static void
expect_calls(struct world *w, const char *const *want, size_t n)
{
	size_t i;

	assert_int_equal(w->n_calls, n);
	for (i = 0; i < n; i++)
		assert_string_equal(w->calls[i], want[i]);
}

static void
test_first_level_every_device(void **state)
{
	struct world *w = *state;
	const char *const want[] = {"a:off", "b:off"};
	fence_err_t err = {""};
	size_t level = 0;

	assert_int_equal(fence_node_run(&w->node, FENCE_ACTION_OFF, &w->env, true, &level, &err),
	                 0);
	assert_int_equal(level, 1);
	expect_calls(w, want, 2);
	assert_int_equal(w->reports, 2);
	assert_int_equal(w->clock.slept, 0);
}

static void
test_failed_device_moves_to_next_level(void **state)
{
	struct world *w = *state;
	const char *const want[] = {"a:off", "c:off"};
	fence_err_t err = {""};
	size_t level = 0;

	w->fail[0] = -ETIMEDOUT;
	assert_int_equal(fence_node_run(&w->node, FENCE_ACTION_OFF, &w->env, true, &level, &err),
	                 0);
	assert_int_equal(level, 2);
	expect_calls(w, want, 2);
}

static void
test_second_device_of_level_must_succeed_too(void **state)
{
	struct world *w = *state;
	const char *const want[] = {"a:off", "b:off", "c:off"};
	fence_err_t err = {""};
	size_t level = 0;

	w->fail[1] = -EIO;
	assert_int_equal(fence_node_run(&w->node, FENCE_ACTION_OFF, &w->env, true, &level, &err),
	                 0);
	assert_int_equal(level, 2);
	expect_calls(w, want, 3);
}

static void
test_all_levels_fail(void **state)
{
	struct world *w = *state;
	fence_err_t err = {""};
	size_t level = 99;

	w->fail[0] = -ETIMEDOUT;
	w->fail[2] = -EACCES;
	assert_int_equal(fence_node_run(&w->node, FENCE_ACTION_OFF, &w->env, true, &level, &err),
	                 -EACCES);
	assert_int_equal(level, 99);
	assert_string_equal(err.msg,
	                    "node 'n3': all 2 fence levels failed; last: device 'c': broken");
}

static void
test_single_level_failure_message(void **state)
{
	struct world *w = *state;
	fence_err_t err = {""};

	w->node.n_levels = 1;
	w->fail[0] = -ETIMEDOUT;
	assert_int_equal(fence_node_run(&w->node, FENCE_ACTION_OFF, &w->env, true, NULL, &err),
	                 -ETIMEDOUT);
	assert_string_equal(err.msg, "node 'n3': device 'a': broken");
}

static void
test_reboot_turns_whole_level_off_then_on(void **state)
{
	struct world *w = *state;
	const char *const want[] = {"a:off", "b:off", "a:on", "b:on"};
	fence_err_t err = {""};

	assert_int_equal(fence_node_run(&w->node, FENCE_ACTION_REBOOT, &w->env, true, NULL, &err),
	                 0);
	expect_calls(w, want, 4);
}

static void
test_reboot_never_powers_on_after_failed_off(void **state)
{
	struct world *w = *state;
	const char *const want[] = {"a:off", "b:off", "c:off", "c:on"};
	fence_err_t err = {""};

	w->fail[1] = -EIO;
	assert_int_equal(fence_node_run(&w->node, FENCE_ACTION_REBOOT, &w->env, true, NULL, &err),
	                 0);
	expect_calls(w, want, 4);
}

static void
test_fixed_delay_comes_first(void **state)
{
	struct world *w = *state;
	fence_err_t err = {""};

	w->node.delay_ms = 5000;
	assert_int_equal(fence_node_run(&w->node, FENCE_ACTION_OFF, &w->env, true, NULL, &err), 0);
	assert_int_equal(w->clock.slept, 5000);
	assert_int_equal(w->delay_reports, 1);
}

static void
test_no_delay_when_asked_or_for_on(void **state)
{
	struct world *w = *state;
	fence_err_t err = {""};

	w->node.delay_ms = 5000;
	assert_int_equal(fence_node_run(&w->node, FENCE_ACTION_OFF, &w->env, false, NULL, &err), 0);
	assert_int_equal(fence_node_run(&w->node, FENCE_ACTION_ON, &w->env, true, NULL, &err), 0);
	assert_int_equal(w->clock.slept, 0);
	assert_int_equal(w->delay_reports, 0);
}

static void
test_random_delay_spans_its_range(void **state)
{
	struct fence_node n = {.delay_ms = 1000, .random_delay_ms = 500};

	assert_int_equal(fence_node_delay_ms(&n, 0), 1000);
	assert_int_equal(fence_node_delay_ms(&n, UINT32_MAX), 1500);
	assert_int_equal(fence_node_delay_ms(&n, UINT32_MAX / 2), 1250);
	n.random_delay_ms = 0;
	assert_int_equal(fence_node_delay_ms(&n, UINT32_MAX), 1000);
}

static void
test_random_delay_is_used(void **state)
{
	struct world *w = *state;
	fence_err_t err = {""};

	w->node.random_delay_ms = 2000;
	w->random = UINT32_MAX;
	assert_int_equal(fence_node_run(&w->node, FENCE_ACTION_OFF, &w->env, true, NULL, &err), 0);
	assert_int_equal(w->clock.slept, 2000);
}

static void
test_status_is_not_a_fencing_action(void **state)
{
	struct world *w = *state;
	fence_err_t err = {""};

	assert_int_equal(fence_node_run(&w->node, FENCE_ACTION_STATUS, &w->env, true, NULL, &err),
	                 -EINVAL);
	assert_int_equal(w->n_calls, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_first_level_every_device, setup),
	    cmocka_unit_test_setup(test_failed_device_moves_to_next_level, setup),
	    cmocka_unit_test_setup(test_second_device_of_level_must_succeed_too, setup),
	    cmocka_unit_test_setup(test_all_levels_fail, setup),
	    cmocka_unit_test_setup(test_single_level_failure_message, setup),
	    cmocka_unit_test_setup(test_reboot_turns_whole_level_off_then_on, setup),
	    cmocka_unit_test_setup(test_reboot_never_powers_on_after_failed_off, setup),
	    cmocka_unit_test_setup(test_fixed_delay_comes_first, setup),
	    cmocka_unit_test_setup(test_no_delay_when_asked_or_for_on, setup),
	    cmocka_unit_test(test_random_delay_spans_its_range),
	    cmocka_unit_test_setup(test_random_delay_is_used, setup),
	    cmocka_unit_test_setup(test_status_is_not_a_fencing_action, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
