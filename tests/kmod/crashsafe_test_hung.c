// SPDX-License-Identifier: GPL-2.0
/*
 * crashsafe_test_hung: stalls that are NOT the IPI's fault (test only,
 * never unload). In both modes cross-CPU calls keep completing, so a
 * report that blames the CSD machinery is wrong.
 *
 *   mode=hung        (seed 001) kthread cs_hung_owner on CPU @cpu takes
 *                    cs_hung_rwsem for write and holds it for @hold_s
 *                    seconds, all the while issuing fast cross-CPU calls
 *                    (smp_call_function_single() to CPU @peer, waiting)
 *                    in cs_hung_owner_walk(); @nwaiters kthreads
 *                    cs_hung_waiterN block in down_read() (state D), and
 *                    kthread cs_hung_compl waits (state D) for completion
 *                    cs_hung_never, which nothing completes. With
 *                    kernel.hung_task_panic=1 the hung task detector
 *                    panics.
 *   mode=softlockup  kthread cs_softlockup on CPU @cpu loops with
 *                    preemption off (interrupts on) in
 *                    cs_softlockup_spin(); kthread cs_soft_ipi on CPU
 *                    @peer keeps calling it with smp_call_function_single(),
 *                    and it answers. With kernel.softlockup_panic=1 the
 *                    soft lockup detector panics.
 *
 * Before the stall every kthread prints its pid, comm and CPU: the tests'
 * ground truth.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/rwsem.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/cpumask.h>
#include <linux/smp.h>
#include <linux/sched.h>
#include <linux/jiffies.h>
#include <linux/preempt.h>

static char *mode = "hung";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "hung | softlockup");

static int cpu = 1;
module_param(cpu, int, 0444);
MODULE_PARM_DESC(cpu, "CPU of the rwsem owner (hung) or of the spinner (softlockup)");

static int peer;
module_param(peer, int, 0444);
MODULE_PARM_DESC(peer, "hung: target of the owner's calls; softlockup: CPU that calls the spinner");

static unsigned int hold_s = 60;
module_param(hold_s, uint, 0444);
MODULE_PARM_DESC(hold_s, "hung: seconds the owner holds the rwsem");

static unsigned int nwaiters = 2;
module_param(nwaiters, uint, 0444);
MODULE_PARM_DESC(nwaiters, "hung: kthreads that block in down_read()");

static unsigned int delay_ms = 1000;
module_param(delay_ms, uint, 0444);
MODULE_PARM_DESC(delay_ms, "wait before the stall, so that insmod can finish");

static DECLARE_RWSEM(cs_hung_rwsem);
static DECLARE_COMPLETION(cs_hung_held);
static DECLARE_COMPLETION(cs_hung_never);	/* never completed */
static unsigned long cs_hung_calls;	/* callbacks run, both modes */

/* Hard-IRQ context on the target: count the call. */
static noinline void cs_hung_ipi_func(void *info)
{
	WRITE_ONCE(cs_hung_calls, READ_ONCE(cs_hung_calls) + 1);
}

/*
 * The long walk under the write lock (the KSM rmap walk of seed 001):
 * ~10 ms of completing cross-CPU calls per round, then a resched point.
 */
static noinline unsigned long cs_hung_owner_walk(unsigned long until)
{
	unsigned long round_end, n = 0;

	while (time_before(jiffies, until)) {
		round_end = jiffies + msecs_to_jiffies(10);
		while (time_before(jiffies, round_end)) {
			smp_call_function_single(peer, cs_hung_ipi_func, NULL,
						 1);
			n++;
		}
		cond_resched();
	}
	return n;
}

static int cs_hung_owner_fn(void *unused)
{
	unsigned long n;

	msleep(delay_ms);
	down_write(&cs_hung_rwsem);
	pr_info("hung: owner CPU %d pid %d comm %s holds cs_hung_rwsem at 0x%lx for write for %u s, calling CPU %d\n",
		raw_smp_processor_id(), current->pid, current->comm,
		(unsigned long)&cs_hung_rwsem, hold_s, peer);
	complete_all(&cs_hung_held);
	n = cs_hung_owner_walk(jiffies + hold_s * HZ);
	up_write(&cs_hung_rwsem);
	pr_info("hung: owner released cs_hung_rwsem after %lu calls\n", n);
	return 0;
}

static int cs_hung_waiter_fn(void *unused)
{
	wait_for_completion(&cs_hung_held);
	pr_info("hung: waiter CPU %d pid %d comm %s blocks in down_read(cs_hung_rwsem at 0x%lx)\n",
		raw_smp_processor_id(), current->pid, current->comm,
		(unsigned long)&cs_hung_rwsem);
	down_read(&cs_hung_rwsem);
	up_read(&cs_hung_rwsem);
	pr_info("hung: waiter pid %d got cs_hung_rwsem\n", current->pid);
	return 0;
}

/* A D task that waits for a completion (no owner to name). */
static int cs_hung_compl_fn(void *unused)
{
	wait_for_completion(&cs_hung_held);
	msleep(100);	/* after the rwsem waiters: they stay the first hung */
	pr_info("hung: completion waiter CPU %d pid %d comm %s waits for cs_hung_never at 0x%lx\n",
		raw_smp_processor_id(), current->pid, current->comm,
		(unsigned long)&cs_hung_never);
	wait_for_completion(&cs_hung_never);
	return 0;
}

/* Preemption off, interrupts on, forever. */
static noinline void cs_softlockup_spin(void)
{
	preempt_disable();
	for (;;)
		cpu_relax();
}

static int cs_softlockup_fn(void *unused)
{
	msleep(delay_ms);
	pr_info("softlockup: CPU %d pid %d comm %s spins with preemption off in %ps\n",
		raw_smp_processor_id(), current->pid, current->comm,
		cs_softlockup_spin);
	cs_softlockup_spin();
	return 0;
}

/* Calls the spinner every ~10 ms: it answers (interrupts are on). */
static int cs_soft_ipi_fn(void *unused)
{
	msleep(delay_ms);
	pr_info("softlockup: CPU %d pid %d comm %s calls CPU %d every 10 ms\n",
		raw_smp_processor_id(), current->pid, current->comm, cpu);
	for (;;) {
		smp_call_function_single(cpu, cs_hung_ipi_func, NULL, 1);
		usleep_range(10000, 11000);
	}
	return 0;
}

static struct task_struct *cs_hung_create(int (*fn)(void *), int on,
					  const char *name, unsigned int i)
{
	struct task_struct *t = kthread_create(fn, NULL, name, i);

	if (!IS_ERR(t) && on >= 0)
		kthread_bind(t, on);
	return t;
}

static int __init cs_test_hung_init(void)
{
	struct task_struct *t[3 + 16];
	bool hung = !strcmp(mode, "hung");
	unsigned int i, n = 0;

	if (!hung && strcmp(mode, "softlockup")) {
		pr_err("unknown mode %s\n", mode);
		return -EINVAL;
	}
	if (cpu == peer || cpu < 0 || peer < 0 || cpu >= nr_cpu_ids ||
	    peer >= nr_cpu_ids || !cpu_online(cpu) || !cpu_online(peer)) {
		pr_err("need two different online CPUs (cpu=%d peer=%d)\n",
		       cpu, peer);
		return -EINVAL;
	}
	if (nwaiters > ARRAY_SIZE(t) - 3) {
		pr_err("nwaiters %u > %zu\n", nwaiters, ARRAY_SIZE(t) - 3);
		return -EINVAL;
	}
	if (hung) {
		t[n++] = cs_hung_create(cs_hung_owner_fn, cpu, "cs_hung_owner",
					0);
		for (i = 0; i < nwaiters; i++)
			t[n++] = cs_hung_create(cs_hung_waiter_fn, peer,
						"cs_hung_waiter%u", i);
		t[n++] = cs_hung_create(cs_hung_compl_fn, peer, "cs_hung_compl", 0);
	} else {
		t[n++] = cs_hung_create(cs_softlockup_fn, cpu, "cs_softlockup",
					0);
		t[n++] = cs_hung_create(cs_soft_ipi_fn, peer, "cs_soft_ipi",
					0);
	}
	for (i = 0; i < n; i++) {
		if (!IS_ERR(t[i]))
			continue;
		/* Never woken: their functions do not run. */
		while (n--)
			if (!IS_ERR(t[n]))
				kthread_stop(t[n]);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		wake_up_process(t[i]);
	pr_info("mode %s: CPU %d, peer CPU %d, in %u ms\n", mode, cpu, peer,
		delay_ms);
	return 0;
}

module_init(cs_test_hung_init);
/* No module_exit: the kthreads run this module's code (softlockup: forever). */
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("crashsafe test: hung task behind an rwsem owner, soft lockup");
