#!/usr/bin/env bash
# The README's test command: builds, runs the unit tests, then the system suite against the
# freshly built nerdc.
#
#   scripts/test.sh [BUILD_DIR] [-- SYSTEM_SUITE_ARGS...]     (default BUILD_DIR: build)
#
# NERDC_SKIP_UNIT=1 or NERDC_SKIP_SYSTEM=1 leaves one half out. The system suite needs root
# (it starts its own containerd in a private network namespace; see docs/testing.md); as root,
# the unit tests get one too (NERDC_TEST_CONTAINERD_ADDRESS, for live tests).
set -euo pipefail

SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$SRCDIR"
BUILD=build
if [[ $# -gt 0 && $1 != -- ]]; then
	BUILD=$1
	shift
fi
[[ ${1:-} != -- ]] || shift

failed=()
[[ -f $BUILD/build.ninja ]] || meson setup "$BUILD"
meson compile -C "$BUILD"

if [[ ${NERDC_SKIP_UNIT:-} != 1 ]]; then
	echo "=== unit tests ($BUILD)"
	if [[ $(id -u) -eq 0 && -z ${NERDC_TEST_CONTAINERD_ADDRESS:-} ]]; then
		# Live unit tests (NERDC_TEST_CONTAINERD_ADDRESS) get a private containerd in a private
		# network namespace; without root they skip.
		ctd=$(mktemp -d /var/tmp/nerdc-unit.XXXXXX)
		scripts/in-netns.sh scripts/containerd-env.sh run "$ctd" \
			meson test -C "$BUILD" --print-errorlogs || failed+=("unit tests")
		if ! scripts/containerd-env.sh leaks "$ctd"; then
			failed+=("unit tests left things behind in $ctd")
		else
			rm -rf --one-file-system "$ctd"
		fi
	else
		meson test -C "$BUILD" --print-errorlogs || failed+=("unit tests")
	fi
fi

if [[ ${NERDC_SKIP_SYSTEM:-} != 1 ]]; then
	echo "=== system tests ($BUILD)"
	NERDC=$BUILD/nerdc
	[[ -x $NERDC || ! -x $BUILD/src/nerdc ]] || NERDC=$BUILD/src/nerdc
	if [[ $(id -u) -ne 0 ]]; then
		echo "scripts/test.sh: the system suite needs root: sudo scripts/test.sh $BUILD" >&2
		failed+=("system tests (not run: not root)")
	else
		NERDC=$NERDC tests/system/run.sh "$@" || failed+=("system tests")
	fi
fi

if [[ ${#failed[@]} -gt 0 ]]; then
	printf 'scripts/test.sh: FAILED: %s\n' "${failed[@]}" >&2
	exit 1
fi
echo "scripts/test.sh: all passed"
