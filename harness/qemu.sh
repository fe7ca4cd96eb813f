#!/bin/sh
# qemu.sh [options]: boot a guest kernel and turn its verdict into our exit
# status.
#
#   --flavour F        kernel flavour to boot (default autonuma); its
#                      initramfs (kselftests, tools) is used with --kernel too
#   --kernel PATH      boot this bzImage instead of the flavour's, e.g. the
#                      one harness/deb.sh packages
#                      (build/obj-deb/arch/x86/boot/bzImage); it must have
#                      the serial console, ACPI NUMA and initramfs support
#                      built in (Debian's configuration has them)
#   --nodes N          NUMA nodes (default 2)
#   --cpus-per-node C  CPUs per node (default 2)
#   --mem-per-node M   MiB of memory per node (default 1024)
#   --hotplug-mem M    one more node, without CPUs or boot memory, and M MiB
#                      (a multiple of 128, the memory block size) on it as a
#                      cold-plugged pc-dimm: the guest's ACPI memory hotplug
#                      driver adds it during boot and leaves it offline
#                      (memhp_default_state=offline), so the node gets memory
#                      only when the guest onlines the blocks
#                      (/sys/devices/system/memory/memoryN/state); default 0,
#                      none
#   --run WHAT         what the guest's /init runs: boot, kselftest, demo,
#                      shell (default boot)
#   --script FILE      a guest shell script to run (implies --run script);
#                      packed into an extra initramfs as /script.sh
#   --extra-bin P[,P]  host programs (absolute paths) packed with their
#                      libraries into an extra initramfs for this guest
#                      only, e.g. /usr/bin/perf (33 MiB with its libraries:
#                      too much for every guest's memory and boot)
#   --append ARGS      extra kernel command line
#   --timeout S        wall-clock limit in seconds (default 600)
#   --log FILE         console log (default $BUILD/logs/FLAVOUR-NODESn-WHAT.log)
#   --traffic FILE     count every guest memory access with the traffic
#                      plugin (bench/plugin/, built here): local/remote,
#                      user/kernel, per vCPU, a time series and the regions
#                      the guest marks, written to FILE (TSV, see
#                      bench/README.md) while the guest runs and at its end
#   --traffic-args A   extra plugin arguments, comma separated key=value
#                      (interval=MS, hist=1, addr=ram|gpa, mem-order=1:0,
#                      bases=HEX:HEX; see bench/plugin/traffic.c)
#
# Exit status: 0 when the guest printed "HARNESS-DONE rc=0"; 1 when it
# printed another rc; 2 when it never finished (timeout, hang, panic).
. "$(dirname -- "$0")/lib.sh"

flavour=autonuma nodes=2 cpn=2 mem=1024 run=boot append= timeout=600 log= script=
hpmem=0 traffic= targs= kernel= extra=
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || die "option $1 needs a value"
	case $1 in
	--flavour)		flavour=$2 ;;
	--kernel)		kernel=$2 ;;
	--nodes)		nodes=$2 ;;
	--cpus-per-node)	cpn=$2 ;;
	--mem-per-node)		mem=$2 ;;
	--hotplug-mem)		hpmem=$2 ;;
	--run)			run=$2 ;;
	--append)		append=$2 ;;
	--script)		script=$2 run=script ;;
	--extra-bin)		extra=$2 ;;
	--timeout)		timeout=$2 ;;
	--log)			log=$2 ;;
	--traffic)		traffic=$2 ;;
	--traffic-args)		targs=$2 ;;
	*)			die "unknown option $1 (see the top of $0)" ;;
	esac
	shift 2
done
check_flavour "$flavour"
check_uint --nodes "$nodes" 1
check_uint --cpus-per-node "$cpn" 1
check_uint --mem-per-node "$mem" 128
check_uint --timeout "$timeout" 1
check_uint --hotplug-mem "$hpmem" 0
[ "$nodes" -le 8 ] || die "--nodes: at most 8 nodes (CONFIG_NODES_SHIFT=3)"
if [ "$hpmem" -gt 0 ]; then
	[ $((hpmem % 128)) = 0 ] ||
		die "--hotplug-mem: $hpmem MiB is not a multiple of the 128 MiB memory block"
	[ "$nodes" -le 7 ] ||
		die "--hotplug-mem: at most 7 nodes with --nodes, the hot-added one is the 8th (CONFIG_NODES_SHIFT=3)"
fi
[ $((nodes * cpn)) -le 16 ] || die "at most 16 CPUs in all (CONFIG_NR_CPUS=16)"
case $run in
boot|kselftest|demo|shell) ;;
script) [ -f "$script" ] || die "--script: '$script' is not a file" ;;
*) die "--run: unknown '$run' (boot, kselftest, demo, shell, script)" ;;
esac
for p in $(echo "$extra" | tr ',' ' '); do
	case $p in
	/*) ;;
	*) die "--extra-bin: '$p' is not an absolute path" ;;
	esac
	[ -f "$p" ] && [ -x "$p" ] || die "--extra-bin: '$p' is not an executable file"
done
if [ -n "$traffic" ]; then
	case $traffic in
	*,*) die "--traffic: '$traffic': QEMU's -plugin option cannot take a file name with a comma" ;;
	*/) die "--traffic: '$traffic' is a directory, not a file" ;;
	esac
	[ ! -d "$traffic" ] || die "--traffic: '$traffic' is a directory, not a file"
	tdir=$(dirname -- "$traffic")
	[ -d "$tdir" ] && [ -w "$tdir" ] ||
		die "--traffic: cannot write in directory '$tdir'"
	traffic=$(cd "$tdir" && pwd)/${traffic##*/}
	[ "$hpmem" = 0 ] ||
		die "--traffic: the plugin knows no hot-added node (--hotplug-mem)"
	[ "${AUTONUMA_KVM:-0}" != 1 ] || die "--traffic: the plugin needs TCG (unset AUTONUMA_KVM)"
	make -s -C "$ROOT/bench/plugin" OUT="$BUILD/plugin" >/dev/null ||
		die "--traffic: building the plugin failed"
fi
if [ -n "$targs" ]; then
	[ -n "$traffic" ] || die "--traffic-args needs --traffic FILE"
	for a in $(echo "$targs" | tr ',' ' '); do
		case $a in
		interval=*|hist=*|addr=*|mem-order=*|bases=*) ;;
		*) die "--traffic-args: '$a' is not one of interval=MS, hist=0|1, addr=ram|gpa, mem-order=N:N..., bases=HEX:HEX..." ;;
		esac
	done
fi
O=$(objdir "$flavour")
if [ -n "$kernel" ]; then
	[ -f "$kernel" ] || die "--kernel: '$kernel' is not a file"
	# An x86 boot image carries "HdrS" at offset 0x202 (the boot protocol
	# header): a vmlinux, a module or a typo'd path has not.
	[ "$(dd if="$kernel" bs=1 skip=514 count=4 2>/dev/null)" = HdrS ] ||
		die "--kernel: '$kernel' is not an x86 bzImage (no boot protocol header)"
else
	kernel=$O/arch/x86/boot/bzImage
	[ -f "$kernel" ] || die "$kernel missing: build the $flavour flavour first"
fi
initrd=$O/initramfs.cpio.gz
[ -f "$initrd" ] || die "$initrd missing: run harness/initramfs.sh $flavour"
# Validated before waiting for the machine-wide lock, so that a bad option
# fails at once.
heavy_lock

[ -n "$log" ] || log=$BUILD/logs/$flavour-${nodes}n-$run.log
mkdir -p "$(dirname "$log")"

# A script to run goes in a second archive appended to the initramfs
# (the kernel unpacks concatenated cpio archives in order), with the
# helpers the guest scripts share (guest/lib.sh), and so do the
# --extra-bin programs.
if [ -n "$script$extra" ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	mkdir "$tmp/root"
	if [ -n "$script" ]; then
		cp "$script" "$tmp/root/script.sh"
		chmod +x "$tmp/root/script.sh"
		cp "$HARNESS/guest/lib.sh" "$tmp/root/guest-lib.sh"
	fi
	# shellcheck disable=SC2046
	pack_bin "$tmp/root" $(echo "$extra" | tr ',' ' ')
	(cd "$tmp/root" && find . | cpio -o -H newc --quiet | gzip -1) >"$tmp/extra.cpio.gz"
	cat "$initrd" "$tmp/extra.cpio.gz" >"$tmp/initrd.cpio.gz"
	initrd=$tmp/initrd.cpio.gz
fi

numa=
cpu=0
n=0
while [ $n -lt "$nodes" ]; do
	numa="$numa -object memory-backend-ram,id=m$n,size=${mem}M"
	numa="$numa -numa node,nodeid=$n,cpus=$cpu-$((cpu + cpn - 1)),memdev=m$n"
	cpu=$((cpu + cpn))
	n=$((n + 1))
done
ram="$((mem * nodes))M"
# The hot-add node: no cpus= and no memdev=, so no CPU and no boot memory
# (QEMU's SRAT gives it the hotpluggable range); the pc-dimm on it is
# described only by ACPI, not in the e820 map, so the kernel adds it as
# hotplugged memory.
if [ "$hpmem" -gt 0 ]; then
	numa="$numa -numa node,nodeid=$nodes"
	numa="$numa -object memory-backend-ram,id=hm,size=${hpmem}M"
	numa="$numa -device pc-dimm,id=dimm0,memdev=hm,node=$nodes"
	ram="$ram,slots=1,maxmem=$((mem * nodes + hpmem))M"
	append="memhp_default_state=offline $append"
fi

accel=tcg,thread=multi
# KVM only if it really works (it does not on the usual build machines).
if [ -w /dev/kvm ] && [ "${AUTONUMA_KVM:-0}" = 1 ]; then
	accel=kvm
fi

cmdline="console=ttyS0 panic=-1 oops=panic softlockup_panic=0 harness=$run $append"
# shellcheck disable=SC2086
# One socket per node, so that no cache is shared across nodes.
set -- qemu-system-x86_64 -accel "$accel" -cpu max \
	-smp "$cpu,sockets=$nodes,cores=$cpn,threads=1" \
	-m "$ram" $numa -kernel "$kernel" -initrd "$initrd" \
	-append "$cmdline" -nographic -no-reboot -nodefaults -serial mon:stdio
# The traffic plugin gets the layout built above: vCPU v on node v / cpn,
# node n's memory is memdev mN.  QEMU 7.2's qemu_plugin_hwaddr_phys_addr()
# reports a RAM access neither by guest-physical address nor by RAM block
# offset: calibrated with hard-bound guests (bench/README.md, "Traffic"),
# it is the block's offset in QEMU's RAM address space plus the memdev's
# offset in the machine's RAM (n x mem: m1 of a 2 x 1024 MiB guest, at
# guest-physical 1 GiB and block offset 1 GiB, shows at 2 GiB).  The block
# offsets come from QEMU itself: this very command line, paused before
# the guest's first instruction, asked "info ramblock" (Ctrl-A c switches
# the serial mux to the monitor).  lowmem is for addr=gpa only (a QEMU
# whose API reports guest-physical addresses): x86 "pc" keeps RAM below
# the PCI hole up to 3.5 GiB and splits at 3 GiB above that.
if [ -n "$traffic" ]; then
	blocks=$(printf '\001cinfo ramblock\nquit\n' |
		timeout 60 "$@" -S 2>&1) ||
		die "--traffic: QEMU did not answer 'info ramblock': $(echo "$blocks" | tail -2)"
	bases= n=0
	while [ $n -lt "$nodes" ]; do
		b=$(echo "$blocks" | tr -d '\r' | awk -v id="m$n" '
			$1 == id || $1 ~ ("/" id "$") {
				for (i = 2; i <= NF; i++)
					if ($i ~ /^0x/) { print $i; exit }
			}')
		[ -n "$b" ] || die "--traffic: QEMU's 'info ramblock' lists no block for memdev m$n"
		bases="$bases${bases:+:}$(printf '0x%x' $((b + n * mem * 1048576)))"
		n=$((n + 1))
	done
	total=$((mem * nodes))
	lowmem=$total
	[ $total -lt 3584 ] || lowmem=3072
	rm -f "$traffic"
	set -- "$@" -plugin "$BUILD/plugin/traffic.so,nodes=$nodes,cpus-per-node=$cpn,mem-per-node=$mem,bases=$bases,lowmem=$lowmem,out=$traffic${targs:+,$targs}"
	msg "traffic plugin: node memory at $bases as the plugin API reports it"
fi

hp=
[ "$hpmem" = 0 ] || hp=" + node $nodes: no CPU, $hpmem MiB hot-added"
msg "booting $flavour: $nodes node(s) x $cpn CPU(s) x $mem MiB$hp, run=$run, log $log${traffic:+, traffic $traffic}"
if [ "$run" = shell ]; then
	"$@"
	exit 0
fi

# where_stopped: what a guest that never finished was doing, from its
# log: the kselftest program run_kselftest.sh started last ("# selftests:
# C: T") if its result never came, and the last TAP result printed at any
# depth (a kselftest case, a KUnit case, a guest script's check).  The
# test that hangs is then named without reading the whole log.
where_stopped() {
	t=$(sed -n 's/^# selftests: //p' "$log" | tail -1)
	done_t=$(sed -n 's/^\(not \)\{0,1\}ok [0-9]* selftests: \([^#]*[^# ]\).*/\2/p' "$log" | tail -1)
	r=$(sed 's/^\[ *[0-9.]*\] //' "$log" | grep -E '^(# |    )*(not ok|ok) [0-9]+' | tail -1)
	if [ -n "$t" ] && [ "$t" != "$done_t" ]; then
		msg "still running: kselftest $t"
	elif [ -n "$t" ]; then
		msg "the last kselftest, $t, had finished"
	fi
	[ -z "$r" ] || msg "last TAP result: $r"
	[ -n "$t$r" ] || msg "no test had started"
}

start=$(date +%s)
status=0
timeout --foreground -k 10 "$timeout" "$@" </dev/null >"$log" 2>&1 || status=$?
tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"
secs=$(($(date +%s) - start))
if [ $status = 124 ] || [ $status = 137 ]; then
	msg "error: guest timed out after ${timeout} s, see $log"
	where_stopped
	exit 2
fi
rc=$(sed -n 's/^HARNESS-DONE rc=\([0-9]*\).*/\1/p' "$log" | tail -1)
if [ -z "$rc" ]; then
	grep -E 'Kernel panic|BUG:|Oops' "$log" | head -3 >&2
	msg "error: guest did not finish (panic or crash) after $secs s, see $log"
	where_stopped
	exit 2
fi
if [ -n "$traffic" ] && ! tail -1 "$traffic" 2>/dev/null | grep -qx end; then
	msg "error: the traffic plugin did not finish $traffic"
	exit 2
fi
msg "guest finished in $secs s with rc=$rc"
[ "$rc" = 0 ] || exit 1
