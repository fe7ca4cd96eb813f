#!/bin/sh
# selftest-config.sh: the kselftest config fragment
# (tools/testing/selftests/autonuma/config) must name everything AutoNUMA
# and its tests need.  That fragment is what "make kselftest-merge" and
# the CI systems that run kselftests merge onto their own configuration;
# Kconfig drops an option whose dependencies are missing without a word,
# so a fragment that forgets one builds a kernel without AutoNUMA whose
# tests then all skip.  Merged onto tinyconfig, where nothing else turns
# the dependencies on, every option the fragment asks for must be in the
# final .config (ARCH=x86_64: 64BIT, which x86 NUMA needs, is the
# architecture's choice, not the fragment's).  Configuration only (seconds): no build, no lock.
. "$(dirname -- "$0")/lib.sh"

O=$BUILD/obj-selftest-config
frag=$TREE/tools/testing/selftests/autonuma/config
[ -f "$frag" ] || die "$frag missing: run harness/assemble.sh first"

mkdir -p "$O"
make -s -C "$TREE" O="$O" ARCH=x86_64 tinyconfig >"$O/config.log" 2>&1
KCONFIG_CONFIG=$O/.config "$TREE/scripts/kconfig/merge_config.sh" -m -O "$O" \
	"$O/.config" "$frag" >"$O/merge.log" 2>&1 || die "merge_config failed, see $O/merge.log"
make -s -C "$TREE" O="$O" ARCH=x86_64 olddefconfig >/dev/null
config_verify "$O/.config" "selftests/autonuma/config on tinyconfig" "$frag" ||
	die "the kselftest config fragment misses a dependency of what it asks for"
msg "every option of selftests/autonuma/config survives on tinyconfig"
