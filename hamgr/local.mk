# hamgr/: the HA manager's logic as a library (libhamgr.a) and the
# simulator that runs it over virtual nodes and a virtual clock.
noinst_LIBRARIES += hamgr/libhamgr.a
hamgr_libhamgr_a_SOURCES = \
	hamgr/hamgr.h \
	hamgr/hamgr-int.h \
	hamgr/cfgline.c \
	hamgr/crm.c \
	hamgr/crm_commands.c \
	hamgr/env.c \
	hamgr/fence_rule.c \
	hamgr/lrm.c \
	hamgr/master.c \
	hamgr/placement.c \
	hamgr/resources_cfg.c \
	hamgr/resources_edit.c \
	hamgr/rules_cfg.c \
	hamgr/settings.c \
	hamgr/status.c \
	hamgr/status_json.c
hamgr_libhamgr_a_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)

# Unit tests of the library: tests/unit/hamgr/test-<file>.c.
UNIT_HAMGR_TESTS = \
	tests/unit/hamgr/test-cfgline \
	tests/unit/hamgr/test-crm \
	tests/unit/hamgr/test-crm_commands \
	tests/unit/hamgr/test-env \
	tests/unit/hamgr/test-fence_rule \
	tests/unit/hamgr/test-lrm \
	tests/unit/hamgr/test-placement \
	tests/unit/hamgr/test-resources_cfg \
	tests/unit/hamgr/test-resources_edit \
	tests/unit/hamgr/test-rules_cfg \
	tests/unit/hamgr/test-settings \
	tests/unit/hamgr/test-status \
	tests/unit/hamgr/test-status_json

check_PROGRAMS += $(UNIT_HAMGR_TESTS)
TESTS += $(UNIT_HAMGR_TESTS)

UNIT_HAMGR_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(JSONC_CFLAGS)
UNIT_HAMGR_LDADD = hamgr/libhamgr.a tests/unit/libtesthelp.a $(CMOCKA_LIBS) $(JSONC_LIBS)

tests_unit_hamgr_test_cfgline_CFLAGS = $(UNIT_HAMGR_CFLAGS)
tests_unit_hamgr_test_cfgline_LDADD = $(UNIT_HAMGR_LDADD)
tests_unit_hamgr_test_env_CFLAGS = $(UNIT_HAMGR_CFLAGS)
tests_unit_hamgr_test_env_LDADD = $(UNIT_HAMGR_LDADD)
tests_unit_hamgr_test_settings_CFLAGS = $(UNIT_HAMGR_CFLAGS)
tests_unit_hamgr_test_settings_LDADD = $(UNIT_HAMGR_LDADD)
tests_unit_hamgr_test_resources_cfg_CFLAGS = $(UNIT_HAMGR_CFLAGS)
tests_unit_hamgr_test_resources_cfg_LDADD = $(UNIT_HAMGR_LDADD)
tests_unit_hamgr_test_resources_edit_CFLAGS = $(UNIT_HAMGR_CFLAGS)
tests_unit_hamgr_test_resources_edit_LDADD = $(UNIT_HAMGR_LDADD)
tests_unit_hamgr_test_rules_cfg_CFLAGS = $(UNIT_HAMGR_CFLAGS)
tests_unit_hamgr_test_rules_cfg_LDADD = $(UNIT_HAMGR_LDADD)
tests_unit_hamgr_test_status_CFLAGS = $(UNIT_HAMGR_CFLAGS)
tests_unit_hamgr_test_status_LDADD = $(UNIT_HAMGR_LDADD)
tests_unit_hamgr_test_status_json_CFLAGS = $(UNIT_HAMGR_CFLAGS)
tests_unit_hamgr_test_status_json_LDADD = $(UNIT_HAMGR_LDADD)
tests_unit_hamgr_test_crm_CFLAGS = $(UNIT_HAMGR_CFLAGS)
tests_unit_hamgr_test_crm_LDADD = $(UNIT_HAMGR_LDADD)
tests_unit_hamgr_test_fence_rule_CFLAGS = $(UNIT_HAMGR_CFLAGS)
tests_unit_hamgr_test_fence_rule_LDADD = $(UNIT_HAMGR_LDADD)
tests_unit_hamgr_test_placement_CFLAGS = $(UNIT_HAMGR_CFLAGS)
tests_unit_hamgr_test_placement_LDADD = $(UNIT_HAMGR_LDADD)
tests_unit_hamgr_test_crm_commands_CFLAGS = $(UNIT_HAMGR_CFLAGS)
tests_unit_hamgr_test_crm_commands_LDADD = $(UNIT_HAMGR_LDADD)
tests_unit_hamgr_test_lrm_CFLAGS = $(UNIT_HAMGR_CFLAGS)
tests_unit_hamgr_test_lrm_LDADD = $(UNIT_HAMGR_LDADD)
EXTRA_DIST += tests/unit/hamgr/crm-fixture.h

# The simulator links the same library objects as the daemons will.
noinst_PROGRAMS += hamgr/ha-sim
hamgr_ha_sim_SOURCES = \
	hamgr/sim/sim.h \
	hamgr/sim/world-int.h \
	hamgr/sim/ha-sim.c \
	hamgr/sim/random.c \
	hamgr/sim/report.c \
	hamgr/sim/run.c \
	hamgr/sim/scenario.c \
	hamgr/sim/world.c
hamgr_ha_sim_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
hamgr_ha_sim_LDADD = hamgr/libhamgr.a $(JSONC_LIBS)

# Scenario suite: each tests/sim/*.scn runs through ha-sim, which exits
# non-zero when an invariant broke or the outcome is not the expected one.
HA_SIM_SCENARIOS = \
	tests/sim/blip-before-detection.scn \
	tests/sim/disarm-arm.scn \
	tests/sim/disarm-fence-device.scn \
	tests/sim/disarm-migrate-target-guarded.scn \
	tests/sim/disarm-node-maintenance.scn \
	tests/sim/disarm-partition.scn \
	tests/sim/disarm-reboot.scn \
	tests/sim/error-cleared-by-disable.scn \
	tests/sim/error-not-cleared-by-stopped.scn \
	tests/sim/failback-toggled.scn \
	tests/sim/failback.scn \
	tests/sim/failed-start-after-migrate.scn \
	tests/sim/group-priority.scn \
	tests/sim/keep-apart-too-few-nodes.scn \
	tests/sim/keep-apart.scn \
	tests/sim/keep-together-restricted.scn \
	tests/sim/keep-together.scn \
	tests/sim/maintenance-node-poweroff.scn \
	tests/sim/maintenance-off-failback.scn \
	tests/sim/maintenance.scn \
	tests/sim/many-services.scn \
	tests/sim/master-dies-service-recovering.scn \
	tests/sim/master-failover-during-recovery.scn \
	tests/sim/master-poweroff-fence-device.scn \
	tests/sim/migrate-command-while-fenced.scn \
	tests/sim/migrate-command.scn \
	tests/sim/migrate-report-lost.scn \
	tests/sim/migrate-source-dies.scn \
	tests/sim/migrate-target-dies-fence-device.scn \
	tests/sim/migrate-target-dies.scn \
	tests/sim/node-back-while-fence-device.scn \
	tests/sim/node-back-while-fenced.scn \
	tests/sim/node-maintenance-command.scn \
	tests/sim/nofailback.scn \
	tests/sim/partition-1-2-non-master.scn \
	tests/sim/partition-1-2.scn \
	tests/sim/partition-2-3.scn \
	tests/sim/placement-count.scn \
	tests/sim/placement-static.scn \
	tests/sim/poweroff-conditional.scn \
	tests/sim/poweroff-failover.scn \
	tests/sim/poweroff-fence-device.scn \
	tests/sim/poweroff-freeze.scn \
	tests/sim/poweroff-migrate.scn \
	tests/sim/poweroff-watchdog.scn \
	tests/sim/power-blip-before-detection.scn \
	tests/sim/quorum-loss-1-1-1.scn \
	tests/sim/quorum-loss.scn \
	tests/sim/reboot-conditional.scn \
	tests/sim/reboot-failover.scn \
	tests/sim/reboot-freeze-master.scn \
	tests/sim/reboot-freeze.scn \
	tests/sim/reboot-migrate.scn \
	tests/sim/relocate-command.scn \
	tests/sim/relocate-source-dies.scn \
	tests/sim/relocate-target-dies.scn \
	tests/sim/restart-relocate-error.scn \
	tests/sim/restricted-group-node-returns.scn \
	tests/sim/restricted-maintenance-no-node.scn \
	tests/sim/restricted-no-node.scn \
	tests/sim/short-blip.scn \
	tests/sim/split-2-2.scn \
	tests/sim/stop-and-start.scn \
	tests/sim/stop-command-timeout.scn \
	tests/sim/storage-reachability.scn \
	tests/sim/unsafe-settings-refused.scn
TEST_EXTENSIONS = .scn .sh
SCN_LOG_COMPILER = $(builddir)/hamgr/ha-sim
SH_LOG_COMPILER = $(SHELL)
# Same scenario, same output; bad scenario files are refused clearly; and
# 200 random fault schedules keep every invariant.
SIM_CHECKS = tests/sim/deterministic.sh tests/sim/scenario-errors.sh tests/sim/random.sh
TESTS += $(HA_SIM_SCENARIOS) $(SIM_CHECKS)
EXTRA_DIST += $(HA_SIM_SCENARIOS) $(SIM_CHECKS)
AM_TESTS_ENVIRONMENT = HA_SIM='$(abs_builddir)/hamgr/ha-sim'; export HA_SIM; \
	SIM_DIR='$(abs_srcdir)/tests/sim'; export SIM_DIR;
