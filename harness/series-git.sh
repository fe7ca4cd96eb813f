#!/bin/sh
# series-git.sh GITDIR: make the series a git history in GITDIR (a new or
# existing repository, bare or not) and print its last commit.
#
# The history is the pristine 6.1 tree (one commit, kept in the shared
# object store $BUILD/pristine.git and reached through git's alternates,
# so that it is made once) plus one commit per entry of ../series: the
# patch, the new files the entry lists, and the author, date and message
# of the patch mail.  No work tree is touched: the commits are built in a
# temporary index.  The branch "series" points at the last commit and the
# tag "pristine" at the base.  The same patches give the same commits.
. "$(dirname -- "$0")/lib.sh"

[ $# = 1 ] || die "usage: series-git.sh GITDIR"
gd=$1
PG=$BUILD/pristine.git
SERIES=$ROOT/series
FIXED_DATE="2026-11-25T00:00:00Z"

[ -f "$PRISTINE/Makefile" ] || die "no pristine tree: run harness/source.sh"

# The pristine tree as one commit, once per Debian version of the source.
pristine_commit() {
	want="$(debian_version) $(base_version)"
	if [ -f "$PG/autonuma-base" ] && [ "$(sed -n 1p "$PG/autonuma-base")" = "$want" ]; then
		sed -n 2p "$PG/autonuma-base"
		return 0
	fi
	msg "making a git commit of the pristine $(base_version) tree (once)"
	rm -rf "$PG"
	git init -q --bare "$PG"
	GIT_DIR=$PG GIT_WORK_TREE=$PRISTINE GIT_INDEX_FILE=$PG/index.tmp \
		git add -f -A
	t=$(GIT_DIR=$PG GIT_INDEX_FILE=$PG/index.tmp git write-tree)
	rm -f "$PG/index.tmp"
	c=$(echo "Linux $(base_version) (Debian linux-source-6.1 $(debian_version))" |
		GIT_DIR=$PG git commit-tree "$t")
	printf '%s\n%s\n' "$want" "$c" >"$PG/autonuma-base"
	echo "$c"
}

export GIT_AUTHOR_NAME="$IDENT_NAME" GIT_AUTHOR_EMAIL="$IDENT_EMAIL"
export GIT_COMMITTER_NAME="$IDENT_NAME" GIT_COMMITTER_EMAIL="$IDENT_EMAIL"
export GIT_AUTHOR_DATE=$FIXED_DATE GIT_COMMITTER_DATE=$FIXED_DATE

base=$(pristine_commit)
[ -e "$gd" ] || git init -q --bare "$gd"
GIT_DIR=$(git -C "$gd" rev-parse --absolute-git-dir 2>/dev/null) ||
	GIT_DIR=$(cd "$gd" && pwd)
export GIT_DIR
alt=$GIT_DIR/objects/info/alternates
grep -qxF "$PG/objects" "$alt" 2>/dev/null || echo "$PG/objects" >>"$alt"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export GIT_INDEX_FILE=$tmp/index
git read-tree "$base"

parent=$base
# commit_entry PATCH NEWFILES...: one commit on top of $parent.
commit_entry() {
	p=$1
	shift
	pf=$ROOT/patches/$p
	[ -f "$pf" ] || die "series names patches/$p, which does not exist"
	git apply --cached "$pf" 2>"$tmp/err" || {
		cat "$tmp/err" >&2
		die "patches/$p does not apply with git apply"
	}
	for f in "$@"; do
		[ -f "$ROOT/$f" ] || die "series: new file $f does not exist"
		mode=100644
		[ -x "$ROOT/$f" ] && mode=100755
		blob=$(git hash-object -w "$ROOT/$f")
		git update-index --add --cacheinfo "$mode,$blob,$f"
	done
	git mailinfo "$tmp/msg" "$tmp/patch" <"$pf" >"$tmp/info"
	subject=$(sed -n 's/^Subject: //p' "$tmp/info")
	[ -n "$subject" ] || die "patches/$p has no Subject"
	date=$(sed -n 's/^Date: //p' "$tmp/info")
	name=$(sed -n 's/^Author: //p' "$tmp/info")
	email=$(sed -n 's/^Email: //p' "$tmp/info")
	tree=$(git write-tree)
	parent=$({ printf '%s\n\n' "$subject"; cat "$tmp/msg"; } |
		GIT_AUTHOR_NAME=${name:-$GIT_AUTHOR_NAME} \
		GIT_AUTHOR_EMAIL=${email:-$GIT_AUTHOR_EMAIL} \
		GIT_AUTHOR_DATE=${date:-$FIXED_DATE} \
		git commit-tree "$tree" -p "$parent")
}

cur=
files=
while IFS= read -r line; do
	case $line in
	''|'#'*) continue ;;
	[[:space:]]*)
		[ -n "$cur" ] || die "series: new file before any patch: $line"
		files="$files $(echo "$line" | sed 's/^[[:space:]]*//; s/[[:space:]].*//')" ;;
	*)
		# shellcheck disable=SC2086
		[ -z "$cur" ] || commit_entry "$cur" $files
		cur=${line%%[[:space:]]*}
		files= ;;
	esac
done <"$SERIES"
[ -n "$cur" ] || die "series lists no patch"
# shellcheck disable=SC2086
commit_entry "$cur" $files

git update-ref refs/heads/series "$parent"
git update-ref refs/tags/pristine "$base"
echo "$parent"
