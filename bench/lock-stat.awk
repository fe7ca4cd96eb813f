# Markdown table rows from the console log of a bench/lock-stat-guest.sh
# boot: awk -v label=new -f bench/lock-stat.awk LOG
# One row per class of interest and per top-5 class, for each phase.

function kv(line, key,    a, n, i) {
	n = split(line, a, " ")
	for (i = 1; i <= n; i++)
		if (index(a[i], key "=") == 1)
			return substr(a[i], length(key) + 2)
	return ""
}

function row(ph, what, line) {
	printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", label, ph, procs[ph],
	       what, kv(line, "name"), kv(line, "contentions"),
	       kv(line, "wait_total_us"), kv(line, "acquisitions")
}

{ sub(/\r$/, "") }
/LS storm phase=/ { procs[kv($0, "phase")] = kv($0, "procs") }
/LS class phase=/ { row(kv($0, "phase"), "match", $0) }
/LS top phase=/ { row(kv($0, "phase"), "top " kv($0, "rank"), $0) }
/LS lockdep phase=/ { dl[kv($0, "phase")] = kv($0, "debug_locks") }
/LS classes phase=/ { nc[kv($0, "phase")] = kv($0, "n") }
/LS done rc=/ { done = kv($0, "rc") }
END {
	printf "| %s | off/on | | debug_locks %s/%s, classes listed %s/%s, guest rc %s | | | | |\n",
	       label, dl["off"], dl["on"], nc["off"], nc["on"], done == "" ? "no end" : done
}
