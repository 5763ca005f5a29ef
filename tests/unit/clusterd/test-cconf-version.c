/*
 * test-cconf-version.c - the config_version of corosync.conf text, which
 * decides whether a node installs a new corosync.conf.
 */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "clusterd/clusterd.h"

static int
version_of(const char *text, uint64_t *v)
{
	*v = 4242;
	return cd_cconf_version(text, strlen(text), v);
}

static void
test_found_in_totem(void **state)
{
	uint64_t v;

	assert_int_equal(version_of("totem {\n\tversion: 2\n\tconfig_version: 17\n}\n", &v), 0);
	assert_int_equal(v, 17);
	assert_int_equal(version_of("config_version:3", &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(version_of("  config_version :  18446744073709551615  \n", &v), 0);
	assert_true(v == UINT64_MAX);
}

static void
test_missing_is_enoent(void **state)
{
	uint64_t v;

	assert_int_equal(version_of("totem {\n\tversion: 2\n}\n", &v), -ENOENT);
	assert_int_equal(version_of("", &v), -ENOENT);
	/* Another key that merely starts the same way. */
	assert_int_equal(version_of("config_versions: 5\n", &v), -ENOENT);
	assert_int_equal(v, 4242); /* untouched */
}

static void
test_garbage_is_einval(void **state)
{
	uint64_t v;

	assert_int_equal(version_of("config_version: abc\n", &v), -EINVAL);
	assert_int_equal(version_of("config_version: 12x\n", &v), -EINVAL);
	assert_int_equal(version_of("config_version:\n", &v), -EINVAL);
	assert_int_equal(version_of("config_version: 99999999999999999999999\n", &v), -EINVAL);
	assert_int_equal(v, 4242);
}

static void
test_text_without_newline_is_read_to_its_length(void **state)
{
	uint64_t v;
	const char text[] = "config_version: 12345";

	/* Only the first 18 bytes count: "config_version: 12". */
	assert_int_equal(cd_cconf_version(text, 18, &v), 0);
	assert_int_equal(v, 12);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_found_in_totem),
		cmocka_unit_test(test_missing_is_enoent),
		cmocka_unit_test(test_garbage_is_einval),
		cmocka_unit_test(test_text_without_newline_is_read_to_its_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
