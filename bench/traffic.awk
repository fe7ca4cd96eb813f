# traffic.awk: join the traffic plugin's counts (harness/qemu.sh --traffic)
# with the runs of one benchmark boot, one CSV row per marked run.
#   awk -v topo=2n -v flavour=none -f traffic.awk TRAFFIC.tsv LOG
# The k-th "BENCH-TRAFFIC" line of the console log is the run that
# executed the k-th region marker (the runs of a boot are sequential).
# Shares are in % of the accesses that hit a node's RAM (io and RAM of no
# node, e.g. firmware, are counted apart).

function pct(a, b) {
	return a + b > 0 ? sprintf("%.3f", 100 * a / (a + b)) : ""
}

FNR == 1 { file++ }

file == 1 && $1 == "region" && $5 == "all" {
	for (i = 7; i <= 14; i++)
		c[$2, i] = $i
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

/^BENCH-TRAFFIC / {
	k++
	if (!(k in have)) {
		print topo "," flavour "," policy "," bench "," rep "," k ",,,,,,,,,,,noregion"
		next
	}
	ul = c[k, 7]; ur = c[k, 8]; kl = c[k, 11]; kr = c[k, 12]
	other = c[k, 9] + c[k, 13]; io = c[k, 10] + c[k, 14]
	print topo "," flavour "," policy "," bench "," rep "," k "," secs[k] "," \
	      ul "," ur "," kl "," kr "," c[k, 9] "," other "," io "," \
	      pct(ur, ul) "," pct(ur + kr, ul + kl) ",ok"
}
