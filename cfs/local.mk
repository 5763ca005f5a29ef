# cfs/: the replicated configuration file system as a library.
noinst_LIBRARIES += cfs/libcfs.a
cfs_libcfs_a_SOURCES = \
	cfs/cfs.h \
	cfs/cfs-int.h \
	cfs/clog.c \
	cfs/digest.c \
	cfs/load.c \
	cfs/lock.c \
	cfs/lockseen.c \
	cfs/msg.c \
	cfs/path.c \
	cfs/replica.c \
	cfs/replica-int.h \
	cfs/status_json.c \
	cfs/store.c \
	cfs/sync.c \
	cfs/syncmsg.c \
	cfs/syncmsg.h \
	cfs/tree.c \
	cfs/wire.c \
	cfs/wire.h
cfs_libcfs_a_CFLAGS = $(AM_CFLAGS) $(QB_CFLAGS) $(SQLITE_CFLAGS) $(OPENSSL_CFLAGS) $(JSONC_CFLAGS)
