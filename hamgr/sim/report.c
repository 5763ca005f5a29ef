/*
 * report.c - what the simulator prints about the HA manager's decisions:
 * every node and service state change the master writes, the final state,
 * and the check of a scenario's expected outcome.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "hamgr/sim/world-int.h"

static struct hamgr_manager_status *
decode(const char *text)
{
	struct hamgr_manager_status *ms = NULL;
	struct hamgr_error err;

	if (!text || hamgr_manager_status_decode("ha/manager_status", text, strlen(text), &ms,
						 &err) < 0)
		return NULL;
	return ms;
}

static void
diff_nodes(sim_world_t *w, const struct hamgr_manager_status *a,
	   const struct hamgr_manager_status *b)
{
	for (unsigned i = 0; i < b->n_nodes; i++) {
		const char *before = "new";

		for (unsigned k = 0; a && k < a->n_nodes; k++)
			if (strcmp(a->nodes[k].name, b->nodes[i].name) == 0)
				before = hamgr_node_state_name(a->nodes[k].state);
		if (strcmp(before, hamgr_node_state_name(b->nodes[i].state)) != 0)
			sim_log(w, "crm: node %s %s -> %s", b->nodes[i].name, before,
				hamgr_node_state_name(b->nodes[i].state));
	}
}

static void
diff_services(sim_world_t *w, const struct hamgr_manager_status *a,
	      const struct hamgr_manager_status *b)
{
	for (size_t i = 0; i < b->n_services; i++) {
		const struct hamgr_svc_status *s = &b->services[i];
		const struct hamgr_svc_status *o = a ? hamgr_manager_status_service(a, s->sid) : NULL;

		if (o && o->state == s->state && strcmp(o->node, s->node) == 0 &&
		    strcmp(o->target, s->target) == 0 && o->request_id == s->request_id)
			continue;
		sim_log(w, "crm: %s %s -> %s%s%s%s%s", s->sid,
			o ? hamgr_svc_state_name(o->state) : "new", hamgr_svc_state_name(s->state),
			s->node[0] ? " on " : "", s->node, s->target[0] ? " to " : "", s->target);
	}
}

void
sim_report_status(sim_world_t *w)
{
	const char *now = sim_world_get_file(w, "ha/manager_status");
	struct hamgr_manager_status *a, *b;

	if (!now || (w->last_status && strcmp(now, w->last_status) == 0))
		return;
	a = decode(w->last_status);
	b = decode(now);
	if (b) {
		diff_nodes(w, a, b);
		diff_services(w, a, b);
		w->disarmed = b->disarmed;
	}
	hamgr_manager_status_free(a);
	hamgr_manager_status_free(b);
	free(w->last_status);
	w->last_status = strdup(now);
	if (!w->last_status)
		abort();
}

/* The nodes a guest runs on, comma-separated, "-" for none. */
static void
running_on(sim_world_t *w, const char *sid, char *buf, size_t size)
{
	struct sim_guest *g = sim_world_guest(w, sid);

	buf[0] = '\0';
	for (unsigned i = 0; i < w->sc->n_nodes; i++)
		if (g->running & (1ull << i))
			snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", buf[0] ? "," : "",
				 w->sc->nodes[i]);
	if (!buf[0])
		snprintf(buf, size, "-");
}

/* Every service in its requested state (or error), every node up and online. */
static unsigned
check_settled(sim_world_t *w, const struct hamgr_manager_status *ms, const struct sim_expect *e)
{
	const char *text = sim_world_get_file(w, "ha/resources.cfg");
	struct hamgr_resources *res = NULL;
	struct hamgr_error err;
	unsigned bad = 0;

	if (!ms || !text || hamgr_resources_parse("r", text, strlen(text), &res, &err) < 0) {
		fprintf(w->log, "EXPECTED (line %u): settled, but no status\n", e->line);
		return 1;
	}
	for (size_t i = 0; i < res->n && !bad; i++) {
		const struct hamgr_resource *r = &res->items[i];
		const struct hamgr_svc_status *s = hamgr_manager_status_service(ms, r->sid);
		enum hamgr_svc_state want = r->state == HAMGR_REQ_STARTED ? HAMGR_SVC_STARTED
									  : HAMGR_SVC_STOPPED;

		if (r->state == HAMGR_REQ_IGNORED ||
		    (s && (s->state == want || (s->state == HAMGR_SVC_ERROR &&
						r->state != HAMGR_REQ_DISABLED))))
			continue;
		fprintf(w->log, "EXPECTED (line %u): settled, but %s is %s (requested %s)\n",
			e->line, r->sid, s ? hamgr_svc_state_name(s->state) : "missing",
			hamgr_req_state_name(r->state));
		bad = 1;
	}
	for (unsigned i = 0; i < ms->n_nodes && !bad; i++)
		if (ms->nodes[i].state != HAMGR_NODE_ONLINE) {
			fprintf(w->log, "EXPECTED (line %u): settled, but node %s is %s\n", e->line,
				ms->nodes[i].name, hamgr_node_state_name(ms->nodes[i].state));
			bad = 1;
		}
	hamgr_resources_free(res);
	return bad;
}

static unsigned
check(sim_world_t *w, const struct hamgr_manager_status *ms, const struct sim_expect *e)
{
	const struct hamgr_svc_status *s;
	int i;

	switch (e->kind) {
	case SIM_EXPECT_STATE:
		s = ms ? hamgr_manager_status_service(ms, e->sid) : NULL;
		if (s && strcmp(hamgr_svc_state_name(s->state), e->state) == 0 &&
		    (!e->node[0] || strcmp(s->node, e->node) == 0))
			return 0;
		fprintf(w->log, "EXPECTED (line %u): %s %s %s, got %s %s\n", e->line, e->sid,
			e->state, e->node, s ? hamgr_svc_state_name(s->state) : "nothing",
			s ? s->node : "");
		return 1;
	case SIM_EXPECT_FENCED:
		i = sim_node_index(w->sc, e->node);
		if ((w->nodes[i].fenced > 0) == (e->count > 0))
			return 0;
		fprintf(w->log, "EXPECTED (line %u): %s %sfenced, it was %sfenced\n", e->line,
			e->node, e->count ? "" : "not ", w->nodes[i].fenced ? "" : "not ");
		return 1;
	case SIM_EXPECT_ALL_RUNNING:
		for (size_t k = 0; ms && k < ms->n_services; k++) {
			const struct sim_guest *g;

			s = &ms->services[k];
			if (s->state != HAMGR_SVC_STARTED)
				continue;
			g = sim_world_guest(w, s->sid);
			i = sim_node_index(w->sc, s->node);
			if (i < 0 || g->running != 1ull << i) {
				fprintf(w->log, "EXPECTED (line %u): %s started on %s runs there "
						"(and only there)\n",
					e->line, s->sid, s->node);
				return 1;
			}
		}
		return 0;
	case SIM_EXPECT_SETTLED:
		return check_settled(w, ms, e);
	case SIM_EXPECT_ORDER:
		if (!e->text[w->order_pos[e - w->sc->expect]])
			return 0;
		fprintf(w->log, "EXPECTED (line %u): log lines in order '%s', missing from '%s'\n",
			e->line, e->text, e->text + w->order_pos[e - w->sc->expect]);
		return 1;
	case SIM_EXPECT_NO_LOG:
		if (!w->log_hits[e - w->sc->expect])
			return 0;
		fprintf(w->log, "EXPECTED (line %u): no log line with '%s', saw %u\n", e->line,
			e->text, w->log_hits[e - w->sc->expect]);
		return 1;
	case SIM_EXPECT_RECOVERY:
		if (w->recoveries && w->max_recovery_ns <= (uint64_t)e->count * SIM_MS)
			return 0;
		fprintf(w->log, "EXPECTED (line %u): every recovery within %u ms, %u recoveries, "
				"slowest %llu ms\n",
			e->line, e->count, w->recoveries,
			(unsigned long long)(w->max_recovery_ns / SIM_MS));
		return 1;
	}
	return 1;
}

unsigned
sim_world_finish(sim_world_t *w)
{
	struct hamgr_manager_status *ms = decode(sim_world_get_file(w, "ha/manager_status"));
	unsigned failed = 0;
	char where[HAMGR_MAX_NODES * HAMGR_NODE_NAME_MAX];

	fprintf(w->log, "final:\n");
	for (size_t i = 0; ms && i < ms->n_services; i++) {
		const struct hamgr_svc_status *s = &ms->services[i];

		running_on(w, s->sid, where, sizeof(where));
		fprintf(w->log, "  %s %s %s (running on %s)\n", s->sid,
			hamgr_svc_state_name(s->state), s->node[0] ? s->node : "-", where);
	}
	for (unsigned i = 0; i < w->sc->n_nodes; i++)
		fprintf(w->log, "  node %s %s, fenced %u times\n", w->sc->nodes[i],
			w->nodes[i].powered ? "up" : "down", w->nodes[i].fenced);
	for (size_t i = 0; i < w->sc->n_expect; i++)
		failed += check(w, ms, &w->sc->expect[i]);
	hamgr_manager_status_free(ms);
	return failed;
}
