#!/bin/sh
# How long AutoNUMA holds an application thread: every turn it takes in a
# task's own context on the way back to user space (its balancer, then a
# scan of the task's own mm) is an autonuma:autonuma_task_work trace event
# with the time of each part and the pages the scan covered.  Run with
#   harness/qemu.sh --flavour autonuma --nodes 2 --script harness/guest/task-scan.sh
#
# A toucher of MB MiB of base pages (THP off: a huge page is one entry and
# costs nothing to mark) runs with pages_to_scan as large as its memory and
# knuma_scand mostly asleep, so that its own thread does most of the
# scanning.  Checks, as TAP (harness/tap.awk counts it), exit status the
# failures:
#   - the toucher's thread scanned its own mm (turns that covered pages);
#   - no turn covered pages_to_scan: a turn ends at its time budget
#     (AUTONUMA_TASK_SCAN_NS in mm/autonuma.c), not at the page budget,
#     which would take the thread for the whole of a pass;
#   - passes still complete: knuma_scand goes on where the turns stop.
# And prints the distribution of the time per turn: the numbers behind
# "time AutoNUMA spends inside application threads", not a check (timing
# belongs to benchmarks, not to tests).

. /guest-lib.sh

A=/sys/kernel/mm/autonuma
S=$A/knuma_scand
T=/sys/kernel/tracing
I=$T/instances/taskscan
THP=/sys/kernel/mm/transparent_hugepage/enabled
MB=256			# MiB the toucher uses
PAGES=$((MB * 256))	# pages_to_scan: all of it in one turn, if let
SECS=20			# seconds recorded

[ -d $A ] || { tap 1 "AutoNUMA in this kernel ($A)"; echo "1..$n"; exit 1; }
[ ! -f /proc/sys/kernel/numa_balancing ] || echo 0 >/proc/sys/kernel/numa_balancing
[ -d $T/events/autonuma/autonuma_task_work ] || {
	tap 1 "tracefs has autonuma:autonuma_task_work"; echo "1..$n"; exit 1; }
[ ! -f $THP ] || echo never >$THP

echo 0 >$A/enabled
echo 1 >$S/task_scan
echo $PAGES >$S/pages_to_scan
echo 5000 >$S/scan_sleep_millisecs
echo 100 >$S/scan_sleep_pass_millisecs
mkdir $I
echo 1 >$I/events/autonuma/autonuma_task_work/enable
echo 1 >$I/tracing_on

numactl --cpunodebind=0 memhog -r1000000 ${MB}m >/dev/null 2>&1 &
pid=$!
sleep 2
scans0=$(cat $S/full_scans)
task0=$(cat $S/task_pages_scanned)
echo 1 >$A/enabled
sleep $SECS
echo 0 >$I/tracing_on
scans=$(($(cat $S/full_scans) - scans0))
task=$(($(cat $S/task_pages_scanned) - task0))
echo 0 >$A/enabled
stop "$pid" "toucher"
cat $I/trace >/tmp/taskscan.trace
rmdir $I

# "wall_ns pages cpu_ns" of the toucher's turns (pid=PID balance_ns=B
# scan_ns=S cpu_ns=C pages=P): the trace of the toucher only.
awk -v pid="$pid" '/ autonuma_task_work: / {
	for (i = 1; i <= NF; i++) {
		split($i, a, "=")
		v[a[1]] = a[2]
	}
	if (v["pid"] == pid)
		print v["balance_ns"] + v["scan_ns"], v["pages"], v["cpu_ns"]
}' /tmp/taskscan.trace >/tmp/taskscan.turns
turns=$(wc -l </tmp/taskscan.turns)
scanned=$(awk '$2 > 1 { n++ } END { print n + 0 }' /tmp/taskscan.turns)
maxpages=$(awk '$2 > m { m = $2 } END { print m + 0 }' /tmp/taskscan.turns)
echo "# $turns turns of the toucher in $SECS s, $scanned of them scanned; task_pages_scanned +$task, full_scans +$scans"
grep -m3 ' autonuma_task_work: .*pages=[1-9]' /tmp/taskscan.trace | sed 's/^ */# /'

# p50, p90, p99 and max of the time per turn (wall, or CPU), in microseconds
dist() {
	sort -n | awk '{ t[NR] = $1 } END {
		if (!NR) { print "none"; exit }
		printf "%d turns: p50 %.0f us, p90 %.0f us, p99 %.0f us, max %.0f us\n",
			NR, t[int((NR - 1) * 0.50) + 1] / 1000,
			t[int((NR - 1) * 0.90) + 1] / 1000,
			t[int((NR - 1) * 0.99) + 1] / 1000, t[NR] / 1000
	}'
}
echo "# every turn: $(awk '{ print $1 }' /tmp/taskscan.turns | dist)"
echo "# turns that scanned: $(awk '$2 > 1 { print $1 }' /tmp/taskscan.turns | dist)"
echo "# CPU time, every turn: $(awk '{ print $3 }' /tmp/taskscan.turns | dist)"
echo "# CPU time, turns that scanned: $(awk '$2 > 1 { print $3 }' /tmp/taskscan.turns | dist)"

st=0
[ "$scanned" -ge 5 ] && [ "$task" -gt 0 ] || st=1
tap $st "the toucher's thread scanned its own mm ($scanned turns covered pages, task_pages_scanned +$task)"
st=0
[ "$scanned" -ge 1 ] && [ "$maxpages" -lt $((PAGES / 2)) ] || st=1
tap $st "a turn ends at its time budget: at most $maxpages pages covered in one, against pages_to_scan $PAGES"
st=0
[ "$scans" -ge 2 ] || st=1
tap $st "passes still complete while turns stop early: full_scans +$scans in $SECS s"

echo "1..$n"
exit $failed
