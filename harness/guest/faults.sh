#!/bin/sh
# The storm (kselftest autonuma_storm: fork/exec/exit, mmap/munmap/mremap,
# THP, enabled flipping) with AutoNUMA at its fastest knobs while slab and
# page allocations fail at random, on the debug kernel (fault injection:
# harness/configs/debug.config).  Run with qemu.sh --script.
#
# Failures are injected into the storm's workers (make-it-fail, which
# their children inherit) and into knuma_scand and the knuma_migratedN
# threads, and nowhere else (task-filter): a failed allocation in the
# guest's own init or shell would end the test, not test AutoNUMA.  ignore-gfp-wait=N
# and min-order=0, or only the rare atomic and high-order allocations
# would fail.  What the storm itself reports is only shown: with its
# allocations failing, its children may fail (that is the point).
#
# Checks, as TAP (harness/tap.awk counts it), exit status the failures:
#   - faults were injected and the storm finished in time;
#   - no page stays isolated (nr_isolated_anon/file, after stat_refresh);
#   - slab and page counts are back where they were before the storm
#     (objects of the mm, task and VMA caches, unreclaimable slab, free
#     and anon pages; tolerances below);
# the console is scanned by the host.

. /guest-lib.sh

A=/sys/kernel/mm/autonuma
FS=/sys/kernel/debug/failslab
FP=/sys/kernel/debug/fail_page_alloc
STORM=/kselftest/autonuma/autonuma_storm
PERCENT=${FAULTS_PERCENT:-2}	# of the allocations that may fail
CAP=300				# seconds the storm may take under faults
# Slab caches whose objects must all be freed again: the ones a process
# (and an mm AutoNUMA scans) is made of.
CACHES="mm_struct task_struct vm_area_struct anon_vma anon_vma_chain signal_cache sighand_cache files_cache fs_cache pid"

# active objects of slab cache $1 (exact with slub_debug: no per-CPU slabs)
slab_objs() {
	awk -v c="$1" '$1 == c { print $2; found = 1 } END { if (!found) print -1 }' /proc/slabinfo
}

# snapshot FILE: the counters compared before and after the storm, settled
# first: RCU-freed objects (task_struct) freed, page cache dropped, every
# CPU's vmstat deltas folded in.
snapshot() {
	sleep 2
	echo 3 >/proc/sys/vm/drop_caches
	# Give freed objects back to their caches: under KASAN they wait in
	# its quarantine, and slabinfo counts them as in use until shrunk.
	for f in /sys/kernel/slab/*/shrink; do
		echo 1 >"$f"
	done 2>/dev/null
	echo 1 >/proc/sys/vm/stat_refresh
	{
		for c in $CACHES; do
			echo "$c $(slab_objs "$c")"
		done
		echo "nr_slab_unreclaimable_B $(($(vmstat nr_slab_unreclaimable) * 4096))"
		echo "nr_free_pages $(vmstat nr_free_pages)"
		echo "nr_anon_pages $(vmstat nr_anon_pages)"
	} >"$1"
	cp /proc/vmstat "$1.vmstat"
	cp /proc/meminfo "$1.meminfo"
}

for d in $FS $FP; do
	[ -d $d ] || { echo "# no $d: this kernel has no fault injection"; tap 1 "fault injection present"; echo "1..$n"; exit 1; }
done
[ -x $STORM ] || { tap 1 "$STORM present"; echo "1..$n"; exit 1; }
# fastest knobs (the storm sets them too, and restores them at its exit)
fastest() {
	echo 1 >$A/enabled
	echo 1 >$A/knuma_scand/scan_sleep_millisecs
	echo 0 >$A/knuma_scand/scan_sleep_pass_millisecs
	echo 1 >$A/knuma_migrated/sleep_millisecs
}

# A first storm without faults: the caches and whatever the kernel keeps
# for good once used (stack depot entries of slub_debug and lockdep,
# per-CPU pages) are set up by it, so that the counts compared below
# move by what the failures leave behind, not by the first use.
fastest
$STORM >/tmp/warmup.out 2>&1
echo "# warm-up storm without faults: exit status $?"
fastest
snapshot /tmp/before

for d in $FS $FP; do
	echo Y >$d/task-filter
	echo N >$d/ignore-gfp-wait
	echo 0 >$d/verbose
	echo 1 >$d/interval
	echo -1 >$d/times
	echo 0 >$d/space
done
echo N >$FP/ignore-gfp-highmem
echo 0 >$FP/min-order
kthreads=$(ps -o pid,comm | awk '$2 ~ /^knuma_/ { print $1 }')
for p in $kthreads; do
	echo 1 >/proc/$p/make-it-fail
done
echo "# failing $PERCENT % of the slab and page allocations of the storm and of knuma threads $(echo $kthreads)"
echo "$PERCENT" >$FS/probability
echo "$PERCENT" >$FP/probability

t0=$(date +%s)
$STORM >/tmp/storm.out 2>&1 &
storm=$!
# Its workers (forkers, the mapper and its threads), once started, and
# all they fork from then on, which inherit it; not the storm's parent
# process, which sets the knobs and judges the workers (a failure of its
# own would end the storm before it starts).
sleep 1
workers=0
for p in /proc/[0-9]*; do
	[ "$(awk '$1 == "PPid:" { print $2 }' "$p/status" 2>/dev/null)" = "$storm" ] || continue
	for t in "$p"/task/*; do
		echo 1 >"$t/make-it-fail"
	done
	workers=$((workers + 1))
done
echo "# $workers storm workers fail their allocations now"
i=0
while kill -0 $storm 2>/dev/null && [ $i -lt $CAP ]; do
	sleep 1
	i=$((i + 1))
done
kill -0 $storm 2>/dev/null && kill -9 $storm
wait $storm
rc=$?
secs=$(($(date +%s) - t0))

echo 0 >$FS/probability
echo 0 >$FP/probability
for p in $kthreads; do
	echo 0 >/proc/$p/make-it-fail
done
# The storm's own report, not counted (its failures are provoked here).
sed 's/^/# storm: /' /tmp/storm.out
st=0
[ $i -lt $CAP ] || st=1
tap $st "the storm finished under fault injection in $secs s (exit status $rc, at most $CAP s)"
# Its counters line says whether it got going at all.
st=0
grep -q 'counter autonuma_pages_queued: +[1-9]' /tmp/storm.out || st=1
tap $st "AutoNUMA queued pages during the storm under faults"

# Off for a moment: what knuma_scand and knuma_migrated hold now is in
# flight, not leaked; then on again, so that the scanner lets go of any
# exited mm it still pins before the counts are read.
echo 0 >$A/enabled
no_isolated "after the storm"
fastest

snapshot /tmp/after
paste /tmp/before /tmp/after | awk '{ printf "# %-24s before %10d after %10d (%+d)\n", $1, $2, $4, $4 - $2 }'
# what else moved by more than 1 MiB, to tell where pages went
paste /tmp/before.vmstat /tmp/after.vmstat | awk '$1 == $3 && ($4 - $2 > 256 || $2 - $4 > 256) { printf "# vmstat %-28s %+d\n", $1, $4 - $2 }'
paste /tmp/before.meminfo /tmp/after.meminfo | awk '$1 == $4 && ($5 - $2 > 1024 || $2 - $5 > 1024) { printf "# meminfo %-20s %+d kB\n", $1, $5 - $2 }'
get() {
	awk -v k="$1" '$1 == k { print $2 }' "$2"
}

# Every object of these caches belongs to a live process, kernel thread or
# mm: after the storm there must be as many as before.  A few kernel
# threads (kworkers) come and go with load, hence a slack of 4 task-sized
# objects.  An mm_struct may outlive its process as the lazy-TLB active_mm
# of a CPU that went idle after running it (its VMAs are gone): one per
# CPU.  More is a leak.
cpus=$(grep -c '^processor' /proc/cpuinfo)
for c in $CACHES; do
	b=$(get "$c" /tmp/before) a=$(get "$c" /tmp/after)
	[ "$b" = -1 ] && { echo "# no slab cache $c in /proc/slabinfo"; continue; }
	slack=4
	[ "$c" = mm_struct ] && slack=$cpus
	st=0
	[ "$a" -le $((b + slack)) ] || st=1
	tap $st "slab cache $c: $a objects after the storm, $b before (slack $slack)"
done
# Unreclaimable slab as a whole (kmalloc caches, page tables are not in
# it): within 1 MiB, so that only sizes of caches that grow back and
# forth (per-CPU, kmalloc partials) count, not a leak per failed fork.
b=$(get nr_slab_unreclaimable_B /tmp/before) a=$(get nr_slab_unreclaimable_B /tmp/after)
st=0
[ "$a" -le $((b + 1048576)) ] || st=1
tap $st "unreclaimable slab $((a / 1024)) KiB after the storm, $((b / 1024)) KiB before (slack 1 MiB)"
# Pages allocated and not freed since before, from the allocator's own
# event counts (pgalloc_* less pgfree, in pages of any order): unlike
# nr_free_pages, which also moves with the per-CPU page lists (pages on
# them are not free, and the lists fill and drain from one moment to the
# next by several MiB), this is exactly what the storm left allocated.  A
# leaked region of the storm (its buffers are 2-8 MiB each) or queue (up
# to 16 MiB) is more than 16 MiB.
net() {
	awk '$1 ~ /^pgalloc_/ { n += $2 } $1 == "pgfree" { n -= $2 } END { print n }' "$1"
}
d=$(($(net /tmp/after.vmstat) - $(net /tmp/before.vmstat)))
st=0
[ "$d" -le 4096 ] || st=1
tap $st "pages allocated and not freed since before the storm: $d (slack 4096 pages, 16 MiB; free pages $(get nr_free_pages /tmp/before) -> $(get nr_free_pages /tmp/after))"
b=$(get nr_anon_pages /tmp/before) a=$(get nr_anon_pages /tmp/after)
st=0
[ "$a" -le $((b + 256)) ] || st=1
tap $st "anon pages $a after the storm, $b before (slack 256 pages)"

echo "1..$n"
exit $failed
