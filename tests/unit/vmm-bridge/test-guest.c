/*
 * test-guest.c - the backend interface on a plain directory, without
 * running QEMU: the config-on-this-node rule, cluster-wide unique ids,
 * create writing volume ids and freeing what it allocated when it fails,
 * destroy, list, and offline migration as one rename.  qemu-img is a fake
 * script here; tests/lab/vmm-*.test run the real one.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "vmm-bridge/vmm-int.h"
#include "tests/unit/tmpdir.h"

struct fixture {
	char dir[PATH_MAX];
	char root[PATH_MAX + 16], run[PATH_MAX + 16], img[PATH_MAX + 16];
	vmm_ctx_t *ctx;
	const struct vmm_backend *vm;
};

static void
write_file(const char *path, const char *text, mode_t mode)
{
	char dir[PATH_MAX];
	FILE *fp;

	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	assert_int_equal(vmm_mkdir_p(dir), 0);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	assert_int_equal(chmod(path, mode), 0);
}

static void
pathf(char *buf, size_t size, const struct fixture *f, const char *rel)
{
	assert_true(snprintf(buf, size, "%s/%s", f->dir, rel) < (int)size);
}

static bool
exists(const struct fixture *f, const char *rel)
{
	char path[PATH_MAX + 600];

	pathf(path, sizeof(path), f, rel);
	return access(path, F_OK) == 0;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char text[3 * PATH_MAX], path[PATH_MAX + 64];
	struct vmm_ctx_options opt = { .node = "n1" };
	vmm_error_t err;

	if (!f || test_tmpdir_make(f->dir, sizeof(f->dir)) < 0)
		return -1;
	snprintf(f->root, sizeof(f->root), "%s/root", f->dir);
	snprintf(f->run, sizeof(f->run), "%s/run", f->dir);
	snprintf(f->img, sizeof(f->img), "%s/qemu-img", f->dir);
	assert_true(snprintf(text, sizeof(text),
		 "dir: local\n\tpath %s/local\n\tcontent images,iso\n"
		 "dir: shared\n\tpath %s/shared\n\tshared 1\n"
		 "dir: elsewhere\n\tpath %s/elsewhere\n\tshared 1\n\tnodes n1\n",
		 f->dir, f->dir, f->dir) < (int)sizeof(text));
	assert_true(snprintf(path, sizeof(path), "%s/storage.cfg", f->root) < (int)sizeof(path));
	write_file(path, text, 0644);
	for (const char *const *d = (const char *const[]){ "local", "shared", "elsewhere",
							   "root/nodes/n2", NULL };
	     *d; d++) {
		assert_true(snprintf(path, sizeof(path), "%s/%s", f->dir, *d) < (int)sizeof(path));
		assert_int_equal(vmm_mkdir_p(path), 0);
	}
	/* A qemu-img that makes the file, and fails for a guest's second disk. */
	write_file(f->img,
		   "#!/bin/sh\n"
		   "case \"$5\" in *disk-1*) echo \"qemu-img: $5: No space left\" >&2; "
		   "exit 1;; esac\n"
		   ": > \"$5\"\n",
		   0755);
	opt.config_root = f->root;
	opt.run_dir = f->run;
	opt.qemu_img = f->img;
	if (vmm_ctx_new(&opt, &f->ctx, &err) < 0)
		return -1;
	f->vm = vmm_backend_by_type("vm");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	vmm_ctx_free(f->ctx);
	test_tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static void
test_backends_by_type_and_dir(void **state)
{
	assert_ptr_equal(vmm_backend_by_type("vm"), vmm_backend_by_dir("qemu"));
	assert_string_equal(vmm_backend_by_type("vm")->conf_dir, "qemu");
	assert_null(vmm_backend_by_type("kvm"));
	assert_non_null(vmm_storage_plugin_by_type("dir"));
	assert_null(vmm_storage_plugin_by_type("zfs"));
}

static void
test_start_refuses_config_of_another_node(void **state)
{
	struct fixture *f = *state;
	char path[PATH_MAX + 64];
	struct vmm_status st;
	vmm_error_t err = { "" };

	pathf(path, sizeof(path), f, "root/nodes/n2/qemu/100.conf");
	write_file(path, "memory: 64\n", 0644);
	assert_int_equal(f->vm->start(f->ctx, 100, &err), -EREMOTE);
	assert_string_equal(err.msg, "guest 100 is configured on node 'n2', not on this node 'n1'");
	assert_int_equal(f->vm->status(f->ctx, 100, &st, &err), -EREMOTE);
	assert_int_equal(f->vm->destroy(f->ctx, 100, &err), -EREMOTE);
	assert_int_equal(f->vm->start(f->ctx, 101, &err), -ENOENT);
	assert_string_equal(err.msg, "guest 101 does not exist");
	/* A container's id is taken for VMs too. */
	pathf(path, sizeof(path), f, "root/nodes/n1/lxc/102.conf");
	write_file(path, "hostname: c\n", 0644);
	assert_int_equal(f->vm->start(f->ctx, 102, &err), -EREMOTE);
	assert_string_equal(err.msg, "guest 102 is a 'ct' guest, not a 'vm' guest");
}

static void
test_create_refuses_an_id_taken_on_any_node(void **state)
{
	struct fixture *f = *state;
	char path[PATH_MAX + 64];
	vmm_error_t err = { "" };

	pathf(path, sizeof(path), f, "root/nodes/n2/exec/100.conf");
	write_file(path, "script: x\n", 0644);
	assert_int_equal(f->vm->create(f->ctx, 100, "memory: 64\n", &err), -EEXIST);
	assert_string_equal(err.msg, "guest 100 already exists on node 'n2'");
	assert_false(exists(f, "root/nodes/n1/qemu/100.conf"));
}

static void
test_create_writes_volume_ids_and_destroy_frees_them(void **state)
{
	struct fixture *f = *state;
	char path[PATH_MAX + 64], *text = NULL;
	unsigned *ids = NULL;
	size_t n = 0;
	vmm_error_t err = { "" };

	assert_int_equal(f->vm->create(f->ctx, 100, "name: a\nmemory: 64\nscsi0: local:1\n", &err),
			 0);
	pathf(path, sizeof(path), f, "root/nodes/n1/qemu/100.conf");
	assert_int_equal(vmm_file_read(path, &text, &err), 0);
	assert_string_equal(text, "name: a\nmemory: 64\ncores: 1\nsockets: 1\n"
				  "scsi0: local:100/vm-100-disk-0.qcow2\n");
	free(text);
	assert_true(exists(f, "local/images/100/vm-100-disk-0.qcow2"));
	assert_int_equal(f->vm->validate(f->ctx, path, "scsi0: local:1\n", false, &err), -EINVAL);
	assert_int_equal(f->vm->list(f->ctx, &ids, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], 100);
	free(ids);

	assert_int_equal(f->vm->destroy(f->ctx, 100, &err), 0);
	assert_false(exists(f, "local/images/100/vm-100-disk-0.qcow2"));
	assert_false(exists(f, "root/nodes/n1/qemu/100.conf"));
	assert_int_equal(f->vm->list(f->ctx, &ids, &n, &err), 0);
	assert_int_equal(n, 0);
	free(ids);
}

static void
test_failed_create_frees_what_it_allocated(void **state)
{
	struct fixture *f = *state;
	vmm_error_t err = { "" };
	char want[PATH_MAX * 2];

	assert_int_equal(f->vm->create(f->ctx, 100, "scsi0: local:1\nscsi1: local:1\n", &err),
			 -EIO);
	assert_true(snprintf(want, sizeof(want),
		 "scsi1: storage 'local': qemu-img create %s/local/images/100/vm-100-disk-1.qcow2: "
		 "qemu-img: %s/local/images/100/vm-100-disk-1.qcow2: No space left",
		 f->dir, f->dir) < (int)sizeof(want));
	assert_string_equal(err.msg, want);
	assert_false(exists(f, "local/images/100/vm-100-disk-0.qcow2"));
	assert_false(exists(f, "local/images/100"));
	assert_false(exists(f, "root/nodes/n1/qemu/100.conf"));
}

static void
test_bad_config_allocates_nothing(void **state)
{
	struct fixture *f = *state;
	vmm_error_t err = { "" };
	char want[PATH_MAX * 2];

	assert_int_equal(f->vm->create(f->ctx, 100, "scsi0: local:1\nnet0: virtio\n", &err),
			 -EINVAL);
	assert_true(snprintf(want, sizeof(want),
			     "%s/nodes/n1/qemu/100.conf:2: net0: no bridge (bridge=<bridge>)",
			     f->root) < (int)sizeof(want));
	assert_string_equal(err.msg, want);
	assert_false(exists(f, "local/images/100"));
}

static void
test_offline_migration_is_one_rename(void **state)
{
	struct fixture *f = *state;
	vmm_error_t err = { "" };

	assert_int_equal(f->vm->create(f->ctx, 100, "scsi0: shared:1\n", &err), 0);
	assert_int_equal(f->vm->migrate(f->ctx, 100, "n3", 0, &err), -ENOENT);
	/* --online on a stopped guest: nothing runs, so it moves offline. */
	assert_int_equal(f->vm->migrate(f->ctx, 100, "n2", VMM_MIGRATE_ONLINE, &err), 0);
	assert_false(exists(f, "root/nodes/n1/qemu/100.conf"));
	assert_true(exists(f, "root/nodes/n2/qemu/100.conf"));
	/* Now it is n2's: this node may not start it. */
	assert_int_equal(f->vm->start(f->ctx, 100, &err), -EREMOTE);
}

/* Snapshots need qcow2 on every disk and a sane name; checked before any work. */
static void
test_snapshot_refusals(void **state)
{
	struct fixture *f = *state;
	vmm_error_t err = { "" };
	char **names = NULL;

	assert_int_equal(f->vm->create(f->ctx, 100,
				       "scsi0: shared:1\nvirtio1: shared:1,format=raw\n"
				       "ide2: none,media=cdrom\n",
				       &err),
			 0);
	assert_int_equal(f->vm->snapshot(f->ctx, 100, "s1", VMM_SNAPSHOT_VMSTATE, &err),
			 -EOPNOTSUPP);
	assert_string_equal(err.msg, "guest 100: virtio1 is a raw volume "
				     "(shared:100/vm-100-disk-0.raw); snapshots need qcow2 on every "
				     "disk");
	assert_int_equal(f->vm->rollback(f->ctx, 100, "s1", &err), -EOPNOTSUPP);
	assert_int_equal(f->vm->listsnapshots(f->ctx, 100, &names, &err), -EOPNOTSUPP);
	assert_null(names);
	assert_int_equal(f->vm->create(f->ctx, 101, "scsi0: shared:1\n", &err), 0);
	assert_int_equal(f->vm->snapshot(f->ctx, 101, "1st", 0, &err), -EINVAL);
	assert_string_equal(err.msg, "'1st' is not a snapshot name (a letter, then letters, "
				     "digits, '-', '_'; at most 40)");
	assert_int_equal(f->vm->delsnapshot(f->ctx, 101, "a b", &err), -EINVAL);
}

/* The target side of a live migration never touches a guest of its own. */
static void
test_incoming_side_guards(void **state)
{
	struct fixture *f = *state;
	vmm_error_t err = { "" };
	char uri[128];

	assert_int_equal(f->vm->create(f->ctx, 100, "scsi0: shared:1\n", &err), 0);
	assert_int_equal(vmm_qemu_incoming_abort(f->ctx, 100, &err), -EBUSY);
	assert_string_equal(err.msg, "guest 100 is configured on this node: not removed");
	assert_int_equal(vmm_qemu_incoming(f->ctx, 100, "n1", "127.0.0.1", uri, sizeof(uri), &err),
			 -EINVAL);
	assert_string_equal(err.msg, "guest 100 cannot migrate from this node to itself");
	assert_int_equal(vmm_qemu_incoming(f->ctx, 100, "n2", "127.0.0.1", uri, sizeof(uri), &err),
			 -EREMOTE);
	assert_string_equal(err.msg, "guest 100 is a 'vm' guest on node 'n1', not a vm on node 'n2'");
	/* Nothing waits here to resume. */
	assert_int_equal(vmm_qemu_incoming_resume(f->ctx, 100, &err), -EINVAL);
	assert_string_equal(err.msg, "guest 100: no migrated QEMU waits here (stopped)");
}

static void
test_offline_migration_refuses_unshared_disks(void **state)
{
	struct fixture *f = *state;
	vmm_error_t err = { "" };

	assert_int_equal(f->vm->create(f->ctx, 100, "scsi0: local:1\n", &err), 0);
	assert_int_equal(f->vm->migrate(f->ctx, 100, "n2", 0, &err), -EINVAL);
	assert_string_equal(err.msg, "guest 100 cannot move to node 'n2': scsi0: storage 'local' "
				     "is not shared: its volume stays on node 'n1'");
	assert_int_equal(f->vm->create(f->ctx, 101, "scsi0: elsewhere:1\n", &err), 0);
	assert_int_equal(f->vm->migrate(f->ctx, 101, "n2", 0, &err), -EINVAL);
	assert_string_equal(err.msg, "guest 101 cannot move to node 'n2': scsi0: storage "
				     "'elsewhere' is not available on node 'n2'");
	assert_true(exists(f, "root/nodes/n1/qemu/100.conf"));
	assert_true(exists(f, "root/nodes/n1/qemu/101.conf"));
}

static void
test_context_options_are_checked(void **state)
{
	struct vmm_ctx_options opt = { .config_root = "relative", .node = "n1" };
	vmm_ctx_t *ctx = NULL;
	vmm_error_t err = { "" };

	assert_int_equal(vmm_ctx_new(&opt, &ctx, &err), -EINVAL);
	assert_string_equal(err.msg, "'relative' is not an absolute directory");
	opt = (struct vmm_ctx_options){ .node = "../n1" };
	assert_int_equal(vmm_ctx_new(&opt, &ctx, &err), -EINVAL);
	assert_string_equal(err.msg, "'../n1' is not a node name (letters, digits, '-', '_')");
	opt = (struct vmm_ctx_options){ 0 };
	assert_int_equal(vmm_ctx_new(&opt, &ctx, &err), 0);
	assert_string_equal(vmm_ctx_config_root(ctx), "/etc/cluster");
	assert_string_equal(vmm_ctx_run_dir(ctx), "/run/clusterha");
	vmm_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backends_by_type_and_dir),
		cmocka_unit_test_setup_teardown(test_start_refuses_config_of_another_node, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_create_refuses_an_id_taken_on_any_node, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_create_writes_volume_ids_and_destroy_frees_them,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_create_frees_what_it_allocated, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_config_allocates_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_incoming_side_guards, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offline_migration_is_one_rename, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_offline_migration_refuses_unshared_disks, setup,
						teardown),
		cmocka_unit_test(test_context_options_are_checked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
