/*
 * tmpdir.h - a private temporary directory per test, so tests never share
 * files and can run in parallel.
 */
#ifndef CLUSTERHA_TEST_TMPDIR_H
#define CLUSTERHA_TEST_TMPDIR_H

#include <limits.h>
#include <stddef.h>

/* Create a fresh directory under $TMPDIR (or /tmp); its path goes to @buf. */
int test_tmpdir_make(char *buf, size_t size);

/* Remove @dir and everything below it. */
void test_tmpdir_remove(const char *dir);

#endif /* CLUSTERHA_TEST_TMPDIR_H */
