// SPDX-License-Identifier: GPL-2.0
/*
 * crashsafe_test_csd: make a non-responsive CSD on purpose.
 * A kthread bound to CPU @victim spins with interrupts disabled in
 * cs_test_victim_spin(); a kthread bound to CPU @sender then calls
 * smp_call_function_single(victim, cs_test_ipi_func, NULL, 1) and waits
 * forever. There is no way back: the module cannot be unloaded.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/smp.h>
#include <linux/delay.h>
#include <linux/cpumask.h>
#include <linux/err.h>

static int victim = 1;
module_param(victim, int, 0444);
MODULE_PARM_DESC(victim, "CPU that spins with interrupts disabled");

static int sender;
module_param(sender, int, 0444);
MODULE_PARM_DESC(sender, "CPU that sends the CSD and waits for it");

static int cs_test_spinning;

/* Hard-IRQ context (on the victim, if it ever got there). */
static noinline void cs_test_ipi_func(void *info)
{
	WRITE_ONCE(cs_test_spinning, 2);
}

/* Runs with interrupts disabled, forever. */
static noinline void cs_test_victim_spin(void)
{
	WRITE_ONCE(cs_test_spinning, 1);
	for (;;)
		cpu_relax();
}

static int cs_test_victim_fn(void *unused)
{
	/*
	 * Let insmod finish first: do_init_module() changes page attributes
	 * and frees init memory, and the TLB flushes that causes would wait
	 * for this CPU too and hang before the sender's request does.
	 */
	msleep(1000);
	local_irq_disable();
	cs_test_victim_spin();
	return 0;
}

static int cs_test_sender_fn(void *unused)
{
	int ret;

	while (!READ_ONCE(cs_test_spinning))
		usleep_range(200, 400);
	pr_info("CPU%d: smp_call_function_single(%d, cs_test_ipi_func, wait)\n",
		sender, victim);
	ret = smp_call_function_single(victim, cs_test_ipi_func, NULL, 1);
	pr_info("smp_call_function_single returned %d\n", ret);
	return 0;
}

static struct task_struct *cs_test_start(int (*fn)(void *), int cpu,
					 const char *name)
{
	struct task_struct *t = kthread_create(fn, NULL, "%s/%d", name, cpu);

	if (!IS_ERR(t)) {
		kthread_bind(t, cpu);
		wake_up_process(t);
	}
	return t;
}

static int __init cs_test_csd_init(void)
{
	struct task_struct *t;

	if (victim == sender || victim < 0 || sender < 0 ||
	    victim >= nr_cpu_ids || sender >= nr_cpu_ids ||
	    !cpu_online(victim) || !cpu_online(sender)) {
		pr_err("need two different online CPUs (victim=%d sender=%d)\n",
		       victim, sender);
		return -EINVAL;
	}
	pr_info("victim CPU%d spins with irqs off in %ps, sender CPU%d\n",
		victim, cs_test_victim_spin, sender);
	t = cs_test_start(cs_test_victim_fn, victim, "cs_test_victim");
	if (IS_ERR(t))
		return PTR_ERR(t);
	t = cs_test_start(cs_test_sender_fn, sender, "cs_test_sender");
	if (IS_ERR(t))
		return PTR_ERR(t);	/* the victim spins on; reboot */
	return 0;
}

module_init(cs_test_csd_init);
/* No module_exit: the victim never comes back. */
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("crashsafe test: non-responsive CSD (victim spins with irqs off)");
