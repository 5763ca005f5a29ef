/*
 * test-load.c - a tree rebuilt from its records is the same tree, and
 * records that do not form a well-formed tree are refused whole.
 */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cfs/cfs.h"

struct records {
	struct cfs_record rec[32];
	size_t count;
};

static int
collect(void *ctx, const struct cfs_record *rec)
{
	struct records *r = ctx;

	assert_true(r->count < 32);
	r->rec[r->count++] = *rec;
	return 0;
}

static cfs_tree_t *
sample_tree(void)
{
	cfs_tree_t *t = cfs_tree_new(NULL);

	assert_non_null(t);
	assert_int_equal(cfs_tree_mkdir(t, "/ha", 1), 0);
	assert_int_equal(cfs_tree_mkdir(t, "/nodes", 2), 0);
	assert_int_equal(cfs_tree_mkdir(t, "/nodes/n1", 3), 0);
	assert_int_equal(cfs_tree_create(t, "/ha/resources.cfg", 4), 0);
	assert_int_equal(cfs_tree_write(t, "/ha/resources.cfg", "vm: 100\n", 8, 5), 0);
	/* Move an old file into a newer directory: parent inode > child inode. */
	assert_int_equal(cfs_tree_rename(t, "/ha/resources.cfg", "/nodes/n1/r.cfg", 6), 0);
	assert_int_equal(cfs_tree_create(t, "/empty", 7), 0);
	return t;
}

static void
test_round_trip_in_any_order(void **state)
{
	cfs_tree_t *t = sample_tree(), *copy = NULL;
	struct records r = { .count = 0 };
	struct cfs_stat a, b;
	char buf[16];

	/* Whole structs are compared below: clear their padding. */
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	assert_int_equal(cfs_tree_walk(t, collect, &r), 0);
	assert_int_equal(r.count, 6);
	/* Children before parents must work too: reverse the order. */
	for (size_t i = 0; i < r.count / 2; i++) {
		struct cfs_record tmp = r.rec[i];

		r.rec[i] = r.rec[r.count - 1 - i];
		r.rec[r.count - 1 - i] = tmp;
	}
	assert_int_equal(cfs_tree_from_records(r.rec, r.count, cfs_tree_version(t), NULL, &copy),
			 0);
	assert_int_equal(cfs_tree_version(copy), cfs_tree_version(t));
	assert_int_equal(cfs_tree_entries(copy), cfs_tree_entries(t));
	assert_int_equal(cfs_tree_bytes(copy), 8);
	assert_int_equal(cfs_tree_stat(t, "/nodes/n1/r.cfg", &a), 0);
	assert_int_equal(cfs_tree_stat(copy, "/nodes/n1/r.cfg", &b), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(cfs_tree_read(copy, "/nodes/n1/r.cfg", buf, sizeof(buf), 0), 8);
	assert_memory_equal(buf, "vm: 100\n", 8);
	/* The rebuilt tree keeps counting from where the original was. */
	assert_int_equal(cfs_tree_mkdir(copy, "/new", 8), 0);
	assert_int_equal(cfs_tree_stat(copy, "/new", &b), 0);
	assert_int_equal(b.inode, cfs_tree_version(t) + 1);
	cfs_tree_free(copy);
	cfs_tree_free(t);
}

/* Corrupt one record of the sample, then expect a refusal. */
static void
expect_refused(void (*corrupt)(struct records *r, uint64_t *version))
{
	cfs_tree_t *t = sample_tree(), *copy = NULL;
	struct records r = { .count = 0 };
	uint64_t version = cfs_tree_version(t);

	assert_int_equal(cfs_tree_walk(t, collect, &r), 0);
	corrupt(&r, &version);
	assert_int_equal(cfs_tree_from_records(r.rec, r.count, version, NULL, &copy), -EUCLEAN);
	assert_null(copy);
	cfs_tree_free(t);
}

static struct cfs_record *
find(struct records *r, const char *name)
{
	for (size_t i = 0; i < r->count; i++)
		if (!strcmp(r->rec[i].name, name))
			return &r->rec[i];
	fail_msg("no record %s", name);
	return NULL;
}

static void
missing_parent(struct records *r, uint64_t *v)
{
	find(r, "n1")->parent = 999;
}

static void
parent_is_a_file(struct records *r, uint64_t *v)
{
	find(r, "r.cfg")->parent = find(r, "empty")->inode;
}

static void
duplicate_name(struct records *r, uint64_t *v)
{
	find(r, "empty")->name = "ha";
}

static void
cycle(struct records *r, uint64_t *v)
{
	/* nodes/n1 becomes the parent of nodes: neither is reachable. */
	find(r, "nodes")->parent = find(r, "n1")->inode;
}

static void
second_root(struct records *r, uint64_t *v)
{
	find(r, "ha")->inode = 0;
}

static void
version_from_the_future(struct records *r, uint64_t *v)
{
	*v -= 1;
}

static void
bad_name(struct records *r, uint64_t *v)
{
	find(r, "ha")->name = "..";
}

static void
slash_in_name(struct records *r, uint64_t *v)
{
	find(r, "ha")->name = "a/b";
}

static void
no_root(struct records *r, uint64_t *v)
{
	r->rec[0] = r->rec[--r->count];
}

static void
unknown_type(struct records *r, uint64_t *v)
{
	find(r, "empty")->type = 7;
}

static void
directory_with_content(struct records *r, uint64_t *v)
{
	find(r, "ha")->size = 3;
	find(r, "ha")->data = "abc";
}

static void
file_with_a_holder(struct records *r, uint64_t *v)
{
	find(r, "empty")->owner = 3;
}

static void
test_corrupt_records_are_refused(void **state)
{
	expect_refused(missing_parent);
	expect_refused(parent_is_a_file);
	expect_refused(duplicate_name);
	expect_refused(cycle);
	expect_refused(second_root);
	expect_refused(version_from_the_future);
	expect_refused(bad_name);
	expect_refused(slash_in_name);
	expect_refused(no_root);
	expect_refused(unknown_type);
	expect_refused(directory_with_content);
	expect_refused(file_with_a_holder);
}

static void
test_limits_apply_to_loaded_trees(void **state)
{
	struct cfs_limits small = { .max_file_size = 4, .max_total_size = 100,
				    .max_entries = 100 };
	cfs_tree_t *t = sample_tree(), *copy = NULL;
	struct records r = { .count = 0 };

	assert_int_equal(cfs_tree_walk(t, collect, &r), 0);
	assert_int_equal(cfs_tree_from_records(r.rec, r.count, cfs_tree_version(t), &small, &copy),
			 -EUCLEAN);
	small.max_file_size = 8;
	small.max_entries = 5;
	assert_int_equal(cfs_tree_from_records(r.rec, r.count, cfs_tree_version(t), &small, &copy),
			 -EUCLEAN);
	small.max_entries = 6;
	assert_int_equal(cfs_tree_from_records(r.rec, r.count, cfs_tree_version(t), &small, &copy),
			 0);
	cfs_tree_free(copy);
	cfs_tree_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_in_any_order),
		cmocka_unit_test(test_corrupt_records_are_refused),
		cmocka_unit_test(test_limits_apply_to_loaded_trees),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
