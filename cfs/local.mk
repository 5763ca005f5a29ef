# cfs/: the replicated configuration file system as a library.
noinst_LIBRARIES += cfs/libcfs.a
cfs_libcfs_a_SOURCES = \
	cfs/cfs.h \
	cfs/cfs-int.h \
	cfs/load.c \
	cfs/msg.c \
	cfs/path.c \
	cfs/store.c \
	cfs/tree.c
cfs_libcfs_a_CFLAGS = $(AM_CFLAGS) $(QB_CFLAGS) $(SQLITE_CFLAGS)
