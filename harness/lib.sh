# Shared settings and helpers for the harness scripts (POSIX sh).
# Source it; it sets the paths every step uses.

set -eu
export LC_ALL=C

ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
HARNESS=$ROOT/harness
BUILD=${AUTONUMA_BUILD:-$ROOT/build}
# The ccache lives outside the work tree so that every clone on this
# machine (including CI's fresh one) shares it.
CCACHE_DIR=${AUTONUMA_CCACHE_DIR:-/var/cache/autonuma-ccache}
SRC_TARBALL=/usr/src/linux-source-6.1.tar.xz
PRISTINE=$BUILD/src/linux-source-6.1
TREE=$BUILD/linux
FLAVOURS="autonuma debug kasan lockstat none numa_balancing nothp"
JOBS=${JOBS:-$(nproc)}
# The one identity that authors and signs off every patch of the series.
IDENT_NAME="AutoNUMA Team"
IDENT_EMAIL="autonuma-dev@example.org"

export CCACHE_DIR
export CCACHE_BASEDIR=$BUILD
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
export CCACHE_NOHASHDIR=1
export CCACHE_SLOPPINESS=time_macros
# Reproducible version strings, so that a rebuild does not recompile
# init/version.c for nothing.
export KBUILD_BUILD_TIMESTAMP="2012-03-26 00:00:00"
export KBUILD_BUILD_USER=autonuma
export KBUILD_BUILD_HOST=harness

msg() {
	printf '%s: %s\n' "${0##*/}" "$*" >&2
}

die() {
	msg "error: $*"
	exit 1
}

# check_flavour NAME: fail unless NAME is a known kernel flavour.
check_flavour() {
	for f in $FLAVOURS; do
		[ "$1" = "$f" ] && return 0
	done
	die "unknown flavour '$1' (known: $FLAVOURS)"
}

# check_uint NAME VALUE MIN: fail unless VALUE is an integer >= MIN.
check_uint() {
	case $2 in
	''|*[!0-9]*) die "$1 must be a positive integer, not '$2'" ;;
	esac
	[ "$2" -ge "$3" ] || die "$1 must be at least $3, not $2"
}

# The exact base kernel version of the extracted tree, e.g. 6.1.192.
base_version() {
	awk '/^VERSION =/ { v = $3 } /^PATCHLEVEL =/ { p = $3 }
	     /^SUBLEVEL =/ { s = $3 } END { print v "." p "." s }' \
		"$PRISTINE/Makefile"
}

# Debian package version of linux-source-6.1, e.g. 6.1.192-2.
debian_version() {
	dpkg-query -W -f '${Version}' linux-source-6.1 2>/dev/null || echo unknown
}

# heavy_lock: hold the machine-wide lock for a kernel build or a guest,
# so that only one runs at a time on these two cores, whichever clone (or
# helper) starts it.  Held until the calling script exits.
heavy_lock() {
	[ -z "${AUTONUMA_HEAVY_LOCKED:-}" ] || return 0
	exec 9>>"${AUTONUMA_LOCK:-/tmp/autonuma-heavy.lock}"
	if ! flock -n 9; then
		msg "waiting for another kernel build or guest on this machine"
		flock 9
	fi
	export AUTONUMA_HEAVY_LOCKED=1
}

# pack_bin ROOT PROG...: copy each host program PROG (an absolute path)
# into the guest root ROOT at the same path, with the shared libraries
# ldd names for it, so that a dynamically linked program runs there.
pack_bin() {
	pb_root=$1
	shift
	for pb_prog in "$@"; do
		mkdir -p "$pb_root$(dirname "$pb_prog")"
		# not through a busybox link of the same name
		rm -f "$pb_root$pb_prog"
		cp -L "$pb_prog" "$pb_root$pb_prog"
		for pb_lib in $(ldd "$pb_prog" 2>/dev/null | sed -n 's|.* => \(/[^ ]*\) .*|\1|p; s|^[[:space:]]*\(/lib[^ ]*\) .*|\1|p'); do
			[ -f "$pb_root$pb_lib" ] && continue
			mkdir -p "$pb_root$(dirname "$pb_lib")"
			cp -L "$pb_lib" "$pb_root$pb_lib"
		done
	done
}

objdir() {
	echo "$BUILD/obj-$1"
}

# config_verify CONFIG LABEL FRAGMENT...: every option the fragments set
# (or unset) must be in CONFIG, the final .config; otherwise name each one
# that is not and return 1.  Kconfig drops an option whose dependencies
# are not met without a word, so a fragment is only a wish until checked.
# A later fragment overrides an earlier one, as in merge_config.sh, so
# only the last request for each option counts ("# CONFIG_X is not set"
# in nothp.config turns off what base.config turns on).
config_verify() {
	cv_config=$1 cv_label=$2
	shift 2
	cv_bad=0
	cv_requests=$(cat "$@" | sed -n 's/^\(CONFIG_[A-Za-z0-9_]*=.*\)/\1/p; s/^# \(CONFIG_[A-Za-z0-9_]*\) is not set/\1=n/p' |
		awk '{ opt = $0; sub(/=.*/, "", opt)
		       if (!(opt in req)) order[n++] = opt
		       req[opt] = $0 }
		     END { for (i = 0; i < n; i++) print req[order[i]] }')
	for cv_line in $cv_requests; do
		cv_opt=${cv_line%%=*}
		cv_want=${cv_line#*=}
		cv_got=$(sed -n "s/^$cv_opt=\\(.*\\)/\\1/p" "$cv_config")
		[ -n "$cv_got" ] || cv_got=n
		if [ "$cv_got" != "$cv_want" ]; then
			msg "error: $cv_label: $cv_opt=$cv_want requested, but the final .config has $cv_opt=$cv_got"
			cv_bad=1
		fi
	done
	[ "$cv_bad" = 0 ]
}

# The new files listed in ../series, one per line.
series_newfiles() {
	sed -n 's/^[[:space:]]\{1,\}\([^#[:space:]][^[:space:]]*\).*/\1/p' "$ROOT/series"
}

# A digest of everything the series is made of: series, the patches it
# names and the new files it lists.  The edit tree (harness/edit.sh)
# records it, so that a change made to them behind its back is noticed.
series_id() {
	(
		cd "$ROOT"
		cat series
		for p in $(sed -n 's/^\([^#[:space:]][^[:space:]]*\).*/\1/p' series); do
			echo "patches/$p"
			cat "patches/$p" 2>/dev/null || echo missing
		done
		for f in $(series_newfiles); do
			echo "$f $([ -x "$f" ] && echo x)"
			cat "$f" 2>/dev/null || echo missing
		done
	) | sha1sum | cut -d' ' -f1
}

# The edit tree's record of the series it last agreed with.
EDIT_STATE=$TREE/.git/autonuma-edit

