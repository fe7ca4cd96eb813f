#!/bin/sh
# Extract the pristine Debian linux-source-6.1 tree into $BUILD/src, once
# per package version.  The pristine tree is never modified.
. "$(dirname -- "$0")/lib.sh"

[ -f "$SRC_TARBALL" ] || die "$SRC_TARBALL missing: run harness/deps.sh as root"
stamp=$BUILD/src/.extracted
want=$(debian_version)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$PRISTINE/Makefile" ]; then
	exit 0
fi
msg "extracting linux-source-6.1 $want"
rm -rf "$BUILD/src" "$TREE"
mkdir -p "$BUILD/src"
tar -C "$BUILD/src" -xf "$SRC_TARBALL"
echo "$want" >"$stamp"
msg "base kernel $(base_version) (Debian $want)"
