#!/usr/bin/env bash
# Builds the pull benchmark's two OCI image layouts with umoci (cached in DIR):
#   DIR/pull-a  4 layers of 50 MB incompressible (random) data each
#   DIR/pull-b  one layer of ~5,000 real files copied from /usr (~200 MB unpacked)
#
#   bench/make-pull-images.sh DIR
set -euo pipefail

dir=${1:?usage: make-pull-images.sh DIR}
mkdir -p "$dir"
tmp=$(mktemp -d /var/tmp/nerdc-pullimg.XXXXXX)
trap 'rm -rf --one-file-system "$tmp"' EXIT

if [[ ! -f $dir/pull-a/index.json ]]; then
	umoci init --layout "$tmp/a"
	umoci new --image "$tmp/a:latest"
	for i in 1 2 3 4; do
		mkdir -p "$tmp/a$i"
		head -c $((50 * 1024 * 1024)) /dev/urandom >"$tmp/a$i/blob$i"
		tar -C "$tmp/a$i" -cf "$tmp/a$i.tar" "blob$i"
		umoci raw add-layer --image "$tmp/a:latest" "$tmp/a$i.tar"
		rm -rf "$tmp/a$i" "$tmp/a$i.tar"
	done
	rm -rf "$dir/pull-a"
	mv "$tmp/a" "$dir/pull-a"
fi

if [[ ! -f $dir/pull-b/index.json ]]; then
	umoci init --layout "$tmp/b"
	umoci new --image "$tmp/b:latest"
	# Regular files under /usr in a stable order: the first 5,000, at most ~200 MB. Files of
	# 8 KiB to 512 KiB give both counts at once on a Debian 12 machine (~4,900 files, 200 MB).
	(cd / && find usr -xdev -type f -size +8k -size -512k -printf '%s %p\n') | sort -k2 >"$tmp/list"
	awk '{ t += $1; n++; if (n > 5000 || t > 200 * 1024 * 1024) exit; print $2 }' \
		"$tmp/list" >"$tmp/files"
	tar -C / -cf "$tmp/b.tar" --no-recursion -T "$tmp/files"
	umoci raw add-layer --image "$tmp/b:latest" "$tmp/b.tar"
	rm -rf "$dir/pull-b"
	mv "$tmp/b" "$dir/pull-b"
fi
