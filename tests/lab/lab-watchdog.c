/*
 * lab-watchdog.c - the test lab's emulated watchdog hardware, one per lab
 * node.  It serves the node's "watchdog device", a unix socket spoken to by
 * fence/watchdog-lab.c, and behaves like a Linux watchdog: connecting arms
 * it, "keepalive" restarts the countdown, "timeout N" sets it, and only a
 * disconnect right after "V" disarms it.  When the countdown runs out it
 * runs the expiry command (the lab's power-off of the node) and stays
 * disarmed until the device is opened again.  SIGUSR1 means the node lost
 * power: the connection drops and the watchdog disarms, as real hardware
 * does.  The state ("armed N" or "disarmed") is kept in a file for
 * `lab status`.  It runs outside the node, so a frozen node still resets.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <qb/qbdefs.h>
#include <qb/qblog.h>
#include <qb/qbloop.h>

#include "common/common.h"

#define NS_PER_S 1000000000ULL
#define TIMEOUT_MAX 3600

struct emu {
	const char *node;
	const char *socket_path;
	const char *state_path;
	char **expiry_cmd;
	unsigned default_timeout_s; /* what the hardware starts with when opened */

	qb_loop_t *loop;
	int listen_fd;
	int conn_fd; /* the one opener, -1 when closed */
	char line[128];
	size_t line_len;
	bool expect_close;
	bool armed;
	unsigned timeout_s;
	qb_loop_timer_handle timer;
	bool timer_set;
};

static void
emu_write_state(struct emu *e)
{
	char tmp[4096];
	FILE *f;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", e->state_path) >= sizeof(tmp))
		return;
	f = fopen(tmp, "w");
	if (!f) {
		qb_log(LOG_WARNING, "writing '%s' failed: %s", tmp, strerror(errno));
		return;
	}
	if (e->armed)
		fprintf(f, "armed %u\n", e->timeout_s);
	else
		fprintf(f, "disarmed\n");
	if (fclose(f) != 0 || rename(tmp, e->state_path) < 0)
		qb_log(LOG_WARNING, "writing '%s' failed: %s", e->state_path, strerror(errno));
}

static void emu_expire(void *data);

/* Start the countdown over: opening, keepalive and a new timeout all do. */
static void
emu_restart_countdown(struct emu *e)
{
	int r;

	if (e->timer_set)
		(void)qb_loop_timer_del(e->loop, e->timer);
	r = qb_loop_timer_add(e->loop, QB_LOOP_HIGH, e->timeout_s * NS_PER_S, e, emu_expire,
			      &e->timer);
	e->timer_set = r == 0;
	if (r < 0)
		qb_log(LOG_ERR, "qb_loop_timer_add failed: %s", strerror(-r));
}

static void
emu_disarm(struct emu *e)
{
	if (e->timer_set)
		(void)qb_loop_timer_del(e->loop, e->timer);
	e->timer_set = false;
	e->armed = false;
	emu_write_state(e);
}

static void
emu_drop_conn(struct emu *e)
{
	if (e->conn_fd < 0)
		return;
	(void)qb_loop_poll_del(e->loop, e->conn_fd);
	close(e->conn_fd);
	e->conn_fd = -1;
}

static void
emu_run_expiry_cmd(struct emu *e)
{
	pid_t pid = fork();

	if (pid < 0) {
		qb_log(LOG_ERR, "fork for the expiry command failed: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execvp(e->expiry_cmd[0], e->expiry_cmd);
		_exit(127);
	}
}

static void
emu_expire(void *data)
{
	struct emu *e = data;

	e->timer_set = false;
	qb_log(LOG_NOTICE, "watchdog of %s expired: no keepalive for %u s; powering it off",
	       e->node, e->timeout_s);
	emu_drop_conn(e);
	emu_disarm(e);
	emu_run_expiry_cmd(e);
}

static void
emu_say(int fd, const char *text)
{
	(void)!send(fd, text, strlen(text), MSG_NOSIGNAL | MSG_DONTWAIT);
}

static void
emu_command(struct emu *e, const char *cmd)
{
	char reply[64];
	unsigned t;
	char extra;

	e->expect_close = strcmp(cmd, "V") == 0;
	if (e->expect_close)
		return;
	if (strcmp(cmd, "keepalive") == 0) {
		emu_restart_countdown(e);
	} else if (sscanf(cmd, "timeout %u%c", &t, &extra) == 1 && t >= 1 && t <= TIMEOUT_MAX) {
		e->timeout_s = t;
		emu_restart_countdown(e);
		emu_write_state(e);
		qb_log(LOG_INFO, "timeout set to %u s", t);
		(void)snprintf(reply, sizeof(reply), "ok %u\n", t);
		emu_say(e->conn_fd, reply);
	} else {
		qb_log(LOG_WARNING, "unknown command '%s', ignored", cmd);
		emu_say(e->conn_fd, "error unknown command\n");
	}
}

static int32_t
on_conn_readable(int32_t fd, int32_t revents, void *data)
{
	struct emu *e = data;
	char buf[512];
	ssize_t n = recv(fd, buf, sizeof(buf), 0);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0) {
		emu_drop_conn(e);
		if (e->expect_close && e->armed) {
			qb_log(LOG_INFO, "closed after magic close: disarmed");
			emu_disarm(e);
		} else if (e->armed) {
			qb_log(LOG_INFO, "closed without magic close: still counting down %u s",
			       e->timeout_s);
		}
		return 0;
	}
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] != '\n') {
			/* An overlong line is cut; it can only be an unknown command. */
			if (e->line_len + 1 < sizeof(e->line))
				e->line[e->line_len++] = buf[i];
			continue;
		}
		e->line[e->line_len] = '\0';
		e->line_len = 0;
		emu_command(e, e->line);
		if (e->conn_fd < 0)
			break;
	}
	return 0;
}

static int32_t
on_listen_readable(int32_t fd, int32_t revents, void *data)
{
	struct emu *e = data;
	int conn = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (conn < 0)
		return 0;
	if (e->conn_fd >= 0) {
		/* Like /dev/watchdog: one opener at a time. */
		emu_say(conn, "busy\n");
		close(conn);
		return 0;
	}
	if (qb_loop_poll_add(e->loop, QB_LOOP_MED, conn, POLLIN, e, on_conn_readable) < 0) {
		close(conn);
		return 0;
	}
	e->conn_fd = conn;
	e->line_len = 0;
	e->expect_close = false;
	if (!e->armed)
		e->timeout_s = e->default_timeout_s;
	e->armed = true;
	emu_restart_countdown(e);
	emu_write_state(e);
	qb_log(LOG_INFO, "opened: armed, %u s", e->timeout_s);
	emu_say(conn, "ok\n");
	return 0;
}

static int32_t
on_power_lost(int32_t sig, void *data)
{
	struct emu *e = data;

	qb_log(LOG_INFO, "%s lost power: disconnected and disarmed", e->node);
	emu_drop_conn(e);
	emu_disarm(e);
	return 0;
}

static int32_t
on_child(int32_t sig, void *data)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			qb_log(LOG_WARNING, "expiry command (pid %d) failed with status %d",
			       (int)pid, status);
	}
	return 0;
}

static int
emu_listen(struct emu *e)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };

	if (strlen(e->socket_path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, e->socket_path);
	e->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (e->listen_fd < 0)
		return -errno;
	(void)unlink(e->socket_path);
	if (bind(e->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    chmod(e->socket_path, 0600) < 0 || listen(e->listen_fd, 4) < 0)
		return -errno;
	return 0;
}

static int
parse_options(int argc, char **argv, struct emu *e, bool *debug)
{
	static const struct option longopts[] = {
		{ "node", required_argument, NULL, 'n' },
		{ "socket", required_argument, NULL, 's' },
		{ "state-file", required_argument, NULL, 'S' },
		{ "timeout", required_argument, NULL, 't' },
		{ "debug", no_argument, NULL, 'd' },
		{ 0 },
	};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "d", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			e->node = optarg;
			break;
		case 's':
			e->socket_path = optarg;
			break;
		case 'S':
			e->state_path = optarg;
			break;
		case 't':
			e->default_timeout_s = (unsigned)strtoul(optarg, &end, 10);
			if (*end || e->default_timeout_s < 1 || e->default_timeout_s > TIMEOUT_MAX) {
				fprintf(stderr, "lab-watchdog: --timeout: '%s' is not 1..%d\n",
					optarg, TIMEOUT_MAX);
				return -EINVAL;
			}
			break;
		case 'd':
			*debug = true;
			break;
		default:
			return -EINVAL;
		}
	}
	if (!e->node || !e->socket_path || !e->state_path || optind >= argc) {
		fprintf(stderr, "usage: lab-watchdog --node NAME --socket PATH --state-file PATH "
				"[--timeout S] [-d] -- EXPIRY-COMMAND...\n");
		return -EINVAL;
	}
	e->expiry_cmd = &argv[optind];
	return 0;
}

int
main(int argc, char **argv)
{
	struct emu e = { .default_timeout_s = 60, .listen_fd = -1, .conn_fd = -1 };
	bool debug = false;
	int r, status = 1;

	if (parse_options(argc, argv, &e, &debug) < 0)
		return 2;
	cl_log_open("lab-watchdog", true, debug);
	e.loop = qb_loop_create();
	if (!e.loop) {
		qb_log(LOG_ERR, "qb_loop_create failed");
		goto out;
	}
	r = emu_listen(&e);
	if (r < 0) {
		qb_log(LOG_ERR, "listening on '%s' failed: %s", e.socket_path, strerror(-r));
		goto out;
	}
	r = qb_loop_poll_add(e.loop, QB_LOOP_MED, e.listen_fd, POLLIN, &e, on_listen_readable);
	if (r == 0)
		r = qb_loop_signal_add(e.loop, QB_LOOP_HIGH, SIGUSR1, &e, on_power_lost, NULL);
	if (r == 0)
		r = qb_loop_signal_add(e.loop, QB_LOOP_HIGH, SIGCHLD, &e, on_child, NULL);
	if (r == 0)
		r = cl_daemon_stop_on_signals(e.loop);
	if (r < 0) {
		qb_log(LOG_ERR, "setting up the main loop failed: %s", strerror(-r));
		goto out;
	}
	emu_write_state(&e);
	qb_log(LOG_INFO, "watchdog of %s at '%s', disarmed", e.node, e.socket_path);
	qb_loop_run(e.loop);
	status = 0;

out:
	if (e.loop) {
		emu_drop_conn(&e);
		if (e.timer_set)
			(void)qb_loop_timer_del(e.loop, e.timer);
		if (e.listen_fd >= 0)
			(void)qb_loop_poll_del(e.loop, e.listen_fd);
		qb_loop_destroy(e.loop);
	}
	if (e.listen_fd >= 0) {
		close(e.listen_fd);
		(void)unlink(e.socket_path);
	}
	if (e.state_path)
		(void)unlink(e.state_path);
	cl_log_close();
	return status;
}
