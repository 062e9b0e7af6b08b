#!/usr/bin/env bash
# shellcheck disable=SC2086 # package lists are split into words on purpose
# The one list of Debian packages nerdc needs to build, test and benchmark, and its installer.
#
#   scripts/deps.sh list [GROUP...]     print package names (default groups: build runtime test)
#   scripts/deps.sh missing [GROUP...]  print the ones not installed
#   scripts/deps.sh install [GROUP...]  apt-get install the missing ones (root, or via sudo)
#
# Groups: build (compile + unit tests), runtime (what nerdc drives), test (system tests and
# benchmarks), oracles (independent tools some later system tests compare against; those tests
# skip, naming the package, when it is absent). "all" means every group.
set -euo pipefail

declare -A DEPS=(
	[build]="meson ninja-build pkg-config gcc libc6-dev libnghttp2-dev libprotobuf-c-dev
		protobuf-c-compiler libjansson-dev libcmocka-dev libfyaml-dev libcurl4-openssl-dev
		libssl-dev nettle-dev libarchive-dev zlib1g-dev libzstd-dev libjose-dev libfuse3-dev"
	[runtime]="containerd runc containernetworking-plugins iptables iproute2 tini"
	[test]="bats hyperfine docker-registry skopeo umoci busybox-static apache2-utils curl jq
		util-linux procps coreutils openssl python3 podman"
	[oracles]="crun podman buildah uidmap rootlesskit slirp4netns fuse-overlayfs
		stargz-snapshotter"
)
DEFAULT_GROUPS=(build runtime test)

deps_list()
{
	local g groups=("$@")

	[[ ${#groups[@]} -gt 0 ]] || groups=("${DEFAULT_GROUPS[@]}")
	[[ ${groups[0]} != all ]] || groups=(build runtime test oracles)
	for g in "${groups[@]}"; do
		[[ -n ${DEPS[$g]+x} ]] || { echo "deps.sh: unknown group '$g'" >&2; return 2; }
		# Word splitting on purpose: one package per line.
		printf '%s\n' ${DEPS[$g]}
	done
}

deps_missing()
{
	local p pkgs

	pkgs=$(deps_list "$@") || return
	for p in $pkgs; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
			echo "$p"
	done
}

deps_install()
{
	local missing sudo=()

	missing=$(deps_missing "$@") || return
	if [[ -z $missing ]]; then
		echo "deps.sh: all packages already installed"
		return 0
	fi
	if [[ $(id -u) -ne 0 ]]; then
		command -v sudo >/dev/null || { echo "deps.sh: need root (or sudo) to install:" $missing >&2; return 1; }
		sudo=(sudo)
	fi
	echo "deps.sh: installing:" $missing
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	# shellcheck disable=SC2086 # one word per package
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		$missing </dev/null
}

case ${1:-} in
list) shift; deps_list "$@" ;;
missing) shift; deps_missing "$@" ;;
install) shift; deps_install "$@" ;;
*) sed -n '4,11s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
esac
