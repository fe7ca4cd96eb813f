#!/bin/sh
# CPU hotplug while AutoNUMA migrates, run with qemu.sh --nodes 2 --script:
# the CPUs of node 1 (where knuma_migrated1 runs, and where the balancer
# sends tasks) go offline and online again, over and over, while two
# touchers whose memory sits on the other node make knuma_migrated0 and
# knuma_migrated1 migrate, and the scheduler side moves them.  Then:
#
#   - knuma_migrated1 is bound to node 1's CPUs again (it lost them while
#     they were offline: the scheduler moved it elsewhere), and migrates:
#     a new toucher's memory, placed on node 0, follows it to node 1;
#   - the touchers ran until stopped (no crash);
#   - no page stays isolated (nr_isolated_anon/file, after stat_refresh).
#
# The console is scanned by the host for lockdep/BUG/WARN reports.  TAP on
# the console (harness/tap.awk counts it); exit status the failures.

. /guest-lib.sh

A=/sys/kernel/mm/autonuma
NODES=/sys/devices/system/node
CYCLES=${CPUHP_CYCLES:-6}	# offline/online rounds
MB=32				# MiB each toucher uses

# cpus_of NODE: its CPUs, one a line ("2-3" expanded).
cpus_of() {
	tr , '\n' <$NODES/node$1/cpulist | awk -F- '{
		e = $2 == "" ? $1 : $2
		for (c = $1; c <= e; c++) print c
	}'
}

# toucher FROM TO: memhog first touching its memory on node FROM, then
# moved to node TO's CPUs; its pid in $pid (a child of this shell).
toucher() {
	numactl --cpunodebind="$1" memhog -r1000000 ${MB}m >/dev/null 2>&1 &
	pid=$!
	sleep 1
	taskset -p "$(tr -d , <$NODES/node$2/cpumap)" $pid >/dev/null ||
		echo "# cannot bind toucher $pid to node $2's CPUs"
}

migrated_pid() {
	ps -o pid,comm | awk -v c="knuma_migrated$1" '$2 == c { print $1 }'
}

allowed() {
	sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/$1/status
}

[ -d $A/knuma_scand ] || { tap 1 "AutoNUMA runs here"; echo "1..$n"; exit 1; }
echo 1 >$A/enabled
echo 10 >$A/knuma_scand/scan_sleep_millisecs
echo 50 >$A/knuma_scand/scan_sleep_pass_millisecs
echo 10 >$A/knuma_migrated/sleep_millisecs
m1=$(migrated_pid 1)
node1=$(cat $NODES/node1/cpulist)
# Read once: an offline CPU leaves its node's cpulist.
cpus1=$(cpus_of 1)
echo "# knuma_migrated1 (pid $m1) allowed on CPUs $(allowed "$m1"), node 1 has CPUs $node1"

toucher 0 1
a=$pid
toucher 1 0
b=$pid
mig0=$(vmstat autonuma_pages_migrated)
st=0
c=0
while [ $c -lt "$CYCLES" ]; do
	for cpu in $cpus1; do
		echo 0 >/sys/devices/system/cpu/cpu$cpu/online || st=1
	done
	[ $c = 0 ] && echo "# node 1's CPUs offline: knuma_migrated1 allowed on $(allowed "$m1"), online CPUs $(cat /sys/devices/system/cpu/online)"
	sleep 1
	for cpu in $cpus1; do
		echo 1 >/sys/devices/system/cpu/cpu$cpu/online || st=1
	done
	[ "$(cat $NODES/node1/cpulist)" = "$node1" ] || st=1
	sleep 1
	c=$((c + 1))
done
tap $st "node 1's CPUs went offline and online $CYCLES times (node 1 has CPUs $(cat $NODES/node1/cpulist), online $(cat /sys/devices/system/cpu/online))"
# The cpuset side of CPU hotplug runs from a work item after the CPUs are
# online: until it has, user tasks cannot be bound to them (EINVAL).
i=0
until taskset "$(tr -d , <$NODES/node1/cpumap)" true 2>/dev/null; do
	[ $i -ge 100 ] && break
	sleep 0.1
	i=$((i + 1))
done
tap $((i >= 100)) "user tasks can be bound to node 1's CPUs again (after $((i * 100)) ms)"
echo "# during the cycles: $(($(vmstat autonuma_pages_migrated) - mig0)) pages migrated;" \
	"toucher A (node 0 -> 1): node 1 $(node_pages $a 1) pages, toucher B (node 1 -> 0): node 0 $(node_pages $b 0) pages"
stop $a "toucher A"
stop $b "toucher B"

got=$(allowed "$m1")
st=0
[ "$got" = "$node1" ] || st=1
tap $st "knuma_migrated1 is bound to node 1's CPUs again (Cpus_allowed_list $got, node 1 $node1)"

# knuma_migrated1 must still migrate: a new toucher moved to node 1.
want=$((MB * 256 * 9 / 10))
mig0=$(vmstat autonuma_pages_migrated)
q0=$(vmstat autonuma_pages_queued) s0=$(cat $A/knuma_scand/pages_scanned)
toucher 0 1
c=$pid
i=0
p=0
while [ $i -lt 30 ]; do
	sleep 1
	p=$(node_pages $c 1)
	[ "$p" -ge "$want" ] && break
	i=$((i + 1))
done
tap $((p < want)) "after the CPUs came back a toucher's memory followed it to node 1 ($p of $((MB * 256)) pages in $((i + 1)) s, $(($(vmstat autonuma_pages_migrated) - mig0)) migrated)"
echo "# meanwhile: knuma_scand scanned $(($(cat $A/knuma_scand/pages_scanned) - s0)) pages," \
	"$(($(vmstat autonuma_pages_queued) - q0)) queued; toucher C on CPUs $(allowed $c)"
for p in $(ps -o pid,comm | awk '$2 ~ /^knuma_/ { print $1 }'); do
	echo "# $(cat /proc/$p/comm): state $(awk '{ print $3 }' /proc/$p/stat), on CPU $(awk '{ print $39 }' /proc/$p/stat), CPUs $(allowed $p), wchan $(cat /proc/$p/wchan 2>/dev/null)"
done
stop $c "toucher C"

# Everything queued is migrated or put back within moments.
no_isolated afterwards
echo "1..$n"
exit $failed
