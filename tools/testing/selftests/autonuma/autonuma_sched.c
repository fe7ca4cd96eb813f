// SPDX-License-Identifier: GPL-2.0
/*
 * AutoNUMA scheduler side: CPU follows memory.
 *
 * With fast knobs (a full pass of knuma_scand every ~50 ms):
 *  a. threads started on node 0 whose memory sits on node 1, without any
 *     affinity once started, end up running on node 1, and once there none
 *     of them leaves it while node 1 has a CPU to spare: the idle CPUs of
 *     node 0 do not pull them back;
 *  b. two processes whose memory sits on different nodes and whose
 *     threads start mixed over both nodes end with each process's threads
 *     on the node that holds most of its memory (the numa01 shape);
 *  c. a thread pinned to node 0 whose memory sits on node 1, for which the
 *     balancer selects node 1 (its autonuma_node), is never seen on node 1:
 *     explicit affinity wins;
 *  d. with more busy threads preferring node 0 than node 0 has CPUs, no
 *     CPU stays idle: fairness first;
 *  e. enabled=0 stops moves, exchanges and the balancer at once, and
 *     enabled=1 starts the balancer again;
 *  f. scheduler/clone_reset and scheduler/fork_reset decide whether a new
 *     thread or process starts with its parent's statistics or empty ones;
 *  g. with scheduler/load_balance_strict, more busy threads preferring
 *     node 0 than it has CPUs stay there, and the idle CPUs of node 1 do
 *     not keep interrupting them with active balancing that AutoNUMA then
 *     refuses (the CPU stopper of node 0's CPUs stays quiet);
 *  h. the balancer moves a thread to an idle CPU of its memory's node
 *     while that node has a CPU to spare, and not while it runs one busy
 *     thread per CPU, even with one of its CPUs idle (two of the threads
 *     pinned to one CPU): the move would overload the node.  What the
 *     balancer does is read from its trace event, autonuma_sched_decision,
 *     since load balancing may put the thread on that idle CPU itself.
 *
 * Where a thread runs is what it reports itself with sched_getcpu() while
 * it streams over its buffer; where a buffer is comes from
 * /proc/self/pagemap and the node PFN ranges (see autonuma_util.h).  Every
 * wait is capped in wall-clock time, generously, since these tests run
 * under QEMU TCG: a kernel that does nothing fails instead of hanging.  All
 * knobs are restored at exit, also on SIGINT and SIGTERM.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest.h"
#include "autonuma_util.h"

#define SZ_1M			(1024UL * 1024)

#define NODE_A			0	/* where threads start */
#define NODE_B			1	/* where their memory sits */

#define SCHED_DIR		AUTONUMA_DIR "/scheduler"

/* Threads are pinned to their start CPUs this long, then released. */
#define START_PIN_MS		100
/* How often the placement of threads is sampled. */
#define SAMPLE_MS		100
/* A streaming thread reports its CPU every this many pages. */
#define REPORT_PAGES		64

#define FOLLOW_LEN		(64 * SZ_1M)
#define FOLLOW_THREADS		2
#define FOLLOW_CAP_MS		60000
#define FOLLOW_STABLE_MS	2000
/*
 * Then watched this long, with a busy thread pinned to node 1 besides
 * them, in which the threads may leave node 1 this many times in all.  On
 * the kernel that let the idle CPUs of node 0 push a thread off node 1
 * (active balancing) while node 1 had a CPU to spare, and AutoNUMA then
 * took it back, they left it 44 to 53 times in each of 5 runs in a guest
 * of 2 nodes x 4 CPUs; after the fix 0 times in 4 runs and once in one.
 * A move remains right when node 1 is overloaded for a moment (two short
 * tasks waking at once next to the three busy ones).
 */
#define FOLLOW_HOLD_MS		10000
#define FOLLOW_HOLD_MAX_LEAVES	2

#define NUMA01_LEN		(32 * SZ_1M)
#define NUMA01_THREADS		2
#define NUMA01_CAP_MS		90000
#define NUMA01_STABLE_MS	3000
#define NUMA01_PLACE_MS		250	/* children publish placement */

#define AFFINITY_LEN		(32 * SZ_1M)
#define AFFINITY_MS		10000
#define AFFINITY_PROC_MS	500	/* /proc/TID/autonuma sampled */

#define IDLE_LEN		(16 * SZ_1M)
#define IDLE_WARMUP_MS		10000
#define IDLE_SAMPLE_MS		5000
#define IDLE_MIN_BUSY		80.0	/* percent, every CPU */

#define DISABLE_LEN		(32 * SZ_1M)
#define DISABLE_MIN_CALLS	4	/* balancer calls seen before */
#define DISABLE_WARMUP_CAP_MS	30000
#define DISABLE_GRACE_MS	100	/* a call already past its check */
#define DISABLE_QUIET_MS	2000	/* then nothing moves this long ... */
#define DISABLE_POLL_MS		10	/* ... in snapshots this often */
#define ENABLE_RESUME_MS	5000

#define INHERIT_LEN		(16 * SZ_1M)
#define INHERIT_MIN_FAULTS	128
#define INHERIT_CAP_MS		30000

#define STOPPER_LEN		(16 * SZ_1M)
#define STOPPER_WARMUP_MS	5000	/* threads come to prefer NODE_A */
#define STOPPER_SAMPLE_MS	5000
/*
 * Runs of node A's CPU stoppers per second of the sample, at most.  On
 * the kernel that kicked active balancing only for AutoNUMA to refuse it,
 * they ran 54.6 times a second in a guest of 2 nodes x 4 CPUs, with none
 * after the fix.  With 2 CPUs per node the NUMA imbalance that CFS
 * tolerates covers the whole shape, load balancing never tries, and the
 * test cannot tell the two kernels apart: make check runs it on 4.
 */
#define STOPPER_MAX_PER_S	2

#define FULL_LEN		(16 * SZ_1M)
#define FULL_SPARE_CAP_MS	30000	/* the control: moved in within this */
#define FULL_SPARE_STABLE_MS	1000
/*
 * With the node full, the thread is watched this long and the balancer
 * must not move it there once.  On the kernel whose balancer moved a
 * thread to any idle CPU of its node, on 2 nodes x 4 CPUs, it was moved
 * there in each of 4 runs and then went back and forth: it left node 1 1
 * to 6 times, in 2 to 7 moves.  The idle case (d) saw such moves too, of
 * one of its 8 threads into node 0 while 4 of them ran there, 0 to 2
 * times in each of 10 runs, but it passed in all of them: too rare to
 * show the bug.  Where the thread ran is no measure of the balancer: the
 * idle CPU of node 0 may pull it in by load balancing when node 1 is
 * busier for a moment (a kthread woke there), which CFS does without
 * AutoNUMA too.  That was seen: pulled 180 ms after its start
 * (sched_migrate_task from the idle CPU's softirq), with no balancer move.
 */
#define FULL_HOLD_MS		10000

#define TRACE_DIR		"/sys/kernel/tracing"
#define DECISION_EVENT		"events/autonuma/autonuma_sched_decision"
#define DECISION_LINE \
	"autonuma_sched_decision: pid=%d %15s node %d -> %d other_pid=%d"

/* The whole program, well below the kselftest timeout in "settings". */
#define BUDGET_SECS		360

/* How long to wait for a thread or child to start or stop. */
#define THREAD_WAIT_MS		30000

#define NR_TESTS		14

static size_t page_size;
/* The CPUs this program may use, and those of each node among them. */
static cpu_set_t all_cpus;
static cpu_set_t node_cpus[AN_MAX_NODES];
/* Node of each CPU, -1 when unknown. */
static int cpu_node[CPU_SETSIZE];

static int min_int(int a, int b)
{
	return a < b ? a : b;
}

/* Node of @cpu, -1 when unknown. */
static int node_of(int cpu)
{
	return cpu >= 0 && cpu < CPU_SETSIZE ? cpu_node[cpu] : -1;
}

/* The @n-th CPU (from 0) of @set, -1 when it has fewer. */
static int nth_cpu(const cpu_set_t *set, int n)
{
	int cpu;

	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, set) && !n--)
			return cpu;
	return -1;
}

/* Wait until *@p reads @val.  Returns false after THREAD_WAIT_MS. */
static bool wait_int(int *p, int val)
{
	unsigned long long t0 = an_now_ms();

	while (__atomic_load_n(p, __ATOMIC_ACQUIRE) != val) {
		if (an_now_ms() - t0 > THREAD_WAIT_MS)
			return false;
		an_sleep_ms(1);
	}
	return true;
}

/* Wait until *@p is not 0.  Returns it, 0 after THREAD_WAIT_MS. */
static int wait_nonzero(int *p)
{
	unsigned long long t0 = an_now_ms();
	int val;

	while (!(val = __atomic_load_n(p, __ATOMIC_ACQUIRE))) {
		if (an_now_ms() - t0 > THREAD_WAIT_MS)
			return 0;
		an_sleep_ms(1);
	}
	return val;
}

/* ---- streaming threads ---- */

/*
 * A thread that keeps writing one word of every page of its buffer and
 * reports the CPU it runs on every REPORT_PAGES pages.  It may live in a
 * MAP_SHARED mapping, so that a parent process can watch the threads of
 * its children.
 */
struct streamer {
	pthread_t thread;
	char *buf;
	size_t len;
	cpu_set_t start;	/* affinity set by the thread; empty: none */
	int bind_node;		/* task policy MPOL_BIND to it, or -1 */
	int watch_node;		/* count reports off this node, or -1 */
	int avoid_node;		/* count reports on this node, or -1 */
	/* written by the thread */
	int started;
	int done;
	int err;		/* -errno of the setup, 0 when running */
	pid_t tid;
	int cpu;		/* last sched_getcpu() */
	unsigned long reports;
	unsigned long strays;	/* reports off watch_node */
	unsigned long leaves;	/* reports off it after one on it */
	unsigned long visits;	/* reports on avoid_node */
	int stray_cpu;
	/* written by the controller */
	int quit;
};

static void streamer_init(struct streamer *s, char *buf, size_t len)
{
	memset(s, 0, sizeof(*s));
	s->buf = buf;
	s->len = len;
	CPU_ZERO(&s->start);
	s->bind_node = -1;
	s->watch_node = -1;
	s->avoid_node = -1;
	s->cpu = -1;
	s->stray_cpu = -1;
}

static void stream_report(struct streamer *s)
{
	int watch = __atomic_load_n(&s->watch_node, __ATOMIC_RELAXED);
	int avoid = __atomic_load_n(&s->avoid_node, __ATOMIC_RELAXED);
	int prev = __atomic_load_n(&s->cpu, __ATOMIC_RELAXED);
	int cpu = sched_getcpu();

	__atomic_store_n(&s->cpu, cpu, __ATOMIC_RELAXED);
	__atomic_add_fetch(&s->reports, 1, __ATOMIC_RELAXED);
	if (avoid >= 0 && node_of(cpu) == avoid)
		__atomic_add_fetch(&s->visits, 1, __ATOMIC_RELAXED);
	if (watch >= 0 && node_of(cpu) != watch) {
		__atomic_store_n(&s->stray_cpu, cpu, __ATOMIC_RELAXED);
		__atomic_add_fetch(&s->strays, 1, __ATOMIC_RELAXED);
		if (node_of(prev) == watch)
			__atomic_add_fetch(&s->leaves, 1, __ATOMIC_RELAXED);
	}
}

static void *stream_fn(void *arg)
{
	struct streamer *s = arg;
	unsigned long *w;
	unsigned long n = 0;
	size_t off;
	int ret = 0;

	s->tid = syscall(SYS_gettid);
	if (CPU_COUNT(&s->start) &&
	    sched_setaffinity(0, sizeof(s->start), &s->start))
		ret = -errno;
	if (!ret && s->bind_node >= 0)
		ret = an_bind_task(s->bind_node);
	s->err = ret;
	if (!ret)
		stream_report(s);
	__atomic_store_n(&s->started, 1, __ATOMIC_RELEASE);

	while (!ret && !__atomic_load_n(&s->quit, __ATOMIC_ACQUIRE)) {
		for (off = 0; off < s->len; off += page_size) {
			w = (unsigned long *)(s->buf + off);
			__atomic_store_n(w, __atomic_load_n(w, __ATOMIC_RELAXED) + 1,
					 __ATOMIC_RELAXED);
			if (++n % REPORT_PAGES)
				continue;
			stream_report(s);
			if (__atomic_load_n(&s->quit, __ATOMIC_ACQUIRE))
				break;
		}
	}
	__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * Start the @nr threads of @st, set up with streamer_init() and more.
 * Returns the number started: on error the ones started keep running.
 */
static int streamers_start(struct streamer *st, int nr)
{
	int i, ret;

	for (i = 0; i < nr; i++) {
		ret = pthread_create(&st[i].thread, NULL, stream_fn, &st[i]);
		if (ret) {
			ksft_print_msg("pthread_create: %s\n", strerror(ret));
			return i;
		}
		if (!wait_int(&st[i].started, 1)) {
			/* Cannot happen short of a hung kernel: leave it. */
			ksft_print_msg("thread %d does not start\n", i);
			return i;
		}
		if (st[i].err) {
			ksft_print_msg("thread %d: setup failed: %s\n", i,
				       strerror(-st[i].err));
			pthread_join(st[i].thread, NULL);
			return i;
		}
	}
	return nr;
}

/*
 * Stop and join the @nr threads of @st.  Returns false when one of them
 * does not stop: then its buffer must not be unmapped.
 */
static bool streamers_stop(struct streamer *st, int nr)
{
	bool ok = true;
	int i;

	for (i = 0; i < nr; i++)
		__atomic_store_n(&st[i].quit, 1, __ATOMIC_RELEASE);
	for (i = 0; i < nr; i++) {
		if (!wait_int(&st[i].done, 1)) {
			ksft_print_msg("thread %d (tid %d) does not stop\n", i,
				       st[i].tid);
			ok = false;
			continue;
		}
		pthread_join(st[i].thread, NULL);
	}
	return ok;
}

/* Let the @nr threads of @st run on all CPUs.  Returns 0 or -errno. */
static int streamers_release(struct streamer *st, int nr)
{
	int i;

	for (i = 0; i < nr; i++)
		if (sched_setaffinity(st[i].tid, sizeof(all_cpus), &all_cpus))
			return -errno;
	return 0;
}

/* "tid 123 cpu 2 (node 1), tid 124 cpu 3 (node 1)" */
static const char *where_str(const struct streamer *st, int nr, char *buf,
			     size_t size)
{
	int i, cpu, len = 0;

	buf[0] = '\0';
	for (i = 0; i < nr && len < (int)size; i++) {
		cpu = __atomic_load_n(&st[i].cpu, __ATOMIC_RELAXED);
		len += snprintf(buf + len, size - len, "%stid %d cpu %d (node %d)",
				i ? ", " : "", st[i].tid, cpu, node_of(cpu));
	}
	return buf;
}

/*
 * The start of most tests: @nr threads of @st stream over the @len bytes
 * of @buf, first pinned to the CPUs of @node for START_PIN_MS so that
 * they fault there, then free to run on all CPUs; @name labels where they
 * were when released.  *@started tells how many threads started, to be
 * stopped with streamers_stop() whatever the outcome.  Returns false when
 * a thread did not start or could not be released.
 */
static bool streamers_start_pinned(const char *name, struct streamer *st,
				   int nr, char *buf, size_t len, int node,
				   int *started)
{
	char str[512];
	int i, ret;

	for (i = 0; i < nr; i++) {
		streamer_init(&st[i], buf, len);
		st[i].start = node_cpus[node];
	}
	*started = streamers_start(st, nr);
	if (*started < nr)
		return false;
	an_sleep_ms(START_PIN_MS);
	ksft_print_msg("%s: before release: %s\n", name,
		       where_str(st, nr, str, sizeof(str)));
	ret = streamers_release(st, nr);
	if (ret) {
		ksft_print_msg("sched_setaffinity: %s\n", strerror(-ret));
		return false;
	}
	return true;
}

/* Free a buffer, unless a thread using it could not be stopped. */
static void free_after(bool stopped, char *buf, size_t len)
{
	if (stopped)
		an_free(buf, len);
	else
		ksft_print_msg("a streaming thread did not stop; buffer leaked\n");
}

/* ---- counters ---- */

enum {
	C_MOVES,
	C_EXCHANGES,
	C_REFUSED,
	C_MIGRATED,
	C_CALLS,
	C_NS,
	NR_C,
};

/* /proc/vmstat counters, and scheduler/ files when they have a '/'. */
static const char * const c_names[NR_C] = {
	[C_MOVES] = "autonuma_task_moves",
	[C_EXCHANGES] = "autonuma_task_exchanges",
	[C_REFUSED] = "autonuma_task_moves_refused",
	[C_MIGRATED] = "autonuma_pages_migrated",
	[C_CALLS] = "scheduler/balance_calls",
	[C_NS] = "scheduler/balance_ns",
};

static void c_snap(struct an_snap *s)
{
	an_snap_take(s, c_names, NR_C);
}

#define c_delta an_snap_delta

static void c_print(const char *what, const struct an_snap *a,
		    const struct an_snap *b)
{
	unsigned long long calls = c_delta(a, b, C_CALLS);
	char line[1024];
	int i, len = 0;

	for (i = 0; i < NR_C && len < (int)sizeof(line); i++) {
		if (a->have[i] && b->have[i])
			len += snprintf(line + len, sizeof(line) - len,
					" %s +%llu", c_names[i],
					c_delta(a, b, i));
		else
			len += snprintf(line + len, sizeof(line) - len,
					" %s n/a", c_names[i]);
	}
	ksft_print_msg("%s:%s\n", what, line);
	if (calls)
		ksft_print_msg("%s: balancer cost %llu ns per call\n", what,
			       c_delta(a, b, C_NS) / calls);
}

/* ---- /proc/PID/task/TID/autonuma ---- */

struct task_an {
	int node;		/* autonuma_node */
	long long fault_tot;
	bool have_tot;		/* the fault_tot line is there */
};

/*
 * Read autonuma_node and fault_tot of task @tid of process @pid, or of
 * process @pid when @tid is 0.  Returns 0 or -errno.
 */
static int read_task_an(pid_t pid, pid_t tid, struct task_an *t)
{
	char path[96], buf[8192], *line, *save;
	bool have_node = false;
	int ret;

	if (tid)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/autonuma", pid,
			 tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/autonuma", pid);
	ret = an_read_file(path, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	t->node = -1;
	t->fault_tot = 0;
	t->have_tot = false;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "autonuma_node %d", &t->node) == 1)
			have_node = true;
		else if (sscanf(line, "fault_tot %lld", &t->fault_tot) == 1)
			t->have_tot = true;
	}
	return have_node ? 0 : -EINVAL;
}

/* Log autonuma_node and fault_tot of the threads of @st in process @pid. */
static void print_task_an(const char *what, pid_t pid,
			  const struct streamer *st, int nr)
{
	struct task_an t;
	int i, ret;

	for (i = 0; i < nr; i++) {
		ret = read_task_an(pid, st[i].tid, &t);
		if (ret)
			ksft_print_msg("%s: tid %d: /proc autonuma: %s\n", what,
				       st[i].tid, strerror(-ret));
		else
			ksft_print_msg("%s: tid %d: autonuma_node %d fault_tot %lld\n",
				       what, st[i].tid, t.node, t.fault_tot);
	}
}

/* ---- placement ---- */

/* "node0 12.5% node1 87.5% unknown 0 of 8192 pages (pagemap)" */
static const char *place_str(const struct an_placement *pl, char *buf,
			     size_t size)
{
	int node, len = 0;

	for (node = 0; node < AN_MAX_NODES && len < (int)size; node++) {
		if (node != NODE_A && node != NODE_B && !pl->on[node])
			continue;
		len += snprintf(buf + len, size - len, "node%d %.1f%% ", node,
				an_share(pl, node));
	}
	if (len < (int)size)
		snprintf(buf + len, size - len, "unknown %lu of %lu pages (%s)",
			 pl->unknown, pl->pages, pl->how);
	return buf;
}

/*
 * Fill @buf with its first touch on @node (task policy bound to @node
 * while touching, then back to the default) and check that it is there.
 */
static bool place_buffer(char *buf, size_t len, int node)
{
	struct an_placement pl;
	char str[256];
	int i, ret;

	ret = an_place_on_node(buf, len, node);
	if (ret) {
		ksft_print_msg("first touch bound to node %d: %s\n", node,
			       strerror(-ret));
		return false;
	}
	/* A page caught by compaction has no PFN for a moment. */
	for (i = 0; i < 3; i++) {
		ret = an_get_placement(buf, len, &pl);
		if (ret || !pl.unknown)
			break;
		an_sleep_ms(100);
	}
	if (ret) {
		ksft_print_msg("cannot read the placement: %s\n",
			       strerror(-ret));
		return false;
	}
	if (an_share(&pl, node) < 99.0) {
		ksft_print_msg("first touch bound to node %d left %s\n", node,
			       place_str(&pl, str, sizeof(str)));
		return false;
	}
	return true;
}

/* Log where the pages of [@buf, @buf + @len) are. */
static void print_placement(const char *what, const char *buf, size_t len)
{
	struct an_placement pl;
	char str[256];
	int ret;

	ret = an_get_placement(buf, len, &pl);
	if (ret)
		ksft_print_msg("%s: cannot read the placement: %s\n", what,
			       strerror(-ret));
	else
		ksft_print_msg("%s: buffer %s\n", what,
			       place_str(&pl, str, sizeof(str)));
}

/* ---- waiting for a placement to hold ---- */

struct stable_wait {
	bool held;
	unsigned long long reached_ms;	/* release to the run that held */
	unsigned long long total_ms;	/* time waited */
	unsigned long samples;
	unsigned long good;
};

/*
 * Evaluate @good every SAMPLE_MS until it has been true at every sample
 * for @stable_ms, for at most @cap_ms (and the program budget).
 */
static void wait_stable(bool (*good)(void *arg), void *arg,
			unsigned long long cap_ms, unsigned long long stable_ms,
			struct stable_wait *w)
{
	unsigned long long t0 = an_now_ms(), now, since = 0;

	memset(w, 0, sizeof(*w));
	cap_ms = an_budget_ms(cap_ms);
	for (;;) {
		now = an_now_ms();
		w->samples++;
		if (good(arg)) {
			w->good++;
			if (!since)
				since = now;
			if (now - since >= stable_ms) {
				w->held = true;
				w->reached_ms = since - t0;
				break;
			}
		} else {
			since = 0;
		}
		if (now - t0 >= cap_ms)
			break;
		an_sleep_ms(SAMPLE_MS);
	}
	w->total_ms = an_now_ms() - t0;
}

static void print_stable(const char *what, const struct stable_wait *w,
			 unsigned long long stable_ms)
{
	if (w->held)
		ksft_print_msg("%s: reached after %llu.%03llu s, held %llu ms (%lu/%lu good)\n",
			       what, w->reached_ms / 1000, w->reached_ms % 1000,
			       stable_ms, w->good, w->samples);
	else
		ksft_print_msg("%s: not held %llu ms in %llu.%03llu s (%lu/%lu good)\n",
			       what, stable_ms, w->total_ms / 1000,
			       w->total_ms % 1000, w->good, w->samples);
}

/* ---- a: threads follow their memory ---- */

struct on_node {
	const struct streamer *st;
	int nr;
	int node;
};

/* wait_stable() condition: every thread last reported a CPU of node. */
static bool all_on_node(void *arg)
{
	const struct on_node *o = arg;
	int i;

	for (i = 0; i < o->nr; i++)
		if (node_of(__atomic_load_n(&o->st[i].cpu,
					    __ATOMIC_RELAXED)) != o->node)
			return false;
	return true;
}

/*
 * Watch the @nr threads of @st, which all run on @node, for @ms.  Logs how
 * many reports each made off @node and how often it left it.  Returns true
 * when each made reports and they left @node at most @max_leaves times.
 */
static bool watch_held(const char *what, struct streamer *st, int nr,
		       int node, unsigned long long ms,
		       unsigned long max_leaves)
{
	unsigned long reports[FOLLOW_THREADS], strays, leaves, all = 0;
	struct an_snap before, after;
	bool ok = true;
	int i;

	for (i = 0; i < nr; i++) {
		__atomic_store_n(&st[i].strays, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&st[i].leaves, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&st[i].stray_cpu, -1, __ATOMIC_RELAXED);
		reports[i] = __atomic_load_n(&st[i].reports, __ATOMIC_RELAXED);
		__atomic_store_n(&st[i].watch_node, node, __ATOMIC_RELEASE);
	}
	c_snap(&before);
	an_sleep_ms(an_budget_ms(ms));
	c_snap(&after);
	for (i = 0; i < nr; i++) {
		__atomic_store_n(&st[i].watch_node, -1, __ATOMIC_RELEASE);
		reports[i] = __atomic_load_n(&st[i].reports, __ATOMIC_RELAXED) -
			     reports[i];
		strays = __atomic_load_n(&st[i].strays, __ATOMIC_RELAXED);
		leaves = __atomic_load_n(&st[i].leaves, __ATOMIC_RELAXED);
		ksft_print_msg("%s: tid %d: %lu reports, %lu off node %d\n",
			       what, st[i].tid, reports[i], strays, node);
		ksft_print_msg("%s: tid %d: left node %d %lu time(s), last off it on CPU %d\n",
			       what, st[i].tid, node, leaves,
			       __atomic_load_n(&st[i].stray_cpu,
					       __ATOMIC_RELAXED));
		if (!reports[i])
			ok = false;
		all += leaves;
	}
	c_print(what, &before, &after);
	return ok && all <= max_leaves;
}

static void test_follow(void)
{
	int nr = min_int(FOLLOW_THREADS, CPU_COUNT(&node_cpus[NODE_B]));
	/* a woken kthread must not overload node B for a thread to stay */
	int last_b = nth_cpu(&node_cpus[NODE_B], CPU_COUNT(&node_cpus[NODE_B]) - 1);
	/* room for the threads, the pinned one and a woken kthread */
	bool spare = CPU_COUNT(&node_cpus[NODE_B]) > nr + 1;
	bool ok = false, held = false, stopped = true;
	struct streamer st[FOLLOW_THREADS], pinned;
	static char pinned_buf[4096];
	struct on_node cond = { st, nr, NODE_B };
	struct an_snap before, after;
	struct stable_wait w;
	int started = 0;
	char str[512];
	char *buf;

	buf = an_alloc(FOLLOW_LEN, page_size, MADV_NOHUGEPAGE);
	if (!buf) {
		ksft_print_msg("mmap: %s\n", strerror(errno));
		goto out;
	}
	if (!place_buffer(buf, FOLLOW_LEN, NODE_B))
		goto free;

	c_snap(&before);
	if (!streamers_start_pinned("follow", st, nr, buf, FOLLOW_LEN, NODE_A,
				    &started))
		goto stop;
	wait_stable(all_on_node, &cond, FOLLOW_CAP_MS, FOLLOW_STABLE_MS, &w);
	c_snap(&after);
	ok = w.held;
	print_stable("follow", &w, FOLLOW_STABLE_MS);
	if (ok && spare) {
		/*
		 * A busy thread pinned to the last CPU of node B: node B now
		 * runs one task more than node A can tolerate in CFS's NUMA
		 * imbalance, yet has a CPU to spare.
		 */
		streamer_init(&pinned, pinned_buf, sizeof(pinned_buf));
		CPU_SET(last_b, &pinned.start);
		if (streamers_start(&pinned, 1) == 1) {
			ksft_print_msg("follow: hold: a busy thread pinned to CPU %d (node %d)\n",
				       last_b, NODE_B);
			held = watch_held("follow: hold", st, nr, NODE_B,
					  FOLLOW_HOLD_MS,
					  FOLLOW_HOLD_MAX_LEAVES);
			streamers_stop(&pinned, 1);
		}
	}
	ksft_print_msg("follow: at the end: %s\n",
		       where_str(st, nr, str, sizeof(str)));
	print_task_an("follow", getpid(), st, nr);
	print_placement("follow", buf, FOLLOW_LEN);
	c_print("follow", &before, &after);
stop:
	stopped = streamers_stop(st, started);
free:
	free_after(stopped, buf, FOLLOW_LEN);
out:
	ksft_test_result(ok,
			 "follow: %d thread(s) started on node %d, memory on node %d, no affinity: all run on node %d for %d s within %d s\n",
			 nr, NODE_A, NODE_B, NODE_B, FOLLOW_STABLE_MS / 1000,
			 FOLLOW_CAP_MS / 1000);
	if (!spare)
		ksft_test_result_skip("follow: no CPU to spare on node %d for %d+1 threads\n",
				      NODE_B, nr);
	else
		ksft_test_result(held,
				 "follow: once all on node %d, with a busy thread pinned there and a CPU to spare, the threads leave it at most %d times in %d s\n",
				 NODE_B, FOLLOW_HOLD_MAX_LEAVES,
				 FOLLOW_HOLD_MS / 1000);
}

/* ---- b: numa01 shape ---- */

/* One process of test_numa01(), in memory shared with the parent. */
struct numa01_proc {
	pid_t pid;
	int node;		/* its buffer is first placed there */
	int nr;			/* threads */
	int state;		/* 0 starting, 1 running, -errno failed */
	int quit;		/* set by the parent */
	int major;		/* node holding most of the buffer, or -1 */
	int major_permille;	/* its share */
	unsigned long placements;	/* times published */
	struct streamer st[NUMA01_THREADS];
};

/* Publish the node that holds most of @buf. */
static void numa01_publish(struct numa01_proc *p, const char *buf)
{
	struct an_placement pl;
	unsigned long best = 0;
	int node, major = -1;

	if (an_get_placement(buf, NUMA01_LEN, &pl))
		return;
	for (node = 0; node < AN_MAX_NODES; node++) {
		if (pl.on[node] > best) {
			best = pl.on[node];
			major = node;
		}
	}
	__atomic_store_n(&p->major_permille,
			 (int)(pl.pages ? 1000 * best / pl.pages : 0),
			 __ATOMIC_RELAXED);
	__atomic_store_n(&p->major, major, __ATOMIC_RELAXED);
	__atomic_add_fetch(&p->placements, 1, __ATOMIC_RELEASE);
}

/* The child process: place its buffer, stream over it, report. */
static void numa01_child(struct numa01_proc *p)
{
	int started, i, ret = 0;
	char *buf;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	buf = an_alloc(NUMA01_LEN, page_size, MADV_NOHUGEPAGE);
	if (!buf) {
		ret = -errno;
		ksft_print_msg("numa01: child %d: mmap: %s\n", getpid(),
			       strerror(errno));
	} else if (!place_buffer(buf, NUMA01_LEN, p->node)) {
		ret = -EIO;
	}
	if (ret) {
		__atomic_store_n(&p->state, ret, __ATOMIC_RELEASE);
		_exit(1);
	}
	numa01_publish(p, buf);
	for (i = 0; i < p->nr; i++)
		p->st[i].buf = buf;
	started = streamers_start(p->st, p->nr);
	__atomic_store_n(&p->state, started == p->nr ? 1 : -EAGAIN,
			 __ATOMIC_RELEASE);
	while (started == p->nr &&
	       !__atomic_load_n(&p->quit, __ATOMIC_ACQUIRE)) {
		an_sleep_ms(NUMA01_PLACE_MS);
		numa01_publish(p, buf);
	}
	_exit(streamers_stop(p->st, started) ? 0 : 1);
}

/* wait_stable() condition: each process's threads on its major node. */
static bool numa01_good(void *arg)
{
	const struct numa01_proc *procs = arg;
	int i, j, major;

	for (i = 0; i < 2; i++) {
		major = __atomic_load_n(&procs[i].major, __ATOMIC_RELAXED);
		if (major < 0 ||
		    __atomic_load_n(&procs[i].major_permille,
				    __ATOMIC_RELAXED) <= 500)
			return false;
		for (j = 0; j < procs[i].nr; j++)
			if (node_of(__atomic_load_n(&procs[i].st[j].cpu,
						    __ATOMIC_RELAXED)) != major)
				return false;
	}
	return true;
}

/* Wait for child @pid, killing it after THREAD_WAIT_MS. */
static bool reap(pid_t pid)
{
	unsigned long long t0 = an_now_ms();
	int status;
	pid_t ret;

	for (;;) {
		ret = waitpid(pid, &status, WNOHANG);
		if (ret == pid)
			return WIFEXITED(status) && !WEXITSTATUS(status);
		if (ret < 0)
			return false;
		if (an_now_ms() - t0 > THREAD_WAIT_MS) {
			ksft_print_msg("child %d does not exit: killed\n", pid);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return false;
		}
		an_sleep_ms(10);
	}
}

static void numa01_report(const struct numa01_proc *procs)
{
	char str[512], what[64];
	int i;

	for (i = 0; i < 2; i++) {
		const struct numa01_proc *p = &procs[i];

		snprintf(what, sizeof(what), "numa01: process %c (pid %d)",
			 'A' + i, p->pid);
		ksft_print_msg("%s: buffer from node %d, %d.%d%% on node %d; %s\n",
			       what, p->node, p->major_permille / 10,
			       p->major_permille % 10, p->major,
			       where_str(p->st, p->nr, str, sizeof(str)));
		print_task_an(what, p->pid, p->st, p->nr);
	}
}

static void test_numa01(void)
{
	int cpn = min_int(CPU_COUNT(&node_cpus[NODE_A]),
			  CPU_COUNT(&node_cpus[NODE_B]));
	int nr = min_int(NUMA01_THREADS, cpn), i, j, ret, node, cpu;
	struct numa01_proc *procs;
	pid_t pid;
	struct an_snap before, after;
	struct stable_wait w;
	bool ok = false;

	procs = mmap(NULL, 2 * sizeof(*procs), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (procs == MAP_FAILED) {
		ksft_print_msg("mmap: %s\n", strerror(errno));
		goto out;
	}
	memset(procs, 0, 2 * sizeof(*procs));
	/*
	 * Process A's memory on NODE_A, B's on NODE_B.  Their threads start
	 * mixed: with 2 CPUs per node, A's on the first CPU of each node and
	 * B's on the second (CPUs 0 and 2, 1 and 3 on a 2 x 2 guest); with
	 * one CPU per node, each process's thread on the other's node.  The
	 * children fill in the buffer.
	 */
	for (i = 0; i < 2; i++) {
		struct numa01_proc *p = &procs[i];

		p->node = i ? NODE_B : NODE_A;
		p->nr = nr;
		p->major = -1;
		for (j = 0; j < nr; j++) {
			streamer_init(&p->st[j], NULL, NUMA01_LEN);
			node = (i + j) % 2 ? NODE_A : NODE_B;
			cpu = nth_cpu(&node_cpus[node], i && cpn > 1 ? 1 : 0);
			CPU_SET(cpu, &p->st[j].start);
		}
	}

	c_snap(&before);
	for (i = 0; i < 2; i++) {
		fflush(stdout);
		pid = fork();
		if (pid < 0) {
			ksft_print_msg("fork: %s\n", strerror(errno));
			goto quit;
		}
		if (!pid)
			numa01_child(&procs[i]);
		procs[i].pid = pid;
	}
	for (i = 0; i < 2; i++) {
		if (wait_nonzero(&procs[i].state) != 1) {
			ksft_print_msg("numa01: process %c did not start: state %d\n",
				       'A' + i, procs[i].state);
			goto quit;
		}
	}
	an_sleep_ms(START_PIN_MS);
	numa01_report(procs);
	for (i = 0; i < 2; i++) {
		ret = streamers_release(procs[i].st, nr);
		if (ret) {
			ksft_print_msg("sched_setaffinity: %s\n",
				       strerror(-ret));
			goto quit;
		}
	}
	wait_stable(numa01_good, procs, NUMA01_CAP_MS, NUMA01_STABLE_MS, &w);
	c_snap(&after);
	ok = w.held;
	print_stable("numa01", &w, NUMA01_STABLE_MS);
	numa01_report(procs);
	c_print("numa01", &before, &after);
quit:
	for (i = 0; i < 2; i++)
		__atomic_store_n(&procs[i].quit, 1, __ATOMIC_RELEASE);
	for (i = 0; i < 2; i++)
		if (procs[i].pid > 0 && !reap(procs[i].pid))
			ok = false;
	munmap(procs, 2 * sizeof(*procs));
out:
	ksft_test_result(ok,
			 "numa01: 2 processes x %d thread(s), memory on nodes %d and %d, threads mixed: each process on its memory's node for %d s within %d s\n",
			 nr, NODE_A, NODE_B, NUMA01_STABLE_MS / 1000,
			 NUMA01_CAP_MS / 1000);
}

/* ---- c: affinity wins ---- */

static void test_affinity(void)
{
	bool ok = false, stopped = true, wanted_b = false;
	unsigned long long t0, last = 0, wanted_ms = 0;
	unsigned long reports, strays, samples = 0, samples_b = 0;
	struct an_snap before, after;
	int last_node = -1;
	struct streamer s;
	struct task_an t;
	int started = 0;
	char *buf;

	buf = an_alloc(AFFINITY_LEN, page_size, MADV_NOHUGEPAGE);
	if (!buf) {
		ksft_print_msg("mmap: %s\n", strerror(errno));
		goto out;
	}
	if (!place_buffer(buf, AFFINITY_LEN, NODE_B))
		goto free;

	/*
	 * The task policy bound to NODE_B keeps the memory there (AutoNUMA
	 * never migrates pages faulted by a task with a policy), so the
	 * thread keeps faulting on NODE_B and keeps wanting to go there.
	 */
	streamer_init(&s, buf, AFFINITY_LEN);
	s.start = node_cpus[NODE_A];
	s.bind_node = NODE_B;
	s.watch_node = NODE_A;
	c_snap(&before);
	started = streamers_start(&s, 1);
	if (!started)
		goto stop;
	t0 = an_now_ms();
	while (an_now_ms() - t0 < AFFINITY_MS) {
		if (an_now_ms() - last >= AFFINITY_PROC_MS) {
			last = an_now_ms();
			last_node = -1;
			if (!read_task_an(getpid(), s.tid, &t)) {
				last_node = t.node;
				samples++;
			}
			if (last_node == NODE_B) {
				samples_b++;
				if (!wanted_b)
					wanted_ms = last - t0;
				wanted_b = true;
			}
		}
		an_sleep_ms(SAMPLE_MS);
	}
	c_snap(&after);
	reports = __atomic_load_n(&s.reports, __ATOMIC_RELAXED);
	strays = __atomic_load_n(&s.strays, __ATOMIC_RELAXED);
	/*
	 * Staying on node A proves something only if AutoNUMA wanted the
	 * thread on node B: the balancer selected B (autonuma_node, set
	 * by nothing else) and still did at the end, and the thread never
	 * ran there.
	 */
	ok = reports && !strays && wanted_b && last_node == NODE_B;
	ksft_print_msg("affinity: %lu CPU reports, %lu of them off node %d\n",
		       reports, strays, NODE_A);
	if (strays)
		ksft_print_msg("affinity: seen on CPU %d (node %d)\n",
			       s.stray_cpu, node_of(s.stray_cpu));
	if (wanted_b)
		ksft_print_msg("affinity: autonuma_node %d from %llu ms on, %lu of %lu samples\n",
			       NODE_B, wanted_ms, samples_b, samples);
	else
		ksft_print_msg("affinity: autonuma_node never %d in %d s: proves nothing\n",
			       NODE_B, AFFINITY_MS / 1000);
	ksft_print_msg("affinity: autonuma_node %d at the end\n", last_node);
	print_task_an("affinity", getpid(), &s, 1);
	print_placement("affinity", buf, AFFINITY_LEN);
	c_print("affinity", &before, &after);
stop:
	stopped = streamers_stop(&s, started);
free:
	free_after(stopped, buf, AFFINITY_LEN);
out:
	ksft_test_result(ok,
			 "affinity: a thread pinned to node %d, memory on node %d, AutoNUMA selects node %d for it, is never seen on node %d in %d s\n",
			 NODE_A, NODE_B, NODE_B, NODE_B, AFFINITY_MS / 1000);
}

/* ---- d: no idle CPU while others wait ---- */

struct cpu_time {
	unsigned long long total;
	unsigned long long idle;	/* idle + iowait */
	bool have;
};

static struct cpu_time stat_a[CPU_SETSIZE], stat_b[CPU_SETSIZE];

/* Per-CPU times from /proc/stat.  Returns 0 or -errno. */
static int read_cpu_times(struct cpu_time *ct)
{
	unsigned long long v[8];
	char line[512];
	int cpu, n, i;
	FILE *f;

	memset(ct, 0, CPU_SETSIZE * sizeof(*ct));
	f = fopen("/proc/stat", "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "cpu", 3) || line[3] < '0' || line[3] > '9')
			continue;
		memset(v, 0, sizeof(v));
		n = sscanf(line + 3, "%d %llu %llu %llu %llu %llu %llu %llu %llu",
			   &cpu, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
			   &v[6], &v[7]);
		if (n < 5 || cpu < 0 || cpu >= CPU_SETSIZE)
			continue;
		/* user nice system idle iowait irq softirq steal */
		for (i = 0; i < 8; i++)
			ct[cpu].total += v[i];
		ct[cpu].idle = v[3] + v[4];
		ct[cpu].have = true;
	}
	fclose(f);
	return 0;
}

static void test_no_idle(void)
{
	int nr = CPU_COUNT(&all_cpus), started = 0, cpu, i, ret;
	unsigned long long total, idle;
	bool ok = false, stopped = true;
	int per_node[AN_MAX_NODES] = { 0 };
	struct an_snap before, after;
	struct streamer *st;
	char line[1024] = "";
	double busy;
	int len = 0;
	char *buf;

	st = calloc(nr, sizeof(*st));
	buf = an_alloc(IDLE_LEN, page_size, MADV_NOHUGEPAGE);
	if (!st || !buf) {
		ksft_print_msg("out of memory\n");
		goto free;
	}
	if (!place_buffer(buf, IDLE_LEN, NODE_A))
		goto free;

	/* All of them want NODE_A; they start there, piled up. */
	c_snap(&before);
	if (!streamers_start_pinned("no_idle", st, nr, buf, IDLE_LEN, NODE_A,
				    &started))
		goto stop;
	an_sleep_ms(IDLE_WARMUP_MS);
	ret = read_cpu_times(stat_a);
	if (!ret) {
		an_sleep_ms(IDLE_SAMPLE_MS);
		ret = read_cpu_times(stat_b);
	}
	c_snap(&after);
	if (ret) {
		ksft_print_msg("/proc/stat: %s\n", strerror(-ret));
		goto stop;
	}
	ok = true;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &all_cpus))
			continue;
		if (!stat_a[cpu].have || !stat_b[cpu].have ||
		    stat_b[cpu].total <= stat_a[cpu].total) {
			ksft_print_msg("idle: no time accounted to CPU %d\n",
				       cpu);
			ok = false;
			continue;
		}
		total = stat_b[cpu].total - stat_a[cpu].total;
		idle = stat_b[cpu].idle - stat_a[cpu].idle;
		busy = idle >= total ? 0.0 : 100.0 * (total - idle) / total;
		if (busy < IDLE_MIN_BUSY)
			ok = false;
		if (len < (int)sizeof(line))
			len += snprintf(line + len, sizeof(line) - len,
					" cpu%d(node %d) %.1f%%", cpu,
					node_of(cpu), busy);
	}
	ksft_print_msg("idle: busy over %d ms:%s\n", IDLE_SAMPLE_MS, line);
	for (i = 0; i < nr; i++) {
		int node = node_of(__atomic_load_n(&st[i].cpu,
						   __ATOMIC_RELAXED));

		if (node >= 0 && node < AN_MAX_NODES)
			per_node[node]++;
	}
	ksft_print_msg("idle: %d threads, at the end %d on node %d, %d on node %d\n",
		       nr, per_node[NODE_A], NODE_A, per_node[NODE_B], NODE_B);
	c_print("idle", &before, &after);
stop:
	stopped = streamers_stop(st, started);
free:
	if (buf)
		free_after(stopped, buf, IDLE_LEN);
	if (stopped)
		free(st);
	ksft_test_result(ok,
			 "idle: %d busy threads with memory on node %d, more than its %d CPU(s): every CPU >= %.0f%% busy over %d s\n",
			 nr, NODE_A, CPU_COUNT(&node_cpus[NODE_A]),
			 IDLE_MIN_BUSY, IDLE_SAMPLE_MS / 1000);
}

/* ---- g: no active balancing that AutoNUMA refuses ---- */

/*
 * Context switches of the CPU stopper of every CPU of @cpus ("migration/N"
 * threads): each run of stopper work is one.  Returns the sum, or -1 when
 * one of them cannot be found or read.
 */
static long long stopper_switches(const cpu_set_t *cpus)
{
	unsigned long long v, sum = 0;
	int found = 0, want = CPU_COUNT(cpus), cpu;
	char path[64], line[256];
	struct dirent *d;
	DIR *dir;
	FILE *f;

	dir = opendir("/proc");
	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (!fgets(line, sizeof(line), f) ||
		    sscanf(line, "migration/%d", &cpu) != 1 ||
		    cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, cpus)) {
			fclose(f);
			continue;
		}
		fclose(f);
		snprintf(path, sizeof(path), "/proc/%s/status", d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "voluntary_ctxt_switches: %llu", &v) == 1 ||
			    sscanf(line, "nonvoluntary_ctxt_switches: %llu", &v) == 1)
				sum += v;
		fclose(f);
		found++;
	}
	closedir(dir);
	return found == want ? (long long)sum : -1;
}

static void test_stopper(void)
{
	int nr = CPU_COUNT(&node_cpus[NODE_A]), started = 0, i, ret;
	unsigned long strays = 0, reports = 0;
	long long sw_a = -1, sw_b = -1;
	bool ok = false, stopped = true;
	struct an_snap before, after;
	struct streamer *st;
	double per_s = 0;
	char *buf;

	st = calloc(nr, sizeof(*st));
	buf = an_alloc(STOPPER_LEN, page_size, MADV_NOHUGEPAGE);
	if (!st || !buf) {
		ksft_print_msg("out of memory\n");
		goto free;
	}
	if (!place_buffer(buf, STOPPER_LEN, NODE_A))
		goto free;
	ret = an_set_knob("scheduler/load_balance_strict", 1);
	if (ret) {
		ksft_print_msg("cannot set scheduler/load_balance_strict: %s\n",
			       strerror(-ret));
		goto free;
	}
	c_snap(&before);
	if (!streamers_start_pinned("stopper", st, nr, buf, STOPPER_LEN,
				    NODE_A, &started))
		goto stop;
	an_sleep_ms(STOPPER_WARMUP_MS);
	/* from here on, every thread must stay on NODE_A */
	for (i = 0; i < nr; i++) {
		__atomic_store_n(&st[i].strays, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&st[i].reports, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&st[i].watch_node, NODE_A, __ATOMIC_RELAXED);
	}
	sw_a = stopper_switches(&node_cpus[NODE_A]);
	an_sleep_ms(STOPPER_SAMPLE_MS);
	sw_b = stopper_switches(&node_cpus[NODE_A]);
	c_snap(&after);
	for (i = 0; i < nr; i++) {
		__atomic_store_n(&st[i].watch_node, -1, __ATOMIC_RELAXED);
		strays += __atomic_load_n(&st[i].strays, __ATOMIC_RELAXED);
		reports += __atomic_load_n(&st[i].reports, __ATOMIC_RELAXED);
	}
	if (sw_a < 0 || sw_b < 0) {
		ksft_print_msg("stopper: cannot read the migration/N threads of node %d\n",
			       NODE_A);
		goto stop;
	}
	per_s = (sw_b - sw_a) * 1000.0 / STOPPER_SAMPLE_MS;
	ksft_print_msg("stopper: %d threads, %lu CPU reports, %lu off node %d\n",
		       nr, reports, strays, NODE_A);
	ksft_print_msg("stopper: node %d's stoppers ran %lld times in %d ms (%.1f/s)\n",
		       NODE_A, sw_b - sw_a, STOPPER_SAMPLE_MS, per_s);
	c_print("stopper", &before, &after);
	ok = reports && !strays && per_s <= STOPPER_MAX_PER_S;
stop:
	stopped = streamers_stop(st, started);
free:
	an_set_knob("scheduler/load_balance_strict", 0);
	if (buf)
		free_after(stopped, buf, STOPPER_LEN);
	if (stopped)
		free(st);
	ksft_test_result(ok,
			 "stopper: load_balance_strict keeps %d busy threads on node %d, its stoppers run <= %d/s\n",
			 nr, NODE_A, STOPPER_MAX_PER_S);
}

/* ---- h: no move into a node without a CPU to spare ---- */

/*
 * A trace instance of this process's own that records every decision of
 * the balancer (autonuma_sched_decision), so that what it did to one
 * thread can be told from what load balancing did.
 */
struct decision_trace {
	char dir[96];
	bool made;
};

static int decision_trace_file(const struct decision_trace *t,
			       const char *file, const char *val)
{
	char path[192];

	snprintf(path, sizeof(path), "%s/%s", t->dir, file);
	return an_write_str(path, val);
}

/* Start recording; -ENOENT when the kernel has no such event or tracefs. */
static int decision_trace_start(struct decision_trace *t)
{
	snprintf(t->dir, sizeof(t->dir), TRACE_DIR "/instances/autonuma_sched.%d",
		 getpid());
	t->made = false;
	if (access(TRACE_DIR "/" DECISION_EVENT, F_OK))
		return -ENOENT;
	if (mkdir(t->dir, 0700))
		return -errno;
	t->made = true;
	return decision_trace_file(t, DECISION_EVENT "/enable", "1");
}

static void decision_trace_end(struct decision_trace *t)
{
	if (!t->made)
		return;
	decision_trace_file(t, DECISION_EVENT "/enable", "0");
	if (rmdir(t->dir))
		ksft_print_msg("cannot remove %s: %s\n", t->dir, strerror(errno));
	t->made = false;
}

/*
 * How many times the recorded decisions took @tid to @node: moved there,
 * or exchanged there as the one that asked or as the partner.  -errno
 * when the trace cannot be read.
 */
static int decision_trace_moves_to(const struct decision_trace *t, pid_t tid,
				   int node)
{
	int pid, from, to, other, n = 0;
	char path[192], action[16];
	char *line = NULL, *ev;
	size_t size = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/trace", t->dir);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (getline(&line, &size, f) > 0) {
		ev = strstr(line, "autonuma_sched_decision: ");
		if (!ev || sscanf(ev, DECISION_LINE, &pid, action, &from, &to,
				  &other) != 5)
			continue;
		if (pid == tid && to == node &&
		    (!strcmp(action, "move") || !strcmp(action, "exchange")))
			n++;
		else if (other == tid && from == node &&
			 !strcmp(action, "exchange"))
			n++;
	}
	free(line);
	fclose(f);
	return n;
}

/*
 * Start busy threads pinned to the CPUs of @node: one on each CPU but the
 * last, and with @full one more on the first, so that the node runs one
 * thread per CPU while its last CPU stays idle.  Returns how many started
 * (all of them on success); they stream over @buf.
 */
static int fillers_start(struct streamer *st, int node, bool full, char *buf,
			 size_t len)
{
	int cpus = CPU_COUNT(&node_cpus[node]), nr = cpus - 1 + full, i;

	for (i = 0; i < nr; i++) {
		streamer_init(&st[i], buf, len);
		CPU_SET(nth_cpu(&node_cpus[node], i < cpus - 1 ? i : 0),
			&st[i].start);
	}
	return streamers_start(st, nr);
}

/*
 * One thread with its memory on NODE_A, started on NODE_B, while NODE_A
 * runs pinned busy threads: with @full one per CPU (the last CPU idle),
 * else one on each CPU but the last.  Returns true when the thread ends
 * on NODE_A within FULL_SPARE_CAP_MS (not @full), or the balancer never
 * moves it there in FULL_HOLD_MS (@full; -ENOENT in *@err when that cannot
 * be told, without the trace event).  *@stopped tells whether every
 * thread stopped.
 */
static bool full_case(const char *what, bool full, char *buf,
		      struct streamer *fill, char *fill_buf, size_t fill_len,
		      bool *stopped, int *err)
{
	int nr = CPU_COUNT(&node_cpus[NODE_A]) - 1 + full, started = 0;
	struct decision_trace trace = { .made = false };
	int filled, moved_in = 0;
	struct on_node cond;
	struct an_snap before, after;
	unsigned long reports, visits;
	struct streamer mover;
	struct stable_wait w;
	bool ok = false;
	char str[256];

	*err = 0;
	filled = fillers_start(fill, NODE_A, full, fill_buf, fill_len);
	if (filled < nr)
		goto stop;
	if (full) {
		*err = decision_trace_start(&trace);
		if (*err) {
			ksft_print_msg("%s: no trace of %s: %s\n", what,
				       DECISION_EVENT, strerror(-*err));
			goto stop;
		}
	}
	c_snap(&before);
	if (!streamers_start_pinned(what, &mover, 1, buf, FULL_LEN, NODE_B,
				    &started))
		goto stop_mover;
	if (full) {
		/* anywhere but NODE_A: with more nodes, its memory may follow */
		reports = __atomic_load_n(&mover.reports, __ATOMIC_RELAXED);
		__atomic_store_n(&mover.avoid_node, NODE_A, __ATOMIC_RELEASE);
		an_sleep_ms(an_budget_ms(FULL_HOLD_MS));
		__atomic_store_n(&mover.avoid_node, -1, __ATOMIC_RELEASE);
		reports = __atomic_load_n(&mover.reports, __ATOMIC_RELAXED) -
			  reports;
		visits = __atomic_load_n(&mover.visits, __ATOMIC_RELAXED);
		moved_in = decision_trace_moves_to(&trace, mover.tid, NODE_A);
		ksft_print_msg("%s: tid %d: %lu reports, %lu on node %d, balancer moves there %d\n",
			       what, mover.tid, reports, visits, NODE_A,
			       moved_in);
		if (moved_in < 0)
			ksft_print_msg("%s: cannot read the trace: %s\n", what,
				       strerror(-moved_in));
		ok = reports && !moved_in;
	} else {
		cond = (struct on_node){ &mover, 1, NODE_A };
		wait_stable(all_on_node, &cond, FULL_SPARE_CAP_MS,
			    FULL_SPARE_STABLE_MS, &w);
		print_stable(what, &w, FULL_SPARE_STABLE_MS);
		ok = w.held;
	}
	c_snap(&after);
	c_print(what, &before, &after);
	ksft_print_msg("%s: %d pinned busy thread(s) on node %d's %d CPU(s); at the end: %s\n",
		       what, nr, NODE_A, CPU_COUNT(&node_cpus[NODE_A]),
		       where_str(&mover, 1, str, sizeof(str)));
	print_task_an(what, getpid(), &mover, 1);
stop_mover:
	*stopped = streamers_stop(&mover, started);
stop:
	decision_trace_end(&trace);
	*stopped = streamers_stop(fill, filled) && *stopped;
	return ok;
}

static void test_full(void)
{
	int cpus = CPU_COUNT(&node_cpus[NODE_A]);
	static char fill_buf[4096];
	bool spare = false, full = false, stopped = true;
	struct streamer *fill;
	int err = 0;
	char *buf;

	if (cpus < 2) {
		ksft_test_result_skip("full: node %d needs 2 CPUs\n", NODE_A);
		ksft_test_result_skip("full: node %d needs 2 CPUs\n", NODE_A);
		return;
	}
	fill = calloc(cpus, sizeof(*fill));
	buf = an_alloc(FULL_LEN, page_size, MADV_NOHUGEPAGE);
	if (!fill || !buf)
		ksft_print_msg("out of memory\n");
	else if (place_buffer(buf, FULL_LEN, NODE_A))
		spare = full_case("full: spare", false, buf, fill, fill_buf,
				  sizeof(fill_buf), &stopped, &err);
	if (spare && stopped)
		full = full_case("full: full", true, buf, fill, fill_buf,
				 sizeof(fill_buf), &stopped, &err);
	if (buf)
		free_after(stopped, buf, FULL_LEN);
	if (stopped)
		free(fill);
	ksft_test_result(spare,
			 "full: a thread with memory on node %d, started on node %d, runs on node %d within %d s while node %d has a CPU to spare\n",
			 NODE_A, NODE_B, NODE_A, FULL_SPARE_CAP_MS / 1000,
			 NODE_A);
	if (err == -ENOENT)
		ksft_test_result_skip("full: no trace event %s to tell the balancer's moves\n",
				      DECISION_EVENT);
	else
		ksft_test_result(full,
				 "full: the balancer does not move it to node %d in %d s while node %d runs one busy thread per CPU, one CPU idle\n",
				 NODE_A, FULL_HOLD_MS / 1000, NODE_A);
}

/* ---- e: enabled=0 stops the balancer at once ---- */

/* The balancer counters that must not move while AutoNUMA is off. */
static const int quiet_counters[] = {
	C_MOVES, C_EXCHANGES, C_REFUSED, C_CALLS, C_NS,
};

/*
 * Did none of the quiet_counters move from @a to @b?  With @what, log
 * those that did, or cannot be read.
 */
static bool c_quiet(const struct an_snap *a, const struct an_snap *b,
		    const char *what)
{
	bool ok = true;
	unsigned int j;
	int i;

	for (j = 0; j < ARRAY_SIZE(quiet_counters); j++) {
		i = quiet_counters[j];
		if (!a->have[i] || !b->have[i]) {
			if (what)
				ksft_print_msg("%s: cannot read %s\n", what,
					       c_names[i]);
			ok = false;
		} else if (b->val[i] != a->val[i]) {
			if (what)
				ksft_print_msg("%s: %s moved from %llu to %llu\n",
					       what, c_names[i], a->val[i],
					       b->val[i]);
			ok = false;
		}
	}
	return ok;
}

/*
 * Wait for balance_calls to grow by @min within @cap_ms.  Returns true
 * when it did; logs why not.
 */
static bool calls_grow(const char *what, unsigned long long min,
		       unsigned long long cap_ms)
{
	unsigned long long t0 = an_now_ms(), start, cur = 0;
	int ret;

	ret = an_get_knob(c_names[C_CALLS], &start);
	cap_ms = an_budget_ms(cap_ms);
	while (!ret && an_now_ms() - t0 < cap_ms) {
		an_sleep_ms(SAMPLE_MS);
		ret = an_get_knob(c_names[C_CALLS], &cur);
		if (!ret && cur - start >= min) {
			ksft_print_msg("%s: %s grew by %llu in %llu ms\n", what,
				       c_names[C_CALLS], cur - start,
				       an_now_ms() - t0);
			return true;
		}
	}
	if (ret)
		ksft_print_msg("%s: cannot read %s: %s\n", what,
			       c_names[C_CALLS], strerror(-ret));
	else
		ksft_print_msg("%s: %s grew by %llu, not %llu, in %llu ms\n",
			       what, c_names[C_CALLS], cur - start, min,
			       an_now_ms() - t0);
	return false;
}

static void test_disable(void)
{
	int nr = min_int(FOLLOW_THREADS, CPU_COUNT(&node_cpus[NODE_B]));
	bool ok = false, resumed = false, stopped = true, tried = false;
	unsigned long long t0, now = 0, last = 0, late = 0, changes = 0;
	struct streamer st[FOLLOW_THREADS];
	struct an_snap a0, a, b;
	int started = 0, ret;
	char *buf;

	buf = an_alloc(DISABLE_LEN, page_size, MADV_NOHUGEPAGE);
	if (!buf) {
		ksft_print_msg("mmap: %s\n", strerror(errno));
		goto out;
	}
	if (!place_buffer(buf, DISABLE_LEN, NODE_B))
		goto free;
	if (!streamers_start_pinned("disable", st, nr, buf, DISABLE_LEN,
				    NODE_A, &started))
		goto stop;
	/* The balancer is running and the threads are on their way. */
	if (!calls_grow("enabled=0: before", DISABLE_MIN_CALLS,
			DISABLE_WARMUP_CAP_MS))
		goto stop;
	ret = an_set_knob("enabled", 0);
	if (ret) {
		ksft_print_msg("cannot write enabled=0: %s\n", strerror(-ret));
		goto stop;
	}
	/*
	 * Poll until nothing moved for DISABLE_QUIET_MS: a balancer call
	 * already past its check may still count within DISABLE_GRACE_MS;
	 * a change seen later fails.
	 */
	t0 = an_now_ms();
	c_snap(&a);
	a0 = a;
	for (;;) {
		an_sleep_ms(DISABLE_POLL_MS);
		c_snap(&b);
		now = an_now_ms() - t0;
		if (!c_quiet(&a, &b, NULL)) {
			if (now > DISABLE_GRACE_MS && !late++)
				c_quiet(&a, &b, "enabled=0");
			a = b;
			last = now;
			changes++;
		} else if (now - last >= DISABLE_QUIET_MS) {
			break;
		}
		if (now >= DISABLE_GRACE_MS + DISABLE_QUIET_MS)
			break;
	}
	ok = c_quiet(&a, &b, "enabled=0") && now - last >= DISABLE_QUIET_MS &&
	     last <= DISABLE_GRACE_MS;
	ksft_print_msg("enabled=0: %llu change(s) seen, the last %llu ms after it (<= %d)\n",
		       changes, last, DISABLE_GRACE_MS);
	ksft_print_msg("enabled=0: then %llu ms without a change (%d needed)\n",
		       now - last, DISABLE_QUIET_MS);
	if (late)
		ksft_print_msg("enabled=0: %llu change(s) seen later than %d ms\n",
			       late, DISABLE_GRACE_MS);
	c_print("enabled=0, from the switch", &a0, &b);

	ret = an_set_knob("enabled", 1);
	if (ret) {
		ksft_print_msg("cannot write enabled=1: %s\n", strerror(-ret));
		goto stop;
	}
	tried = true;
	resumed = calls_grow("enabled=1", 1, ENABLE_RESUME_MS);
stop:
	stopped = streamers_stop(st, started);
free:
	free_after(stopped, buf, DISABLE_LEN);
out:
	if (!tried)
		ksft_print_msg("enabled=1: not tried, the test stopped before\n");
	/* Whatever happened, the other tests need AutoNUMA on. */
	an_set_knob("enabled", 1);
	ksft_test_result(ok,
			 "enabled=0: task moves, exchanges, refused moves and balancer calls stop at once (%d ms)\n",
			 DISABLE_QUIET_MS);
	ksft_test_result(resumed,
			 "enabled=1: %s moves again within %d ms\n",
			 c_names[C_CALLS], ENABLE_RESUME_MS);
}

/* ---- f: clone_reset and fork_reset ---- */

/* A new thread that blocks on a pipe before touching any memory. */
struct blocked {
	int fd;
	pid_t tid;
};

static void *blocked_fn(void *arg)
{
	struct blocked *b = arg;
	char c;

	__atomic_store_n(&b->tid, (pid_t)syscall(SYS_gettid),
			 __ATOMIC_RELEASE);
	while (read(b->fd, &c, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

/*
 * Compare the statistics of a new task with its parent's: equal when
 * they are inherited, empty (no fault_tot or 0, autonuma_node -1) when
 * they are reset.
 */
static bool check_new_task(const char *what, pid_t pid, pid_t tid,
			   bool reset, const struct task_an *parent)
{
	struct task_an t;
	int ret;

	ret = read_task_an(pid, tid, &t);
	if (ret) {
		ksft_print_msg("%s: /proc autonuma of the new task: %s\n", what,
			       strerror(-ret));
		return false;
	}
	ksft_print_msg("%s: parent: node %d fault_tot %lld; new: node %d fault_tot %s%lld\n",
		       what, parent->node, parent->fault_tot, t.node,
		       t.have_tot ? "" : "(none) ", t.fault_tot);
	if (reset)
		return t.fault_tot == 0 && t.node == -1;
	return t.have_tot && t.fault_tot == parent->fault_tot &&
	       t.node == parent->node;
}

static void test_clone_reset(unsigned int reset, const struct task_an *parent)
{
	struct blocked b = { -1, 0 };
	char what[32];
	pthread_t th;
	bool ok = false;
	int fds[2], ret;

	snprintf(what, sizeof(what), "clone_reset=%u", reset);
	if (!parent)
		goto out;
	ret = an_set_knob("scheduler/clone_reset", reset);
	if (ret) {
		ksft_print_msg("cannot set scheduler/clone_reset: %s\n",
			       strerror(-ret));
		goto out;
	}
	if (pipe(fds)) {
		ksft_print_msg("pipe: %s\n", strerror(errno));
		goto out;
	}
	b.fd = fds[0];
	ret = pthread_create(&th, NULL, blocked_fn, &b);
	if (ret) {
		ksft_print_msg("pthread_create: %s\n", strerror(ret));
		goto close;
	}
	if (wait_nonzero(&b.tid))
		ok = check_new_task(what, getpid(), b.tid, reset, parent);
	else
		ksft_print_msg("%s: the new thread does not start\n", what);
	if (write(fds[1], "x", 1) != 1)
		ksft_print_msg("%s: cannot wake the new thread\n", what);
	pthread_join(th, NULL);
close:
	close(fds[0]);
	close(fds[1]);
out:
	ksft_test_result(ok,
			 "%s: a new thread %s\n", what,
			 reset ? "starts with fault_tot 0 and autonuma_node -1" :
				 "starts with its parent's fault_tot and autonuma_node");
}

static void test_fork_reset(unsigned int reset, const struct task_an *parent)
{
	char what[32], c;
	bool ok = false;
	int fds[2], ret;
	pid_t pid;

	snprintf(what, sizeof(what), "fork_reset=%u", reset);
	if (!parent)
		goto out;
	ret = an_set_knob("scheduler/fork_reset", reset);
	if (ret) {
		ksft_print_msg("cannot set scheduler/fork_reset: %s\n",
			       strerror(-ret));
		goto out;
	}
	if (pipe(fds)) {
		ksft_print_msg("pipe: %s\n", strerror(errno));
		goto out;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		ksft_print_msg("fork: %s\n", strerror(errno));
		goto close;
	}
	if (!pid) {
		close(fds[1]);
		while (read(fds[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	/* The statistics were set up by fork() itself. */
	ok = check_new_task(what, pid, 0, reset, parent);
	if (write(fds[1], "x", 1) != 1)
		ksft_print_msg("%s: cannot wake the child\n", what);
	if (!reap(pid))
		ksft_print_msg("%s: the child did not exit cleanly\n", what);
close:
	close(fds[0]);
	close(fds[1]);
out:
	ksft_test_result(ok,
			 "%s: a new process %s\n", what,
			 reset ? "starts with fault_tot 0 and autonuma_node -1" :
				 "starts with its parent's fault_tot and autonuma_node");
}

/*
 * Give the main thread statistics: touch a buffer until its own
 * fault_tot reaches INHERIT_MIN_FAULTS and it has a node (or, at the
 * cap, at least the faults).  Returns true with them in @t.
 */
static bool build_statistics(char *buf, struct task_an *t)
{
	unsigned long long t0 = an_now_ms(), cap = an_budget_ms(INHERIT_CAP_MS);
	pid_t tid = syscall(SYS_gettid);
	unsigned long *w;
	size_t off;
	int ret;

	for (;;) {
		for (off = 0; off < INHERIT_LEN; off += page_size) {
			w = (unsigned long *)(buf + off);
			__atomic_store_n(w, __atomic_load_n(w, __ATOMIC_RELAXED) + 1,
					 __ATOMIC_RELAXED);
		}
		ret = read_task_an(getpid(), tid, t);
		if (ret) {
			ksft_print_msg("inherit: /proc/self/task/%d/autonuma: %s\n",
				       tid, strerror(-ret));
			return false;
		}
		if (t->fault_tot >= INHERIT_MIN_FAULTS && t->node >= 0)
			return true;
		if (an_now_ms() - t0 >= cap) {
			ksft_print_msg("inherit: %llu ms: main thread fault_tot %lld node %d\n",
				       an_now_ms() - t0, t->fault_tot, t->node);
			/* Without a node, fault_tot alone is compared. */
			return t->fault_tot >= INHERIT_MIN_FAULTS;
		}
		an_sleep_ms(5);
	}
}

static void test_inherit(void)
{
	struct task_an parent, frozen;
	bool have = false;
	char *buf;
	int ret;

	buf = an_alloc(INHERIT_LEN, page_size, MADV_NOHUGEPAGE);
	if (!buf) {
		ksft_print_msg("mmap: %s\n", strerror(errno));
		goto run;
	}
	if (!place_buffer(buf, INHERIT_LEN, NODE_B) ||
	    !build_statistics(buf, &parent))
		goto run;
	/*
	 * Freeze the statistics: with AutoNUMA off no hinting fault is
	 * charged and no balancer runs, so the parent's numbers cannot move
	 * between the reading and the clone, and a new task cannot fault
	 * before it is looked at.  clone_reset and fork_reset act at fork
	 * time whatever "enabled" says.
	 */
	ret = an_set_knob("enabled", 0);
	if (ret) {
		ksft_print_msg("cannot write enabled=0: %s\n", strerror(-ret));
		goto run;
	}
	ret = read_task_an(getpid(), syscall(SYS_gettid), &frozen);
	if (ret) {
		ksft_print_msg("inherit: /proc/self autonuma: %s\n",
			       strerror(-ret));
		goto run;
	}
	if (!frozen.have_tot) {
		ksft_print_msg("inherit: no fault_tot in the main thread's autonuma\n");
		goto run;
	}
	have = true;
run:
	test_clone_reset(0, have ? &frozen : NULL);
	test_clone_reset(1, have ? &frozen : NULL);
	test_fork_reset(0, have ? &frozen : NULL);
	test_fork_reset(1, have ? &frozen : NULL);
	an_set_knob("enabled", 1);
	an_set_knob("scheduler/clone_reset", 1);
	an_set_knob("scheduler/fork_reset", 1);
	if (buf)
		an_free(buf, INHERIT_LEN);
}

/* ---- main ---- */

/*
 * Nodes NODE_A and NODE_B online, with memory and with CPUs this program
 * may use; fills in all_cpus, node_cpus[] and cpu_node[].
 */
static const char *nodes_unusable(char *why, size_t size)
{
	unsigned long online[AN_MAX_NODES / (8 * sizeof(long))];
	unsigned long mem[AN_MAX_NODES / (8 * sizeof(long))];
	cpu_set_t set;
	int node, cpu;

	if (sched_getaffinity(0, sizeof(all_cpus), &all_cpus)) {
		snprintf(why, size, "sched_getaffinity: %s", strerror(errno));
		return why;
	}
	if (an_node_mask("online", online) < 0) {
		snprintf(why, size, "cannot read the online nodes");
		return why;
	}
	/* Without N_MEMORY in sysfs, assume every online node has memory. */
	if (an_node_mask("has_memory", mem) < 0)
		memcpy(mem, online, sizeof(mem));
	if (!an_test_bit(online, NODE_A) || !an_test_bit(mem, NODE_A) ||
	    !an_test_bit(online, NODE_B) || !an_test_bit(mem, NODE_B)) {
		snprintf(why, size, "nodes %d and %d must be online with memory",
			 NODE_A, NODE_B);
		return why;
	}
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		cpu_node[cpu] = -1;
	for (node = 0; node < AN_MAX_NODES; node++) {
		CPU_ZERO(&node_cpus[node]);
		if (!an_test_bit(online, node) || an_node_cpus(node, &set) <= 0)
			continue;
		for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
			if (CPU_ISSET(cpu, &set))
				cpu_node[cpu] = node;
		CPU_AND(&node_cpus[node], &set, &all_cpus);
	}
	if (!CPU_COUNT(&node_cpus[NODE_A]) || !CPU_COUNT(&node_cpus[NODE_B])) {
		snprintf(why, size, "nodes %d and %d need CPUs this test may use",
			 NODE_A, NODE_B);
		return why;
	}
	return NULL;
}

int main(void)
{
	const char *failed = "";
	char why[256];
	int ret;

	/* Keep the TAP output of a run killed by the kselftest timeout. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	ksft_print_header();

	if (an_why_unusable(why, sizeof(why)))
		ksft_exit_skip("%s\n", why);
	if (access(SCHED_DIR, F_OK))
		ksft_exit_skip("no %s: kernel without the AutoNUMA scheduler side\n",
			       SCHED_DIR);
	if (nodes_unusable(why, sizeof(why)))
		ksft_exit_skip("%s\n", why);
	page_size = sysconf(_SC_PAGESIZE);

	ret = an_save_all_knobs();
	if (ret)
		ksft_exit_fail_msg("cannot save the knobs: %s\n",
				   strerror(-ret));
	ret = an_enable();
	if (ret)
		ksft_exit_skip("cannot set enabled to 1: %s\n", strerror(-ret));
	ret = an_set_fast_knobs(&failed);
	if (!ret) {
		failed = "scheduler/load_balance_strict";
		ret = an_set_knob(failed, 0);
	}
	if (!ret) {
		failed = "scheduler/clone_reset";
		ret = an_set_knob(failed, 1);
	}
	if (!ret) {
		failed = "scheduler/fork_reset";
		ret = an_set_knob(failed, 1);
	}
	if (ret)
		ksft_exit_fail_msg("cannot set %s: %s\n", failed,
				   strerror(-ret));
	if (an_pfn_map_init())
		ksft_print_msg("no PFN to node map: placement from numa_maps\n");
	else
		ksft_print_msg("PFN to node map from %s\n",
			       an_pfn_map_source());
	ksft_print_msg("%d CPU(s): %d on node %d, %d on node %d\n",
		       CPU_COUNT(&all_cpus), CPU_COUNT(&node_cpus[NODE_A]),
		       NODE_A, CPU_COUNT(&node_cpus[NODE_B]), NODE_B);
	an_set_budget(BUDGET_SECS);
	ksft_set_plan(NR_TESTS);

	test_follow();
	test_numa01();
	test_affinity();
	test_no_idle();
	test_stopper();
	test_disable();
	test_inherit();
	test_full();

	ksft_finished();
	return 0;
}
