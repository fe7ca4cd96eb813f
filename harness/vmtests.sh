#!/bin/sh
# vmtests.sh [--flavour F] [--tests NAME,...] [--timeout S] [--log FILE]:
# the upstream vm selftests of the same tree (tools/testing/selftests/vm,
# built by build.sh) in a 2-node guest, with AutoNUMA off and then on at
# its fastest knobs (harness/guest/vmtests.sh, which names the cases);
# fails when a case ends differently, or a step that passes off fails on.
# --tests picks cases (default: all of them, about 10 minutes; make
# vmtests).  Prints the guest's summary, both result lists side by side;
# exit status as harness/qemu.sh's.
. "$(dirname -- "$0")/lib.sh"

flavour=autonuma log= tests= timeout=1500
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || die "option $1 needs a value"
	case $1 in
	--flavour)	flavour=$2 ;;
	--tests)	tests=$2 ;;
	--timeout)	timeout=$2 ;;
	--log)		log=$2 ;;
	*)		die "unknown option $1 (see the top of $0)" ;;
	esac
	shift 2
done
case $tests in
*[!A-Za-z0-9_,-]*) die "--tests: '$tests' is not a comma separated list of case names" ;;
esac
[ -n "$log" ] || log=$BUILD/logs/$flavour-2n-vmtests${tests:+-$(echo "$tests" | tr , -)}.log

status=0
"$HARNESS/qemu.sh" --flavour "$flavour" --nodes 2 --timeout "$timeout" \
	--script "$HARNESS/guest/vmtests.sh" --log "$log" \
	--append "kunit.enable=0${tests:+ vmtests=$tests}" || status=$?
grep '^vmtests: ' "$log" 2>/dev/null || true
exit $status
