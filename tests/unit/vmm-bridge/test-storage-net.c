/*
 * test-storage-net.c - the nfs and iscsi storage plugins without a NAS:
 * how QEMU is told to reach a volume either way (user-space drivers or
 * kernel devices and mounts), the mount(8) and iscsiadm(8) command lines
 * and what a user reads when they fail (fake programs here record their
 * arguments and exit as told), LUN names, mount point detection, and the
 * refusal to allocate on iSCSI.  tests/lab/vmm-nas.test runs the real NAS.
 */
#include <config.h>

#include <errno.h>
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

static const char cfg_text[] = "nfs: nas\n"
			       "\tserver 10.0.0.9\n"
			       "\texport /srv/vm\n"
			       "\taccess qemu\n"
			       "nfs: knas\n"
			       "\tserver nas.example\n"
			       "\texport /srv/vm\n"
			       "iscsi: rack\n"
			       "\tportal 10.0.0.8\n"
			       "\ttarget iqn.2026-11.invalid:rack\n"
			       "\taccess qemu\n"
			       "iscsi: krack\n"
			       "\tportal 10.0.0.8:3261\n"
			       "\ttarget iqn.2026-11.invalid:rack\n"
			       "\taccess kernel\n";

struct fixture {
	char dir[PATH_MAX];
	vmm_storage_cfg_t *cfg;
	vmm_ctx_t *ctx;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char mount[PATH_MAX + 16], iscsiadm[PATH_MAX + 16];
	vmm_error_t err;

	assert_non_null(f);
	assert_int_equal(test_tmpdir_make(f->dir, sizeof(f->dir)), 0);
	snprintf(mount, sizeof(mount), "%s/mount", f->dir);
	snprintf(iscsiadm, sizeof(iscsiadm), "%s/iscsiadm", f->dir);
	struct vmm_ctx_options opt = { .config_root = f->dir, .node = "n1", .run_dir = f->dir,
				       .mount = mount, .iscsiadm = iscsiadm };
	assert_int_equal(vmm_ctx_new(&opt, &f->ctx, &err), 0);
	assert_int_equal(vmm_storage_cfg_parse("storage.cfg", cfg_text, &f->cfg, &err), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	vmm_storage_cfg_free(f->cfg);
	vmm_ctx_free(f->ctx);
	test_tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static const struct vmm_storage *
storage(struct fixture *f, const char *id)
{
	const struct vmm_storage *st = vmm_storage_cfg_find(f->cfg, id);

	assert_non_null(st);
	return st;
}

/* A fake program at <dir>/<name>: records "$@" in <dir>/<name>.args, says @say, exits @rc. */
static void
fake(struct fixture *f, const char *name, const char *say, int rc)
{
	char path[PATH_MAX + 32];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "#!/bin/sh\necho \"$*\" >\"$0.args\"\n%s%s%s\nexit %d\n", say[0] ? "echo '" : "",
		say, say[0] ? "' >&2" : "", rc);
	fclose(fp);
	assert_int_equal(chmod(path, 0755), 0);
}

static void
read_args(struct fixture *f, const char *name, char *buf, size_t size)
{
	char path[PATH_MAX + 32];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s.args", f->dir, name);
	fp = fopen(path, "r");
	assert_non_null(fp);
	assert_non_null(fgets(buf, (int)size, fp));
	buf[strcspn(buf, "\n")] = '\0';
	fclose(fp);
}

static void
blockdev_is(struct fixture *f, const char *id, const char *volume, const char *want)
{
	const struct vmm_storage *st = storage(f, id);
	const struct vmm_storage_plugin *p = vmm_storage_plugin_by_type(st->type);
	char buf[1024];
	vmm_error_t err;

	assert_non_null(p);
	assert_int_equal(p->blockdev(f->ctx, st, volume, buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, want);
}

static void
path_is(struct fixture *f, const char *id, const char *volume, const char *want)
{
	const struct vmm_storage *st = storage(f, id);
	char buf[1024];
	vmm_error_t err;

	assert_int_equal(vmm_storage_plugin_by_type(st->type)->path(f->ctx, st, volume, buf,
								     sizeof(buf), &err),
			 0);
	assert_string_equal(buf, want);
}

static void
test_qemu_reaches_volumes(void **state)
{
	struct fixture *f = *state;

	blockdev_is(f, "nas", "100/vm-100-disk-0.qcow2",
		    "driver=nfs,server.type=inet,server.host=10.0.0.9,"
		    "path=/srv/vm/images/100/vm-100-disk-0.qcow2");
	path_is(f, "nas", "100/vm-100-disk-0.qcow2",
		"nfs://10.0.0.9/srv/vm/images/100/vm-100-disk-0.qcow2");
	path_is(f, "nas", "iso/debian.iso", "nfs://10.0.0.9/srv/vm/template/iso/debian.iso");
	blockdev_is(f, "rack", "lun3",
		    "driver=iscsi,transport=tcp,portal=10.0.0.8,"
		    "target=iqn.2026-11.invalid:rack,lun=3");
	path_is(f, "rack", "lun3", "iscsi://10.0.0.8/iqn.2026-11.invalid:rack/3");
}

static void
test_kernel_reaches_volumes(void **state)
{
	struct fixture *f = *state;

	/* No "access": the kernel, mounted at /mnt/pve/<storage>. */
	blockdev_is(f, "knas", "100/vm-100-disk-0.raw",
		    "driver=file,filename=/mnt/pve/knas/images/100/vm-100-disk-0.raw");
	blockdev_is(f, "krack", "lun1",
		    "driver=host_device,filename=/dev/disk/by-path/"
		    "ip-10.0.0.8:3261-iscsi-iqn.2026-11.invalid:rack-lun-1");
}

static void
test_bad_volume_names(void **state)
{
	struct fixture *f = *state;
	static const char *const luns[] = { "lun", "lunx", "lun16384", "3", "lun-1", "disk1" };
	char buf[256];
	vmm_error_t err;

	for (size_t i = 0; i < sizeof(luns) / sizeof(*luns); i++) {
		assert_int_equal(vmm_storage_iscsi.blockdev(f->ctx, storage(f, "rack"), luns[i],
							    buf, sizeof(buf), &err),
				 -EINVAL);
		char want[128];
		snprintf(want, sizeof(want), "rack:%s: not a LUN (lun0 .. lun16383)", luns[i]);
		assert_string_equal(err.msg, want);
	}
	assert_int_equal(vmm_storage_nfs.blockdev(f->ctx, storage(f, "nas"), "../../etc/passwd",
						  buf, sizeof(buf), &err),
			 -EINVAL);
	assert_string_equal(err.msg, "nas:../../etc/passwd: not a volume name");
}

static void
test_iscsi_alloc_refused(void **state)
{
	struct fixture *f = *state;
	char vol[64];
	vmm_error_t err;

	assert_int_equal(vmm_storage_iscsi.alloc(f->ctx, storage(f, "rack"), 100, "raw", 1 << 20,
						 vol, sizeof(vol), &err),
			 -EOPNOTSUPP);
	assert_string_equal(err.msg, "storage 'rack': iSCSI LUNs are made on the target, not "
				     "here; name one as rack:lun<N>");
}

static void
test_command_lines(void **state)
{
	struct fixture *f = *state;
	struct vmm_argv a;
	char portal[64];

	assert_int_equal(vmm_nfs_mount_argv("mount", storage(f, "knas"), "/mnt/pve/knas", &a), 0);
	assert_int_equal(a.n, 7);
	const char *want_mount[] = { "mount", "-t", "nfs", "-o", "vers=3,hard,tcp",
				     "nas.example:/srv/vm", "/mnt/pve/knas" };
	for (size_t i = 0; i < a.n; i++)
		assert_string_equal(a.v[i], want_mount[i]);
	vmm_argv_free(&a);

	assert_int_equal(vmm_iscsi_login_argv("iscsiadm", storage(f, "rack"), &a), 0);
	const char *want_login[] = { "iscsiadm", "--mode", "node", "--targetname",
				     "iqn.2026-11.invalid:rack", "--portal", "10.0.0.8:3260",
				     "--login" };
	assert_int_equal(a.n, 8);
	for (size_t i = 0; i < a.n; i++)
		assert_string_equal(a.v[i], want_login[i]);
	vmm_argv_free(&a);

	char v6a[] = "[fd00::8]", v6b[] = "[fd00::8]:3262";
	struct vmm_storage v6 = { .portal = v6a };
	assert_int_equal(vmm_iscsi_portal(&v6, portal, sizeof(portal)), 0);
	assert_string_equal(portal, "[fd00::8]:3260");
	v6.portal = v6b;
	assert_int_equal(vmm_iscsi_portal(&v6, portal, sizeof(portal)), 0);
	assert_string_equal(portal, "[fd00::8]:3262");
}

static void
test_mountinfo(void **state)
{
	static const char mi[] =
		"22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n"
		"40 22 0:40 / /mnt/pve/knas rw - nfs nas.example:/srv/vm rw,vers=3\n"
		"41 22 0:41 / /mnt/pve/knas2 rw - tmpfs tmpfs rw\n";

	assert_true(vmm_mountinfo_has(mi, "/mnt/pve/knas"));
	assert_true(vmm_mountinfo_has(mi, "/"));
	assert_false(vmm_mountinfo_has(mi, "/mnt/pve"));
	assert_false(vmm_mountinfo_has(mi, "/mnt/pve/kna"));
	assert_false(vmm_mountinfo_has("", "/"));
}

/* The kernel way's errors: mount fails, lies, or is missing. */
static void
test_kernel_mount_errors(void **state)
{
	struct fixture *f = *state;
	struct vmm_storage st = *storage(f, "knas");
	char mnt[PATH_MAX + 16], want[4 * PATH_MAX], args[PATH_MAX + 64];
	vmm_error_t err;

	snprintf(mnt, sizeof(mnt), "%s/mnt", f->dir);
	st.path = mnt;
	fake(f, "mount", "mount.nfs: Connection refused", 32);
	assert_int_equal(vmm_storage_nfs.activate(f->ctx, &st, &err), -EIO);
	snprintf(want, sizeof(want),
		 "storage 'knas': mount nas.example:/srv/vm on %s failed (%s/mount exit 32): "
		 "mount.nfs: Connection refused",
		 mnt, f->dir);
	assert_string_equal(err.msg, want);
	read_args(f, "mount", args, sizeof(args));
	snprintf(want, sizeof(want), "-t nfs -o vers=3,hard,tcp nas.example:/srv/vm %s", mnt);
	assert_string_equal(args, want);

	/* Success without a mount must not let volumes land on the local disk. */
	fake(f, "mount", "", 0);
	char vol[64];
	assert_int_equal(vmm_storage_nfs.alloc(f->ctx, &st, 100, "raw", 1 << 20, vol,
					       sizeof(vol), &err),
			 -EIO);
	snprintf(want, sizeof(want),
		 "storage 'knas': %s/mount reported success, but %s is no mount point", f->dir,
		 mnt);
	assert_string_equal(err.msg, want);

	/* Not mounted: unavailable, not an error. */
	struct vmm_storage_status status;
	assert_int_equal(vmm_storage_nfs.status(f->ctx, &st, &status, &err), 0);
	assert_false(status.available);

	char gone[PATH_MAX + 32];
	snprintf(gone, sizeof(gone), "%s/mount", f->dir);
	assert_int_equal(unlink(gone), 0);
	assert_int_equal(vmm_storage_nfs.activate(f->ctx, &st, &err), -ENOENT);
	snprintf(want, sizeof(want), "storage 'knas': mount nas.example:/srv/vm on %s: cannot "
				     "run %s/mount: No such file or directory",
		 mnt, f->dir);
	assert_string_equal(err.msg, want);
}

static void
test_kernel_login(void **state)
{
	struct fixture *f = *state;
	char want[2 * PATH_MAX], args[512];
	vmm_error_t err;

	/* 15: a session exists already, which is what activate wants. */
	fake(f, "iscsiadm", "iscsiadm: default: 1 session requested, but 1 already present.",
	     15);
	assert_int_equal(vmm_storage_iscsi.activate(f->ctx, storage(f, "krack"), &err), 0);
	read_args(f, "iscsiadm", args, sizeof(args));
	assert_string_equal(args, "--mode node --targetname iqn.2026-11.invalid:rack --portal "
				  "10.0.0.8:3261 --login");

	fake(f, "iscsiadm", "iscsiadm: No records found", 21);
	assert_int_equal(vmm_storage_iscsi.activate(f->ctx, storage(f, "krack"), &err), -EIO);
	snprintf(want, sizeof(want),
		 "storage 'krack': login to iqn.2026-11.invalid:rack on 10.0.0.8:3261 failed "
		 "(%s/iscsiadm exit 21): iscsiadm: No records found",
		 f->dir);
	assert_string_equal(err.msg, want);
}

/* A server that does not answer is "not available", not a failure. */
static void
test_unreachable_is_unavailable(void **state)
{
	struct fixture *f = *state;
	struct vmm_storage st = *storage(f, "nas");
	struct vmm_storage_status status = { .available = true };
	vmm_error_t err;

	/* Nothing listens on loopback's NFS and iSCSI ports in a unit test. */
	char lo[] = "127.0.0.1", lo1[] = "127.0.0.1:1";

	st.server = lo;
	assert_int_equal(vmm_storage_nfs.status(f->ctx, &st, &status, &err), 0);
	assert_false(status.available);
	st = *storage(f, "rack");
	st.portal = lo1;
	status.available = true;
	assert_int_equal(vmm_storage_iscsi.status(f->ctx, &st, &status, &err), 0);
	assert_false(status.available);
	assert_int_equal(vmm_storage_iscsi.activate(f->ctx, &st, &err), -EHOSTUNREACH);
	assert_string_equal(err.msg, "storage 'rack': iSCSI portal 127.0.0.1:1 does not answer");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_qemu_reaches_volumes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kernel_reaches_volumes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_volume_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_iscsi_alloc_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_command_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mountinfo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kernel_mount_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kernel_login, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreachable_is_unavailable, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
