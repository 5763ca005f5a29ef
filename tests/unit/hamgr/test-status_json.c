/*
 * test-status_json.c - manager_status and lrm_status survive a JSON round
 * trip, and every malformed file is refused naming the field.
 */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hamgr/hamgr.h"

static void
test_manager_round_trip(void **state)
{
	struct hamgr_manager_status *ms = hamgr_manager_status_new(), *back = NULL;
	struct hamgr_svc_status *s;
	struct hamgr_error err;
	char *json = NULL, *again = NULL;

	strcpy(ms->master, "n1");
	ms->next_request_id = 42;
	hamgr_manager_status_node(ms, "n1", HAMGR_NODE_ONLINE);
	hamgr_manager_status_node(ms, "n2", HAMGR_NODE_FENCE);
	hamgr_manager_status_node(ms, "n3", HAMGR_NODE_MAINTENANCE);
	ms->nodes[2].maintenance = true;
	ms->services = calloc(2, sizeof(*ms->services));
	ms->n_services = ms->cap_services = 2;
	s = &ms->services[0];
	strcpy(s->sid, "ct:200");
	s->state = HAMGR_SVC_RELOCATE;
	strcpy(s->node, "n1");
	strcpy(s->target, "n3");
	s->request_id = 41;
	s->restarts = 1;
	s->relocations = 2;
	s->failed_nodes = 1u << 1 | 1u << 2;
	s = &ms->services[1];
	strcpy(s->sid, "vm:100");
	s->state = HAMGR_SVC_FENCE;
	strcpy(s->node, "n2");

	assert_int_equal(hamgr_manager_status_encode(ms, &json), 0);
	assert_non_null(strstr(json, "\"vm:100\""));
	assert_int_equal(hamgr_manager_status_decode("ha/manager_status", json, strlen(json),
						     &back, &err),
			 0);
	assert_string_equal(back->master, "n1");
	assert_int_equal(back->next_request_id, 42);
	assert_int_equal(back->n_nodes, 3);
	assert_int_equal(back->nodes[1].state, HAMGR_NODE_FENCE);
	/* The admin's maintenance request survives a change of master. */
	assert_true(back->nodes[2].maintenance);
	assert_false(back->nodes[0].maintenance);
	assert_int_equal(back->n_services, 2);
	s = hamgr_manager_status_service(back, "ct:200");
	assert_non_null(s);
	assert_int_equal(s->state, HAMGR_SVC_RELOCATE);
	assert_string_equal(s->target, "n3");
	assert_int_equal(s->request_id, 41);
	assert_int_equal(s->restarts, 1);
	assert_int_equal(s->relocations, 2);
	assert_int_equal(s->failed_nodes, 6);
	assert_int_equal(hamgr_manager_status_service(back, "vm:100")->state, HAMGR_SVC_FENCE);
	/* Encoding is deterministic: the simulator compares outputs. */
	assert_int_equal(hamgr_manager_status_encode(back, &again), 0);
	assert_string_equal(json, again);
	free(json);
	free(again);
	hamgr_manager_status_free(back);
	hamgr_manager_status_free(ms);
}

static void
test_lrm_round_trip(void **state)
{
	struct hamgr_lrm_status *ls = hamgr_lrm_status_new("n2"), *back = NULL;
	struct hamgr_error err;
	char *json = NULL;

	ls->mode = HAMGR_LRM_SHUTDOWN;
	hamgr_lrm_status_set(ls, "vm:100", 5, 0);
	hamgr_lrm_status_set(ls, "ct:101", 6, -ENOENT);
	assert_int_equal(hamgr_lrm_status_encode(ls, &json), 0);
	assert_int_equal(hamgr_lrm_status_decode("nodes/n2/lrm_status", json, strlen(json), &back,
						 &err),
			 0);
	assert_string_equal(back->node, "n2");
	assert_int_equal(back->mode, HAMGR_LRM_SHUTDOWN);
	assert_int_equal(back->n_results, 2);
	assert_int_equal(hamgr_lrm_status_result(back, "ct:101")->rc, -ENOENT);
	assert_int_equal(hamgr_lrm_status_result(back, "vm:100")->request_id, 5);
	free(json);
	hamgr_lrm_status_free(back);
	hamgr_lrm_status_free(ls);
}

#define MS_HEAD "{\"version\":1,\"master\":\"n1\",\"next_request_id\":3,"
#define NODES "\"nodes\":[{\"name\":\"n1\",\"state\":\"online\"}],"
#define SVC(body) MS_HEAD NODES "\"services\":{\"vm:100\":{" body "}}}"
#define OK_SVC "\"state\":\"started\",\"node\":\"n1\",\"target\":\"\",\"request_id\":2," \
	       "\"restarts\":0,\"relocations\":0"

static const struct {
	const char *text, *error;
} bad_manager[] = {
	{"{\n\"version\": 1,\n\"master\": \"n1\"\n\"x\"}",
	 "ha/manager_status:4: JSON: object value separator ',' expected"},
	{"{\"version\": 1", "ha/manager_status:1: JSON: unexpected end of file"},
	{"{} {}", "ha/manager_status: JSON: trailing data after the top-level object"},
	{"[1]", "ha/manager_status: JSON: top level is not an object"},
	{"{}", "ha/manager_status: version: missing"},
	{"{\"version\":\"1\"}", "ha/manager_status: version: not an integer"},
	{"{\"version\":2}", "ha/manager_status: version: 2 is not supported (this release reads "
			    "version 1)"},
	{"{\"version\":1,\"master\":\"a/b\"}", "ha/manager_status: master: 'a/b' is not a valid "
					       "name"},
	{"{\"version\":1,\"master\":\"n1\",\"next_request_id\":-1}",
	 "ha/manager_status: next_request_id: -1 is out of range 0..9223372036854775807"},
	{MS_HEAD "\"nodes\":{}}", "ha/manager_status: nodes: not an array"},
	{MS_HEAD "\"nodes\":[1]}", "ha/manager_status: nodes[0]: not an object"},
	{MS_HEAD "\"nodes\":[{\"name\":\"\",\"state\":\"online\"}]}",
	 "ha/manager_status: nodes[0].name: empty"},
	{MS_HEAD "\"nodes\":[{\"name\":\"n1\",\"state\":\"dead\"}]}",
	 "ha/manager_status: nodes[0].state: 'dead' is not a node state"},
	{MS_HEAD "\"nodes\":[{\"name\":\"n1\",\"state\":\"online\"},{\"name\":\"n1\",\"state\":"
		 "\"fence\"}]}",
	 "ha/manager_status: nodes[1].name: 'n1' is listed twice"},
	{MS_HEAD "\"nodes\":[{\"name\":\"n1\",\"state\":\"online\",\"maintenance\":1}]}",
	 "ha/manager_status: nodes[0].maintenance: not a boolean"},
	{MS_HEAD NODES "\"services\":[]}", "ha/manager_status: services: not an object"},
	{MS_HEAD NODES "\"services\":{\"vm:1\":{}}}",
	 "ha/manager_status: services: 'vm:1' is not a service id"},
	{MS_HEAD NODES "\"services\":{\"vm:100\":3}}",
	 "ha/manager_status: services.vm:100: not an object"},
	{SVC("\"state\":\"running\""),
	 "ha/manager_status: services.vm:100.state: 'running' is not a service state"},
	{SVC("\"state\":\"started\""), "ha/manager_status: services.vm:100.node: missing"},
	{SVC(OK_SVC), "ha/manager_status: services.vm:100.failed_nodes: missing"},
	{SVC(OK_SVC ",\"failed_nodes\":[\"n9\"]"),
	 "ha/manager_status: services.vm:100.failed_nodes[0]: not a node of 'nodes'"},
	{SVC("\"state\":\"started\",\"node\":\"n1\",\"target\":\"\",\"request_id\":2,"
	     "\"restarts\":5000"),
	 "ha/manager_status: services.vm:100.restarts: 5000 is out of range 0..1000"},
};

static void
test_manager_errors_name_the_field(void **state)
{
	for (size_t i = 0; i < sizeof(bad_manager) / sizeof(bad_manager[0]); i++) {
		struct hamgr_manager_status *ms = (void *)0x1;
		struct hamgr_error err = {0};

		print_message("case %zu\n", i);
		assert_int_equal(hamgr_manager_status_decode("ha/manager_status", bad_manager[i].text,
							     strlen(bad_manager[i].text), &ms,
							     &err),
				 -EINVAL);
		assert_string_equal(err.text, bad_manager[i].error);
		assert_ptr_equal(ms, (void *)0x1);
	}
}

static const struct {
	const char *text, *error;
} bad_lrm[] = {
	{"{\"version\":1,\"node\":\"n1\",\"mode\":\"sleeping\",\"results\":{}}",
	 "L: mode: 'sleeping' is not an LRM mode"},
	{"{\"version\":1,\"node\":\"\",\"mode\":\"active\",\"results\":{}}", "L: node: empty"},
	{"{\"version\":1,\"node\":\"n1\",\"mode\":\"active\"}", "L: results: missing"},
	{"{\"version\":1,\"node\":\"n1\",\"mode\":\"active\",\"results\":{\"x\":{}}}",
	 "L: results: 'x' is not a service id"},
	{"{\"version\":1,\"node\":\"n1\",\"mode\":\"active\",\"results\":{\"vm:100\":[]}}",
	 "L: results.vm:100: not an object"},
	{"{\"version\":1,\"node\":\"n1\",\"mode\":\"active\",\"results\":{\"vm:100\":"
	 "{\"request_id\":1}}}",
	 "L: results.vm:100.rc: missing"},
	{"{\"version\":1,\"node\":\"n1\",\"mode\":\"active\",\"results\":{\"vm:100\":"
	 "{\"request_id\":1,\"rc\":3}}}",
	 "L: results.vm:100.rc: 3 is not 0 or a negative errno"},
	{"{\"version\":7,\"node\":\"n1\"}", "L: version: 7 is not supported (this release reads "
					    "version 1)"},
};

static void
test_lrm_errors_name_the_field(void **state)
{
	for (size_t i = 0; i < sizeof(bad_lrm) / sizeof(bad_lrm[0]); i++) {
		struct hamgr_lrm_status *ls = (void *)0x1;
		struct hamgr_error err = {0};

		print_message("case %zu\n", i);
		assert_int_equal(hamgr_lrm_status_decode("L", bad_lrm[i].text,
							 strlen(bad_lrm[i].text), &ls, &err),
				 -EINVAL);
		assert_string_equal(err.text, bad_lrm[i].error);
		assert_ptr_equal(ls, (void *)0x1);
	}
}

static void
test_nul_byte_is_refused(void **state)
{
	static const char text[] = "{\"version\":1}\0";
	struct hamgr_lrm_status *ls = NULL;
	struct hamgr_error err;

	assert_int_equal(hamgr_lrm_status_decode("L", text, sizeof(text), &ls, &err), -EINVAL);
	assert_string_equal(err.text, "L: not a JSON text (NUL byte)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manager_round_trip),
		cmocka_unit_test(test_lrm_round_trip),
		cmocka_unit_test(test_manager_errors_name_the_field),
		cmocka_unit_test(test_lrm_errors_name_the_field),
		cmocka_unit_test(test_nul_byte_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
