#!/usr/bin/env bash
# The raw limit of a pull: fetch every layer of HOST/NAME:TAG from a plain-HTTP registry with
# curl, 3 at a time, hashing (sha256sum) and inflating (gzip -d) each stream as it arrives;
# nothing is stored. Fails if a digest does not match.
#
#   bench/raw-pull.sh HOST:PORT NAME TAG
set -euo pipefail

host=$1 name=$2 tag=$3
accept='application/vnd.oci.image.manifest.v1+json,application/vnd.docker.distribution.manifest.v2+json'
manifest=$(curl -fsS -H "Accept: $accept" "http://$host/v2/$name/manifests/$tag")
mapfile -t layers < <(jq -r '.layers[].digest' <<<"$manifest")

fetch()
{
	local d=$1 got

	got=$(curl -fsS "http://$host/v2/$name/blobs/$d" |
		tee >(gzip -dc >/dev/null) | sha256sum | cut -d' ' -f1)
	[[ sha256:$got == "$d" ]] || { echo "raw-pull: digest mismatch for $d" >&2; return 1; }
}

pids=()
for d in "${layers[@]}"; do
	while [[ $(jobs -rp | wc -l) -ge 3 ]]; do
		wait -n
	done
	fetch "$d" &
	pids+=($!)
done
for p in "${pids[@]}"; do
	wait "$p"
done
