/*
 * test-daemon.c - the starting command learns whether the detached daemon
 * came up, and SIGTERM ends the main loop instead of killing the process.
 */
#include <config.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <qb/qbloop.h>

#include "common/common.h"

enum daemon_outcome { REPORT_READY, REPORT_FAILURE, DIE_SILENTLY };

/*
 * Play "the command that starts a daemon": fork, and in the child detach and
 * behave as @outcome says.  Returns the exit status the starter sees.
 */
static int
start_daemon(enum daemon_outcome outcome)
{
	int status = 0;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		int notify = -1;

		if (cl_daemon_detach(false, &notify) < 0)
			_exit(99);
		/* Only the detached child gets here. */
		if (getsid(0) != getpid())
			_exit(98);
		switch (outcome) {
		case REPORT_READY:
			cl_daemon_ready(notify, 0);
			_exit(0);
		case REPORT_FAILURE:
			cl_daemon_ready(notify, 5);
			_exit(5);
		case DIE_SILENTLY:
			_exit(3);
		}
		_exit(97);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void
test_starter_exits_zero_when_daemon_is_ready(void **state)
{
	assert_int_equal(start_daemon(REPORT_READY), 0);
}

static void
test_starter_gets_reported_failure(void **state)
{
	assert_int_equal(start_daemon(REPORT_FAILURE), 5);
}

static void
test_starter_fails_when_daemon_dies_before_reporting(void **state)
{
	/* The daemon is not the starter's child, so only "failed" is knowable. */
	assert_int_not_equal(start_daemon(DIE_SILENTLY), 0);
}

static void
test_foreground_does_not_fork(void **state)
{
	int notify = 42;
	pid_t self = getpid();

	assert_int_equal(cl_daemon_detach(true, &notify), 0);
	assert_int_equal(notify, -1);
	assert_int_equal(getpid(), self);
	cl_daemon_ready(notify, 0); /* no-op */
}

static void
send_sigterm(void *data)
{
	kill(getpid(), SIGTERM);
}

static void
test_sigterm_stops_the_loop(void **state)
{
	qb_loop_t *loop = qb_loop_create();
	qb_loop_timer_handle timer;

	assert_non_null(loop);
	assert_int_equal(cl_daemon_stop_on_signals(loop), 0);
	assert_int_equal(qb_loop_timer_add(loop, QB_LOOP_LOW, 10 * 1000000ULL, NULL,
					   send_sigterm, &timer), 0);
	/* Without the handler SIGTERM would end this test process here. */
	qb_loop_run(loop);
	qb_loop_destroy(loop);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_starter_exits_zero_when_daemon_is_ready),
		cmocka_unit_test(test_starter_gets_reported_failure),
		cmocka_unit_test(test_starter_fails_when_daemon_dies_before_reporting),
		cmocka_unit_test(test_foreground_does_not_fork),
		cmocka_unit_test(test_sigterm_stops_the_loop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
