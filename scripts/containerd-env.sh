#!/usr/bin/env bash
# Starts and stops a private containerd and a plain-HTTP registry under one directory.
#
#   containerd-env.sh start DIR    start containerd (+ registry), wait until both answer,
#                                  write DIR/env (CTD_SOCK, REGISTRY, ...; sourceable)
#   containerd-env.sh stop DIR     kill tasks, stop both by PID, kill leftover shims, unmount
#                                  whatever is still mounted under DIR; idempotent
#   containerd-env.sh leaks DIR    list processes and mounts that still reference DIR; exit 1
#                                  if there are any
#   containerd-env.sh run DIR CMD...
#                                  start, run CMD with the env file's variables exported (plus
#                                  NERDC_TEST_CONTAINERD_ADDRESS=$CTD_SOCK for live unit tests),
#                                  stop; exits with CMD's status
#
# Sourcing the file instead defines ctdenv_start, ctdenv_stop and ctdenv_leaks.
# Environment: CTDENV_REGISTRY_PORT (default 5000; 0 = no registry), CTDENV_TIMEOUT (seconds
# to wait for each daemon, default 30), CTDENV_ALLOW_HOST_NETNS=1 to run outside a private
# network namespace (normally refused: run under scripts/in-netns.sh).
#
# Layout: DIR/containerd/{config.toml,containerd.sock,root,state,opt,containerd.log,pid},
#         DIR/registry/{config.yml,data,registry.log,pid}, DIR/env.

_ctdenv_err() { echo "containerd-env: $*" >&2; }

# True when this process shares the network namespace of PID 1 (the host's).
_ctdenv_in_host_netns()
{
	[[ $(readlink /proc/self/ns/net) == "$(readlink /proc/1/ns/net 2>/dev/null)" ]]
}

# _ctdenv_pid_alive PID PATTERN: PID runs and its command line contains PATTERN (so a recycled
# PID is never mistaken for ours).
_ctdenv_pid_alive()
{
	local cmd

	[[ -n $1 && -r /proc/$1/cmdline ]] || return 1
	cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline") || return 1
	[[ $cmd == *"$2"* ]]
}

# _ctdenv_kill PID PATTERN NAME: SIGTERM, wait up to 10 s, then SIGKILL.
_ctdenv_kill()
{
	local pid=$1 pat=$2 name=$3 i

	_ctdenv_pid_alive "$pid" "$pat" || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		_ctdenv_pid_alive "$pid" "$pat" || return 0
		sleep 0.1
	done
	_ctdenv_err "$name (pid $pid) ignored SIGTERM for 10 s; sending SIGKILL"
	kill -KILL "$pid" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		_ctdenv_pid_alive "$pid" "$pat" || return 0
		sleep 0.1
	done
	_ctdenv_err "$name (pid $pid) survived SIGKILL"
	return 1
}

# PIDs of processes whose command line mentions $1, leaving out this shell and its ancestors
# (their own arguments may name the directory).
_ctdenv_pids_naming()
{
	local pat=$1 p cmd skip=" " pp=$$

	while [[ -n $pp && $pp != 0 ]]; do
		skip+="$pp "
		pp=$(awk '/^PPid:/ {print $2}' "/proc/$pp/status" 2>/dev/null) || break
	done
	skip+="${BASHPID:-} "
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		[[ $skip == *" $p "* ]] && continue
		cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline") || continue
		[[ $cmd == *"$pat"* ]] && echo "$p"
	done
	return 0
}

# Mount points at or under $1, deepest first.
_ctdenv_mounts_under()
{
	local dir=${1%/}

	awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print length($5), $5 }' \
		/proc/self/mountinfo | sort -rn | cut -d' ' -f2-
}

_ctdenv_write_config()
{
	local dir=$1 c=$1/containerd

	mkdir -p "$c/root" "$c/state" "$c/opt"
	cat >"$c/config.toml" <<-EOT
	# Private containerd for nerdc's tests: nothing shared with a system instance but runc's
	# state dir and the cgroup tree (tests use their own namespace names for that reason).
	version = 2
	root = "$c/root"
	state = "$c/state"
	disabled_plugins = ["io.containerd.grpc.v1.cri"]

	[grpc]
	  address = "$c/containerd.sock"

	[ttrpc]
	  address = "$c/containerd.sock.ttrpc"

	[plugins."io.containerd.internal.v1.opt"]
	  path = "$c/opt"

	# The restart monitor looks every 10 s by default; the restart-policy tests would wait.
	[plugins."io.containerd.internal.v1.restart"]
	  interval = "1s"
	EOT
}

_ctdenv_write_registry_config()
{
	local dir=$1 port=$2 r=$1/registry

	mkdir -p "$r/data"
	cat >"$r/config.yml" <<-EOT
	# Plain-HTTP registry for nerdc's tests, reachable only inside the test network namespace.
	version: 0.1
	log:
	  level: info
	storage:
	  filesystem:
	    rootdirectory: $r/data
	  delete:
	    enabled: true
	  maintenance:
	    uploadpurging:
	      enabled: false
	http:
	  addr: 127.0.0.1:$port
	  secret: nerdc-test-not-a-secret
	EOT
}

# ctdenv_start DIR
ctdenv_start()
{
	local dir=$1 port=${CTDENV_REGISTRY_PORT:-5000} timeout=${CTDENV_TIMEOUT:-30}
	local c r sock pid deadline

	[[ -n $dir ]] || { _ctdenv_err "usage: ctdenv_start DIR"; return 2; }
	if _ctdenv_in_host_netns && [[ ${CTDENV_ALLOW_HOST_NETNS:-} != 1 ]]; then
		_ctdenv_err "refusing to start in the host's network namespace; run under scripts/in-netns.sh (or set CTDENV_ALLOW_HOST_NETNS=1)"
		return 1
	fi
	for pid in containerd ctr runc; do
		command -v "$pid" >/dev/null || { _ctdenv_err "'$pid' not found (scripts/deps.sh install)"; return 1; }
	done
	mkdir -p "$dir" || return 1
	dir=$(cd "$dir" && pwd) || return 1
	c=$dir/containerd r=$dir/registry sock=$c/containerd.sock
	if ((${#sock} > 100)); then
		_ctdenv_err "socket path too long for a unix socket (${#sock} > 100): $sock"
		return 1
	fi
	if _ctdenv_pid_alive "$(cat "$c/pid" 2>/dev/null)" "$c/config.toml"; then
		_ctdenv_err "containerd already running for $dir (pid $(cat "$c/pid"))"
		return 1
	fi
	_ctdenv_write_config "$dir" || return 1

	# setsid: a Ctrl-C meant for the test runner must not kill the daemons before the runner's
	# own cleanup stops them in order.
	setsid containerd --config "$c/config.toml" --log-level info </dev/null >"$c/containerd.log" 2>&1 &
	echo $! >"$c/pid"

	if [[ $port != 0 ]]; then
		command -v docker-registry >/dev/null || { _ctdenv_err "'docker-registry' not found"; ctdenv_stop "$dir"; return 1; }
		_ctdenv_write_registry_config "$dir" "$port" || return 1
		setsid docker-registry serve "$r/config.yml" </dev/null >"$r/registry.log" 2>&1 &
		echo $! >"$r/pid"
	fi

	deadline=$((SECONDS + timeout))
	until ctr -a "$sock" --timeout 2s version >/dev/null 2>&1; do
		if ! _ctdenv_pid_alive "$(cat "$c/pid")" "$c/config.toml" || ((SECONDS >= deadline)); then
			_ctdenv_err "containerd did not answer on $sock within ${timeout}s; log tail:"
			tail -n 20 "$c/containerd.log" >&2
			ctdenv_stop "$dir"
			return 1
		fi
		sleep 0.05
	done
	if [[ $port != 0 ]]; then
		until curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/v2/" 2>/dev/null; do
			if ! _ctdenv_pid_alive "$(cat "$r/pid")" "$r/config.yml" || ((SECONDS >= deadline)); then
				_ctdenv_err "registry did not answer on 127.0.0.1:$port within ${timeout}s; log tail:"
				tail -n 20 "$r/registry.log" >&2
				ctdenv_stop "$dir"
				return 1
			fi
			sleep 0.05
		done
	fi

	{
		echo "CTD_ENV_DIR='$dir'"
		echo "CTD_SOCK='$sock'"
		echo "CTD_ROOT='$c/root'"
		echo "CTD_STATE='$c/state'"
		echo "CTD_PID='$(cat "$c/pid")'"
		if [[ $port != 0 ]]; then
			echo "REGISTRY='127.0.0.1:$port'"
			echo "REGISTRY_DATA='$r/data'"
			echo "REGISTRY_PID='$(cat "$r/pid")'"
		fi
	} >"$dir/env"
}

# ctdenv_stop DIR
ctdenv_stop()
{
	local dir=$1 c r sock ns id p m rc=0

	[[ -n $dir && -d $dir ]] || return 0
	dir=$(cd "$dir" && pwd) || return 1
	c=$dir/containerd r=$dir/registry sock=$c/containerd.sock

	# Tasks first: once containerd is gone their shims and processes would outlive it.
	local namespaces=
	if _ctdenv_pid_alive "$(cat "$c/pid" 2>/dev/null)" "$c/config.toml"; then
		namespaces=$(timeout 10 ctr -a "$sock" namespaces ls -q 2>/dev/null) || true
		for ns in $namespaces; do
			for id in $(timeout 10 ctr -a "$sock" -n "$ns" tasks ls -q 2>/dev/null); do
				timeout 20 ctr -a "$sock" -n "$ns" tasks delete --force "$id" >/dev/null 2>&1 ||
					_ctdenv_err "could not delete task $ns/$id"
			done
		done
	fi
	_ctdenv_kill "$(cat "$r/pid" 2>/dev/null)" "$r/config.yml" registry || rc=1
	_ctdenv_kill "$(cat "$c/pid" 2>/dev/null)" "$c/config.toml" containerd || rc=1
	rm -f "$r/pid" "$c/pid"

	# Shims name our socket in their arguments (-address SOCK).
	for p in $(_ctdenv_pids_naming "$sock"); do
		_ctdenv_err "killing leftover process $p: $(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline")"
		_ctdenv_kill "$p" "$sock" "leftover process" || rc=1
	done

	while IFS= read -r m; do
		[[ -n $m ]] || continue
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null ||
			{ _ctdenv_err "cannot unmount $m"; rc=1; }
	done < <(_ctdenv_mounts_under "$dir")

	# The runc shim keeps container state in /run/containerd/runc/<namespace> whatever the
	# configured state dir, and runc removes a container's cgroup /<namespace>/<id> but not
	# /<namespace>: drop what this instance's namespaces left empty (runc recreates both on
	# demand). Names other instances likely use are left alone.
	local cg
	for ns in $namespaces; do
		case $ns in default | k8s.io | moby) continue ;; esac
		rmdir "/run/containerd/runc/$ns" 2>/dev/null || true
		for cg in /sys/fs/cgroup/*/"$ns"; do
			[[ ! -d $cg ]] || find "$cg" -depth -type d -exec rmdir {} \; 2>/dev/null || true
		done
	done
	return $rc
}

# ctdenv_leaks DIR: prints what still references DIR; returns 1 if anything does.
ctdenv_leaks()
{
	local dir=$1 p m found=0

	dir=$(cd "$dir" 2>/dev/null && pwd) || dir=$1
	for p in $(_ctdenv_pids_naming "$dir"); do
		echo "leaked process $p: $(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline")"
		found=1
	done
	while IFS= read -r m; do
		[[ -n $m ]] || continue
		echo "leaked mount: $m"
		found=1
	done < <(_ctdenv_mounts_under "$dir")
	return $((found))
}

# ctdenv_run DIR CMD...
ctdenv_run()
{
	local dir=$1 rc=0
	shift

	_CTDENV_RUN_DIR=$dir
	trap 'ctdenv_stop "$_CTDENV_RUN_DIR"' EXIT
	trap 'exit 143' TERM
	trap 'exit 130' INT
	ctdenv_start "$dir" || return
	(
		set -a
		# shellcheck disable=SC1091
		. "$dir/env"
		export NERDC_TEST_CONTAINERD_ADDRESS=$CTD_SOCK
		set +a
		"$@"
	) || rc=$?
	return $rc
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	set -euo pipefail
	case ${1:-} in
	start | stop | leaks) [[ $# -eq 2 ]] || set -- usage ;;
	run) [[ $# -ge 3 ]] || set -- usage ;;
	esac
	case ${1:-} in
	start) ctdenv_start "$2" ;;
	stop) ctdenv_stop "$2" ;;
	leaks) ctdenv_leaks "$2" ;;
	run) ctdenv_run "${@:2}" ;;
	*) sed -n '3,23s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
fi
