/*
 * test-exec.c - the "svc" backend with real shell scripts: start, status,
 * stop and migrate call the script as the contract says, each exit code
 * maps to its error code and message, a stop that hangs past the timeout
 * is killed, and bad configs name file, line and key.
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
#include <unistd.h>

#include <cmocka.h>

#include "vmm-bridge/vmm-int.h"
#include "tests/unit/tmpdir.h"

#define ID 300

struct fixture {
	char dir[PATH_MAX];
	vmm_ctx_t *ctx;
	const struct vmm_backend *svc;
};

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	assert_int_equal(chmod(path, mode), 0);
}

static void
put(const struct fixture *f, const char *rel, const char *text)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", f->dir, rel);
	write_file(path, text, 0644);
}

static bool
exists(const struct fixture *f, const char *rel)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", f->dir, rel);
	return access(path, F_OK) == 0;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char root[PATH_MAX + 16], path[PATH_MAX + 64], text[4 * PATH_MAX];
	struct vmm_ctx_options opt = { .node = "n1" };
	vmm_error_t err;

	if (!f || test_tmpdir_make(f->dir, sizeof(f->dir)) < 0)
		return -1;
	snprintf(root, sizeof(root), "%s/root", f->dir);
	snprintf(path, sizeof(path), "%s/root/nodes/n2", f->dir);
	assert_int_equal(vmm_mkdir_p(path), 0);
	opt.config_root = root;
	/* The service: "running" is a file; codes to answer come from files. */
	snprintf(text, sizeof(text),
		 "#!/bin/sh\n"
		 "d=%s\n"
		 "echo \"$1 $2 $3 $CLUSTERHA_GUEST_ID $CLUSTERHA_NODE $CLUSTERHA_TARGET_NODE\" "
		 ">>$d/calls\n"
		 "case $1 in\n"
		 "status) [ -f $d/status-code ] && { echo broken; exit $(cat $d/status-code); }\n"
		 "  [ -f $d/running ] && { echo up since boot; exit 0; }; exit 7;;\n"
		 "start) c=$(cat $d/start-code 2>/dev/null || echo 0)\n"
		 "  [ $c = 0 ] && touch $d/running; echo start said $c; exit $c;;\n"
		 "stop) [ -f $d/stop-hangs ] && sleep 30\n"
		 "  [ -f $d/running ] || exit 7; rm $d/running; exit 0;;\n"
		 "migrate) exit $(cat $d/migrate-code 2>/dev/null || echo 0);;\n"
		 "esac\n"
		 "exit 3\n",
		 f->dir);
	snprintf(path, sizeof(path), "%s/service", f->dir);
	write_file(path, text, 0755);
	if (vmm_ctx_new(&opt, &f->ctx, &err) < 0)
		return -1;
	f->svc = vmm_backend_by_type("svc");
	assert_non_null(f->svc);
	snprintf(text, sizeof(text), "script: %s/service\ntimeout: 10\n", f->dir);
	assert_int_equal(f->svc->create(f->ctx, ID, text, &err), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	vmm_ctx_free(f->ctx);
	test_tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static enum vmm_state
state_of(struct fixture *f)
{
	struct vmm_status st;
	vmm_error_t err = { "" };

	assert_int_equal(f->svc->status(f->ctx, ID, &st, &err), 0);
	return st.state;
}

static void
test_start_status_stop(void **state)
{
	struct fixture *f = *state;
	struct vmm_status st;
	vmm_error_t err = { "" };

	assert_int_equal(state_of(f), VMM_STATE_STOPPED);
	assert_int_equal(f->svc->start(f->ctx, ID, &err), 0);
	assert_int_equal(f->svc->status(f->ctx, ID, &st, &err), 0);
	assert_int_equal(st.state, VMM_STATE_RUNNING);
	assert_string_equal(st.detail, "up since boot");
	assert_int_equal(f->svc->start(f->ctx, ID, &err), -EALREADY);
	assert_string_equal(err.msg, "service 300 already runs (up since boot)");
	assert_int_equal(f->svc->stop(f->ctx, ID, &err), 0);
	assert_int_equal(state_of(f), VMM_STATE_STOPPED);
	/* The script says 7, not running: stopping a stopped service is fine. */
	assert_int_equal(f->svc->stop(f->ctx, ID, &err), 0);
	assert_true(exists(f, "calls"));
}

static void
test_exit_codes(void **state)
{
	static const struct {
		const char *code;
		int err;
		const char *msg;
	} cases[] = {
		{ "1", -EIO, "service 300: start: failed (exit 1): start said 1" },
		{ "2", -EINVAL, "service 300: start: invalid arguments (exit 2): start said 2" },
		{ "3", -EOPNOTSUPP,
		  "service 300: start: not implemented by the script (exit 3): start said 3" },
		{ "4", -EPERM, "service 300: start: insufficient privileges (exit 4): start said 4" },
		{ "5", -ENOPKG, "service 300: start: not installed (exit 5): start said 5" },
		{ "6", -EINVAL, "service 300: start: not configured (exit 6): start said 6" },
		{ "7", -EIO, "service 300: start: not running (exit 7): start said 7" },
		{ "42", -EIO,
		  "service 300: start: exit 42 is not in the contract (0-7): start said 42" },
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		vmm_error_t err = { "" };

		put(f, "start-code", cases[i].code);
		assert_int_equal(f->svc->start(f->ctx, ID, &err), cases[i].err);
		assert_string_equal(err.msg, cases[i].msg);
		assert_int_equal(state_of(f), VMM_STATE_STOPPED);
	}
}

static void
test_status_error(void **state)
{
	struct fixture *f = *state;
	struct vmm_status st;
	vmm_error_t err = { "" };

	put(f, "status-code", "1");
	assert_int_equal(f->svc->status(f->ctx, ID, &st, &err), -EIO);
	assert_string_equal(err.msg, "service 300: status: failed (exit 1): broken");
}

static void
test_hanging_stop_is_killed(void **state)
{
	struct fixture *f = *state;
	vmm_error_t err = { "" };

	assert_int_equal(f->svc->start(f->ctx, ID, &err), 0);
	put(f, "stop-hangs", "");
	assert_int_equal(f->svc->shutdown(f->ctx, ID, 300, &err), -ETIMEDOUT);
	assert_string_equal(err.msg, "service 300: stop: no answer in time, killed");
	assert_int_equal(state_of(f), VMM_STATE_RUNNING);
}

static void
test_migrate(void **state)
{
	struct fixture *f = *state;
	vmm_error_t err = { "" };
	char *calls = NULL, path[PATH_MAX + 64];

	assert_int_equal(f->svc->start(f->ctx, ID, &err), 0);
	assert_int_equal(f->svc->migrate(f->ctx, ID, "n2", 0, &err), -EBUSY);
	assert_string_equal(err.msg, "service 300 runs: stop it first");
	assert_int_equal(f->svc->stop(f->ctx, ID, &err), 0);
	put(f, "migrate-code", "1");
	assert_int_equal(f->svc->migrate(f->ctx, ID, "n2", 0, &err), -EIO);
	assert_true(exists(f, "root/nodes/n1/exec/300.conf"));
	put(f, "migrate-code", "0");
	assert_int_equal(f->svc->migrate(f->ctx, ID, "n2", 0, &err), 0);
	assert_false(exists(f, "root/nodes/n1/exec/300.conf"));
	assert_true(exists(f, "root/nodes/n2/exec/300.conf"));
	snprintf(path, sizeof(path), "%s/calls", f->dir);
	assert_int_equal(vmm_file_read(path, &calls, &err), 0);
	assert_non_null(strstr(calls, "migrate 300 n2 300 n1 n2\n"));
	free(calls);
	/* Now n2's: n1 may not start it. */
	assert_int_equal(f->svc->start(f->ctx, ID, &err), -EREMOTE);
	assert_string_equal(err.msg, "guest 300 is configured on node 'n2', not on this node 'n1'");
}

static void
test_bad_configs(void **state)
{
	static const struct {
		const char *text;
		const char *msg;
	} cases[] = {
		{ "timeout: 5\n", "F: script: missing (script: /path/to/script)" },
		{ "script: service\n",
		  "F:1: script: 'service' is not an absolute path without blanks" },
		{ "script: /bin/true\ntimeout: 0\n", "F:2: timeout: '0' is not 1..86400 seconds" },
		{ "script: /bin/true\ncolour: blue\n", "F:2: colour: unknown key" },
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		vmm_error_t err = { "" };

		assert_int_equal(f->svc->validate(f->ctx, "F", cases[i].text, true, &err), -EINVAL);
		assert_string_equal(err.msg, cases[i].msg);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_start_status_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exit_codes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hanging_stop_is_killed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_configs, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
