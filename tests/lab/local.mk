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
	tests/lab/down-cleanup.test

TEST_EXTENSIONS += .test
# The lab starts the daemons of this build tree.
AM_TESTS_ENVIRONMENT += LAB_BUILD_DIR='$(abs_top_builddir)'; export LAB_BUILD_DIR;
EXTRA_DIST += tests/lab/lab tests/lab/testlib.sh $(LAB_TESTS)

check-lab: all
	$(MAKE) $(AM_MAKEFLAGS) -j1 check TESTS="$(LAB_TESTS)" TEST_SUITE_LOG=lab-suite.log

.PHONY: check-lab
