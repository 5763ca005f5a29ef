/*
 * test-crm.c - the master's decisions: placement of new services, the
 * fencing rule applied to lost nodes, retries, stop, moves, maintenance,
 * failback, quorum loss and unique request ids.
 */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "tests/unit/hamgr/crm-fixture.h"

static void
test_new_services_spread_with_unique_ids(void **state)
{
	struct fx *f = fx_new("vm: 100\nvm: 101\nvm: 102\nvm: 103\n\tstate stopped\n", NULL);

	fx_step(f);
	assert_true(f->out.changed);
	assert_int_equal(f->ms->n_nodes, 3);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_STARTED);
	assert_string_equal(fx_svc(f, "vm:100")->node, "n1");
	assert_string_equal(fx_svc(f, "vm:101")->node, "n2");
	assert_string_equal(fx_svc(f, "vm:102")->node, "n3");
	assert_int_equal(fx_svc(f, "vm:103")->state, HAMGR_SVC_STOPPED);
	assert_int_equal(fx_svc(f, "vm:100")->request_id, 1);
	assert_int_equal(fx_svc(f, "vm:101")->request_id, 2);
	assert_int_equal(fx_svc(f, "vm:102")->request_id, 3);
	assert_int_equal(f->ms->next_request_id, 4);
	/* Nothing new: nothing to write. */
	fx_step(f);
	assert_false(f->out.changed);
	fx_free(f);
}

static void
test_no_quorum_no_decision(void **state)
{
	struct fx *f = fx_new("vm: 100\n", NULL);

	f->in.quorate = false;
	fx_step(f);
	assert_false(f->out.changed);
	assert_int_equal(f->ms->n_services, 0);
	fx_free(f);
}

/* vm:100 started and running on n1. */
static struct fx *
running_on_n1(const char *resources, const char *rules)
{
	struct fx *f = fx_new(resources, rules);

	fx_step(f);
	assert_string_equal(fx_svc(f, "vm:100")->node, "n1");
	fx_report(f, "vm:100", 0);
	fx_step(f);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_STARTED);
	return f;
}

static void
test_lost_node_is_fenced_before_recovery(void **state)
{
	struct fx *f = running_on_n1("vm: 100\n", NULL);
	uint64_t renewed = 9 * SEC;

	f->nodes[0].online = false;
	f->nodes[0].lease_renewed_ns = renewed;
	f->in.now_ns = 12 * SEC;
	fx_step(f);
	assert_int_equal(fx_node_state(f, 0), HAMGR_NODE_FENCE);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_FENCE);
	/* The fence device is asked at once (fence_delay 0). */
	assert_int_equal(f->out.n_fence, 1);
	assert_string_equal(f->out.fence[0], "n1");
	/* Not once more. */
	f->in.now_ns += SEC;
	fx_step(f);
	assert_int_equal(f->out.n_fence, 0);
	/* One nanosecond before lease + watchdog + margin: still waiting. */
	f->in.now_ns = renewed + hamgr_settings_fence_wait_ns(&f->settings) - 1;
	fx_step(f);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_FENCE);
	f->in.now_ns++;
	fx_step(f);
	assert_int_equal(fx_node_state(f, 0), HAMGR_NODE_UNKNOWN);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_STARTED);
	assert_string_equal(fx_svc(f, "vm:100")->node, "n2");
	fx_free(f);
}

static void
test_fence_device_confirmation_recovers_at_once(void **state)
{
	struct fx *f = running_on_n1("vm: 100\n", NULL);

	f->nodes[0].online = false;
	f->in.now_ns = 12 * SEC;
	fx_step(f);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_FENCE);
	f->nodes[0].fenced_off = true;
	fx_step(f);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_STARTED);
	assert_string_equal(fx_svc(f, "vm:100")->node, "n2");
	fx_free(f);
}

static void
test_fence_delay_postpones_device(void **state)
{
	struct fx *f = running_on_n1("vm: 100\n", NULL);

	f->settings.fence_delay_ms = 2000;
	f->nodes[0].online = false;
	f->in.now_ns = 12 * SEC;
	fx_step(f);
	assert_int_equal(f->out.n_fence, 0);
	f->in.now_ns = 14 * SEC - 1;
	fx_step(f);
	assert_int_equal(f->out.n_fence, 0);
	f->in.now_ns = 14 * SEC;
	fx_step(f);
	assert_int_equal(f->out.n_fence, 1);
	fx_free(f);
}

static void
test_node_back_before_fence_keeps_service(void **state)
{
	struct fx *f = running_on_n1("vm: 100\n", NULL);
	uint64_t id = fx_svc(f, "vm:100")->request_id;

	/* A short blip: the node's lease never ran out, nothing was recovered. */
	f->nodes[0].online = false;
	f->in.now_ns = 11 * SEC;
	fx_step(f);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_FENCE);
	f->nodes[0].online = true;
	f->in.now_ns = 12 * SEC;
	fx_step(f);
	assert_int_equal(fx_node_state(f, 0), HAMGR_NODE_ONLINE);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_STARTED);
	assert_string_equal(fx_svc(f, "vm:100")->node, "n1");
	/* A fresh request: the LRM makes sure it runs (it may have rebooted). */
	assert_true(fx_svc(f, "vm:100")->request_id > id);
	fx_free(f);
}

static void
test_lost_node_without_services_is_unknown(void **state)
{
	struct fx *f = running_on_n1("vm: 100\n", NULL);

	f->nodes[2].online = false;
	fx_step(f);
	assert_int_equal(fx_node_state(f, 2), HAMGR_NODE_UNKNOWN);
	assert_int_equal(f->out.n_fence, 0);
	fx_free(f);
}

static void
test_restart_then_relocate_then_error(void **state)
{
	struct fx *f = fx_new("vm: 100\n\tmax_restart 1\n\tmax_relocate 1\n", NULL);
	uint64_t id;

	fx_step(f);
	assert_string_equal(fx_svc(f, "vm:100")->node, "n1");
	/* First failure: restart on the same node. */
	id = fx_svc(f, "vm:100")->request_id;
	fx_report(f, "vm:100", -EIO);
	fx_step(f);
	assert_string_equal(fx_svc(f, "vm:100")->node, "n1");
	assert_int_equal(fx_svc(f, "vm:100")->restarts, 1);
	assert_true(fx_svc(f, "vm:100")->request_id > id);
	/*
	 * Second: relocate to another node, stopping it on n1 first (a
	 * failed start may have left it running there).
	 */
	fx_report(f, "vm:100", -EIO);
	fx_step(f);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_RELOCATE);
	assert_string_equal(fx_svc(f, "vm:100")->node, "n1");
	assert_string_equal(fx_svc(f, "vm:100")->target, "n2");
	assert_int_equal(fx_svc(f, "vm:100")->relocations, 1);
	fx_report(f, "vm:100", 0);
	fx_step(f);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_STARTED);
	assert_string_equal(fx_svc(f, "vm:100")->node, "n2");
	/* Restart there, then give up. */
	fx_report(f, "vm:100", -EIO);
	fx_step(f);
	assert_string_equal(fx_svc(f, "vm:100")->node, "n2");
	fx_report(f, "vm:100", -EIO);
	fx_step(f);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_ERROR);
	/* Requested stopped does not clear error; disabled does. */
	f->res->items[0].state = HAMGR_REQ_STOPPED;
	fx_step(f);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_ERROR);
	f->res->items[0].state = HAMGR_REQ_DISABLED;
	fx_step(f);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_STOPPED);
	/* Enabled again, it starts with fresh counters. */
	f->res->items[0].state = HAMGR_REQ_STARTED;
	fx_step(f);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_STARTED);
	assert_int_equal(fx_svc(f, "vm:100")->relocations, 0);
	fx_free(f);
}

static void
test_stop_request(void **state)
{
	struct fx *f = running_on_n1("vm: 100\n", NULL);

	f->res->items[0].state = HAMGR_REQ_STOPPED;
	fx_step(f);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_REQUEST_STOP);
	fx_step(f);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_REQUEST_STOP);
	fx_report(f, "vm:100", 0);
	fx_step(f);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_STOPPED);
	fx_free(f);
}

static void
test_migrate_command(void **state)
{
	struct fx *f = running_on_n1("vm: 100\n", NULL);
	struct hamgr_cmd cmd = {HAMGR_CMD_MIGRATE, "vm:100", "n3"};

	assert_int_equal(hamgr_crm_step(f->crm, f->ms, &f->in, &cmd, 1, &f->out), 0);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_MIGRATE);
	assert_string_equal(fx_svc(f, "vm:100")->target, "n3");
	/* The source's LRM reports the migration done: now it runs on n3. */
	fx_report(f, "vm:100", 0);
	fx_step(f);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_STARTED);
	assert_string_equal(fx_svc(f, "vm:100")->node, "n3");
	assert_string_equal(fx_svc(f, "vm:100")->target, "");
	fx_free(f);
}

static void
test_failed_relocation_stays_on_source(void **state)
{
	struct fx *f = running_on_n1("vm: 100\n", NULL);
	struct hamgr_cmd cmd = {HAMGR_CMD_RELOCATE, "vm:100", "n2"};

	assert_int_equal(hamgr_crm_step(f->crm, f->ms, &f->in, &cmd, 1, &f->out), 0);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_RELOCATE);
	fx_report(f, "vm:100", -EIO);
	fx_step(f);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_STARTED);
	assert_string_equal(fx_svc(f, "vm:100")->node, "n1");
	fx_free(f);
}

static void
test_command_to_unusable_node_is_ignored(void **state)
{
	struct fx *f = running_on_n1("vm: 100\n", NULL);
	struct hamgr_cmd to_dead = {HAMGR_CMD_MIGRATE, "vm:100", "n3"};
	struct hamgr_cmd no_storage = {HAMGR_CMD_MIGRATE, "vm:100", "n2"};

	f->nodes[2].online = false;
	f->no_storage_node = "n2";
	assert_int_equal(hamgr_crm_step(f->crm, f->ms, &f->in, &to_dead, 1, &f->out), 0);
	assert_int_equal(hamgr_crm_step(f->crm, f->ms, &f->in, &no_storage, 1, &f->out), 0);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_STARTED);
	fx_free(f);
}

static void
test_migration_source_lost_recovers_on_target(void **state)
{
	struct fx *f = running_on_n1("vm: 100\n", NULL);
	struct hamgr_cmd cmd = {HAMGR_CMD_MIGRATE, "vm:100", "n3"};

	assert_int_equal(hamgr_crm_step(f->crm, f->ms, &f->in, &cmd, 1, &f->out), 0);
	/* The source dies mid-way: the guest may already run on n3. */
	f->nodes[0].online = false;
	f->in.now_ns = 11 * SEC;
	fx_step(f);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_FENCE);
	f->in.now_ns = 30 * SEC;
	fx_step(f);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_STARTED);
	assert_string_equal(fx_svc(f, "vm:100")->node, "n3");
	fx_free(f);
}

static void
test_maintenance_moves_services_away(void **state)
{
	struct fx *f = running_on_n1("vm: 100\n", NULL);

	f->nodes[0].mode = HAMGR_LRM_MAINTENANCE;
	fx_step(f);
	assert_int_equal(fx_node_state(f, 0), HAMGR_NODE_MAINTENANCE);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_MIGRATE);
	assert_string_equal(fx_svc(f, "vm:100")->target, "n2");
	fx_free(f);
}

/*
 * node-maintenance enable: the node is in maintenance whatever its LRM
 * reports, also after it was lost and came back, until disabled; then it
 * gets services again.
 */
static void
test_maintenance_command_until_disabled(void **state)
{
	struct fx *f = running_on_n1("vm: 100\nvm: 101\n", NULL);
	struct hamgr_cmd on = {.kind = HAMGR_CMD_MAINTENANCE_ON, .node = "n1"};
	struct hamgr_cmd off = {.kind = HAMGR_CMD_MAINTENANCE_OFF, .node = "n1"};

	assert_int_equal(hamgr_crm_step(f->crm, f->ms, &f->in, &on, 1, &f->out), 0);
	assert_true(f->out.changed);
	assert_int_equal(fx_node_state(f, 0), HAMGR_NODE_MAINTENANCE);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_MIGRATE);
	fx_report(f, "vm:100", 0);
	fx_step(f);
	assert_string_not_equal(fx_svc(f, "vm:100")->node, "n1");
	/* Lost and back: still in maintenance, nothing placed on it. */
	f->nodes[0].online = false;
	f->nodes[0].lease_held = false;
	fx_step(f);
	f->nodes[0].online = true;
	fx_step(f);
	assert_int_equal(fx_node_state(f, 0), HAMGR_NODE_MAINTENANCE);
	assert_int_equal(hamgr_crm_step(f->crm, f->ms, &f->in, &off, 1, &f->out), 0);
	assert_int_equal(fx_node_state(f, 0), HAMGR_NODE_ONLINE);
	assert_false(f->ms->nodes[0].maintenance);
	fx_free(f);
}

/* A node that is not configured is refused, with the reason. */
static void
test_maintenance_command_unknown_node(void **state)
{
	struct fx *f = running_on_n1("vm: 100\n", NULL);
	struct hamgr_cmd on = {.kind = HAMGR_CMD_MAINTENANCE_ON, .node = "n9"};

	assert_int_equal(hamgr_crm_step(f->crm, f->ms, &f->in, &on, 1, &f->out), 0);
	assert_string_equal(f->out.why,
			    "ha/crm_commands: node-maintenance enable: 'n9' is not a cluster node");
	assert_int_equal(f->ms->n_nodes, NNODES);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_STARTED);
	fx_free(f);
}

static void
test_failback_to_higher_priority(void **state)
{
	const char *rules = "group: g\n\tnodes n1:2,n2:1\n";
	struct fx *f = running_on_n1("vm: 100\n\tgroup g\n", rules);

	/* n1 lost and fenced by device: recovery to n2 (next priority). */
	f->nodes[0].online = false;
	f->nodes[0].fenced_off = true;
	fx_step(f);
	assert_string_equal(fx_svc(f, "vm:100")->node, "n2");
	fx_report(f, "vm:100", 0);
	fx_step(f);
	/* n1 comes back: the service fails back. */
	f->nodes[0].online = true;
	f->nodes[0].fenced_off = false;
	fx_step(f);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_MIGRATE);
	assert_string_equal(fx_svc(f, "vm:100")->target, "n1");
	fx_free(f);
}

static void
test_nofailback_stays(void **state)
{
	const char *rules = "group: g\n\tnodes n1:2,n2:1\n\tnofailback 1\n";
	struct fx *f = running_on_n1("vm: 100\n\tgroup g\n", rules);

	f->nodes[0].online = false;
	f->nodes[0].fenced_off = true;
	fx_step(f);
	fx_report(f, "vm:100", 0);
	f->nodes[0].online = true;
	f->nodes[0].fenced_off = false;
	fx_step(f);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_STARTED);
	assert_string_equal(fx_svc(f, "vm:100")->node, "n2");
	fx_free(f);
}

static void
test_restricted_without_node_waits_in_recovery(void **state)
{
	const char *rules = "group: g\n\tnodes n1\n\trestricted 1\n";
	struct fx *f = running_on_n1("vm: 100\n\tgroup g\n", rules);

	f->nodes[0].online = false;
	f->nodes[0].fenced_off = true;
	fx_step(f);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_RECOVERY);
	assert_string_equal(f->out.why, "vm:100: no node of restricted group 'g' is online");
	/* Its node is back (it was fenced): the service starts there again. */
	f->nodes[0].online = true;
	f->nodes[0].fenced_off = false;
	fx_step(f);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_STARTED);
	assert_string_equal(fx_svc(f, "vm:100")->node, "n1");
	fx_free(f);
}

static void
test_error_on_fenced_node_not_cleared_before_fence(void **state)
{
	struct fx *f = fx_new("vm: 100\n\tmax_restart 0\n\tmax_relocate 0\n", NULL);

	fx_step(f);
	fx_report(f, "vm:100", -EIO);
	fx_step(f);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_ERROR);
	f->nodes[0].online = false;
	f->in.now_ns = 11 * SEC;
	f->res->items[0].state = HAMGR_REQ_DISABLED;
	fx_step(f);
	assert_int_equal(fx_node_state(f, 0), HAMGR_NODE_FENCE);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_ERROR);
	f->in.now_ns = 30 * SEC;
	fx_step(f);
	assert_int_equal(fx_svc(f, "vm:100")->state, HAMGR_SVC_STOPPED);
	fx_free(f);
}

static void
test_removed_node_is_gone(void **state)
{
	struct fx *f = fx_new("vm: 100\n\tstate stopped\n", NULL);

	fx_step(f);
	f->in.n_nodes = 2;
	fx_step(f);
	assert_int_equal(fx_node_state(f, 2), HAMGR_NODE_GONE);
	fx_free(f);
}

static void
test_removed_node_with_services_is_fenced_first(void **state)
{
	struct fx *f = fx_new("vm: 100\nvm: 101\nvm: 102\n", NULL);

	fx_step(f);
	assert_string_equal(fx_svc(f, "vm:102")->node, "n3");
	/* n3 is deleted from the cluster while it may still run vm:102. */
	f->in.n_nodes = 2;
	f->in.now_ns = 20 * SEC;
	fx_step(f);
	assert_int_equal(fx_node_state(f, 2), HAMGR_NODE_FENCE);
	assert_int_equal(fx_svc(f, "vm:102")->state, HAMGR_SVC_FENCE);
	f->in.now_ns = 20 * SEC + hamgr_settings_fence_wait_ns(&f->settings) - 1;
	fx_step(f);
	assert_int_equal(fx_svc(f, "vm:102")->state, HAMGR_SVC_FENCE);
	f->in.now_ns++;
	fx_step(f);
	assert_int_equal(fx_svc(f, "vm:102")->state, HAMGR_SVC_STARTED);
	assert_string_not_equal(fx_svc(f, "vm:102")->node, "n3");
	fx_step(f);
	assert_int_equal(fx_node_state(f, 2), HAMGR_NODE_GONE);
	fx_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_services_spread_with_unique_ids),
		cmocka_unit_test(test_no_quorum_no_decision),
		cmocka_unit_test(test_lost_node_is_fenced_before_recovery),
		cmocka_unit_test(test_fence_device_confirmation_recovers_at_once),
		cmocka_unit_test(test_fence_delay_postpones_device),
		cmocka_unit_test(test_node_back_before_fence_keeps_service),
		cmocka_unit_test(test_lost_node_without_services_is_unknown),
		cmocka_unit_test(test_restart_then_relocate_then_error),
		cmocka_unit_test(test_stop_request),
		cmocka_unit_test(test_migrate_command),
		cmocka_unit_test(test_failed_relocation_stays_on_source),
		cmocka_unit_test(test_command_to_unusable_node_is_ignored),
		cmocka_unit_test(test_migration_source_lost_recovers_on_target),
		cmocka_unit_test(test_maintenance_moves_services_away),
		cmocka_unit_test(test_maintenance_command_until_disabled),
		cmocka_unit_test(test_maintenance_command_unknown_node),
		cmocka_unit_test(test_failback_to_higher_priority),
		cmocka_unit_test(test_nofailback_stays),
		cmocka_unit_test(test_restricted_without_node_waits_in_recovery),
		cmocka_unit_test(test_error_on_fenced_node_not_cleared_before_fence),
		cmocka_unit_test(test_removed_node_is_gone),
		cmocka_unit_test(test_removed_node_with_services_is_fenced_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
