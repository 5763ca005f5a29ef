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
expect 'nodes n1\nexpect vm:1 started\n' '2: expect: expected a service id, fenced, not-fenced, all-running or recovery-within, not '\''vm:1'\'''
expect 'nodes n1\n\tvm: 100\n' '2: indented line outside a file block'
expect 'nodes n1\nstorage nfs n1,n7\n' '2: unknown node '\''n7'\'''
"$HA_SIM" >/dev/null 2>&1; [[ $? == 2 ]] || { echo "FAIL: no argument"; fail=1; }
"$HA_SIM" "$tmp/missing.scn" >/dev/null 2>&1; [[ $? == 2 ]] || { echo "FAIL: missing file"; fail=1; }
exit $fail
