#!/usr/bin/env bash
# Times the CNI plugins of a conflist alone, the way a runtime runs them (cnitool-like): ADD
# through the chain with prevResult, then DEL in reverse, against a fresh network namespace.
# Only the plugin executions are timed (no jq, no netns set-up).
#
#   bench/cni-adddel.sh CONFLIST [ITERATIONS]   (CNI_PATH default /usr/lib/cni)
#
# Prints "add_ms=X del_ms=Y" (means over the iterations).
set -euo pipefail

conf=$1
iters=${2:-20}
CNI_PATH=${CNI_PATH:-/usr/lib/cni}
export CNI_PATH

now_ns() { date +%s%N; }

# plugin_conf I PREV: plugin I of the conflist as a standalone network config.
plugin_conf()
{
	jq -c --argjson i "$1" --argjson prev "$2" \
		'.plugins[$i] + {cniVersion: .cniVersion, name: .name} +
		 (if $prev == null then {} else {prevResult: $prev} end)' "$conf"
}

n=$(jq '.plugins | length' "$conf")
add_total=0 del_total=0
for ((it = 0; it < iters; it++)); do
	unshare --net sleep 600 &
	holder=$!
	while [[ $(readlink /proc/$holder/ns/net) == "$(readlink /proc/self/ns/net)" ]]; do
		sleep 0.01
	done
	export CNI_CONTAINERID=bench-$$-$it CNI_NETNS=/proc/$holder/ns/net CNI_IFNAME=eth0
	prev=null
	confs=()
	for ((i = 0; i < n; i++)); do
		c=$(plugin_conf "$i" "$prev")
		confs+=("$c")
		type=$(jq -r .type <<<"$c")
		t0=$(now_ns)
		out=$(CNI_COMMAND=ADD "$CNI_PATH/$type" <<<"$c")
		t1=$(now_ns)
		add_total=$((add_total + t1 - t0))
		prev=$out
	done
	for ((i = n - 1; i >= 0; i--)); do
		c=$(jq -c --argjson prev "$prev" '. + {prevResult: $prev}' <<<"${confs[i]}")
		type=$(jq -r .type <<<"$c")
		t0=$(now_ns)
		CNI_COMMAND=DEL "$CNI_PATH/$type" <<<"$c" >/dev/null
		t1=$(now_ns)
		del_total=$((del_total + t1 - t0))
	done
	kill "$holder"
	wait "$holder" 2>/dev/null || true
done
awk -v a="$add_total" -v d="$del_total" -v n="$iters" \
	'BEGIN { printf "add_ms=%.1f del_ms=%.1f\n", a / n / 1e6, d / n / 1e6 }'
