#!/usr/bin/env bats
# The harness tests itself: private network namespace, containerd, registry, image import, and
# the run_nerdc/skip helpers. None of these need nerdc.

load helpers

FAKE_NERDC=$BATS_TEST_DIRNAME/../fixtures/fake-nerdc.sh

@test "harness: suite runs in a private network namespace with only lo" {
	[[ $(readlink /proc/self/ns/net) != "$(readlink /proc/1/ns/net)" ]] ||
		die "tests run in the host's network namespace"
	run ip -o link show
	assert_equal "${#lines[@]}" 1 "expected only lo: $output"
	assert_contains "$output" "lo:"
}

@test "harness: containerd answers ctr version" {
	run_ctr version
	assert_line '^Server:'
	[[ -n $(ctr_server_version) ]] || die "no server version in ctr version"
}

@test "harness: registry answers and holds busybox" {
	run curl -fsS "http://$REGISTRY/v2/busybox/tags/list"
	assert_equal "$status" 0 "registry at $REGISTRY: $output"
	assert_contains "$output" '"latest"'
}

@test "harness: busybox imports into the file's namespace with ctr" {
	import_busybox
	run_ctr images ls -q
	assert_line "^$(regex_quote "$BUSYBOX_REF")\$"
	run_ctr run --rm "$BUSYBOX_REF" "harness-$(random_string 6)" echo hello-from-busybox
	assert_equal "$output" hello-from-busybox
}

@test "harness: run_nerdc checks exit codes and passes the environment" {
	NERDC=$FAKE_NERDC

	run_nerdc exit 0
	assert_contains "$output" "CONTAINERD_ADDRESS=$CTD_SOCK"
	assert_contains "$output" "CONTAINERD_NAMESPACE=$TEST_NS"
	assert_contains "$output" "this line goes to stderr"

	run_nerdc 3 exit 3
	assert_equal "$status" 3
	run_nerdc '?' exit 7
	assert_equal "$status" 7

	CONTAINERD_NAMESPACE=other run_nerdc exit 0
	assert_contains "$output" "CONTAINERD_NAMESPACE=other"

	# A mismatch fails the caller and says why.
	run run_nerdc exit 3
	assert_equal "$status" 1
	assert_contains "$output" "exit code is 3; expected 0"
	run run_nerdc 2 exit 0
	assert_equal "$status" 1
	assert_contains "$output" "exit code is 0; expected 2"
}

@test "harness: run_nerdc --stderr keeps stderr apart" {
	NERDC=$FAKE_NERDC

	run_nerdc --stderr exit 0
	assert_not_contains "$output" "stderr"
	assert_equal "$stderr" "this line goes to stderr"
	run_nerdc --stderr 4 exit 4
	assert_equal "$stderr" "this line goes to stderr"
}

@test "harness: run_nerdc gives up on a hung command" {
	NERDC=$FAKE_NERDC
	NERDC_TIMEOUT=1

	run run_nerdc '?' sleep 30
	assert_equal "$status" 1
	assert_contains "$output" "timed out after 1s"
}

@test "harness: skip_if_missing names what is missing" {
	local out

	out=$(skip() { echo "SKIP: $*"; }; skip_if_missing no-such-tool-x7 "for the harness test")
	assert_equal "$out" "SKIP: no-such-tool-x7 is not installed: needed for the harness test"
	out=$(skip() { echo "SKIP: $*"; }; skip_if_missing ctr "never")
	assert_equal "$out" ""
}
