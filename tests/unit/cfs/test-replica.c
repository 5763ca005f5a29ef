/*
 * test-replica.c - several members over an in-process message bus with
 * agreed order: replication, acknowledgement after commit, quorum, and
 * synchronisation after partitions, restarts and lost databases.
 */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cfs/cfs.h"
#include "tests/unit/cfs/bus.h"

static void
test_write_reaches_every_member(void **state)
{
	struct bus *b = *state;

	assert_int_equal(bus_do_mkdir(&b->m[0], "/ha"), 0);
	assert_int_equal(bus_do_write(&b->m[0], "/ha/resources.cfg", "vm: 100\n"), 0);
	for (size_t i = 0; i < 3; i++)
		bus_expect_content(&b->m[i], "/ha/resources.cfg", "vm: 100\n");
	bus_expect_identical(b);
}

static void
test_writer_gets_the_error_every_member_saw(void **state)
{
	struct bus *b = *state;

	assert_int_equal(bus_do_mkdir(&b->m[0], "/d"), 0);
	assert_int_equal(bus_do_mkdir(&b->m[1], "/d"), -EEXIST);
	assert_int_equal(bus_do_op(&b->m[2], (struct cfs_op){ .type = CFS_MSG_RMDIR, .path = "/x" }),
			 -ENOENT);
	bus_expect_identical(b);
}

static void
test_concurrent_writers_converge(void **state)
{
	struct bus *b = *state;
	struct bus_outcome o[3] = { { 0 } };
	char text[3][16];

	assert_int_equal(bus_do_write(&b->m[0], "/shared", "start"), 0);
	/* All three write the same file before any delivery: the order decides. */
	for (size_t i = 0; i < 3; i++) {
		snprintf(text[i], sizeof(text[i]), "from n%zu", i + 1);
		assert_int_equal(cfs_replica_submit(b->m[i].replica,
						    &(struct cfs_op){ .type = CFS_MSG_WRITE,
								      .path = "/shared",
								      .data = text[i],
								      .size = strlen(text[i]) },
						    bus_on_done, &o[i]),
				 0);
	}
	bus_run(b);
	for (size_t i = 0; i < 3; i++)
		assert_true(o[i].called && o[i].result == 0);
	bus_expect_content(&b->m[1], "/shared", "from n3");
	bus_expect_identical(b);
}

static void
test_no_quorum_means_read_only(void **state)
{
	struct bus *b = *state;

	assert_int_equal(bus_do_write(&b->m[0], "/before", "x"), 0);
	b->m[0].group = 1; /* {n1} | {n2, n3} */
	bus_reconfigure(b);
	assert_false(cfs_replica_writable(b->m[0].replica));
	assert_int_equal(bus_do_write(&b->m[0], "/before", "changed"), -EROFS);
	bus_expect_content(&b->m[0], "/before", "x"); /* reads still work */
	/* The majority goes on writing. */
	assert_true(cfs_replica_writable(b->m[1].replica));
	assert_int_equal(bus_do_write(&b->m[1], "/majority", "y"), 0);
	assert_int_equal(cfs_tree_read(cfs_replica_tree(b->m[0].replica), "/majority", NULL, 0,
				       0),
			 -ENOENT);
	/* Heal: the minority converges to the majority's tree. */
	b->m[0].group = 0;
	bus_reconfigure(b);
	bus_expect_content(&b->m[0], "/majority", "y");
	bus_expect_identical(b);
	assert_true(cfs_replica_writable(b->m[0].replica));
}

static void
test_restart_keeps_committed_state(void **state)
{
	struct bus *b = *state;

	assert_int_equal(bus_do_write(&b->m[1], "/persist", "kept"), 0);
	bus_member_stop(&b->m[0]);
	bus_member_stop(&b->m[1]);
	bus_member_stop(&b->m[2]);
	for (size_t i = 0; i < 3; i++)
		bus_member_start(&b->m[i]);
	for (size_t i = 0; i < 3; i++)
		bus_expect_content(&b->m[i], "/persist", "kept");
	bus_reconfigure(b);
	bus_expect_identical(b);
	assert_int_equal(bus_do_write(&b->m[2], "/after", "restart"), 0);
}

static void
test_lost_database_is_rebuilt_from_peers(void **state)
{
	struct bus *b = *state;

	assert_int_equal(bus_do_mkdir(&b->m[0], "/nodes"), 0);
	assert_int_equal(bus_do_write(&b->m[0], "/nodes/file", "content"), 0);
	bus_member_stop(&b->m[2]);
	bus_reconfigure(b);
	assert_int_equal(remove(b->m[2].db), 0);
	bus_member_start(&b->m[2]);
	assert_int_equal(cfs_tree_entries(cfs_replica_tree(b->m[2].replica)), 1);
	bus_reconfigure(b);
	bus_expect_content(&b->m[2], "/nodes/file", "content");
	bus_expect_identical(b);
}

static void
test_only_differences_are_sent(void **state)
{
	struct bus *b = *state;
	char name[32];

	for (int i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "/file%02d", i);
		assert_int_equal(bus_do_write(&b->m[0], name, "0123456789"), 0);
	}
	/* n3 misses one change while partitioned away. */
	b->m[2].group = 1;
	bus_reconfigure(b);
	assert_int_equal(bus_do_write(&b->m[0], "/file07", "changed"), 0);
	b->m[2].group = 0;
	b->data_messages = b->data_bytes = 0;
	bus_reconfigure(b);
	bus_expect_content(&b->m[2], "/file07", "changed");
	bus_expect_identical(b);
	/* One DATA message holding one small record, not 51 files. */
	assert_int_equal(b->data_messages, 1);
	assert_true(b->data_bytes < 200);
}

static void
test_never_quorate_state_is_never_the_source(void **state)
{
	struct bus *b = *state;
	struct bus_member *stray = &b->m[3];
	cfs_store_t *s;
	cfs_tree_t *t;
	struct cfs_tree_observer obs;

	assert_int_equal(bus_do_write(&b->m[0], "/cluster", "real"), 0);
	/* A database that was never part of a quorate partition, with a high version. */
	assert_int_equal(cfs_store_open(stray->db, false, &s), 0);
	assert_int_equal(cfs_store_load(s, NULL, &t), 0);
	obs = cfs_store_observer(s);
	cfs_tree_set_observer(t, &obs);
	assert_int_equal(cfs_store_begin(s), 0);
	for (int i = 0; i < 20; i++)
		assert_int_equal(cfs_tree_mkdir(t, "/stray", 0), i ? -EEXIST : 0);
	for (int i = 0; i < 20; i++)
		assert_int_equal(cfs_tree_set_mtime(t, "/stray", i), 0);
	assert_int_equal(cfs_store_commit(s, cfs_tree_version(t)), 0);
	cfs_tree_free(t);
	cfs_store_close(s);

	b->n = 4;
	bus_member_start(stray);
	bus_reconfigure(b);
	bus_expect_content(stray, "/cluster", "real");
	assert_int_equal(cfs_tree_read(cfs_replica_tree(stray->replica), "/stray", NULL, 0, 0),
			 -ENOENT);
	bus_expect_identical(b);
}

static void
test_writes_during_a_round_wait_for_its_end(void **state)
{
	struct bus *b = *state;
	struct bus_outcome o = { false, 0 };
	uint32_t ids[3] = { 1, 2, 3 };

	/* A membership change starts a round; a write submitted now waits. */
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(cfs_replica_membership(b->m[i].replica, ids, 3), 0);
	assert_true(cfs_replica_syncing(b->m[0].replica));
	/* Writers are not turned away during a round: their changes wait. */
	assert_true(cfs_replica_writable(b->m[0].replica));
	assert_int_equal(cfs_replica_submit(b->m[0].replica,
					    &(struct cfs_op){ .type = CFS_MSG_MKDIR,
							      .path = "/queued" },
					    bus_on_done, &o),
			 0);
	bus_run(b);
	assert_false(cfs_replica_syncing(b->m[0].replica));
	bus_run(b);
	assert_true(o.called);
	assert_int_equal(o.result, 0);
	bus_expect_identical(b);
}

/*
 * A change its sender multicast before it saw a membership change is
 * delivered after it, during the round: before the first summary, or
 * between the summaries.  Every member applies it once the round has
 * made their trees equal, and no member fails to rebuild the source's
 * tree.  Without holding it, the source's digest and summary disagreed.
 */
static void
test_change_delivered_during_a_round_applies_after_it(void **state)
{
	struct bus *b = *state;
	uint32_t ids[3] = { 1, 2, 3 };
	const char *text[2] = { "before the summaries", "between the summaries" };

	assert_int_equal(bus_do_write(&b->m[0], "/f", "old"), 0);
	for (size_t round = 0; round < 2; round++) {
		struct bus_outcome o = { false, 0 };
		struct cfs_op op = { .type = CFS_MSG_WRITE, .path = "/f", .data = text[round],
				     .size = strlen(text[round]) };
		/* Round 0: node 1 sends first.  Round 1: node 1 has summarised
		 * when node 2 sends. */
		struct bus_member *sender = &b->m[round];

		if (round == 1)
			assert_int_equal(cfs_replica_membership(b->m[0].replica, ids, 3), 0);
		assert_int_equal(cfs_replica_submit(sender->replica, &op, bus_on_done, &o), 0);
		for (size_t i = round; i < 3; i++)
			assert_int_equal(cfs_replica_membership(b->m[i].replica, ids, 3), 0);
		bus_run(b);
		for (size_t i = 0; i < 3; i++) {
			assert_false(cfs_replica_syncing(b->m[i].replica));
			bus_expect_content(&b->m[i], "/f", text[round]);
		}
		assert_true(o.called);
		assert_int_equal(o.result, 0);
		bus_expect_identical(b);
		/* Still one group that writes. */
		assert_int_equal(bus_do_write(&b->m[2], "/g", text[round]), 0);
		bus_expect_identical(b);
	}
}

static void
test_malformed_message_is_ignored_by_all(void **state)
{
	struct bus *b = *state;
	unsigned char junk[40] = "CFSm garbage that is not a message";

	for (size_t i = 0; i < 3; i++)
		assert_true(cfs_replica_deliver(b->m[i].replica, 2, junk, sizeof(junk)) < 0);
	assert_int_equal(bus_do_write(&b->m[1], "/still", "works"), 0);
	bus_expect_identical(b);
}

/* A peer still on the previous format version is refused, not misread. */
static void
test_previous_format_version_is_refused_by_all(void **state)
{
	struct bus *b = *state;
	struct cfs_op op = { .type = CFS_MSG_MKDIR, .request = 1, .path = "/old" };
	unsigned char *msg;
	size_t len;

	assert_int_equal(cfs_msg_encode(&op, (void **)&msg, &len), 0);
	msg[4] = CFS_MSG_VERSION - 1;
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(cfs_replica_deliver(b->m[i].replica, 2, msg, len), -EPROTO);
	free(msg);
	assert_int_equal(cfs_tree_read(cfs_replica_tree(b->m[0].replica), "/old", NULL, 0, 0),
			 -ENOENT);
	assert_int_equal(bus_do_write(&b->m[1], "/still", "works"), 0);
	bus_expect_identical(b);
}

static int
lock_op(struct bus_member *m, enum cfs_msg_type type, const char *path, uint64_t expect)
{
	return bus_do_op(m, (struct cfs_op){ .type = type, .path = path, .expect_version = expect });
}

static struct cfs_lock_info
lock_info(struct bus_member *m, const char *path)
{
	struct cfs_lock_info info;

	assert_int_equal(cfs_replica_lock_info(m->replica, path, &info), 0);
	return info;
}

#define SECOND 1000000000ull

static void
test_lock_has_one_holder(void **state)
{
	struct bus *b = *state;
	const char *lock = "/priv/lock/ha_manager";

	assert_int_equal(bus_do_mkdir(&b->m[0], "/priv"), 0);
	assert_int_equal(bus_do_mkdir(&b->m[0], "/priv/lock"), 0);
	assert_int_equal(lock_op(&b->m[0], CFS_MSG_MKDIR, lock, 0), 0);
	assert_int_equal(lock_op(&b->m[1], CFS_MSG_MKDIR, lock, 0), -EEXIST);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(lock_info(&b->m[i], lock).owner, 1);
	/* Only the holder renews or releases. */
	assert_int_equal(lock_op(&b->m[1], CFS_MSG_MTIME, lock, 0), -EPERM);
	assert_int_equal(lock_op(&b->m[1], CFS_MSG_RMDIR, lock, 0), -EPERM);
	assert_int_equal(lock_op(&b->m[0], CFS_MSG_MTIME, lock, 0), 0);
	/* Locks are directories that stay where they are. */
	assert_int_equal(bus_do_op(&b->m[0], (struct cfs_op){ .type = CFS_MSG_RENAME, .path = lock,
							  .path2 = "/priv/lock/other" }),
			 -EPERM);
	assert_int_equal(bus_do_op(&b->m[0], (struct cfs_op){ .type = CFS_MSG_CREATE,
							  .path = "/priv/lock/file" }),
			 -EPERM);
	assert_int_equal(lock_op(&b->m[0], CFS_MSG_RMDIR, lock, 0), 0);
	assert_int_equal(lock_op(&b->m[1], CFS_MSG_MKDIR, lock, 0), 0);
	assert_int_equal(lock_info(&b->m[0], lock).owner, 2);
	bus_expect_identical(b);
}

static void
test_lock_age_runs_from_the_last_renewal(void **state)
{
	struct bus *b = *state;
	const char *lock = "/priv/lock/agent";

	assert_int_equal(bus_do_mkdir(&b->m[0], "/priv"), 0);
	assert_int_equal(bus_do_mkdir(&b->m[0], "/priv/lock"), 0);
	assert_int_equal(lock_op(&b->m[0], CFS_MSG_MKDIR, lock, 0), 0);
	b->clock_ns += 7 * SECOND;
	assert_int_equal(lock_info(&b->m[2], lock).age_ns, 7 * SECOND);
	assert_int_equal(lock_op(&b->m[0], CFS_MSG_MTIME, lock, 0), 0);
	b->clock_ns += 2 * SECOND;
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(lock_info(&b->m[i], lock).age_ns, 2 * SECOND);
}

static void
test_expired_lock_is_taken_unless_renewed_meanwhile(void **state)
{
	struct bus *b = *state;
	const char *lock = "/priv/lock/agent";
	struct cfs_lock_info seen;

	assert_int_equal(bus_do_mkdir(&b->m[0], "/priv"), 0);
	assert_int_equal(bus_do_mkdir(&b->m[0], "/priv/lock"), 0);
	assert_int_equal(lock_op(&b->m[0], CFS_MSG_MKDIR, lock, 0), 0);
	b->clock_ns += 60 * SECOND;
	seen = lock_info(&b->m[1], lock);
	/* The holder renews after n2 judged the lock expired: n2's take loses. */
	assert_int_equal(lock_op(&b->m[0], CFS_MSG_MTIME, lock, 0), 0);
	assert_int_equal(lock_op(&b->m[1], CFS_MSG_LOCK_TAKE, lock, seen.version), -EEXIST);
	assert_int_equal(lock_info(&b->m[2], lock).owner, 1);
	/* Without a renewal the take succeeds, the same on every member. */
	b->clock_ns += 60 * SECOND;
	seen = lock_info(&b->m[1], lock);
	assert_int_equal(lock_op(&b->m[1], CFS_MSG_LOCK_TAKE, lock, seen.version), 0);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(lock_info(&b->m[i], lock).owner, 2);
		assert_int_equal(lock_info(&b->m[i], lock).age_ns, 0);
	}
	/* The old holder lost it: it can no longer renew. */
	assert_int_equal(lock_op(&b->m[0], CFS_MSG_MTIME, lock, 0), -EPERM);
	bus_expect_identical(b);
}

static void
test_lock_survives_a_restart_with_its_holder(void **state)
{
	struct bus *b = *state;
	const char *lock = "/priv/lock/agent";

	assert_int_equal(bus_do_mkdir(&b->m[0], "/priv"), 0);
	assert_int_equal(bus_do_mkdir(&b->m[0], "/priv/lock"), 0);
	assert_int_equal(lock_op(&b->m[1], CFS_MSG_MKDIR, lock, 0), 0);
	b->clock_ns += 30 * SECOND;
	bus_member_stop(&b->m[2]);
	bus_reconfigure(b);
	assert_int_equal(remove(b->m[2].db), 0);
	bus_member_start(&b->m[2]);
	bus_reconfigure(b);
	/* Learnt by synchronisation: the holder is known, the age starts now. */
	assert_int_equal(lock_info(&b->m[2], lock).owner, 2);
	assert_int_equal(lock_info(&b->m[2], lock).age_ns, 0);
	assert_int_equal(lock_info(&b->m[0], lock).age_ns, 30 * SECOND);
	bus_expect_identical(b);
}

static void
test_cluster_log_reaches_the_partition_in_one_order(void **state)
{
	struct bus *b = *state;
	char *one, *two;

	b->m[2].group = 1; /* n3 alone, without quorum: it may still log */
	bus_reconfigure(b);
	assert_int_equal(cfs_replica_log(b->m[0].replica, 10, "n1", "t", "first"), 0);
	assert_int_equal(cfs_replica_log(b->m[1].replica, 11, "n2", "t", "second"), 0);
	assert_int_equal(cfs_replica_log(b->m[2].replica, 12, "n3", "t", "alone"), 0);
	bus_run(b);
	one = cfs_clog_json(cfs_replica_clog(b->m[0].replica));
	two = cfs_clog_json(cfs_replica_clog(b->m[1].replica));
	assert_string_equal(one, two);
	assert_non_null(strstr(one, "first"));
	assert_true(strstr(one, "first") < strstr(one, "second"));
	assert_null(strstr(one, "alone"));
	free(two);
	two = cfs_clog_json(cfs_replica_clog(b->m[2].replica));
	assert_non_null(strstr(two, "alone"));
	assert_null(strstr(two, "first"));
	free(one);
	free(two);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, bus_setup, bus_teardown)
		T(test_write_reaches_every_member),
		T(test_writer_gets_the_error_every_member_saw),
		T(test_concurrent_writers_converge),
		T(test_no_quorum_means_read_only),
		T(test_restart_keeps_committed_state),
		T(test_lost_database_is_rebuilt_from_peers),
		T(test_only_differences_are_sent),
		T(test_never_quorate_state_is_never_the_source),
		T(test_writes_during_a_round_wait_for_its_end),
		T(test_change_delivered_during_a_round_applies_after_it),
		T(test_malformed_message_is_ignored_by_all),
		T(test_previous_format_version_is_refused_by_all),
		T(test_lock_has_one_holder),
		T(test_lock_age_runs_from_the_last_renewal),
		T(test_expired_lock_is_taken_unless_renewed_meanwhile),
		T(test_lock_survives_a_restart_with_its_holder),
		T(test_cluster_log_reaches_the_partition_in_one_order),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
