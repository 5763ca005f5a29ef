/*
 * test-format.c - what `clusterctl status` and `nodes` print for known
 * facts: the pvecm sections in order, only online members in the
 * membership, the flags as words, and JSON carrying the same values.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <corosync/votequorum.h>

#include "clusterctl/clusterctl.h"

static void
three_nodes(struct ctl_status *s)
{
	memset(s, 0, sizeof(*s));
	strcpy(s->cluster_name, "prod");
	s->config_version = 7;
	strcpy(s->transport, "knet");
	s->secure_auth = true;
	s->date = 1700000000;
	strcpy(s->provider, "corosync_votequorum");
	s->n_members = 2;
	s->local_nodeid = 2;
	s->ring_nodeid = 1;
	s->ring_seq = 0x1c;
	s->quorate = true;
	s->expected_votes = 3;
	s->highest_expected = 3;
	s->total_votes = 2;
	s->quorum = 2;
	s->flags = VOTEQUORUM_INFO_QUORATE | VOTEQUORUM_INFO_WAIT_FOR_ALL;
	s->n_nodes = 3;
	s->nodes[0] = (struct ctl_node){1, 1, "a", "10.0.0.1", true, false};
	s->nodes[1] = (struct ctl_node){2, 1, "b", "10.0.0.2", true, true};
	s->nodes[2] = (struct ctl_node){3, 1, "c", "10.0.0.3", false, false};
}

/* Run @fn on @s into a string (caller frees). */
static char *
printed(void (*fn)(FILE *, const struct ctl_status *), const struct ctl_status *s)
{
	char *buf = calloc(1, 8192);
	FILE *f;

	assert_non_null(buf);
	f = fmemopen(buf, 8191, "w");
	assert_non_null(f);
	fn(f, s);
	fclose(f);
	return buf;
}

static void
test_status_text_sections_in_pvecm_order(void **state)
{
	struct ctl_status s;
	char *t;
	const char *p;

	three_nodes(&s);
	t = printed(ctl_status_print, &s);
	p = strstr(t, "Cluster information\n-------------------\nName:             prod\n"
	              "Config Version:   7\nTransport:        knet\nSecure auth:      on\n");
	assert_non_null(p);
	p = strstr(p, "Quorum information\n");
	assert_non_null(p);
	p = strstr(p,
	           "Quorum provider:  corosync_votequorum\nNodes:            2\n"
	           "Node ID:          0x00000002\nRing ID:          1.1c\nQuorate:          Yes\n");
	assert_non_null(p);
	p = strstr(p, "Votequorum information\n");
	assert_non_null(p);
	p = strstr(p, "Expected votes:   3\nHighest expected: 3\nTotal votes:      2\n"
	              "Quorum:           2 \nFlags:            Quorate WaitForAll\n");
	assert_non_null(p);
	p = strstr(p, "Membership information\n");
	assert_non_null(p);
	assert_non_null(strstr(p, "0x00000001          1 a 10.0.0.1\n"));
	assert_non_null(strstr(p, "0x00000002          1 b 10.0.0.2 (local)\n"));
	/* Membership is who is there now: the offline node is not listed. */
	assert_null(strstr(p, "10.0.0.3"));
	free(t);
}

static void
test_status_text_says_activity_blocked_without_quorum(void **state)
{
	struct ctl_status s;
	char *t;

	three_nodes(&s);
	s.quorate = false;
	s.flags = 0;
	t = printed(ctl_status_print, &s);
	assert_non_null(strstr(t, "Quorate:          No\n"));
	assert_non_null(strstr(t, "Quorum:           2 Activity blocked\n"));
	assert_non_null(strstr(t, "Flags:            \n"));
	free(t);
}

static void
test_status_json_same_facts(void **state)
{
	struct ctl_status s;
	json_object *o, *x, *m;

	three_nodes(&s);
	o = ctl_status_json(&s);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "cluster", &x));
	assert_string_equal(json_object_get_string(json_object_object_get(x, "name")), "prod");
	assert_int_equal(json_object_get_int64(json_object_object_get(x, "config_version")), 7);
	assert_true(json_object_get_boolean(json_object_object_get(x, "secure_auth")));
	assert_true(json_object_object_get_ex(o, "quorum", &x));
	assert_string_equal(json_object_get_string(json_object_object_get(x, "ring_id")), "1.1c");
	assert_int_equal(json_object_get_int64(json_object_object_get(x, "nodes")), 2);
	assert_int_equal(json_object_get_int64(json_object_object_get(x, "node_id")), 2);
	assert_true(json_object_get_boolean(json_object_object_get(x, "quorate")));
	assert_true(json_object_object_get_ex(o, "votequorum", &x));
	assert_int_equal(json_object_get_int64(json_object_object_get(x, "quorum")), 2);
	m = json_object_object_get(x, "flags");
	assert_int_equal(json_object_array_length(m), 2);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(m, 1)), "WaitForAll");
	assert_true(json_object_object_get_ex(o, "members", &m));
	assert_int_equal(json_object_array_length(m), 2);
	x = json_object_array_get_idx(m, 1);
	assert_string_equal(json_object_get_string(json_object_object_get(x, "name")), "b");
	assert_true(json_object_get_boolean(json_object_object_get(x, "local")));
	json_object_put(o);
}

static void
test_nodes_lists_offline_nodes_too(void **state)
{
	struct ctl_status s;
	json_object *o, *a;
	char *t;

	three_nodes(&s);
	t = printed(ctl_nodes_print, &s);
	assert_non_null(
	    strstr(t, "     3     1 c                10.0.0.3                 offline\n"));
	assert_non_null(strstr(t, "online (local)\n"));
	free(t);
	o = ctl_nodes_json(&s);
	assert_non_null(o);
	a = json_object_object_get(o, "nodes");
	assert_int_equal(json_object_array_length(a), 3);
	assert_false(json_object_get_boolean(
	    json_object_object_get(json_object_array_get_idx(a, 2), "online")));
	json_object_put(o);
}

/* The one warning of @s's JSON, or NULL when "warnings" is empty. */
static const char *
json_warning(json_object *o)
{
	json_object *w;

	assert_true(json_object_object_get_ex(o, "warnings", &w));
	assert_true(json_object_is_type(w, json_type_array));
	assert_in_range(json_object_array_length(w), 0, 1);
	return json_object_array_length(w) ? json_object_get_string(json_object_array_get_idx(w, 0))
	                                   : NULL;
}

/* Two nodes, neither two_node nor a qdevice: warned in text and JSON. */
static void
test_status_warns_two_nodes_without_tie_breaker(void **state)
{
	struct ctl_status s;
	json_object *o;
	char *t;

	three_nodes(&s);
	s.n_nodes = 2;
	t = printed(ctl_status_print, &s);
	assert_true(strncmp(t, "WARNING: two-node cluster without a tie-breaker: it loses quorum "
	                       "when either node fails",
	                    80) == 0);
	free(t);
	o = ctl_status_json(&s);
	assert_non_null(o);
	assert_non_null(json_warning(o));
	assert_non_null(strstr(json_warning(o), "without a tie-breaker"));
	assert_non_null(strstr(json_warning(o), "qdevice"));
	json_object_put(o);
}

/* two_node alone still leaves split brain to fencing: a different warning. */
static void
test_status_warns_two_node_without_qdevice(void **state)
{
	struct ctl_status s;
	json_object *o;
	char *t;

	three_nodes(&s);
	s.n_nodes = 2;
	s.flags |= VOTEQUORUM_INFO_TWONODE;
	t = printed(ctl_status_print, &s);
	assert_non_null(strstr(t, "WARNING: two-node cluster without a qdevice: two_node keeps"));
	assert_non_null(strstr(t, "Flags:            Quorate 2Node WaitForAll\n"));
	free(t);
	o = ctl_status_json(&s);
	assert_non_null(o);
	assert_non_null(strstr(json_warning(o), "only fencing prevents split brain"));
	json_object_put(o);
}

/* A qdevice breaks the tie; three nodes need none: no warning anywhere. */
static void
test_status_no_warning_with_qdevice_or_three_nodes(void **state)
{
	struct ctl_status s;
	json_object *o;
	char *t;

	three_nodes(&s);
	t = printed(ctl_status_print, &s);
	assert_null(strstr(t, "WARNING"));
	free(t);
	o = ctl_status_json(&s);
	assert_null(json_warning(o));
	json_object_put(o);

	s.n_nodes = 2;
	s.flags |= VOTEQUORUM_INFO_TWONODE | VOTEQUORUM_INFO_QDEVICE_REGISTERED;
	t = printed(ctl_status_print, &s);
	assert_null(strstr(t, "WARNING"));
	free(t);
	o = ctl_status_json(&s);
	assert_null(json_warning(o));
	json_object_put(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_status_text_sections_in_pvecm_order),
	    cmocka_unit_test(test_status_text_says_activity_blocked_without_quorum),
	    cmocka_unit_test(test_status_json_same_facts),
	    cmocka_unit_test(test_nodes_lists_offline_nodes_too),
	    cmocka_unit_test(test_status_warns_two_nodes_without_tie_breaker),
	    cmocka_unit_test(test_status_warns_two_node_without_qdevice),
	    cmocka_unit_test(test_status_no_warning_with_qdevice_or_three_nodes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
