/*
 * test-agent.c - the external agent driver against a fake fence agent (a
 * shell script): stdin key=value lines, exit codes, verification, a hung
 * agent killed at the timeout, and the password kept out of argv and
 * messages.
 */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "fence/fence.h"
#include "tests/unit/tmpdir.h"

/* Behaviour comes from the file "mode" next to the script. */
static const char fake_agent[] =
    "#!/bin/sh\n"
    "dir=$(dirname \"$0\")\n"
    "input=$(cat)\n"
    "printf '%s\\nargs=%s\\n--\\n' \"$input\" \"$#\" >>\"$dir/input.log\"\n"
    "action=$(printf '%s\\n' \"$input\" | sed -n 's/^action=//p')\n"
    "mode=$(cat \"$dir/mode\")\n"
    "[ \"$mode\" = hang ] && exec sleep 60\n"
    "if [ \"$mode\" = leak ]; then\n"
    "  echo \"login failed with $(printf '%s\\n' \"$input\" | grep password=)\"; exit 1\n"
    "fi\n"
    "case $action in\n"
    "off) [ \"$mode\" = stuck ] || echo off >\"$dir/power\"; exit 0 ;;\n"
    "on) echo on >\"$dir/power\"; exit 0 ;;\n"
    "status) [ \"$mode\" = broken ] && { echo 'cannot connect'; exit 1; }\n"
    "  [ \"$(cat \"$dir/power\")\" = off ] && exit 2; exit 0 ;;\n"
    "esac\n"
    "exit 1\n";

struct fixture {
	char dir[PATH_MAX];
	char agent[PATH_MAX + 16];
	struct fence_option opt;
	struct fence_device dev;
};

static void
put(struct fixture *f, const char *name, const char *text)
{
	char path[PATH_MAX + 64];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static char *
slurp(struct fixture *f, const char *name)
{
	static char buf[8192];
	char path[PATH_MAX + 64];
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	fp = fopen(path, "r");
	if (!fp)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static int
setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	if (test_tmpdir_make(f.dir, sizeof(f.dir)) < 0)
		return -1;
	snprintf(f.agent, sizeof(f.agent), "%s/fence_fake", f.dir);
	put(&f, "fence_fake", fake_agent);
	chmod(f.agent, 0755);
	put(&f, "mode", "normal\n");
	put(&f, "power", "on\n");
	f.opt.key = (char *)(uintptr_t) "plug";
	f.opt.value = (char *)(uintptr_t) "7";
	f.dev.name = (char *)(uintptr_t) "pdu";
	f.dev.type = (char *)(uintptr_t) "agent";
	f.dev.agent = f.agent;
	f.dev.address = (char *)(uintptr_t) "192.0.2.9";
	f.dev.port = 6231;
	f.dev.user = (char *)(uintptr_t) "fencer";
	f.dev.cipher = 3;
	f.dev.privilege = FENCE_PRIV_OPERATOR;
	f.dev.options = &f.opt;
	f.dev.n_options = 1;
	f.dev.timeout_ms = 5000;
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	test_tmpdir_remove(f->dir);
	return 0;
}

static int
run(struct fixture *f, enum fence_action action, bool *on, fence_err_t *err)
{
	return fence_device_run(fence_driver_find("agent"), &f->dev, "s3cret", action,
	                        &fence_clock_monotonic, on, err);
}

static void
test_off_sends_standard_lines_and_verifies(void **state)
{
	struct fixture *f = *state;
	fence_err_t err = {""};
	const char *log;

	assert_int_equal(run(f, FENCE_ACTION_OFF, NULL, &err), 0);
	assert_string_equal(slurp(f, "power"), "off\n");
	log = slurp(f, "input.log");
	assert_non_null(strstr(log,
	                       "action=off\nip=192.0.2.9\nipport=6231\nusername=fencer\n"
	                       "cipher=3\nprivlvl=operator\nplug=7\npassword=s3cret\nargs=0\n"));
	/* Verified: a status call came after the off. */
	assert_non_null(strstr(log, "action=status\n"));
	assert_true(strstr(log, "action=status\n") > strstr(log, "action=off\n"));
}

static void
test_status_codes(void **state)
{
	struct fixture *f = *state;
	fence_err_t err = {""};
	bool on = false;

	assert_int_equal(run(f, FENCE_ACTION_STATUS, &on, &err), 0);
	assert_true(on);
	put(f, "power", "off\n");
	assert_int_equal(run(f, FENCE_ACTION_STATUS, &on, &err), 0);
	assert_false(on);
	put(f, "mode", "broken\n");
	assert_int_equal(run(f, FENCE_ACTION_STATUS, &on, &err), -EIO);
	assert_non_null(strstr(err.msg, "action=status exited with 1: cannot connect"));
}

static void
test_acknowledged_off_that_stays_on_fails(void **state)
{
	struct fixture *f = *state;
	fence_err_t err = {""};

	put(f, "mode", "stuck\n");
	f->dev.timeout_ms = 600;
	assert_int_equal(run(f, FENCE_ACTION_OFF, NULL, &err), -ETIMEDOUT);
	assert_non_null(strstr(err.msg, "accepted power off, but still reports power on"));
}

static void
test_hung_agent_is_killed_at_timeout(void **state)
{
	struct fixture *f = *state;
	fence_err_t err = {""};

	put(f, "mode", "hang\n");
	f->dev.timeout_ms = 300;
	assert_int_equal(run(f, FENCE_ACTION_OFF, NULL, &err), -ETIMEDOUT);
	assert_non_null(strstr(err.msg, "did not finish within"));
	assert_non_null(strstr(err.msg, "killed"));
}

static void
test_password_scrubbed_from_messages(void **state)
{
	struct fixture *f = *state;
	fence_err_t err = {""};

	put(f, "mode", "leak\n");
	assert_int_equal(run(f, FENCE_ACTION_OFF, NULL, &err), -EIO);
	assert_non_null(strstr(err.msg, "login failed with password=******"));
	assert_null(strstr(err.msg, "s3cret"));
}

static void
test_missing_agent(void **state)
{
	struct fixture *f = *state;
	fence_err_t err = {""};

	f->dev.agent = (char *)(uintptr_t) "fence_clusterha_does_not_exist";
	assert_int_equal(run(f, FENCE_ACTION_STATUS, NULL, &err), -EIO);
	assert_non_null(strstr(err.msg, "cannot execute 'fence_clusterha_does_not_exist'"));
}

static void
test_no_password_line_without_password(void **state)
{
	struct fixture *f = *state;
	fence_err_t err = {""};

	assert_int_equal(fence_device_run(fence_driver_find("agent"), &f->dev, NULL,
	                                  FENCE_ACTION_STATUS, &fence_clock_monotonic, NULL, &err),
	                 0);
	assert_null(strstr(slurp(f, "input.log"), "password"));
}

static void
test_driver_table(void **state)
{
	assert_non_null(fence_driver_find("ipmi"));
	assert_non_null(fence_driver_find("agent"));
	assert_null(fence_driver_find("redfish"));
	assert_null(fence_driver_find(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_off_sends_standard_lines_and_verifies, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_status_codes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_acknowledged_off_that_stays_on_fails, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_hung_agent_is_killed_at_timeout, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_password_scrubbed_from_messages, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missing_agent, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_password_line_without_password, setup,
	                                    teardown),
	    cmocka_unit_test(test_driver_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
