#!/bin/sh
# prepare.sh FLAVOUR...: everything up to a bootable guest for each flavour:
# packages, pristine source, assembled tree, kernel, kselftests, initramfs.
. "$(dirname -- "$0")/lib.sh"

[ $# -gt 0 ] || die "usage: prepare.sh FLAVOUR..."
for f in "$@"; do
	check_flavour "$f"
done
"$HARNESS/deps.sh"
"$HARNESS/source.sh"
"$HARNESS/assemble.sh"
for f in "$@"; do
	"$HARNESS/build.sh" "$f" >/dev/null
	"$HARNESS/initramfs.sh" "$f" >/dev/null
done
