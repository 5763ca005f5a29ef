#!/bin/bash
# scenario-errors.sh - ha-sim refuses a broken scenario with exit status 2
# and a message naming the file, the line and the problem.
set -uo pipefail
: "${HA_SIM:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
expect() {
	local text=$1 message=$2 out rc
	printf '%b' "$text" >"$tmp/s.scn"
	out=$("$HA_SIM" "$tmp/s.scn" 2>&1 >/dev/null)
	rc=$?
	if [[ $rc != 2 || $out != "ha-sim: $tmp/s.scn:$message" ]]; then
		echo "FAIL: for '$text' got rc $rc, '$out', wanted '$message'"
		fail=1
	fi
}
expect 'run 10s\n' '1: the first line must be '\''nodes ...'\'''
expect 'nodes n1 n1\n' '1: node listed twice: '\''n1'\'''
expect 'nodes n1\nat 5x poweroff n1\n' '2: expected a duration like 10s or 500ms, not '\''5x'\'''
expect 'nodes n1\nat 5s poweroff n9\n' '2: unknown node '\''n9'\'''
expect 'nodes n1\nat 5s explode n1\n' '2: unknown event '\''explode'\'''
expect 'nodes n1\nexpect vm:1 started\n' '2: expect: expected a service id, fenced, not-fenced, all-running, settled, recovery-within, order or no-log, not '\''vm:1'\'''
expect 'nodes n1\nexpect order\n' '2: expect order/no-log: missing text'
expect 'nodes n1\nat 1s reboot\n' '2: missing node name'
expect 'nodes n1\nat 1s ignore-acpi n1\n' '2: ignore-acpi: expected a service id, not '\''n1'\'''
expect 'nodes n1\n\tvm: 100\n' '2: indented line outside a file block'
expect 'nodes n1\nstorage nfs n1,n7\n' '2: unknown node '\''n7'\'''
"$HA_SIM" >/dev/null 2>&1; [[ $? == 2 ]] || { echo "FAIL: no argument"; fail=1; }
"$HA_SIM" "$tmp/missing.scn" >/dev/null 2>&1; [[ $? == 2 ]] || { echo "FAIL: missing file"; fail=1; }
# An expectation of order or absence that the run does not meet fails it (exit 1).
unmet() {
	printf '%b' "nodes n1 n2 n3\nfile ha/resources.cfg\n\tvm: 100\nrun 5s\n$1" >"$tmp/u.scn"
	"$HA_SIM" "$tmp/u.scn" >"$tmp/u.log" 2>&1
	[[ $? == 1 ]] && grep -q "^EXPECTED (line 5)" "$tmp/u.log" || { echo "FAIL: '$1' was met"; fail=1; }
}
unmet 'expect order n1: vm:100 running | n1: start vm:100\n'
unmet 'expect order n1: start vm:100 | n2: vm:100 running\n'
unmet 'expect no-log n1: vm:100 running\n'
exit $fail
