/*
 * proc.c - running a helper program (qemu-img, QEMU with -daemonize) and
 * keeping what it said, so a failure reaches the user with QEMU's own
 * words.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmm-bridge/vmm-int.h"

/* Keep the last @size - 1 bytes of output, then cut at the last line. */
static void
collect(int fd, char *out, size_t size)
{
	size_t len = 0;
	char chunk[1024];
	ssize_t n;

	while ((n = read(fd, chunk, sizeof(chunk))) > 0 || (n < 0 && errno == EINTR)) {
		if (n < 0)
			continue;
		if ((size_t)n >= size - 1) {
			memcpy(out, chunk + (size_t)n - (size - 1), size - 1);
			len = size - 1;
			continue;
		}
		if (len + (size_t)n > size - 1) {
			size_t drop = len + (size_t)n - (size - 1);

			memmove(out, out + drop, len - drop);
			len -= drop;
		}
		memcpy(out + len, chunk, (size_t)n);
		len += (size_t)n;
	}
	while (len && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		len--;
	out[len] = '\0';
	/* One line for a message: the last one says what went wrong. */
	for (char *nl; (nl = strchr(out, '\n')) && strchr(nl + 1, '\n');)
		memmove(out, nl + 1, strlen(nl + 1) + 1);
	for (char *p = out; *p; p++)
		if (*p == '\n')
			*p = ' ';
}

int
vmm_proc_run(char *const argv[], char *out, size_t size)
{
	posix_spawn_file_actions_t fa;
	int pipefd[2], status, r;
	pid_t pid;

	out[0] = '\0';
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	r = posix_spawn_file_actions_init(&fa);
	if (r) {
		r = -r;
		goto close_pipe;
	}
	r = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (!r)
		r = posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	if (!r)
		r = posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
	if (!r)
		r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r) {
		r = -r;
		goto close_pipe;
	}
	close(pipefd[1]);
	pipefd[1] = -1;
	/* A daemonizing child closes its output when it is ready, so EOF
	 * comes before the daemon ends. */
	collect(pipefd[0], out, size);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			r = -errno;
			goto close_pipe;
		}
	r = WIFEXITED(status) ? WEXITSTATUS(status) : -EINTR;
close_pipe:
	close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	return r;
}
