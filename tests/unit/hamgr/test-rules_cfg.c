/* test-rules_cfg.c - ha/rules.cfg: groups, affinity rules, every error by line. */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "hamgr/hamgr.h"

static const char *const F = "ha/rules.cfg";

static void
test_groups_and_rules(void **state)
{
	const char text[] = "group: prefer-a\n"
			    "\tnodes n1:2,n2:1,n3\n"
			    "\trestricted 1\n"
			    "\tnofailback 1\n"
			    "\tcomment a first\n"
			    "together: web\n"
			    "\tresources vm:100,vm:101\n"
			    "apart: spread\n"
			    "\tresources vm:100,vm:102,ct:103\n";
	struct hamgr_rules *rules = NULL;
	const struct hamgr_group *g;
	struct hamgr_error err;

	assert_int_equal(hamgr_rules_parse(F, text, strlen(text), &rules, &err), 0);
	assert_int_equal(rules->n_groups, 1);
	g = hamgr_rules_group(rules, "prefer-a");
	assert_non_null(g);
	assert_true(g->restricted);
	assert_true(g->nofailback);
	assert_int_equal(g->n_nodes, 3);
	assert_string_equal(g->nodes[0].name, "n1");
	assert_int_equal(g->nodes[0].priority, 2);
	assert_int_equal(g->nodes[1].priority, 1);
	assert_string_equal(g->nodes[2].name, "n3");
	assert_int_equal(g->nodes[2].priority, 0);
	assert_null(hamgr_rules_group(rules, "web"));
	assert_int_equal(rules->n_affinity, 2);
	assert_int_equal(rules->affinity[0].kind, HAMGR_KEEP_TOGETHER);
	assert_int_equal(rules->affinity[0].n_sids, 2);
	assert_int_equal(rules->affinity[1].kind, HAMGR_KEEP_APART);
	assert_int_equal(rules->affinity[1].n_sids, 3);
	assert_string_equal(rules->affinity[1].sids[2], "ct:103");
	hamgr_rules_free(rules);
}

static const struct {
	const char *text, *error;
} bad[] = {
	{"\tnodes n1\n", "ha/rules.cfg:1: property 'nodes' before any section"},
	{"groups: a\n", "ha/rules.cfg:1: 'groups:': expected a section header 'group: NAME', "
			"'together: NAME' or 'apart: NAME' (properties are indented)"},
	{"group: a b\n", "ha/rules.cfg:1: 'a b' is not a valid name"},
	{"group: a\n\tnodes n1\napart: a\n", "ha/rules.cfg:3: 'a' already defined on line 1"},
	{"group: a\n", "ha/rules.cfg:1: group 'a' has no 'nodes'"},
	{"group: a\n\tnodes\n", "ha/rules.cfg:2: a: nodes: missing value"},
	{"group: a\n\tnodes n1:x\n", "ha/rules.cfg:2: a: nodes: priority 'x' of node 'n1' is not "
				     "a number 0..1000"},
	{"group: a\n\tnodes n1:1001\n", "ha/rules.cfg:2: a: nodes: priority '1001' of node 'n1' "
					"is not a number 0..1000"},
	{"group: a\n\tnodes n1,n/2\n", "ha/rules.cfg:2: a: nodes: 'n/2' is not a valid node name"},
	{"group: a\n\tnodes n1,n2,n1:3\n", "ha/rules.cfg:2: a: nodes: 'n1' is listed twice"},
	{"group: a\n\tnodes ,\n", "ha/rules.cfg:2: a: nodes: empty list"},
	{"group: a\n\tnodes n1\n\tnodes n2\n", "ha/rules.cfg:3: a: nodes: already set"},
	{"group: a\n\tnodes n1\n\trestricted yes\n", "ha/rules.cfg:3: a: restricted: 'yes' is "
						     "not 0 or 1"},
	{"group: a\n\tnodes n1\n\tnofailback 2\n", "ha/rules.cfg:3: a: nofailback: '2' is not 0 "
						   "or 1"},
	{"group: a\n\tnodes n1\n\tstrict 1\n", "ha/rules.cfg:3: a: unknown property 'strict' "
					       "(expected nodes, restricted, nofailback, "
					       "comment)"},
	{"together: t\n", "ha/rules.cfg:1: rule 't' has no 'resources'"},
	{"together: t\n\tresources vm:100\n", "ha/rules.cfg:2: t: resources: a rule needs at "
					      "least two resources"},
	{"apart: t\n\tresources vm:100,vm:1\n", "ha/rules.cfg:2: t: resources: 'vm:1' is not a "
						"valid service id"},
	{"apart: t\n\tresources vm:100,vm:100\n", "ha/rules.cfg:2: t: resources: 'vm:100' is "
						  "listed twice"},
	{"apart: t\n\tresources vm:100,vm:101\n\tresources vm:102,vm:103\n",
	 "ha/rules.cfg:3: t: resources: already set"},
	{"apart: t\n\tresources\n", "ha/rules.cfg:2: t: resources: missing value"},
	{"apart: t\n\tnodes n1\n", "ha/rules.cfg:2: t: unknown property 'nodes' (expected "
				   "resources, comment)"},
	{"together: t\n\tresources vm:100,vm:101,vm:102\napart: a\n\tresources vm:101,vm:102\n",
	 "ha/rules.cfg:3: 'a' keeps apart what 't' (line 1) keeps together, e.g. vm:101"},
};

static void
test_errors_name_file_line_and_problem(void **state)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct hamgr_rules *rules = (void *)0x1;
		struct hamgr_error err = {0};

		print_message("case %zu\n", i);
		assert_int_equal(hamgr_rules_parse(F, bad[i].text, strlen(bad[i].text), &rules,
						   &err),
				 -EINVAL);
		assert_string_equal(err.text, bad[i].error);
		assert_ptr_equal(rules, (void *)0x1);
	}
}

static void
test_overlap_of_one_is_fine(void **state)
{
	/* Sharing one resource does not force a contradiction. */
	const char text[] = "together: t\n\tresources vm:100,vm:101\n"
			    "apart: a\n\tresources vm:101,vm:102\n";
	struct hamgr_rules *rules = NULL;
	struct hamgr_error err;

	assert_int_equal(hamgr_rules_parse(F, text, strlen(text), &rules, &err), 0);
	hamgr_rules_free(rules);
}

static void
test_resources_must_name_existing_groups(void **state)
{
	const char rtext[] = "group: a\n\tnodes n1\n";
	const char stext[] = "vm: 100\n\tgroup a\nvm: 101\n\tgroup b\n";
	struct hamgr_resources *res = NULL;
	struct hamgr_rules *rules = NULL;
	struct hamgr_error err;

	assert_int_equal(hamgr_rules_parse(F, rtext, strlen(rtext), &rules, &err), 0);
	assert_int_equal(hamgr_resources_parse("ha/resources.cfg", stext, strlen(stext), &res,
					       &err),
			 0);
	assert_int_equal(hamgr_rules_check_resources(rules, res, "ha/resources.cfg", &err),
			 -EINVAL);
	assert_string_equal(err.text,
			    "ha/resources.cfg:3: vm:101: group 'b' is not defined in ha/rules.cfg");
	/* Without a rules file every group is unknown. */
	assert_int_equal(hamgr_rules_check_resources(NULL, res, "ha/resources.cfg", &err),
			 -EINVAL);
	assert_string_equal(err.text,
			    "ha/resources.cfg:1: vm:100: group 'a' is not defined in ha/rules.cfg");
	hamgr_rules_free(rules);
	hamgr_resources_free(res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_groups_and_rules),
		cmocka_unit_test(test_errors_name_file_line_and_problem),
		cmocka_unit_test(test_overlap_of_one_is_fine),
		cmocka_unit_test(test_resources_must_name_existing_groups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
