/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AutoNUMA: automatic NUMA placement, the memory-management side.
 *
 * Everything here compiles to nothing with CONFIG_AUTONUMA=n, so that the
 * hooks in core mm code stay one line each.
 */
#ifndef _LINUX_AUTONUMA_H
#define _LINUX_AUTONUMA_H

#include <linux/jump_label.h>
#include <linux/mm_types.h>

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
int __mm_autonuma_alloc(struct mm_struct *mm);
void __mm_autonuma_free(struct mm_struct *mm);
void autonuma_lock_placement(void);
void autonuma_unlock_placement(void);

/**
 * mm_autonuma_alloc - allocate the AutoNUMA state of a new mm
 * @mm: the mm being initialised (possibly a copy of its parent's)
 *
 * Return: 0 on success (also when AutoNUMA is impossible here and nothing
 * is allocated), -ENOMEM on failure.
 */
static inline int mm_autonuma_alloc(struct mm_struct *mm)
{
	mm->mm_autonuma = NULL;
	if (!autonuma_possible())
		return 0;
	return __mm_autonuma_alloc(mm);
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

static inline void autonuma_lock_placement(void)
{
}

static inline void autonuma_unlock_placement(void)
{
}

#endif /* CONFIG_AUTONUMA */
#endif /* _LINUX_AUTONUMA_H */
