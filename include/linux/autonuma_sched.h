/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AutoNUMA: automatic NUMA placement, the scheduler side.
 *
 * The hooks in kernel/sched/ are inline wrappers that test the run-time
 * switch (a static key) first and compile to nothing with
 * CONFIG_AUTONUMA=n.
 */
#ifndef _LINUX_AUTONUMA_SCHED_H
#define _LINUX_AUTONUMA_SCHED_H

#include <linux/autonuma.h>
#include <linux/numa.h>
#include <linux/topology.h>

struct mm_struct;
struct sched_autonuma;
struct task_struct;

/* What the balancer did about a task: see trace_autonuma_sched_decision. */
enum autonuma_sched_action {
	AUTONUMA_SCHED_SELECT,		/* chose another node for it */
	AUTONUMA_SCHED_MOVE,		/* moved it to an idle CPU there */
	AUTONUMA_SCHED_EXCHANGE,	/* exchanged it with a task there */
	AUTONUMA_SCHED_SETTLE,		/* let it settle where it runs */
};

/**
 * struct autonuma_lb - what one load balancing pass knows of a node's load
 * @counted: @nid and @excess are set
 * @nid: the node of the pass's source CPU that was counted
 * @excess: CFS tasks on the usable CPUs of @nid less those CPUs, counted
 *	once per pass and less the tasks the pass took off the node
 *
 * Part of struct lb_env, where it starts zeroed: not counted.
 */
struct autonuma_lb {
#ifdef CONFIG_AUTONUMA
	bool counted;
	int nid;
	int excess;
#endif
};

#ifdef CONFIG_AUTONUMA

extern unsigned int autonuma_debug;
extern unsigned int autonuma_sched_load_balance_strict;
extern unsigned int autonuma_sched_clone_reset;
extern unsigned int autonuma_sched_fork_reset;
extern atomic_long_t autonuma_sched_balance_calls;
extern atomic_long_t autonuma_sched_balance_ns;

int sched_autonuma_alloc(struct task_struct *tsk, struct task_struct *orig,
			 int node);
void sched_autonuma_free(struct task_struct *tsk);
void __autonuma_sched_fork(unsigned long clone_flags, struct task_struct *p);
int task_autonuma_node(struct task_struct *p);
void autonuma_task_adopt_mm(struct sched_autonuma *sa, struct mm_struct *mm);
bool autonuma_memory_may_follow(struct mm_struct *mm, int this_nid);
void autonuma_balance_soon(void);
void autonuma_register_mm(void);
void autonuma_sched_set_disabled(struct mm_struct *mm, bool disabled);
unsigned long autonuma_task_scan(void);
void __autonuma_task_tick(struct task_struct *curr);
int __autonuma_migrate_degrades_locality(struct task_struct *p, int src_cpu,
					 int dst_cpu);
bool __autonuma_refuse_migration(struct task_struct *p, int src_cpu,
				 int dst_cpu, bool active,
				 struct autonuma_lb *lb);
bool __autonuma_refuse_active_balance(struct task_struct *p, int src_cpu,
				      int dst_cpu, bool dst_idle,
				      struct autonuma_lb *lb);
bool __autonuma_wake_keep_prev(struct task_struct *p, int this_cpu,
			       int prev_cpu);

/**
 * autonuma_sched_fork - start the AutoNUMA statistics of a new task
 * @clone_flags: the clone flags
 * @p: the new task
 */
static inline void autonuma_sched_fork(unsigned long clone_flags,
				       struct task_struct *p)
{
	__autonuma_sched_fork(clone_flags, p);
}

/**
 * autonuma_task_tick - let the running task balance itself soon
 * @curr: the running task
 */
static inline void autonuma_task_tick(struct task_struct *curr)
{
	if (autonuma_enabled())
		__autonuma_task_tick(curr);
}

/**
 * autonuma_migrate_degrades_locality - AutoNUMA's view of a CFS migration
 * @p: the task
 * @src_cpu: its CPU
 * @dst_cpu: where load balancing wants it
 *
 * Return: 1 when the move takes @p away from its node, 0 when it takes it
 * there, -1 when AutoNUMA is off or has no opinion.
 */
static inline int autonuma_migrate_degrades_locality(struct task_struct *p,
						     int src_cpu, int dst_cpu)
{
	if (!autonuma_enabled())
		return -1;
	return __autonuma_migrate_degrades_locality(p, src_cpu, dst_cpu);
}

/**
 * autonuma_refuse_migration - AutoNUMA's veto on a load balancing move
 * @p: the task
 * @src_cpu: its CPU
 * @dst_cpu: where load balancing wants it
 * @active: whether active balancing pushes @p, which was running
 * @lb: the pass's count of the node of @src_cpu, in its struct lb_env
 *
 * Return: true when the move must not happen.
 */
static inline bool autonuma_refuse_migration(struct task_struct *p,
					     int src_cpu, int dst_cpu,
					     bool active,
					     struct autonuma_lb *lb)
{
	return autonuma_enabled() &&
	       __autonuma_refuse_migration(p, src_cpu, dst_cpu, active, lb);
}

/**
 * autonuma_refuse_active_balance - may active balancing push a running task?
 * @p: the task running on the busiest CPU
 * @src_cpu: the busiest CPU
 * @dst_cpu: the CPU that balances
 * @dst_idle: whether @dst_cpu balances because it is idle
 * @lb: the pass's count of the node of @src_cpu, in its struct lb_env
 *
 * Return: true when AutoNUMA would refuse the push, so the stopper must
 * not be kicked.
 */
static inline bool autonuma_refuse_active_balance(struct task_struct *p,
						  int src_cpu, int dst_cpu,
						  bool dst_idle,
						  struct autonuma_lb *lb)
{
	return autonuma_enabled() &&
	       __autonuma_refuse_active_balance(p, src_cpu, dst_cpu,
						dst_idle, lb);
}

/*
 * A load balancing pass took a task off node @src_nid to node @dst_nid:
 * one task less on the node it counted, if it counted that one.
 */
static inline void __autonuma_lb_moved(struct autonuma_lb *lb, int src_nid,
				       int dst_nid)
{
	if (lb->nid == src_nid && dst_nid != src_nid)
		lb->excess--;
}

/**
 * autonuma_lb_moved - keep a load balancing pass's count in step
 * @lb: the pass's count, in its struct lb_env
 * @src_cpu: the CPU the pass took a task off
 * @dst_cpu: where it put the task
 *
 * From detach_task(): the task is no longer on @src_cpu's node when it
 * goes to another, and the pass's count of that node must say so, or the
 * pass would take every task of a node that was overloaded when it began.
 */
static inline void autonuma_lb_moved(struct autonuma_lb *lb, int src_cpu,
				     int dst_cpu)
{
	if (lb->counted)
		__autonuma_lb_moved(lb, cpu_to_node(src_cpu),
				    cpu_to_node(dst_cpu));
}

/**
 * autonuma_wake_keep_prev - keep a waking task on its node
 * @p: the waking task
 * @this_cpu: the waker's CPU
 * @prev_cpu: the CPU @p last ran on
 *
 * Return: true when wake-up placement must not pull @p off its node.
 */
static inline bool autonuma_wake_keep_prev(struct task_struct *p,
					   int this_cpu, int prev_cpu)
{
	return autonuma_enabled() &&
	       __autonuma_wake_keep_prev(p, this_cpu, prev_cpu);
}

#else /* !CONFIG_AUTONUMA */

static inline int sched_autonuma_alloc(struct task_struct *tsk,
				       struct task_struct *orig, int node)
{
	return 0;
}

static inline void sched_autonuma_free(struct task_struct *tsk)
{
}

static inline void autonuma_sched_fork(unsigned long clone_flags,
				       struct task_struct *p)
{
}

static inline int task_autonuma_node(struct task_struct *p)
{
	return NUMA_NO_NODE;
}

static inline void autonuma_task_tick(struct task_struct *curr)
{
}

static inline int autonuma_migrate_degrades_locality(struct task_struct *p,
						     int src_cpu, int dst_cpu)
{
	return -1;
}

static inline bool autonuma_refuse_migration(struct task_struct *p,
					     int src_cpu, int dst_cpu,
					     bool active,
					     struct autonuma_lb *lb)
{
	return false;
}

static inline bool autonuma_refuse_active_balance(struct task_struct *p,
						  int src_cpu, int dst_cpu,
						  bool dst_idle,
						  struct autonuma_lb *lb)
{
	return false;
}

static inline void autonuma_lb_moved(struct autonuma_lb *lb, int src_cpu,
				     int dst_cpu)
{
}

static inline bool autonuma_wake_keep_prev(struct task_struct *p,
					   int this_cpu, int prev_cpu)
{
	return false;
}

#endif /* CONFIG_AUTONUMA */
#endif /* _LINUX_AUTONUMA_SCHED_H */
