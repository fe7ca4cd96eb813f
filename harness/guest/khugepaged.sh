#!/bin/sh
# Guest side of harness/khugepaged.sh: the upstream vm selftest khugepaged
# (anon memory, khugepaged and MADV_COLLAPSE), once with AutoNUMA off and
# once with it on at fast knobs.  Scanning must cost khugepaged nothing:
# every test that passes with AutoNUMA off must pass with it on.  (Some fail
# on every kernel here, e.g. the swap tests: the guest has no swap.)
#
# Prints "khugepaged: ..." summary lines and exits 1 on a regression.

A=/sys/kernel/mm/autonuma
KH=/kselftest/vm/khugepaged

[ -x $KH ] || { echo "khugepaged: $KH missing"; exit 1; }
[ -d $A ] || { echo "khugepaged: no AutoNUMA in this kernel"; exit 1; }

# run LABEL: run the test, keep its output and the names of the steps that
# passed and failed ("<test> (<context>:<memory>): <step>") in
# /tmp/kh.LABEL.{out,pass,fail}
run() {
	t0=$(date +%s)
	$KH >/tmp/kh.$1.raw 2>&1
	rc=$?
	# one line per step; no colours, no progress counters
	tr '\r' '\n' </tmp/kh.$1.raw | tr -d '\033' | sed 's/\[[0-9]*m//g' |
		grep -v '^Construct PTE page table full of different PTE-mapped compound pages *[0-9]*/[0-9]*\.\.\.$' \
		>/tmp/kh.$1.out
	awk -v label="$1" -v pass=/tmp/kh.$1.pass -v fail=/tmp/kh.$1.fail '
	     BEGIN { t = "setup"; printf "" >pass; printf "" >fail }
	     /^Run test: / { t = substr($0, 11); next }
	     / OK$/ { sub(/\.* OK$/, ""); print t ": " $0 >pass; next }
	     / (Fail|Timeout)/ {
		print "khugepaged: " label ": failed: " t ": " $0
		sub(/\.* (Fail|Timeout).*$/, ""); print t ": " $0 >fail
	     }' /tmp/kh.$1.out
	echo "khugepaged: $1: $(wc -l </tmp/kh.$1.pass) steps passed, exit $rc, $(($(date +%s) - t0)) s, last line: $(tail -1 /tmp/kh.$1.out)"
}

echo 0 >$A/enabled
run off

echo 10 >$A/knuma_scand/scan_sleep_millisecs
echo 100 >$A/knuma_scand/scan_sleep_pass_millisecs
echo 10 >$A/knuma_migrated/sleep_millisecs
hint0=$(awk '$1 == "autonuma_pte_updates" { print $2 }' /proc/vmstat)
echo 1 >$A/enabled
run on
hint1=$(awk '$1 == "autonuma_pte_updates" { print $2 }' /proc/vmstat)
echo "khugepaged: on: knuma_scand made $((hint1 - hint0)) hinting entries meanwhile"

rc=0
if [ "$hint1" = "$hint0" ]; then
	echo "khugepaged: FAIL: AutoNUMA did not scan during the test"
	rc=1
fi
if ! [ -s /tmp/kh.off.pass ]; then
	echo "khugepaged: FAIL: nothing passed with AutoNUMA off"
	rc=1
fi
# minus A B: the lines of file B that are not in file A
minus() {
	awk 'FILENAME == ARGV[1] { a[$0] = 1; next } !($0 in a)' "$1" "$2"
}

# a step that passes off must pass on; one never reached (the test stopped
# early) counts as failed
minus /tmp/kh.on.pass /tmp/kh.off.pass >/tmp/kh.lost
if [ -s /tmp/kh.lost ]; then
	minus /tmp/kh.on.fail /tmp/kh.lost >/tmp/kh.unrun
	minus /tmp/kh.unrun /tmp/kh.lost |
		sed 's/^/khugepaged: FAIL: passes off, fails on: /'
	[ -s /tmp/kh.unrun ] &&
		echo "khugepaged: FAIL: passes off, not reached on: $(wc -l </tmp/kh.unrun) steps from \"$(head -1 /tmp/kh.unrun)\""
	rc=1
fi
[ $rc = 0 ] && echo "khugepaged: ok: every step that passes with AutoNUMA off passes with it on"
exit $rc
