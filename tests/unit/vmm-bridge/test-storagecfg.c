/*
 * test-storagecfg.c - storage.cfg: every storage type reads back with its
 * keys and defaults, and every bad file of the table gives its own exact
 * message naming file, line, storage and key.
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

#include "vmm-bridge/vmm.h"

static void
test_good_file(void **state)
{
	static const char text[] = "# storages of the cluster\n"
				   "dir: local\n"
				   "\tpath /var/lib/vz\n"
				   "\tcontent images,iso\n"
				   "\n"
				   "nfs: nas\n"
				   "\tserver 10.0.0.5\n"
				   "\texport /srv/nfs\n"
				   "\tpath /mnt/pve/nas\n"
				   "\taccess qemu\n"
				   "\tnodes n1,n2\n"
				   "iscsi: rack\n"
				   "    portal 10.0.0.6:3260\n"
				   "    target iqn.2026-01.invalid.rack:lun\n"
				   "    shared 1\n";
	vmm_storage_cfg_t *cfg = NULL;
	const struct vmm_storage *st;
	vmm_error_t err = { "" };
	char content[64];

	assert_int_equal(vmm_storage_cfg_parse("storage.cfg", text, &cfg, &err), 0);
	assert_int_equal(vmm_storage_cfg_count(cfg), 3);
	st = vmm_storage_cfg_at(cfg, 0);
	assert_string_equal(st->type, "dir");
	assert_string_equal(st->path, "/var/lib/vz");
	assert_false(st->shared);
	vmm_storage_content_format(st->content, content, sizeof(content));
	assert_string_equal(content, "images,iso");
	assert_true(vmm_storage_on_node(st, "anywhere"));
	st = vmm_storage_cfg_find(cfg, "nas");
	assert_non_null(st);
	assert_true(st->shared);
	assert_string_equal(st->server, "10.0.0.5");
	assert_string_equal(st->export_, "/srv/nfs");
	assert_int_equal(st->access, VMM_ACCESS_QEMU);
	assert_true(vmm_storage_on_node(st, "n2"));
	assert_false(vmm_storage_on_node(st, "n3"));
	st = vmm_storage_cfg_find(cfg, "rack");
	assert_string_equal(st->portal, "10.0.0.6:3260");
	assert_string_equal(st->target, "iqn.2026-01.invalid.rack:lun");
	assert_int_equal(st->access, VMM_ACCESS_KERNEL);
	vmm_storage_content_format(st->content, content, sizeof(content));
	assert_string_equal(content, "images");
	assert_null(vmm_storage_cfg_find(cfg, "other"));
	vmm_storage_cfg_free(cfg);
}

struct bad_case {
	const char *text;
	const char *message;
};

static const struct bad_case bad_cases[] = {
	{ "\tpath /x\n", "storage.cfg:1: indented line 'path /x' outside a storage section" },
	{ "dir local\n", "storage.cfg:1: expected a section '<type>: <storage>', got 'dir local'" },
	{ "zfs: tank\n", "storage.cfg:1: unknown storage type 'zfs' (dir, nfs, iscsi)" },
	{ "dir: 1st\n\tpath /x\n",
	  "storage.cfg:1: '1st' is not a storage name (a letter, then letters, digits, '-', '_', "
	  "'.'; at most 63)" },
	{ "dir: local\n\tpath /x\ndir: local\n\tpath /y\n",
	  "storage.cfg:3: storage 'local' is already defined on line 1" },
	{ "dir: local\n\tcontent images\n",
	  "storage.cfg:1: dir: local: missing required key 'path'" },
	{ "nfs: nas\n\tserver s\n\n# x\n",
	  "storage.cfg:1: nfs: nas: missing required key 'export'" },
	{ "dir: local\n\tpath /x\n\tpath /y\n", "storage.cfg:3: dir: local: path: given twice" },
	{ "dir: local\n\tpath /x\n\tserver s\n",
	  "storage.cfg:3: dir: local: unknown key 'server' for dir storage" },
	{ "dir: local\n\tpath\n", "storage.cfg:2: dir: local: path: no value" },
	{ "dir: local\n\tpath var/lib\n",
	  "storage.cfg:2: dir: local: path: 'var/lib' is not an absolute path" },
	{ "dir: local\n\tpath /x\n\tcontent images,movies\n",
	  "storage.cfg:3: dir: local: content: 'movies' is not a content type dir storage holds" },
	{ "iscsi: rack\n\tportal p\n\ttarget iqn.x\n\tcontent iso\n",
	  "storage.cfg:4: iscsi: rack: content: 'iso' is not a content type iscsi storage holds" },
	{ "dir: local\n\tpath /x\n\tshared yes\n",
	  "storage.cfg:3: dir: local: shared: 'yes' is not 0 or 1" },
	{ "dir: local\n\tpath /x\n\tnodes n1,-n2\n",
	  "storage.cfg:3: dir: local: nodes: '-n2' is not a node name" },
	{ "nfs: nas\n\tserver s\n\texport /e\n\taccess fuse\n",
	  "storage.cfg:4: nfs: nas: access: 'fuse' is not kernel or qemu" },
	{ "iscsi: rack\n\tportal p\n\ttarget rack-lun\n",
	  "storage.cfg:3: iscsi: rack: target: 'rack-lun' is not an iSCSI name (iqn.* or eui.*)" },
	{ "nfs: nas\n\tserver a b\n",
	  "storage.cfg:2: nfs: nas: server: 'a b' contains a blank or a comma" },
};

static void
test_bad_files(void **state)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(*bad_cases); i++) {
		vmm_storage_cfg_t *cfg = NULL;
		vmm_error_t err = { "" };

		print_message("case %zu: %s", i, bad_cases[i].text);
		assert_int_equal(vmm_storage_cfg_parse("storage.cfg", bad_cases[i].text, &cfg, &err),
				 -EINVAL);
		assert_null(cfg);
		assert_string_equal(err.msg, bad_cases[i].message);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_bad_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
