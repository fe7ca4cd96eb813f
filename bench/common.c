// SPDX-License-Identifier: GPL-2.0
/*
 * Shared code of the AutoNUMA benchmarks.
 *
 * Locality is measured the way a user would: move_pages() with a NULL node
 * list tells which node holds each sampled page, getcpu() which node the
 * sampling thread runs on.  In 6.1 the query cannot see through a NUMA
 * hinting (PROT_NONE) entry, which both NUMA balancing and AutoNUMA create
 * all the time: follow_page() gives up on it, and move_pages() reports
 * -ENOENT for a small page and -EFAULT for a huge page mapped by a PMD
 * (no_page_table() with FOLL_DUMP).  Such pages are looked up again in
 * /proc/self/pagemap (PFN -> node through the nodes' physical ranges) and
 * counted as unknown when that fails too, never guessed.
 */
#include "common.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define MPOL_DEFAULT	0
#define MPOL_BIND	2
#define MPOL_INTERLEAVE	3
#define NODEMASK_BITS	64	/* one unsigned long; CONFIG_NODES_SHIFT <= 6 */
#define SLOW_SAMPLE_NS	(50ULL * 1000 * 1000)
#define MAX_BACKOFF	16

struct topo topo;
const char *prog = "bench";

/* "PROG: error: MESSAGE" and @tail on stderr, then exit(@code). */
static void __attribute__((noreturn))
verror_exit(int code, const char *tail, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: error: ", prog);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "%s\n", tail);
	exit(code);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror_exit(1, "", fmt, ap);
}

void usage_error(const char *fmt, ...)
{
	char tail[64];
	va_list ap;

	snprintf(tail, sizeof(tail), " (see %s --help)", prog);
	va_start(ap, fmt);
	verror_exit(EXIT_USAGE, tail, fmt, ap);
}

/* One write() per line, so that lines of concurrent processes never mix. */
void out(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(1, buf, n) < 0)
		exit(1);
}

long parse_long(const char *what, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end)
		usage_error("%s: '%s' is not a number", what, s);
	if (v < min || v > max)
		usage_error("%s: %ld is out of range [%ld, %ld]", what, v, min,
			    max);
	return v;
}

static double parse_seconds(const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0) || v > 86400)
		usage_error("--seconds: '%s' is not a duration in (0, 86400]",
			    s);
	return v;
}

void common_opts_init(struct common_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->sample_ms = 500;
	o->sample_pages = 128;
}

/* Return 1 when @c was one of the common options. */
int common_opt(struct common_opts *o, int c, const char *arg)
{
	switch (c) {
	case 's':
		o->seconds = parse_seconds(arg);
		return 1;
	case 'm':
		o->mb = parse_long("--mb", arg, 1, 1L << 30);
		return 1;
	case 't':
		if (!strcmp(arg, "0"))
			usage_error("--threads: zero threads, nothing to run");
		o->threads = parse_long("--threads", arg, 1, 1024);
		return 1;
	case 'p':
		o->passes = parse_long("--passes", arg, 1, 1L << 30);
		return 1;
	case 'b':
		if (!strcmp(arg, "hard"))
			o->bind = BIND_HARD;
		else if (!strcmp(arg, "inverse"))
			o->bind = BIND_INVERSE;
		else if (!strcmp(arg, "interleave"))
			o->bind = BIND_INTERLEAVE;
		else if (!strcmp(arg, "none"))
			o->bind = BIND_NONE;
		else
			usage_error("--bind: unknown '%s' (hard, inverse, interleave, none)",
				    arg);
		return 1;
	case 'S':
		o->sample_ms = parse_long("--sample-ms", arg, 50, 60000);
		return 1;
	case 'P':
		o->sample_pages = parse_long("--sample-pages", arg, 1, 1024);
		return 1;
	case 'L':
		o->label = arg;
		return 1;
	case 'q':
		o->quiet = 1;
		return 1;
	case 'B':
		o->bad_start = 1;
		return 1;
	}
	return 0;
}

void common_usage(void)
{
	printf("common options:\n"
	       "  --seconds S       run for S seconds\n"
	       "  --passes N        fixed work: N passes over the memory\n"
	       "  --mb M            total MiB (default: from the topology)\n"
	       "  --threads N       threads (default: from the topology; >= 1)\n"
	       "  --bind=hard       threads on the node of their memory (the ideal)\n"
	       "  --bind=inverse    threads on the far node from their memory\n"
	       "  --bind=interleave threads on their home node, memory interleaved\n"
	       "                    over all nodes ((N-1)/N remote: a known answer)\n"
	       "  --sample-ms MS    locality sampling period per thread (500)\n"
	       "  --sample-pages N  pages per sample (128)\n"
	       "  --label NAME      policy label in the output (default: detected)\n"
	       "  --quiet           no BENCH-SAMPLE lines\n"
	       "  --bad-start       set up as --bind=inverse (threads on the far node\n"
	       "                    from their memory), then release both at the start\n"
	       "Exit status: 0 ok, 1 failure, 2 bad option or too big for the guest.\n");
}

/* ---- topology ---- */

static char *read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return NULL;
	buf[n] = 0;
	return buf;
}

/* Parse a kernel list such as "0-1,4" and call @fn for every number. */
static void parse_list(const char *s, void (*fn)(int, void *), void *arg)
{
	while (*s && *s != '\n') {
		char *end;
		long a = strtol(s, &end, 10), b = a;

		if (end == s)
			break;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		for (; a <= b; a++)
			fn(a, arg);
		s = *end == ',' ? end + 1 : end;
	}
}

static void add_node(int n, void *arg)
{
	(void)arg;
	if (topo.nr_nodes < MAX_NODES && n < NODEMASK_BITS)
		topo.node[topo.nr_nodes++] = n;
}

static void add_cpu(int c, void *arg)
{
	int i = *(int *)arg;

	if (c < CPU_SETSIZE) {
		CPU_SET(c, &topo.cpus[i]);
		topo.node_cpus[i]++;
	}
}

static void add_range(uint64_t start, uint64_t end, int node)
{
	struct pfn_range *r = topo.ranges;
	int n = topo.nr_ranges;

	if (n && r[n - 1].node == node && r[n - 1].end == start) {
		r[n - 1].end = end;
		return;
	}
	r = realloc(r, (n + 1) * sizeof(*r));
	if (!r)
		die("out of memory");
	r[n].start = start;
	r[n].end = end;
	r[n].node = node;
	topo.ranges = r;
	topo.nr_ranges = n + 1;
}

static int cmp_range(const void *a, const void *b)
{
	const struct pfn_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Physical ranges from memory blocks (CONFIG_MEMORY_HOTPLUG). */
static int ranges_from_blocks(void)
{
	char path[256], buf[64];
	uint64_t bs;
	int i;

	if (!read_file("/sys/devices/system/memory/block_size_bytes", buf,
		       sizeof(buf)))
		return 0;
	bs = strtoull(buf, NULL, 16) / PAGE_SZ;
	if (!bs)
		return 0;
	for (i = 0; i < topo.nr_nodes; i++) {
		struct dirent *d;
		DIR *dir;

		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d",
			 topo.node[i]);
		dir = opendir(path);
		if (!dir)
			continue;
		while ((d = readdir(dir))) {
			char *end;
			uint64_t m;

			if (strncmp(d->d_name, "memory", 6) ||
			    !isdigit((unsigned char)d->d_name[6]))
				continue;
			m = strtoull(d->d_name + 6, &end, 10);
			if (!*end)
				add_range(m * bs, (m + 1) * bs, topo.node[i]);
		}
		closedir(dir);
	}
	return topo.nr_ranges > 0;
}

/* Physical ranges from the zones' spans in /proc/zoneinfo. */
static int ranges_from_zoneinfo(void)
{
	uint64_t spanned = 0, start;
	char line[256];
	int node = -1;
	FILE *f;

	f = fopen("/proc/zoneinfo", "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Node %d, zone", &node) == 1)
			spanned = 0;
		else if (sscanf(line, " spanned %llu",
				(unsigned long long *)&spanned) == 1)
			;
		else if (sscanf(line, " start_pfn: %llu",
				(unsigned long long *)&start) == 1 &&
			 node >= 0 && spanned)
			add_range(start, start + spanned, node);
	}
	fclose(f);
	return topo.nr_ranges > 0;
}

static void read_ranges(void)
{
	int i;

	if (ranges_from_blocks())
		topo.ranges_from = "memory-blocks";
	else if (ranges_from_zoneinfo())
		topo.ranges_from = "zoneinfo";
	else
		topo.ranges_from = "none";
	qsort(topo.ranges, topo.nr_ranges, sizeof(*topo.ranges), cmp_range);
	/* Overlapping spans of different nodes cannot resolve a PFN. */
	for (i = 1; i < topo.nr_ranges; i++)
		if (topo.ranges[i].start < topo.ranges[i - 1].end)
			topo.ranges[i].node = topo.ranges[i - 1].node = -1;
}

void topo_read(void)
{
	char path[256], buf[4096];
	int i;

	memset(&topo, 0, sizeof(topo));
	if (!read_file("/sys/devices/system/node/online", buf, sizeof(buf)))
		strcpy(buf, "0");
	parse_list(buf, add_node, NULL);
	if (!topo.nr_nodes)
		die("no online NUMA node");
	topo.nr_cpus = sysconf(_SC_NPROCESSORS_ONLN);
	for (i = 0; i < topo.nr_nodes; i++) {
		char *p;

		snprintf(path, sizeof(path),
			 "/sys/devices/system/node/node%d/cpulist", topo.node[i]);
		if (read_file(path, buf, sizeof(buf)))
			parse_list(buf, add_cpu, &i);
		snprintf(path, sizeof(path),
			 "/sys/devices/system/node/node%d/meminfo", topo.node[i]);
		if (!read_file(path, buf, sizeof(buf)))
			continue;
		p = strstr(buf, "MemTotal:");
		if (p)
			topo.total_mb[i] = strtol(p + 9, NULL, 10) / 1024;
		p = strstr(buf, "MemFree:");
		if (p)
			topo.free_mb[i] = strtol(p + 8, NULL, 10) / 1024;
	}
	read_ranges();
}

int topo_index(int node)
{
	int i;

	for (i = 0; i < topo.nr_nodes; i++)
		if (topo.node[i] == node)
			return i;
	return -1;
}

int node_of_cpu(int cpu)
{
	int i;

	for (i = 0; i < topo.nr_nodes; i++)
		if (cpu >= 0 && cpu < CPU_SETSIZE && CPU_ISSET(cpu, &topo.cpus[i]))
			return topo.node[i];
	return -1;
}

/* The node "opposite" @node: half the nodes away. */
int far_node(int node)
{
	int i = topo_index(node);

	return topo.node[(i + topo.nr_nodes / 2) % topo.nr_nodes];
}

/* Home node of worker @i of @n: contiguous blocks of workers per node. */
int home_node(long i, long n)
{
	return topo.node[i * topo.nr_nodes / n];
}

/*
 * Fail with EXIT_USAGE unless @need (MiB per node, by topology index) fits
 * in 90 % of each node's free memory and @total in 90 % of all of it.
 */
void check_fits(const long need[MAX_NODES], long total)
{
	long free_all = 0;
	int i;

	for (i = 0; i < topo.nr_nodes; i++) {
		free_all += topo.free_mb[i];
		if (need[i] > topo.free_mb[i] * 9 / 10)
			usage_error("needs %ld MiB on node %d, which has %ld MiB free",
				    need[i], topo.node[i], topo.free_mb[i]);
	}
	if (total > free_all * 9 / 10)
		usage_error("needs %ld MiB, the guest has %ld MiB free", total,
			    free_all);
}

/* ---- binding ---- */

void bind_cpus_to_node(int node)
{
	int i = topo_index(node);

	if (i < 0 || !topo.node_cpus[i])
		die("node %d has no CPU to run on", node);
	if (sched_setaffinity(0, sizeof(cpu_set_t), &topo.cpus[i]))
		die("sched_setaffinity(node %d): %s", node, strerror(errno));
}

void bind_memory(void *addr, size_t len, int node)
{
	unsigned long mask = 1UL << node;

	if (syscall(SYS_mbind, addr, len, MPOL_BIND, &mask, NODEMASK_BITS + 1,
		    0))
		die("mbind(node %d): %s", node, strerror(errno));
}

/* @b's memory placement: on @node, or interleaved over all nodes. */
void bind_memory_as(void *addr, size_t len, int node, enum bind b)
{
	unsigned long mask = 0;
	int i;

	if (b != BIND_INTERLEAVE) {
		bind_memory(addr, len, node);
		return;
	}
	for (i = 0; i < topo.nr_nodes; i++)
		mask |= 1UL << topo.node[i];
	if (syscall(SYS_mbind, addr, len, MPOL_INTERLEAVE, &mask,
		    NODEMASK_BITS + 1, 0))
		die("mbind(MPOL_INTERLEAVE): %s", strerror(errno));
}

void set_task_membind(int node)
{
	unsigned long mask = 1UL << node;

	if (syscall(SYS_set_mempolicy, MPOL_BIND, &mask, NODEMASK_BITS + 1))
		die("set_mempolicy(MPOL_BIND, node %d): %s", node,
		    strerror(errno));
}

void set_task_default_policy(void)
{
	if (syscall(SYS_set_mempolicy, MPOL_DEFAULT, NULL, 0))
		die("set_mempolicy(MPOL_DEFAULT): %s", strerror(errno));
}

/* Let the thread run on every online CPU again. */
void unbind_cpus(void)
{
	cpu_set_t all;
	int i, c;

	CPU_ZERO(&all);
	for (i = 0; i < topo.nr_nodes; i++)
		for (c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &topo.cpus[i]))
				CPU_SET(c, &all);
	if (sched_setaffinity(0, sizeof(all), &all))
		die("sched_setaffinity(all): %s", strerror(errno));
}

/* Drop a range's memory policy; its pages stay where they are. */
void unbind_memory(void *addr, size_t len)
{
	if (syscall(SYS_mbind, addr, len, MPOL_DEFAULT, NULL, 0, 0))
		die("mbind(MPOL_DEFAULT): %s", strerror(errno));
}

/* Anonymous memory aligned to a huge page, so THP can back all of it. */
void *alloc_aligned(size_t len)
{
	size_t map = len + HPAGE_SZ;
	uintptr_t p, a;

	p = (uintptr_t)mmap(NULL, map, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if ((void *)p == MAP_FAILED)
		die("mmap(%zu MiB): %s", len >> 20, strerror(errno));
	a = (p + HPAGE_SZ - 1) & ~(HPAGE_SZ - 1);
	if (a > p)
		munmap((void *)p, a - p);
	if (p + map > a + len)
		munmap((void *)(a + len), p + map - (a + len));
	return (void *)a;
}

int current_node(void)
{
	unsigned int cpu, node;

	if (syscall(SYS_getcpu, &cpu, &node, NULL))
		return -1;
	return node;
}

void *shared_alloc(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap(shared): %s", strerror(errno));
	memset(p, 0, len);
	return p;
}

/* ---- time ---- */

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void sleep_until(uint64_t t_ns)
{
	struct timespec ts = {
		.tv_sec = t_ns / 1000000000ULL,
		.tv_nsec = t_ns % 1000000000ULL,
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

double tv_sec(const struct timeval *tv)
{
	return tv->tv_sec + tv->tv_usec / 1e6;
}

/* ---- sampling ---- */

static pthread_mutex_t pagemap_lock = PTHREAD_MUTEX_INITIALIZER;
static int pagemap_fd = -1;
static pid_t pagemap_pid;

/* /proc/self/pagemap of this process (reopened after a fork). */
static int pagemap(void)
{
	pid_t pid = getpid();
	int fd;

	pthread_mutex_lock(&pagemap_lock);
	if (pagemap_pid != pid) {
		if (pagemap_fd >= 0)
			close(pagemap_fd);
		pagemap_fd = open("/proc/self/pagemap", O_RDONLY);
		pagemap_pid = pid;
	}
	fd = pagemap_fd;
	pthread_mutex_unlock(&pagemap_lock);
	return fd;
}

static int pfn_node(uint64_t pfn)
{
	int lo = 0, hi = topo.nr_ranges - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		const struct pfn_range *r = &topo.ranges[mid];

		if (pfn < r->start)
			hi = mid - 1;
		else if (pfn >= r->end)
			lo = mid + 1;
		else
			return r->node;
	}
	return -1;
}

/* Node of the page at @addr through pagemap, or -1 when it cannot tell. */
static int pagemap_node(void *addr)
{
	uint64_t e, pfn;
	int fd = pagemap();

	if (fd < 0 || pread(fd, &e, sizeof(e),
			    (uintptr_t)addr / PAGE_SZ * sizeof(e)) != sizeof(e))
		return -1;
	if (!(e >> 63))			/* not present */
		return -1;
	pfn = e & ((1ULL << 55) - 1);
	if (!pfn)			/* PFNs hidden: not root */
		return -1;
	return pfn_node(pfn);
}

/*
 * Count where the @n pages at @pages are, relative to the node the calling
 * thread runs on (read after the query, which is the node it touched them
 * from, unless it has just been migrated).
 */
void sample_pages(void **pages, unsigned int n, int *status, struct counts *c)
{
	unsigned int i;
	long r;
	int node;

	r = syscall(SYS_move_pages, 0, n, pages, NULL, status, 0);
	node = current_node();
	if (r < 0 || node < 0) {
		c->unknown += n;
		return;
	}
	for (i = 0; i < n; i++) {
		int nd = status[i];

		if (nd == -ENOENT || nd == -EFAULT) {
			if (nd == -ENOENT)
				c->enoent++;
			else
				c->efault++;
			nd = pagemap_node(pages[i]);
		}
		if (nd < 0)
			c->unknown++;
		else if (nd == node)
			c->local++;
		else
			c->remote++;
	}
}

static uint32_t xorshift(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

void sampler_init(struct sampler *s, void *base, size_t len,
		  unsigned int npages, long period_ms, uint64_t first_ns,
		  uint32_t seed)
{
	size_t max = len / PAGE_SZ;

	s->base = base;
	s->len = len;
	s->npages = npages < max ? npages : max;
	if (!s->npages)
		s->npages = 1;
	s->pages = calloc(s->npages, sizeof(*s->pages));
	s->status = calloc(s->npages, sizeof(*s->status));
	if (!s->pages || !s->status)
		die("out of memory");
	s->period_ns = period_ms * 1000000ULL;
	s->backoff = 1;
	s->next_ns = first_ns;
	s->rng = seed | 1;
}

int sampler_due(struct sampler *s, uint64_t now)
{
	return now >= s->next_ns;
}

/*
 * Sample npages pages spread evenly over the region, at an offset that
 * changes every time, in one move_pages() call.  A slow sample (contention
 * on the page table lock, or a descheduled vCPU) doubles the period, up to
 * MAX_BACKOFF times; a quick one halves it back.
 */
void sampler_take(struct sampler *s, struct counts *c, uint64_t *took_ns)
{
	size_t total = s->len / PAGE_SZ, stride = total / s->npages;
	size_t off = stride ? xorshift(&s->rng) % stride : 0;
	uint64_t t = now_ns(), dt;
	unsigned int i;

	for (i = 0; i < s->npages; i++)
		s->pages[i] = s->base + (i * stride + off) % total * PAGE_SZ;
	memset(c, 0, sizeof(*c));
	sample_pages(s->pages, s->npages, s->status, c);
	dt = now_ns() - t;
	if (dt > SLOW_SAMPLE_NS) {
		if (s->backoff < MAX_BACKOFF)
			s->backoff *= 2;
	} else if (s->backoff > 1) {
		s->backoff /= 2;
	}
	s->next_ns = t + dt + s->period_ns * s->backoff;
	*took_ns = dt;
}

void slot_publish(struct slot *sl, const struct counts *c, uint64_t t_ns)
{
	__atomic_store_n(&sl->seq, sl->seq + 1, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	sl->last = *c;
	sl->t_ns = t_ns;
	__atomic_store_n(&sl->seq, sl->seq + 1, __ATOMIC_RELEASE);
}

static void slot_read(struct slot *sl, struct counts *c, uint64_t *t_ns)
{
	uint32_t seq;

	do {
		seq = __atomic_load_n(&sl->seq, __ATOMIC_ACQUIRE);
		*c = sl->last;
		*t_ns = sl->t_ns;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	} while ((seq & 1) || seq != __atomic_load_n(&sl->seq, __ATOMIC_ACQUIRE));
}

/* ---- the time series ---- */

void series_add(struct series *s, uint64_t t_ns, const struct counts *c)
{
	uint64_t known = c->local + c->remote;
	struct point *p;

	if (!known)
		return;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->p = realloc(s->p, s->cap * sizeof(*s->p));
		if (!s->p)
			die("out of memory");
	}
	p = &s->p[s->n++];
	p->t_ms = (t_ns - s->t0) / 1000000;
	p->local = c->local;
	p->known = known;
	p->unknown = c->unknown;
	p->all = s->all;
	if (!s->quiet)
		out("BENCH-SAMPLE %s %u %.1f known=%llu unknown=%llu all=%d",
		    s->bench, p->t_ms, 100.0 * c->local / known,
		    (unsigned long long)known,
		    (unsigned long long)c->unknown, p->all);
}

/* Aggregate the latest sample of every thread taken since the start. */
void series_tick(struct series *s, struct slot *slots, int nr, uint64_t now)
{
	struct counts sum = { 0 }, c;
	uint64_t t;
	int i, have = 0;

	for (i = 0; i < nr; i++) {
		slot_read(&slots[i], &c, &t);
		if (t < s->t0)
			continue;
		have++;
		sum.local += c.local;
		sum.remote += c.remote;
		sum.unknown += c.unknown;
	}
	s->all = have == nr;
	series_add(s, now, &sum);
}

/* Local share over the points of the last @window_ms. */
double series_final_pct(const struct series *s, uint32_t window_ms)
{
	uint64_t local = 0, known = 0;
	int i;

	if (!s->n)
		return -1;
	for (i = s->n - 1; i >= 0; i--) {
		if (s->p[i].t_ms + window_ms < s->p[s->n - 1].t_ms)
			break;
		local += s->p[i].local;
		known += s->p[i].known;
	}
	return 100.0 * local / known;
}

/*
 * t90: the first point from which the share stays at or above 90 % to the
 * end of the run, among the points where every thread has sampled (a
 * point resting on a subset of the threads cannot start it); "never" when
 * the last point is below 90 % or no point covers every thread.
 */
void series_t90(const struct series *s, char *buf, size_t len)
{
	int i, from = -1;

	for (i = 0; i < s->n; i++) {
		if (!s->p[i].all || s->p[i].local * 10 < s->p[i].known * 9)
			from = -1;
		else if (from < 0)
			from = i;
	}
	if (from < 0)
		snprintf(buf, len, "never");
	else
		snprintf(buf, len, "%.1f", s->p[from].t_ms / 1000.0);
}

/* ---- counters ---- */

static void snap_add(struct snapshot *s, const char *key, int64_t val)
{
	struct kv *kv = realloc(s->kv, (s->n + 1) * sizeof(*kv));

	if (!kv)
		die("out of memory");
	s->kv = kv;
	snprintf(kv[s->n].key, sizeof(kv[s->n].key), "%s", key);
	kv[s->n].val = val;
	s->n++;
}

static void snap_vmstat(struct snapshot *s)
{
	static const char *const prefixes[] = {
		"numa_", "pgmigrate_", "thp_migration", "autonuma", NULL,
	};
	char line[256], name[128], key[160];
	long long v;
	FILE *f = fopen("/proc/vmstat", "r");
	int i;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%127s %lld", name, &v) != 2)
			continue;
		for (i = 0; prefixes[i]; i++)
			if (!strncmp(name, prefixes[i], strlen(prefixes[i]))) {
				snprintf(key, sizeof(key), "vmstat.%s", name);
				snap_add(s, key, v);
				break;
			}
	}
	fclose(f);
}

/* Every integer file under /sys/kernel/mm/autonuma, recursively. */
static void snap_sysfs(struct snapshot *s, const char *dir, const char *rel)
{
	char path[512], sub[128], buf[64], key[160];
	struct dirent *d;
	DIR *dp = opendir(dir);

	if (!dp)
		return;
	while ((d = readdir(dp))) {
		char *end;
		long long v;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		snprintf(sub, sizeof(sub), "%.60s%s%.60s", rel, *rel ? "/" : "",
			 d->d_name);
		if (d->d_type == DT_DIR) {
			snap_sysfs(s, path, sub);
			continue;
		}
		if (!read_file(path, buf, sizeof(buf)))
			continue;
		v = strtoll(buf, &end, 10);
		if (end == buf || (*end && *end != '\n'))
			continue;
		snprintf(key, sizeof(key), "autonuma.%s", sub);
		snap_add(s, key, v);
	}
	closedir(dp);
}

/* utime + stime, in clock ticks, of every kthread named knuma_*. */
static void snap_knuma(struct snapshot *s)
{
	char path[64], buf[1024], key[64];
	struct dirent *d;
	DIR *dp = opendir("/proc");

	if (!dp)
		return;
	while ((d = readdir(dp))) {
		unsigned long long ut, st;
		char *p, *q;

		if (!isdigit((unsigned char)d->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%.20s/stat", d->d_name);
		if (!read_file(path, buf, sizeof(buf)))
			continue;
		p = strchr(buf, '(');
		q = strrchr(buf, ')');
		if (!p || !q || strncmp(p + 1, "knuma_", 6))
			continue;
		/* After ")": state is field 3; utime, stime are 14, 15. */
		if (sscanf(q + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
			   &ut, &st) != 2)
			continue;
		snprintf(key, sizeof(key), "knuma.%.20s", d->d_name);
		snap_add(s, key, ut + st);
	}
	closedir(dp);
}

/*
 * The whole guest's CPU time from the "cpu" line of /proc/stat, in clock
 * ticks: user, nice, system, idle, iowait, irq, softirq, steal.  System
 * time includes every kthread (the knuma_* ones, kswapd, kworkers).
 */
static void snap_stat(struct snapshot *s)
{
	static const char *const names[] = {
		"user", "nice", "system", "idle", "iowait", "irq", "softirq",
		"steal",
	};
	unsigned long long v[8];
	char buf[4096], key[32];
	int i;

	if (!read_file("/proc/stat", buf, sizeof(buf)) ||
	    sscanf(buf, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
		   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) != 8)
		return;
	for (i = 0; i < 8; i++) {
		snprintf(key, sizeof(key), "stat.%s", names[i]);
		snap_add(s, key, v[i]);
	}
}

/* Only what the CPU times need: /proc/stat and the knuma kthreads. */
void snapshot_take_cpu(struct snapshot *s)
{
	s->n = 0;
	s->kv = NULL;
	snap_stat(s);
	snap_knuma(s);
}

void snapshot_take(struct snapshot *s)
{
	s->n = 0;
	s->kv = NULL;
	snap_stat(s);
	snap_vmstat(s);
	snap_sysfs(s, "/sys/kernel/mm/autonuma", "");
	snap_knuma(s);
}

static const struct kv *snap_find(const struct snapshot *s, const char *key)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->kv[i].key, key))
			return &s->kv[i];
	return NULL;
}

/*
 * @b - @a for @key; "knuma_ms" is the CPU time in ms of all knuma_*
 * kthreads (a thread that appeared counts from zero).
 */
int64_t snapshot_delta(const struct snapshot *a, const struct snapshot *b,
		       const char *key)
{
	const struct kv *x, *y;
	int64_t ticks = 0;
	int i;

	if (!strcmp(key, "knuma_ms")) {
		for (i = 0; i < b->n; i++) {
			if (strncmp(b->kv[i].key, "knuma.", 6))
				continue;
			x = snap_find(a, b->kv[i].key);
			ticks += b->kv[i].val - (x ? x->val : 0);
		}
		return ticks * 1000 / sysconf(_SC_CLK_TCK);
	}
	x = snap_find(a, key);
	y = snap_find(b, key);
	return (y ? y->val : 0) - (x ? x->val : 0);
}

/* All non-zero counter deltas of a run, on one line. */
void snapshot_print_deltas(const struct snapshot *a, const struct snapshot *b,
			   const char *bench)
{
	char line[3072];
	size_t n;
	int i;

	n = snprintf(line, sizeof(line), "BENCH-COUNTERS bench=%s", bench);
	for (i = 0; i < b->n && n < sizeof(line) - 128; i++) {
		int64_t d;

		if (!strncmp(b->kv[i].key, "knuma.", 6))
			continue;
		d = snapshot_delta(a, b, b->kv[i].key);
		if (d)
			n += snprintf(line + n, sizeof(line) - n, " %s=%lld",
				      b->kv[i].key, (long long)d);
	}
	out("%s knuma_ms=%lld", line,
	    (long long)snapshot_delta(a, b, "knuma_ms"));
}

/*
 * The deltas every BENCH-RESULT line carries: counters from @a to @b, the
 * CPU times from @cpu0 (the start of the measured phase; NULL: @a) to @b.
 */
void snapshot_summary(const struct snapshot *a, const struct snapshot *b,
		      const struct snapshot *cpu0, char *buf, size_t len)
{
	const struct snapshot *c = cpu0 ? cpu0 : a;
	double hz = sysconf(_SC_CLK_TCK);
	double user = (snapshot_delta(c, b, "stat.user") +
		       snapshot_delta(c, b, "stat.nice")) / hz;
	double sys = snapshot_delta(c, b, "stat.system") / hz;
	double irq = (snapshot_delta(c, b, "stat.irq") +
		      snapshot_delta(c, b, "stat.softirq")) / hz;
	double knuma = snapshot_delta(c, b, "knuma_ms") / 1000.0;

	snprintf(buf, len,
		 "cpu_user_s=%.2f cpu_sys_s=%.2f cpu_irq_s=%.2f cpu_busy_s=%.2f "
		 "knuma_pct=%.2f "
		 "migrated=%lld hint_faults=%lld hint_faults_local=%lld "
		 "pte_updates=%lld knuma_ms=%lld autonuma_migrated=%lld",
		 user, sys, irq, user + sys + irq,
		 user + sys + irq > 0 ? 100 * knuma / (user + sys + irq) : 0,
		 (long long)snapshot_delta(a, b, "vmstat.pgmigrate_success"),
		 (long long)snapshot_delta(a, b, "vmstat.numa_hint_faults"),
		 (long long)snapshot_delta(a, b, "vmstat.numa_hint_faults_local"),
		 (long long)(snapshot_delta(a, b, "vmstat.numa_pte_updates") +
			     snapshot_delta(a, b, "vmstat.autonuma_pte_updates")),
		 (long long)snapshot_delta(a, b, "knuma_ms"),
		 (long long)snapshot_delta(a, b,
					   "autonuma.knuma_migrated/pages_migrated"));
}

const char *bind_name(enum bind b)
{
	return b == BIND_HARD ? "hard" : b == BIND_INVERSE ? "inverse" :
	       b == BIND_INTERLEAVE ? "interleave" : "none";
}

/* The policy in force: the label given, the bind, or what the kernel does. */
const char *policy_label(const struct common_opts *o)
{
	char buf[32];

	if (o->label)
		return o->label;
	if (o->bind != BIND_NONE)
		return bind_name(o->bind);
	if (read_file("/sys/kernel/mm/autonuma/enabled", buf, sizeof(buf)) &&
	    atoi(buf) == 1)
		return "autonuma";
	if (read_file("/proc/sys/kernel/numa_balancing", buf, sizeof(buf)) &&
	    atoi(buf) != 0)
		return "numa_balancing";
	return "none";
}
