/* test-status.c - status containers: the service list follows the config, results sort. */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hamgr/hamgr.h"

static struct hamgr_resources *
resources(const char *text)
{
	struct hamgr_resources *res = NULL;
	struct hamgr_error err;

	assert_int_equal(hamgr_resources_parse("r", text, strlen(text), &res, &err), 0);
	return res;
}

static void
test_sync_keeps_adds_and_drops(void **state)
{
	struct hamgr_manager_status *ms = hamgr_manager_status_new();
	struct hamgr_resources *a = resources("vm: 100\nvm: 101\n\tstate stopped\nvm: 102\n");
	struct hamgr_resources *b = resources("vm: 103\nvm: 101\nvm: 100\n");
	struct hamgr_svc_status *s;

	assert_non_null(ms);
	assert_int_equal(ms->next_request_id, 1);
	assert_int_equal(hamgr_manager_status_sync(ms, a), 3);
	assert_int_equal(ms->n_services, 3);
	assert_int_equal(hamgr_manager_status_service(ms, "vm:100")->state,
			 HAMGR_SVC_REQUEST_START);
	assert_int_equal(hamgr_manager_status_service(ms, "vm:101")->state, HAMGR_SVC_STOPPED);
	s = hamgr_manager_status_service(ms, "vm:100");
	s->state = HAMGR_SVC_STARTED;
	strcpy(s->node, "n1");
	s->request_id = 7;

	assert_int_equal(hamgr_manager_status_sync(ms, b), 2);
	assert_int_equal(hamgr_manager_status_sync(ms, b), 0); /* nothing new */
	assert_int_equal(ms->n_services, 3);
	s = hamgr_manager_status_service(ms, "vm:100");
	assert_int_equal(s->state, HAMGR_SVC_STARTED); /* kept */
	assert_string_equal(s->node, "n1");
	assert_int_equal(s->request_id, 7);
	assert_null(hamgr_manager_status_service(ms, "vm:102")); /* dropped */
	assert_int_equal(hamgr_manager_status_service(ms, "vm:103")->state,
			 HAMGR_SVC_REQUEST_START); /* added */
	assert_string_equal(ms->services[0].sid, "vm:100");
	assert_string_equal(ms->services[2].sid, "vm:103");
	hamgr_resources_free(a);
	hamgr_resources_free(b);
	hamgr_manager_status_free(ms);
}

static void
test_nodes_are_indexed_stably(void **state)
{
	struct hamgr_manager_status *ms = hamgr_manager_status_new();
	char name[16];

	assert_int_equal(hamgr_manager_status_node(ms, "n1", HAMGR_NODE_ONLINE), 0);
	assert_int_equal(hamgr_manager_status_node(ms, "n2", HAMGR_NODE_FENCE), 1);
	assert_int_equal(hamgr_manager_status_node(ms, "n1", HAMGR_NODE_GONE), 0);
	assert_int_equal(ms->nodes[0].state, HAMGR_NODE_ONLINE); /* not overwritten */
	assert_int_equal(ms->nodes[1].state, HAMGR_NODE_FENCE);
	for (int i = 2; i < HAMGR_MAX_NODES; i++) {
		snprintf(name, sizeof(name), "x%d", i);
		assert_int_equal(hamgr_manager_status_node(ms, name, HAMGR_NODE_ONLINE), i);
	}
	assert_int_equal(hamgr_manager_status_node(ms, "one-too-many", HAMGR_NODE_ONLINE), -ENOSPC);
	hamgr_manager_status_free(ms);
}

static void
test_lrm_results_sorted_and_replaced(void **state)
{
	struct hamgr_lrm_status *ls = hamgr_lrm_status_new("n1");

	assert_non_null(ls);
	assert_int_equal(hamgr_lrm_status_set(ls, "vm:300", 3, 0), 0);
	assert_int_equal(hamgr_lrm_status_set(ls, "vm:100", 1, -EIO), 0);
	assert_int_equal(hamgr_lrm_status_set(ls, "vm:200", 2, 0), 0);
	assert_int_equal(ls->n_results, 3);
	assert_string_equal(ls->results[0].sid, "vm:100");
	assert_string_equal(ls->results[1].sid, "vm:200");
	assert_int_equal(hamgr_lrm_status_result(ls, "vm:100")->rc, -EIO);
	assert_int_equal(hamgr_lrm_status_set(ls, "vm:100", 9, 0), 0);
	assert_int_equal(ls->n_results, 3);
	assert_int_equal(hamgr_lrm_status_result(ls, "vm:100")->request_id, 9);
	assert_int_equal(hamgr_lrm_status_result(ls, "vm:100")->rc, 0);
	assert_null(hamgr_lrm_status_result(ls, "vm:400"));
	assert_null(hamgr_lrm_status_result(NULL, "vm:400"));
	hamgr_lrm_status_free(ls);
}

static void
test_names(void **state)
{
	assert_string_equal(hamgr_node_state_name(HAMGR_NODE_FENCE), "fence");
	assert_string_equal(hamgr_svc_state_name(HAMGR_SVC_REQUEST_START), "request_start");
	assert_string_equal(hamgr_svc_state_name(HAMGR_SVC_ERROR), "error");
	assert_string_equal(hamgr_lrm_mode_name(HAMGR_LRM_MAINTENANCE), "maintenance");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sync_keeps_adds_and_drops),
		cmocka_unit_test(test_nodes_are_indexed_stably),
		cmocka_unit_test(test_lrm_results_sorted_and_replaced),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
