/*
 * test-pagecache.c - when the kernel may keep a file's cached pages: only
 * while the content version is the one seen at the last open, never while
 * or right after a writer, or a reader of an older version, had it open.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "clusterd/clusterd.h"

static int
setup(void **state)
{
	cd_pagecache_t *pc;

	if (cd_pagecache_new(&pc) < 0)
		return -1;
	*state = pc;
	return 0;
}

static int
teardown(void **state)
{
	cd_pagecache_free(*state);
	return 0;
}

/* An open and close of @path at @version by a reader: was the cache kept? */
static bool
read_once(cd_pagecache_t *pc, const char *path, uint64_t version)
{
	bool keep = cd_pagecache_open(pc, path, version, false);

	cd_pagecache_release(pc, path, false);
	return keep;
}

static void
test_kept_while_version_unchanged(void **state)
{
	cd_pagecache_t *pc = *state;

	/* Never seen: whatever the kernel holds is dropped. */
	assert_false(read_once(pc, "/a", 7));
	assert_true(read_once(pc, "/a", 7));
	assert_true(read_once(pc, "/a", 7));
	/* Another node changed it. */
	assert_false(read_once(pc, "/a", 9));
	assert_true(read_once(pc, "/a", 9));
	/* Paths are separate. */
	assert_false(read_once(pc, "/b", 9));
}

static void
test_dropped_during_and_after_a_writer(void **state)
{
	cd_pagecache_t *pc = *state;

	assert_false(read_once(pc, "/a", 7));
	assert_true(read_once(pc, "/a", 7));
	/* A writer fills pages with content that may never be published
	 * (its close may fail): the version alone cannot vouch for them. */
	assert_false(cd_pagecache_open(pc, "/a", 7, true));
	assert_false(read_once(pc, "/a", 7));
	assert_false(read_once(pc, "/a", 7));
	cd_pagecache_release(pc, "/a", true);
	assert_false(read_once(pc, "/a", 7));
	assert_true(read_once(pc, "/a", 7));
}

static void
test_two_writers(void **state)
{
	cd_pagecache_t *pc = *state;

	(void)cd_pagecache_open(pc, "/a", 7, true);
	(void)cd_pagecache_open(pc, "/a", 7, true);
	cd_pagecache_release(pc, "/a", true);
	/* One writer still has it open. */
	assert_false(read_once(pc, "/a", 7));
	assert_false(read_once(pc, "/a", 7));
	cd_pagecache_release(pc, "/a", true);
	assert_false(read_once(pc, "/a", 7));
	assert_true(read_once(pc, "/a", 7));
}

static void
test_old_reader_still_open(void **state)
{
	cd_pagecache_t *pc = *state;

	/* R1 holds version 7 open and may fill pages from it ... */
	assert_false(cd_pagecache_open(pc, "/a", 7, false));
	/* ... while version 8 arrives: nobody may keep pages until R1 and
	 * every reader that overlapped it are gone. */
	assert_false(read_once(pc, "/a", 8));
	assert_false(read_once(pc, "/a", 8));
	cd_pagecache_release(pc, "/a", false);
	assert_false(read_once(pc, "/a", 8));
	assert_true(read_once(pc, "/a", 8));
}

static void
test_reader_open_across_a_writer(void **state)
{
	cd_pagecache_t *pc = *state;

	assert_false(cd_pagecache_open(pc, "/a", 7, false)); /* R1, version 7 */
	(void)cd_pagecache_open(pc, "/a", 7, true);
	cd_pagecache_release(pc, "/a", true); /* published as 8 */
	assert_false(read_once(pc, "/a", 8));
	assert_false(read_once(pc, "/a", 8)); /* R1 may still fill old pages */
	cd_pagecache_release(pc, "/a", false);
	assert_false(read_once(pc, "/a", 8));
	assert_true(read_once(pc, "/a", 8));
}

static void
test_many_paths_forget_only_idle_ones(void **state)
{
	cd_pagecache_t *pc = *state;
	char path[32];

	(void)cd_pagecache_open(pc, "/w", 1, true);
	for (int i = 0; i < 10000; i++) {
		snprintf(path, sizeof(path), "/f%d", i);
		(void)read_once(pc, path, 1);
	}
	/* The writer was not forgotten: its path still drops pages. */
	assert_false(read_once(pc, "/w", 1));
	assert_false(read_once(pc, "/w", 1));
	cd_pagecache_release(pc, "/w", true);
	assert_false(read_once(pc, "/w", 1));
	assert_true(read_once(pc, "/w", 1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kept_while_version_unchanged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dropped_during_and_after_a_writer, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_two_writers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_reader_still_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reader_open_across_a_writer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_paths_forget_only_idle_ones, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
