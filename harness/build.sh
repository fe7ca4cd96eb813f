#!/bin/sh
# build.sh FLAVOUR: configure and build the FLAVOUR kernel out of tree in
# $BUILD/obj-FLAVOUR with ccache, then its headers, the autonuma
# kselftests and the upstream vm selftests.  Prints the path of
# bzImage on success.
. "$(dirname -- "$0")/lib.sh"

flavour=${1:-}
[ -n "$flavour" ] || die "usage: build.sh FLAVOUR"
check_flavour "$flavour"
O=$(objdir "$flavour")
heavy_lock
mkdir -p "$CCACHE_DIR"

"$HARNESS/config.sh" "$flavour"

start=$(date +%s)
msg "building $flavour kernel ($(base_version)) in $O"
if ! make -C "$TREE" O="$O" CC="ccache gcc" -j"$JOBS" bzImage >"$O/build.log" 2>&1; then
	grep -E 'error:|Error [0-9]|undefined reference' "$O/build.log" | head -20 >&2
	die "$flavour kernel build failed, see $O/build.log"
fi
if grep -E '^(mm/autonuma|kernel/sched/numa|include/linux/autonuma)[^:]*:[0-9]+:[0-9]+: warning:' "$O/build.log" >&2; then
	die "$flavour: compiler warnings in AutoNUMA files, see $O/build.log"
fi
msg "$flavour kernel built in $(($(date +%s) - start)) s"

# Kernel headers for user space, then the selftests against them.
make -s -C "$TREE" O="$O" headers >/dev/null 2>&1 || die "make headers failed"
ks=$O/kselftest
rm -rf "$ks/install"
if ! make -C "$TREE/tools/testing/selftests" TARGETS=autonuma O="$ks/build" \
	KHDR_INCLUDES="-isystem $O/usr/include" LDFLAGS=-static \
	INSTALL_PATH="$ks/install" install >"$ks.log" 2>&1; then
	tail -20 "$ks.log" >&2
	die "kselftest build failed, see $ks.log"
fi
# The upstream vm selftests of the same tree, for harness/vmtests.sh (and
# harness/khugepaged.sh, one case of it): all of them, statically linked
# like ours (memfd_secret needs libcap-dev for sys/capability.h).  The
# 32-bit protection_keys builds only where gcc has multilib.
mkdir -p "$ks/build/vm" "$ks/install/vm"
if ! make -C "$TREE/tools/testing/selftests/vm" OUTPUT="$ks/build/vm" \
	KHDR_INCLUDES="-isystem $O/usr/include" LDFLAGS=-static \
	-j"$JOBS" >>"$ks.log" 2>&1; then
	tail -20 "$ks.log" >&2
	die "vm selftests build failed, see $ks.log"
fi
for f in "$ks/build/vm"/*; do
	[ -f "$f" ] && [ -x "$f" ] && cp "$f" "$ks/install/vm/"
done
[ -x "$ks/install/vm/khugepaged" ] || die "vm selftest khugepaged was not built, see $ks.log"
echo "$O/arch/x86/boot/bzImage"
