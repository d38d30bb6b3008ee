// SPDX-License-Identifier: GPL-2.0
/*
 * CSD/IPI hooks for kernels without csd:/ipi: tracepoints (6.1): kprobes
 * on the non-inlined functions of kernel/smp.c and the x86 IPI senders,
 * producing the same events as the tracepoints of csd_hooks_tp.c:
 *
 *   generic_exec_single(cpu, csd)             queue (+ tracking)
 *   __smp_call_single_queue(cpu, node)        queue (+ tracking) unless
 *                                             generic_exec_single had it
 *   smp_call_function_many_cond() entry        queue per target, with the
 *                                              target's csd from cfd_data
 *                                              (+ tracking of waiting calls)
 *   smp_ops.send_call_func_single_ipi(cpu)     ipi
 *   smp_ops.send_call_func_ipi(mask)           ping + ipi per target
 *   __flush_smp_call_function_queue() entry    handle (IRQ) / idle (task)
 *   first interrupt after an idle flush        hdlend of that flush
 *   (irq_vectors:call_function{,_single}_exit, csd_hooks_tp.c: hdlend of
 *   a flush in the IPI handler)
 *
 * No return probe: a kretprobe replaces the return address on the stack
 * while the function runs (with __kretprobe_trampoline), and the dump's
 * backtraces (the kernel's own, crash's, drgn's) then lose the caller,
 * exactly where a CPU hangs. The end of every wait is read from its csd
 * instead (csd_detect.c: the wait is on while CSD_FLAG_LOCK is set), and
 * the end of an idle-loop flush from the interrupt that follows it: that
 * flush runs with interrupts off from start to end.
 *
 * smp_call_function_single() needs no probe of its own: its csd (on the
 * caller's stack when it waits) reaches generic_exec_single(). The csds of
 * smp_call_function_many_cond() are per sender and target in the static
 * per-CPU cfd_data, found once by name. The IPI senders are whatever
 * smp_ops points to (native_send_call_func_* on bare metal and KVM, other
 * functions on Xen), not fixed names.
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
#include <linux/percpu.h>
#include <linux/tracepoint.h>

#include "crashsafe.h"
#include "csd.h"

#define CS_SCF_WAIT		(1U << 0)	/* kernel/smp.c SCF_WAIT */

/* The csd generic_exec_single() recorded, so its inner queue is not. */
static DEFINE_PER_CPU(unsigned long, cs_kp_ges_csd);

/* An idle-loop flush started on this CPU and no interrupt came since. */
static DEFINE_PER_CPU(bool, cs_kp_idle_open);

/*
 * kernel/smp.c (6.1): struct call_function_data starts with
 * struct cfd_percpu __percpu *pcpu, and struct cfd_percpu with the
 * call_single_data_t of that (sender, target) pair (pahole of Debian's
 * 6.1.0-57 BTF). cs_kp_cfd is &cfd_data, 0 if it was not found.
 */
#define CS_CFD_PCPU_OFF		0
static unsigned long cs_kp_cfd;

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
 * Any context (@sender's own many call, preemption off): the csd that
 * @sender uses for @cpu, 0 if unknown. cfd->pcpu is read at each call:
 * kernel/smp.c frees and reallocates it across CPU hotplug.
 */
static unsigned long cs_kp_many_csd(int sender, int cpu)
{
	unsigned long pcpu = 0;

	if (!cs_kp_cfd ||
	    copy_from_kernel_nofault(&pcpu, (void *)(per_cpu_offset(sender) +
				     cs_kp_cfd + CS_CFD_PCPU_OFF),
				     sizeof(pcpu)) || !pcpu)
		return 0;
	return pcpu + per_cpu_offset(cpu);
}

/*
 * Kprobe (int3, preemption off), caller in task context:
 * smp_call_function_many_cond(mask, func, info, scf_flags, cond_func).
 * A queue event per target (cond_func is not called here: it may skip
 * some), and with SCF_WAIT every target's csd is tracked. The csds are
 * locked after this point: csd_detect.c gives them one check pass to be.
 */
static int notrace cs_kp_many(struct kprobe *p, struct pt_regs *regs)
{
	const struct cpumask *mask = (const struct cpumask *)regs->di;
	unsigned long func = regs->si, ret = cs_kp_retaddr(regs), csd;
	int this = raw_smp_processor_id();
	bool wait = regs->cx & CS_SCF_WAIT;
	unsigned int cpu, n = 0;

	for_each_cpu_and(cpu, mask, cpu_online_mask) {
		if (cpu == this)
			continue;
		csd = cs_kp_many_csd(this, cpu);
		if (++n <= CS_MASK_EXPAND_MAX)
			cs_event(CS_EV_QUEUE, this, cpu, func, csd, ret, 0);
		if (wait && csd)
			cs_csd_track_prelock(cpu, func, regs->dx, csd, ret);
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

/*
 * Hard-IRQ context: this CPU takes an interrupt, so a flush of its queue
 * from the idle loop (interrupts off throughout) has ended: its hdlend.
 */
static void notrace cs_kp_idle_end(void)
{
	if (!__this_cpu_read(cs_kp_idle_open))
		return;
	__this_cpu_write(cs_kp_idle_open, false);
	cs_event(CS_EV_HDLEND, CS_NO_CPU, raw_smp_processor_id(), 0, 0, 0, 0);
}

/* Hard-IRQ or idle/task context with irqs off: queue flush starts. */
static int notrace cs_kp_flush(struct kprobe *p, struct pt_regs *regs)
{
	bool irq = in_hardirq();

	/* No callsite: the caller is the IPI handler or the idle loop. */
	if (irq)
		cs_kp_idle_end();
	else
		__this_cpu_write(cs_kp_idle_open, true);
	cs_event(irq ? CS_EV_HANDLE : CS_EV_IDLE, CS_NO_CPU,
		 raw_smp_processor_id(), 0, 0, 0, 0);
	return 0;
}

/* Hard-IRQ context: irq_vectors:local_timer_entry and call_function*_entry. */
static void notrace cs_kp_irq_entry(void *data, int vector)
{
	cs_kp_idle_end();
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
	{ .symbol_name = "smp_call_function_many_cond", .pre_handler = cs_kp_many },
};
static const u32 cs_kp_kind[ARRAY_SIZE(cs_kps)] = {
	CS_KP_QUEUE, CS_KP_QUEUE, CS_HOOK_IPI_SEND, CS_HOOK_IPI_SEND,
	CS_HOOK_CSD_ENTRY_EXIT, CS_HOOK_MANY_WAIT,
};
static bool cs_kp_ok[ARRAY_SIZE(cs_kps)];

/*
 * The interrupts that end an idle flush. They run before the other probes
 * of these tracepoints (csd_hooks_tp.c's gotipi), so the hdlend of the
 * idle flush precedes the interrupt's own events in the ring.
 */
#define CS_KP_IRQ_PRIO	(TRACEPOINT_DEFAULT_PRIO + 1)
static const char * const cs_kp_irq_tps[] = {
	"local_timer_entry", "call_function_entry", "call_function_single_entry",
};
static struct tracepoint *cs_kp_irq_tp[ARRAY_SIZE(cs_kp_irq_tps)];

/*
 * Process context: &cfd_data (kernel/smp.c, static per-CPU) by name.
 * kallsyms_lookup_name() is not exported since 5.7; a kprobe resolves its
 * address. Only 6.1 comes here, built without X86_KERNEL_IBT, so the
 * indirect call needs no ENDBR. 0 if not found.
 */
static unsigned long cs_kp_find_cfd(void)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	unsigned long (*lookup)(const char *name);
	unsigned long cfd, pcpu = 0;

	if (register_kprobe(&kp))
		return 0;
	lookup = (unsigned long (*)(const char *))kp.addr;
	unregister_kprobe(&kp);
	cfd = lookup ? lookup("cfd_data") : 0;
	/* A per-CPU offset: this CPU's copy must hold a pcpu pointer. */
	if (!cfd || copy_from_kernel_nofault(&pcpu,
			(void *)(per_cpu_offset(raw_smp_processor_id()) +
				cfd + CS_CFD_PCPU_OFF),
			sizeof(pcpu)) || !pcpu)
		return 0;
	return cfd;
}

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

	/* Before the probes: cs_kp_many() reads it. */
	cs_kp_cfd = cs_kp_find_cfd();
	if (!cs_kp_cfd) {
		pr_warn("cfd_data not found: multi-CPU waits not tracked\n");
		failed |= CS_HOOK_MANY_WAIT;
	}
	/* Before the flush probe, so that no idle flush goes without its end. */
	for (i = 0; i < ARRAY_SIZE(cs_kp_irq_tps); i++) {
		struct tracepoint *tp = cs_tracepoint_find(cs_kp_irq_tps[i]);

		if (cs_hook_forced_fail(CS_HOOK_CSD_ENTRY_EXIT))
			ret = -EPERM;
		else
			ret = tp ? tracepoint_probe_register_prio(tp,
					cs_kp_irq_entry, NULL, CS_KP_IRQ_PRIO) :
				   -ENOENT;
		if (ret) {
			pr_warn("tracepoint %s: %d%s\n", cs_kp_irq_tps[i], ret,
				ret == -EPERM ? " (fail_hooks)" : "");
			failed |= CS_HOOK_CSD_ENTRY_EXIT;
			continue;
		}
		cs_kp_irq_tp[i] = tp;
	}

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
	cs_csd_set_hooks(wanted, wanted & ~failed);
	if (!nr) {
		cs_kp_exit();
		return -ENOENT;
	}
	pr_info("%d kprobes (no return probes) on kernel/smp.c and IPI senders\n",
		nr);
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
	for (i = 0; i < ARRAY_SIZE(cs_kp_irq_tp); i++) {
		if (cs_kp_irq_tp[i])
			tracepoint_probe_unregister(cs_kp_irq_tp[i],
						    cs_kp_irq_entry, NULL);
		cs_kp_irq_tp[i] = NULL;
	}
	/* Gone before the module text: csd_hooks_tp.c syncs its own. */
	tracepoint_synchronize_unregister();
}
