# watchdog-lib.sh - shared helpers of the watchdog-*.test lab tests
# (sourced after testlib.sh): the wdmux-client of the build tree, the state
# of a node's emulated watchdog, and power-off expectations.
#
# The lab's emulated watchdog gets LAB_WATCHDOG_TIMEOUT=3 s from wdmux; the
# tests' clients announce 2 s.  Waits are generous on purpose: they check
# that something happens (or not), never how fast.

WD_TIMEOUT=3
export LAB_WATCHDOG_TIMEOUT=$WD_TIMEOUT
WD_BUILD_DIR=${LAB_BUILD_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/gcc}
WDMUX_CLIENT=$WD_BUILD_DIR/fence/wdmux-client
WDMUX=$WD_BUILD_DIR/fence/wdmux
WD_LOGS=()

watchdog_test_init() {
	lab_test_init "$1"
	[[ -x $WDMUX_CLIENT && -x $WDMUX ]] || skip "$WDMUX_CLIENT is not built (tools/build gcc)"
	WD_TMP=$(mktemp -d)
	trap 'watchdog_test_cleanup' EXIT
}

watchdog_test_cleanup() {
	local rc=$? log
	if ((rc != 0)); then
		for log in "${WD_LOGS[@]}"; do
			echo "--- $log"
			cat "$log" 2>/dev/null || true
		done
		echo "--- lab events"
		cat "/var/lib/clusterha-lab/$LAB_NAME/events.log" 2>/dev/null || true
		for log in /var/lib/clusterha-lab/"$LAB_NAME"/watchdog-*.log \
			/var/lib/clusterha-lab/"$LAB_NAME"/nodes/*/var-log-clusterha/wdmux.log; do
			[[ -f $log ]] || continue
			echo "--- $log"
			tail -n 30 "$log"
		done
	fi
	rm -rf "$WD_TMP"
	# lab_test_cleanup reads the test's status from $?; without set -e
	# the failing (exit) that sets it does not end the shell here.
	set +e
	(exit "$rc")
	lab_test_cleanup
}

events_log() { cat "/var/lib/clusterha-lab/$LAB_NAME/events.log" 2>/dev/null || true; }

# The emulated watchdog of NODE as 'lab status' shows it: "armed 3", "disarmed".
wd_state() {
	lab status | awk -v node="$1" '$1 == "watchdog" && $2 == node { $1 = $2 = $3 = ""; sub(/^ +/, ""); print }'
}

wd_state_is() { [[ $(wd_state "$1") == "$2" ]]; }

wdmux_listening() { lab exec "$1" test -S /run/clusterha/wdmux.sock; }

wait_wdmux() {
	wait_until 30 "wdmux of $1 does not listen" wdmux_listening "$1"
}

# Start wdmux-client in NODE in the background with ARGS; its output goes to
# the file CLIENT_LOG names; CLIENT_PID is its pid.  Returns once the client is registered.
client_start() {
	local node=$1
	shift
	CLIENT_LOG=$WD_TMP/client-$node-${#WD_LOGS[@]}.log
	WD_LOGS+=("$CLIENT_LOG")
	lab exec "$node" "$WDMUX_CLIENT" "$@" >"$CLIENT_LOG" 2>&1 &
	CLIENT_PID=$!
	wait_until 20 "the client ($*) did not connect" grep -q '^connected$' "$CLIENT_LOG"
}

# PID of NODE's wdmux, found among the node's own processes: the lab shares
# the host's PID namespace, so pgrep would see other nodes and labs.
wdmux_pid() {
	local pid
	for pid in $(node_pids "$1"); do
		[[ $(cat "/proc/$pid/comm" 2>/dev/null) == wdmux ]] && { echo "$pid"; return 0; }
	done
	return 1
}

node_is_off() { status_has "^$1 +[0-9.]+ +off *\$"; }
node_is_running() { status_has "^$1 +[0-9.]+ +running"; }
expired_count() { events_log | grep -c " watchdog $1 expired\$" || true; }

# The watchdog powers NODE off: its expiry event is logged with a UTC
# timestamp in ms and the node has no processes left.
expect_watchdog_poweroff() {
	local node=$1 limit=$2 line
	wait_until "$limit" "the watchdog did not power $node off" node_is_off "$node"
	line=$(events_log | grep " watchdog $node expired\$" | tail -n 1)
	[[ $line =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{3}Z\ lab\ $LAB_NAME:\ watchdog\ $node\ expired$ ]] ||
		fail "no timestamped expiry line for $node in the lab's events: $(events_log)"
	echo "ok: $line"
}

# NODE keeps running and its watchdog does not expire for SECONDS.
expect_alive_for() {
	local node=$1 seconds=$2 end expired
	end=$((SECONDS + seconds))
	expired=$(expired_count "$node")
	while ((SECONDS < end)); do
		node_is_running "$node" || fail "$node stopped running: $(lab status)"
		[[ $(expired_count "$node") == "$expired" ]] ||
			fail "the watchdog of $node expired: $(events_log)"
		sleep 0.5
	done
	echo "ok: $node stayed up for ${seconds}s"
}
