#!/bin/bash
# random.sh - ha-sim's randomized mode over 200 seeds: generated faults and
# commands, invariants at every step, a settled cluster at the end.  On a
# failure ha-sim prints the seed and a shrunk scenario to keep as a
# regression file.  The longer run is in ha-sim(1).
set -uo pipefail
: "${HA_SIM:?}"
"$HA_SIM" --random 1 --count 200 --steps 400
