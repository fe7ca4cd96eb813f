// SPDX-License-Identifier: GPL-2.0
/*
 * AutoNUMA: automatic NUMA placement of tasks and their memory.
 *
 * This file holds the memory-management side:
 *
 * - knuma_scand walks every registered mm, counts its pages per node (the
 *   mm's working set) and turns its entries into NUMA hinting entries with
 *   upstream's change_prot_numa();
 * - the hinting fault charges the faulting task's per-node statistics and
 *   runs the two-stage false-sharing filter, which queues a page that two
 *   consecutive faults from the same remote node want;
 * - one knuma_migratedN thread per node migrates the pages queued for it;
 * - the run-time switch, the knobs under /sys/kernel/mm/autonuma/, the
 *   per-task readout /proc/PID/autonuma and the per-process opt-out,
 *   prctl(PR_SET_AUTONUMA_DISABLE).
 *
 * The scheduler side lives in kernel/sched/numa.c.  The design is described
 * in Documentation/mm/autonuma.rst.
 *
 * AutoNUMA is possible only on a machine with more than one online node and
 * without "noautonuma" on the command line.  When it is not possible nothing
 * is allocated per task, per mm or per page, no thread runs, and sysfs only
 * says that it is off.
 *
 * AutoNUMA and upstream automatic NUMA balancing (kernel.numa_balancing)
 * share the NUMA hinting fault infrastructure and must never both place
 * memory: enabling one while the other is on fails with -EBUSY, under
 * autonuma_placement_lock.
 *
 * Locking, outermost first:
 *   autonuma_placement_lock (mutex)  run-time state and knobs
 *   autonuma_migrate_rwsem (read)    knuma_migratedN migrating a chunk
 *   mmap_lock (read, trylock only)   knuma_scand scanning an mm
 *   page table lock                  the fault path
 *   lru_lock                         isolating a page to queue it
 *   autonuma_queue.lock (spinlock)   one node's migration queue
 *
 * The list of registered mms takes no lock: only knuma_scand walks and
 * changes it, and registrations and exits reach it through lock-free lists
 * (struct autonuma_mm_list).
 */

#define pr_fmt(fmt) "autonuma: " fmt

#include <linux/mm.h>
#include <linux/autonuma.h>
#include <linux/autonuma_sched.h>
#include <linux/autonuma_types.h>
#include <linux/cpuhotplug.h>
#include <linux/cpuset.h>
#include <linux/ctype.h>
#include <linux/freezer.h>
#include <linux/hash.h>
#include <linux/huge_mm.h>
#include <linux/init.h>
#include <linux/kobject.h>
#include <linux/kthread.h>
#include <linux/mempolicy.h>
#include <linux/migrate.h>
#include <linux/mm_inline.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/pagewalk.h>
#include <linux/ptrace.h>
#include <linux/rmap.h>
#include <linux/sched/clock.h>
#include <linux/sched/mm.h>
#include <linux/sched/sysctl.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/swap.h>
#include <linux/sysfs.h>
#include <linux/vmstat.h>
#include <linux/wait.h>

#include <asm/tlb.h>

#include "internal.h"

#define CREATE_TRACE_POINTS
#include <trace/events/autonuma.h>

DEFINE_STATIC_KEY_FALSE(autonuma_enabled_key);

/* Set by "noautonuma" on the kernel command line. */
static bool autonuma_cmdline_off __ro_after_init;

/* Knobs, see Documentation/ABI/testing/sysfs-kernel-mm-autonuma. */
unsigned int autonuma_debug;
static unsigned int scan_sleep_millisecs = 100;
static unsigned int scan_sleep_pass_millisecs = 10000;
static unsigned int pages_to_scan = SZ_128M >> PAGE_SHIFT;
static unsigned int scan_pmd = 1;
static unsigned int scan_working_set = 1;
static unsigned int scan_task = 1;
static unsigned int migrate_sleep_millisecs = 100;
static unsigned int pages_to_migrate = SZ_128M >> PAGE_SHIFT;

/* Counters, read by sysfs. */
static atomic_long_t pages_scanned = ATOMIC_LONG_INIT(0);
static atomic_long_t task_pages_scanned = ATOMIC_LONG_INIT(0);
static unsigned long full_scans;	/* knuma_scand's own */
static atomic_long_t pages_migrated = ATOMIC_LONG_INIT(0);
static atomic_long_t pages_failed = ATOMIC_LONG_INIT(0);

#define AUTONUMA_MAX_MILLISECS	3600000U
#define AUTONUMA_MAX_PAGES	BIT(24)

/*
 * A new mm's tasks wait this long before they scan it themselves (see
 * autonuma_task_scan()), so that short-lived processes never pay for it.
 */
#define AUTONUMA_TASK_SCAN_DELAY_MS	1000

/*
 * Passes in a row that saw remote faults but queued nothing after which
 * the pause after a pass grows again (see autonuma_publish_mm()).
 */
#define AUTONUMA_REMOTE_PASSES		4

/*
 * A pass "moved" an mm's placement when it queued more than 1/256 of its
 * working set for migration; fewer pages do not keep its pause short.
 */
#define AUTONUMA_QUEUED_SHARE		256

/*
 * Serialises every change of the run-time state: the enabled static key,
 * the knobs, the threads, and the choice between AutoNUMA and upstream
 * NUMA balancing (sysctl_numa_balancing() takes it too, see
 * autonuma_lock_placement()).
 */
static DEFINE_MUTEX(autonuma_placement_lock);

/*
 * Held for reading by knuma_migratedN from taking pages off its queue to
 * the end of their migration; taken for writing, and released at once, by
 * a process opting out, so that none of its pages that a chunk took before
 * the opt-out still moves once prctl() returned (see
 * autonuma_recheck_one()).  The prctl holds no other lock meanwhile.
 */
static DECLARE_RWSEM(autonuma_migrate_rwsem);

#define autonuma_dbg(fmt, ...)						\
do {									\
	if (READ_ONCE(autonuma_debug))					\
		pr_info_ratelimited(fmt, ##__VA_ARGS__);		\
} while (0)

static int __init setup_noautonuma(char *str)
{
	autonuma_cmdline_off = true;
	return 1;
}
__setup("noautonuma", setup_noautonuma);

/* -1 until autonuma_possible() first decides, then 0 or 1 for good. */
static int autonuma_possible_state __read_mostly = -1;

/**
 * autonuma_possible - can AutoNUMA run on this machine at all?
 *
 * Decided once, at the first call: the first fork (of kernel_init, before
 * any initcall).  Command line parameters are parsed and the boot-time
 * NUMA topology is known by then.  The answer never changes afterwards:
 * the queues, the threads and sysfs are set up for it at boot, so a
 * node onlined later (memory hotplug, CXL or dax-kmem memory) does not make
 * a one-node machine a NUMA machine for AutoNUMA, and on a machine where
 * AutoNUMA runs such a node only ever sends pages away (it has no
 * knuma_migrated queue).
 *
 * Return: false with "noautonuma" or on a machine booted with one node.
 */
bool autonuma_possible(void)
{
	int state = READ_ONCE(autonuma_possible_state);

	if (unlikely(state < 0)) {
		state = !autonuma_cmdline_off && num_online_nodes() > 1;
		WRITE_ONCE(autonuma_possible_state, state);
	}
	return state;
}

/**
 * autonuma_lock_placement - exclude changes of the NUMA placement policy
 *
 * Taken by sysctl_numa_balancing() around its update so that AutoNUMA and
 * upstream NUMA balancing cannot be switched on concurrently.
 */
void autonuma_lock_placement(void)
{
	mutex_lock(&autonuma_placement_lock);
}

/**
 * autonuma_unlock_placement - release autonuma_lock_placement()
 */
void autonuma_unlock_placement(void)
{
	mutex_unlock(&autonuma_placement_lock);
}

/*
 * Per-page state, in the bits of page->flags where upstream NUMA balancing
 * keeps its last_cpupid (or in page->_last_cpupid where the flags have no
 * room for them, as upstream falls back): the two never run at the same
 * time, so AutoNUMA costs no memory per page.  page-flags-layout.h makes
 * the field at least AUTONUMA_PAGE_SHIFT bits wide.  The bits are, from
 * the lowest:
 *
 *   NODES_SHIFT + 1	node of the last hinting fault, plus one
 *   2			times AutoNUMA migrated the page, capped at 3
 *   6			faults still needed before it may move again
 *   1			queued for migration to that node
 *
 * NODES_SHIFT + 10 bits: 20 with Debian's x86-64 configuration, within
 * the 21 bits upstream uses there (8 PID bits, 13 CPU bits).
 *
 * stored inverted, so that the all-ones value page_cpupid_reset_last()
 * writes when a page is freed reads as "no node, nothing queued": each
 * life of a page starts afresh.  A value left by upstream NUMA balancing
 * before it was switched off decodes to some state; unpacking keeps it
 * within bounds, and the filter corrects it within a fault or two.
 */
struct autonuma_page_state {
	int last_nid;		/* node of the last hinting fault */
	unsigned int bounces;	/* times AutoNUMA migrated the page, capped */
	unsigned int hold;	/* faults still needed before it may move */
	bool queued;		/* on the knuma_migrated queue of last_nid */
};

/* A page that bounced b times needs 4^b - 1 more faults to move again. */
#define AUTONUMA_MAX_BOUNCES	3

#define AUTONUMA_NID_BITS	(NODES_SHIFT + 1)
#define AUTONUMA_BOUNCE_BITS	2
#define AUTONUMA_HOLD_BITS	6
#define AUTONUMA_BOUNCE_SHIFT	AUTONUMA_NID_BITS
#define AUTONUMA_HOLD_SHIFT	(AUTONUMA_BOUNCE_SHIFT + AUTONUMA_BOUNCE_BITS)
#define AUTONUMA_QUEUED_SHIFT	(AUTONUMA_HOLD_SHIFT + AUTONUMA_HOLD_BITS)
#define AUTONUMA_STATE_BITS	(AUTONUMA_QUEUED_SHIFT + 1)
#define AUTONUMA_STATE_MASK	((1U << AUTONUMA_STATE_BITS) - 1)

static_assert(AUTONUMA_STATE_BITS == AUTONUMA_PAGE_SHIFT);
static_assert(AUTONUMA_STATE_BITS <= LAST_CPUPID_SHIFT);
static_assert(AUTONUMA_MAX_BOUNCES < (1 << AUTONUMA_BOUNCE_BITS));
static_assert((1 << (2 * AUTONUMA_MAX_BOUNCES)) - 1 < (1 << AUTONUMA_HOLD_BITS));

static unsigned int autonuma_state_pack(const struct autonuma_page_state *s)
{
	unsigned int v = s->last_nid + 1;

	v |= s->bounces << AUTONUMA_BOUNCE_SHIFT;
	v |= s->hold << AUTONUMA_HOLD_SHIFT;
	v |= (unsigned int)s->queued << AUTONUMA_QUEUED_SHIFT;
	return ~v & AUTONUMA_STATE_MASK;
}

static void autonuma_state_unpack(unsigned int raw, int nr_nodes,
				  struct autonuma_page_state *s)
{
	unsigned int v = ~raw & AUTONUMA_STATE_MASK;
	int nid = (int)(v & ((1U << AUTONUMA_NID_BITS) - 1)) - 1;

	s->last_nid = nid < nr_nodes ? nid : NUMA_NO_NODE;
	s->bounces = min_t(unsigned int, AUTONUMA_MAX_BOUNCES,
			   (v >> AUTONUMA_BOUNCE_SHIFT) &
			   ((1U << AUTONUMA_BOUNCE_BITS) - 1));
	s->hold = (v >> AUTONUMA_HOLD_SHIFT) & ((1U << AUTONUMA_HOLD_BITS) - 1);
	s->queued = (v >> AUTONUMA_QUEUED_SHIFT) & 1;
}

/* The raw field: page_cpupid_last() without its int conversion. */
static unsigned int autonuma_page_raw(struct page *page)
{
	return (unsigned int)page_cpupid_last(page) & AUTONUMA_STATE_MASK;
}

/*
 * Replace the state of @page, read as @old, by @new.  Fails when another
 * CPU changed it meanwhile (a racing fault, migration).
 */
static bool autonuma_page_cmpxchg(struct page *page, unsigned int old,
				  unsigned int new)
{
#ifdef LAST_CPUPID_NOT_IN_PAGE_FLAGS
	int cur = READ_ONCE(page->_last_cpupid);

	if (((unsigned int)cur & AUTONUMA_STATE_MASK) != old)
		return false;
	return try_cmpxchg(&page->_last_cpupid, &cur,
			   (int)(((unsigned int)cur & ~AUTONUMA_STATE_MASK) | new));
#else
	unsigned long flags = READ_ONCE(page->flags), mask;

	mask = (unsigned long)AUTONUMA_STATE_MASK << LAST_CPUPID_PGSHIFT;
	do {
		if (((flags & mask) >> LAST_CPUPID_PGSHIFT) != old)
			return false;
	} while (!try_cmpxchg(&page->flags, &flags,
			      (flags & ~mask) |
			      ((unsigned long)new << LAST_CPUPID_PGSHIFT)));
	return true;
#endif
}

static void autonuma_page_state(struct page *page,
				struct autonuma_page_state *s)
{
	autonuma_state_unpack(autonuma_page_raw(page), nr_node_ids, s);
}

/* Set or clear the queued mark of @page, whatever else changes meanwhile. */
static void autonuma_page_set_queued(struct page *page, bool queued)
{
	struct autonuma_page_state s;
	unsigned int raw;

	do {
		raw = autonuma_page_raw(page);
		autonuma_state_unpack(raw, nr_node_ids, &s);
		s.queued = queued;
	} while (!autonuma_page_cmpxchg(page, raw, autonuma_state_pack(&s)));
}

/* The two-stage false-sharing filter. */
enum autonuma_filter {
	AUTONUMA_FILTER_NONE,	/* nothing to do */
	AUTONUMA_FILTER_RECORD,	/* first fault from this node: remember it */
	AUTONUMA_FILTER_HOLD,	/* a bounced page: count down before moving */
	AUTONUMA_FILTER_QUEUE,	/* second consecutive remote fault: migrate */
};

/**
 * autonuma_filter - decide what a hinting fault does to its page
 * @last_nid: node of the page's previous hinting fault, or NUMA_NO_NODE
 * @this_nid: node of the faulting CPU
 * @page_nid: node the page sits on
 * @queued_nid: node the page is queued for, or NUMA_NO_NODE
 * @hold: further consecutive faults the page needs before it may move
 *
 * A page migrates to node N only after two consecutive hinting faults from
 * N.  A fault from a node other than the last one only records that node
 * (and cancels a queued migration, see the caller), so pages used from
 * several nodes stay where they are instead of bouncing.  A page that
 * AutoNUMA already moved back and forth needs more consecutive faults each
 * time (@hold), so that pages used in turns from several nodes, for turns
 * longer than a scan pass, settle instead of following every turn.
 *
 * Return: the action to take.
 */
static enum autonuma_filter autonuma_filter(int last_nid, int this_nid,
					    int page_nid, int queued_nid,
					    int hold)
{
	if (last_nid != this_nid)
		return AUTONUMA_FILTER_RECORD;
	if (page_nid == this_nid || queued_nid == this_nid)
		return AUTONUMA_FILTER_NONE;
	if (hold)
		return AUTONUMA_FILTER_HOLD;
	return AUTONUMA_FILTER_QUEUE;
}

static unsigned int autonuma_holdoff(unsigned int bounces)
{
	return (1U << (2 * bounces)) - 1;
}

/*
 * Run the filter on a hinting fault from @this_nid on a page on
 * @page_nid whose state is @s, and update @s for what it decided: a
 * fault from a new node is remembered (and cancels a queued migration
 * elsewhere, which knuma_migrated then drops), a held page counts down.
 */
static enum autonuma_filter autonuma_filter_fault(struct autonuma_page_state *s,
						  int this_nid, int page_nid)
{
	enum autonuma_filter f;

	f = autonuma_filter(s->last_nid, this_nid, page_nid,
			    s->queued ? s->last_nid : NUMA_NO_NODE, s->hold);
	switch (f) {
	case AUTONUMA_FILTER_RECORD:
		s->last_nid = this_nid;
		s->hold = autonuma_holdoff(s->bounces);
		s->queued = false;
		break;
	case AUTONUMA_FILTER_HOLD:
		s->hold--;
		break;
	case AUTONUMA_FILTER_QUEUE:
	case AUTONUMA_FILTER_NONE:
		break;
	}
	return f;
}

/* The state of a page AutoNUMA migrates to @nid: faulted from there. */
static void autonuma_state_migrated(struct autonuma_page_state *s, int nid)
{
	s->last_nid = nid;
	s->bounces = min(s->bounces + 1, AUTONUMA_MAX_BOUNCES);
	s->hold = 0;
	s->queued = false;
}

/* Factor by which the pause after a pass grows while passes are quiet. */
#define AUTONUMA_PAUSE_GROWTH	4

/**
 * autonuma_next_pause - the pause after a scan pass
 * @pause: the pause after the pass before, in milliseconds
 * @queued: whether the pass queued pages for migration
 * @remote: whether the pass saw hinting faults on remote memory
 * @lo: scan_sleep_millisecs
 * @hi: scan_sleep_pass_millisecs
 *
 * While passes keep queueing pages, placement is still moving and the next
 * pass follows after only @lo.  A pass that queued nothing but saw remote
 * faults keeps the pause: the filter, or the scheduler side, may still be
 * about to act on them.  Once a pass sees neither, the pause grows by
 * AUTONUMA_PAUSE_GROWTH per pass up to @hi (fourfold: from 100 ms to 10 s
 * in four passes).  So a new or changed workload converges within a few
 * passes, and settled memory soon costs the slow rate.
 *
 * Return: the pause before the next pass, in milliseconds.
 */
static unsigned int autonuma_next_pause(unsigned int pause, bool queued,
					bool remote, unsigned int lo,
					unsigned int hi)
{
	hi = max(lo, hi);
	if (queued)
		return lo;
	if (remote)
		return clamp(pause, lo, hi);
	return clamp(pause * AUTONUMA_PAUSE_GROWTH, lo, hi);
}

/**
 * autonuma_decay - age fault statistics by the passes they are behind
 * @fault: per-node counters
 * @nr_nodes: number of counters
 * @behind: scan passes since the counters were last aged
 *
 * Halves the counters once per pass, so that placement follows a change
 * of phase within a few passes.
 *
 * Return: the new sum of the counters.
 */
static unsigned long autonuma_decay(unsigned long *fault, int nr_nodes,
				    unsigned long behind)
{
	unsigned long tot = 0;
	int nid;

	for (nid = 0; nid < nr_nodes; nid++) {
		if (behind >= BITS_PER_LONG)
			fault[nid] = 0;
		else
			fault[nid] >>= behind;
		tot += fault[nid];
	}
	return tot;
}

/*
 * Per-node migration queues: the pages queued for node N wait on
 * queues[N].src[S], one list per source node S, linked through page->lru
 * (the pages are isolated from the LRU while queued), and knuma_migratedN
 * takes them round-robin over S.
 *
 * @lock protects the lists, @nr_src, @rr and @open, which are only ever
 * accessed under it, and every change of @nr_queued.  @nr_queued is also
 * read without the lock, with READ_ONCE() (the writers use WRITE_ONCE()),
 * where a value a moment old does: the fault path's test of the queue
 * limit, knuma_scand's backlog test and knuma_migratedN's wake-up
 * condition, which the wait queue orders against the wake-up.
 */
struct autonuma_queue {
	spinlock_t lock;		/* see above */
	bool open;			/* pages may be queued: AutoNUMA is on */
	struct list_head *src;		/* nr_node_ids lists of pages */
	unsigned long *nr_src;		/* base pages on each list */
	unsigned long nr_queued;	/* base pages on all lists */
	int rr;				/* next source node to take from */
	wait_queue_head_t wait;
	struct task_struct *thread;	/* knuma_migratedN */
};

static struct autonuma_queue **autonuma_queues;

/**
 * autonuma_rr_next - pick the next source node to dequeue from
 * @nr_src: base pages queued per source node
 * @nr_nodes: number of source nodes
 * @rr: the source node to start looking at
 *
 * Return: the first source node at or after @rr (wrapping around) with
 * pages queued, or NUMA_NO_NODE when all are empty.
 */
static int autonuma_rr_next(const unsigned long *nr_src, int nr_nodes, int rr)
{
	int i;

	for (i = 0; i < nr_nodes; i++) {
		int nid = (rr + i) % nr_nodes;

		if (nr_src[nid])
			return nid;
	}
	return NUMA_NO_NODE;
}

/* Base pages of the largest page AutoNUMA queues: a THP, if there are any. */
#define AUTONUMA_MAX_PAGE_NR \
	(IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE) ? HPAGE_PMD_NR : 1)

/*
 * Queued pages are isolated: move_pages(), mbind(MPOL_MF_MOVE) and
 * compaction cannot move them, and too many of them throttle reclaim
 * (too_many_isolated()).  So a queue holds little, 16 MiB worth at most
 * (a THP at least), and knuma_migratedN takes pages as they come, within
 * its pages_to_migrate per sleep_millisecs, rather than letting them wait
 * for its next batch.
 */
#define AUTONUMA_QUEUE_PAGES	(SZ_16M >> PAGE_SHIFT)

/*
 * Nor does a queue hold more than knuma_migratedN migrates in this many
 * of its intervals (pages_to_migrate per sleep_millisecs): however the
 * knobs are set, a page waits isolated for about two intervals at most.
 */
#define AUTONUMA_QUEUE_INTERVALS	2

/* Base pages a queue may hold: see autonuma_queue_page(). */
static unsigned long autonuma_queue_limit(void)
{
	unsigned long limit = min_t(unsigned long,
				    AUTONUMA_QUEUE_INTERVALS *
				    (unsigned long)READ_ONCE(pages_to_migrate),
				    AUTONUMA_QUEUE_PAGES);

	return max_t(unsigned long, limit, AUTONUMA_MAX_PAGE_NR);
}

/* Pages queued, for knuma_scand's pacing (see autonuma_pass_sleep()). */
static DEFINE_PER_CPU(unsigned long, autonuma_pages_queued);

/* Undo the isolation of a page that is on no list: back to the LRU. */
static void autonuma_unisolate_page(struct page *page)
{
	mod_node_page_state(page_pgdat(page),
			    NR_ISOLATED_ANON + page_is_file_lru(page),
			    -thp_nr_pages(page));
	putback_lru_page(page);
}

/*
 * Isolate @page and queue it for @dst.  Called with the page table lock
 * held, which keeps the page mapped.  Returns true when queued.
 */
static bool autonuma_queue_page(struct page *page, int src, int dst)
{
	struct autonuma_queue *q = autonuma_queues[dst];
	int nr = thp_nr_pages(page);
	bool was_empty;

	if (!q || READ_ONCE(q->nr_queued) >= autonuma_queue_limit())
		return false;
	/* Do not take a page off the LRU for a node that cannot take it. */
	if (!migrate_balanced_pgdat(NODE_DATA(dst), nr))
		return false;
	if (isolate_lru_page(page))
		return false;
	mod_node_page_state(page_pgdat(page),
			    NR_ISOLATED_ANON + page_is_file_lru(page), nr);

	spin_lock(&q->lock);
	/*
	 * Switching AutoNUMA off may have happened since this fault checked
	 * it.  The switch closes every queue under its lock before the
	 * enabled key changes, and knuma_migratedN drains its queue only
	 * after it saw the key change: a page is either on the queue before
	 * it closed (and the drain puts it back) or finds it closed here.
	 * The lock orders them, not the patching of the key's call sites,
	 * which other CPUs may see at different moments.  So no page stays
	 * isolated on a queue nobody drains.
	 */
	if (unlikely(!q->open)) {
		spin_unlock(&q->lock);
		autonuma_unisolate_page(page);
		return false;
	}
	autonuma_page_set_queued(page, true);
	list_add_tail(&page->lru, &q->src[src]);
	q->nr_src[src] += nr;
	was_empty = !q->nr_queued;
	WRITE_ONCE(q->nr_queued, q->nr_queued + nr);
	spin_unlock(&q->lock);

	count_vm_events(AUTONUMA_PAGES_QUEUED, nr);
	this_cpu_add(autonuma_pages_queued, nr);
	trace_autonuma_queue_page(page_to_pfn(page), src, dst, nr);
	if (was_empty)
		wake_up_interruptible(&q->wait);
	return true;
}

/* Does @pol allow migrate-on-fault to @nid?  See autonuma_policy_allows(). */
static bool autonuma_mpol_allows(struct mempolicy *pol, int nid)
{
	if (!(pol->flags & MPOL_F_MOF))
		return false;
	switch (pol->mode) {
	case MPOL_LOCAL:
		return true;
	case MPOL_PREFERRED:
		/* the default policy of a task: follow the faulting CPU */
		return (pol->flags & MPOL_F_MORON) || node_isset(nid, pol->nodes);
	case MPOL_BIND:
	case MPOL_PREFERRED_MANY:
		return node_isset(nid, pol->nodes);
	default:
		/* interleaving spreads on purpose */
		return false;
	}
}

/**
 * autonuma_policy_allows - may a page at @addr of @vma move to @nid?
 * @vma: the vma the page is mapped in
 * @addr: the address it is mapped at
 * @nid: the node AutoNUMA would move it to
 *
 * The policy lookup of the fault path, as in mpol_misplaced(): the shared
 * policy of the vma's object (shmem and tmpfs, set by mbind() through any
 * mapping or by the mount's mpol= option) or the vma's own policy, else
 * the current task's.  Only a policy that allows migrate-on-fault
 * (MPOL_F_MOF: the default, or mbind() with MPOL_MF_LAZY) lets pages
 * move, and then only within its nodes: one that moves pages towards the
 * faulting CPU (MPOL_F_MORON, the default) anywhere it allows.
 *
 * Called with the page table lock held, as mpol_misplaced() is.
 *
 * Return: true when the policy allows the page on @nid.
 */
static bool autonuma_policy_allows(struct vm_area_struct *vma,
				   unsigned long addr, int nid)
{
	struct mempolicy *pol = __get_vma_policy(vma, addr);
	bool allowed;

	if (!pol)
		pol = get_task_policy(current);
	allowed = autonuma_mpol_allows(pol, nid);
	mpol_cond_put(pol);
	return allowed;
}

struct autonuma_recheck {
	int nid;
	bool allowed;
};

static bool autonuma_recheck_one(struct folio *folio,
				 struct vm_area_struct *vma,
				 unsigned long addr, void *arg)
{
	struct autonuma_recheck *rc = arg;
	struct mempolicy *pol;

	/* the process opted out since the page was queued */
	if (autonuma_mm_disabled(vma->vm_mm)) {
		rc->allowed = false;
		return false;
	}
	pol = __get_vma_policy(vma, addr);
	if (pol) {
		rc->allowed = autonuma_mpol_allows(pol, rc->nid);
		mpol_cond_put(pol);
	}
	return rc->allowed;
}

/*
 * Is @page still allowed on @nid by the policies of the vmas that map it?
 * A page waits on its queue for a moment: an mbind() or a shared policy
 * set meanwhile wins over the fault that queued it, and so does an opt-out
 * of a process that maps it (prctl(PR_SET_AUTONUMA_DISABLE)).  The task's own
 * policy and cpuset were checked at queue time, in the task; they cannot
 * be seen from here.  A page whose rmap cannot be walked now (its lock is
 * taken) is left where it is.
 */
static bool autonuma_recheck_policy(struct page *page, int nid)
{
	struct folio *folio = page_folio(page);
	struct autonuma_recheck rc = { .nid = nid, .allowed = true };
	struct rmap_walk_control rwc = {
		.arg = &rc,
		.rmap_one = autonuma_recheck_one,
		.anon_lock = folio_lock_anon_vma_read,
		.try_lock = true,
	};
	bool need_lock = !folio_test_anon(folio) || folio_test_ksm(folio);

	if (need_lock && !folio_trylock(folio))
		return false;
	rmap_walk(folio, &rwc);
	if (need_lock)
		folio_unlock(folio);
	return rc.allowed && !rwc.contended;
}

/* May AutoNUMA move this page of this vma to @nid for the current task? */
static bool autonuma_may_migrate(struct page *page,
				 struct vm_area_struct *vma, unsigned long addr,
				 int nid)
{
	/* The task's cpuset: knuma_migratedN allocates outside it. */
	if (!node_isset(nid, cpuset_current_mems_allowed))
		return false;
	/* An explicit memory policy wins, as it does for NUMA balancing. */
	if (!autonuma_policy_allows(vma, addr, nid))
		return false;
	/* Memory shared between processes stays where it is. */
	if (PageTransHuge(page) ? total_mapcount(page) != 1 :
	    page_mapcount(page) != 1)
		return false;
	/* Do not bother with dirty file pages, they cannot move async. */
	if (page_is_file_lru(page) && PageDirty(page))
		return false;
	return true;
}

/* Charge @nr base pages on @page_nid to the current task's statistics. */
static void autonuma_charge_task(struct mm_struct *mm, int page_nid, int nr)
{
	struct sched_autonuma *sa = current->sched_autonuma;
	struct mm_autonuma *mma = mm->mm_autonuma;
	unsigned long pass;

	if (!sa || !mma || current->mm != mm)
		return;

	autonuma_task_adopt_mm(sa, mm);
	pass = READ_ONCE(mma->numa_fault_pass);
	if (sa->numa_fault_pass != pass) {
		sa->numa_fault_tot = autonuma_decay(sa->numa_fault, nr_node_ids,
						    pass - sa->numa_fault_pass);
		sa->numa_fault_pass = pass;
	}
	sa->numa_fault[page_nid] += nr;
	sa->numa_fault_tot += nr;
}

/* Account one hinting fault on @page at @addr and run the filter on it. */
static void autonuma_fault_page(struct vm_area_struct *vma, struct page *page,
				unsigned long addr, int page_nid, int this_nid,
				int nr)
{
	struct autonuma_page_state st;
	enum autonuma_filter filter;
	unsigned int raw;

	count_vm_numa_event(NUMA_HINT_FAULTS);
	if (page_nid == this_nid) {
		count_vm_numa_event(NUMA_HINT_FAULTS_LOCAL);
		count_vm_events(AUTONUMA_FAULTS_LOCAL, nr);
	} else {
		count_vm_events(AUTONUMA_FAULTS_REMOTE, nr);
	}
	autonuma_charge_task(vma->vm_mm, page_nid, nr);

	raw = autonuma_page_raw(page);
	autonuma_state_unpack(raw, nr_node_ids, &st);
	/* a mark left by upstream NUMA balancing, or by a page put back */
	if (st.queued && PageLRU(page))
		st.queued = false;
	filter = autonuma_filter_fault(&st, this_nid, page_nid);
	if (filter == AUTONUMA_FILTER_RECORD || filter == AUTONUMA_FILTER_HOLD) {
		/* a racing fault changed it first: this one counts for nothing */
		autonuma_page_cmpxchg(page, raw, autonuma_state_pack(&st));
		return;
	}
	if (filter != AUTONUMA_FILTER_QUEUE)
		return;
	if (!autonuma_may_migrate(page, vma, addr, this_nid))
		return;
	if (!autonuma_memory_may_follow(vma->vm_mm, this_nid)) {
		/* the task belongs elsewhere: move it, not its memory */
		autonuma_balance_soon();
		return;
	}
	if (autonuma_queue_page(page, page_nid, this_nid)) {
		if (vma->vm_mm->mm_autonuma)
			atomic_long_add(nr, &vma->vm_mm->mm_autonuma->pages_queued);
		autonuma_dbg("queued pfn %lx (%d pages) %d -> %d for %s/%d\n",
			     page_to_pfn(page), nr, page_nid, this_nid,
			     current->comm, current->pid);
	}
}

/*
 * In pmd mode one hinting fault stands for its whole page table: restore
 * the other hinting entries of the same table within the vma, and account
 * each of them, as if they had all faulted.  Called with vmf->ptl held.
 */
static void autonuma_fault_pte_range(struct vm_fault *vmf, int this_nid)
{
	struct vm_area_struct *vma = vmf->vma;
	unsigned long start = max(vma->vm_start, vmf->address & PMD_MASK);
	unsigned long end = min(vma->vm_end,
				(vmf->address & PMD_MASK) + PMD_SIZE);
	pte_t *ptep = vmf->pte - ((vmf->address - start) >> PAGE_SHIFT);
	unsigned long addr;

	for (addr = start; addr < end; addr += PAGE_SIZE, ptep++) {
		pte_t old_pte = ptep_get(ptep), pte;
		bool was_writable = pte_savedwrite(old_pte);
		struct page *page;

		if (addr == vmf->address || !pte_present(old_pte) ||
		    !pte_protnone(old_pte))
			continue;

		page = vm_normal_page(vma, addr, old_pte);
		if (page && !is_zone_device_page(page) && !PageCompound(page))
			autonuma_fault_page(vma, page, addr, page_to_nid(page),
					    this_nid, 1);

		old_pte = ptep_modify_prot_start(vma, addr, ptep);
		pte = pte_modify(old_pte, vma->vm_page_prot);
		pte = pte_mkyoung(pte);
		if (was_writable)
			pte = pte_mkwrite(pte);
		ptep_modify_prot_commit(vma, addr, ptep, old_pte, pte);
		update_mmu_cache(vma, addr, ptep);
	}
}

/**
 * __autonuma_numa_fault - handle a NUMA hinting fault for AutoNUMA
 * @vmf: the fault, with the page table lock held
 * @page: the page mapped by the hinting entry
 * @page_nid: the node @page sits on
 * @nr: base pages the entry maps (HPAGE_PMD_NR for a THP)
 *
 * Charges the fault to the current task, runs the false-sharing filter and
 * queues the page for migration when it passes.  In pmd mode a fault on a
 * PTE also restores and accounts the other hinting entries of its page
 * table.  The caller restores the faulting entry itself.
 *
 * A process that opted out is not scanned, so it takes no hinting fault
 * but on entries set before it opted out: each of them is restored by the
 * caller, at the cost of the one test here, and not set again.  The flag
 * changes under mmap_lock held for writing, so a fault sees it or
 * finished before the prctl returned.
 */
void __autonuma_numa_fault(struct vm_fault *vmf, struct page *page,
			   int page_nid, int nr)
{
	int this_nid = numa_node_id();

	lockdep_assert_held(vmf->ptl);
	if (unlikely(autonuma_mm_disabled(vmf->vma->vm_mm)))
		return;
	if (page_nid != this_nid && vmf->vma->vm_mm->mm_autonuma)
		atomic_long_inc(&vmf->vma->vm_mm->mm_autonuma->faults_remote);
	autonuma_fault_page(vmf->vma, page, vmf->address, page_nid, this_nid,
			    nr);
	if (nr == 1 && READ_ONCE(scan_pmd))
		autonuma_fault_pte_range(vmf, this_nid);
}

/*
 * The mms knuma_scand walks.  Only knuma_scand touches the list and its
 * cursor (the next mm to scan; the list head itself at the end of a pass),
 * so neither needs a lock, and no fork, exec or exit takes a lock of ours.
 *
 * Lifetime, after khugepaged: an mm is registered by one of its own tasks,
 * from its task_work while AutoNUMA is on (autonuma_register_mm()), so only
 * an mm that is a live process's is ever listed, never one that an exec is
 * still building or dropping after a failure, and a process that never runs
 * while AutoNUMA is on costs nothing.  Registering pins the mm (mmgrab(),
 * mm_count only: knuma_scand never becomes a user and never runs a
 * process's exit_mmap()) and pushes it on autonuma_mms.new, a lock-free
 * list that knuma_scand splices onto its own.  The pin is dropped by
 * knuma_scand alone, when it unlinks the mm: after __mmput() pushed it on
 * autonuma_mms.dead (autonuma_exit()), or, for every mm, when AutoNUMA is
 * switched off (autonuma_unregister_all()).  Bit 0 of
 * mm_autonuma.registered says who owns the pin: whoever clears it, the
 * exit or the switch-off, decides the unlink, so the pin is dropped once.
 * knuma_scand checks mm_users under mmap_lock (autonuma_mm_exiting())
 * and leaves an exiting mm alone.
 */
struct autonuma_mm_list {
	struct llist_head new;		/* registered, not yet on @head */
	struct llist_head dead;		/* exited, not yet off @head */
	struct list_head head;		/* knuma_scand's own */
	struct list_head *cursor;	/* next on @head to scan */
};

static struct autonuma_mm_list autonuma_mms = {
	.head = LIST_HEAD_INIT(autonuma_mms.head),
	.cursor = &autonuma_mms.head,
};

static size_t mm_autonuma_size(void)
{
	return struct_size((struct mm_autonuma *)NULL, numa_fault,
			   2 * nr_node_ids);
}

/*
 * The per-mm AutoNUMA state of the current task's mm, allocated by the
 * first of its tasks to run while AutoNUMA is on: a process that never
 * does costs nothing.  Tasks of the mm may race here; the first to publish
 * wins.  Returns NULL when the allocation fails (the next try is at the
 * task's next balancer run).
 */
static struct mm_autonuma *autonuma_mm_state(struct mm_struct *mm)
{
	struct mm_autonuma *mma = READ_ONCE(mm->mm_autonuma), *old;

	if (likely(mma))
		return mma;
	mma = kzalloc(mm_autonuma_size(), GFP_KERNEL | __GFP_NOWARN);
	if (!mma)
		return NULL;
	INIT_LIST_HEAD(&mma->mm_node);
	mma->mm = mm;
	mma->numa_fault_tmp = mma->numa_fault + nr_node_ids;
	mma->pass_pause_ms = READ_ONCE(scan_sleep_millisecs);
	mma->next_pass = jiffies + msecs_to_jiffies(AUTONUMA_TASK_SCAN_DELAY_MS);
	/* cmpxchg() orders the initialisation before the pointer */
	old = cmpxchg(&mm->mm_autonuma, NULL, mma);
	if (old) {
		kfree(mma);
		return old;
	}
	return mma;
}

static void knuma_scand_wake(void);

/*
 * Register @mma, whose mm has a user that cannot go away meanwhile: pin the
 * mm for knuma_scand and hand it over.  Returns false if it was registered.
 */
static bool autonuma_register(struct autonuma_mm_list *l,
			      struct mm_autonuma *mma)
{
	if (test_bit(0, &mma->registered) ||
	    test_and_set_bit(0, &mma->registered))
		return false;
	mmgrab(mma->mm);
	llist_add(&mma->new_node, &l->new);
	/*
	 * Switched off meanwhile?  Then knuma_scand may have emptied its
	 * list already: let it unregister this one too.  Pairs with the
	 * llist_del_all() that follows the switch-off in knuma_scand (both
	 * sides are fully ordered atomics).
	 */
	if (!autonuma_enabled())
		knuma_scand_wake();
	return true;
}

/**
 * autonuma_register_mm - hand the current task's mm to knuma_scand
 *
 * Called by the task's task_work while AutoNUMA is on; allocates the mm's
 * AutoNUMA state the first time.  The task holds a user reference of its
 * mm, so __mmput() has not run and cannot run before this returns.  Takes
 * no lock: a test of a bit once the mm is registered.
 */
void autonuma_register_mm(void)
{
	struct mm_struct *mm = current->mm;
	struct mm_autonuma *mma = mm ? autonuma_mm_state(mm) : NULL;

	if (mma)
		autonuma_register(&autonuma_mms, mma);
}

/*
 * The exit of @mma's mm: if registered, hand it to knuma_scand to drop.
 * Returns true if it was registered.
 */
static bool autonuma_mm_exit(struct autonuma_mm_list *l,
			     struct mm_autonuma *mma)
{
	if (!test_bit(0, &mma->registered) ||
	    !test_and_clear_bit(0, &mma->registered))
		return false;
	llist_add(&mma->dead_node, &l->dead);
	/* switched off meanwhile: knuma_scand may wait for good */
	if (!autonuma_enabled())
		knuma_scand_wake();
	return true;
}

/**
 * __autonuma_exit - let knuma_scand drop an exiting mm
 * @mm: an mm whose last user is gone, from __mmput()
 *
 * Lock-free: if the mm is registered, it goes on autonuma_mms.dead, and
 * knuma_scand unlinks it and drops its pin at its next batch, within
 * AUTONUMA_REAP_MS when it pauses.  Until then the mm_struct, its page
 * table root and its mm_autonuma stay allocated (its pages and other page
 * tables are freed by exit_mmap() as usual).
 */
void __autonuma_exit(struct mm_struct *mm)
{
	autonuma_mm_exit(&autonuma_mms, mm->mm_autonuma);
}

/**
 * __mm_autonuma_free - free the per-mm AutoNUMA state
 * @mm: an mm whose last reference is being dropped, from __mmdrop()
 */
void __mm_autonuma_free(struct mm_struct *mm)
{
	struct mm_autonuma *mma = mm->mm_autonuma;

	/* a listed mm is pinned: knuma_scand unlinked it, or never had it */
	WARN_ON_ONCE(!list_empty(&mma->mm_node));
	kfree(mma);
	mm->mm_autonuma = NULL;
}

/* knuma_scand only: take @mma off the list, keeping the cursor valid. */
static void autonuma_unlink(struct autonuma_mm_list *l,
			    struct mm_autonuma *mma)
{
	if (l->cursor == &mma->mm_node)
		l->cursor = mma->mm_node.next;
	list_del_init(&mma->mm_node);
	/* may be the last reference: __mmdrop() frees mma */
	mmdrop(mma->mm);
}

/*
 * knuma_scand only: bring its list up to date with the registrations and
 * the exits since the last call.  Returns the number of mms unlinked.
 *
 * The dead list is taken first: an mm on it was registered before it
 * exited, so the registrations taken next include it, and it is unlinked
 * (and perhaps freed) only once it is off the lock-free list of new ones.
 */
static unsigned int autonuma_reap(struct autonuma_mm_list *l)
{
	struct llist_node *dead = llist_del_all(&l->dead);
	struct llist_node *new = llist_del_all(&l->new);
	struct mm_autonuma *mma, *next;
	unsigned int nr = 0;

	/* oldest first: llist_add() pushes in front */
	new = llist_reverse_order(new);
	llist_for_each_entry_safe(mma, next, new, new_node)
		list_add_tail(&mma->mm_node, &l->head);
	llist_for_each_entry_safe(mma, next, dead, dead_node) {
		autonuma_unlink(l, mma);
		nr++;
	}
	return nr;
}

/*
 * knuma_scand only, after AutoNUMA was switched off: drop every mm, so
 * that a machine where it is off pins none.  Each task registers its mm
 * again at its first task_work once AutoNUMA is back on.  Returns the
 * number of mms unlinked.
 */
static unsigned int autonuma_unregister_all(struct autonuma_mm_list *l)
{
	struct mm_autonuma *mma, *next;
	unsigned int nr = autonuma_reap(l);

	list_for_each_entry_safe(mma, next, &l->head, mm_node) {
		/* an exit that cleared the bit first queued it as dead */
		if (!test_and_clear_bit(0, &mma->registered))
			continue;
		autonuma_unlink(l, mma);
		nr++;
	}
	return nr;
}

/* An mm whose users are gone is being torn down: leave it alone. */
static bool autonuma_mm_exiting(struct mm_struct *mm)
{
	return atomic_read(&mm->mm_users) == 0;
}

static DECLARE_WAIT_QUEUE_HEAD(knuma_scand_wait);
static struct task_struct *knuma_scand_thread;
static bool knuma_scand_kick;

/* What knuma_scand counts while it walks an mm. */
struct autonuma_scan {
	struct mm_autonuma *mma;
	bool working_set;
	unsigned long present;
	u64 deadline;		/* local_clock() a task stops at, 0: none */
};

static void autonuma_count_page(struct autonuma_scan *scan, struct page *page,
				bool hinting, int nr)
{
	scan->present += nr;
	/* An entry still hinting was not touched since the last pass. */
	if (scan->working_set && hinting)
		return;
	scan->mma->numa_fault_tmp[page_to_nid(page)] += nr;
}

static int autonuma_scan_pmd(pmd_t *pmd, unsigned long addr,
			     unsigned long end, struct mm_walk *walk)
{
	struct autonuma_scan *scan = walk->private;
	struct vm_area_struct *vma = walk->vma;
	spinlock_t *ptl;	/* the pmd's or the page table's lock */
	pte_t *pte, *orig;

	/* Count here so that the walker never splits a huge pmd. */
	walk->action = ACTION_CONTINUE;
	ptl = pmd_trans_huge_lock(pmd, vma);
	if (ptl) {
		pmd_t entry = *pmd;

		if (pmd_present(entry) && !is_huge_zero_pmd(entry))
			autonuma_count_page(scan, pmd_page(entry),
					    pmd_protnone(entry), HPAGE_PMD_NR);
		spin_unlock(ptl);
		return 0;
	}
	if (pmd_trans_unstable(pmd))
		return 0;

	pte = pte_offset_map_lock(walk->mm, pmd, addr, &ptl);
	orig = pte;
	for (; addr < end; addr += PAGE_SIZE, pte++) {
		pte_t entry = ptep_get(pte);
		struct page *page;

		if (!pte_present(entry))
			continue;
		page = vm_normal_page(vma, addr, entry);
		if (!page || is_zone_device_page(page))
			continue;
		autonuma_count_page(scan, page, pte_protnone(entry), 1);
	}
	pte_unmap_unlock(orig, ptl);
	return 0;
}

static const struct mm_walk_ops autonuma_scan_ops = {
	.pmd_entry = autonuma_scan_pmd,
};

/*
 * Does the policy of @vma let its pages move on fault?  vma_policy_mof(),
 * except that a shmem object without a shared policy of its own follows
 * the default policy (vma_policy_mof() says no), and the task's policy is
 * judged per fault (autonuma_policy_allows()): knuma_scand is not the task.
 */
static bool autonuma_vma_policy_mof(struct vm_area_struct *vma)
{
	struct mempolicy *pol = vma->vm_policy;
	bool mof;

	if (vma->vm_ops && vma->vm_ops->get_policy) {
		pol = vma->vm_ops->get_policy(vma, vma->vm_start);
		mof = !pol || (pol->flags & MPOL_F_MOF);
		mpol_cond_put(pol);
		return mof;
	}
	return !pol || (pol->flags & MPOL_F_MOF);
}

/*
 * Which vmas knuma_scand leaves alone: what cannot migrate (PFN and mixed
 * maps, I/O, hugetlb), what has a memory policy that does not allow
 * migrate-on-fault (the user placed it, see autonuma_policy_allows()),
 * what cannot be accessed anyway, read-only file mappings (shared
 * library text, which is shared and cheap to cache remotely), and mlocked
 * memory: who mlocks asks for no page faults on it, and a hinting fault is
 * one.
 */
static bool autonuma_vma_scannable(struct vm_area_struct *vma)
{
	if (vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP | VM_IO | VM_LOCKED))
		return false;
	if (!vma_migratable(vma) || is_vm_hugetlb_page(vma))
		return false;
	if (!autonuma_vma_policy_mof(vma) || !vma_is_accessible(vma))
		return false;
	if (vma->vm_file && (vma->vm_flags & (VM_READ | VM_WRITE)) == VM_READ)
		return false;
	return true;
}

/*
 * Turn the present entries of [start, end) into NUMA hinting entries: what
 * change_prot_numa() does for a task's own memory, for any mm, on every
 * node (see MM_CP_AUTONUMA).
 */
static unsigned long autonuma_change_prot(struct vm_area_struct *vma,
					  unsigned long start, unsigned long end)
{
	struct mmu_gather tlb;
	long nr;

	tlb_gather_mmu(&tlb, vma->vm_mm);
	nr = change_protection(&tlb, vma, start, end, PAGE_NONE,
			       MM_CP_PROT_NUMA | MM_CP_AUTONUMA);
	tlb_finish_mmu(&tlb);
	if (nr > 0)
		count_vm_events(AUTONUMA_PTE_UPDATES, nr);
	return nr > 0 ? nr : 0;
}

/*
 * Publish a finished pass of an mm: its working set per node; and set when
 * its tasks may start the next one.
 */
static void autonuma_publish_mm(struct mm_autonuma *mma)
{
	unsigned long queued = atomic_long_read(&mma->pages_queued);
	unsigned long remote = atomic_long_read(&mma->faults_remote);
	unsigned long tot = 0;
	bool moved, far;
	int nid;

	for (nid = 0; nid < nr_node_ids; nid++) {
		WRITE_ONCE(mma->numa_fault[nid], mma->numa_fault_tmp[nid]);
		tot += mma->numa_fault_tmp[nid];
		mma->numa_fault_tmp[nid] = 0;
	}
	WRITE_ONCE(mma->numa_fault_tot, tot);
	WRITE_ONCE(mma->numa_fault_pass, mma->numa_fault_pass + 1);
	trace_autonuma_scan_mm(mma->mm, mma->numa_fault_pass, tot,
			       mma->numa_fault, nr_node_ids);

	/* a few stray pages queued do not make placement "moving" */
	moved = (queued - mma->pages_queued_seen) * AUTONUMA_QUEUED_SHARE > tot;
	far = remote != mma->faults_remote_seen;
	/*
	 * Remote faults that nothing comes of (memory shared across nodes)
	 * must not keep the pause short for ever.
	 */
	mma->remote_passes = moved || !far ? 0 : mma->remote_passes + 1;
	mma->pass_pause_ms = autonuma_next_pause(mma->pass_pause_ms, moved,
						 far && mma->remote_passes <=
						 AUTONUMA_REMOTE_PASSES,
						 READ_ONCE(scan_sleep_millisecs),
						 READ_ONCE(scan_sleep_pass_millisecs));
	mma->pages_queued_seen = queued;
	mma->faults_remote_seen = remote;
	WRITE_ONCE(mma->next_pass,
		   jiffies + msecs_to_jiffies(mma->pass_pause_ms));
}

/*
 * knuma_scand stops for kthread_stop(), and where the scheduler wants the
 * CPU back: it must never wait for a CPU holding scan_busy, or at nice 19
 * on a busy machine it would keep the mm's own tasks from scanning it for
 * seconds.  A task stops for a fatal signal and at its deadline
 * (AUTONUMA_TASK_SCAN_NS), and until then scans its budget, rescheduling on
 * the way (autonuma_scan_yield()): the time is its own, but it is taken
 * from the program it runs, so it is kept short; knuma_scand finishes the
 * passes the tasks leave.
 */
static bool autonuma_scan_should_stop(const struct autonuma_scan *scan)
{
	if (current->flags & PF_KTHREAD)
		return kthread_should_stop() || need_resched();
	return fatal_signal_pending(current) ||
	       (scan->deadline && local_clock() >= scan->deadline);
}

/*
 * Between two pieces of a scan that goes on: a task lets others run if
 * they want the CPU.  knuma_scand need not: it stops instead (see
 * autonuma_scan_should_stop()).
 */
static void autonuma_scan_yield(void)
{
	if (!(current->flags & PF_KTHREAD))
		cond_resched();
}

/*
 * Count and mark the pages of the vmas of @scan's mm from *@addrp on, up
 * to @budget pages; fewer when the CPU is wanted elsewhere (see
 * autonuma_scan_should_stop()), AutoNUMA was switched off or the mm is
 * exiting.  Called with the mm's mmap_lock held for reading.  Returns the
 * pages covered and leaves in *@addrp where the pass resumes; *@done tells
 * whether the pass is over.
 */
static unsigned long autonuma_scan_vmas(struct autonuma_scan *scan,
					unsigned long *addrp,
					unsigned long budget, bool *done)
{
	struct mm_struct *mm = scan->mma->mm;
	unsigned long addr = *addrp, covered = 0;
	struct vm_area_struct *vma;
	bool first = true, stop;

	VMA_ITERATOR(vmi, mm, addr);

	*done = true;
	for_each_vma(vmi, vma) {
		/* resume at this vma after a break */
		if (!first) {
			if (autonuma_scan_should_stop(scan)) {
				*done = false;
				addr = max(addr, vma->vm_start);
				goto out;
			}
			autonuma_scan_yield();
		}
		first = false;
		if (!autonuma_vma_scannable(vma))
			continue;
		addr = max(addr, vma->vm_start);
		while (addr < vma->vm_end) {
			unsigned long end = min(vma->vm_end,
						(addr & PMD_MASK) + PMD_SIZE);

			walk_page_range(mm, addr, end, &autonuma_scan_ops, scan);
			autonuma_change_prot(vma, addr, end);
			covered += (end - addr) >> PAGE_SHIFT;
			addr = end;
			stop = covered >= budget ||
			       autonuma_scan_should_stop(scan);
			if (!stop) {
				autonuma_scan_yield();
				stop = !autonuma_enabled() ||
				       autonuma_mm_exiting(mm);
			}
			if (stop) {
				*done = addr >= vma->vm_end && !find_vma(mm, addr);
				goto out;
			}
		}
	}
out:
	*addrp = addr;
	return covered;
}

/*
 * Scan up to @budget pages of the mm of @mma, which the caller pinned,
 * holding @mma->scan_busy (autonuma_scan_vmas()), and publish the pass
 * once it is over (autonuma_publish_mm()).  A task stops at @deadline
 * (local_clock(), 0 for none) after the page table it is at.  Returns the
 * pages covered, at least 1; *@done tells whether the mm's pass is over (or
 * the mm was busy and is skipped in this pass).  When the CPU is wanted
 * elsewhere the caller reschedules after dropping scan_busy.
 */
static unsigned long autonuma_scan_mm(struct mm_autonuma *mma,
				      unsigned long budget, u64 deadline,
				      bool *done)
{
	struct mm_struct *mm = mma->mm;
	struct autonuma_scan scan = {
		.mma = mma,
		.working_set = READ_ONCE(scan_working_set),
		.deadline = deadline,
	};
	unsigned long addr = mma->scan_address, covered;

	*done = true;
	/* Never make a process wait for us: try again next pass. */
	if (!mmap_read_trylock(mm))
		return 1;
	/* the opt-out is set under mmap_lock: no pass runs past it */
	if (autonuma_mm_exiting(mm) || autonuma_mm_disabled(mm)) {
		mmap_read_unlock(mm);
		return 1;
	}

	covered = autonuma_scan_vmas(&scan, &addr, budget, done);
	/* read without scan_busy by autonuma_scan_mm_if_due() */
	if (*done) {
		autonuma_publish_mm(mma);
		WRITE_ONCE(mma->scan_address, 0);
	} else {
		WRITE_ONCE(mma->scan_address, addr);
	}
	mmap_read_unlock(mm);
	atomic_long_add(scan.present, &pages_scanned);
	return max(covered, 1UL);
}

/*
 * Scan the mm of @mma, which the caller pinned, when its pause after its
 * last pass is over (or a pass is under way) and nobody else scans it.
 * Returns the pages covered as autonuma_scan_mm() does, or 0 (with *@done
 * set) when the mm was not due or busy.
 */
static unsigned long autonuma_scan_mm_if_due(struct mm_autonuma *mma,
					     unsigned long budget, u64 deadline,
					     bool *done)
{
	unsigned long covered;

	*done = true;
	if (autonuma_mm_disabled(mma->mm))
		return 0;
	if (!READ_ONCE(mma->scan_address) &&
	    time_before(jiffies, READ_ONCE(mma->next_pass)))
		return 0;
	if (test_and_set_bit_lock(0, &mma->scan_busy))
		return 0;
	covered = autonuma_scan_mm(mma, budget, deadline, done);
	clear_bit_unlock(0, &mma->scan_busy);
	return covered;
}

/*
 * One batch of knuma_scand: up to pages_to_scan pages, over as many mms as
 * it takes.  Returns true at the end of a full pass over all mms.
 */
static bool autonuma_scan_batch(void)
{
	struct autonuma_mm_list *l = &autonuma_mms;
	unsigned long budget = READ_ONCE(pages_to_scan);

	while (budget && !kthread_should_stop() && autonuma_enabled()) {
		struct mm_autonuma *mma;
		unsigned long covered;
		bool done;

		autonuma_reap(l);
		if (l->cursor == &l->head) {
			/* a new pass starts */
			l->cursor = l->head.next;
			if (l->cursor == &l->head)
				return true;
		}
		/* listed, so pinned: see struct autonuma_mm_list */
		mma = list_entry(l->cursor, struct mm_autonuma, mm_node);

		/* not due, or one of its tasks scans it: next mm */
		covered = max(autonuma_scan_mm_if_due(mma, budget, 0, &done),
			      1UL);
		budget -= min(budget, covered);
		if (done)
			l->cursor = mma->mm_node.next;
		if (l->cursor == &l->head) {
			WRITE_ONCE(full_scans, full_scans + 1);
			return true;
		}
		cond_resched();
	}
	return false;
}

/*
 * Scanning faster than the knuma_migrated threads can drain their queues
 * only burns CPU in hinting faults whose pages cannot be queued: while a
 * queue holds more than this, knuma_scand waits instead of scanning.
 */
#define AUTONUMA_SCAN_BACKLOG	2048

static bool autonuma_migration_backlogged(void)
{
	int nid;

	for_each_node_state(nid, N_MEMORY)
		if (autonuma_queues[nid] &&
		    READ_ONCE(autonuma_queues[nid]->nr_queued) >
		    AUTONUMA_SCAN_BACKLOG)
			return true;
	return false;
}

/* The pause after a pass over all mms adapts, see autonuma_next_pause(). */
static unsigned int autonuma_pass_sleep(void)
{
	static unsigned long last_queued;
	static unsigned int sleep_ms;
	unsigned long queued = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		queued += per_cpu(autonuma_pages_queued, cpu);

	sleep_ms = autonuma_next_pause(sleep_ms, queued != last_queued, false,
				       READ_ONCE(scan_sleep_millisecs),
				       READ_ONCE(scan_sleep_pass_millisecs));
	last_queued = queued;
	return sleep_ms;
}

/*
 * How long a task scans its mm per turn.  Upstream NUMA balancing's
 * task_numa_work() scans 256 MB per turn from the same path, and its users
 * see it as stalls of milliseconds in latency-sensitive threads; here a
 * turn ends at the first page table boundary after half a millisecond, so
 * a task pays at most about 0.1 % of its time (one turn per 500 ms).
 */
#define AUTONUMA_TASK_SCAN_NS	(500 * NSEC_PER_USEC)

/**
 * autonuma_task_scan - scan a piece of the current task's own mm
 *
 * knuma_scand runs at nice 19, and on a machine whose CPUs are all busy it
 * gets little CPU time: passes, and with them placement, would slow to a
 * crawl just when the machine has most to gain.  So the tasks of an mm
 * help: from the scheduler side's task_work (at most every 500 ms per
 * task), a task whose mm is due for a pass (its pause after the last pass,
 * see autonuma_next_pause(), is over, or a pass is in progress) scans the
 * next pages_to_scan of it, in its own context, charging the cost to
 * the process that benefits, for at most AUTONUMA_TASK_SCAN_NS (and the
 * page table it is at then).  Whoever holds mm_autonuma.scan_busy scans;
 * the others skip.  knuma_scand still covers mms whose tasks do not run,
 * and the rest of a pass a task stopped in.  Off with
 * knuma_scand/task_scan=0.
 *
 * Return: the pages of address space covered, 0 when nothing was scanned.
 */
unsigned long autonuma_task_scan(void)
{
	struct mm_struct *mm = current->mm;
	struct mm_autonuma *mma = mm ? mm->mm_autonuma : NULL;
	unsigned long covered;
	bool done;

	if (!mma || !READ_ONCE(scan_task) || !autonuma_enabled() ||
	    (current->flags & PF_KTHREAD) || autonuma_migration_backlogged())
		return 0;
	covered = autonuma_scan_mm_if_due(mma, READ_ONCE(pages_to_scan),
					  local_clock() + AUTONUMA_TASK_SCAN_NS,
					  &done);
	atomic_long_add(covered, &task_pages_scanned);
	return covered;
}

static bool knuma_scand_should_wake(void)
{
	return kthread_should_stop() || READ_ONCE(knuma_scand_kick);
}

/*
 * The mms that exit while knuma_scand pauses keep their mm_struct (and its
 * page table root) until it drops them: it looks at least this often, so
 * that a machine that forks and exits fast does not pile them up during a
 * pause of seconds.
 */
#define AUTONUMA_REAP_MS	1000

/* Pause for @msecs, or until woken, dropping exited mms meanwhile. */
static void knuma_scand_pause(unsigned int msecs)
{
	unsigned long end = jiffies + msecs_to_jiffies(msecs);
	long left;

	for (;;) {
		autonuma_reap(&autonuma_mms);
		left = (long)(end - jiffies);
		if (left <= 0)
			return;
		left = min_t(long, left, msecs_to_jiffies(AUTONUMA_REAP_MS));
		if (wait_event_freezable_timeout(knuma_scand_wait,
						 knuma_scand_should_wake(),
						 left))
			return;
	}
}

/*
 * Nice 19, like khugepaged: at nice 0 its load made CFS move the threads
 * of a fully busy machine between nodes, undoing the scheduler side's
 * placement.  The price: when every CPU is busy it scans slowly, and
 * placement converges slowly (see Documentation/mm/autonuma.rst).
 */
static int knuma_scand(void *none)
{
	set_freezable();
	set_user_nice(current, MAX_NICE);

	while (!kthread_should_stop()) {
		unsigned int msecs;

		WRITE_ONCE(knuma_scand_kick, false);
		if (!autonuma_enabled()) {
			/* full barrier: see autonuma_register() */
			smp_mb();
			autonuma_unregister_all(&autonuma_mms);
			wait_event_freezable(knuma_scand_wait,
					     knuma_scand_should_wake());
			continue;
		}
		if (autonuma_migration_backlogged())
			msecs = READ_ONCE(scan_sleep_millisecs);
		else if (autonuma_scan_batch())
			msecs = autonuma_pass_sleep();
		else
			msecs = READ_ONCE(scan_sleep_millisecs);
		knuma_scand_pause(msecs);
	}
	return 0;
}

static void knuma_scand_wake(void)
{
	WRITE_ONCE(knuma_scand_kick, true);
	wake_up_interruptible(&knuma_scand_wait);
}

/* Put back a page taken off a queue without migrating it. */
static void autonuma_putback_page(struct page *page)
{
	list_del(&page->lru);
	autonuma_unisolate_page(page);
}

/*
 * Move up to @max base pages (a THP counts whole) off @q onto @list,
 * round-robin over the source nodes.  Returns the base pages taken.
 */
static unsigned long autonuma_take_queued(struct autonuma_queue *q,
					  struct list_head *list,
					  unsigned long max)
{
	unsigned long taken = 0;

	spin_lock(&q->lock);
	while (taken < max) {
		int src = autonuma_rr_next(q->nr_src, nr_node_ids, q->rr);
		struct page *page;
		int nr;

		if (src == NUMA_NO_NODE)
			break;
		page = list_first_entry(&q->src[src], struct page, lru);
		nr = thp_nr_pages(page);
		list_move_tail(&page->lru, list);
		q->nr_src[src] -= nr;
		WRITE_ONCE(q->nr_queued, q->nr_queued - nr);
		taken += nr;
		q->rr = (src + 1) % nr_node_ids;
	}
	spin_unlock(&q->lock);
	return taken;
}

/*
 * Is a page taken off the queue of @nid, whose state was @st while it
 * waited, still to migrate there?
 */
static bool autonuma_still_wanted(struct page *page,
				  const struct autonuma_page_state *st, int nid)
{
	/* a fault from another node since cancelled it */
	if (!st->queued || st->last_nid != nid)
		return false;
	/* only our isolation holds it: the process let go of it */
	if (page_count(page) == 1)
		return false;
	return autonuma_recheck_policy(page, nid);
}

/*
 * Clear the queued mark of the pages on @list, taken off the queue of
 * @nid, and put back those that are no longer to migrate.  Returns the
 * base pages put back.
 */
static unsigned long autonuma_drop_unwanted(int nid, struct list_head *list)
{
	unsigned long dropped = 0;
	struct page *page, *next;

	list_for_each_entry_safe(page, next, list, lru) {
		struct autonuma_page_state st;

		autonuma_page_state(page, &st);
		autonuma_page_set_queued(page, false);
		if (autonuma_still_wanted(page, &st, nid))
			continue;
		dropped += thp_nr_pages(page);
		autonuma_putback_page(page);
	}
	return dropped;
}

/*
 * Take up to @max base pages for node @nid off its queue onto @list,
 * *@taken of them, and put back those whose migration was cancelled by
 * the filter meanwhile, whose last mapping went away, or that a policy no
 * longer allows on @nid.  Returns the base pages put back.
 */
static unsigned long autonuma_dequeue(int nid, struct list_head *list,
				      unsigned long max, unsigned long *taken)
{
	*taken = autonuma_take_queued(autonuma_queues[nid], list, max);
	return autonuma_drop_unwanted(nid, list);
}

/*
 * Allocate the destination of a migration.  The page's AutoNUMA state
 * becomes that of a page faulted from its new node that bounced once
 * more; migration copies it over with the rest of the last_cpupid field
 * (folio_migrate_flags()).  Should the migration fail, the page keeps it,
 * one bounce too many, so it waits longer before its next move.
 *
 * Once AutoNUMA is switched off no destination is given: migrate_pages()
 * takes that as a lack of memory and stops, so the switch takes effect
 * within one page of the chunk in flight, not at its end (a chunk can take
 * a second on a slow kernel), and the rest of the chunk is put back.
 */
static struct page *autonuma_alloc_dst_page(struct page *page,
					    unsigned long nid)
{
	struct autonuma_page_state st;
	struct page *newpage;
	unsigned int raw;

	if (!autonuma_enabled())
		return NULL;
	newpage = alloc_misplaced_dst_page(page, nid);
	if (!newpage)
		return NULL;
	do {
		raw = autonuma_page_raw(page);
		autonuma_state_unpack(raw, nr_node_ids, &st);
		autonuma_state_migrated(&st, nid);
	} while (!autonuma_page_cmpxchg(page, raw, autonuma_state_pack(&st)));
	return newpage;
}

static unsigned long autonuma_count_thp(struct list_head *list)
{
	unsigned long nr = 0;
	struct page *page;

	list_for_each_entry(page, list, lru)
		nr += PageTransHuge(page);
	return nr;
}

/*
 * A THP that could not move whole (no free huge page on the destination)
 * is split, when the destination has room for its base pages, and they
 * are migrated instead.  Returns the THPs split, their base pages are left
 * on @list.
 */
static unsigned long autonuma_split_failed_thp(struct list_head *list, int nid)
{
	struct page *page, *next;
	unsigned long split = 0;
	LIST_HEAD(base);

	list_for_each_entry_safe(page, next, list, lru) {
		if (!PageTransHuge(page))
			continue;
		if (!migrate_balanced_pgdat(NODE_DATA(nid), HPAGE_PMD_NR) ||
		    !trylock_page(page))
			continue;
		if (!split_huge_page_to_list(page, &base))
			split++;
		unlock_page(page);
	}
	list_splice_tail(&base, list);
	return split;
}

/*
 * Migrate up to @max base pages queued for @nid.  Returns the base pages
 * taken off the queue.
 */
static unsigned long autonuma_migrate_chunk(int nid, unsigned long max)
{
	unsigned long taken, dropped, thp, thp_left, split, failed = 0;
	unsigned int succeeded = 0, more = 0;
	LIST_HEAD(list);

	down_read(&autonuma_migrate_rwsem);
	dropped = autonuma_dequeue(nid, &list, max, &taken);
	if (list_empty(&list))
		goto out;

	/* Never push the destination below its high watermark. */
	if (!migrate_balanced_pgdat(NODE_DATA(nid), taken - dropped)) {
		failed = taken - dropped;
		putback_movable_pages(&list);
		goto out;
	}

	thp = autonuma_count_thp(&list);
	migrate_pages(&list, autonuma_alloc_dst_page, NULL, nid,
		      MIGRATE_ASYNC, MR_NUMA_MISPLACED, &succeeded);
	thp_left = autonuma_count_thp(&list);
	count_vm_events(AUTONUMA_THP_MIGRATED, thp - thp_left);

	split = thp_left && autonuma_enabled() ?
		autonuma_split_failed_thp(&list, nid) : 0;
	if (split) {
		count_vm_events(AUTONUMA_THP_SPLIT, split);
		migrate_pages(&list, autonuma_alloc_dst_page, NULL, nid,
			      MIGRATE_ASYNC, MR_NUMA_MISPLACED, &more);
		succeeded += more;
	}
	if (!list_empty(&list)) {
		struct page *page;

		list_for_each_entry(page, &list, lru)
			failed += thp_nr_pages(page);
		putback_movable_pages(&list);
	}
	count_vm_numa_events(NUMA_PAGE_MIGRATE, succeeded);
	count_vm_events(AUTONUMA_PAGES_MIGRATED, succeeded);
	atomic_long_add(succeeded, &pages_migrated);
out:
	up_read(&autonuma_migrate_rwsem);
	failed += dropped;
	if (failed) {
		count_vm_events(AUTONUMA_MIGRATE_FAILED, failed);
		atomic_long_add(failed, &pages_failed);
	}
	if (taken) {
		trace_autonuma_migrate_batch(nid, taken, succeeded, failed);
		autonuma_dbg("knuma_migrated%d: %lu taken, %u migrated, %lu failed\n",
			     nid, taken, succeeded, failed);
	}
	return taken;
}

/*
 * One interval of knuma_migratedN: up to pages_to_migrate base pages
 * within sleep_millisecs, in small chunks (a THP is taken whole), so that
 * stopping the thread takes effect between chunks (switching AutoNUMA off
 * within one, see autonuma_alloc_dst_page()).  Pages queued during the
 * interval are taken as they come, so that they wait isolated for a chunk,
 * not for the next interval; once the budget is spent, the thread sleeps
 * out the interval.
 */
#define AUTONUMA_MIGRATE_CHUNK	64

static bool knuma_migrated_should_wake(struct autonuma_queue *q)
{
	return kthread_should_stop() || READ_ONCE(q->nr_queued) ||
	       !autonuma_enabled();
}

static void autonuma_migrate_batch(int nid)
{
	struct autonuma_queue *q = autonuma_queues[nid];
	unsigned long left = READ_ONCE(pages_to_migrate);
	unsigned long end = jiffies +
		msecs_to_jiffies(READ_ONCE(migrate_sleep_millisecs));

	while (left && autonuma_enabled() && !kthread_should_stop()) {
		unsigned long taken;

		taken = autonuma_migrate_chunk(nid, min_t(unsigned long, left,
							  AUTONUMA_MIGRATE_CHUNK));
		if (taken) {
			left -= min(left, taken);
			cond_resched();
			continue;
		}
		if (!time_before(jiffies, end))
			return;
		wait_event_freezable_timeout(q->wait,
					     knuma_migrated_should_wake(q),
					     end - jiffies);
	}
	if (!time_before(jiffies, end))
		return;
	/* budget spent: the rest of the interval, but wake to stop or switch */
	wait_event_freezable_timeout(q->wait, kthread_should_stop() ||
				     !autonuma_enabled(), end - jiffies);
}

/* Put back every page queued for @nid (AutoNUMA was switched off). */
static void autonuma_drain_queue(int nid)
{
	unsigned long taken, dropped;
	LIST_HEAD(list);

	do {
		dropped = autonuma_dequeue(nid, &list, ULONG_MAX, &taken);
		putback_movable_pages(&list);
		if (taken) {
			count_vm_events(AUTONUMA_MIGRATE_FAILED, taken);
			atomic_long_add(taken, &pages_failed);
		}
	} while (taken);
}

static int knuma_migrated(void *arg)
{
	int nid = (long)arg;
	struct autonuma_queue *q = autonuma_queues[nid];

	/*
	 * Not niced, like kcompactd: the queue is work the node's tasks
	 * asked for, bounded by pages_to_migrate per sleep_millisecs.
	 */
	set_freezable();

	while (!kthread_should_stop()) {
		if (!autonuma_enabled()) {
			autonuma_drain_queue(nid);
			wait_event_freezable(q->wait, kthread_should_stop() ||
					     autonuma_enabled());
			continue;
		}
		wait_event_freezable(q->wait, knuma_migrated_should_wake(q));
		if (kthread_should_stop() || !autonuma_enabled())
			continue;
		autonuma_migrate_batch(nid);
	}
	autonuma_drain_queue(nid);
	return 0;
}

static void knuma_migrated_wake_all(void)
{
	int nid;

	for_each_node_state(nid, N_MEMORY)
		if (autonuma_queues[nid])
			wake_up_interruptible(&autonuma_queues[nid]->wait);
}

/* Keep each knuma_migratedN on its node's CPUs across CPU hotplug. */
static int autonuma_cpu_online(unsigned int cpu)
{
	int nid;

	for_each_node_state(nid, N_MEMORY) {
		const struct cpumask *mask = cpumask_of_node(nid);

		if (autonuma_queues[nid] && autonuma_queues[nid]->thread &&
		    cpumask_any_and(cpu_online_mask, mask) < nr_cpu_ids)
			set_cpus_allowed_ptr(autonuma_queues[nid]->thread, mask);
	}
	return 0;
}

static int __init autonuma_queue_init(int nid)
{
	struct autonuma_queue *q;
	int src;

	q = kzalloc_node(sizeof(*q), GFP_KERNEL, nid);
	if (!q)
		return -ENOMEM;
	q->src = kcalloc(nr_node_ids, sizeof(*q->src), GFP_KERNEL);
	q->nr_src = kcalloc(nr_node_ids, sizeof(*q->nr_src), GFP_KERNEL);
	if (!q->src || !q->nr_src) {
		kfree(q->src);
		kfree(q->nr_src);
		kfree(q);
		return -ENOMEM;
	}
	spin_lock_init(&q->lock);
	for (src = 0; src < nr_node_ids; src++)
		INIT_LIST_HEAD(&q->src[src]);
	init_waitqueue_head(&q->wait);

	q->thread = kthread_create_on_node(knuma_migrated, (void *)(long)nid,
					   nid, "knuma_migrated%d", nid);
	if (IS_ERR(q->thread)) {
		int err = PTR_ERR(q->thread);

		kfree(q->src);
		kfree(q->nr_src);
		kfree(q);
		return err;
	}
	if (cpumask_any_and(cpu_online_mask, cpumask_of_node(nid)) < nr_cpu_ids)
		set_cpus_allowed_ptr(q->thread, cpumask_of_node(nid));
	autonuma_queues[nid] = q;
	wake_up_process(q->thread);
	return 0;
}

static int __init autonuma_threads_init(void)
{
	int nid, err;

	autonuma_queues = kcalloc(nr_node_ids, sizeof(*autonuma_queues),
				  GFP_KERNEL);
	if (!autonuma_queues)
		return -ENOMEM;

	for_each_node_state(nid, N_MEMORY) {
		err = autonuma_queue_init(nid);
		if (err)
			return err;
	}
	err = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "mm/autonuma:online",
					autonuma_cpu_online, NULL);
	if (err < 0)
		return err;

	knuma_scand_thread = kthread_run(knuma_scand, NULL, "knuma_scand");
	return PTR_ERR_OR_ZERO(knuma_scand_thread);
}

/**
 * autonuma_parse_knob - parse a sysfs write into a bounded knob value
 * @buf: the user's write, NUL terminated by sysfs
 * @min: smallest accepted value
 * @max: largest accepted value
 * @val: where to store the value on success
 *
 * Accepts one unsigned decimal number with an optional trailing newline,
 * nothing else: no sign, no spaces, no base prefix, no empty string.
 *
 * Return: 0 on success, -EINVAL otherwise (*@val is then untouched).
 */
static int autonuma_parse_knob(const char *buf, unsigned int min,
			       unsigned int max, unsigned int *val)
{
	unsigned int v;

	if (!isdigit(buf[0]))
		return -EINVAL;
	if (kstrtouint(buf, 10, &v))
		return -EINVAL;
	if (v < min || v > max)
		return -EINVAL;
	*val = v;
	return 0;
}

/**
 * struct autonuma_knob - a validated unsigned integer in sysfs
 * @attr: the sysfs attribute
 * @val: the variable behind it
 * @min: smallest value a write may set
 * @max: largest value a write may set
 * @changed: called under autonuma_placement_lock after a write changed
 *	@val, to make the new value take effect at once (e.g. wake a thread)
 */
struct autonuma_knob {
	struct kobj_attribute attr;
	unsigned int *val;
	unsigned int min;
	unsigned int max;
	void (*changed)(void);
};

static ssize_t knob_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	struct autonuma_knob *knob = container_of(attr, struct autonuma_knob,
						  attr);

	return sysfs_emit(buf, "%u\n", READ_ONCE(*knob->val));
}

static ssize_t knob_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t count)
{
	struct autonuma_knob *knob = container_of(attr, struct autonuma_knob,
						  attr);
	unsigned int val;

	if (autonuma_parse_knob(buf, knob->min, knob->max, &val))
		return -EINVAL;

	mutex_lock(&autonuma_placement_lock);
	if (*knob->val != val) {
		WRITE_ONCE(*knob->val, val);
		if (knob->changed)
			knob->changed();
	}
	mutex_unlock(&autonuma_placement_lock);
	return count;
}

#define AUTONUMA_KNOB(_name, _var, _min, _max, _changed)		\
static struct autonuma_knob _name##_knob = {				\
	.attr	= __ATTR(_name, 0644, knob_show, knob_store),		\
	.val	= &(_var),						\
	.min	= (_min),						\
	.max	= (_max),						\
	.changed = (_changed),						\
}

AUTONUMA_KNOB(debug, autonuma_debug, 0, 1, NULL);
AUTONUMA_KNOB(scan_sleep_millisecs, scan_sleep_millisecs, 1,
	      AUTONUMA_MAX_MILLISECS, knuma_scand_wake);
AUTONUMA_KNOB(scan_sleep_pass_millisecs, scan_sleep_pass_millisecs, 0,
	      AUTONUMA_MAX_MILLISECS, knuma_scand_wake);
AUTONUMA_KNOB(pages_to_scan, pages_to_scan, 1, AUTONUMA_MAX_PAGES,
	      knuma_scand_wake);
AUTONUMA_KNOB(pmd, scan_pmd, 0, 1, NULL);
AUTONUMA_KNOB(working_set, scan_working_set, 0, 1, NULL);
AUTONUMA_KNOB(task_scan, scan_task, 0, 1, NULL);
AUTONUMA_KNOB(sleep_millisecs, migrate_sleep_millisecs, 1,
	      AUTONUMA_MAX_MILLISECS, knuma_migrated_wake_all);
AUTONUMA_KNOB(pages_to_migrate, pages_to_migrate, 1, AUTONUMA_MAX_PAGES,
	      knuma_migrated_wake_all);

AUTONUMA_KNOB(load_balance_strict, autonuma_sched_load_balance_strict, 0, 1,
	      NULL);
AUTONUMA_KNOB(clone_reset, autonuma_sched_clone_reset, 0, 1, NULL);
AUTONUMA_KNOB(fork_reset, autonuma_sched_fork_reset, 0, 1, NULL);

static ssize_t balance_calls_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n",
			  atomic_long_read(&autonuma_sched_balance_calls));
}

static ssize_t balance_ns_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n",
			  atomic_long_read(&autonuma_sched_balance_ns));
}

static struct kobj_attribute balance_calls_attr = __ATTR_RO(balance_calls);
static struct kobj_attribute balance_ns_attr = __ATTR_RO(balance_ns);

static ssize_t pages_scanned_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n", atomic_long_read(&pages_scanned));
}

static ssize_t task_pages_scanned_show(struct kobject *kobj,
				       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n", atomic_long_read(&task_pages_scanned));
}

static ssize_t full_scans_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n", READ_ONCE(full_scans));
}

static ssize_t pages_migrated_show(struct kobject *kobj,
				   struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n", atomic_long_read(&pages_migrated));
}

static ssize_t pages_failed_show(struct kobject *kobj,
				 struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n", atomic_long_read(&pages_failed));
}

static struct kobj_attribute pages_scanned_attr = __ATTR_RO(pages_scanned);
static struct kobj_attribute task_pages_scanned_attr =
	__ATTR_RO(task_pages_scanned);
static struct kobj_attribute full_scans_attr = __ATTR_RO(full_scans);
static struct kobj_attribute pages_migrated_attr = __ATTR_RO(pages_migrated);
static struct kobj_attribute pages_failed_attr = __ATTR_RO(pages_failed);

static ssize_t enabled_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", autonuma_enabled());
}

/*
 * Switch AutoNUMA on or off.  Refused with -ENODEV where it is not possible
 * and with -EBUSY while upstream NUMA balancing is on.  Switching off wakes
 * every thread: knuma_scand stops scanning and each knuma_migratedN puts
 * its queued pages back.
 */
/* Let pages be queued, or not; see autonuma_queue_page(). */
static void autonuma_open_queues(bool open)
{
	int nid;

	if (!autonuma_queues)
		return;
	for (nid = 0; nid < nr_node_ids; nid++) {
		struct autonuma_queue *q = autonuma_queues[nid];

		if (!q)
			continue;
		spin_lock(&q->lock);
		q->open = open;
		spin_unlock(&q->lock);
	}
}

static int autonuma_set_enabled(bool on)
{
	lockdep_assert_held(&autonuma_placement_lock);

	if (on == autonuma_enabled())
		return 0;
	if (on && !autonuma_possible())
		return -ENODEV;
	if (on && READ_ONCE(sysctl_numa_balancing_mode))
		return -EBUSY;

	if (on) {
		autonuma_open_queues(true);
		static_branch_enable(&autonuma_enabled_key);
	} else {
		autonuma_open_queues(false);
		static_branch_disable(&autonuma_enabled_key);
	}
	if (autonuma_queues) {
		knuma_scand_wake();
		knuma_migrated_wake_all();
	}
	pr_debug("%s\n", on ? "enabled" : "disabled");
	return 0;
}

static ssize_t enabled_store(struct kobject *kobj,
			     struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	unsigned int val;
	int err;

	if (autonuma_parse_knob(buf, 0, 1, &val))
		return -EINVAL;

	mutex_lock(&autonuma_placement_lock);
	err = autonuma_set_enabled(val);
	mutex_unlock(&autonuma_placement_lock);
	return err ? err : count;
}

static struct kobj_attribute enabled_attr = __ATTR_RW(enabled);

static struct attribute *autonuma_attrs[] = {
	&enabled_attr.attr,
	&debug_knob.attr.attr,
	NULL,
};

static const struct attribute_group autonuma_attr_group = {
	.attrs = autonuma_attrs,
};

static struct attribute *knuma_scand_attrs[] = {
	&scan_sleep_millisecs_knob.attr.attr,
	&scan_sleep_pass_millisecs_knob.attr.attr,
	&pages_to_scan_knob.attr.attr,
	&pages_scanned_attr.attr,
	&full_scans_attr.attr,
	&pmd_knob.attr.attr,
	&working_set_knob.attr.attr,
	&task_scan_knob.attr.attr,
	&task_pages_scanned_attr.attr,
	NULL,
};

static const struct attribute_group knuma_scand_attr_group = {
	.name = "knuma_scand",
	.attrs = knuma_scand_attrs,
};

static struct attribute *knuma_migrated_attrs[] = {
	&sleep_millisecs_knob.attr.attr,
	&pages_to_migrate_knob.attr.attr,
	&pages_migrated_attr.attr,
	&pages_failed_attr.attr,
	NULL,
};

static const struct attribute_group knuma_migrated_attr_group = {
	.name = "knuma_migrated",
	.attrs = knuma_migrated_attrs,
};

static struct attribute *scheduler_attrs[] = {
	&load_balance_strict_knob.attr.attr,
	&clone_reset_knob.attr.attr,
	&fork_reset_knob.attr.attr,
	&balance_calls_attr.attr,
	&balance_ns_attr.attr,
	NULL,
};

static const struct attribute_group scheduler_attr_group = {
	.name = "scheduler",
	.attrs = scheduler_attrs,
};

static const struct attribute_group *autonuma_attr_groups[] = {
	&autonuma_attr_group,
	&knuma_scand_attr_group,
	&knuma_migrated_attr_group,
	&scheduler_attr_group,
	NULL,
};

/* Where AutoNUMA is not possible, sysfs only says that it is off. */
static struct attribute *autonuma_off_attrs[] = {
	&enabled_attr.attr,
	NULL,
};

static const struct attribute_group autonuma_off_attr_group = {
	.attrs = autonuma_off_attrs,
};

static const struct attribute_group *autonuma_off_attr_groups[] = {
	&autonuma_off_attr_group,
	NULL,
};

static int __init autonuma_sysfs_init(bool possible)
{
	struct kobject *kobj;
	int err;

	kobj = kobject_create_and_add("autonuma", mm_kobj);
	if (!kobj)
		return -ENOMEM;

	err = sysfs_create_groups(kobj, possible ? autonuma_attr_groups :
				  autonuma_off_attr_groups);
	if (err)
		kobject_put(kobj);
	return err;
}

static void seq_put_permille(struct seq_file *m, const char *prefix, int nid,
			     unsigned long val, unsigned long tot)
{
	seq_printf(m, "%s%d %lu %lu\n", prefix, nid, val,
		   tot ? val * 1000 / tot : 0);
}

/**
 * proc_pid_autonuma - show /proc/PID/autonuma
 * @m: the seq_file
 * @ns: the pid namespace of the proc mount
 * @pid: the task's pid
 * @task: the task
 *
 * Shows the task's selected node, whether its process opted out, its
 * per-node hinting faults, and its mm's working set per node.  Needs the
 * same right as numa_maps.
 *
 * Return: 0, or -EACCES when the reader may not inspect @task.
 */
int proc_pid_autonuma(struct seq_file *m, struct pid_namespace *ns,
		      struct pid *pid, struct task_struct *task)
{
	struct sched_autonuma *sa = READ_ONCE(task->sched_autonuma);
	unsigned long behind = 0, shift, tot;
	struct mm_autonuma *mma = NULL;
	struct mm_struct *mm;
	int nid;

	if (!ptrace_may_access(task, PTRACE_MODE_READ_FSCREDS))
		return -EACCES;

	seq_printf(m, "autonuma_node %d\n", task_autonuma_node(task));
	mm = get_task_mm(task);
	/* the opt-out is the mm's, and needs no AutoNUMA state */
	if (mm)
		seq_printf(m, "disabled %d\n", autonuma_mm_disabled(mm));
	/* neither exists before the task or its mm ran with AutoNUMA on */
	if (!sa || !mm)
		goto out;
	mma = READ_ONCE(mm->mm_autonuma);

	/*
	 * The task ages its counters lazily, at its next fault: show them
	 * aged to its mm's current pass, as the scheduler will see them.
	 */
	if (mma)
		behind = READ_ONCE(mma->numa_fault_pass) -
			 READ_ONCE(sa->numa_fault_pass);
	shift = min_t(unsigned long, behind, BITS_PER_LONG - 1);
	tot = 0;
	for (nid = 0; nid < nr_node_ids; nid++)
		tot += READ_ONCE(sa->numa_fault[nid]) >> shift;
	seq_printf(m, "fault_pass %lu\n", READ_ONCE(sa->numa_fault_pass));
	seq_printf(m, "fault_tot %lu\n", tot);
	for (nid = 0; nid < nr_node_ids; nid++)
		seq_put_permille(m, "task_node", nid,
				 READ_ONCE(sa->numa_fault[nid]) >> shift, tot);
	if (!mma)
		goto out;
	seq_printf(m, "mm_pass %lu\n", READ_ONCE(mma->numa_fault_pass));
	seq_printf(m, "mm_tot %lu\n", READ_ONCE(mma->numa_fault_tot));
	seq_printf(m, "mm_pause_ms %u\n", READ_ONCE(mma->pass_pause_ms));
	for (nid = 0; nid < nr_node_ids; nid++)
		seq_put_permille(m, "mm_node", nid,
				 READ_ONCE(mma->numa_fault[nid]),
				 READ_ONCE(mma->numa_fault_tot));
out:
	if (mm)
		mmput(mm);
	return 0;
}

/**
 * autonuma_proc_status - the AutoNUMA line of /proc/PID/status
 * @m: the seq_file
 * @mm: the task's mm
 */
void autonuma_proc_status(struct seq_file *m, struct mm_struct *mm)
{
	seq_printf(m, "AutoNUMA_disabled:\t%d\n", autonuma_mm_disabled(mm));
}

/**
 * autonuma_prctl_args_valid - check the arguments of the opt-out prctls
 * @set: PR_SET_AUTONUMA_DISABLE rather than PR_GET_AUTONUMA_DISABLE
 * @arg2: 0 or 1 for the set call, 0 for the get call
 * @arg3: must be 0
 * @arg4: must be 0
 * @arg5: must be 0
 *
 * Unused arguments must be 0, so that they may be given a meaning later.
 *
 * Return: true when the arguments are valid.
 */
static bool autonuma_prctl_args_valid(bool set, unsigned long arg2,
				      unsigned long arg3, unsigned long arg4,
				      unsigned long arg5)
{
	if (arg3 || arg4 || arg5)
		return false;
	return set ? arg2 <= 1 : !arg2;
}

/**
 * autonuma_prctl_set_disable - prctl(PR_SET_AUTONUMA_DISABLE, arg2)
 * @arg2: 1 to opt the calling process out of AutoNUMA, 0 to opt it back in
 * @arg3: must be 0
 * @arg4: must be 0
 * @arg5: must be 0
 *
 * The flag lives on the mm (MMF_DISABLE_AUTONUMA), like PR_SET_THP_DISABLE:
 * it covers every thread, is inherited by fork and kept across exec, and
 * needs no AutoNUMA state (a process that never ran with AutoNUMA on has
 * none, and gets none while it is opted out).  It is recorded also where
 * AutoNUMA is built but not possible (one node, "noautonuma").  Once an
 * opt-out returned, neither knuma_scand nor the process's own tasks scan
 * it (the flag is set under mmap_lock, which a scan holds), its hinting
 * faults only restore their entries (they hold mmap_lock too), its pages
 * still on a migration queue are put back instead of migrated (a chunk
 * that took some before the flag was set has finished), and the scheduler
 * side neither moves its tasks nor steers load balancing or wake-ups for
 * them.
 *
 * Return: 0, -EINVAL for invalid arguments or a caller without an mm,
 * -EINTR when a fatal signal came while waiting for mmap_lock.
 */
int autonuma_prctl_set_disable(unsigned long arg2, unsigned long arg3,
			       unsigned long arg4, unsigned long arg5)
{
	struct mm_struct *mm = current->mm;

	if (!autonuma_prctl_args_valid(true, arg2, arg3, arg4, arg5) || !mm)
		return -EINVAL;
	if (mmap_write_lock_killable(mm))
		return -EINTR;
	if (arg2)
		set_bit(MMF_DISABLE_AUTONUMA, &mm->flags);
	else
		clear_bit(MMF_DISABLE_AUTONUMA, &mm->flags);
	mmap_write_unlock(mm);

	if (!autonuma_possible())
		return 0;
	autonuma_sched_set_disabled(mm, arg2);
	if (arg2) {
		/* wait for the migration chunk under way, if any */
		down_write(&autonuma_migrate_rwsem);
		up_write(&autonuma_migrate_rwsem);
	}
	return 0;
}

/**
 * autonuma_prctl_get_disable - prctl(PR_GET_AUTONUMA_DISABLE)
 * @arg2: must be 0
 * @arg3: must be 0
 * @arg4: must be 0
 * @arg5: must be 0
 *
 * Return: 1 when the calling process opted out of AutoNUMA, 0 when not,
 * -EINVAL for invalid arguments or a caller without an mm.
 */
int autonuma_prctl_get_disable(unsigned long arg2, unsigned long arg3,
			       unsigned long arg4, unsigned long arg5)
{
	if (!autonuma_prctl_args_valid(false, arg2, arg3, arg4, arg5) ||
	    !current->mm)
		return -EINVAL;
	return autonuma_mm_disabled(current->mm);
}

static int __init autonuma_init(void)
{
	bool possible = autonuma_possible();
	int err;

	err = autonuma_sysfs_init(possible);
	if (err) {
		pr_err("cannot create sysfs interface: %d\n", err);
		return err;
	}

	if (!possible) {
		pr_info("off: %s\n", autonuma_cmdline_off ? "noautonuma" :
			"single NUMA node");
		return 0;
	}

	err = autonuma_threads_init();
	if (err) {
		pr_err("cannot start its threads: %d\n", err);
		return err;
	}

	if (IS_ENABLED(CONFIG_AUTONUMA_DEFAULT_ENABLED)) {
		mutex_lock(&autonuma_placement_lock);
		err = autonuma_set_enabled(true);
		mutex_unlock(&autonuma_placement_lock);
		if (!err)
			pr_info("enabled\n");
		else if (err == -EBUSY)
			pr_info("not enabled: NUMA balancing is on\n");
	}
	return 0;
}
subsys_initcall(autonuma_init);

#include "autonuma-test.h"
