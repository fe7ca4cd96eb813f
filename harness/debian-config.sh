#!/bin/sh
# debian-config.sh OBJDIR [FRAGMENT...]: write OBJDIR/.config from Debian's
# own kernel configuration for amd64 (linux-config-6.1,
# config.amd64_none_amd64.xz) plus configs/debian.config (CONFIG_AUTONUMA=y,
# no Debian keys) plus the FRAGMENTs, in that order (a later one wins),
# and fail if any option they ask for did not make it through
# olddefconfig.  Shared by harness/debian-objs.sh (the touched objects)
# and harness/deb.sh (the whole kernel, packaged), so that the two build
# the same configuration but for what deb.sh adds.  Debian's file stays
# in OBJDIR/config.debian, to compare with (scripts/diffconfig).
#
# The .config is only replaced when its content changes, so that make
# rebuilds nothing for a configuration that is the same as last time.
. "$(dirname -- "$0")/lib.sh"

DEBIAN_CONFIG=/usr/src/linux-config-6.1/config.amd64_none_amd64.xz

O=${1:-}
[ -n "$O" ] || die "usage: debian-config.sh OBJDIR [FRAGMENT...]"
shift
frags="$HARNESS/configs/debian.config $*"
for f in $frags; do
	[ -f "$f" ] || die "config fragment $f missing"
done
[ -f "$DEBIAN_CONFIG" ] || die "$DEBIAN_CONFIG missing: run harness/deps.sh"
[ -f "$TREE/Makefile" ] || die "no kernel tree in $TREE: run harness/assemble.sh"
mkdir -p "$O"

[ -f "$O/.config" ] && cp -p "$O/.config" "$O/.config.prev"
xz -dc "$DEBIAN_CONFIG" >"$O/config.debian"
# shellcheck disable=SC2086
KCONFIG_CONFIG=$O/.config "$TREE/scripts/kconfig/merge_config.sh" -m -O "$O" \
	"$O/config.debian" $frags >"$O/merge.log" 2>&1 || die "merge_config failed, see $O/merge.log"
make -s -C "$TREE" O="$O" olddefconfig >>"$O/merge.log" 2>&1 || die "olddefconfig failed, see $O/merge.log"
# CONFIG_AUTONUMA=y above all: an unmet dependency would drop it quietly
# and leave the touched files compiled without a line of AutoNUMA.
# shellcheck disable=SC2086
config_verify "$O/.config" "Debian config" $frags || { rm -f "$O/.config.prev"; exit 1; }
if [ -f "$O/.config.prev" ] && cmp -s "$O/.config" "$O/.config.prev"; then
	mv "$O/.config.prev" "$O/.config"
else
	rm -f "$O/.config.prev"
fi
