/*
 * test-tree.c - every tree operation: results, errno values, versions,
 * limits, guest-id uniqueness, and that a failed change changes nothing.
 */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cfs/cfs.h"

static int
setup(void **state)
{
	*state = cfs_tree_new(NULL);
	return *state ? 0 : -1;
}

static int
teardown(void **state)
{
	cfs_tree_free(*state);
	return 0;
}

/* Write @text as the whole content of @path, creating it if needed. */
static int
put(cfs_tree_t *t, const char *path, const char *text)
{
	struct cfs_stat st;
	int r = 0;

	if (cfs_tree_stat(t, path, &st) == -ENOENT)
		r = cfs_tree_create(t, path, 1000);
	return r < 0 ? r : cfs_tree_write(t, path, text, strlen(text), 1001);
}

static const char *
get(cfs_tree_t *t, const char *path)
{
	static char buf[256];
	ssize_t n = cfs_tree_read(t, path, buf, sizeof(buf) - 1, 0);

	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return buf;
}

static void
test_new_tree_is_an_empty_root(void **state)
{
	cfs_tree_t *t = *state;
	struct cfs_stat st;

	assert_int_equal(cfs_tree_version(t), 0);
	assert_int_equal(cfs_tree_stat(t, "/", &st), 0);
	assert_int_equal(st.type, CFS_DIR);
	assert_int_equal(st.inode, 0);
	assert_int_equal(cfs_tree_entries(t), 1);
}

static void
test_mkdir_create_write_read(void **state)
{
	cfs_tree_t *t = *state;
	struct cfs_stat st;
	char buf[8];

	assert_int_equal(cfs_tree_mkdir(t, "/ha", 5), 0);
	assert_int_equal(put(t, "/ha/resources.cfg", "vm: 100\n"), 0);
	assert_string_equal(get(t, "/ha/resources.cfg"), "vm: 100\n");
	assert_int_equal(cfs_tree_stat(t, "/ha/resources.cfg", &st), 0);
	assert_int_equal(st.type, CFS_FILE);
	assert_int_equal(st.size, 8);
	assert_int_equal(st.mtime, 1001);
	assert_int_equal(st.mode, 0644);
	/* Inodes and versions come from the one counter: mkdir 1, create 2, write 3. */
	assert_int_equal(st.inode, 2);
	assert_int_equal(st.version, 3);
	assert_int_equal(cfs_tree_version(t), 3);
	/* Partial reads at an offset, and past the end. */
	assert_int_equal(cfs_tree_read(t, "/ha/resources.cfg", buf, 3, 4), 3);
	assert_memory_equal(buf, "100", 3);
	assert_int_equal(cfs_tree_read(t, "/ha/resources.cfg", buf, 3, 100), 0);
}

static void
test_lookup_errors(void **state)
{
	cfs_tree_t *t = *state;
	struct cfs_stat st;
	char buf[4];

	assert_int_equal(put(t, "/file", "x"), 0);
	assert_int_equal(cfs_tree_stat(t, "/missing", &st), -ENOENT);
	assert_int_equal(cfs_tree_stat(t, "/missing/deeper", &st), -ENOENT);
	assert_int_equal(cfs_tree_stat(t, "/file/below", &st), -ENOTDIR);
	assert_int_equal(cfs_tree_stat(t, "relative", &st), -EINVAL);
	assert_int_equal(cfs_tree_stat(t, "/a//b", &st), -EINVAL);
	assert_int_equal(cfs_tree_stat(t, "/a/../b", &st), -EINVAL);
	assert_int_equal(cfs_tree_stat(t, "/trailing/", &st), -EINVAL);
	assert_int_equal(cfs_tree_read(t, "/", buf, sizeof(buf), 0), -EISDIR);
	assert_int_equal(cfs_tree_write(t, "/", "x", 1, 0), -EISDIR);
	assert_int_equal(cfs_tree_write(t, "/missing", "x", 1, 0), -ENOENT);
}

static void
test_create_errors_change_nothing(void **state)
{
	cfs_tree_t *t = *state;
	uint64_t v;

	assert_int_equal(cfs_tree_mkdir(t, "/d", 0), 0);
	v = cfs_tree_version(t);
	/* The dry run answers what the create would. */
	assert_int_equal(cfs_tree_may_create(t, "/d", CFS_FILE), -EEXIST);
	assert_int_equal(cfs_tree_may_create(t, "/nodir/f", CFS_FILE), -ENOENT);
	assert_int_equal(cfs_tree_may_create(t, "/d/f", CFS_FILE), 0);
	assert_int_equal(cfs_tree_mkdir(t, "/d", 0), -EEXIST);
	assert_int_equal(cfs_tree_create(t, "/d", 0), -EEXIST);
	assert_int_equal(cfs_tree_create(t, "/nodir/f", 0), -ENOENT);
	assert_int_equal(cfs_tree_mkdir(t, "/", 0), -EEXIST);
	assert_int_equal(cfs_tree_version(t), v);
	assert_int_equal(cfs_tree_entries(t), 2);
}

static void
test_unlink_and_rmdir(void **state)
{
	cfs_tree_t *t = *state;
	struct cfs_stat st;

	assert_int_equal(cfs_tree_mkdir(t, "/d", 0), 0);
	assert_int_equal(put(t, "/d/f", "data"), 0);
	assert_int_equal(cfs_tree_rmdir(t, "/d"), -ENOTEMPTY);
	assert_int_equal(cfs_tree_unlink(t, "/d"), -EISDIR);
	assert_int_equal(cfs_tree_rmdir(t, "/d/f"), -ENOTDIR);
	assert_int_equal(cfs_tree_rmdir(t, "/"), -EBUSY);
	assert_int_equal(cfs_tree_unlink(t, "/d/f"), 0);
	assert_int_equal(cfs_tree_bytes(t), 0);
	assert_int_equal(cfs_tree_rmdir(t, "/d"), 0);
	assert_int_equal(cfs_tree_stat(t, "/d", &st), -ENOENT);
	assert_int_equal(cfs_tree_entries(t), 1);
	assert_int_equal(cfs_tree_unlink(t, "/d/f"), -ENOENT);
}

static void
test_rename_like_rename2(void **state)
{
	cfs_tree_t *t = *state;
	struct cfs_stat st;

	assert_int_equal(cfs_tree_mkdir(t, "/a", 0), 0);
	assert_int_equal(cfs_tree_mkdir(t, "/b", 0), 0);
	assert_int_equal(put(t, "/a/f", "new"), 0);
	assert_int_equal(put(t, "/b/f", "old"), 0);
	/* Editor style: write a temp file, rename it over the original. */
	assert_int_equal(cfs_tree_rename(t, "/a/f", "/b/f", 0), 0);
	assert_string_equal(get(t, "/b/f"), "new");
	assert_int_equal(cfs_tree_stat(t, "/a/f", &st), -ENOENT);
	assert_int_equal(cfs_tree_bytes(t), 3);
	/* Directories move with their content; inode numbers stay. */
	assert_int_equal(cfs_tree_stat(t, "/b", &st), 0);
	assert_int_equal(cfs_tree_rename(t, "/b", "/a/b2", 0), 0);
	assert_string_equal(get(t, "/a/b2/f"), "new");
	/* rename(2) refusals. */
	assert_int_equal(cfs_tree_rename(t, "/a", "/a/b2/inside", 0), -EINVAL);
	assert_int_equal(cfs_tree_rename(t, "/a/b2/f", "/a/b2", 0), -EISDIR);
	assert_int_equal(cfs_tree_mkdir(t, "/full", 0), 0);
	assert_int_equal(put(t, "/full/x", "x"), 0);
	assert_int_equal(cfs_tree_rename(t, "/a/b2", "/full", 0), -ENOTEMPTY);
	assert_int_equal(cfs_tree_rename(t, "/a/b2", "/full/x", 0), -ENOTDIR);
	assert_int_equal(cfs_tree_rename(t, "/missing", "/z", 0), -ENOENT);
	assert_int_equal(cfs_tree_rename(t, "/a/b2/f", "/missing/z", 0), -ENOENT);
	assert_int_equal(cfs_tree_rename(t, "/", "/z", 0), -EBUSY);
	/* Same entry: nothing happens, not even a version bump. */
	uint64_t v = cfs_tree_version(t);
	assert_int_equal(cfs_tree_rename(t, "/a", "/a", 0), 0);
	assert_int_equal(cfs_tree_version(t), v);
}

static void
test_limits(void **state)
{
	struct cfs_limits limits = { .max_file_size = 10, .max_total_size = 15,
				     .max_entries = 4 };
	cfs_tree_t *t = cfs_tree_new(&limits);
	struct cfs_stat st;

	assert_non_null(t);
	assert_int_equal(put(t, "/a", "0123456789"), 0);
	/* Too big for one file: -EFBIG, and the old content stays whole. */
	assert_int_equal(cfs_tree_write(t, "/a", "0123456789X", 11, 0), -EFBIG);
	assert_string_equal(get(t, "/a"), "0123456789");
	/* Too much in total: -ENOSPC. */
	assert_int_equal(put(t, "/b", "0123456"), -ENOSPC);
	assert_int_equal(cfs_tree_stat(t, "/b", &st), 0);
	assert_int_equal(st.size, 0);
	/* Shrinking one file makes room for another. */
	assert_int_equal(put(t, "/a", "01"), 0);
	assert_int_equal(put(t, "/b", "0123456"), 0);
	/* Too many entries: root + a + b + c = 4. */
	assert_int_equal(cfs_tree_mkdir(t, "/c", 0), 0);
	assert_int_equal(cfs_tree_may_create(t, "/d", CFS_DIR), -ENOSPC);
	assert_int_equal(cfs_tree_mkdir(t, "/d", 0), -ENOSPC);
	cfs_tree_free(t);
}

static void
test_private_modes(void **state)
{
	cfs_tree_t *t = *state;
	struct cfs_stat st;

	assert_int_equal(cfs_tree_mkdir(t, "/priv", 0), 0);
	assert_int_equal(put(t, "/priv/authkey", "k"), 0);
	assert_int_equal(cfs_tree_mkdir(t, "/privately", 0), 0);
	assert_int_equal(cfs_tree_stat(t, "/priv", &st), 0);
	assert_int_equal(st.mode, 0700);
	assert_int_equal(cfs_tree_stat(t, "/priv/authkey", &st), 0);
	assert_int_equal(st.mode, 0600);
	assert_int_equal(cfs_tree_stat(t, "/privately", &st), 0);
	assert_int_equal(st.mode, 0755);
	assert_int_equal(cfs_path_mode("/nodes/n1/priv/key", CFS_FILE), 0600);
	assert_int_equal(cfs_path_mode("/nodes/n1/private", CFS_DIR), 0755);
}

static void
make_node_dirs(cfs_tree_t *t)
{
	assert_int_equal(cfs_tree_mkdir(t, "/nodes", 0), 0);
	assert_int_equal(cfs_tree_mkdir(t, "/nodes/n1", 0), 0);
	assert_int_equal(cfs_tree_mkdir(t, "/nodes/n2", 0), 0);
	assert_int_equal(cfs_tree_mkdir(t, "/nodes/n1/qemu", 0), 0);
	assert_int_equal(cfs_tree_mkdir(t, "/nodes/n2/qemu", 0), 0);
	assert_int_equal(cfs_tree_mkdir(t, "/nodes/n2/lxc", 0), 0);
}

static void
test_guest_ids_unique_across_nodes_and_types(void **state)
{
	cfs_tree_t *t = *state;

	make_node_dirs(t);
	assert_int_equal(put(t, "/nodes/n1/qemu/100.conf", "cores: 1\n"), 0);
	assert_int_equal(cfs_tree_may_create(t, "/nodes/n2/qemu/100.conf", CFS_FILE), -EEXIST);
	assert_int_equal(cfs_tree_create(t, "/nodes/n2/qemu/100.conf", 0), -EEXIST);
	assert_int_equal(cfs_tree_create(t, "/nodes/n2/lxc/100.conf", 0), -EEXIST);
	assert_int_equal(cfs_tree_create(t, "/nodes/n2/qemu/101.conf", 0), 0);
	/* Not guest configs: no uniqueness rule. */
	assert_int_equal(cfs_tree_create(t, "/nodes/n2/qemu/100.conf.tmp", 0), 0);
	assert_int_equal(cfs_tree_create(t, "/nodes/n2/qemu/0100.conf", 0), 0);
}

static void
test_guest_moves_between_nodes_by_rename(void **state)
{
	cfs_tree_t *t = *state;
	struct cfs_stat st;

	make_node_dirs(t);
	assert_int_equal(put(t, "/nodes/n1/qemu/100.conf", "cores: 1\n"), 0);
	assert_int_equal(cfs_tree_rename(t, "/nodes/n1/qemu/100.conf", "/nodes/n2/qemu/100.conf",
					 0),
			 0);
	assert_int_equal(cfs_tree_stat(t, "/nodes/n1/qemu/100.conf", &st), -ENOENT);
	assert_string_equal(get(t, "/nodes/n2/qemu/100.conf"), "cores: 1\n");
	/* An editor's temp file renamed over the config keeps working... */
	assert_int_equal(put(t, "/nodes/n2/qemu/.100.tmp", "cores: 2\n"), 0);
	assert_int_equal(cfs_tree_rename(t, "/nodes/n2/qemu/.100.tmp", "/nodes/n2/qemu/100.conf",
					 0),
			 0);
	assert_string_equal(get(t, "/nodes/n2/qemu/100.conf"), "cores: 2\n");
	/* ...but renaming something into a second copy of the id does not. */
	assert_int_equal(put(t, "/nodes/n1/qemu/x", "cores: 3\n"), 0);
	assert_int_equal(cfs_tree_rename(t, "/nodes/n1/qemu/x", "/nodes/n1/qemu/100.conf", 0),
			 -EEXIST);
}

static int
collect_name(void *ctx, const char *name, const struct cfs_stat *st)
{
	strcat(ctx, name);
	strcat(ctx, st->type == CFS_DIR ? "/ " : " ");
	return 0;
}

static void
test_readdir_in_name_order(void **state)
{
	cfs_tree_t *t = *state;
	char names[128] = "";

	assert_int_equal(cfs_tree_mkdir(t, "/b", 0), 0);
	assert_int_equal(put(t, "/c", "x"), 0);
	assert_int_equal(put(t, "/a", "x"), 0);
	assert_int_equal(cfs_tree_readdir(t, "/", collect_name, names), 0);
	assert_string_equal(names, "a b/ c ");
	assert_int_equal(cfs_tree_readdir(t, "/a", collect_name, names), -ENOTDIR);
}

struct observed {
	char log[512];
};

static void
obs_updated(void *ctx, const struct cfs_record *rec)
{
	struct observed *o = ctx;
	size_t len = strlen(o->log);

	snprintf(o->log + len, sizeof(o->log) - len, "u%llu:%s@%llu ",
		 (unsigned long long)rec->inode, rec->name, (unsigned long long)rec->version);
}

static void
obs_removed(void *ctx, uint64_t inode)
{
	struct observed *o = ctx;
	size_t len = strlen(o->log);

	snprintf(o->log + len, sizeof(o->log) - len, "r%llu ", (unsigned long long)inode);
}

static void
test_observer_sees_every_change(void **state)
{
	cfs_tree_t *t = *state;
	struct observed o = { "" };
	struct cfs_tree_observer obs = { obs_updated, obs_removed, &o };

	cfs_tree_set_observer(t, &obs);
	assert_int_equal(cfs_tree_mkdir(t, "/d", 0), 0);	       /* u1 */
	assert_int_equal(put(t, "/d/f", "x"), 0);		       /* u2, u2@3 */
	assert_int_equal(put(t, "/g", "y"), 0);			       /* u4, u4@5 */
	assert_int_equal(cfs_tree_rename(t, "/g", "/d/f", 0), 0);      /* r2, u4:f@6 */
	assert_int_equal(cfs_tree_unlink(t, "/d/f"), 0);	       /* r4 */
	assert_int_equal(cfs_tree_create(t, "/d", 0), -EEXIST);	       /* nothing */
	assert_string_equal(o.log, "u1:d@1 u2:f@2 u2:f@3 u4:g@4 u4:g@5 r2 u4:f@6 r4 ");
	assert_int_equal(cfs_tree_version(t), 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_new_tree_is_an_empty_root),
		T(test_mkdir_create_write_read),
		T(test_lookup_errors),
		T(test_create_errors_change_nothing),
		T(test_unlink_and_rmdir),
		T(test_rename_like_rename2),
		T(test_limits),
		T(test_private_modes),
		T(test_guest_ids_unique_across_nodes_and_types),
		T(test_guest_moves_between_nodes_by_rename),
		T(test_readdir_in_name_order),
		T(test_observer_sees_every_change),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
