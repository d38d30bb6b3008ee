// SPDX-License-Identifier: GPL-2.0
/*
 * crashsafe_test_lockup: wedge a CPU on purpose (test only, never unload).
 *
 *   mode=hardlockup victim=N  a kthread on CPU N spins with interrupts off
 *   mode=lockheld holder=N    a kthread on CPU N holds an irq-safe spinlock
 *                             with interrupts off forever
 *   mode=hammer holder=N      a kthread on CPU N takes and releases an
 *                             irq-safe spinlock, holding it ~99% of the time;
 *                             a panic notifier needs the same lock
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/spinlock.h>
#include <linux/delay.h>
#include <linux/cpumask.h>
#include <linux/panic_notifier.h>
#include <linux/notifier.h>
#include <linux/sched.h>
#include <asm/mmu.h>

static char *mode = "hardlockup";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "hardlockup | lockheld | hammer");

static int victim = 1;
module_param(victim, int, 0444);
MODULE_PARM_DESC(victim, "CPU that spins with interrupts off (hardlockup)");

static int holder = 1;
module_param(holder, int, 0444);
MODULE_PARM_DESC(holder, "CPU that holds the lock (lockheld, hammer)");

static unsigned int hold_us = 2000;
module_param(hold_us, uint, 0444);
MODULE_PARM_DESC(hold_us, "hammer: time the lock is held per round (us)");

static unsigned int gap_us = 20;
module_param(gap_us, uint, 0444);
MODULE_PARM_DESC(gap_us, "hammer: time between critical sections (us)");

static unsigned int delay_ms = 1000;
module_param(delay_ms, uint, 0444);
MODULE_PARM_DESC(delay_ms, "wait before wedging, so that insmod can finish (its TLB flush IPIs every CPU)");

/* raw: on PREEMPT_RT a spinlock_t sleeps and leaves interrupts on. */
static DEFINE_RAW_SPINLOCK(cs_test_lock);
static unsigned long cs_test_rounds;

/*
 * Interrupts off: drop the user mm this kthread borrowed lazily, so that
 * TLB flushes of that mm (which also IPI lazy CPUs when page tables are
 * freed) do not wait for the wedged CPU and hang the rest of the guest.
 * leave_mm() is leave_mm(int cpu) before v6.8 and leave_mm(void) since;
 * passing the CPU to either is harmless in the x86-64 calling convention.
 */
static void cs_test_leave_mm(void)
{
	void (*leave)(int cpu) = (void (*)(int))(void *)leave_mm;

	leave(raw_smp_processor_id());
}

static noinline void cs_test_lockup_spin(void)
{
	local_irq_disable();
	cs_test_leave_mm();
	for (;;)
		cpu_relax();
}

static noinline void cs_test_hold_lock(void)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&cs_test_lock, flags);
	cs_test_leave_mm();
	for (;;)
		cpu_relax();
}

static noinline void cs_test_hammer_round(void)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&cs_test_lock, flags);
	udelay(hold_us);
	cs_test_rounds++;
	raw_spin_unlock_irqrestore(&cs_test_lock, flags);
}

static int cs_test_thread(void *arg)
{
	msleep(delay_ms);
	pr_info("mode %s: CPU %d starts now\n", mode, raw_smp_processor_id());
	if (!strcmp(mode, "hardlockup")) {
		cs_test_lockup_spin();
	} else if (!strcmp(mode, "lockheld")) {
		cs_test_hold_lock();
	} else {
		while (!kthread_should_stop()) {
			cs_test_hammer_round();
			udelay(gap_us);
			cond_resched();
		}
	}
	return 0;
}

/* Panic context: needs the lock the holder takes. */
static int cs_test_panic_notify(struct notifier_block *nb, unsigned long ev,
				void *p)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&cs_test_lock, flags);
	raw_spin_unlock_irqrestore(&cs_test_lock, flags);
	return NOTIFY_DONE;
}

static struct notifier_block cs_test_panic_nb = {
	.notifier_call = cs_test_panic_notify,
	.priority = INT_MAX,
};

static int __init cs_test_lockup_init(void)
{
	struct task_struct *t;
	int cpu;

	if (!strcmp(mode, "hardlockup")) {
		cpu = victim;
	} else if (!strcmp(mode, "lockheld") || !strcmp(mode, "hammer")) {
		cpu = holder;
	} else {
		pr_err("unknown mode %s\n", mode);
		return -EINVAL;
	}
	if (cpu < 0 || cpu >= nr_cpu_ids || !cpu_online(cpu)) {
		pr_err("CPU %d is not online\n", cpu);
		return -EINVAL;
	}
	if (!strcmp(mode, "hammer"))
		atomic_notifier_chain_register(&panic_notifier_list,
					       &cs_test_panic_nb);

	t = kthread_create(cs_test_thread, NULL, "cs_test_%s", mode);
	if (IS_ERR(t)) {
		if (!strcmp(mode, "hammer"))
			atomic_notifier_chain_unregister(&panic_notifier_list,
							 &cs_test_panic_nb);
		return PTR_ERR(t);
	}
	kthread_bind(t, cpu);
	wake_up_process(t);
	pr_info("mode %s on CPU %d in %u ms\n", mode, cpu, delay_ms);
	return 0;
}

module_init(cs_test_lockup_init);
/* No module_exit: the wedged CPU runs this module's code forever. */
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("crashsafe test: hard lockup, held lock, lock hammer");
