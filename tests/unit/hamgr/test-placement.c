/* test-placement.c - where a service goes: priorities, restriction, storage, affinity, load. */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "tests/unit/hamgr/crm-fixture.h"

static int
place(struct fx *f, const char *sid, uint64_t exclude, const unsigned *count, const char *prefer,
      char *node, char *why)
{
	struct hamgr_load load[NNODES] = {{0}};

	for (int i = 0; count && i < NNODES; i++)
		load[i].count = count[i];
	return hamgr_place(f->ms, &f->in, sid, exclude, count ? load : NULL, prefer, node, why,
			   256);
}

/* Register the nodes in the status, all online. */
static void
nodes_online(struct fx *f)
{
	for (int i = 0; i < NNODES; i++)
		hamgr_manager_status_node(f->ms, f->nodes[i].name, HAMGR_NODE_ONLINE);
}

static void
test_least_loaded_then_name(void **state)
{
	struct fx *f = fx_new("vm: 100\n", NULL);
	unsigned load[NNODES] = {2, 1, 1};
	char node[64], why[256];

	nodes_online(f);
	assert_int_equal(place(f, "vm:100", 0, load, NULL, node, why), 0);
	assert_string_equal(node, "n2"); /* n2 and n3 tie: by name */
	/* The current node wins a tie, so nothing moves needlessly. */
	assert_int_equal(place(f, "vm:100", 0, load, "n3", node, why), 0);
	assert_string_equal(node, "n3");
	/* Excluded nodes are skipped. */
	assert_int_equal(place(f, "vm:100", 1u << 1 | 1u << 2, load, NULL, node, why), 0);
	assert_string_equal(node, "n1");
	fx_free(f);
}

static void
test_group_priority_beats_load(void **state)
{
	struct fx *f = fx_new("vm: 100\n\tgroup g\n", "group: g\n\tnodes n3:2,n2:1\n");
	unsigned load[NNODES] = {0, 0, 5};
	char node[64], why[256];

	nodes_online(f);
	assert_int_equal(place(f, "vm:100", 0, load, NULL, node, why), 0);
	assert_string_equal(node, "n3");
	f->ms->nodes[2].state = HAMGR_NODE_FENCE;
	assert_int_equal(place(f, "vm:100", 0, load, NULL, node, why), 0);
	assert_string_equal(node, "n2");
	/* Not restricted: when no member is up, any node will do. */
	f->ms->nodes[1].state = HAMGR_NODE_UNKNOWN;
	assert_int_equal(place(f, "vm:100", 0, load, NULL, node, why), 0);
	assert_string_equal(node, "n1");
	fx_free(f);
}

static void
test_restricted_group_without_member(void **state)
{
	struct fx *f = fx_new("vm: 100\n\tgroup g\n", "group: g\n\tnodes n3\n\trestricted 1\n");
	char node[64] = "", why[256];

	nodes_online(f);
	f->ms->nodes[2].state = HAMGR_NODE_MAINTENANCE;
	assert_int_equal(place(f, "vm:100", 0, NULL, NULL, node, why), -ENOENT);
	assert_string_equal(why, "vm:100: no node of restricted group 'g' is online");
	assert_string_equal(node, "");
	fx_free(f);
}

static void
test_storage_reachability(void **state)
{
	struct fx *f = fx_new("vm: 100\n", NULL);
	unsigned load[NNODES] = {0, 5, 5};
	char node[64], why[256];

	nodes_online(f);
	/* n1 is least loaded but does not see the guest's storage. */
	f->no_storage_node = "n1";
	assert_int_equal(place(f, "vm:100", 0, load, NULL, node, why), 0);
	assert_string_equal(node, "n2");
	assert_int_equal(place(f, "vm:100", 1u << 1 | 1u << 2, load, NULL, node, why), -ENOENT);
	assert_string_equal(why, "vm:100: no available node reaches all of its storage");
	fx_free(f);
}

static void
test_no_online_node(void **state)
{
	struct fx *f = fx_new("vm: 100\n", NULL);
	char node[64], why[256];

	nodes_online(f);
	assert_int_equal(place(f, "vm:100", 7, NULL, NULL, node, why), -ENOENT);
	assert_string_equal(why, "vm:100: no online node is available");
	fx_free(f);
}

static void
add_started(struct fx *f, const char *sid, const char *node)
{
	struct hamgr_svc_status *s;

	hamgr_manager_status_sync(f->ms, f->res);
	s = fx_svc(f, sid);
	s->state = HAMGR_SVC_STARTED;
	strcpy(s->node, node);
}

static void
test_keep_together_and_apart(void **state)
{
	struct fx *f = fx_new("vm: 100\nvm: 101\nvm: 102\n",
			      "together: t\n\tresources vm:100,vm:101\n"
			      "apart: a\n\tresources vm:100,vm:102\n");
	unsigned load[NNODES] = {0, 3, 0};
	char node[64], why[256];

	nodes_online(f);
	add_started(f, "vm:100", "n2");
	/* Its partner goes to n2 although n2 is the most loaded. */
	assert_int_equal(place(f, "vm:101", 0, load, NULL, node, why), 0);
	assert_string_equal(node, "n2");
	/* vm:102 avoids n2; with n1 and n3 gone it still runs (apart is soft). */
	load[1] = 0;
	load[0] = 1;
	assert_int_equal(place(f, "vm:102", 0, load, NULL, node, why), 0);
	assert_string_equal(node, "n3");
	assert_int_equal(place(f, "vm:102", 1u << 0 | 1u << 2, load, NULL, node, why), 0);
	assert_string_equal(node, "n2");
	fx_free(f);
}

/* placement static: the node with the least configured memory, then cores, wins. */
static void
test_static_load(void **state)
{
	struct fx *f = fx_new("vm: 100\n", NULL);
	struct hamgr_load load[NNODES] = {
		{.count = 1, .cores = 8, .memory_mb = 16384},
		{.count = 3, .cores = 3, .memory_mb = 3072},
		{.count = 3, .cores = 2, .memory_mb = 3072},
	};
	char node[HAMGR_NODE_NAME_MAX], why[256];

	(void)state;
	nodes_online(f);
	/* By count n1 carries least ... */
	assert_int_equal(hamgr_place(f->ms, &f->in, "vm:100", 0, load, NULL, node, why, 256), 0);
	assert_string_equal(node, "n1");
	/* ... by size n3: as much memory as n2, fewer cores. */
	f->settings.placement = HAMGR_LOAD_STATIC;
	assert_int_equal(hamgr_place(f->ms, &f->in, "vm:100", 0, load, NULL, node, why, 256), 0);
	assert_string_equal(node, "n3");
	load[2].memory_mb = 4096;
	assert_int_equal(hamgr_place(f->ms, &f->in, "vm:100", 0, load, NULL, node, why, 256), 0);
	assert_string_equal(node, "n2");
	fx_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_least_loaded_then_name),
		cmocka_unit_test(test_group_priority_beats_load),
		cmocka_unit_test(test_restricted_group_without_member),
		cmocka_unit_test(test_storage_reachability),
		cmocka_unit_test(test_no_online_node),
		cmocka_unit_test(test_keep_together_and_apart),
		cmocka_unit_test(test_static_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
