#!/bin/sh
# edit.sh [--force]: turn the assembled tree $BUILD/linux into a git
# repository whose branch "series" is the pristine 6.1 tree (tag
# "pristine") plus one commit per entry of ../series, ready to edit,
# build, "git commit --fixup" and "git rebase -i pristine".  Its files are
# not rewritten, so the next build is incremental.  harness/export.sh
# writes the history back into patches/, series and the new files.
#
# While build/linux is an edit tree, the harness builds it as it is
# (harness/assemble.sh).  edit.sh refuses to replace commits or changes
# that were not exported, unless --force.
. "$(dirname -- "$0")/lib.sh"

force=
case ${1:-} in
'') ;;
--force) force=1 ;;
*) die "usage: edit.sh [--force]" ;;
esac

"$HARNESS/source.sh"

if [ -d "$TREE/.git" ]; then
	if [ -z "$force" ]; then
		head=$(sed -n 's/^head //p' "$EDIT_STATE" 2>/dev/null)
		[ "$(git -C "$TREE" rev-parse HEAD)" = "$head" ] ||
			die "$TREE has commits that were not exported: run 'make export', or 'make edit FORCE=1' to drop them"
		[ -z "$(git -C "$TREE" status --porcelain)" ] ||
			die "$TREE has uncommitted changes: commit and 'make export' them, or 'make edit FORCE=1' to drop them"
	fi
	# Start again from the repository's series.
	git -C "$TREE" reset -q --hard
	git -C "$TREE" clean -qfd
	rm -rf "$TREE/.git"
fi

"$HARNESS/assemble.sh"
git init -q "$TREE"
echo ".autonuma-files" >>"$TREE/.git/info/exclude"
head=$("$HARNESS/series-git.sh" "$TREE")
git -C "$TREE" symbolic-ref HEAD refs/heads/series
# Fill the index from the history; the files are already those of HEAD.
git -C "$TREE" reset -q
if [ -n "$(git -C "$TREE" status --porcelain)" ]; then
	git -C "$TREE" status --short | head -20 >&2
	die "the assembled tree differs from the series history (see above)"
fi
printf 'id %s\nhead %s\n' "$(series_id)" "$head" >"$EDIT_STATE"
n=$(git -C "$TREE" rev-list --count pristine..series)
msg "$TREE is a git repository: branch series, $n commits on tag pristine ($(base_version))"
msg "edit, commit (git commit --fixup=COMMIT; git rebase -i --autosquash pristine), 'make kernel', then 'make export'"
