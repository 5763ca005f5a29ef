#!/bin/bash
# deterministic.sh - ha-sim prints the same log for the same scenario, so a
# failing scenario can be replayed and compared line by line.
set -euo pipefail
: "${HA_SIM:?}" "${SIM_DIR:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for scn in master-failover-during-recovery partition-1-2 maintenance; do
	"$HA_SIM" "$SIM_DIR/$scn.scn" >"$tmp/a" || true
	"$HA_SIM" "$SIM_DIR/$scn.scn" >"$tmp/b" || true
	if ! cmp -s "$tmp/a" "$tmp/b"; then
		echo "FAIL: $scn: two runs differ"
		diff "$tmp/a" "$tmp/b" | head -20
		exit 1
	fi
	# Not trivially equal: the log holds the failover.
	grep -q "crm: " "$tmp/a" || { echo "FAIL: $scn: empty log"; exit 1; }
done
echo "ok: same scenario, same output"
