#!/usr/bin/env bash
# Runs the bats system suite against $NERDC in a private network namespace with its own
# containerd and registry, then fails if anything it started outlives it.
#
#   tests/system/run.sh [BATS_OPTIONS...] [FILES...]   (no files: every tests/system/*.bats)
#   e.g. tests/system/run.sh -f 'namespace' tests/system/001-basics.bats
#
# Builds nothing. Environment:
#   NERDC             binary under test (default: build/nerdc, else build/src/nerdc)
#   NERDC_TIMEOUT     seconds one nerdc call may take (default 60)
#   NERDC_TEST_KEEP=1 keep the test root (/var/tmp/nerdc-systest.*) for inspection
#   NERDC_TEST_CACHE  where the busybox OCI layout is cached (default ~/.cache/nerdc-test)
#   BATS_FORMATTER    pretty | tap (default: pretty on a terminal, tap otherwise)
# Output ends with one line "N passed, N failed, N skipped".
set -euo pipefail

SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SYSDIR=$SRCDIR/tests/system
SCRIPTS=$SRCDIR/scripts
# Every containerd namespace a run makes starts with nerdctest-<run id>- (NERDC_TEST_NS_PREFIX,
# exported to the tests): two runs on one machine share runc's state dir and the cgroup tree,
# so their names must differ, and the leak check must only look at its own.

die() { echo "run.sh: $*" >&2; exit 1; }

# Processes, cgroups and runc state left for one of the run's namespaces (cgroupsPath
# /<ns>/<id>); removes what is empty.
cgroup_leaks()
{
	local f p

	for f in /proc/[0-9]*/cgroup; do
		grep -q ":/$NS_PREFIX" "$f" 2>/dev/null || continue
		p=${f#/proc/}
		p=${p%/cgroup}
		echo "leaked process $p (in a $NS_PREFIX* cgroup): $(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline")"
	done
	# cgroups: runc removes /<ns>/<id> but not /<ns>; drop the empty ones, report the rest.
	for f in /sys/fs/cgroup/*/"$NS_PREFIX"*; do
		[[ -d $f ]] || continue
		find "$f" -depth -type d -exec rmdir {} \; 2>/dev/null
		[[ ! -d $f ]] || echo "leaked cgroup (not empty): $f"
	done
	# runc state outside our root (the shim's fixed /run/containerd/runc/<namespace>).
	for f in /run/containerd/runc/"$NS_PREFIX"*/*; do
		[[ -e $f ]] && echo "leaked runc state: $f"
	done
	return 0
}

# wait_for_group SECONDS: waits until no other process of this shell's process group runs;
# SIGKILLs the stragglers after SECONDS.
wait_for_group()
{
	local deadline=$((SECONDS + $1)) p rest

	while :; do
		rest=()
		for p in /proc/[0-9]*/stat; do
			p=${p#/proc/}
			p=${p%/stat}
			[[ $p != "$$" && $p != "$BASHPID" ]] || continue
			# Field 5 is the process group; the name (field 2) may contain spaces.
			[[ $(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | cut -d' ' -f3) == "$$" ]] &&
				rest+=("$p")
		done
		[[ ${#rest[@]} -gt 0 ]] || return 0
		if ((SECONDS >= deadline)); then
			echo "run.sh: killing test processes still running: ${rest[*]}" >&2
			kill -KILL "${rest[@]}" 2>/dev/null || true
			return 0
		fi
		sleep 0.2
	done
}

outer()
{
	local t rc=0 leaks summary

	for t in bats unshare ip containerd ctr runc docker-registry skopeo umoci curl timeout; do
		command -v "$t" >/dev/null || die "'$t' not found; install the test dependencies: scripts/deps.sh install"
	done
	[[ $(id -u) -eq 0 ]] || die "the system suite needs root (containerd, network namespaces)"

	if [[ -z ${NERDC:-} ]]; then
		NERDC=$SRCDIR/build/nerdc
		# Meson puts the binary beside the meson.build that defines it.
		[[ -x $NERDC || ! -x $SRCDIR/build/src/nerdc ]] || NERDC=$SRCDIR/build/src/nerdc
	fi
	NERDC=$(realpath -m "$NERDC")
	[[ -x $NERDC ]] || echo "run.sh: warning: no nerdc at $NERDC; tests that need it will fail" >&2
	export NERDC

	NERDC_TEST_CACHE=${NERDC_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nerdc-test}
	export BUSYBOX_OCI=$NERDC_TEST_CACHE/busybox-oci
	"$SCRIPTS/make-busybox-image.sh" build "$BUSYBOX_OCI"

	# Short and on disk (not tmpfs): it holds containerd's root and a unix socket.
	NERDC_TEST_ROOT=$(mktemp -d /var/tmp/nerdc-systest.XXXXXX)
	NS_PREFIX=nerdctest-$(head -c 512 /dev/urandom | tr -dc 'a-z0-9' | head -c 6)-
	export NERDC_TEST_ROOT NERDC_TEST_NS_PREFIX=$NS_PREFIX
	trap 'outer_cleanup' EXIT

	# Its own session and process group: on INT/TERM one signal reaches the inner runner,
	# bats and every test process at once, and the inner runner's EXIT trap stops the daemons
	# (those sit in sessions of their own, so they are stopped in order, not signalled).
	# (Explicit stdin: a background job would get /dev/null, and bats picks its pretty
	# formatter only when stdin and stdout are terminals.)
	exec {stdin}<&0
	_NERDC_SYSTEST_INNER=1 setsid "$SCRIPTS/in-netns.sh" "${BASH_SOURCE[0]}" "$@" <&$stdin &
	INNER_PID=$!
	trap 'INTERRUPTED=1; kill -TERM -- "-$INNER_PID" 2>/dev/null' INT TERM
	wait "$INNER_PID" || rc=$?
	# A trapped signal ends `wait` early; wait again for the real end.
	while kill -0 "$INNER_PID" 2>/dev/null; do
		rc=0
		wait "$INNER_PID" || rc=$?
	done
	[[ -z ${INTERRUPTED:-} ]] || { echo "run.sh: interrupted" >&2; rc=130; }

	summary=$(cat "$NERDC_TEST_ROOT/summary" 2>/dev/null || echo "0 passed, 0 failed")
	leaks=$("$SCRIPTS/containerd-env.sh" leaks "$NERDC_TEST_ROOT"; cgroup_leaks) || true
	if [[ -n $leaks ]]; then
		echo "run.sh: the suite left things behind:" >&2
		echo "$leaks" >&2
		rc=1
		LEAKED=1
	fi
	# What runc leaves empty in its fixed state dir for our namespaces.
	rmdir /run/containerd/runc/"$NS_PREFIX"* 2>/dev/null || true
	echo "$summary"
	return $rc
}

outer_cleanup()
{
	if [[ ${NERDC_TEST_KEEP:-} == 1 || ${LEAKED:-} == 1 ]]; then
		echo "run.sh: test root kept: $NERDC_TEST_ROOT" >&2
		return
	fi
	# --one-file-system: never descend into something still mounted there.
	rm -rf --one-file-system "$NERDC_TEST_ROOT"
}

inner()
{
	local rc=0 args=("$@") fmt=() report

	# shellcheck source=scripts/containerd-env.sh
	. "$SCRIPTS/containerd-env.sh"
	# On SIGTERM/INT bats itself may end before its file runners finish teardown_file; the
	# daemons must outlive every test process of this run (this shell leads their group).
	trap 'wait_for_group 30; ctdenv_stop "$NERDC_TEST_ROOT/daemons"' EXIT
	trap 'exit 143' TERM
	trap 'exit 130' INT
	CTDENV_REGISTRY_PORT=5000 ctdenv_start "$NERDC_TEST_ROOT/daemons"
	# shellcheck disable=SC1091
	. "$NERDC_TEST_ROOT/daemons/env"
	export CTD_SOCK REGISTRY CONTAINERD_ADDRESS=$CTD_SOCK

	# The image once per run: an archive for `ctr images import` into each file's namespace,
	# a warm content store (a shared namespace holds the blobs), and a copy in the registry.
	export BUSYBOX_REF=docker.io/library/busybox:latest
	export BUSYBOX_ARCHIVE=$NERDC_TEST_ROOT/busybox.tar
	export BUSYBOX_REGISTRY_REF=$REGISTRY/busybox:latest
	"$SCRIPTS/make-busybox-image.sh" archive "$BUSYBOX_OCI" "$BUSYBOX_ARCHIVE" "$BUSYBOX_REF"
	ctr -a "$CTD_SOCK" -n "${NERDC_TEST_NS_PREFIX}cache" images import "$BUSYBOX_ARCHIVE" >/dev/null
	"$SCRIPTS/make-busybox-image.sh" push "$BUSYBOX_OCI" "$BUSYBOX_REGISTRY_REF"

	# Keep nerdc away from the host's configuration and state.
	unset CONTAINERD_NAMESPACE CONTAINERD_SNAPSHOTTER
	mkdir -p "$NERDC_TEST_ROOT/nerdc-data" "$NERDC_TEST_ROOT/docker-config"
	printf 'data_root = "%s"\n' "$NERDC_TEST_ROOT/nerdc-data" >"$NERDC_TEST_ROOT/nerdctl.toml"
	printf 'cni_netconfpath = "%s"\n' "$NERDC_TEST_ROOT/cni/net.d" >>"$NERDC_TEST_ROOT/nerdctl.toml"
	export NERDCTL_TOML=$NERDC_TEST_ROOT/nerdctl.toml DOCKER_CONFIG=$NERDC_TEST_ROOT/docker-config
	# A hung test fails instead of eating the CI budget.
	export BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-300}

	# Options alone (e.g. -f REGEX) mean every file.
	local a has_path=0
	for a in "${args[@]}"; do
		[[ ! -e $a ]] || has_path=1
	done
	[[ $has_path == 1 ]] || args+=("$SYSDIR")
	[[ -z ${BATS_FORMATTER:-} ]] || fmt=(--formatter "$BATS_FORMATTER")
	report=$NERDC_TEST_ROOT/report
	mkdir -p "$report"
	bats "${fmt[@]}" --report-formatter tap --output "$report" "${args[@]}" || rc=$?

	# TAP: "ok N ..." (with "# skip" when skipped) and "not ok N ...".
	awk '/^ok / { if ($0 ~ / # skip/) s++; else p++ } /^not ok / { f++ }
	     END { printf "%d passed, %d failed", p, f; if (s) printf ", %d skipped", s; print "" }' \
		"$report/report.tap" >"$NERDC_TEST_ROOT/summary" 2>/dev/null ||
		echo "0 passed, 0 failed (bats wrote no report)" >"$NERDC_TEST_ROOT/summary"
	return $rc
}

if [[ ${_NERDC_SYSTEST_INNER:-} == 1 ]]; then
	inner "$@"
else
	outer "$@"
fi
