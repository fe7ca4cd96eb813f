#!/bin/sh
# lock-stat.sh [LABEL]: lock contention on the fork and exit paths with
# lockdep's lock statistics (issue 15, item 4).  Boots the lockstat
# flavour (debug + CONFIG_LOCK_STAT; harness/prepare.sh lockstat builds
# it) on 2 nodes x 4 CPUs running bench/lock-stat-guest.sh: a fork+exit
# storm with AutoNUMA off, then on at its fastest knobs, /proc/lock_stat
# cleared before each.  Console log in build/lock-stat/LABEL.log, table
# rows (bench/lock-stat.awk) on stdout.
#
# LABEL names the run (default: the short commit id).  LS_SECS (10)
# sets the length of each storm; LS_CPN (4) the CPUs per node.
set -eu
ROOT=$(CDPATH="" cd -- "$(dirname -- "$0")/.." && pwd)
out=$ROOT/build/lock-stat
mkdir -p "$out"
label=${1:-$(git -C "$ROOT" rev-parse --short HEAD)}
make -s -C "$ROOT/bench" >/dev/null
log=$out/$label.log
"$ROOT/harness/qemu.sh" --flavour lockstat --nodes 2 --cpus-per-node "${LS_CPN:-4}" \
	--script "$ROOT/bench/lock-stat-guest.sh" --timeout 900 --log "$log" \
	--append "kunit.enable=0 ls_secs=${LS_SECS:-10}" ||
	echo "lock-stat.sh: guest failed, see $log" >&2
echo "| commit | phase | exits | row | class | contentions | waittime-total us | acquisitions |"
echo "|---|---|---|---|---|---|---|---|"
awk -v label="$label" -f "$ROOT/bench/lock-stat.awk" "$log"
