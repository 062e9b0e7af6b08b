#!/usr/bin/env bats
# volume create/ls/inspect/rm/prune in nerdctl's layout.

load helpers

@test "volume create, inspect, ls, rm" {
	local v=vol-$(random_string 6)
	run_nerdc volume create --label a=b "$v"
	assert_equal "$output" "$v"
	run_nerdc volume inspect "$v"
	run jq -r '.[0] | .Name, .Driver, .Scope, .Labels.a, .Mountpoint' <<<"$output"
	assert_equal "${lines[0]} ${lines[1]} ${lines[2]} ${lines[3]}" "$v local local b"
	local mp=${lines[4]}
	[[ $mp == */volumes/$TEST_NS/$v/_data && -d $mp ]] || die "mountpoint $mp"
	jq -e '.labels.a == "b"' "${mp%/_data}/volume.json" >/dev/null || die "volume.json"
	echo data >"$mp/file"
	run_nerdc volume create "$v"
	assert_equal "$(cat "$mp/file")" "data"
	run_nerdc volume ls
	assert_line '^DRIVER +VOLUME NAME$'
	assert_line "^local +$v\$"
	run_nerdc volume ls -q --filter label=a=b
	assert_equal "$output" "$v"
	run_nerdc volume ls --filter name=nomatch-xyz --format '{{.Name}}'
	assert_equal "$output" ""
	run_nerdc volume rm "$v"
	assert_equal "$output" "$v"
	[[ ! -e ${mp%/_data} ]] || die "volume dir left"
	run_nerdc 1 volume inspect "$v"
	assert_contains "$output" "no such volume: $v"
	run_nerdc volume rm -f "$v"
}

@test "volume create: anonymous names and bad names" {
	run_nerdc volume create
	[[ $output =~ ^[0-9a-f]{64}$ ]] || die "anonymous name"
	local anon=$output
	run_nerdc 1 volume create a
	assert_equal "$output" "Error: volume name is too short, names should be at least two alphanumeric characters"
	run_nerdc 1 volume create 'a/b'
	assert_contains "$output" 'includes invalid characters for a local volume name'
	run_nerdc volume rm "$anon"
}

@test "volume in use: rm refuses, dangling filter, prune" {
	local used=vol-$(random_string 6) named=vol-$(random_string 6) c=ctr-$(random_string 6)
	run_nerdc volume create "$used"
	run_nerdc volume create "$named"
	run_nerdc volume create
	local anon=$output
	import_busybox
	run_ctr containers create --label "nerdctl/name=$c" \
		--label "nerdctl/mounts=[{\"Type\":\"volume\",\"Name\":\"$used\",\"Destination\":\"/data\"}]" \
		"$BUSYBOX_REF" "$c"
	run_nerdc 1 volume rm "$used"
	assert_equal "$output" "Error: remove $used: volume is in use - [$c]"
	run_nerdc volume ls -q --filter dangling=true
	assert_line "^$named\$"
	assert_no_line "^$used\$"
	run_nerdc volume prune -f
	assert_line "^$anon\$"
	assert_no_line "^$named\$"
	run_nerdc volume prune -f -a
	assert_line "^$named\$"
	assert_no_line "^$used\$"
	run_ctr containers delete "$c"
	run_nerdc volume rm "$used"
}
