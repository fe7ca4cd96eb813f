#!/bin/sh
# Run the kernel's checkpatch.pl --strict on the series as maintainers see
# it: the mails "make patches" exports (harness/patches.sh), which carry our
# new files as well as the changes to 6.1's.
#
# checkpatch looks commit ids up in the git repository it runs in; the
# edit tree (make edit) is one and CI's tree is not.  GIT_DIR points
# nowhere so that both check the same way: the citation's form, not
# whether this tree has the upstream commit.
#
# One check is ignored: FILE_PATH_CHANGES ("does MAINTAINERS need
# updating?") for the patches that add files after the one that adds the
# MAINTAINERS entry covering all of them.
#
# And one check of ours: every mail is from, and signed off by, the
# project's one identity (IDENT_NAME and IDENT_EMAIL in lib.sh), with no
# other Signed-off-by line.
. "$(dirname -- "$0")/lib.sh"

cp=$PRISTINE/scripts/checkpatch.pl
mails=$BUILD/patches
[ -f "$cp" ] || die "no pristine tree: run harness/source.sh"
ls "$mails"/0001-*.patch >/dev/null 2>&1 || die "no exported series: run harness/patches.sh"
who="$IDENT_NAME <$IDENT_EMAIL>"
bad=0
for p in "$mails"/00[0-9][0-9]-*.patch; do
	case $p in
	*/0000-cover-letter.patch) continue ;;
	esac
	(cd "$TREE" && GIT_DIR=/nonexistent perl "$cp" --strict --quiet --ignore FILE_PATH_CHANGES "$p") ||
		{ msg "checkpatch: ${p##*/}"; bad=1; }
	# the From: header, with its folded continuation lines
	from=$(awk '/^$/ { exit } /^From: / { f = 1; v = substr($0, 7); next }
		f && /^[ \t]/ { sub(/^[ \t]+/, " "); v = v $0; next } { f = 0 }
		END { print v }' "$p")
	[ "$from" = "$who" ] ||
		{ msg "checkpatch: ${p##*/}: From: $from, not $who"; bad=1; }
	sob=$(sed -n 's/^Signed-off-by: //p' "$p")
	[ "$sob" = "$who" ] ||
		{ msg "checkpatch: ${p##*/}: Signed-off-by: $(echo $sob), not just $who"; bad=1; }
done
[ "$bad" = 0 ] && msg "checkpatch --strict: clean ($(ls "$mails" | grep -vc cover-letter) patches)"
exit $bad
