#!/usr/bin/env bats
# push, login, logout, tag, rmi: pushes checked with skopeo (the registry must hold exactly
# the local manifest), login against a TLS + htpasswd registry started here (wrong password
# saves nothing), and rmi's conflicts with a container record made by ctr.

load helpers

AUTH_USER=pushtest
AUTH_PASS=s3cret-pass

setup_file()
{
	basic_setup_file || return
	import_busybox || return
	_start_auth_registry
}

teardown_file()
{
	if [[ -n ${AUTH_PID:-} ]]; then
		kill "$AUTH_PID" 2>/dev/null
		wait "$AUTH_PID" 2>/dev/null || true
	fi
	basic_teardown_file
}

setup()
{
	basic_setup
	# Each test starts logged out of everything.
	export DOCKER_CONFIG=$BATS_TEST_TMPDIR/docker-config
	mkdir -p "$DOCKER_CONFIG"
}

# A docker-registry with TLS (self-signed for 127.0.0.1) and htpasswd basic auth on a free
# port; its CA goes to a certs.d tree passed to nerdc with --hosts-dir.
_start_auth_registry()
{
	local d port

	for t in openssl htpasswd docker-registry; do
		command -v $t >/dev/null || return 0	# the tests that need it skip
	done
	d=$NERDC_TEST_ROOT/110-auth-registry
	mkdir -p "$d/data" || return
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
		-addext subjectAltName=IP:127.0.0.1 -keyout "$d/key.pem" -out "$d/cert.pem" \
		2>/dev/null || die "openssl could not make a certificate" || return
	htpasswd -Bbn "$AUTH_USER" "$AUTH_PASS" >"$d/htpasswd" || return
	cat >"$d/config.yml" <<-EOT
	version: 0.1
	log:
	  level: info
	storage:
	  filesystem:
	    rootdirectory: $d/data
	  delete:
	    enabled: true
	http:
	  addr: 127.0.0.1:$port
	  secret: nerdc-test-not-a-secret
	  tls:
	    certificate: $d/cert.pem
	    key: $d/key.pem
	auth:
	  htpasswd:
	    realm: nerdc-test
	    path: $d/htpasswd
	EOT
	mkdir -p "$d/certs.d/127.0.0.1:$port" && cp "$d/cert.pem" "$d/certs.d/127.0.0.1:$port/ca.crt"
	docker-registry serve "$d/config.yml" </dev/null >"$d/registry.log" 2>&1 &
	AUTH_PID=$!
	local i
	for ((i = 0; i < 200; i++)); do
		# 401 means it is up.
		[[ $(curl -s -o /dev/null -w '%{http_code}' --cacert "$d/cert.pem" \
			"https://127.0.0.1:$port/v2/") == 401 ]] && break
		sleep 0.05
	done
	((i < 200)) || die "TLS registry did not start: $(tail -5 "$d/registry.log")" || return
	export AUTH_PID AUTH_REG=127.0.0.1:$port AUTH_HOSTS=$d/certs.d AUTH_LOG=$d/registry.log
}

need_auth_registry()
{
	[[ -n ${AUTH_REG:-} ]] || skip "openssl, htpasswd or docker-registry is missing: no TLS registry"
}

# The target digest of a record, as ctr lists it.
ctr_digest()
{
	_ctr -n "${CONTAINERD_NAMESPACE:-$TEST_NS}" images ls "name==$1" | awk 'NR == 2 { print $3 }'
}

# own_namespace TOPIC: the test runs in a fresh namespace holding busybox alone (rmi by ID
# must not see the other tests' names); teardown removes it.
own_namespace()
{
	OWN_NS=$(new_ns_name "$1")
	_ctr namespaces create "$OWN_NS" || die "cannot create $OWN_NS" || return
	import_busybox "$OWN_NS"
	export CONTAINERD_NAMESPACE=$OWN_NS
}

teardown()
{
	[[ -z ${OWN_NS:-} ]] || cleanup_namespace "$OWN_NS"
	basic_teardown
}

# needs: tag, push
@test "push: skopeo sees the manifest digest containerd has; a second push finds the layers" {
	skip_if_missing skopeo "as the registry-side oracle"
	local name=$REGISTRY/push-$(random_string 6):v1 want got

	run_nerdc tag busybox "$name"
	want=$(ctr_digest "$name")
	[[ $want == sha256:* ]] || die "ctr lists no digest for $name"
	run_nerdc push "$name"
	assert_line "^The push refers to repository \[${name%:v1}\]$"
	assert_line '^[0-9a-f]{12}: Pushed$'
	assert_line "^v1: digest: $want size: [0-9]+$"
	got=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$name")
	assert_equal "$got" "$want" "skopeo's digest"
	# The bytes themselves: the registry's manifest hashes to the local digest.
	got=sha256:$(skopeo inspect --tls-verify=false --raw "docker://$name" | sha256sum | cut -d' ' -f1)
	assert_equal "$got" "$want" "digest of the raw manifest"

	run_nerdc push "$name"
	assert_line '^[0-9a-f]{12}: Layer already exists$'
	assert_line "^v1: digest: $want size: [0-9]+$"
	run_nerdc push -q "$name"
	assert_equal "$output" "$name"
}

# needs: tag, push (chunked uploads, by digest)
@test "push --chunk-size uploads in PATCH chunks; push by digest" {
	skip_if_missing skopeo "as the registry-side oracle"
	local repo=$REGISTRY/chunked-$(random_string 6) want got

	run_nerdc tag busybox "$repo:c1"
	want=$(ctr_digest "$repo:c1")
	run_nerdc push --chunk-size 64k "$repo:c1"
	assert_line "^c1: digest: $want size: [0-9]+$"
	got=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$repo:c1")
	assert_equal "$got" "$want"

	run_nerdc push "$repo@$want"
	assert_line "^digest: $want size: [0-9]+$"
	run_nerdc 1 push --platform linux/amd64 "$repo@$want"
	assert_contains "$output" "cannot be used with a digest reference"
}

# make_multi_platform NAME: imports with ctr an OCI index NAME with two platforms, the host's
# (busybox's own manifest) and another (the same layers, a config naming the other
# architecture). Sets HOST_M, OTHER_M, INDEX_D (digests) and OTHER_P (e.g. linux/arm64).
make_multi_platform()
{
	local name=$1 d=$BATS_TEST_TMPDIR/multi oci=$BUSYBOX_OCI mt_i mt_m host other
	local m cfg cfg2 m2 idx

	host=$(uname -m)
	case $host in
	x86_64) host=amd64 other=arm64 ;;
	aarch64) host=arm64 other=amd64 ;;
	*) skip "no second platform chosen for $host" ;;
	esac
	mt_i=application/vnd.oci.image.index.v1+json
	mt_m=application/vnd.oci.image.manifest.v1+json
	mkdir -p "$d/blobs/sha256" && cp "$oci"/blobs/sha256/* "$d/blobs/sha256/" && cp "$oci/oci-layout" "$d/"
	m=$(jq -r '.manifests[0].digest' "$oci/index.json")
	cfg=$(jq -r '.config.digest' "$d/blobs/sha256/${m#sha256:}")
	_blob() { local h; h=$(sha256sum "$1" | cut -d' ' -f1); mv "$1" "$d/blobs/sha256/$h"; echo "sha256:$h"; }
	jq -c --arg a "$other" '.architecture = $a' "$d/blobs/sha256/${cfg#sha256:}" >"$d/tmp"
	cfg2=$(_blob "$d/tmp")
	jq -c --arg c "$cfg2" --argjson s "$(stat -c %s "$d/blobs/sha256/${cfg2#sha256:}")" \
		'.config.digest = $c | .config.size = $s' "$d/blobs/sha256/${m#sha256:}" >"$d/tmp"
	m2=$(_blob "$d/tmp")
	jq -nc --arg mt "$mt_m" --arg m "$m" --arg m2 "$m2" --arg h "$host" --arg o "$other" \
		--argjson s "$(stat -c %s "$d/blobs/sha256/${m#sha256:}")" \
		--argjson s2 "$(stat -c %s "$d/blobs/sha256/${m2#sha256:}")" --arg mi "$mt_i" \
		'{schemaVersion: 2, mediaType: $mi, manifests: [
		  {mediaType: $mt, digest: $m, size: $s, platform: {architecture: $h, os: "linux"}},
		  {mediaType: $mt, digest: $m2, size: $s2, platform: {architecture: $o, os: "linux"}}]}' >"$d/tmp"
	idx=$(_blob "$d/tmp")
	jq -nc --arg mi "$mt_i" --arg i "$idx" --arg n "$name" \
		--argjson s "$(stat -c %s "$d/blobs/sha256/${idx#sha256:}")" \
		'{schemaVersion: 2, manifests: [{mediaType: $mi, digest: $i, size: $s,
		  annotations: {"io.containerd.image.name": $n}}]}' >"$d/index.json"
	tar -C "$d" -cf "$d.tar" oci-layout index.json blobs
	_ctr -n "$TEST_NS" images import --all-platforms "$d.tar" >/dev/null ||
		die "ctr cannot import the two-platform image"
	HOST_M=$m OTHER_M=$m2 INDEX_D=$idx OTHER_P=linux/$other
}

# needs: push --platform, --all-platforms
@test "push of a two-platform index: host manifest by default, --platform, --all-platforms" {
	skip_if_missing skopeo "as the registry-side oracle"
	local name=$REGISTRY/multi-$(random_string 6):m raw

	make_multi_platform "$name"
	assert_equal "$(ctr_digest "$name")" "$INDEX_D"

	run_nerdc push "$name"
	assert_line "^m: digest: $HOST_M size: [0-9]+$"
	raw=$(skopeo inspect --tls-verify=false --raw "docker://$name")
	assert_equal "$(jq -c '[has("layers"), has("manifests")]' <<<"$raw")" '[true,false]' \
		"a plain manifest in the registry"

	run_nerdc push --platform "$OTHER_P" "$name"
	assert_line "^m: digest: $OTHER_M size: [0-9]+$"

	run_nerdc push --all-platforms "$name"
	assert_line "^m: digest: $INDEX_D size: [0-9]+$"
	raw=$(skopeo inspect --tls-verify=false --raw "docker://$name" | sha256sum | cut -d' ' -f1)
	assert_equal "sha256:$raw" "$INDEX_D" "the index pushed byte for byte"
	# Both platforms asked for: the index as it is.
	run_nerdc push --platform "linux/$(uname -m),$OTHER_P" "$name"
	assert_line "^m: digest: $INDEX_D size: [0-9]+$"

	run_nerdc 1 push --platform linux/s390x "$name"
	assert_contains "$output" "no match for platform in manifest"
	run_nerdc 1 push --all-platforms --platform linux/amd64 "$name"
	assert_contains "$output" "mutually exclusive"
}

# needs: push
@test "push: missing image, usage errors" {
	run_nerdc 1 push "$REGISTRY/nosuch-$(random_string 6):x"
	assert_contains "$output" "An image does not exist locally with the tag: $REGISTRY/nosuch-"
	run_nerdc 125 push --nosuchflag x
	run_nerdc 1 push
	assert_contains "$output" '"nerdc push" requires'
}

# needs: login
@test "login: wrong password says unauthorized and saves nothing; no TTY, flag errors" {
	need_auth_registry
	run_nerdc 1 login --hosts-dir "$AUTH_HOSTS" -u "$AUTH_USER" -p wrong "$AUTH_REG"
	assert_contains "$output" "WARNING! Using --password via the CLI is insecure. Use --password-stdin."
	assert_contains "$output" "unauthorized"
	[[ ! -e $DOCKER_CONFIG/config.json ]] || die "config.json written: $(cat "$DOCKER_CONFIG/config.json")"

	run_nerdc 1 login --hosts-dir "$AUTH_HOSTS" "$AUTH_REG" </dev/null
	assert_equal "$output" "Error: Cannot perform an interactive login from a non TTY device"
	run_nerdc 1 login -u x -p y --password-stdin "$AUTH_REG" </dev/null
	assert_contains "$output" "Error: --password and --password-stdin are mutually exclusive"
	run_nerdc 1 login --password-stdin "$AUTH_REG" </dev/null
	assert_contains "$output" "Error: Must provide --username with --password-stdin"
	[[ ! -e $DOCKER_CONFIG/config.json ]] || die "config.json written"
}

# needs: login, push, logout
@test "login --password-stdin, push to the TLS registry, logout" {
	need_auth_registry
	skip_if_missing skopeo "as the registry-side oracle"
	local name=$AUTH_REG/auth-$(random_string 6):t want got auth

	run_nerdc tag busybox "$name"
	want=$(ctr_digest "$name")
	# Not logged in: the registry refuses.
	run_nerdc 1 push --hosts-dir "$AUTH_HOSTS" "$name"
	assert_contains "$output" "unauthorized"

	run_nerdc --stderr login --hosts-dir "$AUTH_HOSTS" -u "$AUTH_USER" --password-stdin "$AUTH_REG" <<<"$AUTH_PASS"
	assert_equal "$output" "Login Succeeded"
	assert_contains "$stderr" "WARNING! Your password will be stored unencrypted in $DOCKER_CONFIG/config.json."
	auth=$(jq -r --arg k "$AUTH_REG" '.auths[$k].auth' "$DOCKER_CONFIG/config.json")
	assert_equal "$(base64 -d <<<"$auth")" "$AUTH_USER:$AUTH_PASS"

	run_nerdc push --hosts-dir "$AUTH_HOSTS" "$name"
	assert_line "^t: digest: $want size: [0-9]+$"
	got=$(skopeo inspect --cert-dir "$AUTH_HOSTS/$AUTH_REG" --creds "$AUTH_USER:$AUTH_PASS" \
		--format '{{.Digest}}' "docker://$name")
	assert_equal "$got" "$want"

	# Stored credentials are tried first when no flag is given.
	run_nerdc login --hosts-dir "$AUTH_HOSTS" "$AUTH_REG" </dev/null
	assert_contains "$output" "Authenticating with existing credentials..."
	assert_contains "$output" "Login Succeeded"

	run_nerdc logout "$AUTH_REG"
	assert_equal "$output" "Removing login credentials for $AUTH_REG"
	[[ $(jq -r --arg k "$AUTH_REG" '.auths[$k]' "$DOCKER_CONFIG/config.json") == null ]] ||
		die "credentials still in config.json"
	run_nerdc logout "$AUTH_REG"
	assert_equal "$output" "Not logged in to $AUTH_REG"
	run_nerdc logout
	assert_equal "$output" "Not logged in to https://index.docker.io/v1/"
}

# needs: login, push (cross-repository mount)
@test "push mounts a blob containerd knows from another repository of the registry" {
	need_auth_registry
	local a=$AUTH_REG/mount-a-$(random_string 6) b=$AUTH_REG/mount-b-$(random_string 6) d

	run_nerdc login --hosts-dir "$AUTH_HOSTS" -u "$AUTH_USER" --password-stdin "$AUTH_REG" <<<"$AUTH_PASS"
	run_nerdc tag busybox "$a:1"
	run_nerdc tag busybox "$b:1"
	run_nerdc push --hosts-dir "$AUTH_HOSTS" "$a:1"
	# What a pull from repository a records (containerd's distribution source label).
	for d in $(_ctr -n "$TEST_NS" content ls -q); do
		_ctr -n "$TEST_NS" content label "$d" \
			"containerd.io/distribution.source.$AUTH_REG=${a#"$AUTH_REG"/}" >/dev/null
	done
	run_nerdc push --hosts-dir "$AUTH_HOSTS" "$b:1"
	grep -q "mount=sha256:[0-9a-f]*&from=${a#"$AUTH_REG"/}" "$AUTH_LOG" ||
		die "no cross-repository mount request in the registry log"
}

# needs: tag, rmi
@test "tag and rmi: Untagged lines, No such image, multiple names by ID" {
	local digest id

	own_namespace rmi
	digest=$(ctr_digest "$BUSYBOX_REF")
	id=${digest#sha256:}
	id=${id:0:12}
	run_nerdc tag busybox extra:1
	assert_equal "$output" ""
	assert_equal "$(ctr_digest docker.io/library/extra:1)" "$digest"
	run_nerdc image tag "$id" extra:2
	assert_equal "$(ctr_digest docker.io/library/extra:2)" "$digest"
	run_nerdc 1 tag nosuch:3 extra:3
	assert_equal "$output" "Error: No such image: nosuch:3"

	run_nerdc rmi extra:1
	assert_equal "$output" "Untagged: docker.io/library/extra:1@$digest"
	run_nerdc 1 rmi nosuch-image
	assert_equal "$output" "Error: No such image: nosuch-image"

	# By ID with busybox:latest and extra:2: Docker refuses without -f.
	run_nerdc 1 rmi "$id"
	assert_equal "$output" "Error: conflict: unable to delete $id (must be forced) - image is referenced in multiple repositories"
	run_nerdc tag busybox keep:1
	run_nerdc rmi -f "$id"
	assert_line "^Untagged: docker.io/library/busybox:latest@$digest$"
	assert_line "^Untagged: docker.io/library/extra:2@$digest$"
	assert_line "^Untagged: docker.io/library/keep:1@$digest$"
	assert_line '^Deleted: sha256:[0-9a-f]{64}$'
	run_ctr images ls -q
	assert_equal "$output" ""
	# rmi waited for the garbage collector: the manifest is gone from the content store.
	run_ctr content ls -q
	assert_not_contains "$output" "$digest"
}

# needs: rmi (containers)
@test "rmi refuses an image a container uses, unless -f" {
	local cid digest id

	own_namespace rmi-ctr
	cid=rmi-$(random_string 8)
	digest=$(ctr_digest "$BUSYBOX_REF")
	id=${digest#sha256:}
	run_ctr containers create "$BUSYBOX_REF" "$cid"
	run_nerdc 1 rmi busybox
	assert_equal "$output" "Error: conflict: unable to remove repository reference \"busybox\" (must force) - container ${cid:0:12} is using its referenced image ${id:0:12}"
	run_nerdc 1 rmi "${id:0:12}"
	assert_equal "$output" "Error: conflict: unable to delete ${id:0:12} (must be forced) - image is being used by stopped container ${cid:0:12}"
	run_nerdc image remove -f busybox
	assert_line "^Untagged: $BUSYBOX_REF@$digest$"
	run_ctr containers delete "$cid"
	# An image record again, so that teardown's synchronous rmi makes containerd collect the
	# snapshots the container held (else the namespace cannot be removed).
	import_busybox "$OWN_NS"
}
