/*
 * test-lrm.c - the LRM over a fake environment: lease-gated watchdog
 * feeding, each request executed once, bounded workers, results reported,
 * stopped enforced without a master.
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

#include "hamgr/hamgr.h"

#define MS 1000000ull
#define MAX_FILES 8
#define MAX_OPS 64

struct fake {
	uint64_t now;
	bool quorate;
	bool renew_fails;
	bool release_fails; /* a release that is not delivered (no quorum) */
	struct {
		char path[64];
		char *data;
	} files[MAX_FILES];
	char holder[64];
	unsigned acquired, released, renewed;
	unsigned wd_opened, wd_fed, wd_closed_clean;
	unsigned n_ops;
	struct {
		char sid[32];
		enum hamgr_guest_op op;
		char target[64];
		uint64_t id;
	} ops[MAX_OPS];
};

static uint64_t
f_now(void *c)
{
	return ((struct fake *)c)->now;
}

static int
f_membership(void *c, struct hamgr_membership *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->quorate = ((struct fake *)c)->quorate;
	return 0;
}

static int
f_find(struct fake *f, const char *path)
{
	for (int i = 0; i < MAX_FILES; i++)
		if (strcmp(f->files[i].path, path) == 0)
			return i;
	return -1;
}

static int
f_read(void *c, const char *path, char **ret, size_t *len)
{
	struct fake *f = c;
	int i = f_find(f, path);

	if (i < 0)
		return -ENOENT;
	*ret = strdup(f->files[i].data);
	*len = strlen(*ret);
	return 0;
}

static int
f_write(void *c, const char *path, const char *data, size_t len)
{
	struct fake *f = c;
	int i = f_find(f, path);

	if (i < 0)
		i = f_find(f, "");
	assert_true(i >= 0);
	snprintf(f->files[i].path, sizeof(f->files[i].path), "%s", path);
	free(f->files[i].data);
	f->files[i].data = strndup(data, len);
	return 0;
}

static int
f_acquire(void *c, const char *name)
{
	struct fake *f = c;

	if (strcmp(name, "ha_agent_n1"))
		return -EINVAL;
	strcpy(f->holder, "n1");
	f->acquired++;
	return 0;
}

static int
f_renew(void *c, const char *name)
{
	struct fake *f = c;

	if (f->renew_fails)
		return -ETIMEDOUT;
	f->renewed++;
	return 0;
}

static int
f_release(void *c, const char *name)
{
	struct fake *f = c;

	if (f->release_fails)
		return -EROFS;
	f->holder[0] = '\0';
	f->released++;
	return 0;
}

static int
f_info(void *c, const char *name, struct hamgr_lease_info *ret)
{
	/* Every other node's LRM is armed. */
	memset(ret, 0, sizeof(*ret));
	snprintf(ret->holder, sizeof(ret->holder), "%s", name + strlen("ha_agent_"));
	return 0;
}

static int
f_wd_open(void *c, unsigned timeout)
{
	((struct fake *)c)->wd_opened++;
	return 0;
}

static int
f_wd_feed(void *c)
{
	((struct fake *)c)->wd_fed++;
	return 0;
}

static int
f_wd_close(void *c, bool clean)
{
	((struct fake *)c)->wd_closed_clean += clean;
	return 0;
}

static int
f_guest_op(void *c, const char *sid, enum hamgr_guest_op op, const char *target,
	   uint32_t timeout_ms, uint64_t id)
{
	struct fake *f = c;

	assert_true(f->n_ops < MAX_OPS);
	snprintf(f->ops[f->n_ops].sid, sizeof(f->ops[0].sid), "%s", sid);
	f->ops[f->n_ops].op = op;
	snprintf(f->ops[f->n_ops].target, sizeof(f->ops[0].target), "%s", target ? target : "");
	f->ops[f->n_ops++].id = id;
	return 0;
}

static int
f_fence(void *c, const char *node)
{
	return -ENODEV;
}

static const struct hamgr_env_ops fake_ops = {
	.now_ns = f_now,
	.membership = f_membership,
	.read_file = f_read,
	.write_file = f_write,
	.lease_acquire = f_acquire,
	.lease_renew = f_renew,
	.lease_release = f_release,
	.lease_steal = f_acquire,
	.lease_info = f_info,
	.watchdog_open = f_wd_open,
	.watchdog_feed = f_wd_feed,
	.watchdog_close = f_wd_close,
	.guest_op = f_guest_op,
	.fence_node = f_fence,
};

static int
setup(void **state)
{
	struct fake *f = calloc(1, sizeof(*f));

	f->now = 1000 * MS;
	f->quorate = true;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fake *f = *state;

	for (int i = 0; i < MAX_FILES; i++)
		free(f->files[i].data);
	free(f);
	return 0;
}

/* Write ha/manager_status with one service in @st on @node (request @id). */
static void
master_says(struct fake *f, const char *sid, enum hamgr_svc_state st, const char *node,
	    const char *target, uint64_t id)
{
	struct hamgr_manager_status *ms = hamgr_manager_status_new();
	char *json;

	strcpy(ms->master, "n2");
	hamgr_manager_status_node(ms, "n1", HAMGR_NODE_ONLINE);
	hamgr_manager_status_node(ms, "n2", HAMGR_NODE_ONLINE);
	ms->services = calloc(1, sizeof(*ms->services));
	ms->n_services = ms->cap_services = 1;
	strcpy(ms->services[0].sid, sid);
	ms->services[0].state = st;
	strcpy(ms->services[0].node, node);
	strcpy(ms->services[0].target, target);
	ms->services[0].request_id = id;
	assert_int_equal(hamgr_manager_status_encode(ms, &json), 0);
	f_write(f, "ha/manager_status", json, strlen(json));
	free(json);
	hamgr_manager_status_free(ms);
}

static struct hamgr_lrm_status *
reported(struct fake *f)
{
	struct hamgr_lrm_status *ls = NULL;
	struct hamgr_error err;
	int i = f_find(f, "nodes/n1/lrm_status");

	if (i < 0)
		return NULL;
	assert_int_equal(hamgr_lrm_status_decode("x", f->files[i].data, strlen(f->files[i].data),
						 &ls, &err),
			 0);
	return ls;
}

/* Set or clear the disarmed flag of the manager status in the fake's files. */
static void
master_disarms(struct fake *f, bool disarmed)
{
	struct hamgr_manager_status *ms = NULL;
	struct hamgr_error err;
	int i = f_find(f, "ha/manager_status");
	char *json;

	assert_true(i >= 0);
	assert_int_equal(hamgr_manager_status_decode("x", f->files[i].data,
						     strlen(f->files[i].data), &ms, &err),
			 0);
	ms->disarmed = disarmed;
	assert_int_equal(hamgr_manager_status_encode(ms, &json), 0);
	f_write(f, "ha/manager_status", json, strlen(json));
	free(json);
	hamgr_manager_status_free(ms);
}

/*
 * Disarmed: the LRM gives its lease back and only then closes the
 * watchdog cleanly, with the guest still running; it starts nothing new.
 * Armed again, it takes lease and watchdog back and resumes.
 */
static void
test_disarm_releases_lease_then_watchdog(void **state)
{
	struct fake *f = *state;
	hamgr_lrm_t *lrm = hamgr_lrm_new(&fake_ops, f, "n1");

	master_says(f, "vm:100", HAMGR_SVC_STARTED, "n1", "", 7);
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_int_equal(hamgr_lrm_op_done(lrm, "vm:100", 7, 0), 0);
	master_disarms(f, true);
	/* Without quorum the release is not delivered: the watchdog stays armed. */
	f->release_fails = true;
	f->now += 100 * MS;
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_int_equal(f->wd_closed_clean, 0);
	assert_string_equal(f->holder, "n1");
	f->release_fails = false;
	f->now += 100 * MS;
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_int_equal(f->released, 1);
	assert_int_equal(f->wd_closed_clean, 1);
	assert_string_equal(f->holder, "");
	/* A new request while disarmed is not acted on, and nothing is fed. */
	master_says(f, "vm:100", HAMGR_SVC_REQUEST_STOP, "n1", "", 8);
	master_disarms(f, true);
	f->wd_fed = 0;
	f->now += 1000 * MS;
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_int_equal(f->n_ops, 1);
	assert_int_equal(f->wd_fed, 0);
	/* Armed: lease and watchdog first, then the request. */
	master_disarms(f, false);
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_int_equal(f->acquired, 2);
	assert_int_equal(f->wd_opened, 2);
	assert_int_equal(f->n_ops, 2);
	assert_int_equal(f->ops[1].op, HAMGR_OP_STOP);
	hamgr_lrm_free(lrm);
}

/* Shutting down with failover: no new start, every guest stopped, lease released, done. */
static void
test_shutdown_failover_stops_and_lets_go(void **state)
{
	struct fake *f = *state;
	hamgr_lrm_t *lrm = hamgr_lrm_new(&fake_ops, f, "n1");

	master_says(f, "vm:100", HAMGR_SVC_STARTED, "n1", "", 7);
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_int_equal(hamgr_lrm_op_done(lrm, "vm:100", 7, 0), 0);
	assert_false(hamgr_lrm_shutdown_done(lrm));
	/* No settings file: conditional, and a poweroff fails over. */
	hamgr_lrm_set_mode(lrm, HAMGR_LRM_SHUTDOWN);
	f->now += 100 * MS;
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_int_equal(f->n_ops, 2);
	assert_int_equal(f->ops[1].op, HAMGR_OP_STOP);
	assert_int_equal(f->ops[1].id, 0);
	assert_false(hamgr_lrm_shutdown_done(lrm));
	assert_int_equal(hamgr_lrm_op_done(lrm, "vm:100", 0, 0), 0);
	f->now += 100 * MS;
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_int_equal(f->wd_closed_clean, 1);
	assert_true(hamgr_lrm_shutdown_done(lrm));
	hamgr_lrm_free(lrm);
}

/* Rebooting with conditional (freeze): the guest is stopped only once the master froze it. */
static void
test_reboot_freeze_waits_for_master(void **state)
{
	struct fake *f = *state;
	hamgr_lrm_t *lrm = hamgr_lrm_new(&fake_ops, f, "n1");

	master_says(f, "vm:100", HAMGR_SVC_STARTED, "n1", "", 7);
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_int_equal(hamgr_lrm_op_done(lrm, "vm:100", 7, 0), 0);
	hamgr_lrm_set_mode(lrm, HAMGR_LRM_REBOOT);
	f->now += 100 * MS;
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_int_equal(f->n_ops, 1);
	assert_false(hamgr_lrm_shutdown_done(lrm));
	master_says(f, "vm:100", HAMGR_SVC_FREEZE, "n1", "", 7);
	f->now += 100 * MS;
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_int_equal(f->n_ops, 2);
	assert_int_equal(f->ops[1].op, HAMGR_OP_STOP);
	assert_int_equal(hamgr_lrm_op_done(lrm, "vm:100", 0, 0), 0);
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_true(hamgr_lrm_shutdown_done(lrm));
	hamgr_lrm_free(lrm);
}

static void
test_may_feed_only_while_lease_fresh(void **state)
{
	struct hamgr_settings s;

	hamgr_settings_default(&s);
	assert_false(hamgr_lrm_may_feed(&s, 0, 5));
	assert_true(hamgr_lrm_may_feed(&s, 1000 * MS, 1000 * MS));
	/* The default lease: 6.5 s. */
	assert_true(hamgr_lrm_may_feed(&s, 1000 * MS, 7500 * MS - 1));
	assert_false(hamgr_lrm_may_feed(&s, 1000 * MS, 7500 * MS));
}

static void
test_idle_lrm_holds_nothing(void **state)
{
	struct fake *f = *state;
	hamgr_lrm_t *lrm = hamgr_lrm_new(&fake_ops, f, "n1");

	assert_non_null(lrm);
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_int_equal(f->acquired, 0);
	assert_int_equal(f->wd_opened, 0);
	assert_int_equal(f->n_ops, 0);
	hamgr_lrm_free(lrm);
}

static void
test_start_once_and_report(void **state)
{
	struct fake *f = *state;
	hamgr_lrm_t *lrm = hamgr_lrm_new(&fake_ops, f, "n1");
	struct hamgr_lrm_status *ls;

	master_says(f, "vm:100", HAMGR_SVC_STARTED, "n1", "", 7);
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	/* Lease and watchdog before the guest. */
	assert_int_equal(f->acquired, 1);
	assert_int_equal(f->wd_opened, 1);
	assert_int_equal(f->wd_fed, 1);
	assert_int_equal(f->n_ops, 1);
	assert_string_equal(f->ops[0].sid, "vm:100");
	assert_int_equal(f->ops[0].op, HAMGR_OP_START);
	assert_int_equal(f->ops[0].id, 7);
	/* Reading the same request again does not run it again. */
	f->now += 100 * MS;
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_int_equal(f->n_ops, 1);
	assert_int_equal(hamgr_lrm_op_done(lrm, "vm:100", 7, 0), 0);
	assert_int_equal(hamgr_lrm_op_done(lrm, "vm:100", 7, 0), -ENOENT);
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_int_equal(f->n_ops, 1);
	ls = reported(f);
	assert_non_null(ls);
	assert_int_equal(hamgr_lrm_status_result(ls, "vm:100")->request_id, 7);
	assert_int_equal(hamgr_lrm_status_result(ls, "vm:100")->rc, 0);
	hamgr_lrm_status_free(ls);
	hamgr_lrm_free(lrm);
}

static void
test_restart_does_not_repeat_reported_request(void **state)
{
	struct fake *f = *state;
	hamgr_lrm_t *lrm = hamgr_lrm_new(&fake_ops, f, "n1");

	master_says(f, "vm:100", HAMGR_SVC_MIGRATE, "n1", "n2", 9);
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_int_equal(f->n_ops, 1);
	assert_int_equal(f->ops[0].op, HAMGR_OP_MIGRATE);
	assert_string_equal(f->ops[0].target, "n2");
	assert_int_equal(hamgr_lrm_op_done(lrm, "vm:100", 9, 0), 0);
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	hamgr_lrm_free(lrm);
	/* A restarted LRM reads its report and does not migrate twice. */
	lrm = hamgr_lrm_new(&fake_ops, f, "n1");
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_int_equal(f->n_ops, 1);
	hamgr_lrm_free(lrm);
}

static void
test_restart_asserts_started_guests_once(void **state)
{
	struct fake *f = *state;
	hamgr_lrm_t *lrm = hamgr_lrm_new(&fake_ops, f, "n1");

	master_says(f, "vm:100", HAMGR_SVC_STARTED, "n1", "", 7);
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_int_equal(hamgr_lrm_op_done(lrm, "vm:100", 7, 0), 0);
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	hamgr_lrm_free(lrm);
	/* After a reboot nothing runs: the (idempotent) start is repeated once. */
	lrm = hamgr_lrm_new(&fake_ops, f, "n1");
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_int_equal(f->n_ops, 2);
	assert_int_equal(f->ops[1].op, HAMGR_OP_START);
	assert_int_equal(f->ops[1].id, 7);
	assert_int_equal(hamgr_lrm_op_done(lrm, "vm:100", 7, 0), 0);
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_int_equal(f->n_ops, 2);
	hamgr_lrm_free(lrm);
}

static void
test_lease_runs_out_feeding_stops_for_good(void **state)
{
	struct fake *f = *state;
	hamgr_lrm_t *lrm = hamgr_lrm_new(&fake_ops, f, "n1");
	unsigned fed;

	master_says(f, "vm:100", HAMGR_SVC_STARTED, "n1", "", 7);
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_int_equal(hamgr_lrm_op_done(lrm, "vm:100", 7, 0), 0);
	/* Renewals fail (cut off from the quorate partition). */
	f->renew_fails = true;
	for (int i = 1; i < 13; i++) {
		f->now = 1000 * MS + (uint64_t)i * 500 * MS;
		assert_int_equal(hamgr_lrm_tick(lrm), 0);
	}
	/* Fed up to 6 s after the renewal, not at the lease's 6.5 s. */
	fed = f->wd_fed;
	assert_int_equal(fed, 13);
	f->now = 7500 * MS;
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_int_equal(f->wd_fed, fed);
	assert_true(hamgr_lrm_lease_lost(lrm));
	/* Renewals work again: too late, feeding stays off. */
	f->renew_fails = false;
	f->now = 8000 * MS;
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_int_equal(f->wd_fed, fed);
	/* And nothing new is started. */
	master_says(f, "vm:101", HAMGR_SVC_STARTED, "n1", "", 8);
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_int_equal(f->n_ops, 1);
	hamgr_lrm_free(lrm);
}

/*
 * A renewal that failed during a membership change is retried at the
 * next round (the end of the change triggers one), not a whole renewal
 * interval later: a second change may follow at once, and the lease must
 * be fresh when it starts, or a healthy node resets itself.
 */
static void
test_failed_renewal_retried_next_round(void **state)
{
	struct fake *f = *state;
	hamgr_lrm_t *lrm = hamgr_lrm_new(&fake_ops, f, "n1");
	unsigned renewed;

	master_says(f, "vm:100", HAMGR_SVC_STARTED, "n1", "", 7);
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	f->renew_fails = true;
	f->now = 1500 * MS;
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	renewed = f->renewed;
	/* The ring delivers again 100 ms later: renewed then, not at 2 s. */
	f->renew_fails = false;
	f->now = 1600 * MS;
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_int_equal(f->renewed, renewed + 1);
	/* Then back to one renewal a renewal interval. */
	f->now = 1700 * MS;
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_int_equal(f->renewed, renewed + 1);
	/* Fed until the lease's 6.5 s after the renewal at 1.6 s. */
	f->renew_fails = true;
	f->now = 8000 * MS;
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_false(hamgr_lrm_lease_lost(lrm));
	hamgr_lrm_free(lrm);
}

static void
test_renewal_keeps_feeding(void **state)
{
	struct fake *f = *state;
	hamgr_lrm_t *lrm = hamgr_lrm_new(&fake_ops, f, "n1");

	master_says(f, "vm:100", HAMGR_SVC_STARTED, "n1", "", 7);
	for (int i = 0; i < 40; i++) {
		f->now = 1000 * MS + (uint64_t)i * 500 * MS;
		assert_int_equal(hamgr_lrm_tick(lrm), 0);
	}
	assert_int_equal(f->wd_fed, 40);
	assert_int_equal(f->renewed, 39);
	assert_false(hamgr_lrm_lease_lost(lrm));
	hamgr_lrm_free(lrm);
}

static void
test_stopped_enforced_without_master(void **state)
{
	struct fake *f = *state;
	hamgr_lrm_t *lrm = hamgr_lrm_new(&fake_ops, f, "n1");
	const char *stopped = "vm: 100\n\tstate stopped\n";

	master_says(f, "vm:100", HAMGR_SVC_STARTED, "n1", "", 7);
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_int_equal(hamgr_lrm_op_done(lrm, "vm:100", 7, 0), 0);
	/* The master is gone (status unreadable); the admin stops the guest. */
	f_write(f, "ha/manager_status", "garbage", 7);
	f_write(f, "ha/resources.cfg", stopped, strlen(stopped));
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_int_equal(f->n_ops, 2);
	assert_int_equal(f->ops[1].op, HAMGR_OP_STOP);
	assert_int_equal(f->ops[1].id, 0);
	assert_int_equal(hamgr_lrm_op_done(lrm, "vm:100", 0, 0), 0);
	/* Nothing runs any more: lease released, watchdog closed cleanly. */
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_int_equal(f->n_ops, 2);
	assert_int_equal(f->released, 1);
	assert_int_equal(f->wd_closed_clean, 1);
	hamgr_lrm_free(lrm);
}

static void
test_stop_request_without_lease(void **state)
{
	struct fake *f = *state;
	hamgr_lrm_t *lrm = hamgr_lrm_new(&fake_ops, f, "n1");
	struct hamgr_lrm_status *ls;

	/* After a reboot nothing runs here, but the master waits for the stop. */
	master_says(f, "vm:100", HAMGR_SVC_REQUEST_STOP, "n1", "", 12);
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_int_equal(f->acquired, 0);
	assert_int_equal(f->n_ops, 1);
	assert_int_equal(f->ops[0].op, HAMGR_OP_STOP);
	assert_int_equal(hamgr_lrm_op_done(lrm, "vm:100", 12, 0), 0);
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	ls = reported(f);
	assert_int_equal(hamgr_lrm_status_result(ls, "vm:100")->request_id, 12);
	hamgr_lrm_status_free(ls);
	hamgr_lrm_free(lrm);
}

static void
test_workers_are_bounded(void **state)
{
	struct fake *f = *state;
	hamgr_lrm_t *lrm = hamgr_lrm_new(&fake_ops, f, "n1");
	struct hamgr_manager_status *ms = hamgr_manager_status_new();
	char *json;

	f_write(f, "ha/settings.cfg", "lrm_workers 2\n", 14);
	hamgr_manager_status_node(ms, "n1", HAMGR_NODE_ONLINE);
	ms->services = calloc(5, sizeof(*ms->services));
	ms->n_services = ms->cap_services = 5;
	for (int i = 0; i < 5; i++) {
		snprintf(ms->services[i].sid, HAMGR_SID_MAX, "vm:%d", 100 + i);
		ms->services[i].state = HAMGR_SVC_STARTED;
		strcpy(ms->services[i].node, "n1");
		ms->services[i].request_id = (uint64_t)i + 1;
	}
	assert_int_equal(hamgr_manager_status_encode(ms, &json), 0);
	f_write(f, "ha/manager_status", json, strlen(json));
	free(json);
	hamgr_manager_status_free(ms);
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_int_equal(f->n_ops, 2);
	assert_int_equal(hamgr_lrm_op_done(lrm, "vm:100", 1, -EIO), 0);
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_int_equal(f->n_ops, 3);
	assert_string_equal(f->ops[2].sid, "vm:102");
	hamgr_lrm_free(lrm);
}

static void
test_no_quorum_no_new_work(void **state)
{
	struct fake *f = *state;
	hamgr_lrm_t *lrm = hamgr_lrm_new(&fake_ops, f, "n1");

	f->quorate = false;
	master_says(f, "vm:100", HAMGR_SVC_STARTED, "n1", "", 7);
	assert_int_equal(hamgr_lrm_tick(lrm), 0);
	assert_int_equal(f->n_ops, 0);
	hamgr_lrm_free(lrm);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_may_feed_only_while_lease_fresh),
		cmocka_unit_test_setup_teardown(test_disarm_releases_lease_then_watchdog, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_shutdown_failover_stops_and_lets_go, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reboot_freeze_waits_for_master, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_idle_lrm_holds_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_once_and_report, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart_does_not_repeat_reported_request,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart_asserts_started_guests_once, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lease_runs_out_feeding_stops_for_good, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_renewal_keeps_feeding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_renewal_retried_next_round, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_stopped_enforced_without_master, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_stop_request_without_lease, setup, teardown),
		cmocka_unit_test_setup_teardown(test_workers_are_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_quorum_no_new_work, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
