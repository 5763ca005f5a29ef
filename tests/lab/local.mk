# tests/lab/: tests on several real nodes (namespaces + real corosync).
# They need root, so `make check` leaves them out; `make check-lab` runs
# them one at a time through the same automake test driver.
LAB_TESTS = \
	tests/lab/usage.test \
	tests/lab/up-quorate.test \
	tests/lab/poweroff.test \
	tests/lab/partition.test \
	tests/lab/split-even.test \
	tests/lab/two-instances.test \
	tests/lab/down-cleanup.test \
	tests/lab/cfs-replicate.test \
	tests/lab/cfs-cache.test \
	tests/lab/cfs-fsync.test \
	tests/lab/cfs-concurrent.test \
	tests/lab/cfs-partition.test \
	tests/lab/cfs-restart.test \
	tests/lab/cfs-rules.test \
	tests/lab/cfs-lock.test \
	tests/lab/cfs-crash.test \
	tests/lab/cfs-churn.test \
	tests/lab/cfs-corosync-conf.test \
	tests/lab/cfs-status.test \
	tests/lab/cfs-ipc.test \
	tests/lab/cfs-valgrind.test \
	tests/lab/clusterctl-status.test \
	tests/lab/clusterctl-create.test \
	tests/lab/clusterctl-join.test \
	tests/lab/clusterctl-delnode.test \
	tests/lab/clusterctl-add-wait.test

# The node's watchdog: wdmux on the lab's emulated watchdog hardware.
LAB_TESTS += \
	tests/lab/watchdog-feed.test \
	tests/lab/watchdog-silent.test \
	tests/lab/watchdog-unclean.test \
	tests/lab/watchdog-clean-close.test \
	tests/lab/watchdog-kill.test \
	tests/lab/watchdog-flood.test \
	tests/lab/watchdog-valgrind.test

# Guest backends on real QEMU/KVM (no lab cluster needed).
LAB_TESTS += \
	tests/lab/vmm-start-stop.test \
	tests/lab/vmm-acpi-timeout.test \
	tests/lab/vmm-node-rule.test \
	tests/lab/vmm-lxc.test \
	tests/lab/vmm-lxc-stuck.test \
	tests/lab/vmm-exec.test

# The lab NAS: NFSv3 and iSCSI served in user space.
LAB_TESTS += tests/lab/nas.test tests/lab/vmm-nas.test tests/lab/vmm-migrate.test \
	tests/lab/vmm-snapshot.test

TEST_EXTENSIONS += .test
# The lab starts the daemons of this build tree.
AM_TESTS_ENVIRONMENT += LAB_BUILD_DIR='$(abs_top_builddir)'; export LAB_BUILD_DIR;
EXTRA_DIST += tests/lab/lab tests/lab/testlib.sh tests/lab/clusterctl-lib.sh tests/lab/lab-service tests/lab/vmm-lib.sh $(LAB_TESTS)

check-lab: all
	$(MAKE) $(AM_MAKEFLAGS) -j1 check TESTS="$(LAB_TESTS)" TEST_SUITE_LOG=lab-suite.log

.PHONY: check-lab
