/*
 * test-token.c - join tokens: they round-trip through their text form,
 * damaged ones are refused with a reason, and the member's record accepts
 * the right secret once, before its expiry, and never stores the secret.
 */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "clusterctl/token.h"

#define FP "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void
test_round_trip(void **state)
{
	struct ctl_token t, u;
	char text[512];
	const char *why;

	assert_int_equal(ctl_token_new(FP, "10.0.0.1", 5406, &t), 0);
	assert_int_equal(ctl_token_format(&t, text, sizeof(text)), 0);
	assert_int_equal(ctl_token_parse(text, &u, &why), 0);
	assert_string_equal(u.id, t.id);
	assert_string_equal(u.secret, t.secret);
	assert_string_equal(u.ca_fp, FP);
	assert_int_equal(u.port, 5406);
	assert_string_equal(u.addr, "10.0.0.1");
	/* IPv6 addresses survive too: the address is the last field. */
	assert_int_equal(ctl_token_new(FP, "fd00::1", 1, &t), 0);
	assert_int_equal(ctl_token_format(&t, text, sizeof(text)), 0);
	assert_int_equal(ctl_token_parse(text, &u, &why), 0);
	assert_string_equal(u.addr, "fd00::1");
}

static void
test_two_tokens_differ(void **state)
{
	struct ctl_token a, b;

	assert_int_equal(ctl_token_new(FP, "x", 1, &a), 0);
	assert_int_equal(ctl_token_new(FP, "x", 1, &b), 0);
	assert_string_not_equal(a.id, b.id);
	assert_string_not_equal(a.secret, b.secret);
}

static void
test_damaged_tokens_are_refused(void **state)
{
	struct ctl_token t;
	char text[512];
	const char *why;
	const char *bad[] = {"", "hello", "clj1.", "clj1.zz.aa.bb.1.x"};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(ctl_token_parse(bad[i], &t, &why), -EINVAL);
		assert_non_null(why);
	}
	assert_int_equal(ctl_token_new(FP, "h", 5406, &t), 0);
	assert_int_equal(ctl_token_format(&t, text, sizeof(text)), 0);
	text[strlen(text) - 8] = '\0'; /* cut into the port */
	assert_int_equal(ctl_token_parse(text, &t, &why), -EINVAL);
}

static void
test_record_checks_secret_once_before_expiry(void **state)
{
	struct ctl_token t, other;
	char *rec = NULL, *used = NULL;
	time_t exp = 0;

	assert_int_equal(ctl_token_new(FP, "h", 1, &t), 0);
	assert_int_equal(ctl_token_new(FP, "h", 1, &other), 0);
	assert_int_equal(ctl_token_record(&t, 1000, &rec), 0);
	/* The secret itself is not in the record. */
	assert_null(strstr(rec, t.secret));
	assert_int_equal(ctl_token_check(rec, t.secret, 999, &exp), 0);
	assert_int_equal(ctl_token_check(rec, other.secret, 999, &exp), -EACCES);
	assert_int_equal(ctl_token_check(rec, t.secret, 1000, &exp), -ETIME);
	assert_int_equal(exp, 1000);
	assert_int_equal(ctl_token_mark_used(rec, &used), 0);
	assert_int_equal(ctl_token_check(used, t.secret, 999, &exp), -EALREADY);
	/* A wrong secret on a used token still says only "wrong". */
	assert_int_equal(ctl_token_check(used, other.secret, 999, &exp), -EACCES);
	assert_int_equal(ctl_token_check("garbage", t.secret, 999, &exp), -EINVAL);
	free(rec);
	free(used);
}

static void
test_durations(void **state)
{
	unsigned s = 0;

	assert_int_equal(ctl_parse_duration("90", &s), 0);
	assert_int_equal(s, 90);
	assert_int_equal(ctl_parse_duration("15m", &s), 0);
	assert_int_equal(s, 900);
	assert_int_equal(ctl_parse_duration("2h", &s), 0);
	assert_int_equal(s, 7200);
	assert_int_equal(ctl_parse_duration("30d", &s), 0);
	assert_int_equal(ctl_parse_duration("31d", &s), -EINVAL);
	assert_int_equal(ctl_parse_duration("0", &s), -EINVAL);
	assert_int_equal(ctl_parse_duration("1w", &s), -EINVAL);
	assert_int_equal(ctl_parse_duration("h", &s), -EINVAL);
	assert_int_equal(ctl_parse_duration("5mm", &s), -EINVAL);
	assert_int_equal(ctl_parse_duration("-5", &s), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_two_tokens_differ),
	    cmocka_unit_test(test_damaged_tokens_are_refused),
	    cmocka_unit_test(test_record_checks_secret_once_before_expiry),
	    cmocka_unit_test(test_durations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
