/*
 * test-status-json.c - the virtual status files parse as JSON and say what
 * the tree and the membership say, nothing more.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "cfs/cfs.h"

static json_object *
parse(char *text)
{
	json_object *obj;

	assert_non_null(text);
	obj = json_tokener_parse(text);
	free(text);
	assert_non_null(obj);
	return obj;
}

static json_object *
get(json_object *obj, const char *key)
{
	json_object *value = NULL;

	assert_true(json_object_object_get_ex(obj, key, &value));
	return value;
}

static void
test_members_lists_every_node(void **state)
{
	const struct cfs_node_info nodes[] = { { 1, "n1", true }, { 2, "n2", false },
					       { 3, "n3", true } };
	struct cfs_cluster_info info = { "lab", 7, true, 3, nodes, 3 };
	json_object *root = parse(cfs_members_json(&info));
	json_object *cluster = get(root, "cluster"), *list = get(root, "nodes");

	assert_string_equal(json_object_get_string(get(cluster, "name")), "lab");
	assert_int_equal(json_object_get_int(get(cluster, "config_version")), 7);
	assert_true(json_object_get_boolean(get(cluster, "quorate")));
	assert_int_equal(json_object_get_int(get(root, "local_nodeid")), 3);
	assert_int_equal(json_object_array_length(list), 3);
	json_object *n2 = json_object_array_get_idx(list, 1);
	assert_string_equal(json_object_get_string(get(n2, "name")), "n2");
	assert_false(json_object_get_boolean(get(n2, "online")));
	assert_false(json_object_get_boolean(get(n2, "local")));
	assert_true(json_object_get_boolean(get(json_object_array_get_idx(list, 2), "local")));
	json_object_put(root);
}

static void
test_guests_finds_configs_of_every_type(void **state)
{
	cfs_tree_t *t = cfs_tree_new(NULL);
	const char *dirs[] = { "/nodes", "/nodes/n1", "/nodes/n2", "/nodes/n1/qemu",
			       "/nodes/n2/lxc", "/nodes/n2/exec", "/nodes/n2/other" };
	const char *files[] = { "/nodes/n1/qemu/100.conf", "/nodes/n2/lxc/200.conf",
				"/nodes/n2/exec/300.conf", "/nodes/n1/qemu/100.conf.tmp",
				"/nodes/n1/qemu/0101.conf", "/nodes/n2/other/400.conf" };
	json_object *root, *guests;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		assert_int_equal(cfs_tree_mkdir(t, dirs[i], 0), 0);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		assert_int_equal(cfs_tree_create(t, files[i], 0), 0);
	root = parse(cfs_guests_json(t));
	guests = get(root, "guests");
	/* Only real guest configs: not temp files, leading zeros or other dirs. */
	assert_int_equal(json_object_object_length(guests), 3);
	assert_string_equal(json_object_get_string(get(get(guests, "100"), "type")), "vm");
	assert_string_equal(json_object_get_string(get(get(guests, "100"), "node")), "n1");
	assert_string_equal(json_object_get_string(get(get(guests, "200"), "type")), "ct");
	assert_string_equal(json_object_get_string(get(get(guests, "300"), "type")), "svc");
	assert_int_equal(json_object_get_int(get(root, "version")), (int)cfs_tree_version(t));
	json_object_put(root);
	cfs_tree_free(t);
}

static void
test_guests_of_an_empty_tree(void **state)
{
	cfs_tree_t *t = cfs_tree_new(NULL);
	json_object *root = parse(cfs_guests_json(t));

	assert_int_equal(json_object_object_length(get(root, "guests")), 0);
	json_object_put(root);
	root = parse(cfs_version_json(t));
	assert_int_equal(json_object_get_int(get(root, "version")), 0);
	json_object_put(root);
	cfs_tree_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_members_lists_every_node),
		cmocka_unit_test(test_guests_finds_configs_of_every_type),
		cmocka_unit_test(test_guests_of_an_empty_tree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
