#!/usr/bin/env bats
# Restart policies on containerd's restart monitor (the suite's containerd looks every 1 s),
# `run -d --rm`, `run -d -i` with a later attach, detaching with Ctrl-P Ctrl-Q, and `start -a`
# of a running container. Every container runs with --net none.

load helpers

setup_file()
{
	basic_setup_file
	import_busybox
}

# until_nerdc SECONDS EXPECTED ARGS...: runs nerdc ARGS until its output is EXPECTED.
until_nerdc()
{
	local limit=$1 want=$2 deadline=$((SECONDS + $1))
	shift 2

	while ((SECONDS < deadline)); do
		run_nerdc '?' "$@"
		[[ $output == "$want" ]] && return 0
		sleep 0.3
	done
	die "after ${limit}s, nerdc $* says '$output', not '$want'"
}

# keepers_of DIR: pids of IO keepers holding a FIFO in DIR (the container's io directory).
keepers_of()
{
	local p

	for p in $(pgrep -x nerdc-io-keeper); do
		ls -l "/proc/$p/fd" 2>/dev/null | grep -q -F "$1/" && echo "$p"
	done
	return 0
}

# Lines of the container's log.
log_lines()
{
	run_nerdc logs "$1"
	echo "${#lines[@]}"
}

@test "restart on-failure:2: two restarts counted, then it stays exited" {
	local name=of-$(random_string 6)

	run_nerdc run -d --net none --restart on-failure:2 --name "$name" busybox \
		sh -c 'echo run; exit 3'
	until_nerdc 20 "exited 2" inspect -f '{{.State.Status}} {{.RestartCount}}' "$name"
	# the monitor would need 1 s to start it again: it must not
	sleep 2.5
	run_nerdc inspect -f '{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}} {{json .HostConfig.RestartPolicy}}' "$name"
	assert_equal "$output" 'exited 2 3 {"Name":"on-failure","MaximumRetryCount":2}'
	run_nerdc logs "$name"
	assert_equal "${#lines[@]}" 3
	run_nerdc rm "$name"
}

@test "restart on-failure: a clean exit is not restarted; unlimited retries otherwise" {
	local name=of0-$(random_string 6)

	run_nerdc run -d --net none --restart on-failure --name "$name" busybox \
		sh -c 'echo run; exit 0'
	until_nerdc 10 "exited" inspect -f '{{.State.Status}}' "$name"
	sleep 2.5
	run_nerdc inspect -f '{{.State.Status}} {{.RestartCount}}' "$name"
	assert_equal "$output" "exited 0"
	run_nerdc logs "$name"
	assert_equal "$output" "run"
	run_nerdc rm "$name"

	# fails twice, then succeeds: restarted until the clean exit
	name=of1-$(random_string 6)
	run_nerdc run -d --net none --restart on-failure -v "$BATS_TEST_TMPDIR:/t" \
		--name "$name" busybox sh -c 'echo x >> /t/n; [ $(wc -l < /t/n) -ge 3 ]'
	until_nerdc 20 "exited 2 0" inspect -f '{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}' "$name"
	sleep 2.5
	assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/n")" 3
	run_nerdc rm "$name"
}

@test "restart always: restarted after each exit; stop keeps it down; start resets the count" {
	local name=al-$(random_string 6)

	run_nerdc run -d --net none --restart always --name "$name" busybox \
		sh -c 'echo run; sleep 0.2; exit 1'
	until_nerdc 20 "true" inspect -f '{{ge .RestartCount 2}}' "$name"
	run_nerdc stop -t 1 "$name"
	run_nerdc inspect -f '{{.State.Status}} {{index .Config.Labels "containerd.io/restart.status"}}' "$name"
	assert_equal "$output" "exited stopped"
	n=$(log_lines "$name")
	sleep 2.5
	assert_equal "$(log_lines "$name")" "$n"
	run_nerdc ps -a --filter "name=$name" --format '{{.Status}}'
	assert_contains "$output" "Exited"
	# start: the policy is back, RestartCount from 0
	run_nerdc start "$name"
	run_nerdc inspect -f '{{.RestartCount}}' "$name"
	assert_equal "$output" 0
	until_nerdc 20 "true" inspect -f '{{ge .RestartCount 1}}' "$name"
	run_nerdc rm -f "$name"
}

@test "restart unless-stopped: kill with the stop signal turns it off; pause is left alone" {
	local name=us-$(random_string 6)

	# PID 1 has no default signal actions: USR1 must have a handler to end it
	run_nerdc run -d --net none --restart unless-stopped --name "$name" busybox \
		sh -c 'trap "exit 5" USR1; while :; do sleep 0.1; done'
	run_nerdc inspect -f '{{.HostConfig.RestartPolicy.Name}}' "$name"
	assert_equal "$output" "unless-stopped"
	# paused for longer than the monitor's round: not restarted behind our back
	run_nerdc pause "$name"
	sleep 2.5
	run_nerdc inspect -f '{{.State.Status}} {{.RestartCount}}' "$name"
	assert_equal "$output" "paused 0"
	run_nerdc unpause "$name"
	run_nerdc inspect -f '{{.State.Status}} {{index .Config.Labels "containerd.io/restart.status"}}' "$name"
	assert_equal "$output" "running running"
	# a signal that is not fatal keeps the policy; SIGKILL ends it until the next start
	run_nerdc kill -s USR1 "$name"
	until_nerdc 20 "true" inspect -f '{{ge .RestartCount 1}}' "$name"
	until_nerdc 20 "running" inspect -f '{{.State.Status}}' "$name"
	run_nerdc kill "$name"
	sleep 2.5
	run_nerdc inspect -f '{{.State.Status}} {{.State.ExitCode}} {{index .Config.Labels "containerd.io/restart.status"}}' "$name"
	assert_equal "$output" "exited 137 stopped"
	run_nerdc rm "$name"
}

@test "restart: create does not start; bad policies fail as Docker's; --rm conflicts" {
	local name=cr-$(random_string 6)

	run_nerdc create --net none --restart always --name "$name" busybox sleep 60
	sleep 2.5
	run_nerdc inspect -f '{{.State.Status}}' "$name"
	assert_equal "$output" "created"
	run_nerdc rm "$name"

	run_nerdc ps -aq
	local before=$output
	run_nerdc 125 run -d --net none --restart sometimes busybox true
	assert_contains "$output" "invalid restart policy 'sometimes'"
	run_nerdc 125 run -d --net none --restart always:3 busybox true
	assert_contains "$output" "maximum retry count cannot be used with restart policy 'always'"
	run_nerdc 125 run -d --net none --restart on-failure:-1 busybox true
	assert_contains "$output" "maximum retry count cannot be negative"
	run_nerdc 125 run -d --net none --restart on-failure:1:2 busybox true
	assert_contains "$output" "invalid restart policy format"
	run_nerdc 125 run -d --rm --net none --restart always busybox true
	assert_contains "$output" "Conflicting options: --restart and --rm"
	run_nerdc ps -aq
	assert_equal "$output" "$before"
}

@test "run -d --rm: removed when it exits, and when stopped; nothing left behind" {
	local name=rm-$(random_string 6) dir

	run_nerdc run -d --rm --net none --name "$name" busybox sh -c 'sleep 1; exit 3'
	run_nerdc inspect -f '{{index .Config.Labels "nerdctl/state-dir"}} {{.HostConfig.AutoRemove}}' "$name"
	dir=${output% *}
	assert_equal "${output#* }" true
	[[ -d $dir ]] || die "no state dir $dir"
	until_nerdc 20 "" ps -aq --filter "name=$name"
	[[ ! -e $dir ]] || die "$dir is left"
	run_ctr snapshots ls
	assert_not_contains "$output" "$name"
	# the name is free again; stop removes too, with the anonymous volume (Docker's --rm)
	run_nerdc volume ls -q
	local vols=$output
	run_nerdc run -d --rm --net none --name "$name" -v /data busybox sleep 60
	run_nerdc volume ls -q
	[[ $output != "$vols" ]] || die "no anonymous volume made"
	run_nerdc stop -t 1 "$name"
	until_nerdc 20 "" ps -aq --filter "name=$name"
	until_nerdc 10 "$vols" volume ls -q
}

@test "run -d -i: stdin stays open for attach; the IO keeper leaves with the task" {
	local name=di-$(random_string 6) dir

	run_nerdc run -d -i --net none --name "$name" busybox \
		sh -c 'while read l; do echo "got $l"; [ "$l" = bye ] && exit 7; done; echo eof'
	sleep 0.5
	run_nerdc inspect -f '{{.State.Status}} {{index .Config.Labels "nerdctl/state-dir"}}' "$name"
	assert_equal "${output%% *}" running
	dir=${output#* }
	[[ -n $(keepers_of "$dir/io") ]] || die "no IO keeper holds $dir/io"
	# attach writes into the container's stdin; EOF of ours does not close it
	timeout 3 "$NERDC" attach --sig-proxy=false "$name" <<<"hello" || true
	run_nerdc logs "$name"
	assert_equal "$output" "got hello"
	run_nerdc inspect -f '{{.State.Status}}' "$name"
	assert_equal "$output" running
	run_nerdc 7 attach "$name" <<<"bye"
	assert_contains "$output" "got bye"
	run_nerdc logs "$name"
	assert_equal "$output" $'got hello\ngot bye'
	sleep 0.5
	[[ -z $(keepers_of "$dir/io") ]] || die "the IO keeper outlived the task"
	[[ ! -e $dir/io ]] || die "FIFOs left in $dir/io"
	run_nerdc rm "$name"

	# -d -i --rm: removed at the exit the keeper sees
	run_nerdc run -d -i --rm --net none --name "$name" busybox sh -c 'read l; exit 0'
	run_nerdc attach "$name" <<<"x"
	until_nerdc 20 "" ps -aq --filter "name=$name"
}

@test "run -it: Ctrl-P Ctrl-Q detaches; the container runs on, logged; attach again" {
	local name=dk-$(random_string 6)

	skip_if_missing python3 "to drive a pseudo-terminal"
	_run_checked 0 "pty-drive.py nerdc" python3 "$BATS_TEST_DIRNAME/pty-drive.py" \
		--when ready --send '\x10\x11' -- "$NERDC" run -it --net none --name "$name" busybox \
		sh -c 'echo ready; i=0; while [ $i -lt 100 ]; do i=$((i+1)); echo "n$i"; sleep 0.05; done; read x; echo "read $x"'
	assert_contains "$output" "ready"
	# after the detach the output still reaches the log (nobody reads the terminal now)
	until_nerdc 20 "true" exec "$name" sh -c '[ -e /proc/1 ] && echo true'
	sleep 6
	run_nerdc logs "$name"
	assert_contains "$output" "n100"
	run_nerdc inspect -f '{{.State.Status}}' "$name"
	assert_equal "$output" running
	# stdin is still open: attach feeds the waiting read
	run_nerdc attach "$name" <<<"more"
	assert_contains "$output" "read more"
	run_nerdc rm "$name"
}

@test "start -a of a running container attaches to it" {
	local name=sa-$(random_string 6)

	run_nerdc run -d --net none --name "$name" busybox sh -c 'sleep 1; echo late; exit 4'
	run_nerdc 4 start -a "$name"
	assert_equal "$output" "late"
	run_nerdc rm "$name"
}

@test "create -i, then start: stdin open for attach; inspect splits Entrypoint and Cmd" {
	local name=ci-$(random_string 6)

	run_nerdc create -i --net none --name "$name" --entrypoint /bin/sh busybox \
		-c 'read l; echo "got $l"; exit 5'
	run_nerdc inspect -f '{{json .Config.Entrypoint}} {{json .Config.Cmd}} {{.Config.OpenStdin}}' "$name"
	assert_equal "$output" '["/bin/sh"] ["-c","read l; echo \"got $l\"; exit 5"] true'
	run_nerdc start "$name"
	run_nerdc 5 attach "$name" <<<"yo"
	assert_equal "$output" "got yo"
	# again: each start opens stdin anew
	run_nerdc start "$name"
	run_nerdc 5 attach "$name" <<<"again"
	assert_equal "$output" "got again"
	run_nerdc rm "$name"
	# the image's Entrypoint is none: all of it is Cmd; without -i, OpenStdin is false
	run_nerdc create --net none --name "$name" busybox echo hi
	run_nerdc inspect -f '{{json .Config.Entrypoint}} {{json .Config.Cmd}} {{.Config.OpenStdin}}' "$name"
	assert_equal "$output" 'null ["echo","hi"] false'
	run_nerdc rm "$name"
}
