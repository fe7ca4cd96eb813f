/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AutoNUMA: automatic NUMA placement, the scheduler side.
 *
 * Everything here compiles to nothing with CONFIG_AUTONUMA=n.
 */
#ifndef _LINUX_AUTONUMA_SCHED_H
#define _LINUX_AUTONUMA_SCHED_H

#include <linux/numa.h>

struct task_struct;

#ifdef CONFIG_AUTONUMA

int sched_autonuma_alloc(struct task_struct *tsk, struct task_struct *orig,
			 int node);
void sched_autonuma_free(struct task_struct *tsk);
int task_autonuma_node(struct task_struct *p);

#else /* !CONFIG_AUTONUMA */

static inline int sched_autonuma_alloc(struct task_struct *tsk,
				       struct task_struct *orig, int node)
{
	return 0;
}

static inline void sched_autonuma_free(struct task_struct *tsk)
{
}

static inline int task_autonuma_node(struct task_struct *p)
{
	return NUMA_NO_NODE;
}

#endif /* CONFIG_AUTONUMA */
#endif /* _LINUX_AUTONUMA_SCHED_H */
