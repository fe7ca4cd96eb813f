#!/usr/bin/awk -f
# Count the results in a guest console log: KTAP from KUnit (printed by the
# kernel, behind printk timestamps and indentation) and TAP from
# run_kselftest.sh (nested results behind "# ").
#
# Only leaves count: a result line followed, in the order printed, by a
# shallower one is a leaf's parent and is not counted again, except a
# failed parent whose children all passed (a test program that crashed or
# exited non-zero after its last result), which counts as one failure.
#
# Prints one line per failure ("FAIL <name>"), followed by the last
# DIAG_MAX lines the log printed since the result before it ("DIAG <line>":
# a test's own diagnostics, so that a failure seen only in a CI log can
# be told apart from another), one per kselftest program
# that skipped as a whole ("SKIPPED <name>": its exit status was
# KSFT_SKIP, whatever it printed before; check.sh decides where that is a
# failure) and a last line "RESULTS pass skip fail".

BEGIN {
	DIAG_MAX = 30
}

function depth_of(s,    d) {
	d = 0
	for (;;) {
		if (substr(s, 1, 2) == "# ") { s = substr(s, 3); d++; continue }
		if (substr(s, 1, 4) == "    ") { s = substr(s, 5); d++; continue }
		break
	}
	rest = s
	return d
}

{
	line = $0
	sub(/\r$/, "", line)
	sub(/^\[ *[0-9]+\.[0-9]+\] /, "", line)
	d = depth_of(line)
	if (rest !~ /^(not ok|ok) [0-9]+/) {
		diag[ndiag % DIAG_MAX] = line
		ndiag++
		next
	}
	ok = (rest ~ /^ok /)
	skip = (rest ~ /# *(SKIP|skip)/)
	name = rest
	sub(/^(not ok|ok) [0-9]+ (- )?/, "", name)
	if (d == 0 && skip && name ~ /^selftests: /) {
		whole = name
		sub(/ *#.*/, "", whole)
		print "SKIPPED " whole
	}
	if (n > 0 && lastdepth > d) {
		# a parent: its children were counted already
		if (!ok && !skip && !childfail[d + 1]) {
			fail++
			print "FAIL " name " (exited with failure)"
		}
		childfail[d + 1] = 0
	} else if (skip) {
		skipped++
	} else if (ok) {
		pass++
	} else {
		fail++
		print "FAIL " name
		i = ndiag > DIAG_MAX ? ndiag - DIAG_MAX : 0
		for (; i < ndiag; i++)
			print "DIAG " diag[i % DIAG_MAX]
	}
	ndiag = 0
	if (!ok && !skip)
		childfail[d] = 1
	lastdepth = d
	n++
}

END {
	printf "RESULTS %d %d %d\n", pass, skipped, fail
}
