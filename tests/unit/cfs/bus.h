/*
 * bus.h - a fake corosync process group for the replica tests: several
 * members in one process over a message bus with agreed order, with
 * partitions (groups), membership changes, and messages held back past a
 * membership change as CPG may deliver them.  Assertions fail the test.
 */
#ifndef CLUSTERHA_TEST_CFS_BUS_H
#define CLUSTERHA_TEST_CFS_BUS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "cfs/cfs.h"

#define BUS_MAX_MEMBERS	 5
#define BUS_MAX_QUEUE	 4096
#define BUS_MAX_RECORDED 16

/* A set of message types, for holding back or recording. */
#define BUS_TYPES(type) (1ull << (type))

struct bus_member {
	uint32_t nodeid;
	int group; /* members deliver only messages of their own group */
	bool up;
	char db[PATH_MAX + 32];
	cfs_store_t *store;
	cfs_replica_t *replica;
	struct bus *bus;
};

struct bus_message {
	uint32_t sender;
	int group; /* the sender's when it sent it */
	void *data;
	size_t len;
};

struct bus {
	char dir[PATH_MAX];
	struct bus_member m[BUS_MAX_MEMBERS];
	size_t n;
	struct bus_message queue[BUS_MAX_QUEUE];
	size_t head, tail;
	size_t data_messages; /* synchronisation DATA messages sent */
	size_t data_bytes;
	size_t states_sent; /* synchronisation STATE messages sent */
	uint64_t record;    /* BUS_TYPES() of which copies are kept when sent */
	struct bus_message recorded[BUS_MAX_RECORDED];
	size_t n_recorded;
	uint64_t clock_ns; /* one fake monotonic clock for all members */
	uint64_t replicas_made;
};

/* cmocka setup: three members n1..n3 (of five slots), synchronised. */
int bus_setup(void **state);
int bus_teardown(void **state);

/* Open @m's database and create its replica; stop it again. */
void bus_member_start(struct bus_member *m);
void bus_member_stop(struct bus_member *m);

/* Deliver @q (borrowed) to the live members of its group, then flush. */
void bus_deliver(struct bus *b, const struct bus_message *q);
/*
 * Deliver everything queued, in order, except messages of the types in
 * @hold: they stay queued, in their order, to be delivered after a later
 * membership change.
 */
void bus_run_holding(struct bus *b, uint64_t hold);
/* Deliver everything queued, in order. */
void bus_run(struct bus *b);
/* Deliver only the first message queued. */
void bus_step(struct bus *b);
/* Tell @m its group's membership and quorum, without running the bus. */
void bus_member_confchg(struct bus *b, struct bus_member *m);
/* The same for every live member; queued messages stay queued. */
void bus_confchg(struct bus *b);
/* Run, tell every live member its membership, run again. */
void bus_reconfigure(struct bus *b);

/* What a writer was told. */
struct bus_outcome {
	bool called;
	int result;
};

/* A cfs_done_fn for a struct bus_outcome: asserts it is called once. */
void bus_on_done(void *ctx, int result);
/* Submit @op on @m, run the bus, return what the writer was told. */
int bus_do_op(struct bus_member *m, struct cfs_op op);
/* Create @path if it is missing, then write @text to it. */
int bus_do_write(struct bus_member *m, const char *path, const char *text);
int bus_do_mkdir(struct bus_member *m, const char *path);

/* Assert the content of @path on @m. */
void bus_expect_content(struct bus_member *m, const char *path, const char *text);
/* Assert that every live member holds the same tree (digest). */
void bus_expect_identical(struct bus *b);

#endif /* CLUSTERHA_TEST_CFS_BUS_H */
