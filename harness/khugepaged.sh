#!/bin/sh
# khugepaged.sh [--flavour F] [--log FILE]: the upstream vm selftest
# khugepaged (built by build.sh) in a 2-node guest, with AutoNUMA off and
# then on at fast knobs (harness/guest/khugepaged.sh); fails when a test
# step that passes with AutoNUMA off fails with it on.  Prints the guest's
# summary; exit status as harness/qemu.sh's.
. "$(dirname -- "$0")/lib.sh"

flavour=autonuma log=
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || die "option $1 needs a value"
	case $1 in
	--flavour)	flavour=$2 ;;
	--log)		log=$2 ;;
	*)		die "unknown option $1 (see the top of $0)" ;;
	esac
	shift 2
done
[ -n "$log" ] || log=$BUILD/logs/$flavour-2n-khugepaged.log

status=0
"$HARNESS/qemu.sh" --flavour "$flavour" --nodes 2 --timeout 300 \
	--script "$HARNESS/guest/khugepaged.sh" --log "$log" || status=$?
grep '^khugepaged: ' "$log" 2>/dev/null || true
exit $status
