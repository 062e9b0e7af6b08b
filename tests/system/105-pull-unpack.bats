#!/usr/bin/env bats
# nerdc pull unpacks overlayfs layers itself while they download: whiteouts and opaque
# directories become what containerd's applier makes (ctr runs the image and sees the same
# tree), every layer's directory matches the one `ctr images pull` unpacks, and a layer
# whose names leave its root fails the pull without writing outside.

load helpers

CTD_ROOT=${NERDC_TEST_ROOT:-/nonexistent}/daemons/containerd/root

# make_layer TAR PYTHON-STATEMENTS: writes an uncompressed tar with Python's tarfile, whose
# `t` is the open archive and `add(name, type, data=b"", link="", mode=0o644)` adds an
# entry with fixed owner and times (so two unpacks can be compared byte for byte).
make_layer()
{
	local tar=$1 body=$2

	python3 - "$tar" <<EOF
import io, sys, tarfile
t = tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT)
def add(name, type=tarfile.REGTYPE, data=b"", link="", mode=0o644, uid=0, mtime=1600000000):
    i = tarfile.TarInfo(name)
    i.type, i.linkname, i.mode, i.uid, i.gid, i.mtime = type, link, mode, uid, uid, mtime
    i.size = len(data) if type == tarfile.REGTYPE else 0
    t.addfile(i, io.BytesIO(data) if i.size else None)
D, L, S = tarfile.DIRTYPE, tarfile.LNKTYPE, tarfile.SYMTYPE
$body
t.close()
EOF
}

# push_layers NAME TAR...: busybox plus the given layers as $REGISTRY/NAME:latest.
push_layers()
{
	local name=$1 dir=$BATS_TEST_TMPDIR/img-$1 tar
	shift

	cp -a "$BUSYBOX_OCI" "$dir"
	for tar in "$@"; do
		umoci raw add-layer --image "$dir:latest" "$tar"
	done
	skopeo copy -q --dest-tls-verify=false "oci:$dir:latest" "docker://$REGISTRY/$name:latest" \
		>/dev/null
}

# layer_dirs NS REF: the directories of REF's unpacked layers in NS, top layer first.
layer_dirs()
{
	local ns=$1 ref=$2 man cfg top key m

	man=$(_ctr -n "$ns" images ls | awk -v i="$ref" '$1 == i { print $3 }')
	cfg=$(_ctr -n "$ns" content get "$man" | jq -r .config.digest)
	top=$(_ctr -n "$ns" content ls | awk -v c="$cfg" '$1 == c' |
		grep -o 'gc.ref.snapshot.overlayfs=sha256:[0-9a-f]*' | cut -d= -f2)
	[[ -n $top ]] || die "$ref in $ns: no unpacked snapshot"
	key=view-$(random_string 8)
	_ctr -n "$ns" snapshots view "$key" "$top" >/dev/null
	m=$(_ctr -n "$ns" snapshots mounts /mnt "$key")
	_ctr -n "$ns" snapshots rm "$key"
	grep -o 'lowerdir=[^ ,]*' <<<"$m" | cut -d= -f2 | tr ':' '\n'
}

# tree DIR: everything an unpack must reproduce, one line per entry: name, mode, owner,
# size, device, link target, mtime, content hash and xattrs (overlay whiteouts and opaque
# marks included). Times the archives do not set (whiteouts, directories a layer creates
# implicitly: when they were extracted) show as "now".
tree()
{
	python3 - "$1" <<'EOF'
import hashlib, os, stat, sys
root = sys.argv[1]
out = []
for d, dirs, files in os.walk(root):
    for n in dirs + files:
        p = os.path.join(d, n)
        st = os.lstat(p)
        h = link = ""
        if stat.S_ISREG(st.st_mode):
            with open(p, "rb") as f:
                h = hashlib.sha256(f.read()).hexdigest()[:16]
        if stat.S_ISLNK(st.st_mode):
            link = os.readlink(p)
        x = sorted((k, os.getxattr(p, k, follow_symlinks=False))
                   for k in os.listxattr(p, follow_symlinks=False))
        out.append("%s %o %d:%d %d %d,%d %s %s %s %s" % (
            os.path.relpath(p, root), st.st_mode, st.st_uid, st.st_gid,
            st.st_size if not stat.S_ISDIR(st.st_mode) else 0,
            os.major(st.st_rdev), os.minor(st.st_rdev), link,
            st.st_mtime_ns if st.st_mtime < 1700000000 else "now", h, x))
print("\n".join(sorted(out)))
EOF
}

@test "pull: whiteouts and opaque directories hide lower files; layers match ctr's unpack" {
	local l1=$BATS_TEST_TMPDIR/l1.tar l2=$BATS_TEST_TMPDIR/l2.tar name=wh-$(random_string 6)
	make_layer "$l1" '
add("dir", D, mode=0o755)
add("dir/a", data=b"a")
add("dir/b", data=b"b")
add("gone", data=b"gone")
add("keep", D, mode=0o700, uid=1000)
add("keep/x", data=b"x" * 70000)
add("keep/suid", data=b"s", mode=0o4755)
add("keep/hard", L, link="keep/x", mode=0o600, uid=2000, mtime=1500000000)
add("keep/sym", S, link="../dir/a")'
	make_layer "$l2" '
add("dir", D, mode=0o750)
add("dir/.wh..wh..opq")
add("dir/new", data=b"new")
add(".wh.gone")
add("bin/.wh.yes")
add("keep/more", data=b"more")'
	push_layers "$name" "$l1" "$l2"
	local img=$REGISTRY/$name:latest
	run_nerdc pull -q "$img"

	run_ctr run --rm "$img" "wh-$(random_string 6)" sh -c \
		'ls -A /dir; cat /dir/new; echo; ls /gone /bin/yes 2>&1; cat /keep/more; echo; stat -c %a /keep/suid'
	assert_line "^new\$"
	assert_not_contains "$output" "a"$'\n'"b"
	assert_line "/gone.*No such file"
	assert_line "/bin/yes.*No such file"
	assert_line "^more\$"
	assert_line "^4755\$"

	# The same image unpacked by containerd itself, layer by layer.
	local ns2
	ns2=$(new_ns_name ctr-unpack)
	_ctr -n "$ns2" images pull --plain-http "$img" >/dev/null
	mapfile -t mine < <(layer_dirs "$TEST_NS" "$img")
	mapfile -t theirs < <(layer_dirs "$ns2" "$img")
	assert_equal "${#mine[@]}" "${#theirs[@]}" "layer count"
	for i in "${!mine[@]}"; do
		[[ ${mine[$i]} != "${theirs[$i]}" ]] || die "layer $i: the same snapshot in both namespaces"
		diff <(tree "${mine[$i]}") <(tree "${theirs[$i]}") ||
			die "layer $i differs from ctr's unpack (< nerdc, > ctr)"
	done
	# The top layer holds the overlay whiteouts as containerd writes them.
	tree "${mine[0]}" | grep -q '^gone 20000 0:0 0 0,0 ' || die "no whiteout device for /gone"
	tree "${mine[0]}" | grep -q "^dir 40750 .*'trusted.overlay.opaque', b'y'" ||
		die "dir is not marked opaque"
	cleanup_namespace "$ns2"
}

# assert_pull_refused NAME MARKER: pulling NAME fails, no image is created, and no file
# called MARKER exists in the containerd root or at the filesystem root.
assert_pull_refused()
{
	local name=$1 marker=$2

	run_nerdc 1 pull -q "$REGISTRY/$name:latest"
	assert_contains "$output" "leave"
	run_nerdc images -q "$REGISTRY/$name"
	assert_equal "$output" ""
	[[ ! -e /$marker && ! -e /tmp/$marker ]] || die "$marker was written outside the root"
	[[ -z $(find "$CTD_ROOT" -name "$marker" 2>/dev/null) ]] ||
		die "$marker was written in the containerd root: $(find "$CTD_ROOT" -name "$marker")"
	run_ctr leases ls -q
	assert_equal "$output" "" "pull left a lease behind"
}

@test "pull: a layer with ../ names fails and writes nothing outside its snapshot" {
	local l=$BATS_TEST_TMPDIR/evil.tar name=evil-$(random_string 6) marker
	marker=escape-$(random_string 8)
	make_layer "$l" "
add('ok', data=b'fine')
add('$(printf '../%.0s' {1..12})$marker', data=b'pwned')"
	push_layers "$name" "$l"
	assert_pull_refused "$name" "$marker"
}

@test "pull: a layer writing through a symlink that climbs out fails" {
	local l=$BATS_TEST_TMPDIR/evil.tar name=evil-$(random_string 6) marker
	marker=escape-$(random_string 8)
	make_layer "$l" "
add('up', S, link='$(printf '../%.0s' {1..12})tmp')
add('up/$marker', data=b'pwned')"
	push_layers "$name" "$l"
	assert_pull_refused "$name" "$marker"
}

@test "pull: an interrupted download resumes where it stopped and unpacks" {
	skip_if_missing tc "to slow the registry down so the pull can be interrupted"
	local l=$BATS_TEST_TMPDIR/big.tar name=resume-$(random_string 6) pid i partial=""
	head -c $((16 << 20)) /dev/urandom >"$BATS_TEST_TMPDIR/blob"
	tar -C "$BATS_TEST_TMPDIR" -cf "$l" blob
	push_layers "$name" "$l"
	# A burst below lo's 64 KiB MTU would drop full-size segments for good.
	tc qdisc add dev lo root tbf rate 40mbit burst 256kb latency 400ms ||
		skip "tc cannot shape lo here"
	"$NERDC" pull -q "$REGISTRY/$name:latest" &
	pid=$!
	# Kill it once containerd holds a few MiB of the layer.
	for ((i = 0; i < 200; i++)); do
		partial=$(_ctr -n "$TEST_NS" content active 2>/dev/null |
			awk '/nerdc-pull-/ && $2 ~ /MB$/ && $2 + 0 >= 2 { print $2 }')
		[[ -z $partial ]] || break
		sleep 0.05
	done
	kill -KILL "$pid"
	wait "$pid" || true
	tc qdisc del dev lo root
	[[ -n $partial ]] || skip "the pull finished before it could be interrupted"
	echo "# interrupted with $partial in containerd" >&3

	run_nerdc pull "$REGISTRY/$name:latest"
	run_ctr run --rm "$REGISTRY/$name:latest" "resume-$(random_string 6)" wc -c /blob
	assert_line "^$((16 << 20)) /blob\$"
	# The registry served the rest with a range request.
	grep -q 'http.response.status=206' "$NERDC_TEST_ROOT/daemons/registry/registry.log" ||
		die "no 206 Partial Content answer in the registry log"
}

teardown()
{
	local i

	tc qdisc del dev lo root 2>/dev/null || true
	# A killed pull's lease would keep its blobs for 24 h (as containerd's own): drop it.
	for i in $(_ctr -n "$TEST_NS" leases ls -q 2>/dev/null); do
		_ctr -n "$TEST_NS" leases rm --sync "$i" >/dev/null
	done
	basic_teardown
}
