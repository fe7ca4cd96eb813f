#!/bin/sh
# Upstream NUMA balancing on at boot (CONFIG_NUMA_BALANCING_DEFAULT_ENABLED=y,
# the distribution default) with AutoNUMA built in: run with qemu.sh
# --script on a 2-node guest of the kasan flavour, whose config is that.
# The two share the hinting fault infrastructure and must never run
# together, so:
#
#   at boot kernel.numa_balancing is 1, upstream makes hinting entries
#     under a workload and AutoNUMA (enabled=0) makes none;
#   "echo 1 > enabled" fails with EBUSY and enabled stays 0;
#   after "sysctl kernel.numa_balancing=0" the same write succeeds and
#     knuma_scand completes scan passes;
#
# then the autonuma kselftests run (all of them, or those named by
# kselftest_tests=, as guest/init does) on the AutoNUMA switched on here.
# Each step checks that something happened, so that a kernel where the
# knobs exist but do nothing fails.  TAP on the console (harness/tap.awk
# counts it); the exit status is non-zero on any failure.

A=/sys/kernel/mm/autonuma
NB=/proc/sys/kernel/numa_balancing
. /guest-lib.sh

# touch_for SECS: a task touching 32 MiB over and over for SECS seconds,
# so that whichever balancer is on has a working set to mark.
touch_for() {
	memhog -r1000000 32m >/dev/null 2>&1 &
	t=$!
	sleep "$1"
	kill "$t" 2>/dev/null
	wait "$t" 2>/dev/null
}

echo "# nodes $(cat /sys/devices/system/node/online);" \
	"kernel.numa_balancing=$(cat $NB 2>/dev/null); autonuma enabled=$(cat $A/enabled 2>/dev/null)"

st=0
[ "$(cat $NB 2>/dev/null)" = 1 ] || st=1
tap $st "kernel.numa_balancing is 1 at boot (NUMA_BALANCING_DEFAULT_ENABLED=y)"
st=0
[ -f $A/knuma_scand/full_scans ] && [ "$(cat $A/enabled 2>/dev/null)" = 0 ] || st=1
tap $st "AutoNUMA is built in and possible here (knuma_scand knobs), but enabled reads 0"

nb0=$(vmstat numa_pte_updates) an0=$(vmstat autonuma_pte_updates)
scans0=$(cat $A/knuma_scand/full_scans 2>/dev/null)
touch_for 6
nb1=$(vmstat numa_pte_updates) an1=$(vmstat autonuma_pte_updates)
scans1=$(cat $A/knuma_scand/full_scans 2>/dev/null)
echo "# under a workload: numa_pte_updates $nb0 -> $nb1," \
	"autonuma_pte_updates $an0 -> $an1, full_scans $scans0 -> $scans1"
st=0
[ "$nb1" -gt "$nb0" ] || st=1
tap $st "upstream NUMA balancing makes hinting entries ($((nb1 - nb0)))"
st=0
[ "$an1" = "$an0" ] && [ "$scans1" = "$scans0" ] || st=1
tap $st "AutoNUMA makes none and knuma_scand completes no pass while it is off"

err=$( (echo 1 >$A/enabled) 2>&1)
wrote=$?
echo "# echo 1 > enabled: status $wrote, ${err:-no error}"
st=0
[ "$wrote" != 0 ] && case $err in *"resource busy"*) true ;; *) false ;; esac || st=1
tap $st "writing 1 to enabled fails with EBUSY while kernel.numa_balancing is 1"
st=0
[ "$(cat $A/enabled)" = 0 ] || st=1
tap $st "enabled still reads 0"

sysctl -w kernel.numa_balancing=0 >/dev/null
st=0
[ "$(cat $NB)" = 0 ] || st=1
tap $st "sysctl kernel.numa_balancing=0 switches upstream off"
err=$( (echo 1 >$A/enabled) 2>&1)
wrote=$?
st=0
[ "$wrote" = 0 ] && [ "$(cat $A/enabled)" = 1 ] || st=1
tap $st "then writing 1 to enabled succeeds and it reads 1${err:+ ($err)}"

# AutoNUMA really runs now: scan passes complete under a workload (fast
# knobs for this; the kselftests set their own and restore them).
sleep_ms=$(cat $A/knuma_scand/scan_sleep_millisecs)
pass_ms=$(cat $A/knuma_scand/scan_sleep_pass_millisecs)
echo 10 >$A/knuma_scand/scan_sleep_millisecs
echo 50 >$A/knuma_scand/scan_sleep_pass_millisecs
an0=$(vmstat autonuma_pte_updates) scans0=$(cat $A/knuma_scand/full_scans)
touch_for 6
an1=$(vmstat autonuma_pte_updates) scans1=$(cat $A/knuma_scand/full_scans)
echo "$sleep_ms" >$A/knuma_scand/scan_sleep_millisecs
echo "$pass_ms" >$A/knuma_scand/scan_sleep_pass_millisecs
echo "# AutoNUMA on: autonuma_pte_updates $an0 -> $an1, full_scans $scans0 -> $scans1"
st=0
[ "$scans1" -gt "$scans0" ] && [ "$an1" -gt "$an0" ] || st=1
tap $st "knuma_scand completes passes and makes hinting entries once enabled"
echo "1..$n"

# The kselftests, as guest/init runs them, on the AutoNUMA switched on
# at run time.
tests=
for arg in $(cat /proc/cmdline); do
	case $arg in
	kselftest_tests=*) tests=${arg#kselftest_tests=} ;;
	esac
done
set --
for t in $(echo "$tests" | tr , ' '); do
	set -- "$@" -t "$t"
done
cd /kselftest && ./run_kselftest.sh "$@"
rc=$?
[ "$failed" = 0 ] || rc=1
exit $rc
