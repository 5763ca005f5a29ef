/* tmpdir.c - per-test temporary directories (see tmpdir.h). */
#include <config.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tests/unit/tmpdir.h"

int
test_tmpdir_make(char *buf, size_t size)
{
	const char *base = getenv("TMPDIR");
	int n = snprintf(buf, size, "%s/clusterha-test.XXXXXX", base && *base ? base : "/tmp");

	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return mkdtemp(buf) ? 0 : -errno;
}

static int
remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

void
test_tmpdir_remove(const char *dir)
{
	(void)nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
