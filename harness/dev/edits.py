"""The edits of each patch of the series to files that exist in 6.1.

(name, subject, commit message, [(path, old, new), ...]); gen-patches.py
applies them cumulatively in this order.  The new files each commit adds
are listed in ../../series.
"""

MIGRATE = ('0001-mm-migrate-share-the-misplaced-page-helpers-with-AutoNUMA.patch',
'mm/migrate: share the misplaced page helpers with AutoNUMA',
'''
AutoNUMA migrates misplaced pages from its per-node knuma_migrated
threads, in batches, instead of from the faulting task.  It needs the same
destination page allocation and the same "is the destination node above
its high watermark" test as migrate_misplaced_page().  Make the two
helpers visible instead of duplicating them.
''', [
('mm/migrate.c', '''static bool migrate_balanced_pgdat(struct pglist_data *pgdat,
				   unsigned long nr_migrate_pages)''', '''bool migrate_balanced_pgdat(struct pglist_data *pgdat,
			    unsigned long nr_migrate_pages)'''),
('mm/migrate.c', '''static struct page *alloc_misplaced_dst_page(struct page *page,
					   unsigned long data)''', '''struct page *alloc_misplaced_dst_page(struct page *page, unsigned long data)'''),
('include/linux/migrate.h', '''#ifdef CONFIG_NUMA_BALANCING
extern int migrate_misplaced_page(struct page *page,
				  struct vm_area_struct *vma, int node);
#else''', '''#ifdef CONFIG_NUMA_BALANCING
extern int migrate_misplaced_page(struct page *page,
				  struct vm_area_struct *vma, int node);
bool migrate_balanced_pgdat(struct pglist_data *pgdat,
			    unsigned long nr_migrate_pages);
struct page *alloc_misplaced_dst_page(struct page *page, unsigned long data);
#else'''),
])

MPROTECT = ('0002-mm-mprotect-let-a-NUMA-scanner-mark-pages-on-every-node.patch',
'mm/mprotect: let a NUMA scanner mark pages on every node',
'''
change_prot_numa() assumes that the task whose memory it marks is the
one calling it, as in upstream NUMA balancing's task_numa_work(): it
leaves alone the pages of a single-threaded process on the caller's node,
and all pages of the top tier when NUMA balancing is off.  AutoNUMA marks
every process's memory from its own kthread, knuma_scand, while upstream
NUMA balancing is off: both shortcuts would hide all of it.

Add MM_CP_AUTONUMA for such a caller: mark what prot_numa marks, on every
node, whatever NUMA balancing's mode.
''', [
('include/linux/mm.h', '''#define  MM_CP_UFFD_WP_ALL                 (MM_CP_UFFD_WP | \\
					    MM_CP_UFFD_WP_RESOLVE)
''', '''#define  MM_CP_UFFD_WP_ALL                 (MM_CP_UFFD_WP | \\
					    MM_CP_UFFD_WP_RESOLVE)
/* NUMA hints set by AutoNUMA's scanner, not by the task itself */
#define  MM_CP_AUTONUMA                    BIT(4)
'''),
('mm/mprotect.c', '''	bool prot_numa = cp_flags & MM_CP_PROT_NUMA;
	bool uffd_wp = cp_flags & MM_CP_UFFD_WP;
	bool uffd_wp_resolve = cp_flags & MM_CP_UFFD_WP_RESOLVE;

	tlb_change_page_size(tlb, PAGE_SIZE);''', '''	bool prot_numa = cp_flags & MM_CP_PROT_NUMA;
	bool autonuma = cp_flags & MM_CP_AUTONUMA;
	bool uffd_wp = cp_flags & MM_CP_UFFD_WP;
	bool uffd_wp_resolve = cp_flags & MM_CP_UFFD_WP_RESOLVE;

	tlb_change_page_size(tlb, PAGE_SIZE);'''),
('mm/mprotect.c', '''	if (prot_numa && !(vma->vm_flags & VM_SHARED) &&
	    atomic_read(&vma->vm_mm->mm_users) == 1)''', '''	if (prot_numa && !autonuma && !(vma->vm_flags & VM_SHARED) &&
	    atomic_read(&vma->vm_mm->mm_users) == 1)'''),
('mm/mprotect.c', '''				if (!(sysctl_numa_balancing_mode & NUMA_BALANCING_NORMAL) &&
				    toptier)
					continue;''', '''				if (!(sysctl_numa_balancing_mode & NUMA_BALANCING_NORMAL) &&
				    toptier && !autonuma)
					continue;'''),
('mm/huge_memory.c', '''		if (!(sysctl_numa_balancing_mode & NUMA_BALANCING_NORMAL) &&
		    toptier)
			goto unlock;''', '''		if (!(sysctl_numa_balancing_mode & NUMA_BALANCING_NORMAL) &&
		    toptier && !(cp_flags & MM_CP_AUTONUMA))
			goto unlock;'''),
])

VMSTAT = ('0003-mm-vmstat-add-AutoNUMA-event-counters.patch',
'mm/vmstat: add AutoNUMA event counters',
'''
Users of upstream NUMA balancing keep asking what it did; AutoNUMA should
answer from the start.  Add /proc/vmstat counters for the hinting entries
knuma_scand sets, the local and remote hinting faults, the pages queued,
migrated and failed, the THPs migrated whole or split, and the tasks the
scheduler side moved, exchanged, or could not move.
''', [
('include/linux/vm_event_item.h', '''		NUMA_PAGE_MIGRATE,
#endif
''', '''		NUMA_PAGE_MIGRATE,
#endif
#ifdef CONFIG_AUTONUMA
		AUTONUMA_PTE_UPDATES,
		AUTONUMA_FAULTS_LOCAL,
		AUTONUMA_FAULTS_REMOTE,
		AUTONUMA_PAGES_QUEUED,
		AUTONUMA_PAGES_MIGRATED,
		AUTONUMA_MIGRATE_FAILED,
		AUTONUMA_THP_MIGRATED,
		AUTONUMA_THP_SPLIT,
		AUTONUMA_TASK_MOVES,
		AUTONUMA_TASK_EXCHANGES,
		AUTONUMA_TASK_MOVES_REFUSED,
#endif
'''),
('mm/vmstat.c', '''	"numa_pages_migrated",
#endif
''', '''	"numa_pages_migrated",
#endif
#ifdef CONFIG_AUTONUMA
	"autonuma_pte_updates",
	"autonuma_faults_local",
	"autonuma_faults_remote",
	"autonuma_pages_queued",
	"autonuma_pages_migrated",
	"autonuma_migrate_failed",
	"autonuma_thp_migrated",
	"autonuma_thp_split",
	"autonuma_task_moves",
	"autonuma_task_exchanges",
	"autonuma_task_moves_refused",
#endif
'''),
])

SCHED = ('0004-sched-numa-add-per-task-AutoNUMA-statistics.patch',
'sched/numa: add per-task AutoNUMA statistics',
'''
The scheduler side of AutoNUMA needs per-task NUMA hinting fault
statistics to choose a node for each task.  They live in struct
sched_autonuma, hung off task_struct so that the structure costs one
pointer where AutoNUMA is not possible (one node, "noautonuma").

Allocate it in dup_task_struct() and free it in free_task(); the new
kernel/sched/numa.c owns it and is built through build_policy.c like the
other scheduler policy files.  Nothing builds it until CONFIG_AUTONUMA
exists, in the next patch.
''', [
('include/linux/sched.h', 'struct rq;\n', 'struct rq;\nstruct sched_autonuma;\n'),
('include/linux/sched.h', '''	unsigned long			numa_pages_migrated;
#endif /* CONFIG_NUMA_BALANCING */
''', '''	unsigned long			numa_pages_migrated;
#endif /* CONFIG_NUMA_BALANCING */
#ifdef CONFIG_AUTONUMA
	/* NUMA hinting fault statistics and selected node: */
	struct sched_autonuma		*sched_autonuma;
#endif
'''),
('kernel/fork.c', '#include <linux/khugepaged.h>\n', '#include <linux/khugepaged.h>\n#include <linux/autonuma_sched.h>\n'),
('kernel/fork.c', '''	err = arch_dup_task_struct(tsk, orig);
	if (err)
		goto free_tsk;

	err = alloc_thread_stack_node(tsk, node);
	if (err)
		goto free_tsk;
''', '''	err = arch_dup_task_struct(tsk, orig);
	if (err)
		goto free_tsk;

	err = sched_autonuma_alloc(tsk, orig, node);
	if (err)
		goto free_tsk;

	err = alloc_thread_stack_node(tsk, node);
	if (err)
		goto free_autonuma;
'''),
('kernel/fork.c', '''free_stack:
	exit_task_stack_account(tsk);
	free_thread_stack(tsk);
free_tsk:
''', '''free_stack:
	exit_task_stack_account(tsk);
	free_thread_stack(tsk);
free_autonuma:
	sched_autonuma_free(tsk);
free_tsk:
'''),
('kernel/fork.c', '''	bpf_task_storage_free(tsk);
	free_task_struct(tsk);
}
EXPORT_SYMBOL(free_task);''', '''	bpf_task_storage_free(tsk);
	sched_autonuma_free(tsk);
	free_task_struct(tsk);
}
EXPORT_SYMBOL(free_task);'''),
('kernel/sched/build_policy.c', '''
#include "cputime.c"
''', '''
#ifdef CONFIG_AUTONUMA
# include "numa.c"
#endif

#include "cputime.c"
'''),
])

CORE = ('0005-mm-autonuma-add-the-AutoNUMA-core.patch',
'mm/autonuma: add the AutoNUMA core',
'''
Threads and the memory they use drift apart on NUMA machines: memory is
placed where it is first touched and tasks are moved for CPU load alone.
AutoNUMA keeps them together automatically.  This adds its memory side:

- knuma_scand, one freezable nice-19 kthread, walks every registered mm
  in batches of pages_to_scan, never blocking on mmap_lock (trylock),
  counts each mm's pages per node (its working set, only pages touched
  since the last pass with working_set=1) and turns the entries into NUMA
  hinting entries with change_prot_numa(), the same PROT_NONE entries
  upstream NUMA balancing uses;
- a nice-19 kthread gets almost no CPU time when every CPU is busy, just
  when placement matters most, and charges its work to nobody: so the
  threads of a running process help scan it, pages_to_scan at a time from
  the scheduler side's task_work (at most twice a second per thread),
  when its own adaptive pause after the last pass is over (task_scan=1);
  one scanner per mm (scan_busy), and the kthread never waits for a CPU
  holding it;
- every mm is registered in mm_init() and unregistered in __mmput()
  before exit_mmap(); the scanner pins the mm it scans under the list
  lock, so exit never races with a scan (the khugepaged scheme);
- the hinting fault handler (hooked in by the next patch) charges the
  fault to the task's statistics with a halving decay per scan pass, and
  runs a two-stage false-sharing filter on the page's last faulting node,
  kept in page_ext: a page is queued for node N only after two
  consecutive faults from N, and only if nothing placed it explicitly
  (mbind, set_mempolicy) and one process maps it;
- one knuma_migratedN thread per node, bound to the node's CPUs, takes
  the queued pages round-robin over source nodes, and migrates them with
  migrate_pages() in batches, a THP whole, never below the node's high
  watermark;
- Kconfig (AUTONUMA, AUTONUMA_DEFAULT_ENABLED, AUTONUMA_KUNIT_TEST), the
  "noautonuma" boot parameter, sysfs knobs and counters under
  /sys/kernel/mm/autonuma/ with every write validated, trace events, and
  a KUnit suite for the pure logic.

AutoNUMA reuses the hinting fault infrastructure that NUMA_BALANCING
builds, so it depends on it; the two never place memory at the same
time.  Where AutoNUMA is not possible (one node, "noautonuma") nothing is
allocated per task, mm or page and no thread runs.
''', [
('Documentation/admin-guide/kernel-parameters.txt', '''	noautogroup	Disable scheduler automatic task group creation.
''', '''	noautogroup	Disable scheduler automatic task group creation.

	noautonuma	[MM, NUMA] Disable AutoNUMA, the automatic NUMA
			placement of tasks and memory: no threads, no
			per-task or per-page memory.
			See Documentation/admin-guide/mm/autonuma.rst.
'''),
('MAINTAINERS', '''F:	lib/*audit.c

AUXILIARY DISPLAY DRIVERS''', '''F:	lib/*audit.c

AUTONUMA (AUTOMATIC NUMA PLACEMENT)
M:	AutoNUMA Team <autonuma-dev@example.org>
L:	linux-mm@kvack.org
S:	Maintained
F:	Documentation/ABI/testing/sysfs-kernel-mm-autonuma
F:	Documentation/admin-guide/mm/autonuma.rst
F:	Documentation/mm/autonuma.rst
F:	Kconfig.autonuma
F:	include/linux/autonuma*.h
F:	include/trace/events/autonuma.h
F:	kernel/sched/numa.c
F:	mm/autonuma*
F:	tools/testing/selftests/autonuma/

AUXILIARY DISPLAY DRIVERS'''),
('include/linux/mm_types.h', 'struct address_space;\n', 'struct address_space;\nstruct mm_autonuma;\n'),
('include/linux/mm_types.h', '''		/* numa_scan_seq prevents two threads remapping PTEs. */
		int numa_scan_seq;
#endif
''', '''		/* numa_scan_seq prevents two threads remapping PTEs. */
		int numa_scan_seq;
#endif
#ifdef CONFIG_AUTONUMA
		/* Working set per node and knuma_scand list entry. */
		struct mm_autonuma *mm_autonuma;
#endif
'''),
('kernel/fork.c', '#include <linux/khugepaged.h>\n', '#include <linux/khugepaged.h>\n#include <linux/autonuma.h>\n'),
('kernel/fork.c', '''	if (init_new_context(p, mm))
		goto fail_nocontext;

	mm->user_ns = get_user_ns(user_ns);
	lru_gen_init_mm(mm);
	return mm;

fail_nocontext:
''', '''	if (init_new_context(p, mm))
		goto fail_nocontext;

	if (mm_autonuma_alloc(mm))
		goto fail_noautonuma;

	mm->user_ns = get_user_ns(user_ns);
	lru_gen_init_mm(mm);
	return mm;

fail_noautonuma:
	destroy_context(mm);
fail_nocontext:
'''),
('kernel/fork.c', '''	mmu_notifier_subscriptions_destroy(mm);
	check_mm(mm);
''', '''	mmu_notifier_subscriptions_destroy(mm);
	mm_autonuma_free(mm);
	check_mm(mm);
'''),
('kernel/fork.c', '''	khugepaged_exit(mm); /* must run before exit_mmap */
''', '''	khugepaged_exit(mm); /* must run before exit_mmap */
	autonuma_exit(mm); /* must run before exit_mmap */
'''),
('mm/Kconfig', 'source "mm/damon/Kconfig"\n', 'source "mm/damon/Kconfig"\n\nsource "Kconfig.autonuma"\n'),
('mm/Makefile', 'obj-$(CONFIG_NUMA) \t+= mempolicy.o\n', 'obj-$(CONFIG_NUMA) \t+= mempolicy.o\nobj-$(CONFIG_AUTONUMA) += autonuma.o\n'),
('mm/page_ext.c', '#include <linux/page_table_check.h>\n', '#include <linux/page_table_check.h>\n#include <linux/autonuma.h>\n'),
('mm/page_ext.c', '''#ifdef CONFIG_PAGE_TABLE_CHECK
	&page_table_check_ops,
#endif
};''', '''#ifdef CONFIG_PAGE_TABLE_CHECK
	&page_table_check_ops,
#endif
#ifdef CONFIG_AUTONUMA
	&autonuma_page_ext_ops,
#endif
};'''),
])

FAULT = ('0006-mm-autonuma-handle-NUMA-hinting-faults.patch',
'mm/autonuma: handle NUMA hinting faults',
'''
knuma_scand sets the same PROT_NONE hinting entries as upstream NUMA
balancing, so their faults arrive in do_numa_page() and
do_huge_pmd_numa_page().  While AutoNUMA is enabled, hand them to it
before upstream's migrate-on-fault logic: AutoNUMA accounts the fault,
runs its filter and queues the page for knuma_migrated, and the entry is
restored as usual.

Entries left behind after AutoNUMA was switched off are only restored
when upstream NUMA balancing is off too, so that "enabled=0" stops all
migration at once.
''', [
('mm/memory.c', '#include <linux/sched/numa_balancing.h>\n', '#include <linux/sched/numa_balancing.h>\n#include <linux/autonuma.h>\n'),
('mm/memory.c', '''	page_nid = page_to_nid(page);
	/*
	 * For memory tiering mode, cpupid of slow memory page is used
	 * to record page access time.  So use default value.
	 */
	if ((sysctl_numa_balancing_mode & NUMA_BALANCING_MEMORY_TIERING) &&''', '''	page_nid = page_to_nid(page);
	if (autonuma_numa_fault(vmf, page, page_nid, 1)) {
		page_nid = NUMA_NO_NODE;
		goto out_map;
	}
	/*
	 * For memory tiering mode, cpupid of slow memory page is used
	 * to record page access time.  So use default value.
	 */
	if ((sysctl_numa_balancing_mode & NUMA_BALANCING_MEMORY_TIERING) &&'''),
('mm/huge_memory.c', '#include <linux/sched/numa_balancing.h>\n', '#include <linux/sched/numa_balancing.h>\n#include <linux/autonuma.h>\n'),
('mm/huge_memory.c', '''	page_nid = page_to_nid(page);
	/*
	 * For memory tiering mode, cpupid of slow memory page is used
	 * to record page access time.  So use default value.
	 */
	if (node_is_toptier(page_nid))''', '''	page_nid = page_to_nid(page);
	if (autonuma_numa_fault(vmf, page, page_nid, HPAGE_PMD_NR)) {
		page_nid = NUMA_NO_NODE;
		goto out_map;
	}
	/*
	 * For memory tiering mode, cpupid of slow memory page is used
	 * to record page access time.  So use default value.
	 */
	if (node_is_toptier(page_nid))'''),
])

EXCL = ('0007-sched-numa-keep-NUMA-balancing-and-AutoNUMA-mutually-exclusive.patch',
'sched/numa: keep NUMA balancing and AutoNUMA mutually exclusive',
'''
AutoNUMA and upstream NUMA balancing share the hinting fault
infrastructure; if both ran, each would undo the other's placement and
both would pay for scanning.  Refuse to switch NUMA balancing on with
-EBUSY while AutoNUMA is enabled; AutoNUMA's "enabled" refuses the
reverse.  Both updates happen under AutoNUMA's placement lock so that two
concurrent writers cannot switch both on.
''', [
('kernel/sched/core.c', '#include <linux/topology.h>\n', '#include <linux/topology.h>\n#include <linux/autonuma.h>\n'),
('kernel/sched/core.c', '''	if (write) {
		if (!(sysctl_numa_balancing_mode & NUMA_BALANCING_MEMORY_TIERING) &&
		    (state & NUMA_BALANCING_MEMORY_TIERING))
			reset_memory_tiering();
		sysctl_numa_balancing_mode = state;
		__set_numabalancing_state(state);
	}
	return err;''', '''	if (write) {
		/* Never let NUMA balancing and AutoNUMA both place memory. */
		autonuma_lock_placement();
		if (state && autonuma_enabled()) {
			autonuma_unlock_placement();
			return -EBUSY;
		}
		if (!(sysctl_numa_balancing_mode & NUMA_BALANCING_MEMORY_TIERING) &&
		    (state & NUMA_BALANCING_MEMORY_TIERING))
			reset_memory_tiering();
		sysctl_numa_balancing_mode = state;
		__set_numabalancing_state(state);
		autonuma_unlock_placement();
	}
	return err;'''),
])

PROC = ('0009-proc-add-proc-PID-autonuma.patch',
'proc: add /proc/PID/autonuma',
'''
Users of automatic NUMA placement want to see, per task, where it thinks
the task belongs and why.  /proc/PID/autonuma shows the node AutoNUMA
selected, the task's per-node hinting faults and its process's working
set per node as knuma_scand counted it.  Reading it needs the same right
as numa_maps (PTRACE_MODE_READ).
''', [
('fs/proc/base.c', '#include <linux/cn_proc.h>\n', '#include <linux/cn_proc.h>\n#include <linux/autonuma.h>\n'),
('fs/proc/base.c', '''#ifdef CONFIG_NUMA
	REG("numa_maps",  S_IRUGO, proc_pid_numa_maps_operations),
#endif
''', '''#ifdef CONFIG_NUMA
	REG("numa_maps",  S_IRUGO, proc_pid_numa_maps_operations),
#endif
#ifdef CONFIG_AUTONUMA
	ONE("autonuma",   0444, proc_pid_autonuma),
#endif
'''),
('fs/proc/base.c', '''#ifdef CONFIG_NUMA
	REG("numa_maps", S_IRUGO, proc_pid_numa_maps_operations),
#endif
''', '''#ifdef CONFIG_NUMA
	REG("numa_maps", S_IRUGO, proc_pid_numa_maps_operations),
#endif
#ifdef CONFIG_AUTONUMA
	ONE("autonuma",  0444, proc_pid_autonuma),
#endif
'''),
])

DOCS = ('0010-Documentation-mm-document-AutoNUMA.patch',
'Documentation/mm: document AutoNUMA',
'''
Users need to know what AutoNUMA does, how to switch it, what its knobs
and counters mean and how to tell that it works; reviewers need its
design: the data flow, the locking, the filter, the decay, and how the
scheduler side chooses a node and moves tasks.  Add the
admin guide page, the design document and the ABI description of
/sys/kernel/mm/autonuma/.
''', [
('Documentation/admin-guide/mm/index.rst', '''   concepts
''', '''   concepts
   autonuma
'''),
('Documentation/mm/index.rst', '''   arch_pgtable_helpers
''', '''   arch_pgtable_helpers
   autonuma
'''),
])

SELFTESTS = ('0011-selftests-autonuma-add-AutoNUMA-tests.patch',
'selftests/autonuma: add AutoNUMA tests',
'''
The sysfs interface is ABI: every valid write must take effect and every
bad one must fail with EINVAL and change nothing.  Test that for each knob,
that non-root writes are refused, that AutoNUMA and NUMA balancing exclude
each other, and that AutoNUMA stays off with "noautonuma" and on a
machine with one node.

Test the behaviour too: remote memory follows the thread that uses it,
memory placed with mbind() or set_mempolicy() never moves, pages two
nodes take turns on do not ping-pong, enabled=0 stops everything, a THP
migrates whole, and a fork/exit/mremap/mprotect storm under a fast
scanner survives.  On the scheduler side: threads follow their memory,
two processes whose threads start mixed end on their own nodes, explicit
affinity always wins, no CPU idles while others are overloaded, enabled=0
stops moves at once, and clone_reset/fork_reset do what they say.  The
tests skip where the feature, root or a second node is missing, and
restore every knob they change.
''', [
('tools/testing/selftests/Makefile', '''TARGETS += arm64
''', '''TARGETS += arm64
TARGETS += autonuma
'''),
])

BALANCER = ('0008-sched-numa-move-tasks-towards-their-memory.patch',
'sched/numa: move tasks towards their memory',
'''
Memory following CPU is half of the job: a process whose memory sits on
one node should also run there, and load balancing must not undo that.

Hook the AutoNUMA balancer into CFS:

- task_tick_fair() lets the running task queue its balancer, at most
  every 500 ms; the balancer runs from task_work in the task's own context
  and only looks at the CPUs of the task's preferred node, so its cost is
  bounded and off the tick; after three refused moves in a row the task
  settles where it runs and its memory follows it;
- can_migrate_task() treats moving a task away from its preferred node
  like moving a cache-hot task (allowed only when balancing keeps
  failing), encourages moving it there, refuses active balancing that
  would push a running task away from it to a busy CPU (a CPU-bound task
  gains no CPU time from that and loses its memory; an idle CPU may
  still take it), and refuses every move away with
  scheduler/load_balance_strict;
- wake_affine() does not pull a waking task off its preferred node;
- __sched_fork() starts a new task's statistics (clone_reset, fork_reset).

All of it sits behind AutoNUMA's static key.
''', [
('kernel/sched/fair.c', '''#include <linux/psi.h>
''', '''#include <linux/psi.h>
#include <linux/autonuma_sched.h>
'''),
('kernel/sched/fair.c', '''	int target = nr_cpumask_bits;

	if (sched_feat(WA_IDLE))
		target = wake_affine_idle(this_cpu, prev_cpu, sync);''', '''	int target = nr_cpumask_bits;

	if (autonuma_wake_keep_prev(p, this_cpu, prev_cpu))
		return prev_cpu;

	if (sched_feat(WA_IDLE))
		target = wake_affine_idle(this_cpu, prev_cpu, sync);'''),
('kernel/sched/fair.c', '''	int src_nid, dst_nid, dist;

	if (!static_branch_likely(&sched_numa_balancing))
		return -1;''', '''	int src_nid, dst_nid, dist;

	if (autonuma_enabled())
		return autonuma_migrate_degrades_locality(p, env->src_cpu,
							  env->dst_cpu);

	if (!static_branch_likely(&sched_numa_balancing))
		return -1;'''),
('kernel/sched/fair.c', '''	if (task_on_cpu(env->src_rq, p)) {
		schedstat_inc(p->stats.nr_failed_migrations_running);
		return 0;
	}
''', '''	if (task_on_cpu(env->src_rq, p)) {
		schedstat_inc(p->stats.nr_failed_migrations_running);
		return 0;
	}

	if (autonuma_refuse_migration(p, env->src_cpu, env->dst_cpu,
				      env->flags & LBF_ACTIVE_LB))
		return 0;
'''),
('kernel/sched/fair.c', '''	if (static_branch_unlikely(&sched_numa_balancing))
		task_tick_numa(rq, curr);

	update_misfit_status(curr, rq);''', '''	if (static_branch_unlikely(&sched_numa_balancing))
		task_tick_numa(rq, curr);
	autonuma_task_tick(curr);

	update_misfit_status(curr, rq);'''),
('kernel/sched/core.c', '''	init_numa_balancing(clone_flags, p);
''', '''	init_numa_balancing(clone_flags, p);
	autonuma_sched_fork(clone_flags, p);
'''),
('kernel/sched/core.c', '#include <linux/autonuma.h>\n', '#include <linux/autonuma.h>\n#include <linux/autonuma_sched.h>\n'),
])

PATCHES = [MIGRATE, MPROTECT, VMSTAT, SCHED, CORE, FAULT, EXCL, BALANCER, PROC, DOCS,
           SELFTESTS]
