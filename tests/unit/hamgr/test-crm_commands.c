/*
 * test-crm_commands.c - ha/crm_commands: migrate, relocate, stop, disarm,
 * arm and node-maintenance, each error by line.
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

/* stop takes plain seconds or a duration; disarm and arm take nothing. */
static void
test_stop_disarm_arm(void **state)
{
	const char text[] = "stop vm:100 30\nstop vm:101 500ms\nstop vm:102 0\ndisarm\narm\n";
	struct hamgr_cmd *cmds = NULL;
	struct hamgr_error err;
	size_t n = 0;

	assert_int_equal(hamgr_cmds_parse("c", text, strlen(text), &cmds, &n, &err), 0);
	assert_int_equal(n, 5);
	assert_int_equal(cmds[0].kind, HAMGR_CMD_STOP);
	assert_string_equal(cmds[0].sid, "vm:100");
	assert_int_equal(cmds[0].timeout_ms, 30000);
	assert_int_equal(cmds[1].timeout_ms, 500);
	assert_int_equal(cmds[2].timeout_ms, 0);
	assert_int_equal(cmds[3].kind, HAMGR_CMD_DISARM);
	assert_int_equal(cmds[4].kind, HAMGR_CMD_ARM);
	free(cmds);
}

/* node-maintenance takes the words of ha-manager's command. */
static void
test_node_maintenance(void **state)
{
	const char text[] = "node-maintenance enable n2\nnode-maintenance  disable   n3\n";
	struct hamgr_cmd *cmds = NULL;
	struct hamgr_error err;
	size_t n = 0;

	assert_int_equal(hamgr_cmds_parse("c", text, strlen(text), &cmds, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(cmds[0].kind, HAMGR_CMD_MAINTENANCE_ON);
	assert_string_equal(cmds[0].node, "n2");
	assert_string_equal(cmds[0].sid, "");
	assert_int_equal(cmds[1].kind, HAMGR_CMD_MAINTENANCE_OFF);
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
	{"start vm:100 n1\n", "c:1: unknown command 'start' (expected migrate, relocate, stop, "
			       "disarm, arm or node-maintenance)"},
	{"node-maintenance on n1\n", "c:1: node-maintenance: expected enable or disable, not 'on'"},
	{"node-maintenance\n", "c:1: node-maintenance: expected enable or disable, not ''"},
	{"node-maintenance enable\n", "c:1: node-maintenance enable: expected NODE"},
	{"\n\nnode-maintenance disable n/1\n",
	 "c:3: node-maintenance disable: 'n/1' is not a node name"},
	{"stop vm:100 n1\n", "c:1: stop: 'n1' is not a timeout (seconds, or a duration like 30s "
			      "or 500ms, up to 24h)"},
	{"stop vm:100\n", "c:1: stop: expected SID TIMEOUT"},
	{"stop vm:100 25h\n", "c:1: stop: '25h' is not a timeout (seconds, or a duration like "
			       "30s or 500ms, up to 24h)"},
	{"disarm now\n", "c:1: disarm: takes no arguments"},
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
		cmocka_unit_test(test_stop_disarm_arm),
		cmocka_unit_test(test_node_maintenance),
		cmocka_unit_test(test_errors_name_line_and_problem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
