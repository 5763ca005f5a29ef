/*
 * test-storagectl.c - the storagectl(8) command line, run as the built
 * binary on a private config root: "--KEY VALUE" and "--KEY=VALUE" keys,
 * options after the command, --delete lists, the JSON answer of a refused
 * remove, and the exit codes 0 / 1 / 2.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "tests/unit/tmpdir.h"
#include "vmm-bridge/vmm-int.h"

/* Built next to this test by the same make check (tests run in the build dir). */
#define STORAGECTL "vmm-bridge/storagectl"

struct fixture {
	char dir[PATH_MAX];
};

/* Run storagectl with @args on the fixture's root; its stdout into @out. */
static int
run(const struct fixture *f, const char *args, char *out, size_t size)
{
	char cmd[PATH_MAX + 1024];
	size_t len = 0, n;
	FILE *fp;
	int st;

	snprintf(cmd, sizeof(cmd), "%s --config-root %s %s 2>/dev/null", STORAGECTL, f->dir, args);
	fp = popen(cmd, "r");
	assert_non_null(fp);
	while (len + 1 < size && (n = fread(out + len, 1, size - 1 - len, fp)) > 0)
		len += n;
	out[len] = '\0';
	st = pclose(fp);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static char *
cfg_text(const struct fixture *f)
{
	char path[PATH_MAX + 32], *text = NULL;
	vmm_error_t err;

	snprintf(path, sizeof(path), "%s/storage.cfg", f->dir);
	assert_int_equal(vmm_file_read(path, &text, &err), 0);
	return text;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || test_tmpdir_make(f->dir, sizeof(f->dir)) < 0)
		return -1;
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

static void
test_edits(void **state)
{
	struct fixture *f = *state;
	char out[2048], *text;

	assert_int_equal(run(f, "add nfs nas --server 10.0.0.5 --export=/srv --nodes n1,n2 "
				"--access qemu",
			     out, sizeof(out)),
			 0);
	assert_string_equal(out, "");
	assert_int_equal(run(f, "set nas --delete nodes --delete access --server=10.0.0.6 "
				"--output-format json",
			     out, sizeof(out)),
			 0);
	assert_string_equal(out, "{\"storage\":\"nas\",\"command\":\"set\",\"ok\":true,"
				 "\"error\":null}\n");
	text = cfg_text(f);
	assert_string_equal(text, "nfs: nas\n\tserver 10.0.0.6\n\texport /srv\n");
	free(text);
	assert_int_equal(run(f, "list --output-format json", out, sizeof(out)), 0);
	assert_string_equal(out, "[{\"storage\":\"nas\",\"type\":\"nfs\",\"shared\":true,"
				 "\"content\":\"images\",\"nodes\":null}]\n");
	assert_int_equal(run(f, "remove nas", out, sizeof(out)), 0);
	text = cfg_text(f);
	assert_string_equal(text, "");
	free(text);
}

static void
test_refusals(void **state)
{
	struct fixture *f = *state;
	char out[2048], path[PATH_MAX + 64];
	FILE *fp;

	assert_int_equal(run(f, "add dir d --path /d", out, sizeof(out)), 0);
	/* A bad key is refused (1); a bad command line is a usage error (2). */
	assert_int_equal(run(f, "add dir e --pat /e", out, sizeof(out)), 1);
	assert_int_equal(run(f, "set d --output-format json --shared 2", out, sizeof(out)), 1);
	assert_non_null(strstr(out, "\"ok\":false,\"error\":\""));
	assert_non_null(strstr(out, "/storage.cfg: dir: d: shared: '2' is not 0 or 1\"}"));
	assert_int_equal(run(f, "add dir", out, sizeof(out)), 2);
	assert_int_equal(run(f, "remove d --path /x", out, sizeof(out)), 2);
	assert_int_equal(run(f, "list --force", out, sizeof(out)), 2);
	assert_int_equal(run(f, "frob", out, sizeof(out)), 2);
	assert_int_equal(run(f, "set d --path", out, sizeof(out)), 2);

	snprintf(path, sizeof(path), "%s/nodes/n2/qemu", f->dir);
	assert_int_equal(vmm_mkdir_p(path), 0);
	snprintf(path, sizeof(path), "%s/nodes/n2/qemu/100.conf", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("memory: 512\nscsi0: d:100/vm-100-disk-0.qcow2\n", fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(run(f, "remove d --output-format json", out, sizeof(out)), 1);
	assert_string_equal(out, "{\"storage\":\"d\",\"command\":\"remove\",\"ok\":false,"
				 "\"error\":\"storage 'd' is used by vm 100 on node 'n2' (scsi0); "
				 "move or destroy its volumes first, or use --force\","
				 "\"used_by\":[{\"node\":\"n2\",\"type\":\"vm\",\"id\":100,"
				 "\"key\":\"scsi0\"}]}\n");
	assert_int_equal(run(f, "--force remove d", out, sizeof(out)), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_edits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
