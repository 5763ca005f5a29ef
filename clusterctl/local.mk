# clusterctl/: form and inspect the cluster (clusterctl(8)).
sbin_PROGRAMS += clusterctl/clusterctl
clusterctl_clusterctl_SOURCES = \
	clusterctl/clusterctl.h \
	clusterctl/cmd.h \
	clusterctl/cconf.h \
	clusterctl/node.h \
	clusterctl/pki.h \
	clusterctl/clusterctl.c \
	clusterctl/admin.c \
	clusterctl/cconf.c \
	clusterctl/create.c \
	clusterctl/facts.c \
	clusterctl/format.c \
	clusterctl/node.c \
	clusterctl/pki.c \
	clusterctl/join.c \
	clusterctl/token.c \
	clusterctl/token.h \
	clusterctl/wire.c \
	clusterctl/wire.h
clusterctl_clusterctl_CFLAGS = $(AM_CFLAGS) $(CMAP_CFLAGS) $(QUORUM_CFLAGS) $(VOTEQUORUM_CFLAGS) \
	$(CFG_CFLAGS) $(JSONC_CFLAGS) $(OPENSSL_CFLAGS)
clusterctl_clusterctl_LDADD = common/libcommon.a $(CMAP_LIBS) $(QUORUM_LIBS) $(VOTEQUORUM_LIBS) \
	$(CFG_LIBS) $(JSONC_LIBS) $(OPENSSL_LIBS) $(QB_LIBS)

# cluster-joind: the join service that clusterctl add talks to.
sbin_PROGRAMS += clusterctl/cluster-joind
clusterctl_cluster_joind_SOURCES = \
	clusterctl/joind.c \
	clusterctl/join-serve.c \
	clusterctl/join-serve.h \
	clusterctl/cconf.c \
	clusterctl/node.c \
	clusterctl/pki.c \
	clusterctl/token.c \
	clusterctl/wire.c
clusterctl_cluster_joind_CFLAGS = $(AM_CFLAGS) $(QB_CFLAGS) $(CMAP_CFLAGS) $(JSONC_CFLAGS) $(OPENSSL_CFLAGS)
clusterctl_cluster_joind_LDADD = common/libcommon.a $(CMAP_LIBS) $(JSONC_LIBS) $(OPENSSL_LIBS) $(QB_LIBS)

# Unit tests: the text and JSON of status and nodes from known facts.
check_PROGRAMS += tests/unit/clusterctl/test-format
TESTS += tests/unit/clusterctl/test-format
tests_unit_clusterctl_test_format_SOURCES = tests/unit/clusterctl/test-format.c clusterctl/format.c
tests_unit_clusterctl_test_format_CFLAGS = $(UNIT_CFLAGS) $(JSONC_CFLAGS)
tests_unit_clusterctl_test_format_LDADD = tests/unit/libtesthelp.a $(CMOCKA_LIBS) $(JSONC_LIBS)

check_PROGRAMS += tests/unit/clusterctl/test-cconf
TESTS += tests/unit/clusterctl/test-cconf
tests_unit_clusterctl_test_cconf_SOURCES = tests/unit/clusterctl/test-cconf.c clusterctl/cconf.c
tests_unit_clusterctl_test_cconf_CFLAGS = $(UNIT_CFLAGS)
tests_unit_clusterctl_test_cconf_LDADD = $(CMOCKA_LIBS)

check_PROGRAMS += tests/unit/clusterctl/test-token
TESTS += tests/unit/clusterctl/test-token
tests_unit_clusterctl_test_token_SOURCES = tests/unit/clusterctl/test-token.c clusterctl/token.c
tests_unit_clusterctl_test_token_CFLAGS = $(UNIT_CFLAGS) $(OPENSSL_CFLAGS)
tests_unit_clusterctl_test_token_LDADD = $(CMOCKA_LIBS) $(OPENSSL_LIBS)
