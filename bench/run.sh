#!/usr/bin/env bash
# shellcheck disable=SC2317 # bench_* functions are called by name
# Benchmarks nerdc against ctr with hyperfine on a private containerd in a private network
# namespace, and writes docs/benchmarks.md.
#
#   bench/run.sh [BENCH...]      (default: every benchmark; known: version)
#
# Environment: NERDC (default build/nerdc, else build/src/nerdc), BENCH_RUNS (default 300),
# BENCH_WARMUP (default 20), BENCH_OUT (default docs/benchmarks.md).
# BENCH_STANDIN=1 validates the harness while nerdc cannot run a benchmark yet: ctr stands in
# for nerdc, results go to the terminal only, and BENCH_OUT records "not yet measured".
#
# Adding a benchmark: write bench_NAME (see bench_version), add NAME to BENCHES. It calls
# need_nerdc to check that nerdc can do it, then compare "TITLE" NAME1 CMD1 NAME2 CMD2 ...
set -euo pipefail

SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCRIPTS=$SRCDIR/scripts
BENCHES=(version run runnet ps pull)
RUNS=${BENCH_RUNS:-300}
WARMUP=${BENCH_WARMUP:-20}

die() { echo "bench/run.sh: $*" >&2; exit 1; }

# need_nerdc TEXT ARGS...: true if `nerdc ARGS` succeeds here and its output contains TEXT
# (the feature exists, not merely a binary that exits 0); otherwise the benchmark's section
# says "not yet measured", or ctr stands in (BENCH_STANDIN=1).
need_nerdc()
{
	local want=$1 out
	shift

	if out=$("$NERDC" --address "$CTD_SOCK" "$@" 2>&1) && grep -Fq -- "$want" <<<"$out"; then
		BENCH_NERDC=$NERDC
		return 0
	fi
	{
		echo "## $BENCH_TITLE"
		echo
		echo "Not yet measured: \`nerdc $*\` does not work yet."
		echo
	} >>"$SECTIONS"
	NOT_MEASURED+=("$BENCH_NAME")
	if [[ ${BENCH_STANDIN:-} == 1 ]]; then
		echo "bench/run.sh: $BENCH_NAME: nerdc cannot do it yet; ctr stands in (results not recorded)" >&2
		BENCH_NERDC=standin
		return 0
	fi
	return 1
}

# compare TITLE [NAME CMD]...: one hyperfine run over all commands, side by side. Commands run
# without a shell (-N), so they carry their flags (--address) instead of environment.
compare()
{
	local title=$1 md json args=()
	shift

	md=$(mktemp "$WORK/bench.XXXXXX.md")
	json=${md%.md}.json
	while [[ $# -gt 0 ]]; do
		args+=(--command-name "$1" "$2")
		shift 2
	done
	hyperfine -N --style basic --warmup "$WARMUP" --runs "$RUNS" \
		--export-markdown "$md" --export-json "$json" "${args[@]}" >&2
	if [[ $BENCH_NERDC == standin ]]; then
		cat "$md" >&2
		return 0
	fi
	{
		echo "## $title"
		echo
		echo "Commands (hyperfine -N --warmup $WARMUP --runs $RUNS):"
		echo
		for ((i = 1; i < ${#args[@]}; i += 3)); do
			echo "- \`${args[i + 1]/#$NERDC/nerdc}\`" | sed "s|$CTD_SOCK|\$SOCK|g; s|$WORK|\$WORK|g"
		done
		echo
		cat "$md"
		echo
	} >>"$SECTIONS"
}

bench_version()
{
	BENCH_TITLE="version: a round trip to containerd (client start, connect, one RPC)"
	# The server section must carry containerd's version: proof of the round trip.
	need_nerdc "$(containerd --version | awk '{print $3}')" version || return 0
	local name="nerdc version" cmd="$NERDC --address $CTD_SOCK version"
	if [[ $BENCH_NERDC == standin ]]; then
		name="ctr version (stand-in for nerdc)" cmd="ctr -a $CTD_SOCK version"
	fi
	compare "$BENCH_TITLE" \
		"$name" "$cmd" \
		"ctr version" "ctr -a $CTD_SOCK version"
}

# The busybox test image, imported with ctr into the default namespace (once per run).
BUSYBOX_IMPORTED=
import_busybox()
{
	[[ -z $BUSYBOX_IMPORTED ]] || return 0
	"$SCRIPTS/make-busybox-image.sh" build "$WORK/busybox-oci" >/dev/null
	"$SCRIPTS/make-busybox-image.sh" import "$WORK/busybox-oci" "$CTD_SOCK" default >/dev/null
	BUSYBOX_IMPORTED=1
}

bench_run()
{
	BENCH_TITLE="run --rm: create, start, wait and remove a container (busybox true, no network)"
	import_busybox
	need_nerdc "" --data-root "$WORK/nerdc-data" run --rm --net none busybox true || return 0
	local name="nerdc run --rm" cmd="$NERDC --address $CTD_SOCK --data-root $WORK/nerdc-data run --rm --net none busybox true"
	if [[ $BENCH_NERDC == standin ]]; then
		name="ctr run --rm (stand-in for nerdc)" cmd="ctr -a $CTD_SOCK run --rm docker.io/library/busybox:latest b0 true"
	fi
	# The issue's pair first; then both with the same security: nerdc applies Docker's
	# seccomp profile by default and ctr none, and runc pays for compiling the filter.
	RUNS=${BENCH_RUN_RUNS:-20} WARMUP=${BENCH_RUN_WARMUP:-3} compare "$BENCH_TITLE" \
		"$name" "$cmd" \
		"ctr run --rm" "ctr -a $CTD_SOCK run --rm docker.io/library/busybox:latest b1 true" \
		"nerdc run --rm, seccomp=unconfined" "${cmd/ busybox true/ --security-opt seccomp=unconfined busybox true}" \
		"ctr run --rm --seccomp" "ctr -a $CTD_SOCK run --rm --seccomp docker.io/library/busybox:latest b2 true"
	[[ $BENCH_NERDC != standin ]] || return 0
	{
		echo "nerdc applies Docker's default seccomp profile (x86_64, x86, x32) and ctr none, so"
		echo "the first pair differs in the runtime's work too: runc compiles the filter. The"
		echo "last two rows compare like with like (both unconfined; both with a default profile)."
		echo "Load average during the run: $(cut -d' ' -f1-3 /proc/loadavg)."
		echo
	} >>"$SECTIONS"
}

# The cost of networking: run --rm on the default bridge (CNI ADD from the createRuntime hook,
# DEL at task delete) against --net none, and the CNI plugins of that conflist timed alone.
bench_runnet()
{
	BENCH_TITLE="run --rm on the default bridge network vs --net none (the cost of networking)"
	import_busybox
	local base="$NERDC --address $CTD_SOCK --data-root $WORK/nerdc-data --cni-netconfpath $WORK/cni/net.d"
	mkdir -p "$WORK/cni/net.d"
	# shellcheck disable=SC2086 # base holds a command line
	need_nerdc "" ${base#"$NERDC"} run --rm busybox true || return 0
	RUNS=${BENCH_RUN_RUNS:-20} WARMUP=${BENCH_RUN_WARMUP:-3} compare "$BENCH_TITLE" \
		"nerdc run --rm (bridge)" "$base run --rm busybox true" \
		"nerdc run --rm --net none" "$base run --rm --net none busybox true"
	[[ $BENCH_NERDC != standin ]] || return 0
	local add del
	read -r add del < <("$SRCDIR/bench/cni-adddel.sh" "$WORK/cni/net.d/nerdctl-bridge.conflist" \
		"${BENCH_RUN_RUNS:-20}")
	{
		echo "CNI plugins of nerdctl-bridge.conflist alone (bridge, portmap, firewall, tuning;"
		echo "\`bench/cni-adddel.sh\`, plugin executions only, mean of ${BENCH_RUN_RUNS:-20}):"
		echo "ADD ${add#add_ms=} ms + DEL ${del#del_ms=} ms."
		echo "Load average during the run: $(cut -d' ' -f1-3 /proc/loadavg)."
		echo
	} >>"$SECTIONS"
}

# ps_fill N: N stopped containers (created with ctr, so the listing is all that is timed).
ps_fill()
{
	local i have

	have=$(ctr -a "$CTD_SOCK" -n bench-ps containers ls -q | wc -l)
	for ((i = have; i < $1; i++)); do
		ctr -a "$CTD_SOCK" -n bench-ps containers create docker.io/library/busybox:latest "c$i" true >/dev/null
	done
}

bench_ps()
{
	local n

	import_busybox
	"$SCRIPTS/make-busybox-image.sh" import "$WORK/busybox-oci" "$CTD_SOCK" bench-ps >/dev/null
	for n in 200 1000; do
		BENCH_TITLE="ps -a with $n containers: one containers ListStream + one tasks List"
		ps_fill "$n"
		need_nerdc "CONTAINER ID" --namespace bench-ps --data-root "$WORK/nerdc-data" ps -a || return 0
		RUNS=${BENCH_PS_RUNS:-50} WARMUP=5 compare "$BENCH_TITLE" \
			"nerdc ps -a ($n)" "$NERDC --address $CTD_SOCK --namespace bench-ps --data-root $WORK/nerdc-data ps -a" \
			"ctr containers ls ($n)" "ctr -a $CTD_SOCK -n bench-ps containers ls"
	done
}

# ---- pull: two images from the local registry, with unpack ----

# pull_images: the benchmark images (bench/make-pull-images.sh, cached) in the registry.
pull_images()
{
	local cache=${NERDC_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nerdc-bench} x

	"$SRCDIR/bench/make-pull-images.sh" "$cache" >&2
	for x in a b; do
		skopeo copy -q --dest-tls-verify=false "oci:$cache/pull-$x:latest" \
			"docker://$REGISTRY/pull-$x:latest" >/dev/null
	done
}

# pull_clean_script: a script that forgets every pulled copy (images, content, snapshots in
# every namespace, skopeo's and podman's stores), so each run starts cold: containerd shares
# blobs between namespaces, so both clients' namespaces are cleaned before either runs.
pull_clean_script()
{
	cat >"$WORK/pull-clean.sh" <<EOC
#!/bin/bash
for ns in bench-pull-nerdc bench-pull-ctr; do
	imgs=\$(ctr -a $CTD_SOCK -n \$ns images ls -q 2>/dev/null)
	[[ -z \$imgs ]] || ctr -a $CTD_SOCK -n \$ns images rm --sync \$imgs >/dev/null
done
rm -rf $WORK/skopeo-out
if command -v podman >/dev/null; then
	podman --root $WORK/podman --runroot $WORK/podman-run rmi -a -f >/dev/null 2>&1 || true
fi
sync
exit 0
EOC
	chmod +x "$WORK/pull-clean.sh"
}

bench_pull()
{
	local x md json title prep=$WORK/pull-clean.sh args=()
	local runs=${BENCH_PULL_RUNS:-5} warmup=${BENCH_PULL_WARMUP:-1}
	local -A what=([a]="4 layers of 50 MB incompressible data" [b]="~5,000 files from /usr in one layer")

	for t in skopeo umoci jq curl; do
		command -v "$t" >/dev/null || die "'$t' not found (scripts/deps.sh install)"
	done
	pull_images
	pull_clean_script
	for x in a b; do
		title="pull $x: ${what[$x]} from the local registry, with unpack"
		BENCH_TITLE=$title
		"$prep"
		need_nerdc "" --namespace bench-pull-nerdc pull -q "$REGISTRY/pull-$x:latest" || return 0
		args=(--prepare "$prep" --command-name "nerdc pull"
		      "$NERDC --address $CTD_SOCK --namespace bench-pull-nerdc pull -q $REGISTRY/pull-$x:latest"
		      --prepare "$prep" --command-name "ctr images pull"
		      "ctr -a $CTD_SOCK -n bench-pull-ctr images pull --plain-http $REGISTRY/pull-$x:latest"
		      --prepare "$prep" --command-name "skopeo copy (no unpack)"
		      "skopeo copy -q --src-tls-verify=false docker://$REGISTRY/pull-$x:latest oci:$WORK/skopeo-out:latest"
		      --prepare "$prep" --command-name "raw: curl + sha256 + gzip -d, 3 at a time"
		      "$SRCDIR/bench/raw-pull.sh $REGISTRY pull-$x latest")
		if command -v podman >/dev/null; then
			args+=(--prepare "$prep" --command-name "podman pull"
			       "podman --root $WORK/podman --runroot $WORK/podman-run pull -q --tls-verify=false $REGISTRY/pull-$x:latest")
		fi
		md=$(mktemp "$WORK/bench.XXXXXX.md")
		json=${md%.md}.json
		hyperfine -N --style basic --warmup "$warmup" --runs "$runs" \
			--export-markdown "$md" --export-json "$json" "${args[@]}" >&2
		"$prep"
		{
			echo "## $title"
			echo
			echo "Each run starts cold (images removed with \`--sync\` in every namespace, so"
			echo "containerd's shared blobs are gone too). hyperfine -N --warmup $warmup --runs $runs."
			echo "The raw line fetches, hashes and inflates the layers but stores nothing."
			echo
			sed "s|$CTD_SOCK|\$SOCK|g; s|$WORK|\$WORK|g; s|$NERDC|nerdc|g" "$md"
			echo
		} >>"$SECTIONS"
	done
}

machine()
{
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), kernel $(uname -r)"
	echo "- containerd $(containerd --version | awk '{print $3}'), hyperfine $(hyperfine --version | awk '{print $2}')"
	echo "- load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "- nerdc: $(git -C "$SRCDIR" describe --always --dirty 2>/dev/null || echo unknown), $(build_info)"
}

# "build/src/nerdc, buildtype debugoptimized": the meson build dir holding $NERDC, if any.
build_info()
{
	local d=${NERDC%/*} opts

	while [[ $d == /* && ! -f $d/meson-info/intro-buildoptions.json ]]; do
		[[ $d != / ]] || break
		d=${d%/*}
		[[ -n $d ]] || d=/
	done
	opts=$d/meson-info/intro-buildoptions.json
	if [[ -f $opts ]] && command -v jq >/dev/null; then
		printf '%s, buildtype %s, sanitize %s' "${NERDC#"$SRCDIR"/}" \
			"$(jq -r '.[] | select(.name == "buildtype") | .value' "$opts")" \
			"$(jq -r '.[] | select(.name == "b_sanitize") | .value' "$opts")"
	else
		printf '%s' "${NERDC#"$SRCDIR"/}"
	fi
}

inner()
{
	local b out=$BENCH_OUT

	. "$SCRIPTS/containerd-env.sh"
	trap 'ctdenv_stop "$WORK/daemons"' EXIT
	CTDENV_REGISTRY_PORT=5000 ctdenv_start "$WORK/daemons"
	. "$WORK/daemons/env"
	SECTIONS=$WORK/sections.md
	: >"$SECTIONS"
	NOT_MEASURED=()
	for b in "${SELECTED[@]}"; do
		BENCH_NAME=$b
		"bench_$b"
	done
	{
		echo "# Benchmarks"
		echo
		echo "Written by \`bench/run.sh\` (hyperfine, private containerd on a unix socket \$SOCK, private"
		echo "network namespace). Rerun it after changes that touch start-up or the containerd client."
		echo
		machine
		echo
		cat "$SECTIONS"
	} >"$out.tmp"
	mv "$out.tmp" "$out"
	echo "bench/run.sh: wrote $out" >&2
	if [[ ${#NOT_MEASURED[@]} -gt 0 ]]; then
		echo "bench/run.sh: not yet measured: ${NOT_MEASURED[*]}" >&2
		[[ ${BENCH_STANDIN:-} == 1 ]] || return 2
	fi
}

if [[ ${_NERDC_BENCH_INNER:-} == 1 ]]; then
	read -r -a SELECTED <<<"$_NERDC_BENCH_SELECTED"
	inner
	exit
fi

for t in hyperfine containerd ctr unshare ip; do
	command -v "$t" >/dev/null || die "'$t' not found (scripts/deps.sh install)"
done
[[ $(id -u) -eq 0 ]] || die "needs root (private containerd and network namespace)"
SELECTED=("$@")
[[ ${#SELECTED[@]} -gt 0 ]] || SELECTED=("${BENCHES[@]}")
for b in "${SELECTED[@]}"; do
	declare -F "bench_$b" >/dev/null || die "unknown benchmark '$b' (known: ${BENCHES[*]})"
done
if [[ -z ${NERDC:-} ]]; then
	NERDC=$SRCDIR/build/nerdc
	[[ -x $NERDC || ! -x $SRCDIR/build/src/nerdc ]] || NERDC=$SRCDIR/build/src/nerdc
fi
NERDC=$(realpath -m "$NERDC")
BENCH_OUT=$(realpath -m "${BENCH_OUT:-$SRCDIR/docs/benchmarks.md}")
WORK=$(mktemp -d /var/tmp/nerdc-bench.XXXXXX)
trap 'rm -rf --one-file-system "$WORK"' EXIT
rc=0
NERDC=$NERDC BENCH_OUT=$BENCH_OUT WORK=$WORK _NERDC_BENCH_INNER=1 \
	_NERDC_BENCH_SELECTED="${SELECTED[*]}" "$SCRIPTS/in-netns.sh" "${BASH_SOURCE[0]}" || rc=$?
if leaks=$("$SCRIPTS/containerd-env.sh" leaks "$WORK"); then :; else
	echo "$leaks" >&2
	trap - EXIT
	die "left things behind under $WORK"
fi
exit $rc
