// SPDX-License-Identifier: GPL-2.0
/*
 * CSD/IPI hooks for kernels without csd:/ipi: tracepoints (6.1): kprobes
 * on the non-inlined functions of kernel/smp.c and the x86 IPI senders,
 * producing the same events as the tracepoints of csd_hooks_tp.c:
 *
 *   generic_exec_single(cpu, csd)             queue (+ tracking)
 *   __smp_call_single_queue(cpu, node)        queue (+ tracking) unless
 *                                             generic_exec_single had it
 *   smp_call_function_many_cond() entry        queue per target (csd unknown)
 *                                              + tracking of waiting calls
 *   smp_call_function_many_cond() return       end of that tracking
 *   smp_ops.send_call_func_single_ipi(cpu)     ipi
 *   smp_ops.send_call_func_ipi(mask)           ping + ipi per target
 *   __flush_smp_call_function_queue() entry    handle (IRQ) / idle (task)
 *   flush_smp_call_function_queue() return     hdlend of an idle flush
 *   (irq_vectors:call_function{,_single}_exit, csd_hooks_tp.c: hdlend of
 *   a flush in the IPI handler)
 *
 * smp_call_function_single() needs no probe of its own: its csd (on the
 * caller's stack when it waits) reaches generic_exec_single(), and the
 * wait is over when that csd's lock flag clears. The IPI senders are
 * whatever smp_ops points to (native_send_call_func_* on bare metal and
 * KVM, other functions on Xen), not fixed names.
 *
 * Return probes replace a return address on the stack while the function
 * runs, and crash/drgn then cannot unwind past it in a dump. None sits
 * where a CPU hangs in a callback from the IPI handler (the flush's end
 * there comes from the exit tracepoint). Two are left: the idle-loop
 * flush wrapper, and smp_call_function_many_cond (6.1 keeps its csds in
 * the static cfd_data, out of the hooks' sight, so its wait is tracked
 * from entry to return).
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

#define CS_SCF_WAIT		(1U << 0)	/* kernel/smp.c SCF_WAIT */

/* The csd generic_exec_single() recorded, so its inner queue is not. */
static DEFINE_PER_CPU(unsigned long, cs_kp_ges_csd);

struct cs_kp_many_call {
	u64 group;
	int cpu;
};

/* At a function's entry, the word at sp is the return address. */
static unsigned long cs_kp_retaddr(struct pt_regs *regs)
{
	unsigned long ret = 0;

	if (copy_from_kernel_nofault(&ret, (void *)kernel_stack_pointer(regs),
				     sizeof(ret)))
		return 0;
	return ret;
}

/* Any context: generic_exec_single(int cpu, call_single_data_t *csd). */
static int notrace cs_kp_ges(struct kprobe *p, struct pt_regs *regs)
{
	int cpu = (int)regs->di, this = raw_smp_processor_id();
	unsigned long csd = regs->si, func = 0, info = 0;

	if (cpu == this)
		return 0;	/* runs locally, nothing is queued */
	if (copy_from_kernel_nofault(&func, (void *)(csd + CS_CSD_FUNC_OFF),
				     sizeof(func)) ||
	    copy_from_kernel_nofault(&info, (void *)(csd + CS_CSD_INFO_OFF),
				     sizeof(info)))
		return 0;
	__this_cpu_write(cs_kp_ges_csd, csd);
	cs_event(CS_EV_QUEUE, this, cpu, func, csd, cs_kp_retaddr(regs), 0);
	cs_csd_track(cpu, func, info, csd, cs_kp_retaddr(regs));
	return 0;
}

/* Any context: __smp_call_single_queue(int cpu, struct llist_node *node). */
static int notrace cs_kp_queue(struct kprobe *p, struct pt_regs *regs)
{
	int cpu = (int)regs->di;
	unsigned long node = regs->si;
	unsigned long func = 0, info = 0;
	unsigned int flags = 0, type;

	if (__this_cpu_read(cs_kp_ges_csd) == node) {
		__this_cpu_write(cs_kp_ges_csd, 0);
		return 0;
	}
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

/*
 * Kretprobe entry (int3, preemption off), caller in task context:
 * smp_call_function_many_cond(mask, func, info, scf_flags, cond_func).
 * A queue event per target (cond_func is not called here: it may skip
 * some), and with SCF_WAIT the targets are tracked until the return.
 * Returns 1 (no return probe) when nothing is tracked.
 */
static int notrace cs_kp_many_entry(struct kretprobe_instance *ri,
				    struct pt_regs *regs)
{
	struct cs_kp_many_call *c = (struct cs_kp_many_call *)ri->data;
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
	c->group = 0;
	c->cpu = this;
	if (n && (regs->cx & CS_SCF_WAIT))
		c->group = cs_csd_track_many(mask, func, regs->dx, ret,
					     regs->r8 != 0);
	return c->group ? 0 : 1;
}

/* Kretprobe return (preemption off): the multi-CPU wait is over. */
static int notrace cs_kp_many_ret(struct kretprobe_instance *ri,
				  struct pt_regs *regs)
{
	struct cs_kp_many_call *c = (struct cs_kp_many_call *)ri->data;

	if (c->group)
		cs_csd_many_done(c->cpu, c->group);
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
	/* No callsite: the caller is the IPI handler or the idle loop. */
	cs_event(in_hardirq() ? CS_EV_HANDLE : CS_EV_IDLE, CS_NO_CPU,
		 raw_smp_processor_id(), 0, 0, 0, 0);
	return 0;
}

/* Idle task, irqs off: the idle loop's queue flush is done. */
static int notrace cs_kp_flush_ret(struct kretprobe_instance *ri,
				   struct pt_regs *regs)
{
	cs_event(CS_EV_HDLEND, CS_NO_CPU, raw_smp_processor_id(), 0, 0, 0, 0);
	return 0;
}

/* The hook kind (CS_HOOK_*) each probe gives evidence for. */
#define CS_KP_QUEUE	(CS_HOOK_CSD_QUEUE | CS_HOOK_SINGLE_WAIT)

static struct kprobe cs_kps[] = {
	{ .symbol_name = "generic_exec_single", .pre_handler = cs_kp_ges },
	{ .symbol_name = "__smp_call_single_queue", .pre_handler = cs_kp_queue },
	/* .addr from smp_ops at init */
	{ .pre_handler = cs_kp_ipi },
	{ .pre_handler = cs_kp_ipi_mask },
	{ .symbol_name = "__flush_smp_call_function_queue", .pre_handler = cs_kp_flush },
};
static const u32 cs_kp_kind[ARRAY_SIZE(cs_kps)] = {
	CS_KP_QUEUE, CS_KP_QUEUE, CS_HOOK_IPI_SEND, CS_HOOK_IPI_SEND,
	CS_HOOK_CSD_ENTRY_EXIT,
};
static bool cs_kp_ok[ARRAY_SIZE(cs_kps)];

static struct kretprobe cs_krps[] = {
	{
		.kp.symbol_name = "flush_smp_call_function_queue",
		.handler = cs_kp_flush_ret,
	},
	{
		.kp.symbol_name = "smp_call_function_many_cond",
		.entry_handler = cs_kp_many_entry,
		.handler = cs_kp_many_ret,
		.data_size = sizeof(struct cs_kp_many_call),
	},
};
static const u32 cs_krp_kind[ARRAY_SIZE(cs_krps)] = {
	CS_HOOK_CSD_ENTRY_EXIT, CS_HOOK_MANY_WAIT,
};
static bool cs_krp_ok[ARRAY_SIZE(cs_krps)];

/* Process context: a probe name for the log. */
static const char *cs_kp_name(struct kprobe *kp)
{
	return kp->symbol_name ? kp->symbol_name : "smp_ops IPI sender";
}

int cs_kp_init(void)
{
	u32 wanted = CS_KP_QUEUE | CS_HOOK_IPI_SEND | CS_HOOK_CSD_ENTRY_EXIT |
		     CS_HOOK_MANY_WAIT, failed = 0;
	int i, ret, nr = 0;

	/* What this kernel really calls: Xen guests' smp_ops differ. */
	cs_kps[2].addr = (kprobe_opcode_t *)smp_ops.send_call_func_single_ipi;
	cs_kps[3].addr = (kprobe_opcode_t *)smp_ops.send_call_func_ipi;
	for (i = 0; i < ARRAY_SIZE(cs_kps); i++) {
		if (cs_hook_forced_fail(cs_kp_kind[i]))
			ret = -EPERM;
		else if (!cs_kps[i].symbol_name && !cs_kps[i].addr)
			ret = -ENOENT;
		else
			ret = register_kprobe(&cs_kps[i]);
		if (ret) {
			pr_warn("kprobe %s: %d%s\n", cs_kp_name(&cs_kps[i]), ret,
				ret == -EPERM ? " (fail_hooks)" : "");
			failed |= cs_kp_kind[i];
			continue;
		}
		cs_kp_ok[i] = true;
		nr++;
	}
	for (i = 0; i < ARRAY_SIZE(cs_krps); i++) {
		/*
		 * Handlers run with preemption off. The probed functions run
		 * with preemption (flush: irqs) off nearly to their return,
		 * so about one instance per CPU is live. A missed instance
		 * skips its entry handler too: nothing stays tracked without
		 * its return.
		 */
		cs_krps[i].maxactive = num_possible_cpus() * 4;
		if (cs_hook_forced_fail(cs_krp_kind[i]))
			ret = -EPERM;
		else
			ret = register_kretprobe(&cs_krps[i]);
		if (ret) {
			pr_warn("kretprobe %s: %d%s\n",
				cs_krps[i].kp.symbol_name, ret,
				ret == -EPERM ? " (fail_hooks)" : "");
			failed |= cs_krp_kind[i];
			continue;
		}
		cs_krp_ok[i] = true;
		nr++;
	}
	cs_csd_set_hooks(wanted, wanted & ~failed);
	if (!nr) {
		cs_kp_exit();
		return -ENOENT;
	}
	pr_info("%d kprobes/kretprobes on kernel/smp.c and IPI senders\n", nr);
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
	for (i = 0; i < ARRAY_SIZE(cs_krps); i++) {
		if (cs_krp_ok[i])
			unregister_kretprobe(&cs_krps[i]);
		cs_krp_ok[i] = false;
	}
}
