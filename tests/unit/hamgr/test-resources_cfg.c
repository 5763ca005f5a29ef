/* test-resources_cfg.c - ha/resources.cfg: what parses, and every error named by line. */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hamgr/hamgr.h"

static const char *const F = "ha/resources.cfg";

static void
test_sections_and_defaults(void **state)
{
	const char text[] = "# HA resources\n"
			    "vm: 100\n"
			    "\tstate stopped\n"
			    "\tgroup prefer-a\n"
			    "\tmax_restart 3\n"
			    "\tmax_relocate 0\n"
			    "\tcomment the web server\n"
			    "\n"
			    "ct: 101\n"
			    "svc: backup-job\n"
			    "    state ignored\n";
	struct hamgr_resources *res = NULL;
	const struct hamgr_resource *r;
	struct hamgr_error err;

	assert_int_equal(hamgr_resources_parse(F, text, strlen(text), &res, &err), 0);
	assert_int_equal(res->n, 3);
	r = hamgr_resources_find(res, "vm:100");
	assert_non_null(r);
	assert_int_equal(r->state, HAMGR_REQ_STOPPED);
	assert_string_equal(r->group, "prefer-a");
	assert_int_equal(r->max_restart, 3);
	assert_int_equal(r->max_relocate, 0);
	assert_string_equal(r->comment, "the web server");
	assert_int_equal(r->line, 2);
	/* Defaults: started, 1 restart, 1 relocation, no group. */
	r = hamgr_resources_find(res, "ct:101");
	assert_non_null(r);
	assert_int_equal(r->state, HAMGR_REQ_STARTED);
	assert_int_equal(r->max_restart, 1);
	assert_int_equal(r->max_relocate, 1);
	assert_string_equal(r->group, "");
	r = hamgr_resources_find(res, "svc:backup-job");
	assert_non_null(r);
	assert_int_equal(r->state, HAMGR_REQ_IGNORED);
	assert_null(hamgr_resources_find(res, "vm:102"));
	assert_string_equal(hamgr_req_state_name(HAMGR_REQ_DISABLED), "disabled");
	hamgr_resources_free(res);
}

static void
test_empty_file(void **state)
{
	struct hamgr_resources *res = NULL;
	struct hamgr_error err;

	assert_int_equal(hamgr_resources_parse(F, "", 0, &res, &err), 0);
	assert_int_equal(res->n, 0);
	hamgr_resources_free(res);
	hamgr_resources_free(NULL);
}

static void
test_sids(void **state)
{
	assert_true(hamgr_sid_valid("vm:100"));
	assert_true(hamgr_sid_valid("ct:999999999"));
	assert_true(hamgr_sid_valid("svc:web"));
	assert_false(hamgr_sid_valid("vm:99"));
	assert_false(hamgr_sid_valid("vm:0100"));
	assert_false(hamgr_sid_valid("vm:1000000000"));
	assert_false(hamgr_sid_valid("vm:abc"));
	assert_false(hamgr_sid_valid("svc:-x"));
	assert_false(hamgr_sid_valid("xx:100"));
	assert_false(hamgr_sid_valid("vm100"));
}

static const struct {
	const char *text, *error;
} bad[] = {
	{"\tstate started\n", "ha/resources.cfg:1: property 'state' before any section"},
	{"state started\n", "ha/resources.cfg:1: 'state': expected a section header 'vm: ID', "
			    "'ct: ID' or 'svc: NAME' (properties are indented)"},
	{"vm: 100\nstate started\n",
	 "ha/resources.cfg:2: 'state': expected a section header 'vm: ID', 'ct: ID' or 'svc: "
	 "NAME' (properties are indented)"},
	{"qm: 100\n", "ha/resources.cfg:1: unknown resource type 'qm' (expected vm, ct or svc)"},
	{"vm: 12\n", "ha/resources.cfg:1: 'vm:12' is not a valid service id (vm and ct take a "
		     "number 100..999999999, svc a name)"},
	{"vm: 100 101\n", "ha/resources.cfg:1: 'vm: 100 101' is not a valid service id"},
	{"vm:\n", "ha/resources.cfg:1: 'vm:' is not a valid service id (vm and ct take a number "
		  "100..999999999, svc a name)"},
	{"vm: 100\n\tstate running\n", "ha/resources.cfg:2: vm:100: state: 'running' is not one "
				       "of started, stopped, disabled, ignored"},
	{"vm: 100\n\tstate\n", "ha/resources.cfg:2: vm:100: state: missing value"},
	{"vm: 100\n\tmax_restart 11\n", "ha/resources.cfg:2: vm:100: max_restart: '11' is not a "
					"number 0..10"},
	{"vm: 100\n\tmax_relocate x\n", "ha/resources.cfg:2: vm:100: max_relocate: 'x' is not a "
					"number 0..10"},
	{"vm: 100\n\tgroup a/b\n", "ha/resources.cfg:2: vm:100: group: 'a/b' is not a valid "
				   "group name"},
	{"vm: 100\n\tnode n1\n", "ha/resources.cfg:2: vm:100: unknown property 'node' (expected "
				 "state, max_restart, max_relocate, group, comment, cores, "
				 "memory)"},
	{"vm: 100\n\tcores 0\n", "ha/resources.cfg:2: vm:100: cores: '0' is not a number "
				  "1..1024"},
	{"vm: 100\n\tmemory 1G\n", "ha/resources.cfg:2: vm:100: memory: '1G' is not a number "
				    "16..16777216 (MiB)"},
	{"vm: 100\n\tstate started\n\tstate stopped\n",
	 "ha/resources.cfg:3: vm:100: state: already set on line 2"},
	{"vm: 100\nct: 101\nvm: 100\n", "ha/resources.cfg:3: vm:100: already defined on line 1"},
	{"vm: 100\n\tstate started\x00\n", "ha/resources.cfg:2: NUL byte in line"},
};

static void
test_errors_name_file_line_and_problem(void **state)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct hamgr_resources *res = (void *)0x1;
		struct hamgr_error err = {0};
		size_t len = strlen(bad[i].text);

		if (strstr(bad[i].error, "NUL"))
			len += 2; /* the text goes on past its NUL */
		print_message("case %zu\n", i);
		assert_int_equal(hamgr_resources_parse(F, bad[i].text, len, &res, &err), -EINVAL);
		assert_string_equal(err.text, bad[i].error);
		assert_ptr_equal(res, (void *)0x1); /* untouched */
	}
}

static void
test_long_comment_is_refused(void **state)
{
	char text[400] = "vm: 100\n\tcomment ";
	struct hamgr_resources *res = NULL;
	struct hamgr_error err;

	memset(text + strlen(text), 'c', 300);
	assert_int_equal(hamgr_resources_parse(F, text, strlen(text), &res, &err), -EINVAL);
	assert_string_equal(err.text, "ha/resources.cfg:2: vm:100: comment: longer than 255 bytes");
}

static void
test_many_resources_sorted_lookup(void **state)
{
	static char text[2000 * 24];
	struct hamgr_resources *res = NULL;
	struct hamgr_error err;
	size_t n = 0;
	char sid[32];

	for (int i = 2099; i >= 100; i--)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "vm: %d\n", i);
	assert_int_equal(hamgr_resources_parse(F, text, n, &res, &err), 0);
	assert_int_equal(res->n, 2000);
	for (int i = 100; i < 2100; i += 97) {
		snprintf(sid, sizeof(sid), "vm:%d", i);
		assert_non_null(hamgr_resources_find(res, sid));
	}
	hamgr_resources_free(res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sections_and_defaults),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_sids),
		cmocka_unit_test(test_errors_name_file_line_and_problem),
		cmocka_unit_test(test_long_comment_is_refused),
		cmocka_unit_test(test_many_resources_sorted_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
