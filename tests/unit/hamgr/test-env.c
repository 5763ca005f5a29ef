/* test-env.c - a half-implemented environment is refused, naming the gap. */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "hamgr/hamgr.h"

static uint64_t now(void *c) { return 0; }
static int memb(void *c, struct hamgr_membership *r) { return 0; }
static int rd(void *c, const char *p, char **d, size_t *l) { return -ENOENT; }
static int wr(void *c, const char *p, const char *d, size_t l) { return 0; }
static int lease(void *c, const char *n) { return 0; }
static int linfo(void *c, const char *n, struct hamgr_lease_info *r) { return -ENOENT; }
static int wdo(void *c, unsigned t) { return 0; }
static int wdf(void *c) { return 0; }
static int wdc(void *c, bool clean) { return 0; }
static int gop(void *c, const char *s, enum hamgr_guest_op o, const char *t, uint32_t to, uint64_t id) { return 0; }
static int fence(void *c, const char *n) { return 0; }

static const struct hamgr_env_ops full = {
	.now_ns = now, .membership = memb, .read_file = rd, .write_file = wr,
	.lease_acquire = lease, .lease_renew = lease, .lease_release = lease,
	.lease_steal = lease,
	.lease_info = linfo, .watchdog_open = wdo, .watchdog_feed = wdf,
	.watchdog_close = wdc, .guest_op = gop, .fence_node = fence,
};

static void
test_complete_ops_pass(void **state)
{
	assert_int_equal(hamgr_env_check(&full, NULL), 0);
}

static void
test_missing_op_is_named(void **state)
{
	struct hamgr_env_ops ops = full;
	const char *missing = NULL;

	ops.watchdog_feed = NULL;
	assert_int_equal(hamgr_env_check(&ops, &missing), -EINVAL);
	assert_string_equal(missing, "watchdog_feed");
	ops = full;
	ops.fence_node = NULL;
	assert_int_equal(hamgr_env_check(&ops, &missing), -EINVAL);
	assert_string_equal(missing, "fence_node");
	ops = full;
	ops.lease_steal = NULL;
	assert_int_equal(hamgr_env_check(&ops, &missing), -EINVAL);
	assert_string_equal(missing, "lease_steal");
	ops = full;
	ops.now_ns = NULL;
	assert_int_equal(hamgr_env_check(&ops, &missing), -EINVAL);
	assert_string_equal(missing, "now_ns");
	assert_int_equal(hamgr_env_check(NULL, &missing), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_complete_ops_pass),
		cmocka_unit_test(test_missing_op_is_named),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
