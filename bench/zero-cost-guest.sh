#!/bin/sh
# Guest side of bench/zero-cost.sh (busybox sh, run by harness/qemu.sh
# --script): what a kernel with AutoNUMA built in costs while it is off,
# against the none flavour and AutoNUMA on (issue 15, item 4).
#
# Kernel command line parameters (qemu.sh --append):
#   zc_mode=none|off|on|nboff
#                        none: nothing to switch (the none flavour, or
#                        "noautonuma", or the numa_balancing flavour); off:
#                        echo 0 > enabled right after boot; on: enabled
#                        must read 1; nboff: kernel.numa_balancing=0 right
#                        after boot
#   zc_reps=N            repeats of each fork run (default 3)
#   zc_secs=S            length of a fork+exit rate run (default 6)
#   zc_heavy=0|1         also the default forkstorm (200 processes per CPU,
#                        4 MiB each, 4 passes), N times (default 0)
#
# Prints "ZC key=value..." lines that bench/zero-cost.sh turns into a
# table; exit status non-zero when a step failed.

A=/sys/kernel/mm/autonuma
mode=none reps=3 secs=6 heavy=0
# shellcheck disable=SC2013 # words of the one-line command line
for arg in $(cat /proc/cmdline); do
	case $arg in
	zc_mode=*) mode=${arg#zc_mode=} ;;
	zc_reps=*) reps=${arg#zc_reps=} ;;
	zc_secs=*) secs=${arg#zc_secs=} ;;
	zc_heavy=*) heavy=${arg#zc_heavy=} ;;
	esac
done
rc=0

if [ "$mode" = off ]; then
	echo 0 >$A/enabled || rc=1
fi
if [ "$mode" = nboff ]; then
	echo 0 >/proc/sys/kernel/numa_balancing || rc=1
fi
en=absent
if [ -f $A/enabled ]; then
	en=$(cat $A/enabled)
elif [ -f /proc/sys/kernel/numa_balancing ]; then
	en=nb$(cat /proc/sys/kernel/numa_balancing)
fi
echo "ZC guest kernel=$(uname -r) mode=$mode enabled=$en cpus=$(cat /sys/devices/system/cpu/online) nodes=$(cat /sys/devices/system/node/online) cmdline_noautonuma=$(grep -c noautonuma /proc/cmdline)"
case $mode in
on) [ "$en" = 1 ] || { echo "ZC error: enabled reads $en, not 1"; rc=1; } ;;
off) [ "$en" = 0 ] || { echo "ZC error: enabled reads $en, not 0"; rc=1; } ;;
nboff) [ "$en" = nb0 ] || { echo "ZC error: numa_balancing reads $en, not 0"; rc=1; } ;;
esac

# Boot-time memory: the page_ext lines of the log and /proc/meminfo.
dmesg | grep -i -E 'page_ext|autonuma' | sed 's/^/ZC dmesg /'
dmesg | grep -E 'Memory: [0-9]+K/' | sed 's/^/ZC dmesg /'

# snap WHEN: meminfo totals and the slab caches of interest, as
# "ZC mem when=... key=kB" and "ZC slab when=... name=... objs=... size=...".
snap() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	awk -v w="$1" '
		/^(MemTotal|MemFree|Slab|SReclaimable|SUnreclaim|Percpu|KernelStack|PageTables):/ {
			sub(":", "", $1); s = s " " $1 "=" $2
		}
		END { print "ZC mem when=" w s }' /proc/meminfo
	awk -v w="$1" '
		NR > 2 && ($1 ~ /^(mm_struct|task_struct|signal_cache|sighand_cache|vm_area_struct|files_cache|kmalloc-[0-9k]+)$/ || $1 ~ /autonuma/) {
			printf "ZC slab when=%s name=%s active=%d objs=%d objsize=%d kb=%d\n",
			       w, $1, $2, $3, $4, $3 * $4 / 1024
			if ($1 ~ /^kmalloc-/) { ka += $2 * $4; kt += $3 * $4 }
		}
		END { printf "ZC slab when=%s name=kmalloc-all active_kb=%d total_kb=%d\n", w, ka / 1024, kt / 1024 }' /proc/slabinfo
}

# Object sizes as SLUB has them (object_size: the struct; slab_size: with
# alignment and debug metadata).
for c in task_struct mm_struct; do
	echo "ZC objsize name=$c object_size=$(cat /sys/kernel/slab/$c/object_size) slab_size=$(cat /sys/kernel/slab/$c/slab_size)"
done

snap boot

# Fork+exit rate: as many small processes (1 MiB, one pass) as fit in
# $secs seconds, 2 per CPU at a time.
i=1
while [ $i -le "$reps" ]; do
	forkstorm --seconds "$secs" --procs 10000000 --mb 1 --passes 1 \
		--label rate --quiet | sed -n 's/^BENCH-RESULT /ZC rate rep='$i' /p'
	i=$((i + 1))
done
snap rate

if [ "$heavy" != 0 ]; then
	i=1
	while [ $i -le "$reps" ]; do
		forkstorm --label heavy --quiet | sed -n 's/^BENCH-RESULT /ZC heavy rep='$i' /p'
		i=$((i + 1))
	done
	snap heavy
fi

[ -f $A/enabled ] && echo "ZC end enabled=$(cat $A/enabled)"
grep -E '^autonuma_' /proc/vmstat | tr '\n' ' ' | sed 's/^/ZC vmstat /; s/$/\n/'
echo "ZC done rc=$rc"
exit $rc
