# vmm-lib.sh - set-up for the guest backend tests (sourced after
# testlib.sh): real QEMU/KVM guests of 64 MiB without a display, on a dir
# storage in a private directory, with vmctl's config root, node and run
# directory pointed there.  No lab cluster is needed.  Every QEMU a test
# started is killed by its PID when the test exits, also when it fails.

VMM_BUILD=${LAB_BUILD_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/gcc}
VMM_PIDS=()

vmm_test_init() {
	[[ $(id -u) == 0 ]] || skip "guest backend tests need root (/dev/kvm, tap devices)"
	[[ -c /dev/kvm && -r /dev/kvm && -w /dev/kvm ]] || skip "no usable /dev/kvm"
	command -v qemu-system-x86_64 >/dev/null ||
		skip "qemu-system-x86_64 is not installed (run tools/install-deps)"
	command -v qemu-img >/dev/null || skip "qemu-img is not installed (run tools/install-deps)"
	[[ -x $VMM_BUILD/vmm-bridge/vmctl ]] || fail "vmctl is not built in $VMM_BUILD"
	VMM_DIR=$(mktemp -d "${TMPDIR:-/tmp}/vmm-test.XXXXXX")
	trap vmm_test_cleanup EXIT
	mkdir -p "$VMM_DIR/root/nodes/n1" "$VMM_DIR/root/nodes/n2" "$VMM_DIR/local"
	printf 'dir: local\n\tpath %s/local\n\tcontent images,iso\n' "$VMM_DIR" \
		>"$VMM_DIR/root/storage.cfg"
}

vmm_test_cleanup() {
	local rc=$? pid
	# QEMUs we saw start, and any QEMU still holding a pid file of ours.
	for pid in "${VMM_PIDS[@]}" $(cat "$VMM_DIR"/run*/qemu/*.pid 2>/dev/null); do
		vmm_pid_alive "$pid" && kill -9 "$pid" 2>/dev/null
	done
	rm -rf "$VMM_DIR"
	exit "$rc"
}

# vmctl as node NODE (n1 by default: VMM_NODE), each node with its own run dir.
vmctl() {
	local node=${VMM_NODE:-n1}
	"$VMM_BUILD/vmm-bridge/vmctl" --config-root "$VMM_DIR/root" --node "$node" \
		--run-dir "$VMM_DIR/run-$node" "$@"
}

storagectl() {
	"$VMM_BUILD/vmm-bridge/storagectl" --config-root "$VMM_DIR/root" --node "${VMM_NODE:-n1}" "$@"
}

# Start guest ID and remember its QEMU's PID for the clean-up.
vmm_start() {
	vmctl start "$1" || fail "vmctl start $1 failed"
	VMM_PIDS+=("$(cat "$VMM_DIR/run-${VMM_NODE:-n1}/qemu/$1.pid")")
}

# A field of 'vmctl status ID --output-format json', read with json-c's
# counterpart in the shell: python3 is not needed, jq may be missing.
vmm_field() {
	vmctl status "$1" --output-format json |
		sed -n "s/.*\"$2\":\\(\"\\([^\"]*\\)\"\\|\\([^,}]*\\)\\).*/\\2\\3/p"
}

# A live process; a zombie waiting for init to reap it is dead.
vmm_pid_alive() {
	grep -Eq '^State:[[:space:]]+[^Z]' "/proc/$1/status" 2>/dev/null
}

# For tests on lab nodes with the lab's NAS: a bare lab of two nodes (no
# cluster is needed: the config root is the test's own directory, which
# every node sees), and storage.cfg with the NAS's storages beside local.
vmm_lab_init() {
	for tool in ganesha.nfsd rpcbind tgtd; do
		command -v "$tool" >/dev/null || skip "'$tool' is not installed (run tools/install-deps)"
	done
	# QEMU names nfs and iscsi among its formats even when their modules are missing.
	compgen -G '/usr/lib/*/qemu/block-nfs.so' >/dev/null &&
		compgen -G '/usr/lib/*/qemu/block-iscsi.so' >/dev/null ||
		skip "QEMU's nfs and iscsi drivers are missing (package qemu-block-extra)"
	lab_test_init "$1"
	vmm_test_init
	# Both traps: the lab's and the QEMUs'.
	trap 'vmm_lab_cleanup' EXIT
	lab up -n 2 --bare >/dev/null
	[[ $(lab status) == *$'\nnas '* ]] || fail "the lab has no NAS"
	NAS=10.77.0.250
	NAS_IQN=iqn.2026-11.invalid.clusterha:$LAB_NAME
	NAS_EXPORT_DIR=/var/lib/clusterha-lab/$LAB_NAME/nas/export
	cat >>"$VMM_DIR/root/storage.cfg" <<EOT
nfs: nas-nfs
	server $NAS
	export /export
	access qemu
iscsi: nas-iscsi
	portal $NAS
	target $NAS_IQN
	access qemu
EOT
}

vmm_lab_cleanup() {
	local rc=$? pid
	# Nothing here may end the clean-up early: the lab must go down.
	set +e
	for pid in "${VMM_PIDS[@]}" $(cat "$VMM_DIR"/run*/qemu/*.pid 2>/dev/null); do
		vmm_pid_alive "$pid" && kill -9 "$pid" 2>/dev/null
	done
	rm -rf "$VMM_DIR"
	# lab_test_cleanup takes the test's status from $?.
	(exit "$rc")
	lab_test_cleanup
}

# vmctl inside lab node NODE, as that node.
vmctl_on() {
	local node=$1
	shift
	lab exec "$node" "$VMM_BUILD/vmm-bridge/vmctl" --config-root "$VMM_DIR/root" \
		--node "$node" --run-dir "$VMM_DIR/run-$node" "$@"
}

# Start guest ID on NODE and remember its QEMU's PID for the clean-up.
vmm_start_on() {
	vmctl_on "$1" start "$2" || fail "vmctl start $2 on $1 failed"
	VMM_PIDS+=("$(cat "$VMM_DIR/run-$1/qemu/$2.pid")")
}

vmm_field_on() {
	vmctl_on "$1" status "$2" --output-format json |
		sed -n "s/.*\"$3\":\\(\"\\([^\"]*\\)\"\\|\\([^,}]*\\)\\).*/\\2\\3/p"
}

# For container tests: a two-node bare lab (no NAS needed), a dir storage
# "cts" marked shared (every lab node sees the host's directory, as nodes
# see an NFS mount) holding the rootfs of container ID, a busybox system
# whose init runs /etc/rc (writes its host name to /tmp/hello and leaves a
# "sleep 1000" running) and writes /tmp/bye when it powers off.
vmm_lxc_init() {
	[[ $(id -u) == 0 ]] || skip "container tests need root"
	command -v lxc-attach >/dev/null || skip "LXC is not installed (package lxc; run tools/install-deps)"
	[[ -x /bin/busybox ]] && ! ldd /bin/busybox >/dev/null 2>&1 ||
		skip "no static /bin/busybox for a container rootfs (package busybox-static)"
	[[ -x $VMM_BUILD/vmm-bridge/vmctl ]] || fail "vmctl is not built in $VMM_BUILD"
	lab_test_init "$1"
	VMM_DIR=$(mktemp -d "${TMPDIR:-/tmp}/vmm-test.XXXXXX")
	trap vmm_lxc_cleanup EXIT
	mkdir -p "$VMM_DIR/root/nodes/n1" "$VMM_DIR/root/nodes/n2"
	printf 'dir: cts\n\tpath %s/cts\n\tcontent rootdir\n\tshared 1\n' "$VMM_DIR" \
		>"$VMM_DIR/root/storage.cfg"
	lab up -n 2 --bare >/dev/null
}

# A busybox root file system for container $1 at cts:$1/rootfs.
vmm_lxc_rootfs() {
	local fs=$VMM_DIR/cts/images/$1/rootfs cmd
	mkdir -p "$fs"/{bin,sbin,etc,proc,sys,dev,tmp,root}
	cp /bin/busybox "$fs/bin/busybox"
	for cmd in sh sleep ps cat hostname echo ip ping; do ln -s busybox "$fs/bin/$cmd"; done
	ln -s ../bin/busybox "$fs/sbin/init"
	printf '::sysinit:/etc/rc\n::shutdown:/bin/sh -c "echo bye >/tmp/bye"\n' >"$fs/etc/inittab"
	printf '#!/bin/sh\nhostname >/tmp/hello\nsleep 1000 &\n' >"$fs/etc/rc"
	chmod +x "$fs/etc/rc"
}

vmm_lxc_cleanup() {
	local rc=$? node name
	set +e
	[[ -z ${VMM_RELAY_PID:-} ]] || kill "$VMM_RELAY_PID" 2>/dev/null
	# LXC moves a container out of the lab node's cgroup: stop ours by name
	# in our own lxcpath, from the node whose network namespace has its
	# monitor's socket.
	for node in n1 n2; do
		for name in $(ls "$VMM_DIR/run-$node/lxc" 2>/dev/null); do
			[[ -d $VMM_DIR/run-$node/lxc/$name ]] || continue
			lab exec "$node" lxc-stop -k -P "$VMM_DIR/run-$node/lxc" -n "$name" >/dev/null 2>&1
		done
	done
	rm -rf "$VMM_DIR"
	(exit "$rc")
	lab_test_cleanup
}

# A stand-in for ssh between lab nodes, which cannot enter each other:
# $VMM_DIR/relay/remote is a remote command for vmctl inside a node
# ("remote NODE vmctl ARGS..."); it leaves the request in $VMM_DIR/relay,
# where a loop on the host runs vmctl inside NODE and hands back its output
# and exit status.  The clean-up ends the loop (VMM_RELAY_PID).
vmm_relay_start() {
	local dir=$VMM_DIR/relay
	mkdir -p "$dir"
	cat >"$dir/remote" <<'EOF'
#!/bin/sh
# remote NODE vmctl ARGS...: ask the relay on the lab's host (vmm-lib.sh).
dir=$(dirname "$0") req=$$
node=$1
shift 2
printf '%s\n' "$node" "$@" >"$dir/$req.tmp" && mv "$dir/$req.tmp" "$dir/$req.req"
while [ ! -e "$dir/$req.rc" ]; do sleep 0.1; done
cat "$dir/$req.out"
exit "$(cat "$dir/$req.rc")"
EOF
	chmod +x "$dir/remote"
	vmm_relay_loop "$dir" </dev/null >/dev/null 2>&1 &
	VMM_RELAY_PID=$!
}

vmm_relay_loop() {
	local dir=$1 req rc
	local -a words
	while :; do
		for req in "$dir"/*.req; do
			[[ -e $req ]] || continue
			mapfile -t words <"$req"
			rm -f "$req"
			rc=0
			vmctl_on "${words[0]}" "${words[@]:1}" >"${req%.req}.out" 2>&1 || rc=$?
			echo "$rc" >"${req%.req}.rc.tmp" && mv "${req%.req}.rc.tmp" "${req%.req}.rc"
		done
		sleep 0.1
	done
}

# For service (exec backend) tests: a two-node bare lab and a config root
# in the test's own directory.  Every process a test's services left
# behind writes its PID to $VMM_DIR/*.pid; the clean-up kills those by PID.
vmm_svc_init() {
	[[ -x $VMM_BUILD/vmm-bridge/vmctl ]] || fail "vmctl is not built in $VMM_BUILD"
	lab_test_init "$1"
	VMM_DIR=$(mktemp -d "${TMPDIR:-/tmp}/vmm-test.XXXXXX")
	trap vmm_svc_cleanup EXIT
	mkdir -p "$VMM_DIR/root/nodes/n1" "$VMM_DIR/root/nodes/n2"
	lab up -n 2 --bare >/dev/null
}

vmm_svc_cleanup() {
	local rc=$? pid
	set +e
	for pid in $(cat "$VMM_DIR"/*.pid 2>/dev/null); do
		vmm_pid_alive "$pid" && kill -9 "$pid" 2>/dev/null
	done
	rm -rf "$VMM_DIR"
	(exit "$rc")
	lab_test_cleanup
}

# ---- the test guest (tests/guest): a kernel and a busybox initramfs that
# answers every TCP connection on port 7777 with one line,
# "clusterha-test-guest name=<name> boot=<boot id>".

VMM_GUEST_PORT=7777

# Build the test guest into the build tree unless it is there already;
# skip the test when a package it needs is missing.
vmm_guest_build() {
	local rc=0
	VMM_GUEST_DIR=$VMM_BUILD/tests/guest
	"$(dirname "${BASH_SOURCE[0]}")/../guest/build-guest" "$VMM_GUEST_DIR" >/dev/null || rc=$?
	((rc != 77)) || skip "the test guest cannot be built (see the message above)"
	((rc == 0)) || fail "building the test guest failed"
}

# Create guest ID from the test guest on NODE with address ADDR on the lab
# network (vmbr0), plus any further 'vmctl create' options (e.g. --scsi0
# nas-nfs:64M).  Its console goes to $VMM_DIR/console-ID.log.  It runs
# emulated (kvm: 0): this machine kind's KVM is a nested one (kvm_pvm)
# that does not get a stock Debian kernel through its decompressor in
# minutes, where TCG boots it in seconds; 128 MiB is the least that
# kernel boots in.
vmm_guest_create() {
	local node=$1 id=$2 addr=$3
	shift 3
	[[ -n ${VMM_GUEST_DIR:-} ]] || vmm_guest_build
	vmctl_on "$node" create "$id" --name "guest$id" --memory 128 --kvm 0 \
		--net0 virtio,bridge=vmbr0 \
		--kernel "$VMM_GUEST_DIR/vmlinuz" --initrd "$VMM_GUEST_DIR/initrd.img" \
		--append "console=ttyS0 nokaslr clusterha.ip=$addr/24 clusterha.name=guest$id clusterha.port=$VMM_GUEST_PORT" \
		--args "-chardev file,id=ser0,path=$VMM_DIR/console-$id.log,append=on -serial chardev:ser0" \
		"$@" || fail "vmctl create $id (test guest) on $node failed"
}

# The test guest's answer at ADDR, asked from lab node NODE; fails (1)
# when nothing answers within one try.
vmm_guest_ask() {
	lab exec "$1" timeout 3 bash -c "cat </dev/tcp/$2/$VMM_GUEST_PORT" 2>/dev/null
}

# Wait (up to 180 s: an emulated boot on a busy machine) until the test
# guest at ADDR answers NODE, and print its answer.
vmm_guest_probe() {
	local node=$1 addr=$2 deadline=$((SECONDS + 180)) out
	until out=$(vmm_guest_ask "$node" "$addr") && [[ $out == clusterha-test-guest* ]]; do
		((SECONDS < deadline)) ||
			fail "the test guest at $addr does not answer $node on port $VMM_GUEST_PORT (console: $(tail -n 5 "$VMM_DIR"/console-*.log 2>/dev/null | tr '\n' ' '))"
		sleep 1
	done
	echo "$out"
}
