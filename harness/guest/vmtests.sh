#!/bin/sh
# Guest side of harness/vmtests.sh: the upstream vm selftests of the same
# tree (tools/testing/selftests/vm, built by build.sh into /kselftest/vm),
# once with AutoNUMA off and once with it on at its fastest knobs.  Scanning
# must change no result: every test must pass, fail or skip alike both
# times, and, inside a test, every step (a TAP line, or a khugepaged
# "... OK") that passes with AutoNUMA off must pass with it on.  (Some fail
# on every kernel here, e.g. khugepaged's swap tests: the guest has no
# swap.)
#
# run_vmtests.sh needs bash, which the busybox guest lacks, so the cases
# below are its commands, run directly.  A case whose kernel feature the
# guest config lacks is skipped with that reason, before it runs.  Which
# cases run: "vmtests=NAME,NAME" on the kernel command line (default all).
#
# Prints "vmtests: ..." lines (the host shows them) and exits 1 on a
# difference.

A=/sys/kernel/mm/autonuma
VM=/kselftest/vm
T=${VMTESTS_TIMEOUT:-180}	# seconds per case
HUGE=/tmp/huge

# name|needs|command (run in $VM; $HUGE is a hugetlbfs mount when there is
# one).  "needs" is checked by need() below; transhuge-stress (endless),
# hmm-tests and test_vmalloc.sh (test modules) are not run.
cases() {
	cat <<'EOF'
hugepage-mmap|hugetlbfs|./hugepage-mmap
hugepage-shm|hugetlbfs|./hugepage-shm
map_hugetlb|hugetlbfs|./map_hugetlb
hugepage-mremap|hugetlbfs|./hugepage-mremap $HUGE/huge_mremap; rm -f $HUGE/huge_mremap
hugepage-vmemmap|hugetlbfs|./hugepage-vmemmap
hugetlb-madvise|hugetlbfs|./hugetlb-madvise $HUGE/madvise-test; rm -f $HUGE/madvise-test
map_fixed_noreplace||./map_fixed_noreplace
gup_test-u|gup_test|./gup_test -u
gup_test-a|gup_test|./gup_test -a
gup_test-ct|gup_test|./gup_test -ct -F 0x1 0 19 0x1000
userfaultfd-anon|userfaultfd|./userfaultfd anon 20 16
userfaultfd-hugetlb|userfaultfd hugetlbfs|./userfaultfd hugetlb 128 32
userfaultfd-hugetlb_shared|userfaultfd hugetlbfs|./userfaultfd hugetlb_shared 128 32 $HUGE/uffd-test; rm -f $HUGE/uffd-test
userfaultfd-shmem|userfaultfd|./userfaultfd shmem 20 16
userfaultfd-anon-dev|userfaultfd|./userfaultfd anon:dev 20 16
userfaultfd-shmem-dev|userfaultfd|./userfaultfd shmem:dev 20 16
compaction_test||./compaction_test
on-fault-limit||su -s /bin/sh nobody -c ./on-fault-limit
map_populate||./map_populate
mlock-random-test||./mlock-random-test
mlock2-tests||./mlock2-tests
mrelease_test||./mrelease_test
mremap_test||./mremap_test
thuge-gen|hugetlbfs|./thuge-gen
virtual_address_range||./virtual_address_range
va_128TBswitch||./va_128TBswitch
mremap_dontunmap||./mremap_dontunmap
madv_populate||./madv_populate
memfd_secret||./memfd_secret
ksm-M|ksm|./ksm_tests -M -p 10
ksm-U|ksm|./ksm_tests -U
ksm-Z0|ksm|./ksm_tests -Z -p 10 -z 0
ksm-Z1|ksm|./ksm_tests -Z -p 10 -z 1
ksm-N1|ksm|./ksm_tests -N -m 1
ksm-N0|ksm|./ksm_tests -N -m 0
protection_keys_64||./protection_keys_64
soft-dirty||./soft-dirty
split_huge_page_test|thp|./split_huge_page_test
migration||./migration
khugepaged|thp|./khugepaged
EOF
}

# need FEATURE...: nothing when the guest has them all, else the reason
need() {
	for f in "$@"; do
		case $f in
		hugetlbfs) grep -qw hugetlbfs /proc/filesystems ||
			echo "no hugetlbfs (CONFIG_HUGETLBFS=n)" ;;
		gup_test) [ -e /sys/kernel/debug/gup_test ] ||
			echo "no /sys/kernel/debug/gup_test (CONFIG_GUP_TEST=n)" ;;
		userfaultfd) grep -q ' sys_userfaultfd$' /proc/kallsyms ||
			echo "no userfaultfd(2) (CONFIG_USERFAULTFD=n)" ;;
		ksm) [ -d /sys/kernel/mm/ksm ] || echo "no /sys/kernel/mm/ksm (CONFIG_KSM=n)" ;;
		thp) [ -d /sys/kernel/mm/transparent_hugepage ] ||
			echo "no /sys/kernel/mm/transparent_hugepage (CONFIG_TRANSPARENT_HUGEPAGE=n)" ;;
		esac
	done | head -1
}

want=all
for arg in $(cat /proc/cmdline); do
	case $arg in
	vmtests=*) want=${arg#vmtests=} ;;
	esac
done

[ -d $VM ] || { echo "vmtests: $VM missing"; exit 1; }
[ -d $A ] || { echo "vmtests: no AutoNUMA in this kernel"; exit 1; }
if grep -qw hugetlbfs /proc/filesystems; then
	mkdir -p $HUGE && mount -t hugetlbfs none $HUGE
	echo 256 >/proc/sys/vm/nr_hugepages
	echo 268435456 >/proc/sys/kernel/shmmax
	echo 4194304 >/proc/sys/kernel/shmall
fi
# on-fault-limit runs as nobody, from a directory nobody can enter
chmod 755 /kselftest $VM

# run LABEL: every case asked for; /tmp/vm.LABEL/NAME.{out,steps} and one
# line "NAME RESULT" per case in /tmp/vm.LABEL/results
run() {
	d=/tmp/vm.$1
	rm -rf $d
	mkdir -p $d
	t0=$(date +%s)
	cases | while IFS='|' read -r name needs cmd; do
		case ",$want," in
		,all,|*,$name,*) ;;
		*) continue ;;
		esac
		why=$(need $needs)
		if [ -n "$why" ]; then
			echo "$name skip($why)" >>$d/results
			continue
		fi
		s0=$(date +%s)
		(cd $VM && HUGE=$HUGE timeout $T sh -c "$cmd") </dev/null >$d/$name.raw 2>&1
		rc=$?
		secs=$(($(date +%s) - s0))
		case $rc in
		0) res=pass ;;
		4) res=skip ;;
		*) res="fail(exit $rc)" ;;
		esac
		[ $secs -ge $T ] && res="fail(timeout ${T} s)"
		# one line per step; no colours, no progress counters
		tr '\r' '\n' <$d/$name.raw | tr -d '\033' | sed 's/\[[0-9]*m//g' |
			grep -v '^Construct PTE page table full of different PTE-mapped compound pages *[0-9]*/[0-9]*\.\.\.$' \
			>$d/$name.out
		kh=0
		[ "$name" = khugepaged ] && kh=1
		awk -v kh=$kh -v name="$name" '
		     BEGIN { t = "setup" }
		     kh && /^Run test: / { t = substr($0, 11); next }
		     kh && / OK$/ { sub(/\.* OK$/, ""); print "pass " name ": " t ": " $0; next }
		     kh && / (Fail|Timeout)/ { sub(/\.* (Fail|Timeout).*$/, ""); print "fail " name ": " t ": " $0; next }
		     /^(# )*ok [0-9]+ / { s = $0; sub(/^(# )*ok [0-9]+ (- )?/, "", s)
			if (s ~ /# *(SKIP|skip)/) print "skip " name ": " s; else print "pass " name ": " s; next }
		     /^(# )*not ok [0-9]+ / { s = $0; sub(/^(# )*not ok [0-9]+ (- )?/, "", s); print "fail " name ": " s }
		' $d/$name.out >$d/$name.steps
		echo "$name $res" >>$d/results
		echo "vmtests: $1: $name: $res, $secs s, $(grep -c '^pass' $d/$name.steps) steps passed"
	done
	echo "vmtests: $1: $(wc -l <$d/results) cases in $(($(date +%s) - t0)) s"
}

echo 0 >$A/enabled
run off

echo 1 >$A/knuma_scand/scan_sleep_millisecs
echo 0 >$A/knuma_scand/scan_sleep_pass_millisecs
echo 1 >$A/knuma_migrated/sleep_millisecs
hint0=$(awk '$1 == "autonuma_pte_updates" { print $2 }' /proc/vmstat)
echo 1 >$A/enabled
run on
hint1=$(awk '$1 == "autonuma_pte_updates" { print $2 }' /proc/vmstat)
echo 0 >$A/enabled
echo "vmtests: on: knuma_scand made $((hint1 - hint0)) hinting entries meanwhile"

# both lists side by side
echo "vmtests: $(printf '%-28s %-36s %s' case 'AutoNUMA off' 'AutoNUMA on')"
awk 'FILENAME == ARGV[1] { off[$1] = substr($0, length($1) + 2); order[n++] = $1; next }
     { on[$1] = substr($0, length($1) + 2) }
     END { for (i = 0; i < n; i++) { c = order[i]
		printf "vmtests: %-28s %-36s %s%s\n", c, off[c], on[c], off[c] == on[c] ? "" : "   <-- differs" } }' \
	/tmp/vm.off/results /tmp/vm.on/results

rc=0
if [ "$hint1" = "$hint0" ]; then
	echo "vmtests: FAIL: AutoNUMA did not scan during the tests"
	rc=1
fi
if ! grep -q ' pass$' /tmp/vm.off/results; then
	echo "vmtests: FAIL: nothing passed with AutoNUMA off"
	rc=1
fi
# the same result for every case (a timeout counts as a failure)
norm() {
	sed 's/ fail(.*/ fail/' "$1"
}
norm /tmp/vm.off/results >/tmp/vm.off.res
norm /tmp/vm.on/results >/tmp/vm.on.res
if ! cmp -s /tmp/vm.off.res /tmp/vm.on.res; then
	awk 'FILENAME == ARGV[1] { a[$1] = $2; next } a[$1] != $2 { print "vmtests: FAIL: " $1 ": " a[$1] " off, " $2 " on" }' \
		/tmp/vm.off.res /tmp/vm.on.res
	rc=1
fi

# minus A B: the lines of file B that are not in file A
minus() {
	awk 'FILENAME == ARGV[1] { a[$0] = 1; next } !($0 in a)' "$1" "$2"
}
# a step that passes off must pass on; one never reached (the test stopped
# early) counts as failed
cat /tmp/vm.off/*.steps 2>/dev/null | sed -n 's/^pass //p' | sort >/tmp/vm.off.pass
cat /tmp/vm.on/*.steps 2>/dev/null | sed -n 's/^pass //p' | sort >/tmp/vm.on.pass
cat /tmp/vm.on/*.steps 2>/dev/null | sed -n 's/^fail //p' | sort >/tmp/vm.on.fail
minus /tmp/vm.on.pass /tmp/vm.off.pass >/tmp/vm.lost
if [ -s /tmp/vm.lost ]; then
	minus /tmp/vm.on.fail /tmp/vm.lost >/tmp/vm.unrun
	minus /tmp/vm.unrun /tmp/vm.lost | sed 's/^/vmtests: FAIL: passes off, fails on: /'
	[ -s /tmp/vm.unrun ] &&
		echo "vmtests: FAIL: passes off, not reached on: $(wc -l </tmp/vm.unrun) steps from \"$(head -1 /tmp/vm.unrun)\""
	rc=1
fi
echo "vmtests: $(wc -l </tmp/vm.off.pass) steps pass off, $(wc -l </tmp/vm.on.pass) on"
[ $rc = 0 ] && echo "vmtests: ok: every case ends alike with AutoNUMA off and on, and every step that passes off passes on"
exit $rc
