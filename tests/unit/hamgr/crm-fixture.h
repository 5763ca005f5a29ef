/*
 * crm-fixture.h - a small world for testing the CRM's pure functions: three
 * nodes, their LRM statuses, resources and rules parsed from text.
 */
#ifndef CLUSTERHA_TEST_CRM_FIXTURE_H
#define CLUSTERHA_TEST_CRM_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "hamgr/hamgr.h"

#define SEC 1000000000ull
#define NNODES 3

struct fx {
	struct hamgr_settings settings;
	struct hamgr_resources *res;
	struct hamgr_rules *rules;
	struct hamgr_node_view nodes[NNODES];
	struct hamgr_lrm_status *lrm[NNODES];
	struct hamgr_crm_input in;
	struct hamgr_manager_status *ms;
	hamgr_crm_t *crm;
	struct hamgr_crm_output out;
	const char *no_storage_node; /* can_run says no here */
};

static inline bool
fx_can_run(void *ctx, const char *sid, const char *node)
{
	const struct fx *f = ctx;

	return !f->no_storage_node || strcmp(node, f->no_storage_node) != 0;
}

static inline struct fx *
fx_new(const char *resources, const char *rules)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct hamgr_error err;

	hamgr_settings_default(&f->settings);
	if (hamgr_resources_parse("r", resources, strlen(resources), &f->res, &err) < 0)
		fail_msg("%s", err.text);
	if (rules && hamgr_rules_parse("g", rules, strlen(rules), &f->rules, &err) < 0)
		fail_msg("%s", err.text);
	for (int i = 0; i < NNODES; i++) {
		snprintf(f->nodes[i].name, sizeof(f->nodes[i].name), "n%d", i + 1);
		f->nodes[i].online = true;
		f->nodes[i].lease_held = true;
		f->nodes[i].lease_renewed_ns = 10 * SEC;
		f->lrm[i] = hamgr_lrm_status_new(f->nodes[i].name);
		f->nodes[i].lrm = f->lrm[i];
	}
	f->in = (struct hamgr_crm_input){
		.now_ns = 10 * SEC,
		.quorate = true,
		.settings = &f->settings,
		.resources = f->res,
		.rules = f->rules,
		.n_nodes = NNODES,
		.nodes = f->nodes,
		.can_run = fx_can_run,
		.can_run_ctx = f,
	};
	f->ms = hamgr_manager_status_new();
	f->crm = hamgr_crm_new();
	return f;
}

static inline void
fx_free(struct fx *f)
{
	for (int i = 0; i < NNODES; i++)
		hamgr_lrm_status_free(f->lrm[i]);
	hamgr_resources_free(f->res);
	hamgr_rules_free(f->rules);
	hamgr_manager_status_free(f->ms);
	hamgr_crm_free(f->crm);
	free(f);
}

static inline void
fx_step(struct fx *f)
{
	assert_int_equal(hamgr_crm_step(f->crm, f->ms, &f->in, NULL, 0, &f->out), 0);
}

static inline struct hamgr_svc_status *
fx_svc(struct fx *f, const char *sid)
{
	struct hamgr_svc_status *s = hamgr_manager_status_service(f->ms, sid);

	assert_non_null(s);
	return s;
}

/* The LRM of the service's node reports its current request done with @rc. */
static inline void
fx_report(struct fx *f, const char *sid, int rc)
{
	struct hamgr_svc_status *s = fx_svc(f, sid);
	int n = s->node[1] - '1';

	assert_int_equal(hamgr_lrm_status_set(f->lrm[n], sid, s->request_id, rc), 0);
}

static inline enum hamgr_node_state
fx_node_state(struct fx *f, int n)
{
	for (unsigned i = 0; i < f->ms->n_nodes; i++)
		if (strcmp(f->ms->nodes[i].name, f->nodes[n].name) == 0)
			return f->ms->nodes[i].state;
	fail_msg("node %d unknown", n);
	return HAMGR_NODE_GONE;
}

#endif
