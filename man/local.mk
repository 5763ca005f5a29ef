# man/: a page for every command, daemon and file format.
dist_man_MANS += man/clusterha.7 man/clusterd.8 man/clusterctl.8 man/cluster-joind.8 \
	man/cluster-fs.7 man/cfsctl.8 man/ha-settings.cfg.5 \
	man/ha-resources.cfg.5 man/ha-rules.cfg.5 man/ha-status.5
# The lab and the simulator are development tools and are not installed.
EXTRA_DIST += man/clusterha-lab.1 man/ha-sim.1
