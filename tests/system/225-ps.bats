#!/usr/bin/env bats
# ps: the COMMAND column read from each spec (nerdc's own and ctr's), the order and count of
# a listing streamed one record at a time, -n, and the SIZE column of --size.

load helpers

setup_file()
{
	basic_setup_file
	import_busybox
}

@test "ps: COMMAND from nerdc's and ctr's specs, quoted and cut like Docker" {
	run_nerdc create --net none --name psq busybox sh -c 'echo "é世" \ and more'
	run_nerdc ps -a --no-trunc --filter name=psq --format '{{.Command}}'
	assert_equal "$output" '"sh -c echo \"é世\" \\ and more"'
	# 20 runes at most, the last one an ellipsis
	run_nerdc ps -a --filter name=psq --format '{{.Command}}'
	assert_equal "$output" '"sh -c echo \"é世\" \\ a…"'
	run_ctr containers create docker.io/library/busybox:latest psctr echo "$(printf 'x\ty')"
	run_nerdc ps -a --no-trunc --filter id=psctr --format '{{.Command}}'
	assert_equal "$output" '"echo x\ty"'
	run_nerdc rm psq psctr
}

@test "ps -a: every record, newest first; -n; --size adds a SIZE column" {
	local i want=()

	for ((i = 0; i < 25; i++)); do
		run_ctr containers create docker.io/library/busybox:latest "many$i" true
		want=("many$i" "${want[@]}")
	done
	run_nerdc ps -a --filter id=many --format '{{.ID}}'
	assert_equal "$output" "$(printf '%s\n' "${want[@]}")"
	run_nerdc ps -a --filter id=many -n 3 -q
	assert_equal "$output" "$(printf '%s\n' "${want[@]:0:3}")"
	run_nerdc ps -a --filter id=many -n 1 -s
	assert_line '^CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES +SIZE$'
	assert_line '^many24 +docker.io/library/busybox:latest +"true" .* Created +[0-9.]+k?B$'
	run_nerdc rm "${want[@]}"
	run_nerdc ps -a --filter id=many -q
	assert_equal "$output" ""
}
