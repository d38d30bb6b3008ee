// SPDX-License-Identifier: GPL-2.0
/*
 * CSD/IPI hooks for kernels without csd:/ipi: tracepoints (6.1): kprobes
 * on the non-inlined functions of kernel/smp.c and the x86 IPI senders,
 * producing the same events as the tracepoints of csd_hooks_tp.c:
 *
 *   __smp_call_single_queue(cpu, node)        queue (+ tracking)
 *   smp_call_function_many_cond(mask, func..)  queue per target (csd unknown)
 *   native_send_call_func_single_ipi(cpu)      ipi
 *   native_send_call_func_ipi(mask)            ping + ipi per target
 *   __flush_smp_call_function_queue() entry    handle (IRQ) / idle (task)
 *   __flush_smp_call_function_queue() return   hdlend
 *
 * Handlers may run in any context, NMI included.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <linux/smp.h>
#include <linux/cpumask.h>
#include <linux/uaccess.h>

#include "crashsafe.h"
#include "csd.h"

#define CS_MASK_EXPAND_MAX	64

static unsigned long cs_kp_retaddr(struct pt_regs *regs)
{
	return regs_get_kernel_stack_nth(regs, 0);
}

/* Any context: __smp_call_single_queue(int cpu, struct llist_node *node). */
static int notrace cs_kp_queue(struct kprobe *p, struct pt_regs *regs)
{
	int cpu = (int)regs->di;
	unsigned long node = regs->si;
	unsigned long func = 0, info = 0;
	unsigned int flags = 0, type;

	if (copy_from_kernel_nofault(&flags, (void *)(node + CS_CSD_FLAGS_OFF),
				     sizeof(flags)))
		return 0;
	type = flags & CSD_FLAG_TYPE_MASK;
	/* A task's wake_entry has no func; csd and irq_work have it here. */
	if (type != CSD_TYPE_TTWU)
		(void)copy_from_kernel_nofault(&func,
				(void *)(node + CS_CSD_FUNC_OFF), sizeof(func));
	cs_event(CS_EV_QUEUE, raw_smp_processor_id(), cpu, func, node,
		 cs_kp_retaddr(regs), 0);
	if (type == CSD_TYPE_SYNC || type == CSD_TYPE_ASYNC) {
		(void)copy_from_kernel_nofault(&info,
				(void *)(node + CS_CSD_INFO_OFF), sizeof(info));
		cs_csd_track(cpu, func, info, node, cs_kp_retaddr(regs));
	}
	return 0;
}

/* Task context: smp_call_function_many_cond(mask, func, info, flags, cond). */
static int notrace cs_kp_many(struct kprobe *p, struct pt_regs *regs)
{
	const struct cpumask *mask = (const struct cpumask *)regs->di;
	unsigned long func = regs->si, ret = cs_kp_retaddr(regs);
	int this = raw_smp_processor_id();
	unsigned int cpu, n = 0;

	for_each_cpu_and(cpu, mask, cpu_online_mask) {
		if (cpu == this)
			continue;
		if (++n > CS_MASK_EXPAND_MAX)
			break;
		cs_event(CS_EV_QUEUE, this, cpu, func, 0, ret, 0);
	}
	return 0;
}

/* Any context: native_send_call_func_single_ipi(int cpu). */
static int notrace cs_kp_ipi(struct kprobe *p, struct pt_regs *regs)
{
	cs_event(CS_EV_IPI, raw_smp_processor_id(), (int)regs->di, 0, 0,
		 cs_kp_retaddr(regs), 0);
	return 0;
}

/* Any context: native_send_call_func_ipi(const struct cpumask *mask). */
static int notrace cs_kp_ipi_mask(struct kprobe *p, struct pt_regs *regs)
{
	const struct cpumask *mask = (const struct cpumask *)regs->di;
	unsigned long ret = cs_kp_retaddr(regs);
	int this = raw_smp_processor_id();
	unsigned int w = cpumask_weight(mask), cpu;

	cs_event(CS_EV_PING, this, CS_NO_CPU, 0, 0, ret, w);
	if (w > CS_MASK_EXPAND_MAX)
		return 0;
	for_each_cpu(cpu, mask)
		cs_event(CS_EV_IPI, this, cpu, 0, 0, ret, 1);
	return 0;
}

/* Hard-IRQ or idle/task context with irqs off: queue flush starts. */
static int notrace cs_kp_flush(struct kprobe *p, struct pt_regs *regs)
{
	cs_event(in_hardirq() ? CS_EV_HANDLE : CS_EV_IDLE, CS_NO_CPU,
		 raw_smp_processor_id(), 0, 0, cs_kp_retaddr(regs), 0);
	return 0;
}

/* Same context as cs_kp_flush: queue flush done. */
static int notrace cs_kp_flush_ret(struct kretprobe_instance *ri,
				   struct pt_regs *regs)
{
	cs_event(CS_EV_HDLEND, CS_NO_CPU, raw_smp_processor_id(), 0, 0, 0, 0);
	return 0;
}

static struct kprobe cs_kps[] = {
	{ .symbol_name = "__smp_call_single_queue", .pre_handler = cs_kp_queue },
	{ .symbol_name = "smp_call_function_many_cond", .pre_handler = cs_kp_many },
	{ .symbol_name = "native_send_call_func_single_ipi", .pre_handler = cs_kp_ipi },
	{ .symbol_name = "native_send_call_func_ipi", .pre_handler = cs_kp_ipi_mask },
	{ .symbol_name = "__flush_smp_call_function_queue", .pre_handler = cs_kp_flush },
};
static bool cs_kp_ok[ARRAY_SIZE(cs_kps)];

static struct kretprobe cs_krp = {
	.kp.symbol_name = "__flush_smp_call_function_queue",
	.handler = cs_kp_flush_ret,
};
static bool cs_krp_ok;

int cs_kp_init(void)
{
	int i, ret, nr = 0;

	for (i = 0; i < ARRAY_SIZE(cs_kps); i++) {
		ret = register_kprobe(&cs_kps[i]);
		if (ret) {
			pr_warn("kprobe %s: %d\n", cs_kps[i].symbol_name, ret);
			continue;
		}
		cs_kp_ok[i] = true;
		nr++;
	}
	cs_krp.maxactive = num_possible_cpus() * 2;
	ret = register_kretprobe(&cs_krp);
	if (ret)
		pr_warn("kretprobe %s: %d\n", cs_krp.kp.symbol_name, ret);
	else
		cs_krp_ok = true;
	if (!nr) {
		cs_kp_exit();
		return -ENOENT;
	}
	pr_info("%d kprobes on kernel/smp.c and IPI senders\n", nr);
	return 0;
}

void cs_kp_exit(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(cs_kps); i++) {
		if (cs_kp_ok[i])
			unregister_kprobe(&cs_kps[i]);
		cs_kp_ok[i] = false;
	}
	if (cs_krp_ok)
		unregister_kretprobe(&cs_krp);
	cs_krp_ok = false;
}
