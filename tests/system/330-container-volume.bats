#!/usr/bin/env bats
# Volumes in containers: persistence, in-use refusal, copy-up, anonymous volumes and rm -v,
# --volumes-from, :ro, --mount, inspect Mounts.

load helpers

setup_file()
{
	basic_setup_file
	import_busybox
}

teardown_file()
{
	local ids
	ids=$(_ctr -n "$TEST_NS" containers ls -q 2>/dev/null) || true
	[[ -z $ids ]] || "$NERDC" rm -f $ids >/dev/null 2>&1 || true
	basic_teardown_file
}

# mountpoint_of NAME: sets $mp to the volume's _data directory.
mountpoint_of()
{
	run_nerdc volume inspect -f '{{.Mountpoint}}' "$1"
	mp=$output
}

@test "named volume: data persists across containers, in use refused, gone after rm" {
	local v=vd-$(random_string 6)
	run_nerdc run --rm --net none -v "$v:/data" busybox sh -c 'echo persisted >/data/f'
	run_nerdc run --rm --net none -v "$v:/data" busybox cat /data/f
	assert_equal "$output" "persisted"
	run_nerdc create --name holder --net none -v "$v:/data" busybox true
	run_nerdc 1 volume rm "$v"
	assert_contains "$output" "volume is in use"
	assert_contains "$output" "holder"
	run_nerdc inspect holder
	run jq -r '.[0].Mounts[0] | .Type, .Name, .Destination, .RW, .Driver' <<<"$output"
	assert_equal "${lines[*]}" "volume $v /data true local"
	run_nerdc rm holder
	local mp
	mountpoint_of "$v"
	run_nerdc volume rm "$v"
	[[ ! -e $mp ]] || die "volume data left at $mp"
	run_nerdc 1 volume inspect "$v"
}

@test "a new empty named volume gets the image's content (copy-up)" {
	local v=vc-$(random_string 6)
	run_nerdc run --rm --net none -v "$v:/bin" busybox /bin/busybox true
	local mp
	mountpoint_of "$v"
	[[ -e $mp/busybox ]] || die "image content not copied into $mp"
	# Not again into a volume that has data.
	rm -f "$mp/busybox"
	echo mine >"$mp/own"
	run_nerdc "?" run --rm --net none -v "$v:/bin" busybox /bin/busybox true
	[[ ! -e $mp/busybox ]] || die "copied into a non-empty volume"
	run_nerdc volume rm "$v"
}

@test "anonymous volumes: -v /path, kept by rm, removed by rm -v and --rm" {
	run_nerdc create --name anon1 --net none -v /scratch busybox true
	run_nerdc inspect -f '{{(index .Mounts 0).Name}}' anon1
	[[ $output =~ ^[0-9a-f]{64}$ ]] || die "anonymous name: $output"
	local a1=$output
	run_nerdc volume inspect "$a1"
	run_nerdc rm -v anon1
	run_nerdc 1 volume inspect "$a1"

	run_nerdc create --name anon2 --net none -v /scratch busybox true
	run_nerdc inspect -f '{{(index .Mounts 0).Name}}' anon2
	local a2=$output
	run_nerdc rm anon2
	run_nerdc volume inspect "$a2"
	run_nerdc volume rm "$a2"

	run_nerdc volume ls -q
	local before=$output
	run_nerdc run --rm --net none -v /scratch busybox sh -c 'echo x >/scratch/y'
	run_nerdc volume ls -q
	assert_equal "$output" "$before" "run --rm left an anonymous volume"
}

@test "--volumes-from, :ro and --mount" {
	local v=vf-$(random_string 6)
	run_nerdc create --name vsrc --net none -v "$v:/shared" busybox true
	run_nerdc run --rm --net none --volumes-from vsrc busybox sh -c 'echo via-from >/shared/f'
	run_nerdc run --rm --net none --mount "type=volume,src=$v,dst=/m" busybox cat /m/f
	assert_equal "$output" "via-from"
	run_nerdc 1 run --rm --net none --volumes-from vsrc:ro busybox sh -c 'echo no >/shared/g'
	assert_contains "$output" "Read-only file system"
	run_nerdc 1 run --rm --net none -v "$v:/d:ro" busybox sh -c 'echo no >/d/g'
	assert_contains "$output" "Read-only file system"
	run_nerdc run --rm --net none --mount type=tmpfs,dst=/t busybox sh -c 'grep " /t " /proc/mounts'
	assert_contains "$output" "tmpfs"
	run_nerdc 1 volume rm "$v"
	assert_contains "$output" "vsrc"
	run_nerdc rm vsrc
	run_nerdc volume rm "$v"
	run_nerdc 125 run --rm --net none -v "a/b:/x" busybox true
	assert_contains "$output" "invalid characters for a local volume name"
}

@test "image VOLUME: an anonymous volume filled from the image, removed by rm -v" {
	skip_if_missing umoci "to add a VOLUME to the test image"
	local d=$BATS_TEST_TMPDIR/img
	cp -r "$BUSYBOX_OCI" "$d"
	umoci config --image "$d:latest" --tag vol --config.volume /bin
	tar -C "$d" -cf "$d.tar" .
	_ctr -n "$TEST_NS" images import --base-name localhost/volimg "$d.tar" >/dev/null
	run_nerdc run --name iv --net none localhost/volimg:vol /bin/busybox true
	run_nerdc inspect iv
	run jq -r '.[0].Mounts[0] | .Type, .Destination, .Name, .Source' <<<"$output"
	assert_equal "${lines[0]} ${lines[1]}" "volume /bin"
	[[ ${lines[2]} =~ ^[0-9a-f]{64}$ ]] || die "anonymous name: ${lines[2]}"
	[[ -e ${lines[3]}/busybox ]] || die "image content not copied into ${lines[3]}"
	local v=${lines[2]}
	run_nerdc rm -v iv
	run_nerdc 1 volume inspect "$v"
	# A user mount on the same path replaces the image's volume.
	local named=vn-$(random_string 6)
	run_nerdc create --name iv2 --net none -v "$named:/bin" localhost/volimg:vol true
	run_nerdc inspect -f '{{len .Mounts}} {{(index .Mounts 0).Name}}' iv2
	assert_equal "$output" "1 $named"
	run_nerdc rm -v iv2
	run_nerdc volume rm "$named"
}
