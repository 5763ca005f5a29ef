/*
 * test-qemu-conf.c - the guest config parser: a good config reads back as
 * written, and every bad config of the table gives its own exact message
 * naming file, line and key.
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

#define FILE_NAME "/etc/cluster/nodes/n1/qemu/100.conf"

static const char storage_text[] = "dir: local\n"
				   "\tpath /var/lib/vz\n"
				   "\tcontent images,iso\n"
				   "dir: backups\n"
				   "\tpath /srv/backup\n"
				   "\tcontent backup\n";

static int
parse(const char *text, bool for_create, struct vmm_qemu_conf *qc, vmm_error_t *err)
{
	vmm_storage_cfg_t *storage = NULL;
	struct vmm_conf *conf = NULL;
	int r;

	assert_int_equal(vmm_storage_cfg_parse("storage.cfg", storage_text, &storage, err), 0);
	r = vmm_conf_parse(FILE_NAME, text, &conf, err);
	if (r == 0)
		r = vmm_qemu_conf_parse(conf, for_create, storage, qc, err);
	vmm_conf_free(conf);
	vmm_storage_cfg_free(storage);
	return r;
}

static void
test_good_config(void **state)
{
	static const char text[] = "# a web server\n"
				   "name: web-1.example\n"
				   "memory: 2048\n"
				   "cores: 2\n"
				   "sockets: 2\n"
				   "ostype: l26\n"
				   "boot: order=scsi0;ide2;net0\n"
				   "scsi0: local:100/vm-100-disk-0.qcow2,cache=none\n"
				   "virtio1: local:100/vm-100-disk-1.raw\n"
				   "ide2: local:iso/debian.iso,media=cdrom\n"
				   "net0: virtio=52:54:00:12:34:56,bridge=vmbr0\n"
				   "args: -rtc base=utc\n";
	struct vmm_qemu_conf qc;
	vmm_error_t err = { "" };

	assert_int_equal(parse(text, false, &qc, &err), 0);
	assert_string_equal(qc.name, "web-1.example");
	assert_int_equal(qc.memory_mib, 2048);
	assert_int_equal(qc.cores, 2);
	assert_int_equal(qc.sockets, 2);
	assert_string_equal(qc.ostype, "l26");
	assert_int_equal(qc.nboot, 3);
	assert_string_equal(qc.boot[1], "ide2");
	assert_int_equal(qc.ndisks, 3);
	assert_int_equal(qc.disks[0].bus, VMM_BUS_SCSI);
	assert_string_equal(qc.disks[0].storage, "local");
	assert_string_equal(qc.disks[0].volume, "100/vm-100-disk-0.qcow2");
	assert_string_equal(qc.disks[0].format, "qcow2");
	assert_string_equal(qc.disks[1].format, "raw");
	assert_int_equal(qc.disks[1].index, 1);
	assert_true(qc.disks[2].cdrom);
	assert_int_equal(qc.nnics, 1);
	assert_string_equal(qc.nics[0].mac, "52:54:00:12:34:56");
	assert_string_equal(qc.nics[0].bridge, "vmbr0");
	assert_string_equal(qc.args, "-rtc base=utc");
}

static void
test_defaults_and_format_round_trip(void **state)
{
	struct vmm_qemu_conf qc, again;
	vmm_error_t err = { "" };
	char *text = NULL;

	assert_int_equal(parse("scsi0: local:4\nnet0: e1000,bridge=br0\n", true, &qc, &err), 0);
	assert_int_equal(qc.memory_mib, 512);
	assert_int_equal(qc.cores, 1);
	assert_int_equal(qc.disks[0].alloc_size, 4ull << 30);
	assert_string_equal(qc.disks[0].format, "qcow2");
	/* create fills the volume in, then writes the config back. */
	snprintf(qc.disks[0].volume, sizeof(qc.disks[0].volume), "100/vm-100-disk-0.qcow2");
	assert_int_equal(vmm_qemu_conf_format(&qc, &text), 0);
	assert_string_equal(text, "memory: 512\ncores: 1\nsockets: 1\n"
				  "scsi0: local:100/vm-100-disk-0.qcow2\n"
				  "net0: e1000,bridge=br0\n");
	assert_int_equal(parse(text, false, &again, &err), 0);
	assert_string_equal(again.disks[0].volume, "100/vm-100-disk-0.qcow2");
	free(text);
}

/* Direct kernel boot survives create's write-back, blanks in append too. */
static void
test_kernel_boot_round_trip(void **state)
{
	static const char text[] = "memory: 64\n"
				   "kvm: 0\n"
				   "kernel: /srv/guest/vmlinuz\n"
				   "initrd: /srv/guest/initrd.img\n"
				   "append: console=ttyS0 clusterha.ip=10.77.0.100/24\n";
	struct vmm_qemu_conf qc, again;
	vmm_error_t err = { "" };
	char *out = NULL;

	assert_int_equal(parse(text, false, &qc, &err), 0);
	assert_true(qc.no_kvm);
	assert_string_equal(qc.kernel, "/srv/guest/vmlinuz");
	assert_string_equal(qc.initrd, "/srv/guest/initrd.img");
	assert_string_equal(qc.append, "console=ttyS0 clusterha.ip=10.77.0.100/24");
	assert_int_equal(vmm_qemu_conf_format(&qc, &out), 0);
	assert_string_equal(out, "kvm: 0\nmemory: 64\ncores: 1\nsockets: 1\n"
				 "kernel: /srv/guest/vmlinuz\n"
				 "initrd: /srv/guest/initrd.img\n"
				 "append: console=ttyS0 clusterha.ip=10.77.0.100/24\n");
	assert_int_equal(parse(out, false, &again, &err), 0);
	assert_string_equal(again.append, qc.append);
	free(out);
}

static void
test_size_units_at_create(void **state)
{
	struct vmm_qemu_conf qc;
	vmm_error_t err = { "" };

	assert_int_equal(parse("virtio0: local:512M,format=raw\n", true, &qc, &err), 0);
	assert_int_equal(qc.disks[0].alloc_size, 512ull << 20);
	assert_string_equal(qc.disks[0].format, "raw");
}

struct bad_case {
	const char *text;
	bool for_create;
	const char *message;
};

#define AT FILE_NAME ":"

static const struct bad_case bad_cases[] = {
	{ "memory 512\n", false, AT "1: expected 'key: value', got 'memory 512'" },
	{ "Memory: 512\n", false,
	  AT "1: 'Memory' is not a key (lower-case letters, digits, '_', '-')" },
	{ "name: a\nname: b\n", false, AT "2: name: duplicate key (first on line 1)" },
	{ "memory:\n", false, AT "1: memory: no value" },
	{ "[snap1]\n", false, AT "1: snapshot section '[snap1]' is not supported yet" },
	{ "colour: blue\n", false, AT "1: colour: unknown key" },
	{ "\n\nmemory: lots\n", false, AT "3: memory: 'lots' is not a number" },
	{ "memory: 8\n", false, AT "1: memory: 8 is out of range 16..4194304" },
	{ "cores: 0\n", false, AT "1: cores: 0 is out of range 1..128" },
	{ "sockets: 9\n", false, AT "1: sockets: 9 is out of range 1..4" },
	{ "name: web_1\n", false, AT "1: name: 'web_1' is not a DNS name" },
	{ "ostype: dos\n", false,
	  AT "1: ostype: 'dos' is not an OS type (l26, l24, win11, win10, ..., other)" },
	{ "cpu: pentium\n", false,
	  AT "1: cpu: 'pentium' is not a CPU model (kvm64, qemu64, host, max)" },
	{ "boot: cdn\n", false, AT "1: boot: 'cdn' is not 'order=<device>;<device>...'" },
	{ "boot: order=scsi0\n", false, AT "1: boot: boot device 'scsi0' is not configured" },
	{ "scsi31: local:4\n", true, AT "1: scsi31: unknown key" },
	{ "scsi0: local:4\n", false, AT "1: scsi0: 'local:4' asks for a new volume: only at create" },
	{ "scsi0: local:4X\n", true,
	  AT "1: scsi0: '4X' is not a size (GiB, or with a unit: 512M, 4G)" },
	{ "scsi0: local:0\n", true,
	  AT "1: scsi0: '0' is not a size (GiB, or with a unit: 512M, 4G)" },
	{ "scsi0: 4\n", true,
	  AT "1: scsi0: '4' is not '<storage>:<volume>' or '<storage>:<size>'" },
	{ "scsi0: nas:4\n", true, AT "1: scsi0: storage 'nas' does not exist in storage.cfg" },
	{ "scsi0: backups:4\n", true,
	  AT "1: scsi0: storage 'backups' does not hold content 'images'" },
	{ "scsi0: local:../etc/passwd\n", false,
	  AT "1: scsi0: '../etc/passwd' is not a volume name" },
	{ "scsi0: local:4,format=vmdk\n", true, AT "1: scsi0: format 'vmdk' is not qcow2 or raw" },
	{ "scsi0: local:4,iothread=1\n", true,
	  AT "1: scsi0: unknown option 'iothread' (format, media, size, cache)" },
	{ "scsi0: local:4,cache\n", true, AT "1: scsi0: option 'cache' is not 'name=value'" },
	{ "scsi0: local:iso/x.iso,media=cdrom\n", false,
	  AT "1: scsi0: a cdrom must be on ide or sata" },
	{ "ide2: none\n", false, AT "1: ide2: 'none' is only for a cdrom drive (media=cdrom)" },
	{ "net0: virtio\n", false, AT "1: net0: no bridge (bridge=<bridge>)" },
	{ "net0: ne2k,bridge=br0\n", false,
	  AT "1: net0: model 'ne2k' is not virtio, e1000 or rtl8139" },
	{ "net0: virtio=01:00:00:00:00:01,bridge=br0\n", false,
	  AT "1: net0: '01:00:00:00:00:01' is not a unicast MAC address (52:54:00:12:34:56)" },
	{ "net0: virtio,bridge=br0,firewall=1\n", false,
	  AT "1: net0: unknown option 'firewall=1' (bridge=<bridge>)" },
	{ "net8: virtio,bridge=br0\n", false, AT "1: net8: unknown key" },
	{ "args: -append 'quiet'\n", false,
	  AT "1: args: quotes and backslashes are not supported; arguments are split at "
	     "blanks" },
	{ "kernel: vmlinuz\n", false, AT "1: kernel: 'vmlinuz' is not an absolute path" },
	{ "kernel: /boot/a,b\n", false,
	  AT "1: kernel: '/boot/a,b': blanks, commas and control characters are not "
	     "supported in the path" },
	{ "kernel: /boot/vmlinuz\ninitrd: initrd.img\n", false,
	  AT "2: initrd: 'initrd.img' is not an absolute path" },
	{ "kvm: yes\n", false, AT "1: kvm: 'yes' is not 0 or 1" },
	{ "initrd: /boot/initrd.img\n", false, AT "1: initrd: needs a kernel (key 'kernel')" },
	{ "memory: 64\nappend: quiet\n", false, AT "2: append: needs a kernel (key 'kernel')" },
	{ "kernel: /boot/vmlinuz\nappend: a\tb\n", false,
	  AT "2: append: control characters are not supported" },
};

static void
test_bad_configs(void **state)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(*bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct vmm_qemu_conf qc;
		vmm_error_t err = { "" };

		print_message("case %zu: %s", i, c->text);
		assert_int_equal(parse(c->text, c->for_create, &qc, &err), -EINVAL);
		assert_string_equal(err.msg, c->message);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_config),
		cmocka_unit_test(test_defaults_and_format_round_trip),
		cmocka_unit_test(test_kernel_boot_round_trip),
		cmocka_unit_test(test_size_units_at_create),
		cmocka_unit_test(test_bad_configs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
