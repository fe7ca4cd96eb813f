#!/bin/sh
# The tools a user watches AutoNUMA with keep working while it runs:
# numastat -p PID, /proc/PID/numa_maps and AutoNUMA's trace events
# (include/trace/events/autonuma.h) through tracefs, trace-cmd and, when
# qemu.sh --extra-bin /usr/bin/perf packed it, perf.  Run with
#   harness/qemu.sh --flavour autonuma --nodes 2 --script harness/guest/tools.sh
#
# A toucher runs on node 0's CPUs with its memory moved to node 1
# (migratepages, AutoNUMA off meanwhile); then AutoNUMA is switched on
# with fast knobs while the tracers record, and must bring the memory to
# node 0.  Checks, as TAP (harness/tap.awk counts it), exit status the
# failures:
#   - numastat -p PID parses (a Total row with one column per node and
#     their sum) and shows the memory on node 1 before, on node 0 after;
#   - numa_maps' N0=/N1= page counts agree with numastat's columns;
#   - tracefs (an instance of its own) and trace-cmd recorded autonuma
#     events, the toucher's pages queued from node 1 to node 0 among
#     them, and perf stat counted every autonuma event and parsed their
#     formats (perf record needs eventfd(), which the guest kernels lack).

. /guest-lib.sh

A=/sys/kernel/mm/autonuma
T=/sys/kernel/tracing
I=$T/instances/tools
MB=32			# MiB the toucher uses
CAP=90			# seconds AutoNUMA may take to bring it to node 0
REC=$((CAP + 10))	# seconds trace-cmd and perf record at most

[ -d $A ] || { tap 1 "AutoNUMA in this kernel ($A)"; echo "1..$n"; exit 1; }
# A distribution kernel (make deb) boots with upstream NUMA balancing.
[ ! -f /proc/sys/kernel/numa_balancing ] || echo 0 >/proc/sys/kernel/numa_balancing
echo 0 >$A/enabled

# numastat_total PID: "node0 node1 total" in MiB, numastat -p's Total row;
# empty when the output does not parse (no Total row, or its columns are
# not one per node plus their sum).
numastat_total() {
	numastat -p "$1" >/tmp/numastat.out 2>&1
	awk '/^Total/ { t = $0 } END {
		if (t == "") exit 1
		split(t, f)
		if (f[4] == "" || f[5] != "") exit 1
		if ((f[2] + f[3]) - f[4] > 0.02 || f[4] - (f[2] + f[3]) > 0.02) exit 1
		print f[2], f[3], f[4]
	}' /tmp/numastat.out
}

# on_node PID NODE WHEN: one result, that numastat -p PID parses and shows
# at least 90 % of the toucher's memory on NODE.
on_node() {
	st=0
	row=$(numastat_total "$1") || st=1
	sed 's/^/# /' /tmp/numastat.out
	got=$(echo "$row" | awk -v k="$2" '{ print $(k + 1) }')
	[ $st = 0 ] && echo "$row" | awk -v k="$2" -v mb=$MB \
		'{ exit !($(k + 1) >= mb * 0.9 && $(k + 1) >= $3 * 0.9) }' || st=1
	tap $st "numastat -p parses and shows the toucher's memory on node $2 $3 (${got:-?} MiB)"
}

# maps_mib PID NODE: MiB of PID on NODE by numa_maps (N<node>= counts are
# in pages of the mapping's kernelpagesize_kB).
maps_mib() {
	awk -v k="N$2" '{
		ps = 4
		for (i = 1; i <= NF; i++)
			if ($i ~ /^kernelpagesize_kB=/) { split($i, a, "="); ps = a[2] }
		for (i = 1; i <= NF; i++) {
			split($i, a, "=")
			if (a[1] == k) s += a[2] * ps
		}
	} END { printf "%.2f\n", s / 1024 }' "/proc/$1/numa_maps"
}

# agree PID WHEN: numa_maps and numastat -p, read one after the other, give
# the same MiB per node (within 1 %, plus 0.1 MiB: the toucher's stack and
# libc may fault a page in between).
agree() {
	m0=$(maps_mib "$1" 0) m1=$(maps_mib "$1" 1)
	set -- $(numastat_total "$1") "$2"
	echo "# $4: numa_maps N0 $m0 MiB, N1 $m1 MiB; numastat Node 0 $1, Node 1 $2"
	st=0
	awk -v a="$m0" -v b="$1" -v c="$m1" -v d="$2" 'function off(x, y) {
		return x - y > 0.1 + y / 100 || y - x > 0.1 + x / 100
	} BEGIN { exit off(a, b) || off(c, d) }' || st=1
	tap $st "$4: numa_maps N0=/N1= agree with numastat -p"
}

numactl --cpunodebind=0 memhog -r1000000 ${MB}m >/dev/null 2>&1 &
pid=$!
sleep 2
migratepages "$pid" all 1
sleep 1

on_node "$pid" 1 "after migratepages"
agree "$pid" "before"

# The tracers: a tracefs instance of our own (not the top-level buffer,
# which trace-cmd resets), trace-cmd and perf, all started before AutoNUMA
# so that they see the toucher's pages queued.
tracefs=0
if [ -d $T/events/autonuma ] && mkdir $I 2>/dev/null; then
	echo 4096 >$I/buffer_size_kb
	echo 1 >$I/events/autonuma/enable && echo 1 >$I/tracing_on && tracefs=1
fi
# started: trace-cmd once it writes its per-CPU files, perf its header
tcmd= perf= i=0
if command -v trace-cmd >/dev/null; then
	trace-cmd record -e autonuma -o /tmp/trace.dat sleep $REC >/tmp/trace-cmd.log 2>&1 &
	tcmd=$!
	while [ $i -lt 20 ] && [ -z "$(ls /tmp/trace.dat* 2>/dev/null)" ]; do
		sleep 1
		i=$((i + 1))
	done
fi
if command -v perf >/dev/null; then
	# perf stat, not perf record: record needs eventfd(), which the
	# guest kernels leave out (tinyconfig); counting reads the events'
	# formats all the same.
	perf stat -e 'autonuma:*' -a -x, -o /tmp/perf.stat -- sleep $REC >/tmp/perf.log 2>&1 &
	perf=$!
	sleep 5
	i=$((i + 5))
fi
sleep 1
echo "# tracers started in $i s: tracefs instance $tracefs, trace-cmd ${tcmd:-absent}, perf ${perf:-absent}"

echo 10 >$A/knuma_scand/scan_sleep_millisecs
echo 50 >$A/knuma_scand/scan_sleep_pass_millisecs
echo 10 >$A/knuma_migrated/sleep_millisecs
echo 1 >$A/enabled
t0=$(date +%s)
while :; do
	p0=$(node_pages "$pid" 0)
	[ "$p0" -ge $((MB * 256 * 9 / 10)) ] && break
	[ $(($(date +%s) - t0)) -ge $CAP ] && break
	sleep 1
done
secs=$(($(date +%s) - t0))
echo "# AutoNUMA on: $p0 pages on node 0 after $secs s"
echo "# autonuma_pages_queued $(vmstat autonuma_pages_queued) autonuma_pages_migrated $(vmstat autonuma_pages_migrated)"

on_node "$pid" 0 "$secs s after AutoNUMA went on, on the node the toucher runs on"
# Stopped for the comparison, or a page that migrates between the two
# reads makes them disagree; AutoNUMA still runs, and what it queued
# before finishes in a few of knuma_migrated's 10 ms.
kill -STOP "$pid"
sleep 1
agree "$pid" "after"
kill -CONT "$pid"
stop "$pid" "toucher"

# tracefs: each event at least once; the toucher's pages queued 1 -> 0.
if [ $tracefs = 1 ]; then
	echo 0 >$I/tracing_on
	cat $I/trace >/tmp/instance.trace
	echo 0 >$I/events/autonuma/enable
	for e in autonuma_scan_mm autonuma_queue_page autonuma_migrate_batch autonuma_sched_decision; do
		printf '# tracefs %s: %s\n' $e "$(grep -c " $e:" /tmp/instance.trace)"
	done
	q=$(grep -c 'autonuma_queue_page:.* src_nid=1 dst_nid=0$' /tmp/instance.trace)
	m=$(grep -c 'autonuma_migrate_batch: nid=0 .*migrated=[1-9]' /tmp/instance.trace)
	s=$(grep -c ' autonuma_scan_mm:' /tmp/instance.trace)
	grep -m1 'autonuma_queue_page:.* src_nid=1 dst_nid=0$' /tmp/instance.trace | sed 's/^ */# /'
	grep -m1 'autonuma_migrate_batch: nid=0 .*migrated=[1-9]' /tmp/instance.trace | sed 's/^ */# /'
	st=0
	[ "$q" -gt 0 ] && [ "$m" -gt 0 ] && [ "$s" -gt 0 ] || st=1
	tap $st "tracefs: autonuma events recorded ($s scan_mm, $q pages queued 1 -> 0, $m batches migrated to node 0)"
	rmdir $I
else
	tap 1 "tracefs has the autonuma events ($T/events/autonuma) and an instance for them"
fi

# trace-cmd and perf stop when their command, a "sleep", ends: end it
# (busybox has no pkill: its pid from /proc), and they write out what they
# recorded.
stop_recorder() {
	for st in /proc/[0-9]*/stat; do
		awk -v pp="$1" '$4 == pp && $2 == "(sleep)" { print $1 }' "$st" 2>/dev/null
	done | xargs -r kill
	wait "$1"
}
if [ -n "$tcmd" ]; then
	stop_recorder "$tcmd"
	trace-cmd report -i /tmp/trace.dat >/tmp/trace-cmd.report 2>>/tmp/trace-cmd.log
	q=$(grep -c 'autonuma_queue_page:.* src_nid=1 dst_nid=0$' /tmp/trace-cmd.report)
	a=$(grep -c ' autonuma_[a-z_]*:' /tmp/trace-cmd.report)
	grep -m1 'autonuma_queue_page:.* src_nid=1 dst_nid=0$' /tmp/trace-cmd.report | sed 's/^ */# /'
	st=0
	[ "$q" -gt 0 ] || st=1
	[ $st = 0 ] || sed 's/^/# trace-cmd: /' /tmp/trace-cmd.log | tail -12
	tap $st "trace-cmd record -e autonuma: $a events, $q pages queued 1 -> 0"
else
	tap 0 "trace-cmd # SKIP not in this initramfs"
fi
if [ -n "$perf" ]; then
	stop_recorder "$perf"
	sed 's/^/# perf stat: /' /tmp/perf.stat | grep autonuma
	# perf says when it cannot parse an event's format ("Error: expected
	# type ..."), and then decodes none of its fields
	q=$(awk -F, '$3 == "autonuma:autonuma_queue_page" { print $1 + 0 }' /tmp/perf.stat)
	e=$(awk -F, '$3 ~ /^autonuma:/ && $1 ~ /^[0-9]+$/' /tmp/perf.stat | wc -l)
	st=0
	[ "${q:-0}" -gt 0 ] && [ "$e" = 4 ] || st=1
	grep -q 'Error\|error' /tmp/perf.log && st=1
	[ $st = 0 ] || sed 's/^/# perf: /' /tmp/perf.log | tail -12
	tap $st "perf stat -e 'autonuma:*': $e events counted, ${q:-0} pages queued, formats parsed"
else
	tap 0 "perf # SKIP not packed (qemu.sh --extra-bin /usr/bin/perf)"
fi

echo "1..$n"
exit $failed
