#!/bin/sh
# deps.sh [PKG...]: install the Debian packages the harness needs, if any
# is missing, and the PKGs one step needs beyond those (harness/deb.sh:
# what bindeb-pkg builds with, which no other step does).
. "$(dirname -- "$0")/lib.sh"

PKGS="gcc make libc6-dev flex bison bc libelf-dev libssl-dev cpio ccache
xz-utils rsync kmod perl python3 linux-source-6.1 linux-config-6.1 qemu-system-x86
busybox-static numactl libnuma-dev gnuplot-nox libcap-dev trace-cmd $*"

missing=
for p in $PKGS; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

[ "$(id -u)" = 0 ] || die "missing packages:$missing (run as root to install them)"
msg "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null ||
	die "apt-get install failed for:$missing"
