EXTRA_DIST += bench/lab-detect bench/fence-ipmi
