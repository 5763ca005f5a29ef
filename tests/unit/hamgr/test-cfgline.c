/* test-cfgline.c - the line reader and value parsers every config format uses. */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "hamgr/hamgr-int.h"

static void
test_skips_comments_and_blanks_and_splits(void **state)
{
	const char text[] = "# comment\n\nvm: 100\n\tstate  started  \n  # indented comment\n"
			    "last";
	struct hamgr_cfg_reader r;
	struct hamgr_cfg_line l;
	struct hamgr_error err;

	hamgr_cfg_reader_init(&r, "f.cfg", text, strlen(text));
	assert_int_equal(hamgr_cfg_next(&r, &l, &err), 1);
	assert_int_equal(l.line, 3);
	assert_false(l.indented);
	assert_string_equal(l.key, "vm:");
	assert_string_equal(l.value, "100");
	assert_int_equal(hamgr_cfg_next(&r, &l, &err), 1);
	assert_int_equal(l.line, 4);
	assert_true(l.indented);
	assert_string_equal(l.key, "state");
	assert_string_equal(l.value, "started");
	/* A last line without newline still counts. */
	assert_int_equal(hamgr_cfg_next(&r, &l, &err), 1);
	assert_int_equal(l.line, 6);
	assert_string_equal(l.key, "last");
	assert_string_equal(l.value, "");
	assert_int_equal(hamgr_cfg_next(&r, &l, &err), 0);
}

static void
test_nul_byte_names_line(void **state)
{
	const char text[] = "a 1\nb \0 2\n";
	struct hamgr_cfg_reader r;
	struct hamgr_cfg_line l;
	struct hamgr_error err;

	hamgr_cfg_reader_init(&r, "f.cfg", text, sizeof(text) - 1);
	assert_int_equal(hamgr_cfg_next(&r, &l, &err), 1);
	assert_int_equal(hamgr_cfg_next(&r, &l, &err), -EINVAL);
	assert_int_equal(err.line, 2);
	assert_string_equal(err.text, "f.cfg:2: NUL byte in line");
}

static void
test_long_line_is_refused(void **state)
{
	char text[HAMGR_LINE_MAX + 10];
	struct hamgr_cfg_reader r;
	struct hamgr_cfg_line l;
	struct hamgr_error err;

	memset(text, 'x', sizeof(text));
	hamgr_cfg_reader_init(&r, "f.cfg", text, sizeof(text));
	assert_int_equal(hamgr_cfg_next(&r, &l, &err), -EINVAL);
	assert_string_equal(err.text, "f.cfg:1: line longer than 1024 bytes");
}

static void
test_error_without_line(void **state)
{
	struct hamgr_error err;

	assert_int_equal(hamgr_error_set(&err, "x.cfg", 0, "bad %d", 7), -EINVAL);
	assert_string_equal(err.text, "x.cfg: bad 7");
}

static void
test_durations(void **state)
{
	uint64_t v = 0;

	assert_int_equal(hamgr_parse_duration_ms("500ms", &v), 0);
	assert_int_equal(v, 500);
	assert_int_equal(hamgr_parse_duration_ms("5s", &v), 0);
	assert_int_equal(v, 5000);
	assert_int_equal(hamgr_parse_duration_ms("5 s", &v), 0);
	assert_int_equal(v, 5000);
	assert_int_equal(hamgr_parse_duration_ms("5", &v), -EINVAL);
	assert_int_equal(hamgr_parse_duration_ms("5min", &v), -EINVAL);
	assert_int_equal(hamgr_parse_duration_ms("-5s", &v), -EINVAL);
	assert_int_equal(hamgr_parse_duration_ms("s", &v), -EINVAL);
	assert_int_equal(hamgr_parse_duration_ms("86401s", &v), -ERANGE);
	assert_int_equal(hamgr_parse_duration_ms("99999999999999999999999999999999ms", &v),
			 -ERANGE);
}

static void
test_uint_bounds(void **state)
{
	uint64_t v = 0;

	assert_int_equal(hamgr_parse_uint("7", 1, 10, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(hamgr_parse_uint("0", 1, 10, &v), -ERANGE);
	assert_int_equal(hamgr_parse_uint("11", 1, 10, &v), -ERANGE);
	assert_int_equal(hamgr_parse_uint("7x", 1, 10, &v), -EINVAL);
	assert_int_equal(hamgr_parse_uint("", 1, 10, &v), -EINVAL);
	assert_int_equal(hamgr_parse_uint("+7", 1, 10, &v), -EINVAL);
}

static void
test_names(void **state)
{
	assert_true(hamgr_name_valid("node-1.lab_a"));
	assert_false(hamgr_name_valid(""));
	assert_false(hamgr_name_valid("-x"));
	assert_false(hamgr_name_valid("a/b"));
	assert_false(hamgr_name_valid("a b"));
	assert_false(hamgr_name_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_skips_comments_and_blanks_and_splits),
		cmocka_unit_test(test_nul_byte_names_line),
		cmocka_unit_test(test_long_line_is_refused),
		cmocka_unit_test(test_error_without_line),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_uint_bounds),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
