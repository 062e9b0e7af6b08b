#!/usr/bin/env bats
# nerdc pull and images: what nerdc pulls is a containerd image ctr lists and runs; what ctr
# pulls nerdc lists; failures leave no image record; an interrupted pull does not break the
# next one.

load helpers

IMG=${REGISTRY:-127.0.0.1:5000}/busybox:latest

teardown()
{
	# A test that throttles the registry traffic must not slow the rest down.
	tc qdisc del dev lo root 2>/dev/null || true
	basic_teardown
}

# A unique small image in the registry as $REGISTRY/NAME:latest: busybox plus one random
# layer; its top layer blob's digest in $TOP_LAYER.
push_unique_image()
{
	local name=$1 dir=$BATS_TEST_TMPDIR/img-$1 size=${2:-4096}

	cp -a "$BUSYBOX_OCI" "$dir"
	umoci unpack --rootless --image "$dir:latest" "$dir-bundle" >/dev/null
	head -c "$size" /dev/urandom >"$dir-bundle/rootfs/random"
	umoci repack --image "$dir:latest" "$dir-bundle" >/dev/null
	skopeo copy -q --dest-tls-verify=false "oci:$dir:latest" "docker://$REGISTRY/$name:latest" \
		>/dev/null
	TOP_LAYER=$(skopeo inspect --tls-verify=false "docker://$REGISTRY/$name:latest" |
		jq -r '.Layers[-1]')
}

@test "pull: nerdc pulls busybox; ctr lists it with GC labels and runs it" {
	run_nerdc pull "$IMG"
	assert_contains "$output" "resolved"
	run_ctr images ls -q
	assert_line "^$(regex_quote "$IMG")\$"
	run_ctr images check
	assert_line "$(regex_quote "$IMG").*complete"

	# The manifest references its config and layers for containerd's GC.
	local manifest config
	manifest=$(_ctr -n "$TEST_NS" images ls | awk -v i="$IMG" '$1 == i { print $3 }')
	run_ctr content ls
	assert_line "^$manifest.*containerd.io/gc.ref.content.config=sha256:"
	assert_line "^$manifest.*containerd.io/gc.ref.content.l.0=sha256:"
	assert_line "containerd.io/gc.ref.snapshot.overlayfs=sha256:"
	assert_line "containerd.io/uncompressed=sha256:"
	run_ctr snapshots ls
	assert_line "Committed"
	run_ctr leases ls -q
	assert_equal "$output" "" "pull left a lease behind"

	run_ctr run --rm "$IMG" "pull-$(random_string 6)" echo hello-from-pulled
	assert_equal "$output" hello-from-pulled
}

@test "pull: -q prints nothing; a second pull is idempotent" {
	run_nerdc pull -q "$IMG"
	assert_equal "$output" ""
	run_nerdc --stderr pull "$IMG"
	assert_contains "$stderr" "exists"
	run_ctr images ls -q
	assert_equal "$(grep -c . <<<"$output")" 1
	run_nerdc image pull -q "$IMG"
}

@test "pull: an image pulled by ctr shows in nerdc images with nerdctl's columns" {
	local ns
	ns=$(new_ns_name ctrpull)
	_ctr -n "$ns" images pull --plain-http "$IMG" >/dev/null
	CONTAINERD_NAMESPACE=$ns run_nerdc images
	assert_line '^REPOSITORY +TAG +IMAGE ID +CREATED +PLATFORM +SIZE +BLOB SIZE$'
	assert_line "^$(regex_quote "${IMG%:latest}") +latest +[0-9a-f]{12} .* linux/[a-z0-9]+ +[0-9.]+ [KM]iB +[0-9.]+ [KM]iB$"
	CONTAINERD_NAMESPACE=$ns run_nerdc images -q
	[[ $output =~ ^[0-9a-f]{12}$ ]] || die "images -q: '$output'"
	cleanup_namespace "$ns"
}

@test "pull: a missing tag or repository fails naming the reference; no image is created" {
	run_nerdc --stderr 1 pull "$REGISTRY/busybox:nosuchtag"
	assert_contains "$stderr" "$REGISTRY/busybox:nosuchtag"
	assert_contains "$stderr" "not found"
	run_nerdc --stderr 1 pull "$REGISTRY/nosuchrepo"
	assert_contains "$stderr" "$REGISTRY/nosuchrepo:latest"
	run_ctr images ls -q
	assert_no_line "nosuch"
	run_nerdc 125 pull --unpack=maybe "$IMG"
	run_nerdc 1 pull --platform linux/s390x "$IMG"
	assert_contains "$output" "does not match the specified platform"
	run_nerdc 1 pull --platform nosuch/arch/x/y "$IMG"
}

@test "pull: --unpack=false stores the content but makes no snapshot" {
	local ns
	ns=$(new_ns_name nounpack)
	CONTAINERD_NAMESPACE=$ns run_nerdc pull -q --unpack=false "$IMG"
	CONTAINERD_NAMESPACE=$ns run_ctr snapshots ls
	assert_no_line "Committed"
	CONTAINERD_NAMESPACE=$ns run_nerdc images
	assert_line "0.0 B"
	CONTAINERD_NAMESPACE=$ns run_nerdc pull -q "$IMG"
	run _ctr -n "$ns" snapshots ls
	assert_line "Committed"
	cleanup_namespace "$ns"
}

@test "pull: a blob whose bytes do not match its digest fails and nothing is referenced" {
	skip_if_missing umoci "to build a unique image"
	skip_if_missing jq
	local name=corrupt-$(random_string 6) data
	push_unique_image "$name"
	data=$NERDC_TEST_ROOT/daemons/registry/data/docker/registry/v2/blobs/sha256/${TOP_LAYER:7:2}/${TOP_LAYER#sha256:}/data
	[[ -f $data ]] || die "no registry blob at $data"
	# Same size, other bytes.
	head -c "$(stat -c %s "$data")" /dev/urandom >"$data"
	run_nerdc --stderr 1 pull "$REGISTRY/$name:latest"
	assert_contains "$stderr" "digest"
	run_ctr images ls -q
	assert_no_line "$name"
	run_ctr content ls -q
	assert_no_line "$TOP_LAYER"
}

@test "pull: a pull killed with SIGKILL midway leaves no image; the next pull completes" {
	skip_if_missing umoci "to build a unique image"
	skip_if_missing jq
	skip_if_missing tc "to slow the registry down"
	local name=big-$(random_string 6) pid i
	push_unique_image "$name" $((24 * 1024 * 1024))
	# 24 MB at 40 Mbit/s: about 5 s, time enough to kill it midway.
	tc qdisc add dev lo root tbf rate 40mbit burst 64kb latency 200ms ||
		skip "tc cannot shape lo here"
	"$NERDC" pull -q "$REGISTRY/$name:latest" &
	pid=$!
	for ((i = 0; i < 100; i++)); do
		_ctr -n "$TEST_NS" content active 2>/dev/null | grep -q nerdc-pull- && break
		sleep 0.05
	done
	kill -KILL "$pid"
	wait "$pid" || true
	tc qdisc del dev lo root
	run_ctr images ls -q
	assert_no_line "$name" "a killed pull left an image record"

	run_nerdc pull -q "$REGISTRY/$name:latest"
	run_ctr images check
	assert_line "$name.*complete"
	run_ctr run --rm "$REGISTRY/$name:latest" "pull-$(random_string 6)" wc -c /random
	assert_contains "$output" "$((24 * 1024 * 1024)) /random"
	# The killed pull's lease would keep its blobs for 24 h (as containerd's own): drop it.
	for i in $(_ctr -n "$TEST_NS" leases ls -q); do
		_ctr -n "$TEST_NS" leases rm --sync "$i" >/dev/null
	done
}

@test "images: filters dangling, reference, label, before, since" {
	run_nerdc pull -q "$IMG"
	run_nerdc images --filter dangling=false
	assert_line "^$(regex_quote "${IMG%:latest}") +latest"
	run_nerdc images --filter dangling=true -q
	assert_equal "$output" ""
	run_nerdc images --filter "reference=*/busybox" -q
	[[ $output =~ ^[0-9a-f]{12}$ ]] || die "reference filter: '$output'"
	run_nerdc images --filter "reference=nomatch*" -q
	assert_equal "$output" ""
	run_nerdc images --filter label=nosuchlabel -q
	assert_equal "$output" ""
	# Strictly before/after the image itself (other tests' images may be newer).
	local id
	run_nerdc images -q "$IMG"
	id=$output
	run_nerdc images --filter "before=$IMG" -q
	assert_not_contains "$output" "$id"
	run_nerdc images --filter "since=$IMG" -q
	assert_not_contains "$output" "$id"
	run_nerdc 1 images --filter nosuch=1
	assert_contains "$output" "invalid filter"
	run_nerdc images --format '{{.Repository}}|{{.Platform}}|{{.BlobSize}}'
	assert_line "^$(regex_quote "${IMG%:latest}")\|linux/"
}

# An OCI index over the busybox manifest with entries for linux/arm64 and linux/amd64 (the
# same manifest twice: only the index's platforms differ), as $REGISTRY/NAME:latest.
push_index_image()
{
	local name=$1 dir=$BATS_TEST_TMPDIR/index-$1 m idx digest

	cp -a "$BUSYBOX_OCI" "$dir"
	m=$(jq -c '.manifests[0] | del(.annotations)' "$dir/index.json")
	idx=$(jq -cn --argjson m "$m" '{schemaVersion: 2,
		mediaType: "application/vnd.oci.image.index.v1+json",
		manifests: [($m + {platform: {os: "linux", architecture: "arm64"}}),
			    ($m + {platform: {os: "linux", architecture: "amd64"}})]}')
	printf '%s' "$idx" >"$dir/idx"
	digest=$(sha256sum "$dir/idx" | cut -d' ' -f1)
	mv "$dir/idx" "$dir/blobs/sha256/$digest"
	jq -cn --arg d "sha256:$digest" --argjson s "${#idx}" '{schemaVersion: 2, manifests: [{
		mediaType: "application/vnd.oci.image.index.v1+json", digest: $d, size: $s,
		annotations: {"org.opencontainers.image.ref.name": "latest"}}]}' >"$dir/index.json"
	skopeo copy -q --all --dest-tls-verify=false "oci:$dir:latest" \
		"docker://$REGISTRY/$name:latest" >/dev/null
}

@test "pull: an index: the host's manifest is chosen, labelled m.0, and runs" {
	skip_if_missing jq
	[[ $(uname -m) == x86_64 ]] || skip "the test index holds an amd64 image"
	local name=multi-$(random_string 6) index
	push_index_image "$name"
	run_nerdc pull -q "$REGISTRY/$name:latest"
	index=$(_ctr -n "$TEST_NS" images ls | awk -v i="$REGISTRY/$name:latest" '$1 == i { print $2, $3 }')
	[[ $index == application/vnd.oci.image.index.v1+json* ]] || die "target: $index"
	run_ctr content ls
	assert_line "^${index#* }.*containerd.io/gc.ref.content.m.0=sha256:"
	run_ctr run --rm "$REGISTRY/$name:latest" "pull-$(random_string 6)" echo from-index
	assert_equal "$output" from-index
	run_nerdc images "$REGISTRY/$name"
	assert_line "linux/amd64"
	run_nerdc pull -q --all-platforms "$REGISTRY/$name:latest"
	run_nerdc pull -q --platform linux/arm64 --unpack=false "$REGISTRY/$name:latest"
	run_nerdc 1 pull -q --platform linux/s390x "$REGISTRY/$name:latest"
	assert_contains "$output" "no match for platform"
}
