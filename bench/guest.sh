#!/bin/sh
# Guest side of bench/run.sh (busybox sh).  run.sh appends the runs of one
# boot, as "run POLICY BENCH REPEAT [PROGRAM OPTIONS]" lines and a final
# "finish", and harness/qemu.sh --script packs the result as /script.sh.
#
# Every run prints "BENCH-RUN ...", the program's BENCH-* lines and
# "BENCH-END rc=N"; run.sh reads them back from the console log.

A=/sys/kernel/mm/autonuma
NB=/proc/sys/kernel/numa_balancing
status=0

echo "BENCH-GUEST kernel=$(uname -r) nodes=$(cat /sys/devices/system/node/online) cpus=$(cat /sys/devices/system/cpu/online) thp=$(sed 's/.*\[\(.*\)\].*/\1/' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null) autonuma=$([ -d $A ] && echo present || echo absent) knuma_scand=$([ -d $A/knuma_scand ] && echo present || echo absent) numa_balancing=$([ -f $NB ] && echo present || echo absent)"

# set_policy P: switch the kernel's automatic placement for policy P.
# The two mechanisms exclude each other, so switch one off first.
set_policy() {
	an=0 nb=0
	case $1 in
	numa_balancing) nb=1 ;;
	autonuma) an=1 ;;
	esac
	[ -f $A/enabled ] && [ $an = 0 ] && echo 0 >$A/enabled
	[ -f $NB ] && [ $nb = 0 ] && echo 0 >$NB
	if [ $nb = 1 ]; then
		[ -f $NB ] || { echo "BENCH-NOTYET policy=$1 reason=no-$NB"; return 1; }
		echo 1 >$NB || return 2
		[ "$(cat $NB)" = 1 ] || return 2
	fi
	if [ $an = 1 ]; then
		if [ ! -d $A/knuma_scand ]; then
			echo "BENCH-NOTYET policy=$1 reason=no-knuma_scand"
			return 1
		fi
		echo 1 >$A/enabled || return 2
		[ "$(cat $A/enabled)" = 1 ] || return 2
	fi
	return 0
}

# numactl's memhog, when the initramfs has it: wall, user and system time
# and the counters from the shell (it cannot sample its own locality).
numactl_memhog() {
	mb=$(awk '/MemTotal/ { print int($4 / 2048) }' /sys/devices/system/node/node0/meminfo)
	wrap=
	case $1 in
	--bind=hard) wrap="numactl --cpunodebind=0 --membind=0" ;;
	--bind=inverse) wrap="numactl --cpunodebind=1 --membind=0" ;;
	--bind=interleave) wrap="numactl --cpunodebind=0 --interleave=all" ;;
	esac
	grep -E '^(numa_|pgmigrate_)' /proc/vmstat >/tmp/vm0
	# shellcheck disable=SC2086
	time -p $wrap memhog -r25 "${mb}m" >/dev/null 2>/tmp/memhog.err
	rc=$?
	grep -E '^(numa_|pgmigrate_)' /proc/vmstat >/tmp/vm1
	awk -v rc=$rc -v mb="$mb" -v policy="$2" '
		FILENAME == "/tmp/memhog.err" && /^(real|user|sys) / { t[$1] = $2; next }
		FILENAME == "/tmp/vm0" { a[$1] = $2; next }
		FILENAME == "/tmp/vm1" { d[$1] = $2 - a[$1] }
		END {
			printf "BENCH-RESULT bench=memhog variant=numactl name=memhog policy=%s mb=%d passes=25 wall_s=%s user_s=%s sys_s=%s final_local_pct=na t90_s=na migrated=%d hint_faults=%d hint_faults_local=%d pte_updates=%d knuma_ms=na status=%s\n",
				policy, mb, t["real"], t["user"], t["sys"],
				d["pgmigrate_success"], d["numa_hint_faults"],
				d["numa_hint_faults_local"], d["numa_pte_updates"],
				rc == 0 ? "ok" : "fail"
		}' /tmp/memhog.err /tmp/vm0 /tmp/vm1
	return $rc
}

# taskwork_start, taskwork_end: every turn AutoNUMA takes in a task's own
# context (the autonuma:autonuma_task_work trace event: its balancer and
# its scan of the task's mm) while the benchmark runs, as distributions of
# the turn's wall time (waits for a CPU included) and of the CPU time the
# task spent in it: "BENCH-TASKWORK task_turns=N task_p50_us= task_p99_us=
# task_max_us= task_cpu_p50_us= task_cpu_p99_us= task_cpu_max_us=".
# Nothing on a kernel without the event.
TW=/sys/kernel/tracing/instances/bench
taskwork_start() {
	[ -d /sys/kernel/tracing/events/autonuma/autonuma_task_work ] || return 0
	mkdir $TW 2>/dev/null || return 0
	echo 1 >$TW/events/autonuma/autonuma_task_work/enable
	echo 1 >$TW/tracing_on
}
# taskwork_pct NAME FIELD...: percentiles of the sum of FIELDs, in us
taskwork_pct() {
	name=$1
	shift
	awk -v f="$*" '/ autonuma_task_work: / {
		for (i = 1; i <= NF; i++) {
			split($i, a, "=")
			v[a[1]] = a[2]
		}
		n = split(f, k, " ")
		t = 0
		for (i = 1; i <= n; i++)
			t += v[k[i]]
		print t
	}' $TW/trace | sort -n | awk -v n="$name" '{ t[NR] = $1 } END {
		if (!NR) {
			printf " %s_p50_us=na %s_p99_us=na %s_max_us=na", n, n, n
			exit
		}
		printf " %s_p50_us=%.0f %s_p99_us=%.0f %s_max_us=%.0f",
			n, t[int((NR - 1) * 0.50) + 1] / 1000,
			n, t[int((NR - 1) * 0.99) + 1] / 1000, n, t[NR] / 1000
	}'
}
taskwork_end() {
	[ -d $TW ] || return 0
	echo 0 >$TW/tracing_on
	printf 'BENCH-TASKWORK task_turns=%d' \
		"$(grep -c ' autonuma_task_work: ' $TW/trace)"
	taskwork_pct task balance_ns scan_ns
	taskwork_pct task_cpu cpu_ns
	echo
	rmdir $TW
}

# run POLICY BENCH REPEAT [OPTIONS]: OPTIONS go to the program.
run() {
	policy=$1 bench=$2 repeat=$3
	shift 3
	echo "BENCH-RUN policy=$policy bench=$bench repeat=$repeat"
	# ref_*: the same switches on a kernel built without AutoNUMA
	set_policy "${policy#ref_}"
	rc=$?
	if [ $rc = 1 ]; then
		echo "BENCH-END rc=0"
		return
	fi
	if [ $rc != 0 ]; then
		echo "BENCH-ERROR cannot switch to policy $policy"
		echo "BENCH-END rc=1"
		status=1
		return
	fi
	bind=
	case $policy in
	hard|inverse|interleave) bind=--bind=$policy ;;
	esac
	# What is in force, as the kernel says (the two are exclusive).
	echo "BENCH-POLICY policy=$policy autonuma=$(cat $A/enabled 2>/dev/null || echo absent) numa_balancing=$(cat $NB 2>/dev/null || echo absent)"
	case $bench in
	*_bad)			bad=--bad-start ;;
	*)			bad= ;;
	esac
	taskwork_start
	# shellcheck disable=SC2086
	case ${bench%_bad} in
	numa01)			numa01 $bind $bad "$@" ;;
	numa01_thread_alloc)	numa01 --thread-alloc $bind $bad "$@" ;;
	numa01_same_node)	numa01 --force-same-node $bind "$@" ;;
	numa02)			numa02 $bind $bad "$@" ;;
	numa02_smt)		numa02 --smt $bind $bad "$@" ;;
	overcommit)		overcommit $bind "$@" ;;
	forkstorm)		forkstorm $bind "$@" ;;
	hackbench)		hackbench "$@" ;;
	hackbench_socket)	hackbench --socket "$@" ;;
	pft)			pft "$@" ;;
	memhog)
		if [ -x /usr/bin/memhog ]; then
			numactl_memhog "$bind" "$policy"
		else
			numa-memhog $bind "$@"
		fi ;;
	*)			echo "BENCH-ERROR unknown benchmark $bench"; false ;;
	esac
	rc=$?
	taskwork_end
	echo "BENCH-END rc=$rc"
	[ $rc = 0 ] || status=1
	sync
	echo 1 >/proc/sys/vm/drop_caches 2>/dev/null
	sleep 1
}

finish() {
	set_policy none >/dev/null 2>&1
	exit $status
}
