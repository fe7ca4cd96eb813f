// SPDX-License-Identifier: GPL-2.0
/*
 * AutoNUMA: automatic NUMA placement, the scheduler side: CPU follows
 * memory.
 *
 * Each task gets a preferred node (sched_autonuma.autonuma_node) from the
 * per-node NUMA hinting faults mm/autonuma.c charges to it, or, while it has
 * too few of its own, from its mm's working set.  A task running off its
 * preferred node is moved to an idle CPU there while the node has a CPU to
 * spare, or exchanged with a task there that prefers the task's current
 * node.  CFS load balancing and wake-up placement avoid moving a task away
 * from its preferred node, and never move it while that node has CPUs for
 * all of its tasks: one notion of a full node on both sides
 * (autonuma_overloaded()).
 *
 * A process that opted out (prctl(PR_SET_AUTONUMA_DISABLE)) is left alone:
 * its tasks have no preferred node, the balancer neither moves nor
 * exchanges them, and CFS treats them as it would without AutoNUMA.  A
 * task that never ran before its process opted out gets no statistics.
 *
 * Cost: the balancer does not run from the tick.  The tick only queues a
 * task_work on the running task, at most once per AUTONUMA_BALANCE_MS, and
 * the balancer runs in the task's own context on its way back to user
 * space, where it may sleep in migrate_task_to()/migrate_swap().  It looks
 * at the CPUs of one node only (the preferred one), never at all CPUs.
 *
 * Built as part of build_policy.c.
 */

#include <linux/autonuma.h>
#include <linux/autonuma_sched.h>
#include <linux/autonuma_types.h>
#include <linux/sched/cputime.h>
#include <linux/sched/isolation.h>
#include <linux/task_work.h>
#include <linux/vmstat.h>

#include <trace/events/autonuma.h>

#define autonuma_dbg_sched(fmt, ...)					\
do {									\
	if (READ_ONCE(autonuma_debug))					\
		pr_info_ratelimited("autonuma: " fmt, ##__VA_ARGS__);	\
} while (0)

/* How often a task runs its balancer, at most. */
#define AUTONUMA_BALANCE_MS	500
/* Own faults a task needs before they, not its mm's, choose its node. */
#define AUTONUMA_MIN_TASK_FAULTS	128
/* Refused moves in a row after which memory follows the task instead. */
#define AUTONUMA_REFUSED_BEFORE_FOLLOW	3
/* Per-mille lead a node needs over the selected one to replace it. */
#define AUTONUMA_NODE_MARGIN	100

/* Knobs under /sys/kernel/mm/autonuma/scheduler/, see mm/autonuma.c. */
unsigned int autonuma_sched_load_balance_strict;
unsigned int autonuma_sched_clone_reset = 1;
unsigned int autonuma_sched_fork_reset = 1;

/* The balancer's own cost, for scheduler/balance_{calls,ns}. */
atomic_long_t autonuma_sched_balance_calls = ATOMIC_LONG_INIT(0);
atomic_long_t autonuma_sched_balance_ns = ATOMIC_LONG_INIT(0);

static size_t sched_autonuma_size(void)
{
	return struct_size((struct sched_autonuma *)NULL, numa_fault,
			   2 * nr_node_ids);
}

static unsigned long *sa_mm_fault(struct sched_autonuma *sa)
{
	return sa->numa_fault + nr_node_ids;
}

static struct sched_autonuma *sched_autonuma_new(int node)
{
	struct sched_autonuma *sa;

	sa = kzalloc_node(sched_autonuma_size(), GFP_KERNEL | __GFP_NOWARN,
			  node);
	if (sa)
		sa->autonuma_node = NUMA_NO_NODE;
	return sa;
}

/**
 * sched_autonuma_alloc - set up the AutoNUMA side of a new task
 * @tsk: the new task, a copy of @orig from dup_task_struct()
 * @orig: the task it is forked from
 * @node: node to allocate on, or NUMA_NO_NODE
 *
 * A task gets its statistics the first time it runs while AutoNUMA is on
 * (autonuma_task_work()), so that a machine where AutoNUMA is off, or a
 * task that never runs while it is on, pays nothing for them; a child
 * that inherits its parent's gets them from autonuma_sched_fork().
 *
 * Return: 0.
 */
int sched_autonuma_alloc(struct task_struct *tsk, struct task_struct *orig,
			 int node)
{
	tsk->sched_autonuma = NULL;
	return 0;
}

/**
 * sched_autonuma_free - free the AutoNUMA statistics of a task
 * @tsk: the task being freed, from free_task() or a failed fork
 */
void sched_autonuma_free(struct task_struct *tsk)
{
	kfree(tsk->sched_autonuma);
	tsk->sched_autonuma = NULL;
}

/**
 * __autonuma_sched_fork - start a new task's statistics
 * @clone_flags: the clone flags of the fork
 * @p: the new task, from __sched_fork()
 *
 * A new thread (CLONE_VM) inherits its parent's statistics and node unless
 * scheduler/clone_reset is set; a new process unless scheduler/fork_reset
 * is set.  A new process's mm starts at pass 0.  Only an inheriting task
 * gets its statistics here (the others allocate theirs when they first
 * run with AutoNUMA on); if that allocation fails, it starts empty too.
 */
void __autonuma_sched_fork(unsigned long clone_flags, struct task_struct *p)
{
	struct sched_autonuma *parent = current->sched_autonuma;
	bool thread = clone_flags & CLONE_VM;
	struct sched_autonuma *sa;

	if (!parent || (current->flags & PF_KTHREAD))
		return;
	/* the child's mm opted out too (the flag is the mm's, and inherited) */
	if (current->mm && autonuma_mm_disabled(current->mm))
		return;
	if (thread ? READ_ONCE(autonuma_sched_clone_reset) :
		     READ_ONCE(autonuma_sched_fork_reset))
		return;
	/* from sched_fork(): the new task is not visible yet, we may sleep */
	sa = sched_autonuma_new(NUMA_NO_NODE);
	if (!sa)
		return;
	p->sched_autonuma = sa;

	memcpy(sa->numa_fault, parent->numa_fault,
	       2 * nr_node_ids * sizeof(*sa->numa_fault));
	sa->numa_fault_tot = parent->numa_fault_tot;
	sa->mm_fault_tot = parent->mm_fault_tot;
	sa->numa_fault_pass = thread ? parent->numa_fault_pass : 0;
	sa->autonuma_node = READ_ONCE(parent->autonuma_node);
	/* a thread shares the mm; a process adopts its own at first sight */
	sa->fault_mm = thread ? parent->fault_mm : NULL;
}

/**
 * task_autonuma_node - the node AutoNUMA selected for a task
 * @p: the task
 *
 * Return: the selected node, or NUMA_NO_NODE when there is none (also
 * while the task's process opted out).
 */
int task_autonuma_node(struct task_struct *p)
{
	struct sched_autonuma *sa = p->sched_autonuma;

	if (!sa || READ_ONCE(sa->disabled))
		return NUMA_NO_NODE;
	return READ_ONCE(sa->autonuma_node);
}

/*
 * Make a task's copy of its mm's opt-out say @disabled.  A task that opts
 * out forgets its node, so that neither the balancer nor CFS acts on it;
 * one that opts back in chooses a node afresh at its next balancer run.
 */
static void autonuma_task_set_disabled(struct sched_autonuma *sa,
				       bool disabled)
{
	if (READ_ONCE(sa->disabled) == disabled)
		return;
	WRITE_ONCE(sa->disabled, disabled);
	if (disabled) {
		WRITE_ONCE(sa->autonuma_node, NUMA_NO_NODE);
		WRITE_ONCE(sa->move_refused, 0);
	}
}

/*
 * Has the current task's process opted out?  Brings the task's copy of
 * the flag in step with its mm: the prctl updates the copies of the
 * caller's threads only, not those of tasks that share the mm without
 * being its threads (CLONE_VM alone), nor of a thread forked meanwhile.
 */
static bool autonuma_current_disabled(struct task_struct *p)
{
	struct sched_autonuma *sa = p->sched_autonuma;
	bool disabled = autonuma_mm_disabled(p->mm);

	if (sa)
		autonuma_task_set_disabled(sa, disabled);
	return disabled;
}

/**
 * autonuma_sched_set_disabled - tell the caller's threads of an opt-out
 * @mm: the caller's mm, whose MMF_DISABLE_AUTONUMA just changed
 * @disabled: its new value
 *
 * Called by prctl(PR_SET_AUTONUMA_DISABLE).  Threads without statistics
 * have no node anyway, and do not get statistics while @mm is opted out.
 */
void autonuma_sched_set_disabled(struct mm_struct *mm, bool disabled)
{
	struct task_struct *t;

	rcu_read_lock();
	for_each_thread(current, t) {
		struct sched_autonuma *sa = READ_ONCE(t->sched_autonuma);

		if (sa && READ_ONCE(t->mm) == mm)
			autonuma_task_set_disabled(sa, disabled);
	}
	rcu_read_unlock();
}

static int permille(unsigned long val, unsigned long tot)
{
	return tot ? div64_ul(1000ULL * val, tot) : 0;
}

/**
 * autonuma_select_node - choose a task's node from per-node statistics
 * @fault: per-node counters (faults or working set pages)
 * @tot: their sum
 * @nr_nodes: number of nodes
 * @cur: the node selected so far, or NUMA_NO_NODE
 *
 * The node with the highest share wins; a tie keeps @cur, or else picks the
 * lowest node.  To keep the choice from flapping, a node replaces @cur only
 * with a lead of AUTONUMA_NODE_MARGIN per mille.
 *
 * Return: the node to select; @cur when the statistics are empty.
 */
static int autonuma_select_node(const unsigned long *fault, unsigned long tot,
				int nr_nodes, int cur)
{
	int nid, best = NUMA_NO_NODE, best_w = -1, cur_w = -1;

	if (!tot)
		return cur;
	for (nid = 0; nid < nr_nodes; nid++) {
		int w = permille(fault[nid], tot);

		if (nid == cur)
			cur_w = w;
		if (w > best_w || (w == best_w && nid == cur)) {
			best = nid;
			best_w = w;
		}
	}
	if (cur != NUMA_NO_NODE && best != cur &&
	    best_w < cur_w + AUTONUMA_NODE_MARGIN)
		return cur;
	return best;
}

/**
 * autonuma_exchange_gain - should two tasks on different nodes swap places?
 * @p_dst: weight (per mille) of the moving task for the other node
 * @p_src: weight of the moving task for its own node
 * @q_src: weight of the other task for the moving task's node
 * @q_dst: weight of the other task for its own node
 *
 * Return: true when both gain: each likes the other's node more than its
 * own.
 */
static bool autonuma_exchange_gain(int p_dst, int p_src, int q_src, int q_dst)
{
	return p_dst > p_src && q_src > q_dst;
}

/*
 * Which statistics speak for a task: its own faults once it has enough of
 * them, its mm's working set before.
 */
static const unsigned long *sa_weights(struct sched_autonuma *sa,
				       unsigned long *tot)
{
	unsigned long task_tot = READ_ONCE(sa->numa_fault_tot);

	if (task_tot >= AUTONUMA_MIN_TASK_FAULTS) {
		*tot = task_tot;
		return sa->numa_fault;
	}
	*tot = READ_ONCE(sa->mm_fault_tot);
	return sa_mm_fault(sa);
}

/**
 * autonuma_task_adopt_mm - forget statistics that belong to another mm
 * @sa: the current task's statistics
 * @mm: the current task's mm
 *
 * After exec the statistics and node of the old program say nothing about
 * the new one.  A new task adopts the first mm it sees (so that a child
 * keeps what it inherited), and a task that changes mm starts afresh.
 */
void autonuma_task_adopt_mm(struct sched_autonuma *sa, struct mm_struct *mm)
{
	if (likely(sa->fault_mm == mm))
		return;
	if (sa->fault_mm) {
		memset(sa->numa_fault, 0,
		       2 * nr_node_ids * sizeof(*sa->numa_fault));
		sa->numa_fault_tot = 0;
		sa->mm_fault_tot = 0;
		sa->numa_fault_pass = 0;
		WRITE_ONCE(sa->autonuma_node, NUMA_NO_NODE);
	}
	sa->fault_mm = mm;
}

/* Take a snapshot of the mm's working set into the task's statistics. */
static void autonuma_snapshot_mm(struct sched_autonuma *sa,
				 struct mm_autonuma *mma)
{
	unsigned long *mm_fault = sa_mm_fault(sa);
	int nid;

	for (nid = 0; nid < nr_node_ids; nid++)
		WRITE_ONCE(mm_fault[nid], READ_ONCE(mma->numa_fault[nid]));
	WRITE_ONCE(sa->mm_fault_tot, READ_ONCE(mma->numa_fault_tot));
}

/*
 * Weights of two tasks for two nodes: threads of one mm by their own
 * faults, tasks of different mms by their mms' working sets.
 */
static void autonuma_pair_weights(struct task_struct *p, struct task_struct *q,
				  int src, int dst, int *p_src, int *p_dst,
				  int *q_src, int *q_dst)
{
	struct sched_autonuma *ps = p->sched_autonuma, *qs = q->sched_autonuma;
	const unsigned long *pf, *qf;
	unsigned long pt, qt;

	if (p->mm == READ_ONCE(q->mm)) {
		pf = ps->numa_fault;
		pt = READ_ONCE(ps->numa_fault_tot);
		qf = qs->numa_fault;
		qt = READ_ONCE(qs->numa_fault_tot);
	} else {
		pf = sa_mm_fault(ps);
		pt = READ_ONCE(ps->mm_fault_tot);
		qf = sa_mm_fault(qs);
		qt = READ_ONCE(qs->mm_fault_tot);
	}
	*p_src = permille(READ_ONCE(pf[src]), pt);
	*p_dst = permille(READ_ONCE(pf[dst]), pt);
	*q_src = permille(READ_ONCE(qf[src]), qt);
	*q_dst = permille(READ_ONCE(qf[dst]), qt);
}

static bool autonuma_task_eligible(struct task_struct *p)
{
	return p->sched_autonuma && p->mm && p->sched_class == &fair_sched_class &&
	       !(p->flags & (PF_EXITING | PF_KTHREAD)) &&
	       !READ_ONCE(p->sched_autonuma->disabled);
}

/* Never place tasks on inactive or isolated (isolcpus=domain) CPUs. */
static bool autonuma_cpu_usable(int cpu)
{
	return cpu_active(cpu) && housekeeping_cpu(cpu, HK_TYPE_DOMAIN);
}

/*
 * How many more CFS tasks the usable CPUs of @nid run than there are of
 * them: 0 when the node has exactly one task per CPU, negative when it
 * has CPUs to spare.  Read without locks, as load balancing reads its own
 * statistics: a hint.  CFS tasks only: the CPU stopper that pushes a task,
 * or a kthread of another class, counts for nothing.  Walks the CPUs of
 * the node: the balancer calls it once per run, load balancing once per
 * pass (autonuma_lb_excess()).
 */
static int autonuma_node_excess(int nid)
{
	int cpu, excess = 0;

	for_each_cpu(cpu, cpumask_of_node(nid)) {
		if (!autonuma_cpu_usable(cpu))
			continue;
		excess += (int)READ_ONCE(cpu_rq(cpu)->cfs.h_nr_running) - 1;
	}
	return excess;
}

/*
 * Is a node that runs @excess CFS tasks more than it has CPUs (see
 * autonuma_node_excess()) overloaded?  Only then does a task there wait
 * for a CPU that no other CPU of the node could give it.  The one notion
 * of a full node for both sides: load balancing may take a task away from
 * its node only when the node is overloaded (autonuma_veto()), and the
 * balancer never moves a task into a node that the move would overload
 * (autonuma_move_overloads()).
 */
static bool autonuma_overloaded(int excess)
{
	return excess > 0;
}

/*
 * Would one more task overload a node that runs @excess CFS tasks more
 * than it has CPUs?  A node with exactly one task per CPU has no room,
 * even when one of its CPUs is idle for a moment (two of its tasks share
 * a CPU until load balancing spreads them): a task moved in would make it
 * overloaded, load balancing would then let another task leave it for a
 * CPU of the node the moved one left idle, and the task that left would
 * come back as soon as a CPU here looks idle again.
 */
static bool autonuma_move_overloads(int excess)
{
	return autonuma_overloaded(excess + 1);
}

/* An idle CPU of @nid that @p may run on, or -1. */
static int autonuma_idle_cpu(struct task_struct *p, int nid)
{
	int cpu;

	for_each_cpu_and(cpu, cpumask_of_node(nid), p->cpus_ptr)
		if (autonuma_cpu_usable(cpu) && available_idle_cpu(cpu))
			return cpu;
	return -1;
}

/*
 * The task on a CPU of @dst that gains most from trading places with @p,
 * which runs on @src_cpu, with a reference held; or NULL.  *@full tells
 * whether every CPU of @dst that @p may use runs a task whose node is
 * @dst: then no room will come soon.
 */
static struct task_struct *autonuma_find_partner(struct task_struct *p,
						 int src_cpu, int dst,
						 int *partner_cpu, bool *full)
{
	int src = cpu_to_node(src_cpu), cpu, best_gain = 0;
	struct task_struct *best = NULL;

	*full = true;
	rcu_read_lock();
	for_each_cpu_and(cpu, cpumask_of_node(dst), p->cpus_ptr) {
		struct task_struct *q = rcu_dereference(cpu_rq(cpu)->curr);
		int p_src, p_dst, q_src, q_dst, gain;

		if (!autonuma_cpu_usable(cpu))
			continue;
		if (!q || q == p || is_idle_task(q) ||
		    !autonuma_task_eligible(q)) {
			*full = false;
			continue;
		}
		if (task_autonuma_node(q) != dst)
			*full = false;
		if (READ_ONCE(q->sched_autonuma->autonuma_stop_one_cpu) ||
		    !cpumask_test_cpu(src_cpu, q->cpus_ptr))
			continue;
		autonuma_pair_weights(p, q, src, dst, &p_src, &p_dst,
				      &q_src, &q_dst);
		if (!autonuma_exchange_gain(p_dst, p_src, q_src, q_dst))
			continue;
		gain = (p_dst - p_src) + (q_src - q_dst);
		if (gain > best_gain) {
			best_gain = gain;
			best = q;
			*partner_cpu = cpu;
		}
	}
	if (best)
		get_task_struct(best);
	rcu_read_unlock();
	return best;
}

/**
 * autonuma_memory_may_follow - may a page move to the current task's node?
 * @mm: the mm of the faulting vma
 * @this_nid: the node the current task runs on
 *
 * Moving a task is cheaper than moving its memory.  When the task's own
 * statistics say it belongs on another node, and the balancer has not
 * found that it cannot go there (no idle CPU, no partner, affinity), its
 * memory does not follow it here: the caller asks for the balancer to run
 * at the next tick instead (autonuma_balance_soon()).  Once moves were
 * refused a few times in a row (a CPU of the node may be busy only for a
 * moment), memory follows the task.  It only answers; it changes nothing.
 *
 * Return: true when the page may be queued for @this_nid.
 */
bool autonuma_memory_may_follow(struct mm_struct *mm, int this_nid)
{
	struct sched_autonuma *sa = current->sched_autonuma;
	const unsigned long *fault;
	unsigned long tot;
	int nid;

	if (!sa || current->mm != mm ||
	    READ_ONCE(sa->move_refused) >= AUTONUMA_REFUSED_BEFORE_FOLLOW)
		return true;
	fault = sa_weights(sa, &tot);
	nid = autonuma_select_node(fault, tot, nr_node_ids,
				   READ_ONCE(sa->autonuma_node));
	return nid == NUMA_NO_NODE || nid == this_nid;
}

/**
 * autonuma_balance_soon - run the current task's balancer at the next tick
 *
 * For a task whose memory autonuma_memory_may_follow() keeps where it is:
 * the task is to move to its memory instead, without waiting out
 * AUTONUMA_BALANCE_MS since its last balancer run.
 */
void autonuma_balance_soon(void)
{
	struct sched_autonuma *sa = current->sched_autonuma;

	if (sa)
		WRITE_ONCE(sa->next_balance, jiffies);
}

/* Bring the statistics of @p up to date with its mm before choosing. */
static void autonuma_balance_refresh(struct task_struct *p,
				     struct sched_autonuma *sa)
{
	struct mm_autonuma *mma = p->mm->mm_autonuma;

	autonuma_task_adopt_mm(sa, p->mm);
	if (mma)
		autonuma_snapshot_mm(sa, mma);
}

/*
 * Did @p, which runs on @src_cpu, settle there (autonuma_balance_settle())
 * although @nid, not @old, is the node its statistics choose?  Then it
 * stays and lets its memory come, until its statistics agree or load
 * balancing moved it.
 */
static bool autonuma_balance_settled(struct sched_autonuma *sa, int src_cpu,
				     int old, int nid)
{
	return READ_ONCE(sa->move_refused) >= AUTONUMA_REFUSED_BEFORE_FOLLOW &&
	       old == cpu_to_node(src_cpu) && nid != old;
}

/* Make @nid, chosen from @tot faults, the node of @p instead of @old. */
static void autonuma_balance_select(struct task_struct *p,
				    struct sched_autonuma *sa, int old,
				    int nid, unsigned long tot)
{
	WRITE_ONCE(sa->autonuma_node, nid);
	trace_autonuma_sched_decision(p->pid, AUTONUMA_SCHED_SELECT, old, nid,
				      0);
	autonuma_dbg_sched("%s/%d: node %d -> %d (%lu faults)\n",
			   p->comm, p->pid, old, nid, tot);
}

/* Move @p, which runs on @src_cpu, to @cpu, an idle CPU of its node. */
static void autonuma_balance_move(struct task_struct *p,
				  struct sched_autonuma *sa, int src_cpu,
				  int cpu)
{
	WRITE_ONCE(sa->move_refused, 0);
	/* a sibling thread may have opted the process out meanwhile */
	if (READ_ONCE(sa->disabled))
		return;
	if (!migrate_task_to(p, cpu)) {
		count_vm_event(AUTONUMA_TASK_MOVES);
		trace_autonuma_sched_decision(p->pid, AUTONUMA_SCHED_MOVE,
					      cpu_to_node(src_cpu),
					      cpu_to_node(cpu), 0);
		autonuma_dbg_sched("%s/%d: moved to idle CPU %d of node %d\n",
				   p->comm, p->pid, cpu, cpu_to_node(cpu));
	}
}

/*
 * Exchange @p, which runs on @src_cpu, with @q, which runs on @q_cpu, a
 * CPU of the node of @p (autonuma_find_partner()).
 */
static void autonuma_balance_exchange(struct task_struct *p,
				      struct sched_autonuma *sa, int src_cpu,
				      struct task_struct *q, int q_cpu)
{
	WRITE_ONCE(sa->move_refused, 0);
	if (READ_ONCE(sa->disabled) || READ_ONCE(q->sched_autonuma->disabled))
		return;
	if (!migrate_swap(p, q, q_cpu, src_cpu)) {
		count_vm_event(AUTONUMA_TASK_EXCHANGES);
		trace_autonuma_sched_decision(p->pid, AUTONUMA_SCHED_EXCHANGE,
					      cpu_to_node(src_cpu),
					      cpu_to_node(q_cpu), q->pid);
		autonuma_dbg_sched("%s/%d: exchanged with %s/%d, node %d <-> %d\n",
				   p->comm, p->pid, q->comm, q->pid,
				   cpu_to_node(src_cpu), cpu_to_node(q_cpu));
	}
}

/*
 * Make the node @p runs on, that of @src_cpu, its node instead of @nid,
 * which it could not reach: load balancing then keeps it where it runs
 * while its memory follows it.
 */
static void autonuma_balance_settle(struct task_struct *p,
				    struct sched_autonuma *sa, int src_cpu,
				    int nid)
{
	WRITE_ONCE(sa->autonuma_node, cpu_to_node(src_cpu));
	trace_autonuma_sched_decision(p->pid, AUTONUMA_SCHED_SETTLE, nid,
				      cpu_to_node(src_cpu), 0);
	autonuma_dbg_sched("%s/%d: settles on node %d, memory follows\n",
			   p->comm, p->pid, cpu_to_node(src_cpu));
}

/*
 * Neither an idle CPU nor a partner on @nid: count the refusal.  After
 * AUTONUMA_REFUSED_BEFORE_FOLLOW of them in a row the task's memory may
 * follow it (autonuma_memory_may_follow()), and when @nid is @full of
 * tasks that belong there as much, the task settles where it runs.  (A
 * node busy with tasks that do not belong there makes room soon: keep
 * trying, while the memory may already follow.)
 */
static void autonuma_balance_refused(struct task_struct *p,
				     struct sched_autonuma *sa, int src_cpu,
				     int nid, bool full)
{
	unsigned int refused = min(sa->move_refused + 1,
				   AUTONUMA_REFUSED_BEFORE_FOLLOW);

	WRITE_ONCE(sa->move_refused, refused);
	count_vm_event(AUTONUMA_TASK_MOVES_REFUSED);
	autonuma_dbg_sched("%s/%d: no idle CPU or partner on node %d (refused %u)\n",
			   p->comm, p->pid, nid, refused);
	if (refused >= AUTONUMA_REFUSED_BEFORE_FOLLOW && full)
		autonuma_balance_settle(p, sa, src_cpu, nid);
}

/*
 * Take @p, which runs on @src_cpu, to @nid: to an idle CPU there, unless
 * the node has no room for one more task, else in exchange for a task
 * there (which keeps both nodes' counts), else count the refusal.
 */
static void autonuma_balance_to(struct task_struct *p,
				struct sched_autonuma *sa, int src_cpu, int nid)
{
	struct task_struct *q;
	int cpu, q_cpu;
	bool full;

	cpu = autonuma_idle_cpu(p, nid);
	if (cpu >= 0 && !autonuma_move_overloads(autonuma_node_excess(nid))) {
		autonuma_balance_move(p, sa, src_cpu, cpu);
		return;
	}
	q = autonuma_find_partner(p, src_cpu, nid, &q_cpu, &full);
	if (q) {
		autonuma_balance_exchange(p, sa, src_cpu, q, q_cpu);
		put_task_struct(q);
		return;
	}
	autonuma_balance_refused(p, sa, src_cpu, nid, full);
}

/* Choose the node of @p and move it there if it runs elsewhere. */
static void autonuma_balance(struct task_struct *p, struct sched_autonuma *sa)
{
	const unsigned long *fault;
	unsigned long tot;
	int old, nid, src_cpu;

	autonuma_balance_refresh(p, sa);
	fault = sa_weights(sa, &tot);
	old = READ_ONCE(sa->autonuma_node);
	nid = autonuma_select_node(fault, tot, nr_node_ids, old);
	src_cpu = task_cpu(p);

	if (autonuma_balance_settled(sa, src_cpu, old, nid))
		return;
	if (nid != old)
		autonuma_balance_select(p, sa, old, nid, tot);

	if (nid == NUMA_NO_NODE || cpu_to_node(src_cpu) == nid) {
		WRITE_ONCE(sa->move_refused, 0);
		return;
	}
	if (!cpumask_intersects(cpumask_of_node(nid), p->cpus_ptr)) {
		/* affinity wins: let the memory come to the task instead */
		WRITE_ONCE(sa->move_refused, AUTONUMA_REFUSED_BEFORE_FOLLOW);
		return;
	}

	/* other balancers leave us alone while we move */
	WRITE_ONCE(sa->autonuma_stop_one_cpu, true);
	autonuma_balance_to(p, sa, src_cpu, nid);
	WRITE_ONCE(sa->autonuma_stop_one_cpu, false);
}

static void autonuma_task_work(struct callback_head *work)
{
	struct task_struct *p = current;
	struct sched_autonuma *sa;
	bool traced = trace_autonuma_task_work_enabled();
	u64 start, mid, runtime = 0;
	unsigned long pages;

	WARN_ON_ONCE(work != &p->numa_work);
	work->next = work;	/* may be queued again */
	if (!autonuma_enabled())
		return;
	/* an opted-out process gets no statistics, no scan and no move */
	if (p->mm && autonuma_current_disabled(p))
		return;
	sa = p->sched_autonuma;
	if (!sa) {
		/* first run while AutoNUMA is on: from now on it counts */
		sa = sched_autonuma_new(NUMA_NO_NODE);
		if (!sa)
			return;
		sa->next_balance = jiffies + msecs_to_jiffies(AUTONUMA_BALANCE_MS);
		/* read locklessly by other tasks' balancers and /proc */
		smp_store_release(&p->sched_autonuma, sa);
	}
	/* knuma_scand learns of a process from its running tasks */
	autonuma_register_mm();
	if (!autonuma_task_eligible(p))
		return;

	/* the CPU time of the turn, for the trace: wall time counts waits */
	if (traced)
		runtime = task_sched_runtime(p);
	/* local_clock(): the balancer may move us to another CPU */
	start = local_clock();
	autonuma_balance(p, sa);
	mid = local_clock();
	atomic_long_inc(&autonuma_sched_balance_calls);
	atomic_long_add(max_t(s64, mid - start, 0), &autonuma_sched_balance_ns);

	/* on its new node, if it moved: help scan its own mm */
	pages = autonuma_task_scan();
	if (traced)
		trace_autonuma_task_work(p->pid, max_t(s64, mid - start, 0),
					 max_t(s64, local_clock() - mid, 0),
					 task_sched_runtime(p) - runtime,
					 pages);
}

/**
 * __autonuma_task_tick - queue the balancer for the running task
 * @curr: the task running on this CPU, from task_tick_fair()
 *
 * Cheap: at most once per AUTONUMA_BALANCE_MS per task, it queues
 * &task_struct.numa_work to run the balancer when @curr returns to user
 * space.  A task whose process opted out gets none; the tick keeps its
 * copy of the opt-out in step with its mm.
 */
void __autonuma_task_tick(struct task_struct *curr)
{
	struct sched_autonuma *sa = curr->sched_autonuma;
	struct callback_head *work = &curr->numa_work;

	if (!curr->mm || (curr->flags & (PF_EXITING | PF_KTHREAD)))
		return;
	if (unlikely(autonuma_current_disabled(curr)))
		return;
	if (work->next != work)
		return;
	if (sa) {
		if (time_before(jiffies, sa->next_balance))
			return;
		sa->next_balance = jiffies + msecs_to_jiffies(AUTONUMA_BALANCE_MS);
	}
	/*
	 * NUMA balancing queues task_numa_work() on the same head: each side
	 * sets its own function, and only while the head is not queued.
	 * Without statistics yet, the work allocates them.
	 */
	work->func = autonuma_task_work;
	task_work_add(curr, work, TWA_RESUME);
}

/**
 * __autonuma_migrate_degrades_locality - would load balancing hurt placement?
 * @p: the task CFS wants to move
 * @src_cpu: where it runs
 * @dst_cpu: where CFS wants it
 *
 * Return: 1 when the move takes @p away from its node (treated like a cache
 * hot task: refused until balancing keeps failing), 0 when it takes @p to
 * its node (encouraged), -1 when AutoNUMA has no opinion.
 */
int __autonuma_migrate_degrades_locality(struct task_struct *p, int src_cpu,
					 int dst_cpu)
{
	int nid = task_autonuma_node(p);
	int src = cpu_to_node(src_cpu), dst = cpu_to_node(dst_cpu);

	if (nid == NUMA_NO_NODE || src == dst)
		return -1;
	if (src == nid)
		return 1;
	if (dst == nid)
		return 0;
	return -1;
}

/**
 * autonuma_veto - must load balancing not move a task?
 * @degrades: __autonuma_migrate_degrades_locality() of the move
 * @strict: scheduler/load_balance_strict
 * @active: active balancing pushes the task, which was running
 * @dst_idle: the destination CPU is idle
 * @overloaded: the task's node runs more CFS tasks than it has usable CPUs
 *	(autonuma_overloaded())
 *
 * With load_balance_strict, a task never leaves its node.  Without it, a
 * task leaves its node only when the node is @overloaded: a node with a
 * CPU to spare (or exactly as many tasks as CPUs) makes no task wait for
 * long, and a move to another node buys the task no CPU time and costs it
 * its memory.  CFS sees an imbalance all the same as soon as a node runs
 * a few tasks more than another (a kthread woke up next to two CPU-bound
 * tasks on a node of four CPUs while the other is idle), and the idle
 * CPUs of the other node would pull a task off its node, or push it with
 * active balancing once balancing kept failing, only for AutoNUMA to take
 * it back: a ping-pong.  On an overloaded node, a task that is waiting
 * to run may leave once load balancing keeps failing (CFS treats it as
 * cache hot until then), and an idle CPU may take a running task: no CPU
 * stays idle while a task waits.  A running task is never pushed to a
 * busy CPU: it would not run more there.
 *
 * Return: true when the move must not happen.
 */
static bool autonuma_veto(int degrades, bool strict, bool active,
			  bool dst_idle, bool overloaded)
{
	if (degrades != 1)
		return false;
	return strict || !overloaded || (active && !dst_idle);
}

/*
 * The excess (autonuma_node_excess()) of node @nid for one load balancing
 * pass, counted at its first use and kept in step with the pass's own
 * moves by autonuma_lb_moved(): load balancing asks for every task it
 * looks at, and counting the node's CPUs each time would cost a walk of
 * the node per task.  A pass holds the lock of its source CPU only, so
 * the count may age while the pass runs, as the statistics that load
 * balancing chose the pass with do; a hint, as it was when fresh.
 */
static int autonuma_lb_excess(struct autonuma_lb *lb, int nid)
{
	if (!lb->counted || lb->nid != nid) {
		lb->excess = autonuma_node_excess(nid);
		lb->nid = nid;
		lb->counted = true;
	}
	return lb->excess;
}

/*
 * Must @p not move from @src_cpu to @dst_cpu?  See autonuma_veto().  The
 * node's load is only counted for a move away from it, once per @lb.
 */
static bool autonuma_refuse(struct task_struct *p, int src_cpu, int dst_cpu,
			    bool active, bool dst_idle, struct autonuma_lb *lb)
{
	int degrades = __autonuma_migrate_degrades_locality(p, src_cpu,
							    dst_cpu);
	bool strict = READ_ONCE(autonuma_sched_load_balance_strict);
	bool overloaded;

	if (degrades != 1)
		return false;
	overloaded = !strict &&
		     autonuma_overloaded(autonuma_lb_excess(lb, cpu_to_node(src_cpu)));
	return autonuma_veto(degrades, strict, active, dst_idle, overloaded);
}

/**
 * __autonuma_refuse_migration - AutoNUMA's veto on a load balancing move
 * @p: the task CFS wants to move
 * @src_cpu: where it runs
 * @dst_cpu: where CFS wants it
 * @active: whether active balancing pushes @p, which was running
 * @lb: the load balancing pass's count of the node of @src_cpu
 *
 * Return: true when the move takes @p away from its node and
 * scheduler/load_balance_strict is set, or the node has CPUs for all of its
 * tasks, or active balancing would push @p to a busy CPU; see
 * autonuma_veto().
 */
bool __autonuma_refuse_migration(struct task_struct *p, int src_cpu,
				 int dst_cpu, bool active,
				 struct autonuma_lb *lb)
{
	return autonuma_refuse(p, src_cpu, dst_cpu, active,
			       active && idle_cpu(dst_cpu), lb);
}

/**
 * __autonuma_refuse_active_balance - would AutoNUMA refuse an active balance?
 * @p: the task running on the busiest CPU
 * @src_cpu: the busiest CPU
 * @dst_cpu: the CPU that balances and would receive @p
 * @dst_idle: whether @dst_cpu balances because it is idle
 * @lb: the load balancing pass's count of the node of @src_cpu
 *
 * load_balance() asks before it kicks the CPU stopper of @src_cpu to push
 * @p, as it does for a task whose affinity excludes @dst_cpu: a stopper
 * that preempts @p only for AutoNUMA to refuse the move costs @p its CPU
 * for nothing, and would be kicked again at every balance while the
 * domain keeps failing.
 *
 * Return: true when the push must not be tried; see autonuma_veto().
 */
bool __autonuma_refuse_active_balance(struct task_struct *p, int src_cpu,
				      int dst_cpu, bool dst_idle,
				      struct autonuma_lb *lb)
{
	return autonuma_refuse(p, src_cpu, dst_cpu, true, dst_idle, lb);
}

/**
 * __autonuma_wake_keep_prev - keep a waking task on its node
 * @p: the waking task
 * @this_cpu: the waker's CPU, where wake_affine() would pull @p
 * @prev_cpu: where @p ran last
 *
 * Return: true when @p's node is @prev_cpu's and not @this_cpu's.
 */
bool __autonuma_wake_keep_prev(struct task_struct *p, int this_cpu,
			       int prev_cpu)
{
	int nid = task_autonuma_node(p);

	return nid != NUMA_NO_NODE && cpu_to_node(prev_cpu) == nid &&
	       cpu_to_node(this_cpu) != nid;
}

#include "numa-test.h"
