#!/usr/bin/env bats
# Runtime specs from src/oci, checked by running them with runc directly (no containerd, no
# nerdc command): a busybox bundle unpacked with umoci, config.json written by the test-only
# tests/unit/oci-spec-tool, then `runc run` and a look from inside (id, /proc/self/status,
# the cgroup files, the root filesystem). runc's state lives in the file's temporary dir and
# every container gets its own cgroup /<namespace>/<id>.

load helpers

setup_file()
{
	basic_setup_file
	local d
	d=$(dirname "$NERDC")
	OCI_TOOL=
	for t in "$d/tests/unit/oci-spec-tool" "$d/../tests/unit/oci-spec-tool"; do
		[[ -x $t ]] && OCI_TOOL=$(realpath "$t") && break
	done
	export OCI_TOOL
	export OCI_BUNDLE=$BATS_FILE_TMPDIR/bundle OCI_RUNC_ROOT=$BATS_FILE_TMPDIR/runc
	if [[ -n $OCI_TOOL ]] && command -v umoci >/dev/null && command -v runc >/dev/null; then
		umoci unpack --image "$BUSYBOX_OCI:latest" "$OCI_BUNDLE" >/dev/null ||
			die "umoci unpack of $BUSYBOX_OCI failed"
	fi
}

teardown_file()
{
	local id
	if [[ -d ${OCI_RUNC_ROOT:-/nonexistent} ]]; then
		for id in $(runc --root "$OCI_RUNC_ROOT" list -q 2>/dev/null); do
			runc --root "$OCI_RUNC_ROOT" delete -f "$id" >/dev/null 2>&1
		done
	fi
	# The cgroups runc made under /<namespace>: remove the per-test leaves, then the parent.
	rmdir /sys/fs/cgroup/*/"$TEST_NS"/* /sys/fs/cgroup/*/"$TEST_NS" 2>/dev/null || true
	basic_teardown_file
}

setup()
{
	[[ -n $OCI_TOOL ]] || skip "oci-spec-tool not built next to $NERDC"
	skip_if_missing runc "to run the generated specs"
	skip_if_missing umoci "to unpack the busybox bundle"
	[[ $(id -u) == 0 ]] || skip "runc run needs root"
}

# run_spec [EXPECTED_RC] TOOL-FLAGS... -- CMD...: writes config.json with a fresh id and
# cgroup, runs it with runc, deletes it.
run_spec()
{
	local rc=0 id
	if [[ $1 =~ ^[0-9]+$ ]]; then
		rc=$1
		shift
	fi
	id=oci-$(random_string 8)
	"$OCI_TOOL" --hostname="$id" --cgroups-path="/$TEST_NS/$id" "$@" >"$OCI_BUNDLE/config.json" ||
		die "oci-spec-tool failed"
	_run_checked "$rc" runc runc --root "$OCI_RUNC_ROOT" run --bundle "$OCI_BUNDLE" "$id"
	runc --root "$OCI_RUNC_ROOT" delete -f "$id" >/dev/null 2>&1 || true
}

@test "default spec: Docker's 14 capabilities, seccomp filter, root, hostname, env" {
	run_spec -- sh -c 'id; grep -E "^(CapBnd|CapEff|CapInh|Seccomp|NoNewPrivs):" /proc/self/status; hostname; echo "env:$HOSTNAME"; pwd'
	assert_line '^uid=0 gid=0'
	assert_line '^CapBnd:[[:space:]]+00000000a80425fb$'
	assert_line '^CapEff:[[:space:]]+00000000a80425fb$'
	assert_line '^CapInh:[[:space:]]+0000000000000000$'
	assert_line '^Seccomp:[[:space:]]+2$'
	assert_line '^NoNewPrivs:[[:space:]]+0$'
	assert_line '^oci-[a-z0-9]{8}$'
	assert_line '^env:oci-'
	assert_line '^/$'
}

@test "default spec: masked and read-only /proc paths, /sys read-only, /dev/shm 64m" {
	run_spec -- sh -c 'cat /proc/kcore | wc -c; touch /proc/sysrq-trigger 2>&1; mkdir /sys/x 2>&1; grep " /dev/shm " /proc/mounts'
	assert_line '^0$'
	assert_line 'Read-only file system'
	assert_line 'size=65536k'
}

@test "-u 1000:1000 and a numeric user without /etc/passwd" {
	run_spec --user=1000:1000 -- id
	assert_line '^uid=1000 gid=1000'
}

@test "--read-only refuses writes to the root; tmpfs stays writable" {
	run_spec --read-only --tmpfs=/run:size=1m -- sh -c 'touch /x 2>&1; echo hi > /run/f && cat /run/f'
	assert_line 'Read-only file system'
	assert_line '^hi$'
}

@test "--memory, --cpus, --pids-limit land in the cgroup v1 files" {
	[[ -d /sys/fs/cgroup/memory ]] || skip "no cgroup v1 memory controller"
	run_spec --memory=64m --cpus=1.5 --pids-limit=50 -- sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/pids/pids.max'
	assert_equal "${lines[0]}" 67108864
	assert_equal "${lines[1]}" 150000
	assert_equal "${lines[2]}" 50
}

@test "--cap-drop ALL --cap-add NET_ADMIN leaves only CAP_NET_ADMIN" {
	run_spec --cap-drop=ALL --cap-add=NET_ADMIN -- grep CapBnd /proc/self/status
	assert_line '^CapBnd:[[:space:]]+0000000000001000$'
}

@test "--privileged: the host's bounding set, no seccomp, /sys writable" {
	local want
	want=$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)
	run_spec --privileged -- sh -c 'grep -E "^(CapBnd|Seccomp):" /proc/self/status; grep " /sys sysfs " /proc/mounts'
	assert_line "^CapBnd:[[:space:]]+$want\$"
	assert_line '^Seccomp:[[:space:]]+0$'
	assert_line ' /sys sysfs rw,'
}

@test "--security-opt no-new-privileges and seccomp=unconfined" {
	run_spec --security-opt=no-new-privileges --security-opt=seccomp=unconfined -- grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status
	assert_line '^NoNewPrivs:[[:space:]]+1$'
	assert_line '^Seccomp:[[:space:]]+0$'
}

@test "--ulimit nofile and -e/-w" {
	run_spec --ulimit=nofile=1024:2048 --env=FOO=bar --workdir=/bin -- sh -c 'ulimit -n; ulimit -Hn; echo "$FOO"; pwd'
	assert_equal "${lines[0]}" 1024
	assert_equal "${lines[1]}" 2048
	assert_equal "${lines[2]}" bar
	assert_equal "${lines[3]}" /bin
}

@test "the default seccomp profile refuses what Docker's refuses" {
	# unshare(CLONE_NEWUSER) needs CAP_SYS_ADMIN under Docker's profile: EPERM.
	run_spec 1 -- unshare -U true
	assert_line 'Operation not permitted'
}
