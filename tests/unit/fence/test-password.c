/* test-password.c - password files: read, stripped, refused when exposed. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fence/fence.h"
#include "tests/unit/tmpdir.h"

struct fixture {
	char dir[PATH_MAX];
	struct fence_device ipmi, agent;
};

static int
setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	if (test_tmpdir_make(f.dir, sizeof(f.dir)) < 0)
		return -1;
	f.ipmi.name = (char *)(uintptr_t) "bmc-n1";
	f.ipmi.type = (char *)(uintptr_t) "ipmi";
	f.agent.name = (char *)(uintptr_t) "pdu";
	f.agent.type = (char *)(uintptr_t) "agent";
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	test_tmpdir_remove(f->dir);
	return 0;
}

static void
write_file(struct fixture *f, const char *name, const char *content, size_t len, mode_t mode)
{
	char path[PATH_MAX + 64];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void
test_first_line_without_newline(void **state)
{
	struct fixture *f = *state;
	fence_err_t err = {""};
	char *pw = NULL;

	write_file(f, "bmc-n1", "s3cret pass\nignored\n", 20, 0600);
	assert_int_equal(fence_password_read(f->dir, &f->ipmi, &pw, &err), 0);
	assert_string_equal(pw, "s3cret pass");
	fence_password_free(pw);
	write_file(f, "bmc-n1", "nonl", 4, 0400);
	assert_int_equal(fence_password_read(f->dir, &f->ipmi, &pw, &err), 0);
	assert_string_equal(pw, "nonl");
	fence_password_free(pw);
	fence_password_free(NULL);
}

static void
test_open_mode_is_refused(void **state)
{
	struct fixture *f = *state;
	fence_err_t err = {""};
	char *pw = NULL;

	write_file(f, "bmc-n1", "s3cret\n", 7, 0644);
	assert_int_equal(fence_password_read(f->dir, &f->ipmi, &pw, &err), -EPERM);
	assert_null(pw);
	assert_non_null(strstr(err.msg, "open to others (mode 0644); run chmod 600"));
	assert_null(strstr(err.msg, "s3cret"));
}

static void
test_missing_file(void **state)
{
	struct fixture *f = *state;
	fence_err_t err = {""};
	char *pw = (char *)(uintptr_t) "unchanged";

	assert_int_equal(fence_password_read(f->dir, &f->ipmi, &pw, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "device 'bmc-n1': cannot read password file"));
	/* An agent may need no password at all. */
	assert_int_equal(fence_password_read(f->dir, &f->agent, &pw, &err), 0);
	assert_null(pw);
}

static void
test_empty_binary_or_odd_files(void **state)
{
	struct fixture *f = *state;
	fence_err_t err = {""};
	char path[PATH_MAX + 64], *pw = NULL;

	write_file(f, "bmc-n1", "\n", 1, 0600);
	assert_int_equal(fence_password_read(f->dir, &f->ipmi, &pw, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "must hold one line"));
	write_file(f, "bmc-n1", "a\0b\n", 4, 0600);
	assert_int_equal(fence_password_read(f->dir, &f->ipmi, &pw, &err), -EINVAL);
	write_file(f, "bmc-n1", "dos\r\n", 5, 0600);
	assert_int_equal(fence_password_read(f->dir, &f->ipmi, &pw, &err), -EINVAL);

	snprintf(path, sizeof(path), "%s/pdu", f->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(fence_password_read(f->dir, &f->agent, &pw, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "not a regular file"));
	assert_int_equal(rmdir(path), 0);

	/* A symlink could point anywhere: not followed. */
	assert_int_equal(symlink("/etc/hostname", path), 0);
	assert_int_equal(fence_password_read(f->dir, &f->agent, &pw, &err), -ELOOP);
	assert_null(pw);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_first_line_without_newline, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_open_mode_is_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_empty_binary_or_odd_files, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
