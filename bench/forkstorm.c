// SPDX-License-Identifier: GPL-2.0
/*
 * forkstorm: the overhead benchmark for short-lived processes, like a
 * parallel build.  --jobs processes at a time, --procs in all; each forks,
 * touches --mb MiB, streams over it --passes times, samples once where its
 * pages are (relative to the node it runs on) and exits.  Reports
 * processes per second and wall, user and system time.
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
#include <sys/wait.h>
#include <unistd.h>

#define CHILD_SAMPLE	32	/* pages each child samples */

struct shared {
	struct counts c;	/* summed over finished children */
	uint64_t done;
	int stop;
};

static struct common_opts opt;
static struct shared *sh;
static long nr_procs, jobs, child_mb = 4;

static void child(long i)
{
	int home = topo.node[i % topo.nr_nodes];
	size_t len = (size_t)child_mb << 20, stride;
	void *pages[CHILD_SAMPLE];
	int status[CHILD_SAMPLE];
	struct counts c = { 0 };
	unsigned int n;
	long p;
	char *buf;

	if (opt.bind != BIND_NONE) {
		bind_cpus_to_node(opt.bind == BIND_HARD ? home : far_node(home));
		set_task_membind(home);
	}
	/* Like malloc: not aligned to a huge page. */
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		_exit(1);
	for (p = 0; p < opt.passes; p++)
		memset(buf, (int)p + 1, len);
	n = len / PAGE_SZ < CHILD_SAMPLE ? len / PAGE_SZ : CHILD_SAMPLE;
	stride = len / PAGE_SZ / n;
	for (p = 0; p < n; p++)
		pages[p] = buf + p * stride * PAGE_SZ;
	sample_pages(pages, n, status, &c);
	__atomic_add_fetch(&sh->c.local, c.local, __ATOMIC_RELAXED);
	__atomic_add_fetch(&sh->c.remote, c.remote, __ATOMIC_RELAXED);
	__atomic_add_fetch(&sh->c.unknown, c.unknown, __ATOMIC_RELAXED);
	__atomic_add_fetch(&sh->c.enoent, c.enoent, __ATOMIC_RELAXED);
	__atomic_add_fetch(&sh->c.efault, c.efault, __ATOMIC_RELAXED);
	__atomic_add_fetch(&sh->done, 1, __ATOMIC_RELAXED);
	_exit(0);
}

/* Print the local share of the children that finished in each period. */
static void *reporter(void *arg)
{
	struct series *ser = arg;
	struct counts last = { 0 }, now, d;
	uint64_t next = ser->t0;

	while (!__atomic_load_n(&sh->stop, __ATOMIC_ACQUIRE)) {
		next += opt.sample_ms * 1000000ULL;
		sleep_until(next);
		now.local = __atomic_load_n(&sh->c.local, __ATOMIC_RELAXED);
		now.remote = __atomic_load_n(&sh->c.remote, __ATOMIC_RELAXED);
		now.unknown = __atomic_load_n(&sh->c.unknown, __ATOMIC_RELAXED);
		d.local = now.local - last.local;
		d.remote = now.remote - last.remote;
		d.unknown = now.unknown - last.unknown;
		last = now;
		series_add(ser, now_ns(), &d);
	}
	return NULL;
}

static void usage(void)
{
	printf("usage: forkstorm [options]\n"
	       "  --procs N    processes in all (default 200 per CPU)\n"
	       "  --jobs N     processes at a time (default 2 per CPU; --threads too)\n"
	       "  --mb M       MiB each process touches (4)\n"
	       "  --passes N   passes each process makes over its memory (4)\n"
	       "  --seconds S  stop starting processes after S seconds\n");
	common_usage();
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "procs",	required_argument, NULL, 'n' },
		{ "jobs",	required_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct snapshot before, after;
	struct series ser = { 0 };
	long started = 0, running = 0, failed = 0;
	uint64_t t0, stop_at = 0;
	double wall, total;
	struct rusage ru;
	pthread_t rep;
	char t90[16], counters[512];
	int c, status;

	prog = "forkstorm";
	common_opts_init(&opt);
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (common_opt(&opt, c, optarg))
			continue;
		switch (c) {
		case 'n':
			nr_procs = parse_long("--procs", optarg, 1, 10000000);
			break;
		case 'j':
			jobs = parse_long("--jobs", optarg, 1, 1024);
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
	topo_read();
	if (opt.bad_start)
		usage_error("--bad-start: forkstorm's processes are too short-lived");
	if (opt.bind == BIND_INTERLEAVE)
		usage_error("--bind=interleave: forkstorm binds CPUs only");
	if (opt.bind == BIND_INVERSE && topo.nr_nodes < 2)
		usage_error("--bind=inverse needs at least 2 nodes");
	if (opt.threads)
		jobs = opt.threads;
	if (!jobs)
		jobs = 2 * topo.nr_cpus;
	if (!nr_procs)
		nr_procs = 200 * topo.nr_cpus;
	if (opt.mb)
		child_mb = opt.mb;
	if (!opt.passes)
		opt.passes = 4;
	{
		long need[MAX_NODES] = { 0 };

		check_fits(need, child_mb * jobs);
	}
	out("BENCH-START bench=forkstorm policy=%s bind=%s nodes=%d cpus=%d procs=%ld jobs=%ld mb=%ld",
	    policy_label(&opt), bind_name(opt.bind), topo.nr_nodes,
	    topo.nr_cpus, nr_procs, jobs, child_mb);

	sh = shared_alloc(sizeof(*sh));
	snapshot_take(&before);
	t0 = now_ns();
	if (opt.seconds)
		stop_at = t0 + (uint64_t)(opt.seconds * 1e9);
	ser.bench = "forkstorm";
	ser.quiet = opt.quiet;
	ser.all = 1;	/* each point is the children of its own period */
	ser.t0 = t0;
	fflush(NULL);
	errno = pthread_create(&rep, NULL, reporter, &ser);
	if (errno)
		die("pthread_create: %s", strerror(errno));
	while (started < nr_procs || running) {
		if (started < nr_procs && running < jobs &&
		    !(stop_at && now_ns() >= stop_at)) {
			pid_t pid = fork();

			if (pid < 0)
				die("fork: %s", strerror(errno));
			if (!pid)
				child(started);
			started++;
			running++;
			continue;
		}
		if (stop_at && now_ns() >= stop_at)
			nr_procs = started;
		if (wait(&status) < 0)
			die("wait: %s", strerror(errno));
		running--;
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			failed++;
	}
	wall = (now_ns() - t0) / 1e9;
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELEASE);
	pthread_join(rep, NULL);
	snapshot_take(&after);
	getrusage(RUSAGE_CHILDREN, &ru);
	series_t90(&ser, t90, sizeof(t90));
	total = sh->c.local + sh->c.remote;
	snapshot_print_deltas(&before, &after, "forkstorm");
	snapshot_summary(&before, &after, NULL, counters, sizeof(counters));
	out("BENCH-RESULT bench=forkstorm variant=default name=forkstorm "
	    "policy=%s bind=%s nodes=%d cpus=%d procs=%ld jobs=%ld mb=%ld "
	    "passes=%ld wall_s=%.2f user_s=%.2f sys_s=%.2f procs_per_s=%.1f "
	    "final_local_pct=%.1f t90_s=%s samples=%llu enoent=%llu efault=%llu "
	    "unknown_pct=%.1f %s failed=%ld status=%s",
	    policy_label(&opt), bind_name(opt.bind), topo.nr_nodes,
	    topo.nr_cpus, started, jobs, child_mb, opt.passes, wall,
	    tv_sec(&ru.ru_utime), tv_sec(&ru.ru_stime), started / wall,
	    total ? 100.0 * sh->c.local / total : -1.0, t90,
	    (unsigned long long)sh->done, (unsigned long long)sh->c.enoent,
	    (unsigned long long)sh->c.efault,
	    total + sh->c.unknown ?
		    100.0 * sh->c.unknown / (total + sh->c.unknown) : 0,
	    counters, failed, failed ? "fail" : "ok");
	return failed ? 1 : 0;
}
