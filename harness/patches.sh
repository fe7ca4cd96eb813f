#!/bin/sh
# Export the series as numbered "git format-patch" mails with a cover
# letter against the pristine base, into $BUILD/patches/, and prove it by
# applying them with "git am" onto a fresh pristine tree and comparing the
# result with the assembled tree.
. "$(dirname -- "$0")/lib.sh"

G=$BUILD/patches-git
OUTDIR=$BUILD/patches
AM=$BUILD/patches-am
IDENT="AutoNUMA Team"
EMAIL="autonuma-dev@example.org"
export GIT_AUTHOR_NAME="$IDENT" GIT_AUTHOR_EMAIL="$EMAIL"
export GIT_COMMITTER_NAME="$IDENT" GIT_COMMITTER_EMAIL="$EMAIL"
export GIT_AUTHOR_DATE="2026-11-25T00:00:00Z" GIT_COMMITTER_DATE="2026-11-25T00:00:00Z"

"$HARNESS/source.sh"
"$HARNESS/assemble.sh"

# Every kernel file of ours must belong to a commit.
newfiles=$(sed -n 's/^[[:space:]]\{1,\}\([^#[:space:]][^[:space:]]*\).*/\1/p' "$ROOT/series")
for f in $("$HARNESS/ownfiles.sh"); do
	echo "$newfiles" | grep -qxF "$f" ||
		die "$f is not listed in series: the exported series would miss it"
done

# A git repository of the pristine base, made once and reset each time.
base_commit() {
	git -C "$1" rev-list --max-parents=0 HEAD
}
if [ ! -d "$G/.git" ]; then
	msg "making a git repository of the pristine $(base_version) tree (once)"
	rm -rf "$G"
	cp -a "$PRISTINE" "$G"
	git -C "$G" init -q
	git -C "$G" add -f -A
	git -C "$G" commit -q -m "Linux $(base_version) (Debian linux-source-6.1 $(debian_version))"
fi
base=$(base_commit "$G")
git -C "$G" checkout -q -B series "$base"
git -C "$G" reset -q --hard "$base"
git -C "$G" clean -qfdx

# One commit per series entry: the patch, plus the new files it adds, with
# the patch's own subject and message.
cur=
flush() {
	[ -n "$cur" ] || return 0
	pf=$ROOT/patches/$cur
	(cd "$G" && git apply --index "$pf") || die "patches/$cur does not apply with git apply"
	for f in $files; do
		mkdir -p "$G/$(dirname "$f")"
		cp "$ROOT/$f" "$G/$f"
		git -C "$G" add -f "$f"
	done
	subject=$(sed -n 's/^Subject: \[PATCH[^]]*\] //p' "$pf" | head -1)
	body=$(awk 'NR > 1 && /^$/ && !b { b = 1; next } b && /^---$/ { exit } b' "$pf")
	printf '%s\n\n%s\n' "$subject" "$body" | git -C "$G" commit -q -F - ||
		die "commit for $cur failed"
}
files=
while read -r line; do
	case $line in
	''|'#'*) continue ;;
	esac
	if grep -qx "$line" "$ROOT/series"; then
		flush
		cur=$line
		files=
	else
		files="$files $line"
	fi
done <"$ROOT/series"
flush

rm -rf "$OUTDIR"
n=$(git -C "$G" rev-list --count "$base"..HEAD)
git -C "$G" format-patch -q --cover-letter --base="$base" -o "$OUTDIR" "$base"..HEAD
cover=$(ls "$OUTDIR"/0000-cover-letter.patch)
python3 - "$cover" "$ROOT/harness/cover-letter.txt" <<'PY'
import sys
cover, blurb = sys.argv[1], open(sys.argv[2]).read()
s = open(cover).read()
s = s.replace("*** SUBJECT HERE ***", blurb.splitlines()[0], 1)
s = s.replace("*** BLURB HERE ***", "\n".join(blurb.splitlines()[2:]), 1)
open(cover, "w").write(s)
PY

# Prove the mails: git am onto a fresh pristine checkout, compare with ours.
git -C "$G" worktree remove --force "$AM" 2>/dev/null || rm -rf "$AM"
git -C "$G" worktree prune
git -C "$G" worktree add -q --detach "$AM" "$base"
ls "$OUTDIR"/*.patch | grep -v 0000-cover-letter | xargs git -C "$AM" am -q ||
	die "git am of the exported series failed"
for f in $(cat "$TREE/.autonuma-files"); do
	cmp -s "$AM/$f" "$TREE/$f" || die "git am result differs from the assembled tree in $f"
done
msg "exported $n patches and a cover letter to $OUTDIR; git am onto $(base_version) reproduces the tree"
