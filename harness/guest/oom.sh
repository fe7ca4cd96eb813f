#!/bin/sh
# Memory pressure while AutoNUMA migrates, run with qemu.sh --nodes 2
# --mem-per-node 256 --script: a toucher whose memory sits on the other
# node keeps knuma_migratedN busy (and its destination allocations
# failing as the node fills up), then a memory hog larger than the
# machine drives the guest through reclaim (there is no swap) into the
# OOM killer.  The OOM is expected, and this script checks it:
#
#   - the hog, and only the hog, is killed: one "Killed process" line in
#     the kernel log, naming its pid, and it died of SIGKILL;
#   - the toucher and a bystander survive, and the toucher ran until
#     stopped (so does this script and the guest: it must finish);
#   - no page stays isolated afterwards (nr_isolated_anon/file, after
#     stat_refresh).
#
# Console lines this guest makes on purpose, which a console scan must
# exempt for it: "memhog invoked oom-killer: ...", "Mem-Info:", "Tasks
# state (memory values in pages):", "oom-kill:constraint=...",
# "Out of memory: Killed process PID (memhog) ...", "oom_reaper: reaped
# process PID (memhog) ...", and the dump_stack() of the OOM report
# ("CPU: ... Comm: memhog", "Call Trace:").  TAP on the console; exit
# status the failures.

. /guest-lib.sh

A=/sys/kernel/mm/autonuma
NODES=/sys/devices/system/node
MB=32			# MiB the toucher uses

[ -d $A/knuma_scand ] || { tap 1 "AutoNUMA runs here"; echo "1..$n"; exit 1; }
echo 1 >$A/enabled
echo 10 >$A/knuma_scand/scan_sleep_millisecs
echo 50 >$A/knuma_scand/scan_sleep_pass_millisecs
echo 10 >$A/knuma_migrated/sleep_millisecs
# the hog asks for twice the machine: let mmap() grant it (the default
# heuristic refuses one larger than RAM), so that the page faults, not
# mmap(), run out of memory
echo 1 >/proc/sys/vm/overcommit_memory
total=$(awk '$1 == "MemTotal:" { print int($2 / 1024) }' /proc/meminfo)
hogmb=$((total * 2))
echo "# MemTotal $total MiB, hog $hogmb MiB, $(grep SwapTotal /proc/meminfo | tr -s ' ')"

# the toucher: memory on node 0; moved to the CPUs of node 1 as the hog
# starts, so that its pages migrate while memory runs out
numactl --cpunodebind=0 memhog -r1000000 ${MB}m >/dev/null 2>&1 &
toucher=$!
sleep 100000 &
bystander=$!
sleep 2
mig0=$(vmstat autonuma_pages_migrated)
fail0=$(vmstat autonuma_migrate_failed)
oom0=$(vmstat oom_kill)
dmesg -c >/dev/null

t0=$(date +%s)
memhog ${hogmb}m >/dev/null 2>&1 &
hog=$!
taskset -p "$(tr -d , <$NODES/node1/cpumap)" $toucher >/dev/null
wait $hog
rc=$?
echo "# hog (pid $hog) ended with status $rc after $(($(date +%s) - t0)) s;" \
	"meanwhile $(($(vmstat autonuma_pages_migrated) - mig0)) pages migrated," \
	"$(($(vmstat autonuma_migrate_failed) - fail0)) migrations failed;" \
	"toucher on node 1: $(node_pages $toucher 1) of $((MB * 256)) pages"
dmesg | grep -E 'invoked oom-killer|Killed process|reaped process' | sed 's/^/# /'

moved=$(($(vmstat autonuma_pages_migrated) - mig0 + $(vmstat autonuma_migrate_failed) - fail0))
st=0
[ "$moved" -gt 0 ] || st=1
tap $st "AutoNUMA migrated (or tried to) while memory ran out ($moved pages)"
st=0
[ "$rc" = 137 ] || st=1
tap $st "the hog died of SIGKILL (status $rc, 137 is SIGKILL)"
killed=$(dmesg | grep -c 'Killed process')
st=0
[ "$killed" = 1 ] && dmesg | grep -q "Killed process $hog (memhog)" || st=1
tap $st "the OOM killer killed only the hog ($killed kill(s), oom_kill +$(($(vmstat oom_kill) - oom0)))"

st=0
kill -0 $bystander 2>/dev/null || st=1
tap $st "the bystander survived"
kill $toucher 2>/dev/null
wait $toucher
rc=$?
st=0
[ "$rc" = 143 ] || st=1
tap $st "the toucher ran until stopped (exit status $rc, 143 is the stop)"
kill $bystander
wait $bystander 2>/dev/null

no_isolated afterwards
echo "1..$n"
exit $failed
