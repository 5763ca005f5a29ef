/*
 * test-watchdog-linux.c - the Linux watchdog driver speaks the kernel's
 * API: it sets the timeout with WDIOC_SETTIMEOUT, feeds with
 * WDIOC_KEEPALIVE and disarms with the magic 'V' before close.  The
 * "device" is a regular file in a private directory and ioctl() is
 * replaced at link time (-Wl,--wrap=ioctl), so no real device is touched.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/watchdog.h>

#include "fence/watchdog.h"
#include "tests/unit/tmpdir.h"

int __wrap_ioctl(int fd, unsigned long request, ...);

/* What the wrapped ioctl saw, and how the fake device answers. */
struct fake_ioctl {
	int settimeout_calls;
	int keepalive_calls;
	int asked;
	int grant; /* 0: grant what is asked */
	int fail_errno;
};

static struct fake_ioctl fk;

int
__wrap_ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	int *arg;

	va_start(ap, request);
	arg = va_arg(ap, int *);
	va_end(ap);
	if (fk.fail_errno) {
		errno = fk.fail_errno;
		return -1;
	}
	switch (request) {
	case WDIOC_SETTIMEOUT:
		fk.settimeout_calls++;
		fk.asked = *arg;
		if (fk.grant)
			*arg = fk.grant;
		return 0;
	case WDIOC_KEEPALIVE:
		fk.keepalive_calls++;
		return 0;
	default:
		errno = ENOTTY;
		return -1;
	}
}

struct fixture {
	char dir[PATH_MAX];
	char device[PATH_MAX + 16];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	int fd;

	assert_non_null(f);
	memset(&fk, 0, sizeof(fk));
	assert_int_equal(test_tmpdir_make(f->dir, sizeof(f->dir)), 0);
	snprintf(f->device, sizeof(f->device), "%s/watchdog", f->dir);
	fd = open(f->device, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	test_tmpdir_remove(f->dir);
	free(f);
	return 0;
}

/* What the driver wrote to the device file. */
static void
device_content(const struct fixture *f, char *buf, size_t size)
{
	FILE *in = fopen(f->device, "r");
	size_t n;

	assert_non_null(in);
	n = fread(buf, 1, size - 1, in);
	buf[n] = '\0';
	fclose(in);
}

static void
test_found_by_name(void **state)
{
	assert_ptr_equal(wd_driver_find("linux"), &wd_driver_linux);
	assert_ptr_equal(wd_driver_find("lab"), &wd_driver_lab);
	assert_null(wd_driver_find("Linux"));
	assert_null(wd_driver_find(NULL));
}

static void
test_no_device_no_open(void **state)
{
	unsigned t = 10;
	void *h = NULL;

	assert_int_equal(wd_driver_linux.open(NULL, &t, &h), -EINVAL);
	assert_int_equal(wd_driver_linux.open("", &t, &h), -EINVAL);
	t = 0;
	assert_int_equal(wd_driver_linux.open("/nonexistent", &t, &h), -EINVAL);
	assert_int_equal(fk.settimeout_calls, 0);
}

static void
test_sets_timeout_feeds_and_magic_closes(void **state)
{
	struct fixture *f = *state;
	unsigned t = 7;
	void *h = NULL;
	char buf[16];

	assert_int_equal(wd_driver_linux.open(f->device, &t, &h), 0);
	assert_int_equal(fk.settimeout_calls, 1);
	assert_int_equal(fk.asked, 7);
	assert_int_equal(t, 7);
	assert_int_equal(wd_driver_linux.keepalive(h), 0);
	assert_int_equal(wd_driver_linux.keepalive(h), 0);
	assert_int_equal(fk.keepalive_calls, 2);
	device_content(f, buf, sizeof(buf));
	assert_string_equal(buf, "");
	wd_driver_linux.close(h, true);
	device_content(f, buf, sizeof(buf));
	assert_string_equal(buf, "V");
}

static void
test_close_without_disarm_writes_nothing(void **state)
{
	struct fixture *f = *state;
	unsigned t = 7;
	void *h = NULL;
	char buf[16];

	assert_int_equal(wd_driver_linux.open(f->device, &t, &h), 0);
	wd_driver_linux.close(h, false);
	device_content(f, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

static void
test_shorter_timeout_is_reported(void **state)
{
	struct fixture *f = *state;
	unsigned t = 10;
	void *h = NULL;

	fk.grant = 8;
	assert_int_equal(wd_driver_linux.open(f->device, &t, &h), 0);
	assert_int_equal(t, 8);
	wd_driver_linux.close(h, true);
}

static void
test_longer_timeout_is_refused_and_disarmed(void **state)
{
	struct fixture *f = *state;
	unsigned t = 10;
	void *h = NULL;
	char buf[16];

	fk.grant = 60;
	assert_int_equal(wd_driver_linux.open(f->device, &t, &h), -ERANGE);
	device_content(f, buf, sizeof(buf));
	assert_string_equal(buf, "V");
}

static void
test_not_a_watchdog_is_refused_and_disarmed(void **state)
{
	struct fixture *f = *state;
	unsigned t = 10;
	void *h = NULL;
	char buf[16];

	fk.fail_errno = ENOTTY;
	assert_int_equal(wd_driver_linux.open(f->device, &t, &h), -ENOTTY);
	device_content(f, buf, sizeof(buf));
	assert_string_equal(buf, "V");
}

static void
test_missing_device(void **state)
{
	struct fixture *f = *state;
	char path[PATH_MAX + 32];
	unsigned t = 10;
	void *h = NULL;

	snprintf(path, sizeof(path), "%s/none", f->dir);
	assert_int_equal(wd_driver_linux.open(path, &t, &h), -ENOENT);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_found_by_name),
		cmocka_unit_test(test_no_device_no_open),
		T(test_sets_timeout_feeds_and_magic_closes),
		T(test_close_without_disarm_writes_nothing),
		T(test_shorter_timeout_is_reported),
		T(test_longer_timeout_is_refused_and_disarmed),
		T(test_not_a_watchdog_is_refused_and_disarmed),
		T(test_missing_device),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
