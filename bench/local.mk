EXTRA_DIST += bench/lab-detect
