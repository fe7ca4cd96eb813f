// SPDX-License-Identifier: GPL-2.0
/*
 * AutoNUMA: automatic NUMA placement of tasks and their memory.
 *
 * This file holds the memory-management side: the run-time switch, the
 * per-mm state and the sysfs interface under /sys/kernel/mm/autonuma/.
 * The scheduler side lives in kernel/sched/numa.c.
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
 */

#define pr_fmt(fmt) "autonuma: " fmt

#include <linux/autonuma.h>
#include <linux/autonuma_types.h>
#include <linux/ctype.h>
#include <linux/init.h>
#include <linux/kobject.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/sched/sysctl.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

DEFINE_STATIC_KEY_FALSE(autonuma_enabled_key);

/* Set by "noautonuma" on the kernel command line. */
static bool autonuma_cmdline_off __ro_after_init;

/* Print placement decisions (rate limited). */
static unsigned int autonuma_debug;

/*
 * Serialises every change of the run-time state: the enabled static key,
 * the knobs, and the choice between AutoNUMA and upstream NUMA balancing
 * (sysctl_numa_balancing() takes it too, see autonuma_lock_placement()).
 */
static DEFINE_MUTEX(autonuma_placement_lock);

static int __init setup_noautonuma(char *str)
{
	autonuma_cmdline_off = true;
	return 1;
}
__setup("noautonuma", setup_noautonuma);

/**
 * autonuma_possible - can AutoNUMA run on this machine at all?
 *
 * Evaluated at every fork rather than once at an initcall, because the
 * first user task (init) is created before initcalls run.  Command line
 * parameters are parsed and the NUMA topology is known by then.
 *
 * Return: false with "noautonuma" or on a machine with a single node.
 */
bool autonuma_possible(void)
{
	return !autonuma_cmdline_off && num_online_nodes() > 1;
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

static size_t mm_autonuma_size(void)
{
	return struct_size((struct mm_autonuma *)NULL, numa_fault, nr_node_ids);
}

/**
 * __mm_autonuma_alloc - allocate and attach the per-mm AutoNUMA state
 * @mm: a new mm, from mm_init()
 *
 * Return: 0 on success, -ENOMEM on failure.
 */
int __mm_autonuma_alloc(struct mm_struct *mm)
{
	struct mm_autonuma *mma;

	mma = kzalloc(mm_autonuma_size(), GFP_KERNEL);
	if (!mma)
		return -ENOMEM;
	INIT_LIST_HEAD(&mma->mm_node);
	mma->mm = mm;
	mm->mm_autonuma = mma;
	return 0;
}

/**
 * __mm_autonuma_free - free the per-mm AutoNUMA state
 * @mm: an mm whose last reference is being dropped, from __mmdrop()
 */
void __mm_autonuma_free(struct mm_struct *mm)
{
	kfree(mm->mm_autonuma);
	mm->mm_autonuma = NULL;
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

static ssize_t enabled_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", autonuma_enabled());
}

/*
 * Switch AutoNUMA on or off.  Refused with -ENODEV where it is not possible
 * and with -EBUSY while upstream NUMA balancing is on.
 */
static int autonuma_set_enabled(bool on)
{
	lockdep_assert_held(&autonuma_placement_lock);

	if (on == autonuma_enabled())
		return 0;
	if (on && !autonuma_possible())
		return -ENODEV;
	if (on && READ_ONCE(sysctl_numa_balancing_mode))
		return -EBUSY;

	if (on)
		static_branch_enable(&autonuma_enabled_key);
	else
		static_branch_disable(&autonuma_enabled_key);
	pr_info("%s\n", on ? "enabled" : "disabled");
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

/* Where AutoNUMA is not possible, sysfs only says that it is off. */
static struct attribute *autonuma_off_attrs[] = {
	&enabled_attr.attr,
	NULL,
};

static const struct attribute_group autonuma_attr_group = {
	.attrs = autonuma_attrs,
};

static const struct attribute_group autonuma_off_attr_group = {
	.attrs = autonuma_off_attrs,
};

static int __init autonuma_sysfs_init(bool possible)
{
	struct kobject *kobj;
	int err;

	kobj = kobject_create_and_add("autonuma", mm_kobj);
	if (!kobj)
		return -ENOMEM;

	err = sysfs_create_group(kobj, possible ? &autonuma_attr_group :
				 &autonuma_off_attr_group);
	if (err)
		kobject_put(kobj);
	return err;
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

	if (IS_ENABLED(CONFIG_AUTONUMA_DEFAULT_ENABLED)) {
		mutex_lock(&autonuma_placement_lock);
		err = autonuma_set_enabled(true);
		mutex_unlock(&autonuma_placement_lock);
		if (err == -EBUSY)
			pr_info("not enabled: NUMA balancing is on\n");
	}
	return 0;
}
subsys_initcall(autonuma_init);

#include "autonuma-test.h"
