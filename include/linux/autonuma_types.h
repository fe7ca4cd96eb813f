/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AutoNUMA data structures: per-task NUMA hinting fault statistics and the
 * per-mm working set that knuma_scand publishes.
 */
#ifndef _LINUX_AUTONUMA_TYPES_H
#define _LINUX_AUTONUMA_TYPES_H

#ifdef CONFIG_AUTONUMA

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/types.h>

struct mm_struct;

/**
 * struct sched_autonuma - per-task NUMA placement statistics
 * @autonuma_node: node the scheduler selected for the task, -1 for none
 * @autonuma_stop_one_cpu: set while a move or exchange of the task runs
 *	through the stopper, so that only one is in flight at a time
 * @disabled: the task's mm opted out of AutoNUMA (MMF_DISABLE_AUTONUMA):
 *	a copy that other tasks' balancers and CFS may read without
 *	touching the task's mm; kept in step by the prctl for the caller's
 *	threads and by the task's own tick and task_work
 * @move_refused: how many times in a row the balancer could not move the
 *	task to its node (no idle CPU, no partner, affinity); after a few,
 *	its memory follows it instead
 * @next_balance: jiffies before which the tick does not queue the
 *	balancer (&task_struct.numa_work) again
 * @numa_fault_pass: scan pass of the task's mm that the counters belong to;
 *	when the mm's pass moves on, the counters are halved (decay)
 * @numa_fault_tot: sum of @numa_fault over all nodes
 * @mm_fault_tot: sum of the mm snapshot (see @numa_fault)
 * @fault_mm: the mm the statistics belong to, only compared, never
 *	dereferenced (exec starts them afresh)
 * @numa_fault: base pages of NUMA hinting faults per node, nr_node_ids
 *	entries, followed by nr_node_ids entries of a snapshot of the task's
 *	mm working set taken by the balancer, so that other tasks can compare
 *	with it without touching the mm
 *
 * Hung off &task_struct.sched_autonuma, allocated by the task itself from
 * &task_struct.numa_work the first time it runs while AutoNUMA is on
 * (or at fork when it inherits its parent's: autonuma_sched_fork()), and
 * freed with the task.  The counters are
 * written only by the task itself (from its hinting faults and its
 * balancer) and read locklessly by other tasks' balancers, which tolerate a
 * torn view.
 */
struct sched_autonuma {
	int autonuma_node;
	bool autonuma_stop_one_cpu;
	bool disabled;
	u8 move_refused;
	unsigned long next_balance;
	unsigned long numa_fault_pass;
	unsigned long numa_fault_tot;
	unsigned long mm_fault_tot;
	struct mm_struct *fault_mm;
	unsigned long numa_fault[];
};

/**
 * struct mm_autonuma - per-mm NUMA working set
 * @mm_node: entry in knuma_scand's list of registered mms, which only
 *	knuma_scand touches (struct autonuma_mm_list in mm/autonuma.c)
 * @new_node: entry in the lock-free list of mms registered since
 *	knuma_scand last looked
 * @dead_node: entry in the lock-free list of registered mms that exited
 *	since knuma_scand last looked
 * @registered: bit 0 is set when one of the mm's own tasks registers it
 *	(autonuma_register_mm()), which pins the mm for knuma_scand; cleared
 *	by the mm's exit or when AutoNUMA is switched off, whichever comes
 *	first, which has knuma_scand drop the pin
 * @mm: the mm this belongs to
 * @numa_fault_pass: number of completed scan passes over the mm
 * @numa_fault_tot: sum of @numa_fault over all nodes
 * @scan_busy: bit 0 is held by whoever scans the mm (knuma_scand, or one
 *	of the mm's own tasks); it protects @scan_address, @numa_fault_tmp,
 *	@next_pass, @pass_pause_ms, @pages_queued_seen,
 *	@faults_remote_seen and @remote_passes
 * @scan_address: where the pass in progress resumes, 0 between passes
 * @next_pass: jiffies before which neither knuma_scand nor the mm's own
 *	tasks start a new pass of it
 * @pass_pause_ms: pause after the last pass: short while passes queue
 *	pages, growing fourfold while they do not (autonuma_next_pause())
 * @pages_queued: base pages queued for migration from hinting faults in
 *	the mm
 * @pages_queued_seen: @pages_queued at the end of the last pass
 * @faults_remote: NUMA hinting faults in the mm on memory of another node
 *	than the faulting CPU's
 * @faults_remote_seen: @faults_remote at the end of the last pass
 * @remote_passes: passes in a row that saw remote faults but queued nothing
 * @numa_fault_tmp: per-node counts of the pass in progress (points into
 *	@numa_fault, past its nr_node_ids published entries)
 * @numa_fault: pages of the mm's working set per node as counted by the
 *	last completed pass, nr_node_ids entries, followed by the
 *	nr_node_ids entries of @numa_fault_tmp
 *
 * Hung off &mm_struct.mm_autonuma, allocated by the first of the mm's
 * tasks to run while AutoNUMA is on (autonuma_register_mm()) and freed
 * when the mm is dropped.  Only the holder of
 * @scan_busy writes the counters; readers (the scheduler, /proc) take them
 * locklessly and tolerate a pass being published under them.
 */
struct mm_autonuma {
	struct list_head mm_node;
	struct llist_node new_node;
	struct llist_node dead_node;
	unsigned long registered;
	struct mm_struct *mm;
	unsigned long numa_fault_pass;
	unsigned long numa_fault_tot;
	unsigned long scan_busy;
	unsigned long scan_address;
	unsigned long next_pass;
	unsigned int pass_pause_ms;
	atomic_long_t pages_queued;
	unsigned long pages_queued_seen;
	atomic_long_t faults_remote;
	unsigned long faults_remote_seen;
	unsigned int remote_passes;
	unsigned long *numa_fault_tmp;
	unsigned long numa_fault[];
};

#endif /* CONFIG_AUTONUMA */
#endif /* _LINUX_AUTONUMA_TYPES_H */
