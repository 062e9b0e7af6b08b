#!/usr/bin/env bats
# Containers on CNI networks: published ports, names and aliases, --ip, several networks,
# refused host ports, and no IP, iptables rule or netns mount left after rm.

load helpers

setup_file()
{
	basic_setup_file
	import_busybox
	export NET1=cn1-$(random_string 5) NET2=cn2-$(random_string 5)
	export IDS_FILE=$BATS_FILE_TMPDIR/ids
	: >"$IDS_FILE"
}

teardown_file()
{
	local ids
	ids=$(_ctr -n "$TEST_NS" containers ls -q 2>/dev/null) || true
	[[ -z $ids ]] || "$NERDC" rm -f $ids >/dev/null 2>&1 || true
	"$NERDC" network rm "$NET1" "$NET2" >/dev/null 2>&1 || true
	basic_teardown_file
}

# remember ID: the leak check at the end looks for every container made here.
remember() { echo "$1" >>"$IDS_FILE"; }

# wait_http URL: the page, once the server answers (up to ~5 s).
wait_http()
{
	local _
	for _ in $(seq 50); do
		curl -fsS --max-time 2 "$1" && return 0
		sleep 0.1
	done
	return 1
}

@test "run -p: published port reachable on 127.0.0.1, port, inspect" {
	skip_if_missing curl
	run_nerdc run -d --name web -p 127.0.0.1:18080:80 busybox \
		sh -c 'mkdir -p /www && echo hello-from-nerdc >/www/index.html && exec httpd -f -p 80 -h /www'
	local id=$output
	remember "$id"
	# What the leak check at the end looks for is there while the container runs.
	if command -v iptables-save >/dev/null; then
		iptables-save | grep -q "$id" || die "no iptables rule names $id"
	fi
	grep -rqs "^$id" /var/lib/cni/networks/ || die "host-local holds no IP for $id"
	grep -qs "/netns/[^ ]*$id" /proc/self/mountinfo || die "no netns mount for $id"
	run wait_http http://127.0.0.1:18080/
	assert_equal "$output" "hello-from-nerdc"
	run_nerdc port web
	assert_equal "$output" "80/tcp -> 127.0.0.1:18080"
	run_nerdc inspect web
	run jq -r '.[0].NetworkSettings | .IPAddress, .Gateway, .Networks.bridge.IPAddress, .Ports["80/tcp"][0].HostPort, .Ports["80/tcp"][0].HostIp' <<<"$output"
	[[ ${lines[0]} =~ ^10\.4\.0\.[0-9]+$ ]] || die "IPAddress ${lines[0]}"
	assert_equal "${lines[1]} ${lines[2]} ${lines[3]} ${lines[4]}" "10.4.0.1 ${lines[0]} 18080 127.0.0.1"
	# stop detaches (as the postStop hook does); createRuntime attaches it again at start.
	run_nerdc stop -t 1 web
	if command -v iptables-save >/dev/null; then
		! iptables-save | grep -q "$id" || die "iptables rules of stopped $id left"
	fi
	! grep -qs "/netns/[^ ]*$id" /proc/self/mountinfo || die "netns mount of stopped $id left"
	run_nerdc start web
	run wait_http http://127.0.0.1:18080/
	assert_equal "$output" "hello-from-nerdc"
}

@test "run -p: a taken host port is refused and no container is left" {
	run_nerdc ps -aq
	local before=$output
	run_nerdc 125 run -d --name web2 -p 127.0.0.1:18080:80 busybox sleep 100
	assert_contains "$output" "Bind for 127.0.0.1:18080 failed: port is already allocated"
	run_nerdc ps -aq
	assert_equal "$output" "$before"
	run_nerdc 1 inspect web2
	# The name is free again.
	run_nerdc create --name web2 --net none busybox true
	remember "$output"
	run_nerdc rm web2
}

@test "run -P: ephemeral host ports for --expose" {
	run_nerdc run -d -P --expose 81 --expose 82/udp busybox sleep 100
	local id=$output
	remember "$id"
	run_nerdc port "$id" 81
	[[ $output =~ ^0\.0\.0\.0:[0-9]+$ ]] || die "81/tcp not published: $output"
	run_nerdc port "$id" 82/udp
	[[ $output =~ ^0\.0\.0\.0:[0-9]+$ ]] || die "82/udp not published: $output"
	run_nerdc rm -f "$id"
}

@test "user network: names, --network-alias, --ip inside --subnet, --add-host" {
	run_nerdc network create --subnet 10.88.7.0/24 "$NET1"
	run_nerdc run -d --name srv --network "$NET1" --network-alias web-alias --ip 10.88.7.50 \
		busybox sh -c 'echo from-srv >/index.html && exec httpd -f -p 80 -h /'
	remember "$output"
	run_nerdc inspect -f '{{.NetworkSettings.IPAddress}}' srv
	assert_equal "$output" "10.88.7.50"
	run_nerdc run --rm --network "$NET1" --add-host extra.test:10.1.2.3 busybox sh -c \
		'for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- http://srv:80/ && break; sleep 0.2; done; wget -qO- http://web-alias/; grep extra.test /etc/hosts'
	assert_equal "${lines[0]}" "from-srv"
	assert_equal "${lines[1]}" "from-srv"
	assert_line $'^10\.1\.2\.3[ \t]+extra\.test'
	run_nerdc run --rm --network "$NET1" busybox ping -c1 -W2 srv
	assert_contains "$output" "10.88.7.50"
}

@test "two networks on one container: two interfaces" {
	run_nerdc network create --subnet 10.88.8.0/24 "$NET2"
	run_nerdc run --rm --network "$NET1" --network "$NET2" busybox ip -o -4 addr show
	assert_line '^[0-9]+: eth0 +inet 10\.88\.7\.[0-9]+/24'
	assert_line '^[0-9]+: eth1 +inet 10\.88\.8\.[0-9]+/24'
}

@test "--net container:, --hostname, --dns" {
	run_nerdc run -d --name base --hostname basehost --dns 10.9.9.9 busybox sleep 100
	remember "$output"
	run_nerdc run --rm --net container:base busybox sh -c 'hostname; grep nameserver /etc/resolv.conf; ip -o -4 addr show eth0'
	assert_equal "${lines[0]}" "basehost"
	assert_equal "${lines[1]}" "nameserver 10.9.9.9"
	assert_line 'eth0 +inet 10\.4\.0\.'
	run_nerdc 125 run --rm --net container:base -p 80 busybox true
	assert_contains "$output" "conflicting options: port publishing and the container type network mode"
}

@test "rm -f leaves no IP, iptables rule or netns mount" {
	local ids id leaks=
	run_nerdc ps -aq --no-trunc
	[[ -z $output ]] || run_nerdc rm -f $output
	mapfile -t ids <"$IDS_FILE"
	[[ ${#ids[@]} -gt 3 ]] || die "too few containers remembered: ${ids[*]}"
	for id in "${ids[@]}"; do
		if command -v iptables-save >/dev/null && iptables-save | grep -q "$id"; then
			leaks+=" iptables:$id"
		fi
		if grep -rqs "^$id" /var/lib/cni/networks/; then
			leaks+=" host-local:$id"
		fi
		if grep -qs "/netns/[^ ]*$id" /proc/self/mountinfo; then
			leaks+=" mount:$id"
		fi
	done
	[[ -z $leaks ]] || die "left behind:$leaks"
	run_nerdc network rm "$NET1" "$NET2"
}

# released ID: no iptables rule, host-local IP or netns mount names the container any more.
released()
{
	local id=$1
	if command -v iptables-save >/dev/null && iptables-save | grep -q "$id"; then
		return 1
	fi
	! grep -rqs "^$id" /var/lib/cni/networks/ && ! grep -qs "/netns/[^ ]*$id" /proc/self/mountinfo
}

@test "a container that exits on its own frees its IP, port rules and netns, as Docker's" {
	local name=ex-$(random_string 6) id i
	run_nerdc run -d --name "$name" -p 127.0.0.1:18090:80 busybox sh -c 'sleep 1; exit 3'
	id=$output
	remember "$id"
	grep -rqs "^$id" /var/lib/cni/networks/ || die "host-local holds no IP for $id"
	for i in $(seq 50); do
		released "$id" && break
		sleep 0.2
	done
	released "$id" || die "the exited $id still holds its network"
	run_nerdc inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$name"
	assert_equal "$output" "exited 3"
	# start attaches it again, and a foreground run frees it when it returns
	run_nerdc start "$name"
	grep -rqs "^$id" /var/lib/cni/networks/ || die "start did not attach $id again"
	run_nerdc rm -f "$name"
	run_nerdc 4 run --name "$name" busybox sh -c 'exit 4'
	run_nerdc inspect -f '{{.Id}}' "$name"
	id=$output
	remember "$id"
	released "$id" || die "the foreground run left the network of $id"
	run_nerdc rm "$name"
}
