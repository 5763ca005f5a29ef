# vmm-bridge/: the guest backend interface, its backends and storage plugins
# (libvmm.a), and vmctl(8).
noinst_LIBRARIES += vmm-bridge/libvmm.a
vmm_bridge_libvmm_a_SOURCES = \
	vmm-bridge/vmm.h \
	vmm-bridge/vmm-int.h \
	vmm-bridge/argv.c \
	vmm-bridge/backend.c \
	vmm-bridge/conf.c \
	vmm-bridge/conf-check.c \
	vmm-bridge/ctx.c \
	vmm-bridge/error.c \
	vmm-bridge/exec.c \
	vmm-bridge/exec-run.c \
	vmm-bridge/file.c \
	vmm-bridge/lxc.c \
	vmm-bridge/lxc-conf.c \
	vmm-bridge/lxc-run.c \
	vmm-bridge/net.c \
	vmm-bridge/nfs-client.c \
	vmm-bridge/proc.c \
	vmm-bridge/qemu.c \
	vmm-bridge/qemu-cmdline.c \
	vmm-bridge/qemu-conf.c \
	vmm-bridge/qemu-incoming.c \
	vmm-bridge/qemu-migrate.c \
	vmm-bridge/qemu-snapshot.c \
	vmm-bridge/qemu-run.c \
	vmm-bridge/qmp.c \
	vmm-bridge/size.c \
	vmm-bridge/storage-dir.c \
	vmm-bridge/storage-iscsi.c \
	vmm-bridge/storage-kernel.c \
	vmm-bridge/storage-nfs.c \
	vmm-bridge/storagecfg.c \
	vmm-bridge/storagecfg-edit.c \
	vmm-bridge/storagecfg-write.c \
	vmm-bridge/storage-users.c \
	vmm-bridge/volume.c
vmm_bridge_libvmm_a_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS) $(LIBNFS_CFLAGS) $(LXC_CFLAGS)
# What a program linking libvmm.a needs besides it.
VMM_LIBS = $(JSONC_LIBS) $(LIBNFS_LIBS) $(LXC_LIBS)

sbin_PROGRAMS += vmm-bridge/vmctl
vmm_bridge_vmctl_SOURCES = vmm-bridge/vmctl.c
vmm_bridge_vmctl_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
vmm_bridge_vmctl_LDADD = vmm-bridge/libvmm.a $(VMM_LIBS)

# Unit tests: the parsers with tables of bad input, the command line, and
# the backend interface on a plain directory (no QEMU run).
UNIT_VMM_TESTS = \
	tests/unit/vmm-bridge/test-qemu-conf \
	tests/unit/vmm-bridge/test-storagecfg \
	tests/unit/vmm-bridge/test-qemu-cmdline \
	tests/unit/vmm-bridge/test-guest \
	tests/unit/vmm-bridge/test-storage-net \
	tests/unit/vmm-bridge/test-lxc-conf \
	tests/unit/vmm-bridge/test-exec \
	tests/unit/vmm-bridge/test-storagecfg-edit \
	tests/unit/vmm-bridge/test-storagectl
check_PROGRAMS += $(UNIT_VMM_TESTS)
TESTS += $(UNIT_VMM_TESTS)
UNIT_VMM_CFLAGS = $(UNIT_CFLAGS) $(JSONC_CFLAGS)
UNIT_VMM_LDADD = vmm-bridge/libvmm.a tests/unit/libtesthelp.a $(CMOCKA_LIBS) $(VMM_LIBS)
tests_unit_vmm_bridge_test_qemu_conf_CFLAGS = $(UNIT_VMM_CFLAGS)
tests_unit_vmm_bridge_test_qemu_conf_LDADD = $(UNIT_VMM_LDADD)
tests_unit_vmm_bridge_test_storagecfg_CFLAGS = $(UNIT_VMM_CFLAGS)
tests_unit_vmm_bridge_test_storagecfg_LDADD = $(UNIT_VMM_LDADD)
tests_unit_vmm_bridge_test_qemu_cmdline_CFLAGS = $(UNIT_VMM_CFLAGS)
tests_unit_vmm_bridge_test_qemu_cmdline_LDADD = $(UNIT_VMM_LDADD)
tests_unit_vmm_bridge_test_guest_CFLAGS = $(UNIT_VMM_CFLAGS)
tests_unit_vmm_bridge_test_guest_LDADD = $(UNIT_VMM_LDADD)
tests_unit_vmm_bridge_test_storage_net_CFLAGS = $(UNIT_VMM_CFLAGS)
tests_unit_vmm_bridge_test_storage_net_LDADD = $(UNIT_VMM_LDADD)
tests_unit_vmm_bridge_test_lxc_conf_CFLAGS = $(UNIT_VMM_CFLAGS)
tests_unit_vmm_bridge_test_lxc_conf_LDADD = $(UNIT_VMM_LDADD)
tests_unit_vmm_bridge_test_exec_CFLAGS = $(UNIT_VMM_CFLAGS)
tests_unit_vmm_bridge_test_exec_LDADD = $(UNIT_VMM_LDADD)
tests_unit_vmm_bridge_test_storagecfg_edit_CFLAGS = $(UNIT_VMM_CFLAGS)
tests_unit_vmm_bridge_test_storagecfg_edit_LDADD = $(UNIT_VMM_LDADD)
# Runs the built storagectl: make check builds programs before tests.
tests_unit_vmm_bridge_test_storagectl_CFLAGS = $(UNIT_VMM_CFLAGS)
tests_unit_vmm_bridge_test_storagectl_LDADD = $(UNIT_VMM_LDADD)

dist_man_MANS += man/vmctl.8 man/qemu-guest.conf.5 man/storage.cfg.5 man/lxc-guest.conf.5 \
	man/exec-guest.conf.5

sbin_PROGRAMS += vmm-bridge/storagectl
vmm_bridge_storagectl_SOURCES = vmm-bridge/storagectl.c
vmm_bridge_storagectl_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
vmm_bridge_storagectl_LDADD = vmm-bridge/libvmm.a $(VMM_LIBS)
dist_man_MANS += man/storagectl.8
