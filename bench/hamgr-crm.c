/*
 * hamgr-crm.c - benchmark: one full CRM decision pass after a node failure
 * (its services go through fence to recovery and are placed on the
 * survivors), for 1,000 / 10,000 / 100,000 services on 32 nodes.  Prints a
 * table; the target is under 100 ms at 10,000 and linear growth.
 *   build/gcc/bench/hamgr-crm
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hamgr/hamgr.h"

#define NODES 32

static double
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static int
run(size_t n, double *ret_ms, size_t *ret_moved)
{
	struct hamgr_node_view views[NODES];
	struct hamgr_lrm_status *lrm[NODES];
	struct hamgr_manager_status *ms = hamgr_manager_status_new();
	struct hamgr_resources *res = NULL;
	hamgr_crm_t *crm = hamgr_crm_new();
	struct hamgr_settings s;
	struct hamgr_crm_output out;
	struct hamgr_crm_input in;
	struct hamgr_error err;
	struct timespec t0;
	char *text = malloc(n * 16 + 1);
	size_t len = 0, moved = 0;

	if (!ms || !crm || !text)
		return -1;
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "vm: %zu\n", 100 + i);
	if (hamgr_resources_parse("ha/resources.cfg", text, len, &res, &err) < 0)
		return -1;
	hamgr_settings_default(&s);
	for (int i = 0; i < NODES; i++) {
		memset(&views[i], 0, sizeof(views[i]));
		snprintf(views[i].name, sizeof(views[i].name), "node%02d", i);
		views[i].online = true;
		views[i].lease_held = true;
		lrm[i] = hamgr_lrm_status_new(views[i].name);
		views[i].lrm = lrm[i];
	}
	in = (struct hamgr_crm_input){.now_ns = 1, .quorate = true, .settings = &s,
				      .resources = res, .n_nodes = NODES, .nodes = views};
	/* Place everything, and let every LRM report its starts done. */
	if (hamgr_crm_step(crm, ms, &in, NULL, 0, &out) < 0)
		return -1;
	for (size_t i = 0; i < ms->n_services; i++) {
		const struct hamgr_svc_status *sv = &ms->services[i];

		(void)hamgr_lrm_status_set(lrm[atoi(sv->node + 4)], sv->sid, sv->request_id, 0);
	}
	(void)hamgr_crm_step(crm, ms, &in, NULL, 0, &out);
	/* node00 dies and its fence device confirms it off. */
	views[0].online = false;
	views[0].fenced_off = true;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (hamgr_crm_step(crm, ms, &in, NULL, 0, &out) < 0)
		return -1;
	*ret_ms = ms_since(&t0);
	for (size_t i = 0; i < ms->n_services; i++)
		moved += strcmp(ms->services[i].node, "node00") != 0 &&
			 ms->services[i].request_id > n;
	*ret_moved = moved;
	for (int i = 0; i < NODES; i++)
		hamgr_lrm_status_free(lrm[i]);
	hamgr_manager_status_free(ms);
	hamgr_resources_free(res);
	hamgr_crm_free(crm);
	free(text);
	return 0;
}

int
main(void)
{
	static const size_t sizes[] = {1000, 10000, 100000};
	double ms;
	size_t moved;

	printf("%10s %6s %12s %12s %14s\n", "services", "nodes", "recovered", "pass (ms)",
	       "us/service");
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (run(sizes[i], &ms, &moved) < 0) {
			fprintf(stderr, "hamgr-crm: failed at %zu services\n", sizes[i]);
			return 1;
		}
		printf("%10zu %6d %12zu %12.1f %14.2f\n", sizes[i], NODES, moved, ms,
		       ms * 1000.0 / (double)sizes[i]);
	}
	return 0;
}
