/*
 * lrm.c - the local resource manager of one node: holds the node's agent
 * lease while it has services, feeds the watchdog only while that lease is
 * fresh, carries out each request of the master exactly once, reports the
 * results, and keeps stopped what the configuration says is stopped even
 * when there is no master.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hamgr/hamgr-int.h"

/* What this LRM knows of one service. */
struct local {
	char sid[HAMGR_SID_MAX];
	bool running;       /* a guest of it runs here, as far as this LRM did it */
	bool busy;          /* an operation is in flight */
	uint64_t busy_id;   /* its request id (0: a local stop) */
	enum hamgr_guest_op busy_op;
	uint64_t done_id;   /* last request id executed (started) */
	bool asserted;      /* this LRM instance started it or saw it running */
};

struct hamgr_lrm {
	const struct hamgr_env_ops *ops;
	void *ctx;
	char node[HAMGR_NODE_NAME_MAX];
	char lease[HAMGR_NODE_NAME_MAX + 16]; /* "ha_agent_<node>" */
	struct hamgr_settings settings;
	struct hamgr_lrm_status *status;
	bool dirty;           /* status must be written */
	bool held;            /* holds the agent lease */
	bool lost;            /* the lease ran out: never feed again */
	bool wd_open;
	enum hamgr_shutdown_action action; /* of the current mode and policy */
	bool disarmed;        /* the master's status says HA is disarmed */
	uint64_t renewed_ns;  /* last renewal delivered */
	uint64_t tried_ns;    /* last renewal attempt */
	bool renew_failed;    /* the last renewal attempt was not delivered */
	unsigned busy;        /* operations in flight */
	size_t n_local, cap_local;
	struct local *local;  /* sorted by sid */
	/* The last files read and what they parsed to, reused while unchanged. */
	char *ms_text, *res_text;
	struct hamgr_manager_status *ms;
	struct hamgr_resources *res;
};

bool
hamgr_lrm_may_feed(const struct hamgr_settings *s, uint64_t renewed_ns, uint64_t now_ns)
{
	return renewed_ns && now_ns < renewed_ns + (uint64_t)s->lease_ms * 1000000u;
}

static int
cmp_local(const void *a, const void *b)
{
	return strcmp(((const struct local *)a)->sid, ((const struct local *)b)->sid);
}

/* The record of @sid, created when @create; NULL when absent or out of memory. */
static struct local *
local_get(hamgr_lrm_t *lrm, const char *sid, bool create)
{
	struct local key, *l;
	size_t pos;

	if (strlen(sid) >= sizeof(key.sid))
		return NULL;
	strcpy(key.sid, sid);
	l = lrm->n_local ? bsearch(&key, lrm->local, lrm->n_local, sizeof(*l), cmp_local) : NULL;
	if (l || !create)
		return l;
	if (lrm->n_local == lrm->cap_local) {
		size_t cap = lrm->cap_local ? lrm->cap_local * 2 : 16;
		void *p = realloc(lrm->local, cap * sizeof(*lrm->local));

		if (!p)
			return NULL;
		lrm->local = p;
		lrm->cap_local = cap;
	}
	for (pos = lrm->n_local; pos > 0 && strcmp(lrm->local[pos - 1].sid, sid) > 0; pos--)
		;
	memmove(&lrm->local[pos + 1], &lrm->local[pos], (lrm->n_local - pos) * sizeof(*l));
	lrm->n_local++;
	l = &lrm->local[pos];
	memset(l, 0, sizeof(*l));
	strcpy(l->sid, sid);
	return l;
}

/* Read a shared file through the environment; NULL when missing or unreadable. */
static char *
read_file(hamgr_lrm_t *lrm, const char *path, size_t *ret_len)
{
	char *data = NULL;

	if (lrm->ops->read_file(lrm->ctx, path, &data, ret_len) < 0)
		return NULL;
	return data;
}

hamgr_lrm_t *
hamgr_lrm_new(const struct hamgr_env_ops *ops, void *ctx, const char *node)
{
	struct hamgr_lrm_status *old = NULL;
	struct hamgr_error err;
	char path[HAMGR_NODE_NAME_MAX + 32], *text;
	hamgr_lrm_t *lrm;
	size_t len;

	if (hamgr_env_check(ops, NULL) < 0 || !hamgr_name_valid(node)) {
		errno = EINVAL;
		return NULL;
	}
	lrm = calloc(1, sizeof(*lrm));
	if (!lrm)
		return NULL;
	lrm->ops = ops;
	lrm->ctx = ctx;
	strcpy(lrm->node, node);
	snprintf(lrm->lease, sizeof(lrm->lease), "ha_agent_%s", node);
	hamgr_settings_default(&lrm->settings);
	lrm->status = hamgr_lrm_status_new(node);
	if (!lrm->status) {
		free(lrm);
		return NULL;
	}
	/* Requests reported before a restart are not executed again. */
	snprintf(path, sizeof(path), "nodes/%s/lrm_status", node);
	text = read_file(lrm, path, &len);
	if (text && hamgr_lrm_status_decode(path, text, len, &old, &err) == 0) {
		for (size_t i = 0; i < old->n_results; i++) {
			struct local *l = local_get(lrm, old->results[i].sid, true);

			if (l)
				l->done_id = old->results[i].request_id;
			(void)hamgr_lrm_status_set(lrm->status, old->results[i].sid,
						   old->results[i].request_id, old->results[i].rc);
		}
		hamgr_lrm_status_free(old);
	}
	free(text);
	/* Announce the mode at once: the last status may still say shutdown or reboot. */
	lrm->dirty = true;
	return lrm;
}

void
hamgr_lrm_free(hamgr_lrm_t *lrm)
{
	if (!lrm)
		return;
	hamgr_lrm_status_free(lrm->status);
	hamgr_manager_status_free(lrm->ms);
	hamgr_resources_free(lrm->res);
	free(lrm->ms_text);
	free(lrm->res_text);
	free(lrm->local);
	free(lrm);
}

void
hamgr_lrm_set_mode(hamgr_lrm_t *lrm, enum hamgr_lrm_mode mode)
{
	if (lrm->status->mode != mode)
		lrm->dirty = true;
	lrm->status->mode = mode;
}

bool
hamgr_lrm_lease_lost(const hamgr_lrm_t *lrm)
{
	return lrm->lost;
}

/* Settings from ha/settings.cfg; a bad file keeps the last good ones. */
static void
load_settings(hamgr_lrm_t *lrm)
{
	struct hamgr_error err;
	size_t len;
	char *text = read_file(lrm, "ha/settings.cfg", &len);

	if (text)
		(void)hamgr_settings_parse("ha/settings.cfg", text, len, &lrm->settings, &err);
	free(text);
}

static bool
runs_something(const hamgr_lrm_t *lrm)
{
	for (size_t i = 0; i < lrm->n_local; i++)
		if (lrm->local[i].running || lrm->local[i].busy)
			return true;
	return false;
}

/* Does the master's status give this node anything to run or do? */
static bool
has_duties(const hamgr_lrm_t *lrm, const struct hamgr_manager_status *ms)
{
	/* Disarmed: let go of lease and watchdog although guests run on. */
	if (lrm->disarmed)
		return false;
	/* Shutting down without migrating: only what still runs here counts. */
	if (lrm->action == HAMGR_ACT_FREEZE || lrm->action == HAMGR_ACT_FAILOVER)
		return runs_something(lrm);
	for (size_t i = 0; ms && i < ms->n_services; i++) {
		const struct hamgr_svc_status *s = &ms->services[i];

		if (strcmp(s->node, lrm->node) == 0 &&
		    (s->state == HAMGR_SVC_STARTED || s->state == HAMGR_SVC_MIGRATE ||
		     s->state == HAMGR_SVC_RELOCATE || s->state == HAMGR_SVC_FREEZE))
			return true;
		/*
		 * A guest migrating here must find the watchdog armed when it
		 * arrives; one whose migration here was cut off by the loss of
		 * its source (fence, recovery) may already run here.
		 */
		if (strcmp(s->target, lrm->node) == 0 &&
		    (s->state == HAMGR_SVC_MIGRATE || s->state == HAMGR_SVC_FENCE ||
		     s->state == HAMGR_SVC_RECOVERY))
			return true;
	}
	return runs_something(lrm);
}

/*
 * The lease and the watchdog.  Returns true while this LRM may act (holds
 * a fresh lease).
 */
static bool
keep_lease(hamgr_lrm_t *lrm, bool wanted, uint64_t now)
{
	const struct hamgr_env_ops *o = lrm->ops;

	if (lrm->lost)
		return false;
	if (!lrm->held && wanted) {
		if (o->lease_acquire(lrm->ctx, lrm->lease) < 0)
			return false;
		if (!lrm->wd_open && o->watchdog_open(lrm->ctx, lrm->settings.watchdog_timeout_ms) < 0) {
			(void)o->lease_release(lrm->ctx, lrm->lease);
			return false;
		}
		lrm->wd_open = true;
		lrm->held = true;
		lrm->renew_failed = false;
		lrm->renewed_ns = lrm->tried_ns = now;
	} else if (lrm->held && !wanted && o->lease_release(lrm->ctx, lrm->lease) == 0) {
		/*
		 * Nothing to guard (or HA disarmed): the lease is given back, so
		 * survivors no longer count on the watchdog, which may now be
		 * disarmed cleanly.  A release that was not delivered (no
		 * quorum) leaves both as they were: the lease still binds.
		 */
		(void)o->watchdog_close(lrm->ctx, true);
		lrm->held = lrm->wd_open = false;
		return false;
	} else if (lrm->held &&
		   (lrm->renew_failed ||
		    now >= lrm->tried_ns + (uint64_t)lrm->settings.lease_renew_ms * 1000000u)) {
		/*
		 * A renewal that failed (ring blocked by a membership change) is
		 * retried at the next round, which the end of the change
		 * triggers, not a renewal interval later: a second change may
		 * follow at once (a node that comes back and is fenced again),
		 * and the lease must be fresh when it starts.
		 */
		lrm->tried_ns = now;
		lrm->renew_failed = o->lease_renew(lrm->ctx, lrm->lease) < 0;
		if (!lrm->renew_failed)
			lrm->renewed_ns = o->now_ns(lrm->ctx);
	}
	if (!lrm->held)
		return false;
	if (!hamgr_lrm_may_feed(&lrm->settings, lrm->renewed_ns, o->now_ns(lrm->ctx))) {
		/* Cut off: the watchdog will reset this node; never feed again. */
		lrm->lost = true;
		return false;
	}
	(void)o->watchdog_feed(lrm->ctx);
	return true;
}

static void
run_op(hamgr_lrm_t *lrm, struct local *l, enum hamgr_guest_op op, const char *target,
       uint32_t timeout_ms, uint64_t id)
{
	int r;

	l->busy = true;
	l->busy_id = id;
	l->busy_op = op;
	l->asserted = true;
	if (id)
		l->done_id = id;
	lrm->busy++;
	r = lrm->ops->guest_op(lrm->ctx, l->sid, op, target, timeout_ms, id);
	if (r < 0)
		(void)hamgr_lrm_op_done(lrm, l->sid, id, r);
}

/* Does @node's LRM hold its agent lease, so a guest migrated there is watched? */
static bool
target_armed(hamgr_lrm_t *lrm, const char *node)
{
	struct hamgr_lease_info info;
	char name[HAMGR_NODE_NAME_MAX + 16];

	snprintf(name, sizeof(name), "ha_agent_%s", node);
	return lrm->ops->lease_info(lrm->ctx, name, &info) == 0 && strcmp(info.holder, node) == 0;
}

/*
 * Carry out the requests of the master for this node, each id once.
 * Stopping is always safe; starting and migrating need @may_start (a
 * fresh lease).
 */
static void
run_requests(hamgr_lrm_t *lrm, const struct hamgr_manager_status *ms, bool may_start)
{
	for (size_t i = 0; ms && i < ms->n_services && lrm->busy < lrm->settings.lrm_workers; i++) {
		const struct hamgr_svc_status *s = &ms->services[i];
		enum hamgr_guest_op op;
		struct local *l;

		if (strcmp(s->node, lrm->node) != 0 || !s->request_id)
			continue;
		switch (s->state) {
		case HAMGR_SVC_STARTED:
			op = HAMGR_OP_START;
			break;
		case HAMGR_SVC_REQUEST_STOP:
		case HAMGR_SVC_RELOCATE:
		case HAMGR_SVC_ERROR:
			op = HAMGR_OP_STOP;
			break;
		case HAMGR_SVC_MIGRATE:
			op = HAMGR_OP_MIGRATE;
			break;
		default:
			continue;
		}
		if (op != HAMGR_OP_STOP && !may_start)
			continue;
		/* Shutting down without migrating: nothing new starts here. */
		if (op == HAMGR_OP_START &&
		    (lrm->action == HAMGR_ACT_FREEZE || lrm->action == HAMGR_ACT_FAILOVER))
			continue;
		if (op == HAMGR_OP_MIGRATE && !target_armed(lrm, s->target))
			continue; /* retried next round */
		l = local_get(lrm, s->sid, true);
		if (!l || l->busy)
			continue;
		/*
		 * Each request runs once, with one exception: a start is
		 * idempotent, and after this LRM (re)started nothing may run
		 * here, so it asserts every start it is responsible for once.
		 */
		if (l->done_id >= s->request_id &&
		    !(op == HAMGR_OP_START && !l->asserted && l->done_id == s->request_id))
			continue;
		run_op(lrm, l, op, op == HAMGR_OP_MIGRATE ? s->target : NULL,
		       s->state == HAMGR_SVC_REQUEST_STOP ? s->stop_timeout_ms : 0, s->request_id);
	}
}

/* Stopped is enforced locally: no master is needed to keep a guest down. */
static void
enforce_stopped(hamgr_lrm_t *lrm, const struct hamgr_resources *res)
{
	for (size_t i = 0; res && i < lrm->n_local && lrm->busy < lrm->settings.lrm_workers; i++) {
		struct local *l = &lrm->local[i];
		const struct hamgr_resource *r;

		if (!l->running || l->busy)
			continue;
		r = hamgr_resources_find(res, l->sid);
		if (r && (r->state == HAMGR_REQ_STOPPED || r->state == HAMGR_REQ_DISABLED))
			run_op(lrm, l, HAMGR_OP_STOP, NULL, 0, 0);
	}
}

/*
 * Shutting down: failover stops every guest here at once; freeze stops
 * one once the master froze it (or no master assigns it here, or HA is
 * disarmed and the master decides nothing), so that a
 * guest the master still counts as started is never left stopped on a
 * node that then disappears.  Local stops report nothing.
 */
static void
shutdown_stops(hamgr_lrm_t *lrm, const struct hamgr_manager_status *ms)
{
	if (lrm->action != HAMGR_ACT_FREEZE && lrm->action != HAMGR_ACT_FAILOVER)
		return;
	for (size_t i = 0; i < lrm->n_local && lrm->busy < lrm->settings.lrm_workers; i++) {
		struct local *l = &lrm->local[i];
		const struct hamgr_svc_status *s = ms ? hamgr_manager_status_service(ms, l->sid)
						      : NULL;

		if (!l->running || l->busy)
			continue;
		if (lrm->action == HAMGR_ACT_FREEZE && !lrm->disarmed && s &&
		    s->state == HAMGR_SVC_STARTED &&
		    strcmp(s->node, lrm->node) == 0)
			continue;
		run_op(lrm, l, HAMGR_OP_STOP, NULL, 0, 0);
	}
}

/* Does the master still count on this node for something it must wait for? */
static bool
master_waits(const hamgr_lrm_t *lrm, const struct hamgr_manager_status *ms)
{
	/* A disarmed master decides nothing: there is nothing to wait for. */
	if (lrm->disarmed)
		return false;
	for (size_t i = 0; ms && i < ms->n_services; i++) {
		const struct hamgr_svc_status *s = &ms->services[i];
		bool here = strcmp(s->node, lrm->node) == 0;

		/* freeze: until each started service here is frozen */
		if (lrm->action == HAMGR_ACT_FREEZE && here && s->state == HAMGR_SVC_STARTED)
			return true;
		/* migrate: until every service has moved away */
		if (lrm->action == HAMGR_ACT_MIGRATE &&
		    ((here && (s->state == HAMGR_SVC_STARTED || s->state == HAMGR_SVC_MIGRATE ||
			       s->state == HAMGR_SVC_RELOCATE)) ||
		     (strcmp(s->target, lrm->node) == 0 && s->state == HAMGR_SVC_MIGRATE)))
			return true;
	}
	return false;
}

bool
hamgr_lrm_shutdown_done(const hamgr_lrm_t *lrm)
{
	if (lrm->action == HAMGR_ACT_NONE)
		return false;
	return !lrm->held && !runs_something(lrm) && !master_waits(lrm, lrm->ms);
}

static int
write_status(hamgr_lrm_t *lrm)
{
	char path[HAMGR_NODE_NAME_MAX + 32], *json = NULL;
	int r;

	snprintf(path, sizeof(path), "nodes/%s/lrm_status", lrm->node);
	r = hamgr_lrm_status_encode(lrm->status, &json);
	if (r == 0)
		r = lrm->ops->write_file(lrm->ctx, path, json, strlen(json));
	free(json);
	if (r == 0)
		lrm->dirty = false;
	return r;
}

int
hamgr_lrm_tick(hamgr_lrm_t *lrm)
{
	const struct hamgr_manager_status *ms;
	const struct hamgr_resources *res;
	struct hamgr_membership mb;
	struct hamgr_error err;
	char *text;
	size_t len;
	bool fresh;
	int r = 0;

	load_settings(lrm);
	/* Decoding 1,000s of services every round is wasted when nothing changed. */
	text = read_file(lrm, "ha/manager_status", &len);
	if (!hamgr_text_same(&lrm->ms_text, text)) {
		hamgr_manager_status_free(lrm->ms);
		if (!text || hamgr_manager_status_decode("ha/manager_status", text, len, &lrm->ms,
							 &err) < 0)
			lrm->ms = NULL;
	}
	text = read_file(lrm, "ha/resources.cfg", &len);
	if (!hamgr_text_same(&lrm->res_text, text)) {
		hamgr_resources_free(lrm->res);
		if (!text || hamgr_resources_parse("ha/resources.cfg", text, len, &lrm->res, &err) < 0)
			lrm->res = NULL;
	}
	ms = lrm->ms;
	res = lrm->res;
	if (lrm->ops->membership(lrm->ctx, &mb) < 0)
		mb.quorate = false;

	lrm->action = hamgr_shutdown_action(lrm->settings.shutdown_policy, lrm->status->mode);
	lrm->disarmed = ms && ms->disarmed;
	fresh = keep_lease(lrm, has_duties(lrm, ms), lrm->ops->now_ns(lrm->ctx));
	if (lrm->disarmed) {
		/*
		 * HA disarmed: act on nothing until armed again, except that a
		 * node shutting down stops its own guests (a frozen state
		 * cannot be recorded now; the guests stay assigned here).
		 */
		shutdown_stops(lrm, ms);
		return 0;
	}
	/* Work only in a quorate partition; starts only with a fresh lease. */
	if (mb.quorate)
		run_requests(lrm, ms, fresh);
	enforce_stopped(lrm, res);
	shutdown_stops(lrm, ms);
	if (lrm->dirty && mb.quorate)
		r = write_status(lrm);
	return r;
}

int
hamgr_lrm_op_done(hamgr_lrm_t *lrm, const char *sid, uint64_t request_id, int rc)
{
	struct local *l = local_get(lrm, sid, false);

	if (!l || !l->busy || l->busy_id != request_id)
		return -ENOENT;
	l->busy = false;
	lrm->busy--;
	if (rc == 0)
		l->running = l->busy_op == HAMGR_OP_START;
	else if (l->busy_op == HAMGR_OP_STOP)
		l->running = true; /* a failed stop leaves it running */
	/* A failed start or migration leaves things as they were. */
	if (!request_id)
		return 0; /* a local stop: nothing to report */
	lrm->dirty = true;
	return hamgr_lrm_status_set(lrm->status, sid, request_id, rc);
}
