// SPDX-License-Identifier: GPL-2.0
/*
 * crashsafe_test_csd: make a non-responsive CSD on purpose.
 * A kthread bound to CPU @victim spins with interrupts disabled in
 * cs_test_victim_spin(); a kthread bound to CPU @sender then calls
 * smp_call_function_single(victim, cs_test_ipi_func, NULL, 1) and waits
 * forever. With call=many it waits in smp_call_function_many() instead,
 * on all online CPUs but itself: the victim never answers, the other
 * (healthy) targets run cs_test_ipi_func at once, and a watcher kthread
 * on a healthy CPU says so on the console.
 * There is no way back: the module cannot be unloaded.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/smp.h>
#include <linux/delay.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/string.h>
#include <linux/preempt.h>

static int victim = 1;
module_param(victim, int, 0444);
MODULE_PARM_DESC(victim, "CPU that spins with interrupts disabled");

static int sender;
module_param(sender, int, 0444);
MODULE_PARM_DESC(sender, "CPU that sends the CSD and waits for it");

static char *call = "single";
module_param(call, charp, 0444);
MODULE_PARM_DESC(call, "how the sender waits: single (smp_call_function_single) or many (smp_call_function_many on all other CPUs)");

static int cs_test_spinning;
static bool cs_test_many;
static struct cpumask cs_test_mask;	/* many: the targets */
static struct cpumask cs_test_ran;	/* CPUs that ran cs_test_ipi_func */

/* Hard-IRQ context (on a target; the victim never gets there). */
static noinline void cs_test_ipi_func(void *info)
{
	cpumask_set_cpu(smp_processor_id(), &cs_test_ran);
	if (smp_processor_id() == victim)
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
	if (cs_test_many) {
		pr_info("CPU%d: smp_call_function_many(%*pbl, cs_test_ipi_func, wait)\n",
			sender, cpumask_pr_args(&cs_test_mask));
		preempt_disable();
		smp_call_function_many(&cs_test_mask, cs_test_ipi_func, NULL,
				       true);
		preempt_enable();
		pr_info("smp_call_function_many returned\n");
		return 0;
	}
	pr_info("CPU%d: smp_call_function_single(%d, cs_test_ipi_func, wait)\n",
		sender, victim);
	ret = smp_call_function_single(victim, cs_test_ipi_func, NULL, 1);
	pr_info("smp_call_function_single returned %d\n", ret);
	return 0;
}

/* many: on a healthy CPU, tell which targets ran the callback. */
static int cs_test_watch_fn(void *unused)
{
	while (!READ_ONCE(cs_test_spinning))
		msleep(20);
	msleep(2000);
	pr_info("targets that ran cs_test_ipi_func: %*pbl (victim CPU%d: %s)\n",
		cpumask_pr_args(&cs_test_ran), victim,
		cpumask_test_cpu(victim, &cs_test_ran) ? "ran" : "not run");
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
	if (!strcmp(call, "many")) {
		cs_test_many = true;
	} else if (strcmp(call, "single")) {
		pr_err("call=%s: want single or many\n", call);
		return -EINVAL;
	}
	pr_info("victim CPU%d spins with irqs off in %ps, sender CPU%d\n",
		victim, cs_test_victim_spin, sender);
	if (cs_test_many) {
		int cpu;

		cpumask_copy(&cs_test_mask, cpu_online_mask);
		cpumask_clear_cpu(sender, &cs_test_mask);
		for_each_cpu(cpu, &cs_test_mask) {
			if (cpu == victim)
				continue;
			t = cs_test_start(cs_test_watch_fn, cpu, "cs_test_watch");
			if (IS_ERR(t))
				return PTR_ERR(t);
			break;
		}
	}
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
