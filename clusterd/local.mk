# clusterd/: the cluster daemon that hosts the replicated tree.
sbin_PROGRAMS += clusterd/clusterd
clusterd_clusterd_SOURCES = \
	clusterd/bridge.c \
	clusterd/cconf.c \
	clusterd/cconf_version.c \
	clusterd/clusterd.h \
	clusterd/fs-file.c \
	clusterd/fs-int.h \
	clusterd/fs.c \
	clusterd/group.c \
	clusterd/invalidate.c \
	clusterd/ipc.c \
	clusterd/ipc-proto.h \
	clusterd/main.c \
	clusterd/pagecache.c \
	clusterd/quorum.c \
	clusterd/stale-mount.c \
	clusterd/virtual.c
clusterd_clusterd_CFLAGS = $(AM_CFLAGS) $(QB_CFLAGS) $(CPG_CFLAGS) $(QUORUM_CFLAGS) $(CMAP_CFLAGS) \
	$(FUSE_CFLAGS) $(SQLITE_CFLAGS)
clusterd_clusterd_LDADD = cfs/libcfs.a common/libcommon.a $(CPG_LIBS) $(QUORUM_LIBS) $(CMAP_LIBS) $(JSONC_LIBS) \
	$(FUSE_LIBS) $(SQLITE_LIBS) $(OPENSSL_LIBS) $(QB_LIBS) -lpthread

# cfsctl: asks the local clusterd over its IPC socket.
sbin_PROGRAMS += clusterd/cfsctl
clusterd_cfsctl_SOURCES = clusterd/cfsctl.c clusterd/ipc-proto.h
clusterd_cfsctl_CFLAGS = $(AM_CFLAGS) $(QB_CFLAGS) $(JSONC_CFLAGS)
clusterd_cfsctl_LDADD = $(QB_LIBS) $(JSONC_LIBS)

# Unit tests of the pure parts of clusterd.
check_PROGRAMS += tests/unit/clusterd/test-cconf-version
TESTS += tests/unit/clusterd/test-cconf-version
tests_unit_clusterd_test_cconf_version_SOURCES = tests/unit/clusterd/test-cconf-version.c \
	clusterd/cconf_version.c
tests_unit_clusterd_test_cconf_version_CFLAGS = $(UNIT_CFLAGS)
tests_unit_clusterd_test_cconf_version_LDADD = $(CMOCKA_LIBS)

check_PROGRAMS += tests/unit/clusterd/test-pagecache
TESTS += tests/unit/clusterd/test-pagecache
tests_unit_clusterd_test_pagecache_SOURCES = tests/unit/clusterd/test-pagecache.c \
	clusterd/pagecache.c
tests_unit_clusterd_test_pagecache_CFLAGS = $(UNIT_CFLAGS) $(QB_CFLAGS) $(CPG_CFLAGS)
tests_unit_clusterd_test_pagecache_LDADD = $(CMOCKA_LIBS) $(QB_LIBS) -lpthread
