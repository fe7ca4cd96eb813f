#!/bin/sh
# export.sh: write the history of the edit tree $BUILD/linux (see
# harness/edit.sh) back into this repository: one patch in patches/ per
# commit after tag "pristine" (git format-patch, for the files 6.1 already
# has), the new files each commit adds (copied to their place here), and
# series listing both in order.  The same history always gives the same
# files, so an export with nothing changed changes nothing.
. "$(dirname -- "$0")/lib.sh"

[ $# = 0 ] || die "usage: export.sh"
[ -d "$TREE/.git" ] || die "$TREE is not an edit tree: run 'make edit' first"
g() {
	git -C "$TREE" "$@"
}

[ -z "$(g status --porcelain)" ] ||
	die "$TREE has uncommitted changes: commit them first (git commit, or git commit --fixup=COMMIT and git rebase -i --autosquash pristine)"
[ "$(sed -n 's/^id //p' "$EDIT_STATE" 2>/dev/null)" = "$(series_id)" ] ||
	die "patches/, series or a new file in $ROOT changed since 'make edit': exporting would overwrite that change (commit or drop it, then 'make edit FORCE=1')"
g rev-parse -q --verify pristine >/dev/null || die "$TREE has no tag pristine"
[ -z "$(g rev-list --merges pristine..HEAD)" ] || die "the series history has merges: make it linear (git rebase pristine)"
commits=$(g rev-list --reverse pristine..HEAD)
[ -n "$commits" ] || die "no commits after tag pristine"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/patches"
: >"$tmp/newfiles"
: >"$tmp/entries"
i=0
for c in $commits; do
	i=$((i + 1))
	what="commit $(g log -1 --format='%h ("%s")' "$c")"
	: >"$tmp/old"
	: >"$tmp/added"
	g diff-tree --no-commit-id -r --no-renames --name-status "$c^" "$c" >"$tmp/changes"
	while IFS="$(printf '\t')" read -r st path; do
		if g cat-file -e "pristine:$path" 2>/dev/null; then
			echo "$path" >>"$tmp/old"
		elif grep -qxF "$path" "$tmp/newfiles"; then
			die "$what changes $path, a new file of an earlier commit: squash it into that commit (git rebase -i --autosquash pristine)"
		elif [ "$st" = A ]; then
			echo "$path" >>"$tmp/added"
		else
			die "$what: unexpected change $st of $path"
		fi
	done <"$tmp/changes"
	[ -s "$tmp/old" ] || die "$what changes no file of 6.1: a series entry needs a patch (fold its new files into the commit that uses them)"
	# shellcheck disable=SC2046
	p=$(g -c core.abbrev=12 format-patch -1 --zero-commit --no-signature --filename-max-length=100 --start-number="$i" \
		-o "$tmp/patches" "$c" -- $(cat "$tmp/old"))
	p=${p##*/}
	echo "$p" >>"$tmp/entries"
	for f in $(sort "$tmp/added"); do
		printf '\t%s\n' "$f" >>"$tmp/entries"
		echo "$f" >>"$tmp/newfiles"
	done
done

# Write it all back: patches, the new files (as in HEAD), series.
old_new=$(series_newfiles)
rm -f "$ROOT"/patches/*.patch
cp "$tmp"/patches/*.patch "$ROOT/patches/"
for f in $old_new; do
	grep -qxF "$f" "$tmp/newfiles" || rm -f "$ROOT/$f"
done
for f in $(cat "$tmp/newfiles"); do
	mkdir -p "$ROOT/$(dirname "$f")"
	g show "HEAD:$f" >"$ROOT/$f"
	if [ "$(g ls-tree HEAD -- "$f" | cut -c1-6)" = 100755 ]; then
		chmod +x "$ROOT/$f"
	else
		chmod -x "$ROOT/$f"
	fi
done
{
	sed -n '/^#/p; /^#/!q' "$ROOT/series"
	echo
	cat "$tmp/entries"
} >"$tmp/series"
mv "$tmp/series" "$ROOT/series"
printf 'id %s\nhead %s\n' "$(series_id)" "$(g rev-parse HEAD)" >"$EDIT_STATE"
msg "exported $i commits to $ROOT/patches and series; 'git -C $ROOT status' shows what changed"
