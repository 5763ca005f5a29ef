/*
 * test-log.c - foreground logging reaches stderr with the file as subsystem,
 * and debug messages appear only when asked for.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include <cmocka.h>
#include <qb/qblog.h>

#include "common/common.h"

/* Log two messages in a child whose stderr is a pipe; return what it wrote. */
static void
capture_child_log(bool debug, char *out, size_t size)
{
	int pipefd[2];
	pid_t pid;
	size_t used = 0;
	ssize_t n;
	int status = 0;

	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(pipefd[1], STDERR_FILENO);
		close(pipefd[0]);
		close(pipefd[1]);
		cl_log_open("testd", true, debug);
		qb_log(LOG_INFO, "service started on node %d", 7);
		qb_log(LOG_DEBUG, "internal detail");
		cl_log_close();
		_exit(0);
	}
	close(pipefd[1]);
	while (used + 1 < size && (n = read(pipefd[0], out + used, size - used - 1)) > 0)
		used += (size_t)n;
	out[used] = '\0';
	close(pipefd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void
test_foreground_info_goes_to_stderr(void **state)
{
	char out[4096];

	capture_child_log(false, out, sizeof(out));
	assert_non_null(strstr(out, "service started on node 7"));
	assert_non_null(strstr(out, "testd["));
	assert_non_null(strstr(out, "test-log.c"));
	assert_null(strstr(out, "internal detail"));
}

static void
test_debug_flag_shows_debug_messages(void **state)
{
	char out[4096];

	capture_child_log(true, out, sizeof(out));
	assert_non_null(strstr(out, "service started on node 7"));
	assert_non_null(strstr(out, "internal detail"));
}

static void
test_close_without_open_is_harmless(void **state)
{
	cl_log_close();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_foreground_info_goes_to_stderr),
		cmocka_unit_test(test_debug_flag_shows_debug_messages),
		cmocka_unit_test(test_close_without_open_is_harmless),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
