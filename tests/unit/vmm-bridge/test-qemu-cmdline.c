/*
 * test-qemu-cmdline.c - the QEMU command line built from a guest config:
 * exactly these arguments, in this order, for disks on each bus, a cdrom,
 * a NIC, the boot order and extra args; and refusals that name the disk.
 */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vmm-bridge/vmm-int.h"

static const char storage_text[] = "dir: local\n"
				   "\tpath /var/lib/vz\n"
				   "\tcontent images,iso\n"
				   "dir: other\n"
				   "\tpath /srv/other\n"
				   "\tnodes n2\n";

static const struct vmm_qemu_paths paths = {
	.binary = "qemu-system-x86_64",
	.qmp = "/run/x/qemu/100.qmp",
	.pidfile = "/run/x/qemu/100.pid",
	.kvm = true,
};

static int
build_paths(const char *text, bool kvm, bool incoming, struct vmm_argv *argv, vmm_error_t *err)
{
	struct vmm_ctx_options opt = { .config_root = "/nonexistent", .node = "n1" };
	struct vmm_qemu_paths p = paths;
	vmm_storage_cfg_t *storage = NULL;
	struct vmm_conf *conf = NULL;
	struct vmm_qemu_conf qc;
	vmm_ctx_t *ctx = NULL;
	int r;

	p.kvm = kvm;
	p.incoming = incoming;
	assert_int_equal(vmm_ctx_new(&opt, &ctx, err), 0);
	assert_int_equal(vmm_storage_cfg_parse("storage.cfg", storage_text, &storage, err), 0);
	assert_int_equal(vmm_conf_parse("100.conf", text, &conf, err), 0);
	assert_int_equal(vmm_qemu_conf_parse(conf, false, storage, &qc, err), 0);
	r = vmm_qemu_cmdline(ctx, 100, &qc, storage, &p, argv, err);
	vmm_conf_free(conf);
	vmm_storage_cfg_free(storage);
	vmm_ctx_free(ctx);
	return r;
}

static int
build(const char *text, bool kvm, struct vmm_argv *argv, vmm_error_t *err)
{
	return build_paths(text, kvm, false, argv, err);
}

static void
assert_argv(const struct vmm_argv *argv, const char *const *want)
{
	size_t i;

	for (i = 0; want[i]; i++) {
		assert_true(i < argv->n);
		assert_string_equal(argv->v[i], want[i]);
	}
	assert_int_equal(argv->n, i);
	assert_null(argv->v[i]);
}

static void
test_full_guest(void **state)
{
	static const char text[] = "name: web\n"
				   "memory: 64\n"
				   "cores: 2\n"
				   "sockets: 2\n"
				   "boot: order=ide2;scsi0\n"
				   "scsi0: local:100/vm-100-disk-0.qcow2\n"
				   "virtio1: local:100/vm-100-disk-1.raw\n"
				   "sata0: local:100/vm-100-disk-2.qcow2\n"
				   "ide2: local:iso/boot.iso,media=cdrom\n"
				   "net0: virtio,bridge=vmbr0\n"
				   "net1: e1000=02:00:00:00:00:01,bridge=vmbr1\n"
				   "args: -rtc base=utc\n";
	static const char *const want[] = {
		"qemu-system-x86_64",
		"-name", "web,debug-threads=on",
		"-no-user-config", "-nodefaults", "-display", "none",
		"-chardev", "socket,id=qmp,server=on,wait=off,path=/run/x/qemu/100.qmp",
		"-mon", "chardev=qmp,mode=control",
		"-pidfile", "/run/x/qemu/100.pid", "-daemonize",
		"-machine", "pc,accel=kvm", "-cpu", "kvm64", "-m", "64",
		"-smp", "4,sockets=2,cores=2,maxcpus=4",
		"-device", "virtio-scsi-pci,id=scsihw0",
		"-device", "ahci,id=ahci0",
		"-blockdev",
		"driver=file,filename=/var/lib/vz/images/100/vm-100-disk-0.qcow2,node-name=file-scsi0",
		"-blockdev", "driver=qcow2,file=file-scsi0,node-name=drive-scsi0",
		"-device", "scsi-hd,bus=scsihw0.0,scsi-id=0,drive=drive-scsi0,id=scsi0,bootindex=2",
		"-blockdev",
		"driver=file,filename=/var/lib/vz/images/100/vm-100-disk-1.raw,node-name=file-virtio1",
		"-blockdev", "driver=raw,file=file-virtio1,node-name=drive-virtio1",
		"-device", "virtio-blk-pci,drive=drive-virtio1,id=virtio1",
		"-blockdev",
		"driver=file,filename=/var/lib/vz/images/100/vm-100-disk-2.qcow2,node-name=file-sata0",
		"-blockdev", "driver=qcow2,file=file-sata0,node-name=drive-sata0",
		"-device", "ide-hd,bus=ahci0.0,drive=drive-sata0,id=sata0",
		"-blockdev",
		"driver=file,filename=/var/lib/vz/template/iso/boot.iso,node-name=file-ide2,"
		"read-only=on",
		"-blockdev", "driver=raw,file=file-ide2,node-name=drive-ide2,read-only=on",
		"-device", "ide-cd,bus=ide.1,unit=0,drive=drive-ide2,id=ide2,bootindex=1",
		"-netdev", "tap,id=netdev0,ifname=tap100i0,script=no,downscript=no",
		"-device", "virtio-net-pci,netdev=netdev0,mac=52:50:00:00:00:64,id=net0",
		"-netdev", "tap,id=netdev1,ifname=tap100i1,script=no,downscript=no",
		"-device", "e1000,netdev=netdev1,mac=02:00:00:00:00:01,id=net1",
		"-rtc", "base=utc",
		NULL,
	};
	struct vmm_argv argv;
	vmm_error_t err = { "" };

	assert_int_equal(build(text, true, &argv, &err), 0);
	assert_argv(&argv, want);
	vmm_argv_free(&argv);
}

static void
test_minimal_guest_without_kvm(void **state)
{
	static const char *const want[] = {
		"qemu-system-x86_64",
		"-name", "vm,debug-threads=on",
		"-no-user-config", "-nodefaults", "-display", "none",
		"-chardev", "socket,id=qmp,server=on,wait=off,path=/run/x/qemu/100.qmp",
		"-mon", "chardev=qmp,mode=control",
		"-pidfile", "/run/x/qemu/100.pid", "-daemonize",
		"-machine", "pc,accel=tcg", "-cpu", "qemu64", "-m", "512",
		"-smp", "1,sockets=1,cores=1,maxcpus=1",
		"-device", "ide-cd,bus=ide.1,unit=0,id=ide2",
		NULL,
	};
	struct vmm_argv argv;
	vmm_error_t err = { "" };

	assert_int_equal(build("ide2: none,media=cdrom\n", false, &argv, &err), 0);
	assert_argv(&argv, want);
	vmm_argv_free(&argv);
}

/* The target of a live migration: paused, waiting for migrate-incoming. */
static void
test_incoming_guest_waits_paused(void **state)
{
	static const char *const want[] = {
		"qemu-system-x86_64",
		"-name", "vm,debug-threads=on",
		"-no-user-config", "-nodefaults", "-display", "none",
		"-chardev", "socket,id=qmp,server=on,wait=off,path=/run/x/qemu/100.qmp",
		"-mon", "chardev=qmp,mode=control",
		"-pidfile", "/run/x/qemu/100.pid", "-daemonize",
		"-machine", "pc,accel=kvm", "-cpu", "kvm64", "-m", "512",
		"-smp", "1,sockets=1,cores=1,maxcpus=1",
		"-S", "-incoming", "defer",
		"-device", "ide-cd,bus=ide.1,unit=0,id=ide2",
		NULL,
	};
	struct vmm_argv argv;
	vmm_error_t err = { "" };

	assert_int_equal(build_paths("ide2: none,media=cdrom\n", true, true, &argv, &err), 0);
	assert_argv(&argv, want);
	vmm_argv_free(&argv);
}

/* Direct kernel boot: the command line stays one argument, blanks and all. */
static void
test_kernel_boot(void **state)
{
	static const char text[] = "memory: 64\n"
				   "net0: e1000,bridge=vmbr0\n"
				   "kernel: /srv/guest/vmlinuz\n"
				   "initrd: /srv/guest/initrd.img\n"
				   "append: console=ttyS0 clusterha.ip=10.77.0.100/24\n";
	static const char *const want[] = {
		"qemu-system-x86_64",
		"-name", "vm,debug-threads=on",
		"-no-user-config", "-nodefaults", "-display", "none",
		"-chardev", "socket,id=qmp,server=on,wait=off,path=/run/x/qemu/100.qmp",
		"-mon", "chardev=qmp,mode=control",
		"-pidfile", "/run/x/qemu/100.pid", "-daemonize",
		"-machine", "pc,accel=kvm", "-cpu", "kvm64", "-m", "64",
		"-smp", "1,sockets=1,cores=1,maxcpus=1",
		"-netdev", "tap,id=netdev0,ifname=tap100i0,script=no,downscript=no",
		"-device", "e1000,netdev=netdev0,mac=52:50:00:00:00:64,id=net0",
		"-kernel", "/srv/guest/vmlinuz",
		"-initrd", "/srv/guest/initrd.img",
		"-append", "console=ttyS0 clusterha.ip=10.77.0.100/24",
		NULL,
	};
	struct vmm_argv argv;
	vmm_error_t err = { "" };

	assert_int_equal(build(text, true, &argv, &err), 0);
	assert_argv(&argv, want);
	vmm_argv_free(&argv);
}

static void
test_disk_on_storage_of_another_node_is_refused(void **state)
{
	struct vmm_argv argv;
	vmm_error_t err = { "" };

	assert_int_equal(build("scsi0: other:100/a.raw\n", true, &argv, &err), -EINVAL);
	assert_string_equal(err.msg, "scsi0: storage 'other' is not available on node 'n1'");
}

static void
test_commas_in_paths_are_doubled(void **state)
{
	char buf[64] = "path=";

	assert_int_equal(vmm_qemu_escape(buf, sizeof(buf), "/srv/a,b"), 0);
	assert_string_equal(buf, "path=/srv/a,,b");
	assert_int_equal(vmm_qemu_escape(buf, 16, ",,,,,,"), -ENAMETOOLONG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_guest),
		cmocka_unit_test(test_minimal_guest_without_kvm),
		cmocka_unit_test(test_incoming_guest_waits_paused),
		cmocka_unit_test(test_kernel_boot),
		cmocka_unit_test(test_disk_on_storage_of_another_node_is_refused),
		cmocka_unit_test(test_commas_in_paths_are_doubled),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
