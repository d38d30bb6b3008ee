/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel version differences, all in one place (as lttng-modules does).
 * Everything else in crashsafe.ko is written against the newest API and
 * calls the cs_* wrappers below; each says which kernel changed what.
 */
#ifndef _CRASHSAFE_COMPAT_H
#define _CRASHSAFE_COMPAT_H

#include <linux/version.h>
#include <linux/hrtimer.h>
#include <linux/cpumask.h>

/* v6.13 added hrtimer_setup(); v6.15+ removed hrtimer_init(). */
static inline void cs_hrtimer_setup(struct hrtimer *timer,
				    enum hrtimer_restart (*fn)(struct hrtimer *),
				    clockid_t clock, enum hrtimer_mode mode)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
	hrtimer_setup(timer, fn, clock, mode);
#else
	hrtimer_init(timer, clock, mode);
	timer->function = fn;
#endif
}

/*
 * The next CPU of @mask after @cpu, wrapping around, never @cpu itself;
 * >= nr_cpu_ids when there is none. Any context. v6.15 reduced
 * cpumask_next_wrap() to (n, mask), which may return @cpu itself.
 */
static inline unsigned int cs_cpumask_next_other(unsigned int cpu,
						 const struct cpumask *mask)
{
	unsigned int next;

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0)
	next = cpumask_next_wrap(cpu, mask);
#else
	next = cpumask_next_wrap(cpu, mask, cpu, false);
#endif
	return next == cpu ? nr_cpu_ids : next;
}

#endif /* _CRASHSAFE_COMPAT_H */
