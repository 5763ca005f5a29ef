/* test-cs_errno.c - corosync results map onto the errno a caller can act on. */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "common/common.h"

static void
test_ok_is_zero(void **state)
{
	assert_int_equal(cl_cs_errno(CS_OK), 0);
}

static void
test_retryable_errors_are_eagain(void **state)
{
	/* Callers retry on -EAGAIN; both "try again" flavours must say so. */
	assert_int_equal(cl_cs_errno(CS_ERR_TRY_AGAIN), -EAGAIN);
	assert_int_equal(cl_cs_errno(CS_ERR_QUEUE_FULL), -EAGAIN);
}

static void
test_lost_connection_is_enotconn(void **state)
{
	assert_int_equal(cl_cs_errno(CS_ERR_LIBRARY), -ENOTCONN);
}

static void
test_common_failures(void **state)
{
	assert_int_equal(cl_cs_errno(CS_ERR_NO_MEMORY), -ENOMEM);
	assert_int_equal(cl_cs_errno(CS_ERR_EXIST), -EEXIST);
	assert_int_equal(cl_cs_errno(CS_ERR_NOT_EXIST), -ENOENT);
	assert_int_equal(cl_cs_errno(CS_ERR_ACCESS), -EACCES);
	assert_int_equal(cl_cs_errno(CS_ERR_TIMEOUT), -ETIMEDOUT);
	assert_int_equal(cl_cs_errno(CS_ERR_TOO_BIG), -EMSGSIZE);
}

static void
test_every_failure_is_negative(void **state)
{
	/* No corosync failure may ever look like success to a caller. */
	for (int e = CS_ERR_LIBRARY; e <= CS_ERR_SECURITY; e++)
		assert_true(cl_cs_errno((cs_error_t)e) < 0);
	assert_int_equal(cl_cs_errno((cs_error_t)12345), -EIO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ok_is_zero),
		cmocka_unit_test(test_retryable_errors_are_eagain),
		cmocka_unit_test(test_lost_connection_is_enotconn),
		cmocka_unit_test(test_common_failures),
		cmocka_unit_test(test_every_failure_is_negative),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
