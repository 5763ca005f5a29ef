EXTRA_DIST += bench/lab-detect bench/cfs-ops bench/cfs-load.py bench/fence-ipmi \
	bench/vmm-ops bench/vmm-raw.py

# bench/hamgr-crm: one CRM pass after a node failure, 1k / 10k / 100k services.
noinst_PROGRAMS += bench/hamgr-crm
bench_hamgr_crm_SOURCES = bench/hamgr-crm.c
bench_hamgr_crm_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
bench_hamgr_crm_LDADD = hamgr/libhamgr.a $(JSONC_LIBS)
