#!/bin/sh
# Assemble the patched kernel tree $BUILD/linux: the pristine 6.1 tree, our
# new files laid over it, and the patches of ../series applied with no fuzz.
#
# Only files whose content changes are rewritten, so an edit to one of our
# files costs an incremental build, not a full one.  The set of files we
# own is recorded in $TREE/.autonuma-files; a file that leaves it is
# restored from the pristine tree.
. "$(dirname -- "$0")/lib.sh"

SERIES=$ROOT/series
STAGE=$BUILD/stage
MANIFEST=$TREE/.autonuma-files

[ -f "$PRISTINE/Makefile" ] || die "no pristine tree: run harness/source.sh"
[ -f "$SERIES" ] || die "$SERIES missing"

# An edit tree (harness/edit.sh) is the developer's: build it as it is.
if [ -d "$TREE/.git" ]; then
	if [ "$(sed -n 's/^id //p' "$EDIT_STATE" 2>/dev/null)" != "$(series_id)" ]; then
		# Nothing in it that was not exported: make it afresh.
		if [ "$(git -C "$TREE" rev-parse HEAD)" = "$(sed -n 's/^head //p' "$EDIT_STATE" 2>/dev/null)" ] &&
		   [ -z "$(git -C "$TREE" status --porcelain)" ]; then
			msg "the series here changed: making the edit tree $TREE afresh"
			exec "$HARNESS/edit.sh" --force
		fi
		die "$TREE is an edit tree with changes not exported, and the series here changed too: 'make export' to keep the tree's changes (after committing or dropping those here), or 'make edit FORCE=1' to drop them"
	fi
	msg "$TREE is an edit tree: building it as it is ('make export' writes it back)"
	exit 0
fi

if [ ! -f "$TREE/Makefile" ]; then
	msg "copying the pristine tree to $TREE"
	rm -rf "$TREE"
	cp -a "$PRISTINE" "$TREE"
fi

rm -rf "$STAGE"
mkdir -p "$STAGE"

# series: patch names, each followed by the indented new files its commit adds.
patches=$(sed -n 's/^\([^#[:space:]][^[:space:]]*\).*/\1/p' "$SERIES")
newfiles=$(sed -n 's/^[[:space:]]\{1,\}\([^#[:space:]][^[:space:]]*\).*/\1/p' "$SERIES")

for f in $newfiles; do
	[ -f "$ROOT/$f" ] || die "series: new file $f does not exist"
	[ -e "$PRISTINE/$f" ] && die "series: $f is listed as new but exists in 6.1"
	mkdir -p "$STAGE/$(dirname "$f")"
	cp "$ROOT/$f" "$STAGE/$f"
done

# A kernel file of ours that series does not list is not built; say so
# (harness/patches.sh refuses to export such an incomplete series).
for f in $("$HARNESS/ownfiles.sh"); do
	echo "$newfiles" | grep -qxF "$f" ||
		msg "warning: $f is not listed in series, so it is not in the tree"
done

for p in $patches; do
	pf=$ROOT/patches/$p
	[ -f "$pf" ] || die "series names patches/$p, which does not exist"
	for f in $(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$pf"); do
		[ -f "$STAGE/$f" ] && continue
		[ -f "$PRISTINE/$f" ] || continue
		mkdir -p "$STAGE/$(dirname "$f")"
		cp "$PRISTINE/$f" "$STAGE/$f"
	done
	if ! out=$(patch -d "$STAGE" -p1 -F0 -N --dry-run --no-backup-if-mismatch <"$pf" 2>&1); then
		msg "error: patches/$p does not apply (no fuzz allowed):"
		echo "$out" | awk -v p="patches/$p" '
			/^checking file / { file = $3 }
			/^Hunk #[0-9]+ FAILED/ { print "  " p ": " file ": " $0; n++ }
			/can.t find file|No file to patch|Reversed/ { print "  " p ": " $0; n++ }
			END { if (!n) print "  " p ": patch output follows" }' >&2
		echo "$out" | grep -qE '^Hunk #[0-9]+ FAILED' || echo "$out" >&2
		exit 1
	fi
	patch -d "$STAGE" -p1 -F0 -N -s --no-backup-if-mismatch <"$pf" >/dev/null ||
		die "patches/$p failed to apply"
done

# Sync the stage into the tree, touching only what changed.
changed=0
(cd "$STAGE" && find . -type f | sed 's|^\./||' | sort) >"$STAGE.list"
while read -r f; do
	if ! cmp -s "$STAGE/$f" "$TREE/$f"; then
		mkdir -p "$TREE/$(dirname "$f")"
		rm -f "$TREE/$f"
		cp "$STAGE/$f" "$TREE/$f"
		changed=$((changed + 1))
	fi
done <"$STAGE.list"

if [ -f "$MANIFEST" ]; then
	for f in $(comm -23 "$MANIFEST" "$STAGE.list"); do
		rm -f "$TREE/$f"
		[ -f "$PRISTINE/$f" ] && cp "$PRISTINE/$f" "$TREE/$f"
		changed=$((changed + 1))
	done
fi
mv "$STAGE.list" "$MANIFEST"
msg "tree ready: $(echo "$patches" | wc -w) patches on $(base_version), $changed files updated"
