# fence/fencing.mk: fence.cfg, the fence drivers (IPMI, external agents),
# fence levels and delays as a library, and the fencectl tool.
noinst_LIBRARIES += fence/libfence.a
fence_libfence_a_SOURCES = \
	fence/fence.h \
	fence/fence-int.h \
	fence/agent.c \
	fence/config.c \
	fence/driver.c \
	fence/ipmi.c \
	fence/level.c \
	fence/password.c \
	fence/power.c
fence_libfence_a_CFLAGS = $(AM_CFLAGS) $(FREEIPMI_CFLAGS)

sbin_PROGRAMS += fence/fencectl
fence_fencectl_SOURCES = fence/fencectl.c
fence_fencectl_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
fence_fencectl_LDADD = fence/libfence.a $(FREEIPMI_LIBS) $(JSONC_LIBS)

dist_man_MANS += man/fencectl.8 man/fence.cfg.5

# Unit tests of the parser, the power sequence, levels, delays, passwords
# and the agent driver.
UNIT_FENCE_TESTS = \
	tests/unit/fence/test-config \
	tests/unit/fence/test-power \
	tests/unit/fence/test-level \
	tests/unit/fence/test-password \
	tests/unit/fence/test-agent
check_PROGRAMS += $(UNIT_FENCE_TESTS)
TESTS += $(UNIT_FENCE_TESTS)
UNIT_FENCE_LDADD = tests/unit/fence/libfencefake.a fence/libfence.a tests/unit/libtesthelp.a \
	$(FREEIPMI_LIBS) $(CMOCKA_LIBS)
noinst_LIBRARIES += tests/unit/fence/libfencefake.a
tests_unit_fence_libfencefake_a_SOURCES = tests/unit/fence/fake.c tests/unit/fence/fake.h
tests_unit_fence_test_config_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_fence_test_config_LDADD = $(UNIT_FENCE_LDADD)
tests_unit_fence_test_power_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_fence_test_power_LDADD = $(UNIT_FENCE_LDADD)
tests_unit_fence_test_level_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_fence_test_level_LDADD = $(UNIT_FENCE_LDADD)
tests_unit_fence_test_password_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_fence_test_password_LDADD = $(UNIT_FENCE_LDADD)
tests_unit_fence_test_agent_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_fence_test_agent_LDADD = $(UNIT_FENCE_LDADD)

# Lab tests: the BMCs of the lab (ipmi_sim), fencectl against them, and
# Debian's fence_ipmilan as an external agent; the benchmark.
LAB_TESTS += \
	tests/lab/fence-config.test \
	tests/lab/fence-bmc.test \
	tests/lab/fence-off.test \
	tests/lab/fence-unreachable.test \
	tests/lab/fence-stuck.test \
	tests/lab/fence-agent.test
EXTRA_DIST += tests/lab/fence-lib.sh
