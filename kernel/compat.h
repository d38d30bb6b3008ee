/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel version differences, all in one place (as lttng-modules does).
 * Everything else in crashsafe.ko calls the cs_* wrappers below. The
 * CS_HAVE_* switches come from feature tests on the headers in Kbuild,
 * not from version numbers, so distribution backports are handled too;
 * each says which upstream release changed what.
 */
#ifndef _CRASHSAFE_COMPAT_H
#define _CRASHSAFE_COMPAT_H

#include <linux/hrtimer.h>
#include <linux/cpumask.h>

/* v6.13 added hrtimer_setup(); v6.15+ removed hrtimer_init(). */
static inline void cs_hrtimer_setup(struct hrtimer *timer,
				    enum hrtimer_restart (*fn)(struct hrtimer *),
				    clockid_t clock, enum hrtimer_mode mode)
{
#ifdef CS_HAVE_HRTIMER_SETUP
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

#ifdef CS_HAVE_CPUMASK_NEXT_WRAP_START
	next = cpumask_next_wrap(cpu, mask, cpu, false);
#else
	next = cpumask_next_wrap(cpu, mask);
#endif
	return next == cpu ? nr_cpu_ids : next;
}

#endif /* _CRASHSAFE_COMPAT_H */
