/*
 * proc.c - running a helper program (qemu-img, QEMU with -daemonize) and
 * keeping what it said, so a failure reaches the user with QEMU's own
 * words; and the pause between two polls of a process.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
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

int
vmm_proc_capture(char *const argv[], char **ret_out, char *errbuf, size_t errsize)
{
	posix_spawn_file_actions_t fa;
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, status, r;
	size_t len = 0;
	char *text = NULL;
	FILE *mem;
	pid_t pid;

	errbuf[0] = '\0';
	mem = open_memstream(&text, &len);
	if (!mem)
		return -ENOMEM;
	if (pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		r = -errno;
		goto out;
	}
	r = -posix_spawn_file_actions_init(&fa);
	if (r)
		goto out;
	r = -posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (!r)
		r = -posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
	if (!r)
		r = -posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
	if (!r)
		r = -posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r)
		goto out;
	close(outp[1]);
	close(errp[1]);
	outp[1] = errp[1] = -1;
	/* Helpers here say little on stderr: read stdout to its end first. */
	for (char chunk[4096];;) {
		ssize_t n = read(outp[0], chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		fwrite(chunk, 1, (size_t)n, mem);
	}
	collect(errp[0], errbuf, errsize);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			r = -errno;
			goto out;
		}
	r = WIFEXITED(status) ? WEXITSTATUS(status) : -EINTR;
out:
	for (int i = 0; i < 2; i++) {
		if (outp[i] >= 0)
			close(outp[i]);
		if (errp[i] >= 0)
			close(errp[i]);
	}
	if (fclose(mem) != 0 && r >= 0)
		r = -ENOMEM;
	if (r < 0 || !text) {
		free(text);
		return r < 0 ? r : -ENOMEM;
	}
	*ret_out = text;
	return r;
}

void
vmm_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}
