# clusterctl/: form and inspect the cluster (clusterctl(8)).
sbin_PROGRAMS += clusterctl/clusterctl
clusterctl_clusterctl_SOURCES = \
	clusterctl/clusterctl.h \
	clusterctl/clusterctl.c \
	clusterctl/facts.c \
	clusterctl/format.c
clusterctl_clusterctl_CFLAGS = $(AM_CFLAGS) $(CMAP_CFLAGS) $(QUORUM_CFLAGS) $(VOTEQUORUM_CFLAGS) \
	$(CFG_CFLAGS) $(JSONC_CFLAGS)
clusterctl_clusterctl_LDADD = common/libcommon.a $(CMAP_LIBS) $(QUORUM_LIBS) $(VOTEQUORUM_LIBS) \
	$(CFG_LIBS) $(JSONC_LIBS) $(QB_LIBS)

# Unit tests: the text and JSON of status and nodes from known facts.
check_PROGRAMS += tests/unit/clusterctl/test-format
TESTS += tests/unit/clusterctl/test-format
tests_unit_clusterctl_test_format_SOURCES = tests/unit/clusterctl/test-format.c clusterctl/format.c
tests_unit_clusterctl_test_format_CFLAGS = $(UNIT_CFLAGS) $(JSONC_CFLAGS)
tests_unit_clusterctl_test_format_LDADD = tests/unit/libtesthelp.a $(CMOCKA_LIBS) $(JSONC_LIBS)
