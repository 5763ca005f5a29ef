# common/: conventions every daemon shares (logging, pid file, life cycle).
noinst_LIBRARIES += common/libcommon.a
common_libcommon_a_SOURCES = \
	common/common.h \
	common/cs_errno.c \
	common/daemon.c \
	common/log.c \
	common/pidfile.c
common_libcommon_a_CFLAGS = $(AM_CFLAGS) $(QB_CFLAGS) $(CPG_CFLAGS)
