// SPDX-License-Identifier: GPL-2.0
/*
 * AutoNUMA memory side: memory follows the CPU that uses it.
 *
 * With fast knobs (a full pass of knuma_scand every ~50 ms) a thread pinned
 * to node 1 touches memory first placed on node 0, and:
 *  - the memory ends up on node 1, as THP when it was THP;
 *  - memory with an explicit mbind() policy, or touched by a thread with
 *    a set_mempolicy() task policy, stays where it is;
 *  - pages two nodes take turns on are not migrated back and forth: they
 *    are seen from the node they are not on, and the filter holds them,
 *    and the same pages, then used alone from the node that has fewer of
 *    them, do migrate there;
 *  - enabled=0 stops scanning and migration, enabled=1 restarts them;
 *  - enabled=0 while pages are being queued leaves none isolated;
 *  - a process that exits while knuma_scand scans it has its memory
 *    freed by the time its parent reaps it (the scanner never holds a
 *    user reference of an mm);
 *  - the thread's own task context scans its mm (knuma_scand/task_scan),
 *    and task_scan=0 stops that while knuma_scand goes on;
 *  - /proc/PID/autonuma reports the faults of the thread on node 1 and is
 *    protected like numa_maps.
 *
 * Where a page is comes from /proc/self/pagemap (PFN, root only) and the
 * node PFN ranges, not from move_pages(), which in 6.1 reports -ENOENT for
 * pages behind a NUMA hinting entry.  Every wait is capped in wall-clock
 * time, so a kernel that does nothing fails instead of hanging.  All knobs
 * are restored at exit, also on SIGINT and SIGTERM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest.h"
#include "autonuma_util.h"

#define SZ_1M			(1024UL * 1024)
#define SZ_2M			(2 * SZ_1M)

#define SRC_NODE		0	/* where memory is first placed */
#define DST_NODE		1	/* where the touching thread runs */

#define FOLLOW_LEN		(64 * SZ_1M)
#define FOLLOW_SCANS		30
#define FOLLOW_SHARE		90.0	/* percent on DST_NODE to reach */
#define FOLLOW_CAP_MS		120000

#define POLICY_LEN		(64 * SZ_1M)
#define POLICY_SCANS		10
#define POLICY_CAP_MS		60000

#define SHARED_LEN		(16 * SZ_1M)
/*
 * The passes the shared pages are used in turns for, and with them the
 * migrations per page allowed: a pass gives a page at most one hinting
 * fault, and the filter's hold-off lets a page that moved b times move
 * again only after 4^b + 1 consecutive faults from one node
 * (shared_moves_within()).  Even a page queued before the wait starts,
 * which moves at no fault of it, needs 5 + 17 faults more to move twice
 * again: more than 20 passes (and the one in progress when the wait
 * starts) can give, so 2 moves per page are allowed.  The bound holds
 * whatever the turns' timing, so the wait is SHARED_SCANS passes on every
 * kernel, not an_test_scale() times as many: on the kasan kernel (scale
 * 3) 60 passes let a page used from one node for 22 of them in a row move
 * a third time.
 */
#define SHARED_SCANS		20
#define SHARED_TURN_MS		50
#define SHARED_CAP_MS		90000
/*
 * Then one node alone: they follow, but a page AutoNUMA moved b times
 * waits for 4^b - 1 more faults (15 after two moves), a pass each.
 */
#define SHARED_SOLO_SCANS	60
#define SHARED_SOLO_CAP_MS	90000

#define DISABLE_LEN		(16 * SZ_1M)
#define DISABLE_WARMUP_SCANS	2
#define DISABLE_WARMUP_CAP_MS	30000
#define DISABLE_GRACE_MS	500	/* on top of 2 sleep intervals */
#define DISABLE_QUIET_MS	1000	/* nothing moves this long ... */
#define DISABLE_POLL_MS		20	/* ... in snapshots this often */
#define ISOLATED_LEN		(32 * SZ_1M)
#define ISOLATED_ROUNDS		100
#define ISOLATED_QUEUE_CAP_MS	2000	/* for a round's first queued page */
#define ISOLATED_DRAIN_MS	1000	/* for nr_isolated_* to reach 0 */
#define EXIT_LEN		(128 * SZ_1M)
#define EXIT_ROUNDS		8
#define EXIT_SLACK		(8 * SZ_1M)	/* the rest of the system */
#define EXIT_MAX_HOGS		16
#define ENABLE_RESUME_MS	5000

#define TASK_SCAN_LEN		(16 * SZ_1M)
#define TASK_SCAN_CAP_MS	30000
#define TASK_SCAN_SETTLE_MS	1500	/* > the 500 ms between task scans */
#define TASK_SCAN_QUIET_MS	2000
/*
 * Address space the thread must cover in task context: a turn ends at its
 * deadline after the page table it is at, so a turn that scans covers one
 * page table at the least (2 MiB with 4 KiB pages).  knuma_scand has the
 * CPU here and finishes the passes the thread starts, and most others:
 * how much more the thread covers depends on how often it comes first.
 */
#define TASK_SCAN_NEED		(2 * SZ_1M)

#define THP_LEN			(8 * SZ_1M)
#define THP_SCANS		30
#define THP_CAP_MS		120000

/* The whole program, well below the kselftest timeout in "settings". */
#define BUDGET_SECS		420

/* Pause between passes of a touching thread: lets knuma_migratedN run. */
#define TOUCH_PAUSE_MS		5
/* How long to wait for a touching thread to start or park. */
#define THREAD_WAIT_MS		30000

#define NOBODY_ID		65534
#define NR_TESTS		17

static size_t page_size;

/* ---- touching threads ---- */

enum { T_RUN, T_PARK, T_QUIT };

struct toucher {
	pthread_t thread;
	int node;		/* pinned to the CPUs of this node */
	int bind_node;		/* task policy MPOL_BIND to it, or -1 */
	char *buf;		/* changed only while parked */
	size_t len;
	int cmd;		/* T_*, set by the main thread */
	int state;		/* the command the thread last saw */
	int started;
	int err;		/* -errno of the setup, 0 when running */
	pid_t tid;
	unsigned long passes;
};

/* Read and write one word of every page of [@buf, @buf + @len). */
static void touch_pass(char *buf, size_t len)
{
	unsigned long *w;
	size_t off;

	for (off = 0; off < len; off += page_size) {
		w = (unsigned long *)(buf + off);
		__atomic_store_n(w, __atomic_load_n(w, __ATOMIC_RELAXED) + 1,
				 __ATOMIC_RELAXED);
	}
}

static void *toucher_fn(void *arg)
{
	struct toucher *t = arg;
	int ret, cmd;

	t->tid = syscall(SYS_gettid);
	ret = an_pin_to_node(t->node);
	if (!ret && t->bind_node >= 0)
		ret = an_bind_task(t->bind_node);
	t->err = ret;
	__atomic_store_n(&t->started, 1, __ATOMIC_RELEASE);
	if (ret)
		return NULL;

	for (;;) {
		cmd = __atomic_load_n(&t->cmd, __ATOMIC_ACQUIRE);
		__atomic_store_n(&t->state, cmd, __ATOMIC_RELEASE);
		if (cmd == T_QUIT)
			break;
		if (cmd == T_PARK) {
			an_sleep_ms(1);
			continue;
		}
		touch_pass(t->buf, t->len);
		__atomic_add_fetch(&t->passes, 1, __ATOMIC_RELAXED);
		an_sleep_ms(TOUCH_PAUSE_MS);
	}
	return NULL;
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

/*
 * Start a thread pinned to @node (with task policy MPOL_BIND to
 * @bind_node unless it is -1) that keeps touching [@buf, @buf + @len).
 * Returns 0 or -errno; the thread is gone on error.
 */
static int toucher_start(struct toucher *t, int node, int bind_node,
			 char *buf, size_t len)
{
	int ret;

	memset(t, 0, sizeof(*t));
	t->node = node;
	t->bind_node = bind_node;
	t->buf = buf;
	t->len = len;
	t->cmd = T_RUN;
	t->state = -1;
	ret = pthread_create(&t->thread, NULL, toucher_fn, t);
	if (ret)
		return -ret;
	if (!wait_int(&t->started, 1)) {
		/* Cannot happen short of a hung kernel: leave it. */
		return -ETIMEDOUT;
	}
	if (t->err) {
		pthread_join(t->thread, NULL);
		return t->err;
	}
	return 0;
}

/*
 * Stop touching; once this returned true the thread does not touch its
 * buffer any more, which may then be unmapped.
 */
static bool toucher_park(struct toucher *t)
{
	__atomic_store_n(&t->cmd, T_PARK, __ATOMIC_RELEASE);
	return wait_int(&t->state, T_PARK);
}

/* Park the thread and end it.  Returns false when it did not park. */
static bool toucher_stop(struct toucher *t)
{
	if (!toucher_park(t))
		return false;
	__atomic_store_n(&t->cmd, T_QUIT, __ATOMIC_RELEASE);
	pthread_join(t->thread, NULL);
	return true;
}

/*
 * Free a test buffer, unless the thread touching it could not be stopped
 * (then it is leaked: unmapping it would crash the thread).
 */
static void free_after(bool stopped, char *buf, size_t len)
{
	if (stopped)
		an_free(buf, len);
	else
		ksft_print_msg("a touching thread did not stop; buffer leaked\n");
}

/* ---- counters ---- */

enum {
	VM_PTE,
	VM_FAULT_LOCAL,
	VM_FAULT_REMOTE,
	VM_QUEUED,
	VM_MIGRATED,
	VM_FAILED,
	VM_THP_MIGRATED,
	VM_THP_SPLIT,
	VM_THP_MIG_SUCCESS,
	NR_VM,
};

static const char * const vm_names[NR_VM] = {
	[VM_PTE] = "autonuma_pte_updates",
	[VM_FAULT_LOCAL] = "autonuma_faults_local",
	[VM_FAULT_REMOTE] = "autonuma_faults_remote",
	[VM_QUEUED] = "autonuma_pages_queued",
	[VM_MIGRATED] = "autonuma_pages_migrated",
	[VM_FAILED] = "autonuma_migrate_failed",
	[VM_THP_MIGRATED] = "autonuma_thp_migrated",
	[VM_THP_SPLIT] = "autonuma_thp_split",
	[VM_THP_MIG_SUCCESS] = "thp_migration_success",
};

static void vm_snap(struct an_snap *s)
{
	an_snap_take(s, vm_names, NR_VM);
}

#define vm_delta an_snap_delta

static void vm_print_delta(const char *what, const struct an_snap *a,
			   const struct an_snap *b)
{
	char line[1024];
	int i, len = 0;

	for (i = 0; i < NR_VM; i++) {
		if (a->have[i] && b->have[i])
			len += snprintf(line + len, sizeof(line) - len,
					" %s +%llu", vm_names[i],
					vm_delta(a, b, i));
		else
			len += snprintf(line + len, sizeof(line) - len,
					" %s n/a", vm_names[i]);
		if (len >= (int)sizeof(line))
			break;
	}
	ksft_print_msg("%s:%s\n", what, line);
}

/* ---- placement ---- */

/* "node0 12.5% node1 87.5% unknown 0 (pagemap)" */
static const char *place_str(const struct an_placement *pl, char *buf,
			     size_t size)
{
	int node, len = 0;

	for (node = 0; node < AN_MAX_NODES && len < (int)size; node++) {
		if (node != SRC_NODE && node != DST_NODE && !pl->on[node])
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
 * Placement of a buffer that nothing should be migrating.  A page caught
 * in the middle of a migration (compaction, say) has no PFN for a moment:
 * read again a few times before reporting unknown pages.
 */
static int settled_placement(const char *buf, size_t len,
			     struct an_placement *pl)
{
	int i, ret;

	for (i = 0; i < 3; i++) {
		ret = an_get_placement(buf, len, pl);
		if (ret || !pl->unknown)
			return ret;
		an_sleep_ms(100);
	}
	return 0;
}

/* Fill @buf with its first touch on @node and check that it is there. */
static bool place_buffer(char *buf, size_t len, int node)
{
	struct an_placement pl;
	char str[256];
	int ret;

	ret = an_place_on_node(buf, len, node);
	if (ret) {
		ksft_print_msg("first touch bound to node %d: %s\n", node,
			       strerror(-ret));
		return false;
	}
	ret = settled_placement(buf, len, &pl);
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

struct share_goal {
	const char *buf;
	size_t len;
	int node;
	double target;
	double pct;		/* last share seen */
	struct an_placement pl;	/* last placement seen */
};

/* an_wait_full_scans() condition: the share on the node reached target. */
static bool share_reached(void *arg)
{
	struct share_goal *g = arg;

	if (an_get_placement(g->buf, g->len, &g->pl))
		return false;
	g->pct = an_share(&g->pl, g->node);
	return g->pct >= g->target;
}

static void print_wait(const char *what, const struct an_wait *w)
{
	ksft_print_msg("%s: %s after %llu full scan(s) in %llu.%03llu s\n",
		       what, an_wait_str(w), w->scans, w->ms / 1000,
		       w->ms % 1000);
}

/* ---- a: memory follows the thread ---- */

/* The thread of test_follow(), kept parked for the /proc tests. */
static struct toucher follow_thread;
static bool follow_thread_alive;

static void test_follow(void)
{
	struct share_goal goal = {
		.len = FOLLOW_LEN,
		.node = DST_NODE,
		.target = FOLLOW_SHARE,
	};
	struct an_snap before, after;
	struct an_wait w;
	bool ok = false;
	char str[256];
	char *buf;
	int ret;

	buf = an_alloc(FOLLOW_LEN, page_size, MADV_NOHUGEPAGE);
	if (!buf) {
		ksft_print_msg("mmap: %s\n", strerror(errno));
		goto out;
	}
	if (!place_buffer(buf, FOLLOW_LEN, SRC_NODE))
		goto free;

	vm_snap(&before);
	ret = toucher_start(&follow_thread, DST_NODE, -1, buf, FOLLOW_LEN);
	if (ret) {
		ksft_print_msg("thread on node %d: %s\n", DST_NODE,
			       strerror(-ret));
		goto free;
	}
	follow_thread_alive = true;
	goal.buf = buf;
	an_wait_full_scans(FOLLOW_SCANS, FOLLOW_CAP_MS, share_reached, &goal,
			   &w);
	vm_snap(&after);
	ok = w.end == AN_WAIT_DONE;
	if (!goal.pl.how)	/* never sampled: full_scans did not move */
		share_reached(&goal);
	print_wait("follow", &w);
	ksft_print_msg("follow: %.1f%% on node %d after %llu full scan(s): %s\n",
		       goal.pct, DST_NODE, w.scans,
		       place_str(&goal.pl, str, sizeof(str)));
	vm_print_delta("follow", &before, &after);

	if (!toucher_park(&follow_thread)) {
		ksft_print_msg("the thread on node %d does not park\n",
			       DST_NODE);
		follow_thread_alive = false;
		goto out;
	}
free:
	an_free(buf, FOLLOW_LEN);
out:
	ksft_test_result(ok,
			 "follow: 64 MiB placed on node %d, used from node %d: >= %.0f%% on node %d within %d full scans\n",
			 SRC_NODE, DST_NODE, FOLLOW_SHARE, DST_NODE,
			 FOLLOW_SCANS);
}

/* ---- f: /proc/PID/autonuma ---- */

#define MAX_KV		(3 * AN_MAX_NODES + 8)

struct kv {
	char key[32];
	long long val[2];
	int nr;
};

/* Parse "key v1 [v2]" lines.  Returns the number of lines or -EINVAL. */
static int parse_kv(const char *buf, struct kv *kv, int max)
{
	const char *p = buf, *nl;
	char line[256], rest[8];
	int n = 0, ret;

	while (*p) {
		nl = strchr(p, '\n');
		if (!nl || nl - p >= (int)sizeof(line) || n >= max)
			return -EINVAL;
		memcpy(line, p, nl - p);
		line[nl - p] = '\0';
		p = nl + 1;
		ret = sscanf(line, "%31s %lld %lld %7s", kv[n].key,
			     &kv[n].val[0], &kv[n].val[1], rest);
		if (ret < 2 || ret > 3)
			return -EINVAL;
		kv[n].nr = ret - 1;
		n++;
	}
	return n;
}

static const struct kv *find_kv(const struct kv *kv, int n, const char *key)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(kv[i].key, key))
			return &kv[i];
	return NULL;
}

/* Log a /proc/PID/autonuma file on one line. */
static void print_file(const char *what, const char *buf)
{
	char esc[1024];

	ksft_print_msg("%s: '%s'\n", what,
		       an_escape(buf, strlen(buf), esc, sizeof(esc)));
}

/*
 * Check that @kv holds every key of the contract with the right number
 * of values, in range.  Logs what is wrong.
 */
static bool check_keys(const struct kv *kv, int n)
{
	static const char * const scalars[] = {
		"autonuma_node", "fault_pass", "fault_tot", "mm_pass", "mm_tot",
		"mm_pause_ms",
	};
	static const char * const per_node[] = { "task_node", "mm_node" };
	unsigned long possible[AN_MAX_NODES / (8 * sizeof(long))];
	const struct kv *e;
	unsigned int i, j;
	char key[32];
	bool ok = true;
	int node;

	for (i = 0; i < ARRAY_SIZE(scalars); i++) {
		e = find_kv(kv, n, scalars[i]);
		if (!e || e->nr != 1) {
			ksft_print_msg("key %s: %s\n", scalars[i],
				       e ? "not one value" : "missing");
			ok = false;
		}
	}
	e = find_kv(kv, n, "autonuma_node");
	if (e && (e->val[0] < -1 || e->val[0] >= AN_MAX_NODES)) {
		ksft_print_msg("autonuma_node %lld\n", e->val[0]);
		ok = false;
	}
	if (an_node_mask("possible", possible) <= 0) {
		ksft_print_msg("cannot read the possible nodes\n");
		return false;
	}
	for (node = 0; node < AN_MAX_NODES; node++) {
		if (!an_test_bit(possible, node))
			continue;
		for (j = 0; j < ARRAY_SIZE(per_node); j++) {
			snprintf(key, sizeof(key), "%s%d", per_node[j], node);
			e = find_kv(kv, n, key);
			if (!e || e->nr != 2 || e->val[0] < 0 ||
			    e->val[1] < 0 || e->val[1] > 1000) {
				ksft_print_msg("key %s: %s\n", key,
					       e ? "not <count> <per-mille>" :
						   "missing");
				ok = false;
			}
		}
	}
	return ok;
}

static int read_proc_autonuma(const char *pid, char *buf, size_t size)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%s/autonuma", pid);
	return an_read_file(path, buf, size);
}

static void test_proc_self(void)
{
	struct kv kv[MAX_KV];
	char buf[4096];
	bool ok = false;
	int ret, n;

	ret = read_proc_autonuma("self", buf, sizeof(buf));
	if (ret < 0) {
		ksft_print_msg("read /proc/self/autonuma: %s\n",
			       strerror(-ret));
		goto out;
	}
	n = parse_kv(buf, kv, MAX_KV);
	if (n < 0)
		ksft_print_msg("not 'key value...' lines\n");
	else
		ok = check_keys(kv, n);
	if (!ok)
		print_file("/proc/self/autonuma", buf);
out:
	ksft_test_result(ok,
			 "proc: /proc/self/autonuma is readable and has every key of the contract\n");
}

static void test_proc_kthread(void)
{
	char buf[4096];
	bool ok = false;
	int ret;

	if (!an_pid_is_kthread("2")) {
		ksft_test_result_skip("proc: pid 2 is not a kernel thread\n");
		return;
	}
	ret = read_proc_autonuma("2", buf, sizeof(buf));
	if (ret < 0) {
		ksft_print_msg("read /proc/2/autonuma: %s\n", strerror(-ret));
		goto out;
	}
	ok = !strcmp(buf, "autonuma_node -1\n");
	if (!ok)
		print_file("/proc/2/autonuma", buf);
out:
	ksft_test_result(ok,
			 "proc: a kernel thread (pid 2) shows only 'autonuma_node -1'\n");
}

/* After test_follow(), its thread has faulted mostly from DST_NODE. */
static void test_proc_thread(void)
{
	long long best = -1;
	int n, ret, node, best_node = -1, ties = 0;
	struct kv kv[MAX_KV];
	char pid[32], buf[4096], key[32];
	const struct kv *e;
	bool ok = false;

	if (!follow_thread_alive) {
		ksft_test_result_skip("proc: no thread left by the follow test\n");
		return;
	}
	snprintf(pid, sizeof(pid), "%d", follow_thread.tid);
	ret = read_proc_autonuma(pid, buf, sizeof(buf));
	if (ret < 0) {
		ksft_print_msg("read /proc/%s/autonuma: %s\n", pid,
			       strerror(-ret));
		goto out;
	}
	n = parse_kv(buf, kv, MAX_KV);
	if (n < 0) {
		ksft_print_msg("not 'key value...' lines\n");
		goto print;
	}
	for (node = 0; node < AN_MAX_NODES; node++) {
		snprintf(key, sizeof(key), "task_node%d", node);
		e = find_kv(kv, n, key);
		if (!e || e->nr != 2)
			continue;
		if (e->val[1] > best) {
			best = e->val[1];
			best_node = node;
			ties = 0;
		} else if (e->val[1] == best) {
			ties++;
		}
	}
	ok = best_node == DST_NODE && !ties && best > 0;
	if (!ok)
		ksft_print_msg("largest task_node per-mille: %lld on node %d%s\n",
			       best, best_node, ties ? " (tied)" : "");
print:
	if (!ok)
		print_file("thread", buf);
out:
	ksft_test_result(ok,
			 "proc: the thread of the follow test has its largest task_node per-mille on node %d\n",
			 DST_NODE);
}

#define CHILD_NO_PRIV_DROP	251
#define CHILD_READ_OK		252

/*
 * Child side of test_proc_eacces(): as nobody, read /proc/1/autonuma.
 * Exit status 0 means EACCES from open() or read(), CHILD_READ_OK that
 * the read worked; anything else is another errno.
 */
static void eacces_child(void)
{
	char buf[256];
	int fd;

	if (setgroups(0, NULL) || setgid(NOBODY_ID) || setuid(NOBODY_ID))
		_exit(CHILD_NO_PRIV_DROP);
	fd = open("/proc/1/autonuma", O_RDONLY);
	if (fd < 0)
		_exit(errno == EACCES ? 0 : errno);
	if (read(fd, buf, sizeof(buf)) < 0)
		_exit(errno == EACCES ? 0 : errno);
	_exit(CHILD_READ_OK);
}

/*
 * ---- lazy: no AutoNUMA state for what runs while AutoNUMA is off ----
 *
 * A process that starts and runs while AutoNUMA is off gets neither task
 * statistics nor an mm working set (/proc/PID/autonuma shows only its
 * node, -1); once AutoNUMA is on, its first run allocates both.
 */
#define LAZY_OFF_MS		500	/* the child runs this long while off */
#define LAZY_ON_CAP_MS		5000	/* for its state to appear once on */

/* Whether /proc/@pid/autonuma shows statistics: 1, 0, or -errno. */
static int proc_has_stats(pid_t pid)
{
	char path[64], buf[4096];
	int ret;

	snprintf(path, sizeof(path), "/proc/%d/autonuma", pid);
	ret = an_read_file(path, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	return !!strstr(buf, "fault_pass ");
}

static void test_lazy_state(void)
{
	unsigned long long t0, waited = 0;
	int off = -1, on = 0, ret, status;
	bool ok = false;
	pid_t pid;

	ret = an_set_knob("enabled", 0);
	if (ret) {
		ksft_print_msg("cannot write enabled=0: %s\n", strerror(-ret));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		ksft_print_msg("fork: %s\n", strerror(errno));
		goto out;
	}
	if (!pid) {
		unsigned long spin = 0;

		/* run, so that the tick sees it, and never sleep */
		for (;;)
			__atomic_store_n(&spin, spin + 1, __ATOMIC_RELAXED);
	}
	an_sleep_ms(LAZY_OFF_MS);
	off = proc_has_stats(pid);
	ret = an_set_knob("enabled", 1);
	if (!ret) {
		t0 = an_now_ms();
		while ((on = proc_has_stats(pid)) == 0 &&
		       (waited = an_now_ms() - t0) < LAZY_ON_CAP_MS)
			an_sleep_ms(20);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	if (ret) {
		ksft_print_msg("cannot write enabled=1: %s\n", strerror(-ret));
		goto out;
	}
	if (off < 0 || on < 0) {
		ksft_print_msg("lazy: cannot read /proc/%d/autonuma: %s\n", pid,
			       strerror(-(off < 0 ? off : on)));
		goto out;
	}
	ksft_print_msg("lazy: a process running %d ms with AutoNUMA off %s statistics\n",
		       LAZY_OFF_MS, off ? "has" : "has no");
	ksft_print_msg("lazy: once on, it %s them within %llu ms\n",
		       on ? "got" : "did not get", waited);
	ok = !off && on;
out:
	an_set_knob("enabled", 1);
	ksft_test_result(ok,
			 "lazy: no AutoNUMA state while off, allocated within %d ms once on\n",
			 LAZY_ON_CAP_MS);
}

static void test_proc_eacces(void)
{
	struct stat st;
	bool ok = false;
	int status;
	pid_t pid;

	if (stat("/proc/1", &st) || st.st_uid) {
		ksft_test_result_skip("proc: pid 1 is not owned by root\n");
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		ksft_print_msg("fork: %s\n", strerror(errno));
		goto out;
	}
	if (!pid)
		eacces_child();
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
		ksft_print_msg("child did not exit normally\n");
		goto out;
	}
	switch (WEXITSTATUS(status)) {
	case 0:
		ok = true;
		break;
	case CHILD_READ_OK:
		ksft_print_msg("uid %d could read /proc/1/autonuma\n",
			       NOBODY_ID);
		break;
	case CHILD_NO_PRIV_DROP:
		ksft_print_msg("cannot switch to uid/gid %d\n", NOBODY_ID);
		break;
	default:
		ksft_print_msg("failed with errno %d, not EACCES\n",
			       WEXITSTATUS(status));
		break;
	}
out:
	ksft_test_result(ok, "proc: uid %d gets EACCES reading /proc/1/autonuma\n",
			 NOBODY_ID);
}

/* ---- b: explicit policies are obeyed ---- */

/*
 * Touch @buf, all of it on SRC_NODE, from a thread on DST_NODE (with
 * task policy @bind_node, or none when -1) for POLICY_SCANS full scans:
 * not one page may leave SRC_NODE.
 */
static bool policy_stays(char *buf, size_t len, int bind_node,
			 const char *what)
{
	struct an_snap before, after;
	struct an_placement pl;
	struct toucher t;
	struct an_wait w;
	bool ok, stopped;
	char str[256];
	int ret;

	vm_snap(&before);
	ret = toucher_start(&t, DST_NODE, bind_node, buf, len);
	if (ret) {
		ksft_print_msg("%s: thread on node %d: %s\n", what, DST_NODE,
			       strerror(-ret));
		an_free(buf, len);
		return false;
	}
	an_wait_full_scans(POLICY_SCANS, POLICY_CAP_MS, NULL, NULL, &w);
	stopped = toucher_stop(&t);
	vm_snap(&after);
	ok = w.end == AN_WAIT_SCANS;
	if (!ok)
		print_wait(what, &w);

	ret = settled_placement(buf, len, &pl);
	if (ret) {
		ksft_print_msg("%s: cannot read the placement: %s\n", what,
			       strerror(-ret));
		ok = false;
	} else {
		if (pl.on[SRC_NODE] != pl.pages)
			ok = false;
		ksft_print_msg("%s: after %llu full scan(s), %lu passes: %s\n",
			       what, w.scans, t.passes,
			       place_str(&pl, str, sizeof(str)));
	}
	vm_print_delta(what, &before, &after);
	free_after(stopped, buf, len);
	return ok;
}

static void test_mbind(void)
{
	size_t off;
	bool ok = false;
	char *buf;
	int ret;

	buf = an_alloc(POLICY_LEN, page_size, MADV_NOHUGEPAGE);
	if (!buf) {
		ksft_print_msg("mmap: %s\n", strerror(errno));
		goto out;
	}
	ret = an_mbind_node(buf, POLICY_LEN, SRC_NODE, 0);
	if (ret) {
		ksft_print_msg("mbind: %s\n", strerror(-ret));
		an_free(buf, POLICY_LEN);
		goto out;
	}
	/* Placed by the VMA policy, which stays. */
	for (off = 0; off < POLICY_LEN; off += page_size)
		buf[off] = 1;
	ok = policy_stays(buf, POLICY_LEN, -1, "mbind");
out:
	ksft_test_result(ok,
			 "mbind: memory bound to node %d with mbind() stays there when used from node %d for %d full scans\n",
			 SRC_NODE, DST_NODE, POLICY_SCANS);
}

static void test_task_policy(void)
{
	bool ok = false;
	char *buf;

	buf = an_alloc(POLICY_LEN, page_size, MADV_NOHUGEPAGE);
	if (!buf) {
		ksft_print_msg("mmap: %s\n", strerror(errno));
		goto out;
	}
	if (!place_buffer(buf, POLICY_LEN, SRC_NODE)) {
		an_free(buf, POLICY_LEN);
		goto out;
	}
	ok = policy_stays(buf, POLICY_LEN, SRC_NODE, "set_mempolicy");
out:
	ksft_test_result(ok,
			 "set_mempolicy: a thread on node %d bound to node %d by its task policy does not pull default-policy memory for %d full scans\n",
			 DST_NODE, SRC_NODE, POLICY_SCANS);
}

/* ---- c: shared pages do not ping-pong ---- */

struct turns {
	char *buf;
	size_t len;
	int turn;		/* index of the thread whose turn it is */
	int solo;		/* this thread keeps its turn; -1: none */
	int quit;
	int started[2];
	int err[2];
	unsigned long nr_turns;
	unsigned long long turn_ms;	/* total time of all turns */
};

struct turn_thread {
	struct turns *tt;
	int me;
	int node;
	pthread_t thread;
};

/*
 * On its turn a thread touches every page, and keeps doing so (with a
 * short pause between passes) for SHARED_TURN_MS, then hands over.
 */
static void *turn_fn(void *arg)
{
	struct turn_thread *th = arg;
	struct turns *tt = th->tt;
	unsigned long long t0;
	int ret;

	ret = an_pin_to_node(th->node);
	tt->err[th->me] = ret;
	__atomic_store_n(&tt->started[th->me], 1, __ATOMIC_RELEASE);
	if (ret)
		return NULL;

	while (!__atomic_load_n(&tt->quit, __ATOMIC_ACQUIRE)) {
		if (__atomic_load_n(&tt->turn, __ATOMIC_ACQUIRE) != th->me) {
			an_sleep_ms(1);
			continue;
		}
		t0 = an_now_ms();
		do {
			touch_pass(tt->buf, tt->len);
			an_sleep_ms(1);
		} while (an_now_ms() - t0 < SHARED_TURN_MS);
		tt->turn_ms += an_now_ms() - t0;
		tt->nr_turns++;
		if (__atomic_load_n(&tt->solo, __ATOMIC_ACQUIRE) == th->me)
			continue;
		__atomic_store_n(&tt->turn, !th->me, __ATOMIC_RELEASE);
	}
	return NULL;
}

static void stop_turns(struct turns *tt, struct turn_thread *th, int nr)
{
	int i;

	__atomic_store_n(&tt->quit, 1, __ATOMIC_RELEASE);
	for (i = 0; i < nr; i++)
		pthread_join(th[i].thread, NULL);
}

/*
 * The most moves of one page within a window in which it takes at most
 * @faults hinting faults: one it was queued for before (no fault in the
 * window), then one each time 4^b + 1 consecutive faults come from one
 * node, b the moves so far.
 */
static unsigned int shared_moves_within(unsigned long long faults)
{
	unsigned long long need = 0;
	unsigned int moves = 1;

	while (moves < 32 && need + (1ULL << (2 * moves)) + 1 <= faults) {
		need += (1ULL << (2 * moves)) + 1;
		moves++;
	}
	return moves;
}

static void test_shared(void)
{
	unsigned long long migrated, faults, remote, queued;
	unsigned long long pages = SHARED_LEN / page_size;
	unsigned int allowed;
	struct share_goal goal = {
		.len = SHARED_LEN,
		.node = DST_NODE,
		.target = FOLLOW_SHARE,
	};
	struct an_snap before, after, solo;
	bool ok = false, solo_ok = false;
	struct turn_thread th[2];
	struct turns tt = { 0 };
	struct an_placement pl;
	int i, ret, nr_started = 0;
	struct an_wait w, w2;
	char str[256];
	int solo_me;

	tt.solo = -1;
	tt.buf = an_alloc(SHARED_LEN, page_size, MADV_NOHUGEPAGE);
	if (!tt.buf) {
		ksft_print_msg("mmap: %s\n", strerror(errno));
		goto out;
	}
	tt.len = SHARED_LEN;
	goal.buf = tt.buf;
	if (!place_buffer(tt.buf, SHARED_LEN, SRC_NODE))
		goto free;

	vm_snap(&before);
	for (i = 0; i < 2; i++) {
		th[i].tt = &tt;
		th[i].me = i;
		th[i].node = i ? DST_NODE : SRC_NODE;
		ret = pthread_create(&th[i].thread, NULL, turn_fn, &th[i]);
		if (ret) {
			ksft_print_msg("pthread_create: %s\n", strerror(ret));
			goto stop;
		}
		nr_started++;
		if (!wait_int(&tt.started[i], 1)) {
			ksft_print_msg("thread %d does not start\n", i);
			goto stop;
		}
		if (tt.err[i]) {
			ksft_print_msg("thread on node %d: %s\n", th[i].node,
				       strerror(-tt.err[i]));
			goto stop;
		}
	}

	an_wait_passes(SHARED_SCANS, SHARED_CAP_MS, NULL, NULL, &w);
	vm_snap(&after);
	ok = w.end == AN_WAIT_SCANS;
	if (!ok)
		print_wait("shared", &w);
	migrated = vm_delta(&before, &after, VM_MIGRATED);
	remote = vm_delta(&before, &after, VM_FAULT_REMOTE);
	queued = vm_delta(&before, &after, VM_QUEUED);
	faults = vm_delta(&before, &after, VM_FAULT_LOCAL) + remote;
	if (!after.have[VM_MIGRATED] || !after.have[VM_FAULT_REMOTE] ||
	    !after.have[VM_QUEUED]) {
		ksft_print_msg("no %s, %s or %s in /proc/vmstat\n",
			       vm_names[VM_MIGRATED], vm_names[VM_FAULT_REMOTE],
			       vm_names[VM_QUEUED]);
		ok = false;
	}
	if (!faults) {
		ksft_print_msg("no hinting fault at all: the test proves nothing\n");
		ok = false;
	}
	/*
	 * Not moving proves something only if the pages were seen from the
	 * node they are not on, and the two-fault filter held them: at
	 * least one remote fault per page, and per page at least one remote
	 * fault more than pages queued (a remote fault that queues nothing
	 * is a fault from a node other than the page's last one, or one
	 * more a bounced page must wait; the solo phase below shows that
	 * nothing else kept these pages from queueing).
	 */
	if (remote < pages) {
		ksft_print_msg("shared: %llu remote faults for %llu pages: not seen from node %d\n",
			       remote, pages, DST_NODE);
		ksft_print_msg("shared: unseen pages prove nothing\n");
		ok = false;
	}
	if (remote < queued + pages) {
		ksft_print_msg("shared: %llu remote faults queued %llu pages\n",
			       remote, queued);
		ksft_print_msg("shared: the filter held back < 1 fault per page\n");
		ok = false;
	}
	/* polled: the wait may end a pass or two after SHARED_SCANS */
	allowed = shared_moves_within(w.scans + 1);
	if (migrated > allowed * pages)
		ok = false;
	ksft_print_msg("shared: %llu pages migrated for %llu pages: %.2f per page\n",
		       migrated, pages, (double)migrated / pages);
	ksft_print_msg("shared: %u per page allowed in %llu passes\n",
		       allowed, w.scans);
	ksft_print_msg("shared: %llu remote faults (%.2f per page), %llu queued, %llu held\n",
		       remote, (double)remote / pages, queued,
		       remote > queued ? remote - queued : 0);
	ksft_print_msg("shared: %lu turns of %llu ms on average\n", tt.nr_turns,
		       tt.nr_turns ? tt.turn_ms / tt.nr_turns : 0);
	if (w.scans)
		ksft_print_msg("shared: a full scan every %llu ms\n",
			       w.ms / w.scans);
	vm_print_delta("shared", &before, &after);

	/*
	 * The positive control: the thread of the node that holds fewer of
	 * the pages keeps its turn, and the same pages, now faulted from
	 * that node only, must follow it there.
	 */
	if (an_get_placement(tt.buf, SHARED_LEN, &pl)) {
		ksft_print_msg("shared: cannot read the placement\n");
		goto stop;
	}
	solo_me = pl.on[DST_NODE] <= pl.on[SRC_NODE];
	goal.node = th[solo_me].node;
	ksft_print_msg("shared: now %s: node %d alone from here\n",
		       place_str(&pl, str, sizeof(str)), goal.node);
	__atomic_store_n(&tt.solo, solo_me, __ATOMIC_RELEASE);
	an_wait_full_scans(SHARED_SOLO_SCANS, SHARED_SOLO_CAP_MS, share_reached,
			   &goal, &w2);
	vm_snap(&solo);
	solo_ok = w2.end == AN_WAIT_DONE;
	if (!goal.pl.how)	/* never sampled: full_scans did not move */
		share_reached(&goal);
	print_wait("shared, one node alone", &w2);
	ksft_print_msg("shared, node %d alone: %.1f%% on node %d after %llu full scan(s): %s\n",
		       goal.node, goal.pct, goal.node, w2.scans,
		       place_str(&goal.pl, str, sizeof(str)));
	vm_print_delta("shared, one node alone", &after, &solo);
stop:
	stop_turns(&tt, th, nr_started);
	if (!an_get_placement(tt.buf, SHARED_LEN, &pl))
		ksft_print_msg("shared: at the end %s\n",
			       place_str(&pl, str, sizeof(str)));
free:
	an_free(tt.buf, SHARED_LEN);
out:
	ksft_test_result(ok,
			 "shared: pages used in turns from nodes %d and %d for %d full scans, seen remote and held by the filter, migrate at most %u times each\n",
			 SRC_NODE, DST_NODE, SHARED_SCANS,
			 shared_moves_within(SHARED_SCANS + 1));
	ksft_test_result(solo_ok,
			 "shared: then used alone from the node with fewer of them, >= %.0f%% of them there within %d full scans\n",
			 FOLLOW_SHARE, SHARED_SOLO_SCANS);
}

/* ---- d: enabled=0 stops everything, enabled=1 restarts ---- */

/* Sum of utime + stime, in ticks, of the knuma_* kernel threads. */
static unsigned long long knuma_ticks(void)
{
	char path[300], buf[1024], comm[64];
	unsigned long long sum = 0, ut, st;
	struct dirent *de;
	char *p;
	DIR *dir;

	dir = opendir("/proc");
	if (!dir)
		return 0;
	while ((de = readdir(dir))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		if (an_read_file(path, comm, sizeof(comm)) < 0 ||
		    strncmp(comm, KNUMA_COMM_PREFIX, strlen(KNUMA_COMM_PREFIX)) ||
		    !an_pid_is_kthread(de->d_name))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		if (an_read_file(path, buf, sizeof(buf)) < 0)
			continue;
		p = strrchr(buf, ')');
		/* Fields 14 and 15, the 12th and 13th after "(comm)". */
		if (p && sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
				&ut, &st) == 2)
			sum += ut + st;
	}
	closedir(dir);
	return sum;
}

struct quiet_snap {
	unsigned long long scanned;
	unsigned long long full_scans;
	unsigned long long migrated;	/* knuma_migrated/pages_migrated */
	struct an_snap vm;
	struct an_placement pl;
	unsigned long long start;	/* an_now_ms() before the first read */
	int err;
};

static void quiet_snap(struct quiet_snap *s, const char *buf, size_t len)
{
	s->start = an_now_ms();
	s->err = an_get_knob(AN_PAGES_SCANNED, &s->scanned);
	if (!s->err)
		s->err = an_get_knob(AN_FULL_SCANS, &s->full_scans);
	if (!s->err)
		s->err = an_get_knob("knuma_migrated/pages_migrated",
				     &s->migrated);
	if (!s->err)
		s->err = an_get_placement(buf, len, &s->pl);
	vm_snap(&s->vm);
}

/* Return whether @what stayed the same from @a to @b; log it if not. */
static bool same(bool log, const char *what, unsigned long long a,
		 unsigned long long b)
{
	if (a == b)
		return true;
	if (log)
		ksft_print_msg("enabled=0: %s moved from %llu to %llu\n", what,
			       a, b);
	return false;
}

/* Did nothing move from @a to @b?  With @log, say what did. */
static bool quiet_compare(const struct quiet_snap *a,
			  const struct quiet_snap *b, bool log)
{
	static const int vm_still[] = { VM_PTE, VM_QUEUED, VM_MIGRATED };
	bool ok = true;
	unsigned int i;
	int node;

	if (a->err || b->err) {
		if (log)
			ksft_print_msg("enabled=0: cannot read the counters: %s\n",
				       strerror(-(a->err ? a->err : b->err)));
		return false;
	}
	ok &= same(log, "pages_scanned", a->scanned, b->scanned);
	ok &= same(log, "full_scans", a->full_scans, b->full_scans);
	ok &= same(log, "knuma_migrated/pages_migrated", a->migrated,
		   b->migrated);
	for (i = 0; i < ARRAY_SIZE(vm_still); i++) {
		if (!a->vm.have[vm_still[i]] || !b->vm.have[vm_still[i]]) {
			if (log)
				ksft_print_msg("enabled=0: no %s in /proc/vmstat\n",
					       vm_names[vm_still[i]]);
			ok = false;
			continue;
		}
		ok &= same(log, vm_names[vm_still[i]], a->vm.val[vm_still[i]],
			   b->vm.val[vm_still[i]]);
	}
	for (node = 0; node < AN_MAX_NODES; node++)
		ok &= same(log, "pages of the buffer on a node", a->pl.on[node],
			   b->pl.on[node]);
	return ok;
}

static const char * const sleep_knobs[] = {
	"knuma_scand/scan_sleep_millisecs",
	"knuma_scand/scan_sleep_pass_millisecs",
	"knuma_migrated/sleep_millisecs",
};

static void test_disable(void)
{
	unsigned long long max_sleep = 0, val, settle, t0, ticks, start, cur;
	unsigned long long now = 0, last = 0, late = 0, changes = 0, from = 0;
	struct quiet_snap a0, a, b;
	bool ok = false, resumed = false, tried = false, stopped = true;
	struct toucher t;
	struct an_wait w;
	unsigned int i;
	char *buf;
	int ret;

	buf = an_alloc(DISABLE_LEN, page_size, MADV_NOHUGEPAGE);
	if (!buf) {
		ksft_print_msg("mmap: %s\n", strerror(errno));
		goto out;
	}
	if (!place_buffer(buf, DISABLE_LEN, SRC_NODE))
		goto free;
	ret = toucher_start(&t, DST_NODE, -1, buf, DISABLE_LEN);
	if (ret) {
		ksft_print_msg("thread on node %d: %s\n", DST_NODE,
			       strerror(-ret));
		goto free;
	}
	/* Scanning, faulting and migrating are under way. */
	an_wait_full_scans(DISABLE_WARMUP_SCANS, DISABLE_WARMUP_CAP_MS, NULL,
			   NULL, &w);
	if (w.end != AN_WAIT_SCANS) {
		print_wait("enabled=0: before switching off", &w);
		goto stop;
	}

	for (i = 0; i < ARRAY_SIZE(sleep_knobs); i++) {
		if (an_get_knob(sleep_knobs[i], &val)) {
			ksft_print_msg("cannot read %s\n", sleep_knobs[i]);
			goto stop;
		}
		if (val > max_sleep)
			max_sleep = val;
	}
	ret = an_set_knob("enabled", 0);
	if (ret) {
		ksft_print_msg("cannot write enabled=0: %s\n", strerror(-ret));
		goto stop;
	}
	/*
	 * Poll until nothing moved for DISABLE_QUIET_MS.  What was under way
	 * (a batch, a migration) may finish within 2 sleep intervals and
	 * DISABLE_GRACE_MS: a change that cannot have happened before fails,
	 * and so does one within DISABLE_QUIET_MS of the end of that bound.
	 * A change seen in snapshot b happened after the start of snapshot a
	 * (@from) and before the end of b (@last): a snapshot reads many
	 * counters and, on a slow kernel, takes hundreds of ms.  It is late
	 * only if @from is; the quiet time counts from @last, and the poll
	 * goes on long enough for it.
	 */
	settle = 2 * max_sleep + DISABLE_GRACE_MS;
	t0 = an_now_ms();
	quiet_snap(&a, buf, DISABLE_LEN);
	a0 = a;
	ticks = knuma_ticks();
	for (;;) {
		an_sleep_ms(DISABLE_POLL_MS);
		quiet_snap(&b, buf, DISABLE_LEN);
		now = an_now_ms() - t0;
		if (a.err || b.err)
			break;
		if (!quiet_compare(&a, &b, false)) {
			from = a.start - t0;
			if (from > settle && !late++)
				quiet_compare(&a, &b, true);
			a = b;
			last = now;
			changes++;
			ticks = knuma_ticks();
		} else if (now - last >= DISABLE_QUIET_MS) {
			break;
		}
		/* a change dated by settle gets its quiet time after it */
		if (now >= settle + (last - from) + DISABLE_QUIET_MS)
			break;
	}
	ticks = knuma_ticks() - ticks;
	ok = quiet_compare(&a, &b, true) && now - last >= DISABLE_QUIET_MS &&
	     from <= settle;
	ksft_print_msg("enabled=0: %llu change(s) seen, the last %llu-%llu ms after it (<= %llu)\n",
		       changes, from, last, settle);
	ksft_print_msg("enabled=0: then %llu ms without a change (%d needed)\n",
		       now - last, DISABLE_QUIET_MS);
	if (late)
		ksft_print_msg("enabled=0: %llu change(s) seen later than %llu ms\n",
			       late, settle);
	ksft_print_msg("enabled=0: knuma_* threads used %llu clock ticks while quiet\n",
		       ticks);
	vm_print_delta("enabled=0, from the switch", &a0.vm, &b.vm);
	vm_print_delta("enabled=0, while quiet", &a.vm, &b.vm);

	ret = an_set_knob("enabled", 1);
	if (ret) {
		ksft_print_msg("cannot write enabled=1: %s\n", strerror(-ret));
		goto stop;
	}
	t0 = an_now_ms();
	if (!an_get_knob(AN_FULL_SCANS, &start)) {
		while (an_now_ms() - t0 < ENABLE_RESUME_MS) {
			an_sleep_ms(AN_POLL_MS);
			if (an_get_knob(AN_FULL_SCANS, &cur))
				break;
			if (cur != start) {
				resumed = true;
				break;
			}
		}
	}
	ksft_print_msg("enabled=1: full_scans %s after %llu ms\n",
		       resumed ? "moved" : "still", an_now_ms() - t0);
	tried = true;
stop:
	stopped = toucher_stop(&t);
free:
	free_after(stopped, buf, DISABLE_LEN);
out:
	if (!tried)
		ksft_print_msg("enabled=1: not tried, the test stopped before\n");
	/* Whatever happened, the other tests need AutoNUMA on. */
	an_set_knob("enabled", 1);
	ksft_test_result(ok,
			 "enabled=0: pages_scanned, full_scans, pte updates, queueing and migration stop within 2 sleep intervals and stay still for %d ms\n",
			 DISABLE_QUIET_MS);
	ksft_test_result(resumed,
			 "enabled=1: full_scans moves again within %d ms\n",
			 ENABLE_RESUME_MS);
}

/* nr_isolated_anon + nr_isolated_file as /proc/vmstat shows it, or -1. */
static long long nr_isolated_shown(void)
{
	unsigned long long anon, file;

	if (an_vmstat("nr_isolated_anon", &anon) ||
	    an_vmstat("nr_isolated_file", &file))
		return -1;
	return (long long)(anon + file);
}

/*
 * The exact count: every CPU's pending deltas folded first.  An isolation
 * counted on the faulting CPU and undone on knuma_migratedN's stays in
 * /proc/vmstat until both CPUs' deltas are folded, about a second later,
 * so the shown count alone cannot tell a stranded page from a late fold.
 * Sets *@late when the shown count was above the exact one.
 */
static long long nr_isolated(bool *late)
{
	long long shown = nr_isolated_shown(), exact;

	if (an_vmstat_refresh())
		return -1;
	exact = nr_isolated_shown();
	if (shown > exact && exact >= 0)
		*late = true;
	return exact;
}

/*
 * Switch AutoNUMA off ISOLATED_ROUNDS times while pages are being queued:
 * each time, nr_isolated_* must come back to 0 while AutoNUMA stays off.
 * A fault that passed its enabled check before the switch and queued its
 * page after knuma_migratedN had drained its queue left that page
 * isolated until AutoNUMA was switched on again.  One thread touches the
 * buffer at a time, on SRC_NODE and DST_NODE in turns, so that its pages
 * are always remote, and so that knuma_migratedN finds a CPU of its node
 * free and drains while a fault (up to 512 pages in pmd mode) is still
 * queueing.
 */
static void test_disable_isolated(void)
{
	unsigned long long q0, q, t0, queued_rounds = 0, late_rounds = 0;
	bool ok = false, stopped = true, late;
	struct toucher t[2];
	long long iso = -1;
	int i, n = 0, round;
	char *buf;
	int ret;

	buf = an_alloc(ISOLATED_LEN, page_size, MADV_NOHUGEPAGE);
	if (!buf) {
		ksft_print_msg("mmap: %s\n", strerror(errno));
		goto out;
	}
	if (!place_buffer(buf, ISOLATED_LEN, SRC_NODE))
		goto free;
	ret = an_set_knob("enabled", 0);
	if (ret) {
		ksft_print_msg("cannot write enabled=0: %s\n", strerror(-ret));
		goto free;
	}
	for (; n < 2; n++) {
		ret = toucher_start(&t[n], n ? SRC_NODE : DST_NODE, -1, buf,
				    ISOLATED_LEN);
		if (ret) {
			ksft_print_msg("thread on node %d: %s\n",
				       n ? SRC_NODE : DST_NODE, strerror(-ret));
			goto stop;
		}
		if (n && !toucher_park(&t[n]))
			goto stop;
	}
	for (round = 0; round < ISOLATED_ROUNDS; round++) {
		/* the thread of the other node takes over */
		if (round) {
			if (!toucher_park(&t[(round - 1) % 2]))
				goto stop;
			__atomic_store_n(&t[round % 2].cmd, T_RUN,
					 __ATOMIC_RELEASE);
		}

		/* on until pages are being queued, then off at once */
		if (an_vmstat("autonuma_pages_queued", &q0) ||
		    an_set_knob("enabled", 1)) {
			ksft_print_msg("cannot switch AutoNUMA on\n");
			goto stop;
		}
		t0 = an_now_ms();
		while (!an_vmstat("autonuma_pages_queued", &q) && q == q0 &&
		       an_now_ms() - t0 < ISOLATED_QUEUE_CAP_MS)
			an_sleep_ms(1);
		queued_rounds += q != q0;
		an_sleep_ms(round % 8);
		if (an_set_knob("enabled", 0)) {
			ksft_print_msg("cannot switch AutoNUMA off\n");
			goto stop;
		}

		t0 = an_now_ms();
		late = false;
		while ((iso = nr_isolated(&late)) > 0 &&
		       an_now_ms() - t0 < ISOLATED_DRAIN_MS)
			an_sleep_ms(2);
		late_rounds += late;
		if (iso < 0) {
			ksft_print_msg("cannot read nr_isolated_* after vm/stat_refresh\n");
			goto stop;
		}
		if (iso) {
			ksft_print_msg("enabled=0, round %d: nr_isolated %lld after %d ms\n",
				       round, iso, ISOLATED_DRAIN_MS);
			goto stop;
		}
	}
	ok = queued_rounds >= ISOLATED_ROUNDS / 2;
	ksft_print_msg("enabled=0: %d rounds, pages queued when switched off in %llu\n",
		       ISOLATED_ROUNDS, queued_rounds);
	ksft_print_msg("enabled=0: /proc/vmstat above the exact count in %llu rounds\n",
		       late_rounds);
stop:
	for (i = 0; i < n; i++)
		stopped = toucher_stop(&t[i]) && stopped;
free:
	free_after(stopped, buf, ISOLATED_LEN);
out:
	an_set_knob("enabled", 1);
	ksft_test_result(ok,
			 "enabled=0 while pages are queued: nr_isolated_* back to 0 within %d ms, %d times\n",
			 ISOLATED_DRAIN_MS, ISOLATED_ROUNDS);
}

/* Anonymous pages mapped in the system, or -1: freed at unmap, unlike MemFree. */
static long long anon_mapped(void)
{
	unsigned long long val;

	return an_vmstat("nr_anon_pages", &val) ? -1 : (long long)(val * page_size);
}

/*
 * A child on SRC_NODE's CPUs that maps and touches EXIT_LEN there (local
 * memory: nothing to queue for migration), says so, and waits to be
 * killed.
 */
static void exit_child(int fd)
{
	char *buf;
	size_t off;

	if (an_pin_to_node(SRC_NODE))
		_exit(1);
	buf = an_alloc(EXIT_LEN, page_size, MADV_NOHUGEPAGE);
	if (!buf)
		_exit(1);
	for (off = 0; off < EXIT_LEN; off += page_size)
		buf[off] = 1;
	if (write(fd, "r", 1) != 1)
		_exit(1);
	for (;;)
		touch_pass(buf, EXIT_LEN);
}

/*
 * knuma_scand runs at nice 19: with every CPU busy it scans slowly, and
 * a scanner that held a user reference (mm_users) of the mm it scans ran
 * the exit_mmap() of a process that exited meanwhile itself, later: the
 * memory stayed allocated after the parent had reaped the child.  With
 * CPU hogs on every CPU and only knuma_scand scanning (task_scan=0), kill
 * children that are being scanned and check that their memory is unmapped
 * (nr_anon_pages) as soon as waitpid() returns.
 */
static void test_exit_scanned(void)
{
	unsigned long long task_scan = 1;
	long long before, after, worst = 0;
	pid_t hogs[EXIT_MAX_HOGS];
	int i, nr_hogs = 0, round;
	bool ok = false;
	cpu_set_t set;

	if (an_get_knob("knuma_scand/task_scan", &task_scan) ||
	    an_set_knob("knuma_scand/task_scan", 0)) {
		ksft_print_msg("exit: cannot set knuma_scand/task_scan=0\n");
		goto out;
	}
	if (sched_getaffinity(0, sizeof(set), &set))
		goto out;
	for (i = 0; i < CPU_SETSIZE && nr_hogs < EXIT_MAX_HOGS; i++) {
		pid_t pid;

		if (!CPU_ISSET(i, &set))
			continue;
		pid = fork();
		if (pid < 0)
			goto kill;
		if (!pid) {
			cpu_set_t one;

			CPU_ZERO(&one);
			CPU_SET(i, &one);
			sched_setaffinity(0, sizeof(one), &one);
			for (;;)
				;
		}
		hogs[nr_hogs++] = pid;
	}

	ok = true;
	for (round = 0; round < EXIT_ROUNDS && ok; round++) {
		int fds[2], st;
		pid_t pid;
		char c;

		before = anon_mapped();
		if (before < 0 || pipe(fds)) {
			ok = false;
			break;
		}
		pid = fork();
		if (pid < 0) {
			ok = false;
			break;
		}
		if (!pid) {
			close(fds[0]);
			exit_child(fds[1]);
		}
		close(fds[1]);
		if (read(fds[0], &c, 1) != 1) {
			ksft_print_msg("exit: the child did not start\n");
			ok = false;
		}
		close(fds[0]);
		/* a few passes of knuma_scand over it, then kill it mid-way */
		an_sleep_ms(200 + 70 * round);
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		after = anon_mapped();
		if (after < 0) {
			ok = false;
			break;
		}
		if (before - after > worst)
			worst = before - after;
		if (before - after > (long long)EXIT_SLACK) {
			ksft_print_msg("exit: round %d: %lld MiB still mapped after waitpid()\n",
				       round, (before - after) >> 20);
			ok = false;
		}
	}
	ksft_print_msg("exit: %d rounds, at most %lld KiB more anon mapped once reaped\n",
		       round, worst >> 10);
kill:
	for (i = 0; i < nr_hogs; i++) {
		kill(hogs[i], SIGKILL);
		waitpid(hogs[i], NULL, 0);
	}
out:
	an_set_knob("knuma_scand/task_scan", task_scan);
	ksft_test_result(ok,
			 "exit: %d MiB of a process killed while scanned are unmapped when waitpid() returns, %d times\n",
			 (int)(EXIT_LEN >> 20), EXIT_ROUNDS);
}

/* ---- g: scanning in the task's own context ---- */

#define TASK_PAGES_SCANNED	"knuma_scand/task_pages_scanned"

static void test_task_scan(void)
{
	unsigned long long need = TASK_SCAN_NEED / page_size;
	unsigned long long c0, c1, c2, s1, s2, cur, t0, cap, got = 0;
	bool on_ok = false, off_ok = false, stopped = true;
	struct toucher t;
	char *buf;
	int ret;

	buf = an_alloc(TASK_SCAN_LEN, page_size, MADV_NOHUGEPAGE);
	if (!buf) {
		ksft_print_msg("mmap: %s\n", strerror(errno));
		goto out;
	}
	if (!place_buffer(buf, TASK_SCAN_LEN, SRC_NODE))
		goto free;
	ret = an_set_knob("knuma_scand/task_scan", 1);
	if (ret) {
		ksft_print_msg("cannot set task_scan=1: %s\n", strerror(-ret));
		goto free;
	}
	if (an_get_knob(TASK_PAGES_SCANNED, &c0)) {
		ksft_print_msg("cannot read %s\n", TASK_PAGES_SCANNED);
		goto free;
	}
	ret = toucher_start(&t, DST_NODE, -1, buf, TASK_SCAN_LEN);
	if (ret) {
		ksft_print_msg("thread on node %d: %s\n", DST_NODE,
			       strerror(-ret));
		goto free;
	}

	t0 = an_now_ms();
	/* a slow kernel's turns cover less, and its scanner wins more often */
	cap = an_budget_ms(TASK_SCAN_CAP_MS * an_test_scale());
	while (an_now_ms() - t0 < cap) {
		an_sleep_ms(AN_POLL_MS);
		if (an_get_knob(TASK_PAGES_SCANNED, &cur))
			break;
		got = cur - c0;
		if (got >= need) {
			on_ok = true;
			break;
		}
	}
	ksft_print_msg("task_scan=1: %llu pages scanned in task context in %llu ms (need %llu)\n",
		       got, an_now_ms() - t0, need);

	ret = an_set_knob("knuma_scand/task_scan", 0);
	if (ret) {
		ksft_print_msg("cannot set task_scan=0: %s\n", strerror(-ret));
		goto stop;
	}
	/* a scan already under way finishes */
	an_sleep_ms(TASK_SCAN_SETTLE_MS);
	if (an_get_knob(TASK_PAGES_SCANNED, &c1) ||
	    an_get_knob(AN_FULL_SCANS, &s1))
		goto stop;
	an_sleep_ms(TASK_SCAN_QUIET_MS);
	if (an_get_knob(TASK_PAGES_SCANNED, &c2) ||
	    an_get_knob(AN_FULL_SCANS, &s2))
		goto stop;
	ksft_print_msg("task_scan=0: %llu pages by tasks, %llu knuma_scand passes in %d ms\n",
		       c2 - c1, s2 - s1, TASK_SCAN_QUIET_MS);
	off_ok = c2 == c1 && s2 > s1;
stop:
	stopped = toucher_stop(&t);
free:
	free_after(stopped, buf, TASK_SCAN_LEN);
out:
	an_set_knob("knuma_scand/task_scan", 1);
	ksft_test_result(on_ok,
			 "task_scan=1: a thread using 16 MiB scans %lu MiB of its own mm in task context within %u s\n",
			 TASK_SCAN_NEED / SZ_1M,
			 TASK_SCAN_CAP_MS / 1000 * an_test_scale());
	ksft_test_result(off_ok,
			 "task_scan=0: task context scanning stops while knuma_scand goes on\n");
}

/* ---- e: THP migrates whole ---- */

/* Why THP cannot be tested here, or NULL. */
static const char *thp_unusable(char *why, size_t size)
{
	char buf[256];
	int ret;

	if (!an_thp_built()) {
		snprintf(why, size,
			 "kernel built without CONFIG_TRANSPARENT_HUGEPAGE");
		return why;
	}
	ret = an_read_file(AN_THP_ENABLED_PATH, buf, sizeof(buf));
	if (ret < 0)
		snprintf(why, size, "%s: %s", AN_THP_ENABLED_PATH,
			 strerror(-ret));
	else if (strstr(buf, "[never]"))
		snprintf(why, size, "transparent hugepages are disabled");
	else
		return NULL;
	return why;
}

static void test_thp(void)
{
	struct share_goal goal = {
		.len = THP_LEN,
		.node = DST_NODE,
		.target = FOLLOW_SHARE,
	};
	unsigned long kb_before = 0, kb_after = 0;
	unsigned long long whole, split, success;
	bool ok = false, stopped = true;
	struct an_snap before, after;
	char why[256], str[256];
	struct toucher t;
	struct an_wait w;
	char *buf;
	int ret;

	if (thp_unusable(why, sizeof(why))) {
		ksft_test_result_skip("thp: %s\n", why);
		return;
	}
	buf = an_alloc(THP_LEN, SZ_2M, MADV_HUGEPAGE);
	if (!buf) {
		ksft_print_msg("mmap: %s\n", strerror(errno));
		goto out;
	}
	if (!place_buffer(buf, THP_LEN, SRC_NODE))
		goto free;
	ret = an_smaps_kb(buf, "AnonHugePages:", &kb_before);
	if (ret || kb_before * 1024 * 10 < THP_LEN * 9) {
		if (ret)
			snprintf(why, sizeof(why), "smaps: %s", strerror(-ret));
		else
			snprintf(why, sizeof(why),
				 "only %lu kB of %lu kB are THP after the first touch",
				 kb_before, THP_LEN / 1024);
		an_free(buf, THP_LEN);
		ksft_test_result_skip("thp: %s\n", why);
		return;
	}

	vm_snap(&before);
	ret = toucher_start(&t, DST_NODE, -1, buf, THP_LEN);
	if (ret) {
		ksft_print_msg("thread on node %d: %s\n", DST_NODE,
			       strerror(-ret));
		goto free;
	}
	goal.buf = buf;
	an_wait_full_scans(THP_SCANS, THP_CAP_MS, share_reached, &goal, &w);
	vm_snap(&after);
	stopped = toucher_stop(&t);

	ok = w.end == AN_WAIT_DONE;
	if (!goal.pl.how)
		share_reached(&goal);
	print_wait("thp", &w);
	ksft_print_msg("thp: %.1f%% on node %d: %s\n", goal.pct, DST_NODE,
		       place_str(&goal.pl, str, sizeof(str)));

	/*
	 * smaps in 6.1 does not count a huge page whose PMD is a NUMA hinting
	 * entry at that moment (follow_trans_huge_pmd() does not follow it),
	 * and the fast scanner keeps marking them.  Switch AutoNUMA off and
	 * touch the region once, which restores every entry, then read.
	 */
	ret = an_set_knob("enabled", 0);
	if (!ret) {
		size_t off;

		for (off = 0; off < THP_LEN; off += page_size)
			__atomic_fetch_add(&buf[off], 1, __ATOMIC_RELAXED);
		ret = an_smaps_kb(buf, "AnonHugePages:", &kb_after);
		an_enable();
	}
	if (ret) {
		ksft_print_msg("thp: smaps: %s\n", strerror(-ret));
		ok = false;
	}
	ksft_print_msg("thp: AnonHugePages %lu kB before, %lu kB after, of %lu kB\n",
		       kb_before, kb_after, THP_LEN / 1024);
	if (kb_after * 1024 * 10 < THP_LEN * 9)
		ok = false;

	whole = vm_delta(&before, &after, VM_THP_MIGRATED);
	split = vm_delta(&before, &after, VM_THP_SPLIT);
	success = vm_delta(&before, &after, VM_THP_MIG_SUCCESS);
	ksft_print_msg("thp: %s +%llu, %s +%llu, %s +%llu\n",
		       vm_names[VM_THP_MIGRATED], whole,
		       vm_names[VM_THP_SPLIT], split,
		       vm_names[VM_THP_MIG_SUCCESS], success);
	if (!whole && !success)
		ok = false;
	vm_print_delta("thp", &before, &after);
free:
	free_after(stopped, buf, THP_LEN);
out:
	ksft_test_result(ok,
			 "thp: 8 MiB of THP used from node %d: >= %.0f%% on node %d within %d full scans, still >= 90%% THP, THP migrations counted\n",
			 DST_NODE, FOLLOW_SHARE, DST_NODE, THP_SCANS);
}

/* ---- main ---- */

/* Nodes SRC_NODE and DST_NODE online, with memory, DST_NODE with CPUs. */
static const char *nodes_unusable(char *why, size_t size)
{
	unsigned long online[AN_MAX_NODES / (8 * sizeof(long))];
	unsigned long mem[AN_MAX_NODES / (8 * sizeof(long))];
	cpu_set_t set;
	int ret;

	if (an_node_mask("online", online) < 0) {
		snprintf(why, size, "cannot read the online nodes");
		return why;
	}
	/* Without N_MEMORY in sysfs, assume every online node has memory. */
	if (an_node_mask("has_memory", mem) < 0)
		memcpy(mem, online, sizeof(mem));
	if (!an_test_bit(online, SRC_NODE) || !an_test_bit(mem, SRC_NODE) ||
	    !an_test_bit(online, DST_NODE) || !an_test_bit(mem, DST_NODE)) {
		snprintf(why, size, "nodes %d and %d must be online with memory",
			 SRC_NODE, DST_NODE);
		return why;
	}
	ret = an_node_cpus(DST_NODE, &set);
	if (ret <= 0) {
		snprintf(why, size, "node %d has no CPU", DST_NODE);
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
	if (ret)
		ksft_exit_fail_msg("cannot set %s: %s\n", failed,
				   strerror(-ret));
	if (an_pfn_map_init())
		ksft_print_msg("no PFN to node map: placement from numa_maps\n");
	else
		ksft_print_msg("PFN to node map from %s\n",
			       an_pfn_map_source());
	an_set_budget(BUDGET_SECS);
	ksft_set_plan(NR_TESTS);

	test_follow();
	test_proc_self();
	test_proc_kthread();
	test_proc_thread();
	test_proc_eacces();
	test_lazy_state();
	if (follow_thread_alive)
		toucher_stop(&follow_thread);
	test_mbind();
	test_task_policy();
	test_shared();
	test_disable();
	test_disable_isolated();
	test_exit_scanned();
	test_task_scan();
	test_thp();

	ksft_finished();
	return 0;
}
