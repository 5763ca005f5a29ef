# fence/wdmux.mk: the watchdog multiplexer wdmux(8) with its device drivers,
# its client library and wdmux-client(8), and the lab's emulated watchdog.
# (IPMI and fence agents have their own fence/fencing.mk.)

# Watchdog device drivers: linux, lab.
noinst_LIBRARIES += fence/libwatchdog.a
fence_libwatchdog_a_SOURCES = \
	fence/watchdog.h \
	fence/watchdog.c \
	fence/watchdog-linux.c \
	fence/watchdog-lab.c \
	fence/wd-sock.h \
	fence/wd-sock.c

# wdmux's logic (client tracking, feeding) and its socket side.
noinst_LIBRARIES += fence/libwdmux.a
fence_libwdmux_a_SOURCES = \
	fence/wdmux-core.h \
	fence/wdmux-core.c \
	fence/wdmux-server.h \
	fence/wdmux-server.c
fence_libwdmux_a_CFLAGS = $(AM_CFLAGS) $(QB_CFLAGS)

# The client side, for ha-lrm and wdmux-client.
noinst_LIBRARIES += fence/libwdmuxclient.a
fence_libwdmuxclient_a_SOURCES = fence/wdmux-client.h fence/wdmux-client.c \
	fence/wd-sock.h fence/wd-sock.c

sbin_PROGRAMS += fence/wdmux fence/wdmux-client
fence_wdmux_SOURCES = fence/wdmux.c
fence_wdmux_CFLAGS = $(AM_CFLAGS) $(QB_CFLAGS) $(CPG_CFLAGS)
fence_wdmux_LDADD = fence/libwdmux.a fence/libwatchdog.a common/libcommon.a $(QB_LIBS)
fence_wdmux_client_SOURCES = fence/wdmux-client-tool.c
fence_wdmux_client_LDADD = fence/libwdmuxclient.a

dist_man_MANS += man/wdmux.8 man/wdmux-client.8

# The lab's watchdog hardware (tests/lab/lab): built, never installed.
noinst_PROGRAMS += tests/lab/lab-watchdog
tests_lab_lab_watchdog_SOURCES = tests/lab/lab-watchdog.c
tests_lab_lab_watchdog_CFLAGS = $(AM_CFLAGS) $(QB_CFLAGS) $(CPG_CFLAGS)
tests_lab_lab_watchdog_LDADD = common/libcommon.a $(QB_LIBS)

# Unit tests: the logic with a fake clock and a fake driver, the socket side
# on real sockets, the Linux driver on a regular file with ioctl() wrapped.
UNIT_FENCE_WDMUX_TESTS = \
	tests/unit/fence/test-wdmux-core \
	tests/unit/fence/test-wdmux-server \
	tests/unit/fence/test-watchdog-linux
check_PROGRAMS += $(UNIT_FENCE_WDMUX_TESTS)
TESTS += $(UNIT_FENCE_WDMUX_TESTS)
UNIT_FENCE_WDMUX_LDADD = fence/libwdmux.a fence/libwatchdog.a tests/unit/libtesthelp.a \
	$(CMOCKA_LIBS) $(QB_LIBS)
tests_unit_fence_test_wdmux_core_CFLAGS = $(UNIT_CFLAGS)
tests_unit_fence_test_wdmux_core_LDADD = $(UNIT_FENCE_WDMUX_LDADD)
tests_unit_fence_test_wdmux_server_CFLAGS = $(UNIT_CFLAGS)
tests_unit_fence_test_wdmux_server_LDADD = $(UNIT_FENCE_WDMUX_LDADD)
tests_unit_fence_test_watchdog_linux_CFLAGS = $(UNIT_CFLAGS)
tests_unit_fence_test_watchdog_linux_LDADD = $(UNIT_FENCE_WDMUX_LDADD)
# Never a real ioctl on a device: the test answers WDIOC_* itself.
tests_unit_fence_test_watchdog_linux_LDFLAGS = $(AM_LDFLAGS) -Wl,--wrap=ioctl

EXTRA_DIST += tests/lab/watchdog-lib.sh tests/unit/fence/fake-watchdog.h
