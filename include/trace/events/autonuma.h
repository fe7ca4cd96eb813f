/* SPDX-License-Identifier: GPL-2.0 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM autonuma

#if !defined(_TRACE_AUTONUMA_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_AUTONUMA_H

#include <linux/autonuma_sched.h>
#include <linux/tracepoint.h>

/* tell user space's parsers the values __print_symbolic() prints */
TRACE_DEFINE_ENUM(AUTONUMA_SCHED_SELECT);
TRACE_DEFINE_ENUM(AUTONUMA_SCHED_MOVE);
TRACE_DEFINE_ENUM(AUTONUMA_SCHED_EXCHANGE);
TRACE_DEFINE_ENUM(AUTONUMA_SCHED_SETTLE);

/*
 * knuma_scand finished a pass over an mm and published its working set.
 * The per-node counts are u64 and counted by a field of their own, so
 * that the print format has no sizeof() and no arithmetic: the copy
 * of libtraceevent in 6.1's perf parses neither.
 */
TRACE_EVENT(autonuma_scan_mm,
	    TP_PROTO(struct mm_struct *mm, unsigned long pass,
		     unsigned long tot, const unsigned long *nodes,
		     int nr_nodes),
	    TP_ARGS(mm, pass, tot, nodes, nr_nodes),
	    TP_STRUCT__entry(__field(struct mm_struct *, mm)
			     __field(unsigned long, pass)
			     __field(unsigned long, tot)
			     __field(int, nr_nodes)
			     __dynamic_array(u64, nodes, nr_nodes)
	    ),
	    TP_fast_assign(u64 *per_node = __get_dynamic_array(nodes);
		int i;

		__entry->mm = mm;
		__entry->pass = pass;
		__entry->tot = tot;
		__entry->nr_nodes = nr_nodes;
		for (i = 0; i < nr_nodes; i++)
			per_node[i] = nodes[i];
	    ),
	    TP_printk("mm=%p pass=%lu pages=%lu per_node=%s",
		      __entry->mm, __entry->pass, __entry->tot,
		      __print_array(__get_dynamic_array(nodes),
				    __entry->nr_nodes, 8))
);

/* a hinting fault queued a page for migration */
TRACE_EVENT(autonuma_queue_page,
	    TP_PROTO(unsigned long pfn, int src, int dst, int nr),
	    TP_ARGS(pfn, src, dst, nr),
	    TP_STRUCT__entry(__field(unsigned long, pfn)
			     __field(int, src)
			     __field(int, dst)
			     __field(int, nr)
	    ),
	    TP_fast_assign(__entry->pfn = pfn;
			   __entry->src = src;
			   __entry->dst = dst;
			   __entry->nr = nr;
	    ),
	    TP_printk("pfn=0x%lx nr=%d src_nid=%d dst_nid=%d",
		      __entry->pfn, __entry->nr, __entry->src, __entry->dst)
);

/* knuma_migratedN migrated a batch */
TRACE_EVENT(autonuma_migrate_batch,
	    TP_PROTO(int nid, unsigned long taken, unsigned long succeeded,
		     unsigned long failed),
	    TP_ARGS(nid, taken, succeeded, failed),
	    TP_STRUCT__entry(__field(int, nid)
			     __field(unsigned long, taken)
			     __field(unsigned long, succeeded)
			     __field(unsigned long, failed)
	    ),
	    TP_fast_assign(__entry->nid = nid;
			   __entry->taken = taken;
			   __entry->succeeded = succeeded;
			   __entry->failed = failed;
	    ),
	    TP_printk("nid=%d taken=%lu migrated=%lu failed=%lu",
		      __entry->nid, __entry->taken, __entry->succeeded,
		      __entry->failed)
);
/*
 * AutoNUMA's turn in a task's own context, on its way back to user space:
 * the wall time its balancer and its scan of its own mm took (waits for a
 * CPU included), the CPU time the task spent in the turn, and the pages of
 * address space the scan covered (0: not due, or scanned by another)
 */
TRACE_EVENT(autonuma_task_work,
	    TP_PROTO(pid_t pid, u64 balance_ns, u64 scan_ns, u64 cpu_ns,
		     unsigned long pages),
	    TP_ARGS(pid, balance_ns, scan_ns, cpu_ns, pages),
	    TP_STRUCT__entry(__field(pid_t, pid)
			     __field(u64, balance_ns)
			     __field(u64, scan_ns)
			     __field(u64, cpu_ns)
			     __field(unsigned long, pages)
	    ),
	    TP_fast_assign(__entry->pid = pid;
			   __entry->balance_ns = balance_ns;
			   __entry->scan_ns = scan_ns;
			   __entry->cpu_ns = cpu_ns;
			   __entry->pages = pages;
	    ),
	    TP_printk("pid=%d balance_ns=%llu scan_ns=%llu cpu_ns=%llu pages=%lu",
		      __entry->pid, __entry->balance_ns, __entry->scan_ns,
		      __entry->cpu_ns, __entry->pages)
);

/*
 * the scheduler selected a node for a task, moved or exchanged it, or let
 * it settle where it runs
 */
TRACE_EVENT(autonuma_sched_decision,
	    TP_PROTO(pid_t pid, enum autonuma_sched_action action,
		     int from_nid, int to_nid, pid_t other),
	    TP_ARGS(pid, action, from_nid, to_nid, other),
	    TP_STRUCT__entry(__field(pid_t, pid)
			     __field(enum autonuma_sched_action, action)
			     __field(int, from_nid)
			     __field(int, to_nid)
			     __field(pid_t, other)
	    ),
	    TP_fast_assign(__entry->pid = pid;
			   __entry->action = action;
			   __entry->from_nid = from_nid;
			   __entry->to_nid = to_nid;
			   __entry->other = other;
	    ),
	    TP_printk("pid=%d %s node %d -> %d other_pid=%d",
		      __entry->pid,
		      __print_symbolic(__entry->action,
				       { AUTONUMA_SCHED_SELECT, "select" },
				       { AUTONUMA_SCHED_MOVE, "move" },
				       { AUTONUMA_SCHED_EXCHANGE, "exchange" },
				       { AUTONUMA_SCHED_SETTLE, "settle" }),
		      __entry->from_nid, __entry->to_nid, __entry->other)
);

#endif /* _TRACE_AUTONUMA_H */

/* This part must be outside protection */
#include <trace/define_trace.h>
