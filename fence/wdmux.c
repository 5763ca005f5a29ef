/*
 * wdmux.c - the watchdog multiplexer daemon: owns the node's watchdog
 * device and lets many local clients share it over a unix socket.  This
 * file only wires things together: options, the pid file, the socket and
 * timer on a libqb loop, and log messages.  The rules live in wdmux-core.c,
 * the socket handling in wdmux-server.c, the devices in watchdog-*.c.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <qb/qbdefs.h>
#include <qb/qblog.h>
#include <qb/qbloop.h>

#include "common/common.h"
#include "fence/watchdog.h"
#include "fence/wdmux-core.h"
#include "fence/wdmux-server.h"

#define DEFAULT_RUN_DIR "/run/clusterha"
#define DEFAULT_TIMEOUT_S 10
#define DEFAULT_CLIENT_TIMEOUT_S 60

struct options {
	bool foreground;
	bool debug;
	const char *run_dir;
	const char *driver;
	const char *device;
	unsigned timeout_s;
	unsigned client_timeout_s;
};

struct daemon;

/* A client's place in the loop: the poll callback gets the slot. */
struct slot {
	struct daemon *daemon;
	struct wdmux_peer *peer; /* NULL when free */
};

struct daemon {
	const struct options *opt;
	qb_loop_t *loop;
	struct wdmux_core *core;
	int listen_fd;
	struct slot slots[WDMUX_MAX_CLIENTS];
	qb_loop_timer_handle timer;
	bool timer_set;
	uint64_t timer_at;
};

static void
usage(FILE *out)
{
	fprintf(out,
		"usage: wdmux [-f] [-d] [--run-dir DIR] [--driver linux|lab] --device PATH\n"
		"             [--timeout SECONDS] [--client-timeout SECONDS]\n"
		"Owns the watchdog device PATH and feeds it for the clients of\n"
		"DIR/" WDMUX_SOCKET_NAME " (default run dir " DEFAULT_RUN_DIR "); see wdmux(8).\n");
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int
parse_seconds(const char *option, const char *value, unsigned *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(value, &end, 10);
	if (errno || end == value || *end || value[0] == '-' || v < 1 || v > WD_TIMEOUT_MAX) {
		fprintf(stderr, "wdmux: %s: '%s' is not a number of seconds in 1..%d\n", option,
			value, WD_TIMEOUT_MAX);
		return -EINVAL;
	}
	*ret = (unsigned)v;
	return 0;
}

/* Returns 0 to run, 1 to exit successfully (--help), -EINVAL on bad use. */
static int
parse_options(int argc, char **argv, struct options *opt)
{
	static const struct option longopts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "run-dir", required_argument, NULL, 'r' },
		{ "driver", required_argument, NULL, 'D' },
		{ "device", required_argument, NULL, 'w' },
		{ "timeout", required_argument, NULL, 't' },
		{ "client-timeout", required_argument, NULL, 'c' },
		{ 0 },
	};
	int c;

	*opt = (struct options){
		.run_dir = DEFAULT_RUN_DIR,
		.driver = "linux",
		.timeout_s = DEFAULT_TIMEOUT_S,
		.client_timeout_s = DEFAULT_CLIENT_TIMEOUT_S,
	};
	while ((c = getopt_long(argc, argv, "fdh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			opt->foreground = true;
			break;
		case 'd':
			opt->debug = true;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case 'r':
			opt->run_dir = optarg;
			break;
		case 'D':
			opt->driver = optarg;
			break;
		case 'w':
			opt->device = optarg;
			break;
		case 't':
			if (parse_seconds("--timeout", optarg, &opt->timeout_s) < 0)
				return -EINVAL;
			break;
		case 'c':
			if (parse_seconds("--client-timeout", optarg, &opt->client_timeout_s) < 0)
				return -EINVAL;
			break;
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "wdmux: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	if (!wd_driver_find(opt->driver)) {
		fprintf(stderr, "wdmux: --driver: unknown driver '%s' (known: %s)\n", opt->driver,
			wd_driver_names());
		return -EINVAL;
	}
	/* No default on purpose: a test must never reach a real device by omission. */
	if (!opt->device || !*opt->device) {
		fprintf(stderr, "wdmux: --device is required (in production: --device "
				"/dev/watchdog)\n");
		return -EINVAL;
	}
	return 0;
}

static void
on_core_event(void *data, enum wdmux_event event, void *conn_data, int detail)
{
	struct daemon *d = data;
	pid_t pid = conn_data ? wdmux_peer_pid(conn_data) : 0;
	unsigned reset_s = wdmux_core_device_timeout(d->core);

	switch (event) {
	case WDMUX_EV_ARMED:
		qb_log(LOG_NOTICE, "watchdog device '%s' armed (%s driver, timeout %d s)",
		       d->opt->device, d->opt->driver, detail);
		break;
	case WDMUX_EV_CLIENT_CLEAN:
		qb_log(LOG_INFO, "client pid %d left cleanly", (int)pid);
		break;
	case WDMUX_EV_CLIENT_UNCLEAN:
		qb_log(LOG_CRIT,
		       "client pid %d disconnected without the clean-close byte: watchdog "
		       "feeding stopped for good, the node resets within %u s",
		       (int)pid, reset_s);
		break;
	case WDMUX_EV_CLIENT_TIMEOUT:
		qb_log(LOG_CRIT,
		       "client pid %d was silent for more than %d s: watchdog feeding stopped "
		       "for good, the node resets within %u s",
		       (int)pid, detail, reset_s);
		break;
	case WDMUX_EV_KEEPALIVE_FAILED:
		qb_log(LOG_ERR, "feeding watchdog device '%s' failed: %s; retrying",
		       d->opt->device, strerror(-detail));
		break;
	case WDMUX_EV_KEEPALIVE_OK:
		qb_log(LOG_NOTICE, "feeding watchdog device '%s' works again", d->opt->device);
		break;
	}
}

static void timer_fired(void *data);

/* Keep the one timer at the core's next deadline. */
static void
daemon_schedule(struct daemon *d, uint64_t now)
{
	uint64_t next = wdmux_core_next_deadline(d->core);
	int r;

	if (d->timer_set && d->timer_at == next)
		return;
	if (d->timer_set)
		(void)qb_loop_timer_del(d->loop, d->timer);
	d->timer_set = false;
	if (next == UINT64_MAX)
		return;
	r = qb_loop_timer_add(d->loop, QB_LOOP_HIGH, next > now ? next - now : 0, d, timer_fired,
			      &d->timer);
	if (r < 0) {
		/* Client input still ticks the core; say that timing is degraded. */
		qb_log(LOG_ERR, "qb_loop_timer_add failed: %s", strerror(-r));
		return;
	}
	d->timer_set = true;
	d->timer_at = next;
}

/*
 * Run the core's checks and feeding, then re-plan.  Called after every
 * event, not only from the timer, so a busy loop cannot starve the feeding.
 */
static void
daemon_tick(struct daemon *d)
{
	uint64_t now = now_ns();

	(void)wdmux_core_tick(d->core, now);
	daemon_schedule(d, now);
}

static void
timer_fired(void *data)
{
	struct daemon *d = data;

	d->timer_set = false;
	daemon_tick(d);
}

static void
slot_release(struct slot *slot)
{
	(void)qb_loop_poll_del(slot->daemon->loop, wdmux_peer_fd(slot->peer));
	wdmux_peer_free(slot->peer);
	slot->peer = NULL;
}

static int32_t
on_peer_readable(int32_t fd, int32_t revents, void *data)
{
	struct slot *slot = data;
	struct daemon *d = slot->daemon;
	pid_t pid = wdmux_peer_pid(slot->peer);
	int error = 0;

	if (wdmux_peer_readable(d->core, slot->peer, now_ns(), &error) > 0) {
		if (error == -EPROTO)
			qb_log(LOG_WARNING,
			       "client pid %d sent a malformed timeout announcement (want "
			       "\"T<1..%d>\\n\"), dropped it",
			       (int)pid, WD_TIMEOUT_MAX);
		else if (error < 0 && error != -ECONNRESET)
			qb_log(LOG_WARNING, "reading from client pid %d failed: %s; dropped it",
			       (int)pid, strerror(-error));
		slot_release(slot);
	}
	daemon_tick(d);
	return 0;
}

static struct slot *
daemon_free_slot(struct daemon *d)
{
	for (size_t i = 0; i < WDMUX_MAX_CLIENTS; i++) {
		if (!d->slots[i].peer)
			return &d->slots[i];
	}
	return NULL;
}

static void
daemon_accept(struct daemon *d)
{
	struct wdmux_peer *peer;
	struct slot *slot;
	pid_t pid;
	int r;

	r = wdmux_peer_accept(d->core, d->listen_fd, now_ns(), &peer, &pid);
	if (r == -EAGAIN)
		return;
	if (r < 0) {
		qb_log(LOG_WARNING, "refused client pid %d: %s", (int)pid, strerror(-r));
		return;
	}
	/* The core caps its clients at the slot count, so a slot is free. */
	slot = daemon_free_slot(d);
	slot->peer = peer;
	r = qb_loop_poll_add(d->loop, QB_LOOP_LOW, wdmux_peer_fd(peer), POLLIN, slot,
			     on_peer_readable);
	if (r < 0) {
		/* Unwatched it would time out and reset the node: fail it loudly now. */
		qb_log(LOG_ERR, "qb_loop_poll_add for client pid %d failed: %s", (int)pid,
		       strerror(-r));
		wdmux_core_hangup(d->core, wdmux_peer_conn(peer), now_ns());
		wdmux_peer_free(peer);
		slot->peer = NULL;
		return;
	}
	qb_log(LOG_INFO, "client pid %d connected (%u connected)", (int)pid,
	       wdmux_core_clients(d->core));
}

static int32_t
on_listen_readable(int32_t fd, int32_t revents, void *data)
{
	struct daemon *d = data;

	daemon_accept(d);
	daemon_tick(d);
	return 0;
}

static int
ensure_dir(const char *path)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* Close the device as safely as the situation allows, and say what it means. */
static void
daemon_close_device(struct daemon *d)
{
	bool armed = wdmux_core_armed(d->core);
	unsigned timeout = wdmux_core_device_timeout(d->core);
	unsigned clients = wdmux_core_clients(d->core);
	int r = wdmux_core_close_device(d->core);

	if (r == -EBUSY)
		qb_log(LOG_WARNING,
		       "%u clients still connected: left watchdog device '%s' armed; the node "
		       "resets unless wdmux is started again within %u s",
		       clients, d->opt->device, timeout);
	else if (r == -ECANCELED)
		qb_log(LOG_WARNING, "feeding had stopped: left watchdog device '%s' armed",
		       d->opt->device);
	else if (armed)
		qb_log(LOG_NOTICE, "watchdog device '%s' disarmed", d->opt->device);
}

static int
daemon_run(struct daemon *d, const char *socket_path, int notify)
{
	int r;

	d->loop = qb_loop_create();
	if (!d->loop) {
		qb_log(LOG_ERR, "qb_loop_create failed");
		return -ENOMEM;
	}
	r = wdmux_listen(socket_path, &d->listen_fd);
	if (r < 0) {
		qb_log(LOG_ERR, "listening on '%s' failed: %s", socket_path, strerror(-r));
		return r;
	}
	r = qb_loop_poll_add(d->loop, QB_LOOP_MED, d->listen_fd, POLLIN, d, on_listen_readable);
	if (r == 0)
		r = cl_daemon_stop_on_signals(d->loop);
	if (r < 0) {
		qb_log(LOG_ERR, "setting up the main loop failed: %s", strerror(-r));
		return r;
	}
	qb_log(LOG_INFO, "listening on '%s'; device '%s' (%s driver) is armed at the first client",
	       socket_path, d->opt->device, d->opt->driver);
	cl_daemon_ready(notify, 0);
	qb_loop_run(d->loop);
	qb_log(LOG_INFO, "stopping");
	return 0;
}

static void
daemon_cleanup(struct daemon *d, const char *socket_path)
{
	if (d->core)
		daemon_close_device(d);
	for (size_t i = 0; i < WDMUX_MAX_CLIENTS; i++) {
		if (d->slots[i].peer)
			slot_release(&d->slots[i]);
	}
	wdmux_core_free(d->core);
	if (d->listen_fd >= 0) {
		(void)qb_loop_poll_del(d->loop, d->listen_fd);
		close(d->listen_fd);
		(void)unlink(socket_path);
	}
	if (d->timer_set)
		(void)qb_loop_timer_del(d->loop, d->timer);
	if (d->loop)
		qb_loop_destroy(d->loop);
}

int
main(int argc, char **argv)
{
	struct options opt;
	struct daemon d = { .opt = &opt, .listen_fd = -1 };
	char socket_path[PATH_MAX], pid_path[PATH_MAX];
	int notify = -1, pid_fd = -1, status = 1, r;
	pid_t holder = 0;

	r = parse_options(argc, argv, &opt);
	if (r != 0)
		return r > 0 ? 0 : 2;
	for (size_t i = 0; i < WDMUX_MAX_CLIENTS; i++)
		d.slots[i].daemon = &d;
	if ((size_t)snprintf(socket_path, sizeof(socket_path), "%s/%s", opt.run_dir,
			     WDMUX_SOCKET_NAME) >= sizeof(socket_path) ||
	    (size_t)snprintf(pid_path, sizeof(pid_path), "%s/wdmux.pid", opt.run_dir) >=
		    sizeof(pid_path)) {
		fprintf(stderr, "wdmux: --run-dir '%s' is too long\n", opt.run_dir);
		return 2;
	}
	cl_log_open("wdmux", opt.foreground, opt.debug);
	r = cl_daemon_detach(opt.foreground, &notify);
	if (r < 0) {
		qb_log(LOG_ERR, "detaching failed: %s", strerror(-r));
		goto out;
	}
	r = ensure_dir(opt.run_dir);
	if (r < 0) {
		qb_log(LOG_ERR, "creating run directory '%s' failed: %s", opt.run_dir,
		       strerror(-r));
		goto out;
	}
	r = cl_pidfile_acquire(pid_path, &pid_fd, &holder);
	if (r < 0) {
		if (r == -EBUSY)
			qb_log(LOG_ERR, "another wdmux (pid %d) uses run directory '%s'",
			       (int)holder, opt.run_dir);
		else
			qb_log(LOG_ERR, "locking '%s' failed: %s", pid_path, strerror(-r));
		goto out;
	}
	r = wdmux_core_new(
		&(struct wdmux_core_config){
			.driver = wd_driver_find(opt.driver),
			.device = opt.device,
			.device_timeout_s = opt.timeout_s,
			.client_timeout_s = opt.client_timeout_s,
			.on_event = on_core_event,
			.event_data = &d,
		},
		&d.core);
	if (r < 0) {
		qb_log(LOG_ERR, "wdmux_core_new failed: %s", strerror(-r));
		goto out;
	}
	if (daemon_run(&d, socket_path, notify) == 0) {
		/* daemon_run reported readiness: nothing left to tell the starter. */
		status = 0;
		notify = -1;
	}

out:
	daemon_cleanup(&d, socket_path);
	cl_pidfile_release(pid_path, pid_fd);
	cl_daemon_ready(notify, status);
	cl_log_close();
	return status;
}
