/* test-pidfile.c - a second instance is refused, a stale file is not. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/common.h"
#include "tests/unit/tmpdir.h"

struct fixture {
	char dir[PATH_MAX];
	char path[PATH_MAX + 32];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || test_tmpdir_make(f->dir, sizeof(f->dir)) < 0)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/daemon.pid", f->dir);
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

static long
read_pid(const char *path)
{
	char buf[32] = "";
	FILE *fp = fopen(path, "r");

	if (!fp)
		return -1;
	if (!fgets(buf, sizeof(buf), fp))
		buf[0] = '\0';
	fclose(fp);
	return strtol(buf, NULL, 10);
}

static void
test_acquire_writes_own_pid(void **state)
{
	struct fixture *f = *state;
	int fd = -1;

	assert_int_equal(cl_pidfile_acquire(f->path, &fd, NULL), 0);
	assert_true(fd >= 0);
	assert_int_equal(read_pid(f->path), (long)getpid());
	cl_pidfile_release(f->path, fd);
	assert_int_equal(access(f->path, F_OK), -1);
}

static void
test_second_instance_is_refused_with_holder(void **state)
{
	struct fixture *f = *state;
	int first = -1, second = -1;
	pid_t holder = 0;

	assert_int_equal(cl_pidfile_acquire(f->path, &first, NULL), 0);
	assert_int_equal(cl_pidfile_acquire(f->path, &second, &holder), -EBUSY);
	assert_int_equal(second, -1); /* untouched on failure */
	assert_int_equal(holder, getpid());
	cl_pidfile_release(f->path, first);

	/* Once released, the next instance may start. */
	assert_int_equal(cl_pidfile_acquire(f->path, &second, NULL), 0);
	cl_pidfile_release(f->path, second);
}

static void
test_stale_file_does_not_block(void **state)
{
	struct fixture *f = *state;
	FILE *fp = fopen(f->path, "w");
	int fd = -1;

	/* A crashed daemon leaves its file behind, but no lock. */
	assert_non_null(fp);
	fputs("999999999\n", fp);
	fclose(fp);
	assert_int_equal(cl_pidfile_acquire(f->path, &fd, NULL), 0);
	assert_int_equal(read_pid(f->path), (long)getpid());
	cl_pidfile_release(f->path, fd);
}

static void
test_missing_directory_is_reported(void **state)
{
	struct fixture *f = *state;
	char path[PATH_MAX + 16];
	int fd = -1;

	snprintf(path, sizeof(path), "%s/nope/daemon.pid", f->dir);
	assert_int_equal(cl_pidfile_acquire(path, &fd, NULL), -ENOENT);
	assert_int_equal(fd, -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_acquire_writes_own_pid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_instance_is_refused_with_holder,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_file_does_not_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_directory_is_reported, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
