/* test-crm_commands.c - ha/crm_commands: migrate and relocate, each error by line. */
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
test_commands_parse(void **state)
{
	const char text[] = "# queued by ha-manager\nmigrate vm:100 n2\nrelocate  ct:101   n3\n";
	struct hamgr_cmd *cmds = NULL;
	struct hamgr_error err;
	size_t n = 0;

	assert_int_equal(hamgr_cmds_parse("ha/crm_commands", text, strlen(text), &cmds, &n, &err),
			 0);
	assert_int_equal(n, 2);
	assert_int_equal(cmds[0].kind, HAMGR_CMD_MIGRATE);
	assert_string_equal(cmds[0].sid, "vm:100");
	assert_string_equal(cmds[0].node, "n2");
	assert_int_equal(cmds[1].kind, HAMGR_CMD_RELOCATE);
	assert_string_equal(cmds[1].sid, "ct:101");
	assert_string_equal(cmds[1].node, "n3");
	free(cmds);
}

static void
test_empty_file(void **state)
{
	struct hamgr_cmd *cmds = (void *)0x1;
	struct hamgr_error err;
	size_t n = 7;

	assert_int_equal(hamgr_cmds_parse("c", "", 0, &cmds, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_null(cmds);
}

static const struct {
	const char *text, *error;
} bad[] = {
	{"stop vm:100 n1\n", "c:1: unknown command 'stop' (expected migrate or relocate)"},
	{"migrate vm:100\n", "c:1: migrate: expected SID NODE"},
	{"migrate\n", "c:1: migrate: expected SID NODE"},
	{"migrate vm:1 n1\n", "c:1: migrate: 'vm:1' is not a service id"},
	{"\nrelocate vm:100 n/1\n", "c:2: relocate: 'n/1' is not a node name"},
};

static void
test_errors_name_line_and_problem(void **state)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct hamgr_cmd *cmds = (void *)0x1;
		struct hamgr_error err = {0};
		size_t n = 7;

		print_message("case %zu\n", i);
		assert_int_equal(hamgr_cmds_parse("c", bad[i].text, strlen(bad[i].text), &cmds, &n,
						  &err),
				 -EINVAL);
		assert_string_equal(err.text, bad[i].error);
		assert_ptr_equal(cmds, (void *)0x1);
		assert_int_equal(n, 7);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commands_parse),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_errors_name_line_and_problem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
