# clusterctl-lib.sh - helpers for the clusterctl lab tests (sourced after
# testlib.sh).

CLUSTERCTL=${LAB_BUILD_DIR:-$(dirname "$LAB")/../../build/gcc}/clusterctl/clusterctl
[[ -x $CLUSTERCTL ]] || skip "$CLUSTERCTL is not built"
command -v jq >/dev/null || skip "'jq' is not installed (run tools/install-deps)"

ctl() {
	local node=$1
	shift
	lab exec "$node" "$CLUSTERCTL" "$@"
}

# The value of "Key:" in `clusterctl status` text on stdin.
text_field() {
	awk -F': +' -v key="$1" '$1 == key { sub(/ +$/, "", $2); print $2; exit }'
}

# Check that `clusterctl status` on NODE shows N members, quorate, config
# version VERSION, and that its JSON carries the same facts as its text.
expect_status() {
	local node=$1 n=$2 version=$3 text json members
	text=$(ctl "$node" status)
	json=$(ctl "$node" status --output-format json)
	jq -e . >/dev/null <<<"$json" || fail "$node: status JSON does not parse"
	[[ $(text_field Nodes <<<"$text") == "$n" ]] || fail "$node: status shows $(text_field Nodes <<<"$text") nodes, not $n"
	[[ $(text_field Quorate <<<"$text") == Yes ]] || fail "$node: status says not quorate"
	[[ $(text_field "Config Version" <<<"$text") == "$version" ]] ||
		fail "$node: config version $(text_field "Config Version" <<<"$text"), not $version"
	# The same facts in both forms.
	[[ $(jq -r .cluster.name <<<"$json") == $(text_field Name <<<"$text") ]] || fail "$node: name differs"
	[[ $(jq -r .cluster.config_version <<<"$json") == "$version" ]] || fail "$node: JSON config version differs"
	[[ $(jq -r .cluster.transport <<<"$json") == $(text_field Transport <<<"$text") ]] || fail "$node: transport differs"
	[[ $(jq -r 'if .cluster.secure_auth then "on" else "off" end' <<<"$json") == $(text_field "Secure auth" <<<"$text") ]] ||
		fail "$node: secure auth differs"
	[[ $(jq -r .quorum.nodes <<<"$json") == "$n" ]] || fail "$node: JSON node count differs"
	[[ $(jq -r .quorum.quorate <<<"$json") == true ]] || fail "$node: JSON says not quorate"
	[[ $(jq -r .quorum.ring_id <<<"$json") == $(text_field "Ring ID" <<<"$text") ]] || fail "$node: ring id differs"
	[[ $(printf '0x%08x' "$(jq -r .quorum.node_id <<<"$json")") == $(text_field "Node ID" <<<"$text") ]] ||
		fail "$node: node id differs"
	for key in expected_votes:"Expected votes" highest_expected:"Highest expected" \
		total_votes:"Total votes" quorum:Quorum; do
		[[ $(jq -r ".votequorum.${key%%:*}" <<<"$json") == $(text_field "${key#*:}" <<<"$text") ]] ||
			fail "$node: ${key#*:} differs between text and JSON"
	done
	[[ $(jq -r '.votequorum.flags | join(" ")' <<<"$json") == $(text_field Flags <<<"$text") ]] ||
		fail "$node: flags differ"
	members=$(awk '/^0x/ { print $1, $2, $3, $4, ($5 == "(local)") }' <<<"$text" |
		while read -r id rest; do echo "$((id)) $rest"; done)
	[[ $(jq -r '.members[] | "\(.nodeid) \(.votes) \(.name) \(.address) \(if .local then 1 else 0 end)"' <<<"$json") == "$members" ]] ||
		fail "$node: membership differs between text and JSON"
	[[ $(wc -l <<<"$members") == "$n" ]] || fail "$node: $(wc -l <<<"$members") membership lines, not $n"
	[[ $(jq -r '.warnings | join("\n")' <<<"$json") == $(sed -n 's/^WARNING: //p' <<<"$text") ]] ||
		fail "$node: warnings differ between text and JSON"
	[[ $(jq -r '.members[] | select(.local) | .name' <<<"$json") == "$node" ]] ||
		fail "$node: the local member is not $node"
	echo "ok: $node: clusterctl status shows $n nodes, quorate, config version $version; JSON matches"
}

# clusterctl with the lab's start hook, as a user would run it on a host
# whose services systemd starts.
ctl_hooked() {
	local node=$1
	shift
	lab exec "$node" env CLUSTERCTL_START_HOOK="$(dirname "$LAB")/lab-service" \
		LAB_BUILD_DIR="${LAB_BUILD_DIR:-}" "$CLUSTERCTL" "$@"
}

node_ip() { echo "${LAB_SUBNET:-10.77.0}.${1#n}"; }

# Mode and owner of PATH inside NODE, as "0600 root".
mode_of() { lab exec "$1" stat -c '%a %U' "$2"; }

# Form a cluster from 'lab up --bare' nodes as a user does: create on the
# first, join-token there and add on each other one.  Prints the last token.
form_cluster() {
	local first=$1 node token
	shift
	ctl_hooked "$first" create demo --link0 "$(node_ip "$first")" --token-ms 1000 >/dev/null
	for node in "$@"; do
		token=$(ctl "$first" join-token --ttl 10m)
		ctl_hooked "$node" add "$(node_ip "$first")" --token "$token" --link0 "$(node_ip "$node")" >/dev/null
	done
	echo "$token"
}
