#!/usr/bin/env bats
# Logging without a daemon (the binary:// logger, json-file, rotation), logs, exec, inspect,
# top and events. Every container runs with --net none.

load helpers

setup_file()
{
	basic_setup_file
	import_busybox
}

# wait_exited NAME: until the container's task has exited (nerdc wait, bounded by the suite).
wait_exited()
{
	run_nerdc ? wait "$1"
}

@test "logs: readable after the container exited and the CLI that started it is gone" {
	local name=lg-$(random_string 6)

	run_nerdc run -d --net none --name "$name" busybox sh -c 'echo out1; echo err1 >&2; printf tail'
	wait_exited "$name"
	run_nerdc --stderr logs "$name"
	assert_equal "$output" $'out1\ntail'
	assert_equal "$stderr" "err1"
	# the log is Docker's json-file format
	run_nerdc inspect -f '{{.LogPath}}' "$name"
	local path=$output
	[[ -f $path ]] || die "no log file at $path"
	grep -q '^{"log":"out1\\n","stream":"stdout","time":"[0-9-]*T[0-9:.]*Z"}$' "$path" ||
		die "unexpected json-file content: $(cat "$path")"
	grep -q '^{"log":"tail","stream":"stdout"' "$path" || die "the unterminated tail was lost"
	run_nerdc rm "$name"
}

@test "logs -f follows and stops when the task exits" {
	local name=lf-$(random_string 6) t0=$SECONDS

	run_nerdc run -d --net none --name "$name" busybox sh -c 'echo a; sleep 2; echo b'
	run_nerdc logs -f "$name"
	assert_equal "$output" $'a\nb'
	((SECONDS - t0 < 20)) || die "logs -f did not stop at the exit"
	run_nerdc rm -f "$name"
}

@test "logs --tail, -t, --since, --until" {
	local name=lt-$(random_string 6)

	run_nerdc run -d --net none --name "$name" busybox sh -c 'seq 1 10'
	wait_exited "$name"
	run_nerdc logs --tail 3 "$name"
	assert_equal "$output" $'8\n9\n10'
	run_nerdc logs -n 0 "$name"
	assert_equal "$output" ""
	run_nerdc logs --tail all "$name"
	assert_equal "${#lines[@]}" 10
	run_nerdc logs -t --tail 1 "$name"
	assert_line '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z 10$'
	run_nerdc logs --details --tail 1 "$name"
	assert_equal "$output" " 10"
	run_nerdc logs --since 10m "$name"
	assert_equal "${#lines[@]}" 10
	run_nerdc logs --since 2099-01-01T00:00:00Z "$name"
	assert_equal "$output" ""
	run_nerdc logs --until 2000-01-01 "$name"
	assert_equal "$output" ""
	run_nerdc 1 logs --since yesterday "$name"
	assert_contains "$output" 'invalid value for "since": failed to parse value as time or duration: "yesterday"'
	run_nerdc rm "$name"
}

@test "logs: --log-opt max-size=1k rotates, max-file bounds the files, --log-driver none" {
	local name=lr-$(random_string 6) path

	run_nerdc run -d --net none --name "$name" --log-opt max-size=1k --log-opt max-file=3 \
		busybox sh -c 'seq 1 500'
	wait_exited "$name"
	run_nerdc inspect -f '{{.LogPath}}' "$name"
	path=$output
	[[ -f $path.1 && -f $path.2 ]] || die "no rotated files next to $path"
	[[ ! -e $path.3 ]] || die "max-file=3 kept more than 3 files"
	(($(stat -c %s "$path.1") < 1200)) || die "$path.1 is larger than max-size allows"
	run_nerdc logs --tail 1 "$name"
	assert_equal "$output" "500"
	run_nerdc logs "$name"
	# what is kept is the end, in order, without gaps
	assert_equal "${lines[-1]}" "500"
	assert_equal "$((lines[-1] - lines[0] + 1))" "${#lines[@]}"
	run_nerdc rm "$name"

	run_nerdc 125 run --rm --net none --log-opt max-size=bogus busybox true
	assert_contains "$output" "invalid size: 'bogus'"
	run_nerdc 125 run --rm --net none --log-opt nope=1 busybox true
	assert_contains "$output" "unknown log opt 'nope' for json-file log driver"

	run_nerdc run -d --net none --name "$name" --log-driver none busybox echo hidden
	wait_exited "$name"
	run_nerdc 1 logs "$name"
	assert_contains "$output" "configured logging driver does not support reading"
	run_nerdc rm "$name"
	run_nerdc 1 logs no-such-container
	assert_contains "$output" "No such container: no-such-container"
}

@test "exec: exit codes, env, workdir, user, stdin, errors" {
	local name=ex-$(random_string 6)

	run_nerdc run -d --net none --name "$name" -e FROMRUN=1 busybox sleep 300
	run_nerdc 3 exec "$name" sh -c 'echo hi; exit 3'
	assert_equal "$output" "hi"
	run_nerdc exec -e FOO=bar --env FROMRUN=2 "$name" sh -c 'echo $FOO $FROMRUN'
	assert_equal "$output" "bar 2"
	run_nerdc exec "$name" sh -c 'echo $FROMRUN'
	assert_equal "$output" "1"
	run_nerdc exec -w /bin "$name" pwd
	assert_equal "$output" "/bin"
	run_nerdc exec -u 1000:1001 "$name" id
	assert_line '^uid=1000 gid=1001'
	run_nerdc exec "$name" sh -c 'echo $$'
	[[ $output != 1 ]] || die "exec ran as the init process"
	# stdin through -i, more than a FIFO holds, ends with EOF
	output=$(seq 1 20000 | timeout 30 "$NERDC" exec -i "$name" wc -l) || die "exec -i failed"
	assert_equal "$output" "20000"
	run_nerdc exec -d "$name" sh -c 'echo detached > /marker'
	sleep 0.5
	run_nerdc exec "$name" cat /marker
	assert_equal "$output" "detached"
	run_nerdc 126 exec "$name" nosuchcmd
	assert_contains "$output" 'executable file not found in $PATH'
	run_nerdc 126 exec "$name" /bin
	run_nerdc 1 exec no-such-container true
	assert_contains "$output" "No such container: no-such-container"

	run_nerdc top "$name"
	assert_line '^UID +PID +PPID +C +STIME +TTY +TIME +CMD$'
	assert_line 'sleep 300$'
	run_nerdc top "$name" -o pid,comm
	assert_line '^PID +COMMAND$'

	run_nerdc rm -f "$name"
	run_nerdc run -d --net none --name "$name" busybox true
	wait_exited "$name"
	run_nerdc 1 exec "$name" true
	assert_contains "$output" "is not running"
	run_nerdc 1 top "$name"
	assert_contains "$output" "is not running"
	run_nerdc rm "$name"
}

@test "inspect: Docker's fields; the top-level inspect falls back to images" {
	local name=in-$(random_string 6) id

	run_nerdc run -d --net none --name "$name" -h myhost -w /bin busybox sleep 300
	id=$output
	run_nerdc inspect "$name"
	run jq -r '.[0] | [.Id, .Name, .State.Status, (.State.Running|tostring), .Path, .Args[0], .Config.Hostname, .Config.WorkingDir, .Config.Image, .HostConfig.LogConfig.Type, .Driver, .Platform] | join(" ")' <<<"$output"
	assert_equal "$output" "$id /$name running true sleep 300 myhost /bin docker.io/library/busybox:latest json-file overlayfs linux"
	run_nerdc container inspect -f '{{.State.Pid}} {{.RestartCount}} {{.HostConfig.NetworkMode}}' "$name"
	assert_line '^[1-9][0-9]* 0 none$'
	run_nerdc inspect --size -f '{{.SizeRootFs}}' "$name"
	assert_line '^[1-9][0-9]*$'
	run_nerdc stop -t 1 "$name"
	run_nerdc inspect -f '{{.State.Status}} {{.State.ExitCode}} {{.State.Running}}' "$name"
	assert_equal "$output" "exited 137 false"
	run_nerdc inspect -f '{{.Id}}' busybox "$name"
	assert_line '^sha256:[0-9a-f]{64}$'
	assert_line "^$id\$"
	run_nerdc 1 inspect no-such-thing
	assert_contains "$output" "No such object: no-such-thing"
	run_nerdc 1 container inspect busybox
	assert_contains "$output" "No such container: busybox"
	run_nerdc rm "$name"
}

@test "events: a run shows up with --format and --filter" {
	local name=ev-$(random_string 6) out=$BATS_TEST_TMPDIR/events id

	"$NERDC" events --filter "namespace=$TEST_NS" --filter type=container \
		--format '{{.Namespace}} {{.Topic}} {{.ID}}' >"$out" 2>&1 &
	local pid=$!
	sleep 0.5
	run_nerdc run --net none --name "$name" busybox true
	run_nerdc inspect -f '{{.Id}}' "$name"
	id=$output
	sleep 0.5
	kill -INT "$pid"
	wait "$pid" || die "events did not end cleanly on SIGINT"
	cat "$out"
	grep -qx "$TEST_NS /tasks/start $id" "$out" || die "no /tasks/start for $id"
	grep -qx "$TEST_NS /tasks/exit $id" "$out" || die "no /tasks/exit for $id"
	! grep -q '/snapshot/' "$out" || die "type=container let snapshot events through"
	run_nerdc 1 events --filter bogus=1
	assert_contains "$output" "invalid filter 'bogus'"
	run_nerdc rm "$name"
}
