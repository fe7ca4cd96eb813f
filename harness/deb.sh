#!/bin/sh
# deb.sh [--config-only] [--no-debug-info]: the kernel for a real Debian
# machine, as Debian packages.  Debian's own configuration for amd64
# (linux-config-6.1, config.amd64_none_amd64.xz) with the series applied
# (the tree harness/assemble.sh makes), CONFIG_AUTONUMA=y, Debian's keys
# off (they are not here) and the modules signed with a key the build
# makes (configs/debian.config, configs/deb.config), and its own release,
# 6.1.N-autonuma; built out of tree in
# $BUILD/obj-deb with ccache by the kernel's own "make bindeb-pkg", whose
# packages (linux-image, linux-headers, linux-libc-dev and, with debug
# information, linux-image-*-dbg) end up in $BUILD/deb/.
#
#   --config-only    write and check the configuration, say what it
#                    changed from Debian's and stop: seconds, where the
#                    build takes hours on two cores (README.md, "On a real
#                    machine")
#   --no-debug-info  no DWARF (so no BTF and no -dbg package): Debian's
#                    configuration has both, and they cost build time and
#                    disk
#
# Not part of make check: far too long.  Takes the machine-wide lock for
# the build, like every kernel build here.
. "$(dirname -- "$0")/lib.sh"

config_only=0 nodebug=0
for a in "$@"; do
	case $a in
	--config-only)		config_only=1 ;;
	--no-debug-info)	nodebug=1 ;;
	-h|--help)		sed -n '2,/^\. /s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*)			die "unknown option '$a' (--config-only, --no-debug-info)" ;;
	esac
done
[ "$(dpkg --print-architecture 2>/dev/null)" = amd64 ] ||
	die "Debian's configuration here is amd64's (config.amd64_none_amd64.xz); this machine is $(dpkg --print-architecture 2>/dev/null || echo not Debian)"

O=$BUILD/obj-deb
DEB=$BUILD/deb
frags=$HARNESS/configs/deb.config
[ "$nodebug" = 0 ] || frags="$frags $HARNESS/configs/deb-nodebuginfo.config"

# What bindeb-pkg needs beyond the harness's own packages: dpkg-buildpackage
# checks build-essential and fakeroot, and pahole (dwarves) generates BTF
# and is asked for its version by Kconfig itself (PAHOLE_VERSION), so it
# must be there before the configuration is written.
"$HARNESS/deps.sh" dpkg-dev build-essential fakeroot dwarves
"$HARNESS/source.sh"
"$HARNESS/assemble.sh"
mkdir -p "$O"

start=$(date +%s)
# shellcheck disable=SC2086
"$HARNESS/debian-config.sh" "$O" $frags
grep -qx 'CONFIG_AUTONUMA=y' "$O/.config" || die "CONFIG_AUTONUMA=y did not survive olddefconfig"
release=$(make -s -C "$TREE" O="$O" kernelrelease 2>/dev/null) ||
	die "make kernelrelease failed in $O"
msg "configured in $(($(date +%s) - start)) s: kernel $release, $(grep -c '=y$' "$O/.config") options =y, $(grep -c '=m$' "$O/.config") =m"
# Every difference from Debian's own file: what the fragments turned off or
# on, and what olddefconfig made of it (AutoNUMA's new options among them).
msg "changed from Debian's configuration (scripts/diffconfig):"
"$TREE/scripts/diffconfig" "$O/config.debian" "$O/.config" | sed 's/^/  /' >&2
[ "$config_only" = 0 ] || { echo "$O/.config"; exit 0; }

# The configuration is seconds of one core (like selftest-config.sh); the
# build is what must not share the machine.
heavy_lock
mkdir -p "$CCACHE_DIR"
t0=$(date +%s)
msg "building $release packages in $O (hours on two cores; log $O/build.log)"
if ! make -C "$TREE" O="$O" CC="ccache gcc" -j"$JOBS" bindeb-pkg >"$O/build.log" 2>&1; then
	grep -E 'error:|Error [0-9]|undefined reference|dpkg-checkbuilddeps' "$O/build.log" | head -20 >&2
	die "make bindeb-pkg failed, see $O/build.log"
fi
if grep -E '^(mm/autonuma|kernel/sched/numa|include/linux/autonuma)[^:]*:[0-9]+:[0-9]+: warning:' "$O/build.log" >&2; then
	die "compiler warnings in AutoNUMA files, see $O/build.log"
fi

# dpkg-buildpackage writes into the parent of the object directory; this
# build's files (by its package version) go to $DEB.
pkgver=$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' "$O/debian/changelog")
[ -n "$pkgver" ] || die "no package version in $O/debian/changelog"
mkdir -p "$DEB"
for f in "$BUILD"/linux-*_"$pkgver"_*; do
	[ -f "$f" ] && mv -f "$f" "$DEB/"
done
[ -f "$DEB/linux-image-${release}_${pkgver}_amd64.deb" ] ||
	die "no linux-image-${release}_${pkgver}_amd64.deb came out of bindeb-pkg, see $O/build.log"
[ -f "$DEB/linux-headers-${release}_${pkgver}_amd64.deb" ] ||
	die "no linux-headers-${release}_${pkgver}_amd64.deb came out of bindeb-pkg, see $O/build.log"
msg "built in $(($(date +%s) - t0)) s:"
ls -l "$DEB"/*_"$pkgver"_*.deb >&2
# For qemu.sh --kernel: the very image the package installs.
echo "$O/arch/x86/boot/bzImage"
