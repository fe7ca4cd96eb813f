// SPDX-License-Identifier: GPL-2.0
/*
 * pft: the page-fault microbenchmark on which AutoNUMA was recorded to
 * regress in 2012, in the shape of the original page fault test: --threads
 * threads (default one per CPU), each mapping --mb MiB of fresh anonymous
 * memory, writing one byte to every page of it and unmapping it again,
 * --passes times (or for --seconds).  The memory is madvise(NOHUGEPAGE)d
 * so that every 4 KiB page takes a fault; the result is page faults per
 * second over all threads (ops_per_s), checked against the threads' own
 * minor fault count, with the guest's whole CPU time and the counters.
 */
#include "common.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

static struct common_opts opt;
static volatile int go, stop;
static uint64_t stop_at;

struct worker {
	pthread_t tid;
	uint64_t faults;
	int failed;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	size_t len = (size_t)opt.mb << 20, off;
	long pass;

	while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
		usleep(1000);
	for (pass = 0; !opt.passes || pass < opt.passes; pass++) {
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			w->failed = 1;
			break;
		}
		madvise(p, len, MADV_NOHUGEPAGE);
		for (off = 0; off < len; off += PAGE_SZ)
			p[off] = 1;
		w->faults += len / PAGE_SZ;
		munmap(p, len);
		if (stop_at && (now_ns() >= stop_at ||
				__atomic_load_n(&stop, __ATOMIC_RELAXED)))
			break;
	}
	if (stop_at)
		__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	return NULL;
}

static void usage(void)
{
	printf("usage: pft [options]\n"
	       "  --threads N  threads (default: one per CPU)\n"
	       "  --mb M       MiB each thread maps and faults per pass (64)\n"
	       "  --passes N   passes per thread (default 10)\n"
	       "  --seconds S  instead of --passes: stop after S seconds\n");
	common_usage();
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct snapshot before, after;
	struct rusage r0, r1;
	uint64_t t0, faults = 0;
	char counters[512];
	struct worker *w;
	long i, minflt;
	int c, failed = 0;
	double wall;

	prog = "pft";
	common_opts_init(&opt);
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (common_opt(&opt, c, optarg))
			continue;
		if (c == 'h') {
			usage();
			return 0;
		}
		usage_error("bad option");
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (opt.bind != BIND_NONE || opt.bad_start)
		usage_error("pft faults fresh memory with the default policy");
	topo_read();
	if (!opt.threads)
		opt.threads = topo.nr_cpus;
	if (!opt.mb)
		opt.mb = 64;
	if (!opt.passes && !opt.seconds)
		opt.passes = 10;
	{
		long need[MAX_NODES] = { 0 };

		check_fits(need, opt.mb * opt.threads);
	}
	w = calloc(opt.threads, sizeof(*w));
	if (!w)
		die("out of memory");
	out("BENCH-START bench=pft policy=%s bind=none nodes=%d cpus=%d threads=%ld mb=%ld passes=%ld seconds=%g",
	    policy_label(&opt), topo.nr_nodes, topo.nr_cpus, opt.threads,
	    opt.mb, opt.passes, opt.seconds);
	fflush(NULL);
	for (i = 0; i < opt.threads; i++) {
		errno = pthread_create(&w[i].tid, NULL, worker_main, &w[i]);
		if (errno)
			die("pthread_create: %s", strerror(errno));
	}
	snapshot_take(&before);
	getrusage(RUSAGE_SELF, &r0);
	out("BENCH-TRAFFIC bench=pft region=marked");
	traffic_mark_start();
	t0 = now_ns();
	if (opt.seconds)
		stop_at = t0 + (uint64_t)(opt.seconds * 1e9);
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	for (i = 0; i < opt.threads; i++) {
		pthread_join(w[i].tid, NULL);
		faults += w[i].faults;
		failed |= w[i].failed;
	}
	wall = (now_ns() - t0) / 1e9;
	traffic_mark_stop();
	getrusage(RUSAGE_SELF, &r1);
	snapshot_take(&after);
	minflt = r1.ru_minflt - r0.ru_minflt;
	/* Every page written must have faulted: no THP, no prefault. */
	if ((uint64_t)minflt < faults)
		failed = 1;
	snapshot_print_deltas(&before, &after, "pft");
	snapshot_summary(&before, &after, NULL, counters, sizeof(counters));
	out("BENCH-RESULT bench=pft variant=default name=pft policy=%s bind=none "
	    "nodes=%d cpus=%d threads=%ld mb=%ld passes=%ld wall_s=%.2f "
	    "user_s=%.2f sys_s=%.2f ops_per_s=%.0f faults=%llu minflt=%ld "
	    "final_local_pct=na t90_s=na %s status=%s",
	    policy_label(&opt), topo.nr_nodes, topo.nr_cpus, opt.threads, opt.mb,
	    opt.passes, wall, tv_sec(&r1.ru_utime) - tv_sec(&r0.ru_utime),
	    tv_sec(&r1.ru_stime) - tv_sec(&r0.ru_stime),
	    wall > 0 ? faults / wall : 0, (unsigned long long)faults, minflt,
	    counters, failed ? "fail" : "ok");
	return failed;
}
