#!/usr/bin/env bats
# network create/ls/inspect/rm/prune, and CNI ADD/DEL through the OCI hook (no `run` needed:
# a fake OCI state for an `unshare --net` process drives `nerdc internal oci-hook`).

load helpers

# The CNI config dir the suite's nerdctl.toml points at.
netconf() { sed -n 's/^cni_netconfpath = "\(.*\)"$/\1/p' "$NERDCTL_TOML"; }

@test "network ls: the default bridge network, host and none" {
	[[ -n $(netconf) ]] || skip "the suite's nerdctl.toml sets no cni_netconfpath"
	run_nerdc network ls
	assert_line '^NETWORK ID +NAME +DRIVER +SCOPE$'
	assert_line '^[0-9a-f]{12} +bridge +bridge +local$'
	assert_line '^ +host +host +local$'
	assert_line '^ +none +none +local$'
	[[ -f $(netconf)/nerdctl-bridge.conflist ]] || die "default network not written"
	run jq -r '.plugins[0].bridge, .plugins[0].ipam.ranges[0][0].subnet, .cniVersion, .nerdctlLabels["nerdctl/default-network"]' "$(netconf)/nerdctl-bridge.conflist"
	assert_equal "${lines[*]}" "nerdctl0 10.4.0.0/24 1.0.0 true"
}

@test "network create, inspect, ls filters, rm" {
	local n=nt-$(random_string 6)
	run_nerdc network create --subnet 10.77.0.0/24 --gateway 10.77.0.254 --ip-range 10.77.0.128/25 --label a=b -o mtu=1400 "$n"
	[[ $output =~ ^[0-9a-f]{64}$ ]] || die "create prints the ID"
	local id=$output
	run_nerdc network inspect "$n"
	run jq -r '.[0] | .Name, .Id, .Driver, .IPAM.Config[0].Subnet, .IPAM.Config[0].Gateway, .IPAM.Config[0].IPRange, .Labels.a, .Options["com.docker.network.driver.mtu"]' <<<"$output"
	assert_equal "${lines[*]}" "$n $id bridge 10.77.0.0/24 10.77.0.254 10.77.0.128/25 b 1400"
	run_nerdc network inspect -f '{{.Name}}' "${id:0:12}"
	assert_equal "$output" "$n"
	run_nerdc network ls --filter name="$n" --format '{{.Name}} {{.Driver}}'
	assert_equal "$output" "$n bridge"
	run_nerdc network ls -q --filter label=a=b
	assert_equal "$output" "${id:0:12}"
	run_nerdc 1 network create "$n"
	assert_equal "$output" "Error: network with name $n already exists"
	run_nerdc network rm "$n"
	assert_equal "$output" "$n"
	run_nerdc 1 network inspect "$n"
	assert_contains "$output" "No such network: $n"
}

@test "network create: next free subnet, bad input" {
	local a=nt-$(random_string 6) b=nt-$(random_string 6)
	run_nerdc network create "$a"
	run_nerdc network inspect -f '{{(index .IPAM.Config 0).Subnet}}' "$a"
	[[ $output =~ ^10\.4\.[0-9]+\.0/24$ && $output != 10.4.0.0/24 ]] || die "subnet $output"
	local sub=$output
	run_nerdc 1 network create --subnet "$sub" "$b"
	assert_equal "$output" "Error: subnet $sub overlaps with network $a"
	run_nerdc 1 network create --subnet 10.78.0.0/33 "$b"
	assert_equal "$output" "Error: invalid CIDR address: 10.78.0.0/33"
	run_nerdc 1 network create --subnet 10.78.0.0/24 --gateway 10.79.0.1 "$b"
	assert_equal "$output" "Error: no matching subnet for gateway 10.79.0.1"
	run_nerdc 1 network create -d overlay "$b"
	assert_equal "$output" "Error: unsupported cni driver \"overlay\""
	run_nerdc 1 network create --subnet 10.78.0.1/24 "$b"
	assert_contains "$output" 'maybe you meant "10.78.0.0/24"?'
	run_nerdc 1 network rm bridge
	assert_contains "$output" "bridge is a pre-defined network and cannot be removed"
	run_nerdc network rm "$a"
}

@test "network rm refuses a network a container uses, prune keeps it" {
	local n=nt-$(random_string 6) u=nt-$(random_string 6) c=ctr-$(random_string 6)
	run_nerdc network create "$n"
	run_nerdc network create "$u"
	import_busybox
	run_ctr containers create --label "nerdctl/networks=[\"$n\"]" --label "nerdctl/name=$c" "$BUSYBOX_REF" "$c"
	run_nerdc 1 network rm "$n"
	assert_contains "$output" "network $n id"
	assert_contains "$output" "has active endpoints (name:\"$c\")"
	run_nerdc network prune -f
	assert_line "^$u\$"
	assert_no_line "^$n\$"
	run_ctr containers delete "$c"
	run_nerdc network rm "$n"
}

@test "CNI ADD and DEL through the OCI hooks leave no rule, address or mount" {
	skip_if_missing unshare
	skip_if_missing iptables-save
	local n=nt-$(random_string 6) id=hook$(random_string 20) pid state
	run_nerdc network create --subnet 10.88.0.0/24 "$n"
	unshare --net sleep 120 &
	pid=$!
	state=$(jq -cn --arg id "$id" --argjson pid "$pid" --arg nets "[\"bridge\",\"$n\"]" \
		--arg ports '[{"HostPort":18081,"ContainerPort":80,"Protocol":"tcp","HostIP":"127.0.0.1"}]' \
		'{ociVersion:"1.0.2", id:$id, status:"creating", pid:$pid, bundle:"/nonexistent",
		  annotations:{"nerdctl/networks":$nets, "nerdctl/ports":$ports}}')
	run_nerdc internal oci-hook createRuntime <<<"$state"
	run nsenter --net=/proc/$pid/ns/net ip -4 -o addr show
	echo "$output"
	assert_line 'eth0 +inet 10\.4\.0\.[0-9]+/24'
	assert_line 'eth1 +inet 10\.88\.0\.[0-9]+/24'
	run iptables-save
	assert_contains "$output" "$id"
	assert_contains "$output" "--dport 18081"
	# Another container cannot publish the same host port.
	local id2=hook$(random_string 20)
	run_nerdc 1 internal oci-hook createRuntime <<<"${state//$id/$id2}"
	assert_contains "$output" "Bind for 127.0.0.1:18081 failed: port is already allocated"
	# The task is gone before postStop runs (as at task delete): DEL uses the kept netns.
	kill "$pid"
	wait "$pid" || true
	run_nerdc internal oci-hook postStop <<<"$state"
	run iptables-save
	assert_not_contains "$output" "$id"
	assert_not_contains "$output" "$id2"
	! grep -rqs -e "$id" -e "$id2" /var/lib/cni/networks/bridge /var/lib/cni/networks/"$n" ||
		die "host-local still holds an address for $id"
	! grep -qs "/netns/" /proc/self/mountinfo || ! grep -q "$id" /proc/self/mountinfo ||
		die "netns bind mount left"
	# postStop again is harmless.
	run_nerdc internal oci-hook postStop <<<"$state"
	run_nerdc network rm "$n"
}
