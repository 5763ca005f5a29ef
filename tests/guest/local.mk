# tests/guest/: the test guest, a Debian kernel and a busybox initramfs that
# answers on a TCP port (see tests/guest/build-guest).  `make guest` builds
# it into this build tree; the lab tests that boot it build it themselves
# when it is missing.
EXTRA_DIST += tests/guest/build-guest tests/guest/init

guest:
	$(srcdir)/tests/guest/build-guest $(abs_top_builddir)/tests/guest

clean-local: clean-guest
clean-guest:
	rm -rf $(abs_top_builddir)/tests/guest

.PHONY: guest clean-guest
