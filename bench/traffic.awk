# traffic.awk: join the traffic plugin's counts (harness/qemu.sh --traffic)
# with the runs of one benchmark boot, one CSV row per marked run, and
# write each run's remote share over time.
#   awk -v topo=2n -v flavour=none [-v dir=SERIES_DIR] -f traffic.awk TRAFFIC.tsv LOG
# The k-th "BENCH-TRAFFIC" line of the console log is the run that
# executed the k-th region marker (the runs of a boot are sequential).
# Shares are in % of the accesses that hit a node's RAM (io and RAM of no
# node, e.g. firmware, are counted apart).
#
# From the plugin's cumulative "series" lines inside a region (vCPU "all"):
#   dir/TOPO-BENCH-POLICY-rREP.dat  "t_s remote_pct user_remote_pct" per
#       interval (t: its end, seconds since the region opened; remote_pct
#       over user and kernel accesses)
#   t90_s   the end of the first interval from which the local share of
#       all accesses stays >= 90 % in every interval to the region's end
#       ("never" when the last interval is below 90 %)
#   step_ms the median time between two series lines; status "series_step"
#       when it is below half the plugin's interval (a sampler that does
#       not wait writes the file as fast as it can)

function pct(a, b) {
	return a + b > 0 ? sprintf("%.3f", 100 * a / (a + b)) : ""
}

FNR == 1 { file++ }

file == 1 && $1 == "layout" {
	interval = 1000		# the plugin's default, before it said
	for (i = 2; i <= NF; i++)
		if ($i ~ /^interval=/)
			interval = substr($i, 10) + 0
	next
}

file == 1 && $1 == "series" && $5 == "all" {
	ns++
	st[ns] = $3; sl[ns] = $7 + $11; sr[ns] = $8 + $12
	next
}

file == 1 && $1 == "region" && $5 == "all" {
	for (i = 7; i <= 14; i++)
		c[$2, i] = $i
	t0[$2] = $3; t1[$2] = $4
	secs[$2] = ($4 - $3) / 1000
	have[$2] = 1
	next
}

file == 1 { next }

{ sub(/\r$/, "") }

/^BENCH-RUN / {
	policy = bench = rep = ""
	for (i = 2; i <= NF; i++) {
		split($i, kv, "=")
		if (kv[1] == "policy") policy = kv[2]
		if (kv[1] == "bench") bench = kv[2]
		if (kv[1] == "repeat") rep = kv[2]
	}
	next
}

# series(K): the region's intervals; sets t90, step, sfile.
function series(k,    i, j, n, a, b, dl, dr, loc, x, steps, d, out, from) {
	t90 = "never"; step = ""; sfile = ""
	n = 0
	for (i = 1; i <= ns; i++)
		if (st[i] >= t0[k] && st[i] <= t1[k])
			idx[++n] = i
	if (n < 2)
		return
	if (dir != "") {
		sfile = topo "-" bench "-" policy "-r" rep ".dat"
		out = dir "/" sfile
		printf "" > out
	}
	from = 0
	for (j = 2; j <= n; j++) {
		a = idx[j - 1]; b = idx[j]
		d[j - 1] = st[b] - st[a]
		dl = sl[b] - sl[a]; dr = sr[b] - sr[a]
		if (dl + dr <= 0)
			continue
		loc = dl / (dl + dr)
		if (loc < 0.9)
			from = 0
		else if (!from)
			from = b
		if (dir != "")
			printf "%.3f %.3f\n", (st[b] - t0[k]) / 1000, 100 * dr / (dl + dr) > out
	}
	if (dir != "")
		close(out)
	if (from)
		t90 = sprintf("%.1f", (st[from] - t0[k]) / 1000)
	# median step (insertion sort of n - 1 values)
	steps = n - 1
	for (i = 2; i <= steps; i++) {
		x = d[i]
		for (j = i - 1; j >= 1 && d[j] > x; j--)
			d[j + 1] = d[j]
		d[j + 1] = x
	}
	step = d[int((steps + 1) / 2)]
}

/^BENCH-TRAFFIC / {
	k++
	if (!(k in have)) {
		print topo "," flavour "," policy "," bench "," rep "," k ",,,,,,,,,,,,,,noregion"
		next
	}
	ul = c[k, 7]; ur = c[k, 8]; kl = c[k, 11]; kr = c[k, 12]
	other = c[k, 9] + c[k, 13]; io = c[k, 10] + c[k, 14]
	series(k)
	status = "ok"
	if (interval > 0 && step != "" && step < interval / 2)
		status = "series_step"
	print topo "," flavour "," policy "," bench "," rep "," k "," secs[k] "," \
	      ul "," ur "," kl "," kr "," c[k, 9] "," other "," io "," \
	      pct(ur, ul) "," pct(ur + kr, ul + kl) "," t90 "," step "," \
	      (sfile != "" ? "traffic-series/" sfile : "") "," status
}
