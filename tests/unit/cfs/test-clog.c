/*
 * test-clog.c - the cluster log keeps the last entries in order, its
 * messages survive the wire, and bad entries are refused.
 */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "cfs/cfs.h"

static json_object *
entries(const cfs_clog_t *log)
{
	char *text = cfs_clog_json(log);
	json_object *root, *list = NULL;

	assert_non_null(text);
	root = json_tokener_parse(text);
	free(text);
	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "entries", &list));
	json_object_get(list);
	json_object_put(root);
	return list;
}

static const char *
text_of(json_object *list, size_t i)
{
	json_object *text = NULL;

	assert_true(json_object_object_get_ex(json_object_array_get_idx(list, i), "text", &text));
	return json_object_get_string(text);
}

static void
test_keeps_the_last_entries_in_order(void **state)
{
	cfs_clog_t *log = cfs_clog_new();
	char text[32];
	json_object *list;

	for (int i = 0; i < CFS_CLOG_KEEP + 5; i++) {
		snprintf(text, sizeof(text), "entry %d", i);
		assert_int_equal(cfs_clog_add(log, &(struct cfs_clog_entry){ i, 1, "n1", "t", text }),
				 0);
	}
	list = entries(log);
	assert_int_equal(json_object_array_length(list), CFS_CLOG_KEEP);
	assert_string_equal(text_of(list, 0), "entry 5");
	assert_string_equal(text_of(list, CFS_CLOG_KEEP - 1), "entry 1004");
	json_object_put(list);
	cfs_clog_free(log);
}

static void
test_round_trip_and_refusals(void **state)
{
	struct cfs_clog_entry in = { 1700000000, 3, "n3", "ha-crm", "vm:100 recovered on n2" };
	struct cfs_clog_entry out, bad = in;
	char long_text[CFS_CLOG_TEXT_MAX + 2];
	unsigned char *buf;
	size_t len;

	assert_int_equal(cfs_clog_encode(&in, (void **)&buf, &len), 0);
	assert_int_equal(cfs_clog_decode(buf, len, &out), 0);
	assert_true(out.time == in.time);
	assert_string_equal(out.node, "n3");
	assert_string_equal(out.tag, "ha-crm");
	assert_string_equal(out.text, in.text);
	for (size_t cut = 0; cut < len; cut++)
		assert_int_equal(cfs_clog_decode(buf, cut, &out), -EBADMSG);
	/* A control character smuggled into the text on the wire. */
	buf[len - 3] = '\n';
	assert_int_equal(cfs_clog_decode(buf, len, &out), -EBADMSG);
	free(buf);

	bad.text = "two\nlines";
	assert_int_equal(cfs_clog_encode(&bad, (void **)&buf, &len), -EINVAL);
	memset(long_text, 'x', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	bad.text = long_text;
	assert_int_equal(cfs_clog_encode(&bad, (void **)&buf, &len), -EINVAL);
	bad = in;
	bad.node = "";
	assert_int_equal(cfs_clog_encode(&bad, (void **)&buf, &len), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keeps_the_last_entries_in_order),
		cmocka_unit_test(test_round_trip_and_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
