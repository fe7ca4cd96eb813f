#!/bin/sh
# Export the series as numbered "git format-patch" mails with a cover
# letter against the pristine base, into $BUILD/patches/, and prove it by
# applying them with "git am" onto a fresh pristine tree and comparing the
# result with the assembled tree.
. "$(dirname -- "$0")/lib.sh"

G=$BUILD/patches.git
OUTDIR=$BUILD/patches
AM=$BUILD/patches-am
export GIT_AUTHOR_NAME="$IDENT_NAME" GIT_AUTHOR_EMAIL="$IDENT_EMAIL"
export GIT_COMMITTER_NAME="$IDENT_NAME" GIT_COMMITTER_EMAIL="$IDENT_EMAIL"
export GIT_AUTHOR_DATE="2026-11-25T00:00:00Z" GIT_COMMITTER_DATE="2026-11-25T00:00:00Z"

"$HARNESS/source.sh"
"$HARNESS/assemble.sh"

# Every kernel file of ours must belong to a commit.
newfiles=$(series_newfiles)
for f in $("$HARNESS/ownfiles.sh"); do
	echo "$newfiles" | grep -qxF "$f" ||
		die "$f is not listed in series: the exported series would miss it"
done

# The series as a git history (harness/series-git.sh), in a bare repository.
head=$("$HARNESS/series-git.sh" "$G")
base=$(git -C "$G" rev-parse pristine)

rm -rf "$OUTDIR"
n=$(git -C "$G" rev-list --count "$base..$head")
git -C "$G" format-patch -q --cover-letter --base="$base" -o "$OUTDIR" "$base..$head"
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
[ "$(git -C "$AM" rev-parse 'HEAD^{tree}')" = "$(git -C "$G" rev-parse "$head^{tree}")" ] ||
	die "git am of the mails does not reproduce the series history"
# The tree the harness builds from the patches is that history too (an
# edit tree is the developer's and may hold changes not yet exported).
if [ ! -d "$TREE/.git" ]; then
	for f in $(cat "$TREE/.autonuma-files"); do
		cmp -s "$AM/$f" "$TREE/$f" || die "git am result differs from the assembled tree in $f"
	done
fi
msg "exported $n patches and a cover letter to $OUTDIR; git am onto $(base_version) reproduces the tree"
