/*
 * daemon.c - process life cycle shared by the daemons: detach with a
 * readiness report to the starting command, and a clean stop on SIGTERM.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <qb/qbloop.h>

#include "common.h"

/* In the parent: wait for the child's one status byte and exit with it. */
static void
detach_parent_wait(int report, pid_t child)
{
	unsigned char status = 1;
	ssize_t n;

	do {
		n = read(report, &status, 1);
	} while (n < 0 && errno == EINTR);
	if (n != 1) {
		/* The child died before it reported: reap it for the status. */
		int wstatus = 0;

		(void)waitpid(child, &wstatus, 0);
		status = WIFEXITED(wstatus) && WEXITSTATUS(wstatus) ? WEXITSTATUS(wstatus) : 1;
	}
	_exit(status);
}

static int
detach_redirect_stdio(void)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null < 0)
		return -errno;
	for (int fd = 0; fd <= 2; fd++) {
		if (dup2(null, fd) < 0) {
			int r = -errno;

			close(null);
			return r;
		}
	}
	close(null);
	return 0;
}

int
cl_daemon_detach(bool foreground, int *ret_notify)
{
	int pipefd[2];
	pid_t pid;

	if (foreground) {
		*ret_notify = -1;
		return 0;
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int r = -errno;

		close(pipefd[0]);
		close(pipefd[1]);
		return r;
	}
	if (pid > 0) {
		close(pipefd[1]);
		detach_parent_wait(pipefd[0], pid);
	}
	close(pipefd[0]);
	if (setsid() < 0 || chdir("/") < 0) {
		int r = -errno;

		close(pipefd[1]);
		return r;
	}
	*ret_notify = pipefd[1];
	return detach_redirect_stdio();
}

void
cl_daemon_ready(int notify, int status)
{
	unsigned char byte = (unsigned char)status;

	if (notify < 0)
		return;
	(void)!write(notify, &byte, 1);
	close(notify);
}

static int32_t
daemon_on_stop_signal(int32_t signal, void *data)
{
	qb_loop_stop(data);
	return 0;
}

int
cl_daemon_stop_on_signals(qb_loop_t *loop)
{
	static const int stop_signals[] = { SIGTERM, SIGINT };

	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++) {
		int r = qb_loop_signal_add(loop, QB_LOOP_HIGH, stop_signals[i], loop,
					   daemon_on_stop_signal, NULL);
		if (r < 0)
			return r;
	}
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		return -errno;
	return 0;
}
