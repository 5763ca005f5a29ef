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
#include "tests/unit/tmpdir.h"

#define MAX_MEMBERS 5
#define MAX_QUEUE   4096

struct member {
	uint32_t nodeid;
	int group; /* members deliver only messages of their own group */
	bool up;
	char db[PATH_MAX + 32];
	cfs_store_t *store;
	cfs_replica_t *replica;
	struct bus *bus;
};

struct message {
	uint32_t sender;
	int group;
	void *data;
	size_t len;
};

struct bus {
	char dir[PATH_MAX];
	struct member m[MAX_MEMBERS];
	size_t n;
	struct message queue[MAX_QUEUE];
	size_t head, tail;
	size_t data_messages; /* synchronisation DATA messages sent */
	size_t data_bytes;
	uint64_t clock_ns; /* one fake monotonic clock for all members */
	uint64_t replicas_made;
};

static int
bus_send(void *ctx, const void *msg, size_t len)
{
	struct member *m = ctx;
	struct bus *b = m->bus;
	struct message *q = &b->queue[b->tail++];

	assert_true(b->tail <= MAX_QUEUE);
	q->sender = m->nodeid;
	q->group = m->group;
	q->data = malloc(len);
	memcpy(q->data, msg, len);
	q->len = len;
	/* Type 17 is a synchronisation DATA message (see cfs/syncmsg.h). */
	if (len > 6 && ((const unsigned char *)msg)[6] == 17) {
		b->data_messages++;
		b->data_bytes += len;
	}
	return 0;
}

static uint64_t
bus_now(void *ctx)
{
	return ((struct member *)ctx)->bus->clock_ns;
}

/* Distinct for every replica created, as random numbers would be. */
static uint64_t
bus_random(void *ctx)
{
	return ++((struct member *)ctx)->bus->replicas_made << 32;
}

static void
member_start(struct member *m)
{
	struct cfs_group_ops ops = { .send = bus_send, .now = bus_now, .random = bus_random,
				     .ctx = m };

	assert_int_equal(cfs_store_open(m->db, false, &m->store), 0);
	assert_int_equal(cfs_replica_new(m->store, NULL, &ops, m->nodeid, &m->replica), 0);
	m->up = true;
}

static void
member_stop(struct member *m)
{
	cfs_replica_free(m->replica);
	cfs_store_close(m->store);
	m->replica = NULL;
	m->store = NULL;
	m->up = false;
}

/* Deliver everything queued, in order, to the live members of its group. */
static void
bus_run(struct bus *b)
{
	while (b->head < b->tail) {
		struct message *q = &b->queue[b->head++];

		for (size_t i = 0; i < b->n; i++) {
			struct member *m = &b->m[i];

			if (m->up && m->group == q->group)
				assert_int_equal(cfs_replica_deliver(m->replica, q->sender, q->data,
								     q->len),
						 0);
		}
		free(q->data);
		/* Flush after every message: each delivery is its own batch here. */
		for (size_t i = 0; i < b->n; i++)
			if (b->m[i].up)
				assert_int_equal(cfs_replica_flush(b->m[i].replica), 0);
	}
	b->head = b->tail = 0;
}

/* Tell each live member its group's membership and quorum, then run. */
static void
bus_reconfigure(struct bus *b)
{
	bus_run(b);
	for (size_t i = 0; i < b->n; i++) {
		uint32_t ids[MAX_MEMBERS];
		size_t count = 0;
		struct member *m = &b->m[i];

		if (!m->up)
			continue;
		for (size_t j = 0; j < b->n; j++)
			if (b->m[j].up && b->m[j].group == m->group)
				ids[count++] = b->m[j].nodeid;
		assert_int_equal(cfs_replica_membership(m->replica, ids, count), 0);
		assert_int_equal(cfs_replica_set_quorate(m->replica, count * 2 > b->n), 0);
	}
	bus_run(b);
}

static int
setup(void **state)
{
	struct bus *b = calloc(1, sizeof(*b));

	if (!b || test_tmpdir_make(b->dir, sizeof(b->dir)) < 0)
		return -1;
	b->n = 3;
	for (size_t i = 0; i < MAX_MEMBERS; i++) {
		b->m[i].nodeid = (uint32_t)i + 1;
		b->m[i].bus = b;
		snprintf(b->m[i].db, sizeof(b->m[i].db), "%s/n%zu.db", b->dir, i + 1);
	}
	for (size_t i = 0; i < b->n; i++)
		member_start(&b->m[i]);
	bus_reconfigure(b);
	*state = b;
	return 0;
}

static int
teardown(void **state)
{
	struct bus *b = *state;

	for (size_t i = 0; i < MAX_MEMBERS; i++)
		if (b->m[i].up)
			member_stop(&b->m[i]);
	test_tmpdir_remove(b->dir);
	free(b);
	return 0;
}

struct outcome {
	bool called;
	int result;
};

static void
on_done(void *ctx, int result)
{
	struct outcome *o = ctx;

	assert_false(o->called); /* exactly once */
	o->called = true;
	o->result = result;
}

/* Submit @op on @m, run the bus, return what the writer was told. */
static int
do_op(struct member *m, struct cfs_op op)
{
	struct outcome o = { false, 0 };
	int r = cfs_replica_submit(m->replica, &op, on_done, &o);

	if (r < 0)
		return r;
	assert_false(o.called); /* never before delivery and commit */
	bus_run(m->bus);
	assert_true(o.called);
	return o.result;
}

static int
do_write(struct member *m, const char *path, const char *text)
{
	struct cfs_stat st;
	int r = 0;

	if (cfs_tree_stat(cfs_replica_tree(m->replica), path, &st) == -ENOENT)
		r = do_op(m, (struct cfs_op){ .type = CFS_MSG_CREATE, .path = path });
	if (r < 0)
		return r;
	return do_op(m, (struct cfs_op){ .type = CFS_MSG_WRITE, .path = path, .data = text,
					 .size = strlen(text) });
}

static int
do_mkdir(struct member *m, const char *path)
{
	return do_op(m, (struct cfs_op){ .type = CFS_MSG_MKDIR, .path = path });
}

static void
expect_content(struct member *m, const char *path, const char *text)
{
	char buf[256];
	ssize_t n = cfs_tree_read(cfs_replica_tree(m->replica), path, buf, sizeof(buf), 0);

	assert_int_equal(n, (ssize_t)strlen(text));
	assert_memory_equal(buf, text, (size_t)n);
}

static void
expect_identical(struct bus *b)
{
	unsigned char first[CFS_DIGEST_SIZE], other[CFS_DIGEST_SIZE];
	bool have = false;

	for (size_t i = 0; i < b->n; i++) {
		if (!b->m[i].up)
			continue;
		assert_int_equal(cfs_tree_digest(cfs_replica_tree(b->m[i].replica), other), 0);
		if (have)
			assert_memory_equal(first, other, sizeof(first));
		memcpy(first, other, sizeof(first));
		have = true;
	}
}

static void
test_write_reaches_every_member(void **state)
{
	struct bus *b = *state;

	assert_int_equal(do_mkdir(&b->m[0], "/ha"), 0);
	assert_int_equal(do_write(&b->m[0], "/ha/resources.cfg", "vm: 100\n"), 0);
	for (size_t i = 0; i < 3; i++)
		expect_content(&b->m[i], "/ha/resources.cfg", "vm: 100\n");
	expect_identical(b);
}

static void
test_writer_gets_the_error_every_member_saw(void **state)
{
	struct bus *b = *state;

	assert_int_equal(do_mkdir(&b->m[0], "/d"), 0);
	assert_int_equal(do_mkdir(&b->m[1], "/d"), -EEXIST);
	assert_int_equal(do_op(&b->m[2], (struct cfs_op){ .type = CFS_MSG_RMDIR, .path = "/x" }),
			 -ENOENT);
	expect_identical(b);
}

static void
test_concurrent_writers_converge(void **state)
{
	struct bus *b = *state;
	struct outcome o[3] = { { 0 } };
	char text[3][16];

	assert_int_equal(do_write(&b->m[0], "/shared", "start"), 0);
	/* All three write the same file before any delivery: the order decides. */
	for (size_t i = 0; i < 3; i++) {
		snprintf(text[i], sizeof(text[i]), "from n%zu", i + 1);
		assert_int_equal(cfs_replica_submit(b->m[i].replica,
						    &(struct cfs_op){ .type = CFS_MSG_WRITE,
								      .path = "/shared",
								      .data = text[i],
								      .size = strlen(text[i]) },
						    on_done, &o[i]),
				 0);
	}
	bus_run(b);
	for (size_t i = 0; i < 3; i++)
		assert_true(o[i].called && o[i].result == 0);
	expect_content(&b->m[1], "/shared", "from n3");
	expect_identical(b);
}

static void
test_no_quorum_means_read_only(void **state)
{
	struct bus *b = *state;

	assert_int_equal(do_write(&b->m[0], "/before", "x"), 0);
	b->m[0].group = 1; /* {n1} | {n2, n3} */
	bus_reconfigure(b);
	assert_false(cfs_replica_writable(b->m[0].replica));
	assert_int_equal(do_write(&b->m[0], "/before", "changed"), -EROFS);
	expect_content(&b->m[0], "/before", "x"); /* reads still work */
	/* The majority goes on writing. */
	assert_true(cfs_replica_writable(b->m[1].replica));
	assert_int_equal(do_write(&b->m[1], "/majority", "y"), 0);
	assert_int_equal(cfs_tree_read(cfs_replica_tree(b->m[0].replica), "/majority", NULL, 0,
				       0),
			 -ENOENT);
	/* Heal: the minority converges to the majority's tree. */
	b->m[0].group = 0;
	bus_reconfigure(b);
	expect_content(&b->m[0], "/majority", "y");
	expect_identical(b);
	assert_true(cfs_replica_writable(b->m[0].replica));
}

static void
test_restart_keeps_committed_state(void **state)
{
	struct bus *b = *state;

	assert_int_equal(do_write(&b->m[1], "/persist", "kept"), 0);
	member_stop(&b->m[0]);
	member_stop(&b->m[1]);
	member_stop(&b->m[2]);
	for (size_t i = 0; i < 3; i++)
		member_start(&b->m[i]);
	for (size_t i = 0; i < 3; i++)
		expect_content(&b->m[i], "/persist", "kept");
	bus_reconfigure(b);
	expect_identical(b);
	assert_int_equal(do_write(&b->m[2], "/after", "restart"), 0);
}

static void
test_lost_database_is_rebuilt_from_peers(void **state)
{
	struct bus *b = *state;

	assert_int_equal(do_mkdir(&b->m[0], "/nodes"), 0);
	assert_int_equal(do_write(&b->m[0], "/nodes/file", "content"), 0);
	member_stop(&b->m[2]);
	bus_reconfigure(b);
	assert_int_equal(remove(b->m[2].db), 0);
	member_start(&b->m[2]);
	assert_int_equal(cfs_tree_entries(cfs_replica_tree(b->m[2].replica)), 1);
	bus_reconfigure(b);
	expect_content(&b->m[2], "/nodes/file", "content");
	expect_identical(b);
}

static void
test_only_differences_are_sent(void **state)
{
	struct bus *b = *state;
	char name[32];

	for (int i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "/file%02d", i);
		assert_int_equal(do_write(&b->m[0], name, "0123456789"), 0);
	}
	/* n3 misses one change while partitioned away. */
	b->m[2].group = 1;
	bus_reconfigure(b);
	assert_int_equal(do_write(&b->m[0], "/file07", "changed"), 0);
	b->m[2].group = 0;
	b->data_messages = b->data_bytes = 0;
	bus_reconfigure(b);
	expect_content(&b->m[2], "/file07", "changed");
	expect_identical(b);
	/* One DATA message holding one small record, not 51 files. */
	assert_int_equal(b->data_messages, 1);
	assert_true(b->data_bytes < 200);
}

static void
test_never_quorate_state_is_never_the_source(void **state)
{
	struct bus *b = *state;
	struct member *stray = &b->m[3];
	cfs_store_t *s;
	cfs_tree_t *t;
	struct cfs_tree_observer obs;

	assert_int_equal(do_write(&b->m[0], "/cluster", "real"), 0);
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
	member_start(stray);
	bus_reconfigure(b);
	expect_content(stray, "/cluster", "real");
	assert_int_equal(cfs_tree_read(cfs_replica_tree(stray->replica), "/stray", NULL, 0, 0),
			 -ENOENT);
	expect_identical(b);
}

static void
test_writes_during_a_round_wait_for_its_end(void **state)
{
	struct bus *b = *state;
	struct outcome o = { false, 0 };
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
					    on_done, &o),
			 0);
	bus_run(b);
	assert_false(cfs_replica_syncing(b->m[0].replica));
	bus_run(b);
	assert_true(o.called);
	assert_int_equal(o.result, 0);
	expect_identical(b);
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

	assert_int_equal(do_write(&b->m[0], "/f", "old"), 0);
	for (size_t round = 0; round < 2; round++) {
		struct outcome o = { false, 0 };
		struct cfs_op op = { .type = CFS_MSG_WRITE, .path = "/f", .data = text[round],
				     .size = strlen(text[round]) };
		/* Round 0: node 1 sends first.  Round 1: node 1 has summarised
		 * when node 2 sends. */
		struct member *sender = &b->m[round];

		if (round == 1)
			assert_int_equal(cfs_replica_membership(b->m[0].replica, ids, 3), 0);
		assert_int_equal(cfs_replica_submit(sender->replica, &op, on_done, &o), 0);
		for (size_t i = round; i < 3; i++)
			assert_int_equal(cfs_replica_membership(b->m[i].replica, ids, 3), 0);
		bus_run(b);
		for (size_t i = 0; i < 3; i++) {
			assert_false(cfs_replica_syncing(b->m[i].replica));
			expect_content(&b->m[i], "/f", text[round]);
		}
		assert_true(o.called);
		assert_int_equal(o.result, 0);
		expect_identical(b);
		/* Still one group that writes. */
		assert_int_equal(do_write(&b->m[2], "/g", text[round]), 0);
		expect_identical(b);
	}
}

static void
test_malformed_message_is_ignored_by_all(void **state)
{
	struct bus *b = *state;
	unsigned char junk[40] = "CFSm garbage that is not a message";

	for (size_t i = 0; i < 3; i++)
		assert_true(cfs_replica_deliver(b->m[i].replica, 2, junk, sizeof(junk)) < 0);
	assert_int_equal(do_write(&b->m[1], "/still", "works"), 0);
	expect_identical(b);
}

static int
lock_op(struct member *m, enum cfs_msg_type type, const char *path, uint64_t expect)
{
	return do_op(m, (struct cfs_op){ .type = type, .path = path, .expect_version = expect });
}

static struct cfs_lock_info
lock_info(struct member *m, const char *path)
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

	assert_int_equal(do_mkdir(&b->m[0], "/priv"), 0);
	assert_int_equal(do_mkdir(&b->m[0], "/priv/lock"), 0);
	assert_int_equal(lock_op(&b->m[0], CFS_MSG_MKDIR, lock, 0), 0);
	assert_int_equal(lock_op(&b->m[1], CFS_MSG_MKDIR, lock, 0), -EEXIST);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(lock_info(&b->m[i], lock).owner, 1);
	/* Only the holder renews or releases. */
	assert_int_equal(lock_op(&b->m[1], CFS_MSG_MTIME, lock, 0), -EPERM);
	assert_int_equal(lock_op(&b->m[1], CFS_MSG_RMDIR, lock, 0), -EPERM);
	assert_int_equal(lock_op(&b->m[0], CFS_MSG_MTIME, lock, 0), 0);
	/* Locks are directories that stay where they are. */
	assert_int_equal(do_op(&b->m[0], (struct cfs_op){ .type = CFS_MSG_RENAME, .path = lock,
							  .path2 = "/priv/lock/other" }),
			 -EPERM);
	assert_int_equal(do_op(&b->m[0], (struct cfs_op){ .type = CFS_MSG_CREATE,
							  .path = "/priv/lock/file" }),
			 -EPERM);
	assert_int_equal(lock_op(&b->m[0], CFS_MSG_RMDIR, lock, 0), 0);
	assert_int_equal(lock_op(&b->m[1], CFS_MSG_MKDIR, lock, 0), 0);
	assert_int_equal(lock_info(&b->m[0], lock).owner, 2);
	expect_identical(b);
}

static void
test_lock_age_runs_from_the_last_renewal(void **state)
{
	struct bus *b = *state;
	const char *lock = "/priv/lock/agent";

	assert_int_equal(do_mkdir(&b->m[0], "/priv"), 0);
	assert_int_equal(do_mkdir(&b->m[0], "/priv/lock"), 0);
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

	assert_int_equal(do_mkdir(&b->m[0], "/priv"), 0);
	assert_int_equal(do_mkdir(&b->m[0], "/priv/lock"), 0);
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
	expect_identical(b);
}

static void
test_lock_survives_a_restart_with_its_holder(void **state)
{
	struct bus *b = *state;
	const char *lock = "/priv/lock/agent";

	assert_int_equal(do_mkdir(&b->m[0], "/priv"), 0);
	assert_int_equal(do_mkdir(&b->m[0], "/priv/lock"), 0);
	assert_int_equal(lock_op(&b->m[1], CFS_MSG_MKDIR, lock, 0), 0);
	b->clock_ns += 30 * SECOND;
	member_stop(&b->m[2]);
	bus_reconfigure(b);
	assert_int_equal(remove(b->m[2].db), 0);
	member_start(&b->m[2]);
	bus_reconfigure(b);
	/* Learnt by synchronisation: the holder is known, the age starts now. */
	assert_int_equal(lock_info(&b->m[2], lock).owner, 2);
	assert_int_equal(lock_info(&b->m[2], lock).age_ns, 0);
	assert_int_equal(lock_info(&b->m[0], lock).age_ns, 30 * SECOND);
	expect_identical(b);
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
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
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
		T(test_lock_has_one_holder),
		T(test_lock_age_runs_from_the_last_renewal),
		T(test_expired_lock_is_taken_unless_renewed_meanwhile),
		T(test_lock_survives_a_restart_with_its_holder),
		T(test_cluster_log_reaches_the_partition_in_one_order),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
