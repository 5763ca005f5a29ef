/*
 * test-sync.c - synchronisation rounds over the fake process group when
 * CPG delivers a message multicast before a membership change after it:
 * a round cut short leaves nothing behind that spoils the next one.
 */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cfs/cfs.h"
#include "cfs/syncmsg.h"
#include "tests/unit/cfs/bus.h"

/* Every live member finished the round, may write, and holds one tree. */
static void
expect_synchronised(struct bus *b)
{
	for (size_t i = 0; i < b->n; i++) {
		if (!b->m[i].up)
			continue;
		assert_false(cfs_replica_syncing(b->m[i].replica));
		assert_true(cfs_replica_writable(b->m[i].replica));
	}
	bus_expect_identical(b);
}

/*
 * Start a round (n1 sees the membership change first) in which n2's
 * write of @text to /f is delivered after the members summarised; the
 * summaries stay queued.
 */
static void
start_round_with_late_change(struct bus *b, const char *text, struct bus_outcome *o)
{
	struct cfs_op op = { .type = CFS_MSG_WRITE, .path = "/f", .data = text,
			     .size = strlen(text) };

	bus_member_confchg(b, &b->m[0]);
	assert_int_equal(cfs_replica_submit(b->m[1].replica, &op, bus_on_done, o), 0);
	bus_member_confchg(b, &b->m[1]);
	bus_member_confchg(b, &b->m[2]);
	bus_run_holding(b, BUS_TYPES(SYNC_MSG_STATE));
}

/*
 * A second membership change cuts the round short; its summaries, which
 * lack the change, are delivered after it: before the new round's START,
 * then after it.  Taken for the new round, they made the members rebuild
 * a tree without the change, against a digest with it, and fail.
 */
static void
test_summary_sent_before_a_second_membership_change_is_not_used(void **state)
{
	struct bus *b = *state;
	const char *text[2] = { "summaries before the new START", "summaries after it" };

	assert_int_equal(bus_do_write(&b->m[0], "/f", "old"), 0);
	for (int late = 0; late < 2; late++) {
		struct bus_outcome o = { false, 0 };

		start_round_with_late_change(b, text[late], &o);
		bus_confchg(b);
		if (late)
			bus_run_holding(b, BUS_TYPES(SYNC_MSG_STATE));
		bus_run(b);
		expect_synchronised(b);
		for (size_t i = 0; i < 3; i++)
			bus_expect_content(&b->m[i], "/f", text[late]);
		assert_true(o.called);
		assert_int_equal(o.result, 0);
	}
}

/*
 * n3's change reaches only n3, alone after a partition, and its round is
 * cut short by the heal before anyone summarised.  The next round must
 * count it in n3's summary: applied only at the end, it left n3 with a
 * tree the others do not have.
 */
static void
test_round_cut_short_applies_held_changes_before_summarising(void **state)
{
	struct bus *b = *state;
	struct bus_outcome o = { false, 0 };
	struct cfs_op op = { .type = CFS_MSG_MKDIR, .path = "/seen-by-n3" };
	struct cfs_stat st;

	assert_int_equal(cfs_replica_submit(b->m[2].replica, &op, bus_on_done, &o), 0);
	b->m[0].group = b->m[1].group = 1;
	bus_confchg(b);
	bus_run_holding(b, BUS_TYPES(SYNC_MSG_START) | BUS_TYPES(SYNC_MSG_STATE));
	b->m[0].group = b->m[1].group = 0;
	bus_confchg(b);
	bus_run(b);
	expect_synchronised(b);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(cfs_tree_stat(cfs_replica_tree(b->m[i].replica), "/seen-by-n3",
					       &st),
				 0);
	assert_true(o.called);
	assert_int_equal(o.result, 0);
}

/*
 * DATA and END of an earlier round arrive in a later one once its source
 * is chosen, from the same source: rebuilding from them gave a tree that
 * is not the source's.
 */
static void
test_stale_data_of_an_earlier_round_is_ignored(void **state)
{
	struct bus *b = *state;
	const uint64_t data_and_end = BUS_TYPES(SYNC_MSG_DATA) | BUS_TYPES(SYNC_MSG_END);

	/* n3 misses a change; the round after the heal sends it DATA and END. */
	b->m[2].group = 1;
	bus_reconfigure(b);
	assert_int_equal(bus_do_write(&b->m[0], "/f", "missed by n3"), 0);
	b->m[2].group = 0;
	b->record = data_and_end;
	bus_reconfigure(b);
	b->record = 0;
	assert_int_equal(b->n_recorded, 2);
	assert_int_equal(bus_do_write(&b->m[0], "/f", "newer"), 0);
	/* Next round: every summary is in, then the old DATA and END. */
	bus_confchg(b);
	bus_run_holding(b, data_and_end);
	for (size_t i = 0; i < b->n_recorded; i++)
		bus_deliver(b, &b->recorded[i]);
	bus_run(b);
	expect_synchronised(b);
	for (size_t i = 0; i < 3; i++)
		bus_expect_content(&b->m[i], "/f", "newer");
}

/*
 * n2 led {n2, n3} while n1 was down; its START is delivered after n1 is
 * back, when n1 leads.  Nobody summarises for it: only n1's START starts
 * the round.
 */
static void
test_only_the_leader_starts_a_round(void **state)
{
	struct bus *b = *state;

	b->states_sent = 0;
	bus_member_stop(&b->m[0]);
	bus_confchg(b);
	bus_member_start(&b->m[0]);
	bus_confchg(b);
	bus_step(b);
	assert_int_equal(b->states_sent, 0);
	for (size_t i = 0; i < 3; i++)
		assert_true(cfs_replica_syncing(b->m[i].replica));
	bus_run(b);
	expect_synchronised(b);
	assert_int_equal(bus_do_write(&b->m[1], "/after", "the round"), 0);
	bus_expect_identical(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, bus_setup, bus_teardown)
		T(test_summary_sent_before_a_second_membership_change_is_not_used),
		T(test_round_cut_short_applies_held_changes_before_summarising),
		T(test_stale_data_of_an_earlier_round_is_ignored),
		T(test_only_the_leader_starts_a_round),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
