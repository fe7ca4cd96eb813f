#!/bin/sh
# debian-objs.sh: compile every object the series touches with Debian's
# own kernel configuration (linux-config-6.1, config.amd64_none_amd64.xz)
# plus configs/debian.config (CONFIG_AUTONUMA=y, no Debian keys; written
# by harness/debian-config.sh), out of tree in $BUILD/obj-debian with
# ccache.  The guest flavours all start from tinyconfig, which leaves off
# most of what a distribution turns on (MEMCG, HUGETLBFS, KSM, ZONE_DEVICE,
# PREEMPT_DYNAMIC, ...) and so never compiles the #ifdef branches of the
# touched files that those options select; this is the configuration a
# user on a Debian machine builds.
#
# Only the objects: a full vmlinux with this configuration (thousands of
# objects and modules) takes far too long on two cores for every check;
# packaging and linking it is another job (make deb).
. "$(dirname -- "$0")/lib.sh"

O=$BUILD/obj-debian
heavy_lock
mkdir -p "$O" "$CCACHE_DIR"
start=$(date +%s)
"$HARNESS/debian-config.sh" "$O"

# The .c files the series changes (its patches) or adds (series), kernel
# code only (no tools/, no Documentation/).  A file that another .c file
# #includes (kernel/sched/numa.c, through build_policy.c) is built as
# that file's object.
objs=
for f in $( (sed -n 's|^+++ b/\(.*\.c\)$|\1|p' "$ROOT"/patches/*.patch; series_newfiles) |
	grep -v -e '^tools/' -e '^Documentation/' | grep '\.c$' | sort -u); do
	dir=${f%/*} base=${f##*/}
	host=$(grep -l "^#[[:space:]]*include \"$base\"" "$TREE/$dir"/*.c 2>/dev/null | head -1)
	[ -z "$host" ] || f=$dir/${host##*/}
	objs="$objs ${f%.c}.o"
done
objs=$(echo $objs | tr ' ' '\n' | sort -u | tr '\n' ' ')
[ -n "$objs" ] || die "no .c file found in the series"

t0=$(date +%s)
msg "Debian config: configured in $((t0 - start)) s; make prepare in $O"
if ! make -C "$TREE" O="$O" CC="ccache gcc" -j"$JOBS" prepare >"$O/build.log" 2>&1; then
	tail -20 "$O/build.log" >&2
	die "make prepare failed with the Debian config, see $O/build.log"
fi
t1=$(date +%s)
msg "Debian config: prepared in $((t1 - t0)) s; building $objs"
# shellcheck disable=SC2086
if ! make -C "$TREE" O="$O" CC="ccache gcc" -j"$JOBS" $objs >>"$O/build.log" 2>&1; then
	grep -E 'error:|Error [0-9]|undefined reference' "$O/build.log" | head -20 >&2
	die "objects failed to build with the Debian config, see $O/build.log"
fi
# Warnings in the touched files count: Debian builds them with this config.
# shellcheck disable=SC2086
pat=$(echo $objs | sed 's/\.o\( \|$\)/\\|/g; s/\\|$//')
if grep -e "^\\($pat\\|mm/autonuma\\|kernel/sched/numa\\|include/linux/autonuma\\)[^:]*:[0-9]*:[0-9]*: warning:" "$O/build.log" >&2; then
	die "compiler warnings with the Debian config, see $O/build.log"
fi
for o in $objs; do
	[ -f "$O/$o" ] || die "$o was not built"
done
msg "Debian config: $(echo $objs | wc -w) objects built in $(($(date +%s) - t1)) s, $(($(date +%s) - start)) s in all"
