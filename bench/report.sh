#!/bin/sh
# report.sh DIR PAGE LINKPREFIX: from DIR/runs.csv, DIR/series/ and
# DIR/meta.txt (written by bench/run.sh) make DIR/table.md, one PNG plot
# per benchmark and topology (local share over time, one line per policy:
# the mean of its repeats in 1 s bins) and the results page PAGE, whose
# links to the plots start with LINKPREFIX.  Nothing in PAGE is typed by
# hand; run it again on the same DIR to regenerate the page.
set -eu
export LC_ALL=C

dir=$1 page=$2 prefix=${3:-}
csv=$dir/runs.csv
[ -f "$csv" ] || { echo "report.sh: no $csv" >&2; exit 1; }
BENCHES="numa01 numa01_bad numa01_thread_alloc numa01_thread_alloc_bad numa01_same_node numa02 numa02_bad numa02_smt numa02_smt_bad overcommit forkstorm memhog hackbench hackbench_socket pft"
POLICIES="none numa_balancing autonuma hard inverse interleave ref_none ref_numa_balancing"

meta() {
	sed -n "s/^$1=//p" "$dir/meta.txt" | tail -1
}

# ---- runs.csv joined with model.csv (the plugin's columns) ----
merged=$dir/merged.csv
if [ -f "$dir/model.csv" ]; then
	awk -F, -v OFS=, '
		FNR == 1 { file++ }
		file == 1 && FNR == 1 {
			for (i = 6; i <= NF; i++)
				if ($i != "work_mib") { mc[++nm] = i; head = head "," $i }
			next
		}
		file == 1 {
			k = $1 SUBSEP $2 SUBSEP $3 SUBSEP $4 SUBSEP $5
			for (i = 1; i <= nm; i++)
				m[k, i] = $mc[i]
			next
		}
		FNR == 1 { print $0 head; next }
		{
			k = $1 SUBSEP $2 SUBSEP $3 SUBSEP $4 SUBSEP $5
			line = $0
			for (i = 1; i <= nm; i++)
				line = line "," m[k, i]
			print line
		}' "$dir/model.csv" "$csv" >"$merged"
else
	cp "$csv" "$merged"
fi
ratios=$(meta ratios)

# ---- the tables: median [min, max] per (topology, benchmark, policy) ----
# table TOPO placement|cost
table() {
	awk -F, -v benches="$BENCHES" -v policies="$POLICIES" -v topo="$1" \
		-v kind="$2" -v ratios="$ratios" '
	function fmt(x, d) {
		if (x >= 1e9)
			return "never"
		return sprintf("%." d "f", x)
	}
	# stats KEY COL DIGITS: "median [min, max]" over the runs that ran
	function stats(key, col, d,    n, i, j, x, a, t) {
		n = 0
		for (i = 1; i <= cnt[key]; i++) {
			x = V[key, i, col]
			if (x == "" || x == "na" || x == "-1.0")
				continue
			if (x == "never")
				x = 1e9
			a[++n] = x + 0
		}
		if (!n)
			return "–"
		for (i = 2; i <= n; i++) {
			t = a[i]
			for (j = i - 1; j >= 1 && a[j] > t; j--)
				a[j + 1] = a[j]
			a[j + 1] = t
		}
		x = n % 2 ? a[(n + 1) / 2] : (a[n / 2] >= 1e9 || a[n / 2 + 1] >= 1e9 ? \
			a[n / 2 + 1] : (a[n / 2] + a[n / 2 + 1]) / 2)
		if (n == 1 || fmt(a[1], d) == fmt(a[n], d))
			return fmt(x, d)
		return fmt(x, d) " [" fmt(a[1], d) ", " fmt(a[n], d) "]"
	}
	function is_placement(b) {
		return b ~ /^(numa01|numa02|overcommit)/
	}
	NR == 1 {
		for (i = 1; i <= NF; i++)
			col[$i] = i
		next
	}
	$1 != topo { next }
	{
		key = $4 SUBSEP $3
		if ($6 == "notyet") {
			notyet[key] = 1
			next
		}
		if ($6 != "ok" && $6 != "nosamples") {
			failed[key]++
			next
		}
		n = ++cnt[key]
		for (c in col)
			V[key, n, c] = $col[c]
		seen[key] = 1
	}
	END {
		nr = split(ratios, R, " ")
		if (kind == "placement") {
			h = "| benchmark | policy | runs | remote % (all accesses) | t90 s (plugin) |"
			s = "|---|---|---|---|---|"
			for (i = 1; i <= nr; i++) {
				h = h " % of hard, R=" R[i] " |"
				s = s "---|"
			}
			print h " sampled local % | t90 s (sampled) | work MiB/s | guest CPU s | knuma % of CPU | pages migrated | hinting faults | settled scan pages/s | AutoNUMA turn in a thread, p99 / max µs: wall, CPU |"
			print s "---|---|---|---|---|---|---|---|---|"
			ncols = 11 + nr
		} else {
			print "| benchmark | policy | runs | wall s | work | guest CPU s | user s | sys s | irq+softirq s | knuma % of CPU | pages migrated | hinting faults |"
			print "|---|---|---|---|---|---|---|---|---|---|---|---|"
			ncols = 9
		}
		nb = split(benches, B, " ")
		np = split(policies, P, " ")
		for (b = 1; b <= nb; b++) {
			if (is_placement(B[b]) != (kind == "placement"))
				continue
			for (p = 1; p <= np; p++) {
				key = B[b] SUBSEP P[p]
				if (!(key in seen) && !(key in failed) && !(key in notyet))
					continue
				if (!(key in seen)) {
					what = (key in notyet) ? "not yet" : "failed"
					line = "| " B[b] " | " P[p] " | " what " |"
					for (i = 0; i < ncols; i++)
						line = line " |"
					print line
					continue
				}
				runs = cnt[key] (failed[key] ? " (+" failed[key] " failed)" : "")
				line = "| " B[b] " | " P[p] " | " runs " |"
				if (kind == "placement") {
					line = line " " stats(key, "remote_pct", 1) " | " \
						stats(key, "t90_traffic_s", 1) " |"
					for (i = 1; i <= nr; i++)
						line = line " " stats(key, "pct_hard_r" R[i], 1) " |"
					line = line " " stats(key, "final_local_pct", 1) " | " \
						stats(key, "t90_s", 1) " | " \
						stats(key, "rate_mbs", 0) " | " \
						stats(key, "cpu_busy_s", 1) " | " \
						stats(key, "knuma_pct", 1) " | " \
						stats(key, "migrated", 0) " | " \
						stats(key, "hint_faults", 0) " | " \
						stats(key, "settled_scan_ps", 0) " | " \
						stats(key, "task_p99_us", 0) " / " \
						stats(key, "task_max_us", 0) ", " \
						stats(key, "task_cpu_p99_us", 0) " / " \
						stats(key, "task_cpu_max_us", 0) " |"
				} else {
					if (B[b] == "forkstorm")
						work = stats(key, "procs_per_s", 1) " proc/s"
					else if (B[b] == "memhog")
						work = "fixed"
					else if (B[b] == "pft")
						work = stats(key, "ops_per_s", 0) " faults/s"
					else
						work = stats(key, "ops_per_s", 0) " msg/s"
					line = line " " stats(key, "wall_s", 2) " | " work " | " \
						stats(key, "cpu_busy_s", 1) " | " \
						stats(key, "cpu_user_s", 1) " | " \
						stats(key, "cpu_sys_s", 1) " | " \
						stats(key, "cpu_irq_s", 2) " | " \
						stats(key, "knuma_pct", 1) " | " \
						stats(key, "migrated", 0) " | " \
						stats(key, "hint_faults", 0) " |"
				}
				print line
			}
		}
	}' "$merged"
}

# ---- the plots ----
# plot TOPO BENCH sampled|traffic
plot() {
	topo=$1 bench=$2 what=$3
	if [ "$what" = traffic ]; then
		png=$dir/$topo-$bench-remote.png
	else
		png=$dir/$topo-$bench.png
	fi
	cmds= n=0
	for p in $POLICIES; do
		if [ "$what" = traffic ]; then
			files=$(ls "$dir/traffic-series/$topo-$bench-$p-r"*.dat 2>/dev/null || true)
			avg=$dir/traffic-series/$topo-$bench-$p.avg
		else
			files=$(ls "$dir/series/$topo-$bench-$p-r"*.dat 2>/dev/null || true)
			avg=$dir/series/$topo-$bench-$p.avg
		fi
		[ -n "$files" ] || continue
		# shellcheck disable=SC2086
		awk '{ b = int($1 + 0.5); s[b] += $2; c[b]++; if (b > m) m = b }
		     END { for (i = 0; i <= m; i++) if (c[i]) print i, s[i] / c[i] }' \
			$files >"$avg"
		[ -s "$avg" ] || continue
		case $p in
		none) color='#555555' ;;
		numa_balancing) color='#1f77b4' ;;
		autonuma) color='#d62728' ;;
		hard) color='#2ca02c' ;;
		inverse) color='#ff7f0e' ;;
		ref_none) color='#aaaaaa' ;;
		ref_numa_balancing) color='#9ecae1' ;;
		*) color='#9467bd' ;;
		esac
		cmds="$cmds${cmds:+, }'$avg' using 1:2 with linespoints pt 7 ps 0.4 lw 2 lc rgb '$color' title '$p'"
		n=$((n + 1))
	done
	[ $n -gt 0 ] || return 1
	if [ "$what" = traffic ]; then
		title="$bench, $topo guest: remote share of all memory accesses (traffic plugin)"
		ylabel='remote (%)'
	else
		title="$bench, $topo guest: share of sampled memory local to the thread using it"
		ylabel='local (%)'
	fi
	term=png
	echo 'set terminal' | gnuplot 2>&1 | grep -q pngcairo && term=pngcairo
	gnuplot <<EOF
set terminal $term size 800,420 noenhanced
set output '$png'
set title '$title'
set xlabel 'seconds since the threads started'
set ylabel '$ylabel'
set yrange [-2:102]
set key outside right
set grid
plot $cmds
EOF
	echo "$png"
}

topos=$(awk -F, 'NR > 1 { print $1 }' "$csv" | sort -u)
: >"$dir/table.md"
for t in $topos; do
	for kind in placement cost; do
		tab=$(table "$t" "$kind")
		[ "$(echo "$tab" | wc -l)" -gt 2 ] || continue
		{
			if [ $kind = placement ]; then
				echo "### $t guest: placement"
			else
				echo "### $t guest: cost"
			fi
			echo
			echo "$tab"
			echo
		} >>"$dir/table.md"
	done
done

plots= tplots=
for t in $topos; do
	for b in $BENCHES; do
		if plot "$t" "$b" sampled >/dev/null 2>>"$dir/gnuplot.err"; then
			plots="$plots $t-$b"
		fi
		if plot "$t" "$b" traffic >/dev/null 2>>"$dir/gnuplot.err"; then
			tplots="$tplots $t-$b-remote"
		fi
	done
done
[ -s "$dir/gnuplot.err" ] || rm -f "$dir/gnuplot.err"

# ---- the page ----
{
	cat <<EOF
# AutoNUMA benchmark results

Generated by \`$(meta command)\` on $(meta date); do not edit by hand (run
it again, or \`bench/report.sh\` on its results directory).

## Setup

| | |
|---|---|
| base kernel | $(meta base_version) (Debian linux-source-6.1 $(meta debian_version)) |
| guest | $(meta guests) |
| host | $(meta host_cpus) CPUs, $(meta host_model); QEMU TCG (no KVM) |
| policies → kernel flavour | $(meta flavours) |
| run length | $(meta lengths) |
| repeats | $(meta repeats) |
| duration | $(meta duration) |
| sanity checks | $(meta sanity) |

Policies, all on one kernel (like for like): **none** (AutoNUMA and NUMA
balancing both off), **numa_balancing** (upstream automatic NUMA
balancing, \`kernel.numa_balancing=1\`, AutoNUMA off: the two refuse to be
on at once), **autonuma** (this patchset, NUMA balancing off; "not yet"
until \`/sys/kernel/mm/autonuma/knuma_scand\` exists in the guest),
**hard** (threads bound to the CPUs of the node their memory is bound to:
the ideal) and **inverse** (threads bound to the far node from their
memory: the worst).  **ref_none** and **ref_numa_balancing** are none and
numa_balancing on kernels built without AutoNUMA: the difference to their
twins is what AutoNUMA costs built in but off.  A **\*_bad** benchmark is
its shape with a forced bad start: set up as inverse bind (threads on the
far node from their memory), then both released as the run starts.

## What TCG can and cannot tell

QEMU's TCG emulates every guest node with the same host memory: a remote
access costs exactly what a local one does, so wall time and work rate
measure work and overhead, never placement.  Placement is measured from
outside the guest: the traffic plugin (\`bench/plugin/\`) counts every
memory access of a counted run by the node of the vCPU that made it and
the node of the memory it touched, kernel accesses included, and the
**modeled cost** turns those counts into the run time of a fixed amount of
work on a machine whose memory accesses dominate and where a remote access
costs R local ones: cost = (local + R × remote) / MiB streamed, shown as
**% of hard bind** for the same shape (as the 2012 slides report run
times; AutoNUMA was at 102–107 % there).  R = $(echo "$ratios" | sed 's/ / and /'): 2.0 is
close to the seed's own machine, on which inverse bind took 1.92–1.94
times hard bind's time on numa02, NO_BIND_FORCE_SAME_NODE and
THREAD_ALLOC, and is what Linux assumes when the firmware gives no
distances (\`REMOTE_DISTANCE\` 20 over \`LOCAL_DISTANCE\` 10); 1.5 is a
newer two-socket Intel Xeon Scalable server's latency ratio (89 ns local,
139 ns remote, as quoted in qdpma.com's "The Case for Single Processor").  How much a result rests on R shows
in the gap between the two columns.  The model knows no caches and no
bandwidth limits and prices a kernel access like a user one.  Guest time
also keeps running while a vCPU is descheduled on the 2-core host: compare
runs of one page with each other, and read [min, max] before the median.

## Results

Each cell is the median [min, max] over the repeats.  **Placement**
(time-limited streaming runs, counted by the plugin): *remote %*: remote
share of every access of the run, user and kernel; *t90 (plugin)*: the
first second from which the local share of all accesses stays at or above
90 % to the end of the run ("never" if the last second is below); *% of
hard*: the modeled cost over hard bind's; *sampled local %* and *t90
(sampled)*: the in-guest \`move_pages()\` sampler's share over the last 2 s
and the first time its share stayed at or above 90 % to the end, counted
only once every thread had sampled; *work*: MiB/s streamed by all threads
(slowed by the plugin); *guest CPU s*: the whole guest's busy time over
the run from \`/proc/stat\` (user, nice, system, irq, softirq: every
kthread included); *knuma %*: the \`knuma_*\` kthreads' share of it;
*pages migrated*: \`pgmigrate_success\` delta; *hinting faults*:
\`numa_hint_faults\` delta; *settled scan pages/s*: pages turned into NUMA
hinting entries per second over the second half of the run; *AutoNUMA
turn in a thread*: the 99th percentile and the maximum of the time each
turn AutoNUMA took in an application thread's own context (its balancer
and its scan of its own mm, the \`autonuma:autonuma_task_work\` trace
event; AutoNUMA only: upstream has no such event), as wall time (waits
for a CPU included: a move by the balancer, a preemption in the scan)
and as the CPU time the thread spent in it.  **Cost**
(fixed work, booted without the plugin): wall time and the work rate
(processes/s, faults/s, messages/s), the guest's CPU time split by kind.
Every run is a row of [runs.csv](${prefix}runs.csv), the plugin's
numbers are in [traffic.csv](${prefix}traffic.csv) and
[model.csv](${prefix}model.csv); all counter deltas are in the
\`BENCH-COUNTERS\` lines of the console logs.

EOF
	cat "$dir/table.md"
	if [ -n "$tplots" ]; then
		echo "## Remote share over time (traffic plugin)"
		echo
		for p in $tplots; do
			echo "![$p](${prefix}$p.png)"
			echo
		done
	fi
	echo "## Local share over time (in-guest sampler)"

	echo
	for p in $plots; do
		echo "![$p](${prefix}$p.png)"
		echo
	done
	cat <<'EOF'
## Method

* The programs (`bench/`, see `bench/README.md`) size themselves from the
  guest: numa01 runs 2 processes × (CPUs/2) threads over half a node's
  memory, numa02 one thread per CPU over half a node's memory, overcommit
  both at once (numa01 with its memory first placed on node 0), forkstorm
  200 short-lived processes per CPU, 2 per CPU at a time, each touching
  4 MiB, memhog 25 passes over half a node, hackbench one group of 10
  senders and 10 receivers per CPU passing 1000 100-byte messages from each sender to each receiver through pipes
  (hackbench_socket: UNIX sockets), pft one thread per CPU faulting fresh
  anonymous 4 KiB pages (64 MiB a pass, 10 passes).
* The traffic plugin (QEMU TCG, `bench/plugin/traffic.c`) counts every
  load and store by vCPU node and memory node; a run's counts are those
  between the nops that open and close its measured phase, its series the
  plugin's cumulative counts every second.  Its address calibration and
  overhead are in `bench/README.md`.
* Every worker thread samples 128 of its pages every 500 ms (staggered
  across threads, backing off after a slow sample) with
  `move_pages(0, n, pages, NULL, status, 0)` and compares them with its
  node from `getcpu()`.  In 6.1 that query cannot see through NUMA hinting
  entries (it returns -ENOENT for a small page, -EFAULT for a huge page):
  those pages are looked up again in `/proc/self/pagemap` (PFN → node from
  the nodes' zone spans) and counted as unknown, never as local or remote,
  when that fails too.  The launcher prints the sum of every thread's latest
  sample every 500 ms; the sampler plots are those lines.
* Hard bind gives each thread the CPUs of one node and binds its share of
  the memory there; inverse bind runs it on the node half the nodes away.
  On the 4-node guest a numa01 process has one thread on each of 2 nodes
  sharing one buffer, so even hard bind is 50 % local there by
  construction; numa02 and every 2-node run are 100 % under hard bind.
* Counters come from `/proc/vmstat` (numa_*, pgmigrate_*, thp_migration_*,
  autonuma*), every integer file under `/sys/kernel/mm/autonuma/` and the
  utime+stime of kthreads named `knuma_*`, and the `cpu` line of
  `/proc/stat`, read before and after each run.
EOF
} >"$page"
echo "$page"
