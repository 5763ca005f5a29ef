# testlib.sh - shared set-up and assertions for the lab tests (sourced).
#
# Every test gets a lab instance of its own (a unique LAB_NAME) that is torn
# down when the test exits, also when it fails.  A missing prerequisite
# makes the test exit 77 (skipped) with the reason.

set -euo pipefail

LAB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lab
LAB_INSTANCES=()
LAB_AT_EXIT=()

skip() {
	echo "SKIP: $*"
	exit 77
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# Check root and tools, then pick a unique lab name (1-8 chars) for this run.
lab_test_init() {
	[[ $(id -u) == 0 ]] || skip "lab tests need root (namespaces, bridges, cgroups)"
	for tool in corosync corosync-quorumtool corosync-keygen nsenter unshare ip; do
		command -v "$tool" >/dev/null || skip "'$tool' is not installed (run tools/install-deps)"
	done
	grep -q ' cgroup2 ' /proc/mounts || skip "no cgroup2 hierarchy mounted"
	LAB_NAME=$(lab_unique_name "${1:-t}")
	export LAB_NAME
	LAB_INSTANCES+=("$LAB_NAME")
	trap lab_test_cleanup EXIT
}

# A name no other running test uses: a prefix letter plus this shell's pid.
lab_unique_name() {
	printf '%s%x' "$1" "$$" | cut -c1-8
}

# Run the shell command CMD when the test exits, before its labs go down;
# the test's exit status stays its own (a trap of its own would lose it).
lab_test_at_exit() {
	LAB_AT_EXIT+=("$1")
}

lab_test_cleanup() {
	local rc=$? name cmd
	for cmd in "${LAB_AT_EXIT[@]}"; do
		eval "$cmd" || true
	done
	for name in "${LAB_INSTANCES[@]}"; do
		if ((rc != 0)) && [[ -d /var/lib/clusterha-lab/$name ]]; then
			echo "--- corosync log of lab $name (test failed) ---"
			tail -n 20 /var/lib/clusterha-lab/"$name"/nodes/*/var-log-corosync/corosync.log 2>/dev/null || true
		fi
		LAB_NAME=$name "$LAB" down >/dev/null 2>&1 || echo "lab down of $name failed" >&2
	done
	exit "$rc"
}

lab() { "$LAB" "$@"; }

# Is PID a live process?  A zombie is not: it has died and only waits for
# its parent to read its status.  Daemons that clusterctl started through
# its start hook have no parent left but init, which may reap them a while
# after they died.
pid_running() {
	grep -Eq '^State:[[:space:]]+[^Z]' "/proc/$1/status" 2>/dev/null
}

# "Nodes:" of corosync-quorumtool on NODE, or nothing if corosync is down.
quorum_field() {
	lab exec "$1" corosync-quorumtool -s 2>/dev/null |
		awk -F': *' -v key="$2" '$1 == key { print $2 }' | tr -d ' '
}

member_count() { quorum_field "$1" Nodes; }
is_quorate() { [[ $(quorum_field "$1" Quorate) == Yes ]]; }

# Node ids in NODE's current membership, space separated and sorted.
member_ids() {
	lab exec "$1" corosync-quorumtool -l 2>/dev/null |
		awk '$1 ~ /^[0-9]+$/ { print $1 }' | sort -n | tr '\n' ' ' | sed 's/ $//'
}

# Poll CMD until it succeeds; fail with MESSAGE after TIMEOUT seconds.  The
# deadline is generous on purpose: this checks an outcome, not a speed.
wait_until() {
	local timeout=$1 message=$2 deadline
	shift 2
	deadline=$((SECONDS + timeout))
	until "$@"; do
		((SECONDS < deadline)) || fail "$message (waited ${timeout}s)"
		sleep 0.2
	done
}

# NODE sees exactly the node ids IDS ("1 2 3") and the given quorate state.
membership_is() {
	local node=$1 ids=$2 quorate=$3
	[[ $(member_ids "$node") == "$ids" ]] || return 1
	if [[ $quorate == yes ]]; then is_quorate "$node"; else ! is_quorate "$node"; fi
}

expect_membership() {
	local node=$1 ids=$2 quorate=$3 deadline=$((SECONDS + 30))
	until membership_is "$node" "$ids" "$quorate"; do
		((SECONDS < deadline)) ||
			fail "$node should see members [$ids] quorate=$quorate; sees [$(member_ids "$node")] quorate=$(quorum_field "$node" Quorate)"
		sleep 0.2
	done
	echo "ok: $node sees members [$ids], quorate=$quorate"
}

# Does 'lab status' have a line matching the extended regex RE?
status_has() {
	local out
	out=$(lab status)
	grep -Eq -- "$1" <<<"$out"
}

# PIDs of every process of NODE, read from the node's cgroup.
node_pids() {
	local root
	root=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	cat "$root/clusterha-lab-$LAB_NAME/$1/cgroup.procs"
}

# Checksums of every file below /etc/cluster on NODE, one "sum path" a line;
# not the virtual status files, which say which node is local.
tree_sums() {
	lab exec "$1" sh -c 'cd /etc/cluster && find . -type f ! -path "./.members" \
		! -path "./.guests" ! -path "./.version" | sort | xargs -r md5sum'
}

# All nodes in "$@" hold byte-identical trees (polled: a resync may run).
expect_same_tree() {
	local first=$1 deadline=$((SECONDS + 30)) node ref same
	shift
	while :; do
		ref=$(tree_sums "$first") same=1
		for node in "$@"; do
			[[ $(tree_sums "$node") == "$ref" ]] || same=0
		done
		((same)) && break
		if ((SECONDS >= deadline)); then
			for node in "$@"; do
				diff <(echo "$ref") <(tree_sums "$node") | sed "s/^/$first vs $node: /" >&2
			done
			fail "trees differ: $first vs $*"
		fi
		sleep 0.2
	done
	echo "ok: $first $* hold identical trees ($(wc -l <<<"$ref") files)"
}

# Start clusterd again on NODE after it was killed, with any further
# OPTIONS, and wait for the mount.
start_clusterd() {
	local node=$1 bin=${LAB_BUILD_DIR:-$(dirname "$LAB")/../../build/gcc}/clusterd/clusterd
	shift
	# "$LAB", not the lab function: a backgrounded function keeps copies of
	# the caller's descriptors and would hold a $(...) pipe open.
	"$LAB" exec "$node" setsid sh -c \
		"exec '$bin' -f --lock-lease ${LAB_LOCK_LEASE:-120} $* >>/var/log/clusterha/clusterd.log 2>&1" \
		</dev/null >/dev/null 2>&1 &
	wait_until 30 "clusterd on $node did not mount /etc/cluster" \
		lab exec "$node" mountpoint -q /etc/cluster
}

# Kill clusterd on NODE with SIGKILL, as a crash would.
kill_clusterd() {
	lab exec "$1" sh -c 'kill -9 "$(cat /run/clusterha/clusterd.pid)"'
	wait_until 10 "clusterd on $1 did not die" \
		lab exec "$1" sh -c '! kill -0 "$(cat /run/clusterha/clusterd.pid 2>/dev/null)" 2>/dev/null'
}
