#!/bin/sh
# The main job: build the patched autonuma kernel, boot it in a 2-node
# guest and show /sys/kernel/mm/autonuma, its counters and a small demo
# workload.
. "$(dirname -- "$0")/lib.sh"

"$HARNESS/deps.sh"
make -s -C "$ROOT/bench" >/dev/null || die "building the benchmark programs failed"
"$HARNESS/prepare.sh" autonuma
log=$BUILD/logs/run.log
echo "base kernel $(base_version) (Debian linux-source-6.1 $(debian_version)); guest: 2 nodes x 2 CPUs x 1 GiB, TCG"
status=0
"$HARNESS/qemu.sh" --flavour autonuma --nodes 2 --run demo --log "$log" \
	--append "kunit.enable=0" || status=$?
sed -n '/^HARNESS-START/,/^HARNESS-DONE/p' "$log"
exit $status
