/*
 * cpg-echo - the floor of a replicated write on this machine: join a CPG
 * group of its own, then COUNT times multicast one 1 KiB message (agreed
 * order) and wait until corosync delivers that very message back, timing
 * each round trip.  A filesystem whose write returns only once its own
 * message came back cannot beat this rate with one message per close().
 * Used by bench/cfs-ops inside a lab node.
 *
 *   cpg-echo [COUNT]   (default 500)
 *
 * Prints one JSON object shaped like a measure of bench/cfs-load.py:
 *   {"cpg_roundtrip_1k": {"ops": N, "median_ms": N, "p99_ms": N}}
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <corosync/cpg.h>
#include <json-c/json.h>
#include <qb/qbutil.h>

#include "common/common.h"

#define MSG_SIZE 1024
#define TRY_AGAIN_LIMIT 10000 /* 1 ms apart: 10 s of a ring that re-forms */

/* What the deliver and confchg callbacks report to the waiting loop. */
struct echo {
	uint32_t nodeid;
	uint32_t pid;
	uint64_t want;	/* sequence number of the message in flight */
	bool joined;	/* our own join was delivered */
	bool echoed;	/* the message in flight came back */
};

struct payload {
	uint64_t seq;
	unsigned char fill[MSG_SIZE - sizeof(uint64_t)];
};

static void
echo_failed(const char *call, cs_error_t err)
{
	fprintf(stderr, "cpg-echo: %s failed: cs_error_t %d (%s)\n", call, (int)err,
		strerror(-cl_cs_errno(err)));
}

static struct echo *
echo_of(cpg_handle_t handle)
{
	void *e = NULL;

	return cpg_context_get(handle, &e) == CS_OK ? e : NULL;
}

static void
on_deliver(cpg_handle_t handle, const struct cpg_name *name, uint32_t nodeid, uint32_t pid,
	   void *msg, size_t len)
{
	struct echo *e = echo_of(handle);
	struct payload p;

	(void)name;
	if (!e || nodeid != e->nodeid || pid != e->pid || len != sizeof(p))
		return;
	memcpy(&p, msg, sizeof(p));
	if (p.seq == e->want)
		e->echoed = true;
}

static void
on_confchg(cpg_handle_t handle, const struct cpg_name *name, const struct cpg_address *members,
	   size_t n_members, const struct cpg_address *left, size_t n_left,
	   const struct cpg_address *joined, size_t n_joined)
{
	struct echo *e = echo_of(handle);

	(void)name, (void)members, (void)n_members, (void)left, (void)n_left;
	for (size_t i = 0; e && i < n_joined; i++)
		if (joined[i].nodeid == e->nodeid && joined[i].pid == e->pid)
			e->joined = true;
}

/* Dispatch callbacks, blocking, until *flag is set. */
static int
dispatch_until(cpg_handle_t handle, const bool *flag)
{
	cs_error_t err;

	while (!*flag) {
		err = cpg_dispatch(handle, CS_DISPATCH_ONE);
		if (err != CS_OK) {
			echo_failed("cpg_dispatch", err);
			return -1;
		}
	}
	return 0;
}

/* Send message number @seq and wait for it; its round trip in ns, or 0. */
static uint64_t
round_trip(cpg_handle_t handle, struct echo *e, struct payload *p, uint64_t seq)
{
	struct iovec iov = { .iov_base = p, .iov_len = sizeof(*p) };
	uint64_t t0 = qb_util_nano_current_get();
	cs_error_t err;
	int tries = 0;

	p->seq = e->want = seq;
	e->echoed = false;
	/* TRY_AGAIN: flow control or a ring that re-forms; it counts as time. */
	while ((err = cpg_mcast_joined(handle, CPG_TYPE_AGREED, &iov, 1)) == CS_ERR_TRY_AGAIN &&
	       ++tries < TRY_AGAIN_LIMIT)
		(void)usleep(1000);
	if (err != CS_OK) {
		echo_failed("cpg_mcast_joined", err);
		return 0;
	}
	if (dispatch_until(handle, &e->echoed) < 0)
		return 0;
	t0 = qb_util_nano_current_get() - t0;
	return t0 ? t0 : 1;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Print the measure as bench/cfs-load.py computes it (same median, same p99). */
static void
print_measure(uint64_t *lat, size_t n, uint64_t total_ns)
{
	json_object *root = json_object_new_object(), *m = json_object_new_object();
	size_t p99 = (size_t)((double)n * 0.99);
	double median;

	qsort(lat, n, sizeof(*lat), cmp_u64);
	median = n % 2 ? (double)lat[n / 2] : ((double)lat[n / 2 - 1] + (double)lat[n / 2]) / 2;
	p99 = p99 ? p99 - 1 : n - 1;
	json_object_object_add(m, "ops", json_object_new_double((double)n * 1e9 / (double)total_ns));
	json_object_object_add(m, "median_ms", json_object_new_double(median / 1e6));
	json_object_object_add(m, "p99_ms", json_object_new_double((double)lat[p99] / 1e6));
	json_object_object_add(root, "cpg_roundtrip_1k", m);
	printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
	json_object_put(root);
}

static int
run(cpg_handle_t handle, struct echo *e, size_t count)
{
	struct cpg_name name;
	struct payload p;
	uint64_t *lat = calloc(count, sizeof(*lat)), start;
	cs_error_t err;
	int r = -1;

	if (!lat) {
		fprintf(stderr, "cpg-echo: out of memory for %zu latencies\n", count);
		return -1;
	}
	memset(p.fill, 'x', sizeof(p.fill));
	/* A group of our own: nobody else's traffic is delivered to us. */
	name.length = (uint32_t)snprintf(name.value, sizeof(name.value), "cpg-echo-%" PRIu32, e->pid);
	if ((err = cpg_local_get(handle, &e->nodeid)) != CS_OK) {
		echo_failed("cpg_local_get", err);
		goto out;
	}
	if ((err = cpg_join(handle, &name)) != CS_OK) {
		echo_failed("cpg_join", err);
		goto out;
	}
	if (dispatch_until(handle, &e->joined) < 0)
		goto out;
	start = qb_util_nano_current_get();
	for (size_t i = 0; i < count; i++)
		if (!(lat[i] = round_trip(handle, e, &p, i)))
			goto out;
	print_measure(lat, count, qb_util_nano_current_get() - start);
	r = 0;
out:
	free(lat);
	return r;
}

int
main(int argc, char **argv)
{
	cpg_callbacks_t callbacks = { .cpg_deliver_fn = on_deliver, .cpg_confchg_fn = on_confchg };
	struct echo e = { .pid = (uint32_t)getpid() };
	unsigned long long count = 500;
	cpg_handle_t handle;
	cs_error_t err;
	char *end;
	int r;

	if (argc > 2) {
		fprintf(stderr, "usage: cpg-echo [COUNT]\n");
		return 2;
	}
	if (argc == 2) {
		errno = 0;
		count = strtoull(argv[1], &end, 10);
		if (errno || *end || end == argv[1] || argv[1][0] == '-' || count < 1 ||
		    count > 10000000) {
			fprintf(stderr, "cpg-echo: COUNT '%s' is not a number 1..10000000\n"
					"usage: cpg-echo [COUNT]\n", argv[1]);
			return 2;
		}
	}
	if ((err = cpg_initialize(&handle, &callbacks)) != CS_OK) {
		echo_failed("cpg_initialize", err);
		return 1;
	}
	(void)cpg_context_set(handle, &e);
	r = run(handle, &e, (size_t)count);
	cpg_finalize(handle);
	return r < 0 ? 1 : 0;
}
