// SPDX-License-Identifier: GPL-2.0
/*
 * AutoNUMA per-process opt-out: prctl(PR_SET_AUTONUMA_DISABLE).
 *
 *  - the get call reports the setting, invalid arguments (and 65/66,
 *    PR_SET/GET_MDWE of later kernels) fail with EINVAL and change nothing,
 *    /proc/PID/status and /proc/PID/autonuma show it;
 *  - it is inherited by fork and kept across exec (the test binary
 *    re-executes itself with "--report" to read it after exec);
 *  - a process that opted out before its memory was placed: nothing of it
 *    is scanned or migrated, and a thread it starts gets no AutoNUMA
 *    statistics at all, while an identical process that did not opt out
 *    has its memory follow its thread (the control);
 *  - a forked child of a process that opted out is never scanned;
 *  - a process that opts out after it was placed: no page migrates, no
 *    task is moved, its counters in /proc/PID/autonuma stop;
 *  - a process that opts out while knuma_migratedN holds its pages in a
 *    queue: none of them is migrated, and nr_isolated_* comes back to 0.
 *
 * Each point is a test of its own (kselftest_harness.h); each scenario
 * runs in a child process of its test, so that the test never stays opted
 * out.  Placement comes from /proc/self/pagemap (see autonuma_util.h).
 * Every wait is capped in wall-clock time; the knobs are saved once,
 * every scenario switches AutoNUMA on with the fast knobs, and the program
 * puts them back at exit, also on SIGINT and SIGTERM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "autonuma_util.h"

#ifndef PR_SET_AUTONUMA_DISABLE
#define PR_SET_AUTONUMA_DISABLE	82
#define PR_GET_AUTONUMA_DISABLE	83
#endif
/* numbers later kernels gave other options, which must not be ours */
#define PR_LATER_SET_MDWE	65
#define PR_LATER_GET_MDWE	66

#define SZ_1M			(1024UL * 1024)
#define SRC_NODE		0	/* where memory is first placed */
#define DST_NODE		1	/* where the touching thread runs */

#define FOLLOW_LEN		(16 * SZ_1M)
#define FOLLOW_SCANS		30	/* passes of the control's mm */
#define FOLLOW_SHARE		90.0
#define FOLLOW_CAP_MS		60000
#define OUT_SCANS		20	/* knuma_scand passes while opted out */
#define OUT_MIN_MS		3000	/* and at least this long */
#define OUT_CAP_MS		30000
#define QUEUE_LEN		(32 * SZ_1M)
#define QUEUE_BATCH		256	/* pages_to_migrate: a 512-page queue */
#define QUEUE_SLEEP_MS		3000	/* knuma_migrated/sleep_millisecs */
#define QUEUE_MIN_ISOLATED	64
#define QUEUE_FILL_CAP_MS	20000
#define QUEUE_DRAIN_MS		(QUEUE_SLEEP_MS + 3000)
#define TOUCH_PAUSE_MS		5
#define BUDGET_SECS		400
/* timeouts of the scenarios: their wall-clock caps and a minute more */
#define FOLLOW_TIMEOUT		(FOLLOW_CAP_MS / 1000 + 60)
#define OUT_TIMEOUT		(OUT_CAP_MS / 1000 + 60)
#define PLACED_TIMEOUT		((FOLLOW_CAP_MS + 2 * OUT_CAP_MS) / 1000 + 60)
#define QUEUE_TIMEOUT		((QUEUE_FILL_CAP_MS + QUEUE_DRAIN_MS) / 1000 + 60)

/* Exit codes of the "--report" mode: REPORT_BASE + PR_GET's answer. */
#define REPORT_BASE		10
#define REPORT_ERROR		20

static size_t page_size;

static int get_disable(void)
{
	return prctl(PR_GET_AUTONUMA_DISABLE, 0, 0, 0, 0);
}

static int set_disable(unsigned long val)
{
	return prctl(PR_SET_AUTONUMA_DISABLE, val, 0, 0, 0);
}

/* What /proc/self/status and /proc/self/autonuma say; -1 when missing. */
static void proc_disabled(long long *status, long long *autonuma)
{
	if (an_proc_value("/proc/self/status", "AutoNUMA_disabled", status))
		*status = -1;
	if (an_proc_value("/proc/self/autonuma", "disabled", autonuma))
		*autonuma = -1;
}

static bool proc_says(long long want)
{
	long long st, an;

	proc_disabled(&st, &an);
	if (st == want && an == want)
		return true;
	ksft_print_msg("want %lld: status AutoNUMA_disabled %lld, autonuma disabled %lld\n",
		       want, st, an);
	return false;
}

/* Run @fn in a child process; its result is the child's exit status. */
static int in_child(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return KSFT_FAIL;
	if (!pid)
		_exit(fn(arg));
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
		ksft_print_msg("child %d did not exit normally\n", pid);
		return KSFT_FAIL;
	}
	return WEXITSTATUS(status);
}

/* ---- a thread that keeps touching a buffer ---- */

#define ANY_NODE	-1

struct toucher {
	pthread_t thread;
	char *buf;
	size_t len;
	int node;		/* wanted: pinned to this node, or ANY_NODE */
	int pinned;		/* node it applied, -2 before the first */
	int quit;
	int err;
	pid_t tid;
	unsigned long passes;
	unsigned long ran_on[AN_MAX_NODES];	/* passes ended on each node */
};

static int pin_any(void)
{
	cpu_set_t set;
	long cpu, n = sysconf(_SC_NPROCESSORS_CONF);

	CPU_ZERO(&set);
	for (cpu = 0; cpu < n && cpu < CPU_SETSIZE; cpu++)
		CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

static void *toucher_fn(void *arg)
{
	struct toucher *t = arg;
	unsigned int cpu, here;
	size_t off;

	t->tid = syscall(SYS_gettid);
	while (!__atomic_load_n(&t->quit, __ATOMIC_ACQUIRE)) {
		int node = __atomic_load_n(&t->node, __ATOMIC_ACQUIRE);

		if (node != t->pinned) {
			int err = node == ANY_NODE ? pin_any() :
				  an_pin_to_node(node);

			if (err)
				__atomic_store_n(&t->err, err, __ATOMIC_RELEASE);
			__atomic_store_n(&t->pinned, node, __ATOMIC_RELEASE);
		}
		for (off = 0; off < t->len; off += page_size)
			t->buf[off]++;
		__atomic_add_fetch(&t->passes, 1, __ATOMIC_RELEASE);
		if (!syscall(SYS_getcpu, &cpu, &here, NULL) && here < AN_MAX_NODES)
			__atomic_add_fetch(&t->ran_on[here], 1, __ATOMIC_RELEASE);
		an_sleep_ms(TOUCH_PAUSE_MS);
	}
	return NULL;
}

/* Make the thread run on @node (or anywhere) and wait until it does. */
static int toucher_move(struct toucher *t, int node)
{
	unsigned long long t0 = an_now_ms();

	__atomic_store_n(&t->node, node, __ATOMIC_RELEASE);
	while (__atomic_load_n(&t->pinned, __ATOMIC_ACQUIRE) != node) {
		if (an_now_ms() - t0 > 10000)
			return -ETIMEDOUT;
		an_sleep_ms(1);
	}
	return __atomic_load_n(&t->err, __ATOMIC_ACQUIRE);
}

static int toucher_start(struct toucher *t, char *buf, size_t len, int node)
{
	int ret;

	memset(t, 0, sizeof(*t));
	t->buf = buf;
	t->len = len;
	t->node = node;
	t->pinned = -2;
	ret = pthread_create(&t->thread, NULL, toucher_fn, t);
	if (ret)
		return -ret;
	return toucher_move(t, node);
}

static void toucher_stop(struct toucher *t)
{
	__atomic_store_n(&t->quit, 1, __ATOMIC_RELEASE);
	pthread_join(t->thread, NULL);
}

/* ---- placement and counters ---- */

static double share_on(const char *buf, size_t len, int node,
		       struct an_placement *pl)
{
	if (an_get_placement(buf, len, pl))
		return -1.0;
	return an_share(pl, node);
}

/* A buffer of @len first touched on SRC_NODE, or NULL. */
static char *placed_buffer(size_t len)
{
	struct an_placement pl;
	char *buf;
	int ret;

	buf = an_alloc(len, page_size, MADV_NOHUGEPAGE);
	if (!buf) {
		ksft_print_msg("mmap: %s\n", strerror(errno));
		return NULL;
	}
	ret = an_place_on_node(buf, len, SRC_NODE);
	if (ret || share_on(buf, len, SRC_NODE, &pl) < 99.0) {
		ksft_print_msg("cannot place the buffer on node %d\n", SRC_NODE);
		an_free(buf, len);
		return NULL;
	}
	return buf;
}

static long long vm(const char *name)
{
	unsigned long long v;

	return an_vmstat(name, &v) ? -1 : (long long)v;
}

static long long knob(const char *name)
{
	unsigned long long v;

	return an_get_knob(name, &v) ? -1 : (long long)v;
}

/* nr_isolated_anon + nr_isolated_file, exact (vm/stat_refresh), or -1. */
static long long nr_isolated(void)
{
	if (an_vmstat_refresh())
		return -1;
	if (vm("nr_isolated_anon") < 0 || vm("nr_isolated_file") < 0)
		return -1;
	return vm("nr_isolated_anon") + vm("nr_isolated_file");
}

/*
 * Wait for @k more passes of knuma_scand over all processes, and at least
 * OUT_MIN_MS.  Returns the passes seen.
 */
static long long wait_global_scans(long long k)
{
	unsigned long long t0 = an_now_ms(), cap = an_budget_ms(OUT_CAP_MS);
	long long start = knob(AN_FULL_SCANS), cur = start;

	while (an_now_ms() - t0 < cap &&
	       (cur - start < k || an_now_ms() - t0 < OUT_MIN_MS)) {
		an_sleep_ms(AN_POLL_MS);
		cur = knob(AN_FULL_SCANS);
	}
	return cur - start;
}

/*
 * What /proc/self/task/TID/autonuma says of the scanning and faults: -1
 * for a line that is missing.  A task gets its statistics (fault_tot) and
 * its mm its working set (mm_pass) only when they first run with AutoNUMA
 * on and not opted out; autonuma_node and disabled are always there.
 */
struct counters {
	long long mm_pass, fault_tot, node, disabled;
};

static void counters(pid_t tid, struct counters *c)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/task/%d/autonuma", tid);
	if (an_proc_value(path, "mm_pass", &c->mm_pass))
		c->mm_pass = -1;
	if (an_proc_value(path, "fault_tot", &c->fault_tot))
		c->fault_tot = -1;
	if (an_proc_value(path, "autonuma_node", &c->node))
		c->node = -2;
	if (an_proc_value(path, "disabled", &c->disabled))
		c->disabled = -2;
}

/*
 * knuma_scand counts passes (full_scans) only over a list of processes
 * that is not empty, and a process is put on it by one of its own tasks
 * running with AutoNUMA on: the opted-out children never are.  Make sure
 * this process is, by running until its working set shows up in
 * /proc/self/autonuma (a tick queues the task_work that registers it).
 * It stays listed while it sleeps in waitpid() only as long as AutoNUMA
 * is not switched off: a switch off and on again drops every process,
 * also one registered just after it, when knuma_scand acts on the switch
 * late, and a process that sleeps does not register again.
 */
static int register_self(void)
{
	unsigned long long t0 = an_now_ms(), t;
	long long pass;

	while (an_proc_value("/proc/self/autonuma", "mm_pass", &pass)) {
		if (an_now_ms() - t0 > 10000)
			return -ETIMEDOUT;
		/* busy for 20 ms: a tick must find this task running */
		for (t = an_now_ms(); an_now_ms() - t < 20; )
			;
	}
	return 0;
}

/* ---- the calls themselves, wherever AutoNUMA is built ---- */

TEST(get)
{
	int a = get_disable(), b, c, d;
	bool ok;

	b = set_disable(1) ? -errno : get_disable();
	c = set_disable(0) ? -errno : get_disable();
	d = set_disable(0) ? -errno : get_disable();
	ksft_print_msg("get: %d at start, %d after set 1, %d after set 0, %d after set 0 again\n",
		       a < 0 ? -errno : a, b, c, d);
	ok = a == 0 && b == 1 && c == 0 && d == 0;
	an_log_result(ok,
		      "get: PR_GET_AUTONUMA_DISABLE reports 0, then 1 after PR_SET_AUTONUMA_DISABLE 1, 0 after 0\n");
	EXPECT_TRUE(ok);
}

static bool einval(const char *what, int option, unsigned long a2,
		   unsigned long a3, unsigned long a4, unsigned long a5)
{
	int ret = prctl(option, a2, a3, a4, a5);

	if (ret == -1 && errno == EINVAL)
		return true;
	ksft_print_msg("%s(%lu, %lu, %lu, %lu): %d (%s), not EINVAL\n", what,
		       a2, a3, a4, a5, ret, ret ? strerror(errno) : "success");
	return false;
}

TEST(invalid)
{
	const int set = PR_SET_AUTONUMA_DISABLE, get = PR_GET_AUTONUMA_DISABLE;
	bool ok = true;
	int round;

	/* invalid calls change nothing, whatever the setting */
	for (round = 0; round < 2; round++) {
		if (set_disable(round)) {
			ksft_print_msg("set %d: %s\n", round, strerror(errno));
			ok = false;
			break;
		}
		ok &= einval("set", set, 2, 0, 0, 0);
		ok &= einval("set", set, ~0UL, 0, 0, 0);
		ok &= einval("set", set, !round, 1, 0, 0);
		ok &= einval("set", set, !round, 0, 1, 0);
		ok &= einval("set", set, !round, 0, 0, 1);
		ok &= einval("get", get, 1, 0, 0, 0);
		ok &= einval("get", get, 0, 1, 0, 0);
		ok &= einval("get", get, 0, 0, 1, 0);
		ok &= einval("get", get, 0, 0, 0, 1);
		/*
		 * 65 and 66 are PR_SET_MDWE and PR_GET_MDWE of later kernels
		 * (newer systemd calls the first): not AutoNUMA's, EINVAL
		 * as on any 6.1 kernel, so that such a program falls back.
		 */
		ok &= einval("PR_SET_MDWE", PR_LATER_SET_MDWE, 1, 0, 0, 0);
		ok &= einval("PR_SET_MDWE", PR_LATER_SET_MDWE, 0, 0, 0, 0);
		ok &= einval("PR_GET_MDWE", PR_LATER_GET_MDWE, 0, 0, 0, 0);
		if (get_disable() != round) {
			ksft_print_msg("an invalid call changed the setting from %d\n",
				       round);
			ok = false;
		}
	}
	set_disable(0);
	an_log_result(ok,
		      "invalid: arg2 not 0/1 (set) or not 0 (get), non-zero arg3..arg5, later kernels' PR_SET/GET_MDWE: EINVAL, setting unchanged\n");
	EXPECT_TRUE(ok);
}

TEST(proc)
{
	bool ok;

	ok = proc_says(0);
	ok &= !set_disable(1) && proc_says(1);
	ok &= !set_disable(0) && proc_says(0);
	an_log_result(ok,
		      "proc: /proc/self/status AutoNUMA_disabled and /proc/self/autonuma disabled follow the setting\n");
	EXPECT_TRUE(ok);
}

/* ---- fork and exec ---- */

/* What PR_GET says, checked against /proc, as an exit code. */
static int report_child(void *arg)
{
	int got = get_disable();

	if (got < 0 || !proc_says(got))
		return REPORT_ERROR;
	return REPORT_BASE + got;
}

static int fork_inherit(void *arg)
{
	long want = (long)arg;
	int ret;

	if (set_disable(want))
		return REPORT_ERROR;
	ret = in_child(report_child, NULL);
	if (ret != REPORT_BASE + want)
		ksft_print_msg("fork: parent set %ld, child reported %d\n", want,
			       ret - REPORT_BASE);
	return ret == REPORT_BASE + want ? KSFT_PASS : KSFT_FAIL;
}

TEST(fork_inherits)
{
	int on = in_child(fork_inherit, (void *)1L);
	int off = in_child(fork_inherit, (void *)0L);
	bool ok = on == KSFT_PASS && off == KSFT_PASS;

	an_log_result(ok, "fork: a child reports its parent's setting (1, and 0)\n");
	EXPECT_TRUE(ok);
}

static int exec_child(void *arg)
{
	long want = (long)arg;

	if (set_disable(want))
		return REPORT_ERROR;
	execl("/proc/self/exe", "autonuma_prctl", "--report", NULL);
	ksft_print_msg("exec /proc/self/exe: %s\n", strerror(errno));
	return REPORT_ERROR;
}

TEST(exec_keeps)
{
	int on = in_child(exec_child, (void *)1L);
	int off = in_child(exec_child, (void *)0L);
	bool ok = on == REPORT_BASE + 1 && off == REPORT_BASE;

	ksft_print_msg("exec: after exec the program reports %d (set 1) and %d (set 0)\n",
		       on - REPORT_BASE, off - REPORT_BASE);
	an_log_result(ok, "exec: the setting is kept across execve() (1, and 0)\n");
	EXPECT_TRUE(ok);
}

/* ---- opted out before placement, with a control ---- */

struct follow_goal {
	const char *buf;
	size_t len;
	double pct;
};

static bool follow_reached(void *arg)
{
	struct follow_goal *g = arg;
	struct an_placement pl;

	g->pct = share_on(g->buf, g->len, DST_NODE, &pl);
	return g->pct >= FOLLOW_SHARE;
}

/*
 * A buffer on SRC_NODE, used by a thread on DST_NODE.  Not opted out
 * (@arg 0): the memory must follow the thread.  Opted out (@arg 1), or
 * forked from a process that opted out (@arg 2, which runs the test in
 * such a child, @arg 3): nothing is scanned, nothing migrates.
 */
static int follow_child(void *arg)
{
	long mode = (long)arg;
	struct an_placement pl;
	struct toucher t;
	struct counters c;
	long long scans, mig0, mig;
	const char *what;
	char path[64];
	double pct;
	int ret = KSFT_FAIL;
	char *buf;

	if ((mode == 1 || mode == 2) && set_disable(1))
		return KSFT_FAIL;
	if (mode == 2) {
		/* the rest runs in a child that did not call prctl itself */
		ret = in_child(follow_child, (void *)3L);
		return ret;
	}
	if (mode == 3 && get_disable() != 1) {
		ksft_print_msg("forked child: PR_GET says %d\n", get_disable());
		return KSFT_FAIL;
	}
	buf = placed_buffer(FOLLOW_LEN);
	if (!buf)
		return KSFT_FAIL;
	mig0 = vm("autonuma_pages_migrated");
	if (toucher_start(&t, buf, FOLLOW_LEN, DST_NODE)) {
		ksft_print_msg("cannot start a thread on node %d\n", DST_NODE);
		return KSFT_FAIL;
	}
	if (!mode) {
		struct follow_goal g = { .buf = buf, .len = FOLLOW_LEN };
		struct an_wait w;

		an_wait_full_scans(FOLLOW_SCANS, FOLLOW_CAP_MS, follow_reached,
				   &g, &w);
		ksft_print_msg("control: %.1f%% on node %d: %s after %llu pass(es) in %llu ms\n",
			       g.pct, DST_NODE, an_wait_str(&w), w.scans, w.ms);
		ret = w.end == AN_WAIT_DONE ? KSFT_PASS : KSFT_FAIL;
		goto out;
	}
	scans = wait_global_scans(OUT_SCANS);
	pct = share_on(buf, FOLLOW_LEN, DST_NODE, &pl);
	mig = vm("autonuma_pages_migrated");
	counters(t.tid, &c);
	what = mode == 1 ? "opted out" : "forked child";
	ksft_print_msg("%s: %lld knuma_scand passes, %lu touches: %.1f%% on node %d\n",
		       what, scans, t.passes, pct, DST_NODE);
	ksft_print_msg("%s: %lld pages migrated system-wide\n", what,
		       mig - mig0);
	ksft_print_msg("%s: mm_pass %lld, fault_tot %lld (-1: no such line)\n",
		       what, c.mm_pass, c.fault_tot);
	ksft_print_msg("%s: autonuma_node %lld, disabled %lld\n", what, c.node,
		       c.disabled);
	/*
	 * The thread started after the opt-out: it has no statistics at all
	 * (no fault_tot line), and its mm was never scanned (no working set,
	 * or one of no pass if the process ran before it opted out).
	 */
	if (scans >= OUT_SCANS && pct == 0.0 && c.mm_pass <= 0 &&
	    c.fault_tot == -1 && c.node == -1 && c.disabled == 1) {
		ret = KSFT_PASS;
		goto out;
	}
	ksft_print_msg("%s: pages on node %d %lu, on node %d %lu, not located %lu (%s)\n",
		       what, SRC_NODE, pl.on[SRC_NODE], DST_NODE, pl.on[DST_NODE],
		       pl.unknown, pl.how);
	snprintf(path, sizeof(path), "/proc/self/task/%d/autonuma", t.tid);
	an_log_file(what, path, "");
	an_log_file(what, "/proc/self/autonuma", "");
	an_log_file(what, "/proc/vmstat", "autonuma_");
	an_log_knobs(what);
out:
	toucher_stop(&t);
	an_free(buf, FOLLOW_LEN);
	return ret;
}

/* ---- opted out after placement ---- */

/*
 * Which pages of the buffer changed node between @n0 and @n1 (-1: not
 * known), by direction, and the first few of them: when the placement
 * check fails, the pages that moved.
 */
static void log_moved(const signed char *n0, const signed char *n1,
		      size_t pages)
{
	static const char * const where[] = { "unknown", "node 0", "node 1", "another node" };
	unsigned long moves[4][4] = { { 0 } };
	int from, to, shown = 0;
	size_t i;

	for (i = 0; i < pages; i++) {
		from = n0[i] < 2 ? n0[i] + 1 : 3;
		to = n1[i] < 2 ? n1[i] + 1 : 3;
		moves[from][to]++;
		if (n0[i] != n1[i] && shown++ < 8)
			ksft_print_msg("placed: page %zu: node %d -> %d\n", i,
				       n0[i], n1[i]);
	}
	for (from = 0; from < 4; from++)
		for (to = 0; to < 4; to++)
			if (from != to && moves[from][to])
				ksft_print_msg("placed: %lu page(s) from %s to %s\n",
					       moves[from][to], where[from], where[to]);
}

static void log_ran_on(const struct toucher *t, const unsigned long *ran0)
{
	int n;

	for (n = 0; n < an_online_nodes() && n < AN_MAX_NODES; n++)
		ksft_print_msg("placed: the thread ended %lu touch pass(es) on node %d since\n",
			       __atomic_load_n(&t->ran_on[n], __ATOMIC_ACQUIRE) - ran0[n], n);
}

static int placed_child(void *arg)
{
	struct follow_goal g = { .len = FOLLOW_LEN };
	size_t pages = FOLLOW_LEN / page_size;
	unsigned long ran0[AN_MAX_NODES];
	struct an_placement pl0, pl;
	struct counters c0, c;
	long long mig0, moves0, queued0, failed0, scans, moves;
	signed char *n0 = NULL, *n1 = NULL;
	bool by_page, src_ok, dst_ok;
	char path[64];
	struct toucher t;
	struct an_wait w;
	int ret = KSFT_FAIL;
	char *buf;

	buf = placed_buffer(FOLLOW_LEN);
	if (!buf)
		return KSFT_FAIL;
	n0 = malloc(pages);
	n1 = malloc(pages);
	if (!n0 || !n1) {
		ksft_print_msg("placed: no memory for the page maps\n");
		goto free;
	}
	g.buf = buf;
	if (toucher_start(&t, buf, FOLLOW_LEN, DST_NODE)) {
		ksft_print_msg("cannot start a thread on node %d\n", DST_NODE);
		return KSFT_FAIL;
	}
	an_wait_full_scans(FOLLOW_SCANS, FOLLOW_CAP_MS, follow_reached, &g, &w);
	if (w.end != AN_WAIT_DONE) {
		ksft_print_msg("placed: only %.1f%% on node %d: %s\n", g.pct,
			       DST_NODE, an_wait_str(&w));
		goto out;
	}
	/* placed: opt out, then give AutoNUMA every reason to act */
	if (set_disable(1)) {
		ksft_print_msg("set 1: %s\n", strerror(errno));
		goto out;
	}
	by_page = !an_get_page_nodes(buf, FOLLOW_LEN, &pl0, n0);
	if (!by_page)
		share_on(buf, FOLLOW_LEN, DST_NODE, &pl0);
	memcpy(ran0, t.ran_on, sizeof(ran0));
	counters(t.tid, &c0);
	mig0 = vm("autonuma_pages_migrated");
	queued0 = vm("autonuma_pages_queued");
	failed0 = vm("autonuma_migrate_failed");
	moves0 = vm("autonuma_task_moves") + vm("autonuma_task_exchanges");
	/* on the other node for a while, then free to go anywhere */
	if (toucher_move(&t, SRC_NODE))
		goto out;
	scans = wait_global_scans(OUT_SCANS / 2);
	if (toucher_move(&t, ANY_NODE))
		goto out;
	scans += wait_global_scans(OUT_SCANS / 2);

	if (by_page)
		an_get_page_nodes(buf, FOLLOW_LEN, &pl, n1);
	else
		share_on(buf, FOLLOW_LEN, DST_NODE, &pl);
	counters(t.tid, &c);
	moves = vm("autonuma_task_moves") + vm("autonuma_task_exchanges");
	ksft_print_msg("placed: opted out at %.1f%% on node %d, %lld passes later %.1f%%\n",
		       an_share(&pl0, DST_NODE), DST_NODE, scans,
		       an_share(&pl, DST_NODE));
	ksft_print_msg("placed: since (system-wide): %lld migrated, %lld queued, %lld put back\n",
		       vm("autonuma_pages_migrated") - mig0,
		       vm("autonuma_pages_queued") - queued0,
		       vm("autonuma_migrate_failed") - failed0);
	ksft_print_msg("placed: since (system-wide): %lld task moves+exchanges\n",
		       moves - moves0);
	ksft_print_msg("placed: mm_pass %lld -> %lld, fault_tot %lld -> %lld, autonuma_node %lld\n",
		       c0.mm_pass, c.mm_pass, c0.fault_tot, c.fault_tot, c.node);
	src_ok = pl.on[SRC_NODE] <= pl0.on[SRC_NODE];
	dst_ok = pl.on[DST_NODE] >= pl0.on[DST_NODE];
	ksft_print_msg("placed: pages on node %d %lu -> %lu (may not grow): %s\n",
		       SRC_NODE, pl0.on[SRC_NODE], pl.on[SRC_NODE], src_ok ? "ok" : "FAIL");
	ksft_print_msg("placed: pages on node %d %lu -> %lu (may not shrink): %s\n",
		       DST_NODE, pl0.on[DST_NODE], pl.on[DST_NODE], dst_ok ? "ok" : "FAIL");
	ksft_print_msg("placed: pages not located %lu -> %lu (%s)\n",
		       pl0.unknown, pl.unknown, pl.how);
	if (moves != moves0)
		ksft_print_msg("placed: FAIL: task moves+exchanges %lld -> %lld\n",
			       moves0, moves);
	if (c.mm_pass != c0.mm_pass || c.fault_tot != c0.fault_tot)
		ksft_print_msg("placed: FAIL: the counters of the thread did not stop\n");
	if (c.node != -1)
		ksft_print_msg("placed: FAIL: autonuma_node %lld, not -1\n", c.node);
	/*
	 * The vmstat counters are the whole system's (other processes may
	 * have pages queued): this process's own say that none of its faults
	 * was counted, so none of its pages can have been queued.
	 */
	if (src_ok && dst_ok && moves == moves0 &&
	    c.mm_pass == c0.mm_pass && c.fault_tot == c0.fault_tot &&
	    c.node == -1) {
		ret = KSFT_PASS;
		goto out;
	}
	/* what a reader of the log needs to tell a kernel bug from a race */
	if (by_page)
		log_moved(n0, n1, pages);
	log_ran_on(&t, ran0);
	an_log_file("placed: /proc/self/autonuma", "/proc/self/autonuma", "");
	snprintf(path, sizeof(path), "/proc/self/task/%d/autonuma", t.tid);
	an_log_file("placed: thread's autonuma", path, "");
	an_log_file("placed: vmstat", "/proc/vmstat", "autonuma_");
	an_log_file("placed: vmstat", "/proc/vmstat", "nr_isolated_");
	an_log_knobs("placed: knob");
out:
	toucher_stop(&t);
free:
	free(n0);
	free(n1);
	an_free(buf, FOLLOW_LEN);
	return ret;
}

/* ---- opted out while its pages wait in a migration queue ---- */

static int queued_child(void *arg)
{
	long long iso = -1, iso_at, mig0, failed0, mig, failed;
	struct an_placement pl0, pl;
	unsigned long long t0;
	int ret = KSFT_FAIL;
	struct toucher t;
	char *buf;

	/* knuma_migratedN takes QUEUE_BATCH pages, then sleeps 3 s */
	if (an_set_knob("knuma_migrated/pages_to_migrate", QUEUE_BATCH) ||
	    an_set_knob("knuma_migrated/sleep_millisecs", QUEUE_SLEEP_MS)) {
		ksft_print_msg("cannot set the knuma_migrated knobs\n");
		return KSFT_FAIL;
	}
	buf = placed_buffer(QUEUE_LEN);
	if (!buf)
		return KSFT_FAIL;
	if (toucher_start(&t, buf, QUEUE_LEN, DST_NODE)) {
		ksft_print_msg("cannot start a thread on node %d\n", DST_NODE);
		return KSFT_FAIL;
	}
	t0 = an_now_ms();
	while ((iso = nr_isolated()) < QUEUE_MIN_ISOLATED &&
	       an_now_ms() - t0 < QUEUE_FILL_CAP_MS)
		an_sleep_ms(2);
	if (set_disable(1)) {
		ksft_print_msg("set 1: %s\n", strerror(errno));
		goto out;
	}
	/* what is on the queue now must stay where it is */
	iso_at = nr_isolated();
	share_on(buf, QUEUE_LEN, DST_NODE, &pl0);
	mig0 = vm("autonuma_pages_migrated");
	failed0 = vm("autonuma_migrate_failed");
	an_set_knob("knuma_migrated/pages_to_migrate", 32768);
	an_set_knob("knuma_migrated/sleep_millisecs", AN_FAST_MIGRATE_SLEEP_MS);

	t0 = an_now_ms();
	while ((iso = nr_isolated()) > 0 && an_now_ms() - t0 < QUEUE_DRAIN_MS)
		an_sleep_ms(20);
	an_sleep_ms(500);	/* a late batch would show now */
	share_on(buf, QUEUE_LEN, DST_NODE, &pl);
	mig = vm("autonuma_pages_migrated");
	failed = vm("autonuma_migrate_failed");
	ksft_print_msg("queued: %lld pages isolated when opted out, %lld after %llu ms\n",
		       iso_at, iso, an_now_ms() - t0);
	ksft_print_msg("queued: since: %lld migrated, %lld put back; node %d: %lu -> %lu pages\n",
		       mig - mig0, failed - failed0, DST_NODE, pl0.on[DST_NODE],
		       pl.on[DST_NODE]);
	if (iso_at < QUEUE_MIN_ISOLATED) {
		ksft_print_msg("queued: no pages were queued: proves nothing\n");
		goto out;
	}
	/* pages_migrated is the system's: the buffer's placement is ours */
	if (!iso && pl.on[DST_NODE] <= pl0.on[DST_NODE])
		ret = KSFT_PASS;
out:
	toucher_stop(&t);
	an_free(buf, QUEUE_LEN);
	return ret;
}

/* ---- the scenarios: AutoNUMA running, with the fast knobs ---- */

/* Why the scenarios cannot run here, or NULL: set in main(). */
static const char *unusable;
static char why[256];

FIXTURE(running) {
};

FIXTURE_SETUP(running)
{
	const char *failed = "";
	int ret;

	if (unusable)
		SKIP(return, "needs AutoNUMA running on 2 nodes: %s", unusable);
	/*
	 * Not an_restore_knobs() first: it switches AutoNUMA off and on,
	 * which can drop this process from knuma_scand's list right after
	 * register_self() (see there), and the scenarios that wait for its
	 * passes would wait for none.
	 */
	ret = an_enable();
	ASSERT_EQ(0, ret) TH_LOG("cannot set enabled to 1: %s", strerror(-ret));
	ret = an_set_fast_knobs(&failed);
	ASSERT_EQ(0, ret) TH_LOG("cannot set %s: %s", failed, strerror(-ret));
	ret = register_self();
	ASSERT_EQ(0, ret) TH_LOG("this process is not registered with knuma_scand: %s",
				 strerror(-ret));
}

/* The knobs are put back at exit, not here: see FIXTURE_SETUP(). */
FIXTURE_TEARDOWN(running)
{
}

/* Run scenario @fn(@arg) in a child process; @what describes it. */
static void scenario(struct __test_metadata *_metadata, int (*fn)(void *),
		     void *arg, const char *what)
{
	int ret = in_child(fn, arg);

	an_log_result(ret == KSFT_PASS, "%s", what);
	EXPECT_EQ(KSFT_PASS, ret);
}

TEST_F_TIMEOUT(running, control, FOLLOW_TIMEOUT)
{
	scenario(_metadata, follow_child, (void *)0L,
		 "control: memory of a process that did not opt out follows its thread\n");
}

TEST_F_TIMEOUT(running, before, OUT_TIMEOUT)
{
	scenario(_metadata, follow_child, (void *)1L,
		 "before: opted out before placement: not scanned, no fault counted, nothing migrated\n");
}

TEST_F_TIMEOUT(running, fork, OUT_TIMEOUT)
{
	scenario(_metadata, follow_child, (void *)2L,
		 "fork: a child forked after the opt-out is not scanned and nothing of it migrates\n");
}

TEST_F_TIMEOUT(running, after, PLACED_TIMEOUT)
{
	scenario(_metadata, placed_child, NULL,
		 "after: opted out once placed: no page migrated or queued, no task moved, counters stop\n");
}

TEST_F_TIMEOUT(running, queued, QUEUE_TIMEOUT)
{
	scenario(_metadata, queued_child, NULL,
		 "queued: opted out while its pages wait in a queue: none migrated, nr_isolated_* back to 0\n");
}

int main(int argc, char **argv)
{
	int ret;

	page_size = sysconf(_SC_PAGESIZE);
	if (argc == 2 && !strcmp(argv[1], "--report"))
		return report_child(NULL);

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (access(AUTONUMA_DIR, F_OK)) {
		ret = get_disable();
		an_exit_skip("no %s (CONFIG_AUTONUMA=n): PR_GET_AUTONUMA_DISABLE gives %d (%s)\n",
			     AUTONUMA_DIR, ret, ret < 0 ? strerror(errno) : "no error");
	}
	/* the calls work wherever AutoNUMA is built, the scenarios need it on */
	unusable = an_why_unusable(why, sizeof(why));
	if (unusable)
		return test_harness_run(argc, argv);
	ret = an_save_all_knobs();
	if (ret)
		an_exit_fail("cannot save the knobs: %s\n", strerror(-ret));
	ret = an_enable();
	if (ret)
		an_exit_skip("cannot set enabled to 1: %s\n", strerror(-ret));
	an_restore_knobs();
	if (an_pfn_map_init())
		ksft_print_msg("no PFN to node map: placement from numa_maps\n");
	an_set_budget(BUDGET_SECS);
	return test_harness_run(argc, argv);
}
