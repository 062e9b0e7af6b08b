#!/usr/bin/env bats
# The container core: run/create/start/stop/kill/rm/ps/wait/pause/rename/prune, exit codes,
# the name store, --rm cleanup checked with ctr, flags checked inside the container.
# Networking is the net helper's: every container here runs with --net none.

load helpers

setup_file()
{
	basic_setup_file
	import_busybox
}

# ctr_ids: the container IDs ctr sees in the test namespace.
ctr_ids()
{
	_ctr -n "$TEST_NS" containers ls -q
}

@test "run --rm true exits 0 and leaves no container, task or snapshot" {
	local before_snap after_snap

	before_snap=$(_ctr -n "$TEST_NS" snapshots ls | wc -l)
	run_nerdc run --rm --net none busybox true
	run_ctr containers ls -q
	assert_equal "$output" ""
	run_ctr tasks ls -q
	assert_equal "$output" ""
	after_snap=$(_ctr -n "$TEST_NS" snapshots ls | wc -l)
	assert_equal "$after_snap" "$before_snap" "a snapshot was left behind"
}

@test "run: --cgroup-manager is honoured; an unknown one fails and leaves nothing" {
	run_nerdc --cgroup-manager cgroupfs run --rm --net none busybox sh -c 'cat /proc/self/cgroup'
	assert_contains "$output" "/$TEST_NS/"
	run_nerdc 125 --cgroup-manager bogus run --rm --net none busybox true
	assert_contains "$output" 'invalid cgroup manager "bogus"'
	run_ctr containers ls -q
	assert_equal "$output" ""
}

@test "run: the container's exit code and output" {
	run_nerdc 3 run --rm --net none busybox sh -c 'echo out; echo err >&2; exit 3'
	assert_line '^out$'
	assert_line '^err$'
}

@test "run: a missing command exits 127 with Docker's message" {
	run_nerdc 127 run --rm --net none busybox nosuchcmd
	assert_contains "$output" 'exec: "nosuchcmd": executable file not found in $PATH'
}

@test "run: a missing image exits 125" {
	run_nerdc 125 run --rm --net none --pull never nosuchimage:1
}

@test "run: flags not wired yet fail loudly" {
	run_nerdc 125 run --rm --net none --link other busybox true
	assert_contains "$output" "not implemented yet"
	run_nerdc 125 run --rm --net none --userns host busybox true
	assert_contains "$output" "not implemented yet"
}

@test "run -e -w -u --entrypoint are visible inside" {
	run_nerdc run --rm --net none -e FOO=bar -w /tmp -u 1000:1001 --entrypoint /bin/sh \
		busybox -c 'id; pwd; echo "FOO=$FOO"'
	assert_line '^uid=1000 gid=1001'
	assert_line '^/tmp$'
	assert_line '^FOO=bar$'
}

@test "run --read-only refuses writes; --cap-drop shows in /proc/self/status" {
	run_nerdc 1 run --rm --net none --read-only busybox touch /x
	assert_contains "$output" "Read-only file system"
	run_nerdc run --rm --net none busybox grep CapBnd /proc/self/status
	local all=${output##*:}
	run_nerdc run --rm --net none --cap-drop CHOWN busybox grep CapBnd /proc/self/status
	[[ ${output##*:} != "$all" ]] || die "--cap-drop CHOWN did not change CapBnd"
	(( (0x${output##*[[:space:]]} & 1) == 0 )) || die "CAP_CHOWN still in the bounding set"
}

@test "run --memory sets the cgroup limit" {
	run_nerdc run --rm --net none -m 64m busybox cat /sys/fs/cgroup/memory/memory.limit_in_bytes
	assert_equal "$output" "67108864"
}

@test "run -d, ps, stop, start, kill, rm" {
	run_nerdc run -d --net none --name lc1 busybox sleep 300
	local id=$output
	[[ $id =~ ^[0-9a-f]{64}$ ]] || die "run -d did not print an ID: $id"
	run_nerdc ps
	assert_line "^${id:0:12} +docker.io/library/busybox:latest +\"sleep 300\" .* Up .* lc1$"
	run_ctr tasks ls
	assert_line "^$id +[0-9]+ +RUNNING"

	run_nerdc stop -t 1 lc1
	assert_equal "$output" "lc1"
	run_nerdc ps -a --filter name=lc1 --format '{{.Status}}'
	assert_contains "$output" "Exited (137)"
	run_nerdc ps -q
	assert_not_contains "$output" "${id:0:12}"

	run_nerdc start lc1
	run_nerdc ps --format '{{.Names}} {{.State}}'
	assert_line '^lc1 running$'
	run_nerdc kill -s TERM "${id:0:8}"
	run_nerdc kill lc1
	run_nerdc wait lc1
	assert_equal "$output" "137"
	run_nerdc rm lc1
	run_nerdc 1 rm lc1
	assert_contains "$output" "No such container: lc1"
}

@test "rm of a running container is refused without -f" {
	run_nerdc run -d --net none --name lc2 busybox sleep 300
	local id=$output
	run_nerdc 1 rm lc2
	assert_contains "$output" "You cannot remove a running container $id. Stop the container before attempting removal or force remove"
	run_nerdc rm -f lc2
	run_ctr containers ls -q
	assert_not_contains "$output" "$id"
}

@test "a name in use is refused, naming the container" {
	run_nerdc create --net none --name lc3 busybox true
	local id=$output
	run_nerdc 125 create --net none --name lc3 busybox true
	assert_contains "$output" "The container name \"/lc3\" is already in use by container \"$id\""
	run_nerdc rename lc3 lc3b
	run_nerdc ps -a --format '{{.Names}}' --filter id="$id"
	assert_equal "$output" "lc3b"
	run_nerdc create --net none --name lc3 busybox true
	run_nerdc rm lc3 lc3b
}

@test "ps -a shows containers made by ctr; ps filters" {
	run_ctr run -d docker.io/library/busybox:latest ctrmade sleep 300
	run_nerdc ps -a --format '{{.ID}} {{.Status}}'
	assert_line '^ctrmade +Up'
	run_nerdc ps -a --filter status=running -q --no-trunc
	assert_line '^ctrmade$'
	run_nerdc ps -a --filter ancestor=busybox -q --no-trunc
	assert_line '^ctrmade$'
	run_ctr tasks kill -s KILL ctrmade
	run_nerdc wait ctrmade
	run_nerdc rm ctrmade
	run_ctr containers ls -q
	assert_not_contains "$output" "ctrmade"
}

@test "pause and unpause" {
	run_nerdc run -d --net none --name lc4 busybox sleep 300
	run_nerdc pause lc4
	run_nerdc ps --format '{{.State}} {{.Status}}' --filter name=lc4
	assert_contains "$output" "paused"
	run_nerdc 1 pause lc4
	run_nerdc unpause lc4
	run_nerdc rm -f lc4
}

@test "--pidfile and --cidfile are written" {
	local d=$BATS_TEST_TMPDIR
	run_nerdc run -d --net none --pidfile "$d/pid" --cidfile "$d/cid" --name lc5 busybox sleep 300
	assert_equal "$(<"$d/cid")" "$output"
	[[ -d /proc/$(<"$d/pid") ]] || die "pidfile names no process"
	run_nerdc rm -f lc5
}

@test "a CLI killed during run -d leaves ps -a and container prune working" {
	# SIGKILL at various points of the create; whatever is left must list and prune.
	local i before_snap
	before_snap=$(_ctr -n "$TEST_NS" snapshots ls | wc -l)
	for i in 1 2 3 4 5; do
		timeout -s KILL "0.0${i}" "$NERDC" run -d --net none busybox sleep 300 >/dev/null 2>&1 || true
	done
	run_nerdc ps -a
	# Stop what did start, then prune everything.
	for id in $(_ctr -n "$TEST_NS" tasks ls -q); do
		_ctr -n "$TEST_NS" tasks kill -s KILL "$id" >/dev/null 2>&1 || true
	done
	sleep 0.5
	run_nerdc container prune -f
	run_ctr containers ls -q
	assert_equal "$output" ""
	# The killed CLIs' leases (and the snapshots they held) are gone too.
	run_ctr leases ls -q
	assert_no_line '^nerdc-'
	assert_equal "$(_ctr -n "$TEST_NS" snapshots ls | wc -l)" "$before_snap" "a snapshot was left behind"
}

@test "create + start -a gives the exit code" {
	run_nerdc create --net none --name lc6 busybox sh -c 'echo hi; exit 4'
	run_nerdc 4 start -a lc6
	assert_line '^hi$'
	run_nerdc rm lc6
}
