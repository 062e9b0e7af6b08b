#!/usr/bin/env bash
# The README's first command: installs the Debian dependencies, builds nerdc, makes sure a
# containerd answers on the default socket (starting one if none does), and runs nerdc.
#
#   scripts/quickstart.sh
#
# Environment: BUILD_DIR (default build), CONTAINERD_ADDRESS (default
# /run/containerd/containerd.sock), NERDC_QUICKSTART_DIR (pid and log of a containerd this
# script starts; default /var/tmp/nerdc-quickstart).
set -euo pipefail

SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$SRCDIR"
BUILD=${BUILD_DIR:-build}
SOCK=${CONTAINERD_ADDRESS:-/run/containerd/containerd.sock}
QSDIR=${NERDC_QUICKSTART_DIR:-/var/tmp/nerdc-quickstart}

say() { printf '\n==> %s\n' "$*"; }
die() { echo "quickstart: $*" >&2; exit 1; }

say "Installing dependencies (scripts/deps.sh install)"
scripts/deps.sh install

say "Building nerdc in $BUILD/"
[[ -f $BUILD/build.ninja ]] || meson setup "$BUILD"
meson compile -C "$BUILD"
NERDC=$BUILD/nerdc
[[ -x $NERDC || ! -x $BUILD/src/nerdc ]] || NERDC=$BUILD/src/nerdc
[[ -x $NERDC ]] || die "the build made no nerdc binary"

say "containerd on $SOCK"
if ctr -a "$SOCK" --timeout 2s version >/dev/null 2>&1; then
	echo "a containerd already answers there; using it"
else
	[[ $(id -u) -eq 0 ]] || die "no containerd answers on $SOCK; start one as root (sudo containerd &) and run this again"
	[[ $SOCK == /run/containerd/containerd.sock ]] ||
		die "no containerd answers on $SOCK, and this script only starts one on the default socket"
	mkdir -p "$QSDIR"
	# Its default configuration (/etc/containerd/config.toml), detached from this terminal.
	setsid containerd </dev/null >>"$QSDIR/containerd.log" 2>&1 &
	echo $! >"$QSDIR/containerd.pid"
	for ((i = 0; i < 300; i++)); do
		ctr -a "$SOCK" --timeout 2s version >/dev/null 2>&1 && break
		kill -0 "$(cat "$QSDIR/containerd.pid")" 2>/dev/null ||
			{ tail -n 20 "$QSDIR/containerd.log" >&2; die "containerd exited; log: $QSDIR/containerd.log"; }
		sleep 0.1
	done
	ctr -a "$SOCK" --timeout 2s version >/dev/null 2>&1 ||
		die "containerd did not answer within 30 s; log: $QSDIR/containerd.log"
	echo "started containerd (pid $(cat "$QSDIR/containerd.pid"), log $QSDIR/containerd.log)"
	echo "stop it with: kill \$(cat $QSDIR/containerd.pid)"
fi
export CONTAINERD_ADDRESS=$SOCK

say "$NERDC version"
"$NERDC" version

say "$NERDC run --rm --net none busybox echo hello"
# A local busybox image made from Debian's busybox-static (there is no registry to pull from),
# loaded with nerdc itself. --net none keeps this demo off the host's network setup; drop it
# to get the default bridge network (CNI plugins, iptables rules on this host).
cache=${XDG_CACHE_HOME:-$HOME/.cache}/nerdc-test
if ! "$NERDC" image inspect busybox >/dev/null 2>&1; then
	scripts/make-busybox-image.sh build "$cache/busybox-oci"
	scripts/make-busybox-image.sh archive "$cache/busybox-oci" "$cache/busybox.tar"
	"$NERDC" load -i "$cache/busybox.tar"
fi
"$NERDC" run --rm --net none busybox echo "hello from a nerdc container"
