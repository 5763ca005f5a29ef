/*
 * test-store.c - what was committed comes back after a restart, what was
 * not committed does not, and a damaged or foreign database is refused.
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
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "cfs/cfs.h"
#include "tests/unit/tmpdir.h"

struct fixture {
	char dir[PATH_MAX];
	char db[PATH_MAX + 16];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || test_tmpdir_make(f->dir, sizeof(f->dir)) < 0)
		return -1;
	snprintf(f->db, sizeof(f->db), "%s/config.db", f->dir);
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

/* Open the store and load its tree, with the store observing the tree. */
static void
open_and_load(const char *db, cfs_store_t **ret_store, cfs_tree_t **ret_tree)
{
	struct cfs_tree_observer obs;

	assert_int_equal(cfs_store_open(db, false, ret_store), 0);
	assert_int_equal(cfs_store_load(*ret_store, NULL, ret_tree), 0);
	obs = cfs_store_observer(*ret_store);
	cfs_tree_set_observer(*ret_tree, &obs);
}

static void
write_file(cfs_tree_t *t, const char *path, const char *text)
{
	assert_int_equal(cfs_tree_create(t, path, 7), 0);
	assert_int_equal(cfs_tree_write(t, path, text, strlen(text), 8), 0);
}

static void
expect_content(cfs_tree_t *t, const char *path, const char *text)
{
	char buf[64];
	ssize_t n = cfs_tree_read(t, path, buf, sizeof(buf), 0);

	assert_int_equal(n, (ssize_t)strlen(text));
	assert_memory_equal(buf, text, (size_t)n);
}

static void
test_new_database_holds_an_empty_root(void **state)
{
	struct fixture *f = *state;
	cfs_store_t *s;
	cfs_tree_t *t;

	open_and_load(f->db, &s, &t);
	assert_int_equal(cfs_tree_version(t), 0);
	assert_int_equal(cfs_tree_entries(t), 1);
	cfs_tree_free(t);
	cfs_store_close(s);
}

static void
test_committed_changes_survive_a_restart(void **state)
{
	struct fixture *f = *state;
	struct cfs_stat before, after;
	cfs_store_t *s;
	cfs_tree_t *t;

	/* Whole structs are compared below: clear their padding. */
	memset(&before, 0, sizeof(before));
	memset(&after, 0, sizeof(after));
	open_and_load(f->db, &s, &t);
	/* Many changes, one transaction: the group commit. */
	assert_int_equal(cfs_store_begin(s), 0);
	assert_int_equal(cfs_tree_mkdir(t, "/ha", 1), 0);
	write_file(t, "/ha/resources.cfg", "vm: 100\n");
	write_file(t, "/ha/old", "gone soon");
	write_file(t, "/tmpfile", "new content");
	assert_int_equal(cfs_tree_rename(t, "/tmpfile", "/ha/renamed", 9), 0);
	assert_int_equal(cfs_tree_unlink(t, "/ha/old"), 0);
	assert_int_equal(cfs_store_commit(s, cfs_tree_version(t)), 0);
	assert_int_equal(cfs_tree_stat(t, "/ha/renamed", &before), 0);
	cfs_tree_free(t);
	cfs_store_close(s);

	open_and_load(f->db, &s, &t);
	assert_int_equal(cfs_tree_version(t), 9);
	expect_content(t, "/ha/resources.cfg", "vm: 100\n");
	expect_content(t, "/ha/renamed", "new content");
	assert_int_equal(cfs_tree_stat(t, "/ha/old", &after), -ENOENT);
	assert_int_equal(cfs_tree_stat(t, "/ha/renamed", &after), 0);
	assert_memory_equal(&before, &after, sizeof(before));
	cfs_tree_free(t);
	cfs_store_close(s);
}

static void
test_uncommitted_changes_are_not_kept(void **state)
{
	struct fixture *f = *state;
	cfs_store_t *s;
	cfs_tree_t *t;

	open_and_load(f->db, &s, &t);
	assert_int_equal(cfs_store_begin(s), 0);
	write_file(t, "/kept", "1");
	assert_int_equal(cfs_store_commit(s, cfs_tree_version(t)), 0);
	assert_int_equal(cfs_store_begin(s), 0);
	write_file(t, "/lost", "2");
	/* The process dies here: no commit. */
	cfs_tree_free(t);
	cfs_store_close(s);

	open_and_load(f->db, &s, &t);
	expect_content(t, "/kept", "1");
	assert_int_equal(cfs_tree_version(t), 2);
	assert_int_equal(cfs_tree_read(t, "/lost", NULL, 0, 0), -ENOENT);
	cfs_tree_free(t);
	cfs_store_close(s);
}

static void
test_replace_writes_a_whole_tree(void **state)
{
	struct fixture *f = *state;
	cfs_tree_t *other = cfs_tree_new(NULL), *t;
	cfs_store_t *s;

	open_and_load(f->db, &s, &t);
	assert_int_equal(cfs_store_begin(s), 0);
	write_file(t, "/mine", "local");
	assert_int_equal(cfs_store_commit(s, cfs_tree_version(t)), 0);
	cfs_tree_free(t);

	assert_int_equal(cfs_tree_mkdir(other, "/peer", 1), 0);
	write_file(other, "/peer/file", "from a peer");
	assert_int_equal(cfs_store_replace(s, other), 0);
	cfs_store_close(s);

	open_and_load(f->db, &s, &t);
	assert_int_equal(cfs_tree_version(t), cfs_tree_version(other));
	expect_content(t, "/peer/file", "from a peer");
	assert_int_equal(cfs_tree_read(t, "/mine", NULL, 0, 0), -ENOENT);
	cfs_tree_free(t);
	cfs_tree_free(other);
	cfs_store_close(s);
}

static void
test_version_survives_whatever_the_last_change_was(void **state)
{
	struct fixture *f = *state;
	cfs_tree_t *t, *low = cfs_tree_new(NULL);
	cfs_store_t *s;

	/* Last change a write: the version is kept in that row alone. */
	open_and_load(f->db, &s, &t);
	assert_int_equal(cfs_store_begin(s), 0);
	write_file(t, "/a", "1");
	write_file(t, "/b", "2");
	assert_int_equal(cfs_store_commit(s, cfs_tree_version(t)), 0);
	/* Then a removal, which leaves no row behind. */
	assert_int_equal(cfs_store_begin(s), 0);
	assert_int_equal(cfs_tree_unlink(t, "/a"), 0);
	assert_int_equal(cfs_store_commit(s, cfs_tree_version(t)), 0);
	assert_int_equal(cfs_tree_version(t), 5);
	cfs_tree_free(t);
	cfs_store_close(s);
	open_and_load(f->db, &s, &t);
	assert_int_equal(cfs_tree_version(t), 5);
	cfs_tree_free(t);

	/* A synchronisation may install a tree of a lower version: it sticks. */
	assert_int_equal(cfs_tree_mkdir(low, "/x", 0), 0);
	assert_int_equal(cfs_store_replace(s, low), 0);
	cfs_store_close(s);
	open_and_load(f->db, &s, &t);
	assert_int_equal(cfs_tree_version(t), 1);
	cfs_tree_free(t);
	cfs_tree_free(low);
	cfs_store_close(s);
}

static void
write_raw(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void
test_garbage_file_is_refused(void **state)
{
	struct fixture *f = *state;
	char garbage[8192];
	cfs_store_t *s = NULL;

	for (size_t i = 0; i < sizeof(garbage); i++)
		garbage[i] = (char)(i * 7 + 3);
	write_raw(f->db, garbage, sizeof(garbage));
	assert_int_equal(cfs_store_open(f->db, false, &s), -EUCLEAN);
	assert_null(s);
}

static void
test_truncated_database_is_refused(void **state)
{
	struct fixture *f = *state;
	cfs_store_t *s;
	cfs_tree_t *t;
	char name[32], text[512];
	int r;

	open_and_load(f->db, &s, &t);
	assert_int_equal(cfs_store_begin(s), 0);
	memset(text, 'x', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	for (int i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "/file%03d", i);
		write_file(t, name, text);
	}
	assert_int_equal(cfs_store_commit(s, cfs_tree_version(t)), 0);
	cfs_tree_free(t);
	cfs_store_close(s); /* checkpoints the WAL into the main file */

	assert_int_equal(truncate(f->db, 20000), 0);
	s = NULL;
	r = cfs_store_open(f->db, false, &s);
	if (r == 0) {
		/* SQLite may open it; then loading must refuse it. */
		assert_int_equal(cfs_store_load(s, NULL, &t), -EUCLEAN);
		cfs_store_close(s);
	} else {
		assert_int_equal(r, -EUCLEAN);
	}
}

static void
sql(const char *db, const char *statement)
{
	sqlite3 *h;

	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, statement, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

static void
test_foreign_database_is_refused(void **state)
{
	struct fixture *f = *state;
	cfs_store_t *s = NULL;

	sqlite3 *h;

	sql(f->db, "CREATE TABLE entries (id TEXT, something BLOB)");
	assert_int_equal(cfs_store_open(f->db, false, &s), -EUCLEAN);
	/* Refused without a change: no table of ours was added. */
	assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(h, "SELECT * FROM meta", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

static void
test_inconsistent_rows_are_refused(void **state)
{
	struct fixture *f = *state;
	cfs_store_t *s;
	cfs_tree_t *t;

	open_and_load(f->db, &s, &t);
	assert_int_equal(cfs_store_begin(s), 0);
	assert_int_equal(cfs_tree_mkdir(t, "/d", 1), 0);
	write_file(t, "/d/f", "x");
	assert_int_equal(cfs_store_commit(s, cfs_tree_version(t)), 0);
	cfs_tree_free(t);
	cfs_store_close(s);

	/* A valid SQLite file whose rows no longer form a tree. */
	sql(f->db, "UPDATE entries SET parent = 4242 WHERE name = 'f'");
	assert_int_equal(cfs_store_open(f->db, false, &s), 0);
	assert_int_equal(cfs_store_load(s, NULL, &t), -EUCLEAN);
	cfs_store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_new_database_holds_an_empty_root),
		T(test_committed_changes_survive_a_restart),
		T(test_uncommitted_changes_are_not_kept),
		T(test_replace_writes_a_whole_tree),
		T(test_version_survives_whatever_the_last_change_was),
		T(test_garbage_file_is_refused),
		T(test_truncated_database_is_refused),
		T(test_foreign_database_is_refused),
		T(test_inconsistent_rows_are_refused),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
