#!/usr/bin/env bash
# Runs a command in a fresh, private network namespace with only `lo` (up): its own loopback
# and ports, nothing reachable outside, gone when the last process in it exits.
#
#   scripts/in-netns.sh CMD [ARGS...]
#
# Uses `unshare --net`, not `ip netns exec` (which remounts /sys and hides the cgroup mounts
# that containerd and runc need).
set -euo pipefail
[[ $# -gt 0 ]] || { sed -n '5s/^# \{0,1\}//p' "$0" >&2; exit 2; }
exec unshare --net -- sh -c 'ip link set lo up && exec "$@"' in-netns "$@"
