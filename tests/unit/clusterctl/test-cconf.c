/*
 * test-cconf.c - corosync.conf as clusterctl writes and edits it: a new
 * cluster's file, node additions under the next id with a version bump,
 * removals, and refusal of duplicates and broken files.
 */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "clusterctl/cconf.h"

static char *
new_cluster(void)
{
	struct ctl_cconf_params p = {.cluster_name = "prod",
	                             .node_name = "a",
	                             .addr = "10.0.0.1",
	                             .nodeid = 1,
	                             .votes = 1,
	                             .token_ms = 1000};
	char *text = NULL;

	assert_int_equal(ctl_cconf_render(&p, &text), 0);
	return text;
}

static void
test_render_new_cluster(void **state)
{
	char *t = new_cluster();
	struct ctl_cconf_node nodes[4];

	assert_non_null(strstr(t, "\tcluster_name: prod\n"));
	assert_non_null(strstr(t, "\tconfig_version: 1\n"));
	assert_non_null(strstr(t, "\ttransport: knet\n"));
	assert_non_null(strstr(t, "\tcrypto_cipher: aes256\n\tcrypto_hash: sha256\n"));
	assert_non_null(strstr(t, "\ttoken: 1000\n"));
	assert_non_null(strstr(t, "provider: corosync_votequorum"));
	assert_int_equal(ctl_cconf_nodes(t, nodes, 4), 1);
	assert_int_equal(nodes[0].nodeid, 1);
	assert_string_equal(nodes[0].name, "a");
	assert_string_equal(nodes[0].addr, "10.0.0.1");
	free(t);
}

static void
test_add_takes_next_id_and_bumps_version(void **state)
{
	char *t = new_cluster(), *t2 = NULL, *t3 = NULL;
	struct ctl_cconf_node nodes[4];
	uint32_t id = 0;

	assert_int_equal(ctl_cconf_add_node(t, "b", "10.0.0.2", 1, &t2, &id), 0);
	assert_int_equal(id, 2);
	assert_non_null(strstr(t2, "\tconfig_version: 2\n"));
	assert_null(strstr(t2, "config_version: 1\n"));
	assert_int_equal(ctl_cconf_add_node(t2, "c", "10.0.0.3", 2, &t3, &id), 0);
	assert_int_equal(id, 3);
	assert_non_null(strstr(t3, "\tconfig_version: 3\n"));
	assert_int_equal(ctl_cconf_nodes(t3, nodes, 4), 3);
	assert_string_equal(nodes[2].name, "c");
	assert_string_equal(nodes[2].addr, "10.0.0.3");
	assert_int_equal(nodes[2].nodeid, 3);
	assert_non_null(strstr(t3, "\t\tquorum_votes: 2\n"));
	/* The rest of the file is untouched. */
	assert_non_null(strstr(t3, "# Written by clusterctl create"));
	free(t);
	free(t2);
	free(t3);
}

static void
test_add_refuses_duplicate_name_or_address(void **state)
{
	char *t = new_cluster(), *out = NULL;
	uint32_t id = 0;

	assert_int_equal(ctl_cconf_add_node(t, "a", "10.0.0.9", 1, &out, &id), -EEXIST);
	assert_int_equal(ctl_cconf_add_node(t, "z", "10.0.0.1", 1, &out, &id), -EEXIST);
	assert_null(out);
	free(t);
}

static void
test_add_after_gap_uses_highest_plus_one(void **state)
{
	const char *t = "totem {\n\tversion: 2\n}\nnodelist {\n"
	                "\tnode {\n\t\tname: a\n\t\tnodeid: 7\n\t\tring0_addr: x\n\t}\n}\n";
	char *out = NULL;
	uint32_t id = 0;

	assert_int_equal(ctl_cconf_add_node(t, "b", "y", 1, &out, &id), 0);
	assert_int_equal(id, 8);
	/* A file without config_version gets version 2 in totem. */
	assert_non_null(strstr(out, "totem {\n\tconfig_version: 2\n\tversion: 2\n"));
	free(out);
}

static void
test_del_removes_the_node_block(void **state)
{
	char *t = new_cluster(), *t2 = NULL, *t3 = NULL, *t4 = NULL;
	struct ctl_cconf_node nodes[4];
	uint32_t id;

	assert_int_equal(ctl_cconf_add_node(t, "b", "10.0.0.2", 1, &t2, &id), 0);
	assert_int_equal(ctl_cconf_del_node(t2, "a", &t3), 0);
	assert_int_equal(ctl_cconf_nodes(t3, nodes, 4), 1);
	assert_string_equal(nodes[0].name, "b");
	assert_non_null(strstr(t3, "\tconfig_version: 3\n"));
	assert_int_equal(ctl_cconf_del_node(t3, "a", &t4), -ENOENT);
	free(t);
	free(t2);
	free(t3);
}

static void
test_broken_files_are_refused(void **state)
{
	char *out = NULL;
	uint32_t id;
	struct ctl_cconf_node nodes[2];

	assert_int_equal(ctl_cconf_add_node("totem {\n", "b", "y", 1, &out, &id), -EINVAL);
	assert_int_equal(ctl_cconf_add_node("}\n", "b", "y", 1, &out, &id), -EINVAL);
	assert_int_equal(ctl_cconf_add_node("totem {\n}\n", "b", "y", 1, &out, &id), -EINVAL);
	assert_int_equal(ctl_cconf_nodes("totem {\n}\n", nodes, 2), -EINVAL);
	/* A brace in a comment does not count. */
	assert_int_equal(ctl_cconf_nodes("# {\nnodelist {\n}\n", nodes, 2), 0);
	assert_null(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_render_new_cluster),
	    cmocka_unit_test(test_add_takes_next_id_and_bumps_version),
	    cmocka_unit_test(test_add_refuses_duplicate_name_or_address),
	    cmocka_unit_test(test_add_after_gap_uses_highest_plus_one),
	    cmocka_unit_test(test_del_removes_the_node_block),
	    cmocka_unit_test(test_broken_files_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
