# man/: a page for every command, daemon and file format.
dist_man_MANS += man/clusterha.7
