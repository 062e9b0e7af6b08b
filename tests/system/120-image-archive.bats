#!/usr/bin/env bats
# Image archives and image metadata: save, load (nerdc's own, skopeo's docker-archive,
# podman's), import of a root filesystem, image inspect, history, image prune, and tars that
# try to escape. ctr and skopeo are the oracles.

load helpers

setup_file()
{
	basic_setup_file
	import_busybox
}

# The target digest of record NAME in namespace NS, as ctr lists it.
ctr_target()
{
	_ctr -n "$1" images ls | awk -v n="$2" '$1 == n { print $3 }'
}

# ctr runs IMAGE in NS: proves the snapshots nerdc unpacked are complete.
ctr_runs()
{
	local ns=$1 image=$2 id
	shift 2
	id=t$(random_string 8)
	run_ctr -n "$ns" run --rm --cgroup "/$ns/$id" "$image" "$id" "$@"
}

# needs: save, load
@test "save | load round trip: same digests, ctr runs the loaded image" {
	local tar=$BATS_TEST_TMPDIR/bb.tar ns digest
	digest=$(ctr_target "$TEST_NS" "$BUSYBOX_REF")
	run_nerdc save -o "$tar" busybox
	run tar -tf "$tar"
	assert_contains "$output" "oci-layout"
	assert_contains "$output" "index.json"
	assert_contains "$output" "manifest.json"
	assert_contains "$output" "blobs/sha256/${digest#sha256:}"
	# Docker's manifest.json names the image familiarly.
	run tar -xOf "$tar" manifest.json
	assert_contains "$output" '"RepoTags":["busybox:latest"]'

	ns=$(new_ns_name archive)
	run_nerdc --namespace "$ns" load -i "$tar"
	assert_equal "$output" "Loaded image: busybox:latest"
	assert_equal "$(ctr_target "$ns" "$BUSYBOX_REF")" "$digest"
	ctr_runs "$ns" "$BUSYBOX_REF" echo hello-from-load
	assert_contains "$output" hello-from-load
	# stdin works too, and loading again only updates the record.
	run_nerdc --namespace "$ns" load <"$tar"
	assert_equal "$output" "Loaded image: busybox:latest"
	cleanup_namespace "$ns"
}

# needs: save
@test "save to stdout; refuses a terminal" {
	run_nerdc save busybox
	[[ ${#output} -gt 10000 ]] || die "save wrote only ${#output} bytes to stdout"
	if command -v script >/dev/null; then
		run script -qec "$NERDC save busybox" /dev/null
		assert_contains "$output" "cowardly refusing to save to a terminal. Use the -o flag or redirect"
	fi
}

# needs: save
@test "skopeo reads nerdc's save output as docker-archive; ctr imports its OCI layout" {
	local tar=$BATS_TEST_TMPDIR/bb.tar want got ns digest
	digest=$(ctr_target "$TEST_NS" "$BUSYBOX_REF")
	run_nerdc save -o "$tar" busybox
	run skopeo copy "docker-archive:$tar" "oci:$BATS_TEST_TMPDIR/from-docker:latest"
	[[ $status -eq 0 ]] || die "skopeo copy docker-archive failed: $output"
	want=$(skopeo inspect --config "oci:$BUSYBOX_OCI:latest" | jq -c .rootfs.diff_ids)
	got=$(skopeo inspect --config "oci:$BATS_TEST_TMPDIR/from-docker:latest" | jq -c .rootfs.diff_ids)
	assert_equal "$got" "$want"
	# ctr's importer prefers the OCI layout (oci-layout + index.json) when there is one;
	# skopeo's oci: transport only takes OCI media types, and this image is Docker schema 2.
	ns=$(new_ns_name archive)
	_ctr namespaces create "$ns"
	run_ctr -n "$ns" images import "$tar"
	assert_equal "$(ctr_target "$ns" "$BUSYBOX_REF")" "$digest"
	cleanup_namespace "$ns"
}

# needs: load
@test "load a skopeo docker-archive (podman's format): lists, runs, same diff IDs" {
	local tar=$BATS_TEST_TMPDIR/sk.tar ns
	skopeo copy "oci:$BUSYBOX_OCI:latest" "docker-archive:$tar:example.com/sko/bb:v1" >/dev/null
	ns=$(new_ns_name archive)
	run_nerdc --namespace "$ns" load -i "$tar"
	assert_equal "$output" "Loaded image: example.com/sko/bb:v1"
	run_nerdc --namespace "$ns" images
	assert_line '^example.com/sko/bb +v1 '
	ctr_runs "$ns" example.com/sko/bb:v1 echo hi-skopeo
	assert_contains "$output" hi-skopeo
	run_nerdc --namespace "$ns" image inspect -f '{{json .RootFS.Layers}}' example.com/sko/bb:v1
	assert_equal "$output" "$(skopeo inspect --config "oci:$BUSYBOX_OCI:latest" | jq -c .rootfs.diff_ids)"
	cleanup_namespace "$ns"
}

# needs: load
@test "load podman save output; podman loads what nerdc saves" {
	skip_if_missing podman "to write a podman save archive"
	local root=$BATS_TEST_TMPDIR/podman tar=$BATS_TEST_TMPDIR/pm.tar ns
	local p=(podman --root "$root/root" --runroot "$root/run" --storage-driver vfs)
	# podman 4.3 cannot name an image pulled from an unnamed OCI layout; give it a
	# docker-archive (skopeo) to load, then let podman write its own save archive.
	skopeo copy "oci:$BUSYBOX_OCI:latest" "docker-archive:$root-in.tar:localhost/pm/bb:v2" >/dev/null
	"${p[@]}" load -q -i "$root-in.tar" >/dev/null || die "podman load failed"
	"${p[@]}" save -o "$tar" localhost/pm/bb:v2 >/dev/null || die "podman save failed"
	ns=$(new_ns_name archive)
	run_nerdc --namespace "$ns" load -i "$tar"
	assert_equal "$output" "Loaded image: localhost/pm/bb:v2"
	ctr_runs "$ns" localhost/pm/bb:v2 echo hi-podman
	assert_contains "$output" hi-podman
	# and the other way: podman loads what nerdc saves
	"${p[@]}" rmi -a -f >/dev/null 2>&1 || true
	run_nerdc --namespace "$ns" save -o "$root-back.tar" localhost/pm/bb:v2
	"${p[@]}" load -i "$root-back.tar" || die "podman could not load nerdc's save output"
	run "${p[@]}" image inspect --format '{{json .RootFS.Layers}}' localhost/pm/bb:v2
	[[ $status -eq 0 ]] || die "podman does not list the image nerdc saved: $output"
	assert_equal "$output" "$(skopeo inspect --config "oci:$BUSYBOX_OCI:latest" | jq -c .rootfs.diff_ids)"
	"${p[@]}" rmi -a -f >/dev/null 2>&1 || true
	cleanup_namespace "$ns"
}

# needs: load
@test "load an OCI layout without a full name: untagged, dangling" {
	local tar=$BATS_TEST_TMPDIR/oci.tar ns
	tar -cf "$tar" -C "$BUSYBOX_OCI" .
	ns=$(new_ns_name archive)
	run_nerdc --namespace "$ns" load -i "$tar"
	assert_line '^Loaded image ID: sha256:[0-9a-f]{64}$'
	run_nerdc --namespace "$ns" image prune -f
	assert_line '^Deleted Images:$'
	assert_line '^deleted: sha256:'
	run_ctr -n "$ns" images ls -q
	assert_equal "$output" ""
	cleanup_namespace "$ns"
}

# needs: import, image inspect, history
@test "import a rootfs tarball: one layer, message in history, ctr runs it" {
	local dir=$BATS_TEST_TMPDIR/rootfs id
	mkdir -p "$dir/bin" "$dir/data"
	# busybox from the test image, plus a file of our own
	skopeo copy "oci:$BUSYBOX_OCI:latest" "dir:$BATS_TEST_TMPDIR/bbdir" >/dev/null
	local layer
	layer=$(jq -r '.layers[0].digest' "$BATS_TEST_TMPDIR/bbdir/manifest.json")
	tar -xzf "$BATS_TEST_TMPDIR/bbdir/${layer#sha256:}" -C "$dir"
	echo imported-file >"$dir/data/hello"
	tar -czf "$BATS_TEST_TMPDIR/rootfs.tgz" -C "$dir" .
	run_nerdc import -m "my message" "$BATS_TEST_TMPDIR/rootfs.tgz" imported:v1
	[[ $output =~ ^sha256:[0-9a-f]{64}$ ]] || die "import printed '$output', not an image ID"
	id=$output
	run_nerdc image inspect -f '{{.Id}} {{len .RootFS.Layers}} {{.Comment}} {{.Os}}' imported:v1
	assert_equal "$output" "$id 1 my message linux"
	run_nerdc history imported:v1
	assert_line '^IMAGE +CREATED +CREATED BY +SIZE +COMMENT$'
	assert_line "^${id:7:12} .* my message$"
	ctr_runs "$TEST_NS" docker.io/library/imported:v1 cat /data/hello
	assert_contains "$output" imported-file
	# from stdin, untagged
	run_nerdc import - <"$BATS_TEST_TMPDIR/rootfs.tgz"
	[[ $output =~ ^sha256:[0-9a-f]{64}$ ]] || die "import - printed '$output'"
	run_nerdc 1 import "$BATS_TEST_TMPDIR/nosuchfile"
	echo not-a-tar >"$BATS_TEST_TMPDIR/junk"
	run_nerdc 1 import "$BATS_TEST_TMPDIR/junk"
	assert_contains "$output" "not a tar archive"
}

# needs: image inspect
@test "image inspect: Docker's fields, digests agree with skopeo and ctr" {
	local digest diffids
	digest=$(ctr_target "$TEST_NS" "$BUSYBOX_REF")
	diffids=$(skopeo inspect --config "oci:$BUSYBOX_OCI:latest" | jq -c .rootfs.diff_ids)
	run_nerdc image inspect busybox
	local j=$output
	assert_equal "$(jq -r '.[0].RepoTags[0]' <<<"$j")" "busybox:latest"
	assert_equal "$(jq -r '.[0].RepoDigests[0]' <<<"$j")" "busybox@$digest"
	assert_equal "$(jq -c '.[0].RootFS.Layers' <<<"$j")" "$diffids"
	assert_equal "$(jq -r '.[0].RootFS.Type' <<<"$j")" "layers"
	assert_equal "$(jq -r '.[0].Id' <<<"$j")" \
		"$(skopeo inspect --raw "oci:$BUSYBOX_OCI:latest" | jq -r .config.digest)"
	assert_equal "$(jq -r '.[0] | keys_unsorted | join(",")' <<<"$j")" \
		"Id,RepoTags,RepoDigests,Parent,Comment,Created,Container,ContainerConfig,DockerVersion,Author,Config,Architecture,Os,Size,VirtualSize,GraphDriver,RootFS,Metadata"
	[[ $(jq -r '.[0].Size' <<<"$j") -gt 0 ]] || die "Size is not positive"
	run_nerdc image inspect -f '{{.Os}}/{{.Architecture}}' busybox
	assert_equal "$output" "linux/$(skopeo inspect --config "oci:$BUSYBOX_OCI:latest" | jq -r .architecture)"
	run_nerdc --stderr 1 image inspect busybox nosuchimage
	assert_contains "$stderr" "Error: No such image: nosuchimage"
	[[ $(jq length <<<"$output") -eq 1 ]] || die "found images were not printed"
	run_nerdc 1 image inspect --mode native busybox
	assert_contains "$output" "not implemented yet"
}

# needs: history
@test "history: -q, --no-trunc, -H=false, --format" {
	run_nerdc history -q busybox
	[[ ${lines[0]} =~ ^[0-9a-f]{12}$ ]] || die "first ID '${lines[0]}'"
	run_nerdc history --no-trunc --format '{{.ID}}|{{.Size}}' busybox
	[[ ${lines[0]} =~ ^sha256:[0-9a-f]{64}\|[0-9.]+[kMG]?B$ ]] || die "line '${lines[0]}'"
	run_nerdc history -H=false --format '{{.Size}}' busybox
	[[ ${lines[0]} =~ ^[0-9]+$ ]] || die "raw size '${lines[0]}'"
}

# needs: image prune
@test "image prune: prompt, -f keeps tagged images, -a removes unused ones" {
	local ns
	ns=$(new_ns_name prune)
	import_busybox "$ns"
	run_nerdc --namespace "$ns" image prune <<<"n"
	assert_contains "$output" "WARNING! This will remove all dangling images."
	assert_contains "$output" "Are you sure you want to continue? [y/N]"
	assert_contains "$output" "Total reclaimed space: 0B"
	run_nerdc --namespace "$ns" image prune -f
	assert_equal "$output" "Total reclaimed space: 0B"
	run_ctr -n "$ns" images ls -q
	assert_equal "$output" "$BUSYBOX_REF"
	run_nerdc --namespace "$ns" image prune -a -f --filter until=1h
	assert_equal "$output" "Total reclaimed space: 0B"
	run_nerdc --namespace "$ns" image prune -a <<<"y"
	assert_line '^untagged: busybox:latest$'
	assert_line '^Total reclaimed space: '
	run_ctr -n "$ns" images ls -q
	assert_equal "$output" ""
	cleanup_namespace "$ns"
}

# A tar with entries that climb out, absolute names and links outside.
make_evil_tar()
{
	python3 - "$1" "$2" <<'PY'
import io, sys, tarfile
out, kind = sys.argv[1], sys.argv[2]
with tarfile.open(out, "w") as t:
    def add(name, data=b"x"):
        ti = tarfile.TarInfo(name); ti.size = len(data); t.addfile(ti, io.BytesIO(data))
    add("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
    if kind == "dotdot":
        add("../../evil-dotdot", b"pwned")
    elif kind == "abs":
        add("/tmp/evil-abs", b"pwned")
    elif kind == "symlink":
        ti = tarfile.TarInfo("blobs/sha256/link"); ti.type = tarfile.SYMTYPE
        ti.linkname = "../../../../etc/passwd"; t.addfile(ti)
    add("index.json", b'{"schemaVersion":2,"manifests":[]}')
PY
}

# needs: load
@test "load rejects archives with ../ paths, absolute paths and escaping links" {
	local kind ns
	ns=$(new_ns_name evil)
	for kind in dotdot abs symlink; do
		make_evil_tar "$BATS_TEST_TMPDIR/$kind.tar" "$kind"
		run_nerdc 1 --namespace "$ns" load -i "$BATS_TEST_TMPDIR/$kind.tar"
		[[ $output == *"escapes the archive"* || $output == *"absolute path"* ]] ||
			die "$kind: not rejected for its path"
	done
	[[ ! -e $BATS_TEST_TMPDIR/../evil-dotdot && ! -e /tmp/evil-abs ]] || die "a file was written outside"
	run_ctr -n "$ns" images ls -q
	assert_equal "$output" ""
	run_nerdc 1 --namespace "$ns" load -i /dev/null
	cleanup_namespace "$ns"
}
