// SPDX-License-Identifier: GPL-2.0
/*
 * AutoNUMA: automatic NUMA placement, the scheduler side.
 *
 * Owns the per-task statistics (struct sched_autonuma) that NUMA hinting
 * faults fill in; the balancer that moves tasks towards their memory builds
 * on them.
 *
 * Built as part of build_policy.c.
 */

#include <linux/autonuma.h>
#include <linux/autonuma_sched.h>
#include <linux/autonuma_types.h>

static size_t sched_autonuma_size(void)
{
	return struct_size((struct sched_autonuma *)NULL, numa_fault,
			   nr_node_ids);
}

/**
 * sched_autonuma_alloc - allocate the AutoNUMA statistics of a new task
 * @tsk: the new task, a copy of @orig from dup_task_struct()
 * @orig: the task it is forked from
 * @node: node to allocate on, or NUMA_NO_NODE
 *
 * A new task starts with empty statistics and no selected node.  Nothing is
 * allocated where AutoNUMA is not possible.
 *
 * Return: 0 on success, -ENOMEM on failure.
 */
int sched_autonuma_alloc(struct task_struct *tsk, struct task_struct *orig,
			 int node)
{
	struct sched_autonuma *sa;

	tsk->sched_autonuma = NULL;
	if (!autonuma_possible())
		return 0;

	sa = kzalloc_node(sched_autonuma_size(), GFP_KERNEL, node);
	if (!sa)
		return -ENOMEM;
	sa->autonuma_node = NUMA_NO_NODE;
	tsk->sched_autonuma = sa;
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
 * task_autonuma_node - the node AutoNUMA selected for a task
 * @p: the task
 *
 * Return: the selected node, or NUMA_NO_NODE when there is none.
 */
int task_autonuma_node(struct task_struct *p)
{
	struct sched_autonuma *sa = p->sched_autonuma;

	return sa ? READ_ONCE(sa->autonuma_node) : NUMA_NO_NODE;
}
