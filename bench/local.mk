EXTRA_DIST += bench/lab-detect bench/lab-blip bench/cfs-ops bench/cfs-load.py bench/fence-ipmi \
	bench/vmm-ops bench/vmm-raw.py

# bench/hamgr-crm: one CRM pass after a node failure, 1k / 10k / 100k services.
noinst_PROGRAMS += bench/hamgr-crm
bench_hamgr_crm_SOURCES = bench/hamgr-crm.c
bench_hamgr_crm_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
bench_hamgr_crm_LDADD = hamgr/libhamgr.a $(JSONC_LIBS)

# bench/cpg-gap: prints every pause in corosync's deliveries, for bench/lab-blip.
noinst_PROGRAMS += bench/cpg-gap
bench_cpg_gap_SOURCES = bench/cpg-gap.c
bench_cpg_gap_CFLAGS = $(AM_CFLAGS) $(QB_CFLAGS) $(CPG_CFLAGS)
bench_cpg_gap_LDADD = common/libcommon.a $(CPG_LIBS) $(QB_LIBS)

# bench/cpg-echo: the round trip of one 1 KiB CPG message to oneself, for bench/cfs-ops.
noinst_PROGRAMS += bench/cpg-echo
bench_cpg_echo_SOURCES = bench/cpg-echo.c
bench_cpg_echo_CFLAGS = $(AM_CFLAGS) $(QB_CFLAGS) $(CPG_CFLAGS) $(JSONC_CFLAGS)
bench_cpg_echo_LDADD = common/libcommon.a $(CPG_LIBS) $(JSONC_LIBS) $(QB_LIBS)

# bench/fuse-null: a FUSE filesystem that serves nothing but reads, for bench/cfs-ops.
noinst_PROGRAMS += bench/fuse-null
bench_fuse_null_SOURCES = bench/fuse-null.c
bench_fuse_null_CFLAGS = $(AM_CFLAGS) $(FUSE_CFLAGS)
bench_fuse_null_LDADD = $(FUSE_LIBS)
