# model.awk: the seed's units from the traffic plugin's counts.  For every
# counted run, the cost of its memory traffic per MiB of work when a remote
# access costs R times a local one, and that cost as a percentage of hard
# bind's for the same shape, as the 2012 slides report run times.
#   awk -F, -v ratios="1.5 2.0" -f model.awk runs.csv traffic.csv >model.csv
#
#   cost_R = (local + R * remote) / work
# local, remote: every access of the marked run that hit a node's RAM, user
# and kernel (so the kernel's migration copies, scanning and fault handling
# count against the policy that made them); work: the MiB the benchmark's
# threads streamed in that time (rate_mbs x wall_s).  Under TCG a remote
# access costs what a local one does, so the time a run took says nothing
# about placement; cost_R is the run time of a fixed amount of work on a
# machine where memory accesses dominate and a remote one costs R.
# pct_hard_R = 100 x cost_R / the median cost_R of hard bind on the same
# topology, benchmark shape (a *_bad run's shape is the benchmark without
# "_bad") and kernel flavour, or any flavour when that one has no hard run.

function median(list,    n, a, i, j, x) {
	n = split(list, a, " ")
	if (!n)
		return ""
	for (i = 2; i <= n; i++) {
		x = a[i] + 0
		for (j = i - 1; j >= 1 && a[j] + 0 > x; j--)
			a[j + 1] = a[j]
		a[j + 1] = x
	}
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}

# get(FILE, NAME): the field of that column, "" when the file has none.
function get(f, name) {
	return ((f, name) in col) ? $col[f, name] : ""
}

FNR == 1 {
	file++
	for (i = 1; i <= NF; i++)
		col[file, $i] = i
	next
}

# runs.csv: the work of every run that worked
file == 1 && get(1, "status") == "ok" {
	k = $1 SUBSEP $2 SUBSEP $3 SUBSEP $4 SUBSEP $5
	work[k] = get(1, "rate_mbs") * get(1, "wall_s")
	next
}

file == 2 && get(2, "status") == "ok" {
	k = $1 SUBSEP $2 SUBSEP $3 SUBSEP $4 SUBSEP $5
	if (!(k in work) || work[k] <= 0)
		next
	n++
	key[n] = k
	row[n] = $1 "," $2 "," $3 "," $4 "," $5
	loc = get(2, "user_local") + get(2, "kernel_local")
	rem = get(2, "user_remote") + get(2, "kernel_remote")
	rpct[n] = get(2, "remote_pct")
	urpct[n] = get(2, "user_remote_pct")
	t90[n] = get(2, "t90_s")
	w[n] = work[k]
	shape = $4
	sub(/_bad$/, "", shape)
	sh[n] = $1 SUBSEP shape
	fl[n] = $2
	nr = split(ratios, R, " ")
	for (i = 1; i <= nr; i++) {
		cost[n, i] = (loc + R[i] * rem) / work[k]
		if ($3 == "hard") {
			hard_fl[$1, shape, $2, i] = hard_fl[$1, shape, $2, i] " " cost[n, i]
			hard_any[$1, shape, i] = hard_any[$1, shape, i] " " cost[n, i]
		}
	}
}

END {
	nr = split(ratios, R, " ")
	printf "topo,flavour,policy,bench,repeat,remote_pct,user_remote_pct,t90_traffic_s,work_mib"
	for (i = 1; i <= nr; i++)
		printf ",cost_r%s", R[i]
	for (i = 1; i <= nr; i++)
		printf ",pct_hard_r%s", R[i]
	print ""
	for (j = 1; j <= n; j++) {
		printf "%s,%s,%s,%s,%.1f", row[j], rpct[j], urpct[j], t90[j], w[j]
		for (i = 1; i <= nr; i++)
			printf ",%.4f", cost[j, i]
		for (i = 1; i <= nr; i++) {
			h = median(hard_fl[sh[j], fl[j], i])
			if (h == "")
				h = median(hard_any[sh[j], i])
			printf ",%s", (h > 0 ? sprintf("%.2f", 100 * cost[j, i] / h) : "")
		}
		print ""
	}
}
