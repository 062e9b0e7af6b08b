#!/usr/bin/env bats
# Gaps closed in wave 3: exec -t window size, wait on a never-started container, prune
# --filter (container, volume, network), events --since/--until, inspect's OOMKilled and
# ExecIDs, commit without REPOSITORY. Every container runs with --net none.

load helpers

setup_file()
{
	basic_setup_file
	import_busybox
}

# pty_exec NAME: runs `nerdc exec -it NAME sh -c 'stty size; read x; stty size'` on a
# pseudo-terminal of 30x100, turns it into 45x120 once the first size is printed, then
# presses Enter. Python drives the terminal (bash cannot hold a pty master).
pty_exec()
{
	_run_checked 0 "pty-drive.py nerdc" python3 "$BATS_TEST_DIRNAME/pty-drive.py" \
		--size 30x100 --when "30 100" --resize 45x120 --pause 1 --send '\r' -- \
		"$NERDC" exec -it "$1" sh -c 'stty size; read x; stty size'
}

@test "exec -t: the initial size and a window change reach the exec's terminal" {
	local name=ex-$(random_string 6)

	skip_if_missing python3 "to drive a pseudo-terminal"
	run_nerdc run -d --net none --name "$name" busybox sleep 60
	pty_exec "$name"
	assert_line '^30 100$'
	assert_line '^45 120$'
	run_nerdc rm -f "$name"
}

@test "wait: a never-started container answers 0 at once, as Docker 20.10's wait" {
	local name=wt-$(random_string 6) t0

	run_nerdc create --net none --name "$name" busybox sh -c 'exit 3'
	t0=$SECONDS
	run_nerdc wait "$name"
	assert_equal "$output" "0"
	((SECONDS - t0 < 5)) || die "wait blocked on a created container"
	run_nerdc start "$name"
	run_nerdc wait "$name"
	assert_equal "$output" "3"
	run_nerdc rm "$name"
}

@test "container prune --filter: label, label!, until and Docker's errors" {
	local p=pr-$(random_string 6) ids id

	run_nerdc create --net none --name "$p-ab" -l a=1 -l b=1 busybox true
	ids=$output
	run_nerdc create --net none --name "$p-a" -l a=1 busybox true
	ids+=" $output"
	run_nerdc create --net none --name "$p-a2" -l a=2 busybox true
	ids+=" $output"
	run_nerdc create --net none --name "$p-none" busybox true
	ids+=" $output"
	run_nerdc 1 container prune -f --filter x=1
	assert_equal "$output" "Error: Invalid filter 'x'"
	run_nerdc 125 container prune -f --filter label
	assert_contains "$output" 'invalid argument "label" for "--filter" flag: bad format of filter (expected name=value)'
	run_nerdc 1 container prune -f --filter until=abc
	assert_contains "$output" 'failed to parse value as time or duration: "abc"'
	run_nerdc 1 container prune -f --filter until=1h --filter until=2h
	assert_contains "$output" "more than one until filter specified"
	# made just now: nothing is older than an hour
	run_nerdc container prune -f --filter until=1h
	assert_equal "$output" "Total reclaimed space: 0B"
	run_nerdc container prune -f --filter 'LABEL = a=1' --filter 'label!=b'
	assert_line '^Deleted Containers:$'
	assert_equal "${#lines[@]}" 4
	run_nerdc ps -a --format '{{.Names}}'
	assert_no_line "^$p-a\$"
	assert_line "^$p-ab\$"
	# Docker: label!=a label!=b spares only what carries both
	run_nerdc container prune -f --filter 'label!=a' --filter 'label!=b'
	run_nerdc ps -a --format '{{.Names}}'
	assert_equal "$(grep -c "^$p-" <<<"$output")" 1
	assert_line "^$p-ab\$"
	# an until in the future (a negative duration) takes the rest
	run_nerdc container prune -f --filter until=-1m
	run_nerdc ps -a --format '{{.Names}}'
	assert_no_line "^$p-"
	run_ctr containers ls -q
	for id in $ids; do
		assert_no_line "^$id\$"
	done
}

@test "volume prune --filter: label only (Docker 20.10)" {
	local p=vp-$(random_string 6)

	run_nerdc volume create --label keep=no "$p-x"
	run_nerdc volume create --label keep=yes "$p-y"
	run_nerdc volume create "$p-z"
	run_nerdc 1 volume prune -f --filter until=1h
	assert_equal "$output" "Error: Invalid filter 'until'"
	run_nerdc volume prune -a -f --filter label=keep=no
	assert_line "^$p-x\$"
	run_nerdc volume ls -q
	assert_no_line "^$p-x\$"
	assert_line "^$p-y\$"
	assert_line "^$p-z\$"
	run_nerdc volume prune -a -f --filter label!=keep
	assert_line "^$p-z\$"
	run_nerdc volume ls -q
	assert_equal "$output" "$p-y"
	run_nerdc volume rm "$p-y"
}

@test "network prune --filter: label and until" {
	local p=np-$(random_string 6)

	run_nerdc network create --label team=a "$p-a"
	run_nerdc network create "$p-b"
	run_nerdc 1 network prune -f --filter driver=bridge
	assert_equal "$output" "Error: Invalid filter 'driver'"
	run_nerdc network prune -f --filter label=team=a
	assert_equal "${lines[1]}" "$p-a"
	run_nerdc network ls --format '{{.Name}}'
	assert_no_line "^$p-a\$"
	assert_line "^$p-b\$"
	run_nerdc network prune -f --filter until=1h
	run_nerdc network ls --format '{{.Name}}'
	assert_line "^$p-b\$"
	run_nerdc network prune -f --filter until=-1m
	run_nerdc network ls --format '{{.Name}}'
	assert_no_line "^$p-"
}

@test "events --since/--until: errors, and a future window shows only its events" {
	local now a b out=$BATS_TEST_TMPDIR/events pid

	run_nerdc 1 events --since abc
	assert_contains "$output" 'failed to parse value as time or duration: "abc"'
	run_nerdc 1 events --since 10m
	assert_equal "$output" "Error: events --since in the past: containerd keeps no event history"
	run_nerdc 1 events --until 2020-01-01
	assert_contains "$output" "events --until in the past: containerd keeps no event history"
	run_nerdc 1 events --since -10m --until -5m
	assert_contains "$output" 'cannot be after `until` time'
	run_nerdc 1 events --since 2021-01-01T00:00:00Z --until 2020-01-01T00:00:00Z
	assert_contains "$output" '`since` time (1609459200.000000000) cannot be after `until` time (1577836800.000000000)'
	# an until of now: an empty window, at once
	run_nerdc events --until 0s
	assert_equal "$output" ""

	now=$(date +%s)
	timeout 30 "$NERDC" events --since $((now + 3)) --until $((now + 6)) >"$out" 2>&1 &
	pid=$!
	run_nerdc create --net none --name "ev-$(random_string 6)" busybox true
	a=$output
	sleep $((now + 4 - $(date +%s)))
	run_nerdc create --net none --name "ev-$(random_string 6)" busybox true
	b=$output
	# --until ends the stream by itself (timeout would exit 124)
	wait "$pid" || die "events exited $?"
	(($(date +%s) >= now + 6)) || die "events ended before --until"
	cat "$out"
	grep -q "/containers/create .*\"$b\"" "$out" || die "the event inside the window is missing"
	! grep -q "$a" "$out" || die "an event before --since was shown"
	run_nerdc rm "$a" "$b"
}

@test "inspect: State.OOMKilled from the cgroup's oom_kill count" {
	local name=oom-$(random_string 6) ok=ok-$(random_string 6)

	run_nerdc 137 run --net none --memory 8m --name "$name" busybox \
		sh -c 'x=$(head -c 64m /dev/zero | tr "\0" a); echo ${#x}'
	run_nerdc inspect -f '{{.State.OOMKilled}} {{.State.ExitCode}}' "$name"
	assert_equal "$output" "true 137"
	run_nerdc run --net none --memory 8m --name "$ok" busybox true
	run_nerdc inspect -f '{{.State.OOMKilled}}' "$ok"
	assert_equal "$output" "false"
	run_nerdc rm "$name" "$ok"
}

@test "inspect: ExecIDs lists running exec processes (ctr task ps agrees), null when none" {
	local name=eid-$(random_string 6) id

	run_nerdc run -d --net none --name "$name" busybox sleep 60
	id=$output
	run_nerdc inspect -f '{{json .ExecIDs}}' "$name"
	assert_equal "$output" "null"
	run_nerdc exec -d "$name" sleep 60
	run_nerdc inspect -f '{{json .ExecIDs}}' "$name"
	assert_line '^\["[0-9a-f]{64}"\]$'
	local eid=${output:2:64}
	run_ctr task ps "$id"
	assert_contains "$output" "$eid"
	run_nerdc rm -f "$name"
}

@test "commit without REPOSITORY: an untagged image, shown as <none>, removable by ID" {
	local name=cm-$(random_string 6) id mdigest

	run_nerdc run --net none --name "$name" busybox sh -c 'echo hi > /committed'
	run_nerdc commit "$name"
	assert_line '^sha256:[0-9a-f]{64}$'
	id=${output#sha256:}
	# nerdctl's name for an untagged image, as load and import give: <snapshotter>@<manifest
	# digest>; `images` shows the manifest digest as IMAGE ID (nerdctl's), and TAG <none>.
	run_ctr images ls -q
	assert_line '^[a-z]+@sha256:[0-9a-f]{64}$'
	mdigest=$(grep '@sha256:' <<<"$output")
	mdigest=${mdigest#*@sha256:}
	run_nerdc images --filter dangling=true --format '{{.Tag}} {{.ID}}'
	assert_equal "$output" "<none> ${mdigest:0:12}"
	run_nerdc image inspect -f '{{.Id}}' "${mdigest:0:12}"
	assert_equal "$output" "sha256:$id"
	run_nerdc run --rm --net none "${mdigest:0:12}" cat /committed
	assert_equal "$output" "hi"
	# the ID commit printed (Docker's: the config digest) names the image too
	run_nerdc image inspect -f '{{.Id}}' "${id:0:12}"
	assert_equal "$output" "sha256:$id"
	run_nerdc rm "$name"
	run_nerdc rmi "sha256:$id"
	assert_line "^Untagged: [a-z]+@sha256:$mdigest\$"
	run_nerdc images -q
	assert_no_line "^${mdigest:0:12}\$"
	run_ctr images ls -q
	assert_no_line '@sha256:'
}
