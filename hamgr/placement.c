/*
 * placement.c - chooses the node a service runs on: online nodes that
 * reach its storage, by node group priority (restricted or not), keep-
 * together and keep-apart rules, then the least loaded node (by service
 * count, or by configured memory and cores).  A service
 * is never placed where its storage is missing; when no node fits, the
 * caller gets the reason.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hamgr/hamgr-int.h"

/* Priority of @node in @g, -1 when not a member. */
static int
group_priority(const struct hamgr_group *g, const char *node)
{
	for (unsigned i = 0; i < g->n_nodes; i++)
		if (strcmp(g->nodes[i].name, node) == 0)
			return (int)g->nodes[i].priority;
	return -1;
}

static bool
rule_has(const struct hamgr_affinity *a, const char *sid)
{
	for (size_t i = 0; i < a->n_sids; i++)
		if (strcmp(a->sids[i], sid) == 0)
			return true;
	return false;
}

/* The node a service occupies for affinity purposes, or NULL. */
static const char *
occupied_node(const struct hamgr_svc_status *s)
{
	switch (s->state) {
	case HAMGR_SVC_STARTED:
	case HAMGR_SVC_REQUEST_STOP:
	case HAMGR_SVC_FREEZE:
		return s->node;
	case HAMGR_SVC_MIGRATE:
	case HAMGR_SVC_RELOCATE:
		return s->target;
	default:
		return NULL;
	}
}

/*
 * Affinity of @sid for node @node: +1 when a partner it is kept together
 * with occupies it, -1 per service it is kept apart from there, 0 else.
 */
static int
affinity(const struct hamgr_manager_status *ms, const struct hamgr_rules *rules, const char *sid,
	 const char *node)
{
	int score = 0;

	for (size_t i = 0; rules && i < rules->n_affinity; i++) {
		const struct hamgr_affinity *a = &rules->affinity[i];

		if (!rule_has(a, sid))
			continue;
		for (size_t k = 0; k < a->n_sids; k++) {
			const struct hamgr_svc_status *o;
			const char *on;

			if (strcmp(a->sids[k], sid) == 0)
				continue;
			o = hamgr_manager_status_service(ms, a->sids[k]);
			on = o ? occupied_node(o) : NULL;
			if (!on || strcmp(on, node) != 0)
				continue;
			score += a->kind == HAMGR_KEEP_TOGETHER ? 1 : -1;
		}
	}
	return score;
}

/* A candidate and the keys it is ranked by, most important first. */
struct cand {
	int idx;
	int prio;
	int affinity;
	struct hamgr_load load;
	bool current;
};

/* -1, 0, 1 as @a is less, as much or more loaded than @b. */
static int
cmp_load(const struct hamgr_load *a, const struct hamgr_load *b, bool by_size)
{
	if (by_size && a->memory_mb != b->memory_mb)
		return a->memory_mb < b->memory_mb ? -1 : 1;
	if (by_size && a->cores != b->cores)
		return a->cores < b->cores ? -1 : 1;
	return a->count < b->count ? -1 : a->count > b->count;
}

static bool
better(const struct cand *a, const struct cand *b, const struct hamgr_manager_status *ms,
       bool by_size)
{
	int l;

	if (a->prio != b->prio)
		return a->prio > b->prio;
	if (a->affinity != b->affinity)
		return a->affinity > b->affinity;
	l = cmp_load(&a->load, &b->load, by_size);
	if (l)
		return l < 0;
	if (a->current != b->current)
		return a->current;
	return strcmp(ms->nodes[a->idx].name, ms->nodes[b->idx].name) < 0;
}

int
hamgr_place(const struct hamgr_manager_status *ms, const struct hamgr_crm_input *in,
	    const char *sid, uint64_t exclude, const struct hamgr_load *load, const char *prefer,
	    char *ret_node, char *why, size_t why_size)
{
	const struct hamgr_resource *r = hamgr_resources_find(in->resources, sid);
	const struct hamgr_group *g = r && r->group[0] ? hamgr_rules_group(in->rules, r->group)
						       : NULL;
	struct cand best = {.idx = -1}, c;
	bool by_size = in->settings && in->settings->placement == HAMGR_LOAD_STATIC;
	unsigned online = 0, storage = 0, members = 0;

	for (unsigned i = 0; i < ms->n_nodes; i++) {
		const char *name = ms->nodes[i].name;

		if (ms->nodes[i].state != HAMGR_NODE_ONLINE || (exclude & (1ull << i)))
			continue;
		online++;
		if (g && group_priority(g, name) >= 0)
			members++;
		if (in->can_run && !in->can_run(in->can_run_ctx, sid, name))
			continue;
		storage++;
		c = (struct cand){.idx = (int)i};
		if (load)
			c.load = load[i];
		c.prio = g ? group_priority(g, name) : 0;
		if (g && g->restricted && c.prio < 0)
			continue;
		c.affinity = affinity(ms, in->rules, sid, name);
		c.current = prefer && strcmp(prefer, name) == 0;
		if (best.idx < 0 || better(&c, &best, ms, by_size))
			best = c;
	}
	if (best.idx >= 0) {
		strcpy(ret_node, ms->nodes[best.idx].name);
		return 0;
	}
	if (!online)
		snprintf(why, why_size, "%s: no online node is available", sid);
	else if (g && g->restricted && !members)
		snprintf(why, why_size, "%s: no node of restricted group '%s' is online", sid,
			 g->name);
	else if (!storage)
		snprintf(why, why_size, "%s: no available node reaches all of its storage", sid);
	else
		snprintf(why, why_size,
			 "%s: no available node of restricted group '%s' reaches its storage", sid,
			 g ? g->name : "");
	return -ENOENT;
}
