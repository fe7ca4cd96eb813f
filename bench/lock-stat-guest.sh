#!/bin/sh
# Guest side of bench/lock-stat.sh (busybox sh, run by harness/qemu.sh
# --script on the lockstat flavour): the lock classes a fork+exit storm
# takes, from /proc/lock_stat, with AutoNUMA off and then on at its
# fastest knobs (issue 15, item 4: no global lock per fork or exit).
#
# Kernel command line parameters (qemu.sh --append):
#   ls_secs=S   length of each fork+exit storm (default 10)
#
# Before each storm the statistics are cleared (echo 0 >/proc/lock_stat);
# after it every class whose name contains "autonuma" or "mm", or is
# "&q->lock" (the name of the knuma_migrated queues' lock, shared with
# any other lock initialised as &q->lock), is printed as
#   LS class phase=off|on name=... con_bounces=... contentions=...
#      wait_total_us=... acq_bounces=... acquisitions=... hold_total_us=...
# and the 5 classes with the most contentions as "LS top phase=... rank=N
# ...".  Exit status non-zero when a step failed.

A=/sys/kernel/mm/autonuma
secs=10
# shellcheck disable=SC2013 # words of the one-line command line
for arg in $(cat /proc/cmdline); do
	case $arg in
	ls_secs=*) secs=${arg#ls_secs=} ;;
	esac
done
rc=0

[ -r /proc/lock_stat ] || { echo "LS error: no /proc/lock_stat (CONFIG_LOCK_STAT=n?)"; echo "LS done rc=1"; exit 1; }
[ -d $A ] || { echo "LS error: no $A"; echo "LS done rc=1"; exit 1; }
echo "LS guest kernel=$(uname -r) cpus=$(cat /sys/devices/system/cpu/online) nodes=$(cat /sys/devices/system/node/online) lock_stat=$(cat /proc/sys/kernel/lock_stat 2>/dev/null)"

# dump PHASE: the classes of interest and the top 5 by contentions.  A
# class line is "NAME: " and 12 numbers (bounces and counts, times in us
# with two decimals); rwsems and rwlocks have NAME-W and NAME-R lines.
dump() {
	awk -v ph="$1" '
		NF >= 13 && $(NF - 12) ~ /:$/ {
			for (i = NF - 11; i <= NF; i++)
				if ($i !~ /^[0-9.]+$/)
					next
			name = $1
			for (i = 2; i <= NF - 12; i++)
				name = name " " $i
			sub(/:$/, "", name)
			gsub(/ /, "_", name)
			line = sprintf("name=%s con_bounces=%s contentions=%s wait_total_us=%s acq_bounces=%s acquisitions=%s hold_total_us=%s",
				       name, $(NF - 11), $(NF - 10), $(NF - 7), $(NF - 5), $(NF - 4), $(NF - 1))
			if (name ~ /autonuma|mm/ || name ~ /^&q->lock(-[RW])?$/)
				print "LS class phase=" ph " " line
			n++
			con[n] = $(NF - 10) + 0
			txt[n] = line
		}
		END {
			for (r = 1; r <= 5 && r <= n; r++) {
				best = 0
				for (i = 1; i <= n; i++)
					if (!(i in used) && (best == 0 || con[i] > con[best]))
						best = i
				used[best] = 1
				print "LS top phase=" ph " rank=" r " " txt[best]
			}
			print "LS classes phase=" ph " n=" n
		}' /proc/lock_stat
	# Lockdep stops counting after its first report: say whether it did.
	echo "LS lockdep phase=$1 debug_locks=$(awk '/debug_locks:/ { print $2 }' /proc/lockdep_stats)"
	grep -E '^autonuma_' /proc/vmstat | tr '\n' ' ' | sed "s/^/LS vmstat phase=$1 /; s/\$/\\n/"
}

# storm PHASE: clear the statistics, fork+exit for $secs seconds (2
# processes per CPU at a time, 1 MiB each, touched once), dump.
storm() {
	sync
	echo 0 >/proc/lock_stat || rc=1
	forkstorm --seconds "$secs" --procs 10000000 --mb 1 --passes 1 \
		--label "$1" --quiet | sed -n "s/^BENCH-RESULT /LS storm phase=$1 /p"
	dump "$1"
}

echo 0 >$A/enabled || rc=1
sleep 2
echo "LS phase off enabled=$(cat $A/enabled)"
storm off

echo 1 >$A/knuma_scand/scan_sleep_millisecs || rc=1
echo 0 >$A/knuma_scand/scan_sleep_pass_millisecs || rc=1
echo 1 >$A/knuma_migrated/sleep_millisecs || rc=1
echo 1 >$A/enabled || rc=1
sleep 2
echo "LS phase on enabled=$(cat $A/enabled)"
storm on

echo "LS done rc=$rc"
exit $rc
