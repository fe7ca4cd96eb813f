# One markdown table row from the console log of a bench/zero-cost-guest.sh
# boot: awk -v shape=2x2 -v cfg=off -f bench/zero-cost.awk LOG

function kv(line, key,    a, n, i) {
	n = split(line, a, " ")
	for (i = 1; i <= n; i++)
		if (index(a[i], key "=") == 1)
			return substr(a[i], length(key) + 2)
	return ""
}

# med(ARR, N): "median [min, max]" of ARR[1..N], sorted here.
function med(v, n,    i, j, t, m) {
	if (n == 0)
		return "–"
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
	m = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
	return n == 1 ? m : sprintf("%s [%s, %s]", m, v[1], v[n])
}

{ sub(/\r$/, "") }
/ZC guest / { enabled = kv($0, "enabled") }
/ZC dmesg .*page_ext/ { pe = pe (pe ? "; " : "") substr($0, index($0, "]") + 2) }
/ZC mem when=/ {
	w = kv($0, "when")
	memtotal[w] = kv($0, "MemTotal"); percpu[w] = kv($0, "Percpu")
	slab[w] = kv($0, "Slab"); sunr[w] = kv($0, "SUnreclaim")
}
/ZC slab when=.* name=(mm_struct|task_struct) / {
	objs[kv($0, "when"), kv($0, "name")] = kv($0, "active") "/" kv($0, "objs")
}
/ZC objsize name=/ { osz[kv($0, "name")] = kv($0, "object_size") }
/ZC slab when=.* name=kmalloc-all / { kmall[kv($0, "when")] = kv($0, "active_kb") }
/ZC slab when=.* name=[^ ]*autonuma/ { anc[kv($0, "when")] = anc[kv($0, "when")] kv($0, "name") ":" kv($0, "active") " " }
/ZC rate rep=/ { r[++nr] = kv($0, "procs_per_s"); rs[nr] = kv($0, "sys_s") }
/ZC heavy rep=/ { h[++nh] = kv($0, "procs_per_s"); hw[nh] = kv($0, "wall_s") }
/ZC done rc=/ { done = kv($0, "rc") }
END {
	last = nh ? "heavy" : "rate"
	printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s → %s | %s → %s | %s → %s | %s → %s | %s → %s | %s | %s | %s | %s | %s |\n",
	       shape, cfg, enabled, osz["task_struct"], osz["mm_struct"], memtotal["boot"], pe ? pe : "none",
	       percpu["boot"], slab["boot"], slab[last], sunr["boot"], sunr[last],
	       objs["boot", "mm_struct"], objs[last, "mm_struct"],
	       objs["boot", "task_struct"], objs[last, "task_struct"],
	       kmall["boot"], kmall[last],
	       med(r, nr), med(rs, nr), med(h, nh), med(hw, nh),
	       done == "" ? "no end" : done
}
