/*
 * test-storagecfg-edit.c - storagectl add / set / remove: each edit gives
 * the exact new storage.cfg with the other sections and comments as they
 * were, every bad edit is refused with its own message naming the key, and
 * a storage a guest config on any node still uses is not removed without
 * --force.  On a real file, a refused edit leaves it byte for byte as it
 * was and no temporary file stays behind.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/unit/tmpdir.h"
#include "vmm-bridge/vmm-int.h"

#define KV(k, v) ((struct vmm_storage_kv){ k, v })

static const char base[] = "# storages of the cluster\n"
			   "dir: local\n"
			   "\tpath /var/lib/vz\n"
			   "\tcontent images,iso,rootdir\n"
			   "\n"
			   "# the NAS\n"
			   "nfs: nas\n"
			   "    server 10.0.0.5\n"
			   "    # v3 only\n"
			   "    export /srv/nfs\n"
			   "    content images\n"
			   "\n"
			   "dir: scratch\n"
			   "\tpath /scratch\n";

static void
test_add(void **state)
{
	struct vmm_storage_kv kv[] = { KV("path", "/new"), KV("shared", "1"),
				       KV("nodes", "n1,n2") };
	vmm_storage_cfg_t *cfg = NULL;
	const struct vmm_storage *st;
	vmm_error_t err = { "" };
	char *out = NULL;

	assert_int_equal(vmm_storage_cfg_add("s.cfg", base, "dir", "new", kv, 3, &out, &err), 0);
	assert_string_equal(out + strlen(base), "\ndir: new\n\tpath /new\n\tshared 1\n"
						"\tnodes n1,n2\n");
	assert_memory_equal(out, base, strlen(base));
	assert_int_equal(vmm_storage_cfg_parse("s.cfg", out, &cfg, &err), 0);
	st = vmm_storage_cfg_find(cfg, "new");
	assert_non_null(st);
	assert_true(st->shared);
	assert_false(vmm_storage_on_node(st, "n3"));
	vmm_storage_cfg_free(cfg);
	free(out);

	/* The first storage of an empty file; no blank line before it. */
	assert_int_equal(vmm_storage_cfg_add("s.cfg", "", "nfs", "nas2", (struct vmm_storage_kv[]){
							 KV("server", "nas"), KV("export", "/e") },
					     2, &out, &err),
			 0);
	assert_string_equal(out, "nfs: nas2\n\tserver nas\n\texport /e\n");
	free(out);
}

struct bad_edit {
	const char *cmd; /* "add TYPE", "set", "remove" */
	const char *id;
	struct vmm_storage_kv kv[3];
	int code;
	const char *message;
};

static const struct bad_edit bad_edits[] = {
	{ "add dir", "local", { KV("path", "/x") }, -EEXIST,
	  "s.cfg: storage 'local' already exists (line 2)" },
	{ "add dir", "d2", { KV("path", "/x"), KV("server", "s") }, -EINVAL,
	  "s.cfg: dir: d2: unknown key 'server' for dir storage" },
	{ "add dir", "d2", { KV("path", "/x"), KV("shared", "yes") }, -EINVAL,
	  "s.cfg: dir: d2: shared: 'yes' is not 0 or 1" },
	{ "add dir", "d2", { KV("content", "images") }, -EINVAL,
	  "s.cfg: dir: d2: missing required key 'path'" },
	{ "add nfs", "n2", { KV("server", "s"), KV("export", "srv") }, -EINVAL,
	  "s.cfg: nfs: n2: export: 'srv' is not an absolute path" },
	{ "add iscsi", "r2", { KV("portal", "p"), KV("target", "iqn.x"), KV("content", "iso") },
	  -EINVAL, "s.cfg: iscsi: r2: content: 'iso' is not a content type iscsi storage holds" },
	{ "add zfs", "tank", { KV("pool", "tank") }, -EINVAL,
	  "s.cfg: unknown storage type 'zfs' (dir, nfs, iscsi)" },
	{ "add dir", "2nd", { KV("path", "/x") }, -EINVAL,
	  "s.cfg: '2nd' is not a storage name (a letter, then letters, digits, '-', '_', '.'; "
	  "at most 63)" },
	{ "add dir", "d2", { KV("path", "/x\ndir: evil") }, -EINVAL,
	  "s.cfg: d2: path: the value contains a line break" },
	{ "add dir", "d2", { KV("path", "/x"), KV("path x", "/y") }, -EINVAL,
	  "s.cfg: d2: 'path x' is not a key" },
	{ "add dir", "d2", { KV("path", "/x"), KV("path", "/y") }, -EINVAL,
	  "s.cfg: dir: d2: path: given twice" },
	{ "set", "gone", { KV("path", "/x") }, -ENOENT, "s.cfg: storage 'gone' does not exist" },
	{ "set", "nas", { KV("path", "/mnt/nas"), KV("portal", "p") }, -EINVAL,
	  "s.cfg: nfs: nas: unknown key 'portal' for nfs storage" },
	{ "set", "nas", { KV("access", "fuse") }, -EINVAL,
	  "s.cfg: nfs: nas: access: 'fuse' is not kernel or qemu" },
	{ "set", "nas", { KV("export", NULL) }, -EINVAL,
	  "s.cfg: nfs: nas: missing required key 'export'" },
	{ "set", "nas", { KV("nodes", NULL) }, -ENOENT,
	  "s.cfg: nas: nodes: not set, nothing to delete" },
	{ "set", "nas", { KV("server", "a"), KV("server", NULL) }, -EINVAL,
	  "s.cfg: nas: server: given twice" },
	{ "set", "nas", { { NULL, NULL } }, -EINVAL, "s.cfg: nas: nothing to set" },
	{ "remove", "gone", { { NULL, NULL } }, -ENOENT, "s.cfg: storage 'gone' does not exist" },
};

static void
test_bad_edits(void **state)
{
	for (size_t i = 0; i < sizeof(bad_edits) / sizeof(*bad_edits); i++) {
		const struct bad_edit *b = &bad_edits[i];
		vmm_error_t err = { "" };
		char *out = NULL;
		size_t n = 0;
		int r;

		while (n < 3 && b->kv[n].key)
			n++;
		print_message("case %zu: %s %s\n", i, b->cmd, b->id);
		if (!strncmp(b->cmd, "add ", 4))
			r = vmm_storage_cfg_add("s.cfg", base, b->cmd + 4, b->id, b->kv, n, &out,
						&err);
		else if (!strcmp(b->cmd, "set"))
			r = vmm_storage_cfg_set("s.cfg", base, b->id, b->kv, n, &out, &err);
		else
			r = vmm_storage_cfg_remove("s.cfg", base, b->id, &out, &err);
		assert_int_equal(r, b->code);
		assert_null(out);
		assert_string_equal(err.msg, b->message);
	}
}

static void
test_set(void **state)
{
	struct vmm_storage_kv kv[] = { KV("server", "10.0.0.6"), KV("content", NULL),
				       KV("access", "qemu") };
	vmm_error_t err = { "" };
	char *out = NULL;

	/* In place, deleted, and appended in the section's own indentation. */
	assert_int_equal(vmm_storage_cfg_set("s.cfg", base, "nas", kv, 3, &out, &err), 0);
	assert_string_equal(out, "# storages of the cluster\n"
				 "dir: local\n"
				 "\tpath /var/lib/vz\n"
				 "\tcontent images,iso,rootdir\n"
				 "\n"
				 "# the NAS\n"
				 "nfs: nas\n"
				 "    server 10.0.0.6\n"
				 "    # v3 only\n"
				 "    export /srv/nfs\n"
				 "    access qemu\n"
				 "\n"
				 "dir: scratch\n"
				 "\tpath /scratch\n");
	free(out);

	/* The last section, in a file without a final newline. */
	assert_int_equal(vmm_storage_cfg_set("s.cfg", "dir: a\n\tpath /a", "a",
					     (struct vmm_storage_kv[]){ KV("nodes", "n1") }, 1,
					     &out, &err),
			 0);
	assert_string_equal(out, "dir: a\n\tpath /a\n\tnodes n1\n");
	free(out);
}

static void
check_remove(const char *id, const char *expect)
{
	vmm_storage_cfg_t *cfg = NULL;
	vmm_error_t err = { "" };
	char *out = NULL;

	assert_int_equal(vmm_storage_cfg_remove("s.cfg", base, id, &out, &err), 0);
	assert_string_equal(out, expect);
	assert_int_equal(vmm_storage_cfg_parse("s.cfg", out, &cfg, &err), 0);
	assert_int_equal(vmm_storage_cfg_count(cfg), 2);
	assert_null(vmm_storage_cfg_find(cfg, id));
	vmm_storage_cfg_free(cfg);
	free(out);
}

static void
test_remove(void **state)
{
	/* Its own comment goes along; the file's first comment stays. */
	check_remove("nas", "# storages of the cluster\n"
			    "dir: local\n"
			    "\tpath /var/lib/vz\n"
			    "\tcontent images,iso,rootdir\n"
			    "\n"
			    "dir: scratch\n"
			    "\tpath /scratch\n");
	check_remove("local", "# storages of the cluster\n"
			      "\n"
			      "# the NAS\n"
			      "nfs: nas\n"
			      "    server 10.0.0.5\n"
			      "    # v3 only\n"
			      "    export /srv/nfs\n"
			      "    content images\n"
			      "\n"
			      "dir: scratch\n"
			      "\tpath /scratch\n");
	check_remove("scratch", "# storages of the cluster\n"
				"dir: local\n"
				"\tpath /var/lib/vz\n"
				"\tcontent images,iso,rootdir\n"
				"\n"
				"# the NAS\n"
				"nfs: nas\n"
				"    server 10.0.0.5\n"
				"    # v3 only\n"
				"    export /srv/nfs\n"
				"    content images\n");
}

/* ---- on a config tree ---- */

struct fixture {
	char dir[PATH_MAX];
	char cfg[PATH_MAX + 32];
	vmm_ctx_t *ctx;
};

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static char *
read_file(const char *path)
{
	char *text = NULL;
	vmm_error_t err;

	assert_int_equal(vmm_file_read(path, &text, &err), 0);
	return text;
}

/* A guest config at <root>/nodes/<node>/<dir>/<id>.conf. */
static void
put_guest(struct fixture *f, const char *node, const char *dir, const char *id,
	  const char *text)
{
	char path[PATH_MAX + 128];

	snprintf(path, sizeof(path), "%s/nodes/%s/%s", f->dir, node, dir);
	assert_int_equal(vmm_mkdir_p(path), 0);
	snprintf(path, sizeof(path), "%s/nodes/%s/%s/%s.conf", f->dir, node, dir, id);
	write_file(path, text);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct vmm_ctx_options opt = { .node = "n1" };
	vmm_error_t err;

	if (!f || test_tmpdir_make(f->dir, sizeof(f->dir)) < 0)
		return -1;
	opt.config_root = f->dir;
	snprintf(f->cfg, sizeof(f->cfg), "%s/storage.cfg", f->dir);
	write_file(f->cfg, base);
	if (vmm_ctx_new(&opt, &f->ctx, &err) < 0)
		return -1;
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

/* Nothing in the config root but storage.cfg and "nodes": no temp file. */
static void
assert_no_strays(const struct fixture *f)
{
	DIR *d = opendir(f->dir);
	struct dirent *de;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    strcmp(de->d_name, "nodes"))
			assert_string_equal(de->d_name, "storage.cfg");
	closedir(d);
}

static void
test_file_edits(void **state)
{
	struct fixture *f = *state;
	vmm_error_t err = { "" };
	char *text;

	assert_int_equal(vmm_storage_add(f->ctx, "dir", "new",
					 (struct vmm_storage_kv[]){ KV("path", "/new") }, 1, &err),
			 0);
	assert_int_equal(vmm_storage_set(f->ctx, "new",
					 (struct vmm_storage_kv[]){ KV("content", "iso") }, 1, &err),
			 0);
	text = read_file(f->cfg);
	assert_string_equal(text + strlen(base), "\ndir: new\n\tpath /new\n\tcontent iso\n");
	free(text);
	assert_int_equal(vmm_storage_remove(f->ctx, "new", false, NULL, NULL, &err), 0);
	text = read_file(f->cfg);
	assert_string_equal(text, base);
	free(text);

	/* A refused edit leaves the file as it was. */
	assert_int_equal(vmm_storage_set(f->ctx, "nas",
					 (struct vmm_storage_kv[]){ KV("shared", "2") }, 1, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "/storage.cfg: nfs: nas: shared: '2' is not 0 or 1"));
	text = read_file(f->cfg);
	assert_string_equal(text, base);
	free(text);
	assert_no_strays(f);

	/* A missing storage.cfg is an empty one; add creates it. */
	assert_int_equal(unlink(f->cfg), 0);
	assert_int_equal(vmm_storage_add(f->ctx, "dir", "d",
					 (struct vmm_storage_kv[]){ KV("path", "/d") }, 1, &err),
			 0);
	text = read_file(f->cfg);
	assert_string_equal(text, "dir: d\n\tpath /d\n");
	free(text);
	assert_no_strays(f);
}

static void
test_remove_in_use(void **state)
{
	struct fixture *f = *state;
	struct vmm_storage_user *users = NULL;
	vmm_error_t err = { "" };
	size_t n = 0;
	char *text;

	put_guest(f, "n2", "qemu", "100",
		  "memory: 512\nscsi0: local:100/vm-100-disk-0.qcow2\nvirtio1: nas:100/d.qcow2\n");
	put_guest(f, "n1", "lxc", "200", "rootfs: nas:subvol-200\n");
	put_guest(f, "n1", "exec", "300", "script: /bin/true\n");

	assert_int_equal(vmm_storage_remove(f->ctx, "nas", false, &users, &n, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "storage 'nas' is used by "));
	assert_non_null(strstr(err.msg, " and more; move or destroy its volumes first, or use "
					"--force"));
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(users[i].type, "vm")) {
			assert_string_equal(users[i].node, "n2");
			assert_int_equal(users[i].id, 100);
			assert_string_equal(users[i].key, "virtio1");
		} else {
			assert_string_equal(users[i].type, "ct");
			assert_string_equal(users[i].node, "n1");
			assert_int_equal(users[i].id, 200);
			assert_string_equal(users[i].key, "rootfs");
		}
	}
	free(users);
	text = read_file(f->cfg);
	assert_string_equal(text, base);
	free(text);

	/* One user: the message names it. */
	assert_int_equal(vmm_storage_remove(f->ctx, "local", false, NULL, NULL, &err), -EBUSY);
	assert_string_equal(err.msg, "storage 'local' is used by vm 100 on node 'n2' (scsi0); "
				     "move or destroy its volumes first, or use --force");

	/* Unused: removed at once. */
	assert_int_equal(vmm_storage_remove(f->ctx, "scratch", false, &users, &n, &err), 0);
	assert_int_equal(n, 0);
	free(users);

	/* --force removes it and still says who used it. */
	assert_int_equal(vmm_storage_remove(f->ctx, "nas", true, &users, &n, &err), 0);
	assert_int_equal(n, 2);
	free(users);
	text = read_file(f->cfg);
	assert_null(strstr(text, "nas"));
	free(text);
	assert_no_strays(f);
}

static void
test_remove_unreadable_guest(void **state)
{
	struct fixture *f = *state;
	char path[PATH_MAX + 64], expect[PATH_MAX + 256];
	vmm_error_t err = { "" };
	char *text;

	put_guest(f, "n3", "qemu", "101", "memory: lots\n");
	snprintf(path, sizeof(path), "%s/nodes/n3/qemu/101.conf", f->dir);
	assert_int_equal(vmm_storage_remove(f->ctx, "scratch", false, NULL, NULL, &err), -EINVAL);
	snprintf(expect, sizeof(expect),
		 "cannot tell whether a guest uses storage 'scratch' (use --force to remove it "
		 "anyway): %s:1: memory:",
		 path);
	assert_memory_equal(err.msg, expect, strlen(expect));
	text = read_file(f->cfg);
	assert_string_equal(text, base);
	free(text);
	assert_int_equal(vmm_storage_remove(f->ctx, "scratch", true, NULL, NULL, &err), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_bad_edits),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_remove),
		cmocka_unit_test_setup_teardown(test_file_edits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_in_use, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_unreadable_guest, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
