/*
 * test-pagecache.c - when the kernel may keep a file's cached pages: only
 * while the content version is the one seen at the last open, never
 * while or right after a writer had it open.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
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

static void
test_kept_while_version_unchanged(void **state)
{
	cd_pagecache_t *pc = *state;

	/* Never seen: whatever the kernel holds is dropped. */
	assert_false(cd_pagecache_open(pc, "/a", 7, false));
	assert_true(cd_pagecache_open(pc, "/a", 7, false));
	assert_true(cd_pagecache_open(pc, "/a", 7, false));
	/* Another node changed it. */
	assert_false(cd_pagecache_open(pc, "/a", 9, false));
	assert_true(cd_pagecache_open(pc, "/a", 9, false));
	/* Paths are separate. */
	assert_false(cd_pagecache_open(pc, "/b", 9, false));
}

static void
test_dropped_during_and_after_a_writer(void **state)
{
	cd_pagecache_t *pc = *state;

	assert_false(cd_pagecache_open(pc, "/a", 7, false));
	assert_true(cd_pagecache_open(pc, "/a", 7, false));
	/* A writer fills pages with content that may never be published
	 * (its close may fail): the version alone cannot vouch for them. */
	assert_false(cd_pagecache_open(pc, "/a", 7, true));
	assert_false(cd_pagecache_open(pc, "/a", 7, false));
	assert_false(cd_pagecache_open(pc, "/a", 7, false));
	cd_pagecache_release(pc, "/a", true);
	assert_false(cd_pagecache_open(pc, "/a", 7, false));
	assert_true(cd_pagecache_open(pc, "/a", 7, false));
	/* Read-only closes change nothing. */
	cd_pagecache_release(pc, "/a", false);
	assert_true(cd_pagecache_open(pc, "/a", 7, false));
}

static void
test_two_writers(void **state)
{
	cd_pagecache_t *pc = *state;

	(void)cd_pagecache_open(pc, "/a", 7, true);
	(void)cd_pagecache_open(pc, "/a", 7, true);
	cd_pagecache_release(pc, "/a", true);
	/* One writer still has it open. */
	assert_false(cd_pagecache_open(pc, "/a", 7, false));
	assert_false(cd_pagecache_open(pc, "/a", 7, false));
	cd_pagecache_release(pc, "/a", true);
	assert_false(cd_pagecache_open(pc, "/a", 7, false));
	assert_true(cd_pagecache_open(pc, "/a", 7, false));
}

static void
test_many_paths_forget_only_idle_ones(void **state)
{
	cd_pagecache_t *pc = *state;
	char path[32];

	(void)cd_pagecache_open(pc, "/w", 1, true);
	for (int i = 0; i < 10000; i++) {
		snprintf(path, sizeof(path), "/f%d", i);
		(void)cd_pagecache_open(pc, path, 1, false);
	}
	/* The writer was not forgotten: its path still drops pages. */
	assert_false(cd_pagecache_open(pc, "/w", 1, false));
	assert_false(cd_pagecache_open(pc, "/w", 1, false));
	cd_pagecache_release(pc, "/w", true);
	assert_false(cd_pagecache_open(pc, "/w", 1, false));
	assert_true(cd_pagecache_open(pc, "/w", 1, false));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kept_while_version_unchanged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dropped_during_and_after_a_writer, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_two_writers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_paths_forget_only_idle_ones, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
