#!/bin/sh
# bench/run.sh [options]: run the NUMA benchmarks under every placement
# policy in QEMU guests and generate the results page.
#
#   --short            smoke test: numa01 and numa02 under none, hard,
#                      inverse, interleave and autonuma on the autonuma
#                      kernel, 10 s
#                      runs, one repeat, no 4-node guest, with --traffic,
#                      and pft and hackbench under none and autonuma, into
#                      $BUILD/bench-short; fails unless hard bind is >= 90 %
#                      local and inverse bind <= 10 %, and the plugin's and
#                      the model's checks below hold (about 7 minutes)
#   --traffic          count every memory access of the main guest's
#                      placement boots (numa01*, numa02*, overcommit) with
#                      the emulator's traffic plugin (harness/qemu.sh
#                      --traffic): DIR/traffic.csv, one row per run,
#                      DIR/traffic/ the plugin's files, DIR/traffic-series/
#                      the remote share over time, DIR/model.csv the
#                      modeled run times; fails unless the user accesses
#                      of hard bind are <= 1 % remote, of inverse >= 99 %,
#                      of interleave within 3 points of (N-1)/N, < 1 % of
#                      user accesses fall outside the nodes' RAM, the
#                      plugin's series comes at its interval, hard bind is
#                      100 % of hard bind and no slower than inverse bind
#                      in the model; BENCH_TRAFFIC_ARGS passes
#                      harness/qemu.sh --traffic-args (e.g. mem-order=1:0,
#                      a wrong node mapping the checks must catch).  On by
#                      default for the whole matrix
#   --repeat N         repeats of the unpinned policies (none,
#                      numa_balancing, autonuma) on the main guest (5)
#   --repeat-pinned N  repeats of hard, inverse, interleave and the ref_*
#                      rows on the main guest (2; at most --repeat)
#   --bench LIST       benchmarks, comma separated (default all):
#                      numa01 numa01_thread_alloc numa01_same_node numa02
#                      numa02_smt overcommit numa01_bad
#                      numa01_thread_alloc_bad numa02_bad numa02_smt_bad
#                      forkstorm memhog hackbench hackbench_socket pft
#                      (*_bad: the shape with a forced bad start, --bad-start)
#   --policy LIST      policies, comma separated (default all but
#                      interleave):
#                      none numa_balancing autonuma hard inverse
#                      ref_none ref_numa_balancing interleave
#                      (interleave: threads on their home node, memory
#                      interleaved over all nodes; a known answer for
#                      --traffic)
#   --seconds S        length of every numa01/numa02/overcommit run (60)
#   --threads N        --threads for numa01 (per process) and numa02
#   --topology NxCxM   main guest: N nodes x C CPUs x M MiB (2x2x1024)
#   --topology4 NxCxM  second guest for numa01/numa02, once (4x1x512);
#                      "none" to skip it
#   --out DIR          results directory (default bench/results for the
#                      whole default matrix, else $BUILD/bench-results);
#                      the page is DIR/../RESULTS.md for bench/results,
#                      else DIR/RESULTS.md
#   --build            build missing kernel flavours (harness/prepare.sh)
#
# Every policy runs on one kernel, like for like (BENCH_FLAVOUR, default
# autonuma): none is AutoNUMA and NUMA balancing both off, numa_balancing
# is kernel.numa_balancing=1 with AutoNUMA off, autonuma the reverse.  The
# ref_* rows are the same switches on kernels built without AutoNUMA:
#   ref_none             BENCH_REF_NONE_FLAVOUR (none)
#   ref_numa_balancing   BENCH_REF_NUMA_BALANCING_FLAVOUR (numa_balancing)
# the cost of AutoNUMA built in but off.  Hard, inverse, interleave and
# the cost benchmarks (forkstorm memhog hackbench* pft) have no use for a
# bad start, hackbench and pft none for a bind: those pairs do not run.
#
# Exit status: 0 when every run worked and the sanity checks held; 1
# otherwise, and for a bad option (reported before anything builds or
# boots).
. "$(dirname -- "$0")/../harness/lib.sh"

BENCH=$ROOT/bench
ALL_BENCHES="numa01 numa01_thread_alloc numa01_same_node numa02 numa02_smt overcommit numa01_bad numa01_thread_alloc_bad numa02_bad numa02_smt_bad forkstorm memhog hackbench hackbench_socket pft"
ALL_POLICIES="none numa_balancing autonuma hard inverse ref_none ref_numa_balancing"
KNOWN_POLICIES="$ALL_POLICIES interleave"
start=$(date +%s)
# The cost of a remote access in local ones for the model (bench/model.awk;
# bench/README.md "The seed's units" gives the sources).
BENCH_RATIOS=${BENCH_RATIOS:-1.5 2.0}
cmdline="bench/run.sh${*:+ $*}"
for v in BENCH_FLAVOUR BENCH_REF_NONE_FLAVOUR BENCH_REF_NUMA_BALANCING_FLAVOUR BENCH_TRAFFIC_ARGS BENCH_RATIOS; do
	eval "x=\${$v:-}"
	[ -z "$x" ] || cmdline="$v=$x $cmdline"
done

short=0 traffic= repeat=5 repeat_pinned=2 benches= policies= seconds= threads= build=0 out=
topo=2x2x1024 topo4=4x1x512 default_matrix=1
while [ $# -gt 0 ]; do
	case $1 in
	--short) short=1 default_matrix=0; shift; continue ;;
	--build) build=1; shift; continue ;;
	--traffic) traffic=1; shift; continue ;;
	--help|-h) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	esac
	case $1 in
	--repeat|--repeat-pinned|--bench|--policy|--seconds|--threads|--topology|--topology4|--out) ;;
	*) die "unknown option $1 (see the top of $0)" ;;
	esac
	[ $# -ge 2 ] || die "option $1 needs a value (see the top of $0)"
	case $1 in
	--repeat)	repeat=$2 ;;
	--repeat-pinned) repeat_pinned=$2 ;;
	--bench)	benches=$(echo "$2" | tr ',' ' ') default_matrix=0 ;;
	--policy)	policies=$(echo "$2" | tr ',' ' ') default_matrix=0 ;;
	--seconds)	seconds=$2 default_matrix=0 ;;
	--threads)	threads=$2 default_matrix=0 ;;
	--topology)	topo=$2 default_matrix=0 ;;
	--topology4)	topo4=$2 default_matrix=0 ;;
	--out)		out=$2 ;;
	esac
	shift 2
done

# ---- validate everything before anything builds or boots ----
in_list() {
	for x in $2; do
		[ "$x" = "$1" ] && return 0
	done
	return 1
}

if [ $short = 1 ]; then
	: "${benches:=numa01 numa02 pft hackbench}"
	: "${policies:=none hard inverse interleave autonuma}"
	repeat=1 repeat_pinned=1 topo4=none traffic=1
	: "${seconds:=10}"
fi
# The whole matrix counts traffic; a selection only when asked.
[ -n "$traffic" ] || traffic=$default_matrix
: "${benches:=$ALL_BENCHES}" "${policies:=$ALL_POLICIES}"
[ -n "$(echo $benches)" ] || die "--bench: empty list"
[ -n "$(echo $policies)" ] || die "--policy: empty list"
for b in $benches; do
	in_list "$b" "$ALL_BENCHES" || die "--bench: unknown benchmark '$b' (known: $ALL_BENCHES)"
done
for p in $policies; do
	in_list "$p" "$KNOWN_POLICIES" || die "--policy: unknown policy '$p' (known: $KNOWN_POLICIES)"
done
check_uint --repeat "$repeat" 1
check_uint --repeat-pinned "$repeat_pinned" 1
[ "$repeat_pinned" -le "$repeat" ] || repeat_pinned=$repeat
[ -z "$seconds" ] || check_uint --seconds "$seconds" 1
if [ -n "$threads" ]; then
	[ "$threads" != 0 ] || die "--threads: zero threads, nothing to run"
	check_uint --threads "$threads" 1
fi
secs_run=${seconds:-60}

host_mb=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
# check_topology OPTION NxCxM: a guest harness/qemu.sh can boot here.
check_topology() {
	echo "$2" | grep -Eq '^[0-9]+x[0-9]+x[0-9]+$' ||
		die "$1: '$2' is not NODESxCPUSxMIB (e.g. 2x2x1024)"
	IFS=x read -r n c m <<EOF
$2
EOF
	[ "$n" -ge 2 ] || die "$1: $2 has $n node(s); NUMA placement needs at least 2"
	[ "$n" -le 8 ] || die "$1: $2: at most 8 nodes (CONFIG_NODES_SHIFT=3)"
	[ "$c" -ge 1 ] || die "$1: $2: zero CPUs per node"
	[ $((n * c)) -le 16 ] || die "$1: $2: at most 16 CPUs in all (CONFIG_NR_CPUS=16)"
	[ "$m" -ge 256 ] || die "$1: $2: at least 256 MiB per node"
	[ $((n * m + 512)) -le "$host_mb" ] ||
		die "$1: $2 needs $((n * m)) MiB of guest memory; the host has $host_mb MiB available"
	if [ -n "$threads" ] && [ "$threads" -gt $((4 * n * c)) ]; then
		die "--threads $threads: more than 4 per CPU of the $2 guest"
	fi
}
check_topology --topology "$topo"
benches4=
if [ "$topo4" != none ]; then
	check_topology --topology4 "$topo4"
	for b in numa01 numa02; do
		in_list "$b" "$benches" && benches4="$benches4 $b"
	done
fi

flavour_of() {
	case $1 in
	ref_none) echo "${BENCH_REF_NONE_FLAVOUR:-none}" ;;
	ref_numa_balancing) echo "${BENCH_REF_NUMA_BALANCING_FLAVOUR:-numa_balancing}" ;;
	*) echo "${BENCH_FLAVOUR:-autonuma}" ;;
	esac
}

# pinned POLICY: the policy places threads and memory itself (fewer
# repeats: its start is not random); the ref_* rows are references too.
pinned() {
	case $1 in
	hard|inverse|interleave|ref_*) return 0 ;;
	esac
	return 1
}

# applies POLICY BENCH: whether the pair is run.
applies() {
	case $1/$2 in
	hard/*_bad|inverse/*_bad|interleave/*_bad) return 1 ;;
	hard/hackbench*|inverse/hackbench*|interleave/hackbench*) return 1 ;;
	hard/pft|inverse/pft|interleave/pft) return 1 ;;
	interleave/forkstorm) return 1 ;;
	esac
	return 0
}

# placement BENCH: a time-limited streaming run the traffic plugin counts;
# the others (fixed work, their speed is the result) boot without it.
placement() {
	case $1 in
	numa01*|numa02*|overcommit) return 0 ;;
	esac
	return 1
}
flavours=
for p in $policies; do
	f=$(flavour_of "$p")
	check_flavour "$f"
	in_list "$f" "$flavours" || flavours="$flavours $f"
done

if [ -z "$out" ]; then
	if [ $short = 1 ]; then
		out=$BUILD/bench-short
	elif [ $default_matrix = 1 ]; then
		out=$BENCH/results
	else
		out=$BUILD/bench-results
	fi
fi
case $out in /*) ;; *) out=$(pwd)/$out ;; esac
if [ "$out" = "$BENCH/results" ]; then
	page=$BENCH/RESULTS.md prefix=results/
else
	page=$out/RESULTS.md prefix=
fi

# ---- kernels, programs, initramfs ----
missing=
for f in $flavours; do
	[ -f "$(objdir "$f")/arch/x86/boot/bzImage" ] || missing="$missing $f"
done
if [ -n "$missing" ]; then
	[ $build = 1 ] || die "no kernel for flavour(s)$missing: build with 'make kernel FLAVOUR=...' or pass --build (or see BENCH_*_FLAVOUR at the top of $0)"
	# shellcheck disable=SC2086
	"$HARNESS/prepare.sh" $missing
fi
msg "building the benchmark programs"
make -s -C "$BENCH" OUT="$BUILD/guest-bin" >/dev/null
for f in $flavours; do
	O=$(objdir "$f")
	if [ ! -f "$O/initramfs.cpio.gz" ] ||
	   [ -n "$(find "$BUILD/guest-bin" -newer "$O/initramfs.cpio.gz" -type f)" ]; then
		"$HARNESS/initramfs.sh" "$f" >/dev/null
	fi
done

# ---- the runs ----
rm -rf "$out"
mkdir -p "$out/series" "$out/console"
logs=$BUILD/bench-logs/$(date +%Y%m%d-%H%M%S)
mkdir -p "$logs"
csv=$out/runs.csv
echo "topo,flavour,policy,bench,repeat,status,wall_s,user_s,sys_s,setup_s,rate_mbs,procs_per_s,final_local_pct,t90_s,migrated,hint_faults,hint_faults_local,pte_updates,knuma_ms,autonuma_migrated,samples,enoent,efault,unknown_pct,variant,settled_scan_ps,cpu_user_s,cpu_sys_s,cpu_irq_s,cpu_busy_s,knuma_pct,ops_per_s,start,task_turns,task_p50_us,task_p99_us,task_max_us,task_cpu_p50_us,task_cpu_p99_us,task_cpu_max_us,series" >"$csv"
failed=0
tcsv=$out/traffic.csv
if [ $traffic = 1 ]; then
	mkdir -p "$out/traffic" "$out/traffic-series"
	echo "topo,flavour,policy,bench,repeat,region,seconds,user_local,user_remote,kernel_local,kernel_remote,user_other,other,io,user_remote_pct,remote_pct,t90_s,step_ms,series,status" >"$tcsv"
fi

# args BENCH: the program options of one run.
args() {
	case $1 in
	numa01*|numa02*|overcommit) a="--seconds $secs_run" ;;
	*) a= ;;
	esac
	case $1 in
	numa01*|numa02*) [ -z "$threads" ] || a="$a --threads $threads" ;;
	esac
	echo "$a"
}

# boot TOPO NAME FLAVOUR REPEAT "POLICIES" "BENCHES" [KIND]: one guest,
# every applicable (policy, benchmark) of the lists, policies outermost;
# KIND "cost" (the fixed-work benchmarks) boots without the plugin.
boot() {
	t=$1 name=$2 f=$3 r=$4 pols=$5 bs=$6 kind=${7:-}
	IFS=x read -r n c m <<EOF
$t
EOF
	tag=$name-$f-r$r${kind:+-$kind}
	script=$logs/$tag.sh
	log=$logs/$tag.log
	runs=0
	{
		cat "$BENCH/guest.sh"
		for p in $pols; do
			for b in $bs; do
				applies "$p" "$b" || continue
				echo "run $p $b $r $(args "$b")"
				runs=$((runs + 1))
			done
		done
		echo finish
	} >"$script"
	[ $runs -gt 0 ] || return 0
	if [ "$kind" = cost ]; then
		secs=$((runs * 120 + 180))
	else
		secs=$((runs * (secs_run + 45) + 180))
	fi
	# Only the main guest's placement boots are counted.
	set --
	tfile=
	if [ $traffic = 1 ] && [ "$name" = "$main_name" ] && [ "$kind" != cost ]; then
		tfile=$out/traffic/$tag.tsv
		set -- --traffic "$tfile"
		[ -z "${BENCH_TRAFFIC_ARGS:-}" ] ||
			set -- "$@" --traffic-args "$BENCH_TRAFFIC_ARGS"
		secs=$((secs * 2))
	fi
	msg "$name guest ($t), $f kernel, repeat $r: $runs run(s) of $(echo $pols) x $(echo $bs)${tfile:+, traffic counted}"
	st=0
	"$HARNESS/qemu.sh" --flavour "$f" --nodes "$n" --cpus-per-node "$c" \
		--mem-per-node "$m" --script "$script" --timeout "$secs" \
		--append "kunit.enable=0 quiet" --log "$log" "$@" || st=$?
	[ $st = 0 ] || { failed=1; msg "guest exit status $st, see $log"; }
	grep -a '^BENCH-' "$log" >"$out/console/$tag.txt" || true
	awk -v topo="$name" -v flavour="$f" -v dir="$out/series" \
		-f "$BENCH/parse.awk" "$log" >>"$csv"
	if [ -n "$tfile" ]; then
		if [ -f "$tfile" ]; then
			awk -v topo="$name" -v flavour="$f" -v dir="$out/traffic-series" \
				-f "$BENCH/traffic.awk" "$tfile" "$log" >>"$tcsv"
		else
			failed=1
			msg "no traffic counts from this guest ($tfile)"
		fi
	fi
}

# rotate N LIST: LIST rotated left by N (the order changes per repeat).
rotate() {
	k=$1
	shift
	set -- $*
	i=0
	while [ $i -lt $((k % $#)) ]; do
		x=$1
		shift
		set -- "$@" "$x"
		i=$((i + 1))
	done
	echo "$*"
}

# of_flavour F R: the policies booting flavour F in repeat R (the pinned
# ones and the references only in the first --repeat-pinned repeats),
# rotated by the repeat: policy and benchmark order change from boot to
# boot, so that no policy always runs first after boot.
of_flavour() {
	ps=
	for p in $policies; do
		[ "$(flavour_of "$p")" = "$1" ] || continue
		if pinned "$p" && [ "$2" -gt "$repeat_pinned" ]; then
			continue
		fi
		ps="$ps $p"
	done
	[ -z "$ps" ] || rotate $(($2 - 1)) $ps
}

placement_benches= cost_benches=
for b in $benches; do
	if placement "$b"; then
		placement_benches="$placement_benches $b"
	else
		cost_benches="$cost_benches $b"
	fi
done
main_name=$(echo "$topo" | cut -dx -f1)n
r=1
while [ "$r" -le "$repeat" ]; do
	for f in $flavours; do
		pols=$(of_flavour "$f" "$r")
		[ -n "$pols" ] || continue
		[ -z "$placement_benches" ] ||
			boot "$topo" "$main_name" "$f" "$r" "$pols" "$(rotate $((r - 1)) $placement_benches)"
		[ -z "$cost_benches" ] ||
			boot "$topo" "$main_name" "$f" "$r" "$pols" "$(rotate $((r - 1)) $cost_benches)" cost
	done
	r=$((r + 1))
done
if [ -n "$benches4" ]; then
	name4=$(echo "$topo4" | cut -dx -f1)n
	[ "$name4" != "$main_name" ] || name4=${name4}b
	f=$(flavour_of none)
	pols=
	for p in $policies; do
		[ "$(flavour_of "$p")" = "$f" ] && pols="$pols $p"
	done
	boot "$topo4" "$name4" "$f" 1 "$pols" "$benches4"
fi

# ---- checks and the page ----
# Every run must have worked; on the main guest hard bind must be >= 90 %
# local and inverse bind <= 10 %: the two ends whose answer is known.
sanity=$(awk -F, -v topo="$main_name" '
	NR == 1 { next }
	$6 != "ok" && $6 != "notyet" && $6 != "nosamples" {
		bad = bad " " $4 "/" $3 "/r" $5 "=" $6; next }
	$1 != topo || $13 == "" || $13 == "na" || $13 < 0 { next }
	$3 == "hard" { n++; if ($13 < 90) bad = bad " " $4 "/hard/r" $5 "=" $13 "%" }
	$3 == "inverse" { n++; if ($13 > 10) bad = bad " " $4 "/inverse/r" $5 "=" $13 "%" }
	END {
		if (bad != "")
			print "FAILED:" bad
		else
			print "passed (" n + 0 " hard/inverse runs; every run completed)"
	}' "$csv")
case $sanity in FAILED*) failed=1 ;; esac
# The traffic plugin's known answers, on user accesses (the kernel's own
# data and page tables sit mostly on node 0 whatever the policy): hard
# bind <= 1 % remote, inverse >= 99 %, interleave within 3 points of
# (N-1)/N; and < 1 % of user accesses outside every node's RAM (a wrong
# address calibration shows there first).
if [ $traffic = 1 ]; then
	tsanity=$(awk -F, -v topo="$main_name" -v nodes="${topo%%x*}" '
		NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$1 != topo { next }
		$c["status"] != "ok" { bad = bad " " $4 "/" $3 "=" $c["status"]; next }
		{ n++; o = $c["user_other"]; u = $c["user_local"] + $c["user_remote"] + o
		  r = $c["user_remote_pct"]
		  if (u > 0 && o / u > 0.01) bad = bad " " $4 "/" $3 ":user_other=" sprintf("%.2f%%", 100 * o / u) }
		$3 == "hard" && r > 1 { bad = bad " " $4 "/hard=" r "%" }
		$3 == "inverse" && r < 99 { bad = bad " " $4 "/inverse=" r "%" }
		$3 == "interleave" { want = 100 * (nodes - 1) / nodes
			if (r < want - 3 || r > want + 3) bad = bad " " $4 "/interleave=" r "%" }
		END {
			if (bad != "")
				print "FAILED:" bad
			else if (!n)
				print "FAILED: no counted run"
			else
				print "passed (" n " runs counted)"
		}' "$tcsv")
	case $tsanity in FAILED*) failed=1 ;; esac
	sanity="$sanity; traffic $tsanity"
	# The model (bench/model.awk): hard bind is 100 % of itself and costs
	# no more than inverse bind, at every ratio, for every benchmark that
	# ran both on the main guest.
	awk -F, -v ratios="$BENCH_RATIOS" -f "$BENCH/model.awk" "$csv" "$tcsv" >"$out/model.csv"
	want_hard=0
	in_list hard "$policies" && want_hard=1
	msanity=$(awk -F, -v topo="$main_name" -v want_hard=$want_hard '
		function median(list,    n, a, i, j, x) {
			n = split(list, a, " ")
			for (i = 2; i <= n; i++) {
				x = a[i] + 0
				for (j = i - 1; j >= 1 && a[j] + 0 > x; j--)
					a[j + 1] = a[j]
				a[j + 1] = x
			}
			return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
		}
		NR == 1 {
			for (i = 1; i <= NF; i++)
				if ($i ~ /^cost_r/) cost[++nr] = i
				else if ($i ~ /^pct_hard_r/) pct[++np] = i
			next
		}
		$1 != topo || ($3 != "hard" && $3 != "inverse") { next }
		{ b[$4] = 1
		  for (i = 1; i <= nr; i++) {
			m[$3, $4, i] = m[$3, $4, i] " " $cost[i]
			p[$3, $4, i] = p[$3, $4, i] " " $pct[i]
		  } }
		END {
			for (x in b)
				for (i = 1; i <= nr; i++) {
					if (m["hard", x, i] == "") {
						bad = bad " " x ":no-hard"
						continue
					}
					h = median(p["hard", x, i])
					k++
					if (h < 99.95 || h > 100.05)
						bad = bad " " x "/hard=" h "%-of-hard"
					if (m["inverse", x, i] == "")
						continue
					k++
					if (median(m["hard", x, i]) > median(m["inverse", x, i]))
						bad = bad " " x ":hard-costs-more-than-inverse"
				}
			if (bad != "")
				print "FAILED:" bad
			else if (!k && want_hard)
				print "FAILED: no hard bind run modeled"
			else if (!k)
				print "not checked (no hard bind run)"
			else
				print "passed (" k " checks)"
		}' "$out/model.csv")
	case $msanity in FAILED*) failed=1 ;; esac
	sanity="$sanity; model $msanity"
fi

dur=$(($(date +%s) - start))
host_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
fl=
for p in $policies; do
	fl="$fl${fl:+, }$p → $(flavour_of "$p")"
done
guests="$topo (nodes x CPUs x MiB)"
[ -z "$benches4" ] || guests="$guests; $topo4 for$benches4"
{
	echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "command=$cmdline"
	echo "base_version=$(base_version 2>/dev/null || echo unknown)"
	echo "debian_version=$(debian_version)"
	echo "guests=$guests"
	echo "host_cpus=$(nproc)"
	echo "host_model=$host_model"
	echo "flavours=$fl"
	echo "lengths=numa01*, numa02* and overcommit ${secs_run} s; forkstorm, memhog, hackbench and pft fixed work"
	echo "ratios=$BENCH_RATIOS"
	if [ -n "$benches4" ]; then
		echo "repeats=$repeat per (benchmark, unpinned policy), $repeat_pinned for hard, inverse, interleave and ref_* on the $topo guest; once on the $topo4 guest"
	else
		echo "repeats=$repeat per (benchmark, unpinned policy), $repeat_pinned for hard, inverse, interleave and ref_* on the $topo guest"
	fi
	echo "duration=$((dur / 60)) min $((dur % 60)) s (the whole run.sh, boots included)"
	echo "sanity=$sanity"
} >"$out/meta.txt"
"$BENCH/report.sh" "$out" "$page" "$prefix" >/dev/null
msg "results: $page ($csv); $((dur / 60)) min $((dur % 60)) s"
msg "sanity: $sanity"
exit $failed
