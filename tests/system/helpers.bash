# Shared helpers for nerdc's bats system tests: checked runs of nerdc and ctr, one containerd
# namespace per test file, the busybox test image, assertions, and skips that name what is
# missing.
#
# tests/system/run.sh exports before bats starts: NERDC, CTD_SOCK, CONTAINERD_ADDRESS,
# REGISTRY (127.0.0.1:PORT), BUSYBOX_OCI, BUSYBOX_ARCHIVE, BUSYBOX_REF, BUSYBOX_REGISTRY_REF,
# NERDC_TEST_ROOT, NERDC_TEST_NS_PREFIX (nerdctest-<run id>-), NERDCTL_TOML, DOCKER_CONFIG. basic_setup_file adds TEST_NS and
# CONTAINERD_NAMESPACE (= TEST_NS).
#
# Conventions (podman's): every nerdc call goes through run_nerdc, which checks the exit code
# (0 unless told) and prints the command and its output, so a failure shows both. A file that
# defines its own setup_file/teardown_file/setup/teardown calls basic_setup_file etc. from it.

NERDC_TIMEOUT=${NERDC_TIMEOUT:-60}

# ctr for the helpers' own bookkeeping, bounded: ctr waits forever for a containerd that is
# gone (e.g. when the suite is being torn down under a test).
_ctr()
{
	timeout -k 5 "${NERDC_TIMEOUT}" ctr -a "$CTD_SOCK" "$@"
}

# Prints a banner that stands out in bats' failure output, then fails.
die()
{
	echo "#/vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"
	echo "#| FAIL: $*"
	echo "#\\^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^"
	return 1
}

# "nerdctest-<run id>-001-basics" for 001-basics.bats: a namespace no other file, run or user
# shares (the same namespace + id in two containerds share runc state and cgroups).
test_ns_name()
{
	local base

	base=$(basename "${BATS_TEST_FILENAME:-unknown}" .bats)
	base=$(printf '%s' "$base" | tr -c 'A-Za-z0-9-' '-')
	echo "${NERDC_TEST_NS_PREFIX:-nerdctest-}$base"
}

# new_ns_name TOPIC: a fresh namespace name for a test to create (under the run's prefix, so
# the leak check covers it).
new_ns_name()
{
	echo "${NERDC_TEST_NS_PREFIX:-nerdctest-}$1-$(random_string 6)"
}

_need_suite_env()
{
	local v

	for v in NERDC CTD_SOCK NERDC_TEST_ROOT NERDC_TEST_NS_PREFIX; do
		[[ -n ${!v:-} ]] || die "\$$v is not set: run the suite through tests/system/run.sh" || return
	done
}

basic_setup_file()
{
	_need_suite_env || return
	TEST_NS=$(test_ns_name)
	export TEST_NS CONTAINERD_NAMESPACE=$TEST_NS
	_ctr namespaces create "$TEST_NS" 2>/dev/null ||
		_ctr namespaces ls -q | grep -qx "$TEST_NS" ||
		die "cannot create namespace $TEST_NS"
}

basic_teardown_file()
{
	[[ -n ${TEST_NS:-} ]] || return 0
	cleanup_namespace "$TEST_NS"
}

basic_setup() { :; }
basic_teardown() { :; }

setup_file() { basic_setup_file; }
teardown_file() { basic_teardown_file; }
setup() { basic_setup; }
teardown() { basic_teardown; }

# cleanup_namespace NS: deletes tasks, containers and images in NS with ctr, then NS itself.
# What cannot be removed is reported on bats' fd 3 (as a TAP comment), not failed on: the
# suite's leak check after containerd stops is the hard gate.
cleanup_namespace()
{
	local ns=$1 id c=(_ctr -n "$1")

	for id in $("${c[@]}" tasks ls -q 2>/dev/null); do
		"${c[@]}" tasks delete --force "$id" >/dev/null 2>&1 ||
			echo "# warning: cannot delete task $ns/$id" >&3
	done
	for id in $("${c[@]}" containers ls -q 2>/dev/null); do
		"${c[@]}" containers delete "$id" >/dev/null 2>&1 ||
			echo "# warning: cannot delete container $ns/$id" >&3
	done
	for id in $("${c[@]}" images ls -q 2>/dev/null); do
		"${c[@]}" images rm --sync "$id" >/dev/null 2>&1 ||
			echo "# warning: cannot remove image $ns/$id" >&3
	done
	_ctr namespaces remove "$ns" >/dev/null 2>&1 ||
		echo "# warning: cannot remove namespace $ns: $(_ctr namespaces remove "$ns" 2>&1)" >&3
	# runc's per-namespace state dir sits outside containerd's state (see containerd-env.sh),
	# and runc removes a container's cgroup /<ns>/<id> but not /<ns>.
	rmdir "/run/containerd/runc/$ns" 2>/dev/null || true
	local cg
	for cg in /sys/fs/cgroup/*/"$ns"; do
		[[ ! -d $cg ]] || find "$cg" -depth -type d -exec rmdir {} \; 2>/dev/null ||
			echo "# warning: cgroup $cg not empty" >&3
	done
	return 0
}

# _run_checked EXPECTED LABEL CMD...: runs CMD under a timeout, sets $output (stdout+stderr,
# or stdout only in split mode), $stderr (split mode), $status and $lines, prints all of it,
# and fails unless the exit code is EXPECTED ("?" accepts any).
_run_checked()
{
	local expected=$1 label=$2 errf q t0=$SECONDS
	shift 2

	q=$(printf ' %q' "${@:2}")
	echo "\$ $label$q"
	status=0
	stderr=
	if [[ ${_RUN_SPLIT:-} == 1 ]]; then
		errf=$(mktemp "${BATS_TEST_TMPDIR:-${TMPDIR:-/tmp}}/stderr.XXXXXX")
		output=$(timeout -k 10 "$NERDC_TIMEOUT" "$@" 2>"$errf") || status=$?
		stderr=$(<"$errf")
		rm -f "$errf"
	else
		output=$(timeout -k 10 "$NERDC_TIMEOUT" "$@" 2>&1) || status=$?
	fi
	lines=()
	[[ -z $output ]] || mapfile -t lines <<<"$output"
	[[ -z $output ]] || printf '%s\n' "$output"
	[[ -z $stderr ]] || printf '[stderr] %s\n' "$stderr"
	echo "[exit $status]"
	# 124: timeout's SIGTERM worked; 137 after the deadline: its SIGKILL (-k) was needed. A
	# quick 137 is the command's own (e.g. a container killed with SIGKILL).
	if [[ $status -eq 124 ]] || ((status == 137 && SECONDS - t0 >= NERDC_TIMEOUT)); then
		die "$label timed out after ${NERDC_TIMEOUT}s (NERDC_TIMEOUT)" || return
	fi
	[[ $expected == '?' || $status -eq $expected ]] ||
		die "exit code is $status; expected $expected" || return
	return 0
}

# _parse_run_args: leading "--stderr" and an expected exit code ("N" or "?") for run_nerdc/run_ctr.
_parse_run_args()
{
	_RUN_SPLIT=0
	_RUN_RC=0
	if [[ ${1:-} == --stderr ]]; then
		_RUN_SPLIT=1
		shift
	fi
	if [[ ${1:-} =~ ^([0-9]{1,3}|\?)$ ]]; then
		_RUN_RC=$1
		shift
	fi
	_RUN_ARGS=("$@")
}

# run_nerdc [--stderr] [EXPECTED_RC|?] ARGS...
# Runs "$NERDC ARGS..." with CONTAINERD_ADDRESS and CONTAINERD_NAMESPACE from the environment
# (so flags given in ARGS override them, and `CONTAINERD_NAMESPACE=x run_nerdc ...` works).
# --stderr keeps stderr out of $output and puts it in $stderr.
run_nerdc()
{
	_parse_run_args "$@"
	_run_checked "$_RUN_RC" nerdc "$NERDC" "${_RUN_ARGS[@]}"
}

# run_ctr [--stderr] [EXPECTED_RC|?] ARGS...: ctr against the suite's containerd, in $TEST_NS.
run_ctr()
{
	_parse_run_args "$@"
	_run_checked "$_RUN_RC" ctr ctr -a "$CTD_SOCK" -n "${CONTAINERD_NAMESPACE:-$TEST_NS}" \
		"${_RUN_ARGS[@]}"
}

# skip_if_missing TOOL WHY: skips the test, naming TOOL, if it is neither a command nor an
# executable path.
skip_if_missing()
{
	local tool=$1 why=${2:-}

	if [[ $tool == */* ]]; then
		[[ -x $tool ]] && return 0
	else
		command -v "$tool" >/dev/null && return 0
	fi
	skip "$tool is not installed${why:+: needed $why}"
}

# import_busybox [NS]: imports the suite's busybox archive with ctr (not nerdc) as
# $BUSYBOX_REF (docker.io/library/busybox:latest), unpacked, into NS (default $TEST_NS).
import_busybox()
{
	local ns=${1:-$TEST_NS}

	_ctr -n "$ns" images import "$BUSYBOX_ARCHIVE" >/dev/null ||
		die "ctr could not import $BUSYBOX_ARCHIVE into $ns"
}

# containerd's own version as ctr reports it (the server section).
ctr_server_version()
{
	_ctr version | awk '/^Server:/ { s = 1 } s && $1 == "Version:" { print $2; exit }'
}

# random_string [LEN]: lowercase letters and digits, usable in names everywhere.
random_string()
{
	local s

	s=$(head -c 1024 /dev/urandom | tr -dc 'a-z0-9')
	echo "${s:0:${1:-10}}"
}

# regex_quote STR: STR with ERE metacharacters escaped.
regex_quote()
{
	printf '%s' "$1" | sed 's/[][\.|$(){}?+*^]/\\&/g'
}

assert_equal()
{
	[[ $1 == "$2" ]] || die "${3:-values differ}"$'\n'"#| expected: '$2'"$'\n'"#|   actual: '$1'"
}

assert_contains()
{
	[[ $1 == *"$2"* ]] || die "${3:-output does not contain '$2'}"
}

assert_not_contains()
{
	[[ $1 != *"$2"* ]] || die "${3:-output contains '$2'}"
}

# assert_line REGEX [DESC]: some line of $output matches the (extended) REGEX.
assert_line()
{
	local l

	for l in "${lines[@]}"; do
		[[ $l =~ $1 ]] && return 0
	done
	die "${2:-no line of the output matches /$1/}"
}

# assert_no_line REGEX [DESC]
assert_no_line()
{
	local l

	for l in "${lines[@]}"; do
		[[ $l =~ $1 ]] && { die "${2:-a line matches /$1/: '$l'}"; return; }
	done
	return 0
}
