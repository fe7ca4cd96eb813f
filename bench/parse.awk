# parse.awk: turn the console log of one benchmark boot into CSV rows (one
# per run, on stdout) and one local-share series file per run.
#   awk -v topo=2n -v flavour=none -v dir=SERIES_DIR -f parse.awk LOG
# A run without "BENCH-END" (the guest hung or crashed) gets status=crash.

function kv(line,    i, n, f, p) {
	delete v
	n = split(line, f, " ")
	for (i = 2; i <= n; i++) {
		p = index(f[i], "=")
		if (p)
			v[substr(f[i], 1, p - 1)] = substr(f[i], p + 1)
	}
}

function val(k) {
	return (k in r) ? r[k] : ""
}

function emit(status,    i, n, out) {
	if (!inrun)
		return
	if (notyet)
		status = "notyet"
	else if (status == "" && !have)
		status = "fail"
	else if (status == "")
		status = val("status")
	close(series)
	out = topo "," flavour "," policy "," bench "," rep "," status
	n = split(COLS, c, " ")
	for (i = 1; i <= n; i++)
		out = out "," val(c[i])
	print out "," (nsamples ? "series/" substr(series, length(dir) + 2) : "")
	inrun = 0
}

BEGIN {
	COLS = "wall_s user_s sys_s setup_s rate_mbs procs_per_s " \
	       "final_local_pct t90_s migrated hint_faults hint_faults_local " \
	       "pte_updates knuma_ms autonuma_migrated samples enoent efault " \
	       "unknown_pct variant settled_scan_ps cpu_user_s cpu_sys_s " \
	       "cpu_irq_s cpu_busy_s knuma_pct ops_per_s start " \
	       "task_turns task_p50_us task_p99_us task_max_us " \
	       "task_cpu_p50_us task_cpu_p99_us task_cpu_max_us"
}

{ sub(/\r$/, "") }

/^BENCH-RUN / {
	emit("crash")
	kv($0)
	policy = v["policy"]; bench = v["bench"]; rep = v["repeat"]
	series = dir "/" topo "-" bench "-" policy "-r" rep ".dat"
	printf "" > series
	inrun = 1; have = 0; notyet = 0; nsamples = 0
	delete r
	next
}

inrun && /^BENCH-SAMPLE / && NF >= 4 && $3 ~ /^[0-9]+$/ {
	printf "%.3f %s\n", $3 / 1000, $4 > series
	nsamples++
	next
}

inrun && /^BENCH-RESULT / {
	kv($0)
	for (k in v)
		r[k] = v[k]
	have = 1
	next
}

inrun && /^BENCH-TASKWORK / {
	kv($0)
	for (k in v)
		r[k] = v[k]
	next
}

inrun && /^BENCH-NOTYET/ { notyet = 1; next }

inrun && /^BENCH-END / {
	kv($0)
	emit(v["rc"] == "0" ? "" : "fail")
	next
}

END { emit("crash") }
