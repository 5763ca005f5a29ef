/*
 * agent.c - the external agent driver: runs any ClusterLabs fence agent
 * (fence_ipmilan, fence_redfish, ...) the standard way, with "key=value"
 * lines on its standard input and the result in its exit code (status: 0
 * on, 2 off).  The password goes through stdin only, never argv or the
 * environment, and is scrubbed from any output quoted in a message.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fence/fence-int.h"

/* How much of the agent's output is kept for an error message. */
#define OUTPUT_KEEP 2048
/* While waiting for an agent that closed its output but has not exited. */
#define REAP_POLL_MS 5u

struct agent_handle {
	const struct fence_device *dev;
	const char *password;
};

struct agent_run {
	int status;                /* wait status */
	char out[OUTPUT_KEEP + 1]; /* the tail of stdout + stderr */
	size_t len;
};

/* Everything the agent is told, one key=value per line. */
static int
agent_input(const struct agent_handle *h, const char *action, char **ret_text, size_t *ret_len)
{
	const struct fence_device *d = h->dev;
	static const char *const privs[] = {[FENCE_PRIV_USER] = "user",
	                                    [FENCE_PRIV_OPERATOR] = "operator",
	                                    [FENCE_PRIV_ADMIN] = "administrator"};
	char *text = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return -ENOMEM;
	fprintf(f, "action=%s\n", action);
	if (d->address)
		fprintf(f, "ip=%s\n", d->address);
	if (d->port)
		fprintf(f, "ipport=%u\n", d->port);
	if (d->user)
		fprintf(f, "username=%s\n", d->user);
	if (d->cipher >= 0)
		fprintf(f, "cipher=%d\n", d->cipher);
	if (d->privilege)
		fprintf(f, "privlvl=%s\n", privs[d->privilege]);
	for (i = 0; i < d->n_options; i++)
		fprintf(f, "%s=%s\n", d->options[i].key, d->options[i].value);
	if (h->password)
		fprintf(f, "password=%s\n", h->password);
	if (fclose(f) != 0) {
		free(text);
		return -ENOMEM;
	}
	*ret_text = text;
	*ret_len = len;
	return 0;
}

static void
keep_output(struct agent_run *run, const char *buf, size_t n)
{
	if (n >= OUTPUT_KEEP) {
		buf += n - OUTPUT_KEEP;
		n = OUTPUT_KEEP;
	}
	if (run->len + n > OUTPUT_KEEP) {
		size_t drop = run->len + n - OUTPUT_KEEP;

		memmove(run->out, run->out + drop, run->len - drop);
		run->len -= drop;
	}
	memcpy(run->out + run->len, buf, n);
	run->len += n;
	run->out[run->len] = '\0';
}

static void __attribute__((noreturn)) agent_child(const char *agent, int in, int out)
{
	(void)setpgid(0, 0);
	signal(SIGPIPE, SIG_DFL);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(127);
	execlp(agent, agent, (char *)NULL);
	dprintf(1, "cannot execute '%s': %s\n", agent, strerror(errno));
	_exit(127);
}

/* Run the agent with @input; give up, killing it, at @deadline. */
static int
agent_exec(const char *agent, const char *input, size_t input_len, unsigned timeout_ms,
           struct agent_run *run, fence_err_t *err)
{
	const struct fence_clock *clock = &fence_clock_monotonic;
	uint64_t deadline = clock->now_ms(clock->data) + timeout_ms;
	int in[2], out[2], r = 0;
	bool eof = false;
	pid_t pid;

	/* A socket, not a pipe, so an agent that never reads gets no SIGPIPE to us. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) < 0)
		return -errno;
	if (pipe2(out, O_CLOEXEC) < 0) {
		r = -errno;
		goto close_in;
	}
	pid = fork();
	if (pid < 0) {
		r = -errno;
		goto close_out;
	}
	if (pid == 0)
		agent_child(agent, in[1], out[1]);
	close(in[1]);
	close(out[1]);
	in[1] = out[1] = -1;
	if (send(in[0], input, input_len, MSG_NOSIGNAL) < 0 && errno != EPIPE)
		r = -errno;
	(void)shutdown(in[0], SHUT_WR);
	while (r == 0) {
		uint64_t now = clock->now_ms(clock->data);
		struct pollfd pfd = {.fd = out[0], .events = POLLIN};
		char buf[512];
		ssize_t n;

		if (eof) {
			pid_t w = waitpid(pid, &run->status, WNOHANG);

			if (w == pid)
				goto close_out;
		}
		if (now >= deadline) {
			r = -ETIMEDOUT;
			break;
		}
		if (eof) {
			clock->sleep_ms(clock->data, REAP_POLL_MS);
			continue;
		}
		if (poll(&pfd, 1, (int)(deadline - now)) < 0 && errno != EINTR) {
			r = -errno;
			break;
		}
		if (!pfd.revents)
			continue;
		n = read(out[0], buf, sizeof(buf));
		if (n > 0)
			keep_output(run, buf, (size_t)n);
		else if (n == 0 || errno != EINTR)
			eof = true;
	}
	/* Timed out or broken: the agent and anything it started go. */
	(void)kill(-pid, SIGKILL);
	(void)kill(pid, SIGKILL);
	(void)waitpid(pid, &run->status, 0);
	if (r == -ETIMEDOUT)
		fence_err_set(err, "agent '%s' did not finish within %u ms; killed", agent,
		              timeout_ms);
close_out:
	if (out[1] >= 0)
		close(out[1]);
	close(out[0]);
close_in:
	if (in[1] >= 0)
		close(in[1]);
	close(in[0]);
	return r;
}

/* Replace every copy of @secret in @s by asterisks. */
static void
scrub(char *s, const char *secret)
{
	size_t n = secret ? strlen(secret) : 0;
	char *p;

	if (!n)
		return;
	while ((p = strstr(s, secret)))
		memset(p, '*', n);
}

/* The agent's last non-empty output line, for a message. */
static const char *
last_line(struct agent_run *run)
{
	char *end = run->out + run->len, *start;

	while (end > run->out && (end[-1] == '\n' || end[-1] == ' '))
		*--end = '\0';
	start = end;
	while (start > run->out && start[-1] != '\n')
		start--;
	return *start ? start : "(no output)";
}

/* Run @action; *ret_code is the agent's exit code. */
static int
agent_action(struct agent_handle *h, const char *action, unsigned timeout_ms, int *ret_code,
             fence_err_t *err)
{
	struct agent_run *run = calloc(1, sizeof(*run));
	char *input = NULL;
	size_t len = 0;
	int r;

	if (!run)
		return -ENOMEM;
	r = agent_input(h, action, &input, &len);
	if (r == 0)
		r = agent_exec(h->dev->agent, input, len, timeout_ms, run, err);
	if (input) {
		explicit_bzero(input, len);
		free(input);
	}
	scrub(run->out, h->password);
	if (r == 0 && !WIFEXITED(run->status)) {
		fence_err_set(err, "agent '%s' action=%s died of signal %d", h->dev->agent, action,
		              WTERMSIG(run->status));
		r = -EIO;
	} else if (r == 0) {
		*ret_code = WEXITSTATUS(run->status);
		/* Kept for a caller's message when the code means failure. */
		fence_err_set(err, "agent '%s' action=%s exited with %d: %s", h->dev->agent, action,
		              *ret_code, last_line(run));
	}
	explicit_bzero(run, sizeof(*run));
	free(run);
	return r;
}

static int
agent_open(const struct fence_device *dev, const char *password, unsigned timeout_ms,
           void **ret_handle, fence_err_t *err)
{
	struct agent_handle *h = calloc(1, sizeof(*h));

	if (!h)
		return -ENOMEM;
	h->dev = dev;
	h->password = password;
	*ret_handle = h;
	return 0;
}

static int
agent_set_power(void *handle, bool on, unsigned timeout_ms, fence_err_t *err)
{
	int code, r;

	r = agent_action(handle, on ? "on" : "off", timeout_ms, &code, err);
	if (r == 0 && code != 0)
		r = -EIO;
	return r;
}

static int
agent_get_power(void *handle, bool *ret_on, unsigned timeout_ms, fence_err_t *err)
{
	int code, r;

	r = agent_action(handle, "status", timeout_ms, &code, err);
	if (r < 0)
		return r;
	if (code != 0 && code != 2)
		return -EIO;
	*ret_on = code == 0;
	return 0;
}

static void
agent_close(void *handle)
{
	free(handle);
}

const struct fence_driver fence_driver_agent = {
    .type = "agent",
    .open = agent_open,
    .set_power = agent_set_power,
    .get_power = agent_get_power,
    .close = agent_close,
};
