#!/usr/bin/env bats
# Basics: version, help, errors for unknown commands and flags, an unreachable socket,
# namespaces, info, images. Each test names the nerdc commands it needs (`# needs:`); until
# those land, the test fails, by design.

load helpers

# needs: nerdc (any)
@test "nerdc binary is present" {
	[[ -x $NERDC ]] || die "no executable at NERDC=$NERDC (build it: meson compile -C build)"
}

# needs: version
@test "version: Client and Server sections; server version is containerd's" {
	local want

	want=$(ctr_server_version)
	run_nerdc version
	assert_line '^Client:'
	assert_line '^Server:'
	# What follows "Server:" names containerd's version exactly as ctr reports it.
	local server=${output#*$'\n'Server:}
	[[ $server != "$output" ]] || die "no Server: section"
	assert_contains "$server" "$want" "server section lacks containerd version '$want'"
}

# needs: --help
@test "--help exits 0 and shows usage" {
	run_nerdc --help
	assert_contains "$output" "Usage:"
}

# needs: command dispatch
@test "unknown command exits 125 and names the command" {
	run_nerdc 125 nosuchcmd
	assert_contains "$output" "nosuchcmd"
}

# needs: images (option parser)
@test "unknown flag exits 125: unknown flag: --nosuchflag" {
	run_nerdc 125 images --nosuchflag
	assert_contains "$output" "unknown flag: --nosuchflag"
}

# needs: version, containerd client
@test "--address to a missing socket fails quickly and names the socket" {
	local t0=$SECONDS

	NERDC_TIMEOUT=15 run_nerdc '?' --address /nonexistent.sock version
	[[ $status -ne 0 ]] || die "nerdc succeeded against /nonexistent.sock"
	((SECONDS - t0 < 10)) || die "took $((SECONDS - t0))s to give up"
	assert_contains "$output" "/nonexistent.sock"
}

# needs: namespace ls
@test "namespace ls lists a namespace made by ctr" {
	local ns

	ns=$(new_ns_name ls)

	run_ctr namespaces create "$ns"
	run_nerdc namespace ls
	assert_line "^$ns( |\$)"
	assert_line "^$TEST_NS( |\$)"
	run_ctr namespaces remove "$ns"
}

# needs: namespace create, inspect, update, remove
@test "namespace create, inspect, update --label, remove" {
	local ns

	ns=$(new_ns_name lc)

	run_nerdc namespace create "$ns"
	run_ctr namespaces ls -q
	assert_line "^$ns\$" "ctr does not see the namespace nerdc created"

	run_nerdc namespace inspect "$ns"
	assert_contains "$output" "$ns"

	run_nerdc namespace update --label nerdc.test/key=value1 "$ns"
	run_ctr namespaces ls
	assert_line "^$ns +.*nerdc\.test/key=value1" "ctr does not see the label"
	run_nerdc namespace inspect "$ns"
	assert_contains "$output" "nerdc.test/key"
	assert_contains "$output" "value1"

	run_nerdc namespace remove "$ns"
	run_ctr namespaces ls -q
	assert_no_line "^$ns\$" "namespace still there after remove"
	# (No check on inspecting a missing namespace: containerd's Get answers with empty labels
	# for any name, and nerdctl passes that on.)
}

# needs: info
@test "info shows the server version" {
	local want

	want=$(ctr_server_version)
	run_nerdc info
	assert_line "Server Version: *$(regex_quote "$want")\$"
}

# needs: images
@test "images lists busybox imported with ctr" {
	import_busybox
	run_nerdc images
	assert_line '^REPOSITORY +TAG +IMAGE ID'
	assert_line '^busybox +latest +'
}

# needs: completion bash
@test "completion bash prints a bash completion script" {
	run_nerdc completion bash
	assert_contains "$output" "complete "
}
