/*
 * cpg-gap - measure how long corosync delivers nothing: join a CPG group,
 * multicast a small message every 10 ms, and print every pause between two
 * consecutive deliveries longer than a threshold, and every configuration
 * change, with wall-clock times so that a script can line them up with the
 * faults it caused.  This is what an HA lease sees: it can only be renewed
 * while messages are delivered.  Used by bench/lab-blip.
 *
 *   cpg-gap [GROUP [THRESHOLD_MS]]   (defaults: cpg-gap, 100; runs until SIGTERM)
 *
 * Output, one line each, times in ms since the epoch:
 *   gap FROM TO           nothing was delivered between FROM and TO
 *   confchg T MEMBERS     new group membership (node ids, comma separated)
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>

#include <corosync/cpg.h>
#include <qb/qbdefs.h>
#include <qb/qblog.h>
#include <qb/qbloop.h>

#include "common/common.h"

#define SEND_INTERVAL_MS 10

struct gap {
	qb_loop_t *loop;
	cpg_handle_t handle;
	qb_loop_timer_handle timer;
	uint64_t threshold_ms;
	uint64_t last_ms; /* wall clock of the last delivery, 0 before the first */
	uint64_t seq;
};

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
on_deliver(cpg_handle_t handle, const struct cpg_name *name, uint32_t nodeid, uint32_t pid,
	   void *msg, size_t len)
{
	struct gap *g = NULL;
	uint64_t t = now_ms();

	(void)name, (void)nodeid, (void)pid, (void)msg, (void)len;
	if (cpg_context_get(handle, (void **)&g) != CS_OK || !g)
		return;
	if (g->last_ms && t - g->last_ms > g->threshold_ms) {
		printf("gap %" PRIu64 " %" PRIu64 "\n", g->last_ms, t);
		fflush(stdout);
	}
	g->last_ms = t;
}

static void
on_confchg(cpg_handle_t handle, const struct cpg_name *name, const struct cpg_address *members,
	   size_t n_members, const struct cpg_address *left, size_t n_left,
	   const struct cpg_address *joined, size_t n_joined)
{
	(void)handle, (void)name, (void)left, (void)n_left, (void)joined, (void)n_joined;
	printf("confchg %" PRIu64 " ", now_ms());
	for (size_t i = 0; i < n_members; i++)
		printf("%s%" PRIu32, i ? "," : "", members[i].nodeid);
	printf("\n");
	fflush(stdout);
}

static int32_t
on_cpg_fd(int32_t fd, int32_t revents, void *data)
{
	struct gap *g = data;

	(void)fd, (void)revents;
	if (cpg_dispatch(g->handle, CS_DISPATCH_ALL) != CS_OK) {
		qb_log(LOG_ERR, "corosync went away");
		qb_loop_stop(g->loop);
		return -1;
	}
	return 0;
}

static void
on_timer(void *data)
{
	struct gap *g = data;
	struct iovec iov = { .iov_base = &g->seq, .iov_len = sizeof(g->seq) };

	/* TRY_AGAIN while the ring re-forms: skip this tick, the next one sends. */
	if (cpg_mcast_joined(g->handle, CPG_TYPE_AGREED, &iov, 1) == CS_OK)
		g->seq++;
	(void)qb_loop_timer_add(g->loop, QB_LOOP_MED, SEND_INTERVAL_MS * QB_TIME_NS_IN_MSEC, g,
				on_timer, &g->timer);
}

int
main(int argc, char **argv)
{
	cpg_callbacks_t callbacks = { .cpg_deliver_fn = on_deliver, .cpg_confchg_fn = on_confchg };
	const char *group = argc > 1 ? argv[1] : "cpg-gap";
	struct gap g = { .threshold_ms = 100 };
	struct cpg_name name;
	char *end;
	int fd, r = 1;

	if (argc > 3 || strlen(group) >= sizeof(name.value)) {
		fprintf(stderr, "usage: cpg-gap [GROUP [THRESHOLD_MS]]\n");
		return 2;
	}
	if (argc > 2) {
		errno = 0;
		g.threshold_ms = strtoull(argv[2], &end, 10);
		if (errno || *end || end == argv[2]) {
			fprintf(stderr, "cpg-gap: THRESHOLD_MS '%s' is not a number\n", argv[2]);
			return 2;
		}
	}
	cl_log_open("cpg-gap", true, false);
	name.length = (uint32_t)strlen(group);
	memcpy(name.value, group, name.length);
	g.loop = qb_loop_create();
	if (!g.loop)
		goto out;
	if (cpg_initialize(&g.handle, &callbacks) != CS_OK) {
		qb_log(LOG_ERR, "cannot connect to corosync's CPG service");
		goto out_loop;
	}
	(void)cpg_context_set(g.handle, &g);
	if (cpg_fd_get(g.handle, &fd) != CS_OK || cpg_join(g.handle, &name) != CS_OK) {
		qb_log(LOG_ERR, "cannot join CPG group %s", group);
		goto out_cpg;
	}
	if (qb_loop_poll_add(g.loop, QB_LOOP_HIGH, fd, POLLIN, &g, on_cpg_fd) != 0 ||
	    cl_daemon_stop_on_signals(g.loop) < 0)
		goto out_cpg;
	on_timer(&g);
	qb_loop_run(g.loop);
	r = 0;
out_cpg:
	cpg_finalize(g.handle);
out_loop:
	qb_loop_destroy(g.loop);
out:
	cl_log_close();
	return r;
}
