# Helpers shared by the guest scripts run with qemu.sh --script, which
# packs this file next to the script as /guest-lib.sh (busybox sh).
# Source it first: ". /guest-lib.sh".  Results are TAP on the console
# (harness/tap.awk counts them); end with "echo 1..$n; exit $failed".

n=0
failed=0

# tap STATUS TEXT: one result, "ok" when STATUS is 0.
tap() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

# vmstat NAME: the /proc/vmstat counter, 0 when the kernel has none.
vmstat() {
	awk -v k="$1" '$1 == k { print $2; found = 1 } END { if (!found) print 0 }' /proc/vmstat
}

# node_pages PID NODE: pages of PID on NODE, from numa_maps.
node_pages() {
	awk -v k="N$2" '{
		for (i = 1; i <= NF; i++) {
			split($i, a, "=")
			if (a[1] == k) s += a[2]
		}
	} END { print s + 0 }' "/proc/$1/numa_maps" 2>/dev/null || echo 0
}

# stop PID WHAT: end the toucher PID, which must have run until now: its
# status must be that of the SIGTERM sent here (143), not of an exit or a
# crash of its own.
stop() {
	kill "$1" 2>/dev/null
	wait "$1"
	rc=$?
	st=0
	[ "$rc" = 143 ] || st=1
	tap $st "$2 ran until stopped (exit status $rc, 143 is the stop)"
}

# no_isolated: one result, that no page stays isolated: nr_isolated_anon
# and nr_isolated_file reach 0 within 5 s (what is in flight finishes),
# read after stat_refresh (per-CPU deltas otherwise make them read a few
# pages off for about a second).
no_isolated() {
	i=0
	while :; do
		echo 1 >/proc/sys/vm/stat_refresh
		anon=$(vmstat nr_isolated_anon) file=$(vmstat nr_isolated_file)
		[ "$anon" = 0 ] && [ "$file" = 0 ] && break
		[ $i -ge 50 ] && break
		sleep 0.1
		i=$((i + 1))
	done
	st=0
	[ "$anon" = 0 ] && [ "$file" = 0 ] || st=1
	tap $st "no page isolated${1:+ $1} (nr_isolated_anon $anon, nr_isolated_file $file)"
}
