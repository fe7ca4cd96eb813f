#!/bin/sh
# Guest side of "make run": show AutoNUMA's switch, its exclusion with
# upstream NUMA balancing, and a live convergence: the numa01 benchmark
# with all its memory first placed on node 0, its local share over time,
# and what AutoNUMA did meanwhile.

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
if ! command -v numa01 >/dev/null; then
	echo "(no benchmark programs in this initramfs: make -C bench)"
	exit 0
fi
echo 1 > $d/enabled
echo "--- live: numa01 NO_BIND_FORCE_SAME_NODE (2 processes x 2 threads, all memory"
echo "    first on node 0), 20 s; share of sampled memory local to the thread using it"
before=$(grep -E '^autonuma_(pages_migrated|task_moves|task_exchanges|faults_remote)' /proc/vmstat)
numa01 --force-same-node --seconds 20 --label demo 2>&1 | awk '
	/^BENCH-SAMPLE/ { t = int($3 / 1000); if (t != last) { printf "  t=%2ds  local %5.1f%%\n", t, $4; last = t } }
	/^BENCH-RESULT/ { for (i = 2; i <= NF; i++) if ($i ~ /^(wall_s|final_local_pct|t90_s|migrated|hint_faults)=/) printf "  %s\n", $i }'
echo "--- what AutoNUMA did (before -> after)"
after=$(grep -E '^autonuma_(pages_migrated|task_moves|task_exchanges|faults_remote)' /proc/vmstat)
echo "$before" | while read -r k v; do
	printf '  %-28s %10s -> %s\n' "$k" "$v" "$(echo "$after" | awk -v k="$k" '$1 == k { print $2 }')"
done
echo "  knuma_scand/full_scans $(cat $d/knuma_scand/full_scans), scheduler/balance_calls $(cat $d/scheduler/balance_calls)"
