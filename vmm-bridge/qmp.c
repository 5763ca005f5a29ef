/*
 * qmp.c - a client of the QEMU Machine Protocol over its unix socket: one
 * JSON object per line, parsed with json-c.  It reads the greeting, leaves
 * negotiation mode, and runs one command at a time, skipping the events
 * QEMU sends in between.  Every wait is bounded.
 */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "vmm-bridge/vmm-int.h"

struct vmm_qmp {
	int fd;
	int timeout_ms;
	char *path;
	char buf[65536]; /* bytes read and not yet parsed */
	size_t len;
};

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read until one full line is buffered; -ETIMEDOUT, -ECONNRESET at EOF. */
static int
fill_line(vmm_qmp_t *q, long long deadline)
{
	struct pollfd pfd = { .fd = q->fd, .events = POLLIN };
	ssize_t n;
	int r;

	while (!memchr(q->buf, '\n', q->len)) {
		long long left = deadline - now_ms();

		if (q->len == sizeof(q->buf))
			return -EMSGSIZE;
		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r <= 0)
			continue;
		n = read(q->fd, q->buf + q->len, sizeof(q->buf) - q->len);
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return -errno;
		if (n == 0)
			return -ECONNRESET;
		if (n > 0)
			q->len += (size_t)n;
	}
	return 0;
}

/* The next message as a JSON object (caller puts it). */
static int
read_message(vmm_qmp_t *q, json_object **ret, vmm_error_t *err)
{
	long long deadline = now_ms() + q->timeout_ms;
	json_object *obj;
	char *nl;
	int r;

	r = fill_line(q, deadline);
	if (r < 0)
		return vmm_err(err, r, "QMP %s: %s", q->path,
			       r == -ETIMEDOUT ? "no answer" : strerror(-r));
	nl = memchr(q->buf, '\n', q->len);
	*nl = '\0';
	obj = json_tokener_parse(q->buf);
	q->len -= (size_t)(nl + 1 - q->buf);
	memmove(q->buf, nl + 1, q->len);
	if (!obj || !json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		return vmm_err(err, -EPROTO, "QMP %s: a message that is not a JSON object",
			       q->path);
	}
	*ret = obj;
	return 0;
}

static int
send_command(vmm_qmp_t *q, const char *command, json_object *args, vmm_error_t *err)
{
	json_object *cmd = json_object_new_object();
	const char *text;
	size_t len, off = 0;
	int r = 0;

	if (!cmd || json_object_object_add(cmd, "execute", json_object_new_string(command)) < 0)
		goto nomem;
	if (args && json_object_object_add(cmd, "arguments", json_object_get(args)) < 0)
		goto nomem;
	text = json_object_to_json_string_ext(cmd, JSON_C_TO_STRING_PLAIN);
	len = strlen(text);
	while (off < len) {
		ssize_t n = send(q->fd, text + off, len - off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = vmm_err(err, -errno, "QMP %s: send: %s", q->path, strerror(errno));
			break;
		}
		off += (size_t)n;
	}
	json_object_put(cmd);
	return r;
nomem:
	json_object_put(cmd);
	return vmm_err(err, -ENOMEM, "out of memory");
}

int
vmm_qmp_execute(vmm_qmp_t *q, const char *command, json_object *args, json_object **ret_return,
		vmm_error_t *err)
{
	json_object *msg = NULL, *val, *cls, *desc;
	int r;

	r = send_command(q, command, args, err);
	if (r < 0)
		return r;
	for (;;) {
		r = read_message(q, &msg, err);
		if (r < 0)
			return vmm_err_prefix(err, r, "%s", command);
		if (json_object_object_get_ex(msg, "return", &val)) {
			if (ret_return)
				*ret_return = json_object_get(val);
			json_object_put(msg);
			return 0;
		}
		if (json_object_object_get_ex(msg, "error", &val)) {
			json_object_object_get_ex(val, "class", &cls);
			json_object_object_get_ex(val, "desc", &desc);
			r = vmm_err(err, -EIO, "QMP %s: %s: %s", command,
				    cls ? json_object_get_string(cls) : "error",
				    desc ? json_object_get_string(desc) : "no description");
			json_object_put(msg);
			return r;
		}
		/* An event ("event": ...) or anything else: not our answer. */
		json_object_put(msg);
	}
}

int
vmm_qmp_connect(const char *path, int timeout_ms, vmm_qmp_t **ret_qmp, vmm_error_t *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	vmm_qmp_t *q;
	json_object *greeting = NULL, *val;
	int r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return vmm_err(err, -ENAMETOOLONG, "QMP socket path %s is longer than %zu", path,
			       sizeof(sa.sun_path) - 1);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	q = calloc(1, sizeof(*q));
	if (!q || !(q->path = strdup(path))) {
		free(q);
		return vmm_err(err, -ENOMEM, "out of memory");
	}
	q->timeout_ms = timeout_ms;
	q->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (q->fd < 0 || connect(q->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = vmm_err(err, -errno, "QMP %s: %s", path, strerror(errno));
		goto fail;
	}
	r = read_message(q, &greeting, err);
	if (r < 0)
		goto fail;
	if (!json_object_object_get_ex(greeting, "QMP", &val)) {
		r = vmm_err(err, -EPROTO, "QMP %s: no greeting", path);
		goto put_greeting;
	}
	json_object_put(greeting);
	r = vmm_qmp_execute(q, "qmp_capabilities", NULL, NULL, err);
	if (r < 0)
		goto fail;
	*ret_qmp = q;
	return 0;
put_greeting:
	json_object_put(greeting);
fail:
	vmm_qmp_free(q);
	return r;
}

int
vmm_qmp_wait_closed(vmm_qmp_t *q, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	struct pollfd pfd = { .fd = q->fd, .events = POLLIN };
	char sink[4096];

	for (;;) {
		long long left = deadline - now_ms();
		ssize_t n;
		int r;

		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r <= 0)
			continue;
		/* Events until EOF: QEMU closes the socket when it exits. */
		n = read(q->fd, sink, sizeof(sink));
		if (n == 0 || (n < 0 && errno == ECONNRESET))
			return 0;
	}
}

void
vmm_qmp_free(vmm_qmp_t *q)
{
	if (!q)
		return;
	if (q->fd >= 0)
		close(q->fd);
	free(q->path);
	free(q);
}
