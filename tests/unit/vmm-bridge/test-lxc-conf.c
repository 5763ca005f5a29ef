/*
 * test-lxc-conf.c - the container config parser: a good config reads as
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

#define FILE_NAME "/etc/cluster/nodes/n1/lxc/200.conf"

static const char storage_text[] = "dir: local\n"
				   "\tpath /var/lib/vz\n"
				   "\tcontent images,rootdir\n"
				   "dir: isos\n"
				   "\tpath /srv/iso\n"
				   "\tcontent iso\n"
				   "nfs: nas\n"
				   "\tserver 10.0.0.9\n"
				   "\texport /export\n"
				   "\tcontent rootdir\n"
				   "\taccess qemu\n";

static int
parse(const char *text, struct vmm_lxc_conf *lc, vmm_error_t *err)
{
	vmm_storage_cfg_t *storage = NULL;
	struct vmm_conf *conf = NULL;
	int r;

	assert_int_equal(vmm_storage_cfg_parse("storage.cfg", storage_text, &storage, err), 0);
	r = vmm_conf_parse(FILE_NAME, text, &conf, err);
	if (r == 0)
		r = vmm_lxc_conf_parse(conf, storage, lc, err);
	vmm_conf_free(conf);
	vmm_storage_cfg_free(storage);
	return r;
}

static void
test_good_config(void **state)
{
	static const char text[] = "# a container\n"
				   "hostname: web-1.example\n"
				   "memory: 256\n"
				   "cores: 2\n"
				   "rootfs: local:200/rootfs\n"
				   "net0: name=eth0,bridge=vmbr0,hwaddr=02:00:00:00:c8:00,"
				   "ip=10.0.0.2/24,gw=10.0.0.1\n"
				   "net1: bridge=br1\n";
	struct vmm_lxc_conf lc;
	vmm_error_t err = { "" };

	assert_int_equal(parse(text, &lc, &err), 0);
	assert_string_equal(lc.hostname, "web-1.example");
	assert_int_equal(lc.memory_mib, 256);
	assert_int_equal(lc.cores, 2);
	assert_string_equal(lc.storage, "local");
	assert_string_equal(lc.volume, "200/rootfs");
	assert_int_equal(lc.nnics, 2);
	assert_string_equal(lc.nics[0].bridge, "vmbr0");
	assert_string_equal(lc.nics[0].hwaddr, "02:00:00:00:c8:00");
	assert_string_equal(lc.nics[0].ip, "10.0.0.2/24");
	assert_string_equal(lc.nics[0].gw, "10.0.0.1");
	/* The name inside defaults to eth<n>. */
	assert_string_equal(lc.nics[1].name, "eth1");
}

static void
test_defaults(void **state)
{
	struct vmm_lxc_conf lc;
	vmm_error_t err = { "" };

	assert_int_equal(parse("rootfs: local:ct/200\n", &lc, &err), 0);
	assert_int_equal(lc.memory_mib, 512);
	assert_int_equal(lc.cores, 0);
	assert_string_equal(lc.hostname, "");
	assert_int_equal(lc.nnics, 0);
}

struct bad_case {
	const char *text;
	const char *message;
};

#define AT FILE_NAME ":"
#define ROOTFS "rootfs: local:200/rootfs\n"

static const struct bad_case bad_cases[] = {
	{ "memory: 64\n", FILE_NAME ": rootfs: missing (rootfs: <storage>:<volume>)" },
	{ ROOTFS "colour: blue\n", AT "2: colour: unknown key" },
	{ ROOTFS "hostname: web_1\n", AT "2: hostname: 'web_1' is not a DNS name" },
	{ ROOTFS "memory: lots\n", AT "2: memory: 'lots' is not a number" },
	{ ROOTFS "memory: 8\n", AT "2: memory: 8 is out of range 16..4194304" },
	{ ROOTFS "cores: 0\n", AT "2: cores: 0 is out of range 1..8192" },
	{ "rootfs: 200/rootfs\n", AT "1: rootfs: '200/rootfs' is not '<storage>:<volume>'" },
	{ "rootfs: local:8\n",
	  AT "1: rootfs: '8' is a size: a container's root file system must be an existing "
	     "directory volume" },
	{ "rootfs: local:../../etc\n", AT "1: rootfs: '../../etc' is not a volume name" },
	{ "rootfs: nowhere:200/rootfs\n",
	  AT "1: rootfs: storage 'nowhere' does not exist in storage.cfg" },
	{ "rootfs: isos:200/rootfs\n",
	  AT "1: rootfs: storage 'isos' does not hold content 'rootdir'" },
	{ "rootfs: nas:200/rootfs\n",
	  AT "1: rootfs: storage 'nas' (nfs, access qemu) is not a directory of this host: use "
	     "a dir storage, or nfs with access kernel" },
	{ ROOTFS "net0: name=eth0\n", AT "2: net0: no bridge (bridge=<bridge>)" },
	{ ROOTFS "net0: bridge=br0,firewall=1\n",
	  AT "2: net0: unknown option 'firewall' (name, bridge, hwaddr, ip, gw)" },
	{ ROOTFS "net0: bridge=br0,veth\n", AT "2: net0: option 'veth' is not 'name=value'" },
	{ ROOTFS "net0: bridge=br 0\n", AT "2: net0: 'br 0' is not a bridge name" },
	{ ROOTFS "net0: bridge=br0,hwaddr=01:00:00:00:00:01\n",
	  AT "2: net0: '01:00:00:00:00:01' is not a unicast MAC address (52:54:00:12:34:56)" },
	{ ROOTFS "net0: bridge=br0,ip=dhcp\n",
	  AT "2: net0: 'dhcp' is not an IPv4 address with prefix (10.0.0.2/24)" },
	{ ROOTFS "net0: bridge=br0,ip=10.0.0.2/33\n",
	  AT "2: net0: '10.0.0.2/33' is not an IPv4 address with prefix (10.0.0.2/24)" },
	{ ROOTFS "net0: bridge=br0,gw=10.0.0.1\n", AT "2: net0: gw= needs ip=" },
	{ ROOTFS "net0: bridge=br0,ip=10.0.0.2/24,gw=10.0.0\n",
	  AT "2: net0: '10.0.0' is not an IPv4 address" },
	{ ROOTFS "net0: bridge=br0\nnet1: name=eth0,bridge=br1\n",
	  AT "3: net1: interface name 'eth0' is also net0's" },
	{ ROOTFS "net8: bridge=br0\n", AT "2: net8: unknown key" },
};

static void
test_bad_configs(void **state)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(*bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct vmm_lxc_conf lc;
		vmm_error_t err = { "" };

		print_message("case %zu: %s", i, c->text);
		assert_int_equal(parse(c->text, &lc, &err), -EINVAL);
		assert_string_equal(err.msg, c->message);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_config),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_bad_configs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
