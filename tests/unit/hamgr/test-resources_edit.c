/* test-resources_edit.c - a stop command rewrites only the state line of its resource. */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "hamgr/hamgr.h"

static void
test_replace_existing_state(void **state)
{
	const char *in = "# web\nvm: 100\n\tstate started\n\tgroup g\n\nvm: 1000\n\tstate started\n";
	char *out = NULL;

	(void)state;
	assert_int_equal(hamgr_resources_set_state(in, "vm:100", HAMGR_REQ_STOPPED, &out), 0);
	/* vm: 1000 is another resource although its header starts the same. */
	assert_string_equal(out, "# web\nvm: 100\n\tstate stopped\n\tgroup g\n\nvm: 1000\n\tstate "
				 "started\n");
	free(out);
}

static void
test_add_missing_state(void **state)
{
	const char *in = "vm: 100\n\tcomment x\nct: 101\n\tstate started";
	char *out = NULL;

	(void)state;
	assert_int_equal(hamgr_resources_set_state(in, "ct:101", HAMGR_REQ_DISABLED, &out), 0);
	assert_string_equal(out, "vm: 100\n\tcomment x\nct: 101\n\tstate disabled");
	free(out);
	assert_int_equal(hamgr_resources_set_state(in, "vm:100", HAMGR_REQ_STOPPED, &out), 0);
	assert_string_equal(out, "vm: 100\n\tstate stopped\n\tcomment x\nct: 101\n\tstate started");
	free(out);
	/* A header without a newline at the end of the file. */
	assert_int_equal(hamgr_resources_set_state("vm: 100", "vm:100", HAMGR_REQ_STOPPED, &out), 0);
	assert_string_equal(out, "vm: 100\n\tstate stopped\n");
	free(out);
}

static void
test_unknown_resource(void **state)
{
	char *out = NULL;

	(void)state;
	assert_int_equal(hamgr_resources_set_state("vm: 100\n", "vm:101", HAMGR_REQ_STOPPED, &out),
			 -ENOENT);
	assert_int_equal(hamgr_resources_set_state("vm: 100\n", "bad", HAMGR_REQ_STOPPED, &out),
			 -EINVAL);
	assert_null(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replace_existing_state),
		cmocka_unit_test(test_add_missing_state),
		cmocka_unit_test(test_unknown_resource),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
