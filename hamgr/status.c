/*
 * status.c - the in-memory form of the shared status files: the master's
 * ha/manager_status (node and service states) and each LRM's lrm_status
 * (results of requests).  Lists are kept sorted by service id so that the
 * CRM looks services up in O(log n) and a pass over 100,000 services stays
 * linear.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hamgr/hamgr-int.h"

static const char *const node_names[] = {
	[HAMGR_NODE_ONLINE] = "online",   [HAMGR_NODE_MAINTENANCE] = "maintenance",
	[HAMGR_NODE_UNKNOWN] = "unknown", [HAMGR_NODE_FENCE] = "fence",
	[HAMGR_NODE_GONE] = "gone",
};

static const char *const svc_names[] = {
	[HAMGR_SVC_REQUEST_START] = "request_start",
	[HAMGR_SVC_STARTED] = "started",
	[HAMGR_SVC_REQUEST_STOP] = "request_stop",
	[HAMGR_SVC_STOPPED] = "stopped",
	[HAMGR_SVC_MIGRATE] = "migrate",
	[HAMGR_SVC_RELOCATE] = "relocate",
	[HAMGR_SVC_FENCE] = "fence",
	[HAMGR_SVC_RECOVERY] = "recovery",
	[HAMGR_SVC_FREEZE] = "freeze",
	[HAMGR_SVC_ERROR] = "error",
};

static const char *const mode_names[] = {
	[HAMGR_LRM_ACTIVE] = "active",
	[HAMGR_LRM_MAINTENANCE] = "maintenance",
	[HAMGR_LRM_SHUTDOWN] = "shutdown",
	[HAMGR_LRM_REBOOT] = "reboot",
};

const char *
hamgr_node_state_name(enum hamgr_node_state state)
{
	return node_names[state];
}

const char *
hamgr_svc_state_name(enum hamgr_svc_state state)
{
	return svc_names[state];
}

const char *
hamgr_lrm_mode_name(enum hamgr_lrm_mode mode)
{
	return mode_names[mode];
}

int
hamgr_state_from_name(const char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return (int)i;
	return -EINVAL;
}

int
hamgr_node_state_parse(const char *name)
{
	return hamgr_state_from_name(node_names, sizeof(node_names) / sizeof(*node_names), name);
}

int
hamgr_svc_state_parse(const char *name)
{
	return hamgr_state_from_name(svc_names, sizeof(svc_names) / sizeof(*svc_names), name);
}

int
hamgr_lrm_mode_parse(const char *name)
{
	return hamgr_state_from_name(mode_names, sizeof(mode_names) / sizeof(*mode_names), name);
}

struct hamgr_manager_status *
hamgr_manager_status_new(void)
{
	struct hamgr_manager_status *ms = calloc(1, sizeof(*ms));

	if (ms)
		ms->next_request_id = 1;
	return ms;
}

void
hamgr_manager_status_free(struct hamgr_manager_status *ms)
{
	if (!ms)
		return;
	free(ms->services);
	free(ms);
}

static int
cmp_svc(const void *a, const void *b)
{
	return strcmp(((const struct hamgr_svc_status *)a)->sid,
		      ((const struct hamgr_svc_status *)b)->sid);
}

struct hamgr_svc_status *
hamgr_manager_status_service(const struct hamgr_manager_status *ms, const char *sid)
{
	struct hamgr_svc_status key;

	if (strlen(sid) >= sizeof(key.sid))
		return NULL;
	strcpy(key.sid, sid);
	if (!ms->n_services)
		return NULL;
	return bsearch(&key, ms->services, ms->n_services, sizeof(*ms->services), cmp_svc);
}

void
hamgr_manager_status_sort(struct hamgr_manager_status *ms)
{
	if (ms->n_services)
		qsort(ms->services, ms->n_services, sizeof(*ms->services), cmp_svc);
}

int
hamgr_manager_status_node(struct hamgr_manager_status *ms, const char *name,
			  enum hamgr_node_state state)
{
	for (unsigned i = 0; i < ms->n_nodes; i++)
		if (strcmp(ms->nodes[i].name, name) == 0)
			return (int)i;
	if (ms->n_nodes == HAMGR_MAX_NODES)
		return -ENOSPC;
	if (strlen(name) >= HAMGR_NODE_NAME_MAX)
		return -ENAMETOOLONG;
	strcpy(ms->nodes[ms->n_nodes].name, name);
	ms->nodes[ms->n_nodes].state = state;
	return (int)ms->n_nodes++;
}

int
hamgr_manager_status_sync(struct hamgr_manager_status *ms, const struct hamgr_resources *res)
{
	struct hamgr_svc_status *out = calloc(res->n ? res->n : 1, sizeof(*out));
	size_t i = 0, j = 0, n = 0;
	int c, changes = 0;

	if (!out)
		return -ENOMEM;
	/* Both lists are sorted by sid: merge them. */
	while (j < res->n) {
		const struct hamgr_resource *r = &res->items[j];

		c = i < ms->n_services ? strcmp(ms->services[i].sid, r->sid) : 1;
		if (c < 0) {
			i++; /* no longer configured */
			changes++;
			continue;
		}
		if (c == 0) {
			out[n++] = ms->services[i++];
		} else {
			changes++;
			strcpy(out[n].sid, r->sid);
			out[n++].state = r->state == HAMGR_REQ_STARTED ? HAMGR_SVC_REQUEST_START
								       : HAMGR_SVC_STOPPED;
		}
		j++;
	}
	changes += (int)(ms->n_services - i); /* removed at the end */
	free(ms->services);
	ms->services = out;
	ms->n_services = n;
	ms->cap_services = res->n ? res->n : 1;
	return changes;
}

struct hamgr_lrm_status *
hamgr_lrm_status_new(const char *node)
{
	struct hamgr_lrm_status *ls;

	if (strlen(node) >= HAMGR_NODE_NAME_MAX) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	ls = calloc(1, sizeof(*ls));
	if (ls)
		strcpy(ls->node, node);
	return ls;
}

void
hamgr_lrm_status_free(struct hamgr_lrm_status *ls)
{
	if (!ls)
		return;
	free(ls->results);
	free(ls);
}

static int
cmp_result(const void *a, const void *b)
{
	return strcmp(((const struct hamgr_lrm_result *)a)->sid,
		      ((const struct hamgr_lrm_result *)b)->sid);
}

static struct hamgr_lrm_result *
find_result(struct hamgr_lrm_result *results, size_t n, const char *sid)
{
	struct hamgr_lrm_result key;

	if (strlen(sid) >= sizeof(key.sid))
		return NULL;
	strcpy(key.sid, sid);
	return n ? bsearch(&key, results, n, sizeof(*results), cmp_result) : NULL;
}

const struct hamgr_lrm_result *
hamgr_lrm_status_result(const struct hamgr_lrm_status *ls, const char *sid)
{
	return ls ? find_result(ls->results, ls->n_results, sid) : NULL;
}

int
hamgr_lrm_status_set(struct hamgr_lrm_status *ls, const char *sid, uint64_t request_id, int rc)
{
	struct hamgr_lrm_result *r = find_result(ls->results, ls->n_results, sid);
	size_t pos;

	if (strlen(sid) >= HAMGR_SID_MAX)
		return -ENAMETOOLONG;
	if (!r) {
		if (ls->n_results == ls->cap_results) {
			size_t cap = ls->cap_results ? ls->cap_results * 2 : 16;
			void *p = realloc(ls->results, cap * sizeof(*ls->results));

			if (!p)
				return -ENOMEM;
			ls->results = p;
			ls->cap_results = cap;
		}
		/* Keep the list sorted: results arrive one at a time. */
		for (pos = ls->n_results; pos > 0 && strcmp(ls->results[pos - 1].sid, sid) > 0;
		     pos--)
			;
		memmove(&ls->results[pos + 1], &ls->results[pos],
			(ls->n_results - pos) * sizeof(*ls->results));
		r = &ls->results[pos];
		strcpy(r->sid, sid);
		ls->n_results++;
	}
	r->request_id = request_id;
	r->rc = rc;
	return 0;
}
