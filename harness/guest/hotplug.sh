#!/bin/sh
# Memory hot-add of a node, run with qemu.sh --hotplug-mem M --script:
# the highest node has no CPU and no boot memory, only a pc-dimm that
# the kernel added during boot and left offline.  This script onlines it,
# so that the node gets memory only now, and checks that AutoNUMA copes:
#
#   one node at boot (--nodes 1): AutoNUMA was decided off at boot and a
#     second node with memory must not switch it on ("echo 1 > enabled"
#     must fail or leave it off; it used to succeed and the first fault
#     dereferenced queues that were never allocated);
#   two or more nodes at boot: AutoNUMA runs, and the new node has no
#     knuma_migrated queue, so its pages may migrate away but none may be
#     queued to it, and no task may be sent to it (it has no CPU).
#
# Either way a workload touches memory on the new node for a few seconds
# and the kernel must report nothing.  TAP on the console (harness/tap.awk
# counts it); the exit status is the number of failures.

. /guest-lib.sh

A=/sys/kernel/mm/autonuma
NODES=/sys/devices/system/node
T=/sys/kernel/tracing
SECS=4			# seconds of each workload phase
MB=32			# MiB each memory toucher uses

# in_list N LIST: is node N in LIST ("0-1,3" as sysfs prints it)?
in_list() {
	echo "$2" | awk -v n="$1" -F, '{
		for (i = 1; i <= NF; i++) {
			split($i, r, "-")
			if (r[2] == "") r[2] = r[1]
			if (n >= r[1] && n <= r[2]) found = 1
		}
	} END { exit !found }'
}

kernel_reports() {
	dmesg | grep -E 'BUG:|WARNING:|Oops|general protection|Unable to handle' | head -5
}

# The node the pc-dimm is on: possible but without CPUs, the highest one.
hp=$(awk -F- '{ print $NF }' $NODES/possible)
ncpu_nodes=0
for d in $NODES/node[0-9]*; do
	[ -n "$(cat "$d/cpulist" 2>/dev/null)" ] && ncpu_nodes=$((ncpu_nodes + 1))
done
echo "# possible $(cat $NODES/possible) online $(cat $NODES/online)" \
	"has_memory $(cat $NODES/has_memory) has_cpu $(cat $NODES/has_cpu);" \
	"hot-add node $hp, $ncpu_nodes node(s) with CPUs"

blocks=
for b in /sys/devices/system/memory/memory[0-9]*; do
	[ -e "$b/node$hp" ] || continue
	[ "$(cat "$b/state")" = offline ] && blocks="$blocks $b"
done
nblocks=$(echo $blocks | wc -w)
st=0
in_list "$hp" "$(cat $NODES/has_memory)" && st=1
[ -n "$(cat $NODES/node$hp/cpulist 2>/dev/null)" ] && st=1
[ "$nblocks" -gt 0 ] || st=1
tap $st "node $hp has no CPU and no memory at boot, $nblocks offline hot-added block(s)"

enabled_at_boot=$(cat $A/enabled 2>/dev/null)
possible_at_boot=0
[ -f $A/knuma_scand/full_scans ] && possible_at_boot=1
echo "# AutoNUMA at boot: enabled=$enabled_at_boot, knobs $([ $possible_at_boot = 1 ] && echo present || echo absent)"

st=0
for b in $blocks; do
	echo online >"$b/state" || st=1
done
in_list "$hp" "$(cat $NODES/has_memory)" || st=1
echo "# after onlining: online $(cat $NODES/online) has_memory $(cat $NODES/has_memory);" \
	"$(grep MemTotal $NODES/node$hp/meminfo | tr -s ' ')"
tap $st "onlining its $nblocks block(s) gives node $hp memory"

# toucher NODE [numactl options]: start memhog on NODE's CPUs, touching
# its memory over and over until stopped; its pid in $pid.  (Not run in
# $(...): the toucher must be this shell's child, for wait.)
toucher() {
	cpus=$1
	shift
	numactl --cpunodebind="$cpus" "$@" memhog -r100000 ${MB}m >/dev/null 2>&1 &
	pid=$!
}

want=$((MB * 1024 / 4 * 9 / 10))	# 90 % of a toucher's pages

if [ "$ncpu_nodes" = 1 ]; then
	# ---- AutoNUMA impossible at boot: it must stay off ----
	st=0
	[ "$possible_at_boot" = 0 ] && [ "$enabled_at_boot" = 0 ] || st=1
	tap $st "AutoNUMA is off at boot with one node"

	if err=$( (echo 1 >$A/enabled) 2>&1); then
		echo "# echo 1 > $A/enabled succeeded"
	else
		echo "# echo 1 > $A/enabled failed, as it should: $err"
	fi
	st=0
	[ "$(cat $A/enabled)" = 0 ] || st=1
	tap $st "AutoNUMA stays off when a node with memory is added (enabled=$(cat $A/enabled))"

	base0=$(vmstat autonuma_pte_updates)
	toucher 0 --membind=0
	a=$pid
	toucher 0 --membind="$hp"
	b=$pid
	toucher 0 --interleave=0,"$hp"
	c=$pid
	sleep $SECS
	pa=$(node_pages "$a" 0)
	pb=$(node_pages "$b" "$hp")
	pc=$(( $(node_pages "$c" 0) + $(node_pages "$c" "$hp") ))
	echo "# pages: node 0 $pa, node $hp $pb, interleaved $pc (of $((MB * 256)) each)"
	st=0
	[ "$pa" -ge "$want" ] && [ "$pb" -ge "$want" ] && [ "$pc" -ge "$want" ] || st=1
	tap $st "tasks touch ${MB} MiB each on node 0, on node $hp and interleaved"
	stop "$a" "toucher on node 0"
	stop "$b" "toucher on node $hp"
	stop "$c" "interleaved toucher"
	st=0
	[ "$(vmstat autonuma_pte_updates)" = "$base0" ] || st=1
	tap $st "AutoNUMA made no hinting entry (autonuma_pte_updates $base0 -> $(vmstat autonuma_pte_updates))"
else
	# ---- AutoNUMA running: the new node may give pages, never get them ----
	st=0
	[ "$possible_at_boot" = 1 ] || st=1
	[ "$enabled_at_boot" = 1 ] || echo 1 >$A/enabled || st=1
	tap $st "AutoNUMA is on with $ncpu_nodes nodes at boot"
	echo 10 >$A/knuma_scand/scan_sleep_millisecs
	echo 50 >$A/knuma_scand/scan_sleep_pass_millisecs
	echo 10 >$A/knuma_migrated/sleep_millisecs
	echo "# knuma_migrated threads: $(ps -o comm | grep knuma_migrated | sort | tr '\n' ' ')"

	# Record only what concerns the new node.
	tr=0
	if [ -d $T/events/autonuma ]; then
		echo "src == $hp || dst == $hp" >$T/events/autonuma/autonuma_queue_page/filter &&
		echo "to_nid == $hp" >$T/events/autonuma/autonuma_sched_decision/filter &&
		echo 1 >$T/events/autonuma/autonuma_queue_page/enable &&
		echo 1 >$T/events/autonuma/autonuma_sched_decision/enable &&
		echo 1 >$T/tracing_on && tr=1
	fi
	[ $tr = 1 ] || echo "# no autonuma trace events: queueing is judged by page counts only"

	# A task on node 0's CPUs whose memory is bound to the new node:
	# it faults on remote memory that its policy keeps where it is.
	toucher 0 --membind="$hp"
	a=$pid
	sleep $SECS
	pa=$(node_pages "$a" "$hp")
	echo "# bound to node $hp: $pa pages there, faults remote $(vmstat autonuma_faults_remote)"
	st=0
	[ "$pa" -ge "$want" ] || st=1
	tap $st "memory bound to node $hp stays there while node 0's CPUs use it ($pa pages)"
	stop "$a" "bound toucher"

	# A task on node 0 with the default policy, its memory moved to the
	# new node: AutoNUMA may move it back, but nothing goes to node $hp.
	# (AutoNUMA off meanwhile, or it starts pulling the pages back
	# before they are counted.)
	toucher 0
	b=$pid
	sleep 1
	echo 0 >$A/enabled
	migratepages "$b" all "$hp"
	moved=$(node_pages "$b" "$hp")
	echo 1 >$A/enabled
	echo "# migratepages: $moved pages of the toucher on node $hp"
	st=0
	[ "$moved" -ge "$want" ] || st=1
	tap $st "migratepages moved the toucher's memory to node $hp ($moved pages)"
	max=$moved grew=0 i=0
	while [ $i -lt $SECS ]; do
		sleep 1
		p=$(node_pages "$b" "$hp")
		[ "$p" -gt "$max" ] && grew=1
		max=$p
		i=$((i + 1))
	done
	echo "# on node $hp after ${SECS} s on node 0's CPUs: $p pages"
	# Then move the task to the next node's CPUs.
	mask=$(tr -d , <$NODES/node1/cpumap)
	taskset -p "$mask" "$b" >/dev/null
	i=0
	while [ $i -lt $SECS ]; do
		sleep 1
		p=$(node_pages "$b" "$hp")
		[ "$p" -gt "$max" ] && grew=1
		max=$p
		i=$((i + 1))
	done
	echo "# on node $hp after ${SECS} s on node 1's CPUs: $p pages;" \
		"node 0 $(node_pages "$b" 0), node 1 $(node_pages "$b" 1)"
	tap $grew "the toucher's pages on node $hp never grew after they were moved there"
	stop "$b" "moved toucher"

	if [ $tr = 1 ]; then
		echo 0 >$T/tracing_on
		from=$(grep -c "src_nid=$hp " $T/trace)
		to=$(grep -c "dst_nid=$hp\$" $T/trace)
		# "select" only names the node where the memory is; a task
		# that cannot run there lets its memory follow instead.
		chose=$(grep -c " select node [-0-9]* -> $hp " $T/trace)
		sent=$(grep -cE " (move|exchange) node [-0-9]+ -> $hp " $T/trace)
		echo "# trace: $from page(s) queued away from node $hp, $to queued to it;" \
			"$chose task(s) selected node $hp, $sent moved there"
		grep -E " (move|exchange) node [-0-9]+ -> $hp " $T/trace | head -3 | sed 's/^/# /'
		st=0
		[ "$to" = 0 ] || st=1
		tap $st "no page was queued to node $hp"
		st=0
		[ "$sent" = 0 ] || st=1
		tap $st "no task was sent to node $hp, which has no CPU"
	fi
	echo "# autonuma: queued $(vmstat autonuma_pages_queued) migrated $(vmstat autonuma_pages_migrated) failed $(vmstat autonuma_migrate_failed)"
fi

r=$(kernel_reports)
st=0
[ -z "$r" ] || st=1
[ -z "$r" ] || echo "$r" | sed 's/^/# /'
# (worded so that check.sh's scan of the console does not match it)
tap $st "the kernel log has no error report"
echo "1..$n"
exit $failed
