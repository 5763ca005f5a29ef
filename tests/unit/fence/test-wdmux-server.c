/*
 * test-wdmux-server.c - wdmux's socket side on real unix sockets: clients
 * are greeted, a clean close is told from an unclean one even when the
 * client never read the greeting, a read error drops only that client,
 * no client gets more than one read budget per event, and refused or
 * malformed clients are told why and never fence the node.
 */
#include <config.h>

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake-watchdog.h"
#include "fence/wdmux-server.h"
#include "tests/unit/tmpdir.h"

struct fixture {
	char dir[PATH_MAX];
	char path[PATH_MAX + 32];
	int listen_fd;
	struct wdmux_core *core;
	struct event_log log;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	memset(&fake, 0, sizeof(fake));
	assert_int_equal(test_tmpdir_make(f->dir, sizeof(f->dir)), 0);
	snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, WDMUX_SOCKET_NAME);
	assert_int_equal(wdmux_listen(f->path, &f->listen_fd), 0);
	assert_int_equal(wdmux_core_new(
				 &(struct wdmux_core_config){
					 .driver = &fake_driver,
					 .device = "/fake/watchdog",
					 .device_timeout_s = 4,
					 .client_timeout_s = 10,
					 .on_event = record_event,
					 .event_data = &f->log,
				 },
				 &f->core),
			 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	wdmux_core_free(f->core);
	close(f->listen_fd);
	test_tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static int
client_connect(struct fixture *f)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	strcpy(addr.sun_path, f->path);
	assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	return fd;
}

static void
client_send(int fd, const char *s)
{
	assert_int_equal(send(fd, s, strlen(s), MSG_NOSIGNAL), (ssize_t)strlen(s));
}

/* Everything the server sent, up to its EOF or what is there now. */
static void
client_read(int fd, char *buf, size_t size)
{
	ssize_t n = recv(fd, buf, size - 1, MSG_DONTWAIT);

	buf[n > 0 ? n : 0] = '\0';
}

static struct wdmux_peer *
server_accept(struct fixture *f, uint64_t now)
{
	struct wdmux_peer *peer = NULL;
	pid_t pid = 0;

	assert_int_equal(wdmux_peer_accept(f->core, f->listen_fd, now, &peer, &pid), 0);
	assert_int_equal(pid, getpid());
	assert_int_equal(wdmux_peer_pid(peer), getpid());
	return peer;
}

/* Call the readable handler until the peer is gone; returns its error. */
static int
server_drain(struct fixture *f, struct wdmux_peer *peer, uint64_t now)
{
	int error = 0;

	for (int i = 0; i < 100; i++) {
		if (wdmux_peer_readable(f->core, peer, now, &error) > 0) {
			wdmux_peer_free(peer);
			return error;
		}
	}
	fail_msg("peer never went away");
	return 0;
}

static void
test_listen_is_private_and_replaces_stale_socket(void **state)
{
	struct fixture *f = *state;
	struct stat st;
	int fd2;

	assert_int_equal(stat(f->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	/* A socket file left by a crash does not keep the next wdmux out. */
	assert_int_equal(wdmux_listen(f->path, &fd2), 0);
	close(fd2);
}

static void
test_nothing_to_accept(void **state)
{
	struct fixture *f = *state;
	struct wdmux_peer *peer = NULL;
	pid_t pid;

	assert_int_equal(wdmux_peer_accept(f->core, f->listen_fd, 0, &peer, &pid), -EAGAIN);
	assert_false(wdmux_core_armed(f->core));
}

static void
test_greeting_and_clean_close(void **state)
{
	struct fixture *f = *state;
	char buf[64];
	int fd = client_connect(f);
	struct wdmux_peer *peer = server_accept(f, 0);

	client_read(fd, buf, sizeof(buf));
	assert_string_equal(buf, "ok\n");
	assert_true(wdmux_core_armed(f->core));
	client_send(fd, "T5\n...V");
	close(fd);
	assert_int_equal(server_drain(f, peer, 1), 0);
	assert_int_equal(count_events(&f->log, WDMUX_EV_CLIENT_CLEAN), 1);
	assert_false(wdmux_core_stopped(f->core));
}

static void
test_unclean_close(void **state)
{
	struct fixture *f = *state;
	char buf[64];
	int fd = client_connect(f);
	struct wdmux_peer *peer = server_accept(f, 0);

	client_read(fd, buf, sizeof(buf));
	client_send(fd, "...");
	close(fd);
	assert_int_equal(server_drain(f, peer, 1), 0);
	assert_true(wdmux_core_stopped(f->core));
	assert_int_equal(count_events(&f->log, WDMUX_EV_CLIENT_UNCLEAN), 1);
}

static void
test_clean_close_without_reading_greeting(void **state)
{
	struct fixture *f = *state;
	int fd = client_connect(f);
	struct wdmux_peer *peer = server_accept(f, 0);
	int error;

	/* Closing with "ok" unread makes our reads fail with ECONNRESET. */
	client_send(fd, "..V");
	close(fd);
	error = server_drain(f, peer, 1);
	assert_true(error == 0 || error == -ECONNRESET);
	assert_false(wdmux_core_stopped(f->core));
	assert_int_equal(count_events(&f->log, WDMUX_EV_CLIENT_CLEAN), 1);
}

static void
test_read_error_drops_only_that_client(void **state)
{
	struct fixture *f = *state;
	char buf[64];
	int a = client_connect(f);
	struct wdmux_peer *pa = server_accept(f, 0);
	int b = client_connect(f);
	struct wdmux_peer *pb = server_accept(f, 0);
	int error;

	/* a dies with our greeting unread: its reads fail, ECONNRESET. */
	close(a);
	assert_int_equal(server_drain(f, pa, 1), -ECONNRESET);
	assert_true(wdmux_core_stopped(f->core));
	/* b is still served: its bytes are read and its clean close counts. */
	client_read(b, buf, sizeof(buf));
	assert_string_equal(buf, "ok\n");
	client_send(b, "..");
	assert_int_equal(wdmux_peer_readable(f->core, pb, 2, &error), 0);
	client_send(b, "V");
	close(b);
	assert_int_equal(server_drain(f, pb, 3), 0);
	assert_int_equal(count_events(&f->log, WDMUX_EV_CLIENT_CLEAN), 1);
}

static void
test_one_read_budget_per_event(void **state)
{
	struct fixture *f = *state;
	char flood[3 * WDMUX_READ_BUDGET];
	char peek[8];
	int fd = client_connect(f);
	struct wdmux_peer *peer = server_accept(f, 0);
	int error, reads = 0;

	client_read(fd, peek, sizeof(peek));
	memset(flood, '.', sizeof(flood));
	assert_int_equal(send(fd, flood, sizeof(flood), 0), (ssize_t)sizeof(flood));
	assert_int_equal(wdmux_peer_readable(f->core, peer, 1, &error), 0);
	/* The rest waits for the next event: other work runs in between. */
	assert_true(recv(wdmux_peer_fd(peer), peek, sizeof(peek), MSG_PEEK | MSG_DONTWAIT) > 0);
	while (recv(wdmux_peer_fd(peer), peek, sizeof(peek), MSG_PEEK | MSG_DONTWAIT) > 0) {
		assert_int_equal(wdmux_peer_readable(f->core, peer, 1, &error), 0);
		reads++;
	}
	assert_int_equal(reads, 2);
	client_send(fd, "V");
	close(fd);
	assert_int_equal(server_drain(f, peer, 2), 0);
}

static void
test_malformed_hello_is_told_and_not_fenced(void **state)
{
	struct fixture *f = *state;
	char buf[128];
	int fd = client_connect(f);
	struct wdmux_peer *peer = server_accept(f, 0);

	client_send(fd, "Tsoon\n");
	assert_int_equal(server_drain(f, peer, 1), -EPROTO);
	client_read(fd, buf, sizeof(buf));
	assert_non_null(strstr(buf, "error: malformed timeout announcement"));
	close(fd);
	assert_false(wdmux_core_stopped(f->core));
	assert_int_equal(wdmux_core_clients(f->core), 0);
}

static void
test_refused_when_feeding_stopped(void **state)
{
	struct fixture *f = *state;
	struct wdmux_peer *peer = NULL;
	char buf[128];
	int a = client_connect(f);
	struct wdmux_peer *pa = server_accept(f, 0);
	int b;
	pid_t pid;

	close(a);
	(void)server_drain(f, pa, 1);
	assert_true(wdmux_core_stopped(f->core));
	b = client_connect(f);
	assert_int_equal(wdmux_peer_accept(f->core, f->listen_fd, 2, &peer, &pid), -ECANCELED);
	assert_null(peer);
	client_read(b, buf, sizeof(buf));
	assert_non_null(strstr(buf, "error: watchdog feeding has stopped"));
	close(b);
}

static void
test_refused_when_device_does_not_open(void **state)
{
	struct fixture *f = *state;
	struct wdmux_peer *peer = NULL;
	char buf[128];
	int fd = client_connect(f);
	pid_t pid;

	fake.open_error = -ENOENT;
	assert_int_equal(wdmux_peer_accept(f->core, f->listen_fd, 0, &peer, &pid), -ENOENT);
	client_read(fd, buf, sizeof(buf));
	assert_non_null(strstr(buf, "error: the watchdog device could not be opened"));
	close(fd);
	assert_false(wdmux_core_stopped(f->core));
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_listen_is_private_and_replaces_stale_socket),
		T(test_nothing_to_accept),
		T(test_greeting_and_clean_close),
		T(test_unclean_close),
		T(test_clean_close_without_reading_greeting),
		T(test_read_error_drops_only_that_client),
		T(test_one_read_budget_per_event),
		T(test_malformed_hello_is_told_and_not_fenced),
		T(test_refused_when_feeding_stopped),
		T(test_refused_when_device_does_not_open),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
