#!/bin/sh
# List the kernel-tree files this repository owns (relative to its root).
. "$(dirname -- "$0")/lib.sh"
cd "$ROOT"
find Kconfig.autonuma include mm kernel Documentation tools -type f \
	2>/dev/null | sort
