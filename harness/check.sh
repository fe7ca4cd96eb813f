#!/bin/sh
# The test suite: the series applying (and exporting as mails that git am
# reproduces), checkpatch on those mails, the kselftest config fragment
# keeping CONFIG_AUTONUMA=y when merged onto tinyconfig, every object the
# series touches compiling with Debian's own kernel config, the autonuma
# kernel with KUnit and the kselftests on 2-node, 1-node, noautonuma and
# 4-node guests, the scheduler tests on 2 nodes x 4 CPUs, the memory
# hot-add guests (guest/hotplug.sh), numastat, numa_maps and the trace
# events while AutoNUMA runs (guest/tools.sh), the time a task's own
# scanning takes per turn (guest/task-scan.sh), a subset of the upstream vm
# selftests (khugepaged among them) with AutoNUMA off and on (vmtests.sh; all of
# them: make vmtests), reclaim and the OOM killer while pages migrate
# (guest/oom.sh), the nothp kernel (THP off) with KUnit and the kselftests
# on 2 nodes, the kasan kernel (generic KASAN plus the debug options:
# lockdep, DEBUG_VM, fault injection; upstream NUMA balancing on at boot:
# guest/balancing-default.sh switches over, then the kselftests) on a
# 2-node guest, and on it the storm under random slab and page allocation
# failures (guest/faults.sh) and node 1's CPUs going offline and online
# while pages migrate (guest/cpuhotplug.sh), the none flavour
# still building, and autonuma_policy on upstream NUMA balancing (the
# numa_balancing flavour), which keeps the placement contracts that test
# checks: its known answer.
# The accounting is strict: every console log is scanned for
# lockdep/KASAN/BUG/WARN reports, RCU stalls, hung tasks, soft lockups
# and OOM kills (harness/console-errors.txt); both KUnit suites of the
# series must have run where KUnit is on; on the guests where AutoNUMA
# runs (2 and 4 nodes) a kselftest program that skips as a whole fails.
# Ends with "N passed, N failed" and exits non-zero on any failure.
. "$(dirname -- "$0")/lib.sh"

OUT=$BUILD/check
# The vm selftest cases (harness/guest/vmtests.sh) every check runs.
VMTESTS_CHECK=khugepaged,madv_populate,mremap_test,mremap_dontunmap,mlock2-tests,mlock-random-test,map_fixed_noreplace,virtual_address_range,soft-dirty
rm -rf "$OUT"
mkdir -p "$OUT"
pass=0 fail=0 skip=0
start=$(date +%s)

ok() {
	pass=$((pass + 1))
	echo "ok - $*"
}

notok() {
	fail=$((fail + 1))
	echo "FAIL - $*"
}

# step NAME CMD...: run CMD, its output in $OUT/NAME.log; one result.
step() {
	name=$1
	shift
	t0=$(date +%s)
	if "$@" >"$OUT/$name.log" 2>&1; then
		ok "$name ($(($(date +%s) - t0)) s)"
		return 0
	fi
	notok "$name, see $OUT/$name.log:"
	tail -15 "$OUT/$name.log" | sed 's/^/    /'
	return 1
}

# guest NAME [--console-allow PATTERN]... QEMU-ARGS...: boot a guest,
# count its TAP results, and check its console for kernel error reports.
# A --console-allow PATTERN (a line of console-errors.txt) is what this
# guest may print on purpose, e.g. the OOM killer's report in a guest
# driven out of memory.
guest() {
	name=$1
	shift
	allow=
	while [ "${1:-}" = --console-allow ]; do
		allow="$allow$2
"
		shift 2
	done
	log=$OUT/$name.console
	step "$name-boot" "$HARNESS/qemu.sh" --log "$log" "$@" || true
	[ -f "$log" ] || return 0
	awk -f "$HARNESS/tap.awk" "$log" >"$OUT/$name.tap"
	sed -n -e "s/^FAIL /FAIL - $name: /p" -e 's/^DIAG /    | /p' "$OUT/$name.tap"
	set -- $(sed -n 's/^RESULTS //p' "$OUT/$name.tap")
	pass=$((pass + $1))
	skip=$((skip + $2))
	fail=$((fail + $3))
	echo "     $name: $1 passed, $2 skipped, $3 failed"
	console_clean "$name" "$allow"
}

# console_clean NAME [ALLOWED]: no kernel error report in the console of
# guest NAME; ALLOWED holds the patterns of console-errors.txt (one a
# line) that this guest may print.
console_clean() {
	[ -f "$OUT/$1.console" ] || return 0
	grep -v -x -F -e "${2:-}" "$HARNESS/console-errors.txt" >"$OUT/$1.patterns" ||
		die "console_clean: nothing left of console-errors.txt"
	if grep -F -f "$OUT/$1.patterns" "$OUT/$1.console" >"$OUT/$1.errors"; then
		notok "$1: kernel error reports on the console:"
		head -10 "$OUT/$1.errors" | sed 's/^/    /'
	else
		ok "$1: console free of lockdep/KASAN/BUG/WARN/stall/lockup/OOM reports"
	fi
}

# all_ran NAME [TEST...]: on guest NAME every kselftest program must run:
# one that skips as a whole (exit status KSFT_SKIP) is a failure, except
# the TESTs named, which are meant to skip there (autonuma_off tests a
# machine where AutoNUMA is off; autonuma_faults needs the fault injection
# that only the debug and kasan flavours build).  Otherwise a guest where
# AutoNUMA went missing, or a test that lost its way to the knobs, would
# report "N passed, 0 failed" with whole programs skipped.
all_ran() {
	g=$1
	shift
	bad=0
	if ! grep -q '^\(not \)\{0,1\}ok [0-9]* selftests: ' "$OUT/$g.console" 2>/dev/null; then
		notok "$g: no kselftest program reported a result"
		return 0
	fi
	for t in $(sed -n 's/^SKIPPED selftests: [^:]*: //p' "$OUT/$g.tap" 2>/dev/null); do
		case " $* " in
		*" $t "*) continue ;;
		esac
		notok "$g: kselftest $t skipped as a whole where it must run"
		bad=1
	done
	[ "$bad" = 1 ] || ok "$g: no kselftest skipped as a whole${1:+ (expected to: $*)}"
}

# must_run NAME TEST...: on guest NAME each kselftest program TEST ran
# and did not skip as a whole: the counterpart of all_ran for the guests
# where AutoNUMA is off (one node, noautonuma), where every other program
# skips and autonuma_off is the one that must run.  Its failures are
# counted with the TAP results; missing or skipped, it is counted here.
must_run() {
	g=$1
	shift
	for t in "$@"; do
		if grep -q "^\(not \)\{0,1\}ok [0-9]* selftests: [^:]*: $t\$" \
			"$OUT/$g.console" 2>/dev/null; then
			ok "$g: kselftest $t ran"
		elif grep -q "^ok [0-9]* selftests: [^:]*: $t # SKIP" \
			"$OUT/$g.console" 2>/dev/null; then
			notok "$g: kselftest $t skipped as a whole where it must run"
		else
			notok "$g: kselftest $t did not report a result"
		fi
	done
}

# The KUnit suites of the series, by the names they register (the
# kunit_suite definitions in the files the series adds).
KUNIT_SUITES=$(cd "$ROOT" && series_newfiles | grep -v '^tools/' |
	xargs sed -n '/^static struct kunit_suite/,/^};/s/.*\.name *= *"\([^"]*\)".*/\1/p')

# kunit_ran NAME: every KUnit suite of the series must have run in guest
# NAME, and reported a result that is not a skip of the whole suite.
kunit_ran() {
	[ -n "$KUNIT_SUITES" ] || die "kunit_ran: no kunit_suite found in the series' files"
	for s in $KUNIT_SUITES; do
		if grep -q "# Subtest: $s\$" "$OUT/$1.console" 2>/dev/null &&
		   grep -E "^(\[ *[0-9.]+\] )?(not )?ok [0-9]+ $s( |\$)" "$OUT/$1.console" | grep -qv '# SKIP'; then
			ok "$1: KUnit suite $s ran"
		else
			notok "$1: KUnit suite $s did not run"
		fi
	done
}

# no_page_ext NAME: AutoNUMA reserved no memory per page in guest NAME.
# page_ext prints its allocation at boot when any user needs it, and
# AutoNUMA is the only possible one in these configurations.
no_page_ext() {
	if grep -q 'bytes of page_ext' "$OUT/$1.console" 2>/dev/null; then
		notok "$1: memory reserved per page: $(grep -o 'allocated [0-9]* bytes of page_ext' "$OUT/$1.console" | head -1)"
	else
		ok "$1: no memory reserved per page (no page_ext)"
	fi
}

# slab_field NAME CACHE FIELD: FIELD (object_size, slab_size) of slab
# CACHE as guest NAME printed it at boot (guest/init), empty if it did not.
slab_field() {
	sed -n "s/^HARNESS-SLAB $2 .*$3 \([0-9]*\).*/\1/p" "$OUT/$1.console" 2>/dev/null | head -1
}

# same_footprint AUTONUMA-GUEST NB-GUEST: AutoNUMA built in adds nothing
# to the per-task and per-process slab objects of a kernel that has
# upstream NUMA balancing (the numa_balancing flavour, as Debian's):
# task_struct the same object size (AutoNUMA's one pointer fits its
# padding, its task_work is NUMA balancing's numa_work), mm_struct the
# same slab stride (its object is 8 bytes larger: see bench/ZERO-COST.md).
same_footprint() {
	for cf in task_struct:object_size mm_struct:slab_size; do
		c=${cf%%:*} f=${cf#*:}
		a=$(slab_field "$1" "$c" "$f") b=$(slab_field "$2" "$c" "$f")
		if [ -z "$a" ] || [ -z "$b" ]; then
			notok "$c $f: not printed by $1 ('$a') or $2 ('$b')"
		elif [ "$a" = "$b" ]; then
			ok "$c $f with AutoNUMA built in equals numa_balancing's ($a B)"
		else
			notok "$c $f with AutoNUMA built in $a B, numa_balancing's $b B"
		fi
	done
}

"$HARNESS/deps.sh"
"$HARNESS/source.sh"
echo "# base kernel $(base_version) (Debian linux-source-6.1 $(debian_version))"

if step assemble "$HARNESS/assemble.sh"; then
	if step patches "$HARNESS/patches.sh"; then
		step checkpatch "$HARNESS/checkpatch.sh" || true
	fi
	step selftest-config "$HARNESS/selftest-config.sh" || true
	step debian-objs "$HARNESS/debian-objs.sh" || true
	if step build-autonuma "$HARNESS/build.sh" autonuma &&
	   step initramfs-autonuma "$HARNESS/initramfs.sh" autonuma; then
		guest autonuma-2node --flavour autonuma --nodes 2 --run kselftest \
			--append "kunit.filter_glob=autonuma*"
		kunit_ran autonuma-2node
		no_page_ext autonuma-2node
		all_ran autonuma-2node autonuma_off autonuma_faults
		# Upstream's vm selftests end alike with AutoNUMA off and on:
		# a representative subset here (khugepaged among them), all of
		# them in "make vmtests" (too slow for every check).
		step autonuma-vmtests "$HARNESS/vmtests.sh" --tests "$VMTESTS_CHECK" \
			--log "$OUT/autonuma-vmtests.console" || true
		console_clean autonuma-vmtests
		# Reclaim and the OOM killer while pages migrate: the hog dies,
		# nothing else.  Its console has the OOM report on purpose.
		guest autonuma-oom --flavour autonuma --nodes 2 --mem-per-node 256 \
			--script "$HARNESS/guest/oom.sh" --timeout 300 \
			--append "kunit.enable=0"
		# AutoNUMA off (one node, noautonuma): the other programs skip,
		# autonuma_off must not.
		guest autonuma-1node --flavour autonuma --nodes 1 --cpus-per-node 2 \
			--run kselftest --append "kunit.enable=0"
		must_run autonuma-1node autonuma_off
		guest autonuma-noautonuma --flavour autonuma --nodes 2 --run kselftest \
			--append "noautonuma kunit.enable=0"
		must_run autonuma-noautonuma autonuma_off
		# 4 nodes x 1 CPU: KUnit and the kselftests, where each node
		# has a single CPU that is rarely idle.
		guest autonuma-4node --flavour autonuma --nodes 4 --cpus-per-node 1 \
			--mem-per-node 512 --run kselftest \
			--append "kunit.filter_glob=autonuma*"
		kunit_ran autonuma-4node
		all_ran autonuma-4node autonuma_off autonuma_faults
		# 2 nodes x 4 CPUs: the scheduler tests where CFS no longer
		# tolerates a whole node's imbalance, so that active balancing
		# (which AutoNUMA must not make futile) happens at all.
		guest autonuma-2x4 --flavour autonuma --nodes 2 --cpus-per-node 4 \
			--run kselftest \
			--append "kselftest_tests=autonuma:autonuma_sched kunit.enable=0"
		all_ran autonuma-2x4
		# Memory hot-add: a node with no CPU gets memory only after
		# boot, on a machine where AutoNUMA was decided off (one node)
		# and on one where it runs (two nodes).
		guest autonuma-hotplug-1node --flavour autonuma --nodes 1 \
			--hotplug-mem 512 --script "$HARNESS/guest/hotplug.sh" \
			--timeout 300 --append "kunit.enable=0"
		guest autonuma-hotplug-3node --flavour autonuma --nodes 2 \
			--hotplug-mem 512 --script "$HARNESS/guest/hotplug.sh" \
			--timeout 300 --append "kunit.enable=0"
		# What a user watches AutoNUMA with, while it moves a
		# process's memory: numastat -p, numa_maps and the autonuma
		# trace events through tracefs and trace-cmd (perf, 33 MiB
		# more in the guest, in "make tools").
		guest autonuma-tools --flavour autonuma --nodes 2 \
			--script "$HARNESS/guest/tools.sh" --timeout 300 \
			--append "kunit.enable=0"
		# What AutoNUMA takes from an application thread: each turn
		# of a task's scan of its own mm ends at its time budget,
		# and the distribution of the time per turn is printed.
		guest autonuma-task-scan --flavour autonuma --nodes 2 \
			--script "$HARNESS/guest/task-scan.sh" --timeout 300 \
			--append "kunit.enable=0"
	fi
	# AutoNUMA without THP: it must build, and the tests that need THP
	# must skip, not fail.
	if step build-nothp "$HARNESS/build.sh" nothp &&
	   step initramfs-nothp "$HARNESS/initramfs.sh" nothp; then
		guest nothp-2node --flavour nothp --nodes 2 --run kselftest \
			--append "kunit.filter_glob=autonuma*"
		kunit_ran nothp-2node
		all_ran nothp-2node autonuma_off autonuma_faults
	fi
	if step build-none "$HARNESS/build.sh" none; then
		# the benchmark suite's smoke test, so that it cannot rot
		step bench-short "$ROOT/bench/run.sh" --short || true
	fi
	if step build-numa_balancing "$HARNESS/build.sh" numa_balancing &&
	   step initramfs-numa_balancing "$HARNESS/initramfs.sh" numa_balancing; then
		# upstream passes every case of autonuma_policy: a failure
		# there is a bug of the test, not of AutoNUMA
		guest numa_balancing-2node --flavour numa_balancing --nodes 2 \
			--run kselftest \
			--append "kselftest_tests=autonuma:autonuma_policy kunit.enable=0"
		same_footprint autonuma-2node numa_balancing-2node
	fi
	# Generic KASAN on top of the debug options, and the distribution's
	# default of upstream NUMA balancing on at boot: the guest script
	# checks that AutoNUMA stays off and refuses to start (EBUSY) until
	# kernel.numa_balancing=0, then runs every kselftest (the storm
	# included) on the AutoNUMA it switched on.
	if step build-kasan "$HARNESS/build.sh" kasan &&
	   step initramfs-kasan "$HARNESS/initramfs.sh" kasan; then
		guest kasan-2node --flavour kasan --nodes 2 \
			--script "$HARNESS/guest/balancing-default.sh" \
			--timeout 1800 \
			--append "kunit.filter_glob=autonuma* autonuma_test_scale=3"
		kunit_ran kasan-2node
		all_ran kasan-2node autonuma_off
		# The storm while slab and page allocations fail at random:
		# no report, no page isolated, no object or page leaked.
		guest kasan-faults --flavour kasan --nodes 2 \
			--script "$HARNESS/guest/faults.sh" --timeout 900 \
			--append "numa_balancing=disable kunit.enable=0"
		# Node 1's CPUs offline and online while pages migrate, under
		# lockdep: knuma_migrated1 gets its CPUs back and migrates.
		guest kasan-cpuhotplug --flavour kasan --nodes 2 \
			--script "$HARNESS/guest/cpuhotplug.sh" --timeout 600 \
			--append "numa_balancing=disable kunit.enable=0"
	fi
fi

echo "# check took $(($(date +%s) - start)) s; logs in $OUT"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
