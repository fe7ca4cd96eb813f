// SPDX-License-Identifier: GPL-2.0
/*
 * numa01, numa02, overcommit and numa-memhog: threads streaming over
 * memory (memset, like the 2012 benchmarks' bzero loops) while they sample
 * where that memory is.  One source, built once per program name
 * (-DBENCH_PROG="numa01" and so on):
 *
 *   numa01       2 processes x (CPUs/2) threads; every thread of a process
 *                streams over the whole of its process's buffer.
 *                --thread-alloc: each thread streams over its own slice,
 *                allocated and first touched by itself (THREAD_ALLOC).
 *                --force-same-node: all memory first placed on the first
 *                node, then the policy dropped (NO_BIND_FORCE_SAME_NODE).
 *   numa02       1 process, one thread per CPU, each streaming over its own
 *                slice of one buffer the main thread touched first.
 *                --smt: half the threads.
 *   overcommit   numa01 --force-same-node and numa02 at once (2 x CPUs).
 *   numa-memhog  1 thread, fixed work: memset a buffer N times (like
 *                numactl's "memhog -rN SIZE").
 *
 * The launcher forks the benchmark's processes, releases all threads at
 * once, prints the aggregated local share every sampling period and, at the
 * end, one BENCH-RESULT line with the times and counter deltas.
 */
#include "common.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef BENCH_PROG
#define BENCH_PROG "numa01"
#endif

#define MAX_PROCS	8
#define CHUNK		HPAGE_SZ	/* memset unit between checks */

/* One process of a benchmark. */
struct proc_spec {
	const char *part;	/* "numa01", "numa02" or "memhog" */
	int nthreads;
	size_t len;		/* its memory, all threads together */
	int shared;		/* every thread streams over all of it */
	int thread_alloc;	/* each thread allocates its own slice */
	int same_node;		/* first touch bound to the first node */
	long gbase, gtotal;	/* its threads among the part's (home nodes) */
	int first_slot;
};

/* What the launcher and every process share. */
struct shared {
	int ready;		/* threads and processes ready to go */
	int go, stop;
	uint64_t t0;
	struct {
		double user, sys;
	} usage[MAX_PROCS];
	struct slot slots[];
};

struct worker {
	const struct proc_spec *ps;
	int t;			/* thread index in its process */
	char *buf;		/* the process's buffer, NULL if thread_alloc */
	pthread_t tid;
};

static struct common_opts opt;
/* How the memory is placed and the threads bound until the start. */
static enum bind setup_bind;
static struct shared *sh;
static struct proc_spec specs[MAX_PROCS];
static int nr_specs, nr_slots;

static int home_of(const struct proc_spec *ps, int t)
{
	return home_node(ps->gbase + t, ps->gtotal);
}

/* Node a thread runs on under --bind, or -1. */
static int run_node_of(const struct proc_spec *ps, int t)
{
	int home = home_of(ps, t);

	if (setup_bind == BIND_HARD || setup_bind == BIND_INTERLEAVE)
		return home;
	if (setup_bind == BIND_INVERSE)
		return far_node(home);
	return -1;
}

/* Slice @t of a region of @len split in @n, huge page aligned. */
static void slice(size_t len, int n, int t, size_t *off, size_t *sz)
{
	size_t each = len / n & ~(HPAGE_SZ - 1);

	if (!each)
		each = len / n & ~(PAGE_SZ - 1);
	*off = each * t;
	*sz = t == n - 1 ? len - *off : each;
}

static void wait_go(void)
{
	while (!__atomic_load_n(&sh->go, __ATOMIC_ACQUIRE))
		usleep(1000);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	const struct proc_spec *ps = w->ps;
	struct slot *sl = &sh->slots[ps->first_slot + w->t];
	int node = run_node_of(ps, w->t), home = home_of(ps, w->t);
	size_t off, sz, pos, len;
	struct sampler smp;
	uint64_t passes = 0, t;
	char *region;

	if (node >= 0)
		bind_cpus_to_node(node);
	slice(ps->len, ps->nthreads, w->t, &off, &sz);
	if (ps->thread_alloc) {
		region = alloc_aligned(sz);
		if (setup_bind != BIND_NONE)
			bind_memory_as(region, sz, home, setup_bind);
		else if (ps->same_node)
			set_task_membind(topo.node[0]);
		memset(region, 1, sz);
		if (ps->same_node && setup_bind == BIND_NONE)
			set_task_default_policy();
		len = sz;
	} else if (ps->shared) {
		region = w->buf;
		len = ps->len;
	} else {
		region = w->buf + off;
		len = sz;
	}
	__atomic_add_fetch(&sh->ready, 1, __ATOMIC_ACQ_REL);
	wait_go();
	if (opt.bad_start) {
		/* Released: from here on placement is the kernel's to fix. */
		unbind_cpus();
		if (ps->thread_alloc)
			unbind_memory(region, len);
	}

	/* Stagger the samplers of all threads over one period. */
	t = now_ns();
	sampler_init(&smp, region, len, opt.sample_pages, opt.sample_ms,
		     t + opt.sample_ms * 1000000ULL * (ps->first_slot + w->t + 1) /
			     nr_slots,
		     0x9e3779b9u * (ps->first_slot + w->t + 1));
	/* Threads sharing a buffer start at different places in it. */
	pos = ps->shared ? (off & ~(CHUNK - 1)) % len : 0;
	while (!__atomic_load_n(&sh->stop, __ATOMIC_RELAXED)) {
		size_t n = len - pos < CHUNK ? len - pos : CHUNK;
		struct counts c;
		uint64_t took;

		memset(region + pos, (int)passes, n);
		sl->bytes += n;
		pos += n;
		if (pos == len) {
			pos = 0;
			if (opt.passes && ++passes >= (uint64_t)opt.passes)
				break;
		}
		t = now_ns();
		if (sampler_due(&smp, t)) {
			sampler_take(&smp, &c, &took);
			slot_publish(sl, &c, t);
			sl->samples++;
			sl->sample_ns += took;
			sl->enoent += c.enoent;
			sl->efault += c.efault;
			if (took > 50000000ULL)
				sl->slow++;
		}
	}
	sl->end_ns = now_ns();
	return NULL;
}

static int proc_main(int p)
{
	const struct proc_spec *ps = &specs[p];
	struct worker *w = calloc(ps->nthreads, sizeof(*w));
	struct rusage r0, r1;
	char *buf = NULL;
	int t;

	if (!w)
		die("out of memory");
	if (!ps->thread_alloc) {
		buf = alloc_aligned(ps->len);
		if (setup_bind != BIND_NONE) {
			/* Each thread's share of the buffer on its home node. */
			for (t = 0; t < ps->nthreads; t++) {
				size_t off, sz;

				slice(ps->len, ps->nthreads, t, &off, &sz);
				bind_memory_as(buf + off, sz, home_of(ps, t),
					       setup_bind);
			}
		} else if (ps->same_node) {
			set_task_membind(topo.node[0]);
		}
		memset(buf, 1, ps->len);
		if (ps->same_node && setup_bind == BIND_NONE)
			set_task_default_policy();
	}
	for (t = 0; t < ps->nthreads; t++) {
		w[t].ps = ps;
		w[t].t = t;
		w[t].buf = buf;
		errno = pthread_create(&w[t].tid, NULL, worker_main, &w[t]);
		if (errno)
			die("pthread_create: %s", strerror(errno));
	}
	__atomic_add_fetch(&sh->ready, 1, __ATOMIC_ACQ_REL);
	wait_go();
	if (opt.bad_start && buf)
		unbind_memory(buf, ps->len);
	getrusage(RUSAGE_SELF, &r0);
	for (t = 0; t < ps->nthreads; t++)
		pthread_join(w[t].tid, NULL);
	getrusage(RUSAGE_SELF, &r1);
	sh->usage[p].user = tv_sec(&r1.ru_utime) - tv_sec(&r0.ru_utime);
	sh->usage[p].sys = tv_sec(&r1.ru_stime) - tv_sec(&r0.ru_stime);
	return 0;
}

static void add_spec(const char *part, int nthreads, size_t len, int shared,
		     int thread_alloc, int same_node, long gbase, long gtotal)
{
	struct proc_spec *ps = &specs[nr_specs++];

	ps->part = part;
	ps->nthreads = nthreads;
	ps->len = len;
	ps->shared = shared;
	ps->thread_alloc = thread_alloc;
	ps->same_node = same_node;
	ps->gbase = gbase;
	ps->gtotal = gtotal;
	ps->first_slot = nr_slots;
	nr_slots += nthreads;
}

static size_t mib(long mb)
{
	return (size_t)mb << 20;
}

/* numa01: 2 processes, each with a buffer of half the total. */
static void plan_numa01(long tpp, long mb, int thread_alloc, int same_node)
{
	int p;

	for (p = 0; p < 2; p++)
		add_spec("numa01", tpp, mib(mb) / 2, !thread_alloc,
			 thread_alloc, same_node, p * tpp, 2 * tpp);
}

static void plan_numa02(long threads, long mb)
{
	add_spec("numa02", threads, mib(mb), 0, 0, 0, 0, threads);
}

/* MiB each node must hold before the run starts. */
static void check_memory(void)
{
	long need[MAX_NODES] = { 0 }, total = 0;
	int p, t;

	for (p = 0; p < nr_specs; p++) {
		const struct proc_spec *ps = &specs[p];

		total += ps->len >> 20;
		if (setup_bind == BIND_INTERLEAVE) {
			for (t = 0; t < topo.nr_nodes; t++)
				need[t] += (ps->len >> 20) / topo.nr_nodes + 1;
		} else if (setup_bind != BIND_NONE) {
			for (t = 0; t < ps->nthreads; t++) {
				size_t off, sz;

				slice(ps->len, ps->nthreads, t, &off, &sz);
				need[topo_index(home_of(ps, t))] += sz >> 20;
			}
		} else if (ps->same_node) {
			need[0] += ps->len >> 20;
		}
	}
	check_fits(need, total);
}

static void usage(void)
{
	printf("usage: %s [options]\n", prog);
	if (!strcmp(prog, "numa01"))
		printf("  2 processes x (CPUs/2) threads (--threads: per process),\n"
		       "  half a node's memory in all (--mb), 20 s (--seconds)\n"
		       "  --thread-alloc      each thread streams over its own slice\n"
		       "  --force-same-node   memory first placed on the first node\n");
	else if (!strcmp(prog, "numa02"))
		printf("  1 process, one thread per CPU (--threads), half a node's\n"
		       "  memory (--mb), 20 s (--seconds)\n"
		       "  --smt               half the threads\n");
	else if (!strcmp(prog, "overcommit"))
		printf("  numa01 --force-same-node and numa02 at once, each with its\n"
		       "  default threads and half a node's memory (--mb: each)\n");
	else
		printf("  memset a buffer of half a node (--mb) --passes times (25)\n");
	common_usage();
}

/* Wait until every thread is ready; fail if a process died first. */
static void wait_ready(int want, pid_t *pids)
{
	int status, p;

	while (__atomic_load_n(&sh->ready, __ATOMIC_ACQUIRE) < want) {
		for (p = 0; p < nr_specs; p++) {
			if (waitpid(pids[p], &status, WNOHANG) != pids[p])
				continue;
			for (p = 0; p < nr_specs; p++)
				kill(pids[p], SIGKILL);
			die("a benchmark process failed during setup");
		}
		usleep(10000);
	}
}

/* The BENCH-RESULT line: times, locality, sampling cost, counters. */
static void print_result(const char *name, const char *variant, long mb,
			 uint64_t t_setup, uint64_t t0, const struct series *ser,
			 const struct snapshot *before,
			 const struct snapshot *after, const struct snapshot *cpu0,
			 int failed, double settled_scan)
{
	uint64_t end = 0, bytes = 0, samples = 0, slow = 0, sns = 0;
	uint64_t enoent = 0, efault = 0, known = 0, unknown = 0;
	double user = 0, sys = 0, wall;
	char t90[16], counters[512];
	int i;

	for (i = 0; i < nr_slots; i++) {
		const struct slot *sl = &sh->slots[i];

		if (sl->end_ns > end)
			end = sl->end_ns;
		bytes += sl->bytes;
		samples += sl->samples;
		slow += sl->slow;
		sns += sl->sample_ns;
		enoent += sl->enoent;
		efault += sl->efault;
	}
	for (i = 0; i < nr_specs; i++) {
		user += sh->usage[i].user;
		sys += sh->usage[i].sys;
	}
	for (i = 0; i < ser->n; i++) {
		known += ser->p[i].known;
		unknown += ser->p[i].unknown;
	}
	wall = end > t0 ? (end - t0) / 1e9 : 0;
	series_t90(ser, t90, sizeof(t90));
	snapshot_summary(before, after, cpu0, counters, sizeof(counters));
	out("BENCH-RESULT bench=%s variant=%s name=%s policy=%s bind=%s "
	    "nodes=%d cpus=%d procs=%d threads=%d mb=%ld seconds=%g passes=%ld "
	    "wall_s=%.2f user_s=%.2f sys_s=%.2f setup_s=%.2f rate_mbs=%.0f "
	    "final_local_pct=%.1f t90_s=%s samples=%llu slow_samples=%llu "
	    "sample_ms_avg=%.2f enoent=%llu efault=%llu unknown_pct=%.1f "
	    "settled_scan_ps=%.0f start=%s %s status=%s",
	    prog, variant, name, policy_label(&opt), bind_name(opt.bind),
	    topo.nr_nodes, topo.nr_cpus, nr_specs, nr_slots, mb, opt.seconds,
	    opt.passes, wall, user, sys, (t0 - t_setup) / 1e9,
	    wall > 0 ? bytes / wall / (1 << 20) : 0,
	    series_final_pct(ser, 2000), t90, (unsigned long long)samples,
	    (unsigned long long)slow, samples ? sns / 1e6 / samples : 0,
	    (unsigned long long)enoent, (unsigned long long)efault,
	    known + unknown ? 100.0 * unknown / (known + unknown) : 0,
	    settled_scan, opt.bad_start ? "bad" : "natural", counters,
	    failed ? "fail" : ser->n ? "ok" : "nosamples");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "thread-alloc",	no_argument, NULL, 'T' },
		{ "force-same-node",	no_argument, NULL, 'F' },
		{ "smt",		no_argument, NULL, 'M' },
		{ NULL, 0, NULL, 0 },
	};
	int thread_alloc = 0, same_node = 0, smt = 0, c, p, failed = 0;
	uint64_t t_setup, t0, next, stop_at = 0, half_at = 0, t_half = 0;
	struct snapshot before, after, half, cpu0;
	double settled_scan = 0;
	struct series ser = { 0 };
	char name[64];
	const char *variant;
	pid_t pids[MAX_PROCS];
	long mb, threads, total_mb = 0;
	int alive;

	prog = BENCH_PROG;
	common_opts_init(&opt);
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (common_opt(&opt, c, optarg))
			continue;
		switch (c) {
		case 'T':
			thread_alloc = 1;
			break;
		case 'F':
			same_node = 1;
			break;
		case 'M':
			smt = 1;
			break;
		case 'h':
			usage();
			return 0;
		default:
			usage_error("bad option");
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if ((thread_alloc || same_node) && strcmp(prog, "numa01"))
		usage_error("--thread-alloc and --force-same-node are numa01 options");
	if (smt && strcmp(prog, "numa02"))
		usage_error("--smt is a numa02 option");

	topo_read();
	if (opt.bad_start && opt.bind != BIND_NONE)
		usage_error("--bad-start and --bind exclude each other");
	setup_bind = opt.bad_start ? BIND_INVERSE : opt.bind;
	if (setup_bind == BIND_INVERSE && topo.nr_nodes < 2)
		usage_error("--bind=inverse and --bad-start need at least 2 nodes");
	if (setup_bind != BIND_NONE && same_node)
		fprintf(stderr, "%s: --bind or --bad-start places the memory; --force-same-node ignored\n",
			prog);
	mb = opt.mb ? opt.mb : topo.total_mb[0] / 2;
	if (!strcmp(prog, "numa01")) {
		threads = opt.threads ? opt.threads : topo.nr_cpus / 2;
		if (threads < 1)
			threads = 1;
		plan_numa01(threads, mb, thread_alloc, same_node);
		variant = thread_alloc ? "thread_alloc" :
			  same_node ? "same_node" : "default";
	} else if (!strcmp(prog, "numa02")) {
		threads = opt.threads ? opt.threads :
			  smt ? topo.nr_cpus / 2 : topo.nr_cpus;
		if (threads < 1)
			threads = 1;
		plan_numa02(threads, mb);
		variant = smt ? "smt" : "default";
	} else if (!strcmp(prog, "overcommit")) {
		if (opt.threads)
			usage_error("overcommit takes its threads from numa01 and numa02");
		threads = topo.nr_cpus / 2 > 0 ? topo.nr_cpus / 2 : 1;
		plan_numa01(threads, mb, 0, 1);
		plan_numa02(topo.nr_cpus, mb);
		variant = "default";
	} else {
		threads = opt.threads ? opt.threads : 1;
		add_spec("memhog", threads, mib(mb), 0, 0, 0, 0, threads);
		if (!opt.passes && !opt.seconds)
			opt.passes = 25;
		variant = "default";
	}
	if (!opt.passes && !opt.seconds)
		opt.seconds = 20;
	for (p = 0; p < nr_specs; p++)
		if (specs[p].len / specs[p].nthreads < PAGE_SZ)
			usage_error("--mb %ld is too small for %d threads", mb,
				    specs[p].nthreads);
	check_memory();

	if (!strcmp(variant, "default"))
		snprintf(name, sizeof(name), "%s", prog);
	else
		snprintf(name, sizeof(name), "%s_%s", prog, variant);
	for (p = 0; p < nr_specs; p++)
		total_mb += specs[p].len >> 20;
	out("BENCH-START bench=%s policy=%s bind=%s nodes=%d cpus=%d procs=%d threads=%d mb=%ld ranges=%s",
	    name, policy_label(&opt), bind_name(opt.bind), topo.nr_nodes,
	    topo.nr_cpus, nr_specs, nr_slots, total_mb, topo.ranges_from);

	sh = shared_alloc(sizeof(*sh) + nr_slots * sizeof(struct slot));
	snapshot_take(&before);
	t_setup = now_ns();
	fflush(NULL);
	for (p = 0; p < nr_specs; p++) {
		pids[p] = fork();
		if (pids[p] < 0)
			die("fork: %s", strerror(errno));
		if (!pids[p])
			_exit(proc_main(p));
	}
	wait_ready(nr_slots + nr_specs, pids);

	/* The traffic plugin's region: from the release to the stop. */
	out("BENCH-TRAFFIC bench=%s region=marked", name);
	snapshot_take_cpu(&cpu0);
	traffic_mark_start();
	t0 = now_ns();
	sh->t0 = t0;
	__atomic_store_n(&sh->go, 1, __ATOMIC_RELEASE);
	ser.bench = name;
	ser.quiet = opt.quiet;
	ser.t0 = t0;
	if (opt.seconds) {
		stop_at = t0 + (uint64_t)(opt.seconds * 1e9);
		half_at = t0 + (uint64_t)(opt.seconds * 0.5e9);
	}
	next = t0 + opt.sample_ms * 1000000ULL;
	for (alive = nr_specs; alive;) {
		uint64_t now = now_ns(), wake = now + 50000000ULL;
		int status;
		pid_t pid;

		if (next < wake)
			wake = next;
		if (stop_at && stop_at < wake)
			wake = stop_at;
		sleep_until(wake);
		now = now_ns();
		if (stop_at && now >= stop_at && !sh->stop) {
			traffic_mark_stop();
			__atomic_store_n(&sh->stop, 1, __ATOMIC_RELAXED);
		}
		if (half_at && !t_half && now >= half_at) {
			/* the second half: scanning once placement settled */
			snapshot_take(&half);
			t_half = now_ns();
		}
		if (now >= next) {
			series_tick(&ser, sh->slots, nr_slots, now);
			next += opt.sample_ms * 1000000ULL;
		}
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			alive--;
			if (!WIFEXITED(status) || WEXITSTATUS(status)) {
				failed = 1;
				__atomic_store_n(&sh->stop, 1, __ATOMIC_RELAXED);
			}
		}
	}
	traffic_mark_stop();	/* fixed work: when the last thread is done */
	snapshot_take(&after);
	if (t_half && now_ns() > t_half)
		settled_scan = (snapshot_delta(&half, &after,
					       "vmstat.numa_pte_updates") +
				snapshot_delta(&half, &after,
					       "vmstat.autonuma_pte_updates")) /
			       ((now_ns() - t_half) / 1e9);
	snapshot_print_deltas(&before, &after, name);
	print_result(name, variant, total_mb, t_setup, t0, &ser, &before, &after,
		     &cpu0, failed, settled_scan);
	return failed;
}
