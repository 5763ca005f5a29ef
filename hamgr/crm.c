/*
 * crm.c - the master's decision pass: (manager status, inputs) -> new
 * manager status + fence requests.  Node states follow the membership and
 * the fencing rule; each service moves through its state machine, and
 * every request the LRM must carry out gets a fresh id.  No clock, no
 * files: everything comes in through struct hamgr_crm_input.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hamgr/hamgr-int.h"

/* Memory of the local master that is deliberately not shared. */
struct hamgr_crm {
	uint64_t lost_ns[HAMGR_MAX_NODES]; /* when this master saw node i lost */
	bool fence_asked[HAMGR_MAX_NODES]; /* fence device asked since then */
};

/* One pass: the inputs, the status being changed, and scratch state. */
struct pass {
	hamgr_crm_t *crm;
	struct hamgr_manager_status *ms;
	const struct hamgr_crm_input *in;
	struct hamgr_crm_output *out;
	const struct hamgr_node_view *view[HAMGR_MAX_NODES]; /* by ms node index */
	struct hamgr_node_view removed[HAMGR_MAX_NODES];     /* views of removed nodes */
	struct hamgr_load load[HAMGR_MAX_NODES];
	/* What each node's shutdown policy asks of it now (by ms node index). */
	enum hamgr_shutdown_action action[HAMGR_MAX_NODES];
	uint64_t no_place; /* bit i: shutting down, gets no new services */
};

hamgr_crm_t *
hamgr_crm_new(void)
{
	return calloc(1, sizeof(struct hamgr_crm));
}

void
hamgr_crm_free(hamgr_crm_t *crm)
{
	free(crm);
}

static int
node_index(const struct hamgr_manager_status *ms, const char *name)
{
	for (unsigned i = 0; i < ms->n_nodes; i++)
		if (strcmp(ms->nodes[i].name, name) == 0)
			return (int)i;
	return -1;
}

static enum hamgr_node_state
node_state(const struct pass *p, const char *name)
{
	int i = node_index(p->ms, name);

	return i < 0 ? HAMGR_NODE_GONE : p->ms->nodes[i].state;
}

static enum hamgr_shutdown_action
node_action(const struct pass *p, const char *name)
{
	int i = node_index(p->ms, name);

	return i < 0 ? HAMGR_ACT_NONE : p->action[i];
}

/* Account @s (resource @r, may be NULL) on node index @i. */
static void
add_load(struct pass *p, int i, const struct hamgr_resource *r)
{
	if (i < 0)
		return;
	p->load[i].count++;
	if (r) {
		p->load[i].cores += r->cores;
		p->load[i].memory_mb += r->memory_mb;
	}
}

/* Does the service still occupy (may run on) node @name? */
static bool
occupies(const struct hamgr_svc_status *s, const char *name)
{
	switch (s->state) {
	case HAMGR_SVC_STARTED:
	case HAMGR_SVC_REQUEST_STOP:
	case HAMGR_SVC_FREEZE:
	case HAMGR_SVC_FENCE:
	case HAMGR_SVC_ERROR:
		return strcmp(s->node, name) == 0;
	case HAMGR_SVC_MIGRATE:
	case HAMGR_SVC_RELOCATE:
		return strcmp(s->node, name) == 0 || strcmp(s->target, name) == 0;
	default:
		return false;
	}
}

static void
set_state(struct pass *p, struct hamgr_svc_status *s, enum hamgr_svc_state state, bool new_request)
{
	s->state = state;
	if (new_request)
		s->request_id = p->ms->next_request_id++;
	p->out->changed = true;
}

/* Start @s on @node with a fresh request. */
static void
start_on(struct pass *p, struct hamgr_svc_status *s, const char *node)
{
	int i = node_index(p->ms, node);

	if (s->node != node)
		strcpy(s->node, node);
	s->target[0] = '\0';
	s->stop_timeout_ms = 0;
	add_load(p, i, hamgr_resources_find(p->in->resources, s->sid));
	set_state(p, s, HAMGR_SVC_STARTED, true);
}

/* ---- nodes ---- */

/*
 * Does a service that may run on node @name keep it from being forgotten?
 * Frozen ones do not: their node shut down cleanly and nothing recovers
 * them, so there is nothing to fence.
 */
static bool
node_has_services(const struct pass *p, const char *name)
{
	for (size_t i = 0; i < p->ms->n_services; i++)
		if (p->ms->services[i].state != HAMGR_SVC_FREEZE &&
		    occupies(&p->ms->services[i], name))
			return true;
	return false;
}

static void
set_node(struct pass *p, unsigned idx, enum hamgr_node_state state)
{
	if (p->ms->nodes[idx].state == state)
		return;
	p->ms->nodes[idx].state = state;
	p->out->changed = true;
}

static void
update_lost_node(struct pass *p, unsigned idx, const struct hamgr_node_view *v)
{
	struct hamgr_crm *crm = p->crm;
	const struct hamgr_settings *st = p->in->settings;

	switch (p->ms->nodes[idx].state) {
	case HAMGR_NODE_ONLINE:
	case HAMGR_NODE_MAINTENANCE:
		crm->lost_ns[idx] = p->in->now_ns;
		crm->fence_asked[idx] = false;
		set_node(p, idx, node_has_services(p, v->name) ? HAMGR_NODE_FENCE
							       : HAMGR_NODE_UNKNOWN);
		break;
	case HAMGR_NODE_UNKNOWN:
		/* Something was placed on it in the meantime: fence it, too. */
		if (node_has_services(p, v->name)) {
			if (!crm->lost_ns[idx])
				crm->lost_ns[idx] = p->in->now_ns;
			set_node(p, idx, HAMGR_NODE_FENCE);
		}
		break;
	default:
		break;
	}
	if (p->ms->nodes[idx].state != HAMGR_NODE_FENCE)
		return;
	if (v->fenced_off && p->ms->nodes[idx].unwatched) {
		p->ms->nodes[idx].unwatched = false;
		p->out->changed = true;
	}
	/* Disarmed, it let go of its watchdog: only a fence device proves it dead. */
	if (!p->ms->nodes[idx].unwatched && hamgr_fence_done(st, v, p->in->now_ns)) {
		set_node(p, idx, HAMGR_NODE_UNKNOWN);
		return;
	}
	/* A master that took over late still waits the full fence delay. */
	if (!crm->lost_ns[idx])
		crm->lost_ns[idx] = p->in->now_ns;
	if (!crm->fence_asked[idx] &&
	    p->in->now_ns >= crm->lost_ns[idx] + (uint64_t)st->fence_delay_ms * 1000000u) {
		crm->fence_asked[idx] = true;
		strcpy(p->out->fence[p->out->n_fence++], v->name);
	}
}

static void
update_nodes(struct pass *p)
{
	bool seen[HAMGR_MAX_NODES] = {false};
	int idx;

	for (unsigned i = 0; i < p->in->n_nodes; i++) {
		const struct hamgr_node_view *v = &p->in->nodes[i];
		enum hamgr_shutdown_action act =
			hamgr_shutdown_action(p->in->settings->shutdown_policy, v->mode);
		/* The migrate policy empties a node the way maintenance does. */
		enum hamgr_node_state up = v->mode == HAMGR_LRM_MAINTENANCE || act == HAMGR_ACT_MIGRATE
						   ? HAMGR_NODE_MAINTENANCE
						   : HAMGR_NODE_ONLINE;
		unsigned before = p->ms->n_nodes;

		idx = hamgr_manager_status_node(p->ms, v->name, v->online ? up : HAMGR_NODE_UNKNOWN);
		if (idx < 0)
			continue; /* more than HAMGR_MAX_NODES: not placed on */
		if (p->ms->nodes[idx].maintenance)
			up = HAMGR_NODE_MAINTENANCE;
		if (p->ms->n_nodes != before)
			p->out->changed = true;
		seen[idx] = true;
		p->view[idx] = v;
		if (v->online) {
			p->action[idx] = act;
			if (act == HAMGR_ACT_FREEZE || act == HAMGR_ACT_FAILOVER)
				p->no_place |= 1ull << idx;
			p->crm->lost_ns[idx] = 0;
			p->crm->fence_asked[idx] = false;
			set_node(p, (unsigned)idx, up);
			/* Watched again once its LRM holds its lease (or has nothing to guard). */
			if (p->ms->nodes[idx].unwatched &&
			    (v->lease_held || !node_has_services(p, v->name))) {
				p->ms->nodes[idx].unwatched = false;
				p->out->changed = true;
			}
		} else {
			update_lost_node(p, (unsigned)idx, v);
		}
	}
	/*
	 * Removed from the cluster: one that may still run services is fenced
	 * first, and as nothing is known of its lease any more, it gets the
	 * full wait from the moment this master noticed.
	 */
	for (unsigned i = 0; i < p->ms->n_nodes; i++) {
		struct hamgr_node_view *v = &p->removed[i];

		if (seen[i] || p->ms->nodes[i].state == HAMGR_NODE_GONE)
			continue;
		if (!node_has_services(p, p->ms->nodes[i].name)) {
			set_node(p, i, HAMGR_NODE_GONE);
			continue;
		}
		strcpy(v->name, p->ms->nodes[i].name);
		v->lease_held = true;
		if (!p->crm->lost_ns[i])
			p->crm->lost_ns[i] = p->in->now_ns;
		v->lease_renewed_ns = p->crm->lost_ns[i];
		p->view[i] = v;
		update_lost_node(p, i, v);
	}
}

static void
count_load(struct pass *p)
{
	memset(p->load, 0, sizeof(p->load));
	for (size_t i = 0; i < p->ms->n_services; i++) {
		const struct hamgr_svc_status *s = &p->ms->services[i];
		const char *on = s->state == HAMGR_SVC_MIGRATE || s->state == HAMGR_SVC_RELOCATE
					 ? s->target
					 : s->node;
		int idx;

		if (!occupies(s, on) || s->state == HAMGR_SVC_FENCE || s->state == HAMGR_SVC_ERROR)
			continue;
		idx = node_index(p->ms, on);
		add_load(p, idx, hamgr_resources_find(p->in->resources, s->sid));
	}
}

/* ---- services ---- */

/* The LRM result of @s's current request, or NULL while it is pending. */
static const struct hamgr_lrm_result *
result_of(const struct pass *p, const struct hamgr_svc_status *s)
{
	int idx = node_index(p->ms, s->node);
	const struct hamgr_lrm_result *r;

	if (idx < 0 || !p->view[idx] || !p->view[idx]->lrm)
		return NULL;
	r = hamgr_lrm_status_result(p->view[idx]->lrm, s->sid);
	return r && r->request_id == s->request_id ? r : NULL;
}

static int
place(struct pass *p, const struct hamgr_svc_status *s, uint64_t exclude, const char *prefer,
      char *ret)
{
	return hamgr_place(p->ms, p->in, s->sid, exclude | p->no_place, p->load, prefer, ret,
			   p->out->why, sizeof(p->out->why));
}

static uint64_t
node_bit(const struct pass *p, const char *name)
{
	int idx = node_index(p->ms, name);

	return idx < 0 ? 0 : 1ull << idx;
}

static void
give_up(struct pass *p, struct hamgr_svc_status *s)
{
	/* A fresh request, so the LRM makes sure it is stopped. */
	set_state(p, s, HAMGR_SVC_ERROR, true);
}

/* A start on s->node failed: retry there, then elsewhere, then give up. */
static void
start_failed(struct pass *p, struct hamgr_svc_status *s, const struct hamgr_resource *r)
{
	char node[HAMGR_NODE_NAME_MAX];

	if (s->restarts < r->max_restart) {
		s->restarts++;
		set_state(p, s, HAMGR_SVC_STARTED, true);
		return;
	}
	s->failed_nodes |= node_bit(p, s->node);
	if (s->relocations < r->max_relocate && place(p, s, s->failed_nodes, NULL, node) == 0) {
		/*
		 * Through relocate: the failed node stops it first.  A failed
		 * start may leave the guest running (it ran there already, or
		 * half came up); starting it elsewhere at once could run it twice.
		 */
		s->relocations++;
		s->restarts = 0;
		strcpy(s->target, node);
		add_load(p, node_index(p->ms, node), r);
		set_state(p, s, HAMGR_SVC_RELOCATE, true);
		return;
	}
	give_up(p, s);
}

static int
group_prio(const struct pass *p, const struct hamgr_group *g, const char *node)
{
	for (unsigned i = 0; g && i < g->n_nodes; i++)
		if (strcmp(g->nodes[i].name, node) == 0)
			return (int)g->nodes[i].priority;
	return -1;
}

/* A started service that runs fine: should it move (maintenance, failback, restriction)? */
static void
maybe_move(struct pass *p, struct hamgr_svc_status *s, const struct hamgr_resource *r)
{
	const struct hamgr_group *g = r->group[0] ? hamgr_rules_group(p->in->rules, r->group)
						  : NULL;
	enum hamgr_node_state ns = node_state(p, s->node);
	char best[HAMGR_NODE_NAME_MAX];
	bool move = false;

	if (ns == HAMGR_NODE_MAINTENANCE) {
		move = place(p, s, node_bit(p, s->node), NULL, best) == 0;
	} else if (g && place(p, s, 0, s->node, best) == 0 && strcmp(best, s->node) != 0) {
		int here = group_prio(p, g, s->node);

		move = (g->restricted && here < 0) ||
		       (!g->nofailback && group_prio(p, g, best) > here);
	}
	if (!move)
		return;
	strcpy(s->target, best);
	set_state(p, s, HAMGR_SVC_MIGRATE, true);
}

static void
step_started(struct pass *p, struct hamgr_svc_status *s, const struct hamgr_resource *r)
{
	const struct hamgr_lrm_result *res;

	if (r->state != HAMGR_REQ_STARTED) {
		s->stop_timeout_ms = 0;
		set_state(p, s, HAMGR_SVC_REQUEST_STOP, true);
		return;
	}
	res = result_of(p, s);
	if (!res)
		return; /* still starting */
	if (res->rc == 0)
		maybe_move(p, s, r);
	else
		start_failed(p, s, r);
}

static void
step_moving(struct pass *p, struct hamgr_svc_status *s)
{
	const struct hamgr_lrm_result *res = result_of(p, s);
	char node[HAMGR_NODE_NAME_MAX];

	if (!res)
		return;
	/*
	 * Done: it runs on the target; failed: it still runs on the source,
	 * unless the source says it does not run there (-ENOENT): then an
	 * earlier attempt of this request completed and its report was lost,
	 * and a start on the source would run it twice.
	 */
	strcpy(node, res->rc == 0 || (res->rc == -ENOENT && s->state == HAMGR_SVC_MIGRATE)
			     ? s->target
			     : s->node);
	start_on(p, s, node);
}

static void
step_recovery(struct pass *p, struct hamgr_svc_status *s, const struct hamgr_resource *r)
{
	char node[HAMGR_NODE_NAME_MAX];

	if (r->state != HAMGR_REQ_STARTED) {
		s->target[0] = '\0';
		set_state(p, s, HAMGR_SVC_STOPPED, false);
		return;
	}
	/* A migration was under way: the guest may already run on its target. */
	if (s->target[0] && node_state(p, s->target) == HAMGR_NODE_ONLINE) {
		start_on(p, s, s->target);
		return;
	}
	/*
	 * Its old node is fine too once it is back: it was fenced (or proved
	 * dead) before the service got here, so nothing runs there.
	 */
	if (place(p, s, 0, NULL, node) == 0) {
		s->restarts = 0;
		s->relocations = 0;
		s->failed_nodes = 0;
		start_on(p, s, node);
	}
}

/* A service of a lost node: back where it was, or on to recovery once fenced. */
static void
step_fence(struct pass *p, struct hamgr_svc_status *s)
{
	enum hamgr_node_state ns = node_state(p, s->node);
	enum hamgr_node_state ts = s->target[0] ? node_state(p, s->target) : HAMGR_NODE_UNKNOWN;

	if (ns == HAMGR_NODE_FENCE || ts == HAMGR_NODE_FENCE)
		return;
	if (ns == HAMGR_NODE_ONLINE || ns == HAMGR_NODE_MAINTENANCE) {
		/*
		 * Back before it was fenced: nothing was recovered, so only it
		 * may run the service.  An interrupted move keeps its request,
		 * which the LRM executes once.
		 */
		if (s->target[0])
			set_state(p, s, HAMGR_SVC_MIGRATE, false);
		else
			start_on(p, s, s->node);
		return;
	}
	set_state(p, s, HAMGR_SVC_RECOVERY, false);
}

static void
step_service(struct pass *p, struct hamgr_svc_status *s)
{
	const struct hamgr_resource *r = hamgr_resources_find(p->in->resources, s->sid);
	const struct hamgr_lrm_result *res;
	enum hamgr_node_state ns;
	char node[HAMGR_NODE_NAME_MAX];

	if (!r || r->state == HAMGR_REQ_IGNORED)
		return;
	ns = s->node[0] ? node_state(p, s->node) : HAMGR_NODE_ONLINE;
	/*
	 * Whatever it was doing, a service on a lost node goes through fence
	 * (which passes at once when the node was fenced already).  One in
	 * error stays in error (it is not to run), but is not cleared before
	 * the fence either: it may still run there.
	 */
	if (ns != HAMGR_NODE_ONLINE && ns != HAMGR_NODE_MAINTENANCE && s->state != HAMGR_SVC_FENCE &&
	    s->state != HAMGR_SVC_ERROR && s->state != HAMGR_SVC_FREEZE && occupies(s, s->node)) {
		set_state(p, s, HAMGR_SVC_FENCE, false);
		return;
	}
	/*
	 * Its node shuts down with the freeze policy: it stays assigned there
	 * (the LRM stops it only once it sees it frozen) and nobody else may
	 * start it until the node is back.
	 */
	if (s->state == HAMGR_SVC_STARTED && node_action(p, s->node) == HAMGR_ACT_FREEZE) {
		set_state(p, s, HAMGR_SVC_FREEZE, false);
		return;
	}
	switch (s->state) {
	case HAMGR_SVC_REQUEST_START:
		if (r->state != HAMGR_REQ_STARTED)
			set_state(p, s, HAMGR_SVC_STOPPED, false);
		else if (place(p, s, 0, NULL, node) == 0)
			start_on(p, s, node);
		break;
	case HAMGR_SVC_STARTED:
		step_started(p, s, r);
		break;
	case HAMGR_SVC_REQUEST_STOP:
		res = result_of(p, s);
		if (res && res->rc == 0)
			set_state(p, s, HAMGR_SVC_STOPPED, false);
		else if (res)
			give_up(p, s);
		break;
	case HAMGR_SVC_STOPPED:
		if (r->state == HAMGR_REQ_STARTED) {
			s->restarts = s->relocations = 0;
			s->failed_nodes = 0;
			set_state(p, s, HAMGR_SVC_REQUEST_START, false);
		}
		break;
	case HAMGR_SVC_MIGRATE:
	case HAMGR_SVC_RELOCATE:
		step_moving(p, s);
		break;
	case HAMGR_SVC_FENCE:
		step_fence(p, s);
		break;
	case HAMGR_SVC_RECOVERY:
		step_recovery(p, s, r);
		break;
	case HAMGR_SVC_FREEZE:
		/* Thawed when its node is back up and no longer shutting down. */
		if ((ns == HAMGR_NODE_ONLINE || ns == HAMGR_NODE_MAINTENANCE) &&
		    node_action(p, s->node) == HAMGR_ACT_NONE)
			start_on(p, s, s->node);
		break;
	case HAMGR_SVC_ERROR:
		if (r->state == HAMGR_REQ_DISABLED && ns != HAMGR_NODE_FENCE)
			set_state(p, s, HAMGR_SVC_STOPPED, false);
		break;
	}
}

/*
 * stop: the master already set the requested state to stopped in
 * ha/resources.cfg; a running service gets the stop request with the
 * command's timeout (others are stopped with the default one).
 */
static void
apply_stop(struct pass *p, struct hamgr_svc_status *s, const struct hamgr_cmd *c)
{
	if (s->state != HAMGR_SVC_STARTED)
		return;
	s->stop_timeout_ms = c->timeout_ms ? c->timeout_ms : HAMGR_STOP_HARD_MS;
	set_state(p, s, HAMGR_SVC_REQUEST_STOP, true);
}

/* migrate / relocate commands apply to a service that runs fine. */
static void
apply_command(struct pass *p, const struct hamgr_cmd *c)
{
	struct hamgr_svc_status *s = hamgr_manager_status_service(p->ms, c->sid);
	int idx = node_index(p->ms, c->node);

	if (c->kind == HAMGR_CMD_STOP) {
		if (s)
			apply_stop(p, s, c);
		return;
	}
	if (c->kind != HAMGR_CMD_MIGRATE && c->kind != HAMGR_CMD_RELOCATE)
		return;
	if (!s || s->state != HAMGR_SVC_STARTED || !result_of(p, s) || result_of(p, s)->rc ||
	    idx < 0 || p->ms->nodes[idx].state != HAMGR_NODE_ONLINE ||
	    strcmp(s->node, c->node) == 0 ||
	    (p->in->can_run && !p->in->can_run(p->in->can_run_ctx, s->sid, c->node)))
		return;
	strcpy(s->target, c->node);
	add_load(p, idx, hamgr_resources_find(p->in->resources, s->sid));
	set_state(p, s, c->kind == HAMGR_CMD_MIGRATE ? HAMGR_SVC_MIGRATE : HAMGR_SVC_RELOCATE,
		  true);
}

/*
 * node-maintenance enable / disable: recorded in the manager status, so
 * that the node stays in maintenance across masters and its own restarts
 * until disabled.  Recorded also while disarmed: an admin request is not a
 * decision, and it takes effect once armed.  A node that is not
 * configured is refused with the reason kept for the log.
 */
static void
maintenance_commands(struct pass *p, const struct hamgr_cmd *cmds, size_t n_cmds)
{
	for (size_t i = 0; i < n_cmds; i++) {
		const struct hamgr_cmd *c = &cmds[i];
		bool on = c->kind == HAMGR_CMD_MAINTENANCE_ON;
		bool known = false;
		int idx;

		if (!on && c->kind != HAMGR_CMD_MAINTENANCE_OFF)
			continue;
		for (unsigned k = 0; k < p->in->n_nodes && !known; k++)
			known = strcmp(p->in->nodes[k].name, c->node) == 0;
		idx = known ? hamgr_manager_status_node(p->ms, c->node, HAMGR_NODE_UNKNOWN) : -1;
		if (idx < 0) {
			snprintf(p->out->why, sizeof(p->out->why),
				 "ha/crm_commands: node-maintenance %s: '%s' is not a cluster node",
				 on ? "enable" : "disable", c->node);
			continue;
		}
		if (p->ms->nodes[idx].maintenance == on)
			continue;
		p->ms->nodes[idx].maintenance = on;
		p->out->changed = true;
	}
}

/*
 * disarm / arm, in the order given.  Disarming marks every node
 * unwatched: its LRM will let go of the watchdog.  Returns whether HA is
 * disarmed after them.
 */
static bool
arm_commands(struct pass *p, const struct hamgr_cmd *cmds, size_t n_cmds)
{
	for (size_t i = 0; i < n_cmds; i++) {
		bool disarm = cmds[i].kind == HAMGR_CMD_DISARM;

		if ((!disarm && cmds[i].kind != HAMGR_CMD_ARM) || p->ms->disarmed == disarm)
			continue;
		p->ms->disarmed = disarm;
		p->out->changed = true;
		for (unsigned k = 0; disarm && k < p->ms->n_nodes; k++)
			p->ms->nodes[k].unwatched = true;
	}
	return p->ms->disarmed;
}

int
hamgr_crm_step(hamgr_crm_t *crm, struct hamgr_manager_status *ms,
	       const struct hamgr_crm_input *in, const struct hamgr_cmd *cmds, size_t n_cmds,
	       struct hamgr_crm_output *out)
{
	struct pass *p;
	int r;

	memset(out, 0, sizeof(*out));
	/* Without quorum nothing is decided: the other side may hold the majority. */
	if (!in->quorate)
		return 0;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	*p = (struct pass){.crm = crm, .ms = ms, .in = in, .out = out};
	maintenance_commands(p, cmds, n_cmds);
	if (arm_commands(p, cmds, n_cmds)) {
		r = 0;
		goto out; /* disarmed: nothing is decided */
	}
	r = hamgr_manager_status_sync(ms, in->resources);
	if (r < 0)
		goto out;
	out->changed |= r > 0;
	update_nodes(p);
	count_load(p);
	for (size_t i = 0; i < n_cmds; i++)
		apply_command(p, &cmds[i]);
	/* A few rounds, so that e.g. stopped -> request_start -> started happens in one pass. */
	for (int round = 0; round < 3; round++)
		for (size_t i = 0; i < ms->n_services; i++)
			step_service(p, &ms->services[i]);
	r = 0;
out:
	free(p);
	return r;
}
