/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared code of the AutoNUMA benchmarks: guest topology, memory and CPU
 * binding through raw syscalls, the locality sampler, the counters
 * snapshot and the machine-readable output.  See README.md.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#define _GNU_SOURCE
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define EXIT_USAGE	2	/* bad option, or a size the guest cannot hold */
#define MAX_NODES	64
#define PAGE_SZ		4096UL
#define HPAGE_SZ	(2UL << 20)

/* Bind policies a program can apply itself (--bind=). */
enum bind { BIND_NONE, BIND_HARD, BIND_INVERSE, BIND_INTERLEAVE };

/* What the guest looks like, read at start-up. */
struct topo {
	int nr_nodes;			/* online nodes */
	int node[MAX_NODES];		/* their ids, ascending */
	int nr_cpus;			/* online CPUs */
	cpu_set_t cpus[MAX_NODES];	/* CPUs of node[i] */
	int node_cpus[MAX_NODES];	/* how many */
	long total_mb[MAX_NODES];	/* MemTotal of node[i] */
	long free_mb[MAX_NODES];	/* MemFree of node[i] */
	struct pfn_range {
		uint64_t start, end;	/* [start, end) in PFNs */
		int node;		/* node id */
	} *ranges;
	int nr_ranges;
	const char *ranges_from;	/* "memory-blocks" or "zoneinfo" */
};

extern struct topo topo;

/* Options every program takes; see common_usage(). */
struct common_opts {
	double seconds;			/* run length (0: fixed work instead) */
	long mb;			/* total MiB (0: from the topology) */
	long threads;			/* threads (0: from the topology) */
	long passes;			/* fixed work: passes (0: time limit) */
	enum bind bind;
	long sample_ms;			/* sampling period */
	long sample_pages;		/* pages per sample */
	const char *label;		/* policy label (default: detected) */
	int quiet;			/* no BENCH-SAMPLE lines */
	int bad_start;			/* set up inverse-bound, then release */
};

/* Long options shared by all programs, for getopt_long tables. */
#define COMMON_LONGOPTS							\
	{ "seconds",	  required_argument, NULL, 's' },		\
	{ "mb",		  required_argument, NULL, 'm' },		\
	{ "threads",	  required_argument, NULL, 't' },		\
	{ "passes",	  required_argument, NULL, 'p' },		\
	{ "bind",	  required_argument, NULL, 'b' },		\
	{ "sample-ms",	  required_argument, NULL, 'S' },		\
	{ "sample-pages", required_argument, NULL, 'P' },		\
	{ "label",	  required_argument, NULL, 'L' },		\
	{ "quiet",	  no_argument,	     NULL, 'q' },		\
	{ "bad-start",	  no_argument,	     NULL, 'B' },		\
	{ "help",	  no_argument,	     NULL, 'h' }

extern const char *prog;

void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
void common_opts_init(struct common_opts *o);
int common_opt(struct common_opts *o, int c, const char *arg);
void common_usage(void);
long parse_long(const char *what, const char *s, long min, long max);

void topo_read(void);
int topo_index(int node);
int node_of_cpu(int cpu);
int far_node(int node);
int home_node(long i, long n);
void check_fits(const long need_mb[MAX_NODES], long total);

/* Binding, through raw syscalls (no libnuma). */
void bind_cpus_to_node(int node);
void bind_memory(void *addr, size_t len, int node);
void bind_memory_as(void *addr, size_t len, int node, enum bind b);
void set_task_membind(int node);
void set_task_default_policy(void);
void unbind_cpus(void);
void unbind_memory(void *addr, size_t len);
void *alloc_aligned(size_t len);
int current_node(void);

uint64_t now_ns(void);
void sleep_until(uint64_t t_ns);
double tv_sec(const struct timeval *tv);

/* Where a thread's pages are, relative to the node it runs on. */
struct counts {
	uint64_t local, remote, unknown;
	uint64_t enoent, efault;	/* query failures looked up in pagemap */
};

struct sampler {
	char *base;			/* region the thread touches */
	size_t len;
	unsigned int npages;		/* pages per sample */
	void **pages;
	int *status;
	uint64_t period_ns;		/* base period */
	unsigned int backoff;		/* current period multiplier */
	uint64_t next_ns;		/* next sample due */
	uint32_t rng;
};

void sampler_init(struct sampler *s, void *base, size_t len,
		  unsigned int npages, long period_ms, uint64_t first_ns,
		  uint32_t seed);
int sampler_due(struct sampler *s, uint64_t now);
void sampler_take(struct sampler *s, struct counts *c, uint64_t *took_ns);
void sample_pages(void **pages, unsigned int n, int *status,
		  struct counts *c);

/*
 * Per-thread slot in memory shared by all processes of a run; the launcher
 * reads the latest sample of each (under a sequence count).
 */
struct slot {
	uint32_t seq;			/* odd while being written */
	uint32_t pad;
	struct counts last;		/* latest sample */
	uint64_t t_ns;			/* when it was taken (0: none yet) */
	uint64_t bytes;			/* streamed so far */
	uint64_t samples, slow, sample_ns, enoent, efault;
	uint64_t end_ns;		/* when the thread stopped */
};

void slot_publish(struct slot *sl, const struct counts *c, uint64_t t_ns);

/* The local-share time series a launcher builds and prints. */
struct series {
	const char *bench;
	int quiet;
	uint64_t t0;
	int all;			/* every thread has sampled */
	int n, cap;
	struct point {
		uint32_t t_ms;
		int all;
		uint64_t local, known, unknown;
	} *p;
};

void series_add(struct series *s, uint64_t t_ns, const struct counts *c);
void series_tick(struct series *s, struct slot *slots, int nr, uint64_t now);
double series_final_pct(const struct series *s, uint32_t window_ms);
void series_t90(const struct series *s, char *buf, size_t len);

/* Counters before and after a run. */
struct snapshot {
	int n;
	struct kv {
		char key[96];
		int64_t val;
	} *kv;
};

void snapshot_take(struct snapshot *s);
int64_t snapshot_delta(const struct snapshot *a, const struct snapshot *b,
		       const char *key);
void snapshot_print_deltas(const struct snapshot *a, const struct snapshot *b,
			   const char *bench);
void snapshot_summary(const struct snapshot *a, const struct snapshot *b,
		      const struct snapshot *cpu0, char *buf, size_t len);
void snapshot_take_cpu(struct snapshot *s);
const char *policy_label(const struct common_opts *o);
const char *bind_name(enum bind b);
void *shared_alloc(size_t len);
void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Region markers for the emulator's traffic plugin (bench/plugin/): nops
 * with a magic displacement, "nopl 0x41554e01(%rax)" to open the measured
 * region and "nopl 0x41554e02(%rax)" to close it.  Without the plugin they
 * are plain nops.
 */
static inline void traffic_mark_start(void)
{
	__asm__ volatile(".byte 0x0f, 0x1f, 0x80, 0x01, 0x4e, 0x55, 0x41" ::: "memory");
}

static inline void traffic_mark_stop(void)
{
	__asm__ volatile(".byte 0x0f, 0x1f, 0x80, 0x02, 0x4e, 0x55, 0x41" ::: "memory");
}

#endif
