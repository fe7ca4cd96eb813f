#!/bin/sh
# Guest side of "make run": show AutoNUMA's switch and its exclusion with
# upstream NUMA balancing.  (It grows into a live convergence demo as the
# scanner and the scheduler side land.)

d=/sys/kernel/mm/autonuma
echo "--- NUMA topology"
numactl --hardware 2>/dev/null || cat /sys/devices/system/node/online
[ -d $d ] || { echo "no AutoNUMA in this kernel"; exit 0; }

try() {
	printf '%-55s' "\$ $*"
	if sh -c "$*" 2>/tmp/err; then echo "ok"; else echo "refused: $(sed 's/.*: //' /tmp/err)"; fi
}

echo "--- switching"
try "echo 0 > $d/enabled"
echo "enabled=$(cat $d/enabled)"
try "echo 1 > $d/enabled"
echo "enabled=$(cat $d/enabled)"
echo "--- AutoNUMA and upstream NUMA balancing exclude each other"
try "echo 1 > /proc/sys/kernel/numa_balancing"
echo "--- bad writes are refused and change nothing"
try "echo 2 > $d/enabled"
try "echo -1 > $d/debug"
try "echo 1x > $d/debug"
echo "enabled=$(cat $d/enabled) debug=$(cat $d/debug)"
echo "--- a small workload: 64 MiB touched on node 0 by a task on node 1"
numactl --membind=0 --cpunodebind=1 dd if=/dev/zero of=/tmp/blob bs=1M count=64 2>&1 | tail -1
grep -E '^(Node|MemFree|FilePages)' /sys/devices/system/node/node*/meminfo | grep -E 'MemFree|FilePages'
rm -f /tmp/blob
