/*
 * wdmux-client-tool.c - wdmux-client(8): a command that is a wdmux client,
 * for administrators and tests.  It feeds at an interval or floods, for a
 * while or until SIGTERM/SIGINT, then leaves cleanly, uncleanly, or stays
 * connected without feeding.  The protocol is in wdmux-client.c.
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
#include <time.h>
#include <unistd.h>

#include "fence/wdmux-client.h"

enum ending { END_CLEAN, END_UNCLEAN, END_SILENT };

struct options {
	const char *run_dir;
	unsigned timeout_s;
	unsigned interval_ms;
	double duration_s; /* < 0: until a signal */
	bool flood;
	enum ending ending;
};

static void
usage(FILE *out)
{
	fprintf(out, "usage: wdmux-client [--run-dir DIR] [--timeout S] [--interval MS] [--flood]\n"
		     "                    [--for S] [--end clean|unclean|silent]\n");
}

static int
parse_number(const char *option, const char *value, double min, double max, double *ret)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(value, &end);
	if (errno || end == value || *end || v < min || v > max) {
		fprintf(stderr, "wdmux-client: %s: '%s' is not a number in %g..%g\n", option,
			value, min, max);
		return -EINVAL;
	}
	*ret = v;
	return 0;
}

static int
parse_options(int argc, char **argv, struct options *opt)
{
	static const struct option longopts[] = {
		{ "run-dir", required_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 't' },
		{ "interval", required_argument, NULL, 'i' },
		{ "for", required_argument, NULL, 'F' },
		{ "flood", no_argument, NULL, 'l' },
		{ "end", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	double v;
	int c;

	*opt = (struct options){ .run_dir = "/run/clusterha", .interval_ms = 1000,
				 .duration_s = -1 };
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			opt->run_dir = optarg;
			break;
		case 't':
			if (parse_number("--timeout", optarg, 1, 3600, &v) < 0)
				return -EINVAL;
			opt->timeout_s = (unsigned)v;
			break;
		case 'i':
			if (parse_number("--interval", optarg, 1, 3600000, &v) < 0)
				return -EINVAL;
			opt->interval_ms = (unsigned)v;
			break;
		case 'F':
			if (parse_number("--for", optarg, 0, 1e6, &opt->duration_s) < 0)
				return -EINVAL;
			break;
		case 'l':
			opt->flood = true;
			break;
		case 'e':
			if (strcmp(optarg, "clean") == 0)
				opt->ending = END_CLEAN;
			else if (strcmp(optarg, "unclean") == 0)
				opt->ending = END_UNCLEAN;
			else if (strcmp(optarg, "silent") == 0)
				opt->ending = END_SILENT;
			else {
				fprintf(stderr, "wdmux-client: --end: '%s' is not clean, "
						"unclean or silent\n",
					optarg);
				return -EINVAL;
			}
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "wdmux-client: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Write as much as the socket takes, without waiting longer than @ms. */
static int
flood_once(int fd, int ms, unsigned long long *sent)
{
	static const char dots[65536] = { [0 ... 65535] = '.' };
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };

	if (poll(&pfd, 1, ms) <= 0)
		return 0;
	ssize_t n = send(fd, dots, sizeof(dots), MSG_NOSIGNAL | MSG_DONTWAIT);

	if (n < 0 && errno != EAGAIN && errno != EINTR)
		return -errno;
	if (n > 0)
		*sent += (unsigned long long)n;
	return 0;
}

/* Feed or flood until the time is up or a stop signal is pending. */
static int
run_feeding(struct wdmux_client *client, const struct options *opt, const sigset_t *stop)
{
	double end = opt->duration_s < 0 ? -1 : now_s() + opt->duration_s;
	struct timespec zero = { 0 };
	unsigned long long sent = 0;

	while (end < 0 || now_s() < end) {
		int r = opt->flood ? flood_once(wdmux_client_fd(client), 100, &sent)
				   : wdmux_client_feed(client);

		if (r < 0) {
			fprintf(stderr, "wdmux-client: feeding failed: %s\n", strerror(-r));
			return r;
		}
		if (opt->flood) {
			if (sigtimedwait(stop, NULL, &zero) > 0)
				break;
			continue;
		}
		/* Sleep one interval, waking early for a stop signal. */
		struct timespec pause = { .tv_sec = opt->interval_ms / 1000,
					  .tv_nsec = (long)(opt->interval_ms % 1000) * 1000000L };
		if (sigtimedwait(stop, NULL, &pause) > 0)
			break;
	}
	if (opt->flood)
		printf("flooded %llu bytes\n", sent);
	return 0;
}

int
main(int argc, char **argv)
{
	struct wdmux_client *client = NULL;
	struct options opt;
	sigset_t stop;
	int r;

	r = parse_options(argc, argv, &opt);
	if (r != 0)
		return r > 0 ? 0 : 2;
	/* Stop signals are taken synchronously, so every ending runs in order. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	r = wdmux_client_open(opt.run_dir, opt.timeout_s, &client);
	if (r < 0) {
		fprintf(stderr, "wdmux-client: connecting to wdmux in '%s' failed: %s\n",
			opt.run_dir, strerror(-r));
		return 1;
	}
	printf("connected\n");
	fflush(stdout);
	r = run_feeding(client, &opt, &stop);
	if (r < 0) {
		(void)wdmux_client_close(client, false);
		return 1;
	}
	switch (opt.ending) {
	case END_CLEAN:
		r = wdmux_client_close(client, true);
		printf(r < 0 ? "clean close failed\n" : "closed cleanly\n");
		return r < 0 ? 1 : 0;
	case END_UNCLEAN:
		(void)wdmux_client_close(client, false);
		printf("closed without the clean-close byte\n");
		return 0;
	case END_SILENT:
		printf("silent\n");
		fflush(stdout);
		/* Connected and mute until a stop signal; the exit is unclean. */
		(void)sigwaitinfo(&stop, NULL);
		(void)wdmux_client_close(client, false);
		return 0;
	}
	return 0;
}
