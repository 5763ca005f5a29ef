/*
 * bus.c - the fake process group of the replica tests (see bus.h).
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

#include "cfs/syncmsg.h"
#include "tests/unit/cfs/bus.h"
#include "tests/unit/tmpdir.h"

static uint16_t
msg_type(const void *msg, size_t len)
{
	const unsigned char *p = msg;

	return len > 7 ? (uint16_t)(p[6] | p[7] << 8) : 0;
}

static void
record_copy(struct bus *b, const struct bus_message *q)
{
	struct bus_message *copy = &b->recorded[b->n_recorded++];

	assert_true(b->n_recorded <= BUS_MAX_RECORDED);
	*copy = *q;
	copy->data = malloc(q->len);
	memcpy(copy->data, q->data, q->len);
}

static int
bus_send(void *ctx, const void *msg, size_t len)
{
	struct bus_member *m = ctx;
	struct bus *b = m->bus;
	struct bus_message *q = &b->queue[b->tail++];

	assert_true(b->tail <= BUS_MAX_QUEUE);
	q->sender = m->nodeid;
	q->group = m->group;
	q->data = malloc(len);
	memcpy(q->data, msg, len);
	q->len = len;
	if (msg_type(msg, len) == SYNC_MSG_DATA) {
		b->data_messages++;
		b->data_bytes += len;
	}
	if (msg_type(msg, len) == SYNC_MSG_STATE)
		b->states_sent++;
	if (b->record & BUS_TYPES(msg_type(msg, len)))
		record_copy(b, q);
	return 0;
}

static uint64_t
bus_now(void *ctx)
{
	return ((struct bus_member *)ctx)->bus->clock_ns;
}

/* Distinct for every replica created, as random numbers would be. */
static uint64_t
bus_random(void *ctx)
{
	return ++((struct bus_member *)ctx)->bus->replicas_made << 32;
}

void
bus_member_start(struct bus_member *m)
{
	struct cfs_group_ops ops = { .send = bus_send, .now = bus_now, .random = bus_random,
				     .ctx = m };

	assert_int_equal(cfs_store_open(m->db, false, &m->store), 0);
	assert_int_equal(cfs_replica_new(m->store, NULL, &ops, m->nodeid, &m->replica), 0);
	m->up = true;
}

void
bus_member_stop(struct bus_member *m)
{
	cfs_replica_free(m->replica);
	cfs_store_close(m->store);
	m->replica = NULL;
	m->store = NULL;
	m->up = false;
}

void
bus_deliver(struct bus *b, const struct bus_message *q)
{
	for (size_t i = 0; i < b->n; i++) {
		struct bus_member *m = &b->m[i];

		if (m->up && m->group == q->group)
			assert_int_equal(cfs_replica_deliver(m->replica, q->sender, q->data, q->len),
					 0);
	}
	/* Flush after every message: each delivery is its own batch here. */
	for (size_t i = 0; i < b->n; i++)
		if (b->m[i].up)
			assert_int_equal(cfs_replica_flush(b->m[i].replica), 0);
}

void
bus_run_holding(struct bus *b, uint64_t hold)
{
	size_t kept = 0;

	while (b->head < b->tail) {
		struct bus_message *q = &b->queue[b->head++];

		if (hold & BUS_TYPES(msg_type(q->data, q->len))) {
			b->queue[kept++] = *q;
			continue;
		}
		bus_deliver(b, q);
		free(q->data);
	}
	b->head = 0;
	b->tail = kept;
}

void
bus_run(struct bus *b)
{
	bus_run_holding(b, 0);
}

void
bus_step(struct bus *b)
{
	struct bus_message *q = &b->queue[b->head++];

	assert_true(b->head <= b->tail);
	bus_deliver(b, q);
	free(q->data);
}

void
bus_member_confchg(struct bus *b, struct bus_member *m)
{
	uint32_t ids[BUS_MAX_MEMBERS];
	size_t count = 0;

	for (size_t j = 0; j < b->n; j++)
		if (b->m[j].up && b->m[j].group == m->group)
			ids[count++] = b->m[j].nodeid;
	assert_int_equal(cfs_replica_membership(m->replica, ids, count), 0);
	assert_int_equal(cfs_replica_set_quorate(m->replica, count * 2 > b->n), 0);
}

void
bus_confchg(struct bus *b)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->m[i].up)
			bus_member_confchg(b, &b->m[i]);
}

void
bus_reconfigure(struct bus *b)
{
	bus_run(b);
	bus_confchg(b);
	bus_run(b);
}

int
bus_setup(void **state)
{
	struct bus *b = calloc(1, sizeof(*b));

	if (!b || test_tmpdir_make(b->dir, sizeof(b->dir)) < 0)
		return -1;
	b->n = 3;
	for (size_t i = 0; i < BUS_MAX_MEMBERS; i++) {
		b->m[i].nodeid = (uint32_t)i + 1;
		b->m[i].bus = b;
		snprintf(b->m[i].db, sizeof(b->m[i].db), "%s/n%zu.db", b->dir, i + 1);
	}
	for (size_t i = 0; i < b->n; i++)
		bus_member_start(&b->m[i]);
	bus_reconfigure(b);
	*state = b;
	return 0;
}

int
bus_teardown(void **state)
{
	struct bus *b = *state;

	for (size_t i = 0; i < BUS_MAX_MEMBERS; i++)
		if (b->m[i].up)
			bus_member_stop(&b->m[i]);
	for (size_t i = b->head; i < b->tail; i++)
		free(b->queue[i].data);
	for (size_t i = 0; i < b->n_recorded; i++)
		free(b->recorded[i].data);
	test_tmpdir_remove(b->dir);
	free(b);
	return 0;
}

void
bus_on_done(void *ctx, int result)
{
	struct bus_outcome *o = ctx;

	assert_false(o->called); /* exactly once */
	o->called = true;
	o->result = result;
}

int
bus_do_op(struct bus_member *m, struct cfs_op op)
{
	struct bus_outcome o = { false, 0 };
	int r = cfs_replica_submit(m->replica, &op, bus_on_done, &o);

	if (r < 0)
		return r;
	assert_false(o.called); /* never before delivery and commit */
	bus_run(m->bus);
	assert_true(o.called);
	return o.result;
}

int
bus_do_write(struct bus_member *m, const char *path, const char *text)
{
	struct cfs_stat st;
	int r = 0;

	if (cfs_tree_stat(cfs_replica_tree(m->replica), path, &st) == -ENOENT)
		r = bus_do_op(m, (struct cfs_op){ .type = CFS_MSG_CREATE, .path = path });
	if (r < 0)
		return r;
	return bus_do_op(m, (struct cfs_op){ .type = CFS_MSG_WRITE, .path = path, .data = text,
					 .size = strlen(text) });
}

int
bus_do_mkdir(struct bus_member *m, const char *path)
{
	return bus_do_op(m, (struct cfs_op){ .type = CFS_MSG_MKDIR, .path = path });
}

void
bus_expect_content(struct bus_member *m, const char *path, const char *text)
{
	char buf[256];
	ssize_t n = cfs_tree_read(cfs_replica_tree(m->replica), path, buf, sizeof(buf), 0);

	assert_int_equal(n, (ssize_t)strlen(text));
	assert_memory_equal(buf, text, (size_t)n);
}

void
bus_expect_identical(struct bus *b)
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

