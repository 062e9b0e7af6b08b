#!/usr/bin/env bats
# attach, stats, update (and piped stdin into run -i). Every container runs with --net none.

load helpers

setup_file()
{
	basic_setup_file
	import_busybox
}

@test "run -i: piped stdin reaches the container and EOF ends it" {
	run_nerdc run -i --rm --net none busybox cat <<<"x"
	assert_equal "$output" "x"
	# more than a pipe holds: nothing dropped while the container reads slowly
	head -c 1000000 /dev/zero > "$BATS_TEST_TMPDIR/big"
	run_nerdc run -i --rm --net none busybox sh -c 'sleep 1; wc -c' < "$BATS_TEST_TMPDIR/big"
	assert_equal "$(echo $output)" "1000000"
}

@test "attach: follows a detached container's output and returns its exit code" {
	local name=at-$(random_string 6)

	run_nerdc run -d --net none --name "$name" busybox \
		sh -c 'sleep 1; for i in 1 2 3; do echo line$i; sleep 0.3; done; exit 3'
	run_nerdc 3 attach --no-stdin "$name"
	assert_line '^line3$'
	run_nerdc 1 attach "$name"
	assert_contains "$output" "You cannot attach to a stopped container, start it first"
	run_nerdc 1 attach nosuch-$(random_string 4)
	assert_contains "$output" "No such container"
	run_nerdc rm -f "$name"
}

@test "stats --no-stream: a row with the --memory limit" {
	local name=st-$(random_string 6)

	run_nerdc run -d --net none -m 64m --name "$name" busybox sleep 60
	run_nerdc stats --no-stream
	assert_line '^CONTAINER ID +NAME +CPU % +MEM USAGE / LIMIT +MEM % +NET I/O +BLOCK I/O +PIDS$'
	assert_line "^[0-9a-f]{12} +$name +[0-9.]+% +[0-9.]+[KMG]?i?B / 64MiB +[0-9.]+% .* 1\$"
	run_nerdc stats --no-stream --no-trunc --format '{{.Name}} {{.MemUsage}} {{.PIDs}} {{.ID}}' "$name"
	assert_line "^$name [0-9.]+[KMG]?i?B / 64MiB 1 [0-9a-f]{64}\$"
	run_nerdc 1 stats --no-stream nosuch-$(random_string 4)
	assert_contains "$output" "No such container"
	run_nerdc rm -f "$name"
}

@test "update: memory, cpus, pids in the running cgroup and kept in the spec" {
	local name=up-$(random_string 6)

	run_nerdc run -d --net none -m 64m --name "$name" busybox sleep 60
	run_nerdc update --memory 96m --cpus 0.5 --pids-limit 50 "$name"
	assert_equal "$output" "$name"
	run_nerdc exec "$name" cat /sys/fs/cgroup/memory/memory.limit_in_bytes
	assert_equal "$output" "$((96 * 1024 * 1024))"
	run_nerdc exec "$name" cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us
	assert_equal "$output" "50000"
	run_nerdc exec "$name" cat /sys/fs/cgroup/pids/pids.max
	assert_equal "$output" "50"
	run_nerdc stats --no-stream --format '{{.MemUsage}}' "$name"
	assert_contains "$output" "/ 96MiB"
	# the stored spec has the new limit: a restart keeps it
	run_nerdc stop -t 0 "$name"
	run_nerdc start "$name"
	run_nerdc exec "$name" cat /sys/fs/cgroup/memory/memory.limit_in_bytes
	assert_equal "$output" "$((96 * 1024 * 1024))"
	run_nerdc 1 update --memory 1k "$name"
	assert_contains "$output" "Minimum memory limit allowed is 6MB"
	run_nerdc 1 update "$name"
	assert_contains "$output" "you must provide one or more flags"
	run_nerdc 1 update --restart on-failure:x "$name"
	assert_contains "$output" "maximum retry count must be an integer"
	run_nerdc update --restart on-failure:3 "$name"
	run_nerdc inspect -f '{{json .HostConfig.RestartPolicy}} {{index .Config.Labels "containerd.io/restart.status"}}' "$name"
	assert_equal "$output" '{"Name":"on-failure","MaximumRetryCount":3} running'
	run_nerdc update --restart no "$name"
	run_nerdc inspect -f '{{.HostConfig.RestartPolicy.Name}}' "$name"
	assert_equal "$output" "no"
	run_nerdc rm -f "$name"
}

@test "diff: A/C/D lines like Docker" {
	local name=df-$(random_string 6)

	run_nerdc run --net none --name "$name" busybox \
		sh -c 'echo new > /bin/added; rm /bin/yes; mkdir /newdir; touch /newdir/f'
	run_nerdc diff "$name"
	assert_equal "$output" $'C /bin\nA /bin/added\nD /bin/yes\nA /newdir\nA /newdir/f'
	run_nerdc 1 diff nosuch-$(random_string 4)
	assert_contains "$output" "No such container"
	run_nerdc rm "$name"
}

@test "cp: in and out, directories, tar streams, missing paths" {
	local name=cp-$(random_string 6) tmp=$BATS_TEST_TMPDIR

	run_nerdc run -d --net none --name "$name" busybox sh -c 'mkdir -p /d/sub; echo deep > /d/sub/f; sleep 60'
	echo hello > "$tmp/h.txt"
	run_nerdc cp "$tmp/h.txt" "$name:/d/"
	run_nerdc exec "$name" cat /d/h.txt
	assert_equal "$output" "hello"
	run_nerdc cp "$tmp/h.txt" "$name:/d/renamed"
	run_nerdc exec "$name" cat /d/renamed
	assert_equal "$output" "hello"
	run_nerdc cp "$name:/d" "$tmp/out"
	[[ $(cat "$tmp/out/sub/f") == deep ]] || die "directory not copied out"
	run_nerdc cp "$name:/d/sub/f" "$tmp/"
	[[ $(cat "$tmp/f") == deep ]] || die "file not copied into the directory"
	# a tar stream out and in
	"$NERDC" cp "$name:/d/sub" - > "$tmp/s.tar"
	tar -tf "$tmp/s.tar" | grep -qx 'sub/f' || die "tar lacks sub/f: $(tar -tf "$tmp/s.tar")"
	mkdir "$tmp/t" && echo fromtar > "$tmp/t/x" && tar -C "$tmp/t" -cf "$tmp/in.tar" x
	"$NERDC" cp - "$name:/d/sub" < "$tmp/in.tar"
	run_nerdc exec "$name" cat /d/sub/x
	assert_equal "$output" "fromtar"
	# Docker's errors
	run_nerdc 1 cp "$name:/nope" "$tmp/"
	assert_contains "$output" "Could not find the file /nope in container $name"
	run_nerdc 1 cp "$tmp/nope" "$name:/"
	assert_contains "$output" "no such file or directory"
	run_nerdc 1 cp "$tmp/h.txt" "$tmp/x"
	assert_contains "$output" "must specify at least one container source"
	# stopped container: through the snapshot
	run_nerdc stop -t 0 "$name"
	run_nerdc cp "$name:/d/h.txt" "$tmp/stopped.txt"
	[[ $(cat "$tmp/stopped.txt") == hello ]] || die "copy from a stopped container failed"
	run_nerdc cp "$tmp/h.txt" "$name:/d/while-stopped"
	run_nerdc start "$name"
	run_nerdc exec "$name" cat /d/while-stopped
	assert_equal "$output" "hello"
	run_nerdc rm -f "$name"
}

@test "cp: a symlink that climbs out stays inside the container root" {
	local name=ce-$(random_string 6) tmp=$BATS_TEST_TMPDIR marker=escape-$(random_string 8)

	run_nerdc run -d --net none --name "$name" busybox \
		sh -c 'mkdir /d; ln -s ../../../../../../../tmp /d/up; ln -s /etc/../../../../ /d/abs; mkdir /tmp; sleep 60'
	echo inside > "$tmp/$marker"
	run_nerdc cp "$tmp/$marker" "$name:/d/up/"
	[[ ! -e /tmp/$marker ]] || { rm -f "/tmp/$marker"; die "cp escaped to the host's /tmp"; }
	run_nerdc exec "$name" cat "/tmp/$marker"
	assert_equal "$output" "inside"
	run_nerdc cp "$tmp/$marker" "$name:/d/abs/root-$marker"
	[[ ! -e /root-$marker ]] || { rm -f "/root-$marker"; die "cp escaped to the host's /"; }
	run_nerdc exec "$name" cat "/root-$marker"
	assert_equal "$output" "inside"
	# out: the link is followed inside the container only
	run_nerdc cp -L "$name:/d/abs/tmp/$marker" "$tmp/back"
	assert_equal "$(cat "$tmp/back")" "inside"
	run_nerdc rm -f "$name"
}

@test "export: a tar of the container's filesystem" {
	local name=ex-$(random_string 6) tmp=$BATS_TEST_TMPDIR

	run_nerdc run --net none --name "$name" busybox sh -c 'echo hi > /exported'
	run_nerdc export -o "$tmp/e.tar" "$name"
	tar -tf "$tmp/e.tar" > "$tmp/list"
	grep -qx 'exported' "$tmp/list" || die "exported file missing: $(head "$tmp/list")"
	grep -qx 'bin/sh' "$tmp/list" || die "bin/sh missing"
	"$NERDC" export "$name" | tar -xOf - exported > "$tmp/content"
	assert_equal "$(cat "$tmp/content")" "hi"
	run_nerdc rm "$name"
}

@test "commit: the new image runs with the changed files and -c CMD" {
	local name=cm-$(random_string 6) img=committed-$(random_string 6)

	run_nerdc run --net none --name "$name" busybox sh -c 'echo changed > /marker; rm /bin/yes'
	run_nerdc commit -m "a message" -a "me" -c 'CMD ["cat", "/marker"]' -c 'ENV FOO=bar' "$name" "$img:v1"
	assert_line '^sha256:[0-9a-f]{64}$'
	run_nerdc run --rm --net none "$img:v1"
	assert_equal "$output" "changed"
	run_nerdc run --rm --net none "$img:v1" sh -c 'echo $FOO; test -e /bin/yes || echo gone'
	assert_equal "$output" $'bar\ngone'
	run_nerdc image inspect -f '{{.Author}} {{.Comment}}' "$img:v1"
	run_nerdc 1 commit -c 'BOGUS x' "$name" "$img:v2"
	assert_contains "$output" "not a valid change command"
	# running container, paused meanwhile
	run_nerdc run -d --net none --name "$name-r" busybox sh -c 'echo live > /live; sleep 60'
	run_nerdc commit "$name-r" "$img:v3"
	run_nerdc run --rm --net none "$img:v3" cat /live
	assert_equal "$output" "live"
	run_nerdc inspect -f '{{.State.Status}}' "$name-r"
	assert_equal "$output" "running"
	run_nerdc rm -f "$name" "$name-r"
	run_nerdc rmi "$img:v1" "$img:v3"
}
