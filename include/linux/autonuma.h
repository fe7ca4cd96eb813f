/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AutoNUMA: automatic NUMA placement, the memory-management side.
 *
 * Everything here compiles to nothing with CONFIG_AUTONUMA=n, so that the
 * hooks in core mm code stay one line each.
 */
#ifndef _LINUX_AUTONUMA_H
#define _LINUX_AUTONUMA_H

#include <linux/errno.h>
#include <linux/jump_label.h>
#include <linux/mm_types.h>
#include <linux/sched/coredump.h>
#include <linux/sched/sysctl.h>

struct pid;
struct pid_namespace;
struct seq_file;
struct task_struct;
struct vm_fault;

#ifdef CONFIG_AUTONUMA

DECLARE_STATIC_KEY_FALSE(autonuma_enabled_key);

/**
 * autonuma_enabled - is AutoNUMA switched on at run time?
 *
 * A static branch, so that the test costs a NOP while it is off.
 *
 * Return: true when /sys/kernel/mm/autonuma/enabled is 1.
 */
static inline bool autonuma_enabled(void)
{
	return static_branch_unlikely(&autonuma_enabled_key);
}

bool autonuma_possible(void);
void __mm_autonuma_free(struct mm_struct *mm);
void __autonuma_exit(struct mm_struct *mm);
void autonuma_lock_placement(void);
void autonuma_unlock_placement(void);
void __autonuma_numa_fault(struct vm_fault *vmf, struct page *page,
			   int page_nid, int nr);
int proc_pid_autonuma(struct seq_file *m, struct pid_namespace *ns,
		      struct pid *pid, struct task_struct *task);
void autonuma_proc_status(struct seq_file *m, struct mm_struct *mm);
int autonuma_prctl_set_disable(unsigned long arg2, unsigned long arg3,
			       unsigned long arg4, unsigned long arg5);
int autonuma_prctl_get_disable(unsigned long arg2, unsigned long arg3,
			       unsigned long arg4, unsigned long arg5);

/**
 * autonuma_mm_disabled - has a process opted out of AutoNUMA?
 * @mm: the process's mm
 *
 * Set and cleared by prctl(PR_SET_AUTONUMA_DISABLE) under the mm's
 * mmap_lock held for writing; inherited by fork and kept across exec
 * (MMF_INIT_MASK).  An mm that opted out may have no AutoNUMA state at
 * all: the flag is all there is of it then.
 *
 * Return: true when AutoNUMA leaves @mm alone.
 */
static inline bool autonuma_mm_disabled(struct mm_struct *mm)
{
	return test_bit(MMF_DISABLE_AUTONUMA, &mm->flags);
}

/**
 * mm_autonuma_alloc - start the AutoNUMA state of a new mm
 * @mm: the mm being initialised (possibly a copy of its parent's)
 *
 * Nothing is allocated here: the mm's working set is allocated when one of
 * its tasks first runs while AutoNUMA is on (autonuma_register_mm()).
 *
 * Return: 0.
 */
static inline int mm_autonuma_alloc(struct mm_struct *mm)
{
	mm->mm_autonuma = NULL;
	return 0;
}

/**
 * mm_autonuma_free - free the AutoNUMA state of an mm being dropped
 * @mm: the mm
 */
static inline void mm_autonuma_free(struct mm_struct *mm)
{
	if (mm->mm_autonuma)
		__mm_autonuma_free(mm);
}

/**
 * autonuma_exit - unregister an exiting mm from knuma_scand, if registered
 * @mm: the mm, whose last user is gone; must run before exit_mmap()
 */
static inline void autonuma_exit(struct mm_struct *mm)
{
	if (mm->mm_autonuma)
		__autonuma_exit(mm);
}

/**
 * autonuma_numa_fault - let AutoNUMA handle a NUMA hinting fault
 * @vmf: the fault, with the page table lock held
 * @page: the page mapped by the hinting entry
 * @page_nid: the node @page sits on
 * @nr: base pages the entry maps (HPAGE_PMD_NR for a THP)
 *
 * Called by do_numa_page() and do_huge_pmd_numa_page() before they consult
 * upstream NUMA balancing.  The caller restores the entry afterwards.  A
 * fault of a process that opted out (on an entry set before it did) is
 * only restored: nothing is counted or queued.
 *
 * Return: true when the fault is AutoNUMA's (the caller must not migrate
 * or account it for NUMA balancing): while AutoNUMA is enabled, and for
 * entries left behind after it was switched off while NUMA balancing is
 * off too.
 */
static inline bool autonuma_numa_fault(struct vm_fault *vmf,
				       struct page *page, int page_nid,
				       int nr)
{
	if (autonuma_enabled()) {
		__autonuma_numa_fault(vmf, page, page_nid, nr);
		return true;
	}
	return !READ_ONCE(sysctl_numa_balancing_mode) && autonuma_possible();
}

#else /* !CONFIG_AUTONUMA */

static inline bool autonuma_enabled(void)
{
	return false;
}

static inline bool autonuma_possible(void)
{
	return false;
}

static inline int mm_autonuma_alloc(struct mm_struct *mm)
{
	return 0;
}

static inline void mm_autonuma_free(struct mm_struct *mm)
{
}

static inline void autonuma_exit(struct mm_struct *mm)
{
}

static inline void autonuma_lock_placement(void)
{
}

static inline void autonuma_unlock_placement(void)
{
}

static inline bool autonuma_numa_fault(struct vm_fault *vmf,
				       struct page *page, int page_nid,
				       int nr)
{
	return false;
}

static inline void autonuma_proc_status(struct seq_file *m,
					struct mm_struct *mm)
{
}

/* Without AutoNUMA the prctls are unknown options. */
static inline int autonuma_prctl_set_disable(unsigned long arg2,
					     unsigned long arg3,
					     unsigned long arg4,
					     unsigned long arg5)
{
	return -EINVAL;
}

static inline int autonuma_prctl_get_disable(unsigned long arg2,
					     unsigned long arg3,
					     unsigned long arg4,
					     unsigned long arg5)
{
	return -EINVAL;
}

#endif /* CONFIG_AUTONUMA */
#endif /* _LINUX_AUTONUMA_H */
