/*
 * exec-run.c - running a service script with a deadline: in its own
 * process group, its output kept for the error message, waited for by its
 * pidfd rather than by the end of its output, because a start script
 * usually leaves a daemon behind that still holds the pipe.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vmm-bridge/vmm-int.h"

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Append what @fd has now to @out, keeping its last @size - 1 bytes. */
static void
drain(int fd, char *out, size_t size, size_t *len)
{
	char chunk[1024];
	ssize_t n;

	while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (*len == size - 1) {
				memmove(out, out + 1, size - 2);
				(*len)--;
			}
			out[(*len)++] = chunk[i];
		}
	}
	out[*len] = '\0';
}

/* Keep only the last non-empty line of @out. */
static void
last_line(char *out)
{
	size_t len = strlen(out);
	char *nl;

	while (len && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		out[--len] = '\0';
	nl = strrchr(out, '\n');
	if (nl)
		memmove(out, nl + 1, strlen(nl + 1) + 1);
}

/* environ followed by @envp, into a new array (the strings are borrowed). */
static char **
merge_env(char *const envp[])
{
	size_t n = 0, m = 0;
	char **all;

	while (environ[n])
		n++;
	while (envp && envp[m])
		m++;
	all = calloc(n + m + 1, sizeof(*all));
	if (!all)
		return NULL;
	memcpy(all, environ, n * sizeof(*all));
	if (m)
		memcpy(all + n, envp, m * sizeof(*all));
	return all;
}

static int
spawn(char *const argv[], char *const envp[], int outfd, pid_t *ret_pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	char **env = merge_env(envp);
	int r;

	if (!env)
		return -ENOMEM;
	r = posix_spawn_file_actions_init(&fa);
	if (r) {
		free(env);
		return -r;
	}
	r = posix_spawnattr_init(&attr);
	if (r)
		goto destroy_fa;
	/* Its own group: a timeout kills the script and what it started. */
	r = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	if (!r)
		r = posix_spawnattr_setpgroup(&attr, 0);
	if (!r)
		r = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (!r)
		r = posix_spawn_file_actions_adddup2(&fa, outfd, 1);
	if (!r)
		r = posix_spawn_file_actions_adddup2(&fa, outfd, 2);
	if (!r)
		r = posix_spawn(ret_pid, argv[0], &fa, &attr, argv, env);
	posix_spawnattr_destroy(&attr);
destroy_fa:
	posix_spawn_file_actions_destroy(&fa);
	free(env);
	return -r;
}

int
vmm_exec_run(char *const argv[], char *const envp[], unsigned timeout_ms, char *out,
	     size_t size)
{
	long long deadline = now_ms() + timeout_ms;
	int pipefd[2], pidfd, status, r;
	size_t len = 0;
	pid_t pid;

	out[0] = '\0';
	if (pipe2(pipefd, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	r = spawn(argv, envp, pipefd[1], &pid);
	close(pipefd[1]);
	if (r < 0)
		goto close_pipe;
	pidfd = pidfd_open(pid, 0);
	for (bool open = true; pidfd >= 0;) {
		struct pollfd p[2] = { { .fd = open ? pipefd[0] : -1, .events = POLLIN },
				       { .fd = pidfd, .events = POLLIN } };
		long long left = deadline - now_ms();

		if (left <= 0 || (poll(p, 2, (int)left) < 0 && errno != EINTR))
			break;
		if (p[0].revents & POLLIN)
			drain(pipefd[0], out, size, &len);
		else if (p[0].revents & (POLLHUP | POLLERR))
			open = false; /* output closed; the exit is what counts */
		if (p[1].revents & POLLIN)
			break;
	}
	if (pidfd >= 0 && waitpid(pid, &status, WNOHANG) == pid) {
		drain(pipefd[0], out, size, &len);
		r = WIFEXITED(status) ? WEXITSTATUS(status) : -EINTR;
	} else {
		(void)kill(-pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		drain(pipefd[0], out, size, &len);
		r = -ETIMEDOUT;
	}
	if (pidfd >= 0)
		close(pidfd);
	last_line(out);
close_pipe:
	close(pipefd[0]);
	return r;
}
