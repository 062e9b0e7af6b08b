#!/usr/bin/env bash
# Builds the suite's busybox test image from Debian's busybox-static, and imports/pushes it.
#
#   make-busybox-image.sh [build] DIR          OCI image layout in DIR, tag "latest" (cached:
#                                              rebuilt only when busybox or this script changes)
#   make-busybox-image.sh archive DIR TAR [REF] docker-archive TAR named REF
#                                              (default docker.io/library/busybox:latest)
#   make-busybox-image.sh import DIR SOCK NS [REF]
#                                              import into containerd namespace NS with ctr
#                                              (no nerdc involved)
#   make-busybox-image.sh push DIR HOST:PORT/NAME:TAG
#                                              push to a plain-HTTP registry with skopeo
#
# The image: /bin/busybox plus one symlink per applet in /bin, Cmd ["sh"], Env PATH, no /etc.
set -euo pipefail

BUSYBOX=${BUSYBOX:-/bin/busybox}
DEFAULT_REF=docker.io/library/busybox:latest
ENV_PATH=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

die() { echo "make-busybox-image.sh: $*" >&2; exit 1; }

need()
{
	local t
	for t; do
		command -v "$t" >/dev/null || die "'$t' not found (scripts/deps.sh install)"
	done
}

# What the cached layout depends on: the busybox binary and this script.
stamp()
{
	printf '%s %s\n' "$(sha256sum <"$BUSYBOX" | cut -c1-64)" "$(sha256sum <"$0" | cut -c1-64)"
}

build()
{
	local dir=$1 bundle arch want

	[[ -x $BUSYBOX ]] || die "$BUSYBOX not found (apt-get install busybox-static)"
	file_is_static "$BUSYBOX" || die "$BUSYBOX is not statically linked (need busybox-static)"
	need umoci
	want=$(stamp)
	if [[ -f $dir/index.json && -f $dir/.nerdc-stamp && $(<"$dir/.nerdc-stamp") == "$want" ]]; then
		return 0
	fi
	case $(uname -m) in
	x86_64) arch=amd64 ;;
	aarch64) arch=arm64 ;;
	*) arch=$(uname -m) ;;
	esac
	rm -rf "$dir"
	mkdir -p "$(dirname "$dir")"
	bundle=$(mktemp -d "$(dirname "$dir")/.busybox-bundle.XXXXXX")
	# shellcheck disable=SC2064 # expand now: the path is fixed
	trap "rm -rf '$bundle'" EXIT
	umoci init --layout "$dir"
	umoci new --image "$dir:latest"
	umoci unpack --image "$dir:latest" "$bundle/b" >/dev/null
	mkdir -p "$bundle/b/rootfs/bin"
	install -m 0755 "$BUSYBOX" "$bundle/b/rootfs/bin/busybox"
	local applet
	for applet in $("$BUSYBOX" --list); do
		[[ $applet == busybox ]] || ln -sf busybox "$bundle/b/rootfs/bin/$applet"
	done
	umoci repack --image "$dir:latest" "$bundle/b" >/dev/null
	umoci config --image "$dir:latest" --os linux --architecture "$arch" \
		--config.cmd sh --config.env "$ENV_PATH" \
		--author "nerdc test suite" --history.comment "busybox-static $("$BUSYBOX" | head -1 | awk '{print $2}')"
	umoci gc --layout "$dir"
	stamp >"$dir/.nerdc-stamp"
}

# A dynamically linked busybox would not run inside an image that has no libc.
file_is_static()
{
	if LC_ALL=C readelf -l "$1" 2>/dev/null | grep -q 'INTERP'; then
		return 1
	fi
}

archive()
{
	local dir=$1 tar=$2 ref=${3:-$DEFAULT_REF}

	need skopeo
	[[ -f $dir/index.json ]] || die "$dir is not an OCI layout (run: $0 build $dir)"
	rm -f "$tar"
	skopeo copy -q "oci:$dir:latest" "docker-archive:$tar:$ref" >/dev/null
}

import()
{
	local dir=$1 sock=$2 ns=$3 ref=${4:-$DEFAULT_REF} tmp

	need ctr
	tmp=$(mktemp --tmpdir busybox-archive.XXXXXX.tar)
	# shellcheck disable=SC2064
	trap "rm -f '$tmp'" EXIT
	archive "$dir" "$tmp" "$ref"
	ctr -a "$sock" -n "$ns" images import "$tmp" >/dev/null
}

push()
{
	local dir=$1 dest=$2

	need skopeo
	[[ -f $dir/index.json ]] || die "$dir is not an OCI layout (run: $0 build $dir)"
	skopeo copy -q --dest-tls-verify=false "oci:$dir:latest" "docker://$dest" >/dev/null
}

usage() { sed -n '3,14s/^# \{0,1\}//p' "$0" >&2; exit 2; }

case ${1:-} in
build) [[ $# -eq 2 ]] || usage; build "$2" ;;
archive) [[ $# -ge 3 && $# -le 4 ]] || usage; archive "${@:2}" ;;
import) [[ $# -ge 4 && $# -le 5 ]] || usage; import "${@:2}" ;;
push) [[ $# -eq 3 ]] || usage; push "$2" "$3" ;;
'' | -h | --help) usage ;;
*) [[ $# -eq 1 ]] || usage; build "$1" ;;
esac
