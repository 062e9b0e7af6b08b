#!/usr/bin/env bats
# Global options and configuration: flag > env > nerdctl.toml > default, nerdctl's
# before-the-command-only short aliases, malformed config files, namespace names, help, and
# --format on the engine commands.

load helpers

setup()
{
	basic_setup
	TOML=$BATS_TEST_TMPDIR/nerdctl.toml
}

@test "nerdctl.toml namespace applies when no flag or env names one" {
	local ns
	ns=$(new_ns_name toml)
	run_ctr namespaces create "$ns"
	run_ctr namespaces label "$ns" from=toml
	printf 'namespace = "%s"\n' "$ns" >"$TOML"

	NERDCTL_TOML=$TOML CONTAINERD_NAMESPACE= run_nerdc info --format '{{.Namespace}}'
	assert_equal "$output" "$ns"
	# env beats toml, flag beats env
	NERDCTL_TOML=$TOML CONTAINERD_NAMESPACE=envns run_nerdc info --format '{{.Namespace}}'
	assert_equal "$output" "envns"
	NERDCTL_TOML=$TOML CONTAINERD_NAMESPACE=envns run_nerdc --namespace flagns info --format '{{.Namespace}}'
	assert_equal "$output" "flagns"
	run_ctr namespaces remove "$ns"
}

@test "malformed nerdctl.toml is an error naming the file and line" {
	printf 'debug = true\nnamespace "x"\n' >"$TOML"
	NERDCTL_TOML=$TOML run_nerdc 1 info
	assert_contains "$output" "$TOML:2:"
}

@test "unknown nerdctl.toml key is an error naming the key" {
	printf 'namespce = "x"\n' >"$TOML"
	NERDCTL_TOML=$TOML run_nerdc 1 version
	assert_contains "$output" "unknown key \"namespce\""
}

@test "nerdctl.toml key of the wrong type is an error" {
	printf 'debug = "yes"\n' >"$TOML"
	NERDCTL_TOML=$TOML run_nerdc 1 namespace ls
	assert_contains "$output" "\"debug\" has the wrong type"
}

@test "long global flags work after the command word; -n does not (nerdctl)" {
	run_nerdc images --namespace "$TEST_NS" -q
	run_nerdc 125 namespace ls -n foo
	assert_contains "$output" "unknown shorthand flag: 'n' in -n"
	run_nerdc -n "$TEST_NS" images -q
}

@test "--address given twice: the last one wins" {
	run_nerdc --address /nonexistent.sock --address "$CTD_SOCK" version
	assert_line '^Server:'
}

@test "invalid namespace name is refused before any RPC" {
	run_nerdc 1 --namespace 'bad name' images
	assert_contains "$output" 'identifier "bad name" must match'
	run_nerdc 1 namespace create 'Bad..Name'
	assert_contains "$output" 'Bad..Name'
}

@test "namespace create of an existing name fails with containerd's message" {
	local ns
	ns=$(new_ns_name dup)
	run_nerdc namespace create "$ns"
	run_nerdc 1 namespace create "$ns"
	assert_contains "$output" "already exists"
	run_nerdc namespace rm "$ns"
	assert_equal "$output" "$ns"
}

@test "namespace rm of a namespace with an image fails and keeps it" {
	local ns
	ns=$(new_ns_name busy)
	run_ctr namespaces create "$ns"
	import_busybox "$ns"
	run_nerdc 1 namespace rm "$ns"
	assert_contains "$output" "must be empty"
	run_nerdc namespace ls -q
	assert_line "^$ns\$"
	run_nerdc namespace ls --format '{{.Name}} {{.Images}}'
	assert_line "^$ns 1\$"
	_ctr -n "$ns" images rm --sync "$BUSYBOX_REF" >/dev/null
	run_nerdc namespace rm "$ns"
}

@test "missing arguments: Docker's message and exit 1" {
	run_nerdc 1 namespace create
	assert_contains "$output" '"nerdc namespace create" requires exactly 1 argument.'
	run_nerdc 1 version extra
	assert_contains "$output" '"nerdc version" accepts no arguments.'
}

@test "help: nerdc help CMD, CMD --help, group help and aliases" {
	run_nerdc help images
	assert_contains "$output" "Usage:  nerdc images [OPTIONS] [REPOSITORY[:TAG]]"
	run_nerdc image ls --help
	assert_contains "$output" "Usage:  nerdc image ls [OPTIONS] [REPOSITORY[:TAG]]"
	assert_contains "$output" "Aliases:"
	run_nerdc namespace
	assert_contains "$output" "Usage:  nerdc namespace COMMAND"
	run_nerdc 125 namespace nosuch
	assert_contains "$output" "'nosuch' is not a nerdc command"
	run_nerdc --version
	assert_contains "$output" "nerdc version"
}

@test "--format: version and info templates, json" {
	local want
	want=$(ctr_server_version)
	run_nerdc version --format '{{.Server.Version}}'
	assert_equal "$output" "$want"
	run_nerdc version --format json
	jq -e '.Client.Version | length > 0' <<<"$output" >/dev/null || die "no .Client.Version in $output"
	run_nerdc info --format '{{json .}}'
	assert_equal "$(jq -r .ServerVersion <<<"$output")" "$want"
	run_nerdc 1 info --format '{{.Foo'
	assert_contains "$output" "template: "
}

@test "namespace ls --format and labels" {
	local ns
	ns=$(new_ns_name fmt)
	run_nerdc namespace create --label b=2 --label a=1 "$ns"
	run_nerdc namespace ls --format '{{.Name}}|{{.Labels}}'
	assert_line "^$ns\|a=1,b=2\$"
	run_nerdc namespace inspect --format '{{index .Labels "a"}}' "$ns"
	assert_equal "$output" "1"
	run_nerdc namespace rm "$ns"
}

@test "completion: __complete lists commands, subcommands and flags" {
	run_nerdc __complete -- ''
	assert_line '^namespace$'
	run_nerdc __complete namespace -- ''
	assert_line '^create$'
	run_nerdc __complete images -- --
	assert_line '^--digests$'
}

@test "namespace inspect/update of a missing namespace: not found, nothing created" {
	local ns
	ns=$(new_ns_name missing)
	run_nerdc 1 namespace inspect "$ns"
	assert_contains "$output" "not found"
	run_nerdc 1 namespace update --label a=b "$ns"
	assert_contains "$output" "not found"
	run_nerdc namespace ls -q
	assert_no_line "^$ns\$"
}
