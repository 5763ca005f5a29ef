# fence-lib.sh - set-up shared by the fencing lab tests (sourced after
# testlib.sh): the lab's BMCs as 'lab status' prints them, and a private
# fence.cfg plus password directory for fencectl, removed on exit.

FENCECTL=${LAB_BUILD_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/gcc}/fence/fencectl

fence_test_init() {
	lab_test_init "$1"
	command -v ipmi_sim >/dev/null || skip "ipmi_sim is not installed (package openipmi)"
	[[ -x $FENCECTL ]] || skip "$FENCECTL is not built"
	FENCE_DIR=$(mktemp -d /tmp/clusterha-fence.XXXXXX)
	mkdir -m 0700 "$FENCE_DIR/pw"
	trap fence_test_cleanup EXIT
}

fence_test_cleanup() {
	local rc=$?
	rm -rf "$FENCE_DIR"
	(exit "$rc")
	lab_test_cleanup
}

# Field N of NODE's 'bmc NODE ADDRESS PORT STATE' line in 'lab status'.
bmc_field() {
	lab status | awk -v node="$1" -v f="$2" '$1 == "bmc" && $2 == node { print $f }'
}
bmc_port() { bmc_field "$1" 4; }
bmc_state() { bmc_field "$1" 5; }
bmc_password_file() {
	lab status | sed -n 's/^bmc user .*, password file \(.*\), lanplus.*/\1/p'
}

# Give device DEVICE the lab's BMC password, mode 0600.
fence_password() {
	install -m 0600 "$(bmc_password_file)" "$FENCE_DIR/pw/$1"
}

# An ipmi device "bmc-NODE" for NODE's BMC (extra key lines may follow).
fence_ipmi_device() {
	local node=$1
	shift
	printf 'device: bmc-%s\n\ttype ipmi\n\taddress 127.0.0.1\n\tport %s\n\tuser admin\n' \
		"$node" "$(bmc_port "$node")"
	printf '\tworkaround opensesspriv\n'
	printf '\t%s\n' "$@"
	fence_password "bmc-$node"
}

fencectl() { "$FENCECTL" -c "$FENCE_DIR/fence.cfg" -p "$FENCE_DIR/pw" "$@"; }

ipmitool_lab() {
	local node=$1
	shift
	ipmitool -I lanplus -H 127.0.0.1 -p "$(bmc_port "$node")" -U admin \
		-f "$(bmc_password_file)" -C 3 "$@"
}

node_state() { lab status | awk -v node="$1" '$1 == node { print $3 }'; }
