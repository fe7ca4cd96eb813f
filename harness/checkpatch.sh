#!/bin/sh
# Run the kernel's checkpatch.pl --strict on every patch of the series and
# on every kernel file this repository adds, the latter inside the
# assembled tree (run harness/assemble.sh first) so that checkpatch sees
# the documentation the series adds.
. "$(dirname -- "$0")/lib.sh"

cp=$PRISTINE/scripts/checkpatch.pl
[ -f "$cp" ] || die "no pristine tree: run harness/source.sh"
[ -f "$TREE/.autonuma-files" ] || die "no assembled tree: run harness/assemble.sh"
# New files outside MAINTAINERS' own patch: the entry comes with 0001.
ign=FILE_PATH_CHANGES
bad=0
for p in $(sed -n 's/^\([^#[:space:]][^[:space:]]*\).*/\1/p' "$ROOT/series"); do
	(cd "$PRISTINE" && perl "$cp" --strict --quiet --ignore "$ign" \
		"$ROOT/patches/$p") || { msg "checkpatch: patches/$p"; bad=1; }
done
for f in $("$HARNESS/ownfiles.sh"); do
	(cd "$TREE" && perl "$cp" --strict --quiet --ignore "$ign" -f "$f") ||
		{ msg "checkpatch: $f"; bad=1; }
done
[ "$bad" = 0 ] && msg "checkpatch --strict: clean"
exit $bad
