#!/bin/sh
# zero-cost.sh [SHAPE:CONFIG...]: the footprint and fork+exit cost of
# AutoNUMA built in (issue 15, item 4).  One guest boot per SHAPE:CONFIG,
# running bench/zero-cost-guest.sh; console logs in build/zero-cost/,
# one summary line per boot on stdout (bench/zero-cost.awk).
#
#   SHAPE   CPUS-PER-NODE on 2 nodes: 2 or 4
#   CONFIG  none     the none flavour (CONFIG_AUTONUMA=n)
#           off      autonuma flavour, echo 0 > enabled right after boot
#           noauto   autonuma flavour booted with "noautonuma"
#           on       autonuma flavour, AutoNUMA on (its Kconfig default)
#           nb       numa_balancing flavour (upstream NUMA balancing, no
#                    AutoNUMA), kernel.numa_balancing=1 (its default there)
#           nboff    numa_balancing flavour, kernel.numa_balancing=0 right
#                    after boot
#
# Default: 2:none 2:off 2:noauto 2:on 4:none 4:off 4:on; the 4-CPU-per-
# node boots also run the default forkstorm (the fork-heavy run).
# ZC_REPS (3) and ZC_SECS (6) set the repeats and the rate run length.
set -eu
ROOT=$(CDPATH="" cd -- "$(dirname -- "$0")/.." && pwd)
out=$ROOT/build/zero-cost
mkdir -p "$out"
[ $# -gt 0 ] || set -- 2:none 2:off 2:noauto 2:on 4:none 4:off 4:on
make -s -C "$ROOT/bench" >/dev/null
for run in "$@"; do
	cpn=${run%%:*} cfg=${run#*:}
	flavour=autonuma extra=
	case $cfg in
	none) flavour=none mode=none ;;
	off) mode=off ;;
	noauto) mode=none extra=noautonuma ;;
	on) mode=on ;;
	nb) flavour=numa_balancing mode=none ;;
	nboff) flavour=numa_balancing mode=nboff ;;
	*) echo "zero-cost.sh: unknown config '$cfg'" >&2; exit 2 ;;
	esac
	heavy=0
	[ "$cpn" -ge 4 ] && heavy=1
	log=$out/$cpn-$cfg.log
	"$ROOT/harness/qemu.sh" --flavour $flavour --nodes 2 --cpus-per-node "$cpn" \
		--script "$ROOT/bench/zero-cost-guest.sh" --timeout 900 --log "$log" \
		--append "kunit.enable=0 zc_mode=$mode zc_reps=${ZC_REPS:-3} zc_secs=${ZC_SECS:-6} zc_heavy=$heavy $extra" ||
		echo "zero-cost.sh: $run: guest failed, see $log" >&2
	awk -v shape="2x$cpn" -v cfg="$cfg" -f "$ROOT/bench/zero-cost.awk" "$log"
done
