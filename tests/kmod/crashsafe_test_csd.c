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
 * With lost_ipi=1 the victim spins with interrupts enabled (preemption
 * off, so it never flushes its CSD queue on its own) and the sender's IPI
 * to it is dropped at the APIC driver, after crashsafe has seen it sent:
 * the shape of a "lost IPI" in a VM.
 * With busy=1 there is no victim kthread: the sender first sends the
 * victim an asynchronous request whose callback never returns (it spins
 * in the victim's call-function interrupt), then waits on a second one:
 * the target is busy in a prior callback.
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
#include <linux/kprobes.h>
#include <asm/irq_vectors.h>

static int victim = 1;
module_param(victim, int, 0444);
MODULE_PARM_DESC(victim, "CPU that spins with interrupts disabled");

static int sender;
module_param(sender, int, 0444);
MODULE_PARM_DESC(sender, "CPU that sends the CSD and waits for it");

static char *call = "single";
module_param(call, charp, 0444);
MODULE_PARM_DESC(call, "how the sender waits: single (smp_call_function_single) or many (smp_call_function_many on all other CPUs)");

static bool lost_ipi;
module_param(lost_ipi, bool, 0444);
MODULE_PARM_DESC(lost_ipi, "victim keeps interrupts on; the sender's IPI to it is dropped");

static bool busy;
module_param(busy, bool, 0444);
MODULE_PARM_DESC(busy, "the victim is stuck in an earlier callback of the sender's");

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

/*
 * lost_ipi: the APIC drivers' single-IPI senders (whichever this machine
 * uses; x2apic_send_IPI is static, kprobes still find it). The sender's
 * first CALL_FUNCTION_SINGLE IPI to the victim returns without being sent.
 */
static const char * const cs_test_ipi_senders[] = {
	"default_send_IPI_single_phys",
	"default_send_IPI_single",
	"x2apic_send_IPI",
};

static struct kprobe cs_test_kps[ARRAY_SIZE(cs_test_ipi_senders)];
static atomic_t cs_test_drop_armed = ATOMIC_INIT(0);

/* Where a dropped send "returns" from: the caller's return address. */
static noinline void cs_test_just_return(void)
{
}

/* Any context (kprobe, preemption and maybe interrupts off). */
static int cs_test_drop_pre(struct kprobe *p, struct pt_regs *regs)
{
	if ((int)regs->di != victim ||
	    (int)regs->si != CALL_FUNCTION_SINGLE_VECTOR ||
	    smp_processor_id() != sender ||
	    atomic_cmpxchg(&cs_test_drop_armed, 1, 0) != 1)
		return 0;
	regs->ip = (unsigned long)cs_test_just_return;
	return 1;	/* resume at regs->ip: the send is skipped */
}

/* A post handler makes the probe one whose pre handler may change ip. */
static void cs_test_drop_post(struct kprobe *p, struct pt_regs *regs,
			      unsigned long flags)
{
}

static int cs_test_drop_init(void)
{
	int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(cs_test_kps); i++) {
		cs_test_kps[i].symbol_name = cs_test_ipi_senders[i];
		cs_test_kps[i].pre_handler = cs_test_drop_pre;
		cs_test_kps[i].post_handler = cs_test_drop_post;
		if (!register_kprobe(&cs_test_kps[i]))
			n++;
		else
			cs_test_kps[i].symbol_name = NULL;
	}
	pr_info("lost_ipi: %d IPI sender probes\n", n);
	return n ? 0 : -ENOENT;
}

/* Process context: undo cs_test_drop_init() when init fails later. */
static void cs_test_drop_exit(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(cs_test_kps); i++)
		if (cs_test_kps[i].symbol_name)
			unregister_kprobe(&cs_test_kps[i]);
}

/* Hard-IRQ context on the victim (busy=1): the prior request, forever. */
static noinline void cs_test_busy_func(void *info)
{
	cs_test_victim_spin();
}

static int cs_test_victim_fn(void *unused)
{
	/*
	 * Let insmod finish first: do_init_module() changes page attributes
	 * and frees init memory, and the TLB flushes that causes would wait
	 * for this CPU too and hang before the sender's request does.
	 */
	msleep(1000);
	if (lost_ipi)
		preempt_disable();	/* interrupts stay on */
	else
		local_irq_disable();
	cs_test_victim_spin();
	return 0;
}

static int cs_test_sender_fn(void *unused)
{
	int ret;

	if (busy) {
		msleep(1000);	/* let insmod finish, as the victim does */
		pr_info("CPU%d: smp_call_function_single(%d, cs_test_busy_func, no wait)\n",
			sender, victim);
		smp_call_function_single(victim, cs_test_busy_func, NULL, 0);
	}
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
	pr_info("CPU%d: smp_call_function_single(%d, cs_test_ipi_func, wait)%s\n",
		sender, victim, lost_ipi ? ", its IPI will be dropped" : "");
	if (lost_ipi)
		atomic_set(&cs_test_drop_armed, 1);
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
	if ((lost_ipi || busy) && cs_test_many) {
		pr_err("lost_ipi and busy work with call=single only\n");
		return -EINVAL;
	}
	if (lost_ipi && busy) {
		pr_err("lost_ipi or busy, not both\n");
		return -EINVAL;
	}
	if (lost_ipi && cs_test_drop_init())
		return -ENOENT;
	pr_info("victim CPU%d spins with irqs %s in %ps%s, sender CPU%d\n",
		victim, lost_ipi ? "on" : "off", cs_test_victim_spin,
		busy ? " inside a prior callback" : "", sender);
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
	t = busy ? NULL : cs_test_start(cs_test_victim_fn, victim,
					 "cs_test_victim");
	if (IS_ERR(t)) {
		if (lost_ipi)
			cs_test_drop_exit();
		return PTR_ERR(t);
	}
	t = cs_test_start(cs_test_sender_fn, sender, "cs_test_sender");
	if (IS_ERR(t))
		return PTR_ERR(t);	/* the victim spins on; reboot */
	return 0;
}

module_init(cs_test_csd_init);
/* No module_exit: the victim never comes back. */
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("crashsafe test: non-responsive CSD (victim spins with irqs off)");
