# tests/unit/: cmocka unit tests; no root, network or corosync needed.
noinst_LIBRARIES += tests/unit/libtesthelp.a
tests_unit_libtesthelp_a_SOURCES = tests/unit/tmpdir.c tests/unit/tmpdir.h

UNIT_COMMON_TESTS = \
	tests/unit/common/test-cs_errno \
	tests/unit/common/test-daemon \
	tests/unit/common/test-log \
	tests/unit/common/test-pidfile

check_PROGRAMS += $(UNIT_COMMON_TESTS)
TESTS += $(UNIT_COMMON_TESTS)

UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(QB_CFLAGS) $(CPG_CFLAGS)
UNIT_COMMON_LDADD = common/libcommon.a tests/unit/libtesthelp.a \
	$(CMOCKA_LIBS) $(QB_LIBS)

tests_unit_common_test_cs_errno_CFLAGS = $(UNIT_CFLAGS)
tests_unit_common_test_cs_errno_LDADD = $(UNIT_COMMON_LDADD)
tests_unit_common_test_daemon_CFLAGS = $(UNIT_CFLAGS)
tests_unit_common_test_daemon_LDADD = $(UNIT_COMMON_LDADD)
tests_unit_common_test_log_CFLAGS = $(UNIT_CFLAGS)
tests_unit_common_test_log_LDADD = $(UNIT_COMMON_LDADD)
tests_unit_common_test_pidfile_CFLAGS = $(UNIT_CFLAGS)
tests_unit_common_test_pidfile_LDADD = $(UNIT_COMMON_LDADD)

UNIT_CFS_TESTS = \
	tests/unit/cfs/test-tree \
	tests/unit/cfs/test-load \
	tests/unit/cfs/test-msg \
	tests/unit/cfs/test-store \
	tests/unit/cfs/test-replica \
	tests/unit/cfs/test-sync \
	tests/unit/cfs/test-syncmsg \
	tests/unit/cfs/test-status-json \
	tests/unit/cfs/test-clog

check_PROGRAMS += $(UNIT_CFS_TESTS)
TESTS += $(UNIT_CFS_TESTS)

UNIT_CFS_LDADD = cfs/libcfs.a tests/unit/libtesthelp.a $(CMOCKA_LIBS) $(QB_LIBS) \
	$(SQLITE_LIBS) $(OPENSSL_LIBS) $(JSONC_LIBS)
# The fake process group of the replica and synchronisation tests.
noinst_LIBRARIES += tests/unit/cfs/libcfsbus.a
tests_unit_cfs_libcfsbus_a_SOURCES = tests/unit/cfs/bus.c tests/unit/cfs/bus.h
tests_unit_cfs_libcfsbus_a_CFLAGS = $(UNIT_CFLAGS)
UNIT_CFS_BUS_LDADD = tests/unit/cfs/libcfsbus.a $(UNIT_CFS_LDADD)

tests_unit_cfs_test_tree_CFLAGS = $(UNIT_CFLAGS)
tests_unit_cfs_test_tree_LDADD = $(UNIT_CFS_LDADD)
tests_unit_cfs_test_load_CFLAGS = $(UNIT_CFLAGS)
tests_unit_cfs_test_load_LDADD = $(UNIT_CFS_LDADD)
tests_unit_cfs_test_msg_CFLAGS = $(UNIT_CFLAGS)
tests_unit_cfs_test_msg_LDADD = $(UNIT_CFS_LDADD)
tests_unit_cfs_test_store_CFLAGS = $(UNIT_CFLAGS) $(SQLITE_CFLAGS)
tests_unit_cfs_test_store_LDADD = $(UNIT_CFS_LDADD)
tests_unit_cfs_test_replica_CFLAGS = $(UNIT_CFLAGS)
tests_unit_cfs_test_replica_LDADD = $(UNIT_CFS_BUS_LDADD)
tests_unit_cfs_test_sync_CFLAGS = $(UNIT_CFLAGS)
tests_unit_cfs_test_sync_LDADD = $(UNIT_CFS_BUS_LDADD)
tests_unit_cfs_test_syncmsg_CFLAGS = $(UNIT_CFLAGS)
tests_unit_cfs_test_syncmsg_LDADD = $(UNIT_CFS_LDADD)
tests_unit_cfs_test_status_json_CFLAGS = $(UNIT_CFLAGS) $(JSONC_CFLAGS)
tests_unit_cfs_test_status_json_LDADD = $(UNIT_CFS_LDADD)
tests_unit_cfs_test_clog_CFLAGS = $(UNIT_CFLAGS) $(JSONC_CFLAGS)
tests_unit_cfs_test_clog_LDADD = $(UNIT_CFS_LDADD)
