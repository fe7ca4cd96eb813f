#!/bin/sh
# config.sh FLAVOUR: write $BUILD/obj-FLAVOUR/.config from tinyconfig plus
# configs/base.config plus the flavour's fragments, and fail if any option a
# fragment asks for did not make it into the result.  The .config is only
# replaced when its content changes, so that make does not rebuild for
# nothing.
. "$(dirname -- "$0")/lib.sh"

flavour=${1:-}
[ -n "$flavour" ] || die "usage: config.sh FLAVOUR"
check_flavour "$flavour"
O=$(objdir "$flavour")

case $flavour in
debug|nothp)	frags="base autonuma $flavour" ;;
# KASAN on top of the debug options, which find other bugs in the same run
kasan)		frags="base autonuma debug kasan" ;;
# lock statistics on top of the debug options (bench/lock-stat.sh)
lockstat)	frags="base autonuma debug lockstat" ;;
*)	frags="base $flavour" ;;
esac
files=
for f in $frags; do
	files="$files $HARNESS/configs/$f.config"
done

mkdir -p "$O"
[ -f "$O/.config" ] && cp -p "$O/.config" "$O/.config.prev"
make -s -C "$TREE" O="$O" tinyconfig >/dev/null
# shellcheck disable=SC2086
KCONFIG_CONFIG=$O/.config "$TREE/scripts/kconfig/merge_config.sh" -m -O "$O" \
	"$O/.config" $files >"$O/merge.log" 2>&1 || die "merge_config failed, see $O/merge.log"
make -s -C "$TREE" O="$O" olddefconfig >/dev/null

# Every option a fragment sets (or unsets) must be in the final .config.
# shellcheck disable=SC2086
config_verify "$O/.config" "$flavour" $files || { rm -f "$O/.config.prev"; exit 1; }

if [ -f "$O/.config.prev" ] && cmp -s "$O/.config" "$O/.config.prev"; then
	mv "$O/.config.prev" "$O/.config"
else
	rm -f "$O/.config.prev"
fi
