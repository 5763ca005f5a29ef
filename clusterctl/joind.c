/*
 * joind.c - cluster-joind: the join service.  Listens on a TCP port,
 * accepts one connection at a time on the libqb loop and hands it to
 * join-serve.c.  A separate daemon rather than part of clusterd, so that
 * the TLS stack and the CA key never live in the process that serves the
 * FUSE tree, and so that it can be stopped when no node is to join; it
 * changes the tree through the mount like any admin tool.
 */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <qb/qbloop.h>
#include <qb/qblog.h>

#include "clusterctl/join-serve.h"
#include "clusterctl/node.h"
#include "clusterctl/token.h"
#include "common/common.h"

/* A peer that stalls cannot hold the service longer than this. */
#define IO_TIMEOUT_S 10

struct options {
	bool foreground;
	bool debug;
	const char *run_dir;
	unsigned port;
	struct ctl_paths paths;
};

struct service {
	ctl_joiner_t *joiner;
	int listen_fd;
};

static void
usage(FILE *out)
{
	fprintf(out, "usage: cluster-joind [-f] [-d] [--run-dir DIR] [--port N] [--state-dir DIR]\n"
	             "                     [--mount DIR] [--corosync-dir DIR]\n"
	             "The join service of clusterctl add; see clusterctl(8).\n");
}

static int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
	    {"foreground", no_argument, NULL, 'f'},
	    {"debug", no_argument, NULL, 'd'},
	    {"run-dir", required_argument, NULL, 'r'},
	    {"port", required_argument, NULL, 'p'},
	    {"help", no_argument, NULL, 'h'},
	    CTL_PATH_OPTIONS,
	    {NULL, 0, NULL, 0},
	};
	char *end;
	int c;

	*o = (struct options){.run_dir = "/run/clusterha", .port = CTL_JOIN_PORT};
	ctl_paths_init(&o->paths);
	while ((c = getopt_long(argc, argv, "fdh", longopts, NULL)) != -1) {
		if (ctl_paths_option(&o->paths, c, optarg))
			continue;
		switch (c) {
		case 'f':
			o->foreground = true;
			break;
		case 'd':
			o->debug = true;
			break;
		case 'r':
			o->run_dir = optarg;
			break;
		case 'p':
			o->port = (unsigned)strtoul(optarg, &end, 10);
			if (*end || o->port < 1 || o->port > 65535) {
				fprintf(stderr,
				        "cluster-joind: --port must be 1..65535, not '%s'\n",
				        optarg);
				goto bad;
			}
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			goto bad;
		}
	}
	if (optind == argc)
		return 0;
bad:
	usage(stderr);
	return -EINVAL;
}

/* Listen on every address, IPv6 and IPv4 where the host has IPv6. */
static int
listen_on(unsigned port, int *ret_fd)
{
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6,
	                          .sin6_port = htons((uint16_t)port),
	                          .sin6_addr = IN6ADDR_ANY_INIT};
	struct sockaddr_in a4 = {.sin_family = AF_INET,
	                         .sin_port = htons((uint16_t)port),
	                         .sin_addr.s_addr = htonl(INADDR_ANY)};
	int one = 1, zero = 0;
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd >= 0) {
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&a6, sizeof(a6)) < 0) {
			close(fd);
			fd = -1;
		}
	}
	if (fd < 0) {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0)
			return -errno;
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&a4, sizeof(a4)) < 0) {
			int r = -errno;

			close(fd);
			return r;
		}
	}
	if (listen(fd, 8) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	*ret_fd = fd;
	return 0;
}

static void
peer_name(const struct sockaddr_storage *ss, char *buf, size_t size)
{
	const void *addr = ss->ss_family == AF_INET6
	                       ? (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr
	                       : (const void *)&((const struct sockaddr_in *)ss)->sin_addr;

	if (!inet_ntop(ss->ss_family, addr, buf, (socklen_t)size))
		snprintf(buf, size, "?");
}

static int32_t
on_accept(int32_t fd, int32_t revents, void *data)
{
	struct service *s = data;
	struct timeval tv = {IO_TIMEOUT_S, 0};
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char peer[INET6_ADDRSTRLEN];
	int c = accept4(fd, (struct sockaddr *)&ss, &len, SOCK_CLOEXEC);

	if (c < 0)
		return 0;
	peer_name(&ss, peer, sizeof(peer));
	/* One join at a time keeps corosync.conf edits in order; a timeout bounds each. */
	(void)setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	ctl_joiner_serve(s->joiner, c, peer);
	return 0;
}

int
main(int argc, char **argv)
{
	struct options o;
	struct service s = {NULL, -1};
	qb_loop_t *loop = NULL;
	char pidfile[PATH_MAX];
	int notify = -1, pid_fd = -1, status = 1, r;
	pid_t holder = 0;

	if (parse_options(argc, argv, &o) < 0)
		return 2;
	cl_log_open("cluster-joind", o.foreground, o.debug);
	if (cl_daemon_detach(o.foreground, &notify) < 0)
		return 1;
	snprintf(pidfile, sizeof(pidfile), "%s/cluster-joind.pid", o.run_dir);
	if (mkdir(o.run_dir, 0755) < 0 && errno != EEXIST) {
		qb_log(LOG_ERR, "cannot create directory '%s': %s", o.run_dir, strerror(errno));
		goto out;
	}
	r = cl_pidfile_acquire(pidfile, &pid_fd, &holder);
	if (r < 0) {
		qb_log(LOG_ERR,
		       r == -EBUSY ? "cluster-joind is already running (pid %ld)"
		                   : "cannot lock the pid file (pid %ld)",
		       (long)holder);
		goto out;
	}
	if (ctl_joiner_new(&o.paths, &s.joiner) < 0)
		goto out;
	r = listen_on(o.port, &s.listen_fd);
	if (r < 0) {
		qb_log(LOG_ERR, "cannot listen on TCP port %u: %s", o.port, strerror(-r));
		goto out;
	}
	loop = qb_loop_create();
	if (!loop || cl_daemon_stop_on_signals(loop) < 0 ||
	    qb_loop_poll_add(loop, QB_LOOP_MED, s.listen_fd, POLLIN, &s, on_accept) < 0)
		goto out;
	qb_log(LOG_NOTICE, "join service listening on TCP port %u", o.port);
	cl_daemon_ready(notify, 0);
	notify = -1;
	status = 0;
	qb_loop_run(loop);
	qb_log(LOG_NOTICE, "stopping");
out:
	if (loop) {
		if (s.listen_fd >= 0)
			(void)qb_loop_poll_del(loop, s.listen_fd);
		qb_loop_destroy(loop);
	}
	if (s.listen_fd >= 0)
		close(s.listen_fd);
	ctl_joiner_free(s.joiner);
	cl_pidfile_release(pidfile, pid_fd);
	cl_daemon_ready(notify, status);
	cl_log_close();
	return status;
}
